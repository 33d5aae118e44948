//! Stock and pharmacy commands: receive, supplier, opname, writeoff, report.

use std::path::{Path, PathBuf};

use clap::Subcommand;
use rust_decimal::Decimal;
use serde_json::json;

use super::actor_from;
use super::open;
use super::output::{
    all, done, print_json, to_json, write_atomically, CountAckOut, ExpiryOut, ExpiryRowOut,
    OpnameFinishOut, OpnameSessionOut, ReceivedOut, RegisterOut, ReorderOut, SipnapRowOut,
    SlowMoverOut, StockCsvOut, StockMoveOut, StockOut, SupplierOut, UnitStockValueOut,
    WriteOffsOut,
};
use crate::domain::catalog::BusinessUnit;
use crate::domain::money::{format_qty, format_rupiah, Quantity, QTY_SCALE};
use crate::domain::pharmacy::Prescription;
use crate::error::{KasirError, Result};
use crate::i18n::Lang;
use crate::service::stock::{CashSource, Payment, ReceiveOptions};
use crate::service::write_off::WriteOffReason;

/// Who acts: `--user U --pin P`, or the back office.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct As {
    #[arg(long)]
    pub user: Option<String>,
    #[arg(long)]
    pub pin: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum SupplierCmd {
    /// Register a supplier.
    Add {
        code: String,
        name: String,
        #[arg(long)]
        phone: Option<String>,
        #[arg(long)]
        address: Option<String>,
    },
    /// Change a supplier's name, phone or address.
    Edit {
        code: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        phone: Option<String>,
        #[arg(long)]
        address: Option<String>,
    },
    /// Take a supplier off: no new deliveries from it (what is owed stays).
    Off { code: String },
    /// Put a supplier taken off back on.
    On { code: String },
    /// Suppliers and what the coop owes each (utang dagang).
    List,
}

#[derive(Subcommand, Debug)]
pub enum OpnameCmd {
    /// Start a stock count (all goods, or one business unit).
    Start {
        #[arg(long, value_name = "sembako|apotek")]
        unit: Option<String>,
        #[command(flatten)]
        who: As,
    },
    /// Record a count: QTY in the unit CODE names. Blind: the expected figure is not shown.
    Count {
        code: String,
        #[arg(allow_hyphen_values = true)]
        qty: String,
        #[arg(long)]
        batch: Option<String>,
        #[command(flatten)]
        who: As,
    },
    /// Finish: variance report, supervisor approval, adjustment moves.
    Finish {
        #[arg(long)]
        approve_user: Option<String>,
        #[arg(long)]
        approve_pin: Option<String>,
        #[command(flatten)]
        who: As,
    },
}

#[derive(Subcommand, Debug)]
pub enum ReportCmd {
    /// Stock on hand and value per business unit; --low: reorder list; --slow: slow movers.
    Stock {
        #[arg(long)]
        low: bool,
        #[arg(long, conflicts_with = "low")]
        slow: bool,
        /// Look-back days for --slow.
        #[arg(long)]
        days: Option<i64>,
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Expired batches and those expiring within N days (default: setting, 90).
    Expiry {
        #[arg(long)]
        days: Option<i64>,
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Monthly SIPNAP report of psikotropika and narkotika (CSV with --out).
    Sipnap {
        #[arg(long, value_name = "YYYY-MM")]
        month: String,
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// The psikotropika / narkotika register of a month, with prescriptions.
    Register {
        #[arg(long, value_name = "YYYY-MM")]
        month: String,
    },
}

/// Options of `kasir writeoff`.
#[derive(clap::Args, Debug)]
pub struct WriteoffArgs {
    /// Barcode or SKU (with --expired: only this product).
    pub code: Option<String>,
    /// Quantity in the unit CODE names.
    #[arg(allow_hyphen_values = true)]
    pub qty: Option<String>,
    /// rusak, kedaluwarsa or hilang.
    #[arg(long)]
    pub reason: Option<String>,
    #[arg(long)]
    pub batch: Option<String>,
    /// Write off every expired batch with stock.
    #[arg(long, conflicts_with_all = ["qty", "reason", "batch"])]
    pub expired: bool,
    #[command(flatten)]
    pub who: As,
}

/// Prescription flags of `kasir sale`.
#[derive(clap::Args, Debug, Default)]
pub struct RxArgs {
    /// The prescription: "no=…;doctor=…;sip=…;patient=…;date=YYYY-MM-DD;qty=N[;iter=N]"
    /// (qty: the prescribed quantity in the drug's base unit; iter: repeats, obat keras only).
    #[arg(long)]
    pub rx: Option<String>,
    /// The approving pharmacist (role apoteker).
    #[arg(long)]
    pub apoteker: Option<String>,
    #[arg(long)]
    pub apoteker_pin: Option<String>,
    /// The pharmacist's reason for a prescription older than the shop's limit (audited).
    #[arg(long, value_name = "TEXT")]
    pub rx_reason: Option<String>,
}

/// A parsed `--rx`: the prescription, the pharmacist, the PIN and the age reason.
pub type RxGiven = (Prescription, String, String, Option<String>);

impl RxArgs {
    /// The prescription and pharmacist, all three given or none.
    pub fn parse(&self) -> Result<Option<RxGiven>> {
        match (&self.rx, &self.apoteker, &self.apoteker_pin) {
            (None, None, None) if self.rx_reason.is_none() => Ok(None),
            (Some(rx), Some(u), Some(p)) => {
                let rx = Prescription::parse(rx).ok_or_else(|| {
                    KasirError::invalid(
                        "--rx harus \"no=…;doctor=…;sip=…;patient=…;date=YYYY-MM-DD;qty=N[;iter=N]\"",
                        "--rx must be \"no=…;doctor=…;sip=…;patient=…;date=YYYY-MM-DD;qty=N[;iter=N]\"",
                    )
                })?;
                Ok(Some((rx, u.clone(), p.clone(), self.rx_reason.clone())))
            }
            _ => Err(KasirError::invalid(
                "--rx, --apoteker dan --apoteker-pin harus diberikan bersama (--rx-reason hanya bersama ketiganya)",
                "--rx, --apoteker and --apoteker-pin go together (--rx-reason only with all three)",
            )),
        }
    }
}

fn qty_arg(s: &str) -> Result<Decimal> {
    Ok(Quantity::parse(s, QTY_SCALE)?)
}

fn unit_arg(s: &str) -> Result<BusinessUnit> {
    BusinessUnit::parse(s).ok_or_else(|| {
        KasirError::invalid(
            format!("Unit usaha \"{s}\" tidak dikenal (sembako, apotek)"),
            format!("Unknown business unit \"{s}\" (sembako, apotek)"),
        )
    })
}

/// How `receive` is paid, as typed.
pub(super) struct PayArgs {
    pub pay: Option<String>,
    pub from: Option<String>,
    pub till: Option<String>,
}

impl PayArgs {
    /// `--pay credit`; `--pay cash --from drawer --till T` or `--pay cash --from safe`; or
    /// nothing (opening stock without a supplier). `--pay cash` must say where from.
    fn resolve(self) -> Result<(Payment, Option<CashSource>)> {
        let payment = match &self.pay {
            None => None,
            Some(p) => Some(Payment::parse(p).ok_or_else(|| {
                KasirError::invalid(
                    format!("--pay \"{p}\" harus cash atau credit"),
                    format!("--pay \"{p}\" must be cash or credit"),
                )
            })?),
        };
        let from = match self.from.as_deref().map(|f| f.trim().to_ascii_lowercase()) {
            None => None,
            Some(f) if f == "drawer" || f == "laci" => Some(CashSource::Drawer {
                till: self.till.clone().ok_or_else(|| {
                    KasirError::invalid(
                        "--from drawer perlu --till KASIR (laci kasir yang membayar)",
                        "--from drawer needs --till TILL (whose drawer pays)",
                    )
                })?,
            }),
            Some(f) if f == "safe" || f == "brankas" => Some(CashSource::Safe),
            Some(f) => {
                return Err(KasirError::invalid(
                    format!("--from \"{f}\" harus drawer (laci kasir) atau safe (brankas/Kas Besar)"),
                    format!("--from \"{f}\" must be drawer (a till's drawer) or safe (the office safe/Kas Besar)"),
                ))
            }
        };
        if self.till.is_some() && !matches!(from, Some(CashSource::Drawer { .. })) {
            return Err(KasirError::invalid(
                "--till hanya untuk --from drawer",
                "--till goes with --from drawer only",
            ));
        }
        match (payment, from) {
            (Some(Payment::Credit), Some(_)) => Err(KasirError::invalid(
                "Barang utang tidak dibayar dari laci atau brankas: pilih --pay credit atau --pay cash --from …",
                "Goods on credit are not paid from a drawer or the safe: choose --pay credit or --pay cash --from …",
            )),
            (Some(Payment::Cash), None) => Err(crate::service::stock::cash_source_missing()),
            (Some(Payment::Credit), None) => Ok((Payment::Credit, None)),
            (_, from) => Ok((Payment::Cash, from)),
        }
    }
}

/// `kasir receive FILE [--supplier S] [--pay credit | --pay cash --from drawer --till T |
/// --pay cash --from safe] [--note TEXT]`.
pub(super) fn run_receive(
    db: &Path,
    json: bool,
    lang: Lang,
    file: &Path,
    pay: PayArgs,
    opts: ReceiveOptions,
) -> Result<()> {
    let (payment, cash_from) = pay.resolve()?;
    let mut shop = open(db)?;
    let f = super::output::open_input(file)?;
    let lines = crate::service::stock::parse_receipt(std::io::BufReader::new(f))?;
    let g = shop.receive(
        &crate::domain::user::Actor::back_office(),
        &lines,
        &ReceiveOptions {
            payment,
            cash_from,
            ..opts
        },
    )?;
    if json {
        print_json(to_json(&ReceivedOut::from(&g)));
    } else {
        println!("{}", shop.receiving_slip_text(&g, lang)?);
        println!(
            "{} {} {} — {}",
            g.lines,
            lang.pick("baris barang diterima", "lines received"),
            g.doc_no,
            format_rupiah(g.total)
        );
    }
    Ok(())
}

pub(super) fn run_supplier(db: &Path, json: bool, lang: Lang, cmd: SupplierCmd) -> Result<()> {
    let mut shop = open(db)?;
    match cmd {
        SupplierCmd::Add {
            code,
            name,
            phone,
            address,
        } => {
            let id = shop.add_supplier(
                &crate::domain::user::Actor::back_office(),
                &code,
                &name,
                phone.as_deref(),
                address.as_deref(),
            )?;
            done(
                json,
                lang,
                json!({"id": id, "code": code, "name": name}),
                &format!(
                    "{} {code} {name}",
                    lang.pick("Pemasok ditambah:", "Supplier added:")
                ),
            );
        }
        SupplierCmd::Edit {
            code,
            name,
            phone,
            address,
        } => supplier_change(
            &mut shop,
            json,
            lang,
            &code,
            crate::service::stock::SupplierChange {
                name,
                phone,
                address,
                active: None,
            },
        )?,
        SupplierCmd::Off { code } => supplier_change(
            &mut shop,
            json,
            lang,
            &code,
            crate::service::stock::SupplierChange {
                active: Some(false),
                ..Default::default()
            },
        )?,
        SupplierCmd::On { code } => supplier_change(
            &mut shop,
            json,
            lang,
            &code,
            crate::service::stock::SupplierChange {
                active: Some(true),
                ..Default::default()
            },
        )?,
        SupplierCmd::List => {
            let rows = shop.suppliers()?;
            if json {
                print_json(json!({"suppliers": all::<_, SupplierOut>(&rows)}));
            } else {
                for s in &rows {
                    println!(
                        "{:<10} {:<36} {} {}",
                        s.code,
                        s.name,
                        lang.pick("utang", "owed"),
                        format_rupiah(s.owed)
                    );
                }
            }
        }
    }
    Ok(())
}

fn supplier_change(
    shop: &mut crate::service::Shop,
    json: bool,
    lang: Lang,
    code: &str,
    change: crate::service::stock::SupplierChange,
) -> Result<()> {
    shop.change_supplier(&crate::domain::user::Actor::back_office(), code, &change)?;
    done(
        json,
        lang,
        json!({"changed": code.trim()}),
        &format!(
            "{} {}",
            lang.pick("Pemasok diubah:", "Supplier changed:"),
            code.trim()
        ),
    );
    Ok(())
}

pub(super) fn run_opname(db: &Path, json: bool, lang: Lang, cmd: OpnameCmd) -> Result<()> {
    let mut shop = open(db)?;
    match cmd {
        OpnameCmd::Start { unit, who } => {
            let actor = actor_from(&mut shop, who.user, who.pin)?;
            let unit = unit.as_deref().map(unit_arg).transpose()?;
            let s = shop.opname_start(&actor, unit)?;
            done(
                json,
                lang,
                to_json(&OpnameSessionOut::from(&s)),
                &format!(
                    "{} #{} ({})",
                    lang.pick("Opname dimulai", "Stock count started"),
                    s.id,
                    s.scope_unit
                        .clone()
                        .unwrap_or_else(|| lang.pick("semua", "all").into())
                ),
            );
        }
        OpnameCmd::Count {
            code,
            qty,
            batch,
            who,
        } => {
            let actor = actor_from(&mut shop, who.user, who.pin)?;
            let ack = shop.opname_count(&actor, &code, qty_arg(&qty)?, batch.as_deref())?;
            done(
                json,
                lang,
                to_json(&CountAckOut::from(&ack)),
                &format!(
                    "{} {} {}{}: {} {}",
                    lang.pick("Tercatat", "Recorded"),
                    ack.sku,
                    ack.name,
                    ack.batch
                        .as_ref()
                        .map(|b| format!(" batch {b}"))
                        .unwrap_or_default(),
                    format_qty(ack.counted),
                    ack.base_unit
                ),
            );
        }
        OpnameCmd::Finish {
            approve_user,
            approve_pin,
            who,
        } => {
            let actor = actor_from(&mut shop, who.user, who.pin)?;
            let approver = match (&approve_user, &approve_pin) {
                (Some(u), Some(p)) => Some((u.as_str(), p.as_str())),
                (None, None) => None,
                _ => {
                    return Err(KasirError::invalid(
                        "--approve-user dan --approve-pin harus diberikan berdua",
                        "--approve-user and --approve-pin go together",
                    ))
                }
            };
            let r = shop.opname_finish(&actor, approver)?;
            if json {
                print_json(to_json(&OpnameFinishOut::from(&r)));
            } else {
                println!(
                    "{} #{} — {} {}",
                    lang.pick("Opname selesai", "Stock count finished"),
                    r.session.id,
                    lang.pick("disetujui", "approved by"),
                    r.session.approver.clone().unwrap_or_else(|| "-".into())
                );
                for l in &r.lines {
                    println!(
                        "{:<12} {:<32} {:>9} {:>9} {:>9} {:>14}",
                        l.sku,
                        format!(
                            "{}{}",
                            l.name,
                            l.batch
                                .as_ref()
                                .map(|b| format!(" [{b}]"))
                                .unwrap_or_default()
                        ),
                        format_qty(l.expected),
                        format_qty(l.counted),
                        format_qty(l.variance),
                        format_rupiah(l.value)
                    );
                }
                println!(
                    "{}: {}  {}: {}  {}: {}  ({} {})",
                    lang.pick("Kurang", "Short"),
                    format_rupiah(r.value_short),
                    lang.pick("Lebih", "Over"),
                    format_rupiah(r.value_over),
                    lang.pick("Bersih", "Net"),
                    format_rupiah(r.net_value),
                    r.not_counted,
                    lang.pick("produk tidak dihitung", "products not counted")
                );
            }
        }
    }
    Ok(())
}

pub(super) fn run_writeoff(db: &Path, json: bool, lang: Lang, a: WriteoffArgs) -> Result<()> {
    let mut shop = open(db)?;
    let actor = actor_from(&mut shop, a.who.user, a.who.pin)?;
    let records = if a.expired {
        shop.write_off_expired(&actor, a.code.as_deref())?
    } else {
        let (Some(code), Some(qty)) = (&a.code, &a.qty) else {
            return Err(KasirError::invalid(
                "Sebutkan KODE dan JUMLAH (atau --expired)",
                "Give CODE and QTY (or --expired)",
            ));
        };
        let reason = a
            .reason
            .as_deref()
            .and_then(WriteOffReason::parse)
            .ok_or_else(|| {
                KasirError::invalid(
                    "--reason harus rusak, kedaluwarsa atau hilang",
                    "--reason must be rusak, kedaluwarsa or hilang",
                )
            })?;
        vec![shop.write_off(&actor, code, qty_arg(qty)?, reason, a.batch.as_deref())?]
    };
    let total: Decimal = records.iter().map(|r| r.value).sum();
    if json {
        print_json(to_json(&WriteOffsOut {
            writeoffs: all(&records),
            value: total,
        }));
    } else {
        for r in &records {
            println!(
                "{} {} {}{} {} {} — {}",
                lang.pick("Dihapus", "Written off"),
                r.sku,
                r.name,
                r.batch
                    .as_ref()
                    .map(|b| format!(" batch {b}"))
                    .unwrap_or_default(),
                format_qty(r.qty),
                r.base_unit,
                format_rupiah(r.value)
            );
        }
        println!(
            "{}, {} {}",
            crate::i18n::count(lang, records.len(), "penghapusan", "write-offs"),
            lang.pick("nilai", "value"),
            format_rupiah(total)
        );
    }
    Ok(())
}

/// The rows as CSV, headed by their field names (the rows are output types, as the JSON).
fn csv_out<T: serde::Serialize>(out: &Path, rows: &[T]) -> Result<usize> {
    write_atomically(out, |f| {
        let mut w = crate::service::CsvOut::new(f);
        w.serialize_rows(rows)?;
        w.flush()?;
        Ok(rows.len())
    })
}

pub(super) fn run_report(db: &Path, json: bool, lang: Lang, cmd: ReportCmd) -> Result<()> {
    let shop = open(db)?;
    let actor = crate::domain::user::Actor::back_office();
    match cmd {
        ReportCmd::Stock {
            low,
            slow,
            days,
            out,
        } => {
            if low {
                let rows = shop.low_stock()?;
                if let Some(out) = out {
                    csv_out(&out, &all::<_, ReorderOut>(&rows))?;
                }
                if json {
                    print_json(json!({"low": all::<_, ReorderOut>(&rows)}));
                } else {
                    for r in &rows {
                        println!(
                            "{:<12} {:<40} {:>8} / {:>8} {:<8} {} {}",
                            r.sku,
                            r.name,
                            format_qty(r.on_hand),
                            format_qty(r.min_stock),
                            r.base_unit,
                            lang.pick("pesan", "order"),
                            format_qty(r.suggested)
                        );
                    }
                }
            } else if slow {
                let rows = shop.slow_movers(days)?;
                if let Some(out) = out {
                    csv_out(&out, &all::<_, SlowMoverOut>(&rows))?;
                }
                if json {
                    print_json(json!({"slow": all::<_, SlowMoverOut>(&rows)}));
                } else {
                    for r in &rows {
                        println!(
                            "{:<12} {:<40} {:>8} {:<8} {:>14} {}",
                            r.sku,
                            r.name,
                            format_qty(r.on_hand),
                            r.base_unit,
                            format_rupiah(r.value),
                            r.last_sale.clone().unwrap_or_else(|| "-".into())
                        );
                    }
                }
            } else {
                let units = shop.stock_value_by_unit()?;
                if let Some(out) = out {
                    let rows: Vec<StockCsvOut> = shop
                        .stock(None)?
                        .into_iter()
                        .map(|r| StockCsvOut {
                            sku: r.sku,
                            name: r.name,
                            business_unit: r.business_unit,
                            base_unit: r.base_unit,
                            on_hand: r.on_hand,
                            value: r.value,
                        })
                        .collect();
                    csv_out(&out, &rows)?;
                }
                let total: Decimal = units.iter().map(|u| u.value).sum();
                if json {
                    print_json(
                        json!({"units": all::<_, UnitStockValueOut>(&units), "total": total}),
                    );
                } else {
                    for u in &units {
                        println!(
                            "{:<10} {:>5} {} {:>16}",
                            u.business_unit,
                            u.products,
                            lang.pick("produk", "products"),
                            format_rupiah(u.value)
                        );
                    }
                    println!(
                        "{:<22} {:>16}",
                        lang.pick("Total", "Total"),
                        format_rupiah(total)
                    );
                }
            }
        }
        ReportCmd::Expiry { days, out } => {
            let r = shop.expiry_report(days)?;
            if let Some(out) = out {
                let rows: Vec<ExpiryRowOut> = r
                    .expired
                    .iter()
                    .chain(r.near.iter())
                    .map(ExpiryRowOut::from)
                    .collect();
                csv_out(&out, &rows)?;
            }
            if json {
                print_json(to_json(&ExpiryOut::from(&r)));
            } else {
                println!(
                    "{} ({})",
                    lang.pick("Sudah kedaluwarsa", "Expired"),
                    r.expired.len()
                );
                r.expired.iter().for_each(print_expiry_row);
                println!(
                    "{} {} {} ({})",
                    lang.pick("Kedaluwarsa dalam", "Expiring within"),
                    r.days,
                    lang.pick("hari", "days"),
                    r.near.len()
                );
                r.near.iter().for_each(print_expiry_row);
            }
        }
        ReportCmd::Sipnap { month, out } => {
            let rows = shop.sipnap(&actor, &month)?;
            if let Some(out) = &out {
                write_atomically(out, |f| {
                    crate::service::pharmacy::write_sipnap_csv(&month, &rows, f)
                })?;
            }
            if json {
                print_json(json!({"month": month, "rows": all::<_, SipnapRowOut>(&rows)}));
            } else if out.is_none() {
                let mut buf = Vec::new();
                crate::service::pharmacy::write_sipnap_csv(&month, &rows, &mut buf)?;
                print!("{}", String::from_utf8_lossy(&buf));
            } else {
                println!(
                    "SIPNAP {month}: {} {}",
                    rows.len(),
                    lang.pick("produk", "products")
                );
            }
        }
        ReportCmd::Register { month } => {
            let rows = shop.drug_register(&actor, &month)?;
            if json {
                print_json(json!({"month": month, "register": all::<_, RegisterOut>(&rows)}));
            } else {
                for r in &rows {
                    let rx = r
                        .rx_no
                        .as_ref()
                        .map(|no| format!("  {} {no}", lang.pick("resep", "rx")))
                        .unwrap_or_default();
                    let partial = r
                        .rx_dispensing
                        .and_then(|d| {
                            crate::service::pharmacy::partial_note(&d, &r.base_unit, lang)
                        })
                        .map(|n| format!(" ({n})"))
                        .unwrap_or_default();
                    println!(
                        "{} {:<10} {:<9} {:>8} {:>8} {} {}{rx}{partial}",
                        r.at,
                        r.sku,
                        r.kind,
                        format_qty(r.qty),
                        format_qty(r.balance),
                        r.reference.clone().unwrap_or_default(),
                        r.patient
                            .as_ref()
                            .map(|p| format!("{p} / {}", r.doctor.clone().unwrap_or_default()))
                            .unwrap_or_default()
                    );
                }
            }
        }
    }
    Ok(())
}

/// One batch of the expiry report as a text line.
fn print_expiry_row(e: &crate::service::ExpiryRow) {
    println!(
        "  {} {:<12} {:<36} {:<14} {:>8} {}",
        e.expiry,
        e.sku,
        e.name,
        e.batch_no,
        format_qty(e.on_hand),
        e.base_unit
    );
}

/// `kasir stock [CODE]` (on hand, per batch where tracked) and `kasir stock moves CODE`.
pub(super) fn run_stock(
    code: Option<String>,
    sub: Option<super::args::StockCmd>,
    db: &Path,
    lang: Lang,
    json: bool,
) -> Result<()> {
    let shop = open(db)?;
    match sub {
        Some(super::args::StockCmd::Moves { code, batch }) => {
            let card = shop.stock_card(&code, batch.as_deref())?;
            if json {
                print_json(json!({"code": code, "moves": all::<_, StockMoveOut>(&card)}));
            } else {
                for m in &card {
                    println!(
                        "{}  {:<9} {:>10} {:>10}  {}{}  {} {}",
                        m.at,
                        m.kind,
                        format_qty(m.qty),
                        format_qty(m.balance),
                        m.reference.clone().unwrap_or_default(),
                        m.batch
                            .as_ref()
                            .map(|b| format!(" batch {b}"))
                            .unwrap_or_default(),
                        m.user.clone().unwrap_or_default(),
                        crate::domain::books_names::memo(
                            m.note.as_deref().unwrap_or_default(),
                            lang
                        )
                    );
                }
            }
        }
        None => {
            let rows = shop.stock(code.as_deref())?;
            if json {
                print_json(json!({"stock": all::<_, StockOut>(&rows)}));
            } else {
                for r in &rows {
                    println!(
                        "{:<12} {:<44} {:>10} {}",
                        r.sku,
                        r.name,
                        format_qty(r.on_hand),
                        r.base_unit
                    );
                    for b in &r.batches {
                        println!(
                            "{:<12}   batch {:<14} {} {:>10}",
                            "",
                            b.batch_no,
                            b.expiry.clone().unwrap_or_default(),
                            format_qty(b.on_hand)
                        );
                    }
                }
            }
        }
    }

    Ok(())
}
