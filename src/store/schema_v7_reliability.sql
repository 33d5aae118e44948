-- kasir schema v7_reliability (reserved; filled by its issue)
CREATE TABLE IF NOT EXISTS schema_slot_v7_reliability (x INTEGER);
DROP TABLE schema_slot_v7_reliability;
