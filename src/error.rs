//! Every refusal the shop can give, with its message in the user's language.

use rust_decimal::Decimal;

use crate::domain::barcode::CodeError;
use crate::domain::cart::{CartError, PayError};
use crate::domain::catalog::DrugClass;
use crate::domain::money::format_rupiah as rp;
use crate::domain::money::{AllowSen, NumberError, NumberKind, NumberProblem};
use crate::domain::user::Role;
use crate::i18n::{Bilingual, Lang};

/// Result with [`KasirError`].
pub type Result<T, E = KasirError> = std::result::Result<T, E>;

/// A refusal or failure, shown to a person through [`KasirError::message`].
#[derive(Debug, thiserror::Error)]
pub enum KasirError {
    #[error("unknown code {0}")]
    UnknownCode(String),
    #[error("bad code {0}: {1:?}")]
    BadCode(String, CodeError),
    #[error("bad quantity in {0}")]
    BadQtyEntry(String),
    #[error("cart: {0:?}")]
    Cart(CartError),
    #[error("payment: {0:?}")]
    Pay(PayError),
    #[error("wrong PIN")]
    WrongPin { attempts_left: u32 },
    #[error("user locked")]
    LockedOut { minutes: i64 },
    #[error("unknown user {0}")]
    UnknownUser(String),
    #[error("{role} may not {action}")]
    NotAllowed {
        role: Role,
        action: crate::domain::user::Act,
    },
    #[error("no member {0}")]
    NoSuchMember(String),
    #[error("no sale {0}")]
    NoSuchSale(String),
    #[error("{0} is already in the catalog")]
    Duplicate(String),
    #[error("import line {line}: {}", reason.en)]
    Import { line: usize, reason: Bilingual },
    #[error("batch {batch} expired on {expiry}")]
    ExpiredBatch {
        product: String,
        batch: String,
        expiry: String,
    },
    #[error("not enough stock of {product}")]
    NotEnoughBatchStock {
        product: String,
        available: Decimal,
        unit: String,
    },
    #[error("not enough stock of {product}")]
    NotEnoughStock {
        product: String,
        available: Decimal,
        unit: String,
    },
    #[error("{0}")]
    Invalid(Bilingual),
    #[error("{0} is a directory")]
    DbIsDirectory(String),
    #[error("{0} is not a kasir database")]
    NotKasirDb(String),
    #[error("database schema {found} is newer than this program ({supported})")]
    DbTooNew { found: i64, supported: i64 },
    #[error("{0} already exists")]
    DbExists(String),
    #[error("no shop at {0}")]
    NoDb(String),
    #[error("database damaged: {0}")]
    DbCorrupt(String),
    #[error("database busy")]
    Busy,
    #[error("database: {0}")]
    Db(#[from] rusqlite::Error),
    #[error("file: {0}")]
    Io(#[from] std::io::Error),
    #[error("csv: {0}")]
    Csv(#[from] csv::Error),
    #[error("{product} ({class}) needs a prescription")]
    NeedsPrescription { product: String, class: DrugClass },
    #[error("{product} ({class}) may not be sold at a gerai obat")]
    NotAtGerai { product: String, class: DrugClass },
    #[error("{product}: at most {max} per sale")]
    AboveSaleLimit {
        product: String,
        max: Decimal,
        asked: Decimal,
        unit: String,
    },
    #[error("{product}: price above HET")]
    AboveHet {
        product: String,
        price: Decimal,
        het: Decimal,
        unit: String,
    },
    #[error("{0} is not a pharmacist")]
    NotApoteker(String),
    #[error("printer: {0}")]
    Printer(kasir_hardware::HardwareError),
    /// A prescription outside the shop's age limit for its drug class (or dated in the
    /// future): accepted only with the pharmacist's reason and PIN.
    #[error("prescription out of age: {0}")]
    RxNeedsReason(Bilingual),
    #[error("bad number {}", .0.text)]
    BadNumber(NumberError),
}

impl From<NumberError> for KasirError {
    fn from(e: NumberError) -> Self {
        KasirError::BadNumber(e)
    }
}

impl From<crate::domain::cash::CountError> for KasirError {
    fn from(e: crate::domain::cash::CountError) -> Self {
        use crate::domain::cash::CountError;
        match e {
            CountError::UnknownDenomination(d) => KasirError::invalid(
                format!("{d} bukan pecahan rupiah (100, 200, 500, 1.000 … 100.000)"),
                format!("{d} is not a rupiah note or coin (100, 200, 500, 1,000 … 100,000)"),
            ),
            CountError::BadCount(c) => KasirError::invalid(
                format!("Hitungan \"{c}\" tidak sah: tulis PECAHAN*JUMLAH, mis. 50000*2"),
                format!("Count \"{c}\" is not valid: write DENOM*PIECES, e.g. 50000*2"),
            ),
        }
    }
}

impl From<CartError> for KasirError {
    fn from(e: CartError) -> Self {
        KasirError::Cart(e)
    }
}

impl From<PayError> for KasirError {
    fn from(e: PayError) -> Self {
        KasirError::Pay(e)
    }
}

impl KasirError {
    /// Shorthand for a refusal written in both languages.
    pub fn invalid(id: impl Into<String>, en: impl Into<String>) -> Self {
        KasirError::Invalid(Bilingual::new(id, en))
    }

    /// A stable, machine-readable name of the refusal (the `code` of a `--json` error).
    pub fn code(&self) -> &'static str {
        use KasirError::*;
        match self {
            UnknownCode { .. } => "unknown_code",
            BadCode { .. } => "bad_code",
            BadQtyEntry { .. } => "bad_qty_entry",
            Cart { .. } => "cart",
            Pay { .. } => "pay",
            WrongPin { .. } => "wrong_pin",
            LockedOut { .. } => "locked_out",
            UnknownUser { .. } => "unknown_user",
            NotAllowed { .. } => "not_allowed",
            NoSuchMember { .. } => "no_such_member",
            NoSuchSale { .. } => "no_such_sale",
            Duplicate { .. } => "duplicate",
            Import { .. } => "import",
            ExpiredBatch { .. } => "expired_batch",
            NotEnoughBatchStock { .. } => "not_enough_batch_stock",
            Invalid { .. } => "invalid",
            DbIsDirectory { .. } => "db_is_directory",
            NotKasirDb { .. } => "not_kasir_db",
            DbTooNew { .. } => "db_too_new",
            DbExists { .. } => "db_exists",
            NoDb { .. } => "no_db",
            DbCorrupt { .. } => "db_corrupt",
            Busy => "busy",
            Db { .. } => "db",
            Io { .. } => "io",
            Csv { .. } => "csv",
            NeedsPrescription { .. } => "needs_prescription",
            NotAtGerai { .. } => "not_at_gerai",
            AboveSaleLimit { .. } => "above_sale_limit",
            AboveHet { .. } => "above_het",
            NotApoteker { .. } => "not_apoteker",
            Printer { .. } => "printer",
            NotEnoughStock { .. } => "not_enough_stock",
            RxNeedsReason { .. } => "rx_needs_reason",
            BadNumber { .. } => "bad_number",
        }
    }

    /// A file that could not be opened or written, named in the message.
    pub fn file(path: &std::path::Path, e: std::io::Error) -> Self {
        let p = path.display();
        match e.kind() {
            std::io::ErrorKind::NotFound => KasirError::invalid(
                format!("Berkas {p} tidak ada — periksa nama dan foldernya"),
                format!("File {p} not found — check its name and folder"),
            ),
            std::io::ErrorKind::PermissionDenied => KasirError::invalid(
                format!("Berkas {p} tidak boleh dibuka (izin akses)"),
                format!("File {p} may not be opened (permission denied)"),
            ),
            _ => KasirError::invalid(format!("Berkas {p}: {e}"), format!("File {p}: {e}")),
        }
    }

    /// The message for a person, in their language, on one line: what a file or scanner
    /// put into it (a newline inside a CSV cell, control bytes) cannot break it up.
    pub fn message(&self, lang: Lang) -> String {
        one_line(&self.message_text(lang))
    }

    fn message_text(&self, lang: Lang) -> String {
        use KasirError::*;
        let l = |id: String, en: String| lang.pick(&id, &en).to_string();
        match self {
            UnknownCode(c) => l(
                format!("Kode {c} tidak dikenal: barang belum terdaftar di katalog"),
                format!("Unknown code {c}: the item is not in the catalog"),
            ),
            BadCode(c, CodeError::BadCheckDigit) => l(
                format!("Kode {c} salah (digit cek tidak cocok) — scan ulang"),
                format!("Code {c} is wrong (check digit does not match) — scan again"),
            ),
            BadCode(_, CodeError::Empty) => l("Kode kosong".into(), "Empty code".into()),
            BadCode(_, CodeError::TooLong) => l(
                "Kode terlalu panjang — scan ulang".into(),
                "Code too long — scan again".into(),
            ),
            BadCode(_, CodeError::Garbage) => l(
                "Kode tidak terbaca (karakter aneh) — scan ulang".into(),
                "Unreadable code (stray characters) — scan again".into(),
            ),
            BadQtyEntry(e) => l(
                format!("Jumlah tidak valid di \"{e}\" — tulis JUMLAH*KODE, mis. 3*8991234567891 atau 1,5*KODE (koma untuk desimal)"),
                format!("Invalid quantity in \"{e}\" — write QTY*CODE, e.g. 3*8991234567891 or 1,5*CODE (a comma marks decimals)"),
            ),
            Cart(e) => cart_message(e, lang),
            Pay(e) => pay_message(e, lang),
            WrongPin { attempts_left } => l(
                format!("PIN salah. Sisa percobaan: {attempts_left}"),
                format!("Wrong PIN. Attempts left: {attempts_left}"),
            ),
            LockedOut { minutes } => l(
                format!("Terlalu banyak PIN salah. Coba lagi dalam {minutes} menit"),
                format!("Too many wrong PINs. Try again in {minutes} minutes"),
            ),
            UnknownUser(u) => l(
                format!("Pengguna {u} tidak ada"),
                format!("No user named {u}"),
            ),
            NotAllowed { role, action } => l(
                format!(
                    "Peran {} tidak berwenang untuk {}",
                    role.label(Lang::Id),
                    action.name(Lang::Id)
                ),
                format!(
                    "Role {} is not allowed to {}",
                    role.label(Lang::En),
                    action.name(Lang::En)
                ),
            ),
            NoSuchMember(m) => l(
                format!("Anggota {m} tidak ditemukan"),
                format!("Member {m} not found"),
            ),
            NoSuchSale(s) => l(
                format!("Transaksi {s} tidak ditemukan"),
                format!("Sale {s} not found"),
            ),
            Duplicate(what) => l(
                format!("{what} sudah ada"),
                format!("{what} already exists"),
            ),
            Import { line, reason } => l(
                format!("Baris {line}: {} — tidak ada yang diimpor", reason.id),
                format!("Line {line}: {} — nothing was imported", reason.en),
            ),
            ExpiredBatch {
                product,
                batch,
                expiry,
            } => l(
                format!("{product}: batch {batch} kedaluwarsa {expiry} — tidak boleh dijual"),
                format!("{product}: batch {batch} expired on {expiry} — may not be sold"),
            ),
            NotEnoughBatchStock { product, available, unit } => l(
                format!(
                    "{product}: stok batch yang belum kedaluwarsa hanya {} {unit}",
                    crate::domain::money::format_qty(*available)
                ),
                format!(
                    "{product}: only {} {unit} in unexpired batches",
                    crate::domain::money::format_qty(*available)
                ),
            ),
            NotEnoughStock { product, available, unit } => l(
                format!(
                    "{product}: stok hanya {} {unit} — kurangi jumlah, atau minta persetujuan supervisor untuk menjual melebihi stok",
                    crate::domain::money::format_qty(*available)
                ),
                format!(
                    "{product}: only {} {unit} in stock — lower the quantity, or ask a supervisor to approve selling beyond stock",
                    crate::domain::money::format_qty(*available)
                ),
            ),
            Invalid(b) => b.get(lang).to_string(),
            DbIsDirectory(p) => l(
                format!("{p} adalah folder, bukan file database"),
                format!("{p} is a folder, not a database file"),
            ),
            NotKasirDb(p) => l(
                format!("{p} bukan database kasir — tidak dibuka"),
                format!("{p} is not a kasir database — not opened"),
            ),
            DbTooNew { found, supported } => l(
                format!("Database versi {found} lebih baru dari program ini (versi {supported}); perbarui aplikasi"),
                format!("Database version {found} is newer than this program (version {supported}); update the application"),
            ),
            DbExists(p) => l(
                format!("{p} sudah ada — tidak ditimpa"),
                format!("{p} already exists — not overwritten"),
            ),
            NoDb(p) => l(
                format!("Belum ada toko di {p}: jalankan `kasir init` atau `kasir demo`"),
                format!("No shop at {p}: run `kasir init` or `kasir demo`"),
            ),
            DbCorrupt(d) => {
                let d = d.split_whitespace().collect::<Vec<_>>().join(" ");
                l(
                format!("Database rusak ({d}) — pulihkan dari cadangan terakhir"),
                format!("Database damaged ({d}) — restore the last backup"),
            )
            }
            Busy => busy_message(lang),
            Db(e) => db_message(e, lang),
            Io(e) => l(format!("Kesalahan file: {e}"), format!("File error: {e}")),
            Csv(e) => l(format!("CSV tidak valid: {e}"), format!("Invalid CSV: {e}")),
            NeedsPrescription { product, class } => l(
                format!("{product} (obat {class}) hanya dengan resep dokter dan persetujuan apoteker"),
                format!("{product} ({class}) needs a doctor's prescription and a pharmacist's approval"),
            ),
            NotAtGerai { product, class } => l(
                format!("{product} (obat {class}) tidak dijual di kasir ini: gerai obat hanya menjual obat bebas dan bebas terbatas. Jual di konter apotek"),
                format!("{product} ({class}) is not sold at this till: a gerai obat sells only bebas and bebas terbatas. Sell this at the apotek counter"),
            ),
            AboveSaleLimit { product, max, asked, unit } => l(
                format!(
                    "{product}: paling banyak {} {unit} per transaksi (diminta {})",
                    crate::domain::money::format_qty(*max),
                    crate::domain::money::format_qty(*asked)
                ),
                format!(
                    "{product}: at most {} {unit} per sale ({} asked)",
                    crate::domain::money::format_qty(*max),
                    crate::domain::money::format_qty(*asked)
                ),
            ),
            AboveHet { product, price, het, unit } => l(
                format!("{product}: harga {} per {unit} di atas HET {}", rp(*price), rp(*het)),
                format!("{product}: price {} per {unit} is above the HET {}", rp(*price), rp(*het)),
            ),
            NotApoteker(u) => l(
                format!("{u} bukan apoteker — resep harus disetujui apoteker"),
                format!("{u} is not a pharmacist — a pharmacist must approve the prescription"),
            ),
            Printer(e) => hardware_message(e, lang),
            RxNeedsReason(b) => b.get(lang).to_string(),
            BadNumber(e) => number_message(e, lang),
        }
    }
}

fn cart_message(e: &CartError, lang: Lang) -> String {
    let (id, en) = match e {
        CartError::QtyNotPositive => ("Jumlah harus lebih dari 0", "Quantity must be above 0"),
        CartError::QtyTooLarge => (
            "Jumlah terlalu besar (maks. 9.999 per baris)",
            "Quantity too large (max 9,999 per line)",
        ),
        CartError::QtyNotWhole => (
            "Barang ini dijual utuh, jumlah harus bilangan bulat",
            "This item sells whole: the quantity must be a whole number",
        ),
        CartError::QtyTooPrecise => (
            "Jumlah paling teliti 3 angka di belakang koma",
            "Quantity may have at most 3 decimals",
        ),
        CartError::NoSuchLine => ("Baris tidak ada", "No such line"),
        CartError::BadDiscount => (
            "Diskon harus rupiah utuh, tidak negatif, dan tidak melebihi harga baris",
            "A discount must be whole rupiah, not negative and not above the line's amount",
        ),
        CartError::BadPrice => (
            "Harga harus rupiah utuh dan tidak negatif",
            "A price must be whole rupiah and not negative",
        ),
        CartError::OtherProduct => (
            "Satuan itu milik barang lain",
            "That unit belongs to another product",
        ),
    };
    lang.pick(id, en).to_string()
}

fn pay_message(e: &PayError, lang: Lang) -> String {
    match e {
        PayError::EmptyCart => lang
            .pick("Keranjang kosong", "The cart is empty")
            .to_string(),
        PayError::TenderNotPositive => lang
            .pick(
                "Nominal bayar harus lebih dari 0",
                "Payment amounts must be above 0",
            )
            .to_string(),
        PayError::NonCashOverpays { total, non_cash } => match lang {
            Lang::Id => format!(
                "Pembayaran non-tunai {} melebihi total {}",
                rp(*non_cash),
                rp(*total)
            ),
            Lang::En => format!(
                "Non-cash payments {} exceed the total {}",
                rp(*non_cash),
                rp(*total)
            ),
        },
        PayError::CashShort { due, given } => match lang {
            Lang::Id => format!(
                "Uang kurang: harus {} tunai, diterima {}",
                rp(*due),
                rp(*given)
            ),
            Lang::En => format!("Not enough cash: {} due, {} given", rp(*due), rp(*given)),
        },
        PayError::Underpaid { remaining } => match lang {
            Lang::Id => format!("Masih kurang {}", rp(*remaining)),
            Lang::En => format!("{} still to pay", rp(*remaining)),
        },
        PayError::KasbonNeedsMember => lang
            .pick(
                "Kasbon hanya untuk anggota — pilih anggota dulu (F3)",
                "Kasbon is for members only — choose a member first (F3)",
            )
            .to_string(),
        PayError::KasbonOverLimit { available, asked } => match lang {
            Lang::Id => format!(
                "Kasbon {} melebihi sisa limit anggota {}",
                rp(*asked),
                rp(*available)
            ),
            Lang::En => format!(
                "Kasbon {} is above the member's remaining limit {}",
                rp(*asked),
                rp(*available)
            ),
        },
        PayError::CashNotDue => lang
            .pick(
                "Tidak ada yang harus dibayar tunai: kosongkan uang diterima",
                "Nothing is due in cash: clear the cash received",
            )
            .to_string(),
    }
}

/// Why a typed amount or quantity was refused, with the forms kasir accepts.
pub fn number_message(e: &NumberError, lang: Lang) -> String {
    let text = &e.text;
    let (what_id, what_en) = match e.kind {
        NumberKind::Money(_) => ("Nominal", "Amount"),
        NumberKind::Quantity(_) => ("Jumlah", "Quantity"),
    };
    let (why_id, why_en) = match e.problem {
        NumberProblem::Form => ("tidak terbaca", "cannot be read"),
        NumberProblem::Negative => ("tidak boleh negatif", "may not be negative"),
        NumberProblem::Sen => (
            "uang tunai harus rupiah utuh, tanpa sen",
            "cash is whole rupiah, without sen",
        ),
        NumberProblem::TooPrecise => match e.kind {
            NumberKind::Money(_) => (
                "paling banyak 2 angka sen di belakang koma",
                "at most 2 digits of sen after the comma",
            ),
            NumberKind::Quantity(0) => ("harus bilangan bulat", "must be a whole number"),
            NumberKind::Quantity(_) => {
                ("terlalu banyak angka di belakang koma", "too many decimals")
            }
        },
        NumberProblem::TooLarge => ("terlalu besar", "too large"),
    };
    let forms = match e.kind {
        NumberKind::Money(AllowSen::Yes) => "12500, 12.500, 1.250.000, 12.500,50",
        NumberKind::Money(AllowSen::No) => "12500, 12.500, 1.250.000",
        NumberKind::Quantity(0) => "2, 12, 1.200",
        NumberKind::Quantity(1) => "2, 1,5, 1.200",
        NumberKind::Quantity(2) => "2, 1,5, 0,25, 1.200",
        NumberKind::Quantity(_) => "2, 1,5, 0,25, 1,125, 1.200",
    };
    match lang {
        Lang::Id => format!(
            "{what_id} \"{text}\" {why_id}. Tulis seperti: {forms} (titik memisahkan ribuan, koma sebelum desimal)"
        ),
        Lang::En => format!(
            "{what_en} \"{text}\" {why_en}. Write it like: {forms} (a dot groups thousands, a comma marks decimals)"
        ),
    }
}

fn busy_message(lang: Lang) -> String {
    let secs = crate::store::busy_timeout().as_secs_f64();
    match lang {
        Lang::Id => format!(
            "Database sedang dipakai proses lain (till lain, cadangan) lebih dari {secs} detik — tidak ada yang disimpan; coba lagi"
        ),
        Lang::En => format!(
            "The database was busy in another process (another till, a backup) for over {secs} s — nothing was saved; try again"
        ),
    }
}

/// SQLite's own words are for the log; a person gets what happened and what to do.
fn db_message(e: &rusqlite::Error, lang: Lang) -> String {
    use rusqlite::ErrorCode as C;
    let (id, en) = match e.sqlite_error_code() {
        Some(C::DatabaseBusy | C::DatabaseLocked) => return busy_message(lang),
        Some(C::ReadOnly) => (
            "File database hanya-baca (izin file atau media) — tidak ada yang diubah; periksa izin file".to_string(),
            "The database file is read-only (file permissions or media) — nothing was changed; check the file's permissions".to_string(),
        ),
        Some(C::DiskFull) => (
            "Disk penuh — transaksi TIDAK disimpan; kosongkan ruang disk lalu ulangi".to_string(),
            "The disk is full — the transaction was NOT saved; free some disk space and try again".to_string(),
        ),
        Some(C::SystemIoFailure) => (
            "Gagal menulis ke disk (penuh atau rusak?) — transaksi TIDAK disimpan".to_string(),
            "Could not write to the disk (full or failing?) — the transaction was NOT saved".to_string(),
        ),
        Some(C::DatabaseCorrupt | C::NotADatabase) => (
            "Database rusak — pulihkan dari cadangan terakhir (kasir backup)".to_string(),
            "Database damaged — restore the last backup (kasir backup)".to_string(),
        ),
        Some(C::CannotOpen) => (
            format!("Database tidak bisa dibuka ({e}) — periksa folder dan izinnya"),
            format!("Cannot open the database ({e}) — check the folder and its permissions"),
        ),
        _ => (format!("Kesalahan database: {e}"), format!("Database error: {e}")),
    };
    lang.pick(&id, &en).to_string()
}

/// Control characters become spaces and runs of whitespace one space.
fn one_line(s: &str) -> String {
    s.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A hardware error in the cashier's language.
pub fn hardware_message(e: &kasir_hardware::HardwareError, lang: Lang) -> String {
    use kasir_hardware::HardwareError as H;
    if lang == Lang::En {
        return e.to_string();
    }
    match e {
        H::PaperOut => "Kertas printer habis — pasang gulungan baru".into(),
        H::CoverOpen => "Penutup printer terbuka — tutup dulu".into(),
        H::Offline => "Printer offline atau tidak menjawab — periksa daya dan kabel".into(),
        H::PrinterFault => {
            "Printer bermasalah (kertas macet, pemotong, terlalu panas) — matikan lalu nyalakan"
                .into()
        }
        H::Timeout { device } => format!("{device} tidak menjawab tepat waktu"),
        H::Disconnected { device } => format!("{device} terputus"),
        H::DeviceNotFound { device } => {
            format!("Perangkat {device} tidak ditemukan (sudah dicolok dan dinyalakan?)")
        }
        H::PermissionDenied { device } => format!(
            "Akses ke {device} ditolak (masukkan pengguna kasir ke grup 'dialout' dan 'lp')"
        ),
        H::Busy { device } => format!("{device} sedang dipakai program lain"),
        H::Connection { target, reason } => {
            format!("Tidak bisa tersambung ke printer {target}: {reason}")
        }
        other if other.is_bad_uri() => format!(
            "Alamat printer tidak sah: {other} (contoh: serial:/dev/ttyUSB0?baud=9600, usb:/dev/usb/lp0, tcp:192.168.1.50:9100, file:/tmp/struk.bin, sim)"
        ),
        other => format!("Kesalahan printer: {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_stay_on_one_line_whatever_the_input_held() {
        let e = KasirError::Import {
            line: 2,
            reason: Bilingual::new("anggota 0\n899\r\n1 tidak ada", "no member 0\n899\u{0}1"),
        };
        assert_eq!(
            e.message(Lang::Id),
            "Baris 2: anggota 0 899 1 tidak ada — tidak ada yang diimpor"
        );
        assert_eq!(
            e.message(Lang::En),
            "Line 2: no member 0 899 1 — nothing was imported"
        );
    }
}
