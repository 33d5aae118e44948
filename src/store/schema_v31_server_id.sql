-- kasir schema v31_server_id: the id of the coop's server this node last synced with. A
-- sync that finds another id (the server was lost and rebuilt) pushes this till's kept
-- events again and reads the new server's order from its start: only then may the read
-- position go back, to 0, together with the new id.
ALTER TABLE sync_pull ADD COLUMN server_id TEXT;

DROP TRIGGER sync_pull_forward;
CREATE TRIGGER sync_pull_forward BEFORE UPDATE ON sync_pull
WHEN NEW.last_change_seq < OLD.last_change_seq
 AND (NEW.server_id IS OLD.server_id OR NEW.last_change_seq <> 0)
BEGIN
    SELECT RAISE(ABORT, 'sync_pull: last_change_seq only moves forward');
END;
