-- kasir schema v2_till (reserved; filled by its issue)
CREATE TABLE IF NOT EXISTS schema_slot_v2_till (x INTEGER);
DROP TABLE schema_slot_v2_till;
