//! Members: import, export, lookup.

use std::collections::HashSet;
use std::io::{Read, Write};

use rust_decimal::Decimal;

use super::catalog::CsvRows;
use super::{new_uuid, Shop};
use crate::domain::user::{Actor, Permission};
use crate::error::{KasirError, Result};
use crate::store::members::{self as q, MemberRow};

/// A member row from a CSV file.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberImport {
    pub number: String,
    pub name: String,
    pub phone: Option<String>,
    pub nik: Option<String>,
    pub kasbon_limit: Decimal,
}

/// Parse and check a members CSV (`number,name,phone,nik,kasbon_limit`).
pub fn parse_members(input: impl Read) -> Result<Vec<MemberImport>> {
    let mut rows = CsvRows::new(
        input,
        &["number", "name"],
        // `kasbon_balance` is what `members export` adds; the balance is never imported.
        &["phone", "nik", "kasbon_limit", "kasbon_balance"],
    )?;
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    while let Some(row) = rows.next_row() {
        let (_, r) = row?;
        let number = r.required("number")?;
        if number.len() > 20
            || !number
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'/')
        {
            return Err(r.err(
                format!("nomor anggota \"{number}\" tidak sah"),
                format!("member number \"{number}\" is not valid"),
            ));
        }
        if !seen.insert(number.to_ascii_uppercase()) {
            return Err(r.err(
                format!("nomor anggota {number} muncul dua kali"),
                format!("member number {number} appears twice"),
            ));
        }
        let phone = r.opt_text("phone");
        if let Some(p) = &phone {
            let digits = p.trim_start_matches('+');
            if !(8..=15).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(r.err(
                    format!("nomor HP \"{p}\" tidak sah"),
                    format!("phone \"{p}\" is not valid"),
                ));
            }
        }
        let nik = r.opt_text("nik");
        if let Some(n) = &nik {
            if n.len() != 16 || !n.bytes().all(|b| b.is_ascii_digit()) {
                return Err(r.err(
                    format!("NIK \"{n}\" harus 16 angka"),
                    format!("NIK \"{n}\" must be 16 digits"),
                ));
            }
        }
        out.push(MemberImport {
            number,
            name: r.required("name")?,
            phone,
            nik,
            kasbon_limit: r.amount("kasbon_limit")?.unwrap_or_default(),
        });
    }
    Ok(out)
}

impl Shop {
    /// Import members: all rows or none. Each member the file changes travels to the
    /// other nodes as it now stands (a members event).
    pub fn import_members(&mut self, actor: &Actor, input: impl Read) -> Result<usize> {
        self.import_members_with(actor, input, true)
    }

    /// The demo shop's members, without their events (the same fixture on every node).
    /// Only `demo::fill` calls this.
    pub(super) fn import_demo_members(&mut self, actor: &Actor, input: impl Read) -> Result<usize> {
        self.import_members_with(actor, input, false)
    }

    fn import_members_with(
        &mut self,
        actor: &Actor,
        input: impl Read,
        event: bool,
    ) -> Result<usize> {
        super::auth::require(
            actor,
            Permission::ManageMembers,
            crate::domain::user::Act::ImportMembers,
        )?;
        let members = parse_members(input)?;
        let till = if event {
            Some(self.event_till()?)
        } else {
            None
        };
        let at = super::stamp(self.now());
        self.store.write(|tx| {
            let mut changed = Vec::new();
            for m in &members {
                // A member the file leaves as it is writes nothing.
                let same = q::record(tx, &m.number)?.is_some_and(|(e, active)| {
                    active
                        && e.number == m.number
                        && e.name == m.name
                        && e.phone == m.phone
                        && e.nik == m.nik
                        && e.kasbon_limit == m.kasbon_limit
                });
                if same {
                    continue;
                }
                changed.push(m.number.clone());
                q::upsert(
                    tx,
                    &new_uuid(),
                    &m.number,
                    &m.name,
                    m.phone.as_deref(),
                    m.nik.as_deref(),
                    m.kasbon_limit,
                )?;
            }
            if let Some(till) = &till {
                super::catalog_sync::member_events(tx, till, &at, &changed)?;
            }
            Ok(())
        })?;
        Ok(members.len())
    }

    /// Write all members as CSV, with their kasbon balance.
    pub fn export_members(&self, out: impl Write) -> Result<usize> {
        let members = q::all(self.store.conn())?;
        let mut w = crate::service::CsvOut::new(out);
        w.write_record([
            "number",
            "name",
            "phone",
            "nik",
            "kasbon_limit",
            "kasbon_balance",
        ])?;
        for m in &members {
            w.write_record([
                m.number.to_string(),
                m.name.to_string(),
                m.phone.clone().unwrap_or_default(),
                m.nik.clone().unwrap_or_default(),
                m.kasbon_limit.normalize().to_string(),
                m.kasbon_balance.normalize().to_string(),
            ])?;
        }
        w.flush()?;
        Ok(members.len())
    }

    /// A member by number.
    pub fn member(&self, number: &str) -> Result<MemberRow> {
        q::by_number(self.store.conn(), number.trim())?
            .ok_or_else(|| KasirError::NoSuchMember(number.trim().to_string()))
    }

    /// Members by number, name or phone.
    pub fn search_members(&self, needle: &str, limit: usize) -> Result<Vec<MemberRow>> {
        q::search(self.store.conn(), needle.trim(), limit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_rows_are_checked() {
        let ok = "number,name,phone,nik,kasbon_limit\nA0001,Siti Aminah,081234567890,3201014506850001,500000\n";
        assert_eq!(
            parse_members(ok.as_bytes()).unwrap()[0].kasbon_limit,
            Decimal::from(500000)
        );
        for bad in [
            "A0001,Siti,0812,,0",
            "A0001,Siti,081234567890,12345,0",
            "A0001,,081234567890,,0",
            "A 1,Siti,,,0",
            "A0001,Siti,,,-5",
        ] {
            let csv = format!("number,name,phone,nik,kasbon_limit\n{bad}\n");
            assert!(
                matches!(
                    parse_members(csv.as_bytes()),
                    Err(KasirError::Import { line: 2, .. })
                ),
                "{bad}"
            );
        }
    }
}
