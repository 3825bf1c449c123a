//! The published register: `accredited.json` for tools and one
//! self-contained `index.html` for people (no network resources), plus
//! everything needed to check an entry offline — the admitted dossiers, the
//! log, its checkpoints and the keys.

use std::path::Path;

use serde::Serialize;
use time::OffsetDateTime;

use super::{Checkpoint, Listing, Register, RegisterError, Status};
use crate::dossier::verify;

pub const FORMAT: &str = "rfa-accredited/1";

#[derive(Debug, Serialize)]
pub struct Published<'a> {
    pub format: &'static str,
    pub origin: &'a str,
    /// When the status column was computed.
    pub as_of: String,
    pub checkpoint: Option<&'a Checkpoint>,
    pub entries: Vec<PublishedEntry>,
}

#[derive(Debug, Serialize)]
pub struct PublishedEntry {
    pub supplier: String,
    pub product: String,
    pub version: String,
    pub lots: Vec<String>,
    pub status: Status,
    pub admitted: String,
    pub run_finished: String,
    pub valid_until: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revoked: Option<RevokedInfo>,
    pub dossier_sha256: String,
    pub log_index: u64,
    pub renews: Vec<u64>,
    pub signed_by: String,
    pub signer_name: String,
    pub pack: String,
    pub must_passed: usize,
    pub must_total: usize,
    pub manual_attested: usize,
    pub requirements: Vec<RequirementLine>,
}

#[derive(Debug, Serialize)]
pub struct RevokedInfo {
    pub time: String,
    pub reason: String,
}

#[derive(Debug, Serialize)]
pub struct RequirementLine {
    pub id: String,
    pub title: String,
    pub area: String,
    pub level: String,
    pub outcome: String,
}

fn entry(reg: &Register, l: &Listing) -> PublishedEntry {
    let dossier = std::fs::read(reg.dir.join("dossiers").join(format!("{}.json", l.admission.dossier_sha256))).ok();
    let requirements = dossier
        .and_then(|b| verify::open(&b, &reg.policy.trusted()).ok())
        .map(|o| {
            o.statement
                .predicate
                .requirements
                .iter()
                .map(|r| RequirementLine {
                    id: r.head.id.clone(),
                    title: r.head.title.clone(),
                    area: r.head.area.clone(),
                    level: r.head.level.to_string(),
                    outcome: r.outcome.as_str().into(),
                })
                .collect()
        })
        .unwrap_or_default();
    let a = &l.admission;
    PublishedEntry {
        supplier: l.system.supplier.clone(),
        product: l.system.product.clone(),
        version: l.system.version.clone(),
        lots: a.lots.clone(),
        status: l.status,
        admitted: a.time.clone(),
        run_finished: a.run_finished.clone(),
        valid_until: a.valid_until.clone(),
        revoked: l.revocation.as_ref().map(|r| RevokedInfo { time: r.time.clone(), reason: r.reason.clone() }),
        dossier_sha256: a.dossier_sha256.clone(),
        log_index: l.index,
        renews: l.renewed.clone(),
        signed_by: a.signed_by.clone(),
        signer_name: a.signer_name.clone(),
        pack: format!("{} {} {}", a.pack.name, a.pack.version, a.pack.digest),
        must_passed: a.summary.must_passed,
        must_total: a.summary.must_total,
        manual_attested: a.summary.manual_attested,
        requirements,
    }
}

pub fn document(reg: &Register, at: OffsetDateTime) -> Published<'_> {
    Published {
        format: FORMAT,
        origin: &reg.policy.origin,
        as_of: at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
        checkpoint: reg.latest_checkpoint(),
        entries: reg.listings(at).iter().map(|l| entry(reg, l)).collect(),
    }
}

/// Writes the site into `out`.
pub fn publish(reg: &Register, out: &Path, at: OffsetDateTime) -> Result<usize, RegisterError> {
    let io = |p: &Path| {
        let shown = p.display().to_string();
        move |source| RegisterError::Io { path: shown, cause: source }
    };
    std::fs::create_dir_all(out.join("dossiers")).map_err(io(out))?;
    let doc = document(reg, at);
    let json = serde_json::to_string_pretty(&doc).map_err(|e| RegisterError::Usage(e.to_string()))?;
    crate::support::fs::write_atomic(&out.join("accredited.json"), json.as_bytes()).map_err(io(out))?;
    // Embedded in a <script> element: no `<` may survive, or `</script>` in a
    // supplier's name would end it.
    let embedded = json.replace('<', "\\u003c");
    let html = TEMPLATE.replace("/*DATA*/null", &embedded).replace("{{ORIGIN}}", &escape(&reg.policy.origin));
    crate::support::fs::write_atomic(&out.join("index.html"), html.as_bytes()).map_err(io(out))?;
    for name in [super::log::LOG_FILE, super::log::CHECKPOINTS_FILE] {
        std::fs::copy(reg.dir.join(name), out.join(name)).map_err(io(&reg.dir.join(name)))?;
    }
    if let Some(cp) = reg.latest_checkpoint() {
        let body = serde_json::to_vec_pretty(cp).map_err(|e| RegisterError::Usage(e.to_string()))?;
        std::fs::write(out.join("checkpoint.json"), body).map_err(io(out))?;
    }
    std::fs::write(out.join("register.pub"), &reg.policy.register_key).map_err(io(out))?;
    for (i, k) in reg.policy.assurance_keys.iter().enumerate() {
        std::fs::write(out.join(format!("assurance-{}.pub", i + 1)), &k.pem).map_err(io(out))?;
    }
    for e in &doc.entries {
        let from = reg.dir.join("dossiers").join(format!("{}.json", e.dossier_sha256));
        std::fs::copy(&from, out.join("dossiers").join(format!("{}.json", e.dossier_sha256))).map_err(io(&from))?;
    }
    Ok(doc.entries.len())
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The page. Data arrives as JSON in a script element and is put into the
/// DOM with textContent only, so nothing in an entry can become markup.
const TEMPLATE: &str = r##"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Accredited GP systems — {{ORIGIN}}</title>
<style>
  :root { --ink:#1d2733; --muted:#5b6775; --line:#d8dee4; --bg:#f6f8fa; --ok:#1a7f37; --warn:#9a6700; --bad:#cf222e; }
  * { box-sizing: border-box; }
  body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); margin: 0; background: #fff; }
  header { background: #005eb8; color: #fff; padding: 18px 24px; }
  header h1 { margin: 0; font-size: 22px; }
  header p { margin: 4px 0 0; opacity: .9; font-size: 13px; }
  main { padding: 16px 24px 40px; max-width: 1200px; }
  .controls { display: flex; gap: 12px; flex-wrap: wrap; align-items: center; margin-bottom: 12px; }
  input[type=search] { flex: 1 1 280px; padding: 8px 10px; border: 1px solid var(--line); border-radius: 6px; font-size: 15px; }
  select { padding: 7px 8px; border: 1px solid var(--line); border-radius: 6px; font-size: 14px; background: #fff; }
  table { width: 100%; border-collapse: collapse; }
  th, td { text-align: left; padding: 8px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
  th { background: var(--bg); font-size: 13px; color: var(--muted); font-weight: 600; }
  tbody tr { cursor: pointer; }
  tbody tr:hover, tbody tr.selected { background: #eef4fb; }
  .badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; color: #fff; }
  .badge.active { background: var(--ok); } .badge.expired { background: var(--warn); } .badge.revoked { background: var(--bad); }
  #count { color: var(--muted); font-size: 13px; }
  #detail { margin-top: 18px; border: 1px solid var(--line); border-radius: 8px; padding: 14px 18px; display: none; }
  #detail h2 { margin: 0 0 4px; font-size: 18px; }
  #detail dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 10px 0; font-size: 14px; }
  #detail dt { color: var(--muted); } #detail dd { margin: 0; word-break: break-all; }
  #detail pre { background: var(--bg); padding: 10px; border-radius: 6px; overflow-x: auto; font-size: 12px; }
  .outcome-passed { color: var(--ok); } .outcome-failed, .outcome-error { color: var(--bad); } .outcome-not-assessed, .outcome-skipped { color: var(--warn); }
  .empty { color: var(--muted); padding: 20px 10px; }
  footer { color: var(--muted); font-size: 12px; margin-top: 24px; }
</style>
</head>
<body>
<header>
  <h1>Accredited GP systems</h1>
  <p>Register <span id="origin"></span> · status as of <span id="asof"></span> · log size <span id="size"></span></p>
</header>
<main>
  <div class="controls">
    <input id="q" type="search" placeholder="Search supplier, product or version" aria-label="Search">
    <select id="status" aria-label="Status">
      <option value="">All statuses</option><option value="active">Active</option>
      <option value="expired">Expired</option><option value="revoked">Revoked</option>
    </select>
    <select id="lot" aria-label="Lot"><option value="">All lots</option></select>
    <span id="count"></span>
  </div>
  <table>
    <thead><tr><th>Supplier</th><th>Product</th><th>Version</th><th>Lots</th><th>Status</th><th>Accredited</th><th>Valid until</th><th>Log entry</th></tr></thead>
    <tbody id="rows"></tbody>
  </table>
  <section id="detail" aria-live="polite"></section>
  <footer>Every entry can be checked offline: the signed dossiers, the log, its signed checkpoints and the keys are published beside this page.</footer>
</main>
<script id="data" type="application/json">/*DATA*/null</script>
<script>
(function () {
  "use strict";
  var doc = JSON.parse(document.getElementById("data").textContent);
  var $ = function (id) { return document.getElementById(id); };
  function el(tag, text, cls) { var e = document.createElement(tag); if (text != null) e.textContent = text; if (cls) e.className = cls; return e; }
  function day(t) { return (t || "").slice(0, 10); }
  function when(t) { return (t || "").slice(0, 16).replace("T", " ") + " UTC"; }
  $("origin").textContent = doc.origin;
  $("asof").textContent = day(doc.as_of);
  $("size").textContent = doc.checkpoint ? doc.checkpoint.size : 0;
  var lots = {};
  doc.entries.forEach(function (e) { e.lots.forEach(function (l) { lots[l] = true; }); });
  Object.keys(lots).sort().forEach(function (l) { var o = el("option", l); o.value = l; $("lot").appendChild(o); });
  var params = new URLSearchParams(location.search);
  $("q").value = params.get("q") || "";
  $("status").value = params.get("status") || "";
  $("lot").value = params.get("lot") || "";

  function matches(e) {
    var q = $("q").value.trim().toLowerCase(), s = $("status").value, lot = $("lot").value;
    if (s && e.status !== s) return false;
    if (lot && e.lots.indexOf(lot) < 0) return false;
    if (!q) return true;
    return [e.supplier, e.product, e.version].join(" ").toLowerCase().indexOf(q) >= 0;
  }
  function render() {
    var body = $("rows"); body.textContent = "";
    var shown = doc.entries.filter(matches);
    shown.forEach(function (e) {
      var tr = el("tr"); tr.id = "entry-" + e.log_index; tr.dataset.status = e.status;
      tr.appendChild(el("td", e.supplier)); tr.appendChild(el("td", e.product)); tr.appendChild(el("td", e.version));
      tr.appendChild(el("td", e.lots.join(", ")));
      var st = el("td"); st.appendChild(el("span", e.status, "badge " + e.status)); tr.appendChild(st);
      tr.appendChild(el("td", day(e.run_finished))); tr.appendChild(el("td", day(e.valid_until)));
      tr.appendChild(el("td", String(e.log_index)));
      tr.addEventListener("click", function () { detail(e, tr); });
      body.appendChild(tr);
    });
    if (!shown.length) { var tr = el("tr"); var td = el("td", "No accredited system matches.", "empty"); td.colSpan = 8; tr.appendChild(td); body.appendChild(tr); }
    $("count").textContent = shown.length + " of " + doc.entries.length + " systems";
  }
  function detail(e, tr) {
    Array.prototype.forEach.call(document.querySelectorAll("tr.selected"), function (r) { r.classList.remove("selected"); });
    if (tr) tr.classList.add("selected");
    var d = $("detail"); d.textContent = ""; d.style.display = "block";
    var h = el("h2", e.supplier + " — " + e.product + " " + e.version); d.appendChild(h);
    d.appendChild(el("span", e.status, "badge " + e.status));
    var dl = el("dl");
    function row(k, v) { dl.appendChild(el("dt", k)); dl.appendChild(el("dd", v)); }
    row("Lots", e.lots.join(", "));
    row("Mandatory requirements", e.must_passed + " of " + e.must_total + " passed (" + e.manual_attested + " attested by an assessor)");
    row("Accredited run", when(e.run_finished));
    row("Valid until", when(e.valid_until));
    if (e.revoked) row("Revoked", day(e.revoked.time) + ": " + e.revoked.reason);
    row("Signed by", (e.signer_name || "") + " " + e.signed_by);
    row("Feature pack", e.pack);
    row("Dossier sha256", e.dossier_sha256);
    row("Log entry", String(e.log_index) + (e.renews.length ? " (renews " + e.renews.join(", ") + ")" : ""));
    d.appendChild(dl);
    var areas = {};
    e.requirements.forEach(function (r) { (areas[r.area] = areas[r.area] || []).push(r); });
    Object.keys(areas).sort().forEach(function (a) {
      d.appendChild(el("h3", a));
      var ul = el("ul");
      areas[a].forEach(function (r) {
        var li = el("li"); li.appendChild(el("span", r.outcome, "outcome-" + r.outcome)); li.appendChild(document.createTextNode(" " + r.id + " (" + r.level + ") " + r.title)); ul.appendChild(li);
      });
      d.appendChild(ul);
    });
    d.appendChild(el("h3", "Check it yourself, offline"));
    d.appendChild(el("pre",
      "rfa verify dossiers/" + e.dossier_sha256 + ".json --key assurance-1.pub\n" +
      "sha256sum dossiers/" + e.dossier_sha256 + ".json     # the log records this digest\n" +
      "rfa register --dir REGISTER prove " + e.log_index + "   # inclusion in the signed log (register.pub)"));
  }
  ["q", "status", "lot"].forEach(function (id) { $(id).addEventListener("input", render); });
  render();
  var m = /^#entry-(\d+)$/.exec(location.hash);
  if (m) { var e = doc.entries.filter(function (x) { return String(x.log_index) === m[1]; })[0]; if (e) detail(e, $("entry-" + m[1])); }
})();
</script>
</body>
</html>
"##;
