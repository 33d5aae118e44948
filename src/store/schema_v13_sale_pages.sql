-- kasir schema v13_sale_pages: fewer pages written per sale, the next sale number found
-- without counting the day's sales, a shift's sales found without reading them all, and
-- kasbon repayments booked against the unit that is owed.
-- One index serves the day's sales (business_date) and a till's last sale of the day.
CREATE INDEX sales_day_till ON sales(business_date, till, id);
DROP INDEX sales_date;
-- The X and Z reports sum a shift's sales.
CREATE INDEX sales_shift ON sales(shift_id);
-- No query looks sale lines up by product; joins reach products through their key.
DROP INDEX sale_lines_product;
-- Most goods are not batch-tracked: their moves need no entry in the batch index.
DROP INDEX stock_moves_batch;
CREATE INDEX stock_moves_batch ON stock_moves(batch_id) WHERE batch_id IS NOT NULL;
-- A till's draft is one row found by the till's name: keyed on it directly, one b-tree.
CREATE TABLE drafts_v13 (
    till       TEXT PRIMARY KEY,
    cart       TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT, WITHOUT ROWID;
INSERT INTO drafts_v13(till, cart, updated_at) SELECT till, cart, updated_at FROM drafts;
DROP TABLE drafts;
ALTER TABLE drafts_v13 RENAME TO drafts;
-- A member's sales, for statements and the kasbon owed per unit (members only).
CREATE INDEX sales_member ON sales(member_id) WHERE member_id IS NOT NULL;
-- Which unit's receivable a kasbon repayment settles (NULL: the till's own unit, as before).
ALTER TABLE cash_moves ADD COLUMN receivable_unit TEXT;
