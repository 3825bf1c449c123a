//! Consultation summaries received by GP Connect Update Record (profile
//! §36.1): the harness, as a community pharmacy, puts an ITK3 message
//! (event ITK014M) in the candidate's MESH inbox and asks it to collect its
//! mail. The ITK3 responses are judged as Send Document's are
//! (`send_document`); what the pharmacy recorded is then judged by reading
//! the patient's record back: not there until a clinician accepts it, there
//! after (`rec::recording`'s read-back, which finds the reading by its time).

use serde_json::{Value, json};

use crate::fhir::Views as _;
use crate::fhir::gpc;
use crate::fhir::itk;
use crate::steps::com::send_document::{Envelope, document_entries_mut, entry, patient_resource, resource_mut};
use crate::steps::common::keys::{self, fresh_identifier};
use crate::steps::consumer::{act_in_record, national, own};
use crate::steps::rec::recording::{CLINICIAN, own_time};
use crate::steps::rec::register::demographics;
use crate::steps::world::{AskedEntry, Failure, RfaWorld, SentDocument, StepResult};
use crate::steps::{Args, StepDef, step};
use crate::support::stable_uuid;

/// The community pharmacy the summaries come from (a made-up ODS code).
const PHARMACY_ODS: &str = "FRH01";
const PHARMACY_NAME: &str = "Riverside Community Pharmacy";
/// Community Pharmacy Blood Pressure Check Service (Update Record's
/// Composition types).
const SERVICE: (&str, &str) = ("1659111000000107", "Community Pharmacy Blood Pressure Check Service");
/// The reading: a heart rate, as in Update Record's blood pressure check
/// example, in UCUM.
const READING: (&str, &str, &str, &str) = ("364075005", "Heart rate", "72", "/min");

const GPC: &str = "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-GPC-";

pub fn steps() -> Vec<StepDef> {
    vec![
        step!(Given r#"^a community pharmacy's blood pressure check for "([^"]+)" sent by GP Connect Update Record$"# => build, "Builds an Update Record ITK3 message from a community pharmacy (its mailbox the other organisation's of `fixtures/national.json`): a message Bundle whose MessageHeader has event ITK014M, the handling specification (both acknowledgements requested, RecipientType FI, MessageDefinition https://fhir.nhs.uk/MessageDefinition, a SenderReference, LocalExtension None) and the pharmacy's mailbox as `source.endpoint`; the header Organization; and a document Bundle under Update Record's profiles: a Composition (Community Pharmacy Blood Pressure Check Service, a title unique to the scenario) whose section names the Encounter, a ClinicalImpression and an Observation; the Patient (NHS number, name, birth date), the Encounter, the pharmacist (a GPhC number), the pharmacy, the ClinicalImpression, and the Observation: a heart rate of 72 /min (UCUM) at a time of the scenario's own. Delivered under workflow GPCONNECT_UPDATE_RECORD when the candidate is asked to collect it. The reading is what the record's read-back steps then look for."),
        step!(Given r#"^the Update Record message carries a Flag$"# => with_flag, "Adds a CareConnect-Flag-1 Flag to the document Bundle, named in the Composition's section: a profile Update Record's guide puts out of scope, so the whole message must be refused with 20009."),
        step!(Then r#"^the structured record of "([^"]+)" shows the reading sent as provisional at most$"# => provisional_at_most, "Reads the patient's record through Access Record Structured (evidence kept): at the reading's time there is no Observation, or only one with status `preliminary`. Update Record's guide lets a GP system hold what arrives apart from the record, or file it \"as provisional until a clinician reviews and accepts\" it; filed as final, it was written into the record unreviewed."),
        step!(When r#"^a clinician is asked to accept the consultation summary sent for "([^"]+)"$"# => accept, "Asks the candidate (trigger action `accept-update-record`, or the tester) to have a clinician (practitioner1, by SDS user id) review and accept the consultation summary the message brought for this patient (by NHS number), picked by its title (the Composition's, unique to the scenario), so that it is filed into the record."),
    ]
}

async fn build(w: &mut RfaWorld, a: &Args) -> StepResult {
    own(w).await?;
    let key = a.get(1).to_string();
    let nhs = keys::nhs(w, &key)?;
    // Opening the record first also gives the scenario the trace id its
    // own time is drawn from.
    keys::logical_id(w, &key).await?;
    let marker = fresh_identifier(w);
    let at = own_time(w);
    let id = |part| stable_uuid(&marker, part);
    let url = |part| format!("urn:uuid:{}", id(part));
    let mailbox = national()?.mesh.recipient.clone();
    let ods = |value: &str| json!([{ "system": gpc::ODS_ORGANIZATION_SYSTEM, "value": value }]);
    let profile = |name: &str| json!({ "profile": [format!("{GPC}{name}-1")] });
    let title = format!("{} (rfa {marker})", SERVICE.1);
    let envelope = Envelope {
        marker: &marker,
        event: (itk::UPDATE_RECORD_EVENT, "ITK Update Record"),
        recipient_type: ("FI", "For Information"),
        definition: itk::UPDATE_RECORD_DEFINITION,
        local_extension: "None",
        sender_ods: PHARMACY_ODS,
        mailbox: &mailbox,
        timestamp: &at,
    };
    let (code, display, value, unit) = READING;
    let message = envelope.message(vec![
        entry(json!({
            "resourceType": "Composition",
            "id": id("composition"),
            "meta": { "profile": [itk::COMPOSITION_PROFILE] },
            "identifier": { "system": itk::UUID_SYSTEM, "value": id("composition-identifier") },
            "status": "final",
            "type": { "coding": [{ "system": gpc::SNOMED_SYSTEM, "code": SERVICE.0, "display": SERVICE.1 }] },
            "subject": { "reference": url("patient") },
            "encounter": { "reference": url("encounter") },
            "date": at,
            "author": [{ "reference": url("practitioner") }],
            "title": title,
            "section": [{
                "title": "Consultation",
                "entry": [
                    { "reference": url("encounter") },
                    { "reference": url("impression") },
                    { "reference": url("reading") }
                ]
            }]
        })),
        entry(patient_resource(w, &key, &id("patient"), &format!("{GPC}Patient-1"))?),
        entry(json!({
            "resourceType": "Encounter",
            "id": id("encounter"),
            "meta": profile("Encounter"),
            "status": "finished",
            "type": [{ "coding": [{ "system": gpc::SNOMED_SYSTEM, "code": "307778003", "display": "Seen in primary care establishment" }] }],
            "subject": { "reference": url("patient") },
            "participant": [{ "individual": { "reference": url("practitioner") } }],
            "period": { "start": at, "end": at },
            "serviceProvider": { "reference": url("organization") }
        })),
        entry(json!({
            "resourceType": "Practitioner",
            "id": id("practitioner"),
            "meta": profile("Practitioner"),
            "identifier": [{ "system": "https://fhir.hl7.org.uk/Id/gphc-number", "value": "2054321" }],
            "name": [{ "use": "official", "family": "Okafor", "given": ["Ada"], "prefix": ["Mrs"] }]
        })),
        entry(json!({
            "resourceType": "Organization",
            "id": id("organization"),
            "meta": profile("Organization"),
            "identifier": ods(PHARMACY_ODS),
            "name": PHARMACY_NAME
        })),
        entry(json!({
            "resourceType": "ClinicalImpression",
            "id": id("impression"),
            "meta": profile("ClinicalImpression"),
            "status": "completed",
            "subject": { "reference": url("patient") },
            "context": { "reference": url("encounter") },
            "date": at,
            "summary": "Blood pressure and pulse checked; no action needed."
        })),
        entry(json!({
            "resourceType": "Observation",
            "id": id("reading"),
            "meta": profile("Observation"),
            "status": "final",
            "category": [{ "coding": [{ "system": "http://hl7.org/fhir/observation-category", "code": "vital-signs" }] }],
            "code": { "coding": [{ "system": gpc::SNOMED_SYSTEM, "code": code, "display": display }] },
            "subject": { "reference": url("patient") },
            "context": { "reference": url("encounter") },
            "effectiveDateTime": at,
            "performer": [{ "reference": url("practitioner") }],
            "valueQuantity": { "value": value.parse::<f64>().unwrap_or_default(), "unit": unit, "system": gpc::UCUM_SYSTEM, "code": unit }
        }))
    ]);
    let (_, family, given, _, _) = demographics(w, &key)?;
    // The Update Record guide's Mex-Subject.
    let subject = format!(
        "{} for {given} {family}, NHS Number: {nhs}, seen at {PHARMACY_NAME}, ODS code: {PHARMACY_ODS}, version 1",
        SERVICE.1
    );
    let workflow = itk::UPDATE_RECORD_WORKFLOW.to_string();
    w.com.sent = Some(SentDocument { patient: String::new(), marker, message, workflow, subject, listed: None });
    let params = [
        ("kind", "observation"),
        ("patient", nhs.as_str()),
        ("code", code),
        ("display", display),
        ("time", at.as_str()),
        ("status", "final"),
        ("value", value),
        ("unit", unit),
    ];
    let params = params.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    w.rec.asked =
        Some(AskedEntry { ty: gpc::EntryType::Observation, patient: key, params, trigger: None, found: None });
    Ok(())
}

async fn with_flag(w: &mut RfaWorld, _: &Args) -> StepResult {
    let s = w.com.sent.as_mut().ok_or_else(|| Failure::Harness("no Update Record message was built".into()))?;
    let flag_id = stable_uuid(&s.marker, "flag");
    let flag = json!({
        "resourceType": "Flag",
        "id": flag_id,
        "meta": { "profile": [itk::FLAG_PROFILE] },
        "status": "active",
        "code": { "text": "Patient prefers a morning appointment" },
        "subject": { "reference": format!("urn:uuid:{}", stable_uuid(&s.marker, "patient")) }
    });
    let document = document_entries_mut(&mut s.message)
        .ok_or_else(|| Failure::Harness("the message has no document Bundle".into()))?;
    document.push(entry(flag));
    let composition =
        resource_mut(&mut s.message, "Composition").ok_or_else(|| Failure::Harness("no Composition".into()))?;
    if let Some(entries) = composition.pointer_mut("/section/0/entry").and_then(Value::as_array_mut) {
        entries.push(json!({ "reference": format!("urn:uuid:{flag_id}") }));
    }
    Ok(())
}

async fn provisional_at_most(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (_, at) = crate::steps::rec::recording::read_back(w, a.get(1)).await?;
    let filed: Vec<String> = at
        .iter()
        .filter(|r| r.get("status").and_then(Value::as_str) != Some("preliminary"))
        .map(|r| {
            let status = r.get("status").and_then(Value::as_str).unwrap_or("no status");
            format!("Observation/{} ({status})", r.get("id").and_then(Value::as_str).unwrap_or_default())
        })
        .collect();
    if !filed.is_empty() {
        return w.fail(format!(
            "before a clinician accepted it, the structured record of \"{}\" shows the pharmacy's reading as filed: {}; Update Record allows it held apart, or shown as provisional (status preliminary) at most",
            a.get(1),
            filed.join(", ")
        ));
    }
    Ok(())
}

async fn accept(w: &mut RfaWorld, a: &Args) -> StepResult {
    let nhs = keys::nhs(w, a.get(1))?;
    let recorder = keys::sds(w, CLINICIAN)?;
    let sent = w.com.sent.as_ref().ok_or_else(|| Failure::Harness("no Update Record message was built".into()))?;
    let title = itk::document(&sent.message)
        .and_then(|d| d.as_bundle().resources_of("Composition").next())
        .and_then(|c| c.json().get("title"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let params = vec![("patient".into(), nhs), ("title".into(), title), ("recorder".into(), recorder)];
    act_in_record(w, "accept-update-record", params).await
}
