use proptest::prelude::*;
use serde_json::{Value, json};

use super::{Slips, from_json, from_json_with, to_json};

/// Every resource in `fixtures/` (patients, practitioners, organisations,
/// locations and the structured records' entries).
fn fixture_resources() -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for dir in ["patients", "practitioners", "organizations", "locations", "records"] {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(dir);
        let Ok(entries) = std::fs::read_dir(&path) else { continue };
        for entry in entries.flatten() {
            let Ok(text) = std::fs::read_to_string(entry.path()) else { continue };
            let Ok(v) = serde_json::from_str::<Value>(&text) else { continue };
            let name = entry.path().display().to_string();
            match v {
                Value::Array(items) => out.extend(items.into_iter().map(|x| (name.clone(), x))),
                x => out.push((name, x)),
            }
        }
    }
    out
}

#[test]
fn every_fixture_survives_json_to_xml_to_json() {
    let all = fixture_resources();
    assert!(all.len() > 40, "fixtures found: {}", all.len());
    for (file, v) in all {
        let xml = from_json(&v).unwrap_or_else(|e| panic!("{file}: {e}"));
        let back = to_json(&xml).unwrap_or_else(|e| panic!("{file}: {e}\n{}", String::from_utf8_lossy(&xml)));
        assert_eq!(back, v, "{file}");
    }
}

#[test]
fn fhir_xml_rules_read_into_json_shape() {
    let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<Bundle xmlns="http://hl7.org/fhir">
  <id value="b1"/>
  <type value="searchset"/>
  <total value="1"/>
  <entry>
    <resource>
      <Patient xmlns="http://hl7.org/fhir">
        <id value="p1"/>
        <text><status value="generated"/><div xmlns="http://www.w3.org/1999/xhtml"><p>Hi &amp; bye</p></div></text>
        <extension url="https://x/ext"><valueBoolean value="true"/></extension>
        <name id="n1"><given value="Ann"/><given><extension url="https://x/absent"><valueCode value="unknown"/></extension></given></name>
        <birthDate value="1970-01-01"><extension url="https://x/accuracy"><valueDecimal value="1.50"/></extension></birthDate>
      </Patient>
    </resource>
  </entry>
</Bundle>"#;
    let v = to_json(xml.as_bytes()).expect("valid FHIR XML");
    assert_eq!(
        v,
        json!({
            "resourceType": "Bundle", "id": "b1", "type": "searchset", "total": 1,
            "entry": [{ "resource": {
                "resourceType": "Patient", "id": "p1",
                "text": { "status": "generated", "div": "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Hi &amp; bye</p></div>" },
                "extension": [{ "url": "https://x/ext", "valueBoolean": true }],
                "name": [{ "id": "n1", "given": ["Ann", null],
                           "_given": [null, { "extension": [{ "url": "https://x/absent", "valueCode": "unknown" }] }] }],
                "birthDate": "1970-01-01",
                "_birthDate": { "extension": [{ "url": "https://x/accuracy", "valueDecimal": 1.5 }] }
            }}]
        })
    );
    // And back: the same JSON again.
    assert_eq!(to_json(&from_json(&v).expect("writable")).expect("readable"), v);
}

#[test]
fn broken_fhir_xml_is_named_with_where() {
    let cases = [
        (r#"<Patient><id value="a"/></Patient>"#, "/Patient", "not in the FHIR namespace"),
        (r#"<Patient xmlns="http://hl7.org/fhir/x"/>"#, "/Patient", "namespace"),
        (
            r#"<Patient xmlns="http://hl7.org/fhir"><gender value="male"/><name><family value="X"/></name></Patient>"#,
            "/Patient/name",
            "comes after `gender`",
        ),
        (
            r#"<Patient xmlns="http://hl7.org/fhir"><gender value="male"/><gender value="female"/></Patient>"#,
            "/Patient/gender",
            "does not repeat",
        ),
        (r#"<Patient xmlns="http://hl7.org/fhir"><colour value="red"/></Patient>"#, "/Patient/colour", "no element"),
        (
            r#"<Patient xmlns="http://hl7.org/fhir"><active value="yes"/></Patient>"#,
            "/Patient/active",
            "not a valid Boolean",
        ),
        (r#"<Patient xmlns="http://hl7.org/fhir"><active value=""/></Patient>"#, "/Patient/active", "empty `value`"),
        (
            r#"<Patient xmlns="http://hl7.org/fhir"><name><id value="x"/></name></Patient>"#,
            "/Patient/name/id",
            "no element",
        ),
        (
            r#"<Patient xmlns="http://hl7.org/fhir"><extension><url value="u"/></extension></Patient>"#,
            "/Patient/extension",
            "without `url`",
        ),
        (r#"<Patient xmlns="http://hl7.org/fhir"><name/></Patient>"#, "/Patient/name", "empty element"),
        (r#"<Patient xmlns="http://hl7.org/fhir">text</Patient>"#, "/Patient", "text where"),
        (r#"<HumanName xmlns="http://hl7.org/fhir"/>"#, "/HumanName", "not an STU3 resource"),
        (r#"<!DOCTYPE x [<!ENTITY a "aaaa">]><Patient xmlns="http://hl7.org/fhir"/>"#, "/", "well-formed"),
        (r#"{"resourceType":"Patient"}"#, "/", "well-formed"),
    ];
    for (xml, at, why) in cases {
        let err = to_json(xml.as_bytes()).expect_err(xml);
        assert_eq!(err.at, at, "{xml}: {err}");
        assert!(err.why.contains(why), "{xml}: {err}");
    }
}

#[test]
fn deep_nesting_is_refused_not_a_stack_overflow() {
    let depth = 200_000;
    let mut xml = String::from(r#"<Patient xmlns="http://hl7.org/fhir">"#);
    xml.push_str(&r#"<extension url="u">"#.repeat(depth));
    xml.push_str(&"</extension>".repeat(depth));
    xml.push_str("</Patient>");
    let err = to_json(xml.as_bytes()).expect_err("too deep");
    assert!(err.why.contains("nested deeper than 128"), "{err}");
    assert!(err.at.len() < 4096, "the path stays readable");
}

#[test]
fn the_slips_the_reference_can_make_are_caught() {
    let v = json!({ "resourceType": "Patient", "id": "p", "gender": "male", "name": [{ "family": "X" }] });
    let bare = from_json_with(&v, Slips { no_namespace: true, ..Slips::default() }).expect("writable");
    assert!(to_json(&bare).expect_err("no namespace").why.contains("FHIR namespace"));
    let reversed = from_json_with(&v, Slips { reversed: true, ..Slips::default() }).expect("writable");
    assert!(to_json(&reversed).expect_err("out of order").why.contains("defines it before"));
}

#[test]
fn json_that_fhir_xml_cannot_hold_is_refused() {
    for (v, why) in [
        (json!({ "resourceType": "Patient", "colour": "red" }), "no element `colour`"),
        (json!({ "resourceType": "Patient", "name": { "family": "X" } }), "JSON array"),
        (json!({ "resourceType": "Patient", "active": "yes" }), "not a Boolean"),
        (json!({ "gender": "male" }), "without `resourceType`"),
        (json!({ "resourceType": "Nope" }), "not an STU3 resource"),
    ] {
        let err = from_json(&v).expect_err(&v.to_string());
        assert!(err.why.contains(why), "{v}: {err}");
    }
}

fn primitive_string() -> impl Strategy<Value = String> {
    // Any text a FHIR string may hold: XML-special characters, non-ASCII,
    // no control characters XML 1.0 cannot carry.
    "[a-zA-Z0-9 <>&'\"é£\u{1F600}]{1,12}".prop_filter("FHIR strings are not all whitespace", |s| !s.trim().is_empty())
}

prop_compose! {
    fn patient()(
        id in "[a-z0-9-]{1,10}",
        families in proptest::collection::vec(primitive_string(), 1..3),
        given in proptest::collection::vec(proptest::option::of(primitive_string()), 1..4),
        active in proptest::option::of(any::<bool>()),
        births in proptest::option::of(0u32..5),
    ) -> Value {
        let mut p = json!({ "resourceType": "Patient", "id": id });
        p["name"] = Value::Array(families.into_iter().map(|f| json!({ "family": f })).collect());
        // A list of primitives with gaps: the gaps carry an extension.
        if given.iter().any(Option::is_some) {
            p["name"][0]["given"] = Value::Array(given.iter().map(|g| g.clone().map_or(Value::Null, Value::String)).collect());
            if given.iter().any(Option::is_none) {
                p["name"][0]["_given"] = Value::Array(given.iter().map(|g| match g {
                    Some(_) => Value::Null,
                    None => json!({ "extension": [{ "url": "https://x/absent", "valueCode": "unknown" }] }),
                }).collect());
            }
        }
        if let Some(a) = active { p["active"] = Value::Bool(a); }
        if let Some(n) = births { p["multipleBirthInteger"] = json!(n); }
        p
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// JSON → XML → JSON is the identity on what FHIR XML can hold.
    #[test]
    fn round_trips(p in patient()) {
        let xml = from_json(&p).expect("writable");
        prop_assert_eq!(to_json(&xml).expect("readable"), p);
    }

    /// The reader's fuzz target: any bytes give a value or an error, never a
    /// panic; and bytes it reads are written back to the same value.
    #[test]
    /// (The same property as `fuzzing::fhir_xml`, stated here because
    /// `fhir` sits below `fuzzing` and must not name it.)
    fn any_bytes_are_read_or_refused(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        if let Ok(v) = to_json(&bytes) {
            let again = from_json(&v).expect("what was read can be written");
            prop_assert_eq!(to_json(&again).expect("and read again"), v);
        }
    }

    /// Mutations of a valid document (cut, duplicated, reordered): still
    /// never a panic.
    #[test]
    fn mangled_fhir_xml_is_read_or_refused(p in patient(), cut in 0usize..400, dup in 0usize..400) {
        let xml = from_json(&p).expect("writable");
        let mut bytes = xml.clone();
        bytes.truncate(cut.min(xml.len()));
        let _ = to_json(&bytes);
        let at = dup.min(xml.len());
        let mut doubled = xml[..at].to_vec();
        doubled.extend_from_slice(&xml[at / 2..]);
        let _ = to_json(&doubled);
    }
}
