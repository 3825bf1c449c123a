//! `report.html`: one self-contained page (no network) for the people who
//! have to find out why a requirement failed — overview by lot and area,
//! filters, and a drill-down to each scenario's steps, failure and the
//! redacted exchanges behind it.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::catalogue::ScenarioKey;
use crate::evidence::Exchange;
use crate::model::ResultsDoc;

#[derive(Serialize)]
struct Data<'a> {
    results: &'a ResultsDoc<'a>,
    /// `file:line` → the scenario's exchanges.
    exchanges: BTreeMap<String, &'a [Exchange]>,
}

pub fn render(results: &ResultsDoc<'_>, evidence: &HashMap<ScenarioKey, Vec<Exchange>>) -> Vec<u8> {
    let data = Data { results, exchanges: evidence.iter().map(|(k, v)| (k.to_string(), v.as_slice())).collect() };
    // Inside a <script> element no `<` may survive (`</script>` in a body).
    let json = serde_json::to_string(&data).unwrap_or_else(|_| "null".into()).replace('<', "\\u003c");
    TEMPLATE.replace("/*DATA*/null", &json).into_bytes()
}

const TEMPLATE: &str = r##"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>rfa report</title>
<style>
  :root { --ink:#1d2733; --muted:#5b6775; --line:#d8dee4; --bg:#f6f8fa; --ok:#1a7f37; --warn:#9a6700; --bad:#cf222e; --err:#8250df; }
  * { box-sizing: border-box; }
  body { font: 14px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); margin: 0; }
  header { background: #24292f; color: #fff; padding: 14px 24px; }
  header h1 { margin: 0; font-size: 20px; } header p { margin: 2px 0 0; opacity: .85; font-size: 13px; }
  main { padding: 14px 24px 40px; max-width: 1300px; }
  .lots { display: flex; gap: 10px; flex-wrap: wrap; margin: 10px 0 16px; }
  .lot { border: 1px solid var(--line); border-radius: 8px; padding: 8px 14px; }
  .lot strong { font-size: 15px; }
  table { width: 100%; border-collapse: collapse; }
  th, td { text-align: left; padding: 6px 9px; border-bottom: 1px solid var(--line); vertical-align: top; }
  th { background: var(--bg); font-size: 12px; color: var(--muted); }
  .num { text-align: right; font-variant-numeric: tabular-nums; }
  .badge { display: inline-block; padding: 0 8px; border-radius: 10px; font-size: 12px; font-weight: 600; color: #fff; white-space: nowrap; }
  .passed { background: var(--ok); } .failed { background: var(--bad); } .error { background: var(--err); }
  .skipped, .not-assessed, .incomplete { background: var(--warn); }
  .controls { display: flex; gap: 12px; flex-wrap: wrap; align-items: center; margin: 18px 0 8px; }
  input[type=search] { flex: 1 1 240px; padding: 6px 9px; border: 1px solid var(--line); border-radius: 6px; }
  select { padding: 5px 7px; border: 1px solid var(--line); border-radius: 6px; background: #fff; }
  tr.req { cursor: pointer; } tr.req:hover { background: #eef4fb; }
  tr.detail > td { background: #fbfcfd; padding: 10px 16px 16px; }
  .scenario { border: 1px solid var(--line); border-radius: 6px; margin: 8px 0; padding: 8px 12px; background: #fff; }
  .scenario h4 { margin: 0 0 4px; font-size: 14px; }
  .where { color: var(--muted); font-size: 12px; }
  ol.steps { margin: 6px 0; padding-left: 22px; }
  .st-failed { color: var(--bad); font-weight: 600; } .st-skipped { color: var(--muted); }
  pre { background: var(--bg); border-radius: 6px; padding: 8px 10px; overflow-x: auto; font-size: 12px; margin: 6px 0; white-space: pre-wrap; word-break: break-word; }
  pre.failure { background: #fff1f0; border-left: 3px solid var(--bad); }
  details { margin: 4px 0; } summary { cursor: pointer; font-family: ui-monospace, monospace; font-size: 12px; }
  .warn { color: var(--warn); font-weight: 600; }
</style>
</head>
<body>
<header><h1>rfa report</h1><p id="sub"></p></header>
<main>
  <div class="lots" id="lots"></div>
  <table id="areas"><thead><tr><th>Area</th><th class="num">Requirements</th><th class="num">Passed</th><th class="num">Failed</th><th class="num">Error</th><th class="num">Skipped</th><th class="num">Not assessed</th><th class="num">Scenarios passed</th></tr></thead><tbody></tbody></table>
  <div class="controls">
    <label><input type="checkbox" id="failed"> Not passed only</label>
    <select id="area" aria-label="Area"><option value="">All areas</option></select>
    <select id="level" aria-label="Level"><option value="">All levels</option><option>must</option><option>should</option><option>may</option></select>
    <input id="q" type="search" placeholder="Search ID or title" aria-label="Search">
    <span id="count" class="where"></span>
  </div>
  <table id="reqs"><thead><tr><th>ID</th><th>Requirement</th><th>Area</th><th>Level</th><th>Scenarios</th><th>Outcome</th></tr></thead><tbody></tbody></table>
</main>
<script id="data" type="application/json">/*DATA*/null</script>
<script>
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("data").textContent);
  var res = data.results, ex = data.exchanges || {};
  var $ = function (id) { return document.getElementById(id); };
  function el(tag, text, cls) { var e = document.createElement(tag); if (text != null) e.textContent = text; if (cls) e.className = cls; return e; }
  function badge(o) { return el("span", o, "badge " + o); }
  var c = res.candidate;
  $("sub").textContent = c.supplier + " " + c.product + " " + c.version + " at " + c.base_url + " · pack " + res.pack.name + " " + res.pack.version +
    " · " + res.mode + " · " + res.run.started.slice(0, 19).replace("T", " ") + " UTC · " + (res.run.duration_ms / 1000).toFixed(2) + " s";
  res.lots.forEach(function (l) {
    var d = el("div", null, "lot"); d.appendChild(el("strong", l.lot + " ")); d.appendChild(badge(l.verdict));
    d.appendChild(el("div", l.must.passed + " of " + l.must.total + " must requirements passed", "where")); $("lots").appendChild(d);
  });
  var areas = {};
  res.requirements.forEach(function (r) { (areas[r.area] = areas[r.area] || []).push(r); });
  Object.keys(areas).sort().forEach(function (a) {
    var rs = areas[a], n = function (o) { return rs.filter(function (r) { return r.outcome === o; }).length; };
    var sc = [].concat.apply([], rs.map(function (r) { return r.scenarios; }));
    var tr = el("tr"); [a, rs.length, n("passed"), n("failed"), n("error"), n("skipped"), n("not-assessed"),
      sc.filter(function (s) { return s.outcome === "passed"; }).length + "/" + sc.length].forEach(function (v, i) {
      tr.appendChild(el("td", String(v), i ? "num" : ""));
    });
    $("areas").tBodies[0].appendChild(tr);
    var o = el("option", a); o.value = a; $("area").appendChild(o);
  });
  var params = new URLSearchParams(location.search);
  $("failed").checked = params.get("failed") === "1";
  $("area").value = params.get("area") || ""; $("level").value = params.get("level") || ""; $("q").value = params.get("q") || "";
  var open = {};
  var m = /^#(RFA-[A-Z]{3}-\d{3})$/.exec(location.hash); if (m) open[m[1]] = true;

  function pretty(text) { try { return JSON.stringify(JSON.parse(text), null, 2); } catch (e) { return text; } }
  function headers(h) { return h.map(function (p) { return p[0] + ": " + p[1]; }).join("\n"); }
  function exchange(x, i) {
    var d = el("details"); var r = x.response;
    d.appendChild(el("summary", (i + 1) + ". " + x.request.method + " " + x.request.url + " → " + (r ? r.status : "no response: " + x.error) + " (" + x.duration_ms.toFixed(1) + " ms)"));
    d.appendChild(el("div", "Request headers", "where")); d.appendChild(el("pre", headers(x.request.headers)));
    if (x.request.jwt_claims) { d.appendChild(el("div", "JWT claims", "where")); d.appendChild(el("pre", JSON.stringify(x.request.jwt_claims, null, 2))); }
    if (x.request.body) { d.appendChild(el("div", "Request body", "where")); d.appendChild(el("pre", pretty(x.request.body))); }
    if (r) {
      d.appendChild(el("div", "Response " + r.status + " headers", "where")); d.appendChild(el("pre", headers(r.headers)));
      d.appendChild(el("div", "Response body", "where")); d.appendChild(el("pre", r.body != null ? pretty(r.body) : "(" + (r.body_base64 ? "binary, base64 in the evidence" : "empty") + ")"));
    }
    return d;
  }
  function detail(r) {
    var td = el("td"); td.colSpan = 6;
    if (r.reason) td.appendChild(el("p", r.reason, "where"));
    if (r.attestation) td.appendChild(el("p", "Attested " + r.attestation.verdict + " by " + r.attestation.assessor + ": " + r.attestation.rationale));
    r.scenarios.forEach(function (s) {
      var box = el("div", null, "scenario"); var h = el("h4"); h.appendChild(badge(s.outcome)); h.appendChild(document.createTextNode(" " + s.name)); box.appendChild(h);
      box.appendChild(el("div", "features/" + s.file + ":" + s.line + " · " + s.duration_ms.toFixed(1) + " ms", "where"));
      var ol = el("ol", null, "steps");
      s.steps.forEach(function (st) { ol.appendChild(el("li", st.keyword + " " + st.text, "st-" + st.status)); });
      box.appendChild(ol);
      if (s.failure) box.appendChild(el("pre", s.failure.step + "\n" + s.failure.message, "failure"));
      var xs = ex[s.file + ":" + s.line] || [];
      xs.forEach(function (x, i) {
        var d = exchange(x, i);
        // The exchange a failure was judged on is shown open.
        if (s.outcome !== "passed" && i === xs.length - 1) d.open = true;
        box.appendChild(d);
      });
      td.appendChild(box);
    });
    var tr = el("tr", null, "detail"); tr.appendChild(td); return tr;
  }
  function shown(r) {
    var q = $("q").value.trim().toLowerCase();
    if ($("failed").checked && (r.outcome === "passed")) return false;
    if ($("area").value && r.area !== $("area").value) return false;
    if ($("level").value && r.level !== $("level").value) return false;
    return !q || (r.id + " " + r.title).toLowerCase().indexOf(q) >= 0;
  }
  function render() {
    var body = $("reqs").tBodies[0]; body.textContent = "";
    var list = res.requirements.filter(shown);
    list.forEach(function (r) {
      var tr = el("tr", null, "req"); tr.id = r.id;
      tr.appendChild(el("td", r.id)); tr.appendChild(el("td", r.title)); tr.appendChild(el("td", r.area));
      var pd = (r.tags || []).indexOf("profile-decision") >= 0;
      var lv = el("td", r.level + (pd ? " (profile decision)" : "")); if ((r.level !== "must" || pd) && (r.outcome === "failed" || r.outcome === "error")) lv.appendChild(el("span", " warning", "warn")); tr.appendChild(lv);
      var passed = r.scenarios.filter(function (s) { return s.outcome === "passed"; }).length;
      tr.appendChild(el("td", passed + "/" + r.scenarios.length)); var o = el("td"); o.appendChild(badge(r.outcome)); tr.appendChild(o);
      tr.addEventListener("click", function () { open[r.id] = !open[r.id]; render(); });
      body.appendChild(tr);
      if (open[r.id]) body.appendChild(detail(r));
    });
    $("count").textContent = list.length + " of " + res.requirements.length + " requirements";
  }
  ["failed", "area", "level", "q"].forEach(function (id) { $(id).addEventListener("input", render); });
  render();
  if (m && $(m[1])) $(m[1]).scrollIntoView();
})();
</script>
</body>
</html>
"##;
