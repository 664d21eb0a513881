"""Find English a reader of a Chinese page would meet: the language check of the report and the web app.

A visible text node of a page in ``zh-Hant`` or ``zh-Hans`` may hold:

* words of that language's message catalogue (a catalogue value may itself name ``PageRank``, ``HHI``,
  ``dealweb report``: the words of the catalogue are allowed);
* firm names and the ledger's ids (entity, deal, document, fact ids; the ledger's name) and its own
  vocabulary (fact metric names, the units it counts in: a ledger defines them, no catalogue can);
* figures and units (``$``-free Chinese amounts, ``GW``, ``%``, ``pp``, dates, quarters ``2026-Q1``);
* text the page marks as written elsewhere: inside an element with ``translate="no"`` (a source's quote, a
  document title, a ledger note, the simulation room's own prose), a ``<blockquote>``, or an element that
  declares another language (``lang="en"``: the language switch's "English").

Anything else with a Latin word of three letters or more is reported. The check can fail: an English
sentence put in a template, a table header built in code, a legend drawn in an SVG are all found.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

from dealweb.i18n import catalogue, entity_name

_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]{2,}")
_SKIP = {"script", "style", "head", "title", "code", "textarea", "option"}
#: Latin words every language's pages may show: units, acronyms and names of formats and tools.
UNIVERSAL = {"GW", "USD", "HHI", "PageRank", "CAGR", "RPO", "PEG", "FCF", "GPU", "GPUs", "API", "OpenAPI", "JSON",
             "SVG", "PNG", "CSV", "dealweb", "Capex", "capex", "pp", "YYYY-MM-DD", "OpenCC"}


class _Texts(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.texts: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "img", "input", "meta", "link", "hr", "wbr", "source", "col", "area", "base", "embed"):
            return
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang") or ""
        declared = a.get("lang")
        exempt = (tag in _SKIP or tag == "blockquote" or a.get("translate") == "no" or a.get("hidden") is not None
                  or a.get("aria-hidden") == "true" or bool(declared and declared != getattr(self, "lang", "")))
        self.stack.append((tag, exempt))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        pass

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        if data.strip() and not any(ex for _, ex in self.stack):
            where = "/".join(t for t, _ in self.stack[-3:])
            self.texts.append((where, data.strip()))


def visible_texts(html: str) -> list[tuple[str, str]]:
    """``(where, text)`` of every text node a reader sees and the page does not mark as written elsewhere."""
    p = _Texts()
    p.feed(html)
    return p.texts


def allowed_words(lang: str, ledger: Any = None, extra: set[str] = frozenset()) -> set[str]:
    """Latin words a page in ``lang`` may show: its catalogue's, firm names and ids, units (:data:`UNIVERSAL`)."""
    words = set(UNIVERSAL) | set(extra)
    for v in catalogue(lang).values():
        words |= set(_WORD.findall(v))
    if ledger is not None:
        words |= set(_WORD.findall(ledger.name))
        for e in ledger.entities.values():
            for n in (e.id, e.name, entity_name(e, lang), *e.all_names(), str(getattr(e, "ticker", "") or "")):
                words |= set(_WORD.findall(n))
        for coll in (ledger.deals, ledger.facts, ledger.documents):
            for i in coll:
                words |= set(_WORD.findall(i))
        # the ledger's own vocabulary: fact metric names and the units it counts in (no catalogue can hold them)
        for f in ledger.facts.values():
            words |= set(_WORD.findall(f.metric.replace("_", " ")))
            unit = getattr(getattr(f, "value", None), "unit", None)
            if unit:
                words |= set(_WORD.findall(str(unit).replace("_", " ")))
    return words


def untranslated(html: str, lang: str, ledger: Any = None, extra: set[str] = frozenset()) -> list[str]:
    """Visible text nodes of ``html`` holding a Latin word not allowed in ``lang`` (see the module docstring)."""
    ok = allowed_words(lang, ledger, extra)
    bad = []
    for where, text in visible_texts(html):
        words = [w for w in _WORD.findall(text) if w not in ok and w.strip("-'’") not in ok]
        if words:
            bad.append(f"{where}: {text[:120]!r} ({', '.join(sorted(set(words))[:6])})")
    return bad
