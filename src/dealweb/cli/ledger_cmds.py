"""``dealweb check``, ``dealweb show`` and ``dealweb export``: the ledger's own commands."""

from __future__ import annotations

import csv
import difflib
import io
import json
import os
import sys
from datetime import date
from pathlib import Path
from typing import Any

import click
import networkx as nx
import numpy as np
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from dealweb import fmt
from dealweb.cli import main
from dealweb.cli.common import (
    date_or_exit,
    echo_out,
    emit_json,
    fail,
    ledger_arg,
    ledger_option,
    load_or_exit,
    write_output,
)
from dealweb.errors import DealwebError, InputError
from dealweb.ledger import ledger_to_dict
from dealweb.ledger.export import CSV_COLUMNS, amount_to_dict, flow_rows, ledger_to_graph
from dealweb.model import Claim, Deal, Entity, Fact, Ledger, Status
from dealweb.money import Amount
from dealweb.periods import PeriodError, fiscal_period

__all__ = ["check", "export", "show"]


def _console() -> Console:
    # Wide when piped (a file or a pager), the terminal's width otherwise.
    return Console(highlight=False, soft_wrap=False, width=None if sys.stdout.isatty() else 200)


# --------------------------------------------------------------------------------------------------------
@main.command()
@ledger_arg
@click.option("--documents", "documents", multiple=True, type=click.Path(), metavar="DIR",
              help="Folder holding the cited documents' files (repeatable); quotes are checked against them.")
@click.option("--json", "as_json", is_flag=True, help="Print the problems as JSON (stable keys).")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too (conflicts, unsourced records...).")
@click.option("--fix-spans", "fix_spans", is_flag=True,
              help="First fill missing quote spans and correct moved ones from the documents (written "
                   "atomically, comments kept), then check.")
def check(ledger_path: str | None, documents: tuple[str, ...], as_json: bool, strict: bool,
          fix_spans: bool) -> None:
    """Validate a ledger: list every problem as file:line:col: message (hint).

    LEDGER (or --ledger) is a ledger directory, one .yaml file, or a bundled ledger's name (default: the
    default bundled ledger). Quotes are checked against the documents found through the ledger's
    documents_dirs, --documents DIR and the DEALWEB_DOCUMENTS variable. Exits 1 when there is any error,
    0 when there are none (warnings allowed, unless --strict).

    \b
    Examples:
      dealweb check                                # the bundled ledger
      dealweb check my-ledger/ --documents texts/  # check quotes against the texts in texts/
      dealweb check deals.yaml --json              # problems as JSON
      dealweb check my-ledger/ --strict            # warnings fail too (for a ledger's own CI)
      dealweb check my-ledger/ --fix-spans         # fill/correct every quote's start/end, then check

    With --fix-spans, quotes that cannot be placed (absent from their document, or there several times)
    are listed and left as they are; the JSON gains a "spans" object {seen, filled, corrected, changed,
    problems}.
    """
    from dealweb.ledger import load_ledger

    for d in documents:
        if not Path(d).is_dir():
            fail(f"--documents {d}: no such folder", "give a folder holding the documents' text files")
    spans = _fix_spans(ledger_path, documents) if fix_spans else None
    try:
        result = load_ledger(ledger_path, documents_dirs=documents)
    except DealwebError as exc:
        fail(exc.message, exc.hint)
    errors, warnings = result.errors, result.warnings
    if as_json:
        emit_json({"ledger": str(result.ledger.root), "errors": len(errors), "warnings": len(warnings),
                   "problems": [p.as_dict() for p in result.problems],
                   **({"spans": spans.as_dict()} if spans is not None else {})})
    else:
        if spans is not None:
            for p in spans.problems:
                click.echo(f"{p} [spans]")
            click.echo(f"spans: {spans.seen} claims, {spans.filled} filled, {spans.corrected} corrected"
                       + (f" in {', '.join(str(c) for c in spans.changed)}" if spans.changed else "; nothing to write"),
                       err=True)
        for p in result.problems:
            click.echo(str(p))
        led = result.ledger
        summary = (f"{led.root}: {len(led.entities)} entities, {len(led.deals)} deals, {len(led.facts)} facts, "
                   f"{len(led.documents)} documents; {len(errors)} error(s), {len(warnings)} warning(s)"
                   f" ({len(led.conflicts)} conflict(s))")
        click.echo(summary, err=bool(errors))
    raise SystemExit(1 if errors or (strict and warnings) else 0)


def _fix_spans(ledger_path: str | None, documents: tuple[str, ...]):  # noqa: ANN202
    """Run :func:`dealweb.ledger.spans.fill_spans`; a refused write is one line, exit 1."""
    from dealweb.ledger import resolve_ledger
    from dealweb.ledger.spans import fill_spans

    try:
        return fill_spans(resolve_ledger(ledger_path), documents)
    except DealwebError as exc:
        fail(exc.message, exc.hint, code=2 if isinstance(exc, InputError) else 1)


# --------------------------------------------------------------------------------------------------------
def _usd_range(lo: float | None, hi: float | None, unbounded: bool = False) -> str:
    """``$100B``, ``$0–$100B``, ``at least $20B`` or ``—`` (no conversion): :func:`dealweb.fmt.interval`."""
    if lo is None:
        return "—"
    return fmt.interval(lo, hi, "USD", unbounded=unbounded)


def _amount_cells(a: Amount | None) -> tuple[str, str, str, str]:
    """(as written, qualifier, currency or unit, USD interval) for a table row."""
    if a is None:
        return "—", "", "", ""
    # escaped: rich reads "[as much as $100 billion]" as a markup tag and drops the source's own words
    written = a.label() + (escape(f"  [{a.text}]") if a.text and a.text != a.label() else "")
    usd = _usd_range(a.usd_low, a.usd_high, a.high is None) if a.currency else ""
    if a.currency and a.currency != "USD" and a.usd_rate is not None:
        usd += f" ({a.usd_source})"
    return written, str(a.qualifier), a.unit or "", usd


def _deal_amount_cells(deal: Deal, a: Amount | None) -> tuple[str, str, str, str]:
    """As :func:`_amount_cells`; a deal with no total but per-year rates shows its rates ("about $3B a year").

    The flows table schedules such a deal from its rates (basis ``per_year``), so "—" would hide money the
    table counts.
    """
    rates = getattr(deal, "per_year", ()) or ()
    if a is not None or not rates:
        return _amount_cells(a)
    cells = [_amount_cells(r.amount) for r in rates]

    def when(r: Any) -> str:
        start = r.start_label or (r.start.isoformat() if r.start else "")
        return f" from {start}" if start else ""

    written = "; ".join(f"{c[0]} a year{when(r)}" for c, r in zip(cells, rates, strict=True))
    usd = "; ".join(f"{c[3]} a year" for c in cells if c[3])
    return written, cells[0][1], cells[0][2], usd


def _versions(ledger: Ledger, at: date | None) -> dict[str, tuple[Any, ...]]:
    """Deal id -> figures shown as of ``at`` as their sources had reported them (not the current record)."""
    from dealweb.flows import versions_on

    return versions_on(ledger, at)


def _print_versions(versions: dict[str, tuple[Any, ...]], at: date | None, con: Console,
                    only: set[str] | None = None) -> None:
    """The figures marked † in the tables: as of ``at``, each with the document it comes from."""
    rows = [(k, v) for k, v in versions.items() if only is None or k in only]
    if at is None or not rows:
        return
    con.print(f"† As of {at}: figures as their sources had reported them by then, not the ledger's current "
              "record (no look-ahead):")
    for k, figs in rows:
        con.print(f"  {k}: " + "; ".join(escape(f.sentence()) for f in figs))


def _deal_conflicts(ledger: Ledger) -> dict[str, int]:
    out: dict[str, int] = {}
    for c in ledger.conflicts:
        out[c.record] = out.get(c.record, 0) + 1
    return out


def _n_sources(ledger: Ledger, deal: Deal, at: date | None) -> int:
    """Distinct documents the deal cites (claims, events, tranches), only those published by ``at`` if given."""
    from dealweb.flows.known import source_documents

    return len(source_documents(ledger.deals.get(deal.id, deal), ledger.documents, at))


def _live_deals(ledger: Ledger, at: date | None) -> list[Deal]:
    """Deals known on ``at`` (earliest dated source on or before it: no look-ahead; see docs/flows.md)."""
    from dealweb.flows import known_deals

    return known_deals(ledger, at)[0]


def _flows(ledger: Ledger, at: date | None) -> Any:
    from dealweb.cli.graph_cmds import flows_or_exit

    return flows_or_exit(ledger, at, "mid")


def _money_status(fl: Any) -> dict[str, str]:
    """Deal id -> the money it makes in the flows table: firm, conditional, paid, cancelled, history, mixed."""
    out: dict[str, set[str]] = {}
    for d, st in zip(fl.column("deal").tolist(), fl.column("status").tolist(), strict=True):
        out.setdefault(d, set()).add(st)
    return {d: next(iter(v)) if len(v) == 1 else "+".join(sorted(v)) for d, v in out.items()}


def _money_totals(fl: Any) -> dict[str, float]:
    """Live money of the flows table at its policy, value in shares kept apart.

    ``firm``, ``conditional``, ``total`` count money only; ``non_cash`` is the value in shares (warrants, deals
    paid in stock: the table's ``cash`` False).
    """
    cash = np.asarray(fl.cash, dtype=bool)
    firm = float(fl.value[fl.firm & cash].sum())
    cond = float(fl.value[fl.conditional & cash].sum())
    return {"firm": firm, "conditional": cond, "total": firm + cond, "non_cash": float(fl.value[fl.live & ~cash].sum())}


def _entity_totals(ledger: Ledger, at: date | None, fl: Any = None) -> dict[str, dict[str, Any]]:
    """Per entity: deal counts, USD sums of its live flows, firm and conditional money (from the flows table).

    USD sums are low and high (high None when unbounded); firm and conditional are at the policy's middle.
    Value in shares (warrants, deals paid in stock) is not money: it is in ``shares_out``/``shares_in`` only.
    """
    fl = fl if fl is not None else _flows(ledger, at)
    tot: dict[str, dict[str, Any]] = {
        e: {"deals_out": 0, "deals_in": 0, "usd_out_low": 0.0, "usd_out_high": 0.0, "usd_in_low": 0.0,
            "usd_in_high": 0.0, "unbounded_out": False, "unbounded_in": False, "priced_out": 0, "priced_in": 0,
            "unconverted": 0, "facts": 0, "firm_out": 0.0, "conditional_out": 0.0, "firm_in": 0.0,
            "conditional_in": 0.0, "shares_out": 0.0, "shares_in": 0.0, "shares_out_if": {}, "shares_in_if": {}}
        for e in ledger.entities}
    for d in _live_deals(ledger, at):
        if d.status_on(at) is Status.CANCELLED:
            continue
        for f in d.pairwise_flows():
            for who, side in ((f.payer, "out"), (f.payee, "in")):
                if who in tot:
                    tot[who][f"deals_{side}"] += 1
    for s_ in fl.skipped:
        if "USD" in s_.reason:
            for who in (s_.payer, s_.payee):
                if who in tot:
                    tot[who]["unconverted"] += 1
    g = fl.by_flow(fl.live)
    cond_codes = {fl.code("status", "conditional"), fl.code("status", "rumoured")}
    for k in range(len(g["deal"])):
        first = int(g["first"][k])
        unbounded = bool(fl.open_high[first])
        money = "conditional" if int(g["status"][k]) in cond_codes else "firm"
        for who, side in ((fl.entities[g["payer"][k]], "out"), (fl.entities[g["payee"][k]], "in")):
            t = tot.get(who)
            if t is None:
                continue
            if not bool(g["cash"][k]):  # value in shares (a warrant, a deal paid in stock): not money, apart
                t[f"shares_{side}"] += float(g["mid"][k])
                if money == "conditional":  # a value that holds only if a condition is met (a price reached)
                    cond = _shares_condition(ledger, fl.deals[int(g["deal"][k])], str(fl.texts[fl.trigger[first]]))
                    t[f"shares_{side}_if"][cond] = t[f"shares_{side}_if"].get(cond, 0.0) + float(g["mid"][k])
                continue
            t[f"priced_{side}"] += 1
            t[f"usd_{side}_low"] += float(g["low"][k])
            t[f"usd_{side}_high"] += float(g["high"][k])
            t[f"unbounded_{side}"] = t[f"unbounded_{side}"] or unbounded
            t[f"{money}_{side}"] += float(g["mid"][k])
    for fact in ledger.facts.values():
        if fact.entity in tot and _fact_live(ledger, fact, at):
            tot[fact.entity]["facts"] += 1
    for t in tot.values():
        for side in ("out", "in"):
            if t.pop(f"unbounded_{side}"):
                t[f"usd_{side}_high"] = None
    return tot


def _shares_condition(ledger: Ledger, deal_id: str, trigger: str) -> str:
    """The condition under which a conditional value in shares holds, in words, from the deal's structured terms.

    A tranche that vests on the issuer's share price gives ``if ISSUER's share price reaches $P`` (``price``
    or ``threshold``, USD per share), with the exercise price (``strike``) when the ledger has one; otherwise
    the flows table's trigger words (``if paid when ...``), or ``if its conditions are met``.
    """
    deal = ledger.deals.get(deal_id)
    if deal is not None:
        issuer = ledger.entities.get(deal.payer) if deal.payer else None
        who = f"{issuer.name}'s" if issuer is not None else "the"
        for tr in deal.tranches:
            if tr.trigger != "share_price":
                continue
            level = (fmt.amount(tr.price) if tr.price is not None
                     else fmt.money(tr.threshold) if tr.threshold is not None else "")
            if not level:
                continue
            strike = tr.strike or deal.strike
            return (f"if {who} share price reaches {level}"
                    + (f" (exercise price {fmt.amount(strike)} a share)" if strike is not None else ""))
    return f"if {trigger}" if trigger else "if its conditions are met"


def _shares_cell(total: float, conditional: dict[str, float]) -> str:
    """A value in shares for the overview: the part that holds only under a condition says so (``up to``)."""
    if not total:
        return "—"
    plain = total - sum(conditional.values())
    parts = [fmt.money(plain)] if plain > 1e-6 * max(total, 1.0) else []
    parts += [f"up to {fmt.money(v)} in shares, {c}" for c, v in conditional.items()]
    return "; ".join(parts)


def _resolve_entity(ledger: Ledger, key: str) -> Entity:
    if not key.strip():
        fail("the entity name is empty", "give an entity id, name or alias (run 'dealweb show' to list them)")
    try:
        return ledger.entity(key)
    except KeyError:
        names = list(ledger.entities) + [n for e in ledger.entities.values() for n in e.all_names()]
        by_name = {n.casefold(): e.id for e in ledger.entities.values() for n in (*e.all_names(), e.id)}
        close = difflib.get_close_matches(key, names, n=5, cutoff=0.5)
        close += [n for n in names if key.casefold() in n.casefold() and n not in close][:3]
        ids = list(dict.fromkeys(by_name.get(c.casefold(), c) for c in close))
        hint = ("did you mean " + ", ".join(ids) + "?") if ids else "run 'dealweb show' to list the entities"
        if Path(key).exists():
            hint += f"; to show the ledger at {key}, use --ledger {key} (or ./{key})"
        fail(f"no entity {key!r} in ledger {ledger.name}", hint)


def _fact_period(ledger: Ledger, fact: Fact) -> str:
    if not fact.period:
        return f"as of {fact.as_of}" if fact.as_of else ""
    ent = ledger.entities.get(fact.entity)
    try:
        start, end = fiscal_period(fact.period, ent.fiscal_year_end if ent else (12, 31))
    except PeriodError:
        return fact.period
    return f"{fact.period} ({start}..{end})" + (f", as of {fact.as_of}" if fact.as_of else "")


def _fact_live(ledger: Ledger, fact: Fact, at: date | None) -> bool:
    """Whether ``fact`` is shown as of ``at``: known by then, and about a period that had begun.

    Known as for deals: its earliest dated source is on or before ``at``; a fact whose sources are all
    undated is never taken as always known.
    """
    if at is None:
        return True
    from dealweb.flows.known import known_from

    known = known_from(fact, ledger.documents)
    if known is None or known > at:
        return False
    if fact.as_of is not None:
        return fact.as_of <= at
    if fact.period:
        ent = ledger.entities.get(fact.entity)
        try:
            return fiscal_period(fact.period, ent.fiscal_year_end if ent else (12, 31))[0] <= at
        except PeriodError:
            return True
    return True


def _facts_as_of(ledger: Ledger, entity: str, at: date | None) -> tuple[list[Fact], dict[str, tuple[Any, ...]]]:
    """The entity's facts known on ``at``, each at the value its sources had reported by then.

    Also returns the values that differ from the record: fact id -> figures with their documents.
    """
    from dealweb.flows import fact_as_of

    out, figs = [], {}
    for f in ledger.facts_for(entity):
        if not _fact_live(ledger, f, at):
            continue
        if at is not None:
            v, fig = fact_as_of(f, ledger.documents, at)
            if v is None:
                continue
            if fig is not None:
                figs[f.id] = (fig,)
            f = v
        out.append(f)
    return out, figs


def _source_cell(ledger: Ledger, c: Claim) -> str:
    doc = ledger.documents.get(c.document)
    where = doc.title if doc else c.document
    if doc and (doc.outlet or doc.date):
        where += " — " + ", ".join(x for x in (doc.outlet, str(doc.date) if doc.date else "") if x)
    return where


def _show_overview(ledger: Ledger, at: date | None, con: Console) -> None:
    from dealweb.flows import known_deals

    fl = _flows(ledger, at)
    tot = _entity_totals(ledger, at, fl)
    conflicts = _deal_conflicts(ledger)
    live, unknown, later = known_deals(ledger, at)
    money = _money_status(fl)
    head = f"[bold]{ledger.name}[/bold]" + (f" — {ledger.description}" if ledger.description else "")
    con.print(head)
    n_facts = sum(1 for f in ledger.facts.values() if _fact_live(ledger, f, at))
    con.print(f"{len(ledger.entities)} entities, {len(live)} deals" + (f" known on {at}" if at else "")
              + f", {n_facts} facts" + (f" known on {at}" if at else "")
              + f", {len(ledger.documents)} documents, {len(ledger.conflicts)} conflicts."
              " Amounts in USD (intervals: low–high; ≥: no upper bound).")
    tt = _money_totals(fl)
    con.print(f"Money (policy mid): firm {_usd_range(tt['firm'], tt['firm'])}, conditional "
              f"{_usd_range(tt['conditional'], tt['conditional'])} ('up to' ceilings, letters of intent, tranches, "
              "rumours); cancelled deals and history are in neither."
              + (f" Value in shares, not money (warrants, deals paid in stock): {fmt.money(tt['non_cash'])}, "
                 "kept apart (column 'shares out/in')." if tt["non_cash"] else ""))
    t = Table(title="Entities with deals or facts (USD: sum of the flows with a stated or converted amount; "
                    "firm and conditional at the middle of each interval)")
    for col, just in (("entity", "left"), ("name", "left"), ("kind", "left"), ("deals out", "right"),
                      ("USD out", "right"), ("firm out", "right"), ("cond. out", "right"), ("deals in", "right"),
                      ("USD in", "right"), ("firm in", "right"), ("cond. in", "right"), ("facts", "right"),
                      *((("shares out/in (not money)", "right"),) if tt["non_cash"] else ())):
        t.add_column(col, justify=just)  # type: ignore[arg-type]
    rows = [(eid, x) for eid, x in tot.items() if x["deals_out"] or x["deals_in"] or x["facts"]]
    rows.sort(key=lambda r: -(r[1]["usd_out_low"] + r[1]["usd_in_low"]))
    for eid, x in rows:
        e = ledger.entities[eid]
        zh = e.names.get("zh-Hant") or e.names.get("zh-Hans")
        name = e.name + (f" ({zh})" if zh and zh != e.name else "")
        t.add_row(eid, name, str(e.kind), str(x["deals_out"]),
                  _usd_range(x["usd_out_low"], x["usd_out_high"]) if x["priced_out"] else "—",
                  _usd_range(x["firm_out"], x["firm_out"]) if x["firm_out"] else "—",
                  _usd_range(x["conditional_out"], x["conditional_out"]) if x["conditional_out"] else "—",
                  str(x["deals_in"]), _usd_range(x["usd_in_low"], x["usd_in_high"]) if x["priced_in"] else "—",
                  _usd_range(x["firm_in"], x["firm_in"]) if x["firm_in"] else "—",
                  _usd_range(x["conditional_in"], x["conditional_in"]) if x["conditional_in"] else "—",
                  str(x["facts"]),
                  *((f"{_shares_cell(x['shares_out'], x['shares_out_if'])} / "
                     f"{_shares_cell(x['shares_in'], x['shares_in_if'])}",) if tt["non_cash"] else ()))
    con.print(t)
    idle = len(ledger.entities) - len(rows)
    if idle:
        con.print(f"({idle} more entities are named but have no deal or fact; 'dealweb show ENTITY' shows one.)")
    d = Table(title="Deals (⚠ = sources disagree; see 'dealweb check'; money: what the flows table counts it as)")
    for col in ("deal", "from → to", "type", "amount (as written)", "qualifier", "currency", "USD", "status",
                "money", "sources"):
        d.add_column(col)
    versions = _versions(ledger, at)
    for deal in live:
        parties = f"{deal.payer} → {deal.payee}" if deal.payer else ", ".join(deal.entities())
        written, qual, unit, usd = _deal_amount_cells(deal, deal.amount)
        mark = (" ⚠" if deal.id in conflicts else "") + (" †" if deal.id in versions else "")
        d.add_row(deal.id + mark, parties, deal.type, written, qual, unit, usd, str(deal.status_on(at)),
                  money.get(deal.id, "—"), str(_n_sources(ledger, deal, at)))
    con.print(d)
    _print_versions(versions, at, con)
    if at is not None and unknown:
        con.print(f"Not shown as of {at}: {len(unknown)} deal(s) whose sources are all undated (known date unknown, "
                  "never taken as always known): " + ", ".join(unknown) + ".")
    if at is not None and later:
        con.print(f"[dim]{len(later)} deal(s) became known after {at}.[/dim]")


def _show_entity(ledger: Ledger, e: Entity, at: date | None, con: Console) -> None:
    conflicts = _deal_conflicts(ledger)
    names = ", ".join(f"{k}: {v}" for k, v in e.names.items())
    con.print(f"[bold]{e.name}[/bold] ({e.id}) — {e.kind}; {names}")
    meta = [f"ticker {e.ticker}" if e.ticker else "", f"country {e.country}" if e.country else "",
            f"fiscal year ends {e.fiscal_year_end[0]:02d}-{e.fiscal_year_end[1]:02d}",
            ("aliases: " + ", ".join(e.aliases)) if e.aliases else ""]
    con.print("; ".join(m for m in meta if m) + (f". As of {at}." if at else "."))
    out_rows, in_rows, other = [], [], []
    deals = _live_deals(ledger, at)
    money = _money_status(_flows(ledger, at))
    versions = _versions(ledger, at)
    for deal in deals:
        flows = [f for f in deal.pairwise_flows() if e.id in (f.payer, f.payee)]
        for f in flows:
            (out_rows if f.payer == e.id else in_rows).append((deal, f))
        if not flows and e.id in deal.entities():
            other.append(deal)
    for title, rows, other_side in (("Pays / invests / commits (out)", out_rows, "payee"),
                                    ("Receives (in)", in_rows, "payer")):
        t = Table(title=f"{title}: {len(rows)} flow(s)")
        for col in ("deal", "counterparty", "type", "amount (as written)", "qualifier", "currency", "USD",
                    "status", "money", "announced"):
            t.add_column(col)
        for deal, f in rows:
            written, qual, unit, usd = _deal_amount_cells(deal, f.amount)
            cp = getattr(f, other_side)
            t.add_row(deal.id + (" ⚠" if deal.id in conflicts else "") + (" †" if deal.id in versions else ""), cp,
                      deal.type, written, qual, unit, usd, str(deal.status_on(at)), money.get(deal.id, "—"),
                      str(deal.announced or ""))
        if rows:
            con.print(t)
        else:
            con.print(f"{title}: none" + (f" known on {at}" if at else "") + ".")
    if other:
        t = Table(title="Other deals it is party to (no flow of its own stated)")
        for col in ("deal", "type", "parties", "amount (as written)", "status"):
            t.add_column(col)
        for deal in other:
            t.add_row(deal.id, deal.type, ", ".join(deal.entities()), _amount_cells(deal.amount)[0],
                      str(deal.status_on(at)))
        con.print(t)
    shown = list(dict.fromkeys([d for d, _ in out_rows] + [d for d, _ in in_rows] + other))
    _print_versions(versions, at, con, {d.id for d in shown})
    s = Table(title="Sources: each figure with its quote", show_lines=True)
    for col in ("record", "field", "stated", "flag", "quote", "document"):
        s.add_column(col, overflow="fold")
    facts, fact_figs = _facts_as_of(ledger, e.id, at)
    for rec_id, claims in [(d.id, d.claims) for d in shown] + [(f.id, f.claims) for f in facts]:
        for c in claims:
            s.add_row(rec_id, c.field, c.stated or "", c.flag or "", c.quote, _source_cell(ledger, c))
    if facts:
        ft = Table(title=f"Facts: {len(facts)}")
        for col in ("fact", "metric", "value (as written)", "qualifier", "unit", "USD", "period"):
            ft.add_column(col)
        for f in facts:
            written, qual, unit, usd = _amount_cells(f.value)
            ft.add_row(f.id + (" ⚠" if f.id in conflicts else "") + (" †" if f.id in fact_figs else ""), f.metric,
                       written, qual, unit, usd, _fact_period(ledger, f))
        con.print(ft)
        _print_versions(fact_figs, at, con)
    if s.row_count:
        con.print(s)
    mine = {d.id for d in shown} | {f.id for f in facts}
    cs = [c for c in ledger.conflicts if c.record in mine]
    if cs:
        ct = Table(title="⚠ Conflicts (all claims are kept)")
        for col in ("record", "field", "kind", "what"):
            ct.add_column(col, overflow="fold")
        for c in cs:
            ct.add_row(c.record, c.field, c.kind, c.message)
        con.print(ct)


def _as_of_json(ledger: Ledger, at: date | None, ids: set[str] | None = None) -> dict[str, list[dict[str, Any]]]:
    """``as_of_figures``: deal id -> [{field, shown, document, date, quote}] (figures as reported by ``at``)."""
    return {k: [{"field": f.field, "shown": f.shown, "document": f.document,
                 "date": f.date.isoformat() if f.date else None, "quote": f.quote} for f in v]
            for k, v in _versions(ledger, at).items() if ids is None or k in ids}


def _entity_json(ledger: Ledger, e: Entity, at: date | None) -> dict[str, Any]:
    from dealweb.flows import ledger_as_of

    full = ledger_to_dict(ledger_as_of(ledger, at))
    deals = {d["id"]: d for d in full["deals"]}
    facts = {f["id"]: f for f in full["facts"]}
    out, inn, other = [], [], []
    money = _money_status(_flows(ledger, at))
    for deal in _live_deals(ledger, at):
        flows = [f for f in deal.pairwise_flows() if e.id in (f.payer, f.payee)]
        for f in flows:
            row = dict(deals[deal.id])
            row["flow"] = {"from": f.payer, "to": f.payee, "amount": amount_to_dict(f.amount)}
            row["status_at"] = str(deal.status_on(at))
            row["money"] = money.get(deal.id)  # firm, conditional, paid... (the flows table); None: no row
            (out if f.payer == e.id else inn).append(row)
        if not flows and e.id in deal.entities():
            other.append(deals[deal.id])
    my_facts = [facts[f.id] for f in ledger.facts_for(e.id) if _fact_live(ledger, f, at)]
    ids = {d["id"] for d in out + inn + other} | {f["id"] for f in my_facts}
    ent = next(x for x in full["entities"] if x["id"] == e.id)
    return {"ledger": ledger.name, "at": at.isoformat() if at else None, "entity": ent, "deals_out": out,
            "deals_in": inn, "other_deals": other, "facts": my_facts,
            "conflicts": [c for c in full["conflicts"] if c["record"] in ids],
            "as_of_figures": _as_of_json(ledger, at, ids)}


@main.command()
@click.argument("entity", required=False)
@ledger_option
@click.option("--at", "at", metavar="DATE", help="Read the web as of this date (YYYY-MM-DD).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (stable keys) instead of tables.")
def show(entity: str | None, ledger_path: str | None, at: str | None, as_json: bool) -> None:
    """Show the deal web: every entity with its deals and totals, one entity in full, or one deal, with sources.

    A deal id given as ENTITY shows that deal: its dated lifecycle, every claim with its quote and document,
    and how many independent origins back it (syndicated copies of one report count once).

    ENTITY is an id, name or alias in any script (oracle, Oracle, 甲骨文, ORCL). For one entity: its deals
    out and in with amounts as written, qualifier, currency and USD interval, status, and for every
    figure the quote and the document it came from; its facts with their period; conflicts are marked ⚠.

    A path given instead of ENTITY (one containing '/' or ending in .yaml) is read as the ledger.

    \b
    Examples:
      dealweb show                          # the bundled 2025 AI deal web
      dealweb show oracle                   # Oracle, its deals, facts and quotes
      dealweb show 甲骨文 --at 2025-09-30     # as known on 30 September 2025
      dealweb show --ledger ./my-ledger acme
      dealweb show ./my-ledger              # the overview of your own ledger
      dealweb show nvidia --json
      dealweb show openai-aws-38b           # one deal: lifecycle, sources, independent origins
    """
    if ledger_path is None and entity and ("/" in entity or os.sep in entity
                                           or entity.endswith((".yaml", ".yml")) or entity in (".", "..")):
        if not Path(entity).exists():
            fail(f"no such ledger: {entity}", "give a ledger directory or .yaml file, or an entity id")
        ledger_path, entity = entity, None
    on = date_or_exit(at, "--at")
    ledger = load_or_exit(ledger_path)
    con = _console()
    if entity is None:
        if as_json:
            from dealweb.flows import known_deals, ledger_as_of

            fl = _flows(ledger, on)
            tot = _entity_totals(ledger, on, fl)
            known, unknown, later = known_deals(ledger, on)
            ids = {d.id for d in known}
            money = _money_status(fl)
            emit_json({"ledger": ledger.name, "at": on.isoformat() if on else None,
                       "entities": [{"id": eid, "name": ledger.entities[eid].name,
                                     "kind": str(ledger.entities[eid].kind), **x} for eid, x in tot.items()],
                       "deals": [dict(d, money=money.get(d["id"]))
                                 for d in ledger_to_dict(ledger_as_of(ledger, on))["deals"] if d["id"] in ids],
                       "totals": _money_totals(fl), "policy": fl.policy, "unknown_date": unknown,
                       "not_yet_known": later, "as_of_figures": _as_of_json(ledger, on)})
            return
        _show_overview(ledger, on, con)
        return
    if entity in ledger.deals and entity not in ledger.entities:
        if as_json:
            emit_json(_deal_json(ledger, entity, on))
            return
        _show_deal(ledger, entity, on, con)
        return
    e = _resolve_entity(ledger, entity)
    if as_json:
        emit_json(_entity_json(ledger, e, on))
        return
    _show_entity(ledger, e, on, con)


def _deal_json(ledger: Ledger, deal_id: str, at: date | None) -> dict:
    """One deal as JSON.

    The export's record plus its status on ``at``, its independent origins and its documents (outlet, date,
    tier, url), and the conflicts on it.
    """
    from dealweb.flows import ledger_as_of

    view = ledger_as_of(ledger, at)
    full = ledger_to_dict(view)
    row = next(d for d in full["deals"] if d["id"] == deal_id)
    deal = view.deals[deal_id]
    cited = list(dict.fromkeys(c.document for rid, c in view.claims() if rid == deal_id))
    docs = [{"id": d, "outlet": ledger.documents[d].outlet, "date": str(ledger.documents[d].date or "") or None,
             "tier": str(ledger.documents[d].tier), "language": ledger.documents[d].language,
             "url": ledger.documents[d].url or None, "origin": ledger.origin_of(d)}
            for d in cited if d in ledger.documents]
    return {"ledger": ledger.name, "at": at.isoformat() if at else None, "deal": row,
            "status_at": str(deal.status_on(at)) if deal.status_on(at) is not None else None,
            "origins": row["origins"], "origin_count": row["origin_count"], "documents": docs,
            "conflicts": [c for c in full["conflicts"] if c["record"] == deal_id],
            "as_of_figures": _as_of_json(ledger, at, {deal_id}).get(deal_id, [])}


def _show_deal(ledger: Ledger, deal_id: str, at: date | None, con: Console) -> None:
    """One deal in full: parties, amount, its dated lifecycle, and every claim with its document."""
    from dealweb.flows import ledger_as_of

    view = ledger_as_of(ledger, at)
    deal = view.deals[deal_id]
    origins = view.origins(deal_id)
    con.print(f"[bold]{deal.title or deal.id}[/bold] ({deal.id}) — {deal.type}; "
              + " -> ".join(x for x in (deal.payer, deal.payee) if x)
              + (f"; parties: {', '.join(p.entity for p in deal.parties)}" if deal.parties else ""))
    written, qual, unit, usd = _deal_amount_cells(deal, deal.amount)
    st = deal.status_on(at)
    money = f"{qual}{', ' + unit if unit else ''}{', USD ' + usd if usd else ''}"
    con.print(f"amount: {written or '(none stated)'} ({money});"
              f" status{' on ' + str(at) if at else ''}: {st if st is not None else 'not yet known'}; "
              f"backed by {len(origins)} independent origin(s): {', '.join(origins)}")
    _print_versions(_versions(ledger, at), at, con, {deal_id})
    if deal.events:
        t = Table(title="Lifecycle (dated events)")
        for col in ("date", "what happened", "status after", "note", "sources"):
            t.add_column(col)
        for ev in deal.events:
            t.add_row(ev.shown_date(), ev.kind or str(ev.status), str(ev.status), ev.note,
                      ", ".join(dict.fromkeys(c.document for c in ev.claims)))
        con.print(t)
    s = Table(title="Sources: each claim with its quote", show_lines=True)
    for col in ("field", "stated", "quote", "document", "outlet, date, tier", "origin"):
        s.add_column(col)
    for c in [*deal.claims, *(c for ev in deal.events for c in ev.claims)]:
        doc = ledger.documents.get(c.document)
        meta = f"{doc.outlet}, {doc.date or 'undated'}, {doc.tier}" if doc else ""
        s.add_row(c.field + (escape(f" [{c.flag}]") if c.flag else ""), c.stated or "", c.quote, c.document, meta,
                  ledger.origin_of(c.document))
    con.print(s)


# --------------------------------------------------------------------------------------------------------
def _csv_bytes(ledger: Ledger, on: date | None) -> bytes:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(CSV_COLUMNS), lineterminator="\n")
    w.writeheader()
    for row in flow_rows(ledger, on):
        w.writerow({k: "" if v is None else v for k, v in row.items()})
    return buf.getvalue().encode("utf-8")


@main.command()
@ledger_arg
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "graphml", "flows"]), default="json",
              show_default=True,
              help="json: the whole ledger (keys in docs/export-json.md); csv: one row per pairwise flow with "
                   "its source quote; graphml: entities and flows for Gephi/yEd/networkx; flows: the dated flows "
                   "table (docs/flows.md), CSV, or Parquet when FILE ends in .parquet.")
@click.option("--amount", "amount", type=click.Choice(["low", "mid", "high"]), default="mid", show_default=True,
              help="flows: the valuation policy of the 'value' column (low, mid and high are all exported).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), metavar="FILE",
              help="Write to FILE (atomically) instead of standard output.")
@click.option("--at", "at", metavar="DATE", help="csv/graphml: only the flows of deals known on DATE.")
def export(ledger_path: str | None, fmt: str, output: str | None, at: str | None, amount: str) -> None:
    """Export a ledger as JSON, CSV (one row per flow), GraphML, or its dated flows table.

    Amounts are in units of their currency (dollars, not billions), with the USD interval when a
    conversion is known. The ledger must have no errors ('dealweb check' lists them). The flows table has
    one row per flow and calendar quarter (an undated row where no term is known) with payer, payee, deal,
    kind, status (paid, firm, conditional, rumoured, cancelled, history), basis, shape, period, low/mid/high
    and value in USD, trigger, source quote or assumption, and known_from (columns in docs/flows.md).

    \b
    Examples:
      dealweb export > web.json                         # the bundled ledger as JSON
      dealweb export --format csv -o flows.csv          # one row per pairwise flow, with its quote
      dealweb export my-ledger/ --format graphml -o web.graphml
      dealweb export --format flows -o flows.csv        # the dated flows table (CSV)
      dealweb export --format flows --at 2025-10-01 -o flows.parquet   # as known then, as Parquet
    """
    on = date_or_exit(at, "--at")
    ledger = load_or_exit(ledger_path)
    if fmt == "flows":
        fl = _flows(ledger, on).with_policy(amount)
        if output is not None and output.endswith(".parquet"):
            try:
                data = fl.to_parquet_bytes()
            except ImportError:
                fail("Parquet needs pyarrow", "pip install 'dealweb[parquet]', or write CSV (-o FILE.csv)")
            write_output(Path(output), data)
            click.echo(f"wrote {output} (flows, Parquet, {len(fl):,} rows, {len(data):,} bytes)", err=True)
            return
        data = fl.to_csv_bytes()
    elif fmt == "json":
        data = (json.dumps(ledger_to_dict(ledger), ensure_ascii=False, indent=2, allow_nan=False) + "\n").encode()
    elif fmt == "csv":
        data = _csv_bytes(ledger, on)
    else:
        data = ("\n".join(nx.generate_graphml(ledger_to_graph(ledger, on))) + "\n").encode("utf-8")
    if output is None or output == "-":
        echo_out(data.decode("utf-8"), nl=False)
        return
    write_output(Path(output), data)
    click.echo(f"wrote {output} ({fmt}, {len(data):,} bytes)", err=True)
