"""``dealweb stress``: run a scenario against a ledger, thousands of times, and say who fails when."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from dealweb import fmt
from dealweb.cli import main
from dealweb.cli.common import LEDGER_HELP, emit_json, fail, load_or_exit
from dealweb.errors import DealwebError

__all__ = ["stress_cmd"]


def _usd(x: float | None) -> str:
    return "-" if x is None else fmt.money(x)


def _console(err: bool = False) -> Console:
    return Console(highlight=False, stderr=err, width=None if sys.stdout.isatty() else 160)


def _list_bundled(as_json: bool) -> None:
    from dealweb.sim.scenario import all_bundled_scenarios, load_scenario

    rows = []
    for name, path in all_bundled_scenarios():
        sc = load_scenario(path)
        rows.append({"name": name, "description": sc.description, "runs": sc.runs, "seed": sc.seed,
                     "quarters": sc.quarters, "start": sc.start.isoformat(), "file": str(path),
                     "ledger": sc.ledger})
    if as_json:
        emit_json({"scenarios": rows})
        return
    table = Table(title="Bundled scenarios (each for the ledger it names: its firm inputs are set for that web)")
    for col in ("name", "written for ledger", "description", "start", "quarters", "runs", "seed"):
        table.add_column(col)
    for r in rows:
        table.add_row(r["name"], r["ledger"] or "-", r["description"], r["start"], str(r["quarters"]), str(r["runs"]),
                      str(r["seed"]))
    _console().print(table)


def _src(source: str | None) -> str:
    """``ledger``/``assumed``/``scenario`` and the first words of where (a table cell)."""
    if not source:
        return "-"
    kind, _, rest = source.partition(": ")
    rest = rest if len(rest) <= 60 else rest[:57] + "..."
    return f"{kind}: {rest}" if rest else kind


def _tables(summary: dict[str, Any], top: int) -> None:
    con = _console()
    clr = summary["clearing"]
    rl = _label(summary)
    con.print(f"[bold]{summary['scenario']}[/bold]: {summary['description']}")
    con.print(f"{summary['runs_label']}, engine {summary['engine']}, "
              f"{summary['quarters']} quarters from {summary['start']}; clearing {clr['model']}"
              f" (alpha {clr['alpha']:g}, beta {clr['beta']:g}), outside creditors {clr['outside_seniority']}; "
              f"amounts in USD")
    written = summary.get("scenario_ledger")
    con.print(f"Ledger: {summary.get('ledger') or '-'}; the scenario's firm inputs were written for: "
              f"{written or 'no ledger named (scenario.ledger)'}")
    if summary.get("ledger_warning"):
        con.print(f"[bold yellow]warning:[/bold yellow] {summary['ledger_warning']}")
    con.print(f"Money: {summary['money_label']}.")
    d = summary["definitions"]
    con.print(f"Default: {d['default']}. Cannot raise: {d['cannot_raise']}.")
    t = Table(title=f"Who fails, when, and by how much (USD; {rl})")
    for col, just in (("entity", "left"), ("group", "left"), ("P(default)", "right"), ("first default", "left"),
                      ("median default", "left"), ("cause: market/ counterparty/ shock", "right"),
                      ("P(cannot raise)", "right"), ("unpaid mean", "right"), ("unpaid p95", "right"),
                      ("outside capital mean", "right"), ("equity loss", "right"), ("moved most by", "left")):
        t.add_column(col, justify=just, no_wrap=col in ("entity", "P(default)"))  # type: ignore[arg-type]
    shown = [e for e in summary["entities"] if e["default_probability"] > 0 or e["assumed"] == "scenario"]
    for e in shown[:top]:
        c = e["default_causes"]
        mv = e.get("moved_most_by")
        t.add_row(e["id"] if e["assumed"] == "scenario" else f"{e['id']} ({e['assumed']})", e["group"],
                  f"{100 * e['default_probability']:.1f}%", e["default_period_first"] or "-",
                  e["default_period_median"] or "-",
                  f"{100 * c['market']:.0f}/{100 * c['counterparty']:.0f}/{100 * c['shock']:.0f}%",
                  f"{100 * e['cannot_raise_probability']:.1f}%", _usd(e["shortfall_usd"]["mean"]),
                  _usd(e["shortfall_usd"]["p95"]), _usd(e["outside_capital_usd_mean"]),
                  f"{100 * e['equity_distress_mean']:.1f}%",
                  f"{mv['assumption']} (±{mv['max_abs_delta_pp']:.1f} pp)" if mv else "-")
    con.print(t)
    _left_out_table(summary)
    _groups_table(summary)
    _inputs_table(summary, top)
    _sensitivity_table(summary)
    p = Table(title=f"Outside capital per quarter (USD) and the markets' mean appetite ({rl})")
    for col in ("quarter", "raised mean", "raised p95", "unmet gap mean", "unmet gap p95", "in default",
                "appetite"):
        p.add_column(col, justify="left" if col == "quarter" else "right")
    for row in summary["periods"]:
        p.add_row(row["period"], _usd(row["outside_capital_usd_mean"]), _usd(row["outside_capital_usd_p95"]),
                  _usd(row["unmet_gap_usd_mean"]), _usd(row["unmet_gap_usd_p95"]),
                  f"{row['entities_in_default_mean']:.2f}", f"{row['appetite_mean']:.2f}")
    con.print(p)
    d = Table(title=f"Deals that drove the losses (mean over runs, USD; {rl})")
    for col in ("deal", "payer -> payee", "unpaid", "backlog written down", "P(loss)", "share of payee's loss"):
        d.add_column(col, justify="left" if col in ("deal", "payer -> payee") else "right")
    for row in summary["loss_drivers"][:top]:
        d.add_row(row["deal"], f"{row['payer']} -> {row['payee']}", _usd(row["loss_usd_mean"]),
                  _usd(row["backlog_written_down_usd_mean"]), f"{100 * row['loss_probability']:.1f}%",
                  f"{100 * row['share_of_payee_loss']:.0f}%")
    con.print(d)
    _assumptions_table(summary)
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


def _label(summary: dict[str, Any]) -> str:
    """Runs, seed and the money counted: printed beside every result."""
    return f"{summary['runs_label']}; {summary['money_label'].split(' (')[0]}"


def _left_out_table(summary: dict[str, Any]) -> None:
    """Conditional money the run left out (or, when included, says so), per firm, USD (middle of each amount)."""
    money = summary["money"]
    con = _console()
    if not money["left_out"]:
        if money["include"]:
            con.print(f"Conditional money counted: {money['label']}; every flow it adds is in the contracts table.")
        else:
            con.print("No conditional money in this ledger's flows: firm money is all there is.")
        return
    if money["include"]:
        con.print(f"Conditional money counted: {money['label']}; every flow it adds is in the contracts table, "
                  "except the flows below, which have no date and are not scheduled.")
    head = ("Conditional money left out of this run: no date, not scheduled" if money["include"] else
            "Conditional money left out of this run")
    t = Table(title=f"{head}, per firm (USD, middle of each amount; {summary['runs_label']})"
                    + ("" if money["include"] else "; --include conditional adds it on its triggers")
                    + ("; a flow with no date is not scheduled either way" if any(
                        not d.get("scheduled", True) for d in money["left_out"]) else ""))
    for col in ("entity", "owed to it", "of which in the horizon", "owed by it", "of which in the horizon", "deals"):
        t.add_column(col, justify="left" if col in ("entity", "deals") else "right")
    for eid, f in money["left_out_by_firm"].items():
        t.add_row(eid, _usd(f["owed_to_it_usd"]), _usd(f["owed_to_it_in_horizon_usd"]), _usd(f["owed_by_it_usd"]),
                  _usd(f["owed_by_it_in_horizon_usd"]), ", ".join(f["deals"]))
    con.print(t)
    for d in money["left_out"]:
        con.print(f"  left out: {d['deal']} ({d['payer']} -> {d['payee']}, {d['status']}, {d['amount']}"
                  + (f"; trigger: {d['trigger']}" if d["trigger"] else "")
                  + (f"; {d['not_scheduled']}" if d.get("not_scheduled") else "") + ")")


def _groups_table(summary: dict[str, Any]) -> None:
    """Capital groups: who shares a market, its appetite parameters and where they come from."""
    g = Table(title="Capital groups: each market's appetite (0..1) scales its members' capacity")
    for col in ("group", "members", "appetite", "sensitivity", "recovery", "target path", "appetite at end",
                "source"):
        g.add_column(col)
    for row in summary["capital_groups"]:
        path = ", ".join(f"{p['target']:g} from {p['from']}" for p in row["path"]) or "its start"
        end = row["appetite_mean_by_period"][-1] if row["appetite_mean_by_period"] else float("nan")
        g.add_row(row["name"], ", ".join(row["members"]), row["appetite"], row["sensitivity"],
                  f"{row['recovery']:g}", path, f"{end:.2f}", _src(row["source"]))
    _console().print(g)


def _inputs_table(summary: dict[str, Any], top: int) -> None:
    """Each firm's inputs with their sources; capex as one figure with the in-web purchases carved out."""
    t = Table(title=f"Firms' inputs (USD a year unless a rate) and capex carved out ({_label(summary)})")
    for col in ("entity", "cash", "revenue", "growth", "opex / revenue", "capex a year", "capex growth",
                "capex source", "capex bought in web", "capex paid outside", "debt (USD at start)",
                "debt service outside the web (start + raised)", "capacity"):
        t.add_column(col, justify="left" if col in ("entity", "capex source") else "right")
    for e in summary["entities"]:
        if e["assumed"] != "scenario":
            continue
        i = e["inputs"]
        cx = e["capex"]
        t.add_row(e["id"], _usd(i["cash"]["mean"]), _usd(i["revenue"]["mean"]), i["growth"]["value"],
                  _rate_cell(i, "opex_ratio"), _usd(cx["figure_usd_per_year"]), _rate_cell(i, "capex_growth"),
                  _src(cx["source"]), _usd(cx["bought_in_web_usd_mean"]),
                  _usd(cx["paid_outside_usd_mean"]), _debt_cell(e),
                  _usd(e["outside_debt_service_usd_mean"]), i["capacity"]["value"])
    _console().print(t)


def _rate_cell(inputs: dict[str, Any], name: str) -> str:
    """A rate input as the run uses it (a share of revenue, or a growth per year; '—' when the run has none).

    Both move the default probabilities (opex is that share of the firm's revenue each quarter; capex grows
    by that rate a year), so they are printed beside the result, not only in --json.
    """
    x = inputs.get(name)
    if x is None:
        return "—"
    return str(x["value"])


def _debt_cell(e: dict[str, Any]) -> str:
    """Debt as the run uses it: outside the web at the start, plus the ledger's loans serviced as contracts."""
    i = e["inputs"]["debt"]
    kind = i["source"].partition(": ")[0]
    cell = f"{_usd(i['mean'])} outside the web ({kind})"
    loans = e.get("loans_in_web") or []
    if loans:
        cell += (f" + {_usd(sum(x['principal_usd'] for x in loans))} of loans in the ledger, serviced: "
                 + ", ".join(x["deal"] for x in loans))
    return cell


def _sensitivity_table(summary: dict[str, Any]) -> None:
    """The assumptions that move the default probabilities most (one-at-a-time bumps)."""
    sens = summary.get("sensitivity")
    con = _console()
    if not sens:
        con.print("Sensitivity table not computed (--no-sensitivity).")
        return
    firms = sens["firms"]
    t = Table(title=f"What moves the default probabilities most: change in percentage points per bump "
                    f"({sens['runs']:,} runs, seed {sens['seed']}; {summary['money_label'].split(' (')[0]}; "
                    "common random numbers; "
                    f"{sens['assumptions_screened']} assumptions screened with {sens['screen_runs']:,} runs)")
    t.add_column("assumption")
    t.add_column("base value")
    t.add_column("source")
    t.add_column("bump")
    for f in firms:
        t.add_column(f"{f} ({100 * sens['base'][f]:.1f}%)", justify="right")
    for row in sens["rows"]:
        for side in ("down", "up"):
            b = row[side]
            if b is None:
                continue
            t.add_row(row["assumption"] if side == "down" or row["down"] is None else "", row["base"],
                      _src(row["source"]), b["bump"], *(f"{b['delta_pp'][f]:+.1f}" for f in firms))
    con.print(t)


def _assumptions_table(summary: dict[str, Any]) -> None:
    """Every simulated contract line with its terms and, for each, ledger (quoted) or assumed."""
    t = Table(title=f"Contracts as simulated: each term from the ledger or assumed ({_label(summary)})")
    for col in ("deal", "payer -> payee", "amount", "status", "shape", "start", "years", "assumed"):
        t.add_column(col)
    for ln in summary["assumptions"]["lines"]:
        terms = {x["term"]: x for x in ln["terms"]}

        def cell(name: str, terms: dict[str, Any] = terms) -> str:
            x = terms.get(name)
            if x is None:
                return "-"
            mark = "*" if x["source"].startswith("assumed") else ""
            return f"{x['value']}{mark}"

        years = cell("years") if "years" in terms else (f"to {cell('maturity')}" if "maturity" in terms else "-")
        assumed = [x["term"] for x in ln["terms"] if x["source"].startswith("assumed")]
        t.add_row(ln["deal"], f"{ln['payer']} -> {ln['payee']}", ln["amount"], ln["status"], cell("shape"),
                  cell("start"), years, ", ".join(assumed) or "-")
    _console().print(t)
    _console().print("* assumed (no source states it); the --json output gives each term's quote or reason "
                     "(assumptions.lines[].terms).")


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
@click.option("--sensitivity/--no-sensitivity", default=True, show_default=True,
              help="Bump each assumption down and up (same runs and seed) and show what moves the default "
                   "probabilities most.")
@click.option("--include", "include", type=click.Choice(["conditional", "rumoured"]), multiple=True,
              help="Also simulate conditional money ('up to' ceilings, letters of intent, per-GW / milestone "
                   "tranches, rumours), paid on its triggers; 'rumoured' adds rumoured flows alone. Default: "
                   "firm money only.")
@click.option("--list", "list_", is_flag=True, help="List the bundled scenarios and exit.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON with stable keys (amounts in USD).")
def stress_cmd(scenario: str | None, ledger_path: str | None, runs: int | None, seed: int | None, engine: str,
               address: str | None, chunk_size: int, top: int, sensitivity: bool, include: tuple[str, ...],
               list_: bool, as_json: bool) -> None:
    """Stress-test the deal web: run SCENARIO (a YAML file or a bundled name) many times.

    Prints, per entity, the probability and time of default (a quarter's shortfall after every source of
    funding) and, apart from it, of being unable to raise new capital; each capital group's appetite; each
    firm's inputs and where they come from (capex carved of its in-web purchases, recorded debt serviced);
    the assumptions that move the default probabilities most (one-at-a-time bumps, same runs and seed);
    per quarter, the outside capital the web needs; the deals that drove the losses; every contract's terms
    as simulated, from the ledger or assumed; and warrant vesting (not cash). Runs and seed default to the
    same values in the CLI, the report and the web app (2,000 runs, seed 20251015). Firm money only by
    default: conditional money is left out and listed per firm (--include conditional simulates it on its
    triggers); every result says which. Clearing follows Eisenberg & Noe (2001) or Rogers & Veraart (2013);
    see docs/simulation.md.

    JSON: the summary's stable keys, among them runs_label, money_label and money {include, counted, label,
    left_out_usd, left_out, left_out_by_firm} (USD, middle of each amount).

    \b
    Examples:
      dealweb stress --list
      dealweb stress base
      dealweb stress base --include conditional
      dealweb stress openai-cannot-pay --runs 500 --seed 7 --no-sensitivity
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
        # a bundled name is the scenario written for the ledger it runs on (--ledger, else the default ledger)
        lname = None
        if not Path(scenario).exists():
            from dealweb.data import DEFAULT_LEDGER, bundled_ledgers

            lname = ledger_path if ledger_path in bundled_ledgers() else (
                load_or_exit(ledger_path).name if ledger_path else DEFAULT_LEDGER)
        path = resolve_scenario(scenario, lname)
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
                            address=address, sensitivity=sensitivity, include=include)
        else:
            with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                          TimeElapsedColumn(), console=_console(err=True), transient=True) as bar:
                task = bar.add_task(f"{sc.name}: runs", total=total)
                bumps = bar.add_task(f"{sc.name}: sensitivity bumps", total=None, visible=sensitivity)

                def bumped(done: int, all_: int) -> None:
                    bar.update(bumps, completed=done, total=all_)

                result = stress(sc, ledger, runs=runs, seed=seed, engine=engine, chunk_size=chunk_size,
                                address=address, progress=lambda k: bar.advance(task, k),
                                sensitivity=sensitivity, sensitivity_progress=bumped, include=include)
    except DealwebError as exc:
        _fail_with_problems(exc)
    summary = result.summary(top=max(top, 10))
    if as_json:
        emit_json(summary)
    else:
        _tables(summary, top)
