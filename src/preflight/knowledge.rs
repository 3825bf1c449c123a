//! The knowledge base the prescribing requirements rely on (profile §30):
//! every concept of the test data's terminology looked up through
//! `CodeSystem/$lookup`, with the display, status and class the pack
//! expects.

use super::{KeyReport, Status, fetch, outcome_code, report};
use crate::client::{Client, RequestSpec};
use crate::fhir::gpc::{self, Interaction};
use crate::medicines::{self, Concept};

pub async fn check(client: &Client) -> Vec<KeyReport> {
    let t = medicines::terminology();
    futures::future::join_all(t.concepts.iter().map(|c| concept(client, c))).await
}

async fn concept(client: &Client, c: &Concept) -> KeyReport {
    let mut spec = RequestSpec::new(Interaction::LookupCode, "CodeSystem/$lookup");
    spec.query.push(("system".into(), gpc::SNOMED_SYSTEM.into()));
    spec.query.push(("code".into(), c.code.clone()));
    let line = |status, details| report("concept", &c.display, &c.code, status, details);
    let body = match fetch(client, &spec).await {
        Ok((200, body)) => body,
        Ok((404, _)) => {
            return line(
                Status::Missing,
                vec!["the knowledge base does not hold it: the EPS, DSP and KNW requirements use it".into()],
            );
        }
        Ok((status, body)) => {
            return line(Status::Error, vec![format!("$lookup answered HTTP {status} {}", outcome_code(&body))]);
        }
        Err(e) => return line(Status::Error, vec![e]),
    };
    let medicines::LookupAnswer { display, inactive, class } = medicines::LookupAnswer::read(&body);
    let mut differs = Vec::new();
    if display != Some(c.display.as_str()) {
        differs.push(format!("display: expected `{}`, found {display:?}", c.display));
    }
    if inactive != Some(!c.active) {
        differs.push(format!("inactive: expected {}, found {inactive:?}", !c.active));
    }
    if class != Some(c.class.code()) {
        differs.push(format!("concept-class: expected {}, found {class:?}", c.class.code()));
    }
    let status = if differs.is_empty() { Status::Ok } else { Status::Different };
    line(status, differs)
}
