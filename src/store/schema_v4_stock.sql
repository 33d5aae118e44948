-- kasir schema v4_stock (reserved; filled by its issue)
CREATE TABLE IF NOT EXISTS schema_slot_v4_stock (x INTEGER);
DROP TABLE schema_slot_v4_stock;
