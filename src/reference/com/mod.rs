//! COM: communication — messages between practice users, documents received
//! by GP Connect Send Document, consultation summaries received by GP
//! Connect Update Record, and MESH.

pub mod defects;
pub mod mesh;
pub mod messages;
pub mod send_document;
pub mod update_record;

use axum::Router;
use axum::routing::post;

use crate::reference::acc::methods::{Methods, wrong_method};
use crate::reference::roots::Roots;

pub fn routes(m: Methods) -> Roots {
    Roots {
        api: Router::new()
            .route("/Communication", post(messages::send).get(messages::search).fallback(wrong_method))
            .route("/Communication/{id}", m.read(messages::read))
            .route("/Communication/{id}/$rfa.acknowledge", m.operation(messages::acknowledge)),
        ..Roots::default()
    }
}
