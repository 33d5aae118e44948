-- kasir schema v9_stock: suppliers, goods receipts, stock opname, prescriptions, sale limits.
-- Money: INTEGER 1/100 rupiah. Quantities: INTEGER 1/1000 base unit.

CREATE TABLE suppliers (
    id      INTEGER PRIMARY KEY,
    uuid    TEXT NOT NULL UNIQUE,
    code    TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name    TEXT NOT NULL,
    phone   TEXT,
    address TEXT,
    active  INTEGER NOT NULL DEFAULT 1
) STRICT;

-- One delivery booked in. payment: 'cash' paid on receipt, 'credit' owed (utang dagang).
CREATE TABLE goods_receipts (
    id          INTEGER PRIMARY KEY,
    uuid        TEXT NOT NULL UNIQUE,
    doc_no      TEXT NOT NULL UNIQUE,
    supplier_id INTEGER REFERENCES suppliers(id),
    received_at TEXT NOT NULL,
    user_id     INTEGER REFERENCES users(id),
    username    TEXT NOT NULL,
    payment     TEXT NOT NULL CHECK (payment IN ('cash','credit')),
    total       INTEGER NOT NULL,
    note        TEXT,
    CHECK (payment = 'cash' OR supplier_id IS NOT NULL)
) STRICT;

CREATE TABLE goods_receipt_lines (
    id         INTEGER PRIMARY KEY,
    receipt_id INTEGER NOT NULL REFERENCES goods_receipts(id),
    line_no    INTEGER NOT NULL,
    product_id INTEGER NOT NULL REFERENCES products(id),
    unit       TEXT NOT NULL,
    qty        INTEGER NOT NULL,
    base_qty   INTEGER NOT NULL,
    cost       INTEGER NOT NULL,
    amount     INTEGER NOT NULL,
    batch_id   INTEGER REFERENCES batches(id),
    UNIQUE (receipt_id, line_no)
) STRICT;

-- A stock count. scope: NULL = everything, else a business unit.
CREATE TABLE opname_sessions (
    id          INTEGER PRIMARY KEY,
    uuid        TEXT NOT NULL UNIQUE,
    scope_unit  TEXT CHECK (scope_unit IN ('sembako','apotek')),
    started_at  TEXT NOT NULL,
    started_by  TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','finished')),
    finished_at TEXT,
    finished_by TEXT,
    approver_id INTEGER REFERENCES users(id),
    approver    TEXT
) STRICT;
CREATE UNIQUE INDEX opname_one_open ON opname_sessions(status) WHERE status = 'open';

-- What was counted, and what the books said at the moment it was counted (never shown to
-- the counter). batch_id 0 = the product as a whole. A recount replaces the row.
CREATE TABLE opname_counts (
    id         INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES opname_sessions(id),
    product_id INTEGER NOT NULL REFERENCES products(id),
    batch_id   INTEGER NOT NULL DEFAULT 0,
    counted    INTEGER NOT NULL CHECK (counted >= 0),
    expected   INTEGER NOT NULL,
    counted_at TEXT NOT NULL,
    counted_by TEXT NOT NULL,
    UNIQUE (session_id, product_id, batch_id)
) STRICT;

-- The prescription behind a sale line of a prescription-only drug, with the approving pharmacist.
CREATE TABLE prescriptions (
    id          INTEGER PRIMARY KEY,
    uuid        TEXT NOT NULL UNIQUE,
    sale_id     INTEGER NOT NULL REFERENCES sales(id),
    line_no     INTEGER NOT NULL,
    rx_no       TEXT NOT NULL,
    doctor      TEXT NOT NULL,
    sip         TEXT NOT NULL,
    patient     TEXT NOT NULL,
    rx_date     TEXT NOT NULL,
    apoteker_id INTEGER NOT NULL REFERENCES users(id),
    apoteker    TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    UNIQUE (sale_id, line_no)
) STRICT;

-- Per-product limit for one sale (OOT), in base units; NULL = the shop's setting.
ALTER TABLE products ADD COLUMN max_per_sale INTEGER;

CREATE INDEX stock_moves_at ON stock_moves(at);
CREATE INDEX stock_moves_batch ON stock_moves(batch_id);
