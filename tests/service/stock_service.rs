//! Stock and pharmacy use cases through the service layer, on a small shop with a fixed clock.

use std::sync::Arc;

use chrono::{NaiveDate, NaiveDateTime};
use kasir::domain::cart::{Cart, Tender, TenderKind};
use kasir::domain::cash::CashCount;
use kasir::domain::catalog::BusinessUnit;
use kasir::domain::pharmacy::Prescription;
use kasir::domain::user::{Actor, Role};
use kasir::service::stock::{parse_receipt, Payment, ReceiveOptions};
use kasir::service::write_off::WriteOffReason;
use kasir::service::{FixedClock, Shop};
use kasir::store::Store;
use kasir::KasirError;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

const CATALOG: &str = "sku,name,business_unit,base_unit,tax_class,drug_class,batch_tracked,weighed,unit,factor,barcodes,price_umum,price_anggota,price_grosir,grosir_min_qty,cost,min_stock,nie,het
MIE,Indomie Goreng 85 g,sembako,pcs,ppn,none,0,0,pcs,1,8991234567891,3500,3400,,,3000,40,,
MIE,Indomie Goreng 85 g,sembako,pcs,ppn,none,0,0,dus,40,8991234567907,128000,126000,,,3000,40,,
AMX,Amoksisilin 500 mg Kapsul,apotek,kapsul,ppn,keras,1,0,kapsul,1,,700,700,,,539,100,GKL1391865604A1,800
AMX,Amoksisilin 500 mg Kapsul,apotek,kapsul,ppn,keras,1,0,strip,10,,6500,6300,,,539,100,GKL1391865604A1,800
DZP,Diazepam 2 mg Tablet,apotek,tablet,ppn,psikotropika,1,0,tablet,1,,300,300,,,228,30,GPL8884930310A2,350
TRM,Tramadol HCl 50 mg Kapsul,apotek,kapsul,ppn,oot,1,0,kapsul,1,,700,700,,,550,30,GKL0672231304A1,800
PCT,Paracetamol 500 mg Tablet,apotek,tablet,ppn,bebas,1,0,tablet,1,,550,550,,,418,100,GBL1647097910A1,650
";

struct T {
    shop: Shop,
    clock: Arc<FixedClock>,
    admin: Actor,
    kasir: Actor,
}

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

fn shop() -> T {
    let clock = Arc::new(FixedClock::new(at("2026-03-10 09:00")));
    let mut shop = Shop::new(Store::open_in_memory().unwrap(), clock.clone());
    let admin = Actor::back_office();
    kasir::service::demo::init_settings(&mut shop, "Koperasi Uji").unwrap();
    for (u, r, p) in [
        ("siti", Role::Kasir, "1111"),
        ("budi", Role::Gudang, "2222"),
        ("rina", Role::Apoteker, "3333"),
        ("ahmad", Role::Bendahara, "4444"),
    ] {
        shop.add_user(&admin, u, u, r, p).unwrap();
    }
    for (k, v) in [
        ("till.toko.unit", "sembako"),
        ("till.apt.unit", "apotek"),
        ("till.apt.pharmacy", "apotek"),
        ("till.gerai.unit", "apotek"),
        ("till.gerai.pharmacy", "gerai"),
    ] {
        shop.set_setting(&admin, k, v).unwrap();
    }
    shop.import_catalog(&admin, CATALOG.as_bytes(), &mut |_, _| {})
        .unwrap();
    let kasir = shop.login("siti", "1111").unwrap();
    for till in ["toko", "apt", "gerai"] {
        shop.open_shift(&kasir, till, dec!(100000), &CashCount::default())
            .unwrap();
    }
    T {
        shop,
        clock,
        admin,
        kasir,
    }
}

impl T {
    fn receive(&mut self, csv: &str) {
        let lines =
            parse_receipt(format!("code,qty,unit,cost,batch,expiry\n{csv}").as_bytes()).unwrap();
        self.shop
            .receive(
                &self.admin,
                &lines,
                &ReceiveOptions {
                    // Some tests stock an expired batch on purpose.
                    expired_reason: Some("uji".into()),
                    ..Default::default()
                },
            )
            .unwrap();
    }
    fn on_hand(&self, code: &str) -> (Decimal, Decimal) {
        let r = &self.shop.stock(Some(code)).unwrap()[0];
        (r.on_hand, r.value)
    }
    fn batch(&self, code: &str, batch: &str) -> Decimal {
        self.shop.stock(Some(code)).unwrap()[0]
            .batches
            .iter()
            .find(|b| b.batch_no == batch)
            .map(|b| b.on_hand)
            .unwrap_or_default()
    }
    fn sell(&mut self, till: &str, cart: &Cart) -> kasir::Result<kasir::store::sales::SaleRecord> {
        let total = cart.totals(self.shop.settings().unwrap().tax()).total;
        self.shop.checkout(
            &self.kasir,
            till,
            cart,
            &[Tender {
                kind: TenderKind::Cash,
                amount: total,
                reference: None,
            }],
        )
    }
    fn sell_codes(&mut self, till: &str, entries: &[&str]) -> kasir::Result<String> {
        let mut cart = Cart::default();
        for e in entries {
            self.shop.scan_into(&mut cart, e)?;
        }
        Ok(self.sell(till, &cart)?.number)
    }
    fn assert_books_agree(&self) {
        let r = self.shop.check().unwrap();
        assert!(r.problems.is_empty(), "{:?}", r.problems);
    }
}

fn rx() -> Prescription {
    Prescription {
        number: "R-0310-07".into(),
        doctor: "dr. Sari Handayani".into(),
        sip: "SIP 503/445/DINKES/2025".into(),
        patient: "Joko Susilo".into(),
        date: NaiveDate::from_ymd_opt(2026, 3, 9).unwrap(),
        prescribed: dec!(100),
        iter: 0,
    }
}

#[test]
fn a_dus_received_adds_forty_pcs_and_a_dus_sold_takes_forty() {
    let mut t = shop();
    t.receive("8991234567907,2,dus,120000,,");
    assert_eq!(t.on_hand("MIE"), (dec!(80), dec!(240000)));
    t.sell_codes("toko", &["8991234567907"]).unwrap();
    assert_eq!(t.on_hand("MIE"), (dec!(40), dec!(120000)));
    let n = t.sell_codes("toko", &["3*8991234567891"]).unwrap();
    assert_eq!(t.on_hand("MIE"), (dec!(37), dec!(111000)));
    assert_eq!(t.shop.sale(&n).unwrap().lines[0].cost, dec!(9000));
    // A receipt line in pcs by SKU: the smallest unit.
    t.receive("MIE,3,,3100,,");
    assert_eq!(t.on_hand("MIE"), (dec!(40), dec!(120300)));
    t.assert_books_agree();
}

#[test]
fn moving_average_cost_follows_receipts_and_the_stock_card_adds_up() {
    let mut t = shop();
    t.receive("MIE,10,pcs,1000,,\nMIE,10,pcs,1500,,");
    let n = t.sell_codes("toko", &["5*MIE"]).unwrap();
    assert_eq!(t.shop.sale(&n).unwrap().lines[0].cost, dec!(6250));
    assert_eq!(t.on_hand("MIE"), (dec!(15), dec!(18750)));
    let card = t.shop.stock_card("MIE", None).unwrap();
    assert_eq!(card.len(), 3);
    assert_eq!(card.last().unwrap().balance, dec!(15));
    let value: Decimal = card.iter().map(|m| m.value).sum();
    assert_eq!(value, dec!(18750));
    assert_eq!(card[2].reference.as_deref(), Some(n.as_str()));
    assert_eq!(card[2].user.as_deref(), Some("siti"));
    assert!(card[0]
        .reference
        .as_deref()
        .unwrap()
        .starts_with("GR-20260310-"));
}

#[test]
fn receiving_records_supplier_credit_and_gives_a_slip() {
    let mut t = shop();
    t.shop
        .add_supplier(&t.admin, "KFTD", "PT Kimia Farma TD", None, None)
        .unwrap();
    let lines = parse_receipt(
        "code,qty,unit,cost,batch,expiry\nAMX,3,strip,5390,A1,2027-01-31\n".as_bytes(),
    )
    .unwrap();
    let no_supplier = t.shop.receive(
        &t.admin,
        &lines,
        &ReceiveOptions {
            payment: Payment::Credit,
            ..Default::default()
        },
    );
    assert!(no_supplier.is_err());
    let unknown = t.shop.receive(
        &t.admin,
        &lines,
        &ReceiveOptions {
            supplier: Some("NOPE".into()),
            ..Default::default()
        },
    );
    assert!(unknown.is_err());
    assert_eq!(t.on_hand("AMX").0, dec!(0));
    let g = t
        .shop
        .receive(
            &t.admin,
            &lines,
            &ReceiveOptions {
                supplier: Some("kftd".into()),
                payment: Payment::Credit,
                cash_from: None,
                note: None,
                expired_reason: None,
            },
        )
        .unwrap();
    assert_eq!(g.total, dec!(16170));
    assert_eq!(t.on_hand("AMX"), (dec!(30), dec!(16170)));
    assert_eq!(t.shop.suppliers().unwrap()[0].owed, dec!(16170));
    let slip = t
        .shop
        .receiving_slip_text(&g, kasir::i18n::Lang::Id)
        .unwrap();
    assert!(slip.contains("PT Kimia Farma TD"), "{slip}");
    assert!(slip.contains("A1"), "{slip}");
    assert!(slip.contains(&g.doc_no), "{slip}");
    // A gudang user may receive; a cashier may not.
    assert!(matches!(
        t.shop.receive(&t.kasir, &lines, &ReceiveOptions::default()),
        Err(KasirError::NotAllowed { .. })
    ));
}

#[test]
fn sales_pick_the_earliest_expiry_and_never_an_expired_batch() {
    let mut t = shop();
    t.receive(
        "PCT,20,,418,LATE,2026-09-30\nPCT,20,,418,SOON,2026-04-30\nPCT,5,,418,OLD,2026-03-01",
    );
    t.sell_codes("apt", &["10*PCT"]).unwrap();
    assert_eq!(t.batch("PCT", "SOON"), dec!(10));
    assert_eq!(t.batch("PCT", "LATE"), dec!(20));
    assert_eq!(t.batch("PCT", "OLD"), dec!(5));
    t.sell_codes("apt", &["15*PCT"]).unwrap();
    assert_eq!(
        (t.batch("PCT", "SOON"), t.batch("PCT", "LATE")),
        (dec!(0), dec!(15))
    );
    // Only 15 unexpired left: 16 would need the expired batch.
    match t.sell_codes("apt", &["16*PCT"]) {
        Err(e @ KasirError::ExpiredBatch { .. }) => {
            let m = e.message(kasir::i18n::Lang::En);
            assert!(m.contains("OLD") && m.contains("2026-03-01"), "{m}");
        }
        other => panic!("expected an expired-batch refusal, got {other:?}"),
    }
    assert_eq!(t.on_hand("PCT").0, dec!(20));
    // The expiry report lists it; writing off all expired empties the batch at cost.
    let r = t.shop.expiry_report(Some(30)).unwrap();
    assert_eq!(r.expired.len(), 1);
    assert!(r.near.is_empty());
    assert_eq!(t.shop.expiry_report(Some(60)).unwrap().near.len(), 0);
    assert_eq!(t.shop.expiry_report(Some(220)).unwrap().near.len(), 1);
    let w = t.shop.write_off_expired(&t.admin, None).unwrap();
    assert_eq!(w.len(), 1);
    assert_eq!(
        (w[0].qty, w[0].reason),
        (dec!(5), WriteOffReason::Kedaluwarsa)
    );
    assert_eq!(t.batch("PCT", "OLD"), dec!(0));
    assert_eq!(t.on_hand("PCT"), (dec!(15), dec!(6270)));
    let card = t.shop.stock_card("PCT", Some("OLD")).unwrap();
    assert_eq!(card.last().unwrap().kind, "writeoff");
    assert_eq!(card.last().unwrap().note.as_deref(), Some("kedaluwarsa"));
    assert_eq!(card.last().unwrap().balance, dec!(0));
    t.assert_books_agree();
}

#[test]
fn write_offs_are_valued_at_cost_and_refuse_more_than_on_hand() {
    let mut t = shop();
    t.receive("MIE,10,pcs,1000,,\nMIE,10,pcs,1500,,");
    let w = t
        .shop
        .write_off(&t.admin, "MIE", dec!(4), WriteOffReason::Rusak, None)
        .unwrap();
    assert_eq!((w.qty, w.value), (dec!(4), dec!(5000)));
    assert_eq!(t.on_hand("MIE"), (dec!(16), dec!(20000)));
    assert!(t
        .shop
        .write_off(
            &t.admin,
            "8991234567907",
            dec!(1),
            WriteOffReason::Hilang,
            None
        )
        .is_err());
    assert!(t
        .shop
        .write_off(&t.kasir, "MIE", dec!(1), WriteOffReason::Hilang, None)
        .is_err());
    assert_eq!(t.on_hand("MIE"), (dec!(16), dec!(20000)));
}

#[test]
fn opname_adjusts_by_the_variance_at_count_time_even_with_sales_during_the_count() {
    let mut t = shop();
    t.receive("MIE,50,pcs,3000,,\nAMX,100,,539,A1,2027-01-31");
    let gudang = t.shop.login("budi", "2222").unwrap();
    assert!(t.shop.opname_count(&gudang, "MIE", dec!(1), None).is_err());
    t.shop
        .opname_start(&gudang, Some(BusinessUnit::Sembako))
        .unwrap();
    assert!(t.shop.opname_start(&gudang, None).is_err());
    let ack = t.shop.opname_count(&gudang, "MIE", dec!(48), None).unwrap();
    let shown = format!("{ack:?}");
    assert!(
        !shown.contains("50") && !shown.contains("expected"),
        "{shown}"
    );
    // Outside the count's scope.
    assert!(t.shop.opname_count(&gudang, "AMX", dec!(1), None).is_err());
    // Five sell after MIE was counted: the shelf and the books both drop by five.
    t.clock.advance(chrono::Duration::minutes(5));
    t.sell_codes("toko", &["5*MIE"]).unwrap();
    let preview = t.shop.opname_variance().unwrap();
    assert_eq!(preview.lines[0].variance, dec!(-2));
    assert_eq!(preview.lines[0].value, dec!(-6000));
    // Variance needs a supervisor: none, a cashier, or a wrong PIN change nothing.
    assert!(t.shop.opname_finish(&gudang, None).is_err());
    assert!(matches!(
        t.shop.opname_finish(&gudang, Some(("siti", "1111"))),
        Err(KasirError::NotAllowed { .. })
    ));
    assert!(matches!(
        t.shop.opname_finish(&gudang, Some(("ahmad", "0000"))),
        Err(KasirError::WrongPin { .. })
    ));
    assert_eq!(t.on_hand("MIE").0, dec!(45));
    let r = t
        .shop
        .opname_finish(&gudang, Some(("ahmad", "4444")))
        .unwrap();
    assert_eq!(r.session.approver.as_deref(), Some("ahmad"));
    assert_eq!(r.net_value, dec!(-6000));
    assert_eq!(t.on_hand("MIE"), (dec!(43), dec!(129000)));
    let last = t.shop.stock_card("MIE", None).unwrap().pop().unwrap();
    assert_eq!((last.kind.as_str(), last.qty), ("opname", dec!(-2)));
    assert_eq!(last.user.as_deref(), Some("budi"));
    assert!(t.shop.opname_current().unwrap().is_none());
    let approved: i64 = t
        .shop
        .store
        .conn()
        .query_row(
            "SELECT count(*) FROM audit_log WHERE action = 'opname_finish' AND approver = 'ahmad'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(approved, 1);
    t.assert_books_agree();
}

#[test]
fn opname_surplus_goes_to_the_counted_batch_at_average_cost() {
    let mut t = shop();
    t.receive("AMX,100,,539,A1,2027-01-31\nAMX,50,,539,B2,2027-06-30");
    t.shop.opname_start(&t.admin, None).unwrap();
    t.shop
        .opname_count(&t.admin, "AMX", dec!(103), Some("A1"))
        .unwrap();
    t.shop
        .opname_count(&t.admin, "AMX", dec!(5), Some("B2"))
        .unwrap();
    // Recounting replaces the earlier figure.
    t.shop
        .opname_count(&t.admin, "AMX", dec!(50), Some("B2"))
        .unwrap();
    let r = t
        .shop
        .opname_finish(&t.admin, Some(("rina", "3333")))
        .unwrap();
    let v: Vec<Decimal> = r.lines.iter().map(|l| l.variance).collect();
    assert_eq!(v, vec![dec!(3), dec!(0)]);
    assert_eq!(t.batch("AMX", "A1"), dec!(103));
    assert_eq!(t.on_hand("AMX"), (dec!(153), dec!(82467)));
    t.assert_books_agree();
}

#[test]
fn a_gerai_obat_refuses_everything_but_bebas_and_bebas_terbatas() {
    let mut t = shop();
    t.receive("PCT,50,,418,P1,2027-01-31\nAMX,50,,539,A1,2027-01-31");
    t.sell_codes("gerai", &["2*PCT"]).unwrap();
    let mut cart = Cart::default();
    assert!(matches!(
        t.shop
            .add_prescribed("gerai", &mut cart, "AMX", dec!(10), &rx(), "rina", "3333"),
        Err(KasirError::NotAtGerai { .. })
    ));
    // A till with no pharmacy setting is a gerai too.
    assert!(matches!(
        t.shop
            .add_prescribed("toko", &mut cart, "AMX", dec!(10), &rx(), "rina", "3333"),
        Err(KasirError::NotAtGerai { .. })
    ));
    // A cart built at the apotek counter is checked again at the gerai's checkout.
    t.shop
        .add_prescribed("apt", &mut cart, "AMX", dec!(10), &rx(), "rina", "3333")
        .unwrap();
    assert!(matches!(
        t.sell("gerai", &cart),
        Err(KasirError::NotAtGerai { .. })
    ));
    assert_eq!(t.on_hand("AMX").0, dec!(50));
}

#[test]
fn prescription_drugs_need_a_complete_prescription_and_a_pharmacists_pin() {
    let mut t = shop();
    t.receive("AMX,50,,539,A1,2027-01-31\nDZP,30,,228,D1,2027-01-31");
    let mut cart = Cart::default();
    assert!(matches!(
        t.shop.scan_into(&mut cart, "AMX"),
        Err(KasirError::NeedsPrescription { .. })
    ));
    assert!(matches!(
        t.shop
            .add_prescribed("apt", &mut cart, "AMX", dec!(10), &rx(), "rina", "0000"),
        Err(KasirError::WrongPin { .. })
    ));
    assert!(matches!(
        t.shop
            .add_prescribed("apt", &mut cart, "AMX", dec!(10), &rx(), "siti", "1111"),
        Err(KasirError::NotApoteker(_))
    ));
    let no_doctor = Prescription {
        doctor: String::new(),
        ..rx()
    };
    assert!(t
        .shop
        .add_prescribed(
            "apt",
            &mut cart,
            "AMX",
            dec!(10),
            &no_doctor,
            "rina",
            "3333"
        )
        .is_err());
    let tomorrow = Prescription {
        date: NaiveDate::from_ymd_opt(2026, 3, 11).unwrap(),
        ..rx()
    };
    assert!(t
        .shop
        .add_prescribed("apt", &mut cart, "AMX", dec!(10), &tomorrow, "rina", "3333")
        .is_err());
    assert!(cart.is_empty());
    // A cart line that claims a prescription without one is caught at checkout.
    let mut forged = Cart::default();
    forged
        .add(t.shop.find_item("AMX").unwrap(), dec!(10))
        .unwrap();
    assert!(matches!(
        t.sell("apt", &forged),
        Err(KasirError::NeedsPrescription { .. })
    ));
    t.shop
        .add_prescribed("apt", &mut cart, "AMX", dec!(10), &rx(), "rina", "3333")
        .unwrap();
    t.shop
        .add_prescribed("apt", &mut cart, "DZP", dec!(10), &rx(), "rina", "3333")
        .unwrap();
    let sale = t.sell("apt", &cart).unwrap();
    let stored =
        kasir::store::pharmacy::prescriptions(t.shop.store.conn(), "", "", Some(&sale.number))
            .unwrap();
    assert_eq!(stored.len(), 2);
    assert_eq!(stored[0].product, "Amoksisilin 500 mg Kapsul");
    assert_eq!(
        (
            stored[0].doctor.as_str(),
            stored[0].sip.as_str(),
            stored[0].patient.as_str()
        ),
        (
            "dr. Sari Handayani",
            "SIP 503/445/DINKES/2025",
            "Joko Susilo"
        )
    );
    assert_eq!(stored[1].apoteker, "rina");
    let audited: i64 = t
        .shop
        .store
        .conn()
        .query_row(
            "SELECT count(*) FROM audit_log WHERE action = 'prescription' AND approver = 'rina'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(audited, 2);
    let reg = t.shop.drug_register(&t.admin, "2026-03").unwrap();
    let sold = reg.iter().find(|r| r.kind == "sale").unwrap();
    assert_eq!(
        (sold.sku.as_str(), sold.qty, sold.balance),
        ("DZP", dec!(-10), dec!(20))
    );
    assert_eq!(sold.patient.as_deref(), Some("Joko Susilo"));
    t.assert_books_agree();
}

#[test]
fn oot_drugs_have_a_per_sale_limit() {
    let mut t = shop();
    t.receive("TRM,100,,550,T1,2027-01-31");
    let mut cart = Cart::default();
    t.shop
        .add_prescribed("apt", &mut cart, "TRM", dec!(8), &rx(), "rina", "3333")
        .unwrap();
    match t
        .shop
        .add_prescribed("apt", &mut cart, "TRM", dec!(3), &rx(), "rina", "3333")
    {
        Err(KasirError::AboveSaleLimit { max, asked, .. }) => {
            assert_eq!((max, asked), (dec!(10), dec!(11)))
        }
        other => panic!("expected the OOT limit, got {other:?}"),
    }
    assert_eq!(cart.lines.len(), 1);
    // Raising the quantity on the line afterwards is caught at checkout.
    cart.set_qty(0, dec!(12)).unwrap();
    assert!(matches!(
        t.sell("apt", &cart),
        Err(KasirError::AboveSaleLimit { .. })
    ));
    // A product's own limit wins over the setting.
    t.shop
        .set_sale_limit(&t.admin, "TRM", Some(dec!(20)))
        .unwrap();
    t.sell("apt", &cart).unwrap();
    assert_eq!(t.on_hand("TRM").0, dec!(88));
}

#[test]
fn a_price_above_het_is_refused_at_import_and_at_sale() {
    let mut t = shop();
    t.receive("PCT,50,,418,P1,2027-01-31");
    let above = CATALOG.replace(
        "PCT,Paracetamol 500 mg Tablet,apotek,tablet,ppn,bebas,1,0,tablet,1,,550,",
        "PCT,Paracetamol 500 mg Tablet,apotek,tablet,ppn,bebas,1,0,tablet,1,,700,",
    );
    assert_ne!(above, CATALOG);
    assert!(t
        .shop
        .import_catalog(&t.admin, above.as_bytes(), &mut |_, _| {})
        .is_err());
    assert_eq!(t.shop.find_item("PCT").unwrap().prices.umum, dec!(550));
    let mut cart = Cart::default();
    t.shop.scan_into(&mut cart, "2*PCT").unwrap();
    cart.lines[0].price_override = Some(dec!(700));
    cart.lines[0].unit_price = dec!(700);
    match t.sell("gerai", &cart) {
        Err(e @ KasirError::AboveHet { .. }) => {
            assert!(e.message(kasir::i18n::Lang::Id).contains("HET"))
        }
        other => panic!("expected the HET refusal, got {other:?}"),
    }
    assert_eq!(t.on_hand("PCT").0, dec!(50));
}

#[test]
fn sipnap_figures_add_up_month_by_month() {
    let mut t = shop();
    t.clock.set(at("2026-02-15 10:00"));
    t.receive("DZP,100,,228,D1,2027-01-31");
    let mut cart = Cart::default();
    t.shop
        .add_prescribed(
            "apt",
            &mut cart,
            "DZP",
            dec!(10),
            &Prescription {
                date: NaiveDate::from_ymd_opt(2026, 2, 14).unwrap(),
                ..rx()
            },
            "rina",
            "3333",
        )
        .unwrap();
    t.sell("apt", &cart).unwrap();
    t.clock.set(at("2026-03-02 10:00"));
    t.receive("DZP,50,,230,D2,2027-06-30");
    t.clock.set(at("2026-03-12 10:00"));
    let mut cart = Cart::default();
    t.shop
        .add_prescribed("apt", &mut cart, "DZP", dec!(20), &rx(), "rina", "3333")
        .unwrap();
    t.sell("apt", &cart).unwrap();
    t.shop
        .write_off(&t.admin, "DZP", dec!(5), WriteOffReason::Rusak, Some("D1"))
        .unwrap();
    t.shop
        .opname_start(&t.admin, Some(BusinessUnit::Apotek))
        .unwrap();
    t.shop
        .opname_count(&t.admin, "DZP", dec!(113), None)
        .unwrap();
    t.shop
        .opname_finish(&t.admin, Some(("rina", "3333")))
        .unwrap();
    t.clock.set(at("2026-04-01 08:00"));
    let feb = t.shop.sipnap(&t.admin, "2026-02").unwrap();
    let mar = t.shop.sipnap(&t.admin, "2026-03").unwrap();
    let apr = t.shop.sipnap(&t.admin, "2026-04").unwrap();
    let dzp = |rows: &[kasir::store::stock::PeriodMovement]| {
        rows.iter().find(|r| r.sku == "DZP").cloned().unwrap()
    };
    let (f, m, a) = (dzp(&feb), dzp(&mar), dzp(&apr));
    assert_eq!(
        (f.opening, f.received, f.sold, f.closing),
        (dec!(0), dec!(100), dec!(10), dec!(90))
    );
    assert_eq!(
        (m.opening, m.received, m.sold, m.other_out, m.closing),
        (dec!(90), dec!(50), dec!(20), dec!(7), dec!(113))
    );
    assert_eq!((a.opening, a.closing), (dec!(113), dec!(113)));
    for r in feb.iter().chain(&mar).chain(&apr) {
        assert_eq!(
            r.opening + r.received + r.other_in - r.sold - r.other_out,
            r.closing,
            "{r:?}"
        );
    }
    assert_eq!(m.closing, t.on_hand("DZP").0);
    // Only psikotropika and narkotika are in the report.
    assert!(mar
        .iter()
        .all(|r| r.drug_class == "psikotropika" || r.drug_class == "narkotika"));
    let mut csv = Vec::new();
    kasir::service::pharmacy::write_sipnap_csv("2026-03", &mar, &mut csv).unwrap();
    let csv = String::from_utf8(csv).unwrap();
    assert!(
        csv.contains(
            "2026-03,DZP,GPL8884930310A2,Diazepam 2 mg Tablet,psikotropika,tablet,90,50,0,20,7,113"
        ),
        "{csv}"
    );
    t.assert_books_agree();
}

#[test]
fn reorder_suggests_from_recent_sales_and_slow_movers_are_listed() {
    let mut t = shop();
    t.receive("MIE,60,pcs,3000,,\nPCT,500,,418,P1,2027-01-31");
    t.clock.set(at("2026-03-20 10:00"));
    t.sell_codes("toko", &["30*MIE"]).unwrap();
    let low = t.shop.low_stock().unwrap();
    let mie = low.iter().find(|r| r.sku == "MIE").unwrap();
    // 30 sold in 30 days = 1 a day; cover 14 days over the minimum of 40, at least 2 × 40.
    assert_eq!(
        (mie.on_hand, mie.sold, mie.suggested),
        (dec!(30), dec!(30), dec!(50))
    );
    assert!(low.iter().all(|r| r.sku != "PCT"));
    t.clock.set(at("2026-07-01 10:00"));
    let slow = t.shop.slow_movers(Some(90)).unwrap();
    let skus: Vec<&str> = slow.iter().map(|s| s.sku.as_str()).collect();
    assert_eq!(skus, vec!["PCT", "MIE"]);
    assert!(t
        .shop
        .slow_movers(Some(200))
        .unwrap()
        .iter()
        .all(|s| s.sku != "MIE"));
    let units = t.shop.stock_value_by_unit().unwrap();
    assert_eq!(units.iter().map(|u| u.value).sum::<Decimal>(), dec!(299000));
}

#[test]
fn a_per_sale_limit_comes_in_with_the_catalog_and_an_older_file_keeps_it() {
    let mut t = shop();
    t.receive("PCT,500,,418,P1,2027-06-30");
    let head = CATALOG.lines().next().unwrap();
    let pct = CATALOG.lines().find(|l| l.starts_with("PCT,")).unwrap();
    let import = |t: &mut T, csv: String| {
        t.shop
            .import_catalog(&t.admin, csv.as_bytes(), &mut |_, _| {})
    };
    // Paracetamol limited to 20 tablets a sale (a shortage rule), from the catalog file.
    import(&mut t, format!("{head},max_per_sale\n{pct},20\n")).unwrap();
    let tried = |t: &mut T, entry: &str| {
        let mut cart = Cart::default();
        t.shop.scan_into(&mut cart, entry)
    };
    assert!(matches!(
        tried(&mut t, "21*PCT"),
        Err(KasirError::AboveSaleLimit { max, .. }) if max == dec!(20)
    ));
    tried(&mut t, "20*PCT").unwrap();
    // The export carries the limit; a file without the column leaves it as it is.
    let mut out = Vec::new();
    t.shop.export_catalog(&mut out).unwrap();
    let exported = String::from_utf8(out).unwrap();
    // (then the item code of weighed goods, empty for a medicine)
    assert!(exported
        .lines()
        .next()
        .unwrap()
        .ends_with(",max_per_sale,plu"));
    let row = exported.lines().find(|l| l.starts_with("PCT,")).unwrap();
    assert!(row.ends_with(",20,"), "{row}");
    import(&mut t, format!("{head}\n{pct}\n")).unwrap();
    assert!(
        tried(&mut t, "21*PCT").is_err(),
        "an older file cleared the limit"
    );
    // An empty cell clears it; zero is refused and changes nothing.
    let bad = import(&mut t, format!("{head},max_per_sale\n{pct},0\n")).unwrap_err();
    assert!(bad
        .message(kasir::i18n::Lang::En)
        .contains("max_per_sale must be above 0"));
    assert!(tried(&mut t, "21*PCT").is_err());
    import(&mut t, format!("{head},max_per_sale\n{pct},\n")).unwrap();
    tried(&mut t, "21*PCT").unwrap();
}

#[test]
fn a_prescription_counts_every_line_and_every_sale_up_to_checkout() {
    let mut t = shop();
    t.receive("DZP,300,,228,D1,2027-01-31");
    // Two lines of one cart on one prescription of 100 tablets.
    let mut cart = Cart::default();
    t.shop
        .add_prescribed("apt", &mut cart, "DZP", dec!(60), &rx(), "rina", "3333")
        .unwrap();
    let err = t
        .shop
        .add_prescribed("apt", &mut cart, "DZP", dec!(50), &rx(), "rina", "3333")
        .unwrap_err();
    assert_eq!(
        err.message(kasir::i18n::Lang::Id),
        "Resep R-0310-07 tinggal 40 tablet Diazepam 2 mg Tablet (sudah ditebus 60 dari 100); diminta 50"
    );
    // Another counter dispenses on the same paper while this cart waits: checkout, in the
    // sale's own transaction, sees it and refuses.
    let mut other = Cart::default();
    t.shop
        .add_prescribed("apt", &mut other, "DZP", dec!(60), &rx(), "rina", "3333")
        .unwrap();
    t.sell("apt", &other).unwrap();
    let err = t.sell("apt", &cart).unwrap_err();
    assert_eq!(
        err.message(kasir::i18n::Lang::En),
        "Prescription R-0310-07 has 40 tablet of Diazepam 2 mg Tablet left (dispensed 60 of 100); 60 asked"
    );
    assert_eq!(t.on_hand("DZP").0, dec!(240));
    // The same paper typed with another quantity is not a new prescription.
    let err = t
        .shop
        .add_prescribed(
            "apt",
            &mut Cart::default(),
            "DZP",
            dec!(10),
            &Prescription {
                number: "r-0310-07".into(),
                prescribed: dec!(200),
                ..rx()
            },
            "rina",
            "3333",
        )
        .unwrap_err();
    assert!(
        err.message(kasir::i18n::Lang::Id)
            .starts_with("Resep r-0310-07 tercatat 100 tablet iter 0×"),
        "{}",
        err.message(kasir::i18n::Lang::Id)
    );
    t.assert_books_agree();
}

#[test]
fn prescription_age_limits_are_settings_per_class() {
    let mut t = shop();
    t.receive("DZP,100,,228,D1,2027-01-31\nAMX,100,,539,A1,2027-01-31");
    let dated = |d: u32| Prescription {
        date: NaiveDate::from_ymd_opt(2026, 3, d).unwrap(),
        ..rx()
    };
    let add = |t: &mut T, code: &str, rx: &Prescription| {
        t.shop.add_prescribed(
            "apt",
            &mut Cart::default(),
            code,
            dec!(10),
            rx,
            "rina",
            "3333",
        )
    };
    // Today is 10 March. Psikotropika: three days by default; obat keras: thirty.
    assert!(add(&mut t, "DZP", &dated(7)).is_ok());
    assert!(matches!(
        add(&mut t, "DZP", &dated(6)),
        Err(KasirError::RxNeedsReason(_))
    ));
    assert!(add(&mut t, "AMX", &dated(6)).is_ok());
    t.shop
        .set_setting(&t.admin, "rx.max_age_days.psikotropika", "0")
        .unwrap();
    assert!(matches!(
        add(&mut t, "DZP", &dated(9)),
        Err(KasirError::RxNeedsReason(_))
    ));
    assert!(add(&mut t, "DZP", &dated(10)).is_ok());
    t.shop
        .set_setting(&t.admin, "rx.max_age_days.keras", "3")
        .unwrap();
    let err = add(&mut t, "AMX", &dated(6)).unwrap_err();
    assert_eq!(
        err.message(kasir::i18n::Lang::En),
        "Prescription R-0310-07 dated 2026-03-06 is 4 days old (limit for keras: 3 days): only with a reason and the pharmacist's PIN"
    );
    // Obat keras with iter 2x: each fill gets the limit again.
    assert!(add(
        &mut t,
        "AMX",
        &Prescription {
            number: "R-ITER".into(),
            iter: 2,
            ..dated(2)
        }
    )
    .is_ok());
}
