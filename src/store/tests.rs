//! The store's own tests: opening and refusing files, its pragmas, and each migration keeping
//! what the shop held before it.

use super::*;

#[test]
fn refuses_directories_foreign_files_and_newer_schemas() {
    let dir = tempfile::tempdir().unwrap();
    assert!(matches!(
        Store::open(dir.path(), OpenMode::Existing),
        Err(KasirError::DbIsDirectory(_))
    ));
    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "bukan database, hanya catatan belanja\n".repeat(200)).unwrap();
    assert!(matches!(
        Store::open(&text, OpenMode::Existing),
        Err(KasirError::NotKasirDb(_))
    ));
    assert_eq!(
        std::fs::read(&text).unwrap().len(),
        "bukan database, hanya catatan belanja\n".len() * 200
    );
    let other = dir.path().join("other.db");
    Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE t(x)")
        .unwrap();
    assert!(matches!(
        Store::open(&other, OpenMode::Existing),
        Err(KasirError::NotKasirDb(_))
    ));
    let db = dir.path().join("kasir.db");
    drop(Store::open(&db, OpenMode::CreateNew).unwrap());
    assert!(matches!(
        Store::open(&db, OpenMode::CreateNew),
        Err(KasirError::DbExists(_))
    ));
    Connection::open(&db)
        .unwrap()
        .execute_batch("PRAGMA user_version=99")
        .unwrap();
    assert!(matches!(
        Store::open(&db, OpenMode::Existing),
        Err(KasirError::DbTooNew { found: 99, .. })
    ));
}

#[test]
fn schema_version_is_the_last_migration() {
    let s = Store::open_in_memory().unwrap();
    let v: i64 = s
        .conn()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, schema_version());
}

#[test]
fn new_store_is_wal_with_full_sync_and_private() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("kasir.db");
    let s = Store::open(&db, OpenMode::CreateNew).unwrap();
    let mode: String = s
        .conn()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    let sync: i64 = s
        .conn()
        .query_row("PRAGMA synchronous", [], |r| r.get(0))
        .unwrap();
    let fk: i64 = s
        .conn()
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .unwrap();
    assert_eq!((mode.as_str(), sync, fk), ("wal", 2, 1));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let perms = std::fs::metadata(&db).unwrap().permissions().mode();
        assert_eq!(perms & 0o077, 0, "database readable by others: {perms:o}");
    }
    s.integrity_check().unwrap();
}

#[test]
fn a_v12_shop_keeps_its_draft_carts_and_moves_through_v13() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("kasir.db");
    {
        let mut c = Connection::open(&db).unwrap();
        migrations().to_version(&mut c, 12).unwrap();
        c.execute_batch(
            "INSERT INTO drafts(till, cart, updated_at) VALUES ('sembako-1', '{\"lines\":[]}', 't');
             INSERT INTO products(uuid, sku, name, business_unit, base_unit, tax_class) VALUES ('u', 'X', 'X', 'sembako', 'pcs', 'exempt');
             INSERT INTO batches(product_id, batch_no, expiry, on_hand) VALUES (1, 'B1', '2027-01-01', 5000);
             INSERT INTO stock_moves(product_id, batch_id, kind, qty, value, at) VALUES (1, 1, 'receipt', 5000, 100, 't');
             INSERT INTO stock_moves(product_id, kind, qty, value, at) VALUES (1, 'receipt', 1000, 20, 't');",
        )
        .unwrap();
        c.pragma_update(None, "application_id", APPLICATION_ID)
            .unwrap();
    }
    let s = Store::open(&db, OpenMode::Existing).unwrap();
    let c = s.conn();
    let draft: String = c
        .query_row(
            "SELECT cart FROM drafts WHERE till = 'sembako-1'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(draft, "{\"lines\":[]}");
    let by_batch: i64 = c
        .query_row(
            "SELECT count(*) FROM stock_moves WHERE batch_id = 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(by_batch, 1);
    let indexes: Vec<String> = c
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert!(indexes.contains(&"sales_day_till".to_string()));
    // The X and Z reports find a shift's sales by their range of ids (v15).
    assert!(!indexes.contains(&"sales_shift".to_string()));
    let plan: String = c
        .query_row(
            &format!(
                "EXPLAIN QUERY PLAN SELECT count(*), sum(payable) FROM sales s
                 WHERE {}",
                shifts::SALES_OF_SHIFT
            ),
            [1],
            |r| r.get(3),
        )
        .unwrap();
    assert!(
        plan.contains("INTEGER PRIMARY KEY (rowid>? AND rowid<?)"),
        "{plan}"
    );
    assert!(indexes.contains(&"stock_moves_batch".to_string()));
    assert!(!indexes.contains(&"sales_date".to_string()));
    assert!(!indexes.contains(&"sale_lines_product".to_string()));
    s.integrity_check().unwrap();
}

#[test]
fn a_v13_shop_keeps_its_stock_tenders_and_print_jobs_through_v14() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("kasir.db");
    {
        let mut c = Connection::open(&db).unwrap();
        migrations().to_version(&mut c, 13).unwrap();
        // Two products, one with a batch; the v13 cache on the product holds the sums.
        c.execute_batch(
            "INSERT INTO products(uuid, sku, name, business_unit, base_unit, tax_class, on_hand, stock_value)
                 VALUES ('u1', 'X', 'X', 'sembako', 'pcs', 'exempt', 4000, 80),
                        ('u2', 'Y', 'Y', 'apotek', 'pcs', 'exempt', 300, 900);
             INSERT INTO batches(product_id, batch_no, expiry, on_hand) VALUES (1, 'B1', '2027-01-01', 3000);
             INSERT INTO stock_moves(product_id, batch_id, kind, qty, value, at) VALUES (1, 1, 'receipt', 5000, 100, 't1');
             INSERT INTO stock_moves(product_id, kind, qty, value, at) VALUES (2, 'receipt', 500, 1500, 't1');
             INSERT INTO stock_moves(product_id, kind, qty, value, at) VALUES (1, 'receipt', 1000, 20, 't2');
             INSERT INTO stock_moves(product_id, batch_id, kind, qty, value, at) VALUES (1, 1, 'sale', -2000, -40, 't3');
             INSERT INTO stock_moves(product_id, kind, qty, value, at) VALUES (2, 'sale', -200, -600, 't3');
             INSERT INTO sales(uuid, number, till, business_unit, business_date, created_at, cashier,
                               gross, discount, total, rounding, payable, ppn, change_given)
                 VALUES ('s1', 'T-20261201-0001', 'T', 'sembako', '2026-12-01', 't3', 'siti',
                         5000, 0, 5000, 0, 5000, 0, 0);
             INSERT INTO sale_tenders(sale_id, kind, amount, reference) VALUES (1, 'qris', 3000, 'QR-1');
             INSERT INTO sale_tenders(sale_id, kind, amount) VALUES (1, 'cash', 2000);
             INSERT INTO print_jobs(uuid, kind, ref, sale_id, printer, next_attempt_at, created_at)
                 VALUES ('j1', 'drawer', 'T-20261201-0001', 1, 'sim', 't3', 't3'),
                        ('j2', 'receipt', 'T-20261201-0001', 1, 'sim', 't3', 't3');",
        )
        .unwrap();
        c.pragma_update(None, "application_id", APPLICATION_ID)
            .unwrap();
    }
    let s = Store::open(&db, OpenMode::Existing).unwrap();
    let c = s.conn();
    // The balances after each move are the running sums, and the stock read from them
    // is what the cache held.
    let balances: Vec<(i64, i64, i64)> = c
        .prepare("SELECT product_id, on_hand_after, value_after FROM stock_moves ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(
        balances,
        vec![
            (1, 5000, 100),
            (2, 500, 1500),
            (1, 6000, 120),
            (1, 4000, 80),
            (2, 300, 900)
        ]
    );
    let (on_hand, value, _) = stock::position(c, 1).unwrap();
    assert_eq!(
        (on_hand, value),
        (
            rust_decimal::Decimal::from(4),
            rust_decimal::Decimal::new(80, 2)
        )
    );
    assert!(stock::mismatches(c).unwrap().is_empty());
    // The cache is gone from the product, and moves stay append-only.
    let cols: Vec<String> = c
        .prepare("SELECT name FROM pragma_table_info('products')")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert!(
        !cols.iter().any(|n| n == "on_hand" || n == "stock_value"),
        "{cols:?}"
    );
    assert!(c
        .execute("UPDATE stock_moves SET qty = 0 WHERE id = 1", [])
        .is_err());
    // Tenders keep their order; print jobs keep their ids and uuids.
    let sale = sales::by_number(c, "T-20261201-0001").unwrap().unwrap();
    let kinds: Vec<&str> = sale.tenders.iter().map(|t| t.kind.as_str()).collect();
    assert_eq!(kinds, ["qris", "cash"]);
    let jobs: Vec<(i64, String)> = c
        .prepare("SELECT id, uuid FROM print_jobs ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(jobs, vec![(1, "j1".to_string()), (2, "j2".to_string())]);
    let fk: i64 = c
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(fk, 0);
    s.integrity_check().unwrap();
}

#[test]
fn a_v14_shop_finds_each_shifts_sales_by_their_ids_after_v15() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("kasir.db");
    let sale = |id: i64, shift: i64, total: i64| {
        format!(
            "INSERT INTO sales(id, uuid, number, till, shift_id, business_unit, business_date,
                               created_at, cashier, gross, discount, total, rounding, payable,
                               ppn, change_given)
             VALUES ({id}, 'u{id}', 'n{id}', 't', {shift}, 'sembako', '2026-12-01', 't', 'c',
                     {total}, 0, {total}, 0, {total}, 0, 0);"
        )
    };
    {
        let mut c = Connection::open(&db).unwrap();
        migrations().to_version(&mut c, 14).unwrap();
        // Shift 1 closed with sales 1 and 3; shift 2 (another till) sold 2 and 5 and is
        // still open; shift 3 closed without a sale; shift 4 open without a sale.
        let mut sql = String::from(
            "INSERT INTO shifts(id, uuid, till, business_unit, cashier, opened_at, opening_float, status, closed_at)
             VALUES (1, 's1', 'a', 'sembako', 'c', 't', 0, 'closed', 't'),
                    (2, 's2', 'b', 'sembako', 'c', 't', 0, 'open', NULL),
                    (3, 's3', 'a', 'sembako', 'c', 't', 0, 'closed', 't'),
                    (4, 's4', 'c', 'sembako', 'c', 't', 0, 'open', NULL);",
        );
        for (id, shift, total) in [(1, 1, 100), (2, 2, 20), (3, 1, 300), (5, 2, 50)] {
            sql.push_str(&sale(id, shift, total));
        }
        c.execute_batch(&sql).unwrap();
        c.pragma_update(None, "application_id", APPLICATION_ID)
            .unwrap();
    }
    let s = Store::open(&db, OpenMode::Existing).unwrap();
    let c = s.conn();
    let totals = |shift: i64| -> (i64, i64) {
        c.query_row(
            &format!(
                "SELECT count(*), coalesce(sum(total), 0) FROM sales s WHERE {}",
                shifts::SALES_OF_SHIFT
            ),
            [shift],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
    };
    assert_eq!(totals(1), (2, 400));
    assert_eq!(totals(2), (2, 70));
    assert_eq!(totals(3), (0, 0));
    assert_eq!(totals(4), (0, 0));
    // A sale after the migration counts for the open shifts it belongs to.
    c.execute_batch(&sale(6, 4, 7)).unwrap();
    c.execute_batch(&sale(7, 2, 9)).unwrap();
    assert_eq!(totals(4), (1, 7));
    assert_eq!(totals(2), (3, 79));
    assert_eq!(totals(1), (2, 400));
    // No sale is deleted, so no later sale can take a lower id than a shift's start.
    assert!(c.execute("DELETE FROM sales WHERE id = 7", []).is_err());
    s.integrity_check().unwrap();
}

#[test]
fn a_v15_shop_keeps_its_posted_journals_after_v16_and_takes_one_opening() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("kasir.db");
    {
        let mut c = Connection::open(&db).unwrap();
        migrations().to_version(&mut c, 15).unwrap();
        c.execute_batch(
            "INSERT INTO journals(id, uuid, number, business_date, business_unit, kind, memo,
                                  posted_at, posted_by, reverses)
             VALUES (1, 'j1', 'J000001', '2026-12-01', 'sembako', 'day', 'Tutup hari', 't', 'a', NULL),
                    (2, 'j2', 'J000002', '2026-12-01', 'sembako', 'reversal', 'Balik', 't', 'a', 1);
             INSERT INTO journal_lines(journal_id, line_no, account_id, debit, credit)
             SELECT 2, 1, id, 0, 500 FROM accounts WHERE code = '1-1101';
             INSERT INTO journal_lines(journal_id, line_no, account_id, debit, credit)
             SELECT 2, 2, id, 500, 0 FROM accounts WHERE code = '4-1102';",
        )
        .unwrap();
        c.pragma_update(None, "application_id", APPLICATION_ID)
            .unwrap();
    }
    // The journals table is rebuilt under foreign keys, which are on again afterwards.
    let s = Store::open(&db, OpenMode::Existing).unwrap();
    let c = s.conn();
    let fk: i64 = c
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .unwrap();
    assert_eq!(fk, 1, "foreign keys are back on after the migration");
    let kept: (i64, i64, i64) = c
        .query_row(
            "SELECT count(*), (SELECT reverses FROM journals WHERE id = 2),
                    (SELECT count(*) FROM journal_lines WHERE journal_id = 2)
             FROM journals",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(kept, (2, 1, 2));
    assert!(c.execute("UPDATE journals SET memo = 'x'", []).is_err());
    assert!(c.execute("DELETE FROM journals WHERE id = 2", []).is_err());
    let opening = |n: i64| {
        c.execute(
            &format!(
                "INSERT INTO journals(uuid, number, business_date, business_unit, kind, memo,
                                      posted_at, posted_by, stock_through)
                 VALUES ('o{n}', 'J00000{n}', '2026-12-02', 'koperasi', 'opening', 'Saldo awal',
                         't', 'a', 0)"
            ),
            [],
        )
    };
    assert!(opening(3).is_ok());
    assert!(opening(4).is_err(), "one opening only");
    assert!(c
        .query_row("SELECT role FROM accounts WHERE code = '3-1201'", [], |r| r
            .get::<_, String>(0))
        .is_ok_and(|r| r == "equity.opening"));
    s.integrity_check().unwrap();
}

#[test]
fn a_shop_with_a_day_posted_twice_is_not_upgraded_until_that_day_is_reversed() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("kasir.db");
    let journal = |id: i64, kind: &str, reverses: &str| {
        format!(
            "INSERT INTO journals(id, uuid, number, business_date, business_unit, kind, memo,
                                  posted_at, posted_by, reverses)
             VALUES ({id}, 'j{id}', 'J00000{id}', '2026-12-01', 'sembako', '{kind}', 'm', 't',
                     'a', {reverses});"
        )
    };
    {
        let mut c = Connection::open(&db).unwrap();
        migrations().to_version(&mut c, 21).unwrap();
        // Two closes that raced: two live day journals for one date and unit.
        c.execute_batch(&(journal(1, "day", "NULL") + &journal(2, "day", "NULL")))
            .unwrap();
        c.pragma_update(None, "application_id", APPLICATION_ID)
            .unwrap();
    }
    let e = Store::open(&db, OpenMode::Existing).err().unwrap();
    let en = e.message(crate::i18n::Lang::En);
    assert!(
        en.contains("Day 2026-12-01 unit sembako is posted twice"),
        "{en}"
    );
    assert!(e
        .message(crate::i18n::Lang::Id)
        .contains("terposting dua kali"));
    let version = |db: &Path| -> i64 {
        Connection::open(db)
            .unwrap()
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(version(&db), 21, "not upgraded");
    // The day reversed (both journals) and posted once, as the earlier program does.
    Connection::open(&db)
        .unwrap()
        .execute_batch(
            &(journal(3, "reversal", "1")
                + &journal(4, "reversal", "2")
                + &journal(5, "day", "NULL")),
        )
        .unwrap();
    let s = Store::open(&db, OpenMode::Existing).unwrap();
    assert_eq!(version(&db), schema_version());
    // From now on the file itself refuses a second live day journal, in clear words.
    let again = s.write(|tx| {
        tx.execute_batch(&journal(6, "day", "NULL"))?;
        Ok(())
    });
    let en = again.err().unwrap().message(crate::i18n::Lang::En);
    assert!(en.contains("already closed and posted"), "{en}");
    s.integrity_check().unwrap();
}

#[test]
fn a_row_the_schema_refuses_comes_back_as_a_refusal_in_both_languages() {
    let s = Store::open_in_memory().unwrap();
    let shift = |uuid: &str| {
        s.write(|tx| {
            tx.execute(
                "INSERT INTO shifts(uuid, till, business_unit, cashier, opened_at, opening_float)
                 VALUES (?1, 'sembako-1', 'sembako', 'c', 't', 0)",
                [uuid],
            )?;
            Ok(())
        })
    };
    shift("a").unwrap();
    let e = shift("b").err().unwrap();
    assert!(matches!(e, KasirError::Invalid(_)), "{e:?}");
    assert!(e.message(crate::i18n::Lang::En).contains("already open"));
    assert!(e.message(crate::i18n::Lang::Id).contains("sudah terbuka"));
    let close = || {
        s.write(|tx| {
            tx.execute(
                "INSERT INTO day_events(business_date, kind, at, actor)
                 VALUES ('2026-12-01', 'close', 't', 'a')",
                [],
            )?;
            Ok(())
        })
    };
    close().unwrap();
    let e = close().err().unwrap();
    assert!(e
        .message(crate::i18n::Lang::En)
        .contains("already closed and posted"));
    // Nothing of the refused transaction stays.
    let n: i64 = s
        .conn()
        .query_row("SELECT count(*) FROM shifts", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 1);
    // Other errors are left as they are.
    let e = s
        .write(|tx| {
            tx.execute("INSERT INTO shifts(uuid) VALUES ('x')", [])?;
            Ok(())
        })
        .err()
        .unwrap();
    assert!(matches!(e, KasirError::Db(_)), "{e:?}");
}

#[test]
fn print_jobs_already_queued_belong_to_a_till_after_the_upgrade() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("kasir.db");
    {
        let mut c = Connection::open(&db).unwrap();
        // The version before print jobs belonged to a till (schema_v20_print_tills).
        migrations().to_version(&mut c, 19).unwrap();
        c.execute_batch(
            "INSERT INTO shifts(id, uuid, till, business_unit, cashier, opened_at, opening_float, status)
             VALUES (1, 's1', 'sembako-1', 'sembako', 'c', 't', 0, 'open');
             INSERT INTO sales(id, uuid, number, till, shift_id, business_unit, business_date,
                               created_at, cashier, gross, discount, total, rounding, payable,
                               ppn, change_given)
             VALUES (1, 'u1', 'n1', 'sembako-1', 1, 'sembako', '2026-12-01', 't', 'c',
                     100, 0, 100, 0, 100, 0, 0);
             INSERT INTO settings(key, value) VALUES
                 ('till.apotek-1.printer', 'tcp:10.0.0.5:9100'),
                 ('till.a.printer', 'usb:/dev/usb/lp0'),
                 ('till.b.printer', 'usb:/dev/usb/lp0');
             INSERT INTO print_jobs(id, uuid, kind, ref, sale_id, printer, payload, status,
                                    next_attempt_at, created_at)
             VALUES (1, 'j1', 'receipt', 'n1', 1, 'usb:/dev/usb/lp0', NULL, 'queued', 't', 't'),
                    (2, 'j2', 'z', '1', NULL, 'tcp:10.0.0.5:9100', x'00', 'queued', 't', 't'),
                    (3, 'j3', 'test', NULL, NULL, 'usb:/dev/usb/lp0', x'00', 'done', 't', 't'),
                    (4, 'j4', 'test', NULL, NULL, 'sim', x'00', 'queued', 't', 't');",
        )
        .unwrap();
        c.pragma_update(None, "application_id", APPLICATION_ID)
            .unwrap();
    }
    let s = Store::open(&db, OpenMode::Existing).unwrap();
    let tills: Vec<(i64, String, bool)> = s
        .conn()
        .prepare("SELECT id, till, unconfirmed FROM print_jobs ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(
        tills,
        vec![
            (1, "sembako-1".to_string(), false), // the sale's till
            (2, "apotek-1".to_string(), false),  // the one till with that printer
            (3, "cli".to_string(), false),       // two tills share it: the back office's
            (4, "cli".to_string(), false),
        ]
    );
    s.integrity_check().unwrap();
}

#[test]
fn a_v15_shop_exports_its_barcodes_through_the_index_of_their_unit() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("kasir.db");
    {
        let mut c = Connection::open(&db).unwrap();
        migrations().to_version(&mut c, 15).unwrap();
        c.execute_batch(
            "INSERT INTO products(uuid, sku, name, business_unit, base_unit, tax_class)
                 VALUES ('u1', 'MIE', 'Mie', 'sembako', 'pcs', 'ppn'),
                        ('u2', 'gula', 'Gula', 'sembako', 'kg', 'exempt');
             INSERT INTO product_units(id, product_id, unit, factor, price_umum, price_anggota)
                 VALUES (1, 1, 'pcs', 1000, 350000, 340000), (2, 1, 'dus', 40000, 12800000, 12600000),
                        (3, 2, 'kg', 1000, 1500000, 1450000);
             INSERT INTO barcodes(code, unit_id) VALUES ('8991234567907', 2), ('8991234567891', 1),
                 ('2000000000022', 1), ('2000000000015', 3);
             INSERT INTO members(uuid, number, name) VALUES ('m1', 'A0001', 'Siti');",
        )
        .unwrap();
        c.pragma_update(None, "application_id", APPLICATION_ID)
            .unwrap();
    }
    let s = Store::open(&db, OpenMode::Existing).unwrap();
    let c = s.conn();
    let codes: Vec<(String, Vec<Vec<String>>)> = catalog::all(c)
        .unwrap()
        .into_iter()
        .map(|p| (p.sku, p.units.into_iter().map(|u| u.barcodes).collect()))
        .collect();
    assert_eq!(
        codes,
        vec![
            (
                "MIE".to_string(),
                vec![
                    vec!["2000000000022".to_string(), "8991234567891".to_string()],
                    vec!["8991234567907".to_string()]
                ]
            ),
            ("gula".to_string(), vec![vec!["2000000000015".to_string()]]),
        ]
    );
    // A typed SKU and member number are found in any case, through their own indexes.
    let item = catalog::item_by_sku(c, "GULA").unwrap().unwrap();
    assert_eq!(item.sku, "gula");
    assert_eq!(
        members::by_number(c, "a0001").unwrap().unwrap().name,
        "Siti"
    );
    let plan: String = c
        .query_row(
            "EXPLAIN QUERY PLAN SELECT code FROM barcodes WHERE unit_id = ?1 ORDER BY code",
            [1],
            |r| r.get(3),
        )
        .unwrap();
    assert!(plan.contains("barcodes_unit"), "{plan}");
    s.integrity_check().unwrap();
}
