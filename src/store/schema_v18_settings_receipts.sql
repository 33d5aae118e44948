-- kasir schema v16_settings_receipts: settings changed behind kasir's back are found, and a
-- reprint shows what the original receipt showed.
--
-- settings_seal holds every setting as kasir last wrote it (store::settings::set writes
-- both tables in one statement pair): `kasir check` names a key whose value in `settings`
-- differs, was added or was removed by hand.
CREATE TABLE settings_seal (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO settings_seal(key, value) SELECT key, value FROM settings;

-- The receipt document of a sale as printed, stored in the sale's own transaction (JSON:
-- the receipts crate's document, its paper width and language). A reprint (SALINAN) is
-- rendered from it, never from today's settings. Sales from before this version have none
-- and are still rendered from the sale rows and today's settings.
CREATE TABLE sale_receipts (
    sale_id  INTEGER PRIMARY KEY REFERENCES sales(id),
    document TEXT NOT NULL
);
CREATE TRIGGER sale_receipts_no_update BEFORE UPDATE ON sale_receipts
BEGIN SELECT RAISE(ABORT, 'a receipt as printed is never changed'); END;
CREATE TRIGGER sale_receipts_no_delete BEFORE DELETE ON sale_receipts
BEGIN SELECT RAISE(ABORT, 'a receipt as printed is never deleted'); END;
