//! FHIR STU3's element definitions as far as XML needs them: each type's
//! elements in their defined order, which repeat, and what each holds.
//!
//! FHIR XML cannot be read or written without them: XML has no arrays (a
//! single `<given>` may be a list of one), no number or boolean types, and
//! its element order is fixed by the definitions. The table is generated
//! from the STU3 (3.0.2) definitions by `.ci/stu3_elements.py`, which CI
//! re-runs to prove it unchanged.

use std::collections::HashMap;
use std::sync::OnceLock;

const TABLE: &str = include_str!("../../../schemas/fhir/stu3-elements.tsv");

/// What an element holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Boolean,
    Integer,
    Decimal,
    /// Every other primitive (string, code, uri, dateTime, ...).
    String,
    /// Narrative's `div`: XHTML, carried in JSON as a string.
    Xhtml,
    /// A whole resource (`contained`, `Bundle.entry.resource`, ...).
    Resource,
    /// A complex type or backbone element, by its table name.
    Complex(&'static str),
}

impl Kind {
    pub fn is_primitive(self) -> bool {
        matches!(self, Kind::Boolean | Kind::Integer | Kind::Decimal | Kind::String)
    }
}

#[derive(Debug)]
pub struct Element {
    pub name: &'static str,
    pub kind: Kind,
    pub repeats: bool,
}

#[derive(Debug)]
pub struct TypeDef {
    pub name: &'static str,
    pub is_resource: bool,
    pub elements: Vec<Element>,
}

impl TypeDef {
    /// The element called `name` and its place in the defined order.
    pub fn element(&self, name: &str) -> Option<(usize, &Element)> {
        self.elements.iter().enumerate().find(|(_, e)| e.name == name)
    }
}

/// The type called `name` (a resource, data type or backbone element).
pub fn lookup(name: &str) -> Option<&'static TypeDef> {
    types().get(name)
}

fn types() -> &'static HashMap<&'static str, TypeDef> {
    static TYPES: OnceLock<HashMap<&'static str, TypeDef>> = OnceLock::new();
    TYPES.get_or_init(|| TABLE.lines().filter_map(parse_line).map(|t| (t.name, t)).collect())
}

fn parse_line(line: &'static str) -> Option<TypeDef> {
    let mut cells = line.split('\t');
    let head = cells.next().filter(|h| !h.is_empty())?;
    let (name, is_resource) = match head.strip_suffix('!') {
        Some(n) => (n, true),
        None => (head, false),
    };
    let elements = cells
        .filter_map(|cell| {
            let (name, kind) = cell.split_once(':')?;
            let (kind, repeats) = match kind.strip_suffix('*') {
                Some(k) => (k, true),
                None => (kind, false),
            };
            let kind = match kind {
                "boolean" => Kind::Boolean,
                "integer" => Kind::Integer,
                "decimal" => Kind::Decimal,
                "string" => Kind::String,
                "xhtml" => Kind::Xhtml,
                "Resource" => Kind::Resource,
                other => Kind::Complex(other),
            };
            Some(Element { name, kind, repeats })
        })
        .collect();
    Some(TypeDef { name, is_resource, elements })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_knows_resources_types_and_backbones() {
        let patient = lookup("Patient").expect("Patient");
        assert!(patient.is_resource);
        let (at, name) = patient.element("name").expect("Patient.name");
        assert!(name.repeats && name.kind == Kind::Complex("HumanName"));
        assert!(patient.element("identifier").expect("identifier").0 < at, "definition order kept");
        assert_eq!(lookup("HumanName").and_then(|t| t.element("given")).map(|(_, e)| e.repeats), Some(true));
        assert_eq!(
            lookup("BundleEntry").and_then(|t| t.element("resource")).map(|(_, e)| e.kind),
            Some(Kind::Resource)
        );
        assert_eq!(lookup("Narrative").and_then(|t| t.element("div")).map(|(_, e)| e.kind), Some(Kind::Xhtml));
        assert_eq!(lookup("Bundle").and_then(|t| t.element("total")).map(|(_, e)| e.kind), Some(Kind::Integer));
        assert!(!lookup("HumanName").expect("HumanName").is_resource);
        // Every complex kind the table names is itself in the table.
        for t in types().values() {
            for e in &t.elements {
                if let Kind::Complex(n) = e.kind {
                    assert!(lookup(n).is_some(), "{}.{} names {n}, which the table lacks", t.name, e.name);
                }
            }
        }
    }
}
