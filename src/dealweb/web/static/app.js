/* dealweb web app: the write token, the review queue and stress jobs. Text goes in with textContent only. */
(function () {
  "use strict";
  var MSGS = {};
  try { var mj = document.getElementById("dw-msgs"); if (mj) { MSGS = JSON.parse(mj.textContent || "{}"); } } catch (e) { MSGS = {}; }
  /* A word of the page's language (message catalogue, key "web.js.NAME"), with its {fields} filled. */
  function T(key, vals) {
    var text = MSGS[key];
    if (text === undefined) { text = key; }
    return text.replace(/\{([a-z_]+)\}/g, function (m, k) { return vals && vals[k] !== undefined ? String(vals[k]) : m; });
  }
  var KEY = "dealweb-token";
  var m = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (m) {
    sessionStorage.setItem(KEY, decodeURIComponent(m[1]));
    history.replaceState(null, "", location.pathname + location.search);
  }
  function token() { var i = document.getElementById("dw-token"); return (i && i.value) || sessionStorage.getItem(KEY) || ""; }
  var input = document.getElementById("dw-token");
  if (input) {
    input.value = sessionStorage.getItem(KEY) || "";
    input.addEventListener("change", function () { sessionStorage.setItem(KEY, input.value); showTokenState(); });
  }
  function showTokenState() {
    var s = document.getElementById("dw-token-state");
    if (s) { s.textContent = token() ? T("web.js.token_set") : T("web.js.no_token"); }
  }
  showTokenState();

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }
  function api(method, url, body) {
    var opts = {method: method, headers: {"Accept": "application/json"}};
    if (method !== "GET") { opts.headers["X-Dealweb-Token"] = token(); }
    if (body !== undefined) { opts.headers["Content-Type"] = "application/json"; opts.body = JSON.stringify(body); }
    return fetch(url, opts).then(function (r) {
      return r.text().then(function (t) {
        var data = null;
        try { data = t ? JSON.parse(t) : null; } catch (e) { data = {detail: t}; }
        if (!r.ok) {
          var d = data && data.detail;
          var msg = typeof d === "string" ? d : JSON.stringify(d);
          var err = new Error(r.status + ": " + msg + (data && data.hint ? " (" + data.hint + ")" : ""));
          err.status = r.status; err.data = data; throw err;
        }
        return data;
      });
    });
  }
  var status = document.getElementById("dw-status");
  function say(text, bad) { if (status) { status.textContent = text; status.style.color = bad ? "#b3261e" : ""; } }

  /* ---- review ---- */
  var list = document.getElementById("dw-proposals");
  function figure(c) {
    var v = c.amount || c.value || c.quantity;
    return v ? (v.text || "") : (c.capacity_gw ? c.capacity_gw + " GW" : "");
  }
  function renderProposals(items) {
    list.textContent = "";
    if (!items.length) { list.appendChild(el("p", "dw-note", T("web.js.no_proposals"))); return; }
    items.forEach(function (p) {
      var c = p.claim || {};
      var box = el("div", "dw-proposal"); box.setAttribute("data-proposal", p.id);
      var h = el("h4", null, c.kind === "fact"
        ? ((c.entity && c.entity.name) || "?") + ": " + (c.metric || "") + " " + figure(c)
        : ((c.from && c.from.name) || "?") + " → " + ((c.to && c.to.name) || "?") + ": " +
          (MSGS["type." + c.type] || String(c.type || "").replace(/_/g, " ")) + " " + figure(c));
      h.appendChild(el("span", "dw-badge " + (p.status || ""), T("web.js.status_" + (p.status || "new"))));
      if (p.state !== "pending") { h.appendChild(el("span", "dw-badge", T("web.js.state_" + p.state))); }
      box.appendChild(h);
      var q = el("blockquote", "dw-pquote", c.quote); box.appendChild(q);
      var meta = [c.document ? T("web.js.document", {id: c.document}) : "", p.record ? T("web.js.record", {id: p.record}) : "",
                  c.reason || "", c.flag ? T("web.js.flag", {flag: c.flag}) : ""].filter(Boolean).join(" · ");
      box.appendChild(el("p", "dw-cite", meta));
      if (p.status === "conflicts" && p.state === "pending") {
        box.appendChild(el("p", "dw-conflict", T("web.js.conflicts", {record: p.record || "", reason: c.reason || ""})));
      }
      if (p.message) { box.appendChild(el("p", "dw-cite", p.message)); }
      var show = el("button", "dw-show", T("web.js.show_in_article"));
      show.type = "button";
      show.addEventListener("click", function () { showArticle(p.id, box); });
      box.appendChild(show);
      if (p.state === "pending") {
        var act = el("div", "dw-actions");
        var ok = el("button", "dw-accept", T("web.js.accept")); var no = el("button", "dw-reject", T("web.js.reject"));
        ok.addEventListener("click", function () { decide(p.id, "accept"); });
        no.addEventListener("click", function () { decide(p.id, "reject"); });
        act.appendChild(ok); act.appendChild(no); box.appendChild(act);
      }
      list.appendChild(box);
    });
  }
  function refresh() {
    return api("GET", "/api/proposals").then(function (items) {
      renderProposals(items);
      var first = items.filter(function (p) { return p.state === "pending"; })[0] || items[0];
      if (first && !shownId) { showArticle(first.id, list.querySelector('[data-proposal="' + first.id + '"]')); }
    }).catch(function (e) { say(e.message, true); });
  }
  /* The article beside the proposals: the proposal's sentence highlighted, its figures and names underlined. */
  var shownId = null;
  function showArticle(id, box) {
    var pane = document.getElementById("dw-article-text");
    var hint = document.getElementById("dw-article-hint");
    if (!pane) { return; }
    shownId = id;
    Array.prototype.forEach.call(document.querySelectorAll(".dw-proposal.dw-current"), function (b) { b.classList.remove("dw-current"); });
    if (box) { box.classList.add("dw-current"); }
    api("GET", "/api/proposals/" + encodeURIComponent(id) + "/article").then(function (a) {
      pane.textContent = "";
      if (a.text === null || a.text === undefined) {
        if (hint) { hint.textContent = T("web.js.no_article"); }
        return;
      }
      if (hint) { hint.textContent = T("web.js.article_of", {id: a.document || ""}); }
      var text = a.text, ranges = [];
      if (a.start !== null && a.end !== null) { ranges.push([a.start, a.end, "dw-span"]); }
      Object.keys(a.spans || {}).forEach(function (k) { var v = a.spans[k]; ranges.push([v[0], v[1], "dw-field"]); });
      var cuts = [0, text.length];
      ranges.forEach(function (r) { cuts.push(r[0], r[1]); });
      cuts = cuts.filter(function (v, i, arr) { return arr.indexOf(v) === i; }).sort(function (x, y) { return x - y; });
      var first = null;
      for (var i = 0; i + 1 < cuts.length; i++) {
        var a0 = cuts[i], a1 = cuts[i + 1];
        if (a1 <= a0) { continue; }
        var cls = ranges.filter(function (r) { return r[0] <= a0 && a1 <= r[1] && r[1] > r[0]; }).map(function (r) { return r[2]; });
        var piece = text.slice(a0, a1);
        if (!cls.length) { pane.appendChild(document.createTextNode(piece)); continue; }
        var m = el("mark", cls.filter(function (v, j, arr) { return arr.indexOf(v) === j; }).join(" "), piece);
        if (cls.indexOf("dw-span") >= 0 && !first) { first = m; }
        pane.appendChild(m);
      }
      if (first) { first.scrollIntoView({block: "center"}); }
    }).catch(function (e) { say(e.message, true); });
  }
  /* An accept that needs the person's answers comes back 422 with "needs": ask with a small form. */
  function field(form, label, name, value, type) {
    var l = el("label", null, label + " "); var i = el("input"); i.name = name; i.value = value || "";
    if (type) { i.type = type; }
    l.appendChild(i); form.appendChild(l); return i;
  }
  function ask(id, needs, answers) {
    var box = list.querySelector('[data-proposal="' + id + '"]'); if (!box) { return; }
    var old = box.querySelector(".dw-ask"); if (old) { old.remove(); }
    var form = el("form", "dw-ask dw-form");
    if (needs.document) {
      form.appendChild(el("p", "dw-hint", T("web.js.new_document")));
      field(form, T("web.js.title"), "title", needs.title || "");
      field(form, T("web.js.outlet"), "outlet", "");
      field(form, T("web.js.date"), "date", "", "date");
      if (needs.document.indexOf("source") >= 0) { field(form, T("web.js.url"), "url", ""); }
    } else if (needs.entities) {
      needs.entities.forEach(function (e) {
        form.appendChild(el("p", "dw-hint", T("web.js.unknown_firm", {id: e.id})));
        ["en", "zh-Hant", "zh-Hans"].forEach(function (s) {
          field(form, s, "name:" + e.id + ":" + s, (e.names || {})[s] || "");
        });
      });
    } else if (needs.conflict) {
      var c = needs.conflict;
      form.appendChild(el("p", "dw-conflict", T("web.js.conflict_detail", {record: c.record, reason: c.reason || T("web.js.different_figure"),
        ledger: c.ledger || "?", claim: c.claim || "?"})));
      var sel = el("select"); sel.name = "on_conflict";
      [["disputed", T("web.js.keep_disputed")], ["plain", T("web.js.keep_plain")]]
        .forEach(function (o) { var op = el("option", null, o[1]); op.value = o[0]; sel.appendChild(op); });
      form.appendChild(sel);
    }
    var go = el("button", null, T("web.js.accept_answers")); go.type = "submit"; form.appendChild(go);
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var f = new FormData(form); var a = JSON.parse(JSON.stringify(answers || {}));
      if (needs.document) {
        a.document = {title: f.get("title") || "", outlet: f.get("outlet") || "", url: f.get("url") || ""};
        if (f.get("date")) { a.document.date = f.get("date"); }
      } else if (needs.entities) {
        a.entities = a.entities || {};
        needs.entities.forEach(function (e) {
          var names = {};
          ["en", "zh-Hant", "zh-Hans"].forEach(function (s) { var v = f.get("name:" + e.id + ":" + s); if (v) { names[s] = v; } });
          a.entities[e.id] = names;
        });
      } else if (needs.conflict) { a.on_conflict = f.get("on_conflict"); }
      decide(id, "accept", a);
    });
    box.appendChild(form);
  }
  function decide(id, what, answers) {
    say(what === "accept" ? T("web.js.writing") : T("web.js.rejecting"));
    api("POST", "/api/proposals/" + encodeURIComponent(id) + "/" + what, what === "accept" ? (answers || {}) : undefined).then(function (p) {
      say(what === "accept" ? (p.message || T("web.js.state_accepted")) : T("web.js.state_rejected"));
      return refresh();
    }).catch(function (e) {
      if (e.status === 422 && e.data && e.data.needs) { say(e.data.detail); ask(id, e.data.needs, answers); return; }
      say(e.message, true);
    });
  }
  var art = document.getElementById("dw-article");
  if (art) {
    art.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var f = new FormData(art);
      var doc = {id: f.get("id"), title: f.get("title"), outlet: f.get("outlet") || "",
                 language: f.get("language") || "en"};
      if (f.get("date")) { doc.date = f.get("date"); }
      if (f.get("url")) { doc.url = f.get("url"); }
      say(T("web.js.reading"));
      api("POST", "/api/articles", {text: f.get("text"), document: doc}).then(function (items) {
        say(T("web.js.proposed", {n: items.length})); shownId = null; return refresh();
      }).catch(function (e) { say(e.message, true); });
    });
  }
  var pj = document.getElementById("dw-proposals-json");
  if (pj) {
    pj.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var body;
      try { body = JSON.parse(new FormData(pj).get("json")); } catch (e) { say(T("web.js.not_json", {error: e.message}), true); return; }
      if (Array.isArray(body)) { body = {proposals: body}; }
      api("POST", "/api/proposals", body).then(function (items) {
        say(T("web.js.queued", {n: items.length})); return refresh();
      }).catch(function (e) { say(e.message, true); });
    });
  }
  if (list) { refresh(); }

  /* ---- stress ---- */
  var sform = document.getElementById("dw-stress");
  if (sform) {
    var sel = document.getElementById("dw-scenarios");
    var bar = document.getElementById("dw-progress");
    var st = document.getElementById("dw-stress-state");
    var defaults = function () {  /* the scenario's runs and seed: dealweb's one default */
      var o = sel.options[sel.selectedIndex];
      if (o) { sform.elements.draws.value = o.getAttribute("data-runs"); sform.elements.seed.value = o.getAttribute("data-seed"); }
    };
    sel.addEventListener("change", defaults);
    sform.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var f = new FormData(sform);
      api("POST", "/api/stress", {scenario: f.get("scenario"), draws: Number(f.get("draws")), seed: Number(f.get("seed")),
                                  include: f.get("include") ? [f.get("include")] : []})
        .then(function (job) { poll(job.id); }).catch(function (e) { st.textContent = e.message; });
    });
    var lang = document.documentElement.getAttribute("lang") || "en";
    var fans = function (jobId, list) {  /* the report's fan charts: SVG drawn by the server from numbers only */
      var box = document.getElementById("dw-stress-fans");
      if (!box) { return; }
      box.textContent = "";
      list.forEach(function (f) {
        var doc = new DOMParser().parseFromString(f.svg, "image/svg+xml");
        var svg = doc.documentElement;
        if (svg.nodeName !== "svg" || svg.getElementsByTagName("script").length) { return; }
        var fig = el("figure"); fig.appendChild(document.importNode(svg, true));
        var cap = el("figcaption", "dw-downloads", T("web.js.download") + ": ");
        ["svg", "png"].forEach(function (ext, i) {
          var a = el("a", null, ext.toUpperCase());
          a.href = "/api/stress/" + encodeURIComponent(jobId) + "/charts/" + f.file + "." + lang + "." + ext;
          a.setAttribute("download", "");
          if (i) { cap.appendChild(document.createTextNode(" · ")); }
          cap.appendChild(a);
        });
        fig.appendChild(cap);
        box.appendChild(fig);
      });
    };
    var tables = function (list) {
      var box = document.getElementById("dw-stress-tables");
      if (!box) { return; }
      box.textContent = "";
      list.forEach(function (t) {
        box.appendChild(el("h3", null, t.title));
        var wrap = el("div", "dw-scroll");
        var table = el("table"); table.className = "dw-table";
        var head = el("tr");
        t.columns.forEach(function (c) { head.appendChild(el("th", null, c)); });
        var thead = el("thead"); thead.appendChild(head); table.appendChild(thead);
        var body = el("tbody");
        t.rows.forEach(function (r) {
          var tr = el("tr");
          t.columns.forEach(function (c) { tr.appendChild(el("td", null, r[c] == null ? "" : String(r[c]))); });
          body.appendChild(tr);
        });
        table.appendChild(body); wrap.appendChild(table); box.appendChild(wrap);
        if (t.note) { var p = el("p", null, t.note); p.className = "dw-hint"; box.appendChild(p); }
      });
    };
    var poll = function (id) {
      api("GET", "/api/stress/" + encodeURIComponent(id)).then(function (job) {
        bar.value = job.progress;
        st.textContent = T("web.js.job_" + job.state) + (job.state === "queued" ? " (" + T("web.js.ahead", {n: job.queue_position}) + ")" : "") +
          " · " + Math.round(100 * job.progress) + " % · " + job.seconds + " s · " + T("web.js.waiting", {n: job.queue_length}) +
          (job.error ? " · " + job.error : "");
        if (job.state === "done") {
          fans(id, job.result.fan_charts || []); tables(job.result.tables || []);
          var jl = document.getElementById("dw-stress-json-link");
          if (jl) { jl.href = "/api/stress/" + encodeURIComponent(id); jl.parentNode.hidden = false; }
        }
        else if (job.state !== "failed") { setTimeout(function () { poll(id); }, 400); }
      }).catch(function (e) { st.textContent = e.message; });
    };
  }
})();
