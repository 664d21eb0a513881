"""Which assumptions move a stress test's headline results most: one-at-a-time bumps, common random numbers.

Each assumption of a run (a firm's cash, revenue, growth, opex ratio, capex, outside capacity and debt; each
capital group's appetite and sensitivity; the deployment pace; the interest rate; and the largest contracts'
amount, start and payment shape) is moved down and up by the sizes in the scenario's ``bumps`` section, one
at a time, everything else held. Every bumped simulation uses the same runs and seed as the base one, so
each run draws the same uniforms (common random numbers: a bumped distribution is sampled with the base
run's uniform), and the difference in a firm's default probability is the assumption's effect, not noise
(Glasserman, *Monte Carlo Methods in Financial Engineering*, 2003, sec. 7.1; Saltelli et al., *Global
Sensitivity Analysis: The Primer*, 2008, ch. 1 on one-at-a-time designs and their limits: interactions
between assumptions are not shown).

To keep it quick, every bump first runs with ``screen_runs`` runs; the ``top`` assumptions that move a
default probability most are then run again with the full number of runs, and those figures are reported.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from dealweb.i18n import Fig, Msg, Place, Verbatim, catalogue, id_name
from dealweb.model import Ledger
from dealweb.sim.engines import run_model
from dealweb.sim.montecarlo import Model, build_model, run_chunk
from dealweb.sim.scenario import Param
from dealweb.sim.schedules import _ramp, _window

__all__ = ["Bump", "bumps_of", "sensitivity_table"]

#: Contracts whose amount, start and shape are bumped: the largest this many by mid amount.
LARGEST_CONTRACTS = 6

_MONEY = ("cash", "revenue", "capex", "capacity", "debt")


@dataclass(frozen=True)
class Bump:
    """One assumption and how it is moved: ``down``/``up`` make the bumped model from the base one."""

    key: str
    assumption: str
    base: str
    source: str
    down: tuple[str, Callable[[Model], Model]] | None
    up: tuple[str, Callable[[Model], Model]] | None
    structural: bool = False  # changes schedules or lines (run on its own), not only parameters (batched)


def _with_input(model: Model, eid: str, field: str, fn: Callable[[Param], Param]) -> Model:
    inputs = {k: dict(v) for k, v in model.inputs.items()}
    inp = inputs[eid][field]
    inputs[eid][field] = replace(inp, param=fn(inp.param))
    return replace(model, inputs=inputs)


def _with_group(model: Model, k: int, **changes: Any) -> Model:
    groups = list(model.groups)
    groups[k] = replace(groups[k], **changes)
    return replace(model, groups=tuple(groups))


def _with_line(model: Model, k: int, line: Any, profile: np.ndarray | None = None) -> Model:
    lines = list(model.lines)
    lines[k] = line
    prof = model.profile.copy()
    if profile is not None:
        prof[k] = profile
    return replace(model, lines=tuple(lines), profile=prof)


def _pct(x: float) -> str:
    return f"{100 * x:g}%"


def _firm(ledger: Ledger | None, eid: str) -> Any:
    """A firm as the table names it: its id in English, its name in Chinese (:func:`dealweb.i18n.id_name`)."""
    e = ledger.entities.get(eid) if ledger is not None else None
    return id_name(e) if e is not None else eid


def _shape(rule: str) -> Any:
    """A payment shape's word, said in the page's language when the catalogue has it."""
    key = f"stress.shape.{rule}"
    return Msg(key) if catalogue("en").get(key) == rule else rule


def _contract(ln: Any, ledger: Ledger | None) -> Msg:
    """``deal (payer -> payee)``: a contract line as the table names it."""
    return Msg("sens.contract", deal=ln.deal, payer=_firm(ledger, ln.payer), payee=_firm(ledger, ln.payee))


def bumps_of(model: Model, ledger: Ledger) -> list[Bump]:
    """The assumptions of ``model`` to bump, each with its down and up change (sizes: ``scenario.bumps``).

    Names, bumps, bases and sources are :class:`~dealweb.i18n.Msg` (their ``str`` is the English the CLI and
    ``--json`` print; the report and the web app say them in the page's language).
    """
    sc, b = model.scenario, model.scenario.bumps
    out: list[Bump] = []
    rel, dg, dr, da = b.relative, b.growth, b.ratio, b.appetite
    for eid, row in model.inputs.items():
        for field, inp in row.items():
            p = inp.param
            if field in _MONEY and p.mean() > 0 and rel > 0:
                out.append(Bump(
                    f"entities.{eid}.{field}", Msg("sens.input", firm=_firm(ledger, eid),
                                                   field=Msg(f"sens.field.{field}")), p.said("USD"), inp.source,
                    (f"x{1 - rel:g}", lambda m, e=eid, f=field: _with_input(m, e, f, lambda q: q.scaled(1 - rel))),
                    (f"x{1 + rel:g}", lambda m, e=eid, f=field: _with_input(m, e, f, lambda q: q.scaled(1 + rel))),
                ))
            elif field == "growth" and dg > 0 and (p.mean() != 0 or row["revenue"].param.mean() > 0):
                out.append(Bump(
                    f"entities.{eid}.growth", Msg("sens.growth", firm=_firm(ledger, eid)), p.said(), inp.source,
                    (Msg("sens.bump.per_year", delta=f"-{dg:g}"),
                     lambda m, e=eid: _with_input(m, e, "growth", lambda q: q.shifted(-dg))),
                    (Msg("sens.bump.per_year", delta=f"+{dg:g}"),
                     lambda m, e=eid: _with_input(m, e, "growth", lambda q: q.shifted(dg))),
                ))
            elif field == "opex_ratio" and dr > 0 and p.mean() > 0:
                out.append(Bump(
                    f"entities.{eid}.opex_ratio", Msg("sens.opex_ratio", firm=_firm(ledger, eid)), p.said(), inp.source,
                    (f"-{dr:g}", lambda m, e=eid: _with_input(m, e, "opex_ratio", lambda q: q.shifted(-dr))),
                    (f"+{dr:g}", lambda m, e=eid: _with_input(m, e, "opex_ratio", lambda q: q.shifted(dr))),
                ))
    for k, g in enumerate(model.groups):
        listed = [e for e in g.members if e in model.inputs]
        if not listed:
            continue
        where = Msg("sim.src.scenario", where=Place(str(g.where))) if g.declared else Msg("sim.src.no_group")
        if da > 0:
            out.append(Bump(
                f"capital.groups.{g.name}.appetite", Msg("sens.appetite", group=g.name), g.appetite.said(),
                where,
                (f"-{da:g}", lambda m, k=k: _with_group(m, k, appetite=m.groups[k].appetite.shifted(-da))),
                (f"+{da:g}", lambda m, k=k: _with_group(m, k, appetite=m.groups[k].appetite.shifted(da))),
            ))
        if g.sensitivity.mean() > 0:
            out.append(Bump(
                f"capital.groups.{g.name}.sensitivity", Msg("sens.appetite_sensitivity", group=g.name),
                g.sensitivity.said(), where,
                ("x0.5", lambda m, k=k: _with_group(m, k, sensitivity=m.groups[k].sensitivity.scaled(0.5))),
                ("x2", lambda m, k=k: _with_group(m, k, sensitivity=m.groups[k].sensitivity.scaled(2.0))),
            ))
    if model.deploy and rel > 0:
        out.append(Bump(
            "contracts.deployment_pace", Msg("sens.deployment_pace"), sc.deployment_pace.said(),
            Msg("sim.src.scenario", where=Place(sc.deployment_pace.where)) if sc.deployment_pace.where
            else Msg("sim.src.pace_default"),
            (f"x{1 - rel:g}", lambda m: replace(m, scenario=replace(
                m.scenario, deployment_pace=m.scenario.deployment_pace.scaled(1 - rel)))),
            (f"x{1 + rel:g}", lambda m: replace(m, scenario=replace(
                m.scenario, deployment_pace=m.scenario.deployment_pace.scaled(1 + rel)))),
        ))
    if sc.interest_rate > 0:
        d = 0.02

        def rate(m: Model, r: float) -> Model:
            bumped = build_model(replace(m.scenario, interest_rate=r), ledger)
            return replace(bumped, inputs=m.inputs, groups=m.groups)

        out.append(Bump(
            "capital.interest_rate", Msg("sens.interest_rate"), f"{sc.interest_rate:g}",
            Msg("sim.src.scenario", where=Verbatim("capital.interest_rate")),
            (f"-{d:g}", lambda m: rate(m, max(0.0, m.scenario.interest_rate - d))),
            (f"+{d:g}", lambda m: rate(m, m.scenario.interest_rate + d)), structural=True,
        ))
    out += _contract_bumps(model, ledger)
    out += _reading_bumps(model, ledger)
    out += _money_bumps(model, ledger)
    return out


def _money_bumps(model: Model, ledger: Ledger) -> list[Bump]:
    """Conditional money counted or not: the run's choice (``--include``) against the other one.

    A run of firm money only is bumped up to one that adds all conditional money (rumours included) on its
    triggers; a run that includes it is bumped down to firm money only. The same runs and seed, and every
    line keeps its uniform column (common random numbers), so the change is the choice's effect alone.
    """
    from dealweb.sim.stress import money_label

    sc = model.scenario
    conditional = [ln for ln in (*model.lines, *model.left_out) if ln.money != "firm"]
    if not conditional:
        return []

    def counted(m: Model, include: tuple[str, ...]) -> Model:
        bumped = build_model(replace(m.scenario, include=include), ledger)
        return replace(bumped, inputs=m.inputs, groups=m.groups)

    usd = sum((ln.usd_low + (ln.usd_high if ln.usd_high is not None else ln.usd_low)) / 2 for ln in conditional)
    from dealweb import fmt

    which = "conditional" if "conditional" in sc.include else "rumoured" if "rumoured" in sc.include else "firm"
    assert money_label(sc.include).split(" (")[0] == Msg(f"stress.money.{which}")  # the same words, one source
    base = Msg("sens.base.money", money=Msg(f"stress.money.{which}"), n=len(conditional),
               usd=Fig(fmt.money(usd), "money", usd))
    name = Msg("sens.conditional_counted")
    if "conditional" in sc.include:
        return [Bump("include.conditional", name, base, Msg("sim.src.choice_include", what="conditional"),
                     (Msg("stress.money.firm"), lambda m: counted(m, ())), None, structural=True)]
    return [Bump("include.conditional", name, base,
                 Msg("sim.src.choice_firm") if not sc.include else Msg("sim.src.choice_include", what=sc.include[0]),
                 None, (Msg("sens.bump.add_conditional"), lambda m: counted(m, ("conditional",))),
                 structural=True)]


def _reading_bumps(model: Model, ledger: Ledger) -> list[Bump]:
    """For a contract whose sources state yearly figures (the ledger's ``per_year`` rates), each reading.

    The flows table schedules the contract's total when the yearly figures disagree with it (and says so);
    each yearly rate alone is another reading of the same sources. Bumping to it shows how much the
    choice moves the results: the assumption beside the number it moves.
    """
    out: list[Bump] = []
    chosen = model.scenario.schedule_overrides
    seen: set[str] = set()
    for ln in model.lines:
        deal = ledger.deals.get(ln.deal)
        if deal is None or ln.deal in seen or not getattr(deal, "per_year", ()) or "per_year" in chosen.get(
                ln.deal, {}):
            continue
        seen.add(ln.deal)
        terms = {t[0]: t for t in ln.terms}
        for k, rate in enumerate(deal.per_year):
            when = Msg("sens.from", date=rate.start_label or (rate.start.isoformat() if rate.start else "?"))

            def reading(m: Model, did: str = ln.deal, k: int = k) -> Model:
                overrides = {**m.scenario.schedule_overrides, did: {**m.scenario.schedule_overrides.get(did, {}),
                                                                     "per_year": k}}
                bumped = build_model(replace(m.scenario, schedule_overrides=overrides), ledger)
                return replace(bumped, inputs=m.inputs, groups=m.groups)

            out.append(Bump(
                f"contracts.{ln.deal}.per_year[{k}]", Msg("sens.reading", contract=_contract(ln, ledger)),
                Msg("sens.base.contract", amount=Fig(ln.amount.label(), "amount", ln.amount),
                    shape=_shape(str(terms.get("shape", ("", ln.rule))[1])), start=terms.get("start", ("", "-"))[1]),
                terms.get("shape", ("", "", "assumed"))[2], None,
                (Msg("sens.bump.reading", amount=Fig(rate.amount.label(), "amount", rate.amount), when=when),
                 reading), structural=True,
            ))
    return out


def _contract_bumps(model: Model, ledger: Ledger | None = None) -> list[Bump]:
    b = model.scenario.bumps
    grid = model.grid
    per_year = 12 / grid.months
    sizes = [(ln.usd_low + (ln.usd_high if ln.usd_high is not None else ln.usd_low)) / 2 for ln in model.lines]
    order = [k for k in np.argsort(-np.array(sizes), kind="stable")
             if model.lines[int(k)].kind != "debt_service"][:LARGEST_CONTRACTS]
    out: list[Bump] = []
    dq = b.delay_quarters
    for k in (int(k) for k in order):
        ln = model.lines[k]
        terms = {t[0]: t for t in ln.terms}
        name = _contract(ln, ledger)
        src = terms.get("amount", ("", "", "ledger"))[2]
        rel = b.relative
        if rel > 0:
            out.append(Bump(
                f"contracts.{ln.deal}.amount", Msg("sens.amount", contract=name),
                Fig(ln.amount.label(), "amount", ln.amount), src,
                (f"x{1 - rel:g}", lambda m, k=k, f=1 - rel: _with_line(m, k, _scaled_line(m.lines[k], f))),
                (f"x{1 + rel:g}", lambda m, k=k, f=1 + rel: _with_line(m, k, _scaled_line(m.lines[k], f))),
            ))
        if dq > 0:
            out.append(Bump(
                f"contracts.{ln.deal}.start", Msg("sens.start", contract=name), terms.get("start", ("", "-", ""))[1],
                terms.get("start", ("", "", "ledger"))[2],
                None,
                (Msg("sens.bump.later", n=dq), lambda m, k=k: _delayed(m, k, dq)), structural=True,
            ))
        if ln.rule in ("flat", "ramp") and ln.start is not None and ln.years:
            other = "ramp" if ln.rule == "flat" else "flat"
            start, length = grid.position(ln.start), ln.years * per_year
            prof = _ramp(grid, start, length) if other == "ramp" else _window(grid, start, length)
            out.append(Bump(
                f"contracts.{ln.deal}.shape", Msg("sens.shape", contract=name), _shape(ln.rule),
                terms.get("shape", ("", "", "assumed"))[2], None,
                (Msg("sens.bump.shape", shape=_shape(other)),
                 lambda m, k=k, p=prof, o=other: _with_line(m, k, replace(m.lines[k], rule=o), p)),
                structural=True,
            ))
    return out


def _scaled_line(line: Any, f: float) -> Any:
    return replace(line, usd_low=line.usd_low * f, usd_high=None if line.usd_high is None else line.usd_high * f)


def _delayed(m: Model, k: int, d: int) -> Model:
    ln = m.lines[k]
    prof = np.zeros_like(m.profile[k])
    if d < prof.size:
        prof[d:] = m.profile[k][:prof.size - d]
    line = ln if ln.deploy_start is None else replace(ln, deploy_start=ln.deploy_start + d)
    return _with_line(m, k, line, prof)


#: Runs simulated together at most when bumps are batched (variants x runs), to bound memory.
BATCH_RUNS = 20_000


def _default_probabilities(model: Model, runs: int) -> np.ndarray:
    res = run_model(model, runs)
    return (res.first_default >= 0).mean(0)


def _batched_probabilities(model: Model, runs: int, variants: list[Model]) -> list[np.ndarray]:
    """Default probability per entity of each parameter-level variant, simulated together (same uniforms)."""
    out: list[np.ndarray] = []
    per = max(1, BATCH_RUNS // max(1, runs))
    for a in range(0, len(variants), per):
        batch = tuple(variants[a:a + per])
        res = run_chunk(model, 0, runs, variants=batch)
        hit = (res.first_default >= 0).reshape(len(batch), runs, model.n)
        out.extend(hit.mean(1))
    return out


def sensitivity_table(model: Model, ledger: Ledger, runs: int, base: np.ndarray | None = None,
                      screen_runs: int = 300, top: int | None = None,
                      progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """The assumptions that move the firms' default probabilities most, by one-at-a-time bumps.

    Args:
        model: the stress test's model (its scenario's seed is used for every bump).
        ledger: the ledger (scenario-level bumps rebuild the model).
        runs: runs of the base stress test; the reported rows are run with as many.
        base: the base default probability per entity (``(n,)``), if already computed with ``runs`` runs.
        screen_runs: runs per bump when screening every assumption.
        top: rows to report (default: the scenario's ``bumps.top``).
        progress: called with (bumps done, bumps in all).

    Returns:
        A dict with stable keys: ``method``, ``runs``, ``seed``, ``screen_runs``, ``measure``, ``firms``,
        ``base`` (firm -> probability), ``rows`` (each: ``key``, ``assumption``, ``base``, ``source``,
        ``down``/``up`` (``{"bump", "default_probability": {firm: p}, "delta_pp": {firm: pp}}`` or None),
        ``max_abs_delta_pp``, ``moves_most``) and ``by_firm`` (firm -> its largest mover).
    """
    top = model.scenario.bumps.top if top is None else top
    firms = [i for i, e in enumerate(model.ids) if model.listed[i]]
    names = [model.ids[i] for i in firms]
    bumps = bumps_of(model, ledger)
    screen = min(runs, screen_runs)
    total = len(bumps) + top
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, total)

    def evaluate(n_runs: int, base_p: np.ndarray, chosen: list[Bump]) -> list[dict[str, Any]]:
        specs = [(j, side, getattr(b, side)) for j, b in enumerate(chosen) for side in ("down", "up")
                 if getattr(b, side) is not None]
        flat = [(j, side, spec) for j, side, spec in specs if not chosen[j].structural]
        probs: dict[tuple[int, str], np.ndarray] = {}
        for (j, side, _), p in zip(flat, _batched_probabilities(model, n_runs, [spec[1](model) for _, _, spec in flat]),
                                   strict=True):
            probs[(j, side)] = p
        for j, side, spec in specs:
            if chosen[j].structural:
                probs[(j, side)] = _default_probabilities(spec[1](model), n_runs)
        rows = []
        for j, bump in enumerate(chosen):
            row: dict[str, Any] = {"key": bump.key, "assumption": bump.assumption, "base": bump.base,
                                   "source": bump.source, "down": None, "up": None}
            worst = 0.0
            mover = None
            for side in ("down", "up"):
                spec = getattr(bump, side)
                if spec is None:
                    continue
                p = probs[(j, side)]
                delta = {names[q]: 100.0 * float(p[i] - base_p[i]) for q, i in enumerate(firms)}
                row[side] = {"bump": spec[0],
                             "default_probability": {names[q]: float(p[i]) for q, i in enumerate(firms)},
                             "delta_pp": delta}
                for f, v in delta.items():
                    if abs(v) > abs(worst):
                        worst, mover = v, f
            row["max_abs_delta_pp"] = abs(worst)
            row["moves_most"] = mover
            rows.append(row)
            tick()
        return rows

    screen_base = _default_probabilities(model, screen)
    screened = evaluate(screen, screen_base, bumps)
    order = sorted(range(len(bumps)), key=lambda j: (-screened[j]["max_abs_delta_pp"], bumps[j].key))
    chosen = [bumps[j] for j in order[:top] if screened[j]["max_abs_delta_pp"] > 0]
    total = len(bumps) + len(chosen)
    base_p = base if base is not None else _default_probabilities(model, runs)
    rows = evaluate(runs, base_p, chosen) if runs != screen else [screened[j] for j in order[:len(chosen)]]
    rows.sort(key=lambda r: (-r["max_abs_delta_pp"], r["key"]))
    by_firm = {}
    for f in names:
        best = max(rows, key=lambda r: max(abs((r[s] or {}).get("delta_pp", {}).get(f, 0.0)) for s in ("down", "up")),
                   default=None)
        if best is None:
            continue
        size = max(abs((best[s] or {}).get("delta_pp", {}).get(f, 0.0)) for s in ("down", "up"))
        if size > 0:
            by_firm[f] = {"assumption": best["assumption"], "key": best["key"], "max_abs_delta_pp": size}
    return {
        "method": Msg("sens.method"),
        "measure": Msg("sens.measure"),
        "runs": runs, "seed": model.scenario.seed, "screen_runs": screen, "assumptions_screened": len(bumps),
        "sizes": {"relative": model.scenario.bumps.relative, "growth_per_year": model.scenario.bumps.growth,
                  "opex_ratio": model.scenario.bumps.ratio, "appetite": model.scenario.bumps.appetite,
                  "delay_quarters": model.scenario.bumps.delay_quarters, "interest_rate": 0.02,
                  "sensitivity_factor": 2.0},
        "firms": names,
        "base": {names[j]: float(base_p[i]) for j, i in enumerate(firms)},
        "rows": rows,
        "by_firm": by_firm,
    }
