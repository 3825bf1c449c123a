//! Transport security (profile §32): requests to the candidate's TLS
//! endpoint with a chosen client certificate or protocol, handshake probes
//! with what a provider must refuse, and cross-origin headers.

use crate::steps::world::{Failure, RfaWorld, StepResult};
use crate::steps::{Args, StepDef, step};
use crate::tls::{ClientCert, TlsCase, probe};

pub fn steps() -> Vec<StepDef> {
    vec![
        step!(Given r#"^the request goes to the TLS endpoint, verifying its certificate$"# => verified, "Sends the request to `[tls] url`, verifying the candidate's certificate against `[tls] server_ca` and the host name, presenting the harness's valid client certificate."),
        step!(Given r#"^the request goes to the TLS endpoint over TLS 1\.2 only$"# => tls12_only, "Sends the request to the TLS endpoint offering only TLS 1.2, with the valid client certificate."),
        step!(Given r#"^the request goes to the TLS endpoint presenting (no client certificate|the harness's client certificate|a self-signed certificate|a certificate from another authority|an expired certificate|a certificate that is not yet valid|a certificate issued to another name)$"# => presenting, "Sends the request to the TLS endpoint presenting this client certificate (minted from `[tls] client_ca` unless it says otherwise; always for `[tls] client_fqdn` unless issued to another name). The candidate's own certificate is not checked."),
        step!(Given r#"^the request goes to the TLS endpoint as plain HTTP$"# => plain, "Sends the request without TLS to the TLS endpoint's host and port."),
        step!(When r#"^the request is sent to the TLS endpoint$"# => send_tls, "Sends the request to the TLS endpoint; a refused or unanswered connection is recorded, not an error (the candidate's port must accept TCP, or nothing is judged). Skipped when the config has no `[tls]`."),
        step!(Then r#"^the connection is closed, or redirected with Strict-Transport-Security$"# => closed_or_hsts_redirect, "The candidate refused or closed the connection unanswered, or answered with a redirect (3xx) carrying a Strict-Transport-Security header (the official Security.feature, \"Non-SSL to SSL\"). Any other answer, an error status included, fails."),
        step!(Then r#"^the candidate does not serve it$"# => not_served, "The candidate refused the connection, closed it unanswered, or answered with a status that is not 2xx."),
        step!(When r#"^a client offering only (TLS 1\.0|TLS 1\.1|static RSA key exchange|AES-128 in CBC mode|ChaCha20-Poly1305|Camellia|anonymous key exchange|ECDHE with AES-GCM|the suite [A-Z0-9-]+) connects to the TLS endpoint$"# => probe_offer, "Starts a TLS handshake (OpenSSL) with the TLS endpoint offering only this, presenting the valid client certificate. Skipped, with the reason, when this machine's OpenSSL cannot offer it or the config has no `[tls]`."),
        step!(Then r#"^the handshake is refused$"# => handshake_refused, "The candidate did not complete the handshake."),
        step!(Then r#"^the handshake agrees on an approved suite under TLS 1\.2$"# => handshake_approved, "The handshake completed under TLS 1.2 with a suite GP Connect approves (ECDHE/DHE with AES-GCM or AES-256)."),
        step!(Then r#"^the response does not open cross-origin access to "([^"]+)"$"# => cors_closed, "`Access-Control-Allow-Origin` is absent, or names neither this origin nor `*`."),
    ]
}

fn set(w: &mut RfaWorld, case: TlsCase) -> StepResult {
    w.request_mut()?.tls = Some(case);
    Ok(())
}

async fn verified(w: &mut RfaWorld, _: &Args) -> StepResult {
    set(w, TlsCase::Verified)
}

async fn tls12_only(w: &mut RfaWorld, _: &Args) -> StepResult {
    set(w, TlsCase::Tls12Only)
}

async fn plain(w: &mut RfaWorld, _: &Args) -> StepResult {
    set(w, TlsCase::Plain)
}

async fn presenting(w: &mut RfaWorld, a: &Args) -> StepResult {
    let cert = match a.get(1) {
        "no client certificate" => ClientCert::None,
        "the harness's client certificate" => ClientCert::Valid,
        "a self-signed certificate" => ClientCert::SelfSigned,
        "a certificate from another authority" => ClientCert::OtherAuthority,
        "an expired certificate" => ClientCert::Expired,
        "a certificate that is not yet valid" => ClientCert::NotYetValid,
        _ => ClientCert::OtherName,
    };
    set(w, TlsCase::Client(cert))
}

/// Skips the scenario when there is no TLS endpoint to test.
fn needs_tls(w: &RfaWorld) -> StepResult {
    if w.ctx()?.client.config().tls.is_none() {
        return Err(Failure::Skip(
            "the config has no [tls] section, so the candidate's TLS endpoint cannot be tested (docs/config.md)".into(),
        ));
    }
    Ok(())
}

async fn send_tls(w: &mut RfaWorld, _: &Args) -> StepResult {
    needs_tls(w)?;
    let spec = w.request.clone().ok_or_else(|| Failure::Harness("no request was begun".into()))?;
    if spec.tls.is_none() {
        return Err(Failure::Harness("say how the request goes to the TLS endpoint first".into()));
    }
    let ctx = w.ctx()?;
    let spec = w.as_sent(&spec)?.into_owned();
    let (exchange, result) = ctx.client.send(&spec, w.scenario.as_ref()).await;
    let summary = exchange.summary();
    w.exchanges.push(exchange);
    match result {
        Ok(resp) => {
            w.response = Some(resp);
            w.acc.refusal = None;
        }
        // A connection that cannot be opened at all says nothing about TLS.
        Err(e @ crate::client::TransportError::Build(_)) => return Err(Failure::Harness(e.to_string())),
        Err(e) if refused_before_tls(&e.to_string()) => {
            return Err(Failure::Transport(format!("{e}\n    exchange: {summary}")));
        }
        Err(e) => {
            w.response = None;
            w.acc.refusal = Some(e.to_string());
        }
    }
    Ok(())
}

/// Failures that happen before any TLS or HTTP: no one listening, no route.
fn refused_before_tls(error: &str) -> bool {
    let e = error.to_ascii_lowercase();
    ["connection refused", "no route to host", "network is unreachable", "dns error", "failed to lookup"]
        .iter()
        .any(|m| e.contains(m))
}

async fn not_served(w: &mut RfaWorld, _: &Args) -> StepResult {
    match (&w.response, &w.acc.refusal) {
        (None, Some(_)) => Ok(()),
        (Some(r), _) if !(200..300).contains(&r.status) => Ok(()),
        (Some(r), _) => {
            let how = w.exchanges.last().and_then(|x| x.request.tls.clone()).unwrap_or_default();
            w.fail(format!("the candidate served the request ({}) to a client it must refuse: {how}", r.status))
        }
        (None, None) => Err(Failure::Harness("no request has been sent to the TLS endpoint".into())),
    }
}

async fn closed_or_hsts_redirect(w: &mut RfaWorld, _: &Args) -> StepResult {
    match (&w.response, &w.acc.refusal) {
        (None, Some(_)) => Ok(()),
        (Some(r), _) if (300..400).contains(&r.status) => {
            if r.header("strict-transport-security").is_some_and(|v| !v.trim().is_empty()) {
                Ok(())
            } else {
                w.fail(format!(
                    "the candidate redirected plain HTTP ({}) without a Strict-Transport-Security header",
                    r.status
                ))
            }
        }
        (Some(r), _) => w.fail(format!(
            "plain HTTP on the TLS endpoint should be closed or redirected to HTTPS with Strict-Transport-Security; the candidate answered {}",
            r.status
        )),
        (None, None) => Err(Failure::Harness("no request has been sent to the TLS endpoint".into())),
    }
}

async fn probe_offer(w: &mut RfaWorld, a: &Args) -> StepResult {
    needs_tls(w)?;
    let offer = probe::offer(a.get(1)).ok_or_else(|| Failure::Harness(format!("no probe called `{}`", a.get(1))))?;
    let ctx = w.ctx()?;
    // Re-judging replays the evidence: whether this machine could offer it
    // is not the question then.
    if matches!(ctx.client.transport(), crate::client::Transport::Live(_)) {
        probe::local_support(offer).await.map_err(Failure::Skip)?;
    }
    let (exchange, outcome) = ctx.client.handshake(offer, w.scenario.as_ref()).await;
    let summary = exchange.summary();
    w.exchanges.push(exchange);
    if let probe::Outcome::NoConnection(e) = &outcome {
        return Err(Failure::Transport(format!("{e}\n    exchange: {summary}")));
    }
    w.acc.handshake = Some(outcome);
    Ok(())
}

fn handshake(w: &RfaWorld) -> Result<&probe::Outcome, Failure> {
    w.acc.handshake.as_ref().ok_or_else(|| Failure::Harness("no handshake was attempted".into()))
}

async fn handshake_refused(w: &mut RfaWorld, _: &Args) -> StepResult {
    match handshake(w)? {
        probe::Outcome::Negotiated { version, cipher } => {
            w.fail(format!("the candidate agreed to {version} with {cipher}, which it must refuse"))
        }
        _ => Ok(()),
    }
}

async fn handshake_approved(w: &mut RfaWorld, _: &Args) -> StepResult {
    match handshake(w)? {
        probe::Outcome::Negotiated { version, cipher } if version == "TLSv1.2" && probe::approved(cipher) => Ok(()),
        probe::Outcome::Negotiated { version, cipher } => {
            w.fail(format!("the candidate agreed to {version} with {cipher}, not an approved suite under TLS 1.2"))
        }
        probe::Outcome::Refused(why) | probe::Outcome::NoConnection(why) => {
            w.fail(format!("the candidate refused a TLS 1.2 client offering approved suites: {why}"))
        }
    }
}

async fn cors_closed(w: &mut RfaWorld, a: &Args) -> StepResult {
    let origin = a.get(1);
    let r = w.response()?;
    let Some(allowed) = r.header("access-control-allow-origin") else { return Ok(()) };
    let allowed = allowed.trim();
    if allowed == "*" || allowed.eq_ignore_ascii_case(origin) {
        let creds = r.header("access-control-allow-credentials").unwrap_or_default();
        let creds = if creds.trim().eq_ignore_ascii_case("true") { ", with credentials allowed" } else { "" };
        return w.fail(format!(
            "Access-Control-Allow-Origin is `{allowed}`{creds}: a page from {origin} may read the API's answers in a browser"
        ));
    }
    Ok(())
}
