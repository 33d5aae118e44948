-- What the district above the coop holds of each till's events (the highest seq per till),
-- as this node last heard it: from the coop's server after a sync, from a relay straight to
-- the district, or from the district's acknowledgement of a bundle. A till keeps its events
-- until the district holds them, not only the coop: a coop server lost is rebuilt from the
-- tills' kept events and the district's.
CREATE TABLE district_acks (
    till TEXT PRIMARY KEY,
    held INTEGER NOT NULL CHECK (held >= 0),
    heard_at TEXT NOT NULL
);

-- The district's acknowledgement only moves forward.
CREATE TRIGGER district_acks_forward BEFORE UPDATE ON district_acks
WHEN NEW.held < OLD.held OR NEW.till IS NOT OLD.till
BEGIN
    SELECT RAISE(ABORT, 'district_acks: held only moves forward');
END;

-- An event the district does not hold yet is kept, even once the coop's server has it.
CREATE TRIGGER events_keep_for_district BEFORE DELETE ON events
WHEN OLD.seq > COALESCE((SELECT held FROM district_acks WHERE till = OLD.till), 0)
BEGIN
    SELECT RAISE(ABORT, 'events: an event the district does not hold yet is kept');
END;
