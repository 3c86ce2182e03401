-- Schema version 3: one covering index for every read of raw checks. Run inside one
-- transaction with `PRAGMA user_version = 3`.
--
-- Every raw read is one watch over a time range (latency series up to 24 h, uptime and local
-- days at the edges of the rollups, "since when", the rollup pass). The table holds the checks
-- of every watch in the order they were written, so one watch's day of checks lies on about
-- as many 4 KiB pages as it has rows; with the columns those reads take in the index, they
-- read a few contiguous index pages instead (docs/benchmarks.md, the 50-watch year). `id`
-- follows `at_ms` so pages of checks come in `(at_ms, id)` order without a sort; the full
-- rows of a page are still read from the table. The old index is dropped first, so the new
-- one reuses its pages (the 50-watch year: 127.4 MB before, 149.0 MB after).
DROP INDEX check_result_by_watch_time;
CREATE INDEX check_result_raw ON check_result (
    watch_id, at_ms, id, status, judged, interval_ms, dns_us, connect_us, tls_us, ttfb_us,
    total_us
);
