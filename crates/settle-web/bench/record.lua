-- wrk script: record a round (a request for evidence) on claim LOAD-<thread + CLAIM_OFFSET>, one
-- connection per thread, each write naming the version the last one left (so none conflicts). The CSRF token
-- of the local-mode server comes from SETTLE_CSRF. PACE_MS, if set, waits that long between
-- requests on each connection (wrk cannot fix a rate; this bounds it).
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
end

function init(args)
  version = 1
  csrf = os.getenv("SETTLE_CSRF")
  pace = tonumber(os.getenv("PACE_MS") or "0")
  path = "/claims/LOAD-" .. (id + tonumber(os.getenv("CLAIM_OFFSET") or "0")) .. "/rounds"
  written, refused = 0, 0
end

function request()
  local body = "csrf=" .. csrf .. "&version=" .. version ..
    "&kind=request_evidence&by=seller&note=photos%20of%20the%20batch%20labels"
  return wrk.format("POST", path, { ["Content-Type"] = "application/x-www-form-urlencoded" }, body)
end

function response(status, headers, body)
  if status == 303 then
    version = version + 1
    written = written + 1
  else
    refused = refused + 1
  end
end

function delay()
  return pace
end
