//! Searching clinical entries (REC): building searches, following next
//! links (only within the service root), and judging the results — which
//! entries are in them, whether every result meets the filter, and paging.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::client::RequestSpec;
use crate::entries::Shape;
use crate::fhir::Views as _;
use crate::fhir::gpc::{EntryType, Interaction};
use crate::steps::common::keys::logical_id;
use crate::steps::rec::entries::entry_type;
use crate::steps::world::{Failure, RfaWorld, StepResult};
use crate::steps::{Args, StepDef, step};

/// A candidate that keeps answering next links is stopped here.
const MAX_PAGES: usize = 50;

pub fn steps() -> Vec<StepDef> {
    vec![
        step!(Given r#"^an? (Condition|Observation|AllergyIntolerance|Encounter) search for "([^"]+)"(?: with "([^"]*)")?$"# => search_for, "Begins `GET [base]/[type]?patient=Patient/[id]` for a fixture patient, plus these parameters (`a=1&b=2`, percent-encoded when sent); `{identifier:LABEL}` becomes a recorded entry's `system|value`, `{id:LABEL}` its logical id."),
        step!(Given r#"^an? (Condition|Observation|AllergyIntolerance|Encounter) search with the query "([^"]*)"$"# => search_raw, "Begins a search with this query string sent verbatim (no patient added)."),
        step!(When r#"^the search is sent, following next links$"# => send_following, "Sends the search, then every `next` link of the Bundle (each must stay under the service root; at most 50 pages), keeping each page as evidence."),
        step!(Then r#"^the search results include (.+)$"# => includes, "Across all pages, the matches include these recorded entries (`\"a\", \"b\" and \"c\"`)."),
        step!(Then r#"^the search results do not include (.+)$"# => excludes, "Across all pages, none of the matches is one of these recorded entries."),
        step!(Then r#"^every search result has the code (\d+)$"# => all_coded, "Every match has a coding with this SNOMED CT code."),
        step!(Then r#"^every search result has the status "([^"]+)"$"# => all_status, "Every match has this status (clinical status for Condition and AllergyIntolerance)."),
        step!(Then r#"^every page of the search has at most (\d+) entries and no entry appears twice$"# => paging, "Each page holds at most this many matches, no entry is on two pages, and together they hold more than one page would (so paging shows)."),
        step!(Then r#"^the search includes the author of "([^"]+)"$"# => includes_author, "The Bundle includes (search mode include) the Practitioner the recorded entry names as author."),
    ]
}

/// Fills `{identifier:LABEL}` and `{id:LABEL}` in a query.
fn expand(w: &RfaWorld, text: &str) -> Result<String, Failure> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end = rest[start..]
            .find('}')
            .map(|e| start + e)
            .ok_or_else(|| Failure::Harness(format!("unclosed `{{` in `{text}`")))?;
        let inner = &rest[start + 1..end];
        let (kind, label) = inner.split_once(':').unwrap_or((inner, ""));
        let r = w
            .rec
            .recorded
            .get(label)
            .ok_or_else(|| Failure::Harness(format!("`{{{inner}}}`: no entry \"{label}\" was recorded")))?;
        match kind {
            "identifier" => {
                let (system, value) = crate::entries::identifiers(&r.original).into_iter().next().unwrap_or_default();
                out.push_str(&format!("{system}|{value}"));
            }
            "id" => out.push_str(&r.id),
            _ => {
                return Err(Failure::Harness(format!(
                    "unknown placeholder `{{{inner}}}` (identifier:LABEL or id:LABEL)"
                )));
            }
        }
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

async fn search_for(w: &mut RfaWorld, a: &Args) -> StepResult {
    let ty = entry_type(a.get(1));
    let patient = logical_id(w, a.get(2)).await?;
    let mut spec = RequestSpec::new(Interaction::SearchEntries(ty), ty.name());
    spec.query.push(("patient".into(), format!("Patient/{patient}")));
    let extra = expand(w, a.get(3))?;
    for pair in extra.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        spec.query.push((k.to_string(), v.to_string()));
    }
    w.request = Some(spec);
    w.rec.pages.clear();
    Ok(())
}

async fn search_raw(w: &mut RfaWorld, a: &Args) -> StepResult {
    let ty = entry_type(a.get(1));
    let mut spec = RequestSpec::new(Interaction::SearchEntries(ty), ty.name());
    spec.raw_query = Some(expand(w, a.get(2))?);
    w.request = Some(spec);
    w.rec.pages.clear();
    Ok(())
}

fn next_link(page: &Value) -> Option<String> {
    page.get("link")?
        .as_array()?
        .iter()
        .find(|l| l.get("relation").and_then(Value::as_str) == Some("next"))?
        .get("url")?
        .as_str()
        .map(str::to_string)
}

async fn send_following(w: &mut RfaWorld, _: &Args) -> StepResult {
    let mut spec = w.request.clone().ok_or_else(|| Failure::Harness("begin a search before sending it".into()))?;
    let root = w.ctx()?.client.config().base_url.as_str().trim_end_matches('/').to_string();
    w.rec.pages.clear();
    for n in 1..=MAX_PAGES {
        let resp = w.send(&spec).await?;
        let status = resp.status;
        let page = resp.json().ok();
        w.response = Some(resp);
        if status != 200 {
            return w.fail(format!("page {n} of the search answered HTTP {status}"));
        }
        let Some(page) = page else {
            return w.fail(format!("page {n} of the search is not JSON"));
        };
        let next = next_link(&page);
        w.rec.pages.push(page);
        let Some(next) = next else { return Ok(()) };
        // Only ever follow a link back to the candidate's own service root.
        let Some(tail) = next.strip_prefix(&root).filter(|t| t.starts_with('/')) else {
            return w.fail(format!("page {n}'s next link `{next}` is not under the service root {root}"));
        };
        let (path, query) = tail.split_once('?').unwrap_or((tail, ""));
        spec.path = path.trim_start_matches('/').to_string();
        spec.query.clear();
        spec.raw_query = Some(query.to_string());
    }
    w.fail(format!("the search still had a next link after {MAX_PAGES} pages"))
}

fn pages(w: &RfaWorld) -> Result<Vec<Value>, Failure> {
    if !w.rec.pages.is_empty() {
        return Ok(w.rec.pages.clone());
    }
    match w.response()?.json() {
        Ok(b) if w.response()?.status == 200 => Ok(vec![b]),
        Ok(_) => w.fail(format!("the search answered HTTP {}", w.response()?.status)),
        Err(e) => w.fail(e),
    }
}

fn entries_of(page: &Value, mode: &str) -> Vec<Value> {
    crate::steps::common::bundle::entries(page)
        .into_iter()
        .filter(|e| e.pointer("/search/mode").and_then(Value::as_str).unwrap_or("match") == mode)
        .filter_map(|e| e.get("resource").cloned())
        .collect()
}

/// Every match across the pages.
fn matches(w: &RfaWorld) -> Result<Vec<Value>, Failure> {
    Ok(pages(w)?.iter().flat_map(|p| entries_of(p, "match")).collect())
}

fn labels(text: &str) -> Vec<String> {
    text.split('"').skip(1).step_by(2).map(str::to_string).collect()
}

fn ids_of(w: &RfaWorld, text: &str) -> Result<Vec<(String, String)>, Failure> {
    labels(text)
        .into_iter()
        .map(|l| match w.rec.recorded.get(&l) {
            Some(r) => Ok((l, r.id.clone())),
            None => Err(Failure::Harness(format!("no entry \"{l}\" was recorded in this scenario"))),
        })
        .collect()
}

fn found_ids(w: &RfaWorld) -> Result<BTreeSet<String>, Failure> {
    Ok(matches(w)?.iter().filter_map(|r| r.as_resource().id().map(str::to_string)).collect())
}

async fn includes(w: &mut RfaWorld, a: &Args) -> StepResult {
    let found = found_ids(w)?;
    let missing: Vec<String> = ids_of(w, a.get(1))?
        .into_iter()
        .filter(|(_, id)| !found.contains(id))
        .map(|(l, id)| format!("\"{l}\" ({id})"))
        .collect();
    if !missing.is_empty() {
        return w.fail(format!(
            "the search results should include {}; they hold {} entries without it",
            missing.join(", "),
            found.len()
        ));
    }
    Ok(())
}

async fn excludes(w: &mut RfaWorld, a: &Args) -> StepResult {
    let found = found_ids(w)?;
    let present: Vec<String> = ids_of(w, a.get(1))?
        .into_iter()
        .filter(|(_, id)| found.contains(id))
        .map(|(l, id)| format!("\"{l}\" ({id})"))
        .collect();
    if !present.is_empty() {
        return w.fail(format!("the search results should not include {}", present.join(", ")));
    }
    Ok(())
}

fn each(w: &RfaWorld, what: &str, ok: impl Fn(EntryType, &Value) -> bool) -> StepResult {
    let all = matches(w)?;
    if all.is_empty() {
        return w.fail(format!("the search returned no entries, so none can be checked for {what}"));
    }
    for r in &all {
        let ty = EntryType::from_name(r.as_resource().resource_type().unwrap_or_default());
        if !ty.is_some_and(|t| ok(t, r)) {
            let id = r.as_resource().id().unwrap_or("(no id)");
            return w.fail(format!("the result {id} does not have {what}"));
        }
    }
    Ok(())
}

async fn all_coded(w: &mut RfaWorld, a: &Args) -> StepResult {
    let code = a.get(1);
    each(w, &format!("the code {code}"), |t, r| {
        r.pointer(Shape::of(t).code)
            .and_then(|c| c.get("coding"))
            .and_then(Value::as_array)
            .is_some_and(|cs| cs.iter().any(|c| c.get("code").and_then(Value::as_str) == Some(code)))
    })
}

async fn all_status(w: &mut RfaWorld, a: &Args) -> StepResult {
    let status = a.get(1);
    each(w, &format!("the status {status}"), |t, r| {
        r.pointer(Shape::of(t).status).and_then(Value::as_str) == Some(status)
    })
}

async fn paging(w: &mut RfaWorld, a: &Args) -> StepResult {
    let max: usize = a.get(1).parse().unwrap_or_default();
    let mut seen = BTreeSet::new();
    for (i, page) in pages(w)?.iter().enumerate() {
        let on_page = entries_of(page, "match");
        if on_page.len() > max {
            return w.fail(format!("page {} holds {} entries; _count asked for at most {max}", i + 1, on_page.len()));
        }
        for r in on_page {
            let id = r.as_resource().id().unwrap_or_default().to_string();
            if !seen.insert(id.clone()) {
                return w.fail(format!("the entry {id} appears again on page {}", i + 1));
            }
        }
    }
    // The scenarios record more matches than a page holds: fewer found
    // means paging was never shown (an empty answer has no pages to judge).
    if seen.len() <= max {
        return w.fail(format!(
            "the search should find more entries than one page of {max} holds, so that paging shows; it found {}",
            seen.len()
        ));
    }
    Ok(())
}

async fn includes_author(w: &mut RfaWorld, a: &Args) -> StepResult {
    let r = w
        .rec
        .recorded
        .get(a.get(1))
        .cloned()
        .ok_or_else(|| Failure::Harness(format!("no entry \"{}\" was recorded", a.get(1))))?;
    let author = r.original.pointer(Shape::of(r.ty).author).and_then(Value::as_str).unwrap_or_default().to_string();
    let pid = author.trim_start_matches("Practitioner/");
    let included: Vec<Value> = pages(w)?.iter().flat_map(|p| entries_of(p, "include")).collect();
    let found = included
        .iter()
        .any(|p| p.as_resource().resource_type() == Some("Practitioner") && p.as_resource().id() == Some(pid));
    if !found {
        return w.fail(format!(
            "the Bundle should include (search mode include) the author {author}; it includes {} resources",
            included.len()
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_lists() {
        assert_eq!(labels(r#""a", "b c" and "d""#), vec!["a", "b c", "d"]);
        assert!(labels("none").is_empty());
    }
}
