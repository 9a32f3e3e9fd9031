-- settle ledger, schema version 2 (SQLite): the day we first answered the claim (seed 002,
-- step 1: the 24-hour acknowledgement), which stops the first-answer clock before any round of
-- ours. NULL until acknowledged; a round of ours answers the claim too.
ALTER TABLE claims ADD COLUMN acknowledged_on TEXT;
