-- kasir schema v30_rx_sync: prescriptions travel with their sales, and a prescription
-- dispensed beyond its total on several tills is a business exception for the apoteker.
--
-- A prescription pulled with another till's sale names the pharmacist who approved it there
-- by username; users do not travel, so `apoteker_id` (this file's user) may be NULL. The
-- table is rebuilt to loosen that column; ids are kept, so the dispensing order (the
-- register's running "to date") stays as it was.
CREATE TABLE prescriptions_v30 (
    id          INTEGER PRIMARY KEY,
    uuid        TEXT NOT NULL UNIQUE,
    sale_id     INTEGER NOT NULL REFERENCES sales(id),
    line_no     INTEGER NOT NULL,
    rx_no       TEXT NOT NULL,
    doctor      TEXT NOT NULL,
    sip         TEXT NOT NULL,
    patient     TEXT NOT NULL,
    rx_date     TEXT NOT NULL,
    apoteker_id INTEGER REFERENCES users(id),
    apoteker    TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    rx_key      TEXT NOT NULL DEFAULT '',
    product_id  INTEGER REFERENCES products(id),
    prescribed  INTEGER,
    iter        INTEGER NOT NULL DEFAULT 0,
    dispensed   INTEGER NOT NULL DEFAULT 0,
    age_reason  TEXT,
    UNIQUE (sale_id, line_no)
) STRICT;
INSERT INTO prescriptions_v30(id, uuid, sale_id, line_no, rx_no, doctor, sip, patient, rx_date,
                              apoteker_id, apoteker, created_at, rx_key, product_id,
                              prescribed, iter, dispensed, age_reason)
SELECT id, uuid, sale_id, line_no, rx_no, doctor, sip, patient, rx_date, apoteker_id,
       apoteker, created_at, rx_key, product_id, prescribed, iter, dispensed, age_reason
FROM prescriptions;
DROP TABLE prescriptions;
ALTER TABLE prescriptions_v30 RENAME TO prescriptions;
CREATE INDEX prescriptions_key ON prescriptions(rx_key, product_id);

-- A third kind of business exception: `rx_over_dispensed`, a prescription (subject
-- `RX_KEY/SKU`) dispensed beyond what it allows in total by tills offline at the same time;
-- `figure` is what it has dispensed, thousandths of the base unit. The table is rebuilt to
-- widen its kind; ids are kept.
DROP TRIGGER business_exceptions_resolved_stay;
DROP TRIGGER business_exceptions_no_delete;
CREATE TABLE business_exceptions_v30 (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('oversell', 'kasbon_over_limit', 'rx_over_dispensed')),
    subject TEXT NOT NULL,
    sku TEXT,
    batch_no TEXT,
    member TEXT,
    figure INTEGER NOT NULL,
    involved TEXT NOT NULL DEFAULT '',
    reason_id TEXT NOT NULL,
    reason_en TEXT NOT NULL,
    detected_at TEXT NOT NULL,
    resolved_at TEXT,
    resolved_by TEXT,
    resolved_till TEXT,
    note TEXT,
    adjustment INTEGER,
    resolve_event TEXT,
    CHECK ((resolved_at IS NULL) = (resolved_by IS NULL))
);
INSERT INTO business_exceptions_v30(id, kind, subject, sku, batch_no, member, figure, involved,
                                    reason_id, reason_en, detected_at, resolved_at,
                                    resolved_by, resolved_till, note, adjustment, resolve_event)
SELECT id, kind, subject, sku, batch_no, member, figure, involved, reason_id, reason_en,
       detected_at, resolved_at, resolved_by, resolved_till, note, adjustment, resolve_event
FROM business_exceptions;
DROP TABLE business_exceptions;
ALTER TABLE business_exceptions_v30 RENAME TO business_exceptions;
CREATE UNIQUE INDEX business_exceptions_open ON business_exceptions(kind, subject)
    WHERE resolved_at IS NULL;
CREATE TRIGGER business_exceptions_resolved_stay BEFORE UPDATE ON business_exceptions
WHEN OLD.resolved_at IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'business_exceptions: a resolved exception is not changed');
END;
CREATE TRIGGER business_exceptions_no_delete BEFORE DELETE ON business_exceptions
BEGIN
    SELECT RAISE(ABORT, 'business_exceptions: exceptions are never deleted');
END;
