-- kasir's schema on a district's PostgreSQL (the Dinas Koperasi above several coops).
-- `kasir server init --district --url URL` runs this whole script in one transaction; every
-- statement is idempotent, so running it again changes nothing. A later version appends its
-- own statements and raises the version at the end.
--
-- A district database holds every event of every coop it supervises, each once, as the
-- coops relay them (`kasir relay`) or carry them by hand (bundles). The rules of storing are
-- the coop server's `kasir_push`, one level up: an event id is stored once, a retried batch
-- stores nothing new, and an event that cannot be stored goes to quarantine, with its coop
-- named, without blocking the rest. Till ids are unique within a coop, not across coops, so
-- a till is named by (coop_id, till) here.

CREATE TABLE IF NOT EXISTS district_schema_version (
    version integer PRIMARY KEY,
    installed_at timestamptz NOT NULL DEFAULT now()
);

-- The coops of the district and the role each relays as.
CREATE TABLE IF NOT EXISTS coops (
    coop_id text PRIMARY KEY,
    role_name text NOT NULL UNIQUE,
    name text NOT NULL DEFAULT '',
    joined_at timestamptz NOT NULL DEFAULT now(),
    last_relay timestamptz,
    relays bigint NOT NULL DEFAULT 0
);

-- Every event of every coop, once. `redacted`: the payload left the coop with its private
-- fields removed (a member's name, NIK and phone), so it no longer matches `hash`, which is
-- the hash of the coop's whole payload.
CREATE TABLE IF NOT EXISTS district_events (
    id uuid PRIMARY KEY,
    coop_id text NOT NULL REFERENCES coops (coop_id),
    till text NOT NULL,
    seq bigint NOT NULL,
    kind text NOT NULL,
    version integer NOT NULL,
    payload jsonb NOT NULL,
    hash text NOT NULL,
    redacted boolean NOT NULL DEFAULT false,
    till_time text NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (coop_id, till, seq)
);
CREATE INDEX IF NOT EXISTS district_events_kind ON district_events (kind, coop_id);

-- Events that could not be stored as they came, kept whole with their coop and reason.
CREATE TABLE IF NOT EXISTS district_quarantine (
    id bigserial PRIMARY KEY,
    coop_id text NOT NULL,
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
CREATE INDEX IF NOT EXISTS district_quarantine_till ON district_quarantine (coop_id, till, seq);

-- The kinds and versions the district knows how to store (those of the coop's schema).
CREATE TABLE IF NOT EXISTS district_event_kinds (
    kind text NOT NULL,
    version integer NOT NULL,
    PRIMARY KEY (kind, version)
);
INSERT INTO district_event_kinds (kind, version) VALUES ('sale.v1', 1), ('return.v1', 1),
    ('shift_open.v1', 1), ('shift_close.v1', 1), ('receive.v1', 1), ('write_off.v1', 1),
    ('opname.v1', 1), ('cash_move.v1', 1), ('kasbon_repay.v1', 1), ('day_close.v1', 1),
    ('day_reverse.v1', 1), ('exception_resolve.v1', 1), ('catalog.v1', 1), ('members.v1', 1)
    ON CONFLICT DO NOTHING;

-- The kinds whose payload leaves the coop with private fields removed. Only these may come
-- `redacted`; the hash of every other event is checked against its payload.
CREATE TABLE IF NOT EXISTS district_redacted_kinds (
    kind text PRIMARY KEY
);
INSERT INTO district_redacted_kinds (kind) VALUES ('members.v1') ON CONFLICT DO NOTHING;

REVOKE ALL ON coops, district_events, district_quarantine, district_event_kinds,
    district_redacted_kinds, district_schema_version FROM PUBLIC;

-- Store a batch of coop `p_coop`'s events (of any of its tills). Runs as the schema's owner,
-- for the coop whose role is the session's. Each event is stored once or goes to
-- quarantine with its reason; the batch never fails for one bad event. Returns, for each
-- till named in the batch, the highest seq the district holds for it (stored or
-- quarantined): the coop may count that till's events up to there acknowledged by the
-- district.
CREATE OR REPLACE FUNCTION kasir_relay(p_coop text, p_batch jsonb)
RETURNS TABLE (till text, held bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
DECLARE
    e jsonb;
    reason text;
    prior record;
    t text;
    tills_seen text[] := '{}';
BEGIN
    IF NOT EXISTS (SELECT 1 FROM coops c WHERE c.coop_id = p_coop AND c.role_name = session_user) THEN
        RAISE EXCEPTION 'role % may not relay for coop %', session_user, p_coop
            USING ERRCODE = '42501';
    END IF;
    FOR e IN SELECT value FROM jsonb_array_elements(p_batch) LOOP
        reason := NULL;
        t := e->>'till';
        BEGIN
            IF t IS NULL OR t !~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$' THEN
                reason := 'no till, or a till id that is not letters, digits, ".", "_" or "-"';
                t := COALESCE(t, '');
            ELSIF COALESCE((e->>'redacted')::boolean, false)
                  AND NOT EXISTS (SELECT 1 FROM district_redacted_kinds r WHERE r.kind = e->>'kind') THEN
                reason := 'redacted payload of a kind that is never redacted';
            ELSIF NOT COALESCE((e->>'redacted')::boolean, false)
                  AND encode(sha256(convert_to(e->>'payload', 'UTF8')), 'hex')
                      IS DISTINCT FROM e->>'hash' THEN
                reason := 'hash does not match the payload';
            ELSIF NOT EXISTS (SELECT 1 FROM district_event_kinds k
                              WHERE k.kind = e->>'kind' AND k.version = (e->>'version')::int) THEN
                reason := 'unknown kind or version';
            ELSE
                SELECT d.id, d.hash INTO prior FROM district_events d
                    WHERE d.coop_id = p_coop AND d.till = t AND d.seq = (e->>'seq')::bigint;
                IF FOUND THEN
                    IF prior.id <> (e->>'id')::uuid OR prior.hash <> e->>'hash' THEN
                        reason := 'till and seq already hold another event';
                    END IF;
                ELSE
                    INSERT INTO district_events (id, coop_id, till, seq, kind, version, payload,
                                                 hash, redacted, till_time)
                    VALUES ((e->>'id')::uuid, p_coop, t, (e->>'seq')::bigint, e->>'kind',
                            (e->>'version')::int, (e->>'payload')::jsonb, e->>'hash',
                            COALESCE((e->>'redacted')::boolean, false), e->>'till_time')
                    ON CONFLICT (id) DO NOTHING;
                    IF NOT FOUND THEN
                        reason := 'event id already stored elsewhere';
                    END IF;
                END IF;
            END IF;
        EXCEPTION WHEN others THEN
            reason := 'unreadable event: ' || SQLERRM;
        END;
        IF reason IS NOT NULL THEN
            INSERT INTO district_quarantine (coop_id, event_id, till, seq, kind, version,
                                             payload, hash, till_time, reason)
            VALUES (p_coop, COALESCE(e->>'id', ''), t,
                    CASE WHEN e->>'seq' ~ '^[0-9]{1,18}$' THEN (e->>'seq')::bigint END,
                    e->>'kind',
                    CASE WHEN e->>'version' ~ '^[0-9]{1,9}$' THEN (e->>'version')::int END,
                    e->>'payload', COALESCE(e->>'hash', ''), e->>'till_time', reason)
            ON CONFLICT (event_id, hash) DO NOTHING;
        END IF;
        IF NOT t = ANY (tills_seen) THEN
            tills_seen := tills_seen || t;
        END IF;
    END LOOP;
    UPDATE coops c SET last_relay = now(), relays = c.relays + 1 WHERE c.coop_id = p_coop;
    RETURN QUERY
        SELECT s.t, greatest(
                   COALESCE((SELECT max(d.seq) FROM district_events d
                             WHERE d.coop_id = p_coop AND d.till = s.t), 0),
                   COALESCE((SELECT max(q.seq) FROM district_quarantine q
                             WHERE q.coop_id = p_coop AND q.till = s.t), 0))::bigint
        FROM unnest(tills_seen) AS s(t)
        ORDER BY s.t;
END
$fn$;
REVOKE ALL ON FUNCTION kasir_relay(text, jsonb) FROM PUBLIC;

-- For each till of coop `p_coop` the district has heard of, the highest seq it holds
-- (stored or quarantined): where the next relay starts, and what the coop's tills may count
-- acknowledged by the district. Runs as the schema's owner, for the session's coop.
CREATE OR REPLACE FUNCTION kasir_relay_held(p_coop text)
RETURNS TABLE (till text, held bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM coops c WHERE c.coop_id = p_coop AND c.role_name = session_user) THEN
        RAISE EXCEPTION 'role % may not read coop %', session_user, p_coop
            USING ERRCODE = '42501';
    END IF;
    RETURN QUERY
        SELECT x.till, max(x.seq)::bigint
        FROM (SELECT d.till, d.seq FROM district_events d WHERE d.coop_id = p_coop
              UNION ALL
              SELECT q.till, q.seq FROM district_quarantine q
              WHERE q.coop_id = p_coop AND q.seq IS NOT NULL) x
        GROUP BY x.till
        ORDER BY x.till;
END
$fn$;
REVOKE ALL ON FUNCTION kasir_relay_held(text) FROM PUBLIC;

-- The functions a coop's role may execute (every signature of each name); each checks the
-- session's role against `coops` itself.
CREATE TABLE IF NOT EXISTS coop_functions (
    name text PRIMARY KEY
);
INSERT INTO coop_functions (name) VALUES ('kasir_relay'), ('kasir_relay_held')
    ON CONFLICT DO NOTHING;
REVOKE ALL ON coop_functions FROM PUBLIC;

CREATE OR REPLACE FUNCTION kasir_grant_coop(p_role text) RETURNS void
LANGUAGE plpgsql SET search_path = public, pg_temp AS $fn$
DECLARE
    f regprocedure;
BEGIN
    FOR f IN SELECT p.oid::regprocedure FROM pg_proc p
             JOIN pg_namespace n ON n.oid = p.pronamespace
             WHERE n.nspname = 'public' AND p.proname IN (SELECT name FROM coop_functions)
    LOOP
        EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %I', f, p_role);
    END LOOP;
END
$fn$;
REVOKE ALL ON FUNCTION kasir_grant_coop(text) FROM PUBLIC;

-- Register a coop: a role that may log in and execute the coop functions, only for its own
-- coop id. A coop id already registered is refused unless `p_rejoin` (a new password, e.g.
-- for a rebuilt coop server). Run by the district schema's owner.
CREATE OR REPLACE FUNCTION kasir_register_coop(p_coop text, p_name text, p_password text,
                                               p_rejoin boolean) RETURNS text
LANGUAGE plpgsql SET search_path = public, pg_temp AS $fn$
DECLARE
    r text := 'kasir_coop_' || lower(regexp_replace(p_coop, '[^A-Za-z0-9]', '_', 'g'));
BEGIN
    IF p_coop !~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$' THEN
        RAISE EXCEPTION 'coop id % is not letters, digits, ".", "_" or "-"', p_coop;
    END IF;
    IF EXISTS (SELECT 1 FROM coops WHERE coop_id = p_coop) AND NOT p_rejoin THEN
        RAISE EXCEPTION 'coop % is already registered (register again with --rejoin for a new password)', p_coop
            USING ERRCODE = '23505';
    END IF;
    IF EXISTS (SELECT 1 FROM coops WHERE role_name = r AND coop_id <> p_coop) THEN
        RAISE EXCEPTION 'coop id % clashes with the registered coop using role %', p_coop, r;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
        EXECUTE format('ALTER ROLE %I LOGIN PASSWORD %L', r, p_password);
    ELSE
        EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L', r, p_password);
    END IF;
    PERFORM kasir_grant_coop(r);
    INSERT INTO coops (coop_id, role_name, name) VALUES (p_coop, r, COALESCE(p_name, ''))
        ON CONFLICT (coop_id) DO UPDATE
        SET role_name = EXCLUDED.role_name,
            name = CASE WHEN EXCLUDED.name = '' THEN coops.name ELSE EXCLUDED.name END;
    RETURN r;
END
$fn$;
REVOKE ALL ON FUNCTION kasir_register_coop(text, text, text, boolean) FROM PUBLIC;

INSERT INTO district_schema_version (version) VALUES (1) ON CONFLICT DO NOTHING;

-- Version 4: what the district holds of a coop, read by index steps. `kasir_relay_held` runs
-- at the start of every relay: it finds the coop's tills one step of the (coop_id, till,
-- seq) key at a time and each till's highest seq from the same key, never reading the
-- coop's history.
CREATE OR REPLACE FUNCTION kasir_relay_held(p_coop text)
RETURNS TABLE (till text, held bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM coops c WHERE c.coop_id = p_coop AND c.role_name = session_user) THEN
        RAISE EXCEPTION 'role % may not read coop %', session_user, p_coop
            USING ERRCODE = '42501';
    END IF;
    RETURN QUERY
        WITH RECURSIVE t(tid) AS (
            SELECT min(d.till) FROM district_events d WHERE d.coop_id = p_coop
            UNION ALL
            SELECT (SELECT min(d.till) FROM district_events d
                    WHERE d.coop_id = p_coop AND d.till > t.tid)
            FROM t WHERE t.tid IS NOT NULL
        ), s(tid) AS (
            SELECT t.tid FROM t WHERE t.tid IS NOT NULL
            UNION
            SELECT q.till FROM district_quarantine q
            WHERE q.coop_id = p_coop AND q.seq IS NOT NULL
        )
        SELECT s.tid, greatest(
                   COALESCE((SELECT max(d.seq) FROM district_events d
                             WHERE d.coop_id = p_coop AND d.till = s.tid), 0),
                   COALESCE((SELECT max(q.seq) FROM district_quarantine q
                             WHERE q.coop_id = p_coop AND q.till = s.tid), 0))::bigint
        FROM s
        ORDER BY s.tid;
END
$fn$;
REVOKE ALL ON FUNCTION kasir_relay_held(text) FROM PUBLIC;

INSERT INTO district_schema_version (version) VALUES (4) ON CONFLICT DO NOTHING;
