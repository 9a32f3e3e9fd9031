# The rep-facing text of settle, in English (the reference and the fallback).
# Identifiers in JSON output never come from here.

## Counts

days = { $n ->
    [one] 1 day
   *[other] { $n } days
}

## The desk: whose move, what is due

label-move = Move
label-due = Due
label-logged = Logged
label-acknowledged = Acknowledged
label-rounds = Rounds
label-advice-log = Advice given
label-customer = Customer
label-order = Order
label-problem = Problem
label-ask = Ask
turn-ours = ours
turn-ours-waited = ours: the buyer has waited { $n ->
    [one] 1 day
   *[other] { $n } days
}
turn-short-ours = ours
turn-buyer = the buyer's
turn-settled = settled: execute and close
turn-closed = closed
due-first-answer = first answer
due-reply = reply
due-execute = execute the settlement
due-claim-period = the contract's claim period
due-prompt-notice = a reasonable time for notice (CISG 39(1))
due-notice-limit = the notice limit (CISG 39(2))
due-overdue = { $what } overdue by { $late ->
    [one] 1 day
   *[other] { $late } days
} (due { $by })
due-pending = { $what } by { $by } ({ $left ->
    [0] today
    [one] tomorrow
   *[other] in { $left } days
})
due-met = claim within { $what } (ends { $by })
due-missed = claim came { $late ->
    [one] 1 day
   *[other] { $late } days
} after { $what } ended ({ $by })

## claim list

list-head = As of { $as_of }: { $n ->
    [0] no { $filter } claims
    [one] 1 { $filter } claim
   *[other] { $n } { $filter } claims
}{ $overdue ->
    [0] {""}
   *[other] , { $overdue } overdue
}
filter-open = open
filter-closed = closed
filter-all = open and closed
col-due = due
col-claim = claim
col-customer = customer
col-problem = problem
col-ask = ask
col-move = move
col-waited = waited

## claim show

show-head = Claim { $claim } ({ $status }, version { $version }, assigned to { $assigned })
status-open = open
status-closed = closed
nobody = nobody
no-order-number = no order number
none-yet = none yet
show-created = Entered { $at } by { $by }; { $events ->
    [one] 1 event
   *[other] { $events } events
} in the audit log
brief-customer = { $name } ({ $relationship }, { $years ->
    [one] 1 year
   *[other] { $years } years
} of business)
brief-order = { $number }: { $value }, { $paid } paid, { $quantity } units, { $stage }
brief-problem = { $kind }: { $summary } ({ $affected } units), received { $received }
brief-ask = { $amount } as { $remedy }
relationship-new = new customer
relationship-repeat = repeat customer
relationship-key = key account
stage-pre-shipment = not shipped
stage-in-transit = in transit
stage-delivered = delivered
stage-in-use = in use
party-buyer = the buyer
party-seller = we
round-propose = { $who } proposed { $remedy } ({ $amount })
round-accept = { $who } accepted
round-refuse = { $who } refused
round-withdraw = { $who } withdrew
round-request-evidence = { $who } asked for evidence
round-evidence = { $who } sent evidence

## Writes

written = { $claim } (version { $version }): { $what }
written-round = round { $seq } on { $on }: { $what }
written-create = entered in the ledger
written-acknowledge = acknowledged
written-close = closed
logged-as = advice { $seq } in the decision log (claim version { $version })

## Names

remedy-refund = refund
remedy-reship = reship
remedy-discount = discount
remedy-repair = repair
remedy-credit = credit
remedy-reject = reject
kind-quality-defect = quality_defect
kind-short-shipment = short_shipment
kind-transit-damage = transit_damage
kind-late-delivery = late_delivery
kind-wrong-spec = wrong_spec
kind-documents = documents
kind-safety = safety
list-separator = {"; "}
a-manager = a manager

## advise

advice-claim = Claim        { $claim } ({ $kind }), { $customer } asks { $ask } as { $remedy }
advice-bottom-line = Bottom line  { $why }
advice-buyer = The buyer    { $parts }
belief-above = wants more than { $amount } (it turned that down)
belief-at-most = would take { $amount } (its proposal)
belief-pace = concedes { $share } of the gap per round
advice-responsible = Responsible  seller { $seller }, buyer { $buyer }, carrier { $carrier }{ $unclear ->
    [yes] {" "}(unclear)
   *[no] {""}
}
advice-no-rule = no rule covers this claim
advice-fair-share = Fair share   { $fair } of a loss of { $loss }; the customer is worth { $worth }
advice-options = Options
advice-why-not = Why not
advice-rule = rule { $ids }
advice-plan = Plan if the buyer counters
advice-plan-step = round { $round }: { $accepting ->
    [yes] accept the buyer's proposal,
   *[no] offer
} { $offer } (costs { $cost })
advice-warnings = Warnings
advice-rules-behind = Rules behind the figures
advice-rule-set = Rule set { $rules }
advice-accept = accept
advice-buyers-proposal = the buyer's proposal: { $proposal }
advice-none-within = none within the bottom line
advice-not-offered = not offered
advice-col-option = option
advice-col-proposal = proposal
advice-col-cost = cost
advice-col-chance = chance
advice-col-expected = expected total
figure-responsibility = responsibility
figure-fair-share = fair share
figure-customer-value = customer value
figure-acceptance = acceptance
figure-patience = patience
figure-loyalty = loyalty
figure-bottom-line = bottom line
figure-concession-ladder = concession ladder
figure-cost-adjustments = cost adjustments
figure-cost-of-the-proposal = cost of the proposal
figure-next-move = next move

## The advice's sentences (English ones are the engine's own; these stand behind the others)

proposal-refund-cancels = a refund of { $amount }, cancelling the affected units (goods stay with us)
proposal-refund-back = a refund of { $amount }, goods returned to us
proposal-refund = a refund of { $amount }, goods not returned
proposal-reship = replacement goods worth { $amount } ({ $units } units{ $freight ->
    [seller] , freight paid by us
    [buyer] , freight paid by the buyer
   *[none] {""}
})
proposal-discount = a discount of { $amount }
proposal-repair = free repair of { $units } units (worth { $amount } to the buyer{ $freight ->
    [seller] , freight paid by us
    [buyer] , freight paid by the buyer
   *[none] {""}
})
proposal-credit = a credit of { $amount } on the next order
proposal-reject = no compensation
move-approval = , with the { $approver }'s approval
move-accept = Accept the buyer's proposal: { $proposal }{ $approval }; it costs us { $cost }.
move-offer = Offer { $proposal }{ $approval }; it costs us { $cost }.
move-execute-theirs = Settled: the buyer accepted our offer, { $proposal }. Carry it out, send the buyer the proof, then close the claim; it costs us { $cost }.
move-execute-none = Settled: the claim was closed with no compensation. Nothing to carry out: thank the buyer and close the claim.
move-execute-ours = Settled: we accepted the buyer's proposal, { $proposal }. Carry it out, send the buyer the proof, then close the claim; it costs us { $cost }.
move-reject = Reject the claim politely, citing the evidence: { $why }. Leave the buyer a way to save face.
move-request-evidence = Ask for evidence before offering money: { $documents }.
move-with-evidence = {" "}With that evidence, as the rules expect it to read: { $then }
move-escalate = Escalate to { $to } ({ $why }): { $then }
move-escalate-offer = put { $accepting ->
    [yes] accepting the buyer's proposal,{" "}
   *[no] {""}
}{ $proposal } to the approver; it costs us { $cost }.
move-escalate-reject = the advice would be to reject the claim.
move-escalate-none = no offer lies within the bottom line.
why-below-opening = worth less to the buyer than our opening offer ({ $opening }): it would low-ball the claim
why-over-bottom-line = every offer of this option costs more than the bottom line
why-no-value = no offer of this option has any value to the buyer here
why-above-proposal = every offer of this option costs us at least what accepting the buyer's proposal costs ({ $cost })
why-turned-down = the buyer has already turned down offers worth as much to it
warning-reply-overdue = the buyer has waited { $days } days for an answer; answer within { $limit } day(s), calmly, before anything else (seed 002, step 1)
warning-claim-above-value = the claim ({ $ask }) is above the goods' value ({ $value }): verify it before paying (seed 004)
warning-notice-expired = notice came { $days } days after delivery, past the { $limit }-day limit: the buyer may have lost the right to rely on the defect (CISG art. 39(2))
warning-notice-late = notice came { $days } days after delivery, later than { $limit } days: check it was within a reasonable time (CISG art. 39(1))
warning-no-responsibility-rule = no responsibility rule covers this claim: shared evenly and marked unclear
warning-no-approval-limit = the rule set has no approval limit for { $currency }

## explain

explain-head = Explain { $claim } under { $rules }
explain-section-responsibility = Responsibility (hit policy { $policy })
explain-section-eligibility = Eligibility: rules that block options
explain-section-cost-adjustment = Cost adjustments
explain-section-escalation = Escalation
explain-section-evidence = Evidence requests (made only when responsibility is unclear and the claim is material)
explain-match = MATCH
explain-match-not-consulted = match (not consulted)
explain-no = no
explain-no-not-consulted = no (not consulted)
explain-read = { $field } is { $value }   (needs { $test })
explain-always = always
explain-costs = Costs in force
explain-figures = Figures
explain-figure-loss-basis = loss basis
explain-figure-loss-basis-how = the ask, capped at costs.foreseeable x the order value (CISG art. 74)
explain-figure-fair-share = fair share
explain-figure-fair-share-how = seller share x loss basis
explain-figure-customer-value = customer value
explain-figure-customer-value-how = annual purchases x margin x retention annuity
explain-figure-walk-cost = walk-away cost
explain-figure-walk-cost-how = withheld balance + award + dispute + customer lost
explain-figure-stalemate-cost = stalemate cost
explain-figure-stalemate-cost-how = granting the ask later + customer lost (seed 001)
explain-figure-bottom-line = bottom line
explain-figure-bottom-line-how = least of: granting the ask, walking away, rejecting
explain-belief = The buyer, round by round (what it will accept: more than the offers it turned down, at most its proposal)
explain-belief-round = round { $round }
explain-belief-between = more than { $above }, at most { $at_most }
explain-belief-above = more than { $above }
explain-belief-at-most = at most { $at_most }
explain-belief-nothing = nothing known yet
explain-belief-chance = the advised offer: { $before }% before any round, { $now }% now  [{ $rules }]
explain-options = Options: the offers weighed, and why not
explain-offer = { $offer }  cost { $cost }  chance { $chance }%  expected { $expected }

## claim new: the questions

prompt-intro = A new claim: answer what you know; Enter takes the default in brackets.
prompt-section-top = The claim
prompt-section-customer = The buyer
prompt-section-order = The order
prompt-section-problem = What went wrong
prompt-section-evidence = The evidence at hand
prompt-section-ask = What the buyer asks
prompt-evidence-flags = Which of these hold? (space ticks, Enter goes on)
prompt-optional = optional: leave empty if unknown
prompt-confirm = Enter this claim in the ledger?
prompt-cancelled = nothing was written

## The web desk (settle serve): its pages' words

web-kind-propose = a proposal
web-kind-accept = accepts the other side's proposal
web-kind-refuse = refuses it
web-kind-withdraw = withdraws its own proposal
web-kind-request-evidence = asks for evidence
web-kind-evidence = sends evidence
web-skip = Skip to the content
web-nav = Pages
web-language = Language
web-switch = Switch
web-log-in = Log in
web-log-out = Log out
web-login-failed = The user name or password is wrong, or the user is disabled.
web-login-throttled = Too many failed logins for this user name: try again in {"{"}minutes{"}"} minutes.
web-user-name = User name
web-password = Password
web-open-claims = Open claims
web-new-claim = New claim
web-new-claim-lead = What the buyer says and what you know: every field as in a claim file; fields marked * are required.
web-form-has-errors = The claim was not entered; fix the fields marked below.
web-enter-claim = Enter the claim
web-assigned = Assigned to
web-assign-to = Assign to rep
web-assign-help = The user name of the rep who works the claim (empty: nobody yet).
web-approvals = Approvals
web-approvals-lead = Offers above a rep's limit wait here for your decision; the rep sees it on the claim.
web-outcomes = Outcomes
web-outcomes-lead = Recently closed claims: what was settled, what it cost, and whether the customer stayed.
web-rules = Rules
web-analyst = Analyst
web-analyst-lead = Replay or simulate a candidate rule set against the ledger's history; the report is the one `settle replay --html` writes
web-closed-claims = closed claims
web-candidate = Candidate rule folder
web-run-what = Run
web-replay = A replay of the closed claims
web-simulate = A simulation on the ledger's claims
web-run = Run
web-no-candidates = No candidate rule folders: start the server with --candidates DIR (a folder of rule-set folders).
web-no-history = The ledger has no claims to run it on yet.
web-due = Due
web-claim = Claim
web-customer = Customer
web-problem = Problem
web-ask = Ask
web-order = Order
web-received = Received
web-move = Move
web-no-claims = No open claims.
web-closed = closed
web-next-move = Next move
web-gate = This move needs the { $approver }'s approval: its cost is above the limit of { $limit }
web-approval-pending = Waiting for approval.
web-approval-approved = Approved by
web-approval-declined = Declined by
web-ask-approval = Ask for approval
web-we-sent-offer = We sent this offer
web-we-accepted = We accepted the buyer's proposal
web-we-acknowledged = We acknowledged the claim
web-log-advice = Log this advice
web-buyer-replied = The buyer replied
web-buyer-accepted = Accepted our offer
web-buyer-refused = Refused our offer
web-counter-remedy = Option
web-counter-amount = Amount
web-on-day = On
web-record-counter = Record the buyer's counter
web-record-other = Record another move
web-round-kind = What happened
web-round-by = Who
web-party-buyer = the buyer
web-party-seller = us
web-note = Note
web-record = Record
web-draft-ack = The first answer to send
web-draft-reply = The reply to send
web-buyer-language = The buyer's language
web-draft-text = Draft
web-copy = Copy the draft
web-copied = Copied.
web-the-advice = The advice
web-options = Options
web-why-not = Why not
web-plan = The plan if the buyer counters
web-warnings = Warnings
web-rules-behind = The rules behind each figure
web-rule-set = Rule set
web-history = History
web-rounds = Rounds
web-no-rounds = No rounds yet.
web-advice-given = Advice given
web-no-advice = No advice logged yet.
web-audit-log = Audit log
web-asked-by = Asked by
web-cost = Cost
web-limit = Limit
web-comment = Comment
web-approve = Approve
web-decline = Decline
web-no-pending = No approvals are waiting.
web-recent-decisions = Recent decisions
web-proposal = Proposal
web-decision = Decision
web-version = Version
web-hash = Hash
web-lint = Lint
web-lint-clean = no warnings
web-warnings-count = warnings
web-rule-tests = Rule tests
web-rule-tests-none = not run: the rule tests were not found (start the server with --rules DIR, or from the project folder)
web-rule-tests-run = run
web-rule-tests-failed = failed
web-rule-tests-broken = the rule tests have errors
web-every-rule = Every rule
web-rule = Rule
web-why = Why
web-source = Source
web-where = Where
web-outcome = Outcome
web-retained = Customer kept
web-no-outcomes = No claim has been closed yet.
web-yes = yes
web-no = no
web-close-claim = Close the claim
web-close-settled = The buyer and we agreed: close the claim with what it cost us.
web-as-accepted = as accepted
web-cost-to-us = What it cost us
web-units = { $n } units
web-assign = Assign
web-evidence-field = Evidence field it changes
web-evidence-value = Its new value
