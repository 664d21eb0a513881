"""The analyses analysts asked for, gathered for the report and the web app: the same rows in both faces.

Nothing is computed here beyond choosing what to show: the obligations waterfall, the funding bridge and the
counterparty haircut come from :mod:`dealweb.metrics.waterfall`, the scenarios side by side and the tornado
from the stress simulation's own summaries (:mod:`dealweb.sim.sidebyside`), and the tests' "not assessed"
from :func:`dealweb.metrics.presets.all_results`. Where the ledger lacks an analysis's inputs, its part is
``{"not_assessed": {"needs": ..., "how": ...}}``, never another ledger's figures.

The view is a plain mapping with stable keys (the web app serves it as JSON at ``/api/analyses``); the
charts are SVG drawn by :mod:`dealweb.report.analyses_charts` in the page's language.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from dealweb.model import Ledger

__all__ = ["HAIRCUT_KS", "analyses_view", "focus_firms", "render_analyses", "scenarios_part"]

#: The shares paid the haircut table shows (1.0 = pays all it committed).
HAIRCUT_KS = (1.0, 0.75, 0.5, 0.25, 0.0)
#: Firms the waterfall shows when the ledger's analyses name none: the largest payers of firm money.
TOP_PAYERS = 5


#: English of the not-assessed lines this module writes (JSON), by catalogue key ``analyses.na.<name>``.
_NA = {
    "flows": ("deals with money between firms",
              "add deals with from:, to:, amount: and a term or dates (docs/ledger-format.md)"),
    "bridge": ("a firm's operating cash flow and capex facts",
               "add facts of metric operating_cash_flow_ttm and capex (or capex_guidance) for the firm "
               "(docs/ledger-format.md)"),
    "haircut": ("a firm that pays firm money", "add a signed deal with from:, to: and amount: (docs/ledger-format.md)"),
    "scenarios": ("two or more stress scenarios written for this ledger's firms",
                  "write a scenario file whose 'scenario: ledger:' names this ledger (docs/scenario-format.md), then "
                  "dealweb metrics scenarios base.yaml other.yaml"),
    "not_run_here": ("", "not run on this page: dealweb report runs them, as does dealweb metrics scenarios"),
    "not_run_yet": ("", "not run yet: press the button to run the scenarios written for this ledger (the runs and "
                        "seed are shown beside the results)"),
}


def _not_assessed(needs: str, how: str | None = None) -> dict[str, Any]:
    """``{"not_assessed": {needs, how, needs_key, how_key}}``: English, and the catalogue keys of the faces."""
    how = how or needs
    return {"not_assessed": {"needs": _NA[needs][0], "how": _NA[how][1], "needs_key": f"analyses.na.{needs}.needs",
                             "how_key": f"analyses.na.{how}.how"}}


def focus_firms(ledger: Ledger, fl: Any) -> tuple[str, ...]:
    """The firms the ledger's analyses section names, else the largest payers of firm money (cash)."""
    import numpy as np

    if ledger.analyses is not None:
        named = sorted({e for recs in ledger.analyses.tests.values() for r in recs for e in r.entities.values()
                        if e in ledger.entities})
        if named:
            return tuple(named)
    firm = fl.firm & fl.cash
    if not firm.any():
        return ()
    totals = np.bincount(fl.payer[firm], weights=fl.value[firm], minlength=len(fl.entities))
    order = [i for i in np.argsort(-totals, kind="stable") if totals[i] > 0][:TOP_PAYERS]
    return tuple(sorted(fl.entities[int(i)] for i in order))


def _haircut_payer(ledger: Ledger, fl: Any) -> str | None:
    """The ledger's ``analyses.funding_gap`` payer, else the largest payer of firm money (as the CLI)."""
    import numpy as np

    recs = ledger.analyses.records("funding_gap") if ledger.analyses is not None else ()
    for r in recs:
        p = r.entities.get("payer")
        if p in fl.entities and (fl.payer == fl.entities.index(p)).any():
            return p
    firm = fl.firm & fl.cash
    if not firm.any():
        return None
    totals = np.bincount(fl.payer[firm], weights=fl.value[firm], minlength=len(fl.entities))
    return fl.entities[int(np.argmax(totals))]


def _statuses(ledger: Ledger) -> list[dict[str, Any]]:
    """Every analyst's test: assessed or not, and when not what it needs and how to add it."""
    from dealweb.metrics.presets import all_results

    out = []
    for name, result in all_results(ledger).items():
        d = result.as_dict()
        if d.get("assessed") is False:
            # the metrics code's own messages (Msg, Join: English str, said again on the faces)
            out.append({"metric": name, "assessed": False, "needs": list(d.get("needs") or []),
                        "how": d.get("how") or ""})
        else:
            out.append({"metric": name, "assessed": True})
    return out


def _waterfall(ledger: Ledger, fl: Any, firms: tuple[str, ...]) -> dict[str, Any]:
    from dealweb.metrics.waterfall import waterfall

    if not firms:
        return _not_assessed("flows")
    w = waterfall(fl, ledger, firms)
    if not w.years:
        return _not_assessed("flows")
    return {"firms": list(firms), "rows": [y.as_dict() for y in w.years], "assumptions": list(w.assumptions)}


def _bridge(ledger: Ledger, fl: Any) -> dict[str, Any]:
    from dealweb.metrics.waterfall import DEFAULT_INTEREST_RATE, funding_bridge

    rows = funding_bridge(fl, ledger)
    assessed = [r.as_dict() for r in rows if r.need is not None]
    loans: dict[str, dict[str, Any]] = {}
    service = []
    for r in rows:
        for t in r.debt_terms:
            loans.setdefault(str(t["deal"]), {"firm": r.firm, **{k: t[k] for k in (
                "deal", "principal", "start", "start_source", "interest_rate", "rate_source", "maturity",
                "maturity_source", "shape")}})
        if r.debt_service:
            service.append({"firm": r.firm, "year": r.year, "debt_service": r.debt_service})
    lacking = sorted({r.firm for r in rows if r.need is None})
    out: dict[str, Any] = {"rows": assessed, "debt_service": service, "loans": list(loans.values()),
                           "interest_rate": DEFAULT_INTEREST_RATE, "need_not_assessed": lacking}
    if not assessed and not service:
        out.update(_not_assessed("bridge"))
    return out


def _haircut(ledger: Ledger, fl: Any, on: date | None) -> dict[str, Any]:
    from dealweb.flows import recorded_cash
    from dealweb.metrics.waterfall import cascade_summary, haircut

    payer = _haircut_payer(ledger, fl)
    if payer is None:
        return _not_assessed("haircut")
    cash = {e: rc.usd for e, rc in recorded_cash(ledger, on, fl.policy).items()}
    rows = haircut(fl, ledger, payer, HAIRCUT_KS, cash)
    last = {k: max(r.round for r in rows if r.k == k) for k in HAIRCUT_KS}
    final = [r.as_dict() for r in rows if r.round == last[r.k]]
    return {"payer": payer, "ks": list(HAIRCUT_KS), "rows": final, "rounds": [r.as_dict() for r in rows],
            "cascade": cascade_summary(rows)}


def scenarios_part(summaries: dict[str, dict[str, Any]] | None, note: str = "") -> dict[str, Any]:
    """Scenarios side by side from stress summaries already run, with the tornado of the firm most at risk.

    ``summaries``: scenario name -> :meth:`StressResult.summary` (the first run with its sensitivity table).
    Fewer than two: not assessed; ``note`` (``not_run_here``, ``not_run_yet``) says why when the caller knows.
    """
    from dealweb.sim.sidebyside import side_by_side, top_firm

    if not summaries or len(summaries) < 2:
        return _not_assessed("scenarios", note or None)
    first = next(iter(summaries.values()))
    return side_by_side(summaries, top_firm(first))


def analyses_view(ledger: Ledger, on: date | None = None,
                  stress_summaries: dict[str, dict[str, Any]] | None = None, scenarios_note: str = "",
                  policy: str = "mid") -> dict[str, Any]:
    """Every analysis of this module for ``ledger`` as of ``on``: stable keys, JSON-ready.

    Keys: ``ledger``, ``policy``, ``statuses`` (each test assessed or not, with needs and how), ``waterfall``,
    ``bridge``, ``haircut``, ``scenarios`` (each either its rows or ``not_assessed``).
    """
    from dealweb.flows import build_flows

    fl = build_flows(ledger, as_of=on, policy=policy) if on is not None else build_flows(ledger, policy=policy)
    firms = focus_firms(ledger, fl)
    return {
        "ledger": ledger.name, "policy": policy, "unit": "usd",
        "statuses": _statuses(ledger),
        "waterfall": _waterfall(ledger, fl, firms),
        "bridge": _bridge(ledger, fl),
        "haircut": _haircut(ledger, fl, on),
        "scenarios": scenarios_part(stress_summaries, scenarios_note),
    }


def _charts(view: dict[str, Any], names: dict[str, str], lang: str) -> dict[str, str]:
    """The view's charts as SVG, in ``lang`` (titles from the message catalogue)."""
    from dealweb.i18n import messages
    from dealweb.report.analyses_charts import bars_svg, lines_svg, tornado_svg

    t = messages(lang)
    out: dict[str, str] = {}
    w = view["waterfall"]
    if "rows" in w:
        years = sorted({y["year"] for y in w["rows"] if y["year"] != "undated"})
        firms = sorted({y["firm"] for y in w["rows"] if y["year"] != "undated"})
        if years:
            gap = {(y["firm"], y["year"]): y["gap"] for y in w["rows"]}
            out["waterfall"] = bars_svg(years, {names.get(f, f): [gap.get((f, y), 0.0) for y in years] for f in firms},
                                        t("analyses.waterfall.chart"), lang)
    b = view["bridge"]
    if b.get("debt_service"):
        years = sorted({r["year"] for r in b["debt_service"] if r["year"] != "undated"})
        firms = sorted({r["firm"] for r in b["debt_service"]})
        ds = {(r["firm"], r["year"]): r["debt_service"] for r in b["debt_service"]}
        out["debt_service"] = bars_svg(years, {names.get(f, f): [ds.get((f, y), 0.0) for y in years] for f in firms},
                                       t("analyses.bridge.debt_chart"), lang)
    h = view["haircut"]
    if "rows" in h:
        ks = h["ks"]
        firms = sorted({r["firm"] for r in h["rows"]})
        gap = {(r["k"], r["firm"]): r["funding_gap"] for r in h["rows"]}
        out["haircut"] = lines_svg([f"{100 * k:.0f}%" for k in ks],
                                   {names.get(f, f): [gap.get((k, f), 0.0) for k in ks] for f in firms},
                                   t("analyses.haircut.chart"), lang)
    sc = view["scenarios"]
    if sc.get("tornado") and sc["tornado"]["rows"]:
        from dealweb.i18n import say

        by: dict[str, list[float]] = {}
        said: dict[str, str] = {}  # the assumption in ``lang`` (the simulation room's structured words)
        english: set[str] = set()  # words the room still writes itself: marked as English on the chart
        for r in sc["tornado"]["rows"]:
            key = str(r["assumption"])
            d = by.setdefault(key, [0.0, 0.0])
            d[0 if r["side"] == "down" else 1] = float(r["delta_pp"])
            said[key] = say(r["assumption"], lang)
            if not callable(getattr(r["assumption"], "say", None)):
                english.add(said[key])
        rows = sorted(by.items(), key=lambda kv: -max(abs(kv[1][0]), abs(kv[1][1])))[:12]
        firm = sc["tornado"]["firm"]
        out["tornado"] = tornado_svg([(said[k], v[0], v[1]) for k, v in rows],
                                     t("analyses.tornado.heading", firm=names.get(firm, firm),
                                       scenario=sc["tornado"]["scenario"]),
                                     sides=(t("analyses.tornado.down"), t("analyses.tornado.up")), english=english)
    return out


def render_analyses(view: dict[str, Any], lang: str = "en", names: dict[str, str] | None = None,
                    face: str = "report") -> Any:
    """The view as HTML (``Markup``) in ``lang``: the report's section body, or the web app's page body.

    ``face="web"`` adds what the report shows elsewhere (the tests' not-assessed lines and the waterfall
    table, which the report's metrics dashboard holds).
    """
    from markupsafe import Markup

    from dealweb.i18n import check_lang, messages
    from dealweb.report.html import environment, say_html

    lang = check_lang(lang)
    names = names or {}

    charts = {k: Markup(v) for k, v in _charts(view, names, lang).items()}  # noqa: S704 - svg escapes every text
    lacking = view["bridge"].get("need_not_assessed") or []
    shown = ", ".join(names.get(f, f) for f in lacking[:8]) + (" …" if len(lacking) > 8 else "")
    return Markup(environment().get_template("analyses.html").render(  # noqa: S704 - autoescaped template
        view=view, t=messages(lang), lang=lang, names=names, face=face, charts=charts, lacking=shown,
        say=lambda x: say_html(x, lang)))
