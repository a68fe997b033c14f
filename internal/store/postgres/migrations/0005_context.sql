-- Hospital context records (internal/hospital): one row per imported record,
-- upserted by (kind, id); data is the record's JSON. Kind "_meta" holds the
-- context version. Findings record the context version they were judged against.
CREATE TABLE context_records (
    kind    text NOT NULL,
    id      text NOT NULL,
    data    bytea NOT NULL,
    updated bigint NOT NULL,
    PRIMARY KEY (kind, id)
);
ALTER TABLE findings ADD COLUMN context_version text NOT NULL DEFAULT '';
