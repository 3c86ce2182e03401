-- Schema version 1 of the history. Run inside one transaction with `PRAGMA user_version = 1`.
-- Times are Unix milliseconds in UTC (INTEGER is 64-bit in SQLite); phase timings are
-- microseconds; codes (status, layer, cause, kinds) are the stable lower-case names the JSON
-- output uses. STRICT tables refuse a value of the wrong type instead of storing it.

-- One row per watch name, so the large tables carry an integer instead of the name.
CREATE TABLE watch (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
) STRICT;

-- Raw checks, kept for the retention window. `judged = 0`: recorded but not judged
-- (offline, across a sleep): not observed time. The failure columns are NULL for an up check.
CREATE TABLE check_result (
    id           INTEGER PRIMARY KEY,
    watch_id     INTEGER NOT NULL REFERENCES watch (id),
    at_ms        INTEGER NOT NULL,
    interval_ms  INTEGER NOT NULL CHECK (interval_ms > 0),
    status       TEXT NOT NULL CHECK (status IN ('up', 'degraded', 'down')),
    judged       INTEGER NOT NULL CHECK (judged IN (0, 1)),
    layer        TEXT CHECK (layer IN ('dns', 'tcp', 'tls', 'http')),
    cause        TEXT,
    message_id   TEXT,
    message_args TEXT,
    address      TEXT,
    http_status  INTEGER,
    dns_us       INTEGER,
    connect_us   INTEGER,
    tls_us       INTEGER,
    ttfb_us      INTEGER,
    total_us     INTEGER NOT NULL
) STRICT;
CREATE INDEX check_result_by_watch_time ON check_result (watch_id, at_ms);

-- Incidents, kept for good; one row per incident id, rewritten as it gets worse and closes.
CREATE TABLE incident (
    id             INTEGER PRIMARY KEY,
    incident_key   TEXT NOT NULL UNIQUE,
    watch_id       INTEGER NOT NULL REFERENCES watch (id),
    group_key      TEXT,
    kind           TEXT NOT NULL CHECK (kind IN ('down', 'degraded', 'unstable')),
    layer          TEXT CHECK (layer IN ('dns', 'tcp', 'tls', 'http')),
    cause          TEXT,
    message_id     TEXT,
    message_args   TEXT,
    start_ms       INTEGER NOT NULL,
    end_ms         INTEGER
) STRICT;
CREATE INDEX incident_by_start ON incident (start_ms);
CREATE INDEX incident_open ON incident (watch_id) WHERE end_ms IS NULL;

-- Notifications that left the process, kept for good. `watches` is a JSON array of names.
CREATE TABLE notification (
    id           INTEGER PRIMARY KEY,
    at_ms        INTEGER NOT NULL,
    incident_key TEXT,
    watches      TEXT NOT NULL,
    message_id   TEXT NOT NULL,
    message_args TEXT NOT NULL
) STRICT;
CREATE INDEX notification_by_time ON notification (at_ms);

-- Time without coverage, for every watch: never counted as up nor as down.
CREATE TABLE coverage (
    id       INTEGER PRIMARY KEY,
    kind     TEXT NOT NULL CHECK (kind IN ('not_running', 'asleep', 'offline', 'not_recorded')),
    start_ms INTEGER NOT NULL,
    end_ms   INTEGER NOT NULL
) STRICT;
CREATE INDEX coverage_by_start ON coverage (start_ms);

-- One row: the latest wall-clock time the resident was seen alive (its last batch), from which
-- the next start-up records a 'not_running' span.
CREATE TABLE alive (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    last_ms INTEGER NOT NULL
) STRICT;
