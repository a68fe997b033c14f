-- Vigil schema v1 (SQLite). Times are Unix nanoseconds (0 = unset).
CREATE TABLE findings (
    id            TEXT PRIMARY KEY,
    time          INTEGER NOT NULL,
    created       INTEGER NOT NULL,
    detector      TEXT NOT NULL,
    rule_id       TEXT NOT NULL,
    title         TEXT NOT NULL,
    severity      TEXT NOT NULL,
    severity_rank INTEGER NOT NULL,
    confidence    REAL NOT NULL,
    entities      TEXT NOT NULL,
    event_ids     TEXT NOT NULL,
    techniques    TEXT NOT NULL,
    tags          TEXT NOT NULL,
    explanation   TEXT NOT NULL,
    ingested_at   INTEGER NOT NULL
);
CREATE INDEX findings_time ON findings (time DESC, id DESC);
CREATE INDEX findings_detector ON findings (detector, time DESC, id DESC);
CREATE INDEX findings_rule ON findings (rule_id, time DESC, id DESC);
CREATE TABLE finding_entities (
    entity     TEXT NOT NULL,
    finding_id TEXT NOT NULL REFERENCES findings (id) ON DELETE CASCADE,
    PRIMARY KEY (entity, finding_id)
) WITHOUT ROWID;

CREATE TABLE incidents (
    id          TEXT PRIMARY KEY,
    title       TEXT NOT NULL,
    status      TEXT NOT NULL,
    severity    TEXT NOT NULL,
    assignee    TEXT NOT NULL,
    created     INTEGER NOT NULL,
    updated     INTEGER NOT NULL,
    finding_ids TEXT NOT NULL,
    entities    TEXT NOT NULL,
    data        BLOB
);
CREATE INDEX incidents_updated ON incidents (updated DESC, id DESC);
CREATE INDEX incidents_status ON incidents (status, updated DESC, id DESC);

CREATE TABLE tokens (
    id        TEXT PRIMARY KEY,
    name      TEXT NOT NULL UNIQUE,
    role      TEXT NOT NULL,
    hash      BLOB NOT NULL UNIQUE,
    created   INTEGER NOT NULL,
    last_used INTEGER,
    revoked   INTEGER
);

CREATE TABLE audit (
    seq       INTEGER PRIMARY KEY,
    time      INTEGER NOT NULL,
    actor     TEXT NOT NULL,
    role      TEXT NOT NULL,
    action    TEXT NOT NULL,
    target    TEXT NOT NULL,
    status    INTEGER NOT NULL,
    detail    TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL UNIQUE
);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
