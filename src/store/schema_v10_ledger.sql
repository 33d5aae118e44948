-- kasir schema v10_ledger: shift close, cash moves, returns, the ledger, savings.
-- Money: INTEGER 1/100 rupiah. Quantities: INTEGER 1/1000 base unit.

-- Chart of accounts. `role` ties an account to a posting rule (cash.sembako, sales.apotek.member…)
-- so the coop may rename or renumber accounts without touching the posting code.
CREATE TABLE accounts (
    id     INTEGER PRIMARY KEY,
    code   TEXT NOT NULL UNIQUE,
    name   TEXT NOT NULL,
    kind   TEXT NOT NULL CHECK (kind IN ('asset','liability','equity','income','expense')),
    role   TEXT UNIQUE,
    active INTEGER NOT NULL DEFAULT 1
) STRICT;

INSERT INTO accounts(code, name, kind, role) VALUES
    ('1-1101', 'Kas Gerai Sembako', 'asset', 'cash.sembako'),
    ('1-1102', 'Kas Apotek', 'asset', 'cash.apotek'),
    ('1-1201', 'Bank', 'asset', 'bank'),
    ('1-1301', 'Piutang QRIS', 'asset', 'qris'),
    ('1-1401', 'Piutang Anggota — Sembako', 'asset', 'receivable.sembako'),
    ('1-1402', 'Piutang Anggota — Apotek', 'asset', 'receivable.apotek'),
    ('1-1601', 'Persediaan Sembako', 'asset', 'inventory.sembako'),
    ('1-1602', 'Persediaan Apotek', 'asset', 'inventory.apotek'),
    ('1-1901', 'Rekening Antar Unit', 'asset', 'interunit'),
    ('2-1101', 'Utang Dagang', 'liability', 'payable'),
    ('2-1201', 'PPN Keluaran', 'liability', 'ppn_out'),
    ('2-1401', 'Simpanan Sukarela', 'liability', 'savings.sukarela'),
    ('3-1101', 'Simpanan Pokok', 'equity', 'savings.pokok'),
    ('3-1102', 'Simpanan Wajib', 'equity', 'savings.wajib'),
    ('4-1101', 'Penjualan Sembako — Anggota', 'income', 'sales.sembako.member'),
    ('4-1102', 'Penjualan Sembako — Non-anggota', 'income', 'sales.sembako.public'),
    ('4-1201', 'Penjualan Apotek — Anggota', 'income', 'sales.apotek.member'),
    ('4-1202', 'Penjualan Apotek — Non-anggota', 'income', 'sales.apotek.public'),
    ('4-1901', 'Retur Penjualan', 'income', 'returns'),
    ('5-1101', 'HPP Sembako — Anggota', 'expense', 'cogs.sembako.member'),
    ('5-1102', 'HPP Sembako — Non-anggota', 'expense', 'cogs.sembako.public'),
    ('5-1201', 'HPP Apotek — Anggota', 'expense', 'cogs.apotek.member'),
    ('5-1202', 'HPP Apotek — Non-anggota', 'expense', 'cogs.apotek.public'),
    ('5-1901', 'Kerugian Persediaan', 'expense', 'stock_loss'),
    ('6-1101', 'Beban Kas Kecil', 'expense', 'petty_cash'),
    ('7-2101', 'Selisih Kas', 'expense', 'over_short'),
    ('7-2102', 'Selisih Pembulatan', 'expense', 'rounding');

-- Posted journals: immutable. A correction is a new journal that reverses one.
CREATE TABLE journals (
    id            INTEGER PRIMARY KEY,
    uuid          TEXT NOT NULL UNIQUE,
    number        TEXT NOT NULL UNIQUE,
    business_date TEXT NOT NULL,
    business_unit TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('day','reversal')),
    memo          TEXT NOT NULL,
    posted_at     TEXT NOT NULL,
    posted_by     TEXT NOT NULL,
    reverses      INTEGER REFERENCES journals(id)
) STRICT;
CREATE INDEX journals_date ON journals(business_date);
CREATE UNIQUE INDEX journals_reversed_once ON journals(reverses) WHERE reverses IS NOT NULL;

CREATE TABLE journal_lines (
    id         INTEGER PRIMARY KEY,
    journal_id INTEGER NOT NULL REFERENCES journals(id),
    line_no    INTEGER NOT NULL,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    debit      INTEGER NOT NULL CHECK (debit >= 0),
    credit     INTEGER NOT NULL CHECK (credit >= 0),
    memo       TEXT NOT NULL DEFAULT '',
    CHECK (debit = 0 OR credit = 0),
    UNIQUE (journal_id, line_no)
) STRICT;
CREATE INDEX journal_lines_account ON journal_lines(account_id);
CREATE TRIGGER journal_lines_no_update BEFORE UPDATE ON journal_lines
BEGIN SELECT RAISE(ABORT, 'posted journal lines are immutable'); END;
CREATE TRIGGER journal_lines_no_delete BEFORE DELETE ON journal_lines
BEGIN SELECT RAISE(ABORT, 'posted journal lines are immutable'); END;
-- Lines are written with their journal, which is then the newest; nothing is added later.
CREATE TRIGGER journal_lines_no_late_insert BEFORE INSERT ON journal_lines
WHEN NEW.journal_id <> (SELECT max(id) FROM journals)
BEGIN SELECT RAISE(ABORT, 'posted journals are immutable'); END;
CREATE TRIGGER journals_no_update BEFORE UPDATE ON journals
BEGIN SELECT RAISE(ABORT, 'posted journals are immutable'); END;
CREATE TRIGGER journals_no_delete BEFORE DELETE ON journals
BEGIN SELECT RAISE(ABORT, 'posted journals are immutable'); END;

-- Day close and reversal events, append-only: a day is closed when its last event is 'close'.
CREATE TABLE day_events (
    id            INTEGER PRIMARY KEY,
    business_date TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('close','reverse')),
    at            TEXT NOT NULL,
    actor         TEXT NOT NULL,
    reason        TEXT
) STRICT;
CREATE INDEX day_events_date ON day_events(business_date, id);
CREATE TRIGGER day_events_no_update BEFORE UPDATE ON day_events
BEGIN SELECT RAISE(ABORT, 'day events are append-only'); END;
CREATE TRIGGER day_events_no_delete BEFORE DELETE ON day_events
BEGIN SELECT RAISE(ABORT, 'day events are append-only'); END;

-- Cash into and out of a drawer during a shift: petty cash in/out and kasbon repayments.
CREATE TABLE cash_moves (
    id            INTEGER PRIMARY KEY,
    uuid          TEXT NOT NULL UNIQUE,
    shift_id      INTEGER NOT NULL REFERENCES shifts(id),
    business_unit TEXT NOT NULL,
    business_date TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('in','out','repay')),
    amount        INTEGER NOT NULL CHECK (amount > 0),
    member_id     INTEGER REFERENCES members(id),
    reason        TEXT NOT NULL,
    at            TEXT NOT NULL,
    actor         TEXT NOT NULL,
    approver      TEXT
) STRICT;
CREATE INDEX cash_moves_shift ON cash_moves(shift_id);
CREATE INDEX cash_moves_date ON cash_moves(business_date);

-- The close of a shift: blind count against what was expected, and the stored Z report.
CREATE TABLE shift_closes (
    shift_id      INTEGER PRIMARY KEY REFERENCES shifts(id),
    business_date TEXT NOT NULL,
    closed_at     TEXT NOT NULL,
    actor         TEXT NOT NULL,
    expected_cash INTEGER NOT NULL,
    counted_cash  INTEGER NOT NULL,
    difference    INTEGER NOT NULL,
    reason        TEXT,
    report        TEXT NOT NULL
) STRICT;
CREATE INDEX shift_closes_date ON shift_closes(business_date);

-- Returns against a receipt.
CREATE TABLE returns (
    id            INTEGER PRIMARY KEY,
    uuid          TEXT NOT NULL UNIQUE,
    number        TEXT NOT NULL UNIQUE,
    sale_id       INTEGER NOT NULL REFERENCES sales(id),
    till          TEXT NOT NULL,
    shift_id      INTEGER REFERENCES shifts(id),
    business_unit TEXT NOT NULL,
    business_date TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    actor         TEXT NOT NULL,
    approver      TEXT NOT NULL,
    member_id     INTEGER REFERENCES members(id),
    amount        INTEGER NOT NULL,
    refund_cash   INTEGER NOT NULL,
    refund_kasbon INTEGER NOT NULL,
    rounding      INTEGER NOT NULL
) STRICT;
CREATE INDEX returns_date ON returns(business_date);
CREATE INDEX returns_sale ON returns(sale_id);

CREATE TABLE return_lines (
    id            INTEGER PRIMARY KEY,
    return_id     INTEGER NOT NULL REFERENCES returns(id),
    sale_line_id  INTEGER NOT NULL REFERENCES sale_lines(id),
    qty           INTEGER NOT NULL CHECK (qty > 0),
    base_qty      INTEGER NOT NULL,
    amount        INTEGER NOT NULL,
    ppn           INTEGER NOT NULL,
    cost          INTEGER NOT NULL,
    business_unit TEXT NOT NULL
) STRICT;
CREATE INDEX return_lines_sale_line ON return_lines(sale_line_id);

-- Members' savings as imported from the simpan-pinjam unit.
CREATE TABLE member_savings (
    member_id   INTEGER PRIMARY KEY REFERENCES members(id),
    pokok       INTEGER NOT NULL CHECK (pokok >= 0),
    wajib       INTEGER NOT NULL CHECK (wajib >= 0),
    sukarela    INTEGER NOT NULL CHECK (sukarela >= 0),
    imported_at TEXT NOT NULL
) STRICT;
