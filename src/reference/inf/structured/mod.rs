//! Access Record Structured: `POST [structured]/Patient/$gpc.getstructuredrecord`,
//! and its migration form `$gpc.migratestructuredrecord` (`migrate`).

mod migrate;
mod params;
pub use migrate::migrate_structured_record;
pub use params::whole_date;
mod record;

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State as Extract;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};

use crate::fhir::gpc::Interaction;
use crate::fixtures::PatientFlag;
use crate::reference::State;
use crate::reference::acc::guard;
use crate::reference::inf::defects::InfDefect;
use crate::reference::outcome::SpineCode;
use crate::reference::outcome::{Fhir, Outcome};
use crate::reference::{onl, xcs};

/// Today as `YYYY-MM-DD` (UTC, or `RFA_TODAY`).
pub fn today() -> String {
    crate::support::clock::ymd(crate::support::clock::today())
}

pub async fn get_structured_record(Extract(s): Extract<Arc<State>>, headers: HeaderMap, body: Bytes) -> Response {
    let mut headers = headers;
    if s.defects.has(InfDefect::StructuredIgnoresSspTo)
        && let Ok(asid) = axum::http::HeaderValue::from_str(&s.asid)
    {
        headers.insert("Ssp-To", asid);
    }
    let claims = match guard::check(&s, &headers, Interaction::GetStructuredRecord) {
        Ok(c) => c,
        Err(o) => return o.into_response(),
    };
    let today = today();
    let q = match params::parse(&body, &today, &s.defects) {
        Ok(q) => q,
        Err(o) => return o.into_response(),
    };
    let d = |x| s.defects.has(x);
    if q.no_area() && d(InfDefect::StructuredRequiresClinicalArea) {
        return Outcome::new(SpineCode::InvalidParameter, "name at least one clinical area").into_response();
    }
    if let Err(o) = onl::access::summary_only(&s, &claims, &q.nhs_number, beyond_summary(&q)) {
        return o.into_response();
    }
    if let Err(o) = xcs::sharing_agreement(&s, &claims, &requested(&q)) {
        return o.into_response();
    }
    let not_found =
        || Outcome::new(SpineCode::PatientNotFound, "no patient whose record can be shared has that NHS number");
    let Some(patient) = s.store.by_nhs_number(&q.nhs_number).next() else {
        return not_found().into_response();
    };
    let refused = (!patient.is_active() && !d(InfDefect::StructuredServesDeceased))
        || (!patient.verified() && !d(InfDefect::StructuredServesUnverified))
        || (patient.has(PatientFlag::Sensitive) && !d(InfDefect::StructuredServesSensitive))
        || (patient.has(PatientFlag::Temporary) && !d(InfDefect::StructuredServesTemporary));
    if refused {
        return not_found().into_response();
    }
    if patient.has(PatientFlag::Dissent) {
        return if d(InfDefect::DissentAnswersNotFound) {
            not_found().into_response()
        } else {
            Outcome::new(SpineCode::NoPatientConsent, "the patient has dissented from sharing their record")
                .into_response()
        };
    }
    let trace = headers.get("Ssp-TraceID").and_then(|v| v.to_str().ok()).unwrap_or_default();
    Fhir::ok(record::build(&s, patient, &q, trace, &today)).into_response()
}

/// The parts of the record a request asks for, by parameter name.
fn requested(q: &params::Query) -> Vec<&'static str> {
    [
        ("includeAllergies", q.allergies.is_some()),
        ("includeMedication", q.medication.is_some()),
        ("includeProblems", q.problems.is_some()),
        ("includeConsultations", q.consultations.is_some()),
        ("includeImmunisations", q.immunisations.is_some()),
        ("includeUncategorisedData", q.uncategorised.is_some()),
        ("includeInvestigations", q.investigations.is_some()),
        ("includeReferrals", q.referrals.is_some()),
        ("includeDiaryEntries", q.diary.is_some()),
    ]
    .into_iter()
    .filter_map(|(name, asked)| asked.then_some(name))
    .collect()
}

/// Whether a request asks for more than the record summary (allergies and
/// medications), which is all a patient reads.
fn beyond_summary(q: &params::Query) -> bool {
    q.problems.is_some()
        || q.immunisations.is_some()
        || q.consultations.is_some()
        || q.uncategorised.is_some()
        || q.investigations.is_some()
        || q.referrals.is_some()
        || q.diary.is_some()
}
