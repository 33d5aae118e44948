-- kasir's schema on the coop's PostgreSQL, versions 1 and 2. `kasir server init` runs this whole
-- script in one transaction; every statement is idempotent, so running it again changes
-- nothing. A later version appends its own statements and raises the version at the end.

CREATE TABLE IF NOT EXISTS kasir_schema_version (
    version integer PRIMARY KEY,
    installed_at timestamptz NOT NULL DEFAULT now()
);

-- Every event every till pushed, once.
CREATE TABLE IF NOT EXISTS events (
    id uuid PRIMARY KEY,
    till text NOT NULL,
    seq bigint NOT NULL,
    kind text NOT NULL,
    version integer NOT NULL,
    payload jsonb NOT NULL,
    hash text NOT NULL,
    till_time text NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (till, seq)
);

-- Registered tills and the role each pushes as.
CREATE TABLE IF NOT EXISTS tills (
    till text PRIMARY KEY,
    role_name text NOT NULL UNIQUE,
    joined_at timestamptz NOT NULL DEFAULT now(),
    last_push timestamptz,
    pushes bigint NOT NULL DEFAULT 0
);

-- Events that could not be stored as they came (another event already holds their till and
-- seq, a hash that does not match the payload, an unknown kind or version), kept whole for a
-- person to look at. They never block the till's later events.
CREATE TABLE IF NOT EXISTS quarantine (
    id bigserial PRIMARY KEY,
    event_id text NOT NULL,
    till text NOT NULL,
    seq bigint,
    kind text,
    version integer,
    payload text,
    hash text NOT NULL,
    till_time text,
    reason text NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (event_id, hash)
);
CREATE INDEX IF NOT EXISTS quarantine_till ON quarantine (till, seq);

-- The kinds and versions this schema knows how to store.
CREATE TABLE IF NOT EXISTS event_kinds (
    kind text NOT NULL,
    version integer NOT NULL,
    PRIMARY KEY (kind, version)
);
INSERT INTO event_kinds (kind, version) VALUES ('sale.v1', 1), ('return.v1', 1),
    ('shift_open.v1', 1), ('shift_close.v1', 1)
    ON CONFLICT DO NOTHING;

REVOKE ALL ON events, tills, quarantine, event_kinds, kasir_schema_version FROM PUBLIC;

-- Push a batch of a till's events. Runs as the schema's owner, for the till whose role is
-- the session's. Each event is stored once (a retried batch stores nothing new), or goes to
-- quarantine with its reason; the batch never fails for one bad event. Returns the highest
-- seq of the till the server holds (stored or quarantined): the till may mark its events up
-- to there acknowledged.
CREATE OR REPLACE FUNCTION kasir_push(p_till text, p_batch jsonb) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
DECLARE
    e jsonb;
    reason text;
    held record;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM tills WHERE till = p_till AND role_name = session_user) THEN
        RAISE EXCEPTION 'role % may not push for till %', session_user, p_till
            USING ERRCODE = '42501';
    END IF;
    FOR e IN SELECT value FROM jsonb_array_elements(p_batch) LOOP
        reason := NULL;
        BEGIN
            IF e->>'till' IS DISTINCT FROM p_till THEN
                reason := 'event of another till';
            ELSIF encode(sha256(convert_to(e->>'payload', 'UTF8')), 'hex')
                  IS DISTINCT FROM e->>'hash' THEN
                reason := 'hash does not match the payload';
            ELSIF NOT EXISTS (SELECT 1 FROM event_kinds k
                              WHERE k.kind = e->>'kind' AND k.version = (e->>'version')::int) THEN
                reason := 'unknown kind or version';
            ELSE
                SELECT id, hash INTO held FROM events
                    WHERE till = p_till AND seq = (e->>'seq')::bigint;
                IF FOUND THEN
                    IF held.id <> (e->>'id')::uuid OR held.hash <> e->>'hash' THEN
                        reason := 'till and seq already hold another event';
                    END IF;
                ELSE
                    INSERT INTO events (id, till, seq, kind, version, payload, hash, till_time)
                    VALUES ((e->>'id')::uuid, p_till, (e->>'seq')::bigint, e->>'kind',
                            (e->>'version')::int, (e->>'payload')::jsonb, e->>'hash',
                            e->>'till_time')
                    ON CONFLICT (id) DO NOTHING;
                    IF NOT FOUND THEN
                        reason := 'event id already stored at another seq';
                    END IF;
                END IF;
            END IF;
        EXCEPTION WHEN others THEN
            reason := 'unreadable event: ' || SQLERRM;
        END;
        IF reason IS NOT NULL THEN
            INSERT INTO quarantine (event_id, till, seq, kind, version, payload, hash,
                                    till_time, reason)
            VALUES (COALESCE(e->>'id', ''), p_till,
                    CASE WHEN e->>'seq' ~ '^[0-9]{1,18}$' THEN (e->>'seq')::bigint END,
                    e->>'kind',
                    CASE WHEN e->>'version' ~ '^[0-9]{1,9}$' THEN (e->>'version')::int END,
                    e->>'payload', COALESCE(e->>'hash', ''), e->>'till_time', reason)
            ON CONFLICT (event_id, hash) DO NOTHING;
        END IF;
    END LOOP;
    UPDATE tills SET last_push = now(), pushes = pushes + 1 WHERE till = p_till;
    RETURN greatest(COALESCE((SELECT max(seq) FROM events WHERE till = p_till), 0),
                    COALESCE((SELECT max(seq) FROM quarantine WHERE till = p_till), 0));
END
$fn$;
REVOKE ALL ON FUNCTION kasir_push(text, jsonb) FROM PUBLIC;

-- Register a till: its role may log in and execute kasir_push, nothing else. Till ids are
-- unique in the coop: a till id already registered is refused unless `p_rejoin` (the same
-- till on a new machine), which gives its role a new password. Run by the schema's owner
-- (`kasir till join` with the owner's URL).
DROP FUNCTION IF EXISTS kasir_register_till(text, text);
CREATE OR REPLACE FUNCTION kasir_register_till(p_till text, p_password text,
                                               p_rejoin boolean) RETURNS text
LANGUAGE plpgsql SET search_path = public, pg_temp AS $fn$
DECLARE
    r text := 'kasir_till_' || lower(regexp_replace(p_till, '[^A-Za-z0-9]', '_', 'g'));
BEGIN
    IF p_till !~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$' THEN
        RAISE EXCEPTION 'till id % is not letters, digits, ".", "_" or "-"', p_till;
    END IF;
    IF EXISTS (SELECT 1 FROM tills WHERE till = p_till) AND NOT p_rejoin THEN
        RAISE EXCEPTION 'till % is already registered (join again with --rejoin to move it to this machine)', p_till
            USING ERRCODE = '23505';
    END IF;
    IF EXISTS (SELECT 1 FROM tills WHERE role_name = r AND till <> p_till) THEN
        RAISE EXCEPTION 'till id % clashes with the registered till using role %', p_till, r;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
        EXECUTE format('ALTER ROLE %I LOGIN PASSWORD %L', r, p_password);
    ELSE
        EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L', r, p_password);
    END IF;
    EXECUTE format('GRANT EXECUTE ON FUNCTION kasir_push(text, jsonb) TO %I', r);
    INSERT INTO tills (till, role_name) VALUES (p_till, r)
        ON CONFLICT (till) DO UPDATE SET role_name = EXCLUDED.role_name;
    RETURN r;
END
$fn$;
REVOKE ALL ON FUNCTION kasir_register_till(text, text, boolean) FROM PUBLIC;

INSERT INTO kasir_schema_version (version) VALUES (1) ON CONFLICT DO NOTHING;

-- ---------------------------------------------------------------------------------------
-- Version 2: the pull. Every stored event gets a server order, `change_seq`, and a till
-- reads the other tills' events after the last change_seq it applied (`kasir_pull`) and
-- the list of the other tills with how far the server holds each (`kasir_tills`).
--
-- A pull must never skip an event that commits late with a lower change_seq. The number
-- is drawn by a trigger on insert, under a transaction-scoped advisory lock taken before
-- the draw and held until the inserting transaction ends: a transaction that has drawn a
-- number commits (or rolls back) before the next one can draw, so once an event is
-- visible every event with a lower change_seq is visible too or never will be. Pushes
-- that store nothing new never take the lock.

-- No push stores an event while the numbers are given out.
LOCK TABLE events IN EXCLUSIVE MODE;
CREATE SEQUENCE IF NOT EXISTS events_change_seq_numbers;
ALTER TABLE events ADD COLUMN IF NOT EXISTS change_seq bigint;
-- Events stored under version 1 take their numbers in the order they arrived.
WITH o AS (
    SELECT id, row_number() OVER (ORDER BY received_at, till, seq) AS n
    FROM events WHERE change_seq IS NULL
)
UPDATE events e
   SET change_seq = (SELECT COALESCE(max(change_seq), 0) FROM events) + o.n
  FROM o WHERE e.id = o.id;
SELECT setval('events_change_seq_numbers',
              GREATEST(COALESCE((SELECT max(change_seq) FROM events), 0), 1),
              (SELECT max(change_seq) FROM events) IS NOT NULL);
ALTER SEQUENCE events_change_seq_numbers OWNED BY events.change_seq;
ALTER TABLE events ALTER COLUMN change_seq SET NOT NULL;
CREATE UNIQUE INDEX IF NOT EXISTS events_by_change_seq ON events (change_seq);

CREATE OR REPLACE FUNCTION kasir_events_change_seq() RETURNS trigger
LANGUAGE plpgsql SET search_path = public, pg_temp AS $fn$
BEGIN
    PERFORM pg_advisory_xact_lock(727375);
    NEW.change_seq := nextval('events_change_seq_numbers');
    RETURN NEW;
END
$fn$;
DROP TRIGGER IF EXISTS events_change_seq ON events;
CREATE TRIGGER events_change_seq BEFORE INSERT ON events
    FOR EACH ROW EXECUTE FUNCTION kasir_events_change_seq();
REVOKE ALL ON FUNCTION kasir_events_change_seq() FROM PUBLIC;

-- The other tills' events after `p_after`, in change_seq order, at most `p_limit` (1 to
-- 5000). Runs as the schema's owner, for the till whose role is the session's. The payload
-- comes back as stored (jsonb's text); the till checks it against the hash after putting
-- it back in canonical form.
CREATE OR REPLACE FUNCTION kasir_pull(p_till text, p_after bigint, p_limit integer)
RETURNS TABLE (change_seq bigint, id uuid, till text, seq bigint, kind text,
               version integer, payload text, hash text, till_time text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM tills t WHERE t.till = p_till AND t.role_name = session_user) THEN
        RAISE EXCEPTION 'role % may not pull for till %', session_user, p_till
            USING ERRCODE = '42501';
    END IF;
    RETURN QUERY
        SELECT e.change_seq, e.id, e.till, e.seq, e.kind, e.version, e.payload::text, e.hash,
               e.till_time
        FROM events e
        WHERE e.change_seq > p_after AND e.till <> p_till
        ORDER BY e.change_seq
        LIMIT least(greatest(p_limit, 1), 5000);
END
$fn$;
REVOKE ALL ON FUNCTION kasir_pull(text, bigint, integer) FROM PUBLIC;

-- The other registered tills, each with the change_seq of its newest stored event (0 if it
-- has none): a node that has not applied a till's events up to there knows it is behind
-- on that till (its day close waits). Runs as the schema's owner, for the session's till.
CREATE INDEX IF NOT EXISTS events_till_change_seq ON events (till, change_seq);
CREATE OR REPLACE FUNCTION kasir_tills(p_till text)
RETURNS TABLE (till text, last_change_seq bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM tills t WHERE t.till = p_till AND t.role_name = session_user) THEN
        RAISE EXCEPTION 'role % may not list tills for till %', session_user, p_till
            USING ERRCODE = '42501';
    END IF;
    RETURN QUERY
        SELECT t.till,
               COALESCE((SELECT max(e.change_seq) FROM events e WHERE e.till = t.till), 0)::bigint
        FROM tills t
        WHERE t.till <> p_till
        ORDER BY t.till;
END
$fn$;
REVOKE ALL ON FUNCTION kasir_tills(text) FROM PUBLIC;

-- Register a till (as in version 1), its role now also executing kasir_pull and kasir_tills.
CREATE OR REPLACE FUNCTION kasir_register_till(p_till text, p_password text,
                                               p_rejoin boolean) RETURNS text
LANGUAGE plpgsql SET search_path = public, pg_temp AS $fn$
DECLARE
    r text := 'kasir_till_' || lower(regexp_replace(p_till, '[^A-Za-z0-9]', '_', 'g'));
BEGIN
    IF p_till !~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$' THEN
        RAISE EXCEPTION 'till id % is not letters, digits, ".", "_" or "-"', p_till;
    END IF;
    IF EXISTS (SELECT 1 FROM tills WHERE till = p_till) AND NOT p_rejoin THEN
        RAISE EXCEPTION 'till % is already registered (join again with --rejoin to move it to this machine)', p_till
            USING ERRCODE = '23505';
    END IF;
    IF EXISTS (SELECT 1 FROM tills WHERE role_name = r AND till <> p_till) THEN
        RAISE EXCEPTION 'till id % clashes with the registered till using role %', p_till, r;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
        EXECUTE format('ALTER ROLE %I LOGIN PASSWORD %L', r, p_password);
    ELSE
        EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L', r, p_password);
    END IF;
    EXECUTE format('GRANT EXECUTE ON FUNCTION kasir_push(text, jsonb) TO %I', r);
    EXECUTE format('GRANT EXECUTE ON FUNCTION kasir_pull(text, bigint, integer) TO %I', r);
    EXECUTE format('GRANT EXECUTE ON FUNCTION kasir_tills(text) TO %I', r);
    INSERT INTO tills (till, role_name) VALUES (p_till, r)
        ON CONFLICT (till) DO UPDATE SET role_name = EXCLUDED.role_name;
    RETURN r;
END
$fn$;
REVOKE ALL ON FUNCTION kasir_register_till(text, text, boolean) FROM PUBLIC;

-- Tills registered under version 1 may pull too.
DO $do$
DECLARE
    r text;
BEGIN
    FOR r IN SELECT role_name FROM tills LOOP
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
            EXECUTE format('GRANT EXECUTE ON FUNCTION kasir_pull(text, bigint, integer) TO %I', r);
            EXECUTE format('GRANT EXECUTE ON FUNCTION kasir_tills(text) TO %I', r);
        END IF;
    END LOOP;
END
$do$;

INSERT INTO kasir_schema_version (version) VALUES (2) ON CONFLICT DO NOTHING;

-- ---------------------------------------------------------------------------------------
-- Version 3: the events of every use case that changes stock, cash or books, and what each
-- till reports after a sync (its pending events and its clock). Idempotent like the rest;
-- it needs only version 1 above it.

INSERT INTO event_kinds (kind, version) VALUES ('receive.v1', 1), ('write_off.v1', 1),
    ('opname.v1', 1), ('cash_move.v1', 1), ('kasbon_repay.v1', 1), ('day_close.v1', 1),
    ('day_reverse.v1', 1)
    ON CONFLICT DO NOTHING;

-- What the till last reported: its events not yet acknowledged, and its clock less the
-- server's (milliseconds; positive: the till is ahead).
ALTER TABLE tills ADD COLUMN IF NOT EXISTS pending bigint;
ALTER TABLE tills ADD COLUMN IF NOT EXISTS clock_offset_ms bigint;
ALTER TABLE tills ADD COLUMN IF NOT EXISTS reported_at timestamptz;

-- The functions a till's role may execute (every signature of each name). Each checks the
-- session's role against `tills` itself. Names not (yet) installed are skipped.
CREATE TABLE IF NOT EXISTS till_functions (
    name text PRIMARY KEY
);
INSERT INTO till_functions (name) VALUES ('kasir_push'), ('kasir_pull'), ('kasir_tills'),
    ('kasir_report')
    ON CONFLICT DO NOTHING;
REVOKE ALL ON till_functions FROM PUBLIC;

-- After each sync the till says how many of its events still wait and what its clock
-- reads. Runs as the schema's owner, for the till whose role is the session's. Returns the
-- clock offset stored (milliseconds).
CREATE OR REPLACE FUNCTION kasir_report(p_till text, p_pending bigint, p_till_now timestamptz)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
DECLARE
    off bigint;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM tills WHERE till = p_till AND role_name = session_user) THEN
        RAISE EXCEPTION 'role % may not report for till %', session_user, p_till
            USING ERRCODE = '42501';
    END IF;
    off := round(extract(epoch FROM (p_till_now - clock_timestamp())) * 1000)::bigint;
    UPDATE tills SET pending = greatest(p_pending, 0), clock_offset_ms = off,
                     reported_at = clock_timestamp()
        WHERE till = p_till;
    RETURN off;
END
$fn$;
REVOKE ALL ON FUNCTION kasir_report(text, bigint, timestamptz) FROM PUBLIC;

-- Grant a till's role every function of `till_functions` that is installed.
CREATE OR REPLACE FUNCTION kasir_grant_till(p_role text) RETURNS void
LANGUAGE plpgsql SET search_path = public, pg_temp AS $fn$
DECLARE
    f regprocedure;
BEGIN
    FOR f IN SELECT p.oid::regprocedure FROM pg_proc p
             JOIN pg_namespace n ON n.oid = p.pronamespace
             WHERE n.nspname = 'public' AND p.proname IN (SELECT name FROM till_functions)
    LOOP
        EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %I', f, p_role);
    END LOOP;
END
$fn$;
REVOKE ALL ON FUNCTION kasir_grant_till(text) FROM PUBLIC;

-- Registration as in version 1, granting the role every till function.
CREATE OR REPLACE FUNCTION kasir_register_till(p_till text, p_password text,
                                               p_rejoin boolean) RETURNS text
LANGUAGE plpgsql SET search_path = public, pg_temp AS $fn$
DECLARE
    r text := 'kasir_till_' || lower(regexp_replace(p_till, '[^A-Za-z0-9]', '_', 'g'));
BEGIN
    IF p_till !~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$' THEN
        RAISE EXCEPTION 'till id % is not letters, digits, ".", "_" or "-"', p_till;
    END IF;
    IF EXISTS (SELECT 1 FROM tills WHERE till = p_till) AND NOT p_rejoin THEN
        RAISE EXCEPTION 'till % is already registered (join again with --rejoin to move it to this machine)', p_till
            USING ERRCODE = '23505';
    END IF;
    IF EXISTS (SELECT 1 FROM tills WHERE role_name = r AND till <> p_till) THEN
        RAISE EXCEPTION 'till id % clashes with the registered till using role %', p_till, r;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
        EXECUTE format('ALTER ROLE %I LOGIN PASSWORD %L', r, p_password);
    ELSE
        EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L', r, p_password);
    END IF;
    PERFORM kasir_grant_till(r);
    INSERT INTO tills (till, role_name) VALUES (p_till, r)
        ON CONFLICT (till) DO UPDATE SET role_name = EXCLUDED.role_name;
    RETURN r;
END
$fn$;
REVOKE ALL ON FUNCTION kasir_register_till(text, text, boolean) FROM PUBLIC;

-- Tills registered before this version get the new functions too.
DO $do$
DECLARE
    r text;
BEGIN
    FOR r IN SELECT t.role_name FROM tills t JOIN pg_roles p ON p.rolname = t.role_name LOOP
        PERFORM kasir_grant_till(r);
    END LOOP;
END
$do$;

INSERT INTO kasir_schema_version (version) VALUES (3) ON CONFLICT DO NOTHING;

-- ---------------------------------------------------------------------------------------
-- Version 4: bundles carried by hand (`kasir bundle import FILE --server URL`, run with the
-- owner's address where a till has no link). The owner stores a till's events through
-- kasir_push itself, so a bundle's events obey exactly the rules of a push: each event id
-- stored once, a bad hash, an unknown kind or another event's till and seq quarantined.
-- kasir_push lets only the till's own role push; for the length of one call the till's row
-- names the owner's role, then its own again (all in the caller's transaction). A till
-- that first reaches the coop by bundle is registered without a role of its own: when it
-- gets a link it joins with `kasir till join --rejoin`, which gives it one.
CREATE OR REPLACE FUNCTION kasir_import(p_till text, p_batch jsonb) RETURNS bigint
LANGUAGE plpgsql SET search_path = public, pg_temp AS $fn$
DECLARE
    r text := 'kasir_till_' || lower(regexp_replace(p_till, '[^A-Za-z0-9]', '_', 'g'));
    kept text;
    held bigint;
BEGIN
    PERFORM pg_advisory_xact_lock(727375);
    IF p_till !~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$' THEN
        RAISE EXCEPTION 'till id % is not letters, digits, ".", "_" or "-"', p_till;
    END IF;
    SELECT role_name INTO kept FROM tills WHERE till = p_till;
    IF NOT FOUND THEN
        IF EXISTS (SELECT 1 FROM tills WHERE role_name = r) THEN
            RAISE EXCEPTION 'till id % clashes with the registered till using role %', p_till, r;
        END IF;
        INSERT INTO tills (till, role_name) VALUES (p_till, r);
        kept := r;
    END IF;
    UPDATE tills SET role_name = session_user WHERE till = p_till;
    held := kasir_push(p_till, p_batch);
    UPDATE tills SET role_name = kept WHERE till = p_till;
    RETURN held;
END
$fn$;
REVOKE ALL ON FUNCTION kasir_import(text, jsonb) FROM PUBLIC;

INSERT INTO kasir_schema_version (version) VALUES (4) ON CONFLICT DO NOTHING;

-- ---------------------------------------------------------------------------------------
-- Version 5: a business exception resolved (stock sold below zero by tills offline at the
-- same time, kasbon above a member's limit), with its stock adjustment, travels to every
-- node like any other event.

INSERT INTO event_kinds (kind, version) VALUES ('exception_resolve.v1', 1)
    ON CONFLICT DO NOTHING;

INSERT INTO kasir_schema_version (version) VALUES (5) ON CONFLICT DO NOTHING;

-- ---------------------------------------------------------------------------------------
-- Version 6: the catalog and the members travel (`catalog.v1`, `members.v1`), applied in
-- the server's order on every node, the node that made a change included. `kasir_feed`
-- is `kasir_pull` that also gives the caller back its own events of those kinds, so each
-- node applies every change to a product or member in change_seq order and all end with
-- the one the server ordered last. `kasir_pull` stays for tills not yet upgraded.

INSERT INTO event_kinds (kind, version) VALUES ('catalog.v1', 1), ('members.v1', 1)
    ON CONFLICT DO NOTHING;

CREATE OR REPLACE FUNCTION kasir_feed(p_till text, p_after bigint, p_limit integer)
RETURNS TABLE (change_seq bigint, id uuid, till text, seq bigint, kind text,
               version integer, payload text, hash text, till_time text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM tills t WHERE t.till = p_till AND t.role_name = session_user) THEN
        RAISE EXCEPTION 'role % may not pull for till %', session_user, p_till
            USING ERRCODE = '42501';
    END IF;
    RETURN QUERY
        SELECT e.change_seq, e.id, e.till, e.seq, e.kind, e.version, e.payload::text, e.hash,
               e.till_time
        FROM events e
        WHERE e.change_seq > p_after
          AND (e.till <> p_till OR e.kind IN ('catalog.v1', 'members.v1'))
        ORDER BY e.change_seq
        LIMIT least(greatest(p_limit, 1), 5000);
END
$fn$;
REVOKE ALL ON FUNCTION kasir_feed(text, bigint, integer) FROM PUBLIC;

INSERT INTO till_functions (name) VALUES ('kasir_feed') ON CONFLICT DO NOTHING;

-- Tills registered before this version may call it too.
DO $do$
DECLARE
    r text;
BEGIN
    FOR r IN SELECT t.role_name FROM tills t JOIN pg_roles p ON p.rolname = t.role_name LOOP
        PERFORM kasir_grant_till(r);
    END LOOP;
END
$do$;

INSERT INTO kasir_schema_version (version) VALUES (6) ON CONFLICT DO NOTHING;

-- ---------------------------------------------------------------------------------------
-- Version 7: what the district above the coop holds of each till's events. `kasir relay`,
-- run with this server's owner address, records per till the highest seq the district
-- acknowledged (`kasir_district_ack`); each till reads its own (`kasir_district_held`) on
-- every sync and keeps its events until the district holds them, not only this server.

CREATE TABLE IF NOT EXISTS district_acks (
    till text PRIMARY KEY,
    held bigint NOT NULL CHECK (held >= 0),
    acked_at timestamptz NOT NULL DEFAULT now()
);
REVOKE ALL ON district_acks FROM PUBLIC;

-- Record what the district holds of `p_till` (never backwards). Run by the owner.
CREATE OR REPLACE FUNCTION kasir_district_ack(p_till text, p_held bigint) RETURNS bigint
LANGUAGE plpgsql SET search_path = public, pg_temp AS $fn$
DECLARE
    now_held bigint;
BEGIN
    INSERT INTO district_acks (till, held) VALUES (p_till, greatest(p_held, 0))
        ON CONFLICT (till) DO UPDATE
        SET held = greatest(district_acks.held, EXCLUDED.held), acked_at = now()
        RETURNING held INTO now_held;
    RETURN now_held;
END
$fn$;
REVOKE ALL ON FUNCTION kasir_district_ack(text, bigint) FROM PUBLIC;

-- The highest seq of the session's till the district holds (0: none yet, or no district).
CREATE OR REPLACE FUNCTION kasir_district_held(p_till text) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM tills WHERE till = p_till AND role_name = session_user) THEN
        RAISE EXCEPTION 'role % may not read for till %', session_user, p_till
            USING ERRCODE = '42501';
    END IF;
    RETURN COALESCE((SELECT held FROM district_acks WHERE till = p_till), 0);
END
$fn$;
REVOKE ALL ON FUNCTION kasir_district_held(text) FROM PUBLIC;

INSERT INTO till_functions (name) VALUES ('kasir_district_held') ON CONFLICT DO NOTHING;

-- Tills registered before this version may call it too.
DO $do$
DECLARE
    r text;
BEGIN
    FOR r IN SELECT t.role_name FROM tills t JOIN pg_roles p ON p.rolname = t.role_name LOOP
        PERFORM kasir_grant_till(r);
    END LOOP;
END
$do$;

INSERT INTO kasir_schema_version (version) VALUES (7) ON CONFLICT DO NOTHING;

-- ---------------------------------------------------------------------------------------
-- Version 8: the server's identity, and a server rebuilt from the district and the tills.
-- Each database gets an id once, at its first init; a till records it and, when a sync
-- finds another (the server was lost and rebuilt), pushes again every event it still keeps
-- and reads the new server's order from the start. `kasir server rebuild` stores the
-- coop's events the district holds through `kasir_restore`, the push's rules with one
-- more: a member change the district holds only redacted (`members.v1` without name, NIK
-- and phone; its hash is the coop's hash of the whole payload) is stored as it is, marked
-- `redacted`, kept out of the tills' feed, and replaced by the whole payload when a till
-- pushes the same event again (its payload's sha256 equals the stored hash).

CREATE TABLE IF NOT EXISTS server_identity (
    one boolean PRIMARY KEY DEFAULT true CHECK (one),
    id uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO server_identity (id) VALUES (gen_random_uuid()) ON CONFLICT DO NOTHING;
REVOKE ALL ON server_identity FROM PUBLIC;

-- This server's id (any till's role may read it).
CREATE OR REPLACE FUNCTION kasir_server_id() RETURNS uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
    SELECT id FROM server_identity
$fn$;
REVOKE ALL ON FUNCTION kasir_server_id() FROM PUBLIC;
INSERT INTO till_functions (name) VALUES ('kasir_server_id') ON CONFLICT DO NOTHING;

ALTER TABLE events ADD COLUMN IF NOT EXISTS redacted boolean NOT NULL DEFAULT false;

-- Store a batch of `p_till`'s events: the body of the push, for the push and the restore.
-- `p_restore` (the district's copy, run by the owner) may store a redacted member change.
-- Not executable by anyone but the owner; kasir_push checks the till's role first.
CREATE OR REPLACE FUNCTION kasir_store(p_till text, p_batch jsonb, p_restore boolean)
RETURNS bigint
LANGUAGE plpgsql SET search_path = public, pg_temp AS $fn$
DECLARE
    e jsonb;
    reason text;
    red boolean;
    held record;
BEGIN
    FOR e IN SELECT value FROM jsonb_array_elements(p_batch) LOOP
        reason := NULL;
        BEGIN
            red := COALESCE((e->>'redacted')::boolean, false);
            IF e->>'till' IS DISTINCT FROM p_till THEN
                reason := 'event of another till';
            ELSIF red AND NOT (p_restore AND e->>'kind' = 'members.v1') THEN
                reason := 'redacted payload (only a members change restored from the district may be)';
            ELSIF NOT red AND encode(sha256(convert_to(e->>'payload', 'UTF8')), 'hex')
                  IS DISTINCT FROM e->>'hash' THEN
                reason := 'hash does not match the payload';
            ELSIF NOT EXISTS (SELECT 1 FROM event_kinds k
                              WHERE k.kind = e->>'kind' AND k.version = (e->>'version')::int) THEN
                reason := 'unknown kind or version';
            ELSE
                SELECT ev.id, ev.hash, ev.redacted INTO held FROM events ev
                    WHERE ev.till = p_till AND ev.seq = (e->>'seq')::bigint;
                IF FOUND THEN
                    IF held.id <> (e->>'id')::uuid OR held.hash <> e->>'hash' THEN
                        reason := 'till and seq already hold another event';
                    ELSIF held.redacted AND NOT red THEN
                        -- The whole payload is back: the tills read it as a new change.
                        PERFORM pg_advisory_xact_lock(727375);
                        UPDATE events SET payload = (e->>'payload')::jsonb, redacted = false,
                                          change_seq = nextval('events_change_seq_numbers')
                            WHERE id = held.id;
                    END IF;
                ELSE
                    INSERT INTO events (id, till, seq, kind, version, payload, hash, till_time,
                                        redacted)
                    VALUES ((e->>'id')::uuid, p_till, (e->>'seq')::bigint, e->>'kind',
                            (e->>'version')::int, (e->>'payload')::jsonb, e->>'hash',
                            e->>'till_time', red)
                    ON CONFLICT (id) DO NOTHING;
                    IF NOT FOUND THEN
                        reason := 'event id already stored at another seq';
                    END IF;
                END IF;
            END IF;
        EXCEPTION WHEN others THEN
            reason := 'unreadable event: ' || SQLERRM;
        END;
        IF reason IS NOT NULL THEN
            INSERT INTO quarantine (event_id, till, seq, kind, version, payload, hash,
                                    till_time, reason)
            VALUES (COALESCE(e->>'id', ''), p_till,
                    CASE WHEN e->>'seq' ~ '^[0-9]{1,18}$' THEN (e->>'seq')::bigint END,
                    e->>'kind',
                    CASE WHEN e->>'version' ~ '^[0-9]{1,9}$' THEN (e->>'version')::int END,
                    e->>'payload', COALESCE(e->>'hash', ''), e->>'till_time', reason)
            ON CONFLICT (event_id, hash) DO NOTHING;
        END IF;
    END LOOP;
    RETURN greatest(COALESCE((SELECT max(seq) FROM events WHERE till = p_till), 0),
                    COALESCE((SELECT max(seq) FROM quarantine WHERE till = p_till), 0));
END
$fn$;
REVOKE ALL ON FUNCTION kasir_store(text, jsonb, boolean) FROM PUBLIC;

-- The push (as in version 1), its body now kasir_store's.
CREATE OR REPLACE FUNCTION kasir_push(p_till text, p_batch jsonb) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
DECLARE
    held bigint;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM tills WHERE till = p_till AND role_name = session_user) THEN
        RAISE EXCEPTION 'role % may not push for till %', session_user, p_till
            USING ERRCODE = '42501';
    END IF;
    held := kasir_store(p_till, p_batch, false);
    UPDATE tills SET last_push = now(), pushes = pushes + 1 WHERE till = p_till;
    RETURN held;
END
$fn$;
REVOKE ALL ON FUNCTION kasir_push(text, jsonb) FROM PUBLIC;

-- Store the district's copy of a till's events (`kasir server rebuild`, by the owner): the
-- push's rules, a redacted member change kept as it is. A till first named here is
-- registered without a role (it joins with `kasir till join --rejoin`), as by a bundle.
CREATE OR REPLACE FUNCTION kasir_restore(p_till text, p_batch jsonb) RETURNS bigint
LANGUAGE plpgsql SET search_path = public, pg_temp AS $fn$
DECLARE
    r text := 'kasir_till_' || lower(regexp_replace(p_till, '[^A-Za-z0-9]', '_', 'g'));
BEGIN
    PERFORM pg_advisory_xact_lock(727375);
    IF p_till !~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$' THEN
        RAISE EXCEPTION 'till id % is not letters, digits, ".", "_" or "-"', p_till;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM tills WHERE till = p_till) THEN
        IF EXISTS (SELECT 1 FROM tills WHERE role_name = r) THEN
            RAISE EXCEPTION 'till id % clashes with the registered till using role %', p_till, r;
        END IF;
        INSERT INTO tills (till, role_name) VALUES (p_till, r);
    END IF;
    RETURN kasir_store(p_till, p_batch, true);
END
$fn$;
REVOKE ALL ON FUNCTION kasir_restore(text, jsonb) FROM PUBLIC;

-- The feed, the old pull and the list of tills leave out a redacted member change: a till
-- could not check it against its hash. It comes with a new change_seq once whole.
CREATE OR REPLACE FUNCTION kasir_feed(p_till text, p_after bigint, p_limit integer)
RETURNS TABLE (change_seq bigint, id uuid, till text, seq bigint, kind text,
               version integer, payload text, hash text, till_time text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM tills t WHERE t.till = p_till AND t.role_name = session_user) THEN
        RAISE EXCEPTION 'role % may not pull for till %', session_user, p_till
            USING ERRCODE = '42501';
    END IF;
    RETURN QUERY
        SELECT e.change_seq, e.id, e.till, e.seq, e.kind, e.version, e.payload::text, e.hash,
               e.till_time
        FROM events e
        WHERE e.change_seq > p_after AND NOT e.redacted
          AND (e.till <> p_till OR e.kind IN ('catalog.v1', 'members.v1'))
        ORDER BY e.change_seq
        LIMIT least(greatest(p_limit, 1), 5000);
END
$fn$;
REVOKE ALL ON FUNCTION kasir_feed(text, bigint, integer) FROM PUBLIC;

CREATE OR REPLACE FUNCTION kasir_pull(p_till text, p_after bigint, p_limit integer)
RETURNS TABLE (change_seq bigint, id uuid, till text, seq bigint, kind text,
               version integer, payload text, hash text, till_time text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM tills t WHERE t.till = p_till AND t.role_name = session_user) THEN
        RAISE EXCEPTION 'role % may not pull for till %', session_user, p_till
            USING ERRCODE = '42501';
    END IF;
    RETURN QUERY
        SELECT e.change_seq, e.id, e.till, e.seq, e.kind, e.version, e.payload::text, e.hash,
               e.till_time
        FROM events e
        WHERE e.change_seq > p_after AND e.till <> p_till AND NOT e.redacted
        ORDER BY e.change_seq
        LIMIT least(greatest(p_limit, 1), 5000);
END
$fn$;
REVOKE ALL ON FUNCTION kasir_pull(text, bigint, integer) FROM PUBLIC;

CREATE OR REPLACE FUNCTION kasir_tills(p_till text)
RETURNS TABLE (till text, last_change_seq bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM tills t WHERE t.till = p_till AND t.role_name = session_user) THEN
        RAISE EXCEPTION 'role % may not list tills for till %', session_user, p_till
            USING ERRCODE = '42501';
    END IF;
    RETURN QUERY
        SELECT t.till,
               COALESCE((SELECT max(e.change_seq) FROM events e
                         WHERE e.till = t.till AND NOT e.redacted), 0)::bigint
        FROM tills t
        WHERE t.till <> p_till
        ORDER BY t.till;
END
$fn$;
REVOKE ALL ON FUNCTION kasir_tills(text) FROM PUBLIC;

-- Tills registered before this version may read the server's id too.
DO $do$
DECLARE
    r text;
BEGIN
    FOR r IN SELECT t.role_name FROM tills t JOIN pg_roles p ON p.rolname = t.role_name LOOP
        PERFORM kasir_grant_till(r);
    END LOOP;
END
$do$;

INSERT INTO kasir_schema_version (version) VALUES (8) ON CONFLICT DO NOTHING;

-- ---------------------------------------------------------------------------------------
-- Version 9: users, suppliers and the coop's settings travel (`users.v1`, `suppliers.v1`,
-- `settings.v1`), applied in the server's order on every node, the node that made a change
-- included, like the catalog and the members. A user travels with the argon2 hash of its
-- PIN (salt included), never the PIN. The kinds `kasir_feed` gives a node back of its own
-- are the rows of `ordered_kinds` now, no longer a list written into the function.

INSERT INTO event_kinds (kind, version) VALUES ('users.v1', 1), ('suppliers.v1', 1),
    ('settings.v1', 1)
    ON CONFLICT DO NOTHING;

-- Kinds every node applies in the server's order, its own events of them included.
CREATE TABLE IF NOT EXISTS ordered_kinds (
    kind text PRIMARY KEY
);
INSERT INTO ordered_kinds (kind) VALUES ('catalog.v1'), ('members.v1'), ('users.v1'),
    ('suppliers.v1'), ('settings.v1')
    ON CONFLICT DO NOTHING;
REVOKE ALL ON ordered_kinds FROM PUBLIC;

CREATE OR REPLACE FUNCTION kasir_feed(p_till text, p_after bigint, p_limit integer)
RETURNS TABLE (change_seq bigint, id uuid, till text, seq bigint, kind text,
               version integer, payload text, hash text, till_time text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM tills t WHERE t.till = p_till AND t.role_name = session_user) THEN
        RAISE EXCEPTION 'role % may not pull for till %', session_user, p_till
            USING ERRCODE = '42501';
    END IF;
    RETURN QUERY
        SELECT e.change_seq, e.id, e.till, e.seq, e.kind, e.version, e.payload::text, e.hash,
               e.till_time
        FROM events e
        WHERE e.change_seq > p_after AND NOT e.redacted
          AND (e.till <> p_till OR e.kind IN (SELECT o.kind FROM ordered_kinds o))
        ORDER BY e.change_seq
        LIMIT least(greatest(p_limit, 1), 5000);
END
$fn$;
REVOKE ALL ON FUNCTION kasir_feed(text, bigint, integer) FROM PUBLIC;

INSERT INTO kasir_schema_version (version) VALUES (9) ON CONFLICT DO NOTHING;

-- ---------------------------------------------------------------------------------------
-- Version 10: which coop this server relays as. `kasir relay --from` this server's owner
-- address links it to the coop id of the district credentials on its first run
-- (`kasir_district_link`); a later run with another coop's credentials is refused, so one
-- coop's events never go to the district under another coop's name.

CREATE TABLE IF NOT EXISTS district_link (
    only_one boolean PRIMARY KEY DEFAULT true CHECK (only_one),
    coop_id text NOT NULL,
    linked_at timestamptz NOT NULL DEFAULT now()
);
REVOKE ALL ON district_link FROM PUBLIC;

-- Link this server to coop `p_coop` if it is not linked yet; the coop it is linked to.
-- Run by the owner.
CREATE OR REPLACE FUNCTION kasir_district_link(p_coop text) RETURNS text
LANGUAGE plpgsql SET search_path = public, pg_temp AS $fn$
BEGIN
    INSERT INTO district_link (coop_id) VALUES (p_coop) ON CONFLICT DO NOTHING;
    RETURN (SELECT coop_id FROM district_link);
END
$fn$;
REVOKE ALL ON FUNCTION kasir_district_link(text) FROM PUBLIC;

INSERT INTO kasir_schema_version (version) VALUES (10) ON CONFLICT DO NOTHING;

-- ---------------------------------------------------------------------------------------
-- Version 11: the district holds more than members redacted (a user change without name and
-- PIN hash, a sale's prescriptions without patient and doctor), so `kasir server rebuild`
-- stores a redacted event of any kind as version 8 stores a redacted member change: kept
-- out of the tills' feed and replaced by the whole payload when a till pushes the same event
-- again. A push still never stores a redacted payload.
CREATE OR REPLACE FUNCTION kasir_store(p_till text, p_batch jsonb, p_restore boolean)
RETURNS bigint
LANGUAGE plpgsql SET search_path = public, pg_temp AS $fn$
DECLARE
    e jsonb;
    reason text;
    red boolean;
    held record;
BEGIN
    FOR e IN SELECT value FROM jsonb_array_elements(p_batch) LOOP
        reason := NULL;
        BEGIN
            red := COALESCE((e->>'redacted')::boolean, false);
            IF e->>'till' IS DISTINCT FROM p_till THEN
                reason := 'event of another till';
            ELSIF red AND NOT p_restore THEN
                reason := 'redacted payload (only an event restored from the district may be)';
            ELSIF NOT red AND encode(sha256(convert_to(e->>'payload', 'UTF8')), 'hex')
                  IS DISTINCT FROM e->>'hash' THEN
                reason := 'hash does not match the payload';
            ELSIF NOT EXISTS (SELECT 1 FROM event_kinds k
                              WHERE k.kind = e->>'kind' AND k.version = (e->>'version')::int) THEN
                reason := 'unknown kind or version';
            ELSE
                SELECT ev.id, ev.hash, ev.redacted INTO held FROM events ev
                    WHERE ev.till = p_till AND ev.seq = (e->>'seq')::bigint;
                IF FOUND THEN
                    IF held.id <> (e->>'id')::uuid OR held.hash <> e->>'hash' THEN
                        reason := 'till and seq already hold another event';
                    ELSIF held.redacted AND NOT red THEN
                        -- The whole payload is back: the tills read it as a new change.
                        PERFORM pg_advisory_xact_lock(727375);
                        UPDATE events SET payload = (e->>'payload')::jsonb, redacted = false,
                                          change_seq = nextval('events_change_seq_numbers')
                            WHERE id = held.id;
                    END IF;
                ELSE
                    INSERT INTO events (id, till, seq, kind, version, payload, hash, till_time,
                                        redacted)
                    VALUES ((e->>'id')::uuid, p_till, (e->>'seq')::bigint, e->>'kind',
                            (e->>'version')::int, (e->>'payload')::jsonb, e->>'hash',
                            e->>'till_time', red)
                    ON CONFLICT (id) DO NOTHING;
                    IF NOT FOUND THEN
                        reason := 'event id already stored at another seq';
                    END IF;
                END IF;
            END IF;
        EXCEPTION WHEN others THEN
            reason := 'unreadable event: ' || SQLERRM;
        END;
        IF reason IS NOT NULL THEN
            INSERT INTO quarantine (event_id, till, seq, kind, version, payload, hash,
                                    till_time, reason)
            VALUES (COALESCE(e->>'id', ''), p_till,
                    CASE WHEN e->>'seq' ~ '^[0-9]{1,18}$' THEN (e->>'seq')::bigint END,
                    e->>'kind',
                    CASE WHEN e->>'version' ~ '^[0-9]{1,9}$' THEN (e->>'version')::int END,
                    e->>'payload', COALESCE(e->>'hash', ''), e->>'till_time', reason)
            ON CONFLICT (event_id, hash) DO NOTHING;
        END IF;
    END LOOP;
    RETURN greatest(COALESCE((SELECT max(seq) FROM events WHERE till = p_till), 0),
                    COALESCE((SELECT max(seq) FROM quarantine WHERE till = p_till), 0));
END
$fn$;
REVOKE ALL ON FUNCTION kasir_store(text, jsonb, boolean) FROM PUBLIC;

INSERT INTO kasir_schema_version (version) VALUES (11) ON CONFLICT DO NOTHING;
