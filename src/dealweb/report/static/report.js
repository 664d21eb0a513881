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
    var p = el("p", "dw-cite", "— " + cite.join(", ") + (c.stated ? " · " + T("js.states", {value: c.stated}) : "") +
      (c.field ? " · " + T("js.supports", {field: c.field}) : ""));
    if (c.flag) { p.appendChild(el("span", "dw-flag", c.flag.replace(/_/g, " "))); }
    if (c.note) { p.appendChild(el("span", null, " · " + c.note)); }
    box.appendChild(p);
    return box;
  }
  function showRecord(kind, id) {
    var rec = kind === "deal" ? data.deals[id] : kind === "fact" ? data.facts[id] : data.entities[id];
    if (!rec) { return; }
    panel.textContent = "";
    if (kind === "entity") {
      panel.appendChild(el("h3", null, rec.name + (rec.zh ? " · " + rec.zh : "")));
      panel.appendChild(el("p", "dw-cite", rec.kind + (rec.ticker ? " · " + rec.ticker : "") +
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
        a.href = "#"; a.setAttribute("data-ref", "deal:" + d); li.appendChild(a); ul.appendChild(li);
      });
      panel.appendChild(el("h3", null, T("js.deals")));
      panel.appendChild(ul);
      return;
    }
    var heading = kind === "deal" ? (rec.title || rec.id) : (rec.entity_name + ": " + rec.metric.replace(/_/g, " "));
    panel.appendChild(el("h3", null, heading));
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
      p.appendChild(el("span", "dw-conflict", c.kind.replace(/_/g, " ")));
      p.appendChild(el("span", null, " " + c.message));
      panel.appendChild(p);
    });
    if (!rec.claims.length) { panel.appendChild(el("p", "dw-note", T("js.no_source"))); }
    rec.claims.forEach(function (c) { panel.appendChild(claimBlock(c)); });
    if (rec.pos) { panel.appendChild(el("p", "dw-hint", T("js.ledger_pos", {pos: rec.pos}))); }
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
  document.addEventListener("click", function (ev) {
    var t = ev.target.closest("[data-ref], .dw-edge, .dw-elabel, .dw-node");
    if (!t) { return; }
    ev.preventDefault();
    if (t.hasAttribute("data-ref")) {
      var ref = t.getAttribute("data-ref"); var i = ref.indexOf(":");
      select(ref.slice(0, i), ref.slice(i + 1));
      if (window.innerWidth < 1100) { panel.scrollIntoView({behavior: "smooth"}); }
    } else if (t.hasAttribute("data-deal")) {
      select("deal", t.getAttribute("data-deal"));
    } else if (t.hasAttribute("data-entity")) {
      select("entity", t.getAttribute("data-entity"));
    }
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.key !== "Enter") { return; }
    var t = ev.target;
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

  /* Time slider: chapters by date. */
  var slider = document.getElementById("dw-slider");
  var out = document.getElementById("dw-date");
  var changed = document.getElementById("dw-changed");
  var showCancelled = document.getElementById("dw-show-cancelled");
  var loopsOnly = document.getElementById("dw-loops-only");
  function apply() {
    if (!svg || !slider) { return; }
    var ch = data.chapters[Number(slider.value)];
    var live = new Set(ch.live); var cancelled = new Set(ch.cancelled);
    out.textContent = ch.date ? T("map.on_date", {date: ch.date}) : T("map.as_stands");
    var touched = new Set();
    svg.querySelectorAll("[data-deal]").forEach(function (n) {
      var id = n.getAttribute("data-deal");
      var isLive = live.has(id); var isCancelled = cancelled.has(id);
      var inLoop = n.classList.contains("dw-inloop") || n.classList.contains("dw-halo") ||
        !!svg.querySelector('.dw-inloop[data-deal="' + CSS.escape(id) + '"]');
      var on = (isLive || (isCancelled && showCancelled.checked)) && (!loopsOnly.checked || inLoop);
      n.classList.toggle("dw-off", !on);
      n.classList.toggle("dw-cancelled", on && isCancelled);
      if (on && n.classList.contains("dw-edge")) {
        touched.add(n.getAttribute("data-from")); touched.add(n.getAttribute("data-to"));
      }
    });
    svg.querySelectorAll(".dw-node").forEach(function (n) {
      n.classList.toggle("dw-dim", !touched.has(n.getAttribute("data-entity")));
    });
    changed.textContent = "";
    if (ch.changed.length) {
      changed.appendChild(el("span", null, T("map.changed")));
      ch.changed.forEach(function (d, k) {
        var a = el("a", "dw-ref", (data.deals[d] && data.deals[d].title) || d);
        a.href = "#"; a.setAttribute("data-ref", "deal:" + d);
        changed.appendChild(a);
        if (k < ch.changed.length - 1) { changed.appendChild(document.createTextNode(" · ")); }
      });
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
  if (slider) {
    slider.addEventListener("input", apply);
    showCancelled.addEventListener("change", apply);
    loopsOnly.addEventListener("change", apply);
    apply();
  }
})();
