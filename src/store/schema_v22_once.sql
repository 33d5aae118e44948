-- kasir schema v22_once: what may happen only once is refused by the file itself, whatever
-- writes to it. (One open shift per till is the partial unique index shifts_open_per_till.)
-- Before this runs, `store::check_before_v22` refuses a file whose data already breaks one
-- of these rules, naming what to correct; nothing is dropped.

-- A day is closed once: a close follows no close of the same date (day_events_date finds
-- the date's last event), and only a closed day is reversed.
CREATE TRIGGER day_events_close_once BEFORE INSERT ON day_events
WHEN NEW.kind = 'close'
 AND (SELECT kind FROM day_events WHERE business_date = NEW.business_date
      ORDER BY id DESC LIMIT 1) = 'close'
BEGIN SELECT RAISE(ABORT, 'kasir: day already closed'); END;
CREATE TRIGGER day_events_reverse_closed BEFORE INSERT ON day_events
WHEN NEW.kind = 'reverse'
 AND (SELECT kind FROM day_events WHERE business_date = NEW.business_date
      ORDER BY id DESC LIMIT 1) IS NOT 'close'
BEGIN SELECT RAISE(ABORT, 'kasir: day not closed'); END;

-- One live day journal per date and unit: another is posted only after the last one was
-- reversed (journals_date, then journals_reversed_once).
CREATE TRIGGER journals_day_once BEFORE INSERT ON journals
WHEN NEW.kind = 'day'
 AND EXISTS (SELECT 1 FROM journals j
             WHERE j.business_date = NEW.business_date
               AND j.business_unit = NEW.business_unit
               AND j.kind = 'day'
               AND NOT EXISTS (SELECT 1 FROM journals r WHERE r.reverses = j.id))
BEGIN SELECT RAISE(ABORT, 'kasir: day journal already posted'); END;

-- Never more back than was sold: the returns of a sale line add up to at most its quantity
-- (return_lines_sale_line, then the line by its key).
CREATE TRIGGER return_lines_within_sold BEFORE INSERT ON return_lines
WHEN (SELECT coalesce(sum(qty), 0) FROM return_lines WHERE sale_line_id = NEW.sale_line_id)
     + NEW.qty > (SELECT qty FROM sale_lines WHERE id = NEW.sale_line_id)
BEGIN SELECT RAISE(ABORT, 'kasir: return above sold'); END;
