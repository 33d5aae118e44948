//! The translation table: every user-visible string, in Bahasa Indonesia and English.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// Language of the user interface and messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Lang {
    /// Bahasa Indonesia (default).
    #[default]
    Id,
    En,
}

impl Lang {
    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim().to_ascii_lowercase().as_str() {
            "id" | "in" | "ind" | "indonesia" => Some(Lang::Id),
            "en" | "eng" | "english" => Some(Lang::En),
            _ => None,
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            Lang::Id => "id",
            Lang::En => "en",
        }
    }
    /// Pick the text for this language.
    pub fn pick<'a>(self, id: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Id => id,
            Lang::En => en,
        }
    }
    /// The receipts crate's language.
    pub fn receipts(self) -> kasir_receipts::Lang {
        match self {
            Lang::Id => kasir_receipts::Lang::Id,
            Lang::En => kasir_receipts::Lang::En,
        }
    }
}

/// "1 journal", "2 journals", "1.234 products": a count with its noun, the number grouped
/// with dots as amounts are (in English too), the English noun singular for one. `en` is
/// the plural; its singular drops the final "s".
pub fn count(lang: Lang, n: usize, id: &str, en: &str) -> String {
    let digits = n.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push('.');
        }
        grouped.push(c);
    }
    let noun = match lang {
        Lang::Id => id,
        Lang::En if n == 1 => en.strip_suffix('s').unwrap_or(en),
        Lang::En => en,
    };
    format!("{grouped} {noun}")
}

/// A message already written in both languages (import row errors and the like).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Bilingual {
    pub id: String,
    pub en: String,
}

impl std::fmt::Display for Bilingual {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.en)
    }
}

impl Bilingual {
    pub fn new(id: impl Into<String>, en: impl Into<String>) -> Self {
        Bilingual {
            id: id.into(),
            en: en.into(),
        }
    }
    pub fn get(&self, lang: Lang) -> &str {
        lang.pick(&self.id, &self.en)
    }
}

/// (key, Bahasa Indonesia, English)
const TABLE: &[(&str, &str, &str)] = &[
    ("app.title", "Kasir Koperasi", "Co-op Till"),
    ("login.title", "Masuk", "Log in"),
    ("login.user", "Pengguna", "User"),
    ("login.pin", "PIN", "PIN"),
    ("login.enter", "Masuk", "Log in"),
    ("login.backspace", "Hapus", "Delete"),
    (
        "login.choose_user",
        "Pilih pengguna lalu ketik PIN",
        "Choose a user, then type the PIN",
    ),
    ("till.scan", "Scan / ketik kode", "Scan / type code"),
    (
        "till.scan_hint",
        "Scan barcode atau ketik kode lalu Enter (qty*kode)",
        "Scan a barcode or type a code and Enter (qty*code)",
    ),
    ("till.item", "Barang", "Item"),
    ("till.unit", "Satuan", "Unit"),
    ("till.qty", "Jumlah", "Qty"),
    ("till.price", "Harga", "Price"),
    ("till.subtotal", "Subtotal", "Subtotal"),
    ("till.total", "TOTAL", "TOTAL"),
    (
        "till.empty",
        "Keranjang kosong — scan barang untuk mulai",
        "Cart is empty — scan an item to start",
    ),
    ("till.pay", "Bayar (F12)", "Pay (F12)"),
    ("till.logout", "Keluar", "Log out"),
    ("till.remove", "Hapus", "Remove"),
    ("till.member", "Anggota", "Member"),
    (
        "till.no_member",
        "Umum (bukan anggota)",
        "Public (non-member)",
    ),
    ("till.change", "Kembali", "Change"),
    ("till.last_sale", "Transaksi terakhir", "Last sale"),
    ("till.lines", "baris", "lines"),
    ("till.user", "Pengguna", "User"),
    ("till.counter", "Konter", "Counter"),
    ("till.printer", "Printer", "Printer"),
    ("till.language", "English", "Bahasa Indonesia"),
    ("pay.title", "Pembayaran", "Payment"),
    ("pay.cash", "Tunai", "Cash"),
    ("pay.qris", "QRIS", "QRIS"),
    ("pay.transfer", "Transfer", "Transfer"),
    ("pay.kasbon", "Kasbon", "Kasbon"),
    ("pay.received", "Uang diterima", "Cash received"),
    ("pay.confirm", "Selesai (Enter)", "Done (Enter)"),
    ("pay.cancel", "Batal (Esc)", "Cancel (Esc)"),
    ("pay.exact", "Uang pas", "Exact"),
    ("pay.rounding", "Pembulatan", "Rounding"),
    ("pay.payable", "Dibayar", "To pay"),
    ("pay.done", "Transaksi tersimpan", "Sale saved"),
    ("till.discount", "Diskon", "Discount"),
    ("till.kasbon_left", "Sisa kasbon", "Kasbon left"),
    ("till.detach_member", "Lepas anggota", "Remove member"),
    ("till.no_line", "Belum ada barang di keranjang", "There is no item in the cart"),
    ("till.no_shift", "Belum ada shift", "No shift open"),
    ("till.shift", "Shift", "Shift"),
    ("till.scanner", "Scanner", "Scanner"),
    (
        "till.draft_restored",
        "Keranjang yang belum selesai dipulihkan setelah till berhenti",
        "The unfinished cart was restored after the till stopped",
    ),
    (
        "till.scan_blocked",
        "Scan diabaikan: selesaikan atau batalkan dialog ini dulu (Esc)",
        "Scan ignored: finish or cancel this dialog first (Esc)",
    ),
    ("key.help", "Bantuan", "Help"),
    ("key.search", "Cari barang", "Find item"),
    ("key.member", "Anggota", "Member"),
    ("key.qty", "Jumlah / satuan", "Qty / unit"),
    ("key.hold", "Tahan / panggil", "Hold / recall"),
    ("key.discount", "Diskon baris", "Line discount"),
    ("key.price", "Ubah harga", "Price override"),
    ("key.void_line", "Batal baris", "Void line"),
    ("key.void_sale", "Batal transaksi", "Void sale"),
    ("key.receipt", "Struk terakhir", "Last receipt"),
    ("key.pay", "Bayar", "Pay"),
    ("key.close", "Tutup dialog", "Close dialog"),
    ("help.title", "Bantuan", "Help"),
    (
        "help.intro",
        "Scan barang atau ketik kode lalu Enter. Tombol:",
        "Scan an item or type its code and Enter. Keys:",
    ),
    (
        "help.qty",
        "Jumlah cepat: ketik 3*kode. Diskon, ubah harga dan pembatalan perlu PIN supervisor.",
        "Quick quantity: type 3*code. Discounts, price overrides and voids need a supervisor's PIN.",
    ),
    ("search.title", "Cari barang", "Find item"),
    (
        "search.hint",
        "Nama, SKU atau barcode",
        "Name, SKU or barcode",
    ),
    ("search.nothing", "Tidak ditemukan", "Nothing found"),
    ("member.title", "Anggota", "Member"),
    (
        "member.hint",
        "Nomor anggota, nama atau nomor HP",
        "Member number, name or phone",
    ),
    ("qty.title", "Jumlah dan satuan", "Quantity and unit"),
    ("hold.title", "Transaksi ditahan", "Held sales"),
    ("hold.done", "Transaksi ditahan — F5 untuk memanggil", "Sale held — F5 to recall"),
    ("hold.none", "Tidak ada transaksi yang ditahan", "No sale is on hold"),
    ("hold.recalled", "Transaksi dipanggil kembali", "Held sale recalled"),
    (
        "hold.cart_busy",
        "Selesaikan atau tahan keranjang ini dulu",
        "Finish or hold this cart first",
    ),
    ("override.supervisor", "Persetujuan supervisor", "Supervisor approval"),
    ("override.approve", "Setujui", "Approve"),
    ("override.approved_by", "Disetujui oleh", "Approved by"),
    ("override.discount_amount", "Diskon (Rp)", "Discount (Rp)"),
    ("override.new_price", "Harga baru (Rp)", "New price (Rp)"),
    ("override.done", "Disetujui dan dicatat", "Approved and recorded"),
    ("override.whole_sale", "Seluruh transaksi", "The whole sale"),
    ("pay.bad_amount", "Nominal tidak valid:", "Invalid amount:"),
    ("pay.cash_due", "Tunai yang harus dibayar", "Cash due"),
    ("pay.reference", "Ref.", "Ref."),
    ("receipt.none", "Belum ada struk", "No receipt yet"),
    ("scanner.wedge", "keyboard", "keyboard"),
    ("scanner.connected", "tersambung", "connected"),
    ("scanner.disconnected", "terputus", "disconnected"),
    ("scanner.sim", "simulasi", "simulated"),
    ("scanner.simulate", "Scan simulasi", "Simulated scan"),
    ("scanner.warning", "Scanner", "Scanner"),
    ("shift.open_title", "Buka shift", "Open shift"),
    (
        "shift.count_hint",
        "Hitung modal awal di laci per pecahan",
        "Count the float in the drawer by denomination",
    ),
    ("shift.float", "Modal awal", "Float"),
    ("shift.open", "Buka shift (Enter)", "Open shift (Enter)"),
    ("shift.opened", "Shift dibuka dengan modal", "Shift opened with a float of"),
    ("menu.selling", "Kasir", "Till"),
    ("menu.products", "Produk", "Products"),
    ("menu.members", "Anggota", "Members"),
    ("menu.settings", "Pengaturan", "Settings"),
    ("menu.stock", "Stok", "Stock"),
    ("key.return", "Retur", "Return"),
    ("receipt.reprint", "Cetak ulang (SALINAN)", "Reprint (COPY)"),
    ("receipt.reprinted", "Salinan struk dikirim ke printer:", "Receipt copy sent to the printer:"),
    ("printer.retry", "Coba lagi", "Retry"),
    ("rx.title", "Resep dokter", "Prescription"),
    (
        "rx.hint",
        "Obat keras: catat resep dan minta PIN apoteker",
        "Prescription-only drug: record the prescription and ask for the pharmacist's PIN",
    ),
    ("rx.number", "No. resep", "Prescription no."),
    ("rx.doctor", "Dokter", "Doctor"),
    ("rx.sip", "SIP dokter", "Doctor's SIP"),
    ("rx.patient", "Pasien", "Patient"),
    ("rx.date", "Tanggal resep (TTTT-BB-HH)", "Date (YYYY-MM-DD)"),
    ("rx.pharmacist", "Apoteker yang menyetujui", "Approving pharmacist"),
    ("return.title", "Retur penjualan", "Sales return"),
    ("return.sale", "No. struk", "Receipt no."),
    ("return.items", "Barang", "Items"),
    ("return.items_hint", "kode*jumlah, dipisah spasi (atau scan)", "code*qty, space separated (or scan)"),
    ("return.done", "Retur tersimpan", "Return saved"),
    ("return.refund", "dikembalikan", "refunded"),
    ("menu.books", "Tutup & Buku", "Close & Books"),
    ("books.x_report", "Laporan X", "X report"),
    ("books.tab_shift", "Shift", "Shift"),
    ("books.tab_day", "Tutup hari", "Close day"),
    ("books.tab_ledger", "Buku besar", "Ledger"),
    ("books.tab_member", "Buku anggota", "Member statement"),
    ("books.tab_shu", "SHU", "Surplus (SHU)"),
    ("books.tab_dashboard", "Dasbor", "Dashboard"),
    ("books.tab_exceptions", "Pengecualian", "Exceptions"),
    ("exc.none", "Tidak ada pengecualian terbuka", "No open exceptions"),
    ("exc.show_all", "Tampilkan yang sudah selesai", "Show resolved ones"),
    ("exc.resolve", "Selesaikan", "Resolve"),
    ("exc.note", "Catatan", "Note"),
    ("exc.counted", "Jumlah di rak", "On the shelf"),
    ("exc.confirm", "Simpan penyelesaian", "Save resolution"),
    ("exc.cancel", "Batal", "Cancel"),
    ("exc.resolved", "Diselesaikan", "Resolved"),
    ("exc.adjustment", "penyesuaian", "adjustment"),
    ("exc.bad_counted", "Jumlah di rak tidak valid", "Invalid quantity on the shelf"),
    ("books.start_close", "Tutup shift (hitung buta)", "Close shift (blind count)"),
    ("books.blind_count", "Hitung kas di laci", "Count the cash in the drawer"),
    (
        "books.blind_hint",
        "Isi jumlah lembar/keping per pecahan. Jumlah yang diharapkan tidak ditampilkan sebelum hitungan dikirim.",
        "Enter the number of notes/coins per denomination. The expected cash is not shown before the count is sent.",
    ),
    ("books.submit_count", "Kirim hitungan", "Submit count"),
    ("books.cancel", "Batal", "Cancel"),
    (
        "books.recount",
        "Hitungan tidak cocok: hitung ulang kas di laci",
        "The count does not match: count the drawer again (hitung ulang)",
    ),
    (
        "books.give_reason",
        "Hitungan masih tidak cocok: tulis alasan selisih, lalu kirim lagi",
        "The count still does not match: write the reason for the difference, then submit again",
    ),
    ("books.count_reason", "Alasan selisih", "Reason for the difference"),
    (
        "books.reason_required",
        "Alasan selisih wajib diisi",
        "A reason for the difference is required",
    ),
    (
        "books.shift_closed",
        "Shift ditutup. Penjualan berikutnya perlu shift baru: buka shift baru dengan modal awal.",
        "Shift closed. Further sales need a new shift: open a new shift with a counted float.",
    ),
    ("books.z_report", "Laporan Z", "Z report"),
    (
        "books.no_shift",
        "Tidak ada shift terbuka di kasir ini",
        "No shift is open on this till",
    ),
    ("books.open_new_shift", "Buka shift baru", "Open a new shift"),
    ("books.cash_move", "Kas masuk / keluar", "Cash in / out"),
    ("books.cash_in", "Kas masuk", "Cash in"),
    ("books.cash_out", "Kas keluar", "Cash out"),
    ("books.amount", "Nominal", "Amount"),
    ("books.cash_reason", "Alasan kas", "Reason"),
    ("books.save_cash_move", "Catat kas", "Record cash"),
    ("books.cash_in_done", "Kas masuk dicatat", "Cash in recorded"),
    ("books.cash_out_done", "Kas keluar dicatat", "Cash out recorded"),
    ("books.repay", "Bayar kasbon", "Kasbon repayment"),
    ("books.member_no", "No. anggota", "Member no."),
    ("books.repay_amount", "Nominal bayar", "Amount paid"),
    ("books.repay_save", "Terima bayar", "Take payment"),
    ("books.new_balance", "saldo kasbon sekarang", "kasbon balance now"),
    ("books.bad_amount", "Nominal tidak valid", "Invalid amount"),
    ("books.bad_year", "Tahun tidak valid", "Invalid year"),
    ("books.date", "Tanggal", "Date"),
    ("books.show", "Tampilkan", "Show"),
    ("books.post", "Posting", "Post"),
    ("books.posted", "Diposting", "Posted"),
    ("books.not_posted", "Pratinjau (belum diposting)", "Preview (not posted)"),
    ("books.preview", "Pratinjau", "Preview"),
    ("books.posted_done", "Hari ditutup, jurnal diposting", "Day closed, journals posted"),
    ("books.day_closed", "sudah ditutup dan diposting", "is closed and posted"),
    ("books.day_open", "belum ditutup", "is not closed"),
    ("books.open_shifts", "Shift masih terbuka", "Shifts still open"),
    ("books.no_journals", "Tidak ada transaksi untuk dijurnal", "Nothing to post"),
    ("books.account", "Akun", "Account"),
    ("books.account_name", "Nama akun", "Account name"),
    ("books.debit", "Debit", "Debit"),
    ("books.credit", "Kredit", "Credit"),
    ("books.memo", "Keterangan", "Memo"),
    ("books.total", "Jumlah", "Total"),
    ("books.balanced", "Seimbang", "Balanced"),
    ("books.unbalanced", "TIDAK seimbang", "NOT balanced"),
    ("books.reverse_title", "Koreksi hari (jurnal balik)", "Correct the day (reversing journals)"),
    ("books.reverse_reason", "Alasan koreksi", "Reason for the correction"),
    ("books.reclose", "Posting ulang", "Post again"),
    ("books.reverse", "Balik jurnal", "Reverse"),
    ("books.reversed_done", "Jurnal dibalik", "Journals reversed"),
    ("books.from", "Dari", "From"),
    ("books.to", "Sampai", "To"),
    ("books.trial_balance", "Neraca saldo", "Trial balance"),
    ("books.opening", "Saldo awal", "Opening"),
    ("books.closing", "Saldo akhir", "Closing"),
    ("books.general_ledger", "Buku besar akun", "Account ledger"),
    ("books.journal", "Jurnal", "Journal"),
    ("books.balance", "Saldo", "Balance"),
    ("books.export", "Ekspor untuk akuntan", "Export for the accountant"),
    ("books.path", "Berkas", "File"),
    ("books.export_button", "Ekspor", "Export"),
    ("books.exported", "jurnal ditulis ke", "journals written to"),
    ("books.need_path", "Isi nama berkas", "Enter a file name"),
    ("books.month", "Bulan (YYYY-MM)", "Month (YYYY-MM)"),
    ("books.purchases", "Belanja", "Purchases"),
    ("books.kasbon_opening", "Kasbon awal bulan", "Kasbon at start of month"),
    ("books.kasbon_taken", "Kasbon diambil", "Kasbon taken"),
    ("books.kasbon_repaid", "Kasbon dibayar", "Kasbon repaid"),
    ("books.kasbon_closing", "Kasbon akhir bulan", "Kasbon at end of month"),
    ("books.year", "Tahun", "Year"),
    ("books.shu_total", "SHU dibagi (Rp)", "SHU to share (Rp)"),
    ("books.shu_usaha", "Jasa usaha %", "Patronage %"),
    ("books.shu_modal", "Jasa modal %", "Capital %"),
    ("books.pool_usaha", "Dana jasa usaha", "Patronage pool"),
    ("books.pool_modal", "Dana jasa modal", "Capital pool"),
    ("books.capital", "Simpanan pokok+wajib", "Capital savings"),
    ("books.jasa_usaha", "Jasa usaha", "Patronage"),
    ("books.jasa_modal", "Jasa modal", "Capital"),
    ("books.export_csv", "Ekspor CSV", "Export CSV"),
    ("books.exported_shu", "SHU ditulis ke", "SHU written to"),
    ("books.daily_sales", "Penjualan bersih per hari dan unit", "Net sales per day and unit"),
    ("books.member_share", "Anggota vs non-anggota per hari", "Members vs non-members per day"),
    ("books.share_daily", "Porsi anggota per hari", "Member share per day"),
    ("books.share_line", "Porsi anggota (%)", "Member share (%)"),
    ("books.legend_members", "Anggota", "Members"),
    ("books.legend_non_members", "Non-anggota", "Non-members"),
    ("books.net_sales", "Penjualan bersih", "Net sales"),
    ("books.returns_total", "retur", "returns"),
    (
        "books.net_note",
        "Semua angka bersih setelah retur; retur dihitung pada tanggal retur, seperti di jurnal tutup hari.",
        "All figures are net of returns; a return counts on the day it is taken back, as in the day-close journal.",
    ),
    ("books.top_item", "Barang", "Item"),
    ("books.top_qty", "Jumlah", "Quantity"),
    ("books.top_amount", "Nilai bersih", "Net amount"),
    ("books.members", "anggota", "members"),
    ("books.non_members", "non-anggota", "non-members"),
    ("books.member_percent", "porsi anggota", "member share"),
    ("books.top_items", "Barang terlaris", "Top items"),
    ("books.kasbon_outstanding", "Kasbon beredar", "Kasbon outstanding"),
    ("books.stock_value", "Nilai stok (harga pokok)", "Stock value (at cost)"),
    ("stock.refresh", "Muat ulang", "Refresh"),
    ("stock.on_hand", "Stok", "On hand"),
    ("stock.value", "Nilai", "Value"),
    ("stock.batches", "Batch (kedaluwarsa)", "Batches (expiry)"),
    ("back.sku", "SKU", "SKU"),
    ("back.umum", "Umum", "Public"),
    ("back.anggota", "Anggota", "Member"),
    ("back.grosir", "Grosir", "Wholesale"),
    ("back.edit_price", "Ubah harga", "Edit price"),
    ("back.save", "Simpan", "Save"),
    ("back.saved", "Tersimpan", "Saved"),
    (
        "back.not_allowed",
        "Peran Anda tidak boleh membuka layar ini",
        "Your role may not open this screen",
    ),
    ("back.number", "Nomor", "Number"),
    ("back.name", "Nama", "Name"),
    ("back.phone", "HP", "Phone"),
    ("back.kasbon_limit", "Limit kasbon", "Kasbon limit"),
    ("back.kasbon_balance", "Kasbon berjalan", "Kasbon owed"),
    ("settings.name", "Nama koperasi", "Coop name"),
    ("settings.address", "Alamat", "Address"),
    ("settings.rounding", "Pembulatan tunai (Rp)", "Cash rounding step (Rp)"),
    ("settings.printer", "Printer (sim, file:, serial:, usb:, tcp:)", "Printer (sim, file:, serial:, usb:, tcp:)"),
    ("settings.scanner", "Port scanner serial (kosong: keyboard)", "Serial scanner port (empty: keyboard)"),
    ("settings.counter", "Konter ini", "This counter"),
    ("settings.paper", "Kertas", "Paper"),
    ("settings.pkp", "PKP", "PKP"),
    ("settings.pkp_hint", "Koperasi terdaftar PKP (PPN 11%)", "The coop is registered for PPN (11%)"),
    ("settings.lang", "Bahasa", "Language"),
    ("settings.test_printer", "Cetak halaman uji", "Print a test page"),
    ("settings.test_sent", "Halaman uji dikirim ke", "Test page sent to"),
    (
        "receipt.thanks",
        "Terima kasih atas kunjungan Anda",
        "Thank you for shopping with us",
    ),
    (
        "receipt.member_coop",
        "Belanja anggota menambah SHU Anda",
        "Member purchases count towards your SHU",
    ),
    ("printer.ready", "Printer siap", "Printer ready"),
    (
        "printer.paper_near_end",
        "Kertas hampir habis",
        "Paper nearly finished",
    ),
    ("printer.paper_out", "Kertas habis", "Out of paper"),
    ("printer.cover_open", "Penutup terbuka", "Cover open"),
    ("printer.offline", "Printer offline", "Printer offline"),
    ("printer.error", "Printer bermasalah", "Printer error"),
    (
        "printer.unknown",
        "Printer: status tidak diketahui",
        "Printer: status unknown",
    ),
    ("printer.waiting", "struk menunggu", "waiting to print"),
    ("report.float", "Modal awal", "Opening float"),
    ("report.gross", "Penjualan kotor", "Gross sales"),
    ("report.discount", "Diskon", "Discounts"),
    ("report.net", "Total penjualan", "Net sales"),
    ("report.cash_expected", "Kas seharusnya", "Cash expected"),    // Stock screen tabs (gudang, apoteker).
    ("stock.tab_on_hand", "Stok & kartu stok", "Stock & stock card"),
    ("stock.tab_receive", "Terima barang", "Receive goods"),
    ("stock.tab_opname", "Opname", "Stock count"),
    ("stock.tab_write_off", "Hapus stok", "Write off"),
    ("stock.tab_expiry", "Cek kedaluwarsa", "Expiry report"),
    ("stock.tab_apotek", "Apotek", "Pharmacy"),
    ("stock.min", "Minimum", "Minimum"),
    ("stock.low_count", "produk di bawah minimum", "products below minimum"),
    ("stock.pick_product", "Pilih produk untuk melihat kartu stoknya", "Pick a product to see its stock card"),
    ("stock.card", "Kartu stok", "Stock card"),
    ("stock.all_batches", "Semua batch", "All batches"),
    ("stock.date", "Tanggal", "Date"),
    ("stock.kind", "Jenis", "Kind"),
    ("stock.reason", "Alasan", "Reason"),
    ("stock.user", "Petugas", "User"),
    ("stock.batch", "Batch", "Batch"),
    ("stock.balance", "Saldo", "Balance"),
    ("stock.reference", "Referensi", "Reference"),
    ("stock.kind_sale", "Penjualan", "Sale"),
    ("stock.kind_return", "Retur", "Return"),
    ("stock.kind_receipt", "Penerimaan", "Receipt"),
    ("stock.kind_opname", "Opname", "Count"),
    ("stock.kind_write_off", "Hapus stok", "Write-off"),
    ("stock.kind_transfer", "Mutasi", "Transfer"),
    ("stock.supplier", "Pemasok", "Supplier"),
    ("stock.no_supplier", "Tanpa pemasok", "No supplier"),
    ("stock.payment", "Pembayaran", "Payment"),
    ("stock.owed", "Utang ke pemasok", "Owed to the supplier"),
    ("stock.code", "Kode / barcode", "Code / barcode"),
    ("stock.qty", "Banyaknya", "Quantity"),
    ("stock.cost", "Harga pokok per satuan", "Cost per unit"),
    ("stock.expiry_date", "Kedaluwarsa (YYYY-MM-DD)", "Expiry (YYYY-MM-DD)"),
    ("stock.add_line", "Tambah baris", "Add line"),
    ("stock.amount", "Jumlah harga", "Amount"),
    ("stock.remove_line", "Hapus baris", "Remove line"),
    ("stock.total", "Total", "Total"),
    ("stock.submit", "Simpan penerimaan", "Book the delivery"),
    ("stock.slip", "Bukti terima barang", "Receiving slip"),
    ("stock.received", "Barang diterima:", "Goods received:"),
    ("stock.need_code", "Kode barang wajib diisi", "A product code is needed"),
    ("stock.bad_qty", "Jumlah tidak valid", "Not a valid quantity"),
    ("stock.bad_cost", "Harga pokok tidak valid", "Not a valid cost"),
    ("stock.bad_date", "Tanggal harus YYYY-MM-DD", "The date must be YYYY-MM-DD"),
    ("stock.no_count", "Tidak ada opname yang sedang berjalan", "No stock count under way"),
    ("stock.start_all", "Mulai opname: semua", "Start a count: all"),
    ("stock.start_sembako", "Mulai opname: sembako", "Start a count: sembako"),
    ("stock.start_apotek", "Mulai opname: apotek", "Start a count: apotek"),
    ("stock.count_under_way", "Opname berjalan", "Count under way"),
    ("stock.scope_all", "semua", "all"),
    (
        "stock.blind_hint",
        "Hitung barang di rak dan catat jumlahnya (dalam satuan kode yang dipindai).",
        "Count the goods on the shelf and record the figure (in the unit of the code scanned).",
    ),
    ("stock.counted_qty", "Jumlah dihitung", "Counted"),
    ("stock.batch_optional", "Batch (opsional)", "Batch (optional)"),
    ("stock.record_count", "Catat hitungan", "Record count"),
    ("stock.counted", "Tercatat:", "Recorded:"),
    (
        "stock.finish_count",
        "Selesaikan opname (perlu persetujuan supervisor)",
        "Finish the count (a supervisor approves)",
    ),
    ("stock.opname_done", "Opname selesai dan disetujui", "Count finished and approved"),
    ("stock.variance", "Laporan selisih opname", "Count variance report"),
    ("stock.variance_qty", "Selisih", "Variance"),
    ("stock.variance_value", "Nilai selisih", "Variance value"),
    ("stock.short", "Kurang", "Short"),
    ("stock.over", "Lebih", "Over"),
    ("stock.net", "Bersih", "Net"),
    ("stock.not_counted", "Tidak dihitung", "Not counted"),
    ("stock.reason_rusak", "Rusak", "Damaged"),
    ("stock.reason_kedaluwarsa", "Kedaluwarsa", "Expired"),
    ("stock.reason_hilang", "Hilang", "Lost"),
    ("stock.need_reason", "Pilih alasan hapus stok", "Pick a reason for the write-off"),
    ("stock.write_off", "Catat hapus stok", "Book the write-off"),
    ("stock.written_off", "Stok dihapus:", "Written off:"),
    ("stock.batch_count", "batch", "batches"),
    ("stock.expired", "Sudah kedaluwarsa", "Expired"),
    (
        "stock.write_off_expired",
        "Hapus semua yang kedaluwarsa",
        "Write off all expired",
    ),
    ("stock.none", "Tidak ada", "None"),
    ("stock.near_within", "Akan kedaluwarsa dalam", "Expiring within"),
    ("stock.days", "hari", "days"),
    ("stock.near", "Akan kedaluwarsa", "Expiring soon"),
    ("stock.month", "Bulan (YYYY-MM)", "Month (YYYY-MM)"),
    ("stock.show", "Tampilkan", "Show"),
    ("stock.sipnap", "Laporan SIPNAP (psikotropika, narkotika)", "SIPNAP report (psychotropics, narcotics)"),
    ("stock.nie", "NIE", "NIE"),
    ("stock.class", "Golongan", "Class"),
    ("stock.opening", "Stok awal", "Opening"),
    ("stock.in", "Masuk", "In"),
    ("stock.out", "Keluar", "Out"),
    ("stock.closing", "Stok akhir", "Closing"),
    ("stock.csv_path", "File CSV", "CSV file"),
    ("stock.export_csv", "Ekspor CSV", "Export CSV"),
    ("stock.exported", "Diekspor ke", "Exported to"),
    ("stock.products", "produk", "products"),
    ("stock.prescriptions", "Resep bulan ini", "Prescriptions of the month"),
    ("stock.rx_no", "No. resep", "Rx no."),
    ("stock.doctor", "Dokter", "Doctor"),
    ("stock.patient", "Pasien", "Patient"),
    ("stock.apoteker", "Apoteker", "Pharmacist"),
    ("stock.register", "Register psikotropika / narkotika", "Psychotropics / narcotics register"),
    ("stock.tab_reports", "Laporan stok", "Stock reports"),
    ("stock.new_supplier", "+ Pemasok baru", "+ New supplier"),
    ("stock.supplier_code", "Kode pemasok", "Supplier code"),
    ("stock.supplier_name", "Nama pemasok", "Supplier name"),
    ("stock.supplier_phone", "Telepon", "Phone"),
    ("stock.save_supplier", "Simpan pemasok", "Save supplier"),
    ("stock.supplier_saved", "Pemasok disimpan", "Supplier saved"),
    ("stock.cancel", "Batal", "Cancel"),
    ("stock.value_by_unit", "Nilai persediaan per unit usaha", "Stock value per business unit"),
    ("stock.unit", "Unit usaha", "Business unit"),
    ("stock.reorder", "Perlu dipesan ulang", "To reorder"),
    ("stock.sold", "Terjual", "Sold"),
    ("stock.products_head", "Produk", "Products"),
    ("stock.suggested", "Saran pesan", "Suggested order"),
    ("stock.slow", "Barang lambat laku", "Slow movers"),
    ("stock.not_sold_in", "tidak terjual dalam", "not sold in"),
    ("stock.last_sale", "Terakhir terjual", "Last sold"),
    ("stock.never_sold", "belum pernah", "never"),
    (
        "stock.hidden_during_count",
        "Opname berjalan: angka stok yang dihitung disembunyikan",
        "A count is under way: the stock figures being counted are hidden",
    ),
    (
        "stock.paid_drawer",
        "Tunai dari laci kasir ini",
        "Cash from this till's drawer",
    ),
    (
        "stock.paid_safe",
        "Tunai dari brankas (Kas Besar)",
        "Cash from the office safe (Kas Besar)",
    ),
    ("rx.prescribed", "Jumlah diresepkan", "Prescribed quantity"),
    ("rx.iter", "Iter (ulang, obat keras)", "Iter (repeats, obat keras)"),
    (
        "rx.reason",
        "Alasan menerima resep lama",
        "Reason for accepting an old prescription",
    ),
    ("settings.npwp", "NPWP koperasi", "Coop's NPWP"),
    ("settings.footer", "Kaki struk", "Receipt footer"),
    ("report.ppn", "Termasuk PPN", "Incl. VAT (PPN)"),
    ("scale.title", "Timbangan", "Scale"),
    ("scale.none", "tidak ada (ketik berat)", "none (type the weight)"),
    ("scale.connected", "tersambung", "connected"),
    ("scale.disconnected", "terputus — ketik berat", "disconnected — type the weight"),
    ("scale.sim", "simulasi", "simulated"),
    ("scale.overload", "kelebihan beban", "overloaded"),
    ("scale.under_zero", "di bawah nol", "below zero"),
    ("scale.moving", " (belum stabil)", " (not stable)"),
    ("scale.tare_label", "Tara (gram)", "Tare (grams)"),
    ("scale.weigh", "Timbang", "Weigh"),
    ("scale.sim_grams", "gram", "grams"),
    ("scale.sim_put", "Taruh di timbangan", "Put on the scale"),
    ("scale.sim_clear", "Kosongkan", "Take off"),
    ("settings.scale_port", "Port timbangan (kosong: tanpa timbangan, sim: simulasi)", "Scale port (empty: no scale, sim: simulated)"),
    ("settings.scale_protocol", "Protokol timbangan (cas, toledo)", "Scale protocol (cas, toledo)"),
    ("settings.scale_baud", "Baud timbangan", "Scale baud rate"),
    ("settings.scale_tare", "Tara timbangan (gram)", "Scale tare (grams)"),
    ("settings.label_layout", "Pola barcode timbang (mis. 20IIIIIWWWWW,21IIIIIPPPPP)", "Label barcode patterns (e.g. 20IIIIIWWWWW,21IIIIIPPPPP)"),
    ("back.plu", "Kode timbang", "Scale code"),
    (
        "override.oversell",
        "Jual melebihi stok",
        "Sell beyond stock",
    ),
    (
        "settings.till_printer",
        "Printer & laci kassa ini (kosong: printer toko)",
        "This till's printer & drawer (empty: the shop's printer)",
    ),
    // The serial scanner: settings, its test view, and what the till says about it.
    ("settings.scanner_baud", "Baud scanner", "Scanner baud"),
    ("settings.scanner_suffix", "Akhiran kode", "Code suffix"),
    ("settings.scanner_idle", "jeda (ms)", "pause (ms)"),
    ("settings.strip_stx_etx", "Buang STX/ETX", "Strip STX/ETX"),
    ("settings.strip_aim", "Buang awalan AIM (]E0 …)", "Strip AIM prefix (]E0 …)"),
    ("settings.test_scanner", "Tes scanner", "Test scanner"),
    ("scanner.suffix_none", "tanpa (jeda)", "none (pause)"),
    ("scanner.test", "Tes scanner: scan satu barcode sekarang", "Test scanner: scan a barcode now"),
    (
        "scanner.test_no_port",
        "Belum ada port scanner serial. Scanner keyboard (USB) tidak perlu diatur.",
        "No serial scanner port is set. A keyboard (USB) scanner needs no settings.",
    ),
    (
        "scanner.test_save_first",
        "Port lain berlaku setelah Simpan; akhiran dan pembuangan di atas langsung dicoba.",
        "Another port applies after Save; the suffix and stripping above are tried at once.",
    ),
    ("scanner.test_waiting", "Menunggu scan …", "Waiting for a scan …"),
    ("scanner.test_hex", "Byte (hex)", "Bytes (hex)"),
    ("scanner.test_text", "Teks", "Text"),
    ("scanner.test_result", "Dengan pengaturan di atas", "With the settings above"),
    ("scanner.test_code", "terbaca kode", "reads as code"),
    (
        "scanner.test_nothing",
        "belum ada kode: pilih akhiran \"tanpa (jeda)\"",
        "no code yet: choose the suffix \"none (pause)\"",
    ),
    ("scanner.again", "scan lagi", "scan again"),
    (
        "scanner.check_settings",
        "periksa Pengaturan > Tes scanner",
        "check Settings > Test scanner",
    ),
    (
        "scanner.lost",
        "Scanner terputus: periksa kabelnya",
        "Scanner disconnected: check its cable",
    ),
    ("scanner.back", "Scanner tersambung lagi", "Scanner connected again"),
    (
        "till.scan_elsewhere",
        "Scan tidak masuk keranjang: buka layar penjualan dulu, lalu scan lagi",
        "Scan not added to the cart: go to the selling screen first, then scan again",
    ),
    (
        "stock.rows_shown",
        "produk ditampilkan: ketik nama atau SKU untuk menyaring",
        "products shown: type a name or SKU to narrow",
    ),
    ("menu.open_shift_sell", "Buka shift untuk jual", "Open a shift to sell"),
    ("books.post_confirm", "Posting hari", "Post the day"),
    ("books.lines", "baris", "lines"),
    (
        "books.close_them_first",
        "tutup shift itu dulu, posting akan ditolak",
        "close those shifts first, posting will be refused",
    ),
    ("books.no_open_shifts", "Semua shift hari ini sudah ditutup", "Every shift of the day is closed"),
    (
        "books.post_stops_selling",
        "Setelah posting, penjualan hari ini selesai: shift baru tidak bisa dibuka dan penerimaan/penghapusan/opname dicatat besok, kecuali bendahara membalik penutupan hari",
        "After posting, selling is over for the day: no new shift can open and receiving, write-offs and counts are recorded tomorrow, unless the treasurer reverses the day close",
    ),
    ("books.post_now", "Posting sekarang", "Post now"),
    (
        "books.reverse_confirm",
        "Balik penutupan hari ini? Jurnal hari itu dibalik",
        "Reverse this day close? The day's journals are reversed",
    ),
    ("books.reverse_now", "Balik sekarang", "Reverse now"),
    ("shift.back_office", "Kembali tanpa shift", "Back without a shift"),
];

fn table() -> &'static HashMap<&'static str, (&'static str, &'static str)> {
    static MAP: OnceLock<HashMap<&'static str, (&'static str, &'static str)>> = OnceLock::new();
    MAP.get_or_init(|| TABLE.iter().map(|(k, id, en)| (*k, (*id, *en))).collect())
}

/// Look up a UI string. An unknown key is returned as is, so a missing entry shows up on
/// screen instead of crashing (and a test checks the table is complete for the UI's keys).
pub fn t(lang: Lang, key: &'static str) -> &'static str {
    match table().get(key) {
        Some((id, en)) => lang.pick(id, en),
        None => key,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_group_thousands_with_dots_and_agree_in_number() {
        assert_eq!(count(Lang::En, 1, "jurnal", "journals"), "1 journal");
        assert_eq!(count(Lang::En, 2, "jurnal", "journals"), "2 journals");
        assert_eq!(
            count(Lang::En, 100_000, "produk", "products"),
            "100.000 products"
        );
        assert_eq!(
            count(Lang::Id, 1_234_567, "produk", "products"),
            "1.234.567 produk"
        );
        assert_eq!(count(Lang::En, 0, "transaksi", "sales"), "0 sales");
    }

    #[test]
    fn table_has_no_duplicate_keys_and_no_empty_texts() {
        assert_eq!(table().len(), TABLE.len(), "duplicate key in TABLE");
        for (k, id, en) in TABLE {
            assert!(!id.is_empty() && !en.is_empty(), "{k} has an empty text");
        }
        assert_eq!(t(Lang::Id, "pay.cash"), "Tunai");
        assert_eq!(t(Lang::En, "pay.cash"), "Cash");
    }

    /// Every `t(lang, "…")` key the till's screens use is in the table (in both languages).
    #[test]
    fn every_key_the_screens_use_is_translated() {
        let sources = [
            include_str!("ui/app.rs"),
            include_str!("ui/backoffice.rs"),
            include_str!("ui/books/dashboard.rs"),
            include_str!("ui/books/day.rs"),
            include_str!("ui/books/ledger.rs"),
            include_str!("ui/books/members.rs"),
            include_str!("ui/books/mod.rs"),
            include_str!("ui/books/shift.rs"),
            include_str!("ui/books/shu.rs"),
            include_str!("ui/dialogs.rs"),
            include_str!("ui/input.rs"),
            include_str!("ui/login.rs"),
            include_str!("ui/mod.rs"),
            include_str!("ui/pay.rs"),
            include_str!("ui/returns.rs"),
            include_str!("ui/rx.rs"),
            include_str!("ui/scale.rs"),
            include_str!("ui/scanner_view.rs"),
            include_str!("ui/sell.rs"),
            include_str!("ui/selling.rs"),
            include_str!("ui/settings.rs"),
            include_str!("ui/stock/apotek.rs"),
            include_str!("ui/stock/mod.rs"),
            include_str!("ui/stock/on_hand.rs"),
            include_str!("ui/stock/opname.rs"),
            include_str!("ui/stock/receive.rs"),
            include_str!("ui/stock/reports.rs"),
            include_str!("ui/stock/writeoff.rs"),
            include_str!("ui/widgets.rs"),
        ];
        let mut missing = Vec::new();
        let mut seen = 0;
        for src in sources {
            for (i, _) in src.match_indices('"') {
                let rest = &src[i + 1..];
                let Some(end) = rest.find('"') else { continue };
                let word = &rest[..end];
                let prefix = word.split('.').next().unwrap_or("");
                let is_key = word.contains('.')
                    && word
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c == '.' || c == '_')
                    && TABLE
                        .iter()
                        .any(|(k, _, _)| k.starts_with(&format!("{prefix}.")));
                // Settings keys share prefixes with the table but are not shown.
                let setting = crate::service::settings::Key::ALL
                    .iter()
                    .any(|k| k.name() == word);
                if is_key && !setting {
                    seen += 1;
                    if !table().contains_key(word) {
                        missing.push(word.to_string());
                    }
                }
            }
        }
        assert!(seen > 100, "the scan found only {seen} keys");
        assert!(missing.is_empty(), "untranslated keys: {missing:?}");
    }
}
