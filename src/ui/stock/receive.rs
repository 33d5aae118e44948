//! The receiving tab: supplier (or a new one), lines typed or scanned with unit, cost,
//! batch and expiry, how the delivery is paid, and the slip once booked.

use eframe::egui::{self, RichText};

use super::*;

/// The receiving tab: supplier, lines, payment, the slip.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReceiveTab {
    pub suppliers: Vec<SupplierRow>,
    pub supplier: Option<usize>,
    /// A new supplier being typed on the receiving tab (code, name, phone).
    pub new_supplier: Option<(String, String, String)>,
    /// How the delivery is paid: chosen each time (none until the user picks one).
    pub pay: Option<ReceivePay>,
    pub form: LineForm,
    pub lines: Vec<DraftLine>,
    pub slip: Option<String>,
}

/// A receiving line being typed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LineForm {
    pub code: String,
    /// The selling units of the product the code names (loaded when the code changes).
    pub units: Vec<ItemRef>,
    pub unit: usize,
    pub qty: String,
    pub cost: String,
    pub batch: String,
    pub expiry: String,
}

/// A receiving line accepted into the list.
#[derive(Debug, Clone, PartialEq)]
pub struct DraftLine {
    pub line: ReceiptLine,
    pub name: String,
    pub unit: String,
}

/// How a delivery booked on the stock screen is paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReceivePay {
    /// Cash from this till's drawer (its open shift).
    Drawer,
    /// Cash from the office safe (Kas Besar).
    Safe,
    /// Owed to the supplier.
    Credit,
}

/// Check a typed receiving line and put it in the list; a bad line changes nothing.
pub(super) fn add_line(shop: &Shop, s: &mut StockScreen) -> Result<()> {
    let f = &s.receive.form;
    let code = f.code.trim();
    if code.is_empty() {
        return Err(bad("stock.need_code", ""));
    }
    let item = shop.find_item(code)?;
    let unit = f
        .units
        .get(f.unit)
        .filter(|u| u.product_id == item.product_id)
        .cloned()
        .unwrap_or_else(|| item.clone());
    let qty = Quantity::parse(&f.qty, QTY_SCALE)?;
    if qty.is_zero() {
        return Err(bad("stock.bad_qty", f.qty.trim()));
    }
    let cost = Amount::parse(&f.cost, AllowSen::Yes)?;
    let batch = opt(&f.batch);
    let expiry = match opt(&f.expiry) {
        None => None,
        Some(d) => {
            Some(NaiveDate::parse_from_str(&d, "%Y-%m-%d").map_err(|_| bad("stock.bad_date", &d))?)
        }
    };
    let line = ReceiptLine {
        code: code.to_string(),
        qty,
        unit: Some(unit.unit.clone()),
        cost,
        batch,
        expiry,
        line: s.receive.lines.len() + 1,
    };
    // The rules of a receiving line are the service's: batch and expiry where required.
    shop.receipt_line_item(&line)?;
    s.receive.lines.push(DraftLine {
        line,
        name: item.name.clone(),
        unit: unit.unit.clone(),
    });
    s.receive.form = LineForm::default();
    s.focus_code = true;
    Ok(())
}

pub(super) fn receive_ui(
    lang: Lang,
    s: &mut StockScreen,
    ui: &mut egui::Ui,
    push: &mut dyn FnMut(StockAction),
) {
    ui.horizontal_wrapped(|ui| {
        ui.label(t(lang, "stock.supplier"));
        if ui
            .selectable_label(s.receive.supplier.is_none(), t(lang, "stock.no_supplier"))
            .clicked()
        {
            s.receive.supplier = None;
        }
        for (i, sup) in s.receive.suppliers.iter().enumerate() {
            if ui
                .selectable_label(s.receive.supplier == Some(i), &sup.name)
                .clicked()
            {
                s.receive.supplier = Some(i);
            }
        }
        if s.receive.new_supplier.is_none() && ui.button(t(lang, "stock.new_supplier")).clicked() {
            s.receive.new_supplier = Some(Default::default());
        }
    });
    if let Some((code, name, phone)) = &mut s.receive.new_supplier {
        let mut book = false;
        let mut cancel = false;
        ui.horizontal_wrapped(|ui| {
            let a = field(ui, t(lang, "stock.supplier_code"), code, 90.0);
            let b = field(ui, t(lang, "stock.supplier_name"), name, 220.0);
            let c = field(ui, t(lang, "stock.supplier_phone"), phone, 130.0);
            book = [a, b, c].iter().any(|r| submitted(ui, r))
                || ui.button(t(lang, "stock.save_supplier")).clicked();
            cancel = ui.button(t(lang, "stock.cancel")).clicked();
        });
        if cancel {
            s.receive.new_supplier = None;
        } else if book {
            push(StockAction::AddSupplier);
        }
    }
    ui.horizontal(|ui| {
        ui.label(t(lang, "stock.payment"));
        for (pay, key) in [
            (ReceivePay::Drawer, "stock.paid_drawer"),
            (ReceivePay::Safe, "stock.paid_safe"),
            (ReceivePay::Credit, "stock.owed"),
        ] {
            if ui
                .selectable_label(s.receive.pay == Some(pay), t(lang, key))
                .clicked()
            {
                s.receive.pay = Some(pay);
            }
        }
    });
    ui.separator();
    let mut add = false;
    let mut next = false;
    egui::Grid::new("receive_form")
        .num_columns(2)
        .spacing([12.0, 6.0])
        .show(ui, |ui| {
            let (resp, enter) = code_field(
                ui,
                t(lang, "stock.code"),
                &mut s.receive.form.code,
                &mut s.focus_code,
            );
            if resp.changed() || enter {
                push(StockAction::CodeChanged);
            }
            next = enter;
            ui.end_row();
            ui.label(t(lang, "till.unit"));
            ui.horizontal_wrapped(|ui| {
                if s.receive.form.units.is_empty() {
                    ui.label("-");
                }
                for (i, u) in s.receive.form.units.iter().enumerate() {
                    let label = format!("{} (×{})", u.unit, format_qty(u.factor));
                    if ui
                        .selectable_label(s.receive.form.unit == i, label)
                        .clicked()
                    {
                        s.receive.form.unit = i;
                    }
                }
            });
            ui.end_row();
            for (key, text) in [
                ("stock.qty", &mut s.receive.form.qty),
                ("stock.cost", &mut s.receive.form.cost),
                ("stock.batch", &mut s.receive.form.batch),
                ("stock.expiry_date", &mut s.receive.form.expiry),
            ] {
                let resp = field(ui, t(lang, key), text, 160.0);
                if std::mem::take(&mut next) {
                    resp.request_focus();
                }
                add |= submitted(ui, &resp);
                ui.end_row();
            }
        });
    if ui
        .add_sized([160.0, 34.0], egui::Button::new(t(lang, "stock.add_line")))
        .clicked()
    {
        add = true;
    }
    if add {
        push(StockAction::AddLine);
    }
    ui.separator();
    let mut total = Decimal::ZERO;
    egui::Grid::new("receive_lines")
        .striped(true)
        .num_columns(8)
        .show(ui, |ui| {
            header_row(
                ui,
                lang,
                &[
                    "till.item",
                    "till.qty",
                    "stock.cost",
                    "stock.amount",
                    "stock.batch",
                    "stock.expiry_date",
                    "",
                ],
            );
            for (i, d) in s.receive.lines.iter().enumerate() {
                let amount = crate::domain::money::round_money(d.line.qty * d.line.cost);
                total += amount;
                ui.label(&d.name);
                ui.label(format!("{} {}", format_qty(d.line.qty), d.unit));
                ui.label(format_rupiah(d.line.cost));
                ui.label(format_rupiah(amount));
                ui.label(d.line.batch.as_deref().unwrap_or("-"));
                ui.label(
                    d.line
                        .expiry
                        .map(|e| e.to_string())
                        .unwrap_or_else(|| "-".into()),
                );
                if ui.button(t(lang, "stock.remove_line")).clicked() {
                    push(StockAction::RemoveLine(i));
                }
                ui.end_row();
            }
        });
    ui.horizontal(|ui| {
        ui.strong(format!(
            "{} {}",
            t(lang, "stock.total"),
            format_rupiah(total)
        ));
        if !s.receive.lines.is_empty()
            && ui
                .add_sized([200.0, 40.0], egui::Button::new(t(lang, "stock.submit")))
                .clicked()
        {
            push(StockAction::Receive);
        }
    });
    if let Some(slip) = &s.receive.slip {
        ui.separator();
        ui.strong(t(lang, "stock.slip"));
        ui.label(RichText::new(slip.as_str()).monospace());
    }
}
