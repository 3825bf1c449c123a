//! ONL: patients online — free slots, booking, amending and cancelling
//! appointments, repeat prescription requests, and what a patient-scoped
//! token reaches.

pub mod access;
pub mod appointments;
pub mod defects;
pub mod repeats;
pub mod slots;

use axum::Router;
use axum::routing::post;

use crate::reference::acc::methods::{Methods, wrong_method};
use crate::reference::roots::Roots;

pub fn routes(m: Methods) -> Roots {
    Roots::api(
        Router::new()
            .route("/Slot", m.read(slots::search))
            .route("/Appointment", post(appointments::book).fallback(wrong_method))
            .route(
                "/Appointment/{id}",
                axum::routing::get(appointments::read).put(appointments::update).fallback(wrong_method),
            )
            .route("/Patient/{id}/Appointment", m.read(appointments::for_patient))
            .route("/Task", post(repeats::request).get(repeats::search).fallback(wrong_method)),
    )
}
