-- kasir schema v16_opening: the coop's opening balances, and cash paid for goods from a
-- till's drawer or the office safe.
-- Money: INTEGER 1/100 rupiah.

-- A journal may be the opening balances (at most one). `stock_through` is the last stock
-- move the opening's Persediaan already holds: the day close books only the moves after it.
-- The table is rebuilt to widen its kind; ids are kept, so posted lines keep their journal.
DROP TRIGGER journal_lines_no_late_insert;
DROP TRIGGER journals_no_update;
DROP TRIGGER journals_no_delete;
CREATE TABLE journals_v16 (
    id            INTEGER PRIMARY KEY,
    uuid          TEXT NOT NULL UNIQUE,
    number        TEXT NOT NULL UNIQUE,
    business_date TEXT NOT NULL,
    business_unit TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('day','reversal','opening')),
    memo          TEXT NOT NULL,
    posted_at     TEXT NOT NULL,
    posted_by     TEXT NOT NULL,
    reverses      INTEGER REFERENCES journals_v16(id),
    stock_through INTEGER,
    CHECK ((kind = 'opening') = (stock_through IS NOT NULL))
) STRICT;
INSERT INTO journals_v16(id, uuid, number, business_date, business_unit, kind, memo, posted_at,
                         posted_by, reverses)
SELECT id, uuid, number, business_date, business_unit, kind, memo, posted_at, posted_by, reverses
FROM journals;
DROP TABLE journals;
ALTER TABLE journals_v16 RENAME TO journals;
CREATE INDEX journals_date ON journals(business_date);
CREATE UNIQUE INDEX journals_reversed_once ON journals(reverses) WHERE reverses IS NOT NULL;
CREATE UNIQUE INDEX journals_one_opening ON journals(kind) WHERE kind = 'opening';
CREATE TRIGGER journals_no_update BEFORE UPDATE ON journals
BEGIN SELECT RAISE(ABORT, 'posted journals are immutable'); END;
CREATE TRIGGER journals_no_delete BEFORE DELETE ON journals
BEGIN SELECT RAISE(ABORT, 'posted journals are immutable'); END;
CREATE TRIGGER journal_lines_no_late_insert BEFORE INSERT ON journal_lines
WHEN NEW.journal_id <> (SELECT max(id) FROM journals)
BEGIN SELECT RAISE(ABORT, 'posted journals are immutable'); END;

-- The office safe, and the equity the opening balances are stated against.
INSERT INTO accounts(code, name, kind, role) VALUES
    ('1-1001', 'Kas Besar', 'asset', 'cash.safe'),
    ('3-1201', 'Modal / Saldo Awal', 'equity', 'equity.opening')
ON CONFLICT(code) DO UPDATE SET role = coalesce(accounts.role, excluded.role);

-- Goods paid in cash say from where: a till's drawer during its shift (`paid_unit` is that
-- till's unit; the cash move of the shift names the delivery) or the office safe. NULL: a
-- delivery booked before the choice existed (paid from its unit's kas), on credit, or stock
-- brought in without a supplier.
ALTER TABLE goods_receipts ADD COLUMN paid_from TEXT CHECK (paid_from IN ('drawer', 'safe'));
ALTER TABLE goods_receipts ADD COLUMN paid_unit TEXT;
ALTER TABLE cash_moves ADD COLUMN goods_receipt_id INTEGER REFERENCES goods_receipts(id);
