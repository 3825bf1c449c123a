//! TLS handshake probes. rustls cannot offer TLS 1.0/1.1 or the cipher
//! suites a provider must refuse, so these go through OpenSSL. A probe only
//! says which protocol and suite the candidate agreed to; it sends no HTTP.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use openssl::pkey::PKey;
use openssl::ssl::{Ssl, SslContext, SslMethod, SslVerifyMode, SslVersion};
use openssl::x509::X509;
use tokio::io::AsyncReadExt as _;

use super::pki::Issued;

/// What a probe offers: exactly one protocol version and a cipher list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Offer {
    /// As the feature files name it, e.g. `TLS 1.0`.
    pub label: &'static str,
    pub version: Version,
    /// An OpenSSL cipher string (TLS 1.2 and below).
    pub ciphers: &'static str,
    /// What it is, for the evidence.
    pub what: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    Tls10,
    Tls11,
    Tls12,
}

impl Version {
    fn openssl(self) -> SslVersion {
        match self {
            Self::Tls10 => SslVersion::TLS1,
            Self::Tls11 => SslVersion::TLS1_1,
            Self::Tls12 => SslVersion::TLS1_2,
        }
    }

    /// The `client_version` a ClientHello offering only this carries.
    fn wire(self) -> [u8; 2] {
        match self {
            Self::Tls10 => [3, 1],
            Self::Tls11 => [3, 2],
            Self::Tls12 => [3, 3],
        }
    }
}

/// Every suite OpenSSL has, at security level 0: an old-version probe
/// tests the version, not the suites.
const ANY_SUITE: &str = "ALL:COMPLEMENTOFALL:@SECLEVEL=0";

/// The probes the feature files can name.
pub const OFFERS: &[Offer] = &[
    Offer { label: "TLS 1.0", version: Version::Tls10, ciphers: ANY_SUITE, what: "TLS 1.0 only, any cipher suite" },
    Offer { label: "TLS 1.1", version: Version::Tls11, ciphers: ANY_SUITE, what: "TLS 1.1 only, any cipher suite" },
    Offer {
        label: "static RSA key exchange",
        version: Version::Tls12,
        ciphers: "kRSA:@SECLEVEL=0",
        what: "TLS 1.2 only; only suites without forward secrecy (RSA key transport)",
    },
    Offer {
        label: "AES-128 in CBC mode",
        version: Version::Tls12,
        ciphers: "AES128+EECDH:AES128+EDH:!AESGCM:!AESCCM:@SECLEVEL=0",
        what: "TLS 1.2 only; only ephemeral-key AES-128-CBC suites (not AES-GCM, not AES-256)",
    },
    Offer {
        label: "ChaCha20-Poly1305",
        version: Version::Tls12,
        ciphers: "CHACHA20:@SECLEVEL=0",
        what: "TLS 1.2 only; only ChaCha20-Poly1305 suites",
    },
    Offer {
        label: "Camellia",
        version: Version::Tls12,
        ciphers: "CAMELLIA+EECDH:CAMELLIA+EDH:@SECLEVEL=0",
        what: "TLS 1.2 only; only ephemeral-key Camellia suites",
    },
    Offer {
        label: "anonymous key exchange",
        version: Version::Tls12,
        ciphers: "aNULL:!eNULL:@SECLEVEL=0",
        what: "TLS 1.2 only; only suites whose server is not authenticated (anonymous DH/ECDH)",
    },
    Offer {
        label: "ECDHE with AES-GCM",
        version: Version::Tls12,
        ciphers: "AESGCM+EECDH",
        what: "TLS 1.2 only; only ECDHE AES-GCM suites (approved)",
    },
    Offer {
        label: "the suite ECDHE-RSA-AES128-GCM-SHA256",
        version: Version::Tls12,
        ciphers: "ECDHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0",
        what: "TLS 1.2 only; only ECDHE-RSA-AES128-GCM-SHA256 (approved; the official Security.feature connects with it)",
    },
    Offer {
        label: "the suite ECDHE-RSA-AES256-GCM-SHA384",
        version: Version::Tls12,
        ciphers: "ECDHE-RSA-AES256-GCM-SHA384:@SECLEVEL=0",
        what: "TLS 1.2 only; only ECDHE-RSA-AES256-GCM-SHA384 (approved; the official Security.feature connects with it)",
    },
    Offer {
        label: "the suite ECDHE-RSA-AES256-SHA384",
        version: Version::Tls12,
        ciphers: "ECDHE-RSA-AES256-SHA384:@SECLEVEL=0",
        what: "TLS 1.2 only; only ECDHE-RSA-AES256-SHA384 (approved; the official Security.feature connects with it)",
    },
    Offer {
        label: "the suite ECDHE-RSA-AES256-SHA",
        version: Version::Tls12,
        ciphers: "ECDHE-RSA-AES256-SHA:@SECLEVEL=0",
        what: "TLS 1.2 only; only ECDHE-RSA-AES256-SHA (approved; the official Security.feature connects with it)",
    },
    Offer {
        label: "the suite DHE-RSA-AES128-GCM-SHA256",
        version: Version::Tls12,
        ciphers: "DHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0",
        what: "TLS 1.2 only; only DHE-RSA-AES128-GCM-SHA256 (approved; the official Security.feature connects with it)",
    },
    Offer {
        label: "the suite DHE-RSA-AES256-GCM-SHA384",
        version: Version::Tls12,
        ciphers: "DHE-RSA-AES256-GCM-SHA384:@SECLEVEL=0",
        what: "TLS 1.2 only; only DHE-RSA-AES256-GCM-SHA384 (approved; the official Security.feature connects with it)",
    },
    Offer {
        label: "the suite DHE-RSA-AES256-SHA256",
        version: Version::Tls12,
        ciphers: "DHE-RSA-AES256-SHA256:@SECLEVEL=0",
        what: "TLS 1.2 only; only DHE-RSA-AES256-SHA256 (approved; the official Security.feature connects with it)",
    },
    Offer {
        label: "the suite DHE-RSA-AES256-SHA",
        version: Version::Tls12,
        ciphers: "DHE-RSA-AES256-SHA:@SECLEVEL=0",
        what: "TLS 1.2 only; only DHE-RSA-AES256-SHA (approved; the official Security.feature connects with it)",
    },
    Offer {
        label: "the suite NULL-MD5",
        version: Version::Tls12,
        ciphers: "NULL-MD5:@SECLEVEL=0",
        what: "TLS 1.2 only; only NULL-MD5: no encryption (the official suite's insecure cipher)",
    },
];

pub fn offer(label: &str) -> Option<&'static Offer> {
    OFFERS.iter().find(|o| o.label == label)
}

/// The suites GP Connect approves under TLS 1.2 (OpenSSL names):
/// `AESGCM+EECDH`, `AESGCM+EDH`, `AES256+EECDH`, `AES256+EDH`.
pub const APPROVED: &str = "AESGCM+EECDH:AESGCM+EDH:AES256+EECDH:AES256+EDH";

/// Whether a negotiated TLS 1.2 suite (OpenSSL name, e.g.
/// `ECDHE-RSA-AES128-GCM-SHA256`) is one of [`APPROVED`]: ephemeral
/// (EC)DH key exchange with AES-GCM or AES-256. (The openssl crate cannot
/// list the suites a cipher string expands to, so the rule is spelt out.)
pub fn approved(cipher: &str) -> bool {
    let ephemeral = cipher.starts_with("ECDHE-") || cipher.starts_with("DHE-");
    let aes = cipher.contains("AES128-GCM") || cipher.contains("AES256");
    ephemeral && aes && !cipher.contains("PSK")
}

/// What came of a probe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The candidate agreed: this protocol and suite.
    Negotiated { version: String, cipher: String },
    /// The handshake did not complete, with what was seen.
    Refused(String),
    /// No TCP connection: nothing was judged.
    NoConnection(String),
}

/// The probe's context. Built from scratch rather than with
/// `SslConnector`, which reads the system's trust store each time (tens of
/// milliseconds) for a verification the probe does not do.
fn connector(offer: &Offer, identity: Option<&Issued>) -> Result<SslContext, String> {
    let e = |what: &str, err: openssl::error::ErrorStack| format!("{what}: {err}");
    let mut b = SslContext::builder(SslMethod::tls_client()).map_err(|x| e("OpenSSL", x))?;
    b.set_min_proto_version(Some(offer.version.openssl())).map_err(|x| e("version", x))?;
    b.set_max_proto_version(Some(offer.version.openssl())).map_err(|x| e("version", x))?;
    b.set_cipher_list(offer.ciphers).map_err(|x| e(&format!("no cipher suite for `{}`", offer.ciphers), x))?;
    b.set_verify(SslVerifyMode::NONE);
    if let Some(id) = identity {
        let cert = X509::from_pem(id.cert_pem.as_bytes()).map_err(|x| e("client certificate", x))?;
        let key = PKey::private_key_from_pem(id.key_pem.as_bytes()).map_err(|x| e("client key", x))?;
        b.set_certificate(&cert).map_err(|x| e("client certificate", x))?;
        b.set_private_key(&key).map_err(|x| e("client key", x))?;
    }
    Ok(b.build())
}

/// Offers exactly `offer` to `host:port`, presenting `identity` if asked
/// for one (so a refusal is about the offer, not a missing certificate).
pub async fn handshake(host: &str, port: u16, offer: &Offer, identity: Option<&Issued>, limit: Duration) -> Outcome {
    let connector = match connector(offer, identity) {
        Ok(c) => c,
        Err(e) => return Outcome::NoConnection(format!("the probe could not be built: {e}")),
    };
    let tcp = match tokio::time::timeout(limit, tokio::net::TcpStream::connect((host, port))).await {
        Ok(Ok(t)) => t,
        Ok(Err(e)) => return Outcome::NoConnection(format!("could not connect to {host}:{port}: {e}")),
        Err(_) => return Outcome::NoConnection(format!("could not connect to {host}:{port} within {limit:?}")),
    };
    let ssl = match Ssl::new(&connector).and_then(|mut s| {
        if host.parse::<std::net::IpAddr>().is_err() {
            s.set_hostname(host)?;
        }
        s.set_connect_state();
        Ok(s)
    }) {
        Ok(s) => s,
        Err(e) => return Outcome::NoConnection(format!("the probe could not be built: {e}")),
    };
    let mut stream = match tokio_openssl::SslStream::new(ssl, tcp) {
        Ok(s) => s,
        Err(e) => return Outcome::NoConnection(format!("the probe could not be built: {e}")),
    };
    match tokio::time::timeout(limit, std::pin::Pin::new(&mut stream).connect()).await {
        Err(_) => Outcome::Refused(format!("no handshake within {limit:?} (the candidate did not answer the offer)")),
        Ok(Err(e)) => Outcome::Refused(describe(&e)),
        Ok(Ok(())) => {
            let ssl = stream.ssl();
            Outcome::Negotiated {
                version: ssl.version_str().to_string(),
                cipher: ssl.current_cipher().map(|c| c.name().to_string()).unwrap_or_default(),
            }
        }
    }
}

fn describe(e: &openssl::ssl::Error) -> String {
    match e.ssl_error() {
        Some(stack) => {
            let reasons: Vec<String> =
                stack.errors().iter().map(|x| x.reason().unwrap_or("unknown").to_string()).collect();
            format!("handshake failed: {}", reasons.join("; "))
        }
        None => match e.io_error() {
            Some(io) => format!("handshake failed: the connection closed ({io})"),
            None => "handshake failed: the candidate closed the connection".into(),
        },
    }
}

/// Whether this machine's OpenSSL can offer `offer` at all, found by
/// sending its ClientHello to a loopback listener and reading the version
/// and suites it carries. Cached: the answer does not change in a run.
pub async fn local_support(offer: &Offer) -> Result<(), String> {
    static CACHE: OnceLock<Mutex<HashMap<&'static str, Result<(), String>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(r) = cache.lock().ok().and_then(|c| c.get(offer.label).cloned()) {
        return r;
    }
    let r = self_test(offer)
        .await
        .map_err(|why| format!("this machine's {} cannot offer {} ({why})", openssl::version::version(), offer.what));
    if let Ok(mut c) = cache.lock() {
        c.insert(offer.label, r.clone());
    }
    r
}

async fn self_test(offer: &Offer) -> Result<(), String> {
    let connector = connector(offer, None)?;
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await.map_err(|e| e.to_string())?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    let read = tokio::spawn(async move {
        let (mut s, _) = listener.accept().await.ok()?;
        let mut buf = vec![0u8; 16 * 1024];
        let mut n = 0;
        // Enough of the record to reach client_version (bytes 9–10).
        while n < 11 {
            let got = tokio::time::timeout(Duration::from_secs(5), s.read(&mut buf[n..])).await.ok()?.ok()?;
            if got == 0 {
                break;
            }
            n += got;
        }
        buf.truncate(n);
        Some(buf)
    });
    let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.map_err(|e| e.to_string())?;
    let ssl = Ssl::new(&connector).map_err(|e| e.to_string())?;
    let mut stream = tokio_openssl::SslStream::new(ssl, tcp).map_err(|e| e.to_string())?;
    let sent = tokio::time::timeout(Duration::from_secs(5), async {
        let r = std::pin::Pin::new(&mut stream).connect().await;
        drop(stream);
        r
    })
    .await;
    let hello = read.await.ok().flatten().unwrap_or_default();
    if hello.len() < 11 || hello[0] != 0x16 || hello[5] != 1 {
        let why = match sent {
            Ok(Err(e)) => describe(&e),
            _ => "no ClientHello was sent".into(),
        };
        return Err(why);
    }
    if hello[9..11] != offer.version.wire() {
        return Err(format!("its ClientHello offers version {}.{} instead", hello[9], hello[10]));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn approved_suites_follow_gp_connect() {
        assert!(approved("ECDHE-ECDSA-AES128-GCM-SHA256"));
        assert!(approved("ECDHE-RSA-AES256-SHA384"), "AES256+EECDH");
        assert!(approved("DHE-RSA-AES256-GCM-SHA384"));
        assert!(!approved("ECDHE-ECDSA-AES128-SHA"), "AES-128 CBC");
        assert!(!approved("AES256-GCM-SHA384"), "no ephemeral key exchange");
        assert!(!approved("ECDHE-ECDSA-CHACHA20-POLY1305"));
    }

    #[tokio::test]
    async fn this_machine_can_offer_every_probe_or_says_why() {
        for o in OFFERS {
            match local_support(o).await {
                Ok(()) => {}
                Err(why) => assert!(why.contains("cannot offer"), "{why}"),
            }
        }
        assert_eq!(local_support(offer("ECDHE with AES-GCM").expect("offer")).await, Ok(()));
    }
}
