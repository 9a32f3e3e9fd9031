-- settle ledger, schema version 3 (PostgreSQL): the web desk's team. Users with a role and a
-- memory-hard password hash (never the password), their sessions (only a hash of the session
-- token is kept, with its CSRF token and expiry), and approvals of offers above a rep's limit.
-- Times are UTC YYYY-MM-DDTHH:MM:SS.ffffffZ, money decimal text, as in version 1.

CREATE TABLE users (
    name          TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    role          TEXT   NOT NULL CHECK (role IN ('rep', 'manager', 'analyst')),
    password_hash TEXT   NOT NULL,
    disabled      BIGINT NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    lang          TEXT,
    created_at    TEXT   NOT NULL,
    created_by    TEXT   NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    user_name  TEXT COLLATE "C" NOT NULL REFERENCES users (name),
    csrf       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_name);

CREATE TABLE approvals (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    claim_id     TEXT COLLATE "C" NOT NULL REFERENCES claims (id),
    on_version   BIGINT NOT NULL,
    requested_at TEXT   NOT NULL,
    requested_by TEXT   NOT NULL,
    action       TEXT   NOT NULL,
    remedy       TEXT   NOT NULL,
    amount       TEXT   NOT NULL,
    cost         TEXT   NOT NULL,
    limit_amount TEXT   NOT NULL,
    approver     TEXT   NOT NULL,
    rule         TEXT   NOT NULL,
    status       TEXT   NOT NULL CHECK (status IN ('pending', 'approved', 'declined')),
    decided_at   TEXT,
    decided_by   TEXT,
    comment      TEXT,
    CHECK ((status = 'pending') = (decided_at IS NULL AND decided_by IS NULL))
);
CREATE INDEX approvals_by_status ON approvals (status, id);
CREATE INDEX approvals_by_claim ON approvals (claim_id, id);
