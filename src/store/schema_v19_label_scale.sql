-- Label scales: a weighed product's in-store item code (PLU), the number a label scale
-- prints inside its EAN-13 codes (prefix 20-29). At most one product per code.
ALTER TABLE products ADD COLUMN plu INTEGER;
CREATE UNIQUE INDEX products_plu ON products(plu) WHERE plu IS NOT NULL;
