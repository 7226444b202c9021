//! The local certificate authority of `serve --tls`: made once (an ECDSA
//! P-256 key and a self-signed certificate, by rcgen on ring) and kept in
//! the store, and the server certificate it issues at each start, whose
//! key lives in memory only. Nothing here reads or writes a file.

use super::SecretBytes;
use crate::error::{Error, Result};
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose, PKCS_ECDSA_P256_SHA256, SanType, SerialNumber,
};
use rustls::client::danger::ServerCertVerifier as _;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName};
use std::net::IpAddr;
use zeroize::Zeroize;

/// How long a CA is valid: long enough that a trust set up once lasts.
pub const CA_LIFETIME: i64 = 10 * 365 * 86_400;
/// How long a server certificate is valid. It is made at each start, so
/// this only bounds one run of the server.
pub const LEAF_LIFETIME: i64 = 365 * 86_400;
/// Both start this long before they are made, for a client whose clock is
/// a little behind.
const BACKDATE: i64 = 3600;

/// The CA as the store keeps it. `Debug` never shows the key.
pub struct Ca {
    /// Its subject's common name, which every certificate it issues names
    /// as issuer.
    pub name: String,
    /// Its private key, PKCS#8 DER.
    pub key: SecretBytes,
    /// Its self-signed certificate, DER.
    pub cert: Vec<u8>,
    /// Valid from (Unix seconds).
    pub not_before: i64,
    /// Valid until (Unix seconds).
    pub not_after: i64,
}

impl std::fmt::Debug for Ca {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ca")
            .field("name", &self.name)
            .field("not_after", &self.not_after)
            .finish_non_exhaustive()
    }
}

/// A name the server certificate is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Name {
    /// A DNS name, lower-case.
    Dns(String),
    /// An IP address.
    Ip(IpAddr),
}

/// A key pair wiped when dropped (rcgen's own keeps its PKCS#8 bytes).
struct Wiped(KeyPair);

impl Drop for Wiped {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

fn tls_error(what: &str, e: impl std::fmt::Display) -> Error {
    Error::internal(format!("cannot {what}: {e}"))
}

fn time(unix: i64) -> Result<time::OffsetDateTime> {
    time::OffsetDateTime::from_unix_timestamp(unix).map_err(|e| tls_error("date a certificate", e))
}

fn serial() -> SerialNumber {
    let mut b = [0u8; 16];
    super::random_bytes(&mut b);
    // A positive DER integer of minimal length, as RFC 5280 §4.1.2.2 asks.
    b[0] = (b[0] & 0x3f) | 0x40;
    SerialNumber::from_slice(&b)
}

/// The CA's parameters: what its certificate says, and what a certificate
/// it issues takes from it (the issuer name and key identifier).
fn ca_params(name: &str, not_before: i64, not_after: i64) -> Result<CertificateParams> {
    let mut p = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, name);
    dn.push(DnType::OrganizationName, "appctl");
    p.distinguished_name = dn;
    // It signs server certificates only, never another CA.
    p.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    p.not_before = time(not_before)?;
    p.not_after = time(not_after)?;
    Ok(p)
}

fn load_key(ca: &Ca) -> Result<Wiped> {
    let der = PrivatePkcs8KeyDer::from(&ca.key[..]);
    KeyPair::from_pkcs8_der_and_sign_algo(&der, &PKCS_ECDSA_P256_SHA256)
        .map(Wiped)
        .map_err(|e| tls_error("read the local CA's key", e))
}

impl Ca {
    /// A new CA, valid from shortly before `now` for [`CA_LIFETIME`].
    pub fn make(now: i64) -> Result<Ca> {
        let key = Wiped(
            KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256)
                .map_err(|e| tls_error("make a key", e))?,
        );
        let mut id = [0u8; 4];
        super::random_bytes(&mut id);
        // Unique, so that CAs of several stores trusted together are told
        // apart by name as well as by key.
        let name = format!("appctl local CA {}", super::hex(&id));
        let (not_before, not_after) = (now - BACKDATE, now + CA_LIFETIME);
        let mut params = ca_params(&name, not_before, not_after)?;
        params.serial_number = Some(serial());
        let cert = params
            .self_signed(&key.0)
            .map_err(|e| tls_error("make the local CA", e))?;
        Ok(Ca {
            name,
            key: SecretBytes::new(key.0.serialize_der()),
            cert: cert.der().to_vec(),
            not_before,
            not_after,
        })
    }

    /// Whether the CA can still issue a certificate at `now`: it is
    /// replaced within a day of its end, not used until then.
    pub fn usable(&self, now: i64) -> bool {
        now + 86_400 < self.not_after
    }

    /// The certificate in PEM, for `REQUESTS_CA_BUNDLE` or
    /// `NODE_EXTRA_CA_CERTS`.
    pub fn pem(&self) -> String {
        let config = pem::EncodeConfig::new().set_line_ending(pem::LineEnding::LF);
        pem::encode_config(&pem::Pem::new("CERTIFICATE", self.cert.clone()), config)
    }

    /// The SHA-256 of the certificate, in upper-case hex pairs joined by
    /// colons, as browsers and `openssl x509 -fingerprint -sha256` show it.
    pub fn fingerprint(&self) -> String {
        let d = ring::digest::digest(&ring::digest::SHA256, &self.cert);
        d.as_ref()
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect::<Vec<_>>()
            .join(":")
    }

    /// A server certificate for `names` with a new key, valid from shortly
    /// before `now` for [`LEAF_LIFETIME`], never past the CA's own end.
    pub fn issue(
        &self,
        names: &[Name],
        now: i64,
    ) -> Result<(CertificateDer<'static>, PrivateKeyDer<'static>)> {
        let ca_key = load_key(self)?;
        let issuer = Issuer::new(
            ca_params(&self.name, self.not_before, self.not_after)?,
            &ca_key.0,
        );
        let key = Wiped(
            KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256)
                .map_err(|e| tls_error("make a key", e))?,
        );
        let mut p = CertificateParams::default();
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CommonName, "appctl serve");
        p.distinguished_name = dn;
        p.subject_alt_names = names
            .iter()
            .map(|n| match n {
                Name::Ip(ip) => Ok(SanType::IpAddress(*ip)),
                Name::Dns(d) => d
                    .as_str()
                    .try_into()
                    .map(SanType::DnsName)
                    .map_err(|e| tls_error("name the server certificate", e)),
            })
            .collect::<Result<_>>()?;
        p.is_ca = IsCa::ExplicitNoCa;
        p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        p.use_authority_key_identifier_extension = true;
        p.serial_number = Some(serial());
        p.not_before = time(now - BACKDATE)?;
        p.not_after = time((now + LEAF_LIFETIME).min(self.not_after))?;
        let cert = p
            .signed_by(&key.0, &issuer)
            .map_err(|e| tls_error("issue the server certificate", e))?;
        let key_der = PrivatePkcs8KeyDer::from(key.0.serialize_der());
        Ok((cert.der().clone(), key_der.into()))
    }

    /// What is wrong with the CA as stored, for `check`: a key or
    /// certificate that does not parse, or a key whose certificates the
    /// CA's own certificate does not vouch for (a server certificate for
    /// `localhost` is issued and verified as a client would).
    pub fn problems(&self, now: i64) -> Vec<String> {
        let mut roots = rustls::RootCertStore::empty();
        if roots.add(CertificateDer::from(&self.cert[..])).is_err() {
            return vec!["the local CA's certificate does not parse".into()];
        }
        if load_key(self).is_err() {
            return vec!["the local CA's key does not parse".into()];
        }
        let at = now.clamp(self.not_before + BACKDATE, self.not_after - 1);
        let Ok((leaf, _)) = self.issue(&[Name::Dns("localhost".into())], at) else {
            return vec!["the local CA cannot issue a certificate".into()];
        };
        let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
        let verified = rustls::client::WebPkiServerVerifier::builder_with_provider(
            std::sync::Arc::new(roots),
            provider,
        )
        .build()
        .map_err(|e| e.to_string())
        .and_then(|v| {
            let when = rustls::pki_types::UnixTime::since_unix_epoch(
                std::time::Duration::from_secs(u64::try_from(at).unwrap_or(0)),
            );
            v.verify_server_cert(
                &leaf,
                &[],
                &ServerName::try_from("localhost").map_err(|e| e.to_string())?,
                &[],
                when,
            )
            .map_err(|e| e.to_string())
        });
        match verified {
            Ok(_) => Vec::new(),
            Err(_) => vec!["the local CA's key does not match its certificate".into()],
        }
    }
}

/// A `--tls-name`: a DNS name (lower-cased) or an IP address; exit 9 for
/// anything else, a wildcard included.
pub fn name(given: &str) -> Result<Name> {
    let refused = || {
        Error::invalid(format!(
            "--tls-name {given:?} is not a DNS name or an IP address"
        ))
        .with_hint("give a name such as api.twitter.com or an address such as 192.0.2.7")
    };
    if given.contains('*') {
        return Err(Error::invalid(format!(
            "--tls-name {given:?}: wildcard names are not issued"
        ))
        .with_hint("give each name with its own --tls-name"));
    }
    match ServerName::try_from(given.to_ascii_lowercase()) {
        Ok(ServerName::IpAddress(ip)) => Ok(Name::Ip(IpAddr::from(ip))),
        Ok(ServerName::DnsName(d)) => Ok(Name::Dns(d.as_ref().to_string())),
        _ => Err(refused()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000;

    #[test]
    fn a_new_ca_issues_certificates_it_vouches_for_and_hides_its_key() {
        let ca = Ca::make(NOW).unwrap();
        assert!(ca.name.starts_with("appctl local CA "));
        assert_eq!(ca.not_after - ca.not_before, CA_LIFETIME + BACKDATE);
        assert!(ca.usable(NOW) && !ca.usable(ca.not_after - 3600));
        assert_eq!(ca.problems(NOW), Vec::<String>::new());
        let pem = ca.pem();
        assert!(pem.starts_with("-----BEGIN CERTIFICATE-----\n"), "{pem}");
        assert!(!pem.contains("PRIVATE"));
        assert!(!format!("{ca:?}").contains("key"));
        assert_eq!(ca.fingerprint().len(), 32 * 3 - 1);
        // Another CA's certificate with this key: refused.
        let other = Ca::make(NOW).unwrap();
        let mixed = Ca {
            name: ca.name.clone(),
            key: SecretBytes::new(other.key.to_vec()),
            cert: ca.cert.clone(),
            not_before: ca.not_before,
            not_after: ca.not_after,
        };
        assert_eq!(
            mixed.problems(NOW),
            ["the local CA's key does not match its certificate"]
        );
        let broken = Ca {
            cert: b"not a certificate".to_vec(),
            key: SecretBytes::new(ca.key.to_vec()),
            name: ca.name.clone(),
            ..other
        };
        assert_eq!(
            broken.problems(NOW),
            ["the local CA's certificate does not parse"]
        );
    }

    /// `unix` as DER writes a validity time: UTCTime before 2050,
    /// GeneralizedTime from then on (RFC 5280 §4.1.2.5).
    fn der_time(unix: i64) -> Vec<u8> {
        let t = time(unix).unwrap();
        let rest = format!(
            "{:02}{:02}{:02}{:02}{:02}Z",
            t.month() as u8,
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        );
        if t.year() < 2050 {
            format!("{:02}{rest}", t.year() % 100).into_bytes()
        } else {
            format!("{:04}{rest}", t.year()).into_bytes()
        }
    }

    fn holds(der: &[u8], needle: &[u8]) -> bool {
        der.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn a_server_certificate_never_outlives_its_ca() {
        let ca = Ca::make(NOW).unwrap();
        let names = [Name::Dns("localhost".into())];
        let (leaf, _) = ca.issue(&names, NOW).unwrap();
        assert!(holds(&leaf, &der_time(NOW + LEAF_LIFETIME)));
        let late = ca.not_after - 30 * 86_400;
        let (leaf, _) = ca.issue(&names, late).unwrap();
        assert!(holds(&leaf, &der_time(ca.not_after)));
        assert!(!holds(&leaf, &der_time(late + LEAF_LIFETIME)));
    }

    #[test]
    fn tls_names_are_dns_names_or_addresses() {
        assert_eq!(
            name("API.Twitter.com").unwrap(),
            Name::Dns("api.twitter.com".into())
        );
        assert_eq!(name("::1").unwrap(), Name::Ip("::1".parse().unwrap()));
        assert_eq!(
            name("192.0.2.7").unwrap(),
            Name::Ip("192.0.2.7".parse().unwrap())
        );
        for bad in ["*.example.com", "", "a b", "exa mple", "http://x", "a/b"] {
            assert_eq!(name(bad).unwrap_err().exit_code(), 9, "{bad:?}");
        }
    }
}
