"""``dealweb stress``: run a scenario against a ledger, thousands of times, and say who fails when."""

from __future__ import annotations

import sys
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from dealweb.cli import main
from dealweb.cli.common import LEDGER_HELP, emit_json, fail, load_or_exit
from dealweb.errors import DealwebError

__all__ = ["stress_cmd"]


def _usd(x: float | None) -> str:
    if x is None:
        return "-"
    for scale, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(x) >= scale:
            v = x / scale
            return "$" + (f"{v:,.1f}" if abs(v) < 100 else f"{v:,.0f}").removesuffix(".0") + suffix
    return f"${x:,.0f}"


def _console(err: bool = False) -> Console:
    return Console(highlight=False, stderr=err, width=None if sys.stdout.isatty() else 160)


def _list_bundled(as_json: bool) -> None:
    from dealweb.sim.scenario import bundled_scenarios, load_scenario

    rows = []
    for name, path in bundled_scenarios().items():
        sc = load_scenario(path)
        rows.append({"name": name, "description": sc.description, "runs": sc.runs, "seed": sc.seed,
                     "quarters": sc.quarters, "start": sc.start.isoformat(), "file": str(path)})
    if as_json:
        emit_json({"scenarios": rows})
        return
    table = Table(title="Bundled scenarios (written for the bundled ledgers)")
    for col in ("name", "description", "start", "quarters", "runs", "seed"):
        table.add_column(col)
    for r in rows:
        table.add_row(r["name"], r["description"], r["start"], str(r["quarters"]), str(r["runs"]), str(r["seed"]))
    _console().print(table)


def _tables(summary: dict[str, Any], top: int) -> None:
    con = _console()
    clr = summary["clearing"]
    con.print(f"[bold]{summary['scenario']}[/bold]: {summary['description']}")
    con.print(f"{summary['runs']} runs, seed {summary['seed']}, engine {summary['engine']}, "
              f"{summary['quarters']} quarters from {summary['start']}; clearing {clr['model']}"
              f" (alpha {clr['alpha']:g}, beta {clr['beta']:g}), outside creditors {clr['outside_seniority']}; "
              f"amounts in USD")
    t = Table(title="Who fails, when, and by how much (USD)")
    for col, just in (("entity", "left"), ("P(default)", "right"), ("first default", "left"),
                      ("median default", "left"), ("unpaid mean", "right"), ("unpaid p95", "right"),
                      ("outside capital mean", "right"), ("equity loss", "right"), ("inputs", "left")):
        t.add_column(col, justify=just)  # type: ignore[arg-type]
    shown = [e for e in summary["entities"] if e["default_probability"] > 0 or e["assumed"] == "scenario"]
    for e in shown[:top]:
        t.add_row(e["id"], f"{100 * e['default_probability']:.1f}%", e["default_period_first"] or "-",
                  e["default_period_median"] or "-", _usd(e["shortfall_usd"]["mean"]),
                  _usd(e["shortfall_usd"]["p95"]), _usd(e["outside_capital_usd_mean"]),
                  f"{100 * e['equity_distress_mean']:.1f}%", e["assumed"])
    con.print(t)
    p = Table(title="Outside capital per quarter (USD) and the market's appetite")
    for col in ("quarter", "raised mean", "raised p95", "unmet gap mean", "unmet gap p95", "in default",
                "appetite"):
        p.add_column(col, justify="left" if col == "quarter" else "right")
    for row in summary["periods"]:
        p.add_row(row["period"], _usd(row["outside_capital_usd_mean"]), _usd(row["outside_capital_usd_p95"]),
                  _usd(row["unmet_gap_usd_mean"]), _usd(row["unmet_gap_usd_p95"]),
                  f"{row['entities_in_default_mean']:.2f}", f"{row['appetite_mean']:.2f}")
    con.print(p)
    d = Table(title="Deals that drove the losses (mean over runs, USD)")
    for col in ("deal", "payer -> payee", "unpaid", "backlog written down", "P(loss)", "share of payee's loss"):
        d.add_column(col, justify="left" if col in ("deal", "payer -> payee") else "right")
    for row in summary["loss_drivers"][:top]:
        d.add_row(row["deal"], f"{row['payer']} -> {row['payee']}", _usd(row["loss_usd_mean"]),
                  _usd(row["backlog_written_down_usd_mean"]), f"{100 * row['loss_probability']:.1f}%",
                  f"{100 * row['share_of_payee_loss']:.0f}%")
    con.print(d)
    _warrant_table(summary, top)
    dr = summary["debtrank"]
    if dr["modelled"]:
        con.print(f"Equity loss is DebtRank (Battiston et al. 2012) through investment stakes, defaulters at 1; "
                  f"DebtRank R mean {dr['mean']:.4f}, p95 {dr['p95']:.4f}.")
    cons = summary["conservation"]
    con.print(f"Money conservation checked in {cons['checked_periods']} run-quarters; largest error "
              f"{_usd(cons['max_error_usd'])}. Entities marked 'others: ...' are not in the scenario: "
              f"their behaviour is an assumption. {len(summary['assumptions']['not_simulated'])} deal(s) "
              "make no cash flow (see --json: assumptions.not_simulated).")


def _warrant_table(summary: dict[str, Any], top: int) -> None:
    """Warrants: when they vest and the value they move (not cash; outside the clearing)."""
    con = _console()
    wr = summary["warrants"]
    if wr["tranches"]:
        w = Table(title="Warrants: vesting and value moved to the holder (USD; not cash, outside the clearing)")
        for col in ("deal", "issuer -> holder", "condition", "shares", "strike", "P(vest)", "first vest",
                    "median vest", "value p05", "value p50", "value p95", "value if vested p50"):
            w.add_column(col, justify="left" if col in ("deal", "issuer -> holder", "condition") else "right")
        for row in wr["tranches"][:top]:
            cond = []
            if row["price_threshold_usd"] is not None:
                cond.append(f"price >= ${row['price_threshold_usd']:,.2f}")
            if row["deployment_milestone"] is not None:
                cond.append(f"{100 * row['deployment_milestone']:.0f}% deployed")
            v, vv = row["value_usd"], row["value_usd_if_vested"]
            w.add_row(row["deal"], f"{row['issuer']} -> {row['holder']}", " and ".join(cond),
                      f"{row['shares']:,.0f}", f"${row['strike_usd']:,.2f}", f"{100 * row['vest_probability']:.1f}%",
                      row["vest_period_first"] or "-", row["vest_period_median"] or "-", _usd(v["p05"]),
                      _usd(v["p50"]), _usd(v["p95"]), _usd(vv["p50"]) if vv else "-")
        con.print(w)
        for iss in wr["issuers"]:
            q = iss["price_usd_at_horizon"]
            con.print(f"{iss['entity']} share price: start ${iss['start_price_usd']:,.2f} "
                      f"({iss['start_price_source']}), drift {iss['drift_per_year']:g}/year, "
                      f"volatility {iss['volatility_per_year']:g}/year; at the "
                      f"horizon p05 ${q['p05']:,.2f}, p50 ${q['p50']:,.2f}, p95 ${q['p95']:,.2f}.")
    for row in wr["not_simulated"]:
        con.print(f"Warrant {row['deal']} not simulated: {row['reason']}.")


def _fail_with_problems(exc: DealwebError) -> None:
    """One line per problem (file:line:col: message (hint)), then a summary; exit 1 (2 for usage errors)."""
    problems = getattr(exc, "problems", None)
    if not problems:
        fail(exc.message, exc.hint, code=2)
    for p in problems[:20]:
        click.echo(str(p), err=True)
    more = " (showing 20)" if len(problems) > 20 else ""
    fail(f"the scenario has {len(problems)} problem(s){more}", "see docs/scenario-format.md", code=1)


@main.command("stress")
@click.argument("scenario", required=False, metavar="SCENARIO")
@click.option("--ledger", "ledger_path", metavar="PATH|NAME",
              help="Ledger to stress (default: the scenario's own 'ledger', else the default). " + LEDGER_HELP)
@click.option("--runs", type=click.IntRange(1, 10**8), help="Number of runs (default: the scenario's).")
@click.option("--seed", type=click.IntRange(0, 2**63 - 1), help="Random seed (default: the scenario's).")
@click.option("--engine", type=click.Choice(["local", "dask", "ray"]), default="local", show_default=True,
              help="Where the runs are computed; results are identical for the same seed.")
@click.option("--address", metavar="ADDR", help="Scheduler address of an existing dask or ray cluster.")
@click.option("--chunk-size", type=click.IntRange(1, 10**7), default=500, show_default=True,
              help="Runs per task.")
@click.option("--top", type=click.IntRange(1, 1000), default=15, show_default=True, help="Rows per table.")
@click.option("--list", "list_", is_flag=True, help="List the bundled scenarios and exit.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON with stable keys (amounts in USD).")
def stress_cmd(scenario: str | None, ledger_path: str | None, runs: int | None, seed: int | None, engine: str,
               address: str | None, chunk_size: int, top: int, list_: bool, as_json: bool) -> None:
    """Stress-test the deal web: run SCENARIO (a YAML file or a bundled name) many times.

    Prints, per entity, the probability and time of default and what it leaves unpaid; per quarter, the
    outside capital the web needs and the market's appetite; the deals that drove the losses; and when
    warrants vest on simulated share prices and deployment, with the value they move (not cash). Clearing
    follows Eisenberg & Noe (2001) or Rogers & Veraart (2013); see docs/simulation.md.

    \b
    Examples:
      dealweb stress --list
      dealweb stress base --runs 2000 --seed 7
      dealweb stress capital-drought --json > drought.json
      dealweb stress my-scenario.yaml --ledger path/to/ledger --engine dask
    """
    from dealweb.sim.scenario import load_scenario, resolve_scenario
    from dealweb.sim.stress import stress

    try:
        if list_:
            _list_bundled(as_json)
            return
        if not scenario:
            fail("no scenario given", "name a YAML file or a bundled scenario; see dealweb stress --list")
        path = resolve_scenario(scenario)
        sc = load_scenario(path)
    except DealwebError as exc:
        _fail_with_problems(exc)
    ledger_dir = ledger_path
    if ledger_dir is None and sc.ledger:
        beside = path.parent / sc.ledger  # a path relative to the scenario file, else a bundled name
        ledger_dir = str(beside.resolve()) if beside.exists() else sc.ledger
    ledger = load_or_exit(ledger_dir)
    total = runs or sc.runs
    try:
        if as_json or not sys.stderr.isatty():
            result = stress(sc, ledger, runs=runs, seed=seed, engine=engine, chunk_size=chunk_size,
                            address=address)
        else:
            with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                          TimeElapsedColumn(), console=_console(err=True), transient=True) as bar:
                task = bar.add_task(f"{sc.name}: runs", total=total)
                result = stress(sc, ledger, runs=runs, seed=seed, engine=engine, chunk_size=chunk_size,
                                address=address, progress=lambda k: bar.advance(task, k))
    except DealwebError as exc:
        _fail_with_problems(exc)
    summary = result.summary(top=max(top, 10))
    if as_json:
        emit_json(summary)
    else:
        _tables(summary, top)
