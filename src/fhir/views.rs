//! Typed views over FHIR JSON: borrowed, read-only wrappers that answer the
//! questions checks and services ask of a resource by name (its entries, its
//! identifiers in a system, its Spine codes) instead of by hand-walked
//! pointers. A view never fails to build: a missing or mistyped element
//! reads as absent, and the check that needs it says so in its own words.
//!
//! Written here rather than taken from a FHIR model crate: those
//! deserialize whole resources into owned structs, which refuse what a
//! candidate got wrong before a check can say what it was, and add much to
//! the build. A view over `serde_json::Value` keeps the candidate's bytes as
//! evidence and lets a check judge a malformed resource element by element.

use serde_json::Value;

/// Views of a JSON value, by method, so `x.as_resource().id()` reads the
/// same whether `x` is a `Value` or a reference to one.
pub trait Views {
    fn as_resource(&self) -> Resource<'_>;
    fn as_reference(&self) -> Reference<'_>;
    fn as_bundle(&self) -> Bundle<'_>;
    fn as_parameters(&self) -> Parameters<'_>;
    fn as_outcome(&self) -> OperationOutcome<'_>;
}

impl Views for Value {
    fn as_resource(&self) -> Resource<'_> {
        Resource(self)
    }
    fn as_reference(&self) -> Reference<'_> {
        Reference(self)
    }
    fn as_bundle(&self) -> Bundle<'_> {
        Bundle(self)
    }
    fn as_parameters(&self) -> Parameters<'_> {
        Parameters(self)
    }
    fn as_outcome(&self) -> OperationOutcome<'_> {
        OperationOutcome(self)
    }
}

fn str_at<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

fn array_at<'a>(v: &'a Value, key: &str) -> impl Iterator<Item = &'a Value> {
    v.get(key).and_then(Value::as_array).into_iter().flatten()
}

/// Any resource.
#[derive(Debug, Clone, Copy)]
pub struct Resource<'a>(pub &'a Value);

impl<'a> Resource<'a> {
    pub fn json(self) -> &'a Value {
        self.0
    }

    pub fn resource_type(self) -> Option<&'a str> {
        str_at(self.0, "resourceType")
    }

    pub fn is(self, ty: &str) -> bool {
        self.resource_type() == Some(ty)
    }

    /// The logical id.
    pub fn id(self) -> Option<&'a str> {
        str_at(self.0, "id")
    }

    /// `meta.profile`, each a canonical URL.
    pub fn profiles(self) -> Vec<&'a str> {
        self.0.get("meta").map(|m| array_at(m, "profile").filter_map(Value::as_str).collect()).unwrap_or_default()
    }

    pub fn identifiers(self) -> impl Iterator<Item = Identifier<'a>> {
        array_at(self.0, "identifier").map(Identifier)
    }

    /// The values of its identifiers in `system`.
    pub fn identifier_values(self, system: &str) -> Vec<&'a str> {
        self.identifiers().filter(|i| i.system() == Some(system)).filter_map(Identifier::value).collect()
    }
}

/// An `Identifier`: a business id in a naming system.
#[derive(Debug, Clone, Copy)]
pub struct Identifier<'a>(pub &'a Value);

impl<'a> Identifier<'a> {
    pub fn system(self) -> Option<&'a str> {
        str_at(self.0, "system")
    }

    pub fn value(self) -> Option<&'a str> {
        str_at(self.0, "value")
    }
}

/// A `Reference` to another resource, literal (`Patient/2`) or by identifier.
#[derive(Debug, Clone, Copy)]
pub struct Reference<'a>(pub &'a Value);

impl<'a> Reference<'a> {
    pub fn reference(self) -> Option<&'a str> {
        str_at(self.0, "reference")
    }

    /// The logical id a literal reference to `ty` names (`Patient/2` -> 2).
    pub fn id_of(self, ty: &str) -> Option<&'a str> {
        self.reference()?.strip_prefix(ty)?.strip_prefix('/')
    }

    pub fn identifier(self) -> Option<Identifier<'a>> {
        self.0.get("identifier").map(Identifier)
    }
}

/// A `Coding`.
#[derive(Debug, Clone, Copy)]
pub struct Coding<'a>(pub &'a Value);

impl<'a> Coding<'a> {
    pub fn system(self) -> Option<&'a str> {
        str_at(self.0, "system")
    }

    pub fn code(self) -> Option<&'a str> {
        str_at(self.0, "code")
    }

    pub fn display(self) -> Option<&'a str> {
        str_at(self.0, "display")
    }
}

/// A `CodeableConcept`: codings and text.
#[derive(Debug, Clone, Copy)]
pub struct CodeableConcept<'a>(pub &'a Value);

impl<'a> CodeableConcept<'a> {
    pub fn codings(self) -> impl Iterator<Item = Coding<'a>> {
        array_at(self.0, "coding").map(Coding)
    }

    pub fn text(self) -> Option<&'a str> {
        str_at(self.0, "text")
    }
}

/// A `Bundle` and its entries.
#[derive(Debug, Clone, Copy)]
pub struct Bundle<'a>(pub &'a Value);

impl<'a> Bundle<'a> {
    /// `type`: searchset, collection, history...
    pub fn kind(self) -> Option<&'a str> {
        str_at(self.0, "type")
    }

    pub fn total(self) -> Option<u64> {
        self.0.get("total").and_then(Value::as_u64)
    }

    pub fn entries(self) -> impl Iterator<Item = Entry<'a>> {
        array_at(self.0, "entry").map(Entry)
    }

    /// The entries' resources of this type, in order.
    pub fn resources_of(self, ty: &'a str) -> impl Iterator<Item = Resource<'a>> {
        self.entries().filter_map(Entry::resource).filter(move |r| r.is(ty))
    }

    /// The resource of the entry whose `fullUrl` is `reference`: how a
    /// message's resources refer to one another.
    pub fn resolve(self, reference: &str) -> Option<Resource<'a>> {
        self.entries().find(|e| e.full_url() == Some(reference))?.resource()
    }
}

/// One `Bundle.entry`.
#[derive(Debug, Clone, Copy)]
pub struct Entry<'a>(pub &'a Value);

impl<'a> Entry<'a> {
    pub fn json(self) -> &'a Value {
        self.0
    }

    pub fn full_url(self) -> Option<&'a str> {
        str_at(self.0, "fullUrl")
    }

    pub fn resource(self) -> Option<Resource<'a>> {
        self.0.get("resource").map(Resource)
    }

    /// `search.mode`: match or include.
    pub fn search_mode(self) -> Option<&'a str> {
        self.0.get("search").and_then(|s| str_at(s, "mode"))
    }
}

/// A `Parameters` resource: an operation's input or output.
#[derive(Debug, Clone, Copy)]
pub struct Parameters<'a>(pub &'a Value);

impl<'a> Parameters<'a> {
    pub fn all(self) -> impl Iterator<Item = Parameter<'a>> {
        array_at(self.0, "parameter").map(Parameter)
    }

    /// Every parameter of this name, in order.
    pub fn named(self, name: &'a str) -> impl Iterator<Item = Parameter<'a>> {
        self.all().filter(move |p| p.name() == Some(name))
    }

    /// The first parameter of this name.
    pub fn get(self, name: &'a str) -> Option<Parameter<'a>> {
        self.named(name).next()
    }
}

/// One `Parameters.parameter` (or one of its `part`s).
#[derive(Debug, Clone, Copy)]
pub struct Parameter<'a>(pub &'a Value);

impl<'a> Parameter<'a> {
    pub fn json(self) -> &'a Value {
        self.0
    }

    pub fn name(self) -> Option<&'a str> {
        str_at(self.0, "name")
    }

    /// Its `value[x]`, whatever the type: (type suffix, value), e.g.
    /// ("Boolean", true) for `valueBoolean`.
    pub fn value(self) -> Option<(&'a str, &'a Value)> {
        self.0.as_object()?.iter().find_map(|(k, v)| Some((k.strip_prefix("value")?, v)))
    }

    pub fn resource(self) -> Option<Resource<'a>> {
        self.0.get("resource").map(Resource)
    }

    pub fn parts(self) -> impl Iterator<Item = Parameter<'a>> {
        array_at(self.0, "part").map(Parameter)
    }

    /// The first part of this name.
    pub fn part(self, name: &str) -> Option<Parameter<'a>> {
        self.parts().find(|p| p.name() == Some(name))
    }
}

/// An `OperationOutcome`: why a request was refused.
#[derive(Debug, Clone, Copy)]
pub struct OperationOutcome<'a>(pub &'a Value);

impl<'a> OperationOutcome<'a> {
    pub fn issues(self) -> impl Iterator<Item = Issue<'a>> {
        array_at(self.0, "issue").map(Issue)
    }

    /// The first issue's first Spine code: what a refusal is known by.
    pub fn first_code(self) -> Option<&'a str> {
        self.issues().next()?.details()?.codings().next()?.code()
    }

    /// The first issue's diagnostics.
    pub fn first_diagnostics(self) -> Option<&'a str> {
        self.issues().next()?.diagnostics()
    }

    /// Every `issue.details.coding.code`, in order: where GP Connect puts
    /// the Spine error code.
    pub fn spine_codes(self) -> Vec<&'a str> {
        self.issues().filter_map(Issue::details).flat_map(CodeableConcept::codings).filter_map(Coding::code).collect()
    }
}

/// One `OperationOutcome.issue`.
#[derive(Debug, Clone, Copy)]
pub struct Issue<'a>(pub &'a Value);

impl<'a> Issue<'a> {
    pub fn severity(self) -> Option<&'a str> {
        str_at(self.0, "severity")
    }

    /// The FHIR issue type (`code`): invalid, not-found, forbidden...
    pub fn code(self) -> Option<&'a str> {
        str_at(self.0, "code")
    }

    pub fn details(self) -> Option<CodeableConcept<'a>> {
        self.0.get("details").map(CodeableConcept)
    }

    pub fn diagnostics(self) -> Option<&'a str> {
        str_at(self.0, "diagnostics")
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_bundle_reads_its_entries_and_resources() {
        let b = json!({ "resourceType": "Bundle", "type": "searchset", "total": 2, "entry": [
            { "fullUrl": "http://x/Patient/1", "resource": { "resourceType": "Patient", "id": "1",
              "identifier": [{ "system": "s", "value": "9" }, { "system": "t", "value": "8" }] },
              "search": { "mode": "match" } },
            { "resource": { "resourceType": "Organization", "id": "o" } },
            "not an entry"
        ]});
        let b = Bundle(&b);
        assert_eq!((b.kind(), b.total()), (Some("searchset"), Some(2)));
        assert_eq!(b.entries().count(), 3);
        let patients: Vec<_> = b.resources_of("Patient").collect();
        assert_eq!(patients.len(), 1);
        assert_eq!(patients[0].identifier_values("s"), vec!["9"]);
        assert_eq!(b.entries().next().and_then(Entry::search_mode), Some("match"));
    }

    #[test]
    fn parameters_read_values_parts_and_resources() {
        let p = json!({ "resourceType": "Parameters", "parameter": [
            { "name": "includeAllergies", "part": [{ "name": "includeResolvedAllergies", "valueBoolean": true }] },
            { "name": "patientNHSNumber", "valueIdentifier": { "system": "s", "value": "1" } },
            { "name": "registerPatient", "resource": { "resourceType": "Patient" } }
        ]});
        let p = Parameters(&p);
        let part = p.get("includeAllergies").and_then(|a| a.part("includeResolvedAllergies"));
        assert_eq!(part.and_then(Parameter::value).map(|(t, v)| (t, v.clone())), Some(("Boolean", json!(true))));
        assert_eq!(p.get("patientNHSNumber").and_then(Parameter::value).map(|(t, _)| t), Some("Identifier"));
        assert!(p.get("registerPatient").and_then(Parameter::resource).is_some_and(|r| r.is("Patient")));
        assert!(p.get("absent").is_none());
    }

    #[test]
    fn an_outcome_gives_its_spine_codes_and_a_malformed_one_gives_none() {
        let o = json!({ "resourceType": "OperationOutcome", "issue": [{ "severity": "error", "code": "invalid",
            "details": { "coding": [{ "system": "sys", "code": "INVALID_NHS_NUMBER" }] } }] });
        assert_eq!(OperationOutcome(&o).spine_codes(), vec!["INVALID_NHS_NUMBER"]);
        assert_eq!(OperationOutcome(&o).issues().next().and_then(Issue::code), Some("invalid"));
        assert!(OperationOutcome(&json!({ "issue": "nope" })).spine_codes().is_empty());
        assert_eq!(OperationOutcome(&o).first_code(), Some("INVALID_NHS_NUMBER"));
        assert_eq!(
            OperationOutcome(&json!({ "issue": [{}, { "details": { "coding": [{ "code": "X" }] } }] })).first_code(),
            None
        );
    }

    #[test]
    fn references_name_ids_of_a_type() {
        let r = json!({ "reference": "Patient/42" });
        assert_eq!(Reference(&r).id_of("Patient"), Some("42"));
        assert_eq!(Reference(&r).id_of("Practitioner"), None);
    }
}
