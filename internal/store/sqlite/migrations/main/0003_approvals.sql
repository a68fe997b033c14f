-- Automated response: approval requests (with their decisions) and actions.
-- The full record is the JSON document in data; the columns index it.
CREATE TABLE approvals (
    id          TEXT PRIMARY KEY,
    status      TEXT NOT NULL,
    incident_id TEXT NOT NULL,
    time        INTEGER NOT NULL,
    version     INTEGER NOT NULL,
    data        TEXT NOT NULL
);
CREATE INDEX approvals_time ON approvals (time DESC, id DESC);
CREATE INDEX approvals_status ON approvals (status, time DESC, id DESC);

CREATE TABLE actions (
    id          TEXT PRIMARY KEY,
    status      TEXT NOT NULL,
    incident_id TEXT NOT NULL,
    time        INTEGER NOT NULL,
    version     INTEGER NOT NULL,
    data        TEXT NOT NULL
);
CREATE INDEX actions_time ON actions (time DESC, id DESC);
CREATE INDEX actions_status ON actions (status, time DESC, id DESC);
CREATE INDEX actions_incident ON actions (incident_id, time DESC, id DESC);
