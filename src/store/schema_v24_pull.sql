-- The pull: the other tills' events this node took from the coop's server and applied to
-- its own tables (as those tills' rows), and the ones it could not apply yet.

-- How far this node has read the server's order of events (`change_seq`): one row.
CREATE TABLE sync_pull (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    last_change_seq INTEGER NOT NULL DEFAULT 0 CHECK (last_change_seq >= 0)
);
INSERT INTO sync_pull(id, last_change_seq) VALUES (1, 0);

-- The server's order only moves forward.
CREATE TRIGGER sync_pull_forward BEFORE UPDATE ON sync_pull
WHEN NEW.last_change_seq < OLD.last_change_seq
BEGIN
    SELECT RAISE(ABORT, 'sync_pull: last_change_seq only moves forward');
END;

-- Every remote event applied here, once: the id is the key, so applying an event a second
-- time fails inside the transaction that tries. Never changed, never deleted.
CREATE TABLE sync_applied (
    id TEXT PRIMARY KEY,                -- the event's id (UUIDv7)
    change_seq INTEGER NOT NULL,
    till TEXT NOT NULL,
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    applied_at TEXT NOT NULL,
    UNIQUE (till, seq)
);
CREATE TRIGGER sync_applied_no_update BEFORE UPDATE ON sync_applied
BEGIN
    SELECT RAISE(ABORT, 'sync_applied is append-only');
END;
CREATE TRIGGER sync_applied_no_delete BEFORE DELETE ON sync_applied
BEGIN
    SELECT RAISE(ABORT, 'sync_applied is append-only');
END;

-- Remote events that could not be applied here (a product this node does not have, a kind
-- or version it does not know, ...), kept whole with the reason, retried on every pull; a
-- row goes when its event is applied. They never block the events after them.
CREATE TABLE sync_exceptions (
    id TEXT PRIMARY KEY,                -- the event's id
    change_seq INTEGER NOT NULL,
    till TEXT NOT NULL,
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    schema_version INTEGER NOT NULL,
    payload TEXT NOT NULL,
    hash TEXT NOT NULL,
    till_time TEXT NOT NULL,
    reason_id TEXT NOT NULL,
    reason_en TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_tried TEXT NOT NULL,
    tries INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX sync_exceptions_order ON sync_exceptions(change_seq);

-- The other tills the server listed at the start of the last sync, each with the
-- change_seq of its newest event there: a till listed beyond what this node has applied
-- (or with an exception) is one whose events are not all here, and the day close waits.
CREATE TABLE sync_tills (
    till TEXT PRIMARY KEY,
    last_change_seq INTEGER NOT NULL,
    listed_at TEXT NOT NULL
);
