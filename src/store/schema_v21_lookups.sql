-- kasir schema v21_lookups: every lookup that read a whole table growing with the catalog
-- or the history, once per row of another or once per call, goes through an index
-- (store::plan_guard refuses such plans in `cargo test`). A plain cash sale writes none
-- of these tables, so the sale's pages stay as they were.
-- A unit's barcodes: the catalog export read every barcode once per unit (197,800 units ×
-- 197,803 barcodes at 100k products); deleting a unit checks its barcodes by it too.
CREATE INDEX barcodes_unit ON barcodes(unit_id, code);
-- A typed SKU or member number is matched without regard to case.
CREATE INDEX products_sku_nocase ON products(sku COLLATE NOCASE);
CREATE INDEX members_number_nocase ON members(number COLLATE NOCASE);
-- A return's lines; a shift's returns (X/Z, shift close); a member's returns and
-- repayments (the kasbon owed per unit).
CREATE INDEX return_lines_return ON return_lines(return_id);
CREATE INDEX returns_shift ON returns(shift_id) WHERE shift_id IS NOT NULL;
CREATE INDEX returns_member ON returns(member_id) WHERE member_id IS NOT NULL;
CREATE INDEX cash_moves_member ON cash_moves(member_id) WHERE member_id IS NOT NULL;
-- A shift's counted cash.
CREATE INDEX cash_counts_shift ON cash_counts(shift_id);
-- A day's deliveries (day close, the next document number) and what a supplier is owed.
CREATE INDEX goods_receipts_at ON goods_receipts(received_at);
CREATE INDEX goods_receipts_supplier ON goods_receipts(supplier_id) WHERE supplier_id IS NOT NULL;
-- A user's lockouts since a time (at every PIN login).
CREATE INDEX audit_log_actor ON audit_log(actor, action, at);
