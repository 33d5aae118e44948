-- kasir schema v14_stock_in_moves: fewer pages written per sale.
-- A product's stock on hand and its value at cost are carried by its moves. Each move
-- stores the product's balance after it, and the product index of the moves holds that
-- balance, so the newest entry of a product in that index is its stock. A sale then writes
-- only the index it writes anyway, instead of also rewriting a page of the catalog for
-- every line. Stock on hand is still the sum of the moves (`kasir check` compares the two).
ALTER TABLE stock_moves ADD COLUMN on_hand_after INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stock_moves ADD COLUMN value_after INTEGER NOT NULL DEFAULT 0;
-- Moves are append-only; the balances of the moves already there are filled in once, here.
DROP TRIGGER stock_moves_no_update;
UPDATE stock_moves AS m SET on_hand_after = r.q, value_after = r.v
FROM (SELECT id,
             sum(qty) OVER (PARTITION BY product_id ORDER BY id) AS q,
             sum(value) OVER (PARTITION BY product_id ORDER BY id) AS v
      FROM stock_moves) AS r
WHERE r.id = m.id;
CREATE TRIGGER stock_moves_no_update BEFORE UPDATE ON stock_moves
BEGIN SELECT RAISE(ABORT, 'stock moves are append-only'); END;
DROP INDEX stock_moves_product;
CREATE INDEX stock_moves_product ON stock_moves(product_id, id, on_hand_after, value_after);
-- The cached copy on the product goes: nothing writes it any more.
ALTER TABLE products DROP COLUMN on_hand;
ALTER TABLE products DROP COLUMN stock_value;
-- Print jobs never leave this machine: their uuid needs no unique index, which every sale
-- wrote a page of (two jobs a cash sale).
CREATE TABLE print_jobs_v14 (
    id              INTEGER PRIMARY KEY,
    uuid            TEXT NOT NULL,
    kind            TEXT NOT NULL
                    CHECK (kind IN ('receipt', 'reprint', 'z', 'slip', 'test', 'drawer')),
    ref             TEXT,
    sale_id         INTEGER REFERENCES sales(id),
    printer         TEXT NOT NULL,
    payload         BLOB,
    status          TEXT NOT NULL DEFAULT 'queued'
                    CHECK (status IN ('queued', 'printing', 'done', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error      TEXT,
    next_attempt_at TEXT NOT NULL,
    claimed_at      TEXT,
    created_at      TEXT NOT NULL,
    printed_at      TEXT,
    CHECK (kind NOT IN ('receipt', 'reprint') OR ref IS NOT NULL),
    CHECK (kind IN ('receipt', 'reprint', 'drawer') OR payload IS NOT NULL)
) STRICT;
INSERT INTO print_jobs_v14 SELECT id, uuid, kind, ref, sale_id, printer, payload, status, attempts,
    last_error, next_attempt_at, claimed_at, created_at, printed_at FROM print_jobs;
DROP TABLE print_jobs;
ALTER TABLE print_jobs_v14 RENAME TO print_jobs;
CREATE INDEX print_jobs_waiting ON print_jobs(printer, status, id);
CREATE INDEX print_jobs_sale ON print_jobs(sale_id);
-- A sale's tenders are keyed by the sale: one b-tree instead of a table and its index.
CREATE TABLE sale_tenders_v14 (
    sale_id   INTEGER NOT NULL REFERENCES sales(id),
    seq       INTEGER NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ('cash','qris','transfer','kasbon')),
    amount    INTEGER NOT NULL,
    reference TEXT,
    PRIMARY KEY (sale_id, seq)
) STRICT, WITHOUT ROWID;
INSERT INTO sale_tenders_v14(sale_id, seq, kind, amount, reference)
SELECT sale_id, row_number() OVER (PARTITION BY sale_id ORDER BY id), kind, amount, reference
FROM sale_tenders;
DROP TABLE sale_tenders;
ALTER TABLE sale_tenders_v14 RENAME TO sale_tenders;
