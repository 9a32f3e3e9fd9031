-- settle ledger, schema version 1 (PostgreSQL): claims, their rounds, the decision log, the audit log.
-- Money is decimal text, dates are YYYY-MM-DD, times are UTC YYYY-MM-DDTHH:MM:SS.ffffffZ.
-- Claim ids use the "C" collation so that they sort bytewise, as in SQLite.

CREATE TABLE claims (
    id          TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    version     BIGINT NOT NULL CHECK (version >= 1),
    status      TEXT   NOT NULL CHECK (status IN ('open', 'closed')),
    document    TEXT   NOT NULL,
    assigned_to TEXT COLLATE "C",
    created_at  TEXT   NOT NULL,
    created_by  TEXT   NOT NULL,
    updated_at  TEXT   NOT NULL,
    closed_at   TEXT,
    outcome     TEXT,
    CHECK ((status = 'closed') = (closed_at IS NOT NULL AND outcome IS NOT NULL))
);
CREATE INDEX claims_by_status ON claims (status, id);
CREATE INDEX claims_by_assignee ON claims (assigned_to, status, id);

CREATE TABLE rounds (
    claim_id    TEXT COLLATE "C" NOT NULL REFERENCES claims (id),
    seq         BIGINT NOT NULL CHECK (seq >= 1),
    version     BIGINT NOT NULL,
    kind        TEXT   NOT NULL CHECK (kind IN ('propose', 'accept', 'refuse', 'withdraw', 'request_evidence', 'evidence')),
    party       TEXT   NOT NULL CHECK (party IN ('buyer', 'seller')),
    on_date     TEXT   NOT NULL,
    remedy      TEXT,
    amount      TEXT,
    note        TEXT,
    changes     TEXT,
    recorded_at TEXT   NOT NULL,
    recorded_by TEXT   NOT NULL,
    PRIMARY KEY (claim_id, seq),
    CHECK ((kind = 'propose') = (remedy IS NOT NULL AND amount IS NOT NULL))
);

CREATE TABLE advice_log (
    claim_id        TEXT COLLATE "C" NOT NULL REFERENCES claims (id),
    seq             BIGINT NOT NULL CHECK (seq >= 1),
    on_version      BIGINT NOT NULL,
    given_at        TEXT   NOT NULL,
    given_by        TEXT   NOT NULL,
    as_of           TEXT   NOT NULL,
    ruleset_name    TEXT   NOT NULL,
    ruleset_version TEXT   NOT NULL,
    ruleset_hash    TEXT   NOT NULL,
    action          TEXT   NOT NULL,
    remedy          TEXT,
    amount          TEXT,
    cost            TEXT,
    advice          TEXT   NOT NULL,
    PRIMARY KEY (claim_id, seq)
);

CREATE TABLE events (
    id       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    claim_id TEXT COLLATE "C" REFERENCES claims (id),
    version  BIGINT,
    at       TEXT   NOT NULL,
    actor    TEXT   NOT NULL,
    action   TEXT   NOT NULL,
    detail   TEXT   NOT NULL
);
CREATE INDEX events_by_claim ON events (claim_id, id);
CREATE UNIQUE INDEX events_one_per_version ON events (claim_id, version);
