-- kasir schema v28_synced_at: when this node last read everything the coop's server held
-- (a pull that ran to its end). A kasbon above `sync.kasbon_fresh_above` needs that to be
-- recent, so that the member's balance counts the other tills' kasbon.
ALTER TABLE sync_pull ADD COLUMN synced_at TEXT;
