-- Schema version 4: each watch's current run, kept by the writer as it writes each check, so
-- "the current state of every watch" reads one small row per watch instead of searching raw
-- rows and rollups (crates/store/src/run.rs has the rules). Run inside one transaction with
-- `PRAGMA user_version = 4`. The step creates the table only: the writer fills the row of a
-- watch that has none from the rows already there, when it starts and at the watch's next
-- check; until then readers search as schema 3 did.
CREATE TABLE watch_run (
    watch_id        INTEGER PRIMARY KEY REFERENCES watch (id),
    -- The newest check (by at_ms, then id): its row and start.
    latest_id       INTEGER NOT NULL,
    latest_ms       INTEGER NOT NULL,
    -- The status of the newest judged check; NULL: no judged check yet.
    judged_status   TEXT CHECK (judged_status IN ('up', 'degraded', 'down')),
    -- The start of the first check after the newest judged check; NULL: none after it.
    after_judged_ms INTEGER,
    -- Since when judged checks have had `judged_status`: the first check after the newest
    -- judged check of another status (or the watch's oldest record; with no judged check,
    -- its first check).
    run_ms          INTEGER NOT NULL,
    -- 0 when `run_ms` is a lower bound found in rollups (the change is older than the raw
    -- rows kept).
    run_exact       INTEGER NOT NULL CHECK (run_exact IN (0, 1))
) STRICT;
