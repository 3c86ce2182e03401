-- Schema version 5: incidents by their end, so "incidents overlapping [from, until)" reads the
-- incidents of that range and not every incident that started before `until`. Run inside one
-- transaction with `PRAGMA user_version = 5`.
--
-- An incident overlaps the range when it started in it, or started before it and ended
-- after `from` (this index), or is still open (`incident_open`). Before it, the query walked
-- `incident_by_start` from the first incident ever: on the 50-watch year written at a 30 s
-- interval (26,276 incidents) a 30-day range read all 388 pages of the table
-- (docs/benchmarks.md).
CREATE INDEX incident_by_end ON incident (end_ms);
