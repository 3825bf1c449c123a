//! Property tests: the checks the harness makes and the parsers that read
//! untrusted input hold for arbitrary inputs — right answers where there is
//! a right answer, and never a panic.

use proptest::prelude::*;
use rfa_harness::catalogue::{Catalogue, PackFiles, StepMatcher, pack::PackFile};
use rfa_harness::config::CandidateConfig;
use rfa_harness::dossier::verify;
use rfa_harness::fhir::nhs;
use rfa_harness::fixtures::FixturePack;
use rfa_harness::signing::{Envelope, SecretKey, pae};

/// Independent statement of the Modulus 11 rule, to check nhs.rs against.
fn oracle(n: &str) -> bool {
    if n.len() != 10 || !n.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let d: Vec<u32> = n.bytes().map(|b| u32::from(b - b'0')).collect();
    let sum: u32 = (0..9).map(|i| d[i] * (10 - i as u32)).sum();
    let check = 11 - sum % 11;
    let check = if check == 11 { 0 } else { check };
    check != 10 && check == d[9]
}

struct AnyStep;

impl StepMatcher for AnyStep {
    fn check(&self, _: &cucumber::gherkin::Step) -> Result<(), String> {
        Ok(())
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, .. ProptestConfig::default() })]

    #[test]
    fn nhs_validation_agrees_with_the_rule(n in "[0-9]{10}") {
        prop_assert_eq!(nhs::validate(&n).is_ok(), oracle(&n));
    }

    #[test]
    fn nhs_validation_never_panics(s in "\\PC{0,16}") {
        let _ = nhs::validate(&s);
        prop_assert_eq!(nhs::validate(&s).is_ok(), oracle(&s));
    }

    #[test]
    fn every_nine_digits_have_at_most_one_check_digit(n in "[0-9]{9}") {
        let valid: Vec<u8> = (0..=9).filter(|d| nhs::validate(&format!("{n}{d}")).is_ok()).collect();
        prop_assert!(valid.len() <= 1);
        prop_assert_eq!(valid.first().copied(), nhs::check_digit(&n));
    }

    #[test]
    fn pae_lengths_are_decimal_byte_counts(t in "\\PC{0,40}", body in proptest::collection::vec(any::<u8>(), 0..200)) {
        let p = pae(&t, &body);
        let prefix = format!("DSSEv1 {} {t} {} ", t.len(), body.len());
        prop_assert!(p.starts_with(prefix.as_bytes()));
        prop_assert_eq!(&p[prefix.len()..], &body[..]);
    }

    #[test]
    fn envelopes_parse_or_refuse_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = Envelope::parse(&bytes);
        let key = SecretKey::generate();
        prop_assert!(verify::open(&bytes, &[key.public()]).is_err());
    }

    #[test]
    fn envelopes_with_arbitrary_payloads_verify_only_untouched(payload in proptest::collection::vec(any::<u8>(), 0..300), flip in any::<usize>()) {
        let key = SecretKey::generate();
        let env = Envelope::sign("t", &payload, &key);
        let trusted = [key.public()];
        prop_assert!(env.verify("t", &trusted).is_ok());
        if !payload.is_empty() {
            let mut p = payload.clone();
            let i = flip % p.len();
            p[i] ^= 1;
            let mut bad = env.clone();
            bad.payload = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &p);
            prop_assert!(bad.verify("t", &trusted).is_err());
        }
    }

    #[test]
    fn statements_parse_or_refuse_arbitrary_json(v in arbitrary_json()) {
        let _ = verify::parse_statement(v.to_string().as_bytes());
    }

    #[test]
    fn configs_parse_or_refuse_arbitrary_text(text in "\\PC{0,300}") {
        let fixtures = FixturePack::embedded().expect("fixtures");
        let _ = CandidateConfig::parse(&text, "c.toml", &fixtures);
    }

    #[test]
    fn configs_with_arbitrary_values_parse_or_name_a_line(url in "\\PC{0,40}", asid in "\\PC{0,14}", timeout in any::<f64>()) {
        let fixtures = FixturePack::embedded().expect("fixtures");
        let text = format!(
            "[candidate]\nsupplier = \"s\"\nproduct = \"p\"\nversion = \"1\"\n[endpoint]\nbase_url = {url:?}\ntimeout_secs = {timeout:?}\n[spine]\nprovider_asid = {asid:?}\nprovider_ods = \"GPC001\"\n"
        );
        if let Err(e) = CandidateConfig::parse(&text, "c.toml", &fixtures) {
            prop_assert!(e.to_string().starts_with("c.toml"), "{}", e);
        }
    }

    #[test]
    fn feature_files_parse_or_refuse_arbitrary_text(text in "(\\PC|\\n){0,400}") {
        let files = PackFiles {
            display_root: "pk".into(),
            files: vec![
                PackFile { path: "pack.toml".into(), text: "name = \"t\"\nversion = \"1\"\n".into() },
                PackFile { path: "INF/f.feature".into(), text },
            ],
        };
        if let Err(e) = Catalogue::load(&files, &AnyStep) {
            prop_assert!(e.diagnostics.iter().all(|d| d.file.starts_with("pk")));
        }
    }

    #[test]
    fn feature_files_built_from_gherkin_fragments_never_panic(parts in proptest::collection::vec(fragment(), 0..30)) {
        let text = parts.join("\n");
        let files = PackFiles {
            display_root: "pk".into(),
            files: vec![
                PackFile { path: "pack.toml".into(), text: "name = \"t\"\nversion = \"1\"\n".into() },
                PackFile { path: "INF/f.feature".into(), text },
            ],
        };
        let _ = Catalogue::load(&files, &AnyStep);
    }
}

/// Lines that look like Gherkin, in any order: the parser's hard cases.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("Feature: f".to_string()),
        Just("  Rule: r".to_string()),
        Just("  Background:".to_string()),
        Just("    Scenario: s".to_string()),
        Just("    Scenario Outline: <x>".to_string()),
        Just("      Examples:".to_string()),
        Just("        | x |".to_string()),
        Just("        | 1 | 2 |".to_string()),
        Just("      Given a <x>".to_string()),
        Just("      And b".to_string()),
        Just("      \"\"\"".to_string()),
        "  @[A-Za-z0-9-]{0,12}( @[a-z0-9]{1,6}){0,3}".prop_map(|s| s),
        "\\PC{0,30}".prop_map(|s| s),
    ]
}

fn arbitrary_json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        "\\PC{0,12}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::from),
            proptest::collection::btree_map(
                prop_oneof![
                    Just("_type".to_string()),
                    Just("predicate".to_string()),
                    Just("subject".to_string()),
                    "[a-z]{1,8}".prop_map(|s| s)
                ],
                inner,
                0..6
            )
            .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

/// The reference's prescribing, dispensing, cancellation, claim, device,
/// device-reading, document-filing and look-up endpoints answer whatever they are sent — a
/// valid prescription, dispense, claim, device or reading with one part
/// replaced by arbitrary JSON, or arbitrary JSON
/// outright — with 201 or a 4xx OperationOutcome: never a 5xx, never a
/// dropped connection. One reference serves all cases.
#[test]
fn the_reference_answers_mangled_prescribing_input_with_an_outcome() {
    use proptest::strategy::ValueTree;
    use rfa_harness::client::{Client, RequestSpec};
    use rfa_harness::fhir::gpc::Interaction;
    use serde_json::json;
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let fixtures = FixturePack::embedded().expect("fixtures");
        let patient = |k: &str| fixtures.patients[k].resource.as_ref().expect("resource")["id"].clone();
        let (p1, p6) = (patient("patient1"), patient("patient6"));
        let addr = "127.0.0.1:0".parse().expect("addr");
        let server = rfa_harness::reference::start(addr, rfa_harness::reference::DefectSet::none(), &fixtures)
            .await
            .expect("start");
        let client = Client::new(std::sync::Arc::new(server.candidate_config(&fixtures))).expect("client");
        let prescription = json!({
            "resourceType": "MedicationRequest", "intent": "order", "status": "active",
            "extension": [{ "url": "https://fhir.nhs.uk/STU3/StructureDefinition/Extension-CareConnect-GPC-PrescriptionType-1",
                "valueCodeableConcept": { "coding": [{ "code": "acute" }] } }],
            "medicationCodeableConcept": { "coding": [{ "system": "http://snomed.info/sct", "code": "322236009" }] },
            "subject": { "reference": format!("Patient/{}", p1.as_str().unwrap_or_default()) },
            "requester": { "agent": { "identifier": { "system": "https://fhir.nhs.uk/Id/sds-user-id", "value": "RFAP00000001" } } },
            "dosageInstruction": [{ "text": "one", "timing": { "repeat": { "frequency": 3, "period": 1, "periodUnit": "d" } }, "doseQuantity": { "value": 1 } }],
            "dispenseRequest": { "quantity": { "value": 21, "unit": "tablet" }, "numberOfRepeatsAllowed": 0,
                "performer": { "identifier": { "system": "https://fhir.nhs.uk/Id/ods-organization-code", "value": "FA565" } } }
        });
        let dispense = json!({
            "resourceType": "MedicationDispense", "status": "completed",
            "medicationCodeableConcept": { "coding": [{ "code": "323510009" }] },
            "subject": { "reference": format!("Patient/{}", p6.as_str().unwrap_or_default()) },
            "authorizingPrescription": [{ "reference": "MedicationRequest/expired-patient6" }],
            "quantity": { "value": 1, "unit": "capsule" }
        });
        let claim = json!({
            "resourceType": "Claim", "status": "active", "use": "complete",
            "patient": { "reference": format!("Patient/{}", p6.as_str().unwrap_or_default()) },
            "item": [{ "sequence": 1, "service": { "coding": [{ "system": "https://rfa-harness.dev/fhir/CodeSystem/gp-fee-schedule", "code": "flu-vaccination" }] },
                "servicedDate": "2001-06-01", "encounter": [{ "reference": "Encounter/none" }], "quantity": { "value": 1 },
                "unitPrice": { "value": 10.06, "code": "GBP" }, "net": { "value": 10.06, "code": "GBP" } }],
            "total": { "value": 10.06, "code": "GBP" }
        });
        let device = json!({
            "resourceType": "Device", "status": "active",
            "identifier": [{ "system": rfa_harness::devices::SERIAL_SYSTEM, "value": "property-test-1" }],
            "type": { "coding": [{ "system": "http://snomed.info/sct", "code": "466086009" }] },
            "patient": { "reference": format!("Patient/{}", p1.as_str().unwrap_or_default()) }
        });
        let spec = RequestSpec::post(Interaction::RegisterDevice, "Device", device.to_string());
        let (_, result) = client.send(&spec, None).await;
        let registered = result.expect("an answer").json().expect("the Device");
        let author = fixtures.practitioners["practitioner1"].resource.as_ref().expect("practitioner")["id"].clone();
        let bp = |code: &str, v: f64| json!({ "code": { "coding": [{ "system": "http://snomed.info/sct", "code": code }] },
            "valueQuantity": { "value": v, "unit": "mm[Hg]", "system": "http://unitsofmeasure.org", "code": "mm[Hg]" } });
        let reading = json!({
            "resourceType": "Observation", "status": "final",
            "identifier": [{ "system": "https://rfa-harness.dev/Id/entry", "value": "property-test-reading" }],
            "code": { "coding": [{ "system": "http://snomed.info/sct", "code": "75367002" }] },
            "subject": { "reference": format!("Patient/{}", p1.as_str().unwrap_or_default()) },
            "effectiveDateTime": "2001-06-01T10:30:17+01:00",
            "performer": [{ "reference": format!("Practitioner/{}", author.as_str().unwrap_or_default()) }],
            "device": { "reference": format!("Device/{}", registered["id"].as_str().unwrap_or_default()) },
            "component": [bp("271649006", 128.0), bp("271650006", 82.0)]
        });
        let cancel = json!({ "resourceType": "Parameters", "parameter": [{ "name": "reason", "valueCoding": { "code": "0001" } }] });
        // Unmangled, the prescription is issued: the mangling starts from
        // something the reference accepts, so it reaches every check.
        let spec = RequestSpec::post(Interaction::CreatePrescription, "MedicationRequest", prescription.to_string());
        let (_, result) = client.send(&spec, None).await;
        assert_eq!(result.expect("an answer").status, 201, "the unmangled prescription is issued");
        let places = [
            "", "/extension", "/extension/0", "/extension/0/valueCodeableConcept", "/medicationCodeableConcept",
            "/medicationCodeableConcept/coding", "/subject", "/requester/agent", "/dosageInstruction",
            "/dosageInstruction/0", "/dosageInstruction/0/timing", "/dispenseRequest", "/dispenseRequest/quantity",
            "/dispenseRequest/validityPeriod", "/dispenseRequest/performer", "/dispenseRequest/numberOfRepeatsAllowed",
            "/quantity", "/authorizingPrescription", "/authorizingPrescription/0", "/parameter", "/parameter/0",
            "/item", "/item/0", "/item/0/unitPrice", "/item/0/quantity", "/total", "/patient",
            "/type", "/type/coding", "/identifier", "/status", "/device", "/component", "/component/0",
            "/component/1/valueQuantity", "/component/0/valueQuantity/value", "/effectiveDateTime",
        ];
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        let junk = arbitrary_json();
        let targets = [
            (Interaction::CreatePrescription, "MedicationRequest", &prescription),
            (Interaction::RecordDispense, "MedicationDispense", &dispense),
            (Interaction::CancelPrescription, "MedicationRequest/no-such-prescription/$rfa.cancel", &cancel),
            (Interaction::CreateClaim, "Claim", &claim),
            (Interaction::RegisterDevice, "Device", &device),
            (Interaction::CreateEntry(rfa_harness::fhir::gpc::EntryType::Observation), "Observation", &reading),
        ];
        for round in 0..40 {
            for (interaction, path, base) in targets {
                let place = places[(round * 7 + path.len()) % places.len()];
                let value = junk.new_tree(&mut runner).expect("value").current();
                let mut body = base.clone();
                match body.pointer_mut(place) {
                    Some(at) => *at = value,
                    None => body = value,
                }
                let spec = RequestSpec::post(interaction, path, body.to_string());
                let (_, result) = client.send(&spec, None).await;
                let resp = result.unwrap_or_else(|e| panic!("{path}: no answer to {body}: {e}"));
                assert!(resp.status == 201 || (400..500).contains(&resp.status), "{path}: HTTP {} for {body}", resp.status);
                if resp.status != 201 {
                    let outcome = resp.json().unwrap_or_else(|e| panic!("{path}: {e}"));
                    assert_eq!(outcome["resourceType"], "OperationOutcome", "{path}: {body}");
                }
            }
        }
        server.stop().await;
    });
}
