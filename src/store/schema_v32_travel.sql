-- kasir schema v32_travel: users, suppliers and settings travel between a coop's nodes like
-- the catalog and the members, each applied in the server's order: per username, supplier
-- code and setting key, the change_seq of the last change this node applied.
CREATE TABLE sync_versions_v32 (
    kind TEXT NOT NULL CHECK (kind IN ('product', 'member', 'user', 'supplier', 'setting')),
    key TEXT NOT NULL,
    change_seq INTEGER NOT NULL CHECK (change_seq > 0),
    PRIMARY KEY (kind, key)
) WITHOUT ROWID;
INSERT INTO sync_versions_v32 (kind, key, change_seq)
    SELECT kind, key, change_seq FROM sync_versions;
DROP TABLE sync_versions;
ALTER TABLE sync_versions_v32 RENAME TO sync_versions;
