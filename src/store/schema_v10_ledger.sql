-- kasir schema v10_ledger (filled by its issue)
CREATE TABLE IF NOT EXISTS schema_slot_v10_ledger (x INTEGER);
DROP TABLE schema_slot_v10_ledger;
