-- Vigil schema v1 (PostgreSQL). Runs with search_path set to the store's
-- schema. Times are Unix nanoseconds (0 = unset).
CREATE TABLE events (
    id        text PRIMARY KEY,
    time      bigint NOT NULL,
    ingested  bigint NOT NULL,
    format    text NOT NULL,
    user_name text,
    host_name text,
    src_ip    text,
    dst_ip    text,
    patient   text,
    device    text,
    fields    jsonb NOT NULL,
    raw       bytea
);
CREATE INDEX events_time ON events (time DESC, id DESC);
CREATE INDEX events_user ON events (lower(user_name) text_pattern_ops) WHERE user_name IS NOT NULL;
CREATE INDEX events_host ON events (lower(host_name) text_pattern_ops) WHERE host_name IS NOT NULL;
CREATE INDEX events_src_ip ON events (lower(src_ip) text_pattern_ops) WHERE src_ip IS NOT NULL;
CREATE INDEX events_dst_ip ON events (lower(dst_ip) text_pattern_ops) WHERE dst_ip IS NOT NULL;
CREATE INDEX events_patient ON events (lower(patient) text_pattern_ops) WHERE patient IS NOT NULL;
CREATE INDEX events_device ON events (lower(device) text_pattern_ops) WHERE device IS NOT NULL;
CREATE INDEX events_fields ON events USING gin (fields);

CREATE TABLE findings (
    id            text PRIMARY KEY,
    time          bigint NOT NULL,
    created       bigint NOT NULL,
    detector      text NOT NULL,
    rule_id       text NOT NULL,
    title         text NOT NULL,
    severity      text NOT NULL,
    severity_rank int NOT NULL,
    confidence    double precision NOT NULL,
    entities      jsonb NOT NULL,
    event_ids     jsonb NOT NULL,
    techniques    jsonb NOT NULL,
    tags          jsonb NOT NULL,
    explanation   text NOT NULL,
    ingested_at   bigint NOT NULL
);
CREATE INDEX findings_time ON findings (time DESC, id DESC);
CREATE INDEX findings_detector ON findings (detector, time DESC, id DESC);
CREATE INDEX findings_rule ON findings (rule_id, time DESC, id DESC);
CREATE TABLE finding_entities (
    entity     text NOT NULL,
    finding_id text NOT NULL REFERENCES findings (id) ON DELETE CASCADE,
    PRIMARY KEY (entity, finding_id)
);

CREATE TABLE incidents (
    id          text PRIMARY KEY,
    title       text NOT NULL,
    status      text NOT NULL,
    severity    text NOT NULL,
    assignee    text NOT NULL,
    created     bigint NOT NULL,
    updated     bigint NOT NULL,
    finding_ids jsonb NOT NULL,
    entities    jsonb NOT NULL,
    data        bytea
);
CREATE INDEX incidents_updated ON incidents (updated DESC, id DESC);
CREATE INDEX incidents_status ON incidents (status, updated DESC, id DESC);

CREATE TABLE tokens (
    id        text PRIMARY KEY,
    name      text NOT NULL UNIQUE,
    role      text NOT NULL,
    hash      bytea NOT NULL UNIQUE,
    created   bigint NOT NULL,
    last_used bigint,
    revoked   bigint
);

CREATE TABLE audit (
    seq       bigint PRIMARY KEY,
    time      bigint NOT NULL,
    actor     text NOT NULL,
    role      text NOT NULL,
    action    text NOT NULL,
    target    text NOT NULL,
    status    int NOT NULL,
    detail    text NOT NULL,
    prev_hash text NOT NULL,
    hash      text NOT NULL UNIQUE
);
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit log is append-only';
END $$;
CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
