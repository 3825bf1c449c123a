//! ACC: remote access — the Spine Security Proxy headers and JWT every
//! request passes (guard), the methods each endpoint answers, the headers
//! every response carries, content negotiation (JSON or XML), the
//! CapabilityStatements, and the TLS endpoint.

pub mod body_form;
pub mod capability;
pub mod defects;
pub mod format;
pub mod guard;
pub mod methods;
pub mod nhs_login;
pub mod responses;
mod stu3;
pub mod tls;

use axum::Router;

use crate::reference::roots::Roots;
use methods::Methods;

pub fn routes(m: Methods) -> Roots {
    Roots {
        api: Router::new().route("/metadata", m.read(capability::metadata)),
        structured: Router::new().route("/metadata", m.read(capability::structured_metadata)),
        documents: Router::new().route("/metadata", m.read(capability::documents_metadata)),
    }
}
