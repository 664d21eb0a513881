"""Adapters from the analytical rooms' public functions to the report's rows and series.

Each ``fill_*`` function imports its room lazily (an :class:`ImportError` marks the section as not
available) and copies the room's results into an :class:`~dealweb.report.analysis.Analysis`; it does
no arithmetic on them beyond choosing which fields to show.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np

from dealweb.model import Ledger
from dealweb.report.analysis import Analysis, LoopRow

__all__ = ["fill_exposure", "fill_loops", "fill_metrics", "fill_stress", "fill_who_pays", "stress_tables"]


def _web(ledger: Ledger, on: date | None, include: tuple[str, ...] = ("firm",)):  # noqa: ANN202 - graph.Web
    from dealweb.graph import snapshot

    return snapshot(ledger, at=on, include=include)


def fill_loops(an: Analysis, ledger: Ledger, on: date | None, top: int = 25) -> None:
    """Money loops from :func:`dealweb.graph.loops`, largest first, firm and conditional money told apart.

    The web holds firm and conditional money; a loop that runs through conditional money ("up to",
    letters of intent, tranches, rumours) is labelled so, with the deals that make it conditional.
    """
    from dealweb.graph import loops

    res = loops(_web(ledger, on, ("firm", "conditional")), top=top)
    for lp in res.loops:
        deals = tuple(dict.fromkeys(d for hop in lp.deals for d in hop))
        label = ("conditional: runs through " + ", ".join(lp.conditional_deals)) if lp.conditional else "firm"
        an.loops.append(LoopRow(entities=(*lp.entities, lp.entities[0]), deals=deals, usd=lp.bottleneck,
                                label=label, conditional=tuple(lp.conditional_deals) if lp.conditional else ()))
    if not res.loops:
        an.notes["loops"] = "No money loops in this web."


def fill_who_pays(an: Analysis, ledger: Ledger, on: date | None, firms: int = 10) -> None:
    """Ultimate origins of the firm money reaching the ``firms`` largest receivers (:func:`dealweb.graph.trace`).

    Each firm's inflow (USD) is split by the trace's origins and their classes. An origin paying out more
    than it takes in appears as itself up to the cash the ledger records for it (``"<id> (own cash)"``)
    and as ``"unfunded: <id>"`` beyond (money no one in the ledger provides). Loops are not removed: a firm
    whose own money comes back to it round a loop is one of its own origins (its circularity). Conditional
    money is left out (the note says how much).
    """
    from dealweb.graph import DEFINITION, origin_system, trace

    web = _web(ledger, on)
    an.texts["who_pays_definition"] = DEFINITION
    if web.left_out.get("conditional"):
        an.texts["who_pays_conditional"] = (
            f"Firm money only: {_fmt(web.left_out['conditional'], 'usd')} of conditional money ('up to' ceilings, "
            "letters of intent, tranches, rumours) is left out.")
    system = origin_system(web)
    inflow = web.inflow
    order = sorted(range(web.n), key=lambda i: (-float(inflow[i]), web.ids[i]))
    skipped = []
    for i in order[:firms]:
        if inflow[i] <= 0:
            continue
        t = trace(system, web.ids[i])
        if t.status != "ok":
            skipped.append(t.message)
            continue
        row: dict[str, float] = {}
        for o, cls, share in t.origin_classes:
            key = f"unfunded: {o}" if cls == "unfunded" else f"{o} (own cash)" if cls == "own_funds" else o
            row[key] = row.get(key, 0.0) + share * t.inflow
        an.who_pays[t.entity] = row
    if skipped:
        an.notes["who_pays_skipped"] = "; ".join(skipped)
    if not an.who_pays:
        an.notes["who_pays"] = "No entity receives money from outside a loop in this web."


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.0f} %"


def fill_exposure(an: Analysis, ledger: Ledger, on: date | None, firms: int = 15) -> None:
    """Exposure and concentration of the ``firms`` largest receivers, from :func:`dealweb.graph.exposure`.

    Concentration is the Herfindahl-Hirschman index of counterparty shares (Herfindahl 1950; 1 = a single
    counterparty), as the graph room computes it.
    """
    from dealweb.graph import exposure
    from dealweb.report.analysis import Table
    from dealweb.report.svg import usd_short

    web = _web(ledger, on)
    order = sorted(range(web.n), key=lambda i: (-float(web.inflow[i]), web.ids[i]))
    names = {e.id: e.name for e in ledger.entities.values()}
    rows, refs = [], []
    for i in order[:firms]:
        if web.inflow[i] <= 0:
            continue
        ex = exposure(web, web.ids[i], ledger=ledger)
        rec = ex.categories.get("receivables")
        fund = ex.categories.get("funding")
        top = rec.counterparties[0] if rec and rec.counterparties else None
        rows.append({
            "Entity": names.get(ex.entity, ex.entity),
            "Receives (USD)": usd_short(ex.in_strength),
            "Pays (USD)": usd_short(ex.out_strength),
            "Largest payer": f"{names.get(top.id, top.id)} ({_pct(top.share)})" if top else "—",
            "Receivables HHI": f"{rec.hhi:.2f}" if rec and rec.total > 0 else "—",
            "Funding (USD)": usd_short(fund.total) if fund and fund.total > 0 else "—",
            "Funding HHI": f"{fund.hhi:.2f}" if fund and fund.total > 0 else "—",
            "PageRank rank": f"{ex.pagerank_rank} of {ex.n_entities}",
        })
        refs.append(None)
    if rows:
        an.exposure.append(Table(
            "Who depends on whom", tuple(rows[0]), tuple(rows), tuple(refs),
            note="HHI: Herfindahl-Hirschman index of counterparty shares (1 = one counterparty). "
                 "Amounts are whole contracts (mid of each interval), in USD."))
    else:
        an.notes["exposure"] = "No entity receives money in this web."


def _fmt(value: object, unit: str | None) -> str:
    """A metric's value in its unit: :func:`dealweb.fmt.value`, the one formatter."""
    from dealweb.fmt import value as fmt_value

    return fmt_value(value, unit)


_ACRONYMS = {"gw": "GW", "usd": "USD", "rpo": "RPO", "pe": "P/E", "peg": "PEG", "fcf": "FCF", "cagr": "CAGR"}


def _label(name: str) -> str:
    words = [_ACRONYMS.get(w, w) for w in name.replace("-", "_").split("_")]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def fill_metrics(an: Analysis, ledger: Ledger, on: date | None) -> None:
    """The metrics dashboard: every metric of :mod:`dealweb.metrics` on its ledger defaults.

    Each metric gives a table of results and a table of inputs with their sources (the quote and document
    of a ledger figure, or the note of an assumption), as ``dealweb.metrics.presets.all_results`` reports.
    """
    from dealweb.metrics.presets import all_results
    from dealweb.report.analysis import Table

    for name, result in all_results(ledger).items():
        d = result.as_dict()
        if d.get("assessed") is False:
            # the ledger lacks this test's inputs: say what is needed and how to add it, show no figure
            an.metrics.append(Table(f"{_label(name)}: not assessed", ("Result", "Value"), (
                {"Result": "Not assessed", "Value": "needs " + ", ".join(d.get("needs") or [])},
                {"Result": "How to add it", "Value": str(d.get("how") or "")}), note=""))
            continue
        rows = [{"Result": _label(k), "Value": _fmt(v.get("value"), v.get("unit"))}
                for k, v in (d.get("results") or {}).items() if isinstance(v, dict)]
        for ent in d.get("entities") or []:
            if isinstance(ent, dict) and ent.get("verdict"):
                rows.append({"Result": "Verdict", "Value": str(ent["verdict"])})
        inputs = []
        for k, v in (d.get("inputs") or {}).items():
            if not isinstance(v, dict):
                continue
            src = v.get("source") or {}
            where = src.get("quote") or src.get("note") or ""
            doc = f" ({src['document']})" if src.get("document") else ""
            value = v.get("value")
            if value is None and not src:
                continue  # nothing given and nothing to cite (e.g. the entities a metric takes when passed)
            shown = _fmt(value, v.get("unit")) if not isinstance(value, list) else f"{len(value)} values"
            source = f"{src['kind']}: {where}{doc}" if src.get("kind") else f"{where}{doc}"
            inputs.append({"Input": _label(k), "Value": shown, "Source": source})
        note = " ".join(str(a) for a in (d.get("assumptions") or [])[:3])
        if rows:
            an.metrics.append(Table(f"{_label(name)}: results", ("Result", "Value"), tuple(rows), note=note))
        if inputs:
            an.metrics.append(Table(f"{_label(name)}: inputs and their sources", ("Input", "Value", "Source"),
                                    tuple(inputs)))
    _fill_waterfall(an, ledger)


def _fill_waterfall(an: Analysis, ledger: Ledger) -> None:
    """The obligations waterfall of the firms the ledger's analyses name (payers, backlog firms and customers)."""
    from dealweb.flows import build_flows
    from dealweb.metrics.waterfall import waterfall
    from dealweb.report.analysis import Table

    if ledger.analyses is None:
        return
    firms = tuple(sorted({e for recs in ledger.analyses.tests.values() for r in recs for e in r.entities.values()
                          if e in ledger.entities}))
    if not firms:
        return
    w = waterfall(build_flows(ledger), ledger, firms)
    rows = tuple({"Firm": y.firm, "Year": y.year, "Paid": _fmt(y.paid, "usd"), "Firm owed": _fmt(y.firm_owed, "usd"),
                  "Conditional": _fmt(y.conditional, "usd"),
                  "Income": _fmt(y.income, "usd") + ("" if y.income_basis == "recorded revenue" else " (web)"),
                  "Funding": _fmt(y.funding, "usd"), "Gap": _fmt(y.gap, "usd")} for y in w.years)
    if rows:
        an.metrics.append(Table("Obligations waterfall (US dollars per calendar year)",
                                ("Firm", "Year", "Paid", "Firm owed", "Conditional", "Income", "Funding", "Gap"),
                                rows, note="; ".join(w.assumptions)))


def fan_bands(per_run: np.ndarray) -> dict[str, tuple[float, ...]]:
    """Quantile bands over runs of a ``(runs, periods)`` array: p05, p25, p50, p75, p95 per period."""
    qs = {"p05": 0.05, "p25": 0.25, "p50": 0.5, "p75": 0.75, "p95": 0.95}
    return {k: tuple(float(x) for x in np.quantile(per_run, q, axis=0)) for k, q in qs.items()}


def fill_stress(an: Analysis, ledger: Ledger, on: date | None, seed: int | None = None,
                draws: int | None = None) -> None:
    """Fan charts, default probabilities, sensitivity and assumptions of every bundled scenario.

    Each scenario runs ``draws`` times from ``seed`` (``None``: the scenario's, i.e. dealweb's one default
    for the CLI, the report and the web app), with its sensitivity table (:func:`dealweb.sim.stress`). The
    charts show, per quarter, the outside capital the web needs (raised plus the gap left unmet) and the
    gap left unmet, as quantile bands over the runs; the tables come from :func:`stress_tables`.
    """
    from dealweb.errors import DealwebError
    from dealweb.report.analysis import FanChart
    from dealweb.sim import bundled_scenarios, load_scenario, stress
    from dealweb.sim.stress import ledger_warning

    names = {e.id: e.name for e in ledger.entities.values()}
    skipped = []
    foreign = 0
    for name, path in bundled_scenarios().items():
        try:
            sc = load_scenario(path)
            if ledger_warning(name, sc.ledger, ledger.name):
                foreign += 1  # its firms' inputs were written for another web: not assessed here, never borrowed
                continue
            res = stress(sc, ledger, runs=draws, seed=seed, sensitivity=True)
        except DealwebError as exc:  # a scenario written for another ledger: say so, run the others
            # never name another ledger's firms in this ledger's report: only that the scenario does not fit
            if "is not in ledger" in exc.message:
                foreign += 1
            else:
                skipped.append(f"{name}: {exc.message}")
            continue
        an.seed = res.seed
        labels = tuple(res.model.grid.labels())
        r = res.runs
        summary = res.summary(top=5)
        rl = summary["runs_label"]
        an.fans.append(FanChart(f"{name}: outside capital needed per quarter ({rl})", labels,
                                fan_bands(r.raised + r.unmet)))
        an.fans.append(FanChart(f"{name}: funding gap left unmet per quarter ({rl})", labels, fan_bands(r.unmet)))
        an.stress_tables.extend(stress_tables(summary, names))
    if foreign:
        skipped.append(f"{foreign} bundled scenario(s) written for another ledger or for firms this ledger does not "
                       "hold (write a scenario for this ledger's firms: docs/simulation.md)")
    if skipped:
        an.notes["stress" if not an.fans else "stress_skipped"] = "scenarios not run: " + "; ".join(skipped)


def _pp(x: float) -> str:
    return f"{x:+.1f} pp"


def stress_tables(summary: dict[str, Any], names: dict[str, str] | None = None) -> list[Any]:
    """A stress test's summary as the report's and the web app's tables (the same rows in both faces).

    Who fails (default apart from cannot-raise, the cause, the assumption that moves it most), what moves
    the default probabilities most (one-at-a-time bumps), the capital groups, each firm's capex with its
    in-web purchases carved out, and every contract as simulated with each term from the ledger or assumed.
    Every title carries the runs and seed.
    """
    from dealweb.report.analysis import Table

    names = names or {}
    sc, rl, d = summary["scenario"], summary["runs_label"], summary["definitions"]
    out = []
    rows = []
    for ent in summary["entities"]:
        if ent["assumed"] != "scenario" and ent["default_probability"] == 0:
            continue
        c, mv, sf = ent["default_causes"], ent.get("moved_most_by"), ent["shortfall_usd"]
        rows.append({
            "Entity": names.get(ent["id"], ent["id"]) + ("" if ent["assumed"] == "scenario" else " (others)"),
            "Capital group": ent["group"],
            "Default probability": f"{100 * ent['default_probability']:.1f} %",
            "Cannot raise": f"{100 * ent['cannot_raise_probability']:.1f} %",
            "Default cause (market / counterparty / shock)":
                f"{100 * c['market']:.0f} / {100 * c['counterparty']:.0f} / {100 * c['shock']:.0f} %",
            "Median default quarter": ent["default_period_median"] or "—",
            "Shortfall (mean)": _fmt(sf.get("mean"), "usd"),
            "Moved most by": f"{mv['assumption']} (±{mv['max_abs_delta_pp']:.1f} pp)" if mv else "—",
        })
    cols = ("Entity", "Capital group", "Default probability", "Cannot raise",
            "Default cause (market / counterparty / shock)", "Median default quarter", "Shortfall (mean)",
            "Moved most by")
    out.append(Table(f"{sc}: who fails ({rl})", cols, tuple(rows),
                     note=f"{summary['description']} Default: {d['default']}. Cannot raise: {d['cannot_raise']}."))
    sens = summary.get("sensitivity")
    if sens:
        moving = [f for f in sens["firms"] if any(abs((r[s] or {}).get("delta_pp", {}).get(f, 0.0)) > 0
                                                  for r in sens["rows"] for s in ("down", "up"))]
        srows = []
        for r in sens["rows"]:
            for side in ("down", "up"):
                b = r[side]
                if b is None:
                    continue
                row = {"Assumption": r["assumption"], "Base value": r["base"], "Source": r["source"],
                       "Bump": b["bump"]}
                row.update({f"{names.get(f, f)} ({100 * sens['base'][f]:.1f} %)": _pp(b["delta_pp"][f])
                            for f in moving})
                srows.append(row)
        scols = ("Assumption", "Base value", "Source", "Bump",
                 *(f"{names.get(f, f)} ({100 * sens['base'][f]:.1f} %)" for f in moving))
        out.append(Table(f"{sc}: what moves the default probabilities most ({sens['runs']:,} runs, seed "
                         f"{sens['seed']})", scols, tuple(srows),
                         note=f"{sens['method']}; change of each firm's default probability in percentage "
                              f"points; {sens['assumptions_screened']} assumptions screened with "
                              f"{sens['screen_runs']:,} runs, the largest run again with {sens['runs']:,}."))
    grows = []
    for g in summary["capital_groups"]:
        end = g["appetite_mean_by_period"][-1] if g["appetite_mean_by_period"] else float("nan")
        grows.append({"Group": g["name"], "Members": ", ".join(names.get(m, m) for m in g["members"]),
                      "Appetite": g["appetite"], "Sensitivity": g["sensitivity"], "Recovery": f"{g['recovery']:g}",
                      "Target path": ", ".join(f"{p['target']:g} from {p['from']}" for p in g["path"]) or "its start",
                      "Appetite at the end (mean)": f"{end:.2f}"})
    out.append(Table(f"{sc}: capital groups ({rl})", ("Group", "Members", "Appetite", "Sensitivity", "Recovery",
                                                    "Target path", "Appetite at the end (mean)"), tuple(grows),
                     note=d["capital_group"] + "."))
    crows = []
    for ent in summary["entities"]:
        if ent["assumed"] != "scenario":
            continue
        cx = ent["capex"]
        crows.append({"Entity": names.get(ent["id"], ent["id"]), "Capex a year": _fmt(cx["figure_usd_per_year"], "usd"),
                      "Source": cx["source"] or "—", "Carved out": cx.get("carved_out", "—"),
                      "Bought in the web (mean)": _fmt(cx["bought_in_web_usd_mean"], "usd"),
                      "Paid outside (mean)": _fmt(cx["paid_outside_usd_mean"], "usd"),
                      "Debt service outside (mean)": _fmt(ent["outside_debt_service_usd_mean"], "usd")})
    out.append(Table(f"{sc}: capex, one figure per firm ({rl})",
                     ("Entity", "Capex a year", "Source", "Carved out", "Bought in the web (mean)",
                      "Paid outside (mean)", "Debt service outside (mean)"), tuple(crows), note=d["capex"] + "."))
    lrows = []
    for ln in summary["assumptions"]["lines"]:
        terms = {t["term"]: t for t in ln["terms"]}

        def cell(term: str, terms: dict[str, Any] = terms) -> str:
            t = terms.get(term)
            return "—" if t is None else t["value"] + (" (assumed)" if t["source"].startswith("assumed") else "")

        lrows.append({"Deal": ln["deal"], "Payer → payee": f"{ln['payer']} → {ln['payee']}", "Amount": ln["amount"],
                      "Status": ln["status"], "Shape": cell("shape"), "Start": cell("start"),
                      "Years": cell("years") if "years" in terms else f"to {cell('maturity')}",
                      "Sources": "; ".join(f"{t['term']}: {t['source']}" for t in ln["terms"]
                                           if not t["source"].startswith("assumed"))[:300]})
    out.append(Table(f"{sc}: contracts as simulated, each term from the ledger or assumed",
                     ("Deal", "Payer → payee", "Amount", "Status", "Shape", "Start", "Years", "Sources"),
                     tuple(lrows)))
    return out
