//! Users, roles and what each role may do.

use serde::{Deserialize, Serialize};

use super::catalog::text_enum;

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
