-- Hospital context records (internal/hospital): one row per imported record,
-- upserted by (kind, id); data is the record's JSON. Kind "_meta" holds the
-- context version. Findings record the context version they were judged against.
CREATE TABLE context_records (
    kind    TEXT NOT NULL,
    id      TEXT NOT NULL,
    data    BLOB NOT NULL,
    updated INTEGER NOT NULL,
    PRIMARY KEY (kind, id)
) WITHOUT ROWID;
ALTER TABLE findings ADD COLUMN context_version TEXT NOT NULL DEFAULT '';
