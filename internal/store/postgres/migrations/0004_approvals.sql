-- Automated response: approval requests (with their decisions) and actions.
-- The full record is the JSON document in data; the columns index it.
CREATE TABLE approvals (
    id          text PRIMARY KEY,
    status      text NOT NULL,
    incident_id text NOT NULL,
    time        bigint NOT NULL,
    version     bigint NOT NULL,
    data        text NOT NULL
);
CREATE INDEX approvals_time ON approvals (time DESC, id DESC);
CREATE INDEX approvals_status ON approvals (status, time DESC, id DESC);

CREATE TABLE actions (
    id          text PRIMARY KEY,
    status      text NOT NULL,
    incident_id text NOT NULL,
    time        bigint NOT NULL,
    version     bigint NOT NULL,
    data        text NOT NULL
);
CREATE INDEX actions_time ON actions (time DESC, id DESC);
CREATE INDEX actions_status ON actions (status, time DESC, id DESC);
CREATE INDEX actions_incident ON actions (incident_id, time DESC, id DESC);
