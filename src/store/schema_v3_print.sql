-- kasir schema v3_print (reserved; filled by its issue)
CREATE TABLE IF NOT EXISTS schema_slot_v3_print (x INTEGER);
DROP TABLE schema_slot_v3_print;
