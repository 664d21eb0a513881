/* dealweb web app: the write token, the review queue and stress jobs. Text goes in with textContent only. */
(function () {
  "use strict";
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
    if (s) { s.textContent = token() ? "write token set" : "no write token"; }
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
    if (!items.length) { list.appendChild(el("p", "dw-note", "No proposals yet.")); return; }
    items.forEach(function (p) {
      var c = p.claim || {};
      var box = el("div", "dw-proposal"); box.setAttribute("data-proposal", p.id);
      var h = el("h4", null, c.kind === "fact"
        ? ((c.entity && c.entity.name) || "?") + ": " + (c.metric || "") + " " + figure(c)
        : ((c.from && c.from.name) || "?") + " → " + ((c.to && c.to.name) || "?") + ": " +
          String(c.type || "").replace(/_/g, " ") + " " + figure(c));
      h.appendChild(el("span", "dw-badge " + (p.status || ""), p.status));
      if (p.state !== "pending") { h.appendChild(el("span", "dw-badge", p.state)); }
      box.appendChild(h);
      var q = el("blockquote", "dw-pquote", c.quote); box.appendChild(q);
      var meta = [c.document ? "document " + c.document : "", p.record ? "record " + p.record : "",
                  c.reason || "", c.flag ? "flag " + c.flag : ""].filter(Boolean).join(" · ");
      box.appendChild(el("p", "dw-cite", meta));
      if (p.status === "conflicts" && p.state === "pending") {
        box.appendChild(el("p", "dw-conflict", "Conflicts with the ledger" + (p.record ? " (" + p.record + ")" : "") +
          (c.reason ? ": " + c.reason : "") + ". Accepting asks you what to keep."));
      }
      if (p.message) { box.appendChild(el("p", "dw-cite", p.message)); }
      if (p.state === "pending") {
        var act = el("div", "dw-actions");
        var ok = el("button", "dw-accept", "Accept"); var no = el("button", "dw-reject", "Reject");
        ok.addEventListener("click", function () { decide(p.id, "accept"); });
        no.addEventListener("click", function () { decide(p.id, "reject"); });
        act.appendChild(ok); act.appendChild(no); box.appendChild(act);
      }
      list.appendChild(box);
    });
  }
  function refresh() { return api("GET", "/api/proposals").then(renderProposals).catch(function (e) { say(e.message, true); }); }
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
      form.appendChild(el("p", "dw-hint", "The article is a new document: say what it is."));
      field(form, "Title", "title", needs.title || "");
      field(form, "Outlet", "outlet", "");
      field(form, "Date", "date", "", "date");
      if (needs.document.indexOf("source") >= 0) { field(form, "Address (URL)", "url", ""); }
    } else if (needs.entities) {
      needs.entities.forEach(function (e) {
        form.appendChild(el("p", "dw-hint", "The ledger does not know " + e.id + ". Add it, with its names:"));
        ["en", "zh-Hant", "zh-Hans"].forEach(function (s) {
          field(form, s, "name:" + e.id + ":" + s, (e.names || {})[s] || "");
        });
      });
    } else if (needs.conflict) {
      var c = needs.conflict;
      form.appendChild(el("p", "dw-conflict", "Conflicts with " + c.record + " (" + (c.reason || "a different figure") +
        "): the ledger has " + (c.ledger || "?") + ", this article says " + (c.claim || "?") + "."));
      var sel = el("select"); sel.name = "on_conflict";
      [["disputed", "keep it, flagged disputed"], ["plain", "keep it plain (both kept, conflict reported)"]]
        .forEach(function (o) { var op = el("option", null, o[1]); op.value = o[0]; sel.appendChild(op); });
      form.appendChild(sel);
    }
    var go = el("button", null, "Accept with these answers"); go.type = "submit"; form.appendChild(go);
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
    say(what === "accept" ? "Writing…" : "Rejecting…");
    api("POST", "/api/proposals/" + encodeURIComponent(id) + "/" + what, what === "accept" ? (answers || {}) : undefined).then(function (p) {
      say(what === "accept" ? (p.message || "accepted") : "rejected");
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
      say("Reading the article…");
      api("POST", "/api/articles", {text: f.get("text"), document: doc}).then(function (items) {
        say(items.length + " claim(s) proposed"); return refresh();
      }).catch(function (e) { say(e.message, true); });
    });
  }
  var pj = document.getElementById("dw-proposals-json");
  if (pj) {
    pj.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var body;
      try { body = JSON.parse(new FormData(pj).get("json")); } catch (e) { say("not JSON: " + e.message, true); return; }
      if (Array.isArray(body)) { body = {proposals: body}; }
      api("POST", "/api/proposals", body).then(function (items) {
        say(items.length + " proposal(s) queued"); return refresh();
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
    api("GET", "/api/stress/scenarios").then(function (items) {
      if (!items.length) { st.textContent = "The simulation room offers no scenarios in this install."; }
      items.forEach(function (s) { var o = el("option", null, s.title || s.name); o.value = s.name; sel.appendChild(o); });
      var defaults = function () {  /* the scenario's runs and seed: dealweb's one default */
        var it = items.filter(function (s) { return s.name === sel.value; })[0];
        if (it) { sform.elements.draws.value = it.runs; sform.elements.seed.value = it.seed; }
      };
      sel.addEventListener("change", defaults); defaults();
    });
    sform.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var f = new FormData(sform);
      api("POST", "/api/stress", {scenario: f.get("scenario"), draws: Number(f.get("draws")), seed: Number(f.get("seed"))})
        .then(function (job) { poll(job.id); }).catch(function (e) { st.textContent = e.message; });
    });
    var fans = function (list) {  /* the report's fan charts: SVG drawn by the server from numbers only */
      var box = document.getElementById("dw-stress-fans");
      if (!box) { return; }
      box.textContent = "";
      list.forEach(function (f) {
        var doc = new DOMParser().parseFromString(f.svg, "image/svg+xml");
        var svg = doc.documentElement;
        if (svg.nodeName !== "svg" || svg.getElementsByTagName("script").length) { return; }
        var fig = el("figure"); fig.appendChild(document.importNode(svg, true)); box.appendChild(fig);
      });
    };
    var tables = function (list) {
      var box = document.getElementById("dw-stress-tables");
      if (!box) { return; }
      box.textContent = "";
      list.forEach(function (t) {
        box.appendChild(el("h3", null, t.title));
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
        table.appendChild(body); box.appendChild(table);
        if (t.note) { var p = el("p", null, t.note); p.className = "dw-hint"; box.appendChild(p); }
      });
    };
    var poll = function (id) {
      api("GET", "/api/stress/" + encodeURIComponent(id)).then(function (job) {
        bar.value = job.progress;
        st.textContent = job.state + (job.state === "queued" ? " (" + job.queue_position + " ahead of it)" : "") +
          " · " + Math.round(100 * job.progress) + " % · " + job.seconds + " s · queue: " + job.queue_length +
          " waiting" + (job.error ? " · " + job.error : "");
        if (job.state === "done") {
          fans(job.result.fan_charts || []); tables(job.result.tables || []);
          var jl = document.getElementById("dw-stress-json-link");
          if (jl) { jl.href = "/api/stress/" + encodeURIComponent(id); jl.parentNode.hidden = false; }
        }
        else if (job.state !== "failed") { setTimeout(function () { poll(id); }, 400); }
      }).catch(function (e) { st.textContent = e.message; });
    };
  }
})();
