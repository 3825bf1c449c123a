//! INF: information for clinicians — Patient search and read, the
//! directory (Organization, Practitioner, Location), Access Record
//! Structured, Access Document, and retrieving another practice's record.

pub mod consumer;
pub mod defects;
pub mod directory;
pub mod documents;
pub mod patients;
pub mod structured;

use axum::Router;

use crate::reference::acc::methods::Methods;
use crate::reference::roots::Roots;

pub fn routes(m: Methods) -> Roots {
    Roots {
        api: Router::new()
            .route("/Patient", m.read(patients::search))
            .route("/Patient/{id}", m.read(patients::read))
            .route("/Organization", m.read(directory::search_organizations))
            .route("/Organization/{id}", m.read(directory::read_organization))
            .route("/Practitioner", m.read(directory::search_practitioners))
            .route("/Practitioner/{id}", m.read(directory::read_practitioner))
            .route("/Location/{id}", m.read(directory::read_location)),
        structured: Router::new()
            .route("/Patient/$gpc.getstructuredrecord", m.operation(structured::get_structured_record))
            .route("/Patient/$gpc.migratestructuredrecord", m.operation(structured::migrate_structured_record)),
        documents: Router::new()
            .route("/Patient", m.read(patients::documents_patient_search))
            .route("/Patient/{id}/DocumentReference", m.read(documents::search_documents))
            .route("/Binary/{id}", m.read(documents::read_binary)),
    }
}
