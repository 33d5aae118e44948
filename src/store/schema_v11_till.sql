-- kasir schema v11_till (filled by its issue)
CREATE TABLE IF NOT EXISTS schema_slot_v11_till (x INTEGER);
DROP TABLE schema_slot_v11_till;
