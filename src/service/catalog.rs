//! Catalog import and export (CSV), and finding an item from what the cashier scanned.

use std::collections::{HashMap, HashSet};
use std::io::{Read, Write};

use rust_decimal::Decimal;

use super::{new_uuid, Shop};
use crate::domain::barcode::{classify, CodeError, CodeKind};
use crate::domain::cart::ItemRef;
use crate::domain::catalog::{BusinessUnit, DrugClass, TaxClass, UnitPrices};
use crate::domain::money::{parse_amount, parse_qty};
use crate::domain::user::{Actor, Permission};
use crate::error::{KasirError, Result};
use crate::i18n::Bilingual;
use crate::store::catalog::{self as q, ProductRecord, UnitRecord};

/// Columns of a catalog CSV, in the order `catalog export` writes them.
pub const CATALOG_COLUMNS: &[&str] = &[
    "sku",
    "name",
    "business_unit",
    "base_unit",
    "tax_class",
    "drug_class",
    "batch_tracked",
    "weighed",
    "unit",
    "factor",
    "barcodes",
    "price_umum",
    "price_anggota",
    "price_grosir",
    "grosir_min_qty",
    "cost",
    "min_stock",
    "nie",
    "het",
    "max_per_sale",
];

/// A CSV reader over `input` whose rows are looked up by column name.
pub(crate) struct CsvRows<R: Read> {
    reader: csv::Reader<R>,
    index: HashMap<String, usize>,
}

impl<R: Read> CsvRows<R> {
    pub(crate) fn new(input: R, required: &[&str]) -> Result<Self> {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(input);
        let headers = reader.headers()?.clone();
        let index: HashMap<String, usize> = headers
            .iter()
            .enumerate()
            .map(|(i, h)| (h.trim_start_matches('\u{feff}').to_ascii_lowercase(), i))
            .collect();
        for col in required {
            if !index.contains_key(*col) {
                return Err(KasirError::Import {
                    line: 1,
                    reason: Bilingual::new(
                        format!("kolom \"{col}\" tidak ada di header"),
                        format!("column \"{col}\" is missing from the header"),
                    ),
                });
            }
        }
        Ok(CsvRows { reader, index })
    }

    /// The next row as (line number, row); a malformed row is an error naming its line.
    pub(crate) fn next_row(&mut self) -> Option<Result<(usize, Row)>> {
        let mut rec = csv::StringRecord::new();
        match self.reader.read_record(&mut rec) {
            Ok(false) => None,
            Ok(true) => {
                let line = rec.position().map(|p| p.line() as usize).unwrap_or(0);
                Some(Ok((
                    line,
                    Row {
                        line,
                        rec,
                        index: self.index.clone(),
                    },
                )))
            }
            Err(e) => {
                let line = e.position().map(|p| p.line() as usize).unwrap_or(0);
                Some(Err(KasirError::Import {
                    line,
                    reason: Bilingual::new(format!("CSV rusak: {e}"), format!("broken CSV: {e}")),
                }))
            }
        }
    }
}

/// One CSV row with typed, line-numbered accessors.
pub(crate) struct Row {
    pub line: usize,
    rec: csv::StringRecord,
    index: HashMap<String, usize>,
}

impl Row {
    pub(crate) fn err(&self, id: impl Into<String>, en: impl Into<String>) -> KasirError {
        KasirError::Import {
            line: self.line,
            reason: Bilingual::new(id, en),
        }
    }
    pub(crate) fn text(&self, col: &str) -> &str {
        self.index
            .get(col)
            .and_then(|i| self.rec.get(*i))
            .unwrap_or("")
    }
    /// Whether the file has the column at all.
    pub(crate) fn has(&self, col: &str) -> bool {
        self.index.contains_key(col)
    }

    pub(crate) fn opt_text(&self, col: &str) -> Option<String> {
        Some(self.text(col))
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    }
    pub(crate) fn required(&self, col: &str) -> Result<String> {
        self.opt_text(col).ok_or_else(|| {
            self.err(
                format!("kolom {col} kosong"),
                format!("column {col} is empty"),
            )
        })
    }
    pub(crate) fn amount(&self, col: &str) -> Result<Option<Decimal>> {
        match self.opt_text(col) {
            None => Ok(None),
            Some(t) => match parse_amount(&t) {
                Some(v)
                    if v >= Decimal::ZERO && crate::domain::money::money_to_minor(v).is_some() =>
                {
                    Ok(Some(v))
                }
                _ => Err(self.err(
                    format!("{col} \"{t}\" bukan nominal rupiah yang sah"),
                    format!("{col} \"{t}\" is not a valid rupiah amount"),
                )),
            },
        }
    }
    pub(crate) fn qty(&self, col: &str) -> Result<Option<Decimal>> {
        match self.opt_text(col) {
            None => Ok(None),
            Some(t) => match parse_qty(&t) {
                Some(v)
                    if v >= Decimal::ZERO && crate::domain::money::qty_to_milli(v).is_some() =>
                {
                    Ok(Some(v))
                }
                _ => Err(self.err(
                    format!("{col} \"{t}\" bukan jumlah yang sah"),
                    format!("{col} \"{t}\" is not a valid quantity"),
                )),
            },
        }
    }
    pub(crate) fn flag(&self, col: &str) -> Result<bool> {
        match self.text(col).to_ascii_lowercase().as_str() {
            "" | "0" | "false" | "tidak" | "no" => Ok(false),
            "1" | "true" | "ya" | "yes" => Ok(true),
            t => Err(self.err(
                format!("{col} \"{t}\" harus 0 atau 1"),
                format!("{col} \"{t}\" must be 0 or 1"),
            )),
        }
    }
    pub(crate) fn parsed<T>(
        &self,
        col: &str,
        parse: impl Fn(&str) -> Option<T>,
        allowed: &str,
    ) -> Result<T> {
        let t = self.text(col);
        parse(t).ok_or_else(|| {
            self.err(
                format!("{col} \"{t}\" tidak dikenal (pilihan: {allowed})"),
                format!("{col} \"{t}\" is not known (choose: {allowed})"),
            )
        })
    }
}

fn names<T: Copy>(all: &[T], f: impl Fn(T) -> &'static str) -> String {
    all.iter().map(|v| f(*v)).collect::<Vec<_>>().join(", ")
}

/// Parse and check a whole catalog CSV; the first bad row stops it.
pub fn parse_catalog(input: impl Read) -> Result<Vec<ProductRecord>> {
    let mut rows = CsvRows::new(
        input,
        &[
            "sku",
            "name",
            "business_unit",
            "base_unit",
            "unit",
            "factor",
            "price_umum",
        ],
    )?;
    let mut products: Vec<ProductRecord> = Vec::new();
    let mut by_sku: HashMap<String, usize> = HashMap::new();
    let mut seen_codes: HashSet<String> = HashSet::new();
    while let Some(row) = rows.next_row() {
        let (_, r) = row?;
        let sku = r.required("sku")?;
        if sku.len() > 40 || classify(&sku).is_err() && !sku.bytes().all(|b| b.is_ascii_digit()) {
            return Err(r.err(
                format!("SKU \"{sku}\" tidak sah"),
                format!("SKU \"{sku}\" is not valid"),
            ));
        }
        let product = ProductRecord {
            sku: sku.clone(),
            name: r.required("name")?,
            business_unit: r.parsed(
                "business_unit",
                BusinessUnit::parse,
                &names(BusinessUnit::ALL, BusinessUnit::as_str),
            )?,
            base_unit: r.required("base_unit")?,
            tax_class: match r.opt_text("tax_class") {
                None => TaxClass::Ppn,
                Some(_) => r.parsed("tax_class", TaxClass::parse, "ppn, exempt")?,
            },
            drug_class: match r.opt_text("drug_class") {
                None => DrugClass::None,
                Some(_) => r.parsed(
                    "drug_class",
                    DrugClass::parse,
                    &names(DrugClass::ALL, DrugClass::as_str),
                )?,
            },
            batch_tracked: r.flag("batch_tracked")?,
            weighed: r.flag("weighed")?,
            cost: r.amount("cost")?.unwrap_or_default(),
            min_stock: r.qty("min_stock")?.unwrap_or_default(),
            nie: r.opt_text("nie"),
            het: r.amount("het")?,
            // A file without the column leaves every product's limit as it is.
            max_per_sale: if r.has("max_per_sale") {
                Some(r.qty("max_per_sale")?)
            } else {
                None
            },
            units: Vec::new(),
        };
        if product
            .max_per_sale
            .flatten()
            .is_some_and(|m| m <= Decimal::ZERO)
        {
            return Err(r.err(
                "max_per_sale harus lebih dari 0 (kosongkan untuk tanpa batas)",
                "max_per_sale must be above 0 (leave it empty for no limit)",
            ));
        }
        let factor = r
            .qty("factor")?
            .filter(|f| *f > Decimal::ZERO)
            .ok_or_else(|| r.err("factor harus lebih dari 0", "factor must be above 0"))?;
        let umum = r
            .amount("price_umum")?
            .ok_or_else(|| r.err("price_umum kosong", "price_umum is empty"))?;
        let anggota = r.amount("price_anggota")?.unwrap_or(umum);
        let grosir = r.amount("price_grosir")?;
        let grosir_min_qty = r.qty("grosir_min_qty")?;
        if grosir.is_some() != grosir_min_qty.is_some() {
            return Err(r.err(
                "price_grosir dan grosir_min_qty harus diisi berdua",
                "price_grosir and grosir_min_qty go together",
            ));
        }
        if [Some(umum), Some(anggota), grosir]
            .iter()
            .flatten()
            .any(|p| p.fract() != Decimal::ZERO)
        {
            return Err(r.err(
                "harga jual harus rupiah bulat",
                "selling prices must be whole rupiah",
            ));
        }
        if let Some(het) = product.het {
            if umum > het * factor {
                return Err(r.err(
                    format!(
                        "harga {} di atas HET {} per {}",
                        umum, het, product.base_unit
                    ),
                    format!(
                        "price {} is above the HET {} per {}",
                        umum, het, product.base_unit
                    ),
                ));
            }
        }
        let unit = r.required("unit")?;
        let mut barcodes = Vec::new();
        for code in r
            .text("barcodes")
            .split('|')
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            match classify(code) {
                Ok(CodeKind::Sku) if code.bytes().all(|b| b.is_ascii_digit()) => {}
                Ok(_) => {}
                Err(CodeError::BadCheckDigit) => {
                    return Err(r.err(
                        format!("barcode {code}: digit cek salah"),
                        format!("barcode {code}: wrong check digit"),
                    ))
                }
                Err(_) => {
                    return Err(r.err(
                        format!("barcode \"{code}\" tidak sah"),
                        format!("barcode \"{code}\" is not valid"),
                    ))
                }
            }
            if !seen_codes.insert(code.to_string()) {
                return Err(r.err(
                    format!("barcode {code} dipakai dua kali"),
                    format!("barcode {code} appears twice"),
                ));
            }
            barcodes.push(code.to_string());
        }
        let unit_rec = UnitRecord {
            unit: unit.clone(),
            factor,
            prices: UnitPrices {
                umum,
                anggota,
                grosir,
                grosir_min_qty,
            },
            barcodes,
        };
        match by_sku.get(&sku) {
            Some(&i) => {
                let existing = &mut products[i];
                let same = ProductRecord {
                    units: Vec::new(),
                    ..existing.clone()
                } == product;
                if !same {
                    return Err(r.err(
                        format!("data produk {sku} berbeda dari baris sebelumnya"),
                        format!("product {sku} differs from its earlier row"),
                    ));
                }
                if existing.units.iter().any(|u| u.unit == unit) {
                    return Err(r.err(
                        format!("satuan {unit} untuk {sku} muncul dua kali"),
                        format!("unit {unit} of {sku} appears twice"),
                    ));
                }
                existing.units.push(unit_rec);
            }
            None => {
                by_sku.insert(sku, products.len());
                products.push(ProductRecord {
                    units: vec![unit_rec],
                    ..product
                });
            }
        }
    }
    Ok(products)
}

/// Write the catalog in the import format.
pub fn write_catalog(products: &[ProductRecord], out: impl Write) -> Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(CATALOG_COLUMNS)?;
    let s = |d: Decimal| d.normalize().to_string();
    for p in products {
        for u in &p.units {
            w.write_record([
                crate::service::safe_cell(&p.sku),
                crate::service::safe_cell(&p.name),
                p.business_unit.as_str().into(),
                crate::service::safe_cell(&p.base_unit),
                p.tax_class.as_str().into(),
                p.drug_class.as_str().into(),
                u8::from(p.batch_tracked).to_string(),
                u8::from(p.weighed).to_string(),
                crate::service::safe_cell(&u.unit),
                s(u.factor),
                u.barcodes.join("|"),
                s(u.prices.umum),
                s(u.prices.anggota),
                u.prices.grosir.map(s).unwrap_or_default(),
                u.prices.grosir_min_qty.map(s).unwrap_or_default(),
                s(p.cost),
                s(p.min_stock),
                crate::service::safe_cell(p.nie.as_deref().unwrap_or_default()),
                p.het.map(s).unwrap_or_default(),
                p.max_per_sale.flatten().map(s).unwrap_or_default(),
            ])?;
        }
    }
    w.flush()?;
    Ok(())
}

/// Whether importing `p` over the active product `e` would change nothing: the same
/// fields and units, and a file without the max_per_sale column leaves the limit alone.
fn unchanged(e: &ProductRecord, p: &ProductRecord) -> bool {
    let mut p = p.clone();
    if p.max_per_sale.is_none() {
        p.max_per_sale = e.max_per_sale;
    }
    p == *e
}

impl Shop {
    /// Import a catalog CSV: all rows or none. Returns the number of products.
    pub fn import_catalog(
        &mut self,
        actor: &Actor,
        input: impl Read,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<usize> {
        super::auth::require(actor, Permission::ManageCatalog, "impor katalog")?;
        let products = parse_catalog(input)?;
        let total = products.len() as u64;
        let at = super::stamp(self.now());
        self.store.write(|tx| {
            // A product the file leaves as it is writes nothing: a spreadsheet round trip
            // that edits ten prices rewrites ten products, not the catalog.
            let existing: HashMap<String, ProductRecord> = q::all(tx)?
                .into_iter()
                .map(|p| (p.sku.clone(), p))
                .collect();
            for (i, p) in products.iter().enumerate() {
                if !existing.get(&p.sku).is_some_and(|e| unchanged(e, p)) {
                    q::upsert(tx, p, &new_uuid())?;
                }
                if i % 500 == 0 {
                    progress(i as u64, total);
                }
            }
            progress(total, total);
            crate::store::audit::append(
                tx,
                &crate::store::audit::AuditEntry {
                    at: &at,
                    user_id: actor.user_id,
                    actor: &actor.username,
                    action: "catalog_import",
                    detail: &format!("{total} products"),
                    approver: None,
                },
            )
        })?;
        Ok(products.len())
    }

    /// Write the whole catalog as CSV.
    pub fn export_catalog(&self, out: impl Write) -> Result<usize> {
        let products = q::all(self.store.conn())?;
        write_catalog(&products, out)?;
        Ok(products.len())
    }

    /// The selling unit a scanned or typed code stands for: a barcode (check digit verified)
    /// or a SKU.
    pub fn find_item(&self, code: &str) -> Result<ItemRef> {
        let code = code.trim();
        let kind = classify(code).map_err(|e| KasirError::BadCode(code.to_string(), e))?;
        let c = self.store.conn();
        let found = match kind {
            CodeKind::Sku => q::item_by_sku(c, code)?,
            _ => match q::item_by_barcode(c, code)? {
                Some(i) => Some(i),
                None => q::item_by_sku(c, code)?,
            },
        };
        found.ok_or_else(|| KasirError::UnknownCode(code.to_string()))
    }

    /// Build the in-memory product name list now rather than on the first search keystroke
    /// (about 0.1 s at 100k products).
    pub fn warm_search(&self) -> Result<()> {
        crate::store::search::warm(self.store.conn(), &self.store.names)
    }

    /// Products by name or SKU.
    pub fn search_items(&self, needle: &str, limit: usize) -> Result<Vec<ItemRef>> {
        crate::store::search::search(self.store.conn(), &self.store.names, needle.trim(), limit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "sku,name,business_unit,base_unit,tax_class,drug_class,batch_tracked,weighed,unit,factor,barcodes,price_umum,price_anggota,price_grosir,grosir_min_qty,cost,min_stock,nie,het\n";

    #[test]
    fn parses_units_of_one_product_and_round_trips() {
        let csv = format!(
            "{HEAD}MIE-GRG,Indomie Goreng 85 g,sembako,pcs,ppn,none,0,0,pcs,1,8991234567891,3500,3400,3250,10,3000,40,,\n\
             MIE-GRG,Indomie Goreng 85 g,sembako,pcs,ppn,none,0,0,dus,40,8991234567907,128000,126000,,,3000,40,,\n"
        );
        let products = parse_catalog(csv.as_bytes()).unwrap();
        assert_eq!(products.len(), 1);
        assert_eq!(products[0].units.len(), 2);
        assert_eq!(products[0].units[1].factor, Decimal::from(40));
        // A file without the max_per_sale column leaves the limit alone.
        assert_eq!(products[0].max_per_sale, None);
        let mut out = Vec::new();
        write_catalog(&products, &mut out).unwrap();
        let back = parse_catalog(out.as_slice()).unwrap();
        assert_eq!(
            back[0].max_per_sale,
            Some(None),
            "exported: no limit of its own"
        );
        let mut again = Vec::new();
        write_catalog(&back, &mut again).unwrap();
        assert_eq!(again, out);
        assert_eq!(parse_catalog(again.as_slice()).unwrap(), back);
    }

    #[test]
    fn bad_rows_name_their_line() {
        let cases = [
            (
                "X1,Nama,sembako,pcs,ppn,none,0,0,pcs,1,8991234567892,3500,,,,1000,,,",
                2,
                "check digit",
            ),
            (
                "X1,Nama,warung,pcs,ppn,none,0,0,pcs,1,,3500,,,,1000,,,",
                2,
                "business_unit",
            ),
            (
                "X1,Nama,sembako,pcs,ppn,none,0,0,pcs,0,,3500,,,,1000,,,",
                2,
                "factor",
            ),
            (
                "X1,Nama,sembako,pcs,ppn,none,0,0,pcs,1,,abc,,,,1000,,,",
                2,
                "price_umum",
            ),
            (
                "X1,Nama,apotek,tablet,ppn,keras,1,0,strip,10,,60000,,,,100,,,500",
                2,
                "HET",
            ),
        ];
        for (row, line, word) in cases {
            let err = parse_catalog(format!("{HEAD}{row}\n").as_bytes()).unwrap_err();
            match &err {
                KasirError::Import { line: l, reason } => {
                    assert_eq!(*l, line, "{row}");
                    assert!(reason.en.contains(word), "{word} not in {}", reason.en);
                }
                other => panic!("unexpected {other:?}"),
            }
        }
        let dup = format!(
            "{HEAD}A,Nama,sembako,pcs,ppn,none,0,0,pcs,1,8991234567891,1000,,,,500,,,\n\
             B,Nama,sembako,pcs,ppn,none,0,0,pcs,1,8991234567891,1000,,,,500,,,\n"
        );
        assert!(matches!(
            parse_catalog(dup.as_bytes()),
            Err(KasirError::Import { line: 3, .. })
        ));
    }
}
