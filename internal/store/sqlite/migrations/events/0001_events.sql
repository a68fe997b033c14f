-- Vigil events database v1 (SQLite): the search index of events, in its own
-- file so that its big insert transactions never hold up findings, audit or
-- token writes. Times are Unix nanoseconds.
CREATE TABLE events (
    id        TEXT PRIMARY KEY,
    time      INTEGER NOT NULL,
    ingested  INTEGER NOT NULL,
    format    TEXT NOT NULL,
    user_name TEXT COLLATE NOCASE,
    host_name TEXT COLLATE NOCASE,
    src_ip    TEXT COLLATE NOCASE,
    dst_ip    TEXT COLLATE NOCASE,
    patient   TEXT COLLATE NOCASE,
    device    TEXT COLLATE NOCASE,
    fields    TEXT NOT NULL,
    raw       BLOB
);
CREATE INDEX events_time ON events (time DESC, id DESC);
CREATE INDEX events_user ON events (user_name) WHERE user_name IS NOT NULL;
CREATE INDEX events_host ON events (host_name) WHERE host_name IS NOT NULL;
CREATE INDEX events_src_ip ON events (src_ip) WHERE src_ip IS NOT NULL;
CREATE INDEX events_dst_ip ON events (dst_ip) WHERE dst_ip IS NOT NULL;
CREATE INDEX events_patient ON events (patient) WHERE patient IS NOT NULL;
CREATE INDEX events_device ON events (device) WHERE device IS NOT NULL;
