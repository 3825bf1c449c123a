//! The reference candidate's router: each area's endpoints under the
//! practice's three service roots, and the layers every request passes.

use axum::Router;
use axum::extract::{Request, State as Extract};
use axum::http::Uri;
use axum::middleware::{self, Next};
use axum::response::Response;

use crate::reference::acc::methods::Methods;
use crate::reference::outcome::Outcome;
use crate::reference::outcome::SpineCode;
use crate::reference::roots::Roots;
use crate::reference::{Latency, Shared};
use crate::reference::{acc, com, consumer, dev, dsp, eps, fin, inf, onl, rec};

pub fn router(state: Shared) -> Router {
    let m = Methods::of(&state);
    let trigger = Roots::api(Router::new().route("/$rfa-trigger", m.operation(consumer::trigger)));
    let areas = [
        acc::routes(m),
        com::routes(m),
        dev::routes(m),
        dsp::routes(m),
        eps::routes(m),
        fin::routes(m),
        inf::routes(m),
        onl::routes(m),
        rec::routes(m),
        trigger,
    ];
    let all = areas.into_iter().fold(Roots::default(), Roots::merge);
    let router = Router::new()
        .nest(&state.base_path, all.api)
        .nest(&state.structured_path, all.structured)
        .nest(&state.documents_path, all.documents)
        .fallback(unknown_path)
        .layer(middleware::from_fn(acc::body_form::strict))
        .layer(middleware::from_fn(acc::format::refuse_inside))
        .layer(middleware::from_fn_with_state(state.clone(), acc::responses::finish))
        // Outside `finish`, which judges and finishes the JSON answer this
        // layer then writes as XML when XML was asked for.
        .layer(middleware::from_fn_with_state(state.clone(), acc::format::negotiate))
        .layer(middleware::from_fn_with_state(state.clone(), acc::nhs_login::prepare))
        .layer(middleware::from_fn_with_state(state.clone(), rec::audit::record))
        .layer(middleware::from_fn_with_state(state.clone(), delay));
    // Outermost, so what it compresses is the finished answer; only when the
    // consumer sends Accept-Encoding: gzip (the official suite's FHIR.feature).
    let router = if state.defects.has(acc::defects::AccDefect::NoGzip) {
        router
    } else {
        router.layer(tower_http::compression::CompressionLayer::new())
    };
    router.with_state(state)
}

/// Notes the defects consulted while answering against the request (see
/// `defect::Consulted`); outermost, so nothing the reference does for it is
/// left out.
pub(super) async fn attribute(req: Request, next: Next) -> Response {
    let trace = req.headers().get("ssp-traceid").and_then(|v| v.to_str().ok()).map(str::to_string);
    let path = req.uri().path_and_query().map_or_else(|| req.uri().path().to_string(), |p| p.to_string());
    let key = crate::reference::defect::request_key(req.method().as_str(), &path, trace.as_deref());
    crate::reference::defect::Consulted::within(key, next.run(req)).await
}

async fn unknown_path(uri: Uri) -> Outcome {
    Outcome::new(SpineCode::NoRecordFound, format!("no endpoint at {} (paths are case-sensitive)", uri.path()))
}

/// Holds each response back by the configured latency.
async fn delay(Extract(s): Extract<Shared>, req: Request, next: Next) -> Response {
    let resp = next.run(req).await;
    let Latency { base, jitter } = s.latency;
    if !base.is_zero() || !jitter.is_zero() {
        use rand::RngExt as _;
        let extra = if jitter.is_zero() { 0 } else { rand::rng().random_range(0..=jitter.as_micros() as u64) };
        tokio::time::sleep(base + std::time::Duration::from_micros(extra)).await;
    }
    resp
}
