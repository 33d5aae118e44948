//! Users, roles and what each role may do.

use serde::{Deserialize, Serialize};

use super::catalog::text_enum;
use crate::i18n::Lang;

text_enum! {
    /// A user's role at the coop.
    Role {
        Kasir = "kasir",
        /// Stock manager (petugas gudang).
        Gudang = "gudang",
        /// Pharmacist in charge of the apotek.
        Apoteker = "apoteker",
        /// Treasurer / board member.
        Bendahara = "bendahara",
        Admin = "admin",
    }
}

/// Something a user asks the system to do that not every role may.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Permission {
    Sell,
    ManageCatalog,
    ManageMembers,
    ReceiveStock,
    ViewReports,
    /// Approve an override: price, discount, void, drawer, credit above limit.
    Supervise,
    ApprovePrescription,
    ManageUsers,
    /// Close a business day and post it to the ledger; reverse a posted day.
    CloseDay,
    /// Change the shop's tax, money and receipt-header settings (NPWP, PKP, PPN rate,
    /// rounding, name, footer); devices and counters need ManageUsers (admin).
    ManageShopSettings,
}

impl Role {
    /// The rule table: which role may do what.
    pub fn may(self, p: Permission) -> bool {
        use Permission::*;
        use Role::*;
        match self {
            Admin => true,
            Kasir => matches!(p, Sell),
            Gudang => matches!(p, ReceiveStock | ManageCatalog | ViewReports),
            Apoteker => matches!(
                p,
                Sell | ApprovePrescription | ReceiveStock | ViewReports | Supervise
            ),
            Bendahara => matches!(
                p,
                ManageMembers | ViewReports | Supervise | Sell | CloseDay | ManageShopSettings
            ),
        }
    }

    /// Whether the role works a counter: after login it counts the float and sells. The
    /// back office (bendahara, gudang, admin) lands on its own screens without a shift and
    /// opens one only when it chooses to sell.
    pub fn works_counter(self) -> bool {
        matches!(self, Role::Kasir | Role::Apoteker)
    }
}

/// What a role check is for: the one list of the actions a refusal names, in both
/// languages ("Role kasir is not allowed to close the day").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Act {
    BackupPolicy,
    KasbonRule,
    ImportMembers,
    ImportCatalog,
    ImportSavings,
    CashInOut,
    ReverseDay,
    SipnapReport,
    ViewOpnameCounts,
    ViewDrugRegister,
    ViewPrescriptions,
    ViewXReport,
    RecallSale,
    GenerateShop,
    OpenDrawer,
    OpenDrawerForCount,
    OpenShift,
    StartOpname,
    HoldSale,
    PrintSlip,
    PrintTestPage,
    PrintShiftReport,
    Reprint,
    TakeRepayment,
    WriteOff,
    CountOpname,
    ChangePrice,
    Sell,
    CloseShift,
    FinishOpname,
    Approve,
    ApproveKasbon,
    ApproveOpname,
    Return,
    AddSupplier,
    AddUser,
    ChangeUser,
    PublishSync,
    ReceiveGoods,
    CloseDay,
    EditAccounts,
    SaleLimits,
    ChangeSettings,
    PostOpening,
    ResolveException,
}

impl Act {
    /// The action's name: (Bahasa Indonesia, English).
    pub fn names(self) -> (&'static str, &'static str) {
        use Act::*;
        match self {
            BackupPolicy => ("atur cadangan otomatis", "set the automatic backup"),
            KasbonRule => ("atur limit kasbon", "set the kasbon limits"),
            ImportMembers => ("impor anggota", "import members"),
            ImportCatalog => ("impor katalog", "import the catalog"),
            ImportSavings => ("impor simpanan", "import savings"),
            CashInOut => ("kas masuk/keluar", "record cash in or out"),
            ReverseDay => ("koreksi hari", "reverse a day"),
            SipnapReport => ("laporan SIPNAP", "make the SIPNAP report"),
            ViewOpnameCounts => ("melihat hitungan opname", "see a stock count's figures"),
            ViewDrugRegister => ("melihat register obat", "see the drug register"),
            ViewPrescriptions => ("melihat resep", "see prescriptions"),
            ViewXReport => ("melihat laporan X", "see the X report"),
            RecallSale => ("memanggil transaksi", "recall a held sale"),
            GenerateShop => ("membuat toko contoh", "build a trial shop"),
            OpenDrawer => ("membuka laci kas", "open the cash drawer"),
            OpenDrawerForCount => (
                "membuka laci untuk hitung kas",
                "open the drawer for a cash count",
            ),
            OpenShift => ("membuka shift", "open a shift"),
            StartOpname => ("memulai opname", "start a stock count"),
            HoldSale => ("menahan transaksi", "hold a sale"),
            PrintSlip => ("mencetak bukti terima", "print a goods-received slip"),
            PrintTestPage => ("mencetak halaman uji", "print a test page"),
            PrintShiftReport => ("mencetak laporan shift", "print a shift report"),
            Reprint => ("mencetak ulang struk", "reprint a receipt"),
            TakeRepayment => ("menerima bayar kasbon", "take a kasbon repayment"),
            WriteOff => ("menghapus stok", "write off stock"),
            CountOpname => ("menghitung opname", "count stock"),
            ChangePrice => ("mengubah harga", "change a price"),
            Sell => ("menjual", "sell"),
            CloseShift => ("menutup shift", "close a shift"),
            FinishOpname => ("menyelesaikan opname", "finish a stock count"),
            Approve => ("menyetujui", "approve"),
            ApproveKasbon => (
                "menyetujui kasbon di atas limit",
                "approve kasbon above the limit",
            ),
            ApproveOpname => ("menyetujui opname", "approve a stock count"),
            Return => ("retur", "take a return"),
            AddSupplier => ("tambah pemasok", "add a supplier"),
            AddUser => ("tambah pengguna", "add a user"),
            ChangeUser => ("ubah pengguna", "change a user"),
            PublishSync => (
                "terbitkan data file ini ke server koperasi",
                "publish this file's data to the coop's server",
            ),
            ReceiveGoods => ("terima barang", "receive goods"),
            CloseDay => ("tutup hari", "close the day"),
            EditAccounts => ("ubah bagan akun", "change the chart of accounts"),
            SaleLimits => ("ubah batas jual", "change sale limits"),
            ChangeSettings => ("ubah pengaturan", "change settings"),
            PostOpening => ("posting saldo awal", "post the opening balances"),
            ResolveException => ("menyelesaikan pengecualian", "resolve an exception"),
        }
    }

    /// The action's name in `lang`.
    pub fn name(self, lang: Lang) -> &'static str {
        let (id, en) = self.names();
        lang.pick(id, en)
    }
}

impl std::fmt::Display for Act {
    /// The English name (logs and the error's `Display`; people see [`Act::name`]).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.names().1)
    }
}

impl Role {
    /// The role's name in `lang` (the Indonesian names are the ones stored).
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (_, Lang::Id) => self.as_str(),
            (Role::Kasir, Lang::En) => "cashier",
            (Role::Gudang, Lang::En) => "stock clerk",
            (Role::Apoteker, Lang::En) => "pharmacist",
            (Role::Bendahara, Lang::En) => "treasurer",
            (Role::Admin, Lang::En) => "admin",
        }
    }
}

/// Who is acting: a logged-in user, or the back-office operator at the CLI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub username: String,
    pub name: String,
    pub role: Role,
}

impl Actor {
    /// Whoever holds the database file at the command line acts as the shop's back office.
    pub fn back_office() -> Self {
        Actor {
            user_id: None,
            username: "backoffice".into(),
            name: "Back office".into(),
            role: Role::Admin,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cashiers_sell_but_do_not_supervise() {
        assert!(Role::Kasir.may(Permission::Sell));
        assert!(!Role::Kasir.may(Permission::Supervise));
        assert!(!Role::Kasir.may(Permission::ManageCatalog));
        assert!(!Role::Gudang.may(Permission::Sell));
        assert!(Role::Apoteker.may(Permission::ApprovePrescription));
        assert!(!Role::Bendahara.may(Permission::ApprovePrescription));
        assert!(Role::Admin.may(Permission::ManageUsers));
    }
}
