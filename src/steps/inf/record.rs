//! Judging structured record Bundles: the envelope, the lists each clinical
//! area is answered with, the warnings, and the resources the lists point at.

use serde_json::Value;

use crate::fhir::Views as _;
use crate::fhir::gpc;
use crate::steps::common::http::{check_schema, resource};
use crate::steps::common::stamps::dates;
use crate::steps::world::{Failure, RfaWorld, StepResult};
use crate::steps::{Args, StepDef, common::keys, step};

pub fn steps() -> Vec<StepDef> {
    vec![
        step!(Then r#"^the response is a structured record Bundle for "([^"]+)"$"# => is_record_for, "HTTP 200 and a Bundle (schema `structured-bundle`): type collection, profile GPConnect-StructuredRecord-Bundle-1, holding exactly one Patient, this fixture patient; every resource in it (contained ones too) conforms to its profile's schema."),
        step!(Then r#"^the Bundle's id is the request's Ssp-TraceID$"# => id_is_trace_id, "The Bundle id equals the Ssp-TraceID header the request was sent with."),
        step!(Then r#"^the Bundle holds the patient's registered practice and usual GP$"# => practice_and_gp, "The Patient has a managingOrganization and at least one generalPractitioner, and they resolve to an Organization and a Practitioner in the Bundle."),
        step!(Then r#"^every list item and every reference to a medication, plan or administrative resource resolves within the Bundle$"# => references_resolve, "List entries (`Type/id` in the Bundle, `#id` in the List's contained), and every reference to a Patient, Organization, Practitioner, PractitionerRole, Location, Medication or MedicationRequest, resolve."),
        step!(Then r#"^the Bundle has no OperationOutcome$"# => no_outcome, "No OperationOutcome entry: a request with nothing to warn about gets none."),
        step!(Then r#"^the Bundle has an OperationOutcome with (\d+) warnings?$"# => outcome_warnings, "Exactly one OperationOutcome entry, with exactly this many issues."),
        step!(Then r#"^the Bundle warns that "([^"]+)" is an unrecognised parameter$"# => warns_unrecognised, "An issue with severity warning, code not-supported, Spine code NOT_IMPLEMENTED (display `Not implemented`), a details.text containing `[name] is an unrecognised parameter` and diagnostics containing `[name]` (either case, as the official suite reads it; a part may be named with its parent)."),
        step!(Then r#"^the Bundle's clinical lists are (.+)$"# => clinical_lists_are, "The titles of the Bundle's Lists, other than consultation structure lists, are exactly these (`\"A\", \"B\" and \"C\"`, or `none`), each once."),
        step!(Then r#"^the "([^"]+)" list has the code (\d+)$"# => list_code, "The list (schema `list`) has this SNOMED code, status current, mode snapshot, and the Patient as subject."),
        step!(Then r#"^the "([^"]+)" list has (\d+) entr(?:y|ies)$"# => list_count, "The list has exactly this many entries."),
        step!(Then r#"^the "([^"]+)" list is empty with the reason "([a-z-]+)"$"# => list_empty, "The list has no entries, its emptyReason is this CareConnect-ListEmptyReasonCode-1 code and, for no-content-recorded, its note says `Information not available`."),
        step!(Then r#"^the "([^"]+)" list carries the warning "([a-z-]+)"$"# => list_warning, "The list has this ListWarningCode extension and its note carries the text GP Connect pairs with the code."),
        step!(Then r#"^every clinical list carries the warning "([a-z-]+)"$"# => every_list_warning, "The same for every List other than consultation structure lists."),
        step!(Then r#"^every item of the "([^"]+)" list is an? ([A-Za-z]+) that conforms to the "([a-z-]+)" schema$"# => items_conform, "The list has entries, and every entry resolves (in the Bundle, or contained in the List) to a resource of this type that conforms to this schema."),
        step!(Then r#"^every item of the "([^"]+)" list has "([A-Za-z.]+)" (=|on or after|on or before) "([^"]*)"$"# => items_field, "The list has entries, and every entry's resource has this field (a dotted path; arrays take their first element) equal to, or a date on/after/before, the value (`{today±N}` allowed)."),
        step!(Then r#"^no ([A-Za-z]+) in the Bundle has the code (\d+)$"# => no_code, "No resource of this type in the Bundle (contained ones included) has this SNOMED code."),
        step!(Then r#"^the Bundle holds (\d+) ([A-Za-z]+) resources?(?: with "([A-Za-z.]+)" = "([^"]*)")?$"# => holds_count, "Exactly this many resources of this type in the Bundle (contained ones included), optionally only counting those whose field equals the value."),
        step!(Then r#"^every MedicationStatement in the Bundle has its plan and Medication in it$"# => statements_linked, "The Bundle holds MedicationStatements, and each's basedOn is a MedicationRequest with intent plan in the Bundle, and its medicationReference a Medication in it."),
        step!(Then r#"^every prescription issue in the Bundle is based on a plan in it$"# => issues_linked, "The Bundle holds MedicationRequests with intent order, and each has basedOn a MedicationRequest with intent plan in the Bundle."),
        step!(Then r#"^every item linked to a problem in the "Problems" list is in the Bundle$"# => problem_links, "The Problems list has entries, at least one linked (relatedClinicalContent), and every such link of the listed problems resolves within the Bundle."),
        step!(Then r#"^a problem in the Bundle is linked to an? ([A-Za-z]+) that is in the Bundle$"# => problem_linked_to, "Some Condition in the Bundle has a RelatedClinicalContent extension referring to a resource of this type, and that resource is in the Bundle exactly once (as the official `Check a Problem is linked to …` steps)."),
        step!(Then r#"^the linked problems list holds every Condition in the Bundle$"# => linked_problems_list, "Exactly one \"Problems - linked problems not relating to the primary query\" List (schema `list`): code problems-linked-problems-not-relating-to-the-primary-query (GPConnect-SecondaryListValues-1) with a display, status current, mode snapshot, the Bundle's Patient as subject, and one entry for each Condition in the Bundle, each resolving to it."),
        step!(Then r#"^the Bundle holds no linked problems list and no Condition$"# => no_linked_problems, "No secondary problems List and no Condition anywhere in the Bundle (the official `No Problems Secondary Problems List` and `No Problem Resources are Included`)."),
        step!(Then r#"^the Bundle holds no resource twice$"# => no_duplicates, "No two Bundle entries are the same resource (type and id)."),
        step!(Then r#"^every item of the "([^"]+)" list has the end reason "([^"]+)"$"# => end_reason, "Every entry's AllergyIntolerance carries the AllergyIntoleranceEnd extension with a reasonEnded of exactly this text."),
        step!(Then r#"^every Encounter in the Bundle is in the "List of consultations" list with its consultation structure$"# => consultation_structure, "The Bundle holds Encounters, and the List of consultations references every one; each has a Consultation List (325851000000107) for it whose entries are Topic Lists (25851000000105) in the Bundle."),
    ]
}

const STRUCTURE_CODES: [&str; 3] = ["325851000000107", "25851000000105", "24781000000107"];
const CONFIDENTIAL_NOTE: &str = "Items excluded due to confidentiality and/or patient preferences.";

fn ty(r: &Value) -> &str {
    r.as_resource().resource_type().unwrap_or_default()
}

fn entries(b: &Value) -> Vec<&Value> {
    b.get("entry").and_then(Value::as_array).into_iter().flatten().filter_map(|e| e.get("resource")).collect()
}

/// Every resource, with the resources contained in them.
fn all_resources(b: &Value) -> Vec<&Value> {
    let mut out = Vec::new();
    for r in entries(b) {
        out.push(r);
        out.extend(r.get("contained").and_then(Value::as_array).into_iter().flatten());
    }
    out
}

fn find<'a>(b: &'a Value, reference: &str) -> Option<&'a Value> {
    let (t, id) = reference.rsplit_once('/').map(|(head, id)| (head.rsplit('/').next().unwrap_or(head), id))?;
    entries(b).into_iter().find(|r| ty(r) == t && r.as_resource().id() == Some(id))
}

fn first_code(r: &Value) -> Option<&str> {
    r.pointer("/code/coding/0/code").and_then(Value::as_str)
}

fn is_structure(list: &Value) -> bool {
    first_code(list).is_some_and(|c| STRUCTURE_CODES.contains(&c))
}

fn clinical_lists(b: &Value) -> Vec<&Value> {
    entries(b).into_iter().filter(|r| ty(r) == "List" && !is_structure(r)).collect()
}

fn title(list: &Value) -> &str {
    list.get("title").and_then(Value::as_str).unwrap_or("(untitled)")
}

fn items(list: &Value) -> Vec<&str> {
    list.get("entry")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|e| e.pointer("/item/reference").and_then(Value::as_str))
        .collect()
}

/// A list entry's resource: in the Bundle, or contained in the list (`#id`).
fn resolve_item<'a>(b: &'a Value, list: &'a Value, item: &str) -> Option<&'a Value> {
    match item.strip_prefix('#') {
        Some(id) => list
            .get("contained")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .find(|r| r.as_resource().id() == Some(id)),
        None => find(b, item),
    }
}

/// A field by dotted path; arrays take their first element.
fn field<'a>(r: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.')
        .try_fold(r, |v, k| {
            let v = if let Value::Array(a) = v { a.first()? } else { v };
            v.get(k)
        })
        .map(|v| if let Value::Array(a) = v { a.first().unwrap_or(v) } else { v })
}

/// The response as a structured record Bundle (status and type checked).
fn record(w: &RfaWorld) -> Result<Value, Failure> {
    let status = w.response()?.status;
    if status != 200 {
        return w.fail(format!("expected HTTP 200 with a structured record Bundle, got HTTP {status}"));
    }
    resource(w, "Bundle")
}

fn the_list<'a>(w: &RfaWorld, b: &'a Value, wanted: &str) -> Result<&'a Value, Failure> {
    let lists = clinical_lists(b);
    let matching: Vec<&&Value> = lists.iter().filter(|l| title(l) == wanted).collect();
    match matching.as_slice() {
        [one] => Ok(one),
        [] => {
            let titles: Vec<&str> = lists.iter().map(|l| title(l)).collect();
            w.fail(format!(
                "the Bundle has no \"{wanted}\" list; its lists are: {}",
                if titles.is_empty() { "none".into() } else { titles.join(", ") }
            ))
        }
        many => w.fail(format!("the Bundle has {} \"{wanted}\" lists; GP Connect returns each once", many.len())),
    }
}

async fn is_record_for(w: &mut RfaWorld, a: &Args) -> StepResult {
    let nhs = keys::nhs(w, a.get(1))?;
    let b = record(w)?;
    check_schema(w, "structured-bundle", &b)?;
    let patients: Vec<&Value> = entries(&b).into_iter().filter(|r| ty(r) == "Patient").collect();
    let [patient] = patients.as_slice() else {
        return w.fail(format!("the Bundle must hold exactly one Patient, it holds {}", patients.len()));
    };
    let numbers = crate::steps::common::bundle::identifiers(patient, gpc::NHS_NUMBER_SYSTEM);
    if !numbers.contains(&nhs.as_str()) {
        return w.fail(format!("the Bundle's Patient should carry NHS number {nhs}, it has {}", numbers.join(", ")));
    }
    // Every resource is held to its profile, whatever the scenario asks about.
    for r in all_resources(&b) {
        let schema = match ty(r) {
            "List" if is_structure(r) => continue,
            "List" if r.get("contained").is_some() || r.get("entry").is_some() || r.get("emptyReason").is_some() => {
                "list"
            }
            other => match schema_for(other) {
                Some(s) => s,
                None => continue,
            },
        };
        check_schema(w, schema, r)?;
    }
    Ok(())
}

/// The schema each resource type of a structured record is held to.
fn schema_for(resource_type: &str) -> Option<&'static str> {
    Some(match resource_type {
        "Patient" => "patient",
        "Organization" => "organization",
        "Practitioner" => "practitioner",
        "Location" => "location",
        "AllergyIntolerance" => "allergy-intolerance",
        "MedicationStatement" => "medication-statement",
        "MedicationRequest" => "medication-request",
        "Medication" => "medication",
        "Condition" => "problem",
        "Immunization" => "immunization",
        "Encounter" => "encounter",
        "Observation" => "observation",
        "DiagnosticReport" => "diagnostic-report",
        "ReferralRequest" => "referral-request",
        "ProcedureRequest" => "procedure-request",
        "DocumentReference" => "document-reference",
        _ => return None,
    })
}

async fn id_is_trace_id(w: &mut RfaWorld, _: &Args) -> StepResult {
    let b = record(w)?;
    let trace = w.last_request_header("Ssp-TraceID");
    match b.as_resource().id() {
        Some(id) if id == trace => Ok(()),
        other => w.fail(format!(
            "the Bundle id must be the request's Ssp-TraceID {trace}, it is {}",
            other.unwrap_or("missing")
        )),
    }
}

async fn practice_and_gp(w: &mut RfaWorld, _: &Args) -> StepResult {
    let b = record(w)?;
    let Some(patient) = entries(&b).into_iter().find(|r| ty(r) == "Patient") else {
        return w.fail("the Bundle holds no Patient");
    };
    let mut wanted: Vec<(&str, &str)> = Vec::new();
    if let Some(org) = patient.pointer("/managingOrganization/reference").and_then(Value::as_str) {
        wanted.push(("managingOrganization", org));
    } else {
        return w.fail("the Patient has no managingOrganization (its registered practice)");
    }
    let gps: Vec<&str> = patient
        .get("generalPractitioner")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|g| g.as_reference().reference())
        .collect();
    if gps.is_empty() {
        return w.fail("the Patient has no generalPractitioner (their usual GP)");
    }
    wanted.extend(gps.iter().map(|g| ("generalPractitioner", *g)));
    for (what, reference) in wanted {
        if find(&b, reference).is_none() {
            return w.fail(format!("Patient.{what} refers to {reference}, which is not in the Bundle"));
        }
    }
    Ok(())
}

fn collect_refs<'a>(v: &'a Value, path: &str, out: &mut Vec<(String, &'a str)>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                match (k.as_str(), x) {
                    ("reference", Value::String(s)) => out.push((path.to_string(), s.as_str())),
                    _ => collect_refs(x, &format!("{path}.{k}"), out),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| collect_refs(x, path, out)),
        _ => {}
    }
}

async fn references_resolve(w: &mut RfaWorld, _: &Args) -> StepResult {
    const MUST: [&str; 7] =
        ["Patient", "Organization", "Practitioner", "PractitionerRole", "Location", "Medication", "MedicationRequest"];
    let b = record(w)?;
    let mut problems = Vec::new();
    for r in entries(&b) {
        let at = format!("{}/{}", ty(r), r.as_resource().id().unwrap_or("(no id)"));
        if ty(r) == "List" {
            for item in items(r) {
                if resolve_item(&b, r, item).is_none() {
                    problems.push(format!("the \"{}\" list's entry {item} is not in the Bundle", title(r)));
                }
            }
        }
        let mut refs = Vec::new();
        collect_refs(r, "", &mut refs);
        for (path, target) in refs {
            let target_type = target.rsplit('/').nth(1).unwrap_or_default();
            if MUST.contains(&target_type) && !path.starts_with(".entry") && find(&b, target).is_none() {
                problems.push(format!("{at}{path} refers to {target}, which is not in the Bundle"));
            }
        }
    }
    match problems.len() {
        0 => Ok(()),
        n => {
            let shown: Vec<String> = problems.iter().take(6).map(|p| format!("      - {p}")).collect();
            w.fail(format!("{n} reference(s) do not resolve within the Bundle:\n{}", shown.join("\n")))
        }
    }
}

fn outcomes(b: &Value) -> Vec<&Value> {
    entries(b).into_iter().filter(|r| ty(r) == "OperationOutcome").collect()
}

async fn no_outcome(w: &mut RfaWorld, _: &Args) -> StepResult {
    let b = record(w)?;
    match outcomes(&b).first() {
        None => Ok(()),
        Some(o) => w.fail(format!("the Bundle has an OperationOutcome although nothing called for one: {o}")),
    }
}

async fn outcome_warnings(w: &mut RfaWorld, a: &Args) -> StepResult {
    let want: usize = a.get(1).parse().unwrap_or_default();
    let b = record(w)?;
    let all = outcomes(&b);
    let [o] = all.as_slice() else {
        return w.fail(format!("expected exactly one OperationOutcome in the Bundle, found {}", all.len()));
    };
    let issues = o.get("issue").and_then(Value::as_array).map_or(0, Vec::len);
    if issues != want {
        return w.fail(format!("expected {want} warning(s) in the OperationOutcome, found {issues}: {o}"));
    }
    Ok(())
}

async fn warns_unrecognised(w: &mut RfaWorld, a: &Args) -> StepResult {
    let name = a.get(1);
    let b = record(w)?;
    // As the official suite reads a warning: its text *contains* "[name] is
    // an unrecognised parameter" and its diagnostics the name, either case —
    // so a provider may name a part with its parent (`includeAllergies.x`).
    let want_text = format!("{name} is an unrecognised parameter").to_lowercase();
    let contains = |v: Option<&str>, want: &str| v.is_some_and(|t| t.to_lowercase().contains(want));
    let issues: Vec<&Value> =
        outcomes(&b).into_iter().flat_map(|o| o.get("issue").and_then(Value::as_array).into_iter().flatten()).collect();
    let Some(issue) = issues.iter().find(|i| contains(i.pointer("/details/text").and_then(Value::as_str), &want_text))
    else {
        return w.fail(format!(
            "no warning in the Bundle has a details.text containing \"{name} is an unrecognised parameter\""
        ));
    };
    let checks = [
        ("severity", issue.get("severity").and_then(Value::as_str), "warning"),
        ("code", issue.get("code").and_then(Value::as_str), "not-supported"),
        ("details.coding.code", issue.pointer("/details/coding/0/code").and_then(Value::as_str), "NOT_IMPLEMENTED"),
        (
            "details.coding.display",
            issue.pointer("/details/coding/0/display").and_then(Value::as_str),
            "Not implemented",
        ),
        (
            "details.coding.system",
            issue.pointer("/details/coding/0/system").and_then(Value::as_str),
            gpc::SPINE_ERROR_SYSTEM,
        ),
    ];
    for (what, got, want) in checks {
        if got != Some(want) {
            return w.fail(format!(
                "the warning for {name} should have {what} `{want}`, it has {}",
                got.unwrap_or("nothing")
            ));
        }
    }
    if !contains(issue.get("diagnostics").and_then(Value::as_str), &name.to_lowercase()) {
        return w.fail(format!(
            "the warning for {name} should name it in its diagnostics, which are {}",
            issue.get("diagnostics").and_then(Value::as_str).unwrap_or("missing")
        ));
    }
    Ok(())
}

/// `"A", "B" and "C"` → [A, B, C]; `none` → [].
fn quoted_list(text: &str) -> Vec<String> {
    text.split('"').skip(1).step_by(2).map(str::to_string).collect()
}

async fn clinical_lists_are(w: &mut RfaWorld, a: &Args) -> StepResult {
    let mut want = quoted_list(a.get(1));
    if want.is_empty() && a.get(1).trim() != "none" {
        return Err(Failure::Harness(format!("`{}`: list the titles in quotes, or write none", a.get(1))));
    }
    let b = record(w)?;
    let mut got: Vec<String> = clinical_lists(&b).iter().map(|l| title(l).to_string()).collect();
    want.sort();
    got.sort();
    if got != want {
        let show = |v: &[String]| if v.is_empty() { "none".to_string() } else { v.join(" | ") };
        return w.fail(format!("expected the lists {}, got {}", show(&want), show(&got)));
    }
    Ok(())
}

async fn list_code(w: &mut RfaWorld, a: &Args) -> StepResult {
    let b = record(w)?;
    let list = the_list(w, &b, a.get(1))?.clone();
    check_schema(w, "list", &list)?;
    let system = list.pointer("/code/coding/0/system").and_then(Value::as_str);
    if first_code(&list) != Some(a.get(2)) || system != Some("http://snomed.info/sct") {
        return w.fail(format!(
            "the \"{}\" list should have SNOMED code {}, it has {} {}",
            a.get(1),
            a.get(2),
            system.unwrap_or("no system"),
            first_code(&list).unwrap_or("no code")
        ));
    }
    let patient =
        entries(&b).into_iter().find(|r| ty(r) == "Patient").and_then(|p| p.get("id")).and_then(Value::as_str);
    let subject = list.pointer("/subject/reference").and_then(Value::as_str).unwrap_or_default();
    if patient.is_none_or(|id| !subject.ends_with(&format!("Patient/{id}"))) {
        return w.fail(format!("the \"{}\" list's subject {subject} is not the Bundle's Patient", a.get(1)));
    }
    Ok(())
}

async fn list_count(w: &mut RfaWorld, a: &Args) -> StepResult {
    let want: usize = a.get(2).parse().unwrap_or_default();
    let b = record(w)?;
    let list = the_list(w, &b, a.get(1))?;
    let got = items(list).len();
    if got != want {
        return w.fail(format!("expected {want} entries in the \"{}\" list, found {got}", a.get(1)));
    }
    Ok(())
}

async fn list_empty(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (name, reason) = (a.get(1), a.get(2));
    let b = record(w)?;
    let list = the_list(w, &b, name)?;
    let n = items(list).len();
    if n > 0 {
        return w.fail(format!("the \"{name}\" list should be empty, it has {n} entries"));
    }
    let code = list.pointer("/emptyReason/coding/0/code").and_then(Value::as_str);
    let system = list.pointer("/emptyReason/coding/0/system").and_then(Value::as_str);
    if code != Some(reason) || system != Some("https://fhir.nhs.uk/STU3/CodeSystem/CareConnect-ListEmptyReasonCode-1") {
        return w.fail(format!(
            "the empty \"{name}\" list should give emptyReason {reason} (CareConnect-ListEmptyReasonCode-1), it gives {}",
            list.get("emptyReason").map_or("none".into(), Value::to_string)
        ));
    }
    if reason == "no-content-recorded" && !note(list).contains("Information not available") {
        return w.fail(format!("the empty \"{name}\" list's note should say \"Information not available\""));
    }
    Ok(())
}

fn note(list: &Value) -> String {
    let notes = list.get("note").and_then(Value::as_array).into_iter().flatten();
    notes.filter_map(|n| n.get("text").and_then(Value::as_str)).collect::<Vec<_>>().join(" ")
}

pub(in crate::steps) fn check_warning(w: &RfaWorld, list: &Value, code: &str) -> StepResult {
    let name = title(list);
    let has = list.get("extension").and_then(Value::as_array).into_iter().flatten().any(|e| {
        e.get("url").and_then(Value::as_str)
            == Some("https://fhir.nhs.uk/STU3/StructureDefinition/Extension-CareConnect-GPC-ListWarningCode-1")
            && e.get("valueCode").and_then(Value::as_str) == Some(code)
    });
    if !has {
        return w.fail(format!("the \"{name}\" list should carry the ListWarningCode extension {code}"));
    }
    let text = note(list);
    let ok = match code {
        "confidential-items" => text.contains(CONFIDENTIAL_NOTE),
        "data-in-transit" => {
            text.contains(
                "Patient record transfer from previous GP practice not yet complete; information recorded before ",
            ) && text.contains(" may be missing.")
        }
        "data-awaiting-filing" => text.contains("have not been reviewed for inclusion in this message"),
        other => return Err(Failure::Harness(format!("`{other}` is not a ListWarningCode this step knows"))),
    };
    if !ok {
        return w.fail(format!("the \"{name}\" list's note should carry the {code} text, it says \"{text}\""));
    }
    Ok(())
}

async fn list_warning(w: &mut RfaWorld, a: &Args) -> StepResult {
    let b = record(w)?;
    let list = the_list(w, &b, a.get(1))?;
    check_warning(w, list, a.get(2))
}

async fn every_list_warning(w: &mut RfaWorld, a: &Args) -> StepResult {
    let b = record(w)?;
    let lists = clinical_lists(&b);
    if lists.is_empty() {
        return w.fail("the Bundle has no clinical list to check");
    }
    for list in lists {
        check_warning(w, list, a.get(1))?;
    }
    Ok(())
}

async fn items_conform(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (name, want_type, schema) = (a.get(1), a.get(2), a.get(3));
    let b = record(w)?;
    let list = the_list(w, &b, name)?;
    // "Every item" of an empty list would hold of nothing: the scenarios
    // ask this of lists the patient's record fills.
    if items(list).is_empty() {
        return w.fail(format!("the \"{name}\" list should have {want_type} entries to check, it has none"));
    }
    for item in items(list) {
        let Some(r) = resolve_item(&b, list, item) else {
            return w.fail(format!("the \"{name}\" list's entry {item} is not in the Bundle"));
        };
        if ty(r) != want_type {
            return w.fail(format!("the \"{name}\" list's entry {item} is a {}, not a {want_type}", ty(r)));
        }
        check_schema(w, schema, r)?;
    }
    Ok(())
}

async fn items_field(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (name, path, op) = (a.get(1), a.get(2), a.get(3));
    let want = dates(a.get(4))?;
    let b = record(w)?;
    let list = the_list(w, &b, name)?;
    if items(list).is_empty() {
        return w.fail(format!("the \"{name}\" list should have entries with {path} {op} {want}, it has none"));
    }
    for item in items(list) {
        let Some(r) = resolve_item(&b, list, item) else {
            return w.fail(format!("the \"{name}\" list's entry {item} is not in the Bundle"));
        };
        let got = field(r, path).map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string));
        let ok = match (op, &got) {
            (_, None) => false,
            ("=", Some(g)) => *g == want,
            ("on or after", Some(g)) => g.get(..10).unwrap_or(g) >= want.as_str(),
            (_, Some(g)) => g.get(..10).unwrap_or(g) <= want.as_str(),
        };
        if !ok {
            return w.fail(format!(
                "{item} in the \"{name}\" list has {path} {}, expected {op} {want}",
                got.as_deref().unwrap_or("missing")
            ));
        }
    }
    Ok(())
}

async fn no_code(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (want_type, code) = (a.get(1), a.get(2));
    let b = record(w)?;
    let codes = |r: &Value| -> Vec<String> {
        ["code", "vaccineCode"]
            .iter()
            .filter_map(|k| r.get(*k))
            .flat_map(|c| c.get("coding").and_then(Value::as_array).into_iter().flatten())
            .filter_map(|c| c.get("code").and_then(Value::as_str).map(str::to_string))
            .collect()
    };
    if let Some(r) = all_resources(&b).into_iter().find(|r| ty(r) == want_type && codes(r).iter().any(|c| c == code)) {
        let id = r.as_resource().id().unwrap_or("(no id)");
        return w.fail(format!("{want_type}/{id} with code {code} is in the Bundle but must be withheld"));
    }
    Ok(())
}

async fn holds_count(w: &mut RfaWorld, a: &Args) -> StepResult {
    let want: usize = a.get(1).parse().unwrap_or_default();
    let (want_type, path, value) = (a.get(2), a.get(3), a.get(4));
    let b = record(w)?;
    let got = all_resources(&b)
        .into_iter()
        .filter(|r| ty(r) == want_type)
        .filter(|r| path.is_empty() || field(r, path).and_then(Value::as_str) == Some(value))
        .count();
    if got != want {
        let which = if path.is_empty() { String::new() } else { format!(" with {path} = {value}") };
        return w.fail(format!("expected {want} {want_type} resource(s){which} in the Bundle, found {got}"));
    }
    Ok(())
}

fn intent_of<'a>(b: &'a Value, reference: &str) -> Option<&'a str> {
    find(b, reference).filter(|r| ty(r) == "MedicationRequest").and_then(|r| r.get("intent")).and_then(Value::as_str)
}

async fn statements_linked(w: &mut RfaWorld, _: &Args) -> StepResult {
    let b = record(w)?;
    let statements: Vec<&Value> = entries(&b).into_iter().filter(|r| ty(r) == "MedicationStatement").collect();
    if statements.is_empty() {
        return w.fail("the Bundle should hold MedicationStatements to check, it holds none");
    }
    for s in statements {
        let id = s.as_resource().id().unwrap_or("(no id)");
        let plan = s.pointer("/basedOn/0/reference").and_then(Value::as_str).unwrap_or_default();
        if intent_of(&b, plan) != Some("plan") {
            return w.fail(format!(
                "MedicationStatement/{id} is based on `{plan}`, which is not a plan MedicationRequest in the Bundle"
            ));
        }
        let med = s.pointer("/medicationReference/reference").and_then(Value::as_str).unwrap_or_default();
        if find(&b, med).is_none_or(|m| ty(m) != "Medication") {
            return w.fail(format!("MedicationStatement/{id}'s medication `{med}` is not a Medication in the Bundle"));
        }
    }
    Ok(())
}

async fn issues_linked(w: &mut RfaWorld, _: &Args) -> StepResult {
    let b = record(w)?;
    let orders = entries(&b)
        .into_iter()
        .filter(|r| ty(r) == "MedicationRequest" && r.get("intent").and_then(Value::as_str) == Some("order"))
        .collect::<Vec<_>>();
    if orders.is_empty() {
        return w.fail(
            "the Bundle should hold prescription issues (MedicationRequest intent order) to check, it holds none",
        );
    }
    for o in orders {
        let id = o.as_resource().id().unwrap_or("(no id)");
        let plan = o.pointer("/basedOn/0/reference").and_then(Value::as_str).unwrap_or_default();
        if intent_of(&b, plan) != Some("plan") {
            return w.fail(format!(
                "the issue MedicationRequest/{id} is based on `{plan}`, which is not a plan in the Bundle"
            ));
        }
    }
    Ok(())
}

async fn problem_links(w: &mut RfaWorld, _: &Args) -> StepResult {
    let b = record(w)?;
    let list = the_list(w, &b, "Problems")?;
    if items(list).is_empty() {
        return w.fail("the Problems list should have entries whose links to check, it has none");
    }
    let mut linked = 0;
    for item in items(list) {
        let Some(p) = resolve_item(&b, list, item) else {
            return w.fail(format!("the Problems list's entry {item} is not in the Bundle"));
        };
        let links = p.get("extension").and_then(Value::as_array).into_iter().flatten().filter(|e| {
            e.get("url").and_then(Value::as_str)
                == Some(
                    "https://fhir.hl7.org.uk/STU3/StructureDefinition/Extension-CareConnect-RelatedClinicalContent-1",
                )
        });
        for l in links {
            linked += 1;
            let target = l.pointer("/valueReference/reference").and_then(Value::as_str).unwrap_or_default();
            if find(&b, target).is_none() {
                return w.fail(format!("{item} is linked to {target}, which is not in the Bundle"));
            }
        }
    }
    if linked == 0 {
        return w.fail("no problem in the Problems list is linked to anything (RelatedClinicalContent), so no link could be checked");
    }
    Ok(())
}

async fn consultation_structure(w: &mut RfaWorld, _: &Args) -> StepResult {
    let b = record(w)?;
    let list = the_list(w, &b, "List of consultations")?;
    let listed = items(list);
    let lists: Vec<&Value> = entries(&b).into_iter().filter(|r| ty(r) == "List").collect();
    let encounters: Vec<&Value> = entries(&b).into_iter().filter(|r| ty(r) == "Encounter").collect();
    if encounters.is_empty() {
        return w.fail("the Bundle should hold Encounters (consultations) to check, it holds none");
    }
    for e in encounters {
        let reference = format!("Encounter/{}", e.as_resource().id().unwrap_or_default());
        if !listed.iter().any(|i| i.ends_with(&reference)) {
            return w.fail(format!("{reference} is in the Bundle but not in the List of consultations"));
        }
        let consultation = lists.iter().find(|l| {
            first_code(l) == Some("325851000000107")
                && l.pointer("/encounter/reference").and_then(Value::as_str).is_some_and(|r| r.ends_with(&reference))
        });
        let Some(consultation) = consultation else {
            return w.fail(format!("{reference} has no Consultation List (325851000000107) in the Bundle"));
        };
        for topic in items(consultation) {
            if find(&b, topic).is_none_or(|t| first_code(t) != Some("25851000000105")) {
                return w.fail(format!(
                    "the Consultation List of {reference} refers to {topic}, which is not a Topic List in the Bundle"
                ));
            }
        }
    }
    Ok(())
}

const LINKED_PROBLEMS_CODE: &str = "problems-linked-problems-not-relating-to-the-primary-query";
const RELATED_CONTENT: &str =
    "https://fhir.hl7.org.uk/STU3/StructureDefinition/Extension-CareConnect-RelatedClinicalContent-1";

fn linked_problem_lists(b: &Value) -> Vec<&Value> {
    entries(b).into_iter().filter(|r| ty(r) == "List" && first_code(r) == Some(LINKED_PROBLEMS_CODE)).collect()
}

async fn problem_linked_to(w: &mut RfaWorld, a: &Args) -> StepResult {
    let want = a.get(1);
    let b = record(w)?;
    let prefix = format!("{want}/");
    let linked: Vec<&str> = entries(&b)
        .into_iter()
        .filter(|r| ty(r) == "Condition")
        .flat_map(|p| p.get("extension").and_then(Value::as_array).into_iter().flatten())
        .filter(|e| e.get("url").and_then(Value::as_str) == Some(RELATED_CONTENT))
        .filter_map(|e| e.pointer("/valueReference/reference").and_then(Value::as_str))
        .filter(|r| r.starts_with(&prefix) || r.contains(&format!("/{prefix}")))
        .collect();
    let Some(target) = linked.first() else {
        return w.fail(format!("no problem in the Bundle is linked (RelatedClinicalContent) to a {want}"));
    };
    let id = target.rsplit('/').next().unwrap_or_default();
    let copies = entries(&b).into_iter().filter(|r| ty(r) == want && r.as_resource().id() == Some(id)).count();
    if copies != 1 {
        return w.fail(format!("a problem is linked to {target}, which is in the Bundle {copies} times, not once"));
    }
    Ok(())
}

async fn linked_problems_list(w: &mut RfaWorld, _: &Args) -> StepResult {
    let b = record(w)?;
    let lists = linked_problem_lists(&b);
    let [list] = lists.as_slice() else {
        return w.fail(format!("expected one linked problems list ({LINKED_PROBLEMS_CODE}), found {}", lists.len()));
    };
    check_schema(w, "list", list)?;
    let want_title = "Problems - linked problems not relating to the primary query";
    let checks = [
        ("title", list.get("title").and_then(Value::as_str), want_title),
        ("status", list.get("status").and_then(Value::as_str), "current"),
        ("mode", list.get("mode").and_then(Value::as_str), "snapshot"),
        (
            "code.coding.system",
            list.pointer("/code/coding/0/system").and_then(Value::as_str),
            "https://fhir.hl7.org.uk/STU3/CodeSystem/GPConnect-SecondaryListValues-1",
        ),
    ];
    for (what, got, want) in checks {
        if got != Some(want) {
            return w.fail(format!(
                "the linked problems list should have {what} `{want}`, it has {}",
                got.unwrap_or("none")
            ));
        }
    }
    let codings = list.pointer("/code/coding").and_then(Value::as_array).into_iter().flatten();
    if codings.into_iter().any(|c| c.get("display").and_then(Value::as_str).is_none_or(str::is_empty)) {
        return w.fail("every coding of the linked problems list's code needs a display");
    }
    let patient =
        entries(&b).into_iter().find(|r| ty(r) == "Patient").and_then(|p| p.get("id")).and_then(Value::as_str);
    let subject = list.pointer("/subject/reference").and_then(Value::as_str).unwrap_or_default();
    if patient.is_none_or(|id| !subject.ends_with(&format!("Patient/{id}"))) {
        return w.fail(format!("the linked problems list's subject {subject} is not the Bundle's Patient"));
    }
    let listed = items(list);
    let conditions = entries(&b).into_iter().filter(|r| ty(r) == "Condition").count();
    if listed.len() != conditions {
        return w.fail(format!(
            "the Bundle holds {conditions} Condition(s) but the linked problems list has {} entries",
            listed.len()
        ));
    }
    for item in listed {
        if find(&b, item).is_none_or(|r| ty(r) != "Condition") {
            return w.fail(format!("the linked problems list's entry {item} is not a Condition in the Bundle"));
        }
    }
    Ok(())
}

async fn no_linked_problems(w: &mut RfaWorld, _: &Args) -> StepResult {
    let b = record(w)?;
    let lists = linked_problem_lists(&b).len();
    if lists > 0 {
        return w
            .fail(format!("the Bundle holds {lists} linked problems list(s); nothing here is linked to a problem"));
    }
    if let Some(c) = all_resources(&b).into_iter().find(|r| ty(r) == "Condition") {
        let id = c.as_resource().id().unwrap_or("(no id)");
        return w.fail(format!("Condition/{id} is in the Bundle, but no problem was asked for or linked"));
    }
    Ok(())
}

async fn no_duplicates(w: &mut RfaWorld, _: &Args) -> StepResult {
    let b = record(w)?;
    let mut seen = std::collections::BTreeSet::new();
    for r in entries(&b) {
        let Some(id) = r.as_resource().id() else { continue };
        let key = format!("{}/{id}", ty(r));
        if !seen.insert(key.clone()) {
            return w.fail(format!("{key} is in the Bundle more than once"));
        }
    }
    Ok(())
}

async fn end_reason(w: &mut RfaWorld, a: &Args) -> StepResult {
    const END: &str = "https://fhir.nhs.uk/STU3/StructureDefinition/Extension-CareConnect-GPC-AllergyIntoleranceEnd-1";
    let (name, want) = (a.get(1), a.get(2));
    let b = record(w)?;
    let list = the_list(w, &b, name)?;
    let listed = items(list);
    if listed.is_empty() {
        return w.fail(format!("the \"{name}\" list has no entries to check"));
    }
    for item in listed {
        let Some(r) = resolve_item(&b, list, item) else {
            return w.fail(format!("the \"{name}\" list's entry {item} is not in the Bundle"));
        };
        let reason = r
            .get("extension")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(|e| e.get("url").and_then(Value::as_str) == Some(END))
            .flat_map(|e| e.get("extension").and_then(Value::as_array).into_iter().flatten())
            .find(|x| x.get("url").and_then(Value::as_str) == Some("reasonEnded"))
            .and_then(|x| x.get("valueString").and_then(Value::as_str));
        if reason != Some(want) {
            return w.fail(format!(
                "{item} in the \"{name}\" list should end with the reason \"{want}\", it gives {}",
                reason.map_or("none".into(), |r| format!("\"{r}\""))
            ));
        }
    }
    Ok(())
}
