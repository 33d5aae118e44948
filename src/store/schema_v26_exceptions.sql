-- Business exceptions found after the other tills' events are applied: goods sold beyond
-- stock on hand by tills that were offline together (stock below zero, per product or per
-- batch), a member's kasbon above their limit from sales on several tills. Each is open
-- until the treasurer (or the apoteker, for obat) resolves it with a note, and for an
-- oversell a stock adjustment; the resolution travels as an `exception_resolve.v1` event
-- and resolves the same exception on every node.
CREATE TABLE business_exceptions (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('oversell', 'kasbon_over_limit')),
    -- What it is about, the same on every node: SKU, SKU/batch number, or member number.
    subject TEXT NOT NULL,
    sku TEXT,
    batch_no TEXT,
    member TEXT,
    -- The figure when found: on hand in thousandths of the base unit (oversell), or the
    -- kasbon balance in minor units (kasbon_over_limit).
    figure INTEGER NOT NULL,
    -- The tills and sales involved, as far as this node knows them ("sembako-1 S-1, ...").
    involved TEXT NOT NULL DEFAULT '',
    reason_id TEXT NOT NULL,
    reason_en TEXT NOT NULL,
    detected_at TEXT NOT NULL,
    resolved_at TEXT,
    resolved_by TEXT,
    resolved_till TEXT,
    note TEXT,
    -- The stock adjustment of the resolution, thousandths of the base unit (oversell).
    adjustment INTEGER,
    -- The id of the exception_resolve.v1 event that resolved it.
    resolve_event TEXT,
    CHECK ((resolved_at IS NULL) = (resolved_by IS NULL))
);

-- One open exception per kind and subject: found again while still open, it is not added.
CREATE UNIQUE INDEX business_exceptions_open ON business_exceptions(kind, subject)
    WHERE resolved_at IS NULL;

-- A resolved exception stays as it was resolved.
CREATE TRIGGER business_exceptions_resolved_stay BEFORE UPDATE ON business_exceptions
WHEN OLD.resolved_at IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'business_exceptions: a resolved exception is not changed');
END;
CREATE TRIGGER business_exceptions_no_delete BEFORE DELETE ON business_exceptions
BEGIN
    SELECT RAISE(ABORT, 'business_exceptions: exceptions are never deleted');
END;
