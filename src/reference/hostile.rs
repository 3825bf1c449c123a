//! A hostile candidate for robustness tests: a raw-TCP proxy in front of the
//! reference that passes most requests through and sabotages the ones that
//! match a target — slowly, malformed, oversized, redirected, reset... — the
//! ways a broken or dishonest system can answer.
//!
//! Written on raw sockets because most of these behaviours (trickling bytes,
//! resets, bodies cut short, HTTP/1.0) cannot be produced by an HTTP server
//! library, which exists to prevent them.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};

/// One way of misbehaving.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Behaviour {
    /// Answers correctly, but only after three times the harness's timeout.
    Slow,
    /// Sends headers, then one body byte every 50 ms, for ever.
    Trickle,
    /// Announces and streams a 64 MiB body.
    HugeBody,
    /// The upstream status with a body that is not JSON.
    InvalidJson,
    /// The upstream status with a body that is not UTF-8.
    InvalidUtf8,
    /// The upstream answer labelled `text/html`.
    WrongContentType,
    /// 200 with a FHIR resource of a type nobody asked for.
    WrongResourceType,
    /// 302 to the same path on another loopback host.
    RedirectOffOrigin,
    /// 301 to the same path over https.
    RedirectToHttps,
    /// Resets the connection (RST) without answering.
    Reset,
    /// Announces a body, sends part of it and closes.
    CloseMidBody,
    /// The upstream answer with an HTTP/1.0 status line.
    Http10,
    /// The upstream answer with a second, contradicting Content-Type and ETag.
    ConflictingHeaders,
    /// 200 with an OperationOutcome, whatever was asked.
    OkWithOutcome,
    /// The upstream answer carrying another request's Ssp-TraceID.
    DifferentTraceId,
    /// 200 with a valid searchset Bundle of many small entries, just under
    /// the default response cap (10 MiB): what the harness keeps of a
    /// candidate that sends all it may.
    NearCap,
}

/// The size of a [`Behaviour::NearCap`] answer: 64 KiB under the default cap.
pub const NEAR_CAP_BYTES: usize = crate::config::DEFAULT_MAX_RESPONSE_BYTES - 64 * 1024;

/// A searchset Bundle of `size` bytes exactly: Patient entries, padded with
/// spaces (which JSON allows between tokens).
fn near_cap_bundle(size: usize) -> Vec<u8> {
    let mut out = String::from(r#"{"resourceType":"Bundle","type":"searchset","entry":["#);
    let mut i = 0;
    loop {
        let entry = format!(
            r#"{{"fullUrl":"Patient/p{i}","resource":{{"resourceType":"Patient","id":"p{i}","active":true,"name":[{{"family":"Near{i}","given":["Cap"]}}]}}}}"#
        );
        if out.len() + entry.len() + 3 > size {
            break;
        }
        if i > 0 {
            out.push(',');
        }
        out.push_str(&entry);
        i += 1;
    }
    out.push_str("]}");
    let mut bytes = out.into_bytes();
    let pad = size.saturating_sub(bytes.len());
    bytes.splice(bytes.len() - 1..bytes.len() - 1, std::iter::repeat_n(b' ', pad));
    bytes
}

impl Behaviour {
    pub const ALL: [Behaviour; 16] = [
        Self::Slow,
        Self::Trickle,
        Self::HugeBody,
        Self::InvalidJson,
        Self::InvalidUtf8,
        Self::WrongContentType,
        Self::WrongResourceType,
        Self::RedirectOffOrigin,
        Self::RedirectToHttps,
        Self::Reset,
        Self::CloseMidBody,
        Self::Http10,
        Self::ConflictingHeaders,
        Self::OkWithOutcome,
        Self::DifferentTraceId,
        Self::NearCap,
    ];
}

/// A hostile proxy listening on loopback.
pub struct Hostile {
    pub addr: SocketAddr,
    /// Connections that reached the redirect target (must stay 0: the harness
    /// never follows a redirect).
    pub redirect_hits: Arc<AtomicUsize>,
    /// Requests sabotaged so far.
    pub sabotaged: Arc<AtomicUsize>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Drop for Hostile {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

struct Plan {
    behaviour: Behaviour,
    /// Requests whose path contains this are sabotaged.
    target: String,
    upstream: SocketAddr,
    slow: Duration,
    redirect_to: SocketAddr,
    sabotaged: Arc<AtomicUsize>,
}

/// Starts a proxy to `upstream` that sabotages requests whose path contains
/// `target`. `timeout` is the harness's per-request timeout.
pub async fn start(
    behaviour: Behaviour,
    target: &str,
    upstream: SocketAddr,
    timeout: Duration,
) -> std::io::Result<Hostile> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    // The redirect target: another loopback address, same port family.
    let elsewhere = match TcpListener::bind("127.0.0.2:0").await {
        Ok(l) => l,
        Err(_) => listener_fallback()?,
    };
    let redirect_to = elsewhere.local_addr()?;
    let redirect_hits = Arc::new(AtomicUsize::new(0));
    let sabotaged = Arc::new(AtomicUsize::new(0));
    let hits = redirect_hits.clone();
    let watch = tokio::spawn(async move {
        while let Ok((s, _)) = elsewhere.accept().await {
            hits.fetch_add(1, Ordering::SeqCst);
            drop(s);
        }
    });
    let plan = Arc::new(Plan {
        behaviour,
        target: target.to_string(),
        upstream,
        slow: timeout * 3,
        redirect_to,
        sabotaged: sabotaged.clone(),
    });
    let serve = tokio::spawn(async move {
        while let Ok((s, _)) = listener.accept().await {
            let plan = plan.clone();
            tokio::spawn(async move {
                let _ = handle(s, &plan).await;
            });
        }
    });
    Ok(Hostile { addr, redirect_hits, sabotaged, tasks: vec![watch, serve] })
}

/// Where 127.0.0.2 cannot be bound, a second port on 127.0.0.1 still is
/// another origin.
fn listener_fallback() -> std::io::Result<TcpListener> {
    let std = std::net::TcpListener::bind("127.0.0.1:0")?;
    std.set_nonblocking(true)?;
    TcpListener::from_std(std)
}

/// A request as read off the socket.
struct Request {
    raw: Vec<u8>,
    path: String,
}

async fn read_request(s: &mut TcpStream) -> std::io::Result<Option<Request>> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = find(&buf, b"\r\n\r\n") {
            break i + 4;
        }
        if buf.len() > 64 * 1024 {
            return Ok(None);
        }
        let n = s.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
    let length: usize = head
        .lines()
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse().ok())
        .unwrap_or(0);
    while buf.len() < head_end + length {
        let n = s.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    Ok(Some(Request { raw: buf, path }))
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Sends the request upstream with `Connection: close` and returns the raw
/// response (status line, headers, body).
async fn forward(req: &Request, upstream: SocketAddr) -> std::io::Result<(String, Vec<(String, String)>, Vec<u8>)> {
    let mut up = TcpStream::connect(upstream).await?;
    let head_end = find(&req.raw, b"\r\n\r\n").map_or(req.raw.len(), |i| i + 4);
    let head = String::from_utf8_lossy(&req.raw[..head_end]);
    let mut rewritten = String::new();
    for (i, line) in head.split("\r\n").enumerate() {
        if line.is_empty() {
            continue;
        }
        if i > 0 && line.to_ascii_lowercase().starts_with("connection:") {
            continue;
        }
        rewritten.push_str(line);
        rewritten.push_str("\r\n");
    }
    rewritten.push_str("Connection: close\r\n\r\n");
    up.write_all(rewritten.as_bytes()).await?;
    up.write_all(&req.raw[head_end..]).await?;
    let mut resp = Vec::new();
    up.read_to_end(&mut resp).await?;
    let split = find(&resp, b"\r\n\r\n").map_or(resp.len(), |i| i + 4);
    let head = String::from_utf8_lossy(&resp[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines.next().unwrap_or_default().to_string();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .filter(|(k, _)| !k.eq_ignore_ascii_case("connection") && !k.eq_ignore_ascii_case("content-length"))
        .collect();
    Ok((status, headers, resp[split..].to_vec()))
}

/// Writes a response that closes the connection after it.
async fn respond(s: &mut TcpStream, status: &str, headers: &[(String, String)], body: &[u8]) -> std::io::Result<()> {
    let mut out = format!("{status}\r\n");
    for (k, v) in headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str(&format!("Content-Length: {}\r\nConnection: close\r\n\r\n", body.len()));
    s.write_all(out.as_bytes()).await?;
    s.write_all(body).await?;
    s.flush().await
}

fn with_header(mut headers: Vec<(String, String)>, name: &str, value: &str, replace: bool) -> Vec<(String, String)> {
    if replace {
        headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
    }
    headers.push((name.to_string(), value.to_string()));
    headers
}

async fn handle(mut s: TcpStream, plan: &Plan) -> std::io::Result<()> {
    let Some(req) = read_request(&mut s).await? else { return Ok(()) };
    if !req.path.contains(&plan.target) {
        let (status, headers, body) = forward(&req, plan.upstream).await?;
        return respond(&mut s, &status, &headers, &body).await;
    }
    plan.sabotaged.fetch_add(1, Ordering::SeqCst);
    let fhir = vec![
        ("Content-Type".to_string(), "application/fhir+json; charset=utf-8".to_string()),
        ("Cache-Control".to_string(), "no-store".to_string()),
    ];
    match plan.behaviour {
        Behaviour::Slow => {
            tokio::time::sleep(plan.slow).await;
            let (status, headers, body) = forward(&req, plan.upstream).await?;
            respond(&mut s, &status, &headers, &body).await
        }
        Behaviour::Trickle => {
            s.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/fhir+json\r\nContent-Length: 1000000\r\n\r\n")
                .await?;
            for _ in 0..1200 {
                s.write_all(b" ").await?;
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Ok(())
        }
        Behaviour::HugeBody => {
            let size: usize = 64 * 1024 * 1024;
            s.write_all(
                format!("HTTP/1.1 200 OK\r\nContent-Type: application/fhir+json\r\nContent-Length: {size}\r\n\r\n")
                    .as_bytes(),
            )
            .await?;
            let block = vec![b' '; 64 * 1024];
            for _ in 0..size / block.len() {
                s.write_all(&block).await?;
            }
            Ok(())
        }
        Behaviour::InvalidJson => {
            let (status, headers, _) = forward(&req, plan.upstream).await?;
            respond(&mut s, &status, &headers, b"{\"resourceType\": \"Patient\", \"id\": ").await
        }
        Behaviour::InvalidUtf8 => {
            let (status, headers, _) = forward(&req, plan.upstream).await?;
            respond(&mut s, &status, &headers, &[0xff, 0xfe, 0x7b, 0x80, 0x7d]).await
        }
        Behaviour::WrongContentType => {
            let (status, headers, body) = forward(&req, plan.upstream).await?;
            respond(&mut s, &status, &with_header(headers, "Content-Type", "text/html; charset=utf-8", true), &body)
                .await
        }
        Behaviour::WrongResourceType => {
            let body = br#"{"resourceType":"Practitioner","id":"not-what-you-asked-for","meta":{"versionId":"1"}}"#;
            respond(&mut s, "HTTP/1.1 200 OK", &fhir, body).await
        }
        Behaviour::RedirectOffOrigin => {
            let to = format!("http://{}{}", plan.redirect_to, req.path);
            respond(&mut s, "HTTP/1.1 302 Found", &with_header(fhir, "Location", &to, false), b"").await
        }
        Behaviour::RedirectToHttps => {
            let to = format!("https://{}{}", plan.redirect_to, req.path);
            respond(&mut s, "HTTP/1.1 301 Moved Permanently", &with_header(fhir, "Location", &to, false), b"").await
        }
        Behaviour::Reset => {
            s.set_zero_linger()?;
            drop(s);
            Ok(())
        }
        Behaviour::CloseMidBody => {
            s.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/fhir+json\r\nContent-Length: 5000\r\n\r\n{\"resourceType\":\"Patient\",").await?;
            s.shutdown().await
        }
        Behaviour::Http10 => {
            let (status, headers, body) = forward(&req, plan.upstream).await?;
            let status = status.replacen("HTTP/1.1", "HTTP/1.0", 1);
            respond(&mut s, &status, &headers, &body).await
        }
        Behaviour::ConflictingHeaders => {
            let (status, headers, body) = forward(&req, plan.upstream).await?;
            let headers =
                with_header(with_header(headers, "Content-Type", "text/plain", false), "ETag", "W/\"999\"", false);
            respond(&mut s, &status, &headers, &body).await
        }
        Behaviour::OkWithOutcome => {
            let body = br#"{"resourceType":"OperationOutcome","meta":{"profile":["https://fhir.nhs.uk/STU3/StructureDefinition/GPConnect-OperationOutcome-1"]},"issue":[{"severity":"error","code":"invalid","details":{"coding":[{"system":"https://fhir.nhs.uk/STU3/CodeSystem/Spine-ErrorOrWarningCode-1","code":"BAD_REQUEST","display":"Bad request"}]}}]}"#;
            respond(&mut s, "HTTP/1.1 200 OK", &fhir, body).await
        }
        Behaviour::DifferentTraceId => {
            let (status, headers, body) = forward(&req, plan.upstream).await?;
            let headers = with_header(headers, "Ssp-TraceID", &uuid::Uuid::new_v4().to_string(), true);
            respond(&mut s, &status, &headers, &body).await
        }
        Behaviour::NearCap => {
            static BODY: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
            respond(&mut s, "HTTP/1.1 200 OK", &fhir, BODY.get_or_init(|| near_cap_bundle(NEAR_CAP_BYTES))).await
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_near_cap_bundle_is_valid_json_of_the_size_asked() {
        let b = super::near_cap_bundle(10_000);
        assert_eq!(b.len(), 10_000);
        let v: serde_json::Value = serde_json::from_slice(&b).expect("JSON");
        assert_eq!(v["type"], "searchset");
        assert!(v["entry"].as_array().is_some_and(|e| e.len() > 50));
    }
}
