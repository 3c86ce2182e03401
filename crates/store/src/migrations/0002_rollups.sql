-- Schema version 2: rollups of the raw checks, for the long range. Run inside one transaction
-- with `PRAGMA user_version = 2`. Times are Unix ms in UTC, durations ms, latencies µs.

-- One row per watch and UTC hour (`span = 'hour'`, kept 90 days) or UTC day (`span = 'day'`,
-- kept for good). `*_ms`: time in each state within the period (`unjudged_ms` is the rest:
-- not observed). `checks_*`: checks started in the period by verdict (unjudged apart).
CREATE TABLE rollup (
    watch_id         INTEGER NOT NULL REFERENCES watch (id),
    span             TEXT NOT NULL CHECK (span IN ('hour', 'day')),
    start_ms         INTEGER NOT NULL,
    up_ms            INTEGER NOT NULL,
    degraded_ms      INTEGER NOT NULL,
    down_ms          INTEGER NOT NULL,
    unjudged_ms      INTEGER NOT NULL,
    checks_up        INTEGER NOT NULL,
    checks_degraded  INTEGER NOT NULL,
    checks_down      INTEGER NOT NULL,
    checks_unjudged  INTEGER NOT NULL,
    PRIMARY KEY (watch_id, span, start_ms)
) STRICT, WITHOUT ROWID;
CREATE INDEX rollup_by_start ON rollup (span, start_ms);

-- Latency of one phase in one rollup period, from the judged up and degraded checks (a down
-- check's timing is a timeout, not a latency): count, sum, exact min and max, and the
-- log-bucket histogram the percentile is read from (src/histogram.rs).
CREATE TABLE rollup_latency (
    watch_id  INTEGER NOT NULL REFERENCES watch (id),
    span      TEXT NOT NULL CHECK (span IN ('hour', 'day')),
    start_ms  INTEGER NOT NULL,
    phase     TEXT NOT NULL CHECK (phase IN ('dns', 'connect', 'tls', 'ttfb', 'total')),
    n         INTEGER NOT NULL,
    sum_us    INTEGER NOT NULL,
    min_us    INTEGER NOT NULL,
    max_us    INTEGER NOT NULL,
    buckets   BLOB NOT NULL,
    PRIMARY KEY (watch_id, span, start_ms, phase)
) STRICT, WITHOUT ROWID;

-- One row: every UTC hour before `until_ms` is rolled up (NULL: none yet; the first pass
-- starts at the hour of the oldest raw check, so a file migrated from v1 is rolled up whole).
-- Raw checks before `pruned_ms` may have been deleted by retention (NULL: none).
CREATE TABLE rollup_state (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    until_ms  INTEGER,
    pruned_ms INTEGER
) STRICT;
INSERT INTO rollup_state (id, until_ms, pruned_ms) VALUES (1, NULL, NULL);
