-- kasir schema v11_till: sales put on hold at a till, to be recalled later.
CREATE TABLE held_carts (
    id         INTEGER PRIMARY KEY,
    till       TEXT NOT NULL,
    label      TEXT NOT NULL,
    cart       TEXT NOT NULL,
    total      INTEGER NOT NULL,
    lines      INTEGER NOT NULL,
    user_id    INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL
) STRICT;
CREATE INDEX held_carts_till ON held_carts(till, id);
