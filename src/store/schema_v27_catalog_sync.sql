-- The catalog and the members as the server ordered their changes: per product SKU and per
-- member number, the change_seq of the last change this node applied from the server. An
-- older change than that is not applied again, so every node ends with the change the
-- server ordered last.
CREATE TABLE sync_versions (
    kind TEXT NOT NULL CHECK (kind IN ('product', 'member')),
    key TEXT NOT NULL,
    change_seq INTEGER NOT NULL CHECK (change_seq > 0),
    PRIMARY KEY (kind, key)
) WITHOUT ROWID;
