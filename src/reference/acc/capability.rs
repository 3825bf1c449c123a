//! The reference candidate's CapabilityStatements, one per service root.

use axum::extract::State as Extract;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::fhir::gpc::{self, Interaction};
use crate::reference::acc::defects::AccDefect;
use crate::reference::acc::guard;
use crate::reference::outcome::{Fhir, Outcome, SpineCode};
use crate::reference::{Shared, State};

/// The `_include`s a DocumentReference search must carry, as the documents
/// CapabilityStatement declares them and the search enforces them.
pub const MANDATORY_INCLUDES: [&str; 4] = [
    "DocumentReference:subject:Patient",
    "DocumentReference:custodian:Organization",
    "DocumentReference:author:Organization",
    "DocumentReference:author:Practitioner",
];

/// The profiles the Foundations and Appointments CapabilityStatement lists,
/// by canonical URL without version, as the official provider suite's
/// FHIR.feature expects them (it lists the structured record's too).
pub const FOUNDATIONS_PROFILES: [&str; 23] = [
    "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-GPC-Patient-1",
    "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-GPC-Organization-1",
    "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-GPC-Practitioner-1",
    "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-GPC-PractitionerRole-1",
    "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-GPC-Location-1",
    "https://fhir.nhs.uk/STU3/StructureDefinition/GPConnect-OperationOutcome-1",
    "https://fhir.nhs.uk/STU3/StructureDefinition/GPConnect-Appointment-1",
    "https://fhir.nhs.uk/STU3/StructureDefinition/GPConnect-Schedule-1",
    "https://fhir.nhs.uk/STU3/StructureDefinition/GPConnect-Slot-1",
    "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-GPC-AllergyIntolerance-1",
    "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-GPC-Medication-1",
    "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-GPC-MedicationStatement-1",
    "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-GPC-MedicationRequest-1",
    "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-GPC-List-1",
    "https://fhir.nhs.uk/STU3/StructureDefinition/GPConnect-StructuredRecord-Bundle-1",
    "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-GPC-Immunization-1",
    "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-GPC-ProblemHeader-Condition-1",
    "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-GPC-Encounter-1",
    "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-GPC-Observation-1",
    "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-GPC-DiagnosticReport-1",
    "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-GPC-Specimen-1",
    "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-GPC-ProcedureRequest-1",
    "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-GPC-ReferralRequest-1",
];

/// The Access Record Structured CapabilityStatement's profiles, versioned
/// as GP Connect 1.6 publishes them.
pub const STRUCTURED_PROFILES: [&str; 21] = [
    "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-GPC-Patient-1/_history/1.8",
    "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-GPC-Organization-1/_history/1.4",
    "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-GPC-Practitioner-1/_history/1.2",
    "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-GPC-PractitionerRole-1/_history/1.2",
    "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-GPC-AllergyIntolerance-1/_history/1.7",
    "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-GPC-Medication-1/_history/1.2",
    "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-GPC-MedicationStatement-1/_history/1.7",
    "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-GPC-MedicationRequest-1/_history/1.6",
    "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-GPC-List-1/_history/1.7",
    "https://fhir.nhs.uk/STU3/StructureDefinition/GPConnect-StructuredRecord-Bundle-1/_history/1.3",
    "https://fhir.nhs.uk/STU3/StructureDefinition/GPConnect-OperationOutcome-1/_history/1.2",
    "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-GPC-Immunization-1/_history/1.5",
    "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-GPC-ProblemHeader-Condition-1/_history/1.7",
    "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-GPC-Encounter-1/_history/1.5",
    "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-GPC-Observation-1/_history/1.6",
    "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-GPC-DiagnosticReport-1/_history/1.3",
    "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-GPC-Specimen-1/_history/1.3",
    "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-GPC-ProcedureRequest-1/_history/1.3",
    "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-GPC-ReferralRequest-1/_history/1.2",
    "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-GPC-DocumentReference-1/_history/1.3",
    "https://fhir.hl7.org.uk/STU3/StructureDefinition/CareConnect-HealthcareService-1/_history/1.0",
];

/// The Access Document CapabilityStatement's profiles, versioned.
pub const DOCUMENTS_PROFILES: [&str; 7] = [
    "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-GPC-Patient-1/_history/1.8",
    "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-GPC-Organization-1/_history/1.4",
    "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-GPC-Practitioner-1/_history/1.2",
    "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-GPC-PractitionerRole-1/_history/1.2",
    "https://fhir.nhs.uk/STU3/StructureDefinition/GPConnect-OperationOutcome-1/_history/1.2",
    "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-GPC-DocumentReference-1/_history/1.3",
    "https://fhir.nhs.uk/STU3/StructureDefinition/GPConnect-Searchset-Bundle-1/_history/1.3",
];

/// The profile list as the statement carries it; one defect drops the
/// versions (a statement built from unversioned constants).
fn profiles(state: &State, list: &[&str]) -> Value {
    let strip = state.defects.has(AccDefect::CapabilityProfilesUnversioned);
    Value::Array(
        list.iter()
            .map(|p| if strip { p.split("/_history/").next().unwrap_or(p) } else { p })
            .map(|p| json!({ "reference": p }))
            .collect(),
    )
}

pub async fn metadata(Extract(s): Extract<Shared>, headers: HeaderMap) -> Response {
    if let Err(o) = guard::check(&s, &headers, Interaction::ReadMetadata) {
        return o.into_response();
    }
    if s.defects.has(AccDefect::MetadataUnserved) {
        return Outcome::new(SpineCode::NoRecordFound, "no endpoint at /metadata").into_response();
    }
    Fhir::ok(with_formats(&s, statement(&s))).into_response()
}

pub async fn structured_metadata(Extract(s): Extract<Shared>, headers: HeaderMap) -> Response {
    if let Err(o) = guard::check(&s, &headers, Interaction::ReadStructuredMetadata) {
        return o.into_response();
    }
    Fhir::ok(with_formats(&s, structured_statement(&s))).into_response()
}

pub async fn documents_metadata(Extract(s): Extract<Shared>, headers: HeaderMap) -> Response {
    if let Err(o) = guard::check(&s, &headers, Interaction::ReadDocumentsMetadata) {
        return o.into_response();
    }
    Fhir::ok(with_formats(&s, documents_statement(&s))).into_response()
}

pub fn statement(state: &State) -> Value {
    let mut patient_interactions = vec![json!({ "code": "read" })];
    if !state.defects.has(AccDefect::CapabilityOmitsPatientSearch) {
        patient_interactions.push(json!({ "code": "search-type" }));
    }
    let fhir_version =
        if state.defects.has(AccDefect::CapabilityWrongFhirVersion) { "4.0.1" } else { gpc::FHIR_VERSION };
    let mut patient = json!({
        "type": "Patient",
        "profile": { "reference": gpc::PATIENT_PROFILE },
        "interaction": patient_interactions,
    });
    // A statement that forgets the search forgets its parameter with it.
    if !state.defects.has(AccDefect::CapabilityOmitsPatientSearch) {
        patient["searchParam"] = json!([{
            "name": "identifier",
            "type": "token",
            "documentation": "NHS number (system https://fhir.nhs.uk/Id/nhs-number)"
        }]);
    }
    let mut resources = vec![patient];
    if !state.defects.has(AccDefect::CapabilityOmitsDirectory) {
        resources.push(directory_resource(
            "Organization",
            gpc::ORGANIZATION_PROFILE,
            Some("ODS code (system https://fhir.nhs.uk/Id/ods-organization-code)"),
        ));
        resources.push(directory_resource(
            "Practitioner",
            gpc::PRACTITIONER_PROFILE,
            Some("SDS user id (system https://fhir.nhs.uk/Id/sds-user-id)"),
        ));
        resources.push(directory_resource("Location", gpc::LOCATION_PROFILE, None));
    }
    // Appointment Management: book (create), read, amend and cancel
    // (update), and a patient's appointments (search); official
    // AppointmentBook/Amend/Cancel/Read/Retrieve each check the statement.
    if !state.defects.has(AccDefect::CapabilityOmitsAppointment) {
        resources.push(json!({
            "type": "Appointment",
            "profile": { "reference": gpc::APPOINTMENT_PROFILE },
            "interaction": [{ "code": "create" }, { "code": "read" }, { "code": "update" }, { "code": "search-type" }],
            "versioning": "versioned-update",
            "searchParam": [{ "name": "start", "type": "date" }]
        }));
    }
    for ty in crate::fhir::gpc::EntryType::ALL {
        let shape = crate::reference::entry_shape::Shape::of(ty);
        resources.push(json!({
            "type": ty.name(),
            "interaction": [{ "code": "create" }, { "code": "read" }, { "code": "vread" }, { "code": "update" }, { "code": "history-instance" }, { "code": "search-type" }],
            "versioning": "versioned-update",
            "conditionalUpdate": false,
            "searchInclude": [shape.include],
            "searchParam": [
                { "name": "patient", "type": "reference" },
                { "name": "identifier", "type": "token" },
                { "name": "code", "type": "token" },
                { "name": shape.date_param, "type": "date" },
                { "name": shape.status_param, "type": "token" }
            ]
        }));
    }
    if !state.defects.has(AccDefect::CapabilityOmitsSlot) {
        resources.push(json!({
            "type": "Slot",
            "profile": { "reference": gpc::SLOT_PROFILE },
            "interaction": [{ "code": "search-type" }],
            "searchInclude": ["Slot:schedule", "Schedule:actor:Practitioner", "Schedule:actor:Location", "Location:managingOrganization"],
            "searchParam": [
                { "name": "start", "type": "date" },
                { "name": "end", "type": "date" },
                { "name": "status", "type": "token" },
                { "name": "searchFilter", "type": "token" }
            ]
        }));
    }
    resources.push(json!({
        "type": "AuditEvent",
        "interaction": [{ "code": "search-type" }],
        "searchParam": [{ "name": "entity-id", "type": "token" }]
    }));
    // Prescribing, dispensing and the knowledge base's look-up (profile
    // §28–30): the profile's own, so their documentation is the profile.
    resources.push(json!({
        "type": "MedicationRequest",
        "documentation": "Prescribing through EPS (RFA profile §28)",
        "interaction": [{ "code": "create" }, { "code": "read" }, { "code": "search-type" }],
        "searchParam": [
            { "name": "patient", "type": "reference" },
            { "name": "identifier", "type": "token", "documentation": "the short-form prescription ID or the item's UUID" },
            { "name": "authoredon", "type": "date" }
        ]
    }));
    resources.push(json!({
        "type": "MedicationDispense",
        "documentation": "Dispensing by a dispensing practice (RFA profile §29)",
        "interaction": [{ "code": "create" }, { "code": "search-type" }],
        "searchParam": [{ "name": "prescription", "type": "reference" }]
    }));
    resources.push(json!({
        "type": "Claim",
        "documentation": "Practice finance claims (RFA profile §31)",
        "interaction": [{ "code": "create" }, { "code": "search-type" }],
        "searchParam": [{ "name": "patient", "type": "reference" }, { "name": "identifier", "type": "token" }]
    }));
    resources.push(json!({
        "type": "Device",
        "documentation": "Home-monitoring devices issued to patients (RFA profile §33); their readings are Observations",
        "interaction": [{ "code": "create" }, { "code": "read" }]
    }));
    resources.push(json!({
        "type": "Communication",
        "documentation": "Messages between practice users (RFA profile §34)",
        "interaction": [{ "code": "create" }, { "code": "read" }, { "code": "search-type" }],
        "searchParam": [{ "name": "recipient", "type": "reference" }, { "name": "identifier", "type": "token" }]
    }));
    let structured_definition = if state.defects.has(AccDefect::CapabilityOperationDefinitionWrong) {
        "https://fhir.nhs.uk/STU3/OperationDefinition/GPConnect-GetStructuredRecord-Operation-1"
    } else {
        FOUNDATIONS_STRUCTURED_DEFINITION
    };
    let mut operations = json!([
        {
            "name": "gpc.getstructuredrecord",
            "definition": { "reference": structured_definition }
        },
        {
            "name": "rfa.acknowledge",
            "definition": { "reference": "https://rfa-harness.dev/fhir/OperationDefinition/acknowledge-message-1" }
        },
        {
            "name": "gpc.registerpatient",
            "definition": { "reference": "https://fhir.nhs.uk/STU3/OperationDefinition/GPConnect-RegisterPatient-Operation-1" }
        },
        {
            "name": "rfa.cancel",
            "definition": { "reference": "https://rfa-harness.dev/fhir/OperationDefinition/cancel-prescription-1" }
        }
    ]);
    if state.defects.has(AccDefect::CapabilityOmitsRegisterOperation)
        && let Some(list) = operations.as_array_mut()
    {
        list.retain(|o| o.get("name").and_then(Value::as_str) != Some("gpc.registerpatient"));
    }
    let release = if state.defects.has(AccDefect::CapabilityReleaseWrong) { FHIR_RELEASE } else { FOUNDATIONS_RELEASE };
    let mut statement = envelope(
        "RFA Reference GP Connect provider",
        release,
        fhir_version,
        json!({ "resource": resources, "operation": operations }),
    );
    if !state.defects.has(AccDefect::CapabilityOmitsProfiles) {
        statement["profile"] = profiles(state, &FOUNDATIONS_PROFILES);
    }
    statement
}

/// The structured record operation's definition as the Foundations
/// statement names it: the official suite's FHIR.feature asks for exactly
/// this version.
pub const FOUNDATIONS_STRUCTURED_DEFINITION: &str =
    "https://fhir.nhs.uk/STU3/OperationDefinition/GPConnect-GetStructuredRecord-Operation-1/_history/1.15";

/// The GP Connect releases the reference implements, as the official 1.6.0
/// suite is configured to expect them (Foundations and Appointments are
/// released apart from the structured record and documents).
const FOUNDATIONS_RELEASE: &str = "1.5.0";
/// The FHIR version, which the defect puts where the GP Connect release belongs.
const FHIR_RELEASE: &str = "3.0.1";
const STRUCTURED_RELEASE: &str = "1.6.0";
const DOCUMENTS_RELEASE: &str = "1.6.0";

/// What every one of the reference's CapabilityStatements shares; `rest`
/// holds the server entry's own members (resources or operations).
fn envelope(name: &str, release: &str, fhir_version: &str, rest: Value) -> Value {
    let mut server = json!({ "mode": "server", "security": { "cors": true } });
    if let (Some(server), Value::Object(members)) = (server.as_object_mut(), rest) {
        server.extend(members);
    }
    json!({
        "resourceType": "CapabilityStatement",
        "version": release,
        "name": name,
        "status": "active",
        "date": "2026-11-01",
        "publisher": "rfa-harness",
        "kind": "instance",
        "software": { "name": "rfa reference candidate", "version": env!("CARGO_PKG_VERSION") },
        "fhirVersion": fhir_version,
        "acceptUnknown": "both",
        "format": [gpc::FHIR_JSON],
        "rest": [server]
    })
}

/// The statement with the formats it serves: JSON, and XML unless a
/// defect says otherwise.
fn with_formats(s: &State, mut statement: Value) -> Value {
    if !s.defects.has(AccDefect::XmlRefused) && !s.defects.has(AccDefect::CapabilityOmitsXml) {
        statement["format"] = json!([gpc::FHIR_JSON, gpc::FHIR_XML]);
    }
    statement
}

fn directory_resource(kind: &str, profile: &str, search: Option<&str>) -> Value {
    let mut interactions = vec![json!({ "code": "read" })];
    let mut resource = json!({ "type": kind, "profile": { "reference": profile } });
    if let Some(documentation) = search {
        interactions.push(json!({ "code": "search-type" }));
        resource["searchParam"] = json!([{ "name": "identifier", "type": "token", "documentation": documentation }]);
    }
    resource["interaction"] = Value::Array(interactions);
    resource
}

/// The Access Record Structured CapabilityStatement: the operation.
pub fn structured_statement(state: &State) -> Value {
    let mut operations = if state.defects.has(AccDefect::CapabilityOmitsStructuredOperation) {
        json!([])
    } else {
        let definition = if state.defects.has(AccDefect::CapabilityOperationDefinitionWrong) {
            "https://fhir.nhs.uk/STU3/OperationDefinition/GPConnect-GetStructuredRecord-Operation-1"
        } else {
            "https://fhir.nhs.uk/STU3/OperationDefinition/GPConnect-GetStructuredRecord-Operation-1/_history/1.16"
        };
        json!([{
            "name": "gpc.getstructuredrecord",
            "definition": { "reference": definition }
        }])
    };
    // The migration of the whole record is served on the same endpoint
    // (official FHIR.feature "Structured CapabilityStatement returns correct
    // profile versions" looks for it).
    if !state.defects.has(AccDefect::CapabilityOmitsMigrateOperation)
        && let Some(ops) = operations.as_array_mut()
    {
        ops.push(json!({
            "name": "gpc.migratestructuredrecord",
            "definition": { "reference": "https://fhir.nhs.uk/STU3/OperationDefinition/GPConnect-MigrateStructuredRecord-Operation-1/_history/1.15" }
        }));
    }
    let mut statement = envelope(
        "RFA Reference GP Connect provider: Access Record Structured",
        if state.defects.has(AccDefect::CapabilityReleaseWrong) { FOUNDATIONS_RELEASE } else { STRUCTURED_RELEASE },
        gpc::FHIR_VERSION,
        json!({ "operation": operations }),
    );
    statement["profile"] = profiles(state, &STRUCTURED_PROFILES);
    statement
}

/// The Access Document CapabilityStatement: patient search, DocumentReference
/// search with its includes and parameters, Binary read.
pub fn documents_statement(state: &State) -> Value {
    let d = |x| state.defects.has(x);
    let d_inf = |x| state.defects.has(x);
    let includes: Vec<&str> = if d(AccDefect::CapabilityDocumentsShort) {
        MANDATORY_INCLUDES[..2].to_vec()
    } else {
        MANDATORY_INCLUDES.to_vec()
    };
    let patient = if d(AccDefect::CapabilityDocumentsShort) {
        json!([{ "code": "search-type" }])
    } else {
        json!([{ "code": "read" }, { "code": "search-type" }])
    };
    let author_type = if d(AccDefect::CapabilityDocumentsShort) { "reference" } else { "token" };
    let mut statement = envelope(
        "RFA Reference GP Connect provider: Access Document",
        if d(AccDefect::CapabilityReleaseWrong) { FOUNDATIONS_RELEASE } else { DOCUMENTS_RELEASE },
        gpc::FHIR_VERSION,
        json!({
            "resource": [
                {
                    "type": "Patient",
                    "interaction": patient,
                    "searchParam": [{ "name": "identifier", "type": "token" }]
                },
                {
                    "type": "DocumentReference",
                    "interaction": [{ "code": "search-type" }],
                    "searchInclude": includes,
                    "searchRevInclude": ["PractitionerRole:practitioner"],
                    "searchParam": [
                        { "name": "created", "type": "date" },
                        { "name": "author", "type": author_type },
                        { "name": "description", "type": "string" }
                    ]
                },
                { "type": "Binary", "interaction": [{ "code": "read" }] }
            ]
        }),
    );
    if d_inf(AccDefect::DocumentsCapabilityUnfinished) {
        // A statement still being written: only its Patient half is there.
        statement["status"] = json!("draft");
        if let Some(resources) = statement.pointer_mut("/rest/0/resource").and_then(Value::as_array_mut) {
            resources.retain(|r| r["type"] == "Patient");
        }
    }
    statement["profile"] = profiles(state, &DOCUMENTS_PROFILES);
    statement
}
