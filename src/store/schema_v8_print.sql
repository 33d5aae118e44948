-- kasir schema v8_print (filled by its issue)
CREATE TABLE IF NOT EXISTS schema_slot_v8_print (x INTEGER);
DROP TABLE schema_slot_v8_print;
