"""Reading and checking the ledger's ``analyses`` section: which firms each analyst's test looks at.

The metrics (:mod:`dealweb.metrics`) know no dataset. What a test looks at, the reference values it
compares against and the assumptions it makes are records of the ledger, in a top-level section
``analyses`` (any ledger file; the bundled ledgers keep it in ``analyses.yaml``)::

    analyses:
      capacity:
        per_gw: [deal-id]          # deals whose quantity of accelerators / capacity_gw gives units per GW
        price: [deal-id]           # deals whose US-dollar amount / quantity gives dollars per unit
      breakeven:
        entity: ai-industry        # whose revenue (revenue_monthly x 12, else yearly revenue)
        capex: {value: 4000億美元, assumption: "why this figure"}
        life: {fact: fact-id}      # an interval: its middle
        margin: {value: 25%, assumption: "..."}
      backlog: [{entity: ID, customer: ID}]
      funding_gap: [{payer: ID}]
      amplification: [{entity: ID, deal: DEAL-ID}]
      cap_table: [{holder: ID, company: ID, from: FIGURE, to: FIGURE, valuation: FIGURE}]
      bubble:
        firms: [ID, ...]
        period: FY2026 Q1          # capex, revenue and free cash flow of this period
        reference_pe: FIGURE

A FIGURE is ``{fact: ID}`` (the fact carries its claims), ``{deal: ID, field: amount|quantity|capacity_gw|
term_years}``, or ``{value: X, assumption: "the reasoning"}``. A bare number is refused: every figure is
sourced or labelled. Each test takes one mapping or a list of them. Problems carry file, line and a hint
through the loader's ``err`` (this class is mixed into :class:`dealweb.ledger.load._Loader`, as
:mod:`dealweb.ledger.terms` is).
"""

from __future__ import annotations

from typing import Any

from dealweb.errors import Problem
from dealweb.ledger.yamlio import YamlFile, item_pos, key_pos, node_pos, value_pos
from dealweb.model import Analyses, Analysis, Deal, Fact, Figure, Pos

__all__ = ["ANALYSIS_SPECS", "DEAL_FIELDS", "AnalysesMixin"]

#: Per test: role keys holding one entity id, several entity ids, deal ids, figures, and plain text.
ANALYSIS_SPECS: dict[str, dict[str, tuple[str, ...]]] = {
    "capacity": {"entities": (), "entity_lists": (), "deals": ("per_gw", "price"), "figures": ("gw",),
                 "texts": ("note",), "required": ()},
    "breakeven": {"entities": ("entity",), "entity_lists": (), "deals": (),
                  "figures": ("capex", "life", "margin", "required_return", "revenue"), "texts": ("note",),
                  "required": ()},
    "backlog": {"entities": ("entity", "customer"), "entity_lists": (), "deals": (),
                "figures": ("rpo", "customer_growth"), "texts": ("path_metric", "note"), "required": ("entity",)},
    "funding_gap": {"entities": ("payer",), "entity_lists": (), "deals": (),
                    "figures": ("commitments", "revenue", "years", "cash", "revenue_growth"), "texts": ("note",),
                    "required": ("payer",)},
    "amplification": {"entities": ("entity",), "entity_lists": (), "deals": ("deal",), "figures": ("change",),
                      "texts": ("note",), "required": ("entity", "deal")},
    "cap_table": {"entities": ("holder", "company"), "entity_lists": (), "deals": (),
                  "figures": ("from", "to", "valuation", "shares"), "texts": ("note",),
                  "required": ("holder", "from", "to")},
    "bubble": {"entities": (), "entity_lists": ("firms",), "deals": (), "figures": ("reference_pe",),
               "texts": ("period", "note"), "required": ("firms",)},
}

#: The deal fields a figure may read.
DEAL_FIELDS = ("amount", "quantity", "capacity_gw", "term_years")

_FIGURE_HINT = ("write {fact: FACT-ID} (the fact carries its claim), {deal: DEAL-ID, field: amount}, or "
                "{value: 25%, assumption: \"why this value\"}")


def _type(v: Any) -> str:
    if isinstance(v, dict):
        return "a mapping"
    if isinstance(v, list):
        return "a list"
    if isinstance(v, bool):
        return "true/false"
    if v is None:
        return "nothing"
    return "a number" if isinstance(v, int | float) else "text"


class AnalysesMixin:
    """The loader's methods for the ``analyses`` section (mixed into ``_Loader``)."""

    # Provided by the loader: declared here for readers.
    problems: list[Problem]
    sections: dict[str, list[tuple[YamlFile, Any, Any]]]
    entities: dict[str, Any]
    deals: dict[str, Deal]
    facts: dict[str, Fact]

    # -- the section ----------------------------------------------------------------------------------------
    def load_analyses(self) -> Analyses | None:
        """Every ``analyses`` section of the ledger's files, checked; ``None`` when the ledger has none."""
        parts = self.sections.get("analyses", [])
        if not parts:
            return None
        tests: dict[str, list[Analysis]] = {}
        for f, top, value in parts:
            if not isinstance(value, dict):
                self.err(key_pos(f.shown, top, "analyses"),
                         f"section 'analyses' must be a mapping of tests, found {_type(value)}",
                         "write 'analyses:' then one key per test: " + ", ".join(ANALYSIS_SPECS), fld="analyses")
                continue
            for test, body in value.items():
                if test not in ANALYSIS_SPECS:
                    self.err(key_pos(f.shown, value, test), f"unknown test {test!r} in 'analyses'",
                             "tests are: " + ", ".join(ANALYSIS_SPECS), fld=str(test))
                    continue
                items: list[tuple[Any, Pos]]
                if isinstance(body, list):
                    items = [(b, item_pos(f.shown, body, i)) for i, b in enumerate(body)]
                else:
                    items = [(body, value_pos(f.shown, value, test))]
                for b, pos in items:
                    rec = self.load_analysis(f, str(test), b, pos)
                    if rec is not None:
                        tests.setdefault(str(test), []).append(rec)
        return Analyses({k: tuple(v) for k, v in tests.items()})

    def load_analysis(self, f: YamlFile, test: str, m: Any, pos: Pos) -> Analysis | None:
        """One record of ``test``: its roles, deals and figures checked against the ledger."""
        spec = ANALYSIS_SPECS[test]
        allowed = {k for group in ("entities", "entity_lists", "deals", "figures", "texts") for k in spec[group]}
        what = f"analyses.{test}"
        if not self.keys(f, m, allowed, spec["required"], what):
            return None
        n = len(self.problems)
        entities = {}
        for k in spec["entities"]:
            e = self.entity_ref(f, m, k, f"{what}.{k}")
            if e is not None:
                entities[k] = e
        lists: dict[str, tuple[str, ...]] = {}
        for k in spec["entity_lists"]:
            ids = self._ids(f, m, k, what, self.entities, "entity", "add the entity to 'entities:' first")
            if ids:
                lists[k] = ids
        deals: dict[str, tuple[str, ...]] = {}
        for k in spec["deals"]:
            ids = self._ids(f, m, k, what, self.deals, "deal", "add the deal to 'deals:' first")
            if ids:
                deals[k] = ids
        figures: dict[str, Figure] = {}
        for k in spec["figures"]:
            if k in m and m[k] is not None:
                fig = self.load_figure(f, m, k, what)
                if fig is not None:
                    figures[k] = fig
        texts = {k: self.text(f, m, k) for k in spec["texts"] if m.get(k) is not None}
        if len(self.problems) > n and any(p.severity == "error" for p in self.problems[n:]):
            return None
        return Analysis(test, entities, lists, deals, figures, texts, pos)

    def _ids(self, f: YamlFile, m: dict, k: str, what: str, table: dict[str, Any], kind: str,
             hint: str) -> tuple[str, ...]:
        v = m.get(k)
        if v is None:
            return ()
        vals = v if isinstance(v, list) else [v]
        out: list[str] = []
        for i, x in enumerate(vals):
            p = item_pos(f.shown, v, i) if isinstance(v, list) else value_pos(f.shown, m, k)
            if not isinstance(x, str):
                self.err(p, f"{what}.{k} must name {kind} ids, found {_type(x)}",
                         f"write one {kind} id or a list of them, e.g. [{next(iter(table), 'some-id')}]", fld=k)
                continue
            if x not in table:
                close = _close(x, list(table))
                self.err(p, f"unknown {kind} {x!r} in {what}.{k}",
                         f"did you mean {close!r}?" if close else hint, fld=k)
                continue
            out.append(x)
        return tuple(out)

    def load_figure(self, f: YamlFile, m: dict, k: str, what: str) -> Figure | None:
        """``{fact: ID}``, ``{deal: ID, field: F}`` or ``{value: X, assumption: "why"}``; else a problem."""
        v = m[k]
        pos = value_pos(f.shown, m, k)
        name = f"{what}.{k}"
        if not isinstance(v, dict):
            if isinstance(v, int | float | str) and not isinstance(v, bool):
                self.err(pos, f"{name} is a figure without a claim or an 'assumption:' label ({v!r})",
                         _FIGURE_HINT, fld=k)
            else:
                self.err(pos, f"{name} must be a figure (a mapping), found {_type(v)}", _FIGURE_HINT, fld=k)
            return None
        fpos = node_pos(f.shown, v, pos)
        if "fact" in v:
            if not self.keys(f, v, {"fact", "note"}, ("fact",), name):
                return None
            fid = v["fact"]
            if not isinstance(fid, str) or fid not in self.facts:
                close = _close(str(fid), list(self.facts)) if isinstance(fid, str) else None
                self.err(value_pos(f.shown, v, "fact"), f"unknown fact {fid!r} in {name}",
                         f"did you mean {close!r}?" if close else "give the id of a fact in 'facts:'", fld=k)
                return None
            return Figure("fact", fid, note=self.text(f, v, "note"), pos=fpos)
        if "deal" in v:
            if not self.keys(f, v, {"deal", "field", "note"}, ("deal", "field"), name):
                return None
            did, fld = v.get("deal"), v.get("field")
            if not isinstance(did, str) or did not in self.deals:
                close = _close(str(did), list(self.deals)) if isinstance(did, str) else None
                self.err(value_pos(f.shown, v, "deal"), f"unknown deal {did!r} in {name}",
                         f"did you mean {close!r}?" if close else "give the id of a deal in 'deals:'", fld=k)
                return None
            if fld not in DEAL_FIELDS:
                self.err(value_pos(f.shown, v, "field"), f"{name}: {fld!r} is not a deal field a figure can read",
                         "field is one of " + ", ".join(DEAL_FIELDS), fld=k)
                return None
            return Figure("deal", did, str(fld), note=self.text(f, v, "note"), pos=fpos)
        if not self.keys(f, v, {"value", "assumption", "unit"}, ("value",), name):
            return None
        reason = v.get("assumption")
        if not isinstance(reason, str) or not reason.strip():
            self.err(fpos, f"{name} is a figure without a claim or an 'assumption:' label",
                     "add assumption: \"the reasoning for this value\" (or cite a fact: {fact: FACT-ID})", fld=k)
            return None
        unit = v.get("unit")
        a = self.amount(f, v, "value", str(unit) if isinstance(unit, str) else None, money=False)
        if a is None:
            return None
        return Figure("assumption", value=a, note=reason.strip(), pos=fpos)


def _close(word: str, choices: list[str]) -> str | None:
    import difflib

    hits = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return hits[0] if hits else None
