"""``dealweb metrics ...``: the analysts' own tests on the ledger's records or on the user's inputs.

Every subcommand takes a flag for each input; an input not given on the command line comes from the ledger
(``--ledger PATH|NAME``, else the default bundled ledger): its ``analyses`` section (which firms each test
looks at, reference values, labelled assumptions), facts and deals. When the ledger lacks an input the test
is "not assessed: needs X" with how to add X (exit 0; in ``--json``: ``assessed: false``), never filled
from elsewhere. Every input is shown with its source.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import Any

import click
import numpy as np
from rich.console import Console
from rich.table import Table

from dealweb import fmt
from dealweb.cli import main
from dealweb.cli.common import LEDGER_HELP, emit_json, fail, load_or_exit
from dealweb.errors import DealwebError
from dealweb.metrics.amplification import AmplificationInputs, amplification
from dealweb.metrics.backlog import BacklogInputs, backlog
from dealweb.metrics.breakeven import BreakevenInputs, breakeven, sensitivity_grid
from dealweb.metrics.bubble import DEFAULT_BUBBLE_SOURCES, BubbleEntity, BubbleInputs, bubble
from dealweb.metrics.cap_table import CapTableInputs, cap_table
from dealweb.metrics.capacity import CapacityInputs, capacity
from dealweb.metrics.common import FLAG, NotAssessed, Source
from dealweb.metrics.defaults import MISSING, Commitment, Default, cap_table_records, defaults_for, payer_commitments
from dealweb.metrics.funding_gap import FundingGapInputs, funding_gap
from dealweb.metrics.presets import default_bubble_entities
from dealweb.model import Ledger
from dealweb.money import AmountError, parse_amount

__all__ = ["metrics_group"]


# ---------------------------------------------------------------------------------------------- helpers
def _console() -> Console:
    return Console(highlight=False, soft_wrap=False, width=None if sys.stdout.isatty() else 160)


class MoneyType(click.ParamType):
    """A US-dollar figure: a number (``400e9``) or a written amount (``$400B``, ``4000億美元``)."""

    name = "USD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> float:
        if isinstance(value, int | float):
            return float(value)
        text = str(value).strip()
        try:
            return float(text)
        except ValueError:
            pass
        try:
            a = parse_amount(text, default_unit="USD")
        except AmountError as exc:
            self.fail(f"{text!r} is not an amount: {exc.message} (hint: write e.g. 400e9, $400B or 4000億美元)",
                      param, ctx)
        if a.unit != "USD":
            self.fail(f"{text!r} is not in US dollars (hint: write e.g. 400e9 or $400B)", param, ctx)
        return a.point


MONEY = MoneyType()


def _floats(text: str | None, what: str) -> tuple[float, ...] | None:
    if text is None:
        return None
    try:
        return tuple(float(x) for x in text.split(",") if x.strip())
    except ValueError:
        fail(f"{what} {text!r} is not a comma-separated list of numbers", "e.g. 3,4,5")


def _ledger(path: str | None, no_ledger: bool) -> Ledger | None:
    """The ledger named by ``--ledger`` (errors exit 1), else the default one; ``None`` with --no-ledger."""
    if no_ledger:
        return None
    return load_or_exit(path)


def _defaults(metric: str, ledger: Ledger | None, **context: str | None) -> tuple[dict[str, Default],
                                                                                 NotAssessed | None]:
    """The ledger's defaults for ``metric``, or none and why (the flags may still give every input)."""
    try:
        return defaults_for(metric, ledger, **context), None
    except NotAssessed as exc:
        return {}, exc


def _pick(name: str, flag: str, given: Any, defaults: dict[str, Default]) -> tuple[Any, Source]:
    """The flag's value with a ``flag`` source when given, else the default and its source."""
    if given is not None:
        return given, Source(kind=FLAG, ref=flag)
    if name not in defaults:
        return None, Source(kind=MISSING, ref=name, note=f"not assessed: needs {name} (pass {flag})")
    d = defaults[name]
    return d.value, d.source


def _not_assessed(metric: str, missing: Sequence[tuple[str, Source]], why: NotAssessed | None,
                  ledger: Ledger | None, as_json: bool) -> None:
    """Print "not assessed: needs X" with how to add X (text or JSON) and exit 0, when inputs are missing."""
    if not missing:
        return
    if why is not None:
        exc = why
    else:
        exc = NotAssessed(metric, tuple(dict.fromkeys(s.ref or n for n, s in missing)), _hows(missing))
    data = {**exc.as_dict(), "ledger": ledger.name if ledger is not None else None}
    if as_json:
        emit_json(data)
    else:
        where = f"ledger {ledger.name}" if ledger is not None else "no ledger"
        if exc.how.startswith("needs "):
            click.echo(f"dealweb metrics {metric} ({where}): not assessed: {exc.how}")
        else:
            click.echo(f"dealweb metrics {metric} ({where}): {exc.message.split(': ', 1)[1]}")
            click.echo(f"  how: {exc.how}")
    raise SystemExit(0)


def _hows(missing: Sequence[tuple[str, Source]]) -> str:
    """The missing inputs' notes, one per input: notes that differ only in the flag to pass say both flags."""
    import re

    groups: dict[str, tuple[str, list[str]]] = {}
    for n, s in missing:
        note = s.note.removeprefix("not assessed: ") or n
        flag = re.search(r"pass (--[\w-]+)\)$", note)
        key = s.ref or n
        if key not in groups:
            groups[key] = (note, [flag.group(1)] if flag else [])
        elif flag and groups[key][1]:
            groups[key][1].append(flag.group(1))
    out = []
    for note, flags in groups.values():
        if len(flags) > 1:
            note = note[:note.rindex(flags[0])] + " / ".join(flags) + ")"
        out.append(note)
    return "; ".join(dict.fromkeys(out))


def _need(metric: str, values: dict[str, tuple[Any, Source]], why: NotAssessed | None, ledger: Ledger | None,
          as_json: bool) -> None:
    """Not assessed (and exit 0) when any of ``values`` (name -> (value, source)) is ``None``."""
    _not_assessed(metric, [(n, s) for n, (v, s) in values.items() if v is None], why, ledger, as_json)


def _run(fn: Callable[[Any], Any], inputs: Any) -> Any:
    try:
        return fn(inputs)
    except DealwebError as exc:
        fail(exc.message, exc.hint)


def _fmt_usd(x: float) -> str:
    return fmt.money(x)


def fmt_value(value: Any, unit: str) -> str:
    """A value with its unit, for people (:func:`dealweb.fmt.value`): ``$320B a year``, ``4M accelerators``."""
    return fmt.value(value, unit)


def _inputs_table(title: str, inputs: dict[str, Any]) -> Table:
    t = Table(title=title, title_justify="left")
    t.add_column("input")
    t.add_column("value", justify="right", max_width=48, overflow="fold")
    t.add_column("source", overflow="fold")
    for name, entry in inputs.items():
        if not isinstance(entry, dict) or "source" not in entry:
            continue
        src = entry["source"]
        if entry["value"] is None and src.get("kind") == "caller":
            continue
        label = Source(**src).label() if src else ""
        value = entry["value"]
        if isinstance(value, list) and value and isinstance(value[0], dict) and "period" in value[0]:
            text = ", ".join(f"{row['period']} {fmt_value(row['revenue'], 'usd')}" for row in value)
        else:
            text = fmt_value(value, entry["unit"])
        t.add_row(name, text, label)
    return t


def _results_table(title: str, results: dict[str, Any]) -> Table:
    t = Table(title=title, title_justify="left")
    t.add_column("result")
    t.add_column("value", justify="right")
    for name, q in results.items():
        if "low" in q and q["low"] is not None and q["low"] != q["high"]:
            text = f"{fmt_value(q['low'], q['unit'])} – {fmt_value(q['high'], q['unit'])}"
        elif "low" in q:
            text = fmt_value(q["low"], q["unit"])
        else:
            text = fmt_value(q["value"], q["unit"])
        t.add_row(name, text)
    return t


def _show(data: dict[str, Any], ledger: Ledger | None, extra: Sequence[Table | str] = ()) -> None:
    c = _console()
    where = f"ledger {ledger.name}" if ledger is not None else "no ledger (flags only)"
    c.print(f"[bold]dealweb metrics {data['metric'].replace('_', '-')}[/bold]  ({where})")
    if isinstance(data.get("inputs"), dict):
        c.print(_inputs_table("inputs", data["inputs"]))
    if isinstance(data.get("results"), dict):
        c.print(_results_table("results", data["results"]))
    for item in extra:
        c.print(item)
    if data.get("assumptions"):
        c.print("[bold]assumptions[/bold]")
        for a in data["assumptions"]:
            c.print(f"  - {a}")


def _emit(result: Any, ledger: Ledger | None, as_json: bool, extra: Callable[[Any], Sequence[Table | str]],
          more: dict[str, Any] | None = None) -> None:
    data = result.as_dict()
    data["ledger"] = ledger.name if ledger is not None else None
    data.update(more or {})
    if as_json:
        emit_json(data)
    else:
        _show(data, ledger, extra(result))


ledger_option = click.option("--ledger", "ledger_path", default=None, metavar="PATH|NAME",
                             help="Ledger to take defaults from. " + LEDGER_HELP)
no_ledger_option = click.option("--no-ledger", is_flag=True,
                                help="Read no ledger: every input from the flags (a test lacking one is not assessed).")
json_option = click.option("--json", "as_json", is_flag=True, help="Print the result as JSON (stable keys).")


# ---------------------------------------------------------------------------------------------- the group
@main.group("metrics")
def metrics_group() -> None:
    """The analysts' own tests: bubble, breakeven, capacity, backlog, funding gap, amplification, cap table.

    Each input not given as a flag comes from the ledger alone: its analyses section (which firms each test
    looks at, reference values, labelled assumptions), facts and deals; every input is shown with its source.
    A test the ledger lacks inputs for says "not assessed: needs X" and how to add X. See docs/metrics.md.

    \b
    Examples:
      dealweb metrics capacity --gw 10 --json
      dealweb metrics breakeven --capex 400e9 --life 5 --margin 0.25
      dealweb metrics cap-table --from 1.0 --to 0.2 --valuation 100e9
    """


# ---------------------------------------------------------------------------------------------- capacity
@metrics_group.command("capacity")
@click.option("--gw", type=float, default=None, help="Capacity in gigawatts to convert.")
@click.option("--accelerators", type=float, default=None, help="Number of accelerators (GPUs) to convert.")
@click.option("--usd", type=MONEY, default=None, help="US dollars of accelerators to convert (400e9, $40B).")
@click.option("--per-gw-low", type=float, default=None, help="Accelerators per GW, low end (default: the ledger's).")
@click.option("--per-gw-high", type=float, default=None, help="Accelerators per GW, high end (default: the ledger's).")
@click.option("--price-low", type=MONEY, default=None, help="US dollars per accelerator, low end (the ledger's).")
@click.option("--price-high", type=MONEY, default=None, help="US dollars per accelerator, high end (the ledger's).")
@ledger_option
@no_ledger_option
@json_option
def capacity_cmd(gw: float | None, accelerators: float | None, usd: float | None, per_gw_low: float | None,
                 per_gw_high: float | None, price_low: float | None, price_high: float | None,
                 ledger_path: str | None, no_ledger: bool, as_json: bool) -> None:
    """Convert GW <-> accelerators <-> US dollars (give at most one of --gw, --accelerators, --usd).

    The ratios come from the deals the ledger's analyses.capacity names (per_gw: quantity / capacity_gw;
    price: amount / quantity). Without --gw/--accelerators/--usd: the ledger's capacity (analyses.capacity gw,
    else the per_gw deal's GW), and under "claims" every GW and unit claim of the ledger's deals converted.

    \b
    Examples:
      dealweb metrics capacity --json                  # every GW and unit claim of the ledger
      dealweb metrics capacity --gw 10 --json          # bundled ratios: 4-5 million accelerators
      dealweb metrics capacity --accelerators 2e6      # GW and dollars for 2 million GPUs
      dealweb metrics capacity --usd '$40B' --price-low 30000 --price-high 40000
    """
    ledger = _ledger(ledger_path, no_ledger)
    d, why = _defaults("capacity", ledger)
    sources: dict[str, Source] = {}
    values: dict[str, Any] = {}
    for name, flag, given in (("accelerators_per_gw_low", "--per-gw-low", per_gw_low),
                              ("accelerators_per_gw_high", "--per-gw-high", per_gw_high),
                              ("usd_per_accelerator_low", "--price-low", price_low),
                              ("usd_per_accelerator_high", "--price-high", price_high)):
        values[name], sources[name] = _pick(name, flag, given, d)
    _need("capacity", {k: (values[k], sources[k]) for k in values}, None, ledger, as_json)
    asked = [n for n, g in (("gw", gw), ("accelerators", accelerators), ("usd", usd)) if g is not None]
    for name, flag, given in (("gw", "--gw", gw), ("accelerators", "--accelerators", accelerators),
                              ("usd", "--usd", usd)):
        if given is not None:
            sources[name] = Source(kind=FLAG, ref=flag)
    claims: list[dict[str, Any]] = []
    if not asked:
        gw, sources["gw"] = _pick("gw", "--gw", None, d)
        _need("capacity", {"gw": (gw, sources["gw"])}, why, ledger, as_json)
        claims = _capacity_claims(ledger, values)
    inputs = CapacityInputs(gw=gw, accelerators=accelerators, usd=usd, sources=sources, **values)
    result = _run(capacity, inputs)

    def extra(r: Any) -> Sequence[Table]:
        if not claims:
            return ()
        t = Table(title="every GW and unit claim of the ledger, converted", title_justify="left")
        for col in ("deal", "claim", "GW", "accelerators", "US dollars"):
            t.add_column(col, overflow="fold")
        for c in claims:
            res = c["result"]
            t.add_row(c["deal"], fmt_value(c["value"], c["unit"]), fmt.interval(*res["gw"], "gw"),
                      fmt.interval(*res["accelerators"], "accelerators"), fmt.interval(*res["usd"], "USD"))
        return (t,)

    _emit(result, ledger, as_json, extra, {"claims": [
        {"deal": c["deal"], "claim": {"value": c["value"], "unit": c["unit"]},
         "gw": c["result"]["gw"], "accelerators": c["result"]["accelerators"], "usd": c["result"]["usd"]}
        for c in claims]} if not asked else None)


def _capacity_claims(ledger: Ledger | None, ratios: dict[str, Any]) -> list[dict[str, Any]]:
    """Every deal's GW (capacity_gw) and unit (quantity of accelerators) claim, converted with ``ratios``."""
    if ledger is None:
        return []
    out: list[dict[str, Any]] = []
    for deal in sorted(ledger.deals.values(), key=lambda x: x.id):
        asks: list[tuple[str, float, str]] = []
        if deal.capacity_gw:
            asks.append(("gw", float(deal.capacity_gw), "gw"))
        q = deal.quantity
        if q is not None and q.unit == "units" and not deal.capacity_gw:
            asks.append(("accelerators", float(q.point), "accelerators"))
        for key, value, unit in asks:
            try:
                r = capacity(CapacityInputs(**{key: value}, **ratios))
            except DealwebError:
                continue
            out.append({"deal": deal.id, "value": value, "unit": unit,
                        "result": {"gw": list(r.gw), "accelerators": list(r.accelerators), "usd": list(r.usd)}})
    return out


# ---------------------------------------------------------------------------------------------- breakeven
@metrics_group.command("breakeven")
@click.option("--capex", type=MONEY, multiple=True, help="Capex in US dollars; repeat to add vintages (400e9).")
@click.option("--life", type=float, default=None, help="Depreciation life in years (default: the ledger's).")
@click.option("--margin", type=float, default=None, help="Share of revenue left to pay for capital (0.25).")
@click.option("--return", "required_return", type=float, default=None,
              help="Required yearly return on the capital, fraction (default 0: breakeven).")
@click.option("--revenue", type=MONEY, default=None, help="Revenue had, US dollars a year (default: the ledger's).")
@click.option("--revenue-monthly", type=MONEY, default=None, help="Revenue had, US dollars a month (x12).")
@click.option("--lives", default=None, help="Lives for the sensitivity table, e.g. 3,4,5.")
@click.option("--margins", default=None, help="Margins for the sensitivity table, e.g. 0.2,0.25,0.3.")
@ledger_option
@no_ledger_option
@json_option
def breakeven_cmd(capex: tuple[float, ...], life: float | None, margin: float | None,
                  required_return: float | None, revenue: float | None, revenue_monthly: float | None,
                  lives: str | None, margins: str | None, ledger_path: str | None, no_ledger: bool,
                  as_json: bool) -> None:
    """Revenue needed a year to pay for capex: capex x CRF(return, life) / margin, against revenue had.

    Kupperman's argument: 3-5 year lives need $320B-$480B a year for 2025's capex, against about $1B a
    month of AI revenue; about $1T with the 2026 build.

    \b
    Examples:
      dealweb metrics breakeven --capex 400e9 --life 5 --margin 0.25     # $320B a year
      dealweb metrics breakeven --capex 400e9 --capex 600e9 --life 4     # 2025 + 2026: $1T a year
      dealweb metrics breakeven --return 0.10 --lives 3,4,5 --json
    """
    if revenue is not None and revenue_monthly is not None:
        fail("give --revenue or --revenue-monthly, not both", "--revenue-monthly 1e9 is --revenue 12e9")
    ledger = _ledger(ledger_path, no_ledger)
    d, why = _defaults("breakeven", ledger)
    sources: dict[str, Source] = {}
    cap, sources["capex"] = _pick("capex", "--capex", sum(capex) if capex else None, d)
    lf, sources["life_years"] = _pick("life_years", "--life", life, d)
    mg, sources["margin"] = _pick("margin", "--margin", margin, d)
    rr, sources["required_return"] = _pick("required_return", "--return", required_return, d)
    if revenue_monthly is not None:
        rev, sources["revenue_per_year"] = revenue_monthly * 12.0, Source(kind=FLAG, ref="--revenue-monthly x 12")
    else:
        rev, sources["revenue_per_year"] = _pick("revenue_per_year", "--revenue", revenue, d)
    _need("breakeven", {"capex": (cap, sources["capex"]), "life_years": (lf, sources["life_years"]),
                        "margin": (mg, sources["margin"]), "required_return": (rr, sources["required_return"]),
                        "revenue_per_year": (rev, sources["revenue_per_year"])}, why, ledger, as_json)
    kw: dict[str, Any] = {}
    if (lv := _floats(lives, "--lives")) is not None:
        kw["lives"] = lv
    if (mv := _floats(margins, "--margins")) is not None:
        kw["margins"] = mv
    inputs = BreakevenInputs(capex=cap, life_years=lf, margin=mg, required_return=rr, revenue_per_year=rev,
                             sources=sources, **kw)
    result = _run(breakeven, inputs)

    def extra(r: Any) -> Sequence[Table]:
        lives_, margins_, rows = sensitivity_grid(r)
        t = Table(title="revenue needed a year (US dollars) by life (rows) and margin (columns)",
                  title_justify="left")
        t.add_column("life")
        for m in margins_:
            t.add_column(f"margin {m:.0%}", justify="right")
        for lv_, row in zip(lives_, rows, strict=True):
            t.add_row(f"{lv_:.2f} years", *(_fmt_usd(v) for v in row))
        return (t,)

    _emit(result, ledger, as_json, extra)


# ---------------------------------------------------------------------------------------------- backlog
@metrics_group.command("backlog")
@click.option("--entity", default=None, help="Whose backlog (entity id; default: the ledger's analyses.backlog).")
@click.option("--customer", default=None, help="The customer whose means are checked (default: the ledger's).")
@click.option("--rpo", type=MONEY, default=None, help="Remaining performance obligations, US dollars (455e9).")
@click.option("--schedule", default=None, help="Revenue path, US dollars a year, e.g. 18e9,32e9,73e9,114e9,144e9.")
@click.option("--periods", default=None, help="Labels of the path's years, e.g. FY2026,FY2027 (default Y1, Y2...).")
@click.option("--commitment", type=MONEY, default=None, help="The customer's commitment, US dollars (300e9).")
@click.option("--customer-years", type=float, default=None, help="The commitment's term, years (5).")
@click.option("--customer-revenue", type=MONEY, default=None, help="The customer's revenue a year (10e9).")
@click.option("--customer-growth", type=float, default=None, help="Yearly growth of that revenue (0).")
@click.option("--no-customer", is_flag=True, help="Only the schedule; no customer check.")
@ledger_option
@no_ledger_option
@json_option
def backlog_cmd(entity: str | None, customer: str | None, rpo: float | None, schedule: str | None, periods: str | None,
                commitment: float | None, customer_years: float | None, customer_revenue: float | None,
                customer_growth: float | None, no_customer: bool, ledger_path: str | None, no_ledger: bool,
                as_json: bool) -> None:
    """RPO into a revenue schedule, and a customer's commitment against its means to pay.

    The firm, its customer and the backlog come from the ledger's analyses.backlog record; the revenue path
    is the firm's yearly facts of the record's path_metric (fiscal years).

    \b
    Examples:
      dealweb metrics backlog                                   # the ledger's firm and customer
      dealweb metrics backlog --rpo 455e9 --schedule 18e9,32e9,73e9,114e9,144e9 --no-customer
      dealweb metrics backlog --customer-growth 0.5 --json      # OpenAI revenue +50% a year
    """
    ledger = _ledger(ledger_path, no_ledger)
    d, why = _defaults("backlog", ledger, entity=entity, customer=customer)
    if entity is None:
        entity = d["entity"].value if "entity" in d else None
    if customer is None and not no_customer:
        customer = d["customer"].value if "customer" in d else None
        no_customer = customer is None
    sources: dict[str, Source] = {}
    r, sources["rpo"] = _pick("rpo", "--rpo", rpo, d)
    values = _floats(schedule, "--schedule")
    if values is not None:
        labels = [p.strip() for p in periods.split(",")] if periods else [f"Y{k + 1}" for k in range(len(values))]
        if len(labels) != len(values):
            fail(f"--periods has {len(labels)} labels for {len(values)} --schedule values", "give one label a year")
        sched = tuple(zip(labels, values, strict=True))
        sources["schedule"] = Source(kind=FLAG, ref="--schedule")
    else:
        sched, sources["schedule"] = _pick("schedule", "--schedule", None, d)
    c, sources["customer_commitment"] = _pick("customer_commitment", "--commitment", commitment, d)
    y, sources["customer_years"] = _pick("customer_years", "--customer-years", customer_years, d)
    cr, sources["customer_revenue_per_year"] = _pick("customer_revenue_per_year", "--customer-revenue",
                                                     customer_revenue, d)
    cg, sources["customer_revenue_growth"] = _pick("customer_revenue_growth", "--customer-growth",
                                                   customer_growth, d)
    needed = {"rpo": (r, sources["rpo"]), "schedule": (sched, sources["schedule"])}
    if not no_customer:
        needed.update({"customer_commitment": (c, sources["customer_commitment"]),
                       "customer_years": (y, sources["customer_years"]),
                       "customer_revenue_per_year": (cr, sources["customer_revenue_per_year"])})
    if entity is None:
        _not_assessed("backlog", [("entity", Source(kind=MISSING, ref="analyses.backlog"))], why, ledger, as_json)
    _need("backlog", needed, why, ledger, as_json)
    if cg is None:
        cg = 0.0
    inputs = BacklogInputs(entity=entity, rpo=r, schedule=sched, customer=None if no_customer else customer,
                           customer_commitment=c, customer_years=y, customer_revenue_per_year=cr,
                           customer_revenue_growth=cg, sources=sources)
    result = _run(backlog, inputs)

    def extra(res: Any) -> Sequence[Table]:
        t = Table(title="revenue path drawn against the backlog (US dollars)", title_justify="left")
        for col in ("period", "revenue", "cumulative", "backlog remaining", "converted"):
            t.add_column(col, justify="right")
        for row in res.schedule:
            t.add_row(row.period, _fmt_usd(row.revenue), _fmt_usd(row.cumulative), _fmt_usd(row.backlog_remaining),
                      f"{row.share_converted:.1%}")
        out: list[Table] = [t]
        if res.customer is not None:
            out.append(_results_table(f"customer {res.customer.customer}: commitment against means",
                                      {k: v for k, v in res.customer.as_dict().items() if k != "customer"}))
        return out

    _emit(result, ledger, as_json, extra)


# ---------------------------------------------------------------------------------------------- funding gap
@metrics_group.command("funding-gap")
@click.option("--payer", default=None, help="Who owes the commitments (entity id; default: the ledger's).")
@click.option("--commitments", type=MONEY, default=None, help="Commitments due a year, US dollars (60e9).")
@click.option("--revenue", type=MONEY, default=None, help="The payer's revenue a year, US dollars (10e9).")
@click.option("--years", type=int, default=None, help="Years the commitments run (5).")
@click.option("--growth", type=float, default=None, help="Yearly revenue growth, fraction (0).")
@click.option("--share-available", type=float, default=None, help="Share of revenue that can pay (1.0).")
@click.option("--cash", type=MONEY, default=None, help="Cash raised or in hand, US dollars (40e9).")
@click.option("--all-commitments", is_flag=True,
              help="Commitments a year = the sum of every ledger deal the payer pays for that has an amount and "
                   "a term (the others are listed, not guessed).")
@ledger_option
@no_ledger_option
@json_option
def funding_gap_cmd(payer: str | None, commitments: float | None, revenue: float | None, years: int | None,
                    growth: float | None, share_available: float | None, cash: float | None, all_commitments: bool,
                    ledger_path: str | None, no_ledger: bool, as_json: bool) -> None:
    """A payer's commitments a year against its revenue, and the outside capital needed to close the gap.

    The payer and its figures come from the ledger's analyses.funding_gap record, its facts and its
    largest services contract.

    \b
    Examples:
      dealweb metrics funding-gap                          # the ledger's payer
      dealweb metrics funding-gap --growth 0.8 --json      # revenue +80% a year
      dealweb metrics funding-gap --commitments 60e9 --revenue 10e9 --years 5 --cash 40e9
      dealweb metrics funding-gap --all-commitments        # every deal of the payer with an amount and a term
    """
    if all_commitments and commitments is not None:
        fail("give --commitments or --all-commitments, not both", "--all-commitments sums the ledger's deals")
    ledger = _ledger(ledger_path, no_ledger)
    if all_commitments and ledger is None:
        fail("--all-commitments needs a ledger", "drop --no-ledger, or pass --ledger PATH")
    d, why = _defaults("funding-gap", ledger, payer=payer)
    if payer is None:
        payer = d["payer"].value if "payer" in d else None
    if payer is None and (all_commitments or commitments is None):
        _not_assessed("funding-gap", [("payer", Source(kind=MISSING, ref="analyses.funding_gap"))], why, ledger,
                      as_json)
    sources: dict[str, Source] = {}
    listed: tuple[Commitment, ...] = ()
    if all_commitments:
        if ledger is None:
            fail("--all-commitments needs a ledger", "drop --no-ledger, or pass --ledger PATH")
        listed = payer_commitments(ledger, str(payer))
        used = [c for c in listed if c.included]
        if not used:
            fail(f"no deal of {payer!r} in the ledger has both an amount and a term",
                 "pass --commitments, or add the deals' terms to the ledger")
        commitments = sum(c.per_year for c in used if c.per_year is not None)
        sources["commitments_per_year"] = Source(
            kind="ledger", ref=" + ".join(c.deal for c in used),
            quote=" / ".join(c.source.quote for c in used if c.source.quote),
            note=f"sum of {len(used)} deal(s) / their terms; {len(listed) - len(used)} listed but not annualised")
        cm = commitments
    else:
        cm, sources["commitments_per_year"] = _pick("commitments_per_year", "--commitments", commitments, d)
    rv, sources["revenue_per_year"] = _pick("revenue_per_year", "--revenue", revenue, d)
    yr, sources["years"] = _pick("years", "--years", years, d)
    gr, sources["revenue_growth"] = _pick("revenue_growth", "--growth", growth, d)
    sh, sources["share_available"] = _pick("share_available", "--share-available", share_available, d)
    ca, sources["cash_available"] = _pick("cash_available", "--cash", cash, d)
    _need("funding-gap", {"commitments_per_year": (cm, sources["commitments_per_year"]),
                          "revenue_per_year": (rv, sources["revenue_per_year"]), "years": (yr, sources["years"])},
          why, ledger, as_json)
    if gr is None:
        gr, sources["revenue_growth"] = 0.0, Source(kind="assumption", ref="flat revenue", note="0: flat revenue")
    if sh is None:
        sh, sources["share_available"] = 1.0, Source(kind="assumption", ref="all revenue", note="all revenue can pay")
    if ca is None:
        ca, sources["cash_available"] = 0.0, Source(kind="assumption", ref="no cash", note="0: no cash recorded")
    if float(yr) != int(yr):
        fail(f"years must be whole, the default is {yr:g}", "pass --years")
    inputs = FundingGapInputs(payer=str(payer or "payer"), commitments_per_year=cm, revenue_per_year=rv, years=int(yr),
                              revenue_growth=gr, share_available=sh, cash_available=ca, sources=sources)
    result = _run(funding_gap, inputs)

    def extra(res: Any) -> Sequence[Table]:
        t = Table(title="year by year (US dollars)", title_justify="left")
        for col in ("year", "commitment", "revenue", "available", "gap", "cumulative gap"):
            t.add_column(col, justify="right")
        for y in res.schedule:
            t.add_row(str(y.year), _fmt_usd(y.commitment), _fmt_usd(y.revenue), _fmt_usd(y.available),
                      _fmt_usd(y.gap), _fmt_usd(y.cumulative_gap))
        out: list[Table] = [t]
        if listed:
            ct = Table(title=f"{payer}'s commitments in the ledger", title_justify="left")
            for col in ("deal", "payee", "amount", "years", "a year", "counted"):
                ct.add_column(col, justify="right" if col in ("amount", "years", "a year") else "left")
            for c in listed:
                ct.add_row(c.deal, c.payee, fmt_value(c.amount, "usd"), fmt_value(c.years, "years"),
                           fmt_value(c.per_year, "usd"), "yes" if c.included else f"no: {c.reason}")
            out.append(ct)
        return out

    _emit(result, ledger, as_json, extra,
          {"commitments": [c.as_dict() for c in listed]} if all_commitments else None)


# ---------------------------------------------------------------------------------------------- amplification
@metrics_group.command("amplification")
@click.option("--entity", default=None, help="Whose market value moved (default: the ledger's first record).")
@click.option("--deal", "deal_size", type=MONEY, default=None, help="The deal's headline size, US dollars.")
@click.option("--change", type=MONEY, default=None, help="Market-value change on the news, US dollars.")
@click.option("--cap-after", type=MONEY, default=None, help="Market value after the move (with --price-change).")
@click.option("--price-change", type=float, default=None, help="Share-price change, fraction (0.36 = +36%).")
@click.option("--years", type=float, default=None, help="The deal's term in years, for the per-year ratio.")
@ledger_option
@no_ledger_option
@json_option
def amplification_cmd(entity: str | None, deal_size: float | None, change: float | None, cap_after: float | None,
                      price_change: float | None, years: float | None, ledger_path: str | None,
                      no_ledger: bool, as_json: bool) -> None:
    """Market-value change over deal size: the firm and deal come from the ledger's analyses.amplification.

    \b
    Examples:
      dealweb metrics amplification                       # the ledger's first record
      dealweb metrics amplification --entity nvidia       # its record for that firm
      dealweb metrics amplification --deal 300e9 --cap-after 933e9 --price-change 0.36 --json
    """
    ledger = _ledger(ledger_path, no_ledger)
    explicit = deal_size is not None and (change is not None or cap_after is not None)
    d, why = _defaults("amplification", ledger, entity=entity)
    if why is not None and not explicit:
        _not_assessed("amplification", [("entity", Source(kind=MISSING, ref="analyses.amplification"))], why,
                      ledger, as_json)
    if entity is None:
        entity = d["entity"].value if "entity" in d else "entity"
    sources: dict[str, Source] = {}
    ds, sources["deal_size"] = _pick("deal_size", "--deal", deal_size, d)
    if change is None and (cap_after is not None or price_change is not None):
        mc = None
        sources["market_cap_after"] = Source(kind=FLAG, ref="--cap-after")
        sources["price_change"] = Source(kind=FLAG, ref="--price-change")
    else:
        mc, sources["market_cap_change"] = _pick("market_cap_change", "--change", change, d)
        if change is None and "market_cap_after" in d and "price_change" in d:
            # the ledger's same-day market value and price move: the derived change is shown as a check
            cap_after, sources["market_cap_after"] = d["market_cap_after"].value, d["market_cap_after"].source
            price_change, sources["price_change"] = d["price_change"].value, d["price_change"].source
    if years is not None or "deal_years" in d:
        yr, sources["deal_years"] = _pick("deal_years", "--years", years, d)
    else:
        yr = None
    need = {"deal_size": (ds, sources["deal_size"])}
    if mc is None and cap_after is None:
        need["market_cap_change"] = (None, sources.get("market_cap_change", Source(kind=MISSING)))
    _need("amplification", need, None, ledger, as_json)
    inputs = AmplificationInputs(entity=str(entity), deal_size=ds, market_cap_change=mc, market_cap_after=cap_after,
                                 price_change=price_change, deal_years=yr, sources=sources)
    result = _run(amplification, inputs)
    _emit(result, ledger, as_json, lambda r: ())


# ---------------------------------------------------------------------------------------------- cap table
@metrics_group.command("cap-table")
@click.option("--from", "from_stake", type=float, default=None, help="The holder's stake before (1.0 = 100%).")
@click.option("--to", "to_stake", type=float, default=None, help="The holder's stake after (0.2 = 20%).")
@click.option("--valuation", type=MONEY, default=None, help="Pre-money value of 100% of the company, US dollars.")
@click.option("--shares", type=float, default=None, help="Shares outstanding before (default: the ledger's, else 1e9).")
@click.option("--holder", default=None, help="Whose stake (entity id; default: the ledger's first restructuring).")
@click.option("--via", type=float, default=None, help="Intermediate stake for a mixed route (sell, then issue).")
@ledger_option
@no_ledger_option
@json_option
def cap_table_cmd(from_stake: float | None, to_stake: float | None, valuation: float | None,
                  shares: float | None, holder: str | None, via: float | None, ledger_path: str | None, no_ledger: bool,
                  as_json: bool) -> None:
    """Take a holder from one stake to a smaller one by transfer or by issuance: who gets the money.

    Without flags: every restructuring the ledger records (analyses.cap_table), the first as the result
    and all of them under "restructurings". By transfer the holder receives (from - to) x V; by issuance the
    company receives V x (from / to - 1) and every holder is diluted.

    \b
    Examples:
      dealweb metrics cap-table --json                                          # the ledger's restructurings
      dealweb metrics cap-table --from 1.0 --to 0.2 --valuation 100e9 --json   # $80B vs $400B
      dealweb metrics cap-table --valuation 100e9 --via 0.5                     # also a mixed route
    """
    ledger = _ledger(ledger_path, no_ledger)
    d, why = _defaults("cap-table", ledger, holder=holder)
    sources: dict[str, Source] = {}
    f, sources["from_stake"] = _pick("from_stake", "--from", from_stake, d)
    t, sources["to_stake"] = _pick("to_stake", "--to", to_stake, d)
    v, sources["valuation"] = _pick("valuation", "--valuation", valuation, d)
    n, sources["shares_outstanding"] = _pick("shares_outstanding", "--shares", shares, d)
    if n is None:
        n, sources["shares_outstanding"] = 1.0e9, Source(kind="assumption", ref="illustrative shares",
                                                          note="1 billion shares: only per-share figures depend on it")
    _need("cap-table", {"from_stake": (f, sources["from_stake"]), "to_stake": (t, sources["to_stake"]),
                        "valuation": (v, sources["valuation"])}, why, ledger, as_json)
    flags_given = any(x is not None for x in (from_stake, to_stake, valuation, shares, via, holder))
    everyone: list[dict[str, Any]] = []
    if not flags_given:
        from dealweb.metrics.presets import result_from_defaults

        for rec in cap_table_records(ledger):
            try:
                res = result_from_defaults("cap-table", ledger, holder=rec.entities["holder"])
            except DealwebError as exc:
                everyone.append({"holder": rec.entities["holder"], "assessed": False, "needs": exc.message})
                continue
            everyone.append({"holder": rec.entities["holder"], "company": rec.entities.get("company"),
                             **res.as_dict()})
    if via is not None:
        sources["via"] = Source(kind=FLAG, ref="--via")
    inputs = CapTableInputs(from_stake=f, to_stake=t, valuation=v, shares_outstanding=n, via=via, sources=sources)
    result = _run(cap_table, inputs)

    def extra(res: Any) -> Sequence[Table]:
        t_ = Table(title="routes", title_justify="left")
        t_.add_column("")
        for r in res.routes:
            t_.add_column(r.name, justify="right")
        keys = [k for k in res.routes[0].as_dict() if k != "name"]
        for k in keys:
            t_.add_row(k, *(fmt_value(r.as_dict()[k]["value"], r.as_dict()[k]["unit"]) for r in res.routes))
        out: list[Table | str] = [t_]
        if len(everyone) > 1:
            out.append(f"{len(everyone)} restructurings recorded: " + ", ".join(str(e["holder"]) for e in everyone)
                       + " (--holder ID shows one; --json lists all)")
        return out

    _emit(result, ledger, as_json, extra, {"restructurings": everyone} if not flags_given else None)


# ---------------------------------------------------------------------------------------------- bubble
_ENTITY_KEYS = ("price_return", "eps_growth", "dividend_yield", "forward_pe", "expected_eps_growth",
                "capex_to_sales", "capex_to_fcf", "capex", "revenue", "free_cash_flow")


def _parse_entity(spec: str) -> BubbleEntity:
    """``NAME:key=value,key=value`` (pairs as ``start/end``) into a :class:`BubbleEntity`."""
    name, _, rest = spec.partition(":")
    name = name.strip()
    if not name:
        fail(f"--entity {spec!r} has no name", "write NAME:key=value,..., e.g. acme:forward_pe=30")
    kw: dict[str, Any] = {}
    for item in filter(None, (x.strip() for x in rest.split(","))):
        key, eq, val = item.partition("=")
        key = key.strip()
        if not eq or key not in _ENTITY_KEYS:
            fail(f"--entity {name}: cannot read {item!r}", f"keys are {', '.join(_ENTITY_KEYS)}; write key=value")
        try:
            if key in ("capex_to_sales", "capex_to_fcf"):
                a, slash, b = val.partition("/")
                if not slash:
                    fail(f"--entity {name}: {key} needs start/end", f"e.g. {key}=0.10/0.18")
                kw[key] = (float(a), float(b))
            elif key in ("capex", "revenue", "free_cash_flow"):
                text = val.strip()
                size = MONEY.convert(text.lstrip("-"), None, None)
                kw[key] = -size if text.startswith("-") else size
            else:
                kw[key] = float(val)
        except (ValueError, click.BadParameter):
            fail(f"--entity {name}: {key}={val!r} is not a number", "write e.g. forward_pe=30 or capex=8.5e9")
    if not kw:
        fail(f"--entity {spec!r} gives no figures for {name!r}",
             f"write NAME:key=value,..., e.g. {name}:forward_pe=30; keys are {', '.join(_ENTITY_KEYS)}")
    sources = {k: Source(kind=FLAG, ref=f"--entity {name}") for k in kw}
    return BubbleEntity(entity=name, sources=sources, **kw)


@metrics_group.command("bubble")
@click.option("--entity", "entities", multiple=True, metavar="NAME:key=value,...",
              help="An entity and its figures (repeatable); keys: " + ", ".join(_ENTITY_KEYS) + ".")
@click.option("--reference-pe", type=float, default=None, help="Reference forward P/E (default: the ledger's).")
@click.option("--reference-peg", type=float, default=None, help="Reference PEG (none by default: PEG not judged).")
@click.option("--rapid-rise", type=float, default=None, help="Price rise counted as rapid, fraction (0.25).")
@click.option("--valuation-share", type=float, default=None, help="Share of a rise from P/E that is a sign (0.5).")
@click.option("--capex-fcf-rise", type=float, default=None, help="Relative rise of capex/FCF that is a sign (0.25).")
@ledger_option
@no_ledger_option
@json_option
def bubble_cmd(entities: tuple[str, ...], reference_pe: float | None, reference_peg: float | None,
               rapid_rise: float | None, valuation_share: float | None, capex_fcf_rise: float | None,
               ledger_path: str | None, no_ledger: bool, as_json: bool) -> None:
    """Goldman Sachs' three-part bubble test per entity: price rise, overvaluation, leverage.

    Without --entity: the firms the ledger's analyses.bubble names (their forward P/E facts; capex, revenue
    and free cash flow of the record's period), against its reference P/E (a labelled assumption or a fact
    from outside the figures under test). No reference: overvaluation is not assessed.

    \b
    Examples:
      dealweb metrics bubble
      dealweb metrics bubble --entity "nvidia:price_return=1.2,eps_growth=1.0,forward_pe=30,expected_eps_growth=0.4"
      dealweb metrics bubble --entity "telecom-2000:capex_to_fcf=0.8/1.6" --reference-peg 2 --json
    """
    ledger = _ledger(ledger_path, no_ledger)
    d, why = _defaults("bubble", ledger)
    if entities:
        ents = tuple(_parse_entity(s) for s in entities)
    else:
        ents = default_bubble_entities(ledger)
        if not ents:
            _not_assessed("bubble", [("firms", Source(kind=MISSING, ref="analyses.bubble firms with figures",
                                                      note="not assessed: name firms with pe_forward*, capex, "
                                                           "revenue or free_cash_flow facts in analyses.bubble "
                                                           "firms, or pass --entity"))], why, ledger, as_json)
    sources: dict[str, Source] = {}
    rp, sources["reference_pe"] = _pick("reference_pe", "--reference-pe", reference_pe, d)
    if rp is None:
        sources["reference_pe"] = DEFAULT_BUBBLE_SOURCES["reference_pe"]
    base = dict(DEFAULT_BUBBLE_SOURCES)
    kw: dict[str, Any] = {}
    for name, flag, given in (("reference_peg", "--reference-peg", reference_peg),
                              ("rapid_rise_threshold", "--rapid-rise", rapid_rise),
                              ("valuation_share_threshold", "--valuation-share", valuation_share),
                              ("capex_fcf_rise_threshold", "--capex-fcf-rise", capex_fcf_rise)):
        if given is not None:
            kw[name] = given
            sources[name] = Source(kind=FLAG, ref=flag)
        else:
            sources[name] = base[name]
    inputs = BubbleInputs(entities=ents, reference_pe=rp, sources=sources, **kw)
    result = _run(bubble, inputs)

    def extra(res: Any) -> Sequence[Table | str]:
        figures = Table(title="entity figures", title_justify="left")
        for col in ("entity", "figure", "value", "source"):
            figures.add_column(col, overflow="fold", justify="right" if col == "value" else "left")
        for name, entry in res.as_dict()["inputs"]["entities"].items():
            for key, item in entry.items():
                figures.add_row(name, key, fmt_value(item["value"], item["unit"]), Source(**item["source"]).label())
        t = Table(title="three-part test per entity", title_justify="left")
        for col in ("entity", "price rise", "overvaluation", "leverage", "signs"):
            t.add_column(col, overflow="fold")
        for v in res.verdicts:
            t.add_row(v.entity, *(f"{p.status}: {p.reason}" for p in v.parts), f"{v.signs} of {v.assessed}")
        return (figures, t, *(v.verdict for v in res.verdicts))

    _emit(result, ledger, as_json, extra)


# ---------------------------------------------------------------------------------------------- all
@metrics_group.command("all")
@ledger_option
@no_ledger_option
@json_option
def all_cmd(ledger_path: str | None, no_ledger: bool, as_json: bool) -> None:
    """Every metric on the ledger's records (analyses section, facts, deals), in one go.

    A metric whose inputs the ledger lacks is "not assessed: needs X" with how to add X (in --json:
    ``{"assessed": false, "needs": [...], "how": ...}``), never filled from another ledger.

    \b
    Examples:
      dealweb metrics all                 # one headline line per metric
      dealweb metrics all --json          # {metric: result} with the keys of each command's --json
    """
    from dealweb.metrics.presets import all_results

    ledger = _ledger(ledger_path, no_ledger)
    try:
        results = all_results(ledger)
    except DealwebError as exc:
        fail(exc.message, exc.hint)
    if as_json:
        emit_json({"ledger": ledger.name if ledger is not None else None,
                   "metrics": {k: v.as_dict() for k, v in results.items()}})
        return
    t = _headlines(results)
    c = _console()
    c.print(f"[bold]dealweb metrics all[/bold]  ({'ledger ' + ledger.name if ledger else 'no ledger'})")
    c.print(t)


def _headlines(results: dict[str, Any]) -> Table:
    """One headline line per metric; "not assessed: needs X (how)" where the ledger lacks inputs."""
    t = Table(title="headline figures (run 'dealweb metrics NAME' for inputs, sources and assumptions)",
              title_justify="left")
    t.add_column("metric")
    t.add_column("headline", overflow="fold")
    for name, r in results.items():
        if isinstance(r, NotAssessed):
            t.add_row(name, "not assessed: " + (r.how if r.how.startswith("needs ") else
                                                 f"needs {', '.join(r.needs)} (how: {r.how})"))
            continue
        _HEADLINES[name](t, r)
    return t


def _h_breakeven(t: Table, b: Any) -> None:
    t.add_row("breakeven", f"{fmt_value(b.revenue_needed_per_year, 'usd_per_year')} needed at "
                           f"{b.inputs.life_years:g} years and {b.inputs.margin:.0%} margin, against "
                           f"{fmt_value(b.revenue_had_per_year, 'usd_per_year')} "
                           f"({fmt_value(b.coverage, 'fraction')} covered)")


def _h_capacity(t: Table, cp: Any) -> None:
    t.add_row("capacity", f"{cp.inputs.gw:g} GW = {fmt.interval(*cp.accelerators, 'accelerators')} "
                          f"= {fmt.interval(*cp.usd, 'USD')}")


def _h_backlog(t: Table, bl: Any) -> None:
    t.add_row("backlog", f"path {_fmt_usd(bl.path_total)} of RPO {_fmt_usd(bl.inputs.rpo)}; "
                         f"x{bl.growth_multiple:.1f} in {len(bl.schedule) - 1} years"
                         + (f"; {bl.customer.customer} means gap {_fmt_usd(bl.customer.means_gap)}"
                            if bl.customer else ""))


def _h_funding_gap(t: Table, fg: Any) -> None:
    t.add_row("funding-gap", f"{fg.inputs.payer}: commitments {fmt_value(fg.commitment_multiple, 'x')} revenue; "
                             f"outside capital needed {_fmt_usd(fg.outside_capital_needed)}")


def _h_amplification(t: Table, am: Any) -> None:
    t.add_row("amplification", f"{am.inputs.entity}: {fmt_value(am.amplification, 'x')} of the deal")


def _h_cap_table(t: Table, ct: Any) -> None:
    t.add_row("cap-table", f"{ct.inputs.from_stake:.0%} -> {ct.inputs.to_stake:.0%}: holder receives "
                           f"{_fmt_usd(ct.route('transfer').holder_receives)} by transfer, or the company "
                           f"{_fmt_usd(ct.route('issuance').company_receives)} by issuance")


def _h_bubble(t: Table, bb: Any) -> None:
    for v in bb.verdicts:
        t.add_row("bubble", v.verdict)


_HEADLINES: dict[str, Callable[[Table, Any], None]] = {
    "breakeven": _h_breakeven, "capacity": _h_capacity, "backlog": _h_backlog, "funding-gap": _h_funding_gap,
    "amplification": _h_amplification, "cap-table": _h_cap_table, "bubble": _h_bubble,
}


# ---------------------------------------------------------------------------------------------- analyses
csv_option = click.option("--csv", "csv_path", default=None, metavar="PATH",
                          help="Write the table as CSV to PATH ('-' for standard output).")
xlsx_option = click.option("--xlsx", "xlsx_path", default=None, metavar="PATH",
                           help="Write every table as an Excel workbook (one sheet each) to PATH.")
policy_option = click.option("--amount", "policy", type=click.Choice(["low", "mid", "high"]), default="mid",
                             show_default=True, help="Which figure of each amount (the flows table's policy).")


def _write_tables(main_rows: list[dict[str, Any]], tables: dict[str, list[dict[str, Any]]],
                  csv_path: str | None, xlsx_path: str | None, as_json: bool = False) -> bool:
    """Write ``--csv`` / ``--xlsx`` atomically; True when nothing else is to be printed.

    That is when the CSV went to standard output, or when files were written without ``--json`` (then the
    paths written are said in one line).
    """
    from pathlib import Path

    from dealweb.cli.common import write_output
    from dealweb.metrics.waterfall import csv_bytes, xlsx_bytes

    if xlsx_path is not None:
        try:
            data = xlsx_bytes(tables)
        except DealwebError as exc:
            fail(exc.message, exc.hint)
        write_output(Path(xlsx_path), data)
    if csv_path == "-":
        sys.stdout.write(csv_bytes(main_rows).decode("utf-8"))
        return True
    if csv_path is not None:
        write_output(Path(csv_path), csv_bytes(main_rows))
    if (csv_path or xlsx_path) and not as_json:
        click.echo(f"wrote {', '.join(p for p in (csv_path, xlsx_path) if p)}")
        return True
    return False


@metrics_group.command("waterfall")
@click.option("--firm", "firms", multiple=True, metavar="ID", help="A firm to show (repeatable; default: every payer).")
@policy_option
@csv_option
@xlsx_option
@ledger_option
@json_option
def waterfall_cmd(firms: tuple[str, ...], policy: str, csv_path: str | None, xlsx_path: str | None,
                  ledger_path: str | None, as_json: bool) -> None:
    """Obligations waterfall per firm and calendar year, from the flows table.

    Paid, firm and conditional money each firm owes, by counterparty; against its income (recorded revenue
    of the year, else what the web owes it) and funding raised (investment and debt paid to it); the gap per
    year = paid + firm - income - funding (conditional shown, not in the gap). US dollars.

    \b
    Examples:
      dealweb metrics waterfall --firm openai
      dealweb metrics waterfall --json
      dealweb metrics waterfall --csv waterfall.csv --xlsx waterfall.xlsx
    """
    from dealweb.flows import build_flows
    from dealweb.metrics.waterfall import waterfall

    ledger = load_or_exit(ledger_path)
    fl = build_flows(ledger, policy=policy)
    unknown = [f for f in firms if f not in ledger.entities]
    if unknown:
        fail(f"--firm {unknown[0]!r} is not an entity of ledger {ledger.name}",
             "give an entity id, e.g. " + ", ".join(sorted(ledger.entities)[:5]))
    w = waterfall(fl, ledger, firms)
    if not w.years:
        what = "money paid or owed by " + ", ".join(firms) if firms else "deals with money between firms"
        _not_assessed("waterfall", [("flows", Source(
            kind=MISSING, ref=what, note=f"not assessed: needs {what}; add deals with from:, to:, amount: and a "
                                         "term or dates (docs/ledger-format.md), then dealweb check"))],
                      None, ledger, as_json)
    tables = w.tables()
    if _write_tables(tables["waterfall"], tables, csv_path, xlsx_path, as_json):
        return
    if as_json:
        emit_json({**w.as_dict(), "ledger": ledger.name})
        return
    c = _console()
    c.print(f"[bold]dealweb metrics waterfall[/bold]  (ledger {ledger.name}, amounts: {policy})")
    t = Table(title="obligations per firm and year (US dollars)", title_justify="left")
    for col in ("firm", "year", "paid", "firm", "conditional", "income", "funding", "gap"):
        t.add_column(col, justify="left" if col in ("firm", "year") else "right")
    for y in w.years:
        t.add_row(y.firm, y.year, _fmt_usd(y.paid), _fmt_usd(y.firm_owed), _fmt_usd(y.conditional),
                  _fmt_usd(y.income) + ("" if y.income_basis == "recorded revenue" else " (web)"),
                  _fmt_usd(y.funding), _fmt_usd(y.gap))
    c.print(t)
    for a in w.assumptions:
        c.print(f"  - {a}")


@metrics_group.command("haircut")
@click.option("--payer", default=None, metavar="ID",
              help="The firm that pays only part of what it committed (default: the ledger's analyses.funding_gap "
                   "payer, else the largest payer of firm money).")
@click.option("--k", "ks", default="100,75,50,25,0", show_default=True,
              help="Percentages of its commitments it pays, comma-separated, each 0-100.")
@policy_option
@csv_option
@xlsx_option
@ledger_option
@json_option
def haircut_cmd(payer: str | None, ks: str, policy: str, csv_path: str | None, xlsx_path: str | None,
                ledger_path: str | None, as_json: bool) -> None:
    """Counterparty haircut: "PAYER pays k% of what it committed", as a table over k.

    For each k, every firm the payer pays: its backlog (firm + conditional money owed to it), its income by
    year, its funding gap (waterfall gaps summed over the years short) and whether it then fails (a gap
    larger than the cash it has on record; no new money assumed). Then round by round: each firm that failed
    pays its creditors the share its resources cover, and they are judged again, until no new failure. A
    firm failing even at 100% is marked "without haircut" and not passed on. US dollars.

    \b
    Examples:
      dealweb metrics haircut --payer openai
      dealweb metrics haircut --payer openai --k 100,50,0 --json
      dealweb metrics haircut --payer openai --csv haircut.csv --xlsx haircut.xlsx
    """
    from dealweb.flows import build_flows, recorded_cash
    from dealweb.metrics.waterfall import cascade_summary, haircut, parse_percentages, table_rows

    try:
        fractions = parse_percentages(ks, "--k")
    except DealwebError as exc:
        fail(exc.message, exc.hint)
    ledger = load_or_exit(ledger_path)
    if payer is not None and payer not in ledger.entities:
        fail(f"--payer {payer!r} is not an entity of ledger {ledger.name}",
             "give an entity id, e.g. " + ", ".join(sorted(ledger.entities)[:5]))
    fl = build_flows(ledger, policy=policy)
    if payer is None:
        recs = ledger.analyses.records("funding_gap") if ledger.analyses is not None else ()
        if recs:
            payer = recs[0].entities["payer"]
        else:
            firm = fl.firm & fl.cash
            if not firm.any():
                _not_assessed("haircut", [("payer", Source(kind=MISSING, ref="a payer of firm money",
                                                           note="not assessed: needs a firm that pays (no firm money "
                                                                "in the ledger's flows); pass --payer"))],
                              None, ledger, as_json)
            totals = np.bincount(fl.payer[firm], weights=fl.value[firm], minlength=len(fl.entities))
            payer = fl.entities[int(np.argmax(totals))]
    cash = {e: rc.usd for e, rc in recorded_cash(ledger, None, policy).items()}
    try:
        rows = haircut(fl, ledger, payer, fractions, cash)
    except DealwebError as exc:
        fail(exc.message, exc.hint)
    flat = table_rows(rows)
    summary = cascade_summary(rows)
    cascade = [{"k": c["k"], "rounds": c["rounds"], "failed": ", ".join(c["failed"]),
                "failed_by_round": " | ".join(",".join(r) or "-" for r in c["failed_by_round"]),
                "fails_without_haircut": ", ".join(c["fails_without_haircut"])} for c in summary]
    if _write_tables(flat, {"haircut": flat, "cascade": cascade}, csv_path, xlsx_path, as_json):
        return
    assumptions = ["k scales what the payer still owes (firm, conditional and rumoured rows); paid money stays paid",
                   "fails: funding gap larger than the cash on record; no new money",
                   "a failed firm then pays the share its resources cover, 1 - (gap - cash) / unpaid firm "
                   "obligations, and its creditors are judged again, until no new failure",
                   "a firm failing even when the payer pays 100% is not passed on (the haircut did not cause it)"]
    if as_json:
        emit_json({"analysis": "haircut", "ledger": ledger.name, "payer": payer, "policy": policy, "unit": "usd",
                   "rows": [r.as_dict() for r in rows], "cascade": summary, "assumptions": assumptions})
        return
    c = _console()
    c.print(f"[bold]dealweb metrics haircut[/bold]  (ledger {ledger.name}: {payer} pays k% of its commitments)")
    t = Table(title="per k, round of the cascade and firm (US dollars)", title_justify="left")
    for col in ("k", "round", "firm", "backlog", "funding gap", "cash on record", "fails", "pays"):
        t.add_column(col, justify="left" if col in ("firm", "fails") else "right")
    for r in rows:
        fails = ("yes, without haircut" if r.fails_without_haircut else
                 f"yes (round {r.failed_in})" if r.failed_in is not None else "yes" if r.fails else "no")
        t.add_row(fmt_value(r.k, "fraction"), str(r.round), r.firm, _fmt_usd(r.backlog), _fmt_usd(r.funding_gap),
                  _fmt_usd(r.cash), fails, fmt_value(r.pays, "fraction"))
    c.print(t)
    for s in summary:
        chain = "; ".join(f"round {i}: {', '.join(f) or 'none'}" for i, f in enumerate(s["failed_by_round"]))
        c.print(f"  k {fmt_value(s['k'], 'fraction')}: {chain}")
    for a in assumptions:
        c.print(f"  - {a}")


@metrics_group.command("bridge")
@click.option("--firm", "firms", multiple=True, metavar="ID", help="A firm to show (repeatable; default: every firm "
              "with cash-flow facts or in-web purchases).")
@click.option("--interest-rate", "interest_rate", default="6", show_default=True, metavar="PERCENT",
              help="Interest a year, in percent, on recorded loans that state none (an assumption, labelled; the "
                   "stress scenarios' default).")
@click.option("--maturity-years", type=click.FloatRange(0.25, 100), default=None, metavar="YEARS",
              help="Years to maturity of recorded loans that state no term (default: the simulation's, 5).")
@policy_option
@csv_option
@xlsx_option
@ledger_option
@json_option
def bridge_cmd(firms: tuple[str, ...], interest_rate: str, maturity_years: float | None, policy: str,
               csv_path: str | None, xlsx_path: str | None, ledger_path: str | None, as_json: bool) -> None:
    """Funding bridge per firm and year: operating cash flow against capex, in-web purchases and debt service.

    need = capex + in-web purchases (not inside the capex figure) + debt service - operating cash flow: the
    debt or equity still to raise; leverage after = (debt received + need) / operating cash flow. Debt
    service: the firm's recorded loans (paid or firm), serviced as the stress simulation does: interest each
    quarter and the principal in equal parts to maturity, from the deal's terms or the labelled assumptions
    --interest-rate and --maturity-years (each loan's terms and their sources are listed). A firm without an
    operating cash flow or capex fact shows need n/a (add the fact). US dollars.

    \b
    Examples:
      dealweb metrics bridge --firm oracle
      dealweb metrics bridge --json
      dealweb metrics bridge --csv bridge.csv --xlsx bridge.xlsx
    """
    from dealweb.flows import build_flows
    from dealweb.metrics.waterfall import funding_bridge, parse_percentages

    try:
        (rate,) = parse_percentages(interest_rate, "--interest-rate")
    except (DealwebError, ValueError) as exc:
        msg = exc.message if isinstance(exc, DealwebError) else f"--interest-rate {interest_rate!r} is one figure"
        fail(msg, "--interest-rate takes one percentage a year from 0 to 100, e.g. 6")
    ledger = load_or_exit(ledger_path)
    unknown = [f for f in firms if f not in ledger.entities]
    if unknown:
        fail(f"--firm {unknown[0]!r} is not an entity of ledger {ledger.name}",
             "give an entity id, e.g. " + ", ".join(sorted(ledger.entities)[:5]))
    rows = funding_bridge(build_flows(ledger, policy=policy), ledger, firms, rate, maturity_years)
    if not rows or all(r.need is None and not r.in_web_purchases and not r.debt_service for r in rows):
        what = "a firm's operating cash flow and capex, in-web purchases or recorded loans"
        _not_assessed("bridge", [("facts", Source(
            kind=MISSING, ref=what, note=f"not assessed: needs {what}; add facts of metric operating_cash_flow_ttm "
                                         "and capex (or capex_guidance) for the firm, or deals it pays or borrows "
                                         "(docs/ledger-format.md)"))], None, ledger, as_json)
    flat = [{k: (v if not isinstance(v, dict | list) else _cell(v)) for k, v in r.as_dict().items()} for r in rows]
    loans = [{"firm": r.firm, "year": r.year, **t} for r in rows for t in r.debt_terms]
    if _write_tables(flat, {"bridge": flat, "debt_service": loans}, csv_path, xlsx_path, as_json):
        return
    assumptions = ["operating cash flow and capex: the latest yearly (or TTM) facts, held flat, never projected",
                   "in-web purchases: firm and paid hardware and services rows, less deals the capex fact includes",
                   "debt service: recorded paid or firm loans, drawn at their term's start (else announcement), "
                   "interest each quarter and level principal to maturity, as the stress simulation services them; "
                   f"a loan stating no rate is assumed to bear {100 * rate:g}% a year (--interest-rate); each loan's "
                   "terms and their sources are in debt_terms"]
    if as_json:
        emit_json({"analysis": "bridge", "ledger": ledger.name, "policy": policy, "unit": "usd",
                   "years": [r.as_dict() for r in rows], "assumptions": assumptions})
        return
    c = _console()
    c.print(f"[bold]dealweb metrics bridge[/bold]  (ledger {ledger.name}, amounts: {policy})")
    t = Table(title="funding bridge per firm and year (US dollars)", title_justify="left")
    for col in ("firm", "year", "op. cash flow", "capex", "in-web purchases", "debt service", "need", "leverage after"):
        t.add_column(col, justify="left" if col in ("firm", "year") else "right")
    for r in rows:
        t.add_row(r.firm, r.year, fmt_value(r.operating_cash_flow, "usd"), fmt_value(r.capex, "usd"),
                  _fmt_usd(r.in_web_purchases), _fmt_usd(r.debt_service), fmt_value(r.need, "usd"),
                  fmt_value(r.leverage_after, "x"))
    c.print(t)
    shown = set()
    for r in rows:
        for lt in r.debt_terms:
            if lt["deal"] in shown:
                continue
            shown.add(lt["deal"])
            c.print(f"  debt service of {r.firm}: {lt['deal']}, {_fmt_usd(float(lt['principal']))} from {lt['start']}: "
                    f"interest {fmt_value(lt['interest_rate'], 'fraction')} ({lt['rate_source']}); maturity "
                    f"{lt['maturity']} ({lt['maturity_source']})")
    for a in assumptions:
        c.print(f"  - {a}")


def _cell(v: Any) -> str:
    """A mapping or list as one CSV/Excel cell: ``k=v, ...`` or the loans' deal ids."""
    if isinstance(v, dict):
        return ", ".join(f"{a}={b}" for a, b in v.items())
    return ", ".join(str(x.get("deal", x)) if isinstance(x, dict) else str(x) for x in v)


@metrics_group.command("scenarios")
@click.argument("names", nargs=-1, metavar="[SCENARIO...]")
@click.option("--runs", type=click.IntRange(1, 100_000), default=None,
              help="Runs per scenario (default: each scenario's own, as dealweb stress: 2,000 unless it says).")
@click.option("--seed", type=int, default=None, help="Random seed (default: each scenario's own).")
@click.option("--include", "include", type=click.Choice(["conditional", "rumoured"]), multiple=True,
              help="Also simulate conditional money, paid on its triggers (as dealweb stress --include; "
                   "default: firm money only).")
@click.option("--tornado", "tornado", default=None, metavar="FIRM",
              help="Also the tornado of the first scenario's inputs that move FIRM's default probability most "
                   "(the stress run's sensitivity table, one-at-a-time bumps).")
@csv_option
@xlsx_option
@ledger_option
@json_option
def scenarios_cmd(names: tuple[str, ...], runs: int | None, seed: int | None, include: tuple[str, ...],
                  tornado: str | None, csv_path: str | None, xlsx_path: str | None, ledger_path: str | None,
                  as_json: bool) -> None:
    """Two or more stress scenarios side by side: each firm's default probability and outside capital.

    Runs each scenario (a bundled name or a file; 'dealweb stress --list') on the ledger with the same runs;
    with no SCENARIO, every bundled scenario written for this ledger (none: not assessed, with how to write
    one). --tornado FIRM adds the inputs that move that firm's default probability most (from the stress
    simulation's own sensitivity table, not recomputed here). Runs and seed are printed beside the results,
    and the money counted: firm money only unless --include conditional (JSON: money, as in dealweb stress).

    \b
    Examples:
      dealweb metrics scenarios --ledger ai-capex-2025
      dealweb metrics scenarios base capital-drought --runs 200 --ledger ai-capex-2025
      dealweb metrics scenarios base capital-drought --include conditional --ledger ai-capex-2025
      dealweb metrics scenarios base openai-cannot-pay --tornado oracle --json --ledger ai-capex-2025
      dealweb metrics scenarios base slow-ai-revenue --csv side.csv --xlsx side.xlsx --ledger ai-capex-2025
    """
    from dealweb.sim import bundled_scenarios, load_scenario, stress
    from dealweb.sim.scenario import resolve_scenario
    from dealweb.sim.sidebyside import NEEDS, fitting_scenarios, side_by_side

    ledger = load_or_exit(ledger_path)  # a broken ledger is named first, as by every command that reads one
    if not names:
        fit = fitting_scenarios(ledger.name)
        if len(fit) < 2:
            _not_assessed("scenarios", [("scenarios", Source(kind=MISSING, ref=NEEDS[0],
                                                             note=f"not assessed: needs {NEEDS[0]}; {NEEDS[1]}"))],
                          None, ledger, as_json)
        names, paths = tuple(fit), list(fit.values())
    elif len(names) < 2:
        fail("give two or more scenarios to set side by side",
             "bundled: " + ", ".join(bundled_scenarios(ledger.name))
             + "; e.g. dealweb metrics scenarios base capital-drought")
    else:
        paths = []
        for name in names:
            try:
                paths.append(resolve_scenario(name, ledger.name))
            except DealwebError:
                fail(f"SCENARIO {name!r} is neither a file nor a bundled scenario",
                     "bundled: " + ", ".join(bundled_scenarios(ledger.name)))
    if tornado is not None and tornado not in ledger.entities:
        fail(f"--tornado {tornado!r} is not an entity of ledger {ledger.name}",
             "give an entity id, e.g. " + ", ".join(sorted(ledger.entities)[:5]))
    summaries: dict[str, dict[str, Any]] = {}
    for k, (name, path) in enumerate(zip(names, paths, strict=True)):
        try:
            res = stress(load_scenario(path), ledger, runs=runs, seed=seed, sensitivity=tornado is not None and k == 0,
                         include=include)
        except DealwebError as exc:
            fail(f"scenario {name}: {exc.message}", exc.hint)
        summaries[name] = res.summary(top=10)
    money = summaries[names[0]]["money"]
    side = side_by_side(summaries, tornado)
    rows = side["firms"]
    for row in rows:
        row["money_counted"] = "+".join(money["counted"])  # firm, or firm+conditional+rumoured (--include)
    tornado_rows = side["tornado"]["rows"] if side["tornado"] else []
    tables = {"scenarios": rows, **({"tornado": tornado_rows} if tornado_rows else {})}
    if _write_tables(rows, tables, csv_path, xlsx_path, as_json):
        return
    if as_json:
        distinct = set(side["runs"].values())
        emit_json({"analysis": "scenarios", "ledger": ledger.name, "scenarios": list(names),
                   "runs": runs if runs is not None else (distinct.pop() if len(distinct) == 1 else None),
                   "runs_per_scenario": side["runs"], "seeds": side["seeds"],
                   "money": {"include": money["include"], "label": money["label"],
                             "left_out_usd": money["left_out_usd"]},
                   "firms": rows,
                   "tornado": {"firm": tornado, "rows": tornado_rows} if tornado else None})
        return
    from dealweb.sim.stress import runs_label

    c = _console()
    seeds = "; ".join(f"{n}: {runs_label(int(side['runs'][n]), int(side['seeds'][n]))}" for n in names)
    c.print(f"[bold]dealweb metrics scenarios[/bold]  (ledger {ledger.name}; {seeds}; "
            f"{money['label']})")
    t = Table(title="default probability and mean outside capital per firm", title_justify="left")
    t.add_column("firm")
    for name in names:
        t.add_column(f"{name}: default", justify="right")
        t.add_column(f"{name}: outside capital", justify="right")
    for row in rows:
        t.add_row(row["firm"], *(x for name in names for x in (
            fmt_value(row[f"{name}_default_probability"], "fraction"),
            fmt_value(row[f"{name}_outside_capital_usd"], "usd"))))
    c.print(t)
    if tornado is not None:
        if not tornado_rows:
            c.print(f"tornado: {tornado} is not among the firms the sensitivity table reports")
            return
        tt = Table(title=f"tornado: what moves {tornado}'s default probability most ({names[0]})",
                   title_justify="left")
        for col in ("assumption", "base", "bump", "change (pp)"):
            tt.add_column(col, justify="right" if col == "change (pp)" else "left")
        for r in tornado_rows:
            tt.add_row(str(r["assumption"]), str(r["base"]), str(r["bump"]), f"{r['delta_pp']:+.1f}")
        c.print(tt)
