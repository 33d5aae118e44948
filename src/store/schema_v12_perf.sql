-- kasir schema v12_perf: a catalog version the in-memory product search index checks, so a
-- till rebuilds its name list only when products are added, renamed or (de)activated.
CREATE TABLE catalog_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    v  INTEGER NOT NULL
) STRICT;
INSERT INTO catalog_version(id, v) VALUES (1, 0);
CREATE TRIGGER catalog_version_insert AFTER INSERT ON products
BEGIN UPDATE catalog_version SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER catalog_version_update AFTER UPDATE OF name, sku, active ON products
BEGIN UPDATE catalog_version SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER catalog_version_delete AFTER DELETE ON products
BEGIN UPDATE catalog_version SET v = v + 1 WHERE id = 1; END;
