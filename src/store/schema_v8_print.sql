-- kasir schema v8_print: the persistent print queue.
--
-- A committed sale enqueues its receipt in the same transaction (and, for a cash sale, a
-- separate `drawer` job in front of it). Receipt and reprint jobs carry no payload: the
-- bytes are rebuilt from the stored sale when the job is sent, so the queue never holds a
-- second copy of the sale. Other jobs (test page, X/Z report, slip) carry their ESC/POS bytes.
-- status: queued (waiting; attempts > 0 means it failed and waits for next_attempt_at),
-- printing (claimed by a worker; put back to queued after a crash), done (sent, exactly once),
-- failed (given up: an expired drawer kick or a document that cannot be built).
CREATE TABLE print_jobs (
    id              INTEGER PRIMARY KEY,
    uuid            TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL
                    CHECK (kind IN ('receipt', 'reprint', 'z', 'slip', 'test', 'drawer')),
    ref             TEXT,
    sale_id         INTEGER REFERENCES sales(id),
    printer         TEXT NOT NULL,
    payload         BLOB,
    status          TEXT NOT NULL DEFAULT 'queued'
                    CHECK (status IN ('queued', 'printing', 'done', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error      TEXT,
    next_attempt_at TEXT NOT NULL,
    claimed_at      TEXT,
    created_at      TEXT NOT NULL,
    printed_at      TEXT,
    CHECK (kind NOT IN ('receipt', 'reprint') OR ref IS NOT NULL),
    CHECK (kind IN ('receipt', 'reprint', 'drawer') OR payload IS NOT NULL)
) STRICT;

CREATE INDEX print_jobs_waiting ON print_jobs(printer, status, id);
CREATE INDEX print_jobs_sale ON print_jobs(sale_id);
