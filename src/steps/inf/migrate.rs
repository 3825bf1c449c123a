//! Migrating a patient's structured record:
//! `POST [structured]/Patient/$gpc.migratestructuredrecord`, sent as the
//! official suite sends it (reason_for_request `migration`, requested_scope
//! `patient/*.read conf/N`, or `conf/R` with sensitive information), then
//! the documents it lists retrieved with the migrate-document interaction.
//! The answer is a structured record Bundle, judged with `record`'s steps.

use serde_json::{Value, json};

use crate::client::{ClaimEdit, RequestSpec};
use crate::fhir::Views as _;
use crate::fhir::gpc::{self, Interaction};
use crate::steps::common::bundle::resources;
use crate::steps::common::http::resource;
use crate::steps::inf::documents::binary_path;
use crate::steps::world::{Failure, RfaWorld, StepResult};
use crate::steps::{Args, StepDef, common::keys, step};

pub fn steps() -> Vec<StepDef> {
    vec![
        step!(Given r#"^a structured record migration for "([^"]+)" (with|without) sensitive information$"# => migration_for, "Begins `POST [structured]/Patient/$gpc.migratestructuredrecord` (interaction gpc.migratestructuredrecord-1) whose Parameters hold this fixture patient's NHS number and includeFullRecord with includeSensitiveInformation true or false; the JWT's reason_for_request is migration and its requested_scope `patient/*.read conf/R` with sensitive information, `patient/*.read conf/N` without (as the official suite sends them)."),
        step!(Then r#"^the Bundle has a list for every clinical area$"# => every_area, "The Bundle holds a List titled for each clinical area GP Connect names (allergies and ended allergies, medications, problems, immunisations, consultations, uncategorised data, investigations, referrals, diary entries): the full record, asked for in one parameter."),
        step!(When r#"^the first document the migrated record lists is retrieved with the migrate-document interaction$"# => retrieve_first, "Takes the first DocumentReference of the migration's Bundle (HTTP 200 and at least one, as the official suite requires), and sends `GET` of its `content.attachment.url`, under the documents service root, with the interaction documents:fhir:rest:migrate:binary-1 (requested_scope patient/*.read, as the official suite retrieves it)."),
        step!(Then r#"^the request is refused with (\d{3}) "([A-Z_ ]+)" or "([A-Z_ ]+)"$"# => refused_with_either, "The status is this and the body is a GPConnect-OperationOutcome-1 carrying one of these two Spine error codes (where GP Connect's error table does not choose between them), checked in full like every refusal."),
    ]
}

const PATH: &str = "Patient/$gpc.migratestructuredrecord";

/// The clinical areas of a full record, by their lists' titles (GP
/// Connect's "List and message structure" table).
const AREA_LISTS: [&str; 10] = [
    "Allergies and adverse reactions",
    "Ended allergies",
    "Medications and medical devices",
    "Problems",
    "Immunisations",
    "List of consultations",
    "Uncategorised data",
    "Investigations and results",
    "Outbound referral",
    "Patient recall administration",
];

async fn migration_for(w: &mut RfaWorld, a: &Args) -> StepResult {
    let nhs = keys::nhs(w, a.get(1))?;
    let sensitive = a.get(2) == "with";
    let body = json!({
        "resourceType": "Parameters",
        "parameter": [
            { "name": "patientNHSNumber", "valueIdentifier": { "system": gpc::NHS_NUMBER_SYSTEM, "value": nhs } },
            { "name": "includeFullRecord", "part": [{ "name": "includeSensitiveInformation", "valueBoolean": sensitive }] }
        ]
    });
    let mut spec = RequestSpec::post(Interaction::MigrateStructuredRecord, PATH, body.to_string());
    if sensitive {
        let scope = format!("{} {}", Interaction::MigrateStructuredRecord.scope(), gpc::CONF_RESTRICTED);
        spec.jwt.claim_edits.push(("requested_scope".into(), ClaimEdit::Set(json!(scope))));
    }
    w.request = Some(spec);
    Ok(())
}

/// The response as a collection Bundle answered with 200.
fn bundle(w: &RfaWorld) -> Result<Value, Failure> {
    let status = w.response()?.status;
    if status != 200 {
        return w.fail(format!("expected HTTP 200 with the migrated record, got HTTP {status}"));
    }
    resource(w, "Bundle")
}

async fn every_area(w: &mut RfaWorld, _: &Args) -> StepResult {
    let b = bundle(w)?;
    let titles: Vec<&str> =
        resources(&b, "List").into_iter().filter_map(|l| l.get("title").and_then(Value::as_str)).collect();
    let missing: Vec<&str> = AREA_LISTS.iter().copied().filter(|t| !titles.contains(t)).collect();
    if missing.is_empty() {
        return Ok(());
    }
    w.fail(format!(
        "a migration returns the full record, but the Bundle has no list titled {}; its lists are: {}",
        missing.join(", "),
        if titles.is_empty() { "none".to_string() } else { titles.join(", ") }
    ))
}

async fn retrieve_first(w: &mut RfaWorld, _: &Args) -> StepResult {
    let b = bundle(w)?;
    let Some(doc) = resources(&b, "DocumentReference").into_iter().next().cloned() else {
        return w.fail(
            "the migrated record lists no DocumentReference: the patient's documents are part of the full record",
        );
    };
    let Some(url) = doc.pointer("/content/0/attachment/url").and_then(Value::as_str) else {
        return w.fail(format!(
            "the first DocumentReference, {}, gives no content.attachment.url to retrieve it from",
            doc.as_resource().id().unwrap_or("(no id)")
        ));
    };
    let path = binary_path(w, url)?;
    let spec = RequestSpec::new(Interaction::MigrateBinary, path);
    w.document = Some(doc);
    w.request = Some(spec.clone());
    let resp = w.send(&spec).await?;
    w.response = Some(resp);
    Ok(())
}

async fn refused_with_either(w: &mut RfaWorld, a: &Args) -> StepResult {
    let want_status = a.get(1).parse::<u16>().unwrap_or_default();
    crate::steps::common::http::check_refusal(w, Some(want_status), &[a.get(2), a.get(3)])
}
