-- kasir schema v1. Money: INTEGER 1/100 rupiah. Quantities: INTEGER 1/1000 base unit.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE users (
    id              INTEGER PRIMARY KEY,
    username        TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('kasir','gudang','apoteker','bendahara','admin')),
    pin_hash        TEXT NOT NULL,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until    TEXT,
    active          INTEGER NOT NULL DEFAULT 1
) STRICT;

CREATE TABLE products (
    id            INTEGER PRIMARY KEY,
    uuid          TEXT NOT NULL UNIQUE,
    sku           TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    business_unit TEXT NOT NULL CHECK (business_unit IN ('sembako','apotek')),
    base_unit     TEXT NOT NULL,
    tax_class     TEXT NOT NULL CHECK (tax_class IN ('ppn','exempt')),
    drug_class    TEXT NOT NULL DEFAULT 'none',
    batch_tracked INTEGER NOT NULL DEFAULT 0,
    weighed       INTEGER NOT NULL DEFAULT 0,
    min_stock     INTEGER NOT NULL DEFAULT 0,
    nie           TEXT,
    het           INTEGER,
    -- cached from stock_moves in the same transaction as every move
    on_hand       INTEGER NOT NULL DEFAULT 0,
    stock_value   INTEGER NOT NULL DEFAULT 0,
    -- cost per base unit used when there is no stock to average over
    last_cost     INTEGER NOT NULL DEFAULT 0,
    active        INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX products_name ON products(name COLLATE NOCASE);

CREATE TABLE product_units (
    id             INTEGER PRIMARY KEY,
    product_id     INTEGER NOT NULL REFERENCES products(id),
    unit           TEXT NOT NULL,
    factor         INTEGER NOT NULL CHECK (factor > 0),
    price_umum     INTEGER NOT NULL CHECK (price_umum >= 0),
    price_anggota  INTEGER NOT NULL CHECK (price_anggota >= 0),
    price_grosir   INTEGER,
    grosir_min_qty INTEGER,
    UNIQUE (product_id, unit)
) STRICT;

CREATE TABLE barcodes (
    code    TEXT PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES product_units(id)
) STRICT, WITHOUT ROWID;

CREATE TABLE batches (
    id         INTEGER PRIMARY KEY,
    product_id INTEGER NOT NULL REFERENCES products(id),
    batch_no   TEXT NOT NULL,
    expiry     TEXT,
    on_hand    INTEGER NOT NULL DEFAULT 0,
    UNIQUE (product_id, batch_no)
) STRICT;

CREATE TABLE members (
    id             INTEGER PRIMARY KEY,
    uuid           TEXT NOT NULL UNIQUE,
    number         TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    phone          TEXT,
    nik            TEXT,
    kasbon_limit   INTEGER NOT NULL DEFAULT 0 CHECK (kasbon_limit >= 0),
    kasbon_balance INTEGER NOT NULL DEFAULT 0,
    active         INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX members_name ON members(name COLLATE NOCASE);
CREATE INDEX members_phone ON members(phone);

CREATE TABLE shifts (
    id            INTEGER PRIMARY KEY,
    uuid          TEXT NOT NULL UNIQUE,
    till          TEXT NOT NULL,
    business_unit TEXT NOT NULL,
    user_id       INTEGER REFERENCES users(id),
    cashier       TEXT NOT NULL,
    opened_at     TEXT NOT NULL,
    opening_float INTEGER NOT NULL CHECK (opening_float >= 0),
    status        TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','closed')),
    closed_at     TEXT
) STRICT;
-- at most one open shift per till
CREATE UNIQUE INDEX shifts_open_per_till ON shifts(till) WHERE status = 'open';

-- Cash counted by denomination: at opening (the float) and at closing.
CREATE TABLE cash_counts (
    id       INTEGER PRIMARY KEY,
    shift_id INTEGER NOT NULL REFERENCES shifts(id),
    stage    TEXT NOT NULL CHECK (stage IN ('open','close')),
    denom    INTEGER NOT NULL,
    count    INTEGER NOT NULL CHECK (count >= 0)
) STRICT;

CREATE TABLE sales (
    id            INTEGER PRIMARY KEY,
    uuid          TEXT NOT NULL UNIQUE,
    number        TEXT NOT NULL UNIQUE,
    till          TEXT NOT NULL,
    shift_id      INTEGER REFERENCES shifts(id),
    business_unit TEXT NOT NULL,
    business_date TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    user_id       INTEGER REFERENCES users(id),
    cashier       TEXT NOT NULL,
    member_id     INTEGER REFERENCES members(id),
    gross         INTEGER NOT NULL,
    discount      INTEGER NOT NULL,
    total         INTEGER NOT NULL,
    rounding      INTEGER NOT NULL,
    payable       INTEGER NOT NULL,
    ppn           INTEGER NOT NULL,
    change_given  INTEGER NOT NULL,
    status        TEXT NOT NULL DEFAULT 'completed'
) STRICT;
CREATE INDEX sales_date ON sales(business_date);

CREATE TABLE sale_lines (
    id            INTEGER PRIMARY KEY,
    sale_id       INTEGER NOT NULL REFERENCES sales(id),
    line_no       INTEGER NOT NULL,
    product_id    INTEGER NOT NULL REFERENCES products(id),
    unit_id       INTEGER NOT NULL REFERENCES product_units(id),
    name          TEXT NOT NULL,
    unit          TEXT NOT NULL,
    qty           INTEGER NOT NULL,
    base_qty      INTEGER NOT NULL,
    unit_price    INTEGER NOT NULL,
    tier          TEXT NOT NULL,
    discount      INTEGER NOT NULL,
    amount        INTEGER NOT NULL,
    tax_class     TEXT NOT NULL,
    ppn           INTEGER NOT NULL,
    cost          INTEGER NOT NULL,
    business_unit TEXT NOT NULL,
    UNIQUE (sale_id, line_no)
) STRICT;
CREATE INDEX sale_lines_product ON sale_lines(product_id);

CREATE TABLE sale_tenders (
    id        INTEGER PRIMARY KEY,
    sale_id   INTEGER NOT NULL REFERENCES sales(id),
    kind      TEXT NOT NULL CHECK (kind IN ('cash','qris','transfer','kasbon')),
    amount    INTEGER NOT NULL,
    reference TEXT
) STRICT;
CREATE INDEX sale_tenders_sale ON sale_tenders(sale_id);

-- Append-only: on-hand is the sum of these.
CREATE TABLE stock_moves (
    id         INTEGER PRIMARY KEY,
    product_id INTEGER NOT NULL REFERENCES products(id),
    batch_id   INTEGER REFERENCES batches(id),
    kind       TEXT NOT NULL CHECK (kind IN ('sale','return','receipt','opname','writeoff','transfer')),
    qty        INTEGER NOT NULL,
    value      INTEGER NOT NULL,
    at         TEXT NOT NULL,
    user_id    INTEGER REFERENCES users(id),
    ref_type   TEXT,
    ref_id     INTEGER,
    note       TEXT
) STRICT;
CREATE INDEX stock_moves_product ON stock_moves(product_id, id);
CREATE TRIGGER stock_moves_no_update BEFORE UPDATE ON stock_moves
BEGIN SELECT RAISE(ABORT, 'stock moves are append-only'); END;
CREATE TRIGGER stock_moves_no_delete BEFORE DELETE ON stock_moves
BEGIN SELECT RAISE(ABORT, 'stock moves are append-only'); END;

CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    user_id   INTEGER,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    detail    TEXT NOT NULL,
    approver  TEXT,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
) STRICT;

CREATE TABLE drafts (
    till       TEXT PRIMARY KEY,
    cart       TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
