-- kasir schema v15_shift_sales: a shift's sales are found by the range of sale ids it can
-- hold, not by an index of sales by shift that every sale wrote a page of. A shift opened
-- after the sale `sales_from` and, once closed, took no sale after `sales_to`: sale ids
-- only grow, and a sale is committed in the same transaction that finds its shift open.
ALTER TABLE shifts ADD COLUMN sales_from INTEGER NOT NULL DEFAULT 0;
ALTER TABLE shifts ADD COLUMN sales_to INTEGER;
UPDATE shifts SET sales_from = coalesce(
    (SELECT min(id) - 1 FROM sales WHERE shift_id = shifts.id),
    (SELECT coalesce(max(id), 0) FROM sales));
UPDATE shifts SET sales_to = coalesce((SELECT max(id) FROM sales WHERE shift_id = shifts.id), sales_from)
WHERE status = 'closed';
DROP INDEX sales_shift;
-- Sale ids only grow because no sale is ever deleted (a sale is voided or returned): pin it.
CREATE TRIGGER sales_no_delete BEFORE DELETE ON sales
BEGIN SELECT RAISE(ABORT, 'sales are never deleted: void or return instead'); END;
