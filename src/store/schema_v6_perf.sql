-- kasir schema v6_perf (reserved; filled by its issue)
CREATE TABLE IF NOT EXISTS schema_slot_v6_perf (x INTEGER);
DROP TABLE schema_slot_v6_perf;
