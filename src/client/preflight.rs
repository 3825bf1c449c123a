//! Before a run against a supplier's system: is anything listening at the
//! configured address, and is it a GP Connect provider? A run against a
//! closed port or a wrong base URL would otherwise send every scenario and
//! report hundreds of `error` verdicts without ever saying the one thing
//! that is wrong.

use std::time::Duration;

use crate::client::{Client, RequestSpec, TransportError};
use crate::fhir::Views as _;
use crate::fhir::gpc::Interaction;

#[derive(Debug, thiserror::Error)]
pub enum PreflightError {
    #[error(
        "nothing answers at {url}: {error}\n  Is the candidate running, and is `endpoint.base_url` in the config its Foundations service root?"
    )]
    Unreachable { url: String, error: TransportError },
    #[error(
        "GET {url} answered {answer}, not a CapabilityStatement\n  A GP Connect provider serves its CapabilityStatement there: is `endpoint.base_url` its Foundations service root? (--no-preflight runs the pack anyway.)"
    )]
    NotAProvider { url: String, answer: String },
    #[error(
        "[tls] url {url}: nothing listens at {addr}: {detail}\n  The transport-security scenarios connect there; fix `[tls] url` or start the TLS endpoint."
    )]
    TlsUnreachable { url: String, addr: String, detail: String },
}

/// The CapabilityStatement read every GP Connect provider serves, and, when
/// the config has a `[tls]` endpoint apart from the base URL, a connection
/// to it.
pub async fn check(client: &Client) -> Result<(), PreflightError> {
    let config = client.config();
    let spec = RequestSpec::new(Interaction::ReadMetadata, "metadata");
    let url = client.url(&spec).map(|u| u.to_string()).unwrap_or_else(|_| format!("{}/metadata", config.base_url));
    let (_, result) = client.send(&spec, None).await;
    let r = result.map_err(|error| PreflightError::Unreachable { url: url.clone(), error })?;
    let body: Option<serde_json::Value> = serde_json::from_slice(&r.body).ok();
    let ty = body.as_ref().and_then(|b| b.as_resource().resource_type().map(str::to_string));
    if r.status != 200 || ty.as_deref() != Some("CapabilityStatement") {
        let what = match ty {
            Some(t) => t,
            None if r.body.is_empty() => "no body".to_string(),
            None => "a body that is not a FHIR resource".to_string(),
        };
        return Err(PreflightError::NotAProvider { url, answer: format!("HTTP {} ({what})", r.status) });
    }
    if let Some(tls) = config.tls.as_ref().filter(|t| t.url.origin() != config.base_url.origin()) {
        let host = tls.url.host_str().unwrap_or_default();
        let port = tls.url.port_or_known_default().unwrap_or(443);
        let addr = format!("{host}:{port}");
        let tls_err =
            |detail: String| PreflightError::TlsUnreachable { url: tls.url.to_string(), addr: addr.clone(), detail };
        let wait = config.timeout.min(Duration::from_secs(10));
        match tokio::time::timeout(wait, tokio::net::TcpStream::connect((host, port))).await {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => return Err(tls_err(e.to_string())),
            Err(_) => return Err(tls_err(format!("no connection within {wait:?}"))),
        }
    }
    Ok(())
}
