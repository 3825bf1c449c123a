(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("data").textContent);
  var res = data;
  var $ = function (id) { return document.getElementById(id); };
  function el(tag, text, cls) { var e = document.createElement(tag); if (text != null) e.textContent = text; if (cls) e.className = cls; return e; }
  function badge(o) { return el("span", o, "badge " + o); }
  var c = res.candidate;
  $("sub").textContent = c.supplier + " " + c.product + " " + c.version + " at " + c.base_url + " · pack " + res.pack.name + " " + res.pack.version +
    " · " + res.mode + " · " + res.run.started.slice(0, 19).replace("T", " ") + " UTC · " + (res.run.duration_ms / 1000).toFixed(2) + " s";
  res.lots.forEach(function (l) {
    var d = el("div", null, "lot"); d.appendChild(el("strong", l.lot + " ")); d.appendChild(badge(l.verdict));
    d.appendChild(el("div", l.must.passed + " of " + l.must.total + " must requirements passed", "where"));
    // Why the lot is not passed, from its must counts: what failed, and what kept it from being judged.
    var why = [[l.must.failed, "failed", "bad"], [l.must.error, "error", "err"], [l.must["not-assessed"], "not assessed (manual)", ""], [l.must.skipped, "skipped", ""]];
    var line = el("div", null, "why");
    why.filter(function (w) { return w[0] > 0; }).forEach(function (w, i) {
      if (i) line.appendChild(document.createTextNode(", "));
      line.appendChild(el("span", w[0] + " " + w[1], w[2]));
    });
    if (line.childNodes.length) d.appendChild(line);
    $("lots").appendChild(d);
  });
  var areas = {};
  res.requirements.forEach(function (r) { (areas[r.area] = areas[r.area] || []).push(r); });
  Object.keys(areas).sort().forEach(function (a) {
    var rs = areas[a], n = function (o) { return rs.filter(function (r) { return r.outcome === o; }).length; };
    var sc = [].concat.apply([], rs.map(function (r) { return r.scenarios; }));
    var tr = el("tr"); [a, rs.length, n("passed"), n("failed"), n("error"), n("skipped"), n("not-assessed"),
      sc.filter(function (s) { return s.outcome === "passed"; }).length + "/" + sc.length].forEach(function (v, i) {
      // Failed (column 3) and error (4) counts stand out when not zero.
      tr.appendChild(el("td", String(v), (i ? "num" : "") + (v > 0 && (i === 3 || i === 4) ? (i === 3 ? " bad" : " err") : "")));
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
      var xs = s.exchanges || [];
      // Not embedded (a passing scenario, by default): say where they are.
      if (!s.exchanges && s.evidence.length) box.appendChild(el("p", s.evidence.length + " exchange" + (s.evidence.length > 1 ? "s" : "") + " in " +
        res.evidence_file + " beside this page (its records " + s.evidence.join(", ") + "); rfa run --report-evidence all embeds them here.", "where evidence"));
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
      tr.appendChild(el("td", r.id, "id")); tr.appendChild(el("td", r.title)); tr.appendChild(el("td", r.area));
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
