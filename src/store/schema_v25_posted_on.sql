-- A day closed or reversed on another node and applied here from its event: the till id
-- that node pushes under. NULL: closed or reversed on this node.
ALTER TABLE day_events ADD COLUMN posted_on TEXT;
