-- kasir schema v5_ledger (reserved; filled by its issue)
CREATE TABLE IF NOT EXISTS schema_slot_v5_ledger (x INTEGER);
DROP TABLE schema_slot_v5_ledger;
