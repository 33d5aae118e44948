-- The outbox: every use case that syncs writes the events it caused here, in the same
-- transaction as its effects. Append-only: only `acked` (the coop's server has stored the
-- event) may change, from 0 to 1, and only an acknowledged event may be deleted.
--
-- One table and one index, so a sale writes two more pages (their last leaves): what is
-- pending is the seqs after the till's last acknowledged one (acknowledgements are a
-- prefix), found walking back from the till's newest event. (A table clustered on
-- (till, seq) would be one page, but its rows spill a sale's payload to overflow pages.)
-- The id is unique by construction (UUIDv7) and on the coop's server (its primary key).
CREATE TABLE events (
    n INTEGER PRIMARY KEY,
    till TEXT NOT NULL,
    seq INTEGER NOT NULL CHECK (seq >= 1),
    id TEXT NOT NULL,                   -- UUIDv7
    kind TEXT NOT NULL,                 -- e.g. sale.v1
    schema_version INTEGER NOT NULL,
    payload TEXT NOT NULL,              -- canonical JSON (keys sorted, amounts as strings)
    hash TEXT NOT NULL,                 -- sha256 hex of payload
    till_time TEXT NOT NULL,
    acked INTEGER NOT NULL DEFAULT 0 CHECK (acked IN (0, 1)),
    UNIQUE (till, seq)
);

-- Per till, gapless: the next event of a till is its last seq + 1 (one index step).
CREATE TRIGGER events_gapless BEFORE INSERT ON events
WHEN NEW.seq <> COALESCE((SELECT max(seq) FROM events WHERE till = NEW.till), 0) + 1
BEGIN
    SELECT RAISE(ABORT, 'events: seq must follow the till''s last event');
END;

-- Only acked changes, 0 to 1 (`store::outbox::ack_through` marks a till's events from its
-- last acknowledged one up to a seq, so the acknowledged events are a prefix).
CREATE TRIGGER events_append_only BEFORE UPDATE ON events
WHEN OLD.n IS NOT NEW.n OR OLD.id IS NOT NEW.id OR OLD.till IS NOT NEW.till OR OLD.seq IS NOT NEW.seq
  OR OLD.kind IS NOT NEW.kind OR OLD.schema_version IS NOT NEW.schema_version
  OR OLD.payload IS NOT NEW.payload OR OLD.hash IS NOT NEW.hash
  OR OLD.till_time IS NOT NEW.till_time OR NEW.acked < OLD.acked
BEGIN
    SELECT RAISE(ABORT, 'events are append-only: only acked may change, from 0 to 1');
END;

-- An acknowledged event may go, except a till's newest: it holds the till's place in its
-- sequence, so the next event never reuses a seq the server already holds.
CREATE TRIGGER events_keep_unacked BEFORE DELETE ON events
WHEN OLD.acked = 0 OR OLD.seq = (SELECT max(seq) FROM events WHERE till = OLD.till)
BEGIN
    SELECT RAISE(ABORT, 'events: an unacknowledged event, or a till''s newest, is kept');
END;
