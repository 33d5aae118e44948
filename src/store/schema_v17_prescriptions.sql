-- kasir schema v16_prescriptions: a prescription is known by its number and the prescriber's
-- SIP (rx_key, as domain::pharmacy::rx_key writes it), and records what it prescribes, so
-- that no prescription dispenses more than it allows in total, over every sale and till.
-- prescribed: the prescribed quantity in the drug's base unit (milli-units; NULL for rows
-- from before it was recorded); iter: repeats allowed; dispensed: base units this sale line
-- took on it (milli-units); age_reason: the pharmacist's reason for accepting a prescription
-- outside the shop's age limit.
ALTER TABLE prescriptions ADD COLUMN rx_key TEXT NOT NULL DEFAULT '';
ALTER TABLE prescriptions ADD COLUMN product_id INTEGER REFERENCES products(id);
ALTER TABLE prescriptions ADD COLUMN prescribed INTEGER;
ALTER TABLE prescriptions ADD COLUMN iter INTEGER NOT NULL DEFAULT 0;
ALTER TABLE prescriptions ADD COLUMN dispensed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE prescriptions ADD COLUMN age_reason TEXT;
-- The identity keeps letters and digits only, in capitals; rows stored before it existed get it
-- with the punctuation a prescription number or SIP is written with taken out.
UPDATE prescriptions SET
    rx_key = upper(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
                 rx_no, ' ', ''), '-', ''), '/', ''), '.', ''), '_', ''), ',', ''), ':', ''), '#', ''),
                 char(9), ''), char(10), ''))
          || '|' ||
             upper(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
                 sip, ' ', ''), '-', ''), '/', ''), '.', ''), '_', ''), ',', ''), ':', ''), '#', ''),
                 char(9), ''), char(10), '')),
    product_id = (SELECT l.product_id FROM sale_lines l
                  WHERE l.sale_id = prescriptions.sale_id AND l.line_no = prescriptions.line_no),
    dispensed = coalesce((SELECT l.base_qty FROM sale_lines l
                          WHERE l.sale_id = prescriptions.sale_id AND l.line_no = prescriptions.line_no), 0);
CREATE INDEX prescriptions_key ON prescriptions(rx_key, product_id);
