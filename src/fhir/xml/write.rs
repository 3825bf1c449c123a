//! FHIR JSON (`serde_json::Value`) written as FHIR XML: elements in the
//! order the definitions give, primitives as `value` attributes, `id` and
//! `url` as attributes on data types, nested resources wrapped in their
//! element, the narrative's XHTML as written.

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use serde_json::{Map, Value};

use super::table::{self, Kind, TypeDef};
use super::{FHIR_NS, XmlError};

/// How to write: as FHIR says, or with one of the slips the reference's
/// defects make.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Slips {
    /// No `xmlns` on the root: the elements fall out of the FHIR namespace.
    pub no_namespace: bool,
    /// Each type's elements in reverse order.
    pub reversed: bool,
}

/// The FHIR XML form of a FHIR JSON resource.
pub fn from_json(v: &Value) -> Result<Vec<u8>, XmlError> {
    from_json_with(v, Slips::default())
}

pub fn from_json_with(v: &Value, slips: Slips) -> Result<Vec<u8>, XmlError> {
    let mut w = Writer::new(Vec::new());
    let io = |e: std::io::Error| XmlError::new("/", e.to_string());
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None))).map_err(io)?;
    Out { w, slips }.resource(v, "").map(|out| out.w.into_inner())
}

struct Out {
    w: Writer<Vec<u8>>,
    slips: Slips,
}

impl Out {
    fn event(&mut self, e: Event) -> Result<(), XmlError> {
        self.w.write_event(e).map_err(|e| XmlError::new("/", e.to_string()))
    }

    fn resource(mut self, v: &Value, at: &str) -> Result<Self, XmlError> {
        let obj = v.as_object().ok_or_else(|| XmlError::new(at, "a resource must be a JSON object"))?;
        let name = obj
            .get("resourceType")
            .and_then(Value::as_str)
            .ok_or_else(|| XmlError::new(at, "a resource without `resourceType`"))?;
        let at = format!("{at}/{name}");
        let def = table::lookup(name)
            .filter(|t| t.is_resource)
            .ok_or_else(|| XmlError::new(&at, format!("`{name}` is not an STU3 resource type")))?;
        let mut start = BytesStart::new(name);
        if !self.slips.no_namespace {
            start.push_attribute(("xmlns", FHIR_NS));
        }
        self.event(Event::Start(start))?;
        let mut this = self.members(obj, def, &at, &["resourceType"])?;
        this.event(Event::End(BytesEnd::new(name)))?;
        Ok(this)
    }

    /// Writes the members of `obj` as the elements of `def`, in its order.
    fn members(mut self, obj: &Map<String, Value>, def: &TypeDef, at: &str, skip: &[&str]) -> Result<Self, XmlError> {
        for key in obj.keys() {
            let plain = key.strip_prefix('_').unwrap_or(key);
            if skip.contains(&key.as_str()) {
                continue;
            }
            if def.element(plain).is_none() {
                return Err(XmlError::new(&format!("{at}/{key}"), format!("{} has no element `{plain}`", def.name)));
            }
        }
        let order: Vec<_> =
            if self.slips.reversed { def.elements.iter().rev().collect() } else { def.elements.iter().collect() };
        for e in order {
            if skip.contains(&e.name) {
                continue;
            }
            let value = obj.get(e.name);
            let extra = obj.get(&format!("_{}", e.name));
            if value.is_none() && extra.is_none() {
                continue;
            }
            let here = format!("{at}/{}", e.name);
            match (value, e.repeats) {
                (Some(Value::Array(items)), true) => {
                    let extras = extra.and_then(Value::as_array);
                    for (i, item) in items.iter().enumerate() {
                        let x = extras.and_then(|x| x.get(i)).filter(|x| !x.is_null());
                        self = self.element(e.name, e.kind, Some(item).filter(|v| !v.is_null()), x, &here)?;
                    }
                }
                (None, true) => {
                    // Only extensions on a list of primitives whose values are all absent.
                    for x in extra.and_then(Value::as_array).into_iter().flatten() {
                        self = self.element(e.name, e.kind, None, Some(x).filter(|x| !x.is_null()), &here)?;
                    }
                }
                (Some(_), true) => return Err(XmlError::new(&here, "a repeating element must be a JSON array")),
                (v, false) => self = self.element(e.name, e.kind, v, extra, &here)?,
            }
        }
        Ok(self)
    }

    fn element(
        mut self,
        name: &str,
        kind: Kind,
        value: Option<&Value>,
        extra: Option<&Value>,
        at: &str,
    ) -> Result<Self, XmlError> {
        match kind {
            Kind::Xhtml => {
                let div =
                    value.and_then(Value::as_str).ok_or_else(|| XmlError::new(at, "the narrative must be a string"))?;
                // The div is XHTML already; written as it stands.
                self.event(Event::Text(BytesText::from_escaped(div)))?;
                Ok(self)
            }
            Kind::Resource => {
                let v = value.ok_or_else(|| XmlError::new(at, "a nested resource is missing"))?;
                self.event(Event::Start(BytesStart::new(name)))?;
                let mut this = self.resource(v, at)?;
                this.event(Event::End(BytesEnd::new(name)))?;
                Ok(this)
            }
            Kind::Complex(type_name) => {
                let obj = value.and_then(Value::as_object).ok_or_else(|| XmlError::new(at, "must be a JSON object"))?;
                let def = table::lookup(type_name)
                    .ok_or_else(|| XmlError::new(at, format!("the element table lacks {type_name}")))?;
                let mut start = BytesStart::new(name);
                let mut skip = vec!["id"];
                if let Some(id) = obj.get("id").and_then(Value::as_str) {
                    start.push_attribute(("id", id));
                }
                if type_name == "Extension" {
                    skip.push("url");
                    let url = obj
                        .get("url")
                        .and_then(Value::as_str)
                        .ok_or_else(|| XmlError::new(at, "an extension without `url`"))?;
                    start.push_attribute(("url", url));
                }
                self.event(Event::Start(start))?;
                let mut this = self.members(obj, def, at, &skip)?;
                this.event(Event::End(BytesEnd::new(name)))?;
                Ok(this)
            }
            primitive => {
                let mut start = BytesStart::new(name);
                let extra = extra
                    .map(|x| x.as_object().ok_or_else(|| XmlError::new(at, "`_` must be a JSON object")))
                    .transpose()?;
                if let Some(id) = extra.and_then(|x| x.get("id")).and_then(Value::as_str) {
                    start.push_attribute(("id", id));
                }
                if let Some(v) = value {
                    let text = match (primitive, v) {
                        (Kind::Boolean, Value::Bool(b)) => b.to_string(),
                        (Kind::Integer | Kind::Decimal, Value::Number(n)) => n.to_string(),
                        (Kind::String, Value::String(s)) => s.clone(),
                        _ => return Err(XmlError::new(at, format!("`{v}` is not a {primitive:?}"))),
                    };
                    start.push_attribute(("value", text.as_str()));
                }
                let extensions = extra.and_then(|x| x.get("extension"));
                match extensions {
                    None => self.event(Event::Empty(start))?,
                    Some(list) => {
                        self.event(Event::Start(start))?;
                        let element = table::lookup("Element")
                            .ok_or_else(|| XmlError::new(at, "the element table lacks Element"))?;
                        let only_ext: Map<String, Value> =
                            [("extension".to_string(), list.clone())].into_iter().collect();
                        self = self.members(&only_ext, element, at, &["id"])?;
                        self.event(Event::End(BytesEnd::new(name)))?;
                    }
                }
                Ok(self)
            }
        }
    }
}
