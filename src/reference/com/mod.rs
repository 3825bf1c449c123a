//! COM: communication — messages between practice users, documents filed
//! into a patient's record, and MESH.

pub mod defects;
pub mod filing;
pub mod mesh;
pub mod messages;

use axum::Router;
use axum::routing::post;

use crate::reference::acc::methods::{Methods, post_only, wrong_method};
use crate::reference::roots::Roots;

pub fn routes(m: Methods) -> Roots {
    Roots {
        api: Router::new()
            .route("/Communication", post(messages::send).get(messages::search).fallback(wrong_method))
            .route("/Communication/{id}", m.read(messages::read))
            .route("/Communication/{id}/$rfa.acknowledge", m.operation(messages::acknowledge)),
        documents: Router::new().route("/DocumentReference", post(filing::file).fallback(post_only)),
        ..Roots::default()
    }
}
