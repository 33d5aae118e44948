//! TLS to PostgreSQL as libpq's `sslmode` means it, in Rust (rustls with ring): reading
//! `sslmode` and `sslrootcert` out of an address (the `postgres` crate knows neither
//! `verify-ca`, `verify-full` nor `sslrootcert`), keeping them in a credentials file, and the
//! certificate checks themselves.
//!
//! - `disable`, `allow`, `prefer` (libpq's default): a plain connection.
//! - `require`: encrypted, any certificate; with `sslrootcert`, as libpq, the same as
//!   `verify-ca`.
//! - `verify-ca`: the server's certificate chains to a root in `sslrootcert`.
//! - `verify-full`: that, and the certificate is for the host name or IP address connected
//!   to (its subjectAltName).
//!
//! A verify mode without `sslrootcert` is refused: kasir has no system store of roots.

use std::sync::Arc;

use postgres::config::SslMode;
use postgres::{Client, Config, NoTls};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, RootCertStore, SignatureScheme};
use serde::{Deserialize, Serialize};

use crate::error::{KasirError, Result};

/// How the connection is protected, by libpq's names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TlsMode {
    /// A plain connection (`disable`, `allow`, `prefer`).
    Disable,
    /// Encrypted, any certificate.
    Require,
    /// The certificate chains to the root.
    VerifyCa,
    /// The certificate chains to the root and is for the host connected to.
    VerifyFull,
}

impl TlsMode {
    fn name(self) -> &'static str {
        match self {
            TlsMode::Disable => "disable",
            TlsMode::Require => "require",
            TlsMode::VerifyCa => "verify-ca",
            TlsMode::VerifyFull => "verify-full",
        }
    }
}

/// The TLS an address asked for: its mode and, for the verify modes, the root
/// certificate(s) as PEM (read from `sslrootcert` once, then kept).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tls {
    pub mode: TlsMode,
    pub roots_pem: Option<String>,
}

impl Tls {
    pub const PLAIN: Tls = Tls {
        mode: TlsMode::Disable,
        roots_pem: None,
    };

    /// Whether the connection is encrypted at all.
    pub fn encrypted(&self) -> bool {
        self.mode != TlsMode::Disable
    }

    /// What a credentials file keeps of it.
    pub fn saved(&self) -> SavedTls {
        SavedTls {
            sslmode: Some(self.mode),
            sslrootcert_pem: self.roots_pem.clone(),
        }
    }

    /// The TLS a credentials file asks for: its `sslmode` and root when it has them; a file
    /// written before them has only `tls` (require or a plain connection).
    pub fn from_saved(tls: bool, saved: &SavedTls) -> Result<Tls> {
        let mode = saved.sslmode.unwrap_or(if tls {
            TlsMode::Require
        } else {
            TlsMode::Disable
        });
        let t = Tls {
            mode,
            roots_pem: saved.sslrootcert_pem.clone(),
        };
        if matches!(mode, TlsMode::VerifyCa | TlsMode::VerifyFull) {
            // Refused here rather than at the handshake: the file is damaged.
            roots(t.roots_pem.as_deref().unwrap_or(""), "sslrootcert_pem")?;
        }
        Ok(t)
    }
}

/// The TLS fields of a credentials file (beside its older `tls: bool`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedTls {
    /// libpq's sslmode the address asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sslmode: Option<TlsMode>,
    /// The root certificate(s) the server's certificate must chain to (PEM, copied from
    /// `sslrootcert` when the address was given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sslrootcert_pem: Option<String>,
}

/// An address read: the `postgres` crate's configuration and the TLS it asked for.
pub struct Address {
    pub config: Config,
    pub tls: Tls,
}

impl std::ops::Deref for Address {
    type Target = Config;

    fn deref(&self) -> &Config {
        &self.config
    }
}

fn unreadable() -> KasirError {
    KasirError::invalid(
        "Alamat server tidak terbaca (contoh: postgresql://pemilik@host:5432/koperasi)",
        "The server address does not parse (e.g. postgresql://owner@host:5432/coop)",
    )
}

/// Read a PostgreSQL address (a `postgresql://` URL or `key=value` pairs), taking its
/// `sslmode` and `sslrootcert` out before the `postgres` crate reads the rest. No message
/// ever shows the address (it may hold a password).
pub fn parse(url: &str) -> Result<Address> {
    let (rest, sslmode, sslrootcert) = split_tls_params(url).ok_or_else(unreadable)?;
    let mut config: Config = rest.parse().map_err(|_| unreadable())?;
    let tls = tls_of(sslmode.as_deref(), sslrootcert.as_deref())?;
    config.ssl_mode(if tls.encrypted() {
        SslMode::Require
    } else {
        SslMode::Disable
    });
    Ok(Address { config, tls })
}

fn unknown_mode(mode: &str) -> KasirError {
    const KNOWN: &str = "disable, prefer, require, verify-ca, verify-full";
    KasirError::invalid(
        format!("sslmode={mode} tidak dikenal ({KNOWN})"),
        format!("Unknown sslmode={mode} ({KNOWN})"),
    )
}

/// The TLS `sslmode` and `sslrootcert` ask for, the root read from its file.
fn tls_of(sslmode: Option<&str>, sslrootcert: Option<&str>) -> Result<Tls> {
    let mode = match sslmode.unwrap_or("prefer") {
        "disable" | "allow" | "prefer" => TlsMode::Disable,
        "require" if sslrootcert.is_some() => TlsMode::VerifyCa,
        "require" => TlsMode::Require,
        "verify-ca" => TlsMode::VerifyCa,
        "verify-full" => TlsMode::VerifyFull,
        other => return Err(unknown_mode(other)),
    };
    let Some(path) = sslrootcert else {
        if matches!(mode, TlsMode::VerifyCa | TlsMode::VerifyFull) {
            let m = mode.name();
            return Err(KasirError::invalid(
                format!("sslmode={m} perlu sslrootcert=BERKAS (sertifikat akar CA server, PEM): tanpa itu sertifikat server tidak bisa diperiksa"),
                format!("sslmode={m} needs sslrootcert=FILE (the root certificate of the server's CA, PEM): without it the server's certificate cannot be checked"),
            ));
        }
        return Ok(Tls {
            mode,
            roots_pem: None,
        });
    };
    if mode == TlsMode::Disable {
        return Err(KasirError::invalid(
            "sslrootcert hanya dipakai dengan sslmode=verify-full atau verify-ca: tambahkan sslmode",
            "sslrootcert is only used with sslmode=verify-full or verify-ca: add the sslmode",
        ));
    }
    if path == "system" {
        return Err(KasirError::invalid(
            "sslrootcert=system tidak didukung: berikan berkas sertifikat akar CA (PEM)",
            "sslrootcert=system is not supported: give the CA's root certificate file (PEM)",
        ));
    }
    let pem = std::fs::read_to_string(path).map_err(|e| {
        KasirError::invalid(
            format!("sslrootcert {path} tidak terbaca: {e}"),
            format!("sslrootcert {path} cannot be read: {e}"),
        )
    })?;
    roots(&pem, path)?;
    Ok(Tls {
        mode,
        roots_pem: Some(pem),
    })
}

/// The root certificates in `pem` (from `source`, for the message), at least one.
fn roots(pem: &str, source: &str) -> Result<RootCertStore> {
    let bad = |why: String, because: String| {
        KasirError::invalid(
            format!("sslrootcert {source}: {why}"),
            format!("sslrootcert {source}: {because}"),
        )
    };
    let mut store = RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(pem.as_bytes()) {
        let cert = cert.map_err(|e| {
            bad(
                format!("PEM tidak terbaca ({e})"),
                format!("the PEM does not read ({e})"),
            )
        })?;
        store.add(cert).map_err(|e| {
            bad(
                format!("bukan sertifikat akar yang sah ({e})"),
                format!("not a valid root certificate ({e})"),
            )
        })?;
    }
    if store.is_empty() {
        return Err(bad(
            "tidak ada sertifikat (-----BEGIN CERTIFICATE-----) di dalamnya".into(),
            "holds no certificate (-----BEGIN CERTIFICATE-----)".into(),
        ));
    }
    Ok(store)
}

/// `url` without its `sslmode` and `sslrootcert`, and their values; None when it does not
/// split (the `postgres` crate then says it does not parse).
fn split_tls_params(url: &str) -> Option<(String, Option<String>, Option<String>)> {
    let prefix = ["postgresql://", "postgres://"]
        .into_iter()
        .find(|p| url.starts_with(p));
    match prefix {
        Some(p) => split_url(url, p.len()),
        None => split_key_values(url),
    }
}

/// The URL form: parameters after the first `?` past the user information, as the
/// `postgres` crate reads them (`&`-separated, percent-encoded).
fn split_url(url: &str, after_scheme: usize) -> Option<(String, Option<String>, Option<String>)> {
    let body = &url[after_scheme..];
    let from = body.find('@').map_or(0, |i| i + 1);
    let Some(q) = body[from..].find('?').map(|i| after_scheme + from + i) else {
        return Some((url.to_string(), None, None));
    };
    let (mut sslmode, mut sslrootcert) = (None, None);
    let mut kept = Vec::new();
    for pair in url[q + 1..].split('&') {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match percent_decode(key)?.as_str() {
            "sslmode" => sslmode = Some(percent_decode(value)?),
            "sslrootcert" => sslrootcert = Some(percent_decode(value)?),
            _ => kept.push(pair),
        }
    }
    let mut rest = url[..q].to_string();
    if !kept.is_empty() {
        rest.push('?');
        rest.push_str(&kept.join("&"));
    }
    Some((rest, sslmode, sslrootcert))
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The `key=value` form (values may be 'quoted', `\` escapes the next character), as the
/// `postgres` crate reads it.
fn split_key_values(s: &str) -> Option<(String, Option<String>, Option<String>)> {
    let (mut sslmode, mut sslrootcert) = (None, None);
    let mut rest = String::new();
    let mut it = s.char_indices().peekable();
    loop {
        while it.next_if(|&(_, c)| c.is_whitespace()).is_some() {}
        let Some(&(start, _)) = it.peek() else { break };
        let mut key = String::new();
        while let Some((_, c)) = it.next_if(|&(_, c)| !c.is_whitespace() && c != '=') {
            key.push(c);
        }
        while it.next_if(|&(_, c)| c.is_whitespace()).is_some() {}
        it.next_if(|&(_, c)| c == '=')?;
        while it.next_if(|&(_, c)| c.is_whitespace()).is_some() {}
        let mut value = String::new();
        if it.next_if(|&(_, c)| c == '\'').is_some() {
            loop {
                match it.next()? {
                    (_, '\'') => break,
                    (_, '\\') => value.push(it.next()?.1),
                    (_, c) => value.push(c),
                }
            }
        } else {
            while let Some((_, c)) = it.next_if(|&(_, c)| !c.is_whitespace()) {
                if c == '\\' {
                    value.push(it.next()?.1);
                } else {
                    value.push(c);
                }
            }
        }
        let end = it.peek().map_or(s.len(), |&(i, _)| i);
        match key.as_str() {
            "sslmode" => sslmode = Some(value),
            "sslrootcert" => sslrootcert = Some(value),
            _ => {
                rest.push_str(&s[start..end]);
                rest.push(' ');
            }
        }
    }
    Some((rest.trim_end().to_string(), sslmode, sslrootcert))
}

/// Connect with `config` as `tls` asks.
pub fn connect(config: &Config, tls: &Tls) -> Result<Client> {
    let connected = if tls.encrypted() {
        let mut config = config.clone();
        config.ssl_mode(SslMode::Require);
        config.connect(connector(tls)?)
    } else {
        config.connect(NoTls)
    };
    connected.map_err(|e| match refused_certificate(&e) {
        Some(why) => refused(tls, why, config),
        None => crate::store::coop::pg_error("connect", e),
    })
}

/// The refusal to give when a failed connection is the server's certificate refused by
/// `tls` (none: another failure).
pub(crate) fn certificate_refusal(
    e: &postgres::Error,
    tls: &Tls,
    config: &Config,
) -> Option<KasirError> {
    refused_certificate(e).map(|why| refused(tls, why, config))
}

/// The certificate error inside a failed connection, if the handshake refused the server's
/// certificate.
fn refused_certificate(e: &postgres::Error) -> Option<CertificateError> {
    let mut next: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(e);
    while let Some(err) = next {
        let found = err.downcast_ref::<rustls::Error>().or_else(|| {
            err.downcast_ref::<std::io::Error>()
                .and_then(|io| io.get_ref())
                .and_then(|inner| inner.downcast_ref::<rustls::Error>())
        });
        if let Some(rustls::Error::InvalidCertificate(c)) = found {
            return Some(c.clone());
        }
        next = err.source();
    }
    None
}

fn refused(tls: &Tls, why: CertificateError, config: &Config) -> KasirError {
    let host = match config.get_hosts().first() {
        Some(postgres::config::Host::Tcp(h)) => h.clone(),
        _ => String::new(),
    };
    let (id, en) = match why {
        CertificateError::UnknownIssuer | CertificateError::BadSignature => (
            "tidak ditandatangani oleh CA di sslrootcert".to_string(),
            "not signed by a CA in sslrootcert".to_string(),
        ),
        CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => (
            format!("bukan untuk {host} (subjectAltName-nya)"),
            format!("not made for {host} (its subjectAltName)"),
        ),
        CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
            ("sudah kedaluwarsa".into(), "expired".into())
        }
        CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
            ("belum berlaku".into(), "not valid yet".into())
        }
        other => (format!("{other:?}"), format!("{other:?}")),
    };
    let m = tls.mode.name();
    KasirError::invalid(
        format!("Sertifikat server ditolak (sslmode={m}): {id}"),
        format!("The server's certificate was refused (sslmode={m}): {en}"),
    )
}

fn tls_setup_failed(e: impl std::fmt::Display) -> KasirError {
    KasirError::invalid(
        format!("TLS tidak bisa disiapkan: {e}"),
        format!("TLS cannot be set up: {e}"),
    )
}

/// The rustls connector for `tls` (ring as the provider).
pub(crate) fn connector(tls: &Tls) -> Result<tokio_postgres_rustls::MakeRustlsConnect> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let roots = match tls.mode {
        TlsMode::VerifyCa | TlsMode::VerifyFull => Some(Arc::new(roots(
            tls.roots_pem.as_deref().unwrap_or(""),
            "sslrootcert_pem",
        )?)),
        _ => None,
    };
    let verifier = Arc::new(Checked {
        roots,
        check_name: tls.mode == TlsMode::VerifyFull,
        provider: provider.clone(),
    });
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(tls_setup_failed)?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
}

/// How the server's certificate is checked. `verify-ca` and `verify-full` (`roots`): the
/// chain must lead to one of them (validity dates included); with `check_name`, the
/// certificate must also be for the host connected to. `require` (no `roots`): any
/// certificate. Either way the handshake's signatures are checked, so the session is
/// encrypted with the key of the certificate the server sent.
#[derive(Debug)]
struct Checked {
    roots: Option<Arc<RootCertStore>>,
    check_name: bool,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for Checked {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        let Some(roots) = &self.roots else {
            return Ok(ServerCertVerified::assertion());
        };
        let cert = rustls::server::ParsedCertificate::try_from(end_entity)?;
        rustls::client::verify_server_cert_signed_by_trust_anchor(
            &cert,
            roots,
            intermediates,
            now,
            self.provider.signature_verification_algorithms.all,
        )?;
        if self.check_name {
            rustls::client::verify_server_name(&cert, server_name)?;
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tls_parameters_come_out_of_a_url_and_the_rest_stays() {
        let (rest, mode, root) = split_tls_params(
            "postgresql://u:p%3Fw@h:5432/db?application_name=x&sslmode=verify-full&sslrootcert=%2Fetc%2Fca%20root.crt&connect_timeout=5",
        )
        .unwrap();
        assert_eq!(
            rest,
            "postgresql://u:p%3Fw@h:5432/db?application_name=x&connect_timeout=5"
        );
        assert_eq!(mode.as_deref(), Some("verify-full"));
        assert_eq!(root.as_deref(), Some("/etc/ca root.crt"));
        let (rest, mode, root) = split_tls_params("postgres://h/db?sslmode=require").unwrap();
        assert_eq!(
            (rest.as_str(), mode.as_deref(), root),
            ("postgres://h/db", Some("require"), None)
        );
        // A `?` in the password is not the parameters' start.
        let (rest, mode, _) = split_tls_params("postgresql://u:a?b@h/db").unwrap();
        assert_eq!((rest.as_str(), mode), ("postgresql://u:a?b@h/db", None));
    }

    #[test]
    fn the_tls_parameters_come_out_of_key_value_pairs() {
        let (rest, mode, root) = split_tls_params(
            "host=h sslmode = verify-ca password='a b\\'c' sslrootcert='/x/my root.crt' dbname=k",
        )
        .unwrap();
        assert_eq!(rest, "host=h password='a b\\'c' dbname=k");
        assert_eq!(mode.as_deref(), Some("verify-ca"));
        assert_eq!(root.as_deref(), Some("/x/my root.crt"));
        let cfg: Config = rest.parse().unwrap();
        assert_eq!(cfg.get_password(), Some(&b"a b'c"[..]));
        assert!(split_tls_params("host=h sslmode='open").is_none());
    }

    #[test]
    fn a_verify_mode_needs_a_root_and_a_root_needs_a_verify_mode() {
        for mode in ["verify-ca", "verify-full"] {
            let e = tls_of(Some(mode), None).unwrap_err();
            assert!(e
                .message(crate::i18n::Lang::En)
                .contains("needs sslrootcert"));
        }
        assert!(tls_of(Some("prefer"), Some("/x")).is_err());
        assert!(tls_of(None, Some("/x")).is_err());
        assert!(tls_of(Some("verify-full"), Some("system")).is_err());
        assert!(tls_of(Some("verify"), None).is_err());
        assert_eq!(
            tls_of(Some("require"), None).unwrap().mode,
            TlsMode::Require
        );
        assert_eq!(tls_of(None, None).unwrap(), Tls::PLAIN);
        // An old credentials file: only `tls`.
        let old = SavedTls::default();
        assert_eq!(Tls::from_saved(true, &old).unwrap().mode, TlsMode::Require);
        assert_eq!(Tls::from_saved(false, &old).unwrap(), Tls::PLAIN);
        // A verify mode kept without its root is a damaged file.
        let damaged = SavedTls {
            sslmode: Some(TlsMode::VerifyFull),
            sslrootcert_pem: None,
        };
        assert!(Tls::from_saved(true, &damaged).is_err());
    }
}
