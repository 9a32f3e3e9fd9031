-- wrk script: GET the same page, each connection waiting PACE_MS (default 50) between requests,
-- so that N connections send about N * 1000 / (PACE_MS + latency) requests a second: wrk
-- (unlike wrk2) cannot fix a rate, and this bounds it.
function init(args)
  pace = tonumber(os.getenv("PACE_MS") or "50")
end

function delay()
  return pace
end
