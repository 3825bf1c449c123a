//! Certificates: authorities that issue, and the leaves the harness and the
//! reference present. Minted with rcgen; nothing here is written to disk.

use std::net::IpAddr;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair, KeyUsagePurpose,
    SanType,
};
use time::{Duration, OffsetDateTime};

#[derive(Debug, thiserror::Error)]
pub enum PkiError {
    #[error("cannot make a certificate: {0}")]
    Mint(#[from] rcgen::Error),
    #[error("{0}")]
    Bad(String),
}

/// A certificate and its private key, PEM.
#[derive(Clone)]
pub struct Issued {
    pub cert_pem: String,
    pub key_pem: String,
}

impl std::fmt::Debug for Issued {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Issued").field("cert_pem", &self.cert_pem).field("key_pem", &"<secret>").finish()
    }
}

impl Issued {
    /// Certificate then key, as reqwest's `Identity::from_pem` reads them.
    pub fn identity_pem(&self) -> Vec<u8> {
        format!("{}\n{}", self.cert_pem, self.key_pem).into_bytes()
    }
}

/// When a certificate is valid, relative to now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validity {
    /// From yesterday for a year.
    Current,
    /// For a month, ending yesterday.
    Expired,
    /// For a month, starting tomorrow.
    NotYetValid,
}

impl Validity {
    fn window(self) -> (OffsetDateTime, OffsetDateTime) {
        let now = OffsetDateTime::now_utc();
        let day = Duration::days(1);
        match self {
            Self::Current => (now - day, now + Duration::days(365)),
            Self::Expired => (now - Duration::days(31), now - day),
            Self::NotYetValid => (now + day, now + Duration::days(31)),
        }
    }
}

/// What a leaf certificate is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Client,
    Server,
}

/// A certification authority: its certificate and signing key.
#[derive(Clone)]
pub struct Authority {
    cert_pem: String,
    key_pem: String,
}

impl std::fmt::Debug for Authority {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Authority").field("cert_pem", &self.cert_pem).field("key_pem", &"<secret>").finish()
    }
}

impl Authority {
    /// A new throw-away authority.
    pub fn generate(name: &str) -> Result<Self, PkiError> {
        let key = KeyPair::generate()?;
        let mut params = CertificateParams::new(Vec::<String>::new())?;
        params.distinguished_name.push(DnType::CommonName, name);
        params.distinguished_name.push(DnType::OrganizationName, "rfa-harness test PKI");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages =
            vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
        let (from, to) = Validity::Current.window();
        (params.not_before, params.not_after) = (from, to + Duration::days(365));
        let cert = params.self_signed(&key)?;
        Ok(Self { cert_pem: cert.pem(), key_pem: key.serialize_pem() })
    }

    /// An authority from a config: its certificate and PKCS#8 key, PEM.
    /// Checked by issuing one certificate.
    pub fn from_pem(cert_pem: &str, key_pem: &str) -> Result<Self, PkiError> {
        let a = Self { cert_pem: cert_pem.to_string(), key_pem: key_pem.to_string() };
        a.issuer()?;
        Ok(a)
    }

    pub fn cert_pem(&self) -> &str {
        &self.cert_pem
    }

    /// The signing key (PKCS#8 PEM): only for writing a throw-away test
    /// authority where a config can read it.
    pub fn key_pem(&self) -> &str {
        &self.key_pem
    }

    fn issuer(&self) -> Result<Issuer<'static, KeyPair>, PkiError> {
        let key = KeyPair::from_pem(&self.key_pem)
            .map_err(|e| PkiError::Bad(format!("the authority's key is not a PKCS#8 PEM private key ({e})")))?;
        Issuer::from_ca_cert_pem(&self.cert_pem, key)
            .map_err(|e| PkiError::Bad(format!("the authority's certificate is not a PEM X.509 certificate ({e})")))
    }

    /// A leaf for these names (DNS names or IP addresses; the first is also
    /// the common name).
    pub fn issue(&self, names: &[String], purpose: Purpose, validity: Validity) -> Result<Issued, PkiError> {
        let issuer = self.issuer()?;
        let (params, key) = leaf(names, purpose, validity)?;
        let cert = params.signed_by(&key, &issuer)?;
        Ok(Issued { cert_pem: cert.pem(), key_pem: key.serialize_pem() })
    }
}

/// A self-signed leaf: right names, no authority behind it.
pub fn self_signed(names: &[String], purpose: Purpose) -> Result<Issued, PkiError> {
    let (params, key) = leaf(names, purpose, Validity::Current)?;
    let cert = params.self_signed(&key)?;
    Ok(Issued { cert_pem: cert.pem(), key_pem: key.serialize_pem() })
}

fn leaf(names: &[String], purpose: Purpose, validity: Validity) -> Result<(CertificateParams, KeyPair), PkiError> {
    let key = match purpose {
        Purpose::Client => KeyPair::generate()?,
        Purpose::Server => server_key()?,
    };
    let mut params = CertificateParams::new(Vec::<String>::new())?;
    for n in names {
        params.subject_alt_names.push(match n.parse::<IpAddr>() {
            Ok(ip) => SanType::IpAddress(ip),
            Err(_) => SanType::DnsName(
                n.clone()
                    .try_into()
                    .map_err(|_| PkiError::Bad(format!("`{n}` cannot be a DNS name in a certificate")))?,
            ),
        });
    }
    if let Some(first) = names.first() {
        params.distinguished_name.push(DnType::CommonName, first.as_str());
    }
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![match purpose {
        Purpose::Client => ExtendedKeyUsagePurpose::ClientAuth,
        Purpose::Server => ExtendedKeyUsagePurpose::ServerAuth,
    }];
    params.use_authority_key_identifier_extension = true;
    (params.not_before, params.not_after) = validity.window();
    Ok((params, key))
}

/// A server's key is RSA: the cipher suites GP Connect approves and the
/// official suite tries (`ECDHE-RSA-…`, `DHE-RSA-…`) authenticate the server
/// by RSA. One 2048-bit key per process, since generating one takes tens of
/// milliseconds and the reference starts hundreds of times in the tests;
/// each certificate is still new.
fn server_key() -> Result<KeyPair, PkiError> {
    static PEM: std::sync::OnceLock<Result<String, String>> = std::sync::OnceLock::new();
    let pem = PEM.get_or_init(|| {
        KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).map(|k| k.serialize_pem()).map_err(|e| e.to_string())
    });
    match pem {
        Ok(pem) => Ok(KeyPair::from_pem(pem)?),
        Err(e) => Err(PkiError::Bad(format!("cannot make an RSA key: {e}"))),
    }
}

/// The DNS names and IP addresses a certificate (DER) is issued to.
pub fn names_of(der: &[u8]) -> Vec<String> {
    let Ok(cert) = openssl::x509::X509::from_der(der) else { return Vec::new() };
    let Some(sans) = cert.subject_alt_names() else { return Vec::new() };
    sans.iter()
        .filter_map(|g| {
            g.dnsname().map(str::to_string).or_else(|| {
                g.ipaddress().and_then(|b| match b.len() {
                    4 => <[u8; 4]>::try_from(b).ok().map(|a| IpAddr::from(a).to_string()),
                    16 => <[u8; 16]>::try_from(b).ok().map(|a| IpAddr::from(a).to_string()),
                    _ => None,
                })
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_authority_issues_leaves_that_chain_to_it() {
        let ca = Authority::generate("test CA").expect("ca");
        let again = Authority::from_pem(ca.cert_pem(), &ca.key_pem).expect("reloaded");
        let leaf = again.issue(&["ssp.example.test".into()], Purpose::Client, Validity::Current).expect("leaf");
        let ca_x = openssl::x509::X509::from_pem(ca.cert_pem().as_bytes()).expect("ca pem");
        let leaf_x = openssl::x509::X509::from_pem(leaf.cert_pem.as_bytes()).expect("leaf pem");
        assert!(leaf_x.verify(&ca_x.public_key().expect("key")).expect("verify"), "signed by the CA");
        assert_eq!(names_of(&leaf_x.to_der().expect("der")), vec!["ssp.example.test".to_string()]);
        let ip = ca.issue(&["127.0.0.1".into()], Purpose::Server, Validity::Expired).expect("ip leaf");
        let ip_x = openssl::x509::X509::from_pem(ip.cert_pem.as_bytes()).expect("pem");
        assert_eq!(names_of(&ip_x.to_der().expect("der")), vec!["127.0.0.1".to_string()]);
        assert!(ip_x.not_after() < openssl::asn1::Asn1Time::days_from_now(0).expect("now"));
    }

    #[test]
    fn a_broken_authority_is_refused_with_a_reason() {
        let ca = Authority::generate("test CA").expect("ca");
        let e = Authority::from_pem("not a certificate", &ca.key_pem).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("not a PEM X.509 certificate"), "{e}");
        let e = Authority::from_pem(ca.cert_pem(), "junk").err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("PKCS#8"), "{e}");
    }
}
