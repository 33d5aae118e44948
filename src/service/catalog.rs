//! Catalog import and export (CSV), and finding an item from what the cashier scanned.

use std::collections::{HashMap, HashSet};
use std::io::{Read, Write};

use rust_decimal::Decimal;

use super::{new_uuid, Shop};
use crate::domain::barcode::{classify, CodeError, CodeKind};
use crate::domain::cart::ItemRef;
use crate::domain::catalog::{BusinessUnit, DrugClass, TaxClass, UnitPrices};
use crate::domain::label::MAX_PLU;
use crate::domain::money::{
    format_rupiah, plain_number, AllowSen, Amount, NumberError, Quantity, QTY_SCALE,
};
use crate::domain::user::{Actor, Permission};
use crate::error::{number_message, KasirError, Result};
use crate::i18n::{Bilingual, Lang};
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
    "plu",
];

/// A CSV reader over `input` whose rows are looked up by column name.
///
/// It reads what spreadsheets write: UTF-8 with or without a BOM, UTF-16 (LE or BE) with a
/// BOM, and `;` or tab between cells (Indonesian Excel writes `;` because the comma is the
/// decimal mark). Every column must be one the file kind knows: a misspelt column would
/// otherwise be ignored without a word.
pub(crate) struct CsvRows {
    reader: csv::Reader<std::io::Cursor<Vec<u8>>>,
    index: HashMap<String, usize>,
    /// Cells the header names; a row with text beyond them was split where it should not be.
    width: usize,
}

impl CsvRows {
    /// `required` columns must be in the header; `optional` ones may be.
    pub(crate) fn new(mut input: impl Read, required: &[&str], optional: &[&str]) -> Result<Self> {
        let mut raw = Vec::new();
        input.read_to_end(&mut raw)?;
        let text = decode_csv(raw)?;
        let delimiter = sniff_delimiter(&text);
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .delimiter(delimiter)
            .trim(csv::Trim::All)
            .from_reader(std::io::Cursor::new(text.into_bytes()));
        let headers = reader.headers()?.clone();
        let header_err = |id: String, en: String| KasirError::Import {
            line: 1,
            reason: Bilingual::new(id, en),
        };
        let mut index: HashMap<String, usize> = HashMap::new();
        for (i, h) in headers.iter().enumerate() {
            let name = h.to_ascii_lowercase();
            if name.is_empty() && headers.iter().skip(i).all(str::is_empty) {
                break;
            }
            if !required.contains(&name.as_str()) && !optional.contains(&name.as_str()) {
                let mut known: Vec<&str> = required.to_vec();
                known.extend(optional.iter().filter(|c| !required.contains(c)));
                let hint = closest(&name, &known)
                    .map(|c| {
                        (
                            format!(" — maksudnya \"{c}\"?"),
                            format!(" — did you mean \"{c}\"?"),
                        )
                    })
                    .unwrap_or_default();
                return Err(header_err(
                    format!(
                        "kolom \"{h}\" tidak dikenal{} (kolom yang dikenal: {})",
                        hint.0,
                        known.join(", ")
                    ),
                    format!(
                        "unknown column \"{h}\"{} (known columns: {})",
                        hint.1,
                        known.join(", ")
                    ),
                ));
            }
            if index.insert(name, i).is_some() {
                return Err(header_err(
                    format!("kolom \"{h}\" muncul dua kali"),
                    format!("column \"{h}\" appears twice"),
                ));
            }
        }
        for col in required {
            if !index.contains_key(*col) {
                return Err(header_err(
                    format!("kolom \"{col}\" tidak ada di header"),
                    format!("column \"{col}\" is missing from the header"),
                ));
            }
        }
        let width = index.values().max().map_or(0, |i| i + 1);
        Ok(CsvRows {
            reader,
            index,
            width,
        })
    }

    /// The next row as (line number, row); a malformed row is an error naming its line.
    pub(crate) fn next_row(&mut self) -> Option<Result<(usize, Row)>> {
        let mut rec = csv::StringRecord::new();
        match self.reader.read_record(&mut rec) {
            Ok(false) => None,
            Ok(true) => {
                let line = rec.position().map(|p| p.line() as usize).unwrap_or(0);
                if rec.iter().skip(self.width).any(|c| !c.is_empty()) {
                    let (n, w) = (rec.len(), self.width);
                    return Some(Err(KasirError::Import {
                        line,
                        reason: Bilingual::new(
                            format!("{n} sel, header hanya {w} kolom — angka berkoma harus diberi tanda kutip, mis. \"2,5\", atau pisahkan sel dengan ;"),
                            format!("{n} cells but the header has {w} columns — a number with a comma needs quotes, e.g. \"2,5\", or cells separated by ;"),
                        ),
                    }));
                }
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

/// The text of a CSV file: UTF-8 (a BOM is dropped) or UTF-16 with its BOM.
fn decode_csv(raw: Vec<u8>) -> Result<String> {
    let utf16 = |bytes: &[u8], le: bool| -> Option<String> {
        let units = bytes.chunks(2).map(|c| match (c, le) {
            ([a, b], true) => Some(u16::from_le_bytes([*a, *b])),
            ([a, b], false) => Some(u16::from_be_bytes([*a, *b])),
            _ => None,
        });
        let units: Option<Vec<u16>> = units.collect();
        char::decode_utf16(units?)
            .collect::<std::result::Result<String, _>>()
            .ok()
    };
    let text = match raw.as_slice() {
        [0xEF, 0xBB, 0xBF, rest @ ..] => String::from_utf8(rest.to_vec()).ok(),
        [0xFF, 0xFE, rest @ ..] => utf16(rest, true),
        [0xFE, 0xFF, rest @ ..] => utf16(rest, false),
        _ if raw.contains(&0) => None,
        _ => String::from_utf8(raw).ok(),
    };
    text.ok_or_else(|| KasirError::Import {
        line: 1,
        reason: Bilingual::new(
            "file bukan teks UTF-8 atau UTF-16 ber-BOM — di Excel simpan sebagai \"CSV UTF-8 (Comma delimited)\"",
            "the file is not UTF-8 text nor UTF-16 with a BOM — in Excel save it as \"CSV UTF-8 (Comma delimited)\"",
        ),
    })
}

/// The cell separator of a CSV: whichever of `,` `;` tab the header line uses most,
/// outside quotes (`,` when none).
fn sniff_delimiter(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or("");
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for b in header.bytes() {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted {
            if let Some(c) = counts.iter_mut().find(|(d, _)| *d == b) {
                c.1 += 1;
            }
        }
    }
    counts
        .iter()
        .filter(|(_, n)| *n > 0)
        .max_by_key(|(_, n)| *n)
        .map(|(d, _)| *d)
        .unwrap_or(b',')
}

/// The known name nearest to a misspelt one (edit distance at most a third of its length).
fn closest<'a>(name: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (edit_distance(name, k), *k))
        .filter(|(d, k)| *d <= (k.len() / 3).max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// Levenshtein distance between two short names.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
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
    /// Money in the column, sen allowed (costs, HET, limits); empty is `None`.
    pub(crate) fn amount(&self, col: &str) -> Result<Option<Decimal>> {
        self.number(col, |t| Amount::parse(t, AllowSen::Yes))
    }
    /// A quantity in the column (up to 1/1000); empty is `None`.
    pub(crate) fn qty(&self, col: &str) -> Result<Option<Decimal>> {
        self.number(col, |t| Quantity::parse(t, QTY_SCALE))
    }
    fn number(
        &self,
        col: &str,
        parse: impl Fn(&str) -> std::result::Result<Decimal, NumberError>,
    ) -> Result<Option<Decimal>> {
        match self.opt_text(col) {
            None => Ok(None),
            Some(t) => parse(&t).map(Some).map_err(|e| {
                self.err(
                    format!("{col}: {}", number_message(&e, Lang::Id)),
                    format!("{col}: {}", number_message(&e, Lang::En)),
                )
            }),
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

/// The `plu` cell: empty, or the in-store item code a label scale prints (1 to 999 999).
fn parse_plu(r: &Row) -> Result<Option<u32>> {
    let Some(t) = r.opt_text("plu") else {
        return Ok(None);
    };
    match t.parse::<u32>() {
        Ok(n) if t.bytes().all(|b| b.is_ascii_digit()) && (1..=MAX_PLU).contains(&n) => Ok(Some(n)),
        _ => Err(r.err(
            format!("plu \"{t}\" harus angka 1 sampai {MAX_PLU}"),
            format!("plu \"{t}\" must be a number from 1 to {MAX_PLU}"),
        )),
    }
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
        CATALOG_COLUMNS,
    )?;
    let mut products: Vec<ProductRecord> = Vec::new();
    let mut by_sku: HashMap<String, usize> = HashMap::new();
    let mut seen_codes: HashSet<String> = HashSet::new();
    let mut seen_plus: HashSet<u32> = HashSet::new();
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
            // Likewise a file without the plu column leaves every product's item code alone.
            plu: if r.has("plu") {
                Some(parse_plu(&r)?)
            } else {
                None
            },
            units: Vec::new(),
        };
        if let Some(Some(plu)) = product.plu {
            if !product.weighed {
                return Err(r.err(
                    format!("plu {plu} hanya untuk barang timbang (weighed = 1)"),
                    format!("plu {plu} is only for weighed products (weighed = 1)"),
                ));
            }
            if !by_sku.contains_key(&sku) && !seen_plus.insert(plu) {
                return Err(r.err(
                    format!("plu {plu} dipakai dua kali"),
                    format!("plu {plu} appears twice"),
                ));
            }
        }
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
                        format_rupiah(umum),
                        format_rupiah(het),
                        product.base_unit
                    ),
                    format!(
                        "price {} is above the HET {} per {}",
                        format_rupiah(umum),
                        format_rupiah(het),
                        product.base_unit
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
    let mut w = crate::service::CsvOut::new(out);
    w.write_record(CATALOG_COLUMNS)?;
    let s = plain_number;
    for p in products {
        for u in &p.units {
            w.write_record([
                p.sku.to_string(),
                p.name.to_string(),
                p.business_unit.as_str().into(),
                p.base_unit.to_string(),
                p.tax_class.as_str().into(),
                p.drug_class.as_str().into(),
                u8::from(p.batch_tracked).to_string(),
                u8::from(p.weighed).to_string(),
                u.unit.to_string(),
                s(u.factor),
                u.barcodes.join("|"),
                s(u.prices.umum),
                s(u.prices.anggota),
                u.prices.grosir.map(s).unwrap_or_default(),
                u.prices.grosir_min_qty.map(s).unwrap_or_default(),
                s(p.cost),
                s(p.min_stock),
                p.nie.as_deref().unwrap_or_default().to_string(),
                p.het.map(s).unwrap_or_default(),
                p.max_per_sale.flatten().map(s).unwrap_or_default(),
                p.plu.flatten().map(|n| n.to_string()).unwrap_or_default(),
            ])?;
        }
    }
    w.flush()?;
    Ok(())
}

/// Whether importing `p` over the active product `e` would change nothing: the same
/// fields and units, and a file without the max_per_sale or plu column leaves the limit or
/// the item code alone.
fn unchanged(e: &ProductRecord, p: &ProductRecord) -> bool {
    let mut p = p.clone();
    if p.max_per_sale.is_none() {
        p.max_per_sale = e.max_per_sale;
    }
    if p.plu.is_none() {
        p.plu = e.plu;
    }
    p == *e
}

impl Shop {
    /// How many products are active.
    pub fn product_count(&self) -> Result<i64> {
        crate::store::catalog::count(self.store.conn())
    }

    /// Import a catalog CSV: all rows or none. Returns the number of products. Each product
    /// the file changes travels to the other nodes as it now stands (a catalog event).
    pub fn import_catalog(
        &mut self,
        actor: &Actor,
        input: impl Read,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<usize> {
        self.import_catalog_with(actor, input, progress, true)
    }

    /// The demo shop's catalog: imported like any file but without its events. The demo is
    /// the same fixture on every node of a coop. Only `demo::fill` calls this.
    pub(super) fn import_demo_catalog(
        &mut self,
        actor: &Actor,
        input: impl Read,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<usize> {
        self.import_catalog_with(actor, input, progress, false)
    }

    fn import_catalog_with(
        &mut self,
        actor: &Actor,
        input: impl Read,
        progress: &mut dyn FnMut(u64, u64),
        event: bool,
    ) -> Result<usize> {
        super::auth::require(
            actor,
            Permission::ManageCatalog,
            crate::domain::user::Act::ImportCatalog,
        )?;
        let products = parse_catalog(input)?;
        let total = products.len() as u64;
        let at = super::stamp(self.now());
        let till = if event {
            Some(self.event_till()?)
        } else {
            None
        };
        self.store.write(|tx| {
            // A product the file leaves as it is writes nothing: a spreadsheet round trip
            // that edits ten prices rewrites ten products, not the catalog.
            let existing: HashMap<String, ProductRecord> = q::all(tx)?
                .into_iter()
                .map(|p| (p.sku.clone(), p))
                .collect();
            let mut changed = Vec::new();
            for (i, p) in products.iter().enumerate() {
                if !existing.get(&p.sku).is_some_and(|e| unchanged(e, p)) {
                    q::upsert(tx, p, &new_uuid())?;
                    changed.push(p.sku.clone());
                }
                if i % 500 == 0 {
                    progress(i as u64, total);
                }
            }
            progress(total, total);
            if let Some(till) = &till {
                super::catalog_sync::catalog_events(tx, till, &at, &changed)?;
            }
            super::audit(
                tx,
                actor,
                &at,
                "catalog_import",
                &format!("{total} products"),
                None,
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
    fn item_codes_of_weighed_products_import_export_and_stay_unique() {
        let head = format!("{}plu\n", HEAD.trim_end().to_string() + ",max_per_sale,");
        let row = |sku: &str, weighed: u8, plu: &str| {
            format!("{sku},Beras {sku},sembako,kg,exempt,none,0,{weighed},kg,1,,13000,,,,11000,,,,,{plu}\n")
        };
        let csv = format!("{head}{}{}", row("B1", 1, "101"), row("B2", 1, ""));
        let products = parse_catalog(csv.as_bytes()).unwrap();
        assert_eq!(products[0].plu, Some(Some(101)));
        assert_eq!(products[1].plu, Some(None));
        let mut out = Vec::new();
        write_catalog(&products, &mut out).unwrap();
        assert_eq!(parse_catalog(out.as_slice()).unwrap(), products);
        assert!(String::from_utf8(out)
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .ends_with(",plu"));
        for (rows, word) in [
            (
                format!("{}{}", row("B1", 1, "101"), row("B2", 1, "101")),
                "twice",
            ),
            (row("B1", 0, "101"), "weighed"),
            (row("B1", 1, "0"), "plu"),
            (row("B1", 1, "1234567"), "plu"),
            (row("B1", 1, "12a"), "plu"),
        ] {
            match parse_catalog(format!("{head}{rows}").as_bytes()) {
                Err(KasirError::Import { reason, .. }) => {
                    assert!(reason.en.contains(word), "{word}: {}", reason.en)
                }
                other => panic!("{rows}: {other:?}"),
            }
        }
        // In the shop: another product's code is refused; a file without the column
        // leaves the codes alone.
        let mut shop = Shop::new(
            crate::store::Store::open_in_memory().unwrap(),
            std::sync::Arc::new(crate::service::SystemClock),
        );
        let admin = Actor::back_office();
        let none = &mut |_, _| {};
        shop.import_catalog(&admin, csv.as_bytes(), none).unwrap();
        let clash = format!("{head}{}", row("B2", 1, "101"));
        let err = shop
            .import_catalog(&admin, clash.as_bytes(), none)
            .unwrap_err();
        assert!(
            err.message(crate::i18n::Lang::En).contains("PLU 101"),
            "{err:?}"
        );
        let without =
            format!("{HEAD}B1,Beras B1,sembako,kg,exempt,none,0,1,kg,1,,14000,,,,11000,,,\n");
        shop.import_catalog(&admin, without.as_bytes(), none)
            .unwrap();
        let item =
            shop.label_item(&crate::domain::label::make_label("20IIIIIWWWWW", 101, 500).unwrap());
        // No layout set yet: not a label code.
        assert!(matches!(item, Ok(None)));
        assert_eq!(
            q::item_by_plu(shop.store.conn(), 101)
                .unwrap()
                .map(|i| i.sku),
            Some("B1".into())
        );
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
