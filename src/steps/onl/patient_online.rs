//! Patients online (ONL): signing in as a patient with NHS login (every
//! later request carries the ID token the hosted NHS login signed for
//! them), and repeat prescription requests found from the patient's own
//! record summary, so a supplier's identifiers work unchanged.

use serde_json::{Value, json};

use crate::client::RequestSpec;
use crate::fhir::Views as _;
use crate::fhir::gpc::{self, Interaction};
use crate::national::nhs_login::Signing;
use crate::steps::common::keys::logical_id;
use crate::steps::world::{Failure, RfaWorld, StepResult};
use crate::steps::{Args, StepDef, step};

pub fn steps() -> Vec<StepDef> {
    vec![
        step!(Given r#"^the patient "([^"]+)" is signed in$"# => sign_in, "The patient signs in with NHS login: from here on every request carries, as its bearer token, an ID token the hosted NHS login signs (RS512) for this fixture patient (profile §25): their `nhs_number`, `identity_proofing_level` P9, `vot` P9.Cp.Cd, `aud` the candidate's `[jwt] nhs_login_client_id`, an hour to live. `the JWT claim …` steps change its claims before it is signed. Look-ups the harness makes for itself stay the practice's. Not run without the hosted national services (a `[consumer]` section)."),
        step!(Given r#"^the patient signs out$"# => sign_out, "Requests carry the practice's token again."),
        step!(Given r#"^the patient's ID token (is signed by a key NHS login never published|names a key NHS login never published|is not signed|is signed with HS512, NHS login's public key as the secret)$"# => forged, "Forges the patient's token. *Signed by a key never published*: it names NHS login's current key (`kid`) but another key signed it, which only checking the signature against the published key finds. *Names a key never published*: signed by a key, and named by a `kid`, that NHS login's key set does not hold. *Not signed*: it names NHS login as its issuer but has `alg` `none` and no signature. *HS512, NHS login's public key as the secret*: the algorithm-confusion forgery anyone holding the published key can make (the key, PEM-encoded, as the HMAC secret)."),
        step!(Given r#"^the patient's ID token expired an hour ago$"# => expired, "`iat` two hours ago, `exp` one hour ago; signed as any other."),
        step!(Given r#"^NHS login rotates its signing key$"# => rotate, "The hosted NHS login publishes a new key beside the current one, and the patient's tokens are signed by the new key from here on (as NHS login's are after a rotation). A candidate that fetched the keys before cannot know the new one without fetching them again."),
        step!(Then r#"^the request is refused as not signed in$"# => not_signed_in, "HTTP 401 with `WWW-Authenticate: Bearer error=\"invalid_token\"` (RFC 6750 section 3.1) and a GPConnect-OperationOutcome-1 body: the token does not sign the patient in."),
        step!(Given r#"^a search for the appointments of the patient id "([^"]*)" with "([^"]*)"$"# => patient_id_search, "Begins `GET [base]/Patient/[id]/Appointment?…` for this literal id; `{today+N}` become dates."),
        step!(Given r#"^a repeat request for the patient's (current repeat|acute|ended repeat|other organisation's repeat) medication$"# => repeat_of_kind, "Reads the signed-in patient's medications (`$gpc.getstructuredrecord`, evidence kept), finds an authorisation of this kind (MedicationRequest intent plan: an active repeat prescribed at the practice; an acute; a stopped or completed repeat; an active repeat whose MedicationStatement says another organisation prescribes it), and begins `POST [base]/Task`: a repeat prescription request for it."),
        step!(Given r#"^a repeat request for the current repeat medication of "([^"]+)"$"# => repeat_of_other, "The same, for another patient's current repeat (their medications read as the practice), requested for the signed-in patient."),
        step!(Given r#"^a repeat request for the medication id "([^"]*)"$"# => repeat_of_id, "Begins a repeat request for the signed-in patient naming this literal MedicationRequest id."),
        step!(Given r#"^the repeat request's note is "([^"]*)"$"# => note, "Adds a note for the practice to the request."),
        step!(Given r#"^the repeat request is for "([^"]+)"$"# => request_for, "Points the request's `for` at another fixture patient."),
        step!(Given r#"^a search for the repeat requests of "([^"]+)"$"# => search_requests, "Begins `GET [base]/Task?patient=[id]&code=…|repeat-prescription-request`."),
        step!(Then r#"^the repeat request is recorded as "([^"]+)" for the practice to approve$"# => is_recorded, "HTTP 201, a Location naming the Task, and a Task with status requested, intent proposal, the repeat-request code, for the patient, focus the medication, owner the practice's ODS code, authoredOn within two minutes of now, and the note if one was sent."),
        step!(Then r#"^the Bundle holds the repeat request "([^"]+)", still requested$"# => bundle_holds, "A searchset Bundle holding the Task (by id) with status requested."),
    ]
}

async fn sign_in(w: &mut RfaWorld, a: &Args) -> StepResult {
    let key = a.get(1);
    let nhs = crate::steps::common::keys::nhs(w, key)?;
    w.onl.signed_in = Some(crate::steps::world::SignedIn {
        nhs,
        key: key.to_string(),
        signing: Signing::Published,
        expired: false,
        minted: Default::default(),
    });
    Ok(())
}

fn signed_in(w: &mut RfaWorld) -> Result<&mut crate::steps::world::SignedIn, Failure> {
    w.onl
        .signed_in
        .as_mut()
        .ok_or_else(|| Failure::Harness("sign a patient in first (`Given the patient \"...\" is signed in`)".into()))
}

fn signing(w: &mut RfaWorld, how: Signing) -> StepResult {
    signed_in(w)?.signing = how;
    Ok(())
}

async fn forged(w: &mut RfaWorld, a: &Args) -> StepResult {
    let how = match a.get(1) {
        "is not signed" => Signing::Unsigned,
        "is signed with HS512, NHS login's public key as the secret" => Signing::PublicKeyAsSecret,
        "names a key NHS login never published" => Signing::UnknownKid,
        _ => Signing::OtherKey,
    };
    signing(w, how)
}

async fn expired(w: &mut RfaWorld, _: &Args) -> StepResult {
    signed_in(w)?.expired = true;
    Ok(())
}

async fn rotate(w: &mut RfaWorld, _: &Args) -> StepResult {
    if let Some(services) = w.ctx()?.consumer.services.clone() {
        services.rotate_nhs_login_keys();
    }
    signing(w, Signing::Rotated)
}

async fn not_signed_in(w: &mut RfaWorld, _: &Args) -> StepResult {
    crate::steps::common::http::check_challenge(w, Some("invalid_token"))
}

async fn sign_out(w: &mut RfaWorld, _: &Args) -> StepResult {
    w.onl.signed_in = None;
    Ok(())
}

async fn patient_id_search(w: &mut RfaWorld, a: &Args) -> StepResult {
    let mut spec =
        RequestSpec::new(Interaction::SearchPatientAppointments, format!("Patient/{}/Appointment", a.get(1)));
    let q = crate::steps::common::stamps::dates(a.get(2))?;
    for pair in q.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        spec.query.push((k.into(), v.into()));
    }
    w.request = Some(spec);
    Ok(())
}

fn signed_in_key(w: &mut RfaWorld) -> Result<String, Failure> {
    signed_in(w).map(|s| s.key.clone())
}

/// The kind of an authorisation, as the patient would describe it.
fn kind(bundle: &Value, plan: &Value) -> Option<&'static str> {
    if plan.get("intent").and_then(Value::as_str) != Some("plan") {
        return None;
    }
    let status = plan.get("status").and_then(Value::as_str).unwrap_or_default();
    match gpc::extension_code(plan, gpc::PRESCRIPTION_TYPE_EXTENSION) {
        Some("acute") => Some("acute"),
        Some("repeat") if status != "active" => Some("ended repeat"),
        Some("repeat") => {
            let id = plan.as_resource().id().unwrap_or_default();
            let based = format!("MedicationRequest/{id}");
            let agency = crate::steps::common::bundle::resources(bundle, "MedicationStatement")
                .into_iter()
                .find(|st| {
                    st.get("basedOn")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .any(|b| b.as_reference().reference() == Some(based.as_str()))
                })
                .and_then(|st| gpc::extension_code(st, gpc::PRESCRIBING_AGENCY_EXTENSION));
            match agency {
                Some("prescribed-at-gp-practice") => Some("current repeat"),
                _ => Some("other organisation's repeat"),
            }
        }
        _ => None,
    }
}

/// The id of an authorisation of this kind in the patient's medications,
/// read as the patient, or as the practice for someone else.
async fn find_medication(w: &mut RfaWorld, key: &str, wanted: &str, as_practice: bool) -> Result<String, Failure> {
    let nhs = crate::steps::common::keys::nhs(w, key)?;
    let spec = crate::steps::inf::structured::medications_of(&nhs);
    let resp = if as_practice { w.send_as_practice(&spec).await? } else { w.send(&spec).await? };
    let body = match (resp.status, resp.json()) {
        (200, Ok(b)) => b,
        (status, _) => {
            return Err(Failure::Assert(format!(
                "setup: reading the medications of {key} answered HTTP {status}, so no repeat can be asked for\n    exchange: {}",
                w.last_exchange()
            )));
        }
    };
    let found = crate::steps::common::bundle::resources(&body, "MedicationRequest")
        .into_iter()
        .find(|m| kind(&body, m) == Some(wanted))
        .and_then(|m| m.as_resource().id().map(str::to_string));
    found.ok_or_else(|| {
        Failure::Assert(format!(
            "setup: {key}'s medications hold no {wanted} authorisation (MedicationRequest intent plan); the test data gives patient7 one of each kind\n    exchange: {}",
            w.last_exchange()
        ))
    })
}

async fn begin(w: &mut RfaWorld, medication: &str) -> StepResult {
    let key = signed_in_key(w)?;
    let patient = logical_id(w, &key).await?;
    let task = json!({
        "resourceType": "Task",
        "status": "requested",
        "intent": "proposal",
        "code": { "coding": [{ "system": gpc::TASK_TYPE_SYSTEM, "code": gpc::REPEAT_REQUEST_CODE }] },
        "focus": { "reference": format!("MedicationRequest/{medication}") },
        "for": { "reference": format!("Patient/{patient}") }
    });
    let spec = RequestSpec::post(Interaction::RequestRepeat, "Task", task.to_string());
    w.request = Some(spec);
    w.onl.booking = Some(task);
    Ok(())
}

async fn repeat_of_kind(w: &mut RfaWorld, a: &Args) -> StepResult {
    let key = signed_in_key(w)?;
    let id = find_medication(w, &key, a.get(1), false).await?;
    begin(w, &id).await
}

async fn repeat_of_other(w: &mut RfaWorld, a: &Args) -> StepResult {
    let id = find_medication(w, a.get(1), "current repeat", true).await?;
    begin(w, &id).await
}

async fn repeat_of_id(w: &mut RfaWorld, a: &Args) -> StepResult {
    begin(w, a.get(1)).await
}

fn edit(w: &mut RfaWorld, f: impl FnOnce(&mut Value)) -> StepResult {
    let mut task = w.onl.booking.clone().ok_or_else(|| Failure::Harness("begin a repeat request first".into()))?;
    f(&mut task);
    let spec = w.request_mut()?;
    spec.body = Some(task.to_string().into_bytes());
    w.onl.booking = Some(task);
    Ok(())
}

async fn note(w: &mut RfaWorld, a: &Args) -> StepResult {
    let text = a.get(1).to_string();
    edit(w, |t| t["note"] = json!([{ "text": text }]))
}

async fn request_for(w: &mut RfaWorld, a: &Args) -> StepResult {
    let other = logical_id(w, a.get(1)).await?;
    edit(w, |t| t["for"] = json!({ "reference": format!("Patient/{other}") }))
}

async fn search_requests(w: &mut RfaWorld, a: &Args) -> StepResult {
    let patient = logical_id(w, a.get(1)).await?;
    let mut spec = RequestSpec::new(Interaction::SearchRepeatRequests, "Task");
    spec.query.push(("patient".into(), patient));
    spec.query.push(("code".into(), format!("{}|{}", gpc::TASK_TYPE_SYSTEM, gpc::REPEAT_REQUEST_CODE)));
    w.request = Some(spec);
    Ok(())
}

async fn is_recorded(w: &mut RfaWorld, a: &Args) -> StepResult {
    let sent = w.onl.booking.clone().ok_or_else(|| Failure::Harness("no repeat request was sent".into()))?;
    let ods = w.ctx()?.client.config().spine.provider_ods.clone();
    let resp = w.response()?;
    if resp.status != 201 {
        return w.fail(format!("the repeat request should answer 201, it answered HTTP {}", resp.status));
    }
    let location = resp.header("Location").unwrap_or_default();
    let task = match resp.json() {
        Ok(t) if t.as_resource().resource_type() == Some("Task") => t,
        _ => return w.fail("the repeat request should answer the Task"),
    };
    let id = task.as_resource().id().unwrap_or_default();
    if id.is_empty() || !location.contains(&format!("/Task/{id}")) {
        return w.fail(format!("the Location `{location}` should name the Task, Task/{id}"));
    }
    let field = |p: &str| task.pointer(p).cloned().unwrap_or(Value::Null);
    let checks = [
        ("status", field("/status"), json!("requested")),
        ("intent", field("/intent"), json!("proposal")),
        ("code", field("/code/coding/0/code"), json!(gpc::REPEAT_REQUEST_CODE)),
        ("for", field("/for/reference"), sent.pointer("/for/reference").cloned().unwrap_or(Value::Null)),
        ("focus", field("/focus/reference"), sent.pointer("/focus/reference").cloned().unwrap_or(Value::Null)),
        ("owner", field("/owner/identifier/value"), json!(ods)),
        ("note", field("/note"), sent.get("note").cloned().unwrap_or(Value::Null)),
    ];
    for (what, got, want) in checks {
        if got != want {
            return w.fail(format!("the Task's {what} should be {want}, it is {got}"));
        }
    }
    let Some(authored) = crate::steps::common::stamps::at(task.get("authoredOn")) else {
        return w.fail("the Task's authoredOn should be when the request was made; it has none");
    };
    if let Err(why) = crate::steps::common::stamps::stamped_at_request(w, authored) {
        return w.fail(format!("the Task's authoredOn should be when the request was made: {why}"));
    }
    w.onl.repeat_requests.insert(a.get(1).to_string(), task);
    Ok(())
}

async fn bundle_holds(w: &mut RfaWorld, a: &Args) -> StepResult {
    let id =
        w.onl.repeat_requests.get(a.get(1)).and_then(|t| t.as_resource().id().map(str::to_string)).ok_or_else(
            || Failure::Harness(format!("no repeat request \"{}\" was recorded in this scenario", a.get(1))),
        )?;
    let b = crate::steps::common::bundle::searchset(w)?;
    let status = crate::steps::common::bundle::resources(&b, "Task")
        .into_iter()
        .find(|t| t.as_resource().id() == Some(id.as_str()))
        .map(|t| t.get("status").cloned().unwrap_or(Value::Null));
    match status {
        Some(s) if s == json!("requested") => Ok(()),
        Some(s) => w.fail(format!("repeat request {id} should still be requested, it is {s}")),
        None => w.fail(format!("the Bundle should hold repeat request {id}")),
    }
}
