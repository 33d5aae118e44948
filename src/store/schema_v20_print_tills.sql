-- kasir schema v16_print_tills: print jobs belong to a till; return slips.
--
-- `till` is the till whose printer and drawer the job is for: each till's print worker
-- takes only its own till's jobs, so two tills whose printers have the same local address
-- (`usb:/dev/usb/lp0` on two machines) never print each other's receipts or open each
-- other's drawers. The back office (the command line) is till `cli`.
-- Kind `return` is a return slip (its ESC/POS bytes in the payload).
-- `unconfirmed` = 1: sent to a printer that did not answer the status request (printed
-- blind, `status=off` or a printer in `status=auto` that has never answered).
CREATE TABLE print_jobs_v16 (
    id              INTEGER PRIMARY KEY,
    uuid            TEXT NOT NULL,
    kind            TEXT NOT NULL
                    CHECK (kind IN ('receipt', 'reprint', 'z', 'slip', 'test', 'drawer', 'return')),
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
    till            TEXT NOT NULL,
    unconfirmed     INTEGER NOT NULL DEFAULT 0 CHECK (unconfirmed IN (0, 1)),
    CHECK (kind NOT IN ('receipt', 'reprint') OR ref IS NOT NULL),
    CHECK (kind IN ('receipt', 'reprint', 'drawer') OR payload IS NOT NULL)
) STRICT;
-- Jobs already there: a sale's jobs belong to the sale's till; any other job to the one till
-- whose own printer setting names its printer, else to the back office (`cli`).
INSERT INTO print_jobs_v16
SELECT p.id, p.uuid, p.kind, p.ref, p.sale_id, p.printer, p.payload, p.status, p.attempts,
       p.last_error, p.next_attempt_at, p.claimed_at, p.created_at, p.printed_at,
       coalesce((SELECT s.till FROM sales s WHERE s.id = p.sale_id),
                (SELECT min(substr(k.key, 6, length(k.key) - 13)) FROM settings k
                 WHERE k.key LIKE 'till.%.printer' AND trim(k.value) = p.printer
                 HAVING count(*) = 1),
                'cli'),
       0
FROM print_jobs p;
DROP TABLE print_jobs;
ALTER TABLE print_jobs_v16 RENAME TO print_jobs;
CREATE INDEX print_jobs_waiting ON print_jobs(till, printer, status, id);
CREATE INDEX print_jobs_sale ON print_jobs(sale_id);
-- The printers (per till: two tills may have a printer at the same local address) that have
-- answered a status request at least once. In `status=auto` such a printer is offline when
-- it stops answering; one that never answered is printed to blind. Kept across restarts.
CREATE TABLE printer_answers (
    till        TEXT NOT NULL,
    printer     TEXT NOT NULL,
    answered_at TEXT NOT NULL,
    PRIMARY KEY (till, printer)
) STRICT, WITHOUT ROWID;
