-- kasir schema v33_late_events: an event of a business day that reaches a node after that
-- day was posted there (a till that sold offline after the close) is a business exception
-- (`late_event`, subject: the event's id; `figure`: its amount in minor units), and
-- resolving it posts an adjusting journal (`adjust`) dated on that day, beside the day's
-- journal, which stays as it was posted.

-- Widen the exceptions' kind; ids are kept.
DROP TRIGGER business_exceptions_resolved_stay;
DROP TRIGGER business_exceptions_no_delete;
CREATE TABLE business_exceptions_v33 (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('oversell', 'kasbon_over_limit', 'rx_over_dispensed',
                                       'late_event')),
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
    -- A late event's: the event, its till, seq and day, and the adjusting journals its
    -- resolution posts (JSON, account codes), as found here.
    correction TEXT,
    CHECK ((resolved_at IS NULL) = (resolved_by IS NULL))
);
INSERT INTO business_exceptions_v33(id, kind, subject, sku, batch_no, member, figure, involved,
                                    reason_id, reason_en, detected_at, resolved_at,
                                    resolved_by, resolved_till, note, adjustment, resolve_event)
SELECT id, kind, subject, sku, batch_no, member, figure, involved, reason_id, reason_en,
       detected_at, resolved_at, resolved_by, resolved_till, note, adjustment, resolve_event
FROM business_exceptions;
DROP TABLE business_exceptions;
ALTER TABLE business_exceptions_v33 RENAME TO business_exceptions;
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

-- Widen the journals' kind with `adjust`: the late entries of a posted day. The table is
-- rebuilt; ids are kept, so posted lines keep their journal.
DROP TRIGGER journal_lines_no_late_insert;
DROP TRIGGER journals_no_update;
DROP TRIGGER journals_no_delete;
DROP TRIGGER journals_day_once;
CREATE TABLE journals_v33 (
    id            INTEGER PRIMARY KEY,
    uuid          TEXT NOT NULL UNIQUE,
    number        TEXT NOT NULL UNIQUE,
    business_date TEXT NOT NULL,
    business_unit TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('day','reversal','opening','adjust')),
    memo          TEXT NOT NULL,
    posted_at     TEXT NOT NULL,
    posted_by     TEXT NOT NULL,
    reverses      INTEGER REFERENCES journals_v33(id),
    stock_through INTEGER,
    CHECK ((kind = 'opening') = (stock_through IS NOT NULL))
) STRICT;
INSERT INTO journals_v33(id, uuid, number, business_date, business_unit, kind, memo, posted_at,
                         posted_by, reverses, stock_through)
SELECT id, uuid, number, business_date, business_unit, kind, memo, posted_at, posted_by,
       reverses, stock_through
FROM journals;
DROP TABLE journals;
ALTER TABLE journals_v33 RENAME TO journals;
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
CREATE TRIGGER journals_day_once BEFORE INSERT ON journals
WHEN NEW.kind = 'day'
 AND EXISTS (SELECT 1 FROM journals j
             WHERE j.business_date = NEW.business_date
               AND j.business_unit = NEW.business_unit
               AND j.kind = 'day'
               AND NOT EXISTS (SELECT 1 FROM journals r WHERE r.reverses = j.id))
BEGIN SELECT RAISE(ABORT, 'kasir: day journal already posted'); END;
-- An adjusting journal is posted only on a closed day.
CREATE TRIGGER journals_adjust_closed BEFORE INSERT ON journals
WHEN NEW.kind = 'adjust'
 AND (SELECT kind FROM day_events WHERE business_date = NEW.business_date
      ORDER BY id DESC LIMIT 1) IS NOT 'close'
BEGIN SELECT RAISE(ABORT, 'kasir: day not closed'); END;

-- What a close covered: per till, the highest event sequence the closing node held
-- (`{"sembako-1": 41, ...}`; NULL: a close from before this version). An event of a till
-- beyond it, of that day, reached the books after them.
ALTER TABLE day_events ADD COLUMN covers TEXT;
