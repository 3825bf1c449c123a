//! The reference's TLS endpoint: the same API as its plain loopback one,
//! behind TLS 1.2/1.3 with mutual authentication, as GP Connect asks of a
//! provider. OpenSSL serves it, with every cipher suite GP Connect approves
//! (the official suite connects with each); the defects that bend the
//! client checks, or offer only what rustls has, switch it to rustls.
//!
//! Handshakes run in their own tasks, so a client that stalls one holds no
//! one else up; finished connections reach axum through [`TlsListener`].

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::{CertificateDer, PrivateKeyDer, pem::PemObject as _};
use rustls::server::WebPkiClientVerifier;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

use crate::reference::acc::defects::AccDefect;
use crate::reference::defect::DefectSet;
use crate::tls::pki::{self, Authority, Issued, Purpose, Validity};

/// How long a client may take over its handshake.
const HANDSHAKE_LIMIT: Duration = Duration::from_secs(10);

/// The name the reference expects in its clients' certificates: the
/// Spine security proxy it would sit behind (the harness stands in for it).
pub const CLIENT_FQDN: &str = "ssp.rfa-harness.test";

/// What a client needs to reach the reference's TLS endpoint.
#[derive(Debug, Clone)]
pub struct Endpoint {
    pub addr: SocketAddr,
    /// The authority that issued the server certificate.
    pub server_ca_pem: String,
    /// The authority the endpoint trusts for client certificates (the
    /// harness mints its certificates from it).
    pub client_authority: Authority,
    pub client_fqdn: String,
}

impl Endpoint {
    /// Writes what a config's `[tls]` needs into `dir` (the client
    /// authority's key included: it is a throw-away test authority) and
    /// returns the `[tls]` section that uses them.
    pub fn write_pki(&self, dir: &std::path::Path, url: &reqwest::Url) -> std::io::Result<String> {
        std::fs::create_dir_all(dir)?;
        let files = [
            ("server-ca.pem", self.server_ca_pem.as_str()),
            ("client-ca.pem", self.client_authority.cert_pem()),
            ("client-ca.key", self.client_authority.key_pem()),
        ];
        for (name, pem) in files {
            std::fs::write(dir.join(name), pem)?;
        }
        let at = |name: &str| dir.join(name).display().to_string();
        Ok(format!(
            "[tls]\nurl = {:?}\nserver_ca = {:?}\nclient_ca = {:?}\nclient_ca_key = {:?}\nclient_fqdn = {:?}\n",
            url.as_str(),
            at("server-ca.pem"),
            at("client-ca.pem"),
            at("client-ca.key"),
            self.client_fqdn
        ))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum TlsSetupError {
    #[error(transparent)]
    Pki(#[from] pki::PkiError),
    #[error("TLS configuration: {0}")]
    Config(String),
}

/// Any stream a connection can end up as.
pub trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

/// Connections whose handshake (and client check) succeeded, for axum.
pub struct TlsListener {
    ready: mpsc::Receiver<(Box<dyn Io>, SocketAddr)>,
    local: SocketAddr,
}

impl axum::serve::Listener for TlsListener {
    type Io = Box<dyn Io>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.ready.recv().await {
            Some(c) => c,
            // The acceptor is gone (shutdown): nothing will ever arrive.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> std::io::Result<SocketAddr> {
        Ok(self.local)
    }
}

#[derive(Clone)]
enum Backend {
    Rustls(tokio_rustls::TlsAcceptor),
    OpenSsl(Arc<openssl::ssl::SslAcceptor>),
}

#[derive(Clone)]
struct Policy {
    backend: Backend,
    client_fqdn: String,
    check_name: bool,
    plain_served: bool,
    plain_redirected: bool,
}

/// Binds `addr` and starts accepting; the listener hands finished
/// connections to axum.
pub async fn bind(addr: SocketAddr, defects: &DefectSet) -> Result<(TlsListener, Endpoint), TlsSetupError> {
    let tcp =
        TcpListener::bind(addr).await.map_err(|e| TlsSetupError::Config(format!("cannot listen on {addr}: {e}")))?;
    let local = tcp.local_addr().map_err(|e| TlsSetupError::Config(e.to_string()))?;
    let server_ca = Authority::generate("rfa reference server CA")?;
    let client_ca = Authority::generate("rfa accreditation client CA")?;
    let host = if defects.has(AccDefect::ServerCertificateWrongName) {
        "another-host.rfa-harness.test".to_string()
    } else {
        local.ip().to_string()
    };
    let validity = if defects.has(AccDefect::ServerCertificateExpired) { Validity::Expired } else { Validity::Current };
    let server = server_ca.issue(&[host], Purpose::Server, validity)?;
    let old = defects.has(AccDefect::OldTlsAccepted);
    let weak = defects.has(AccDefect::WeakCiphersAccepted) || defects.has(AccDefect::DevelopmentTlsSettings);
    // OpenSSL serves every suite GP Connect approves (rustls has neither
    // DHE nor AES-CBC); rustls serves the two defects made of what rustls
    // has: TLS 1.3 only, and only ECDHE with AES-GCM.
    let rustls_only = [AccDefect::Tls12Refused, AccDefect::ApprovedSuitesPartlyRefused];
    let backend = if rustls_only.iter().any(|d| defects.has(*d)) {
        Backend::Rustls(rustls_acceptor(&server, client_ca.cert_pem(), defects)?)
    } else {
        Backend::OpenSsl(Arc::new(openssl_acceptor(&server, client_ca.cert_pem(), old, weak, defects)?))
    };
    let policy = Policy {
        backend,
        // The defect pins the live proxy's name (hard-wired for production).
        client_fqdn: if defects.has(AccDefect::ClientNamePinnedToSpine) {
            "msg.spine2.ncrs.nhs.uk".to_string()
        } else {
            CLIENT_FQDN.to_string()
        },
        check_name: !defects.has(AccDefect::ClientNameUnchecked),
        plain_served: defects.has(AccDefect::PlainHttpServed),
        plain_redirected: defects.has(AccDefect::PlainHttpRedirectWithoutHsts),
    };
    let (tx, rx) = mpsc::channel(64);
    tokio::spawn(accept_loop(tcp, policy, tx));
    let endpoint = Endpoint {
        addr: local,
        server_ca_pem: server_ca.cert_pem().to_string(),
        client_authority: client_ca,
        client_fqdn: CLIENT_FQDN.to_string(),
    };
    Ok((TlsListener { ready: rx, local }, endpoint))
}

async fn accept_loop(tcp: TcpListener, policy: Policy, tx: mpsc::Sender<(Box<dyn Io>, SocketAddr)>) {
    loop {
        let accepted = tokio::select! {
            a = tcp.accept() => a,
            () = tx.closed() => return,
        };
        let (stream, peer) = match accepted {
            Ok(a) => a,
            Err(e) => {
                // Out of descriptors and the like: back off, keep serving.
                tracing::debug!(target: "rfa::reference", "TLS accept failed: {e}");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let (policy, tx) = (policy.clone(), tx.clone());
        tokio::spawn(async move {
            match tokio::time::timeout(HANDSHAKE_LIMIT, establish(stream, &policy)).await {
                Ok(Ok(io)) => {
                    let _ = tx.send((io, peer)).await;
                }
                Ok(Err(why)) => tracing::debug!(target: "rfa::reference", %peer, "TLS connection refused: {why}"),
                Err(_) => tracing::debug!(target: "rfa::reference", %peer, "TLS handshake timed out"),
            }
        });
    }
}

/// A connection, once its handshake and its client certificate passed.
async fn establish(stream: TcpStream, policy: &Policy) -> Result<Box<dyn Io>, String> {
    let mut first = [0u8; 1];
    let n = stream.peek(&mut first).await.map_err(|e| e.to_string())?;
    // 0x16: a TLS handshake record. Anything else is not TLS.
    if n == 0 || first[0] != 0x16 {
        if policy.plain_redirected && n > 0 {
            redirect_to_https(stream).await;
            return Err("plain HTTP, redirected".into());
        }
        return if policy.plain_served && n > 0 { Ok(Box::new(stream)) } else { Err("not a TLS handshake".into()) };
    }
    let (io, cert): (Box<dyn Io>, Option<Vec<u8>>) = match &policy.backend {
        Backend::Rustls(acceptor) => {
            let s = acceptor.accept(stream).await.map_err(|e| e.to_string())?;
            let cert = s.get_ref().1.peer_certificates().and_then(|c| c.first()).map(|c| c.to_vec());
            (Box::new(s), cert)
        }
        Backend::OpenSsl(acceptor) => {
            let ssl = openssl::ssl::Ssl::new(acceptor.context()).map_err(|e| e.to_string())?;
            let mut s = tokio_openssl::SslStream::new(ssl, stream).map_err(|e| e.to_string())?;
            std::pin::Pin::new(&mut s).accept().await.map_err(|e| e.to_string())?;
            let cert = s.ssl().peer_certificate().and_then(|c| c.to_der().ok());
            (Box::new(s), cert)
        }
    };
    // The authority and the dates were checked in the handshake; the name
    // is the provider's own check (GP Connect: the SSP's FQDN).
    if policy.check_name
        && let Some(der) = &cert
    {
        let names = pki::names_of(der);
        if !names.iter().any(|n| n.eq_ignore_ascii_case(&policy.client_fqdn)) {
            return Err(format!("client certificate issued to {names:?}, not {}", policy.client_fqdn));
        }
    }
    Ok(io)
}

/// The `plain-http-redirect-without-hsts` defect: what a web server set to
/// "redirect HTTP to HTTPS" sends, without the HSTS header GP Connect's
/// official suite asks of a redirect. Written by hand: it is one fixed
/// answer on a connection that is then closed, not an HTTP service.
async fn redirect_to_https(mut stream: TcpStream) {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let mut request = [0u8; 4096];
    let _ = tokio::time::timeout(Duration::from_secs(2), stream.read(&mut request)).await;
    let host = stream.local_addr().map(|a| a.to_string()).unwrap_or_default();
    let answer = format!(
        "HTTP/1.1 301 Moved Permanently\r\nLocation: https://{host}/\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
    let _ = stream.write_all(answer.as_bytes()).await;
    let _ = stream.shutdown().await;
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    use rustls::crypto::aws_lc_rs::cipher_suite as cs;
    // GP Connect's approved suites under TLS 1.2: AES-GCM with ECDHE.
    // rustls would also offer ChaCha20-Poly1305, which the list leaves out.
    Arc::new(rustls::crypto::CryptoProvider {
        cipher_suites: vec![
            cs::TLS13_AES_256_GCM_SHA384,
            cs::TLS13_AES_128_GCM_SHA256,
            cs::TLS13_CHACHA20_POLY1305_SHA256,
            cs::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
            cs::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
            cs::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
            cs::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        ],
        ..rustls::crypto::aws_lc_rs::default_provider()
    })
}

fn rustls_acceptor(
    server: &Issued,
    client_ca_pem: &str,
    defects: &DefectSet,
) -> Result<tokio_rustls::TlsAcceptor, TlsSetupError> {
    let bad = |e: &dyn std::fmt::Display| TlsSetupError::Config(e.to_string());
    let provider = provider();
    let mut roots = rustls::RootCertStore::empty();
    let ca = CertificateDer::from_pem_slice(client_ca_pem.as_bytes()).map_err(|e| bad(&e))?;
    roots.add(ca).map_err(|e| bad(&e))?;
    let verifier =
        WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider.clone()).build().map_err(|e| bad(&e))?;
    let versions: &[&rustls::SupportedProtocolVersion] = if defects.has(AccDefect::Tls12Refused) {
        &[&rustls::version::TLS13]
    } else {
        &[&rustls::version::TLS13, &rustls::version::TLS12]
    };
    let chain = vec![CertificateDer::from_pem_slice(server.cert_pem.as_bytes()).map_err(|e| bad(&e))?];
    let key = PrivateKeyDer::from_pem_slice(server.key_pem.as_bytes()).map_err(|e| bad(&e))?;
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(versions)
        .map_err(|e| bad(&e))?
        .with_client_cert_verifier(verifier)
        .with_single_cert(chain, key)
        .map_err(|e| bad(&e))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(tokio_rustls::TlsAcceptor::from(Arc::new(config)))
}

/// The OpenSSL endpoint: TLS 1.2 (and 1.3) with the approved suites, or,
/// for the defects, TLS 1.0/1.1 or any suite. The client checks are
/// OpenSSL's: a certificate required, issued by the client authority, in
/// its dates; the name is checked after the handshake, as for rustls.
fn openssl_acceptor(
    server: &Issued,
    client_ca_pem: &str,
    old: bool,
    weak: bool,
    defects: &DefectSet,
) -> Result<openssl::ssl::SslAcceptor, TlsSetupError> {
    use openssl::ssl::{SslAcceptor, SslMethod, SslVerifyMode, SslVersion};
    let bad = |e: openssl::error::ErrorStack| TlsSetupError::Config(format!("OpenSSL: {e}"));
    let mut b = SslAcceptor::mozilla_intermediate_v5(SslMethod::tls_server()).map_err(bad)?;
    if old {
        // The Mozilla profile also switches the old versions off by option.
        b.clear_options(openssl::ssl::SslOptions::NO_TLSV1 | openssl::ssl::SslOptions::NO_TLSV1_1);
    }
    b.set_min_proto_version(Some(if old { SslVersion::TLS1 } else { SslVersion::TLS1_2 })).map_err(bad)?;
    // TLS 1.3 too, as the rustls endpoint does; the probes offer one version.
    b.set_max_proto_version(None).map_err(bad)?;
    let ciphers = if weak {
        "ALL:COMPLEMENTOFALL:@SECLEVEL=0".to_string()
    } else {
        format!("{}:@SECLEVEL=0", crate::tls::probe::APPROVED)
    };
    b.set_cipher_list(&ciphers).map_err(bad)?;
    let cert = openssl::x509::X509::from_pem(server.cert_pem.as_bytes()).map_err(bad)?;
    let key = openssl::pkey::PKey::private_key_from_pem(server.key_pem.as_bytes()).map_err(bad)?;
    b.set_certificate(&cert).map_err(bad)?;
    b.set_private_key(&key).map_err(bad)?;
    let mode = if defects.has(AccDefect::ClientCertificateOptional) || defects.has(AccDefect::DevelopmentTlsSettings) {
        SslVerifyMode::PEER
    } else {
        SslVerifyMode::PEER | SslVerifyMode::FAIL_IF_NO_PEER_CERT
    };
    let forgive_authority = defects.has(AccDefect::AnyClientAuthority);
    let forgive_dates = defects.has(AccDefect::ClientValidityUnchecked);
    b.set_verify_callback(mode, move |ok, ctx| {
        // OpenSSL's X509_V_ERR_* codes (x509_vfy.h; the openssl crate names
        // only OK): 2, 7, 18, 19, 20, 21 are an issuer it does not trust or
        // a bad signature; 9 and 10 a certificate outside its dates.
        let e = ctx.error().as_raw();
        let authority = [2, 7, 18, 19, 20, 21].contains(&e);
        let dates = [9, 10].contains(&e);
        ok || (forgive_authority && authority) || (forgive_dates && dates)
    });
    // Without a session id context OpenSSL fails every resumption of a
    // verified session ("session id context uninitialized"), so a client's
    // second connection would be refused at random.
    b.set_session_id_context(b"rfa-reference").map_err(bad)?;
    b.cert_store_mut().add_cert(openssl::x509::X509::from_pem(client_ca_pem.as_bytes()).map_err(bad)?).map_err(bad)?;
    Ok(b.build())
}
