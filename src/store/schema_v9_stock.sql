-- kasir schema v9_stock (filled by its issue)
CREATE TABLE IF NOT EXISTS schema_slot_v9_stock (x INTEGER);
DROP TABLE schema_slot_v9_stock;
