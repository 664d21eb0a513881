"""Adapters from the analytical rooms' public functions to the report's rows and series.

Each ``fill_*`` function imports its room lazily (an :class:`ImportError` marks the section as not
available) and copies the room's results into an :class:`~dealweb.report.analysis.Analysis`; it does
no arithmetic on them beyond choosing which fields to show.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import numpy as np

from dealweb.i18n import Join, Msg, Name, Val, Verbatim, name_of
from dealweb.model import Ledger
from dealweb.report.analysis import Analysis, LoopRow

__all__ = ["fill_exposure", "fill_loops", "fill_metrics", "fill_stress", "fill_who_pays", "money_msg",
           "origin_label", "runs_msg", "stress_tables"]


def _names(ledger: Ledger) -> dict[str, Name]:
    """Every entity's :class:`~dealweb.i18n.Name` (English as a str, any script with ``say``)."""
    return {e.id: name_of(e) for e in ledger.entities.values()}


def origin_label(key: str, names: dict[str, Any]) -> Msg | Any:
    """A who-pays origin key (``id``, ``"unfunded: id"``, ``"id (own cash)"``) as text to show."""
    if key.startswith("unfunded: "):
        i = key.removeprefix("unfunded: ")
        return Msg("who.unfunded", name=names.get(i, i))
    if key.endswith(" (own cash)"):
        i = key.removesuffix(" (own cash)")
        return Msg("who.own_cash", name=names.get(i, i))
    return names.get(key, key)


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
        label = Msg("loops.conditional", deals=Join(lp.conditional_deals)) if lp.conditional else Msg("loops.firm")
        an.loops.append(LoopRow(entities=(*lp.entities, lp.entities[0]), deals=deals, usd=lp.bottleneck,
                                label=label, conditional=tuple(lp.conditional_deals) if lp.conditional else ()))
    if not res.loops:
        an.notes["loops"] = Msg("loops.none")


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
    an.texts["who_pays_definition"] = Msg("who.definition") if DEFINITION else DEFINITION
    if web.left_out.get("conditional"):
        an.texts["who_pays_conditional"] = Msg("who.conditional_left_out", amount=Val(web.left_out["conditional"]))
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
        an.notes["who_pays"] = Msg("who.none")


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.0f}%"


def fill_exposure(an: Analysis, ledger: Ledger, on: date | None, firms: int = 15) -> None:
    """Exposure and concentration of the ``firms`` largest receivers, from :func:`dealweb.graph.exposure`.

    Concentration is the Herfindahl-Hirschman index of counterparty shares (Herfindahl 1950; 1 = a single
    counterparty), as the graph room computes it.
    """
    from dealweb.graph import exposure
    from dealweb.report.analysis import Table

    web = _web(ledger, on)
    order = sorted(range(web.n), key=lambda i: (-float(web.inflow[i]), web.ids[i]))
    names = _names(ledger)
    cols = tuple(Msg(f"exposure.col.{c}") for c in ("entity", "receives", "pays", "largest_payer", "receivables_hhi",
                                                      "funding", "funding_hhi", "pagerank"))
    rows, refs = [], []
    for i in order[:firms]:
        if web.inflow[i] <= 0:
            continue
        ex = exposure(web, web.ids[i], ledger=ledger)
        rec = ex.categories.get("receivables")
        fund = ex.categories.get("funding")
        top = rec.counterparties[0] if rec and rec.counterparties else None
        cells = (
            names.get(ex.entity, ex.entity),
            Val(ex.in_strength),
            Val(ex.out_strength),
            Msg("exposure.largest", name=names.get(top.id, top.id), share=_pct(top.share)) if top else "—",
            f"{rec.hhi:.2f}" if rec and rec.total > 0 else "—",
            Val(fund.total) if fund and fund.total > 0 else "—",
            f"{fund.hhi:.2f}" if fund and fund.total > 0 else "—",
            Msg("exposure.rank", rank=ex.pagerank_rank, n=ex.n_entities),
        )
        rows.append(dict(zip(cols, cells, strict=True)))
        refs.append(None)
    if rows:
        an.exposure.append(Table(Msg("exposure.title"), cols, tuple(rows), tuple(refs), note=Msg("exposure.note")))
    else:
        an.notes["exposure"] = Msg("exposure.none")


def _fmt(value: object, unit: str | None) -> str:
    """A metric's value in its unit: :func:`dealweb.fmt.value`, the one formatter."""
    from dealweb.fmt import value as fmt_value

    return fmt_value(value, unit)


_ACRONYMS = {"gw": "GW", "usd": "USD", "rpo": "RPO", "pe": "P/E", "peg": "PEG", "fcf": "FCF", "cagr": "CAGR"}


def _label(name: str) -> str:
    words = [_ACRONYMS.get(w, w) for w in name.replace("-", "_").split("_")]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def _label_msg(kind: str, name: str) -> str:
    """A metric's, result's or input's name as a catalogue message (``metrics.result.coverage``).

    A name the catalogues do not have yet is shown as English words (the language test lists it).
    """
    from dealweb.i18n import catalogue

    key = f"metrics.{kind}.{name.replace('-', '_')}"
    return Msg(key) if key in catalogue("en") else _label(name)


def room_text(text: Any) -> Any:
    """A room's own text as the faces show it, said in the page's language when it can be.

    A structured message (:class:`~dealweb.i18n.Msg`, ``Join``, ``Fig``) is said in the page's language;
    plain English a room still writes itself is marked as such (``translate="no" lang="en"``).
    """
    if text is None or text == "":
        return ""
    if callable(getattr(text, "say", None)):
        return text
    # figures and signs only ("x0.8", "+0.1", "2027-01-01") are the same in every language
    return str(text) if not re.search(r"[A-Za-z]{2,}", str(text)) else Verbatim(str(text), "en")


def said_text(text: Any) -> Any:
    """:func:`room_text` of a text or of a list of texts (joined with ``", "``, ``、`` in Chinese)."""
    if isinstance(text, list | tuple):
        return Join([said_text(p) for p in text], ", ")
    return text if isinstance(text, Verbatim) else room_text(text)


def _verdict(ent: dict[str, Any], names: dict[str, Any]) -> str:
    """A bubble verdict: how many assessed parts show a sign, then the parts' reasons, in the page's language."""
    e = str(ent.get("entity") or "")
    verdict = ent["verdict"]
    if not isinstance(ent.get("signs"), int) or not isinstance(ent.get("assessed"), int):
        return room_text(verdict)
    summary = Msg("metrics.verdict", name=names.get(e, Verbatim(e)), signs=ent["signs"], assessed=ent["assessed"])
    detail = verdict.args.get("named") if isinstance(verdict, Msg) else None
    return Join([summary, detail], " · ") if detail else summary


def fill_metrics(an: Analysis, ledger: Ledger, on: date | None) -> None:
    """The metrics dashboard: every metric of :mod:`dealweb.metrics` on its ledger defaults.

    Each metric gives a table of results and a table of inputs with their sources (the quote and document
    of a ledger figure, or the note of an assumption), as ``dealweb.metrics.presets.all_results`` reports.
    """
    from dealweb.metrics.presets import all_results
    from dealweb.report.analysis import Table

    names = _names(ledger)
    c_res, c_val = Msg("metrics.col.result"), Msg("metrics.col.value")
    c_in, c_kind, c_src = Msg("metrics.col.input"), Msg("metrics.col.kind"), Msg("metrics.col.source")
    for name, result in all_results(ledger).items():
        d = result.as_dict()
        label = _label_msg("name", name)
        if d.get("assessed") is False:
            # the ledger lacks this test's inputs: say what is needed and how to add it, show no figure
            an.metrics.append(Table(Msg("metrics.title_not_assessed", name=label), (c_res, c_val), (
                {c_res: Msg("metrics.not_assessed"), c_val: Msg("metrics.needs", what=said_text(d.get("needs") or []))},
                {c_res: Msg("metrics.how_to_add"), c_val: said_text(d.get("how") or "")}), note=""))
            continue
        rows = [{c_res: _label_msg("result", k), c_val: Val(v.get("value"), v.get("unit"))}
                for k, v in (d.get("results") or {}).items() if isinstance(v, dict)]
        for ent in d.get("entities") or []:
            if isinstance(ent, dict) and ent.get("verdict"):
                rows.append({c_res: Msg("metrics.verdict_row"), c_val: _verdict(ent, names)})
        inputs = []
        for k, v in (d.get("inputs") or {}).items():
            if not isinstance(v, dict):
                continue
            src = v.get("source") or {}
            doc = f" ({src['document']})" if src.get("document") else ""
            # a quote is shown as written; the room's own note (an assumption, a hint) in the page's language
            where = Verbatim(f"{src['quote']}{doc}") if src.get("quote") else Join(
                [room_text(src.get("note") or ""), doc], "") if doc else room_text(src.get("note") or "")
            value = v.get("value")
            if value is None and not src:
                continue  # nothing given and nothing to cite (e.g. the entities a metric takes when passed)
            shown = Val(value, v.get("unit")) if not isinstance(value, list) else Msg("metrics.n_values",
                                                                                     n=len(value))
            kind = str(src.get("kind") or "")
            inputs.append({c_in: _label_msg("input", k), c_val: shown,
                           c_kind: _label_msg("source", kind) if kind else "—",
                           c_src: where})
        note = Join([room_text(a) for a in (d.get("assumptions") or [])[:3]], " ")
        if rows:
            an.metrics.append(Table(Msg("metrics.title_results", name=label), (c_res, c_val), tuple(rows), note=note))
        if inputs:
            an.metrics.append(Table(Msg("metrics.title_inputs", name=label), (c_in, c_val, c_kind, c_src),
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
    names = _names(ledger)
    w = waterfall(build_flows(ledger), ledger, firms)
    cols = tuple(Msg(f"waterfall.col.{c}") for c in ("firm", "year", "paid", "firm_owed", "conditional", "income",
                                                      "funding", "gap"))

    def income(y: Any) -> str:
        return Val(y.income) if y.income_basis == "recorded revenue" else Msg("waterfall.web_income",
                                                                             amount=Val(y.income))

    rows = tuple(dict(zip(cols, (
        names.get(y.firm, y.firm), Msg("waterfall.undated") if str(y.year) == "undated" else str(y.year),
        Val(y.paid), Val(y.firm_owed), Val(y.conditional), income(y), Val(y.funding), Val(y.gap)), strict=True))
        for y in w.years)
    if rows:
        an.metrics.append(Table(Msg("waterfall.title"), cols, rows, note=Join([room_text(a) for a in w.assumptions],
                                                                               "; ")))


def fan_bands(per_run: np.ndarray) -> dict[str, tuple[float, ...]]:
    """Quantile bands over runs of a ``(runs, periods)`` array: p05, p25, p50, p75, p95 per period."""
    qs = {"p05": 0.05, "p25": 0.25, "p50": 0.5, "p75": 0.75, "p95": 0.95}
    return {k: tuple(float(x) for x in np.quantile(per_run, q, axis=0)) for k, q in qs.items()}


def fill_stress(an: Analysis, ledger: Ledger, on: date | None, seed: int | None = None,
                draws: int | None = None, include: tuple[str, ...] = ()) -> None:
    """Fan charts, default probabilities, sensitivity and assumptions of every bundled scenario.

    Each scenario runs ``draws`` times from ``seed`` (``None``: the scenario's, i.e. dealweb's one default
    for the CLI, the report and the web app), with its sensitivity table (:func:`dealweb.sim.stress`). The
    charts show, per quarter, the outside capital the web needs (raised plus the gap left unmet) and the
    gap left unmet, as quantile bands over the runs; the tables come from :func:`stress_tables`.
    Firm money only unless ``include`` names ``conditional`` (or ``rumoured``), as in ``dealweb stress``;
    the choice is kept in ``an.money`` and printed beside every result.
    """
    from dealweb.errors import DealwebError
    from dealweb.report.analysis import FanChart
    from dealweb.sim import bundled_scenarios, load_scenario, stress
    from dealweb.sim.stress import ledger_warning

    names = _names(ledger)
    skipped = []
    foreign = 0
    quick: list[str] = []
    full_runs = 0
    for name, path in bundled_scenarios(ledger.name).items():
        try:
            sc = load_scenario(path)
            if ledger_warning(name, sc.ledger, ledger.name):
                foreign += 1  # its firms' inputs were written for another web: not assessed here, never borrowed
                continue
            # a scenario may ask the report for a quick run (scenario.report_runs: fewer runs, no sensitivity
            # bumps) when its web is large; the report says so, and `dealweb stress NAME` runs it in full
            fast = draws is None and sc.report_runs is not None
            res = stress(sc, ledger, runs=sc.report_runs if fast else draws, seed=seed, sensitivity=not fast,
                         include=include)
            if fast:
                quick.append(name)
                full_runs = sc.runs
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
        an.stress_summaries[name] = summary
        an.money = tuple(summary["money"]["include"])
        runs = runs_msg(summary)
        an.fans.append(FanChart(Msg("stress.fan.capital_needed", scenario=name, runs=runs), labels,
                                fan_bands(r.raised + r.unmet)))
        an.fans.append(FanChart(Msg("stress.fan.unmet_gap", scenario=name, runs=runs), labels, fan_bands(r.unmet)))
        an.stress_tables.extend(stress_tables(summary, names))
    if quick:
        an.texts["stress_quick"] = Msg("stress.quick", scenarios=", ".join(quick), runs=f"{full_runs:,}")
    if foreign:
        skipped.append(Msg("stress.foreign", n=foreign))
    if skipped:
        an.notes["stress" if not an.fans else "stress_skipped"] = Msg("stress.not_run", why=Join(skipped, "; "))


def _pp(x: float) -> str:
    return f"{x:+.1f} pp"


def runs_msg(summary: dict[str, Any], money: bool = True) -> Msg:
    """``2,000 runs, seed 20251015 (the default); firm money only`` as a message, translated.

    The summary's ``runs_label`` and, with ``money`` (and a summary that says), the money the run counts
    (:func:`money_msg`): printed beside every result.
    """
    from dealweb.sim.stress import DEFAULT_RUNS, DEFAULT_SEED

    runs, seed = int(summary["runs"]), int(summary["seed"])
    key = "stress.runs_default" if (runs, seed) == (DEFAULT_RUNS, DEFAULT_SEED) else "stress.runs"
    label = Msg(key, runs=f"{runs:,}", seed=seed)
    if not money or "money" not in summary:
        return label
    return Msg("stress.runs_money", runs=label, money=money_msg(summary))


def money_msg(summary: dict[str, Any]) -> Msg:
    """The money a stress test counts, short: ``firm money only`` or ``firm + conditional money``."""
    include = summary.get("money", {}).get("include", [])
    which = "conditional" if "conditional" in include else "rumoured" if "rumoured" in include else "firm"
    return Msg(f"stress.money.{which}")


def _definition(key: str, text: str) -> str:
    """One of the simulation's definitions: the catalogue's words when they say the room's text, else the text."""
    from dealweb.i18n import catalogue

    k = f"stress.def.{key}"
    return Msg(k) if catalogue("en").get(k) == text else Verbatim(text, "en")


def _status(status: str) -> Any:
    """A deal's lifecycle status (``signed``, ``completed``...) in the page's language."""
    from dealweb.i18n import catalogue

    return Msg(f"status.{status}") if f"status.{status}" in catalogue("en") else room_text(status)


def _left_out_deal(x: dict[str, Any]) -> Msg:
    """One deal of the money left out: ``deal (rumoured, up to $10B; trigger: ...; no date: not scheduled)``.

    The trigger is the ledger's own words (shown as written); the rest is said in the page's language.
    """
    st = str(x["status"])
    parts: list[Any] = [Join([Msg(f"stress.line_status.{st}") if st in ("firm", "conditional", "rumoured") else st,
                              room_text(x["amount"])], ", ")]
    if x.get("trigger"):
        parts.append(Msg("stress.left_out.trigger", trigger=Verbatim(str(x["trigger"]))))
    if x.get("not_scheduled"):
        parts.append(Msg("stress.left_out.undated"))
    return Msg("stress.left_out.deal", deal=Verbatim(str(x["deal"])), what=Join(parts, "; "))


def stress_tables(summary: dict[str, Any], names: dict[str, Any] | None = None) -> list[Any]:
    """A stress test's summary as the report's and the web app's tables (the same rows in both faces).

    Who fails (default apart from cannot-raise, the cause, the assumption that moves it most), what moves
    the default probabilities most (one-at-a-time bumps), the capital groups, each firm's capex with its
    in-web purchases carved out, and every contract as simulated with each term from the ledger or assumed.
    Every title carries the runs and seed. Headers and words are :class:`~dealweb.i18n.Msg` (said in any
    language); what the simulation room wrote itself (assumption names, sources) stays as it wrote it.
    """
    from dealweb.flows import SHAPES
    from dealweb.report.analysis import Table

    names = names or {}
    sc, rl, d = summary["scenario"], runs_msg(summary), summary["definitions"]

    def col(*keys: str) -> tuple[Msg, ...]:
        return tuple(Msg(f"stress.col.{k}") for k in keys)

    out = []
    rows = []
    cols = col("entity", "group", "default_p", "cannot_raise", "cause", "default_quarter", "shortfall", "moved_by")
    for ent in summary["entities"]:
        if ent["assumed"] != "scenario" and ent["default_probability"] == 0:
            continue
        c, mv, sf = ent["default_causes"], ent.get("moved_most_by"), ent["shortfall_usd"]
        nm = names.get(ent["id"], ent["id"])
        rows.append(dict(zip(cols, (
            nm if ent["assumed"] == "scenario" else Msg("stress.others", name=nm),
            Verbatim(ent["group"]),
            f"{100 * ent['default_probability']:.1f}%",
            f"{100 * ent['cannot_raise_probability']:.1f}%",
            f"{100 * c['market']:.0f} / {100 * c['counterparty']:.0f} / {100 * c['shock']:.0f}%",
            ent["default_period_median"] or "—",
            Val(sf.get("mean")),
            Join([room_text(mv["assumption"]), f"(±{mv['max_abs_delta_pp']:.1f} pp)"], " ") if mv else "—",
        ), strict=True)))
    out.append(Table(Msg("stress.title.who_fails", scenario=sc, runs=rl), cols, tuple(rows),
                     note=Join([Verbatim(summary["description"]),
                                Msg("stress.note.default", text=_definition("default", d["default"])),
                                Msg("stress.note.cannot_raise", text=_definition("cannot_raise", d["cannot_raise"])),
                                Msg("stress.money_conditional" if summary.get("money", {}).get("include")
                                    else "stress.money_firm")],
                               " ")))
    money = summary.get("money") or {}
    if money.get("left_out"):
        mcols = col("entity", "owed_to_it", "owed_to_it_horizon", "owed_by_it", "owed_by_it_horizon", "deals")
        mrows = tuple(dict(zip(mcols, (
            names.get(eid, eid), Val(f["owed_to_it_usd"]), Val(f["owed_to_it_in_horizon_usd"]),
            Val(f["owed_by_it_usd"]), Val(f["owed_by_it_in_horizon_usd"]), Verbatim(", ".join(f["deals"])),
        ), strict=True)) for eid, f in money["left_out_by_firm"].items())
        deals = Join([_left_out_deal(x) for x in money["left_out"]], "; ")
        # say what was actually left out: with --include conditional only the conditional money that has no
        # date (no quarter to pay it in) stays out; with firm money only, all conditional money does
        undated = all(not x.get("scheduled", True) for x in money["left_out"]) and bool(money.get("include"))
        which = "left_out_undated" if undated else "left_out"
        out.append(Table(Msg(f"stress.title.{which}", scenario=sc, runs=runs_msg(summary, money=False)), mcols, mrows,
                         note=Msg(f"stress.note.{which}", deals=deals)))
    sens = summary.get("sensitivity")
    if sens:
        moving = [f for f in sens["firms"] if any(abs((r[s] or {}).get("delta_pp", {}).get(f, 0.0)) > 0
                                                  for r in sens["rows"] for s in ("down", "up"))]
        firm_cols = tuple(Msg("stress.col.firm_base", name=names.get(f, f), p=f"{100 * sens['base'][f]:.1f}%")
                          for f in moving)
        scols = (*col("assumption", "base_value", "source", "bump"), *firm_cols)
        srows = []
        for r in sens["rows"]:
            for side in ("down", "up"):
                b = r[side]
                if b is None:
                    continue
                row = dict(zip(scols[:4], (room_text(r["assumption"]), room_text(r["base"]),
                                           room_text(r["source"]), room_text(b["bump"])), strict=True))
                row.update({c: _pp(b["delta_pp"][f]) for c, f in zip(firm_cols, moving, strict=True)})
                srows.append(row)
        out.append(Table(Msg("stress.title.moves", scenario=sc, runs=rl), scols, tuple(srows),
                         note=Msg("stress.note.sensitivity", method=room_text(sens["method"]),
                                  n=sens["assumptions_screened"], screen=f"{sens['screen_runs']:,}",
                                  runs=f"{sens['runs']:,}")))
    gcols = col("group", "members", "appetite", "sensitivity", "recovery", "target_path", "appetite_end")
    grows = []
    for g in summary["capital_groups"]:
        end = g["appetite_mean_by_period"][-1] if g["appetite_mean_by_period"] else float("nan")
        path = Join([Msg("stress.target_from", target=f"{p['target']:g}", start=p["from"]) for p in g["path"]])
        grows.append(dict(zip(gcols, (
            Verbatim(g["name"]), Join([names.get(m, m) for m in g["members"]]), str(g["appetite"]),
            str(g["sensitivity"]), f"{g['recovery']:g}", path if g["path"] else Msg("stress.its_start"),
            f"{end:.2f}"), strict=True)))
    out.append(Table(Msg("stress.title.groups", scenario=sc, runs=rl), gcols, tuple(grows),
                     note=_definition("capital_group", d["capital_group"])))
    ccols = col("entity", "capex", "source", "carved_out", "bought_in_web", "paid_outside", "debt_outside")
    crows = []
    for ent in summary["entities"]:
        if ent["assumed"] != "scenario":
            continue
        cx = ent["capex"]
        crows.append(dict(zip(ccols, (
            names.get(ent["id"], ent["id"]), Val(cx["figure_usd_per_year"]), room_text(cx["source"] or "—"),
            room_text(cx.get("carved_out", "—")), Val(cx["bought_in_web_usd_mean"]),
            Val(cx["paid_outside_usd_mean"]), Val(ent["outside_debt_service_usd_mean"])), strict=True)))
    out.append(Table(Msg("stress.title.capex", scenario=sc, runs=rl), ccols, tuple(crows),
                     note=_definition("capex", d["capex"])))
    lcols = col("deal", "parties", "amount", "status", "shape", "start", "years", "sources")
    lrows = []
    for ln in summary["assumptions"]["lines"]:
        terms = {t["term"]: t for t in ln["terms"]}

        def cell(term: str, terms: dict[str, Any] = terms) -> str:
            t = terms.get(term)
            if t is None:
                return "—"
            v = str(t["value"])
            if term == "shape":
                shown = Msg(f"stress.shape.{v}") if v in SHAPES else room_text(t["value"])
            else:
                shown = v
            return Msg("stress.assumed", value=shown) if t["source"].startswith("assumed") else shown

        years = cell("years") if "years" in terms else Msg("stress.to_maturity", date=cell("maturity"))
        lrows.append(dict(zip(lcols, (
            Verbatim(ln["deal"]), Join([names.get(ln["payer"], ln["payer"]), names.get(ln["payee"], ln["payee"])],
                                       " → "),
            room_text(ln["amount"]), Msg(f"stress.line_status.{ln['status']}") if ln["status"] in (
                "firm", "conditional") else _status(ln["status"]),
            cell("shape"), cell("start"), years,
            Verbatim("; ".join(f"{t['term']}: {t['source']}" for t in ln["terms"]
                               if not t["source"].startswith("assumed"))[:300])), strict=True)))
    out.append(Table(Msg("stress.title.contracts", scenario=sc), lcols, tuple(lrows)))
    return out
