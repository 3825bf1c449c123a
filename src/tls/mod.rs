//! Transport security: the certificates the harness presents and the
//! reference serves (`pki`, minted with rcgen), and handshake probes for
//! what rustls will not offer (`probe`, OpenSSL): old protocol versions and
//! cipher suites a GP Connect provider must refuse.

pub mod pki;
pub mod probe;

/// The client certificate a TLS request presents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClientCert {
    /// Issued by the configured client authority to the expected name, valid now.
    Valid,
    None,
    /// Self-signed, for the expected name.
    SelfSigned,
    /// Issued to the expected name by an authority the candidate was never told of.
    OtherAuthority,
    /// From the configured authority, for the expected name, expired yesterday.
    Expired,
    /// From the configured authority, for the expected name, valid from tomorrow.
    NotYetValid,
    /// From the configured authority, valid now, for another name.
    OtherName,
}

impl ClientCert {
    pub fn describe(self, fqdn: &str) -> String {
        match self {
            Self::Valid => format!("client certificate: {fqdn}, from the configured authority, valid now"),
            Self::None => "no client certificate".into(),
            Self::SelfSigned => format!("client certificate: {fqdn}, self-signed"),
            Self::OtherAuthority => {
                format!("client certificate: {fqdn}, from an authority the candidate does not trust")
            }
            Self::Expired => format!("client certificate: {fqdn}, from the configured authority, expired yesterday"),
            Self::NotYetValid => {
                format!("client certificate: {fqdn}, from the configured authority, not valid until tomorrow")
            }
            Self::OtherName => {
                format!("client certificate: {}, from the configured authority, valid now", other_name(fqdn))
            }
        }
    }
}

/// The name a wrong-name certificate is issued to: the expected one with
/// another first label, so only the name check can tell them apart.
pub fn other_name(fqdn: &str) -> String {
    match fqdn.split_once('.') {
        Some((_, rest)) => format!("not-the-ssp.{rest}"),
        None => format!("not-{fqdn}"),
    }
}

/// How a request reaches the candidate's TLS endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TlsCase {
    /// Full verification of the candidate's certificate against the
    /// configured server authority and the host name; the valid client
    /// certificate.
    Verified,
    /// Only TLS 1.2 on offer; the valid client certificate.
    Tls12Only,
    /// This client certificate. The candidate's own certificate is not
    /// checked: these requests test how the candidate checks its client.
    Client(ClientCert),
    /// Plain HTTP to the TLS endpoint's host and port.
    Plain,
}

impl TlsCase {
    pub fn describe(self, fqdn: &str) -> String {
        match self {
            Self::Verified => format!(
                "TLS 1.2 or 1.3; the candidate's certificate verified against the configured authority and the host name; {}",
                ClientCert::Valid.describe(fqdn)
            ),
            Self::Tls12Only => format!("TLS 1.2 only; {}", ClientCert::Valid.describe(fqdn)),
            Self::Client(c) => format!("TLS 1.2 or 1.3; {}", c.describe(fqdn)),
            Self::Plain => "plain HTTP (no TLS) to the TLS endpoint's port".into(),
        }
    }
}
