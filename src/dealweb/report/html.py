"""The offline HTML report: one self-contained file (inline CSS, JS and SVG; no CDN, no web fonts).

Text from ledgers and articles reaches the page only through Jinja2 with autoescaping on, through
:func:`dealweb.report.svg.esc` inside SVG, or as JSON made safe by
:func:`dealweb.report.payload.script_json`; the page's script writes it with ``textContent`` only.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from dealweb.i18n import Fig, Join, Msg, Place, Val, Verbatim, check_lang, join_sep, messages, name_of, say, short_place
from dealweb.model import Ledger
from dealweb.report.analyses_view import render_analyses
from dealweb.report.analysis import Analysis, analysis_of
from dealweb.report.mapview import KIND_COLOURS, map_view
from dealweb.report.payload import ledger_payload, script_json
from dealweb.report.rooms import origin_label
from dealweb.report.svg import fan_svg, map_svg, sankey_svg, usd_short

__all__ = ["asset", "environment", "render_report", "say_html"]


def say_html(text: object, lang: str = "en") -> Markup:
    """``text`` in ``lang`` as HTML, the page's words escaped.

    :class:`~dealweb.i18n.Verbatim` parts (quotes, a room's own prose) are wrapped in
    ``<span translate="no" lang=...>`` so readers and translators tell them apart.
    """
    if text is None:
        return Markup("")
    if isinstance(text, Verbatim):
        lang_attr = f' lang="{escape(text.lang)}"' if text.lang else ""
        shown = short_place(str(text)) if isinstance(text, Place) else str(text)
        return Markup('<span class="dw-verbatim" translate="no"{}>{}</span>').format(Markup(lang_attr), shown)  # noqa: S704
    if isinstance(text, Join):
        return Markup(escape(join_sep(text.sep, lang))).join(say_html(p, lang) for p in text.parts)  # noqa: S704
    if isinstance(text, Val | Fig):  # a figure is never broken across lines ("350億美 / 元")
        return Markup('<span class="dw-fig">{}</span>').format(say(text, lang))  # noqa: S704 - format escapes
    if isinstance(text, Msg):
        template = messages(lang).texts[text.key]
        if not text.args:
            return escape(template)
        return Markup(escape(template)).format(**{k: say_html(v, lang) for k, v in text.args.items()})  # noqa: S704
    return escape(say(text, lang))


@cache
def environment() -> Environment:
    """The Jinja2 environment of the faces' templates (autoescaping on for every template)."""
    env = Environment(loader=PackageLoader("dealweb.report", "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["usd"] = usd_short
    env.filters["script_json"] = lambda v: Markup(script_json(v))  # noqa: S704 - made safe by script_json
    # texts said in the page's language: {{ say(msg("key", field=verbatim(room_prose, "en"))) }}
    # a room's own text: said in the page's language when structured, else marked as English
    from dealweb.report.rooms import room_text, said_text

    env.globals.update(msg=Msg, verbatim=Verbatim, room=room_text, said=said_text)
    return env


def _start_chapter(chapters: list[dict[str, Any]], on: date | None) -> int:
    """Index of the slider's first position: the last quarter ended on or before ``on``.

    No look-ahead: the first chapter when no quarter has ended by ``on``; the ledger as it stands when
    ``on`` is ``None``.
    """
    if on is None:
        return len(chapters) - 1
    dated = [k for k, c in enumerate(chapters) if c["date"] is not None and c["date"] <= on.isoformat()]
    return dated[-1] if dated else 0


@cache
def asset(name: str) -> str:
    """Text of a static file shipped with the report (``report.css``, ``report.js``)."""
    return resources.files("dealweb.report").joinpath("static", name).read_text(encoding="utf-8")


def _neighbourhood(ledger: Ledger, ids: set[str]) -> Ledger:
    """The part of ``ledger`` among the firms ``ids``: their deals (all parties drawn), facts and sources."""
    from dataclasses import replace

    deals = {k: d for k, d in ledger.deals.items() if d.entities() and set(d.entities()) <= ids}
    facts = {k: f for k, f in ledger.facts.items() if f.entity in ids}
    cited = {c.document for d in deals.values() for c in (*d.claims, *(c for e in d.events for c in e.claims))}
    cited |= {c.document for f in facts.values() for c in f.claims}
    return replace(ledger, entities={k: e for k, e in ledger.entities.items() if k in ids}, deals=deals,
                   facts=facts, documents={k: v for k, v in ledger.documents.items() if k in cited},
                   conflicts=tuple(c for c in ledger.conflicts if c.record in deals or c.record in facts))


def render_report(ledger: Ledger, analysis: Analysis | None = None, on: date | None = None,
                  size: str = "auto", stress: bool = True, seed: int | None = None, lang: str = "en",
                  focus: str | None = None, layout: str = "spring", view: str = "core",
                  search: dict[str, Any] | None = None) -> str:
    """The report of ``ledger`` as one HTML document.

    Args:
        ledger: the ledger to report on.
        analysis: loops, who-pays, exposure, metrics, stress results; gathered from the analytical rooms
            with :func:`dealweb.report.analysis.analysis_of` when ``None``.
        on: read the web as of this date (``None``: as the ledger stands); the page's time slider still
            offers every chapter.
        size: what node size shows: ``auto``, ``market_cap``, ``flow`` or ``none``.
        stress: run the stress scenarios for the fan charts when gathering the analysis.
        seed: seed for the stress scenarios' random generator (``None``: dealweb's one default).
        lang: ``en``, ``zh-Hant`` or ``zh-Hans``: every word from that message catalogue, firm names in
            that script, amounts through :mod:`dealweb.fmt` in that language (億 and 兆 in Chinese).
        focus: an entity id: the map shows the neighbourhood of that firm (two deals away) instead of the
            whole web (for webs too big to draw whole); the tables then list that neighbourhood's records.
        layout: ``spring`` or ``layered`` (:func:`dealweb.report.mapview.map_view`).
        view: ``core`` (the core and groups that open on click) or ``all``.
        search: the web app's map controls (``{"q": text, "matches": [(id, name)], "entities": n}``):
            a search box for the firm whose neighbourhood is drawn, and the layout and view switches.

    Returns:
        The HTML text (UTF-8), identical for identical inputs.
    """
    hidden = None
    if focus is not None:
        # The tables, the panel's records and (when not given) the analyses: the neighbourhood drawn, not the
        # whole web, so that a web of 10^4 firms opens in seconds.
        near = map_view(ledger, on=on, size="none", lang=lang, focus=focus, layout=layout, view=view)
        hidden = near.hidden
        ledger = _neighbourhood(ledger, {n.id for n in near.nodes})
    if analysis is None:
        analysis = analysis_of(ledger, on=on, stress=stress, seed=seed)
    lang = check_lang(lang)
    t = messages(lang)
    loop_deals = {d for row in analysis.loops for d in row.deals}
    view_ = map_view(ledger, on=on, loop_deals=loop_deals, size=size, lang=lang, focus=focus, layout=layout,
                     view=view)
    if hidden is not None:
        from dataclasses import replace as _replace

        view_ = _replace(view_, hidden=hidden)
    names = {e.id: t.name(e) for e in ledger.entities.values()}
    label_names = {e.id: name_of(e) for e in ledger.entities.values()}
    origin_names = {**names, **{k: say(origin_label(k, label_names), lang)
                                for row in analysis.who_pays.values() for k in row}}
    payload = ledger_payload(ledger, lang=lang)
    payload["messages"] = t.subset("js.") | t.subset("map.") | t.subset("status.") | t.subset("tier.") \
        | t.subset("type.") | t.subset("event.") | t.subset("chapter.") | t.subset("field.") | t.subset("web.flag.") \
        | t.subset("conflict.kind.") | t.subset("entity_kind.")
    conflicted = {c.record for c in ledger.conflicts} | {
        rid for rid, c in ledger.claims() if c.flag in ("joke", "unit_slip", "disputed")}
    ctx: dict[str, Any] = {
        "ledger": ledger,
        "payload": payload,
        "map_svg": Markup(map_svg(view_)),  # noqa: S704 - every text node inside is escaped by svg.esc
        "view": view_,
        "search": search,
        "layout": layout,
        "view_kind": view,
        "focus": focus,
        "focus_name": names.get(focus, focus) if focus else None,
        "view_colours": KIND_COLOURS,
        "kinds": [(k, KIND_COLOURS[k], t("kind." + k)) for k in view_.kinds],
        "t": t,
        "lang": lang,
        "say": lambda x: say_html(x, lang),
        "origin": lambda key: say_html(origin_label(key, label_names), lang),
        "analysis": analysis,
        "names": names,
        "sankey_svg": Markup(sankey_svg(analysis.who_pays, origin_names, lang=lang)) if analysis.who_pays else None,  # noqa: S704
        "fans": [Markup(fan_svg(f.times, f.bands, say(f.title, lang), f.unit, lang=lang)) for f in analysis.fans],  # noqa: S704
        "deals": [payload["deals"][d] for d in sorted(payload["deals"], key=lambda i: (
            payload["deals"][i]["announced"] or "9999", i))],
        "facts": [payload["facts"][f] for f in sorted(payload["facts"], key=lambda i: (
            payload["facts"][i]["entity"], payload["facts"][i]["metric"], payload["facts"][i]["as_of"] or "", i))],
        "documents": list(payload["documents"].values()),
        "conflicts": ledger.conflicts,
        "conflicted": conflicted,
        "chapters": payload["chapters"],
        "start_chapter": _start_chapter(payload["chapters"], on),
        "on": on.isoformat() if on else None,
        "css": Markup(asset("report.css")),  # noqa: S704 - our own file
        "js": Markup(asset("report.js")),  # noqa: S704 - our own file
        "analyses_html": render_analyses(analysis.analyses, lang, names) if analysis.analyses else None,
    }
    return environment().get_template("report.html").render(**ctx)
