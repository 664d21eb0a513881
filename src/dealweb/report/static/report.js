/* dealweb report: sources panel, tooltips and the time slider. Text is written with textContent only. */
(function () {
  "use strict";
  var dataEl = document.getElementById("dw-data");
  if (!dataEl) { return; }
  var data = JSON.parse(dataEl.textContent);
  var panel = document.getElementById("dw-panel");
  var svg = document.querySelector(".dw-map");
  var M = data.messages || {};
  /* A message of the page's language (the catalogue travels in the data); {field}s filled from vals. */
  function T(key, vals) {
    var text = M[key] !== undefined ? M[key] : key;
    Object.keys(vals || {}).forEach(function (k) { text = text.split("{" + k + "}").join(String(vals[k])); });
    return text;
  }
  function word(prefix, value) {
    return M[prefix + value] !== undefined ? M[prefix + value] : String(value).replace(/_/g, " ");
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }
  function figureOf(rec) {
    if (rec.value) { return rec.value.label; }
    var parts = [];
    if (rec.amount) { parts.push(rec.amount.label); }
    if (rec.quantity) { parts.push(rec.quantity.label); }
    if (rec.capacity_gw) { parts.push(rec.capacity_gw + " GW"); }
    return parts.length ? parts.join(" · ") : T("js.undisclosed");
  }
  /* Text written elsewhere (a source's words, a ledger's note): shown as it is, marked so readers and
     translators tell it apart from the page's words. */
  function written(node) { node.setAttribute("translate", "no"); node.classList.add("dw-verbatim"); return node; }
  /* A message whose one field is written elsewhere: the page's words around the source's. */
  function said(message, value) {
    var span = el("span"); var at = message.indexOf("\u0000");
    span.appendChild(document.createTextNode(at < 0 ? message : message.slice(0, at)));
    if (at >= 0) {
      span.appendChild(written(el("span", null, value)));
      span.appendChild(document.createTextNode(message.slice(at + 1)));
    }
    return span;
  }
  /* A room's message as parts ([text, written elsewhere]), in the page's language. */
  function parts(list) {
    var span = el("span");
    (list || []).forEach(function (seg) {
      span.appendChild(seg[1] ? written(el("span", null, seg[0])) : document.createTextNode(seg[0]));
    });
    return span;
  }
  function claimBlock(c) {
    var box = el("div", "dw-claim");
    var q = el("blockquote", null, c.quote);
    q.setAttribute("lang", c.language || "");
    box.appendChild(q);
    var cite = [];
    if (c.outlet) { cite.push(c.outlet); }
    if (c.title) { cite.push("“" + c.title + "”"); }
    if (c.date) { cite.push(c.date); }
    if (c.tier) { cite.push(word("tier.", c.tier)); }
    /* the source's own words (outlet, title, the figure as printed) are written as they are, marked */
    var p = el("p", "dw-cite", "— ");
    p.appendChild(written(el("span", null, cite.join(", "))));
    if (c.stated) { p.appendChild(document.createTextNode(" · ")); p.appendChild(said(T("js.states", {value: "\u0000"}), c.stated)); }
    if (c.field) { p.appendChild(document.createTextNode(" · " + T("js.supports", {field: word("field.", c.field)}))); }
    if (c.flag) { p.appendChild(el("span", "dw-flag", word("web.flag.", c.flag))); }
    if (c.note) { p.appendChild(document.createTextNode(" · ")); p.appendChild(written(el("span", null, c.note))); }
    box.appendChild(p);
    return box;
  }
  function showRecord(kind, id) {
    var rec = kind === "deal" ? data.deals[id] : kind === "fact" ? data.facts[id] : data.entities[id];
    if (!rec) { return; }
    panel.textContent = "";
    if (kind === "entity") {
      panel.appendChild(el("h3", null, rec.name + (rec.zh ? " · " + rec.zh : "")));
      panel.appendChild(el("p", "dw-cite", word("entity_kind.", rec.kind) + (rec.ticker ? " · " + rec.ticker : "") +
        (rec.country ? " · " + rec.country : "")));
      var mc = rec.facts.map(function (f) { return data.facts[f]; }).filter(function (f) { return f; });
      mc.forEach(function (f) {
        var row = el("p", null, f.metric.replace(/_/g, " ") + ": ");
        var a = el("a", "dw-ref", f.value.label + (f.as_of ? " (" + T("js.as_of", {date: f.as_of}) + ")" : ""));
        a.href = "#"; a.setAttribute("data-ref", "fact:" + f.id);
        row.appendChild(a);
        panel.appendChild(row);
      });
      var ul = el("ul");
      rec.deals.forEach(function (d) {
        var li = el("li"); var a = el("a", "dw-ref", data.deals[d].title || d);
        if (data.deals[d].title) { written(a); }
        a.href = "#"; a.setAttribute("data-ref", "deal:" + d); li.appendChild(a); ul.appendChild(li);
      });
      panel.appendChild(el("h3", null, T("js.deals")));
      panel.appendChild(ul);
      return;
    }
    var heading = kind === "deal" ? (rec.title || rec.id) : (rec.entity_name + ": " + rec.metric.replace(/_/g, " "));
    var h = el("h3", null, heading);
    panel.appendChild(kind === "deal" && rec.title ? written(h) : h);
    panel.appendChild(el("p", "dw-figure", figureOf(rec)));
    if (rec.origins) { panel.appendChild(el("p", "dw-origins", T("js.origins", {n: rec.origins.length}))); }
    var meta = [];
    if (kind === "deal") {
      if (rec.from_name) { meta.push(rec.from_name + " → " + rec.to_name); }
      meta.push(word("type.", rec.type));
      meta.push(word("status.", rec.status));
      if (rec.announced) { meta.push(T("js.announced", {date: rec.announced})); }
    } else {
      if (rec.period) { meta.push(rec.period); }
      if (rec.as_of) { meta.push(T("js.as_of", {date: rec.as_of})); }
    }
    panel.appendChild(el("p", "dw-cite", meta.join(" · ")));
    (rec.flows || []).forEach(function (f) {
      panel.appendChild(el("p", "dw-cite", f.from_name + " → " + f.to_name + ": " + (f.amount ? f.amount.label : "—")));
    });
    (rec.conflicts || []).forEach(function (c) {
      var p = el("p", null);
      p.appendChild(el("span", "dw-conflict", word("conflict.kind.", c.kind)));
      p.appendChild(document.createTextNode(" "));
      p.appendChild(c.said ? parts(c.said) : written(el("span", null, c.message)));
      panel.appendChild(p);
    });
    if (!rec.claims.length) { panel.appendChild(el("p", "dw-note", T("js.no_source"))); }
    rec.claims.forEach(function (c) { panel.appendChild(claimBlock(c)); });
    if (rec.pos) { panel.appendChild(said(T("js.ledger_pos", {pos: "\u0000"}), rec.pos)).className = "dw-hint"; }
  }
  function select(kind, id) {
    document.querySelectorAll(".dw-selected").forEach(function (n) { n.classList.remove("dw-selected"); });
    if (kind === "deal") {
      document.querySelectorAll('.dw-edge[data-deal="' + CSS.escape(id) + '"], tr[data-deal-row="' + CSS.escape(id) + '"]')
        .forEach(function (n) { n.classList.add("dw-selected"); });
    } else if (kind === "entity") {
      document.querySelectorAll('.dw-node[data-entity="' + CSS.escape(id) + '"]')
        .forEach(function (n) { n.classList.add("dw-selected"); });
    }
    showRecord(kind, id);
  }
  /* Groups of the core view: the map carries one state with every group closed and one per group open
     (data-state); a group's node or header opens it (the map takes that state, the boxes after it move down
     and the canvas grows), and closes it again. One group is open at a time. */
  function heights() {
    var out = {};
    ((svg && svg.getAttribute("data-heights")) || "").split(" ").forEach(function (kv) {
      var i = kv.lastIndexOf(":"); if (i > 0) { out[kv.slice(0, i)] = Number(kv.slice(i + 1)); }
    });
    return out;
  }
  function setGroup(id, open) {
    if (!svg || !svg.hasAttribute("data-heights")) { return; }
    var key = open ? id : "closed";
    var h = heights()[key];
    if (h === undefined) { return; }
    svg.querySelectorAll("[data-state]").forEach(function (n) {
      if (n.getAttribute("data-state") === key) { n.removeAttribute("display"); } else { n.setAttribute("display", "none"); }
    });
    var w = svg.viewBox.baseVal.width;
    svg.setAttribute("viewBox", "0 0 " + w + " " + h);
    svg.setAttribute("height", String(h));
    var legend = svg.querySelector(".dw-legend[data-base]");
    if (legend) { legend.setAttribute("transform", "translate(0," + (h - Number(legend.getAttribute("data-base"))) + ")"); }
    svg.setAttribute("data-open", open ? id : "");
  }
  function toggleGroup(id) {
    setGroup(id, !svg || svg.getAttribute("data-open") !== id);
  }
  window.dealwebGroups = {open: function (id) { setGroup(id, true); }, close: function () { setGroup("", false); },
    ids: function () { return Object.keys(heights()).filter(function (k) { return k !== "closed"; }); }};
  document.addEventListener("click", function (ev) {
    var g = ev.target.closest && ev.target.closest("[data-group]");
    if (g) { ev.preventDefault(); toggleGroup(g.getAttribute("data-group")); return; }
    var t = ev.target.closest("[data-ref], .dw-edge, .dw-elabel, .dw-node");
    if (!t) { return; }
    ev.preventDefault();
    if (t.hasAttribute("data-ref")) {
      var ref = t.getAttribute("data-ref"); var i = ref.indexOf(":");
      select(ref.slice(0, i), ref.slice(i + 1));
      if (window.innerWidth < 1100) { panel.scrollIntoView({behavior: "smooth"}); }
    } else if (t.hasAttribute("data-deal")) {
      select("deal", t.getAttribute("data-deal"));
    } else if (t.hasAttribute("data-agg")) {
      toggleGroup(t.getAttribute("data-agg"));
    } else if (t.hasAttribute("data-entity")) {
      select("entity", t.getAttribute("data-entity"));
    }
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.key !== "Enter") { return; }
    var t = ev.target;
    if (t && t.getAttribute && t.getAttribute("data-group")) { toggleGroup(t.getAttribute("data-group")); return; }
    if (t && t.getAttribute && t.getAttribute("data-deal")) { select("deal", t.getAttribute("data-deal")); }
    if (t && t.getAttribute && t.getAttribute("data-entity")) { select("entity", t.getAttribute("data-entity")); }
  });

  /* Hover: a short tooltip with the figure and its first source. */
  var tip = el("div"); tip.id = "dw-tip"; document.body.appendChild(tip);
  document.addEventListener("mousemove", function (ev) {
    var t = ev.target.closest && ev.target.closest(".dw-edge, .dw-elabel, .dw-fig");
    if (!t) { tip.style.display = "none"; return; }
    var id = t.getAttribute("data-deal"); var rec = null;
    if (id) { rec = data.deals[id]; } else {
      var ref = t.getAttribute("data-ref") || ""; var i = ref.indexOf(":");
      rec = ref.slice(0, i) === "deal" ? data.deals[ref.slice(i + 1)] : data.facts[ref.slice(i + 1)];
    }
    if (!rec) { tip.style.display = "none"; return; }
    var c = rec.claims[0];
    tip.textContent = (rec.title || rec.id) + " — " + figureOf(rec) +
      (c ? "\n“" + c.quote + "” (" + [c.outlet, c.date].filter(Boolean).join(", ") + ")" : "");
    tip.style.whiteSpace = "pre-wrap";
    tip.style.left = Math.min(ev.clientX + 14, window.innerWidth - 400) + "px";
    tip.style.top = (ev.clientY + 14) + "px";
    tip.style.display = "block";
  });

  /* Chapters by quarter: the map as known at each quarter's end (no look-ahead), its title and events. */
  var slider = document.getElementById("dw-slider");
  var out = document.getElementById("dw-date");
  var changed = document.getElementById("dw-changed");
  var eventsBox = document.getElementById("dw-events");
  var showCancelled = document.getElementById("dw-show-cancelled");
  var loopsOnly = document.getElementById("dw-loops-only");
  if (svg) {
    svg.querySelectorAll("path.dw-edge").forEach(function (n) {
      n.setAttribute("data-dash", n.getAttribute("stroke-dasharray") || "");
    });
  }
  function eventItem(ev) {
    var li = el("li");
    li.appendChild(el("span", "dw-ev-date", ev.date + " · "));
    li.appendChild(el("span", "dw-ev-what", word("event.", ev.what) + " · "));
    var a = el("a", "dw-ref", ev.parties || ev.title);
    a.href = "#"; a.setAttribute("data-ref", "deal:" + ev.deal);
    li.appendChild(a);
    if (ev.figure) { li.appendChild(el("span", "dw-ev-fig", " · " + ev.figure)); }
    if (ev.source) {
      var q = el("q", "dw-ev-quote", ev.source.quote);
      q.setAttribute("lang", ev.source.language || "");
      li.appendChild(el("br"));
      li.appendChild(q);
      li.appendChild(el("span", "dw-cite", " — " + [ev.source.outlet, ev.source.date,
        ev.source.tier ? word("tier.", ev.source.tier) : ""].filter(Boolean).join(", ")));
    }
    return li;
  }
  function apply() {
    if (!svg || !slider) { return; }
    var ch = data.chapters[Number(slider.value)];
    var live = new Set(ch.live); var cancelled = new Set(ch.cancelled);
    var cond = ch.conditional ? new Set(ch.conditional) : null;
    out.textContent = ch.quarter ? ch.quarter : T("map.as_stands");
    var touched = new Set();
    function dealOn(id) {
      return live.has(id) || (cancelled.has(id) && showCancelled.checked);
    }
    svg.querySelectorAll("[data-deal], [data-deals]").forEach(function (n) {
      var ids = n.hasAttribute("data-deal") ? [n.getAttribute("data-deal")] : n.getAttribute("data-deals").split(" ");
      var on = ids.some(dealOn);
      var allCancelled = ids.every(function (i) { return cancelled.has(i) || !live.has(i); }) &&
        ids.some(function (i) { return cancelled.has(i); });
      var inLoop = n.classList.contains("dw-inloop") || n.classList.contains("dw-halo") ||
        (ids.length === 1 && !!svg.querySelector('.dw-inloop[data-deal="' + CSS.escape(ids[0]) + '"]'));
      on = on && (!loopsOnly.checked || inLoop);
      n.classList.toggle("dw-off", !on);
      n.classList.toggle("dw-cancelled", on && allCancelled);
      if (n.classList.contains("dw-edge")) {
        if (cond && ids.length === 1 && n.getAttribute("data-dash") !== "2 4") {
          if (cond.has(ids[0])) { n.setAttribute("stroke-dasharray", "8 5"); } else { n.removeAttribute("stroke-dasharray"); }
        } else if (n.getAttribute("data-dash")) {
          n.setAttribute("stroke-dasharray", n.getAttribute("data-dash"));
        } else { n.removeAttribute("stroke-dasharray"); }
        if (on) { touched.add(n.getAttribute("data-from")); touched.add(n.getAttribute("data-to")); }
      }
    });
    svg.querySelectorAll(".dw-node").forEach(function (n) {
      var gd = n.getAttribute("data-group-deals");  /* a group: dim only when none of its deals is known */
      n.classList.toggle("dw-dim", gd !== null ? !gd.split(" ").some(dealOn) : !touched.has(n.getAttribute("data-entity")));
    });
    changed.textContent = ch.title || "";
    if (eventsBox) {
      eventsBox.textContent = "";
      (ch.events || []).forEach(function (ev) { eventsBox.appendChild(eventItem(ev)); });
      if (ch.quarter && !(ch.events || []).length) { eventsBox.appendChild(el("li", "dw-note", T("chapter.none"))); }
      var box = document.getElementById("dw-events-box");
      if (box) { box.style.display = ch.quarter ? "" : "none"; }
    }
    var asOf = Object.keys(ch.as_of_figures || {});
    if (asOf.length) {
      /* figures as their sources had reported them by this date, each with its document (no look-ahead) */
      changed.appendChild(el("br"));
      changed.appendChild(el("span", null, T("map.as_of_figures")));
      asOf.forEach(function (d, k) {
        var figs = ch.as_of_figures[d].map(function (f) {
          return f.field + " " + f.shown + " (" + [f.document, f.date].filter(Boolean).join(", ") + ")";
        });
        var a = el("a", "dw-ref", d + ": " + figs.join("; "));
        a.href = "#"; a.setAttribute("data-ref", "deal:" + d);
        changed.appendChild(a);
        if (k < asOf.length - 1) { changed.appendChild(document.createTextNode(" · ")); }
      });
    }
  }
  function step(k) {
    var v = Math.max(0, Math.min(Number(slider.max), Number(slider.value) + k));
    slider.value = String(v); apply();
  }
  var prev = document.getElementById("dw-prev"); var next = document.getElementById("dw-next");
  if (prev) { prev.addEventListener("click", function () { step(-1); }); }
  if (next) { next.addEventListener("click", function () { step(1); }); }
  if (slider) {
    slider.addEventListener("input", apply);
    showCancelled.addEventListener("change", apply);
    loopsOnly.addEventListener("change", apply);
    apply();
  }
})();
