//! REC: the record — recording, amending and searching clinical entries,
//! the audit trail, registering patients and tracing them on PDS.

pub mod audit;
pub mod clinical;
pub mod defects;
pub mod pds;
pub mod register;

use axum::Router;

use crate::reference::acc::methods::Methods;
use crate::reference::roots::Roots;

pub fn routes(m: Methods) -> Roots {
    Roots::api(
        Router::new()
            .route("/Patient/$gpc.registerpatient", m.operation(register::register))
            .merge(clinical::routes(m))
            .merge(audit::routes()),
    )
}
