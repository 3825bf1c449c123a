//! Drafts: the resource or Parameters a scenario builds before sending,
//! edited by a dotted path (`participant.0.actor`, array indices as
//! numbers) the way the "the …'s \"path\" is VALUE" steps read.

use serde_json::Value;

use crate::entries::{dotted_pointer, remove_pruned, set_pointer};
use crate::steps::Failure;

/// A step's value argument: JSON, with strings quoted.
pub fn json_value(text: &str) -> Result<Value, Failure> {
    serde_json::from_str(text)
        .map_err(|e| Failure::Harness(format!("the value `{text}` is not JSON (quote strings): {e}")))
}

/// Sets `path` below the pointer `base` (\"\" for the draft itself).
pub fn set(draft: &mut Value, base: &str, path: &str, value: Value) {
    set_pointer(draft, &dotted_pointer(base, path), value);
}

/// Removes `path` below the pointer `base`, and what the removal left empty.
pub fn remove(draft: &mut Value, base: &str, path: &str) {
    remove_pruned(draft, &dotted_pointer(base, path), base);
}

/// Sets `path` to `value` (JSON text), or removes it when `value` is
/// `absent`; answers the draft's new text, for the request body.
pub fn edit_draft(draft: &mut Value, path: &str, value: &str) -> Result<Vec<u8>, Failure> {
    if value == "absent" {
        remove(draft, "", path);
    } else {
        set(draft, "", path, json_value(value)?);
    }
    Ok(draft.to_string().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotted_paths_edit_below_the_base() {
        let mut d = serde_json::json!({ "parameter": [{ "resource": { "name": "x" } }] });
        set(&mut d, "/parameter/0/resource", "code.coding.0.system", serde_json::json!("s"));
        assert_eq!(d.pointer("/parameter/0/resource/code/coding/0/system"), Some(&serde_json::json!("s")));
        remove(&mut d, "/parameter/0/resource", "name");
        assert!(d.pointer("/parameter/0/resource/name").is_none());
        // What the removal empties goes too, but never the base itself.
        let mut e = serde_json::json!({ "resourceType": "Encounter", "participant": [{ "individual": { "reference": "x" } }], "period": { "start": "t" } });
        remove(&mut e, "", "participant.0.individual");
        remove(&mut e, "", "period.start");
        assert_eq!(e, serde_json::json!({ "resourceType": "Encounter" }));
        let mut p = serde_json::json!({ "parameter": [{ "resource": { "name": "x" } }] });
        remove(&mut p, "/parameter/0/resource", "name");
        assert_eq!(p, serde_json::json!({ "parameter": [{ "resource": {} }] }));
    }

    #[test]
    fn a_value_that_is_not_json_is_the_pack_s_fault() {
        assert!(matches!(json_value("unquoted"), Err(Failure::Harness(m)) if m.contains("quote strings")));
        let mut d = serde_json::json!({ "a": 1 });
        assert_eq!(edit_draft(&mut d, "a", "absent").expect("edit"), b"{}".to_vec());
    }
}
