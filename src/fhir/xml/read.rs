//! FHIR XML into FHIR JSON's shape (`serde_json::Value`), so every check
//! written against JSON judges an XML answer the same way.
//!
//! Strict as a FHIR XML parser is: the root and every FHIR element must be
//! in the FHIR namespace, elements must be ones the type defines and come
//! in the defined order, a non-repeating element may appear once, and
//! primitives carry their value in a `value` attribute. `roxmltree` refuses
//! DTDs, so a hostile body cannot expand entities.

use std::cell::Cell;

use roxmltree::{Document, Node, ParsingOptions};
use serde_json::{Map, Value};

use super::table::{self, Kind, TypeDef};
use super::{FHIR_NS, XHTML_NS, XmlError};

/// How deep elements may nest. GP Connect's deepest resources nest a dozen
/// levels; the reader recurses, so a hostile body nested a million deep is
/// refused here rather than overflowing the stack.
pub const MAX_DEPTH: usize = 128;

/// The FHIR JSON form of a FHIR XML resource.
pub fn to_json(xml: &[u8]) -> Result<Value, XmlError> {
    let text = std::str::from_utf8(xml).map_err(|e| XmlError::new("/", format!("the body is not UTF-8 ({e})")))?;
    let options = ParsingOptions { allow_dtd: false, ..ParsingOptions::default() };
    let doc = Document::parse_with_options(text, options)
        .map_err(|e| XmlError::new("/", format!("the body is not well-formed XML ({e})")))?;
    let root = doc.root_element();
    Reader { text, depth: Cell::new(0) }.resource(root, "")
}

struct Reader<'t> {
    text: &'t str,
    depth: Cell<usize>,
}

impl Reader<'_> {
    fn resource(&self, node: Node, at: &str) -> Result<Value, XmlError> {
        let name = node.tag_name().name();
        let at = format!("{at}/{name}");
        self.fhir_element(node, &at)?;
        let def = table::lookup(name)
            .filter(|t| t.is_resource)
            .ok_or_else(|| XmlError::new(&at, format!("`{name}` is not an STU3 resource type")))?;
        no_attributes(node, &at, &[])?;
        let mut out = Map::new();
        out.insert("resourceType".into(), Value::String(name.into()));
        self.children(node, def, &at, &mut out)?;
        Ok(Value::Object(out))
    }

    fn fhir_element(&self, node: Node, at: &str) -> Result<(), XmlError> {
        match node.tag_name().namespace() {
            Some(FHIR_NS) => Ok(()),
            Some(other) => Err(XmlError::new(at, format!("in the namespace {other}, not {FHIR_NS}"))),
            None => Err(XmlError::new(at, format!("not in the FHIR namespace ({FHIR_NS})"))),
        }
    }

    /// The child elements of `node`, as the members of a JSON object of
    /// type `def`.
    fn children(&self, node: Node, def: &TypeDef, at: &str, out: &mut Map<String, Value>) -> Result<(), XmlError> {
        let depth = self.depth.get() + 1;
        if depth > MAX_DEPTH {
            return Err(XmlError::new(at, format!("elements nested deeper than {MAX_DEPTH}")));
        }
        self.depth.set(depth);
        let done = self.each_child(node, def, at, out);
        self.depth.set(depth - 1);
        done
    }

    fn each_child(&self, node: Node, def: &TypeDef, at: &str, out: &mut Map<String, Value>) -> Result<(), XmlError> {
        let mut last: Option<(usize, &str)> = None;
        for child in node.children() {
            if child.is_text() {
                if child.text().is_some_and(|t| !t.trim().is_empty()) {
                    return Err(XmlError::new(at, "text where only elements may be"));
                }
                continue;
            }
            if !child.is_element() {
                continue;
            }
            let name = child.tag_name().name();
            let here = format!("{at}/{name}");
            // A nested resource's type is its element name; `id` and `url`
            // are attributes on data types, elements only on resources.
            let Some((index, element)) = def.element(name).filter(|(_, e)| def.is_resource || e.name != "id") else {
                return Err(XmlError::new(&here, format!("{} has no element `{name}`", def.name)));
            };
            if def.name == "Extension" && name == "url" {
                return Err(XmlError::new(&here, "Extension.url is an attribute in FHIR XML"));
            }
            if element.kind != Kind::Xhtml {
                self.fhir_element(child, &here)?;
            }
            match last {
                Some((prev, prev_name)) if index < prev => {
                    return Err(XmlError::new(
                        &here,
                        format!("`{name}` comes after `{prev_name}` but {} defines it before", def.name),
                    ));
                }
                Some((prev, _)) if index == prev && !element.repeats => {
                    return Err(XmlError::new(&here, format!("{}.{name} does not repeat", def.name)));
                }
                _ => {}
            }
            last = Some((index, element.name));
            self.member(child, element.kind, element.repeats, name, &here, out)?;
        }
        Ok(())
    }

    fn member(
        &self,
        node: Node,
        kind: Kind,
        repeats: bool,
        name: &str,
        at: &str,
        out: &mut Map<String, Value>,
    ) -> Result<(), XmlError> {
        if kind.is_primitive() {
            let (value, extra) = self.primitive(node, kind, at)?;
            if repeats {
                let count = out.get(name).and_then(Value::as_array).map_or(0, Vec::len);
                push(out, name, value);
                let side = format!("_{name}");
                if extra.is_some() || out.contains_key(&side) {
                    let list = out.entry(side).or_insert_with(|| Value::Array(Vec::new()));
                    if let Value::Array(items) = list {
                        items.resize(count, Value::Null);
                        items.push(extra.unwrap_or(Value::Null));
                    }
                }
            } else {
                if value != Value::Null {
                    out.insert(name.into(), value);
                }
                if let Some(extra) = extra {
                    out.insert(format!("_{name}"), extra);
                }
            }
            return Ok(());
        }
        let value = match kind {
            Kind::Xhtml => self.xhtml(node, at)?,
            Kind::Resource => {
                no_attributes(node, at, &[])?;
                let mut inner = node.children().filter(|c| c.is_element());
                let (Some(resource), None) = (inner.next(), inner.next()) else {
                    return Err(XmlError::new(at, "must hold exactly one resource"));
                };
                if node.children().any(|c| c.is_text() && c.text().is_some_and(|t| !t.trim().is_empty())) {
                    return Err(XmlError::new(at, "text where only a resource may be"));
                }
                self.resource(resource, at)?
            }
            Kind::Complex(type_name) => {
                let def = table::lookup(type_name)
                    .ok_or_else(|| XmlError::new(at, format!("the element table lacks {type_name}")))?;
                let mut obj = Map::new();
                let allowed: &[&str] = if type_name == "Extension" { &["id", "url"] } else { &["id"] };
                no_attributes(node, at, allowed)?;
                if let Some(id) = node.attribute("id") {
                    obj.insert("id".into(), Value::String(id.into()));
                }
                if type_name == "Extension" {
                    let url = node.attribute("url").ok_or_else(|| XmlError::new(at, "an extension without `url`"))?;
                    obj.insert("url".into(), Value::String(url.into()));
                }
                self.children(node, def, at, &mut obj)?;
                if obj.is_empty() {
                    return Err(XmlError::new(at, "an empty element (FHIR XML omits it)"));
                }
                Value::Object(obj)
            }
            _ => unreachable!("primitives are handled above"),
        };
        if repeats {
            push(out, name, value)
        } else {
            out.insert(name.into(), value);
        }
        Ok(())
    }

    /// A primitive's value and, when it has any, its `id` and extensions
    /// (the `_name` object of FHIR JSON).
    fn primitive(&self, node: Node, kind: Kind, at: &str) -> Result<(Value, Option<Value>), XmlError> {
        no_attributes(node, at, &["value", "id"])?;
        let value = match node.attribute("value") {
            None => Value::Null,
            Some("") => return Err(XmlError::new(at, "an empty `value` (FHIR XML omits the attribute)")),
            Some(v) => typed(v, kind).ok_or_else(|| XmlError::new(at, format!("`{v}` is not a valid {kind:?}")))?,
        };
        let mut extra = Map::new();
        if let Some(id) = node.attribute("id") {
            extra.insert("id".into(), Value::String(id.into()));
        }
        let element = table::lookup("Element").ok_or_else(|| XmlError::new(at, "the element table lacks Element"))?;
        // A primitive's children are its extensions only; `id` is an attribute.
        let mut ext = Map::new();
        self.children(node, element, at, &mut ext)?;
        extra.extend(ext);
        if value == Value::Null && extra.is_empty() {
            return Err(XmlError::new(at, "a primitive with neither a value nor extensions"));
        }
        Ok((value, if extra.is_empty() { None } else { Some(Value::Object(extra)) }))
    }

    /// Narrative's `div`: the element as written, which must be XHTML.
    fn xhtml(&self, node: Node, at: &str) -> Result<Value, XmlError> {
        if node.tag_name().namespace() != Some(XHTML_NS) || node.tag_name().name() != "div" {
            return Err(XmlError::new(
                at,
                format!("the narrative must be a `div` in the XHTML namespace ({XHTML_NS})"),
            ));
        }
        let raw = self.text.get(node.range()).unwrap_or_default();
        // FHIR JSON's div declares its namespace itself; one inherited from
        // an ancestor is written out so the string stands alone.
        let declared =
            node.namespaces().any(|ns| ns.name().is_none() && ns.uri() == XHTML_NS) && raw.contains("xmlns=");
        let value =
            if declared { raw.to_string() } else { raw.replacen("<div", &format!("<div xmlns=\"{XHTML_NS}\""), 1) };
        Ok(Value::String(value))
    }
}

fn push(out: &mut Map<String, Value>, name: &str, value: Value) {
    if let Value::Array(items) = out.entry(name.to_string()).or_insert_with(|| Value::Array(Vec::new())) {
        items.push(value);
    }
}

fn no_attributes(node: Node, at: &str, allowed: &[&str]) -> Result<(), XmlError> {
    for a in node.attributes() {
        if a.namespace().is_some() || !allowed.contains(&a.name()) {
            return Err(XmlError::new(at, format!("an attribute `{}` FHIR XML does not define here", a.name())));
        }
    }
    Ok(())
}

/// A primitive's XML text as FHIR JSON types it.
fn typed(v: &str, kind: Kind) -> Option<Value> {
    match kind {
        Kind::Boolean => match v {
            "true" => Some(Value::Bool(true)),
            "false" => Some(Value::Bool(false)),
            _ => None,
        },
        Kind::Integer => v.parse::<i64>().ok().map(Value::from),
        Kind::Decimal => {
            let ok = !v.is_empty() && v.trim() == v && v.parse::<f64>().is_ok_and(f64::is_finite);
            ok.then(|| serde_json::from_str::<serde_json::Number>(v).ok()).flatten().map(Value::Number)
        }
        _ => Some(Value::String(v.to_string())),
    }
}
