//! EPS: electronic prescribing — issuing, reading, searching and
//! cancelling prescriptions, and submitting them to EPS.

pub mod book;
pub mod defects;
pub mod prescribing;
pub mod submit;

use axum::Router;
use axum::routing::post;

use crate::reference::acc::methods::{Methods, wrong_method};
use crate::reference::roots::Roots;

pub fn routes(m: Methods) -> Roots {
    Roots::api(
        Router::new()
            .route("/MedicationRequest", post(prescribing::create).get(prescribing::search).fallback(wrong_method))
            .route("/MedicationRequest/{id}", m.read(prescribing::read))
            .route("/MedicationRequest/{id}/$rfa.cancel", m.operation(prescribing::cancel)),
    )
}
