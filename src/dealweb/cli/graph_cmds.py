"""``dealweb loops``, ``dealweb trace`` and ``dealweb exposure``: the graph room's commands."""

from __future__ import annotations

import difflib
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from dealweb import fmt
from dealweb.cli import main
from dealweb.cli.common import date_or_exit, emit_json, fail, ledger_arg, ledger_option, load_or_exit
from dealweb.errors import DealwebError
from dealweb.model import Ledger

__all__ = ["exposure_cmd", "loops_cmd", "trace_cmd", "usd_label"]

#: Webs with more edges than this get a progress bar.
LARGE = 200_000


def usd_label(x: float | None) -> str:
    """``$300B``, ``$1.5T``, ``$40M``, ``$950``: US dollars, short (:func:`dealweb.fmt.money`); ``-`` if None."""
    return "-" if x is None else fmt.money(x)


def _pct(x: float | None) -> str:
    return "-" if x is None else fmt.share(x)


def _console(err: bool = False) -> Console:
    return Console(highlight=False, soft_wrap=False, stderr=err, width=None if sys.stdout.isatty() else 160)


def _web_options(f: Callable[..., Any]) -> Callable[..., Any]:
    f = click.option("--json", "as_json", is_flag=True, help="Print JSON (stable keys, amounts in USD).")(f)
    f = click.option("--edges", "edges", type=click.Path(), metavar="FILE",
                     help="Read the web from a CSV or Parquet edge list (source,target,amount[,type]) "
                          "instead of a ledger.")(f)
    f = click.option("--flow", "flow", type=click.Choice(["committed", "annual"]), default="committed",
                     show_default=True, help="Whole commitments, or per year over each contract's term.")(f)
    f = click.option("--include", "include", type=click.Choice(["conditional"]), multiple=True,
                     help="Add conditional money ('up to' ceilings, letters of intent, per-GW / milestone tranches, "
                          "rumours) to the firm money; every output marks it.")(f)
    f = click.option("--amount", "amount", type=click.Choice(["low", "mid", "high"]), default="mid",
                     show_default=True, help="Valuation policy: the low end, middle or high end of each "
                                             "amount's interval (mid of a vague amount such as 數百億: its "
                                             "geometric middle).")(f)
    f = click.option("--at", "at", metavar="DATE", help="Read the ledger as of this date (YYYY-MM-DD).")(f)
    return f


def flows_or_exit(ledger: Ledger, on: Any, amount: str) -> Any:
    """The ledger's flows table (:func:`dealweb.flows.build_flows`), or exit 1 listing unbuildable schedules."""
    from dealweb.flows import build_flows

    fl = build_flows(ledger, as_of=on, policy=amount)
    errors = [p for p in fl.problems if p.severity == "error"]
    if errors:
        for p in errors[:20]:
            click.echo(str(p), err=True)
        fail(f"the ledger has {len(errors)} schedule(s) that cannot be built", "run 'dealweb check' to see them all",
             code=1)
    return fl


def _load_web(ledger_path: str | None, edges: str | None, at: str | None, amount: str, flow: str,  # noqa: ANN202
              include: tuple[str, ...] = ()):
    from dealweb.graph import read_edges, snapshot

    on = date_or_exit(at, "--at")
    if edges is not None:
        if ledger_path is not None:
            fail("give either a ledger or --edges FILE, not both", "drop one of them")
        try:
            return read_edges(edges), None
        except DealwebError as exc:
            fail(exc.message, exc.hint)
    ledger = load_or_exit(ledger_path, quiet=True)
    fl = flows_or_exit(ledger, on, amount)
    return snapshot(ledger, at=on, amount=amount, flow=flow, include=("firm", *include),  # type: ignore[arg-type]
                    flows=fl), ledger


def _resolve(web: Any, ledger: Ledger | None, key: str) -> str:
    if key in web.index:
        return key
    if ledger is not None:
        try:
            eid = ledger.entity(key).id
            if eid in web.index:
                return eid
        except KeyError:
            pass
    names = {x: x for x in web.ids}
    if ledger is not None:
        for e in ledger.entities.values():
            for nm in (e.id, *e.all_names()):
                names.setdefault(nm, e.id)
    lower = {k.casefold(): v for k, v in names.items()}
    close = difflib.get_close_matches(key.casefold(), list(lower), n=5, cutoff=0.6)
    close += [k for k in lower if key.casefold() in k and k not in close][:3]
    ids = list(dict.fromkeys(lower[c] for c in close))[:5]
    nowhere = ("see the entity ids with 'dealweb show'" if ledger is not None
               else "give a name from the edge list's source or target column")
    hint = f"did you mean: {', '.join(ids)}?" if ids else nowhere
    fail(f"unknown entity {key!r}", hint)


@contextmanager
def _progress(label: str, enabled: bool) -> Iterator[Callable[[int, int], None] | None]:
    if not enabled:
        yield None
        return
    with Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=_console(err=True), transient=True) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def _header(web: Any, console: Console) -> None:
    when = ("as known on " + web.at.isoformat()) if web.at else "all live deals"
    console.print(f"[dim]{web.n} entities, {web.m} flows, {usd_label(web.total)} in total; {when}; "
                  f"amount: {web.amount_choice}, {web.basis}; USD[/dim]")
    if web.status is not None:
        t = web.totals()
        if "conditional" in web.include:
            console.print(f"[dim]firm {usd_label(t['firm'])} + conditional {usd_label(t['conditional'])} (included, "
                          "marked ◇)[/dim]")
        else:
            console.print(f"[dim]firm money only: {usd_label(t['firm'])}; conditional "
                          f"{usd_label(web.left_out.get('conditional', 0.0))} left out (--include conditional adds it)"
                          "[/dim]")
    shares = web.non_cash_total()
    if shares > 0:
        console.print(f"[dim]and {usd_label(shares)} of value in shares, not money (warrants, deals paid in stock; "
                      "the flows table's cash=False), not in the firm and conditional money[/dim]")
    if web.skipped:
        by_reason: dict[str, list[str]] = {}
        for s in web.skipped:
            by_reason.setdefault(s.reason, []).append(s.deal)
        parts = []
        for reason, deals in sorted(by_reason.items(), key=lambda kv: -len(kv[1])):
            named = ", ".join(dict.fromkeys(deals[:3])) + (" ..." if len(deals) > 3 else "")
            parts.append(f"{len(deals)} {reason} ({named})")
        console.print(f"[dim]{len(web.skipped)} flow(s) left out: {'; '.join(parts)}[/dim]")
        if any(s.reason.startswith("zero amount at 'low'") for s in web.skipped):
            console.print("[dim]hint: an 'up to' figure is 0 at its low end; --amount mid or high keeps it[/dim]")
    for note in web.notes:
        if note.startswith("conditional money left out"):
            continue  # said on the firm/conditional line
        console.print(f"[dim]{note}[/dim]")


def _sources_cell(rows: list[dict[str, Any]]) -> str:
    """How many quotes back a loop's deals, and from which outlets (unsourced deals named)."""
    quoted = [r for r in rows if r["document"]]
    outlets = dict.fromkeys(str(r["outlet"] or r["document"]) for r in quoted)
    flagged = sum(1 for r in quoted if r["flag"])
    bare = [str(r["deal"]) for r in rows if not r["document"]]
    parts = [f"{len(quoted)} quote(s): " + ", ".join(outlets)] if quoted else []
    if flagged:
        parts.append(f"{flagged} flagged")
    if bare:
        parts.append("no source: " + ", ".join(bare))
    return "; ".join(parts) or "-"


# --------------------------------------------------------------------------------------------------------
@main.command("loops")
@ledger_arg
@click.option("--max-length", "max_length", type=click.IntRange(2, None), default=6, show_default=True,
              help="Longest loop to look for, in hops.")
@click.option("--top", "top", type=click.IntRange(1, None), default=20, show_default=True,
              help="Show the N loops with the largest bottlenecks.")
@click.option("--all", "all_loops", is_flag=True, help="Enumerate and count every loop (up to --limit) "
              "instead of searching only for the top N.")
@click.option("--limit", "limit", type=click.IntRange(1, None), default=1_000_000, show_default=True,
              help="With --all: stop after this many loops and say so.")
@click.option("--null", "null_n", type=click.IntRange(1, None), default=None, metavar="N",
              help="Compare loop counts and circulating share with N degree-preserving rewirings.")
@click.option("--seed", "seed", type=int, default=0, show_default=True, help="Seed of the null model's rewiring.")
@click.option("--engine", type=click.Choice(["local", "dask", "ray"]), default="local", show_default=True,
              help="Where the null model's rewirings run: here, or a dask/ray cluster (same result; docs/scale.md).")
@click.option("--address", default=None, metavar="ADDRESS",
              help="Scheduler of --engine dask/ray, e.g. tcp://10.0.0.5:8786 (default: a local cluster).")
@click.option("--null-max-length", "null_max_length", type=click.IntRange(2, None), default=4, show_default=True,
              help="Count loops up to this length in the null model.")
@click.option("--circulation/--no-circulation", "with_circ", default=None,
              help="Compute the circulating share of flow (a minimum-cost flow; on by default, about 6 s at "
                   "10^6 edges).")
@_web_options
def loops_cmd(ledger_path: str | None, max_length: int, top: int, all_loops: bool, limit: int,
              null_n: int | None, seed: int, engine: str, address: str | None, null_max_length: int,
              with_circ: bool | None, at: str | None,
              amount: str, include: tuple[str, ...], flow: str, edges: str | None, as_json: bool) -> None:
    """Find where money goes round: simple loops of payments and investments, ranked by bottleneck.

    The bottleneck of a loop is its smallest flow: the most money that can go round it. Partnerships move
    no money and make no edge. Firm money only by default; --include conditional adds conditional money
    ('up to' ceilings, letters of intent, tranches, rumours) and every loop that runs through it says so
    (◇). The circulating share is the largest part of all flow that can be written as money going round
    loops (a maximum circulation; see docs/graph.md). Value paid in shares (warrants, deals paid in stock) is
    not money: it makes no loop and is listed apart. LEDGER (or --ledger) is a path or a bundled ledger's
    name; the default bundled ledger when omitted. JSON: a list of {entities, deals, bottleneck, length,
    currency, hops, conditional, conditional_deals, sources} (sources: each claim behind the loop's deals,
    with its quote, outlet, title and date; ledgers only); with --null, an object {loops, circulation,
    null_model, non_cash}.

    \b
    Examples:
      dealweb loops                                  # the bundled ledger, top 20 loops of firm money
      dealweb loops --include conditional            # with 'up to' and per-GW money, marked ◇
      dealweb loops --max-length 4 --json
      dealweb loops --null 999 --seed 7              # is this more circular than chance?
      dealweb loops --edges economy.parquet --max-length 4 --top 50
    """
    from dealweb.graph import circulation, loop_sources, loops, null_model

    web, ledger = _load_web(ledger_path, edges, at, amount, flow, include)
    big = web.m > LARGE
    with _progress("searching loops", big) as prog:
        res = loops(web, max_length=max_length, top=None if all_loops else top, limit=limit, progress=prog)
    shown = res.loops[:top]
    do_circ = True if with_circ is None else with_circ
    circ = circulation(web) if do_circ else None
    comparison = None
    if null_n is not None:
        with _progress(f"null model ({null_n} rewirings, seed {seed})", True) as prog:
            try:
                comparison = null_model(web, n=null_n, seed=seed, max_length=null_max_length,
                                        with_circulation=do_circ, progress=prog, engine=engine, address=address)
            except DealwebError as exc:
                fail(exc.message, exc.hint)
    if as_json:
        items = [lp.as_dict() for lp in shown]
        if ledger is not None:
            for item, lp in zip(items, shown, strict=True):
                item["sources"] = loop_sources(lp, ledger)
        if comparison is None:
            emit_json(items)
        else:
            emit_json({"loops": items, "circulation": None if circ is None else circ.as_dict(),
                       "null_model": comparison.as_dict(), "currency": "USD",
                       "non_cash": {"amount": sum(x.amount for x in res.non_cash),
                                    "flows": [x.as_dict() for x in res.non_cash]}})
        return
    con = _console()
    _header(web, con)
    table = Table(title=f"Money loops (up to {max_length} hops), largest bottleneck first", title_justify="left")
    for col, kw in (("#", {"justify": "right"}), ("loop (who pays whom)", {}), ("hops", {"justify": "right"}),
                    ("bottleneck", {"justify": "right"}), ("flows round the loop", {}), ("deals", {}),
                    *((("sources", {}),) if ledger is not None else ())):
        table.add_column(col, **kw)
    for r, lp in enumerate(shown, 1):
        path = " → ".join((*lp.entities, lp.entities[0])) + (" ◇" if lp.conditional else "")
        hops = ", ".join(usd_label(a) for a in lp.amounts)
        cond = set(lp.conditional_deals)
        deals = "; ".join(", ".join(d + (" ◇" if d in cond else "") for d in h) for h in lp.deals)
        cells = [str(r), path, str(lp.length), usd_label(lp.bottleneck), hops, deals]
        if ledger is not None:
            cells.append(_sources_cell(loop_sources(lp, ledger)))
        table.add_row(*cells)
    if shown:
        con.print(table)
        if any(lp.conditional for lp in shown):
            con.print("◇ the loop runs through conditional money (the deal marked ◇: 'up to', letter of intent, "
                      "tranche or rumour).")
    else:
        con.print(f"No loops of up to {max_length} hops"
                  + ("" if web.status is None or "conditional" in web.include
                     else " in firm money (--include conditional looks through conditional money too)") + ".")
    if res.non_cash:
        con.print("Not money, left out of the loops: value in shares (warrants, deals paid in stock): "
                  + ", ".join(f"{x.deal} ({x.payer} → {x.payee}, {usd_label(x.amount)})" for x in res.non_cash) + ".")
    if res.complete:
        by = ", ".join(f"{k} hops: {v}" for k, v in (res.count_by_length or {}).items())
        con.print(f"{res.count} loop(s) in all" + (f" ({by})" if by else "") + ".")
    elif res.truncated:
        con.print(f"[yellow]stopped after {limit} loops (--limit); the counts are incomplete[/yellow]")
    if circ is not None:
        con.print(f"Circulating share of flow: {_pct(circ.share)} ({usd_label(circ.circulating)} of "
                  f"{usd_label(circ.total)} can go round loops; {usd_label(circ.in_components)} flows inside "
                  f"strongly connected groups).")
    elif not do_circ:
        con.print("[dim]circulating share not computed (--no-circulation)[/dim]")
    if comparison is not None:
        t = Table(title=f"Against {comparison.n} degree-preserving rewirings (seed {comparison.seed})",
                  title_justify="left")
        for col in ("statistic", "observed", "null mean", "null sd", "p-value"):
            t.add_column(col, justify="left" if col == "statistic" else "right")
        for s in comparison.as_dict()["stats"]:  # type: ignore[union-attr]
            fmt = _pct if s["name"] == "circulating_share" else (lambda v: f"{v:,.1f}")
            t.add_row(s["name"], fmt(s["observed"]), fmt(s["null_mean"]), fmt(s["null_sd"]), f"{s['p_value']:.3f}")
        con.print(t)
        con.print("[dim]p-value = (r + 1) / (n + 1), r = rewired webs with a value at least as large.[/dim]")


# --------------------------------------------------------------------------------------------------------
@main.command("trace")
@click.argument("entity")
@ledger_option
@click.option("--top", "top", type=click.IntRange(1, None), default=15, show_default=True,
              help="Show the N largest origins.")
@_web_options
def trace_cmd(entity: str, ledger_path: str | None, top: int, at: str | None, amount: str,
              include: tuple[str, ...], flow: str, edges: str | None, as_json: bool) -> None:
    """Who really pays: an entity's inflows traced back to where the money enters the web.

    Money is followed backwards through the web in proportion. It enters from equity investors, lenders,
    end customers and governments (by the ledger's entity kinds and deal types), and from firms that pay
    out more than they take in: that money is their own funds only up to the cash the ledger records for
    them (cash on hand, operating cash flow); the rest is UNFUNDED: nobody in the ledger provides it, it is
    still to be raised. Firm money only by default (--include conditional adds the rest). Value in shares
    (warrants, deals paid in stock) is not money: it is shown apart, never traced as money paid.
    Circularity is the share of a firm's inflow that, followed back through the web in proportion, started
    as money the firm itself paid out beyond what it took in, and came back to it round a loop of deals.
    JSON: {entity, inflow, origins [{id, share, amount, classes}], circularity, classes, unfunded {share,
    amount}, own, own_backed, cash, definition, on_loop, note, include, currency, status, message,
    unpriced [{deal, payer, reason}] (who pays in with no amount in the ledger), non_cash {amount, flows
    [{from, deal, amount, status}], meaning} (value in shares: warrants, deals paid in stock; not money, not
    traced)};
    ``classes`` has own_funds only when recorded cash backs some of the inflow.

    \b
    Examples:
      dealweb trace oracle
      dealweb trace openai --json
      dealweb trace 甲骨文 --amount high --include conditional
      dealweb trace e000042 --edges economy.csv
    """
    from dealweb.graph import DEFINITION, ORIGIN_CLASSES, trace

    web, ledger = _load_web(ledger_path, edges, at, amount, flow, include)
    eid = _resolve(web, ledger, entity)
    t = trace(web, eid)
    unpriced = [{"deal": x.deal, "payer": x.payer, "reason": x.reason} for x in web.skipped
                if x.payee == eid and x.payer != eid]
    if as_json:
        d = t.as_dict()
        d["unpriced"] = unpriced
        emit_json(d)
        return
    con = _console()
    _header(web, con)
    name = web.names[web.index[eid]]
    line = f"[bold]{name}[/bold] ({eid}) receives {usd_label(t.inflow)}"
    if t.own > 0:
        line += f" and pays out {usd_label(t.own)} more than it takes in: "
        line += (f"{usd_label(t.own_backed)} backed by the cash the ledger records for it, "
                 f"{usd_label(t.own - t.own_backed)} unfunded" if t.cash > 0 else
                 "the ledger records no cash of its own for it (a cash figure that includes money paid in "
                 "through this web is not counted twice), so all of that is unfunded")
    con.print(line + ".")
    if t.non_cash:
        con.print(f"Not money, not traced: {eid} also receives {usd_label(sum(x[2] for x in t.non_cash))} of value in "
                  "shares (warrants, deals paid in stock): "
                  + ", ".join(f"{p} {usd_label(a)} ({d}, {st})" for p, d, a, st in t.non_cash) + ".")
    if t.status != "ok":
        con.print(t.message + ".")
        if unpriced:
            con.print(f"Paying in with no amount in the ledger, so not traced ({len(unpriced)}): "
                      + ", ".join(f"{u['payer']} ({u['deal']})" for u in unpriced) + ".")
        return
    table = Table(title="Where its money inflow comes from in the end", title_justify="left")
    for col, j in (("origin", "left"), ("name", "left"), ("as", "left"), ("share", "right"), ("amount", "right")):
        table.add_column(col, justify=j)
    per: dict[str, list[tuple[str, float]]] = {}
    for oid, cls, share in t.origin_classes:
        per.setdefault(oid, []).append((cls, share))
    for oid, share in t.origins[:top]:
        kinds = ", ".join(c.replace("_", " ") for c, _ in sorted(per.get(oid, []), key=lambda x: -x[1]))
        table.add_row(oid, web.names[web.index[oid]], kinds, _pct(share), usd_label(share * t.inflow))
    if len(t.origins) > top:
        rest = sum(s for _, s in t.origins[top:])
        table.add_row(f"({len(t.origins) - top} more)", "", "", _pct(rest), usd_label(rest * t.inflow))
    con.print(table)
    ct = Table(title="By kind of origin", title_justify="left")
    ct.add_column("class")
    ct.add_column("share", justify="right")
    ct.add_column("amount", justify="right")
    for c in ORIGIN_CLASSES:
        if c == "own_funds" and t.classes[c] <= 0:
            continue  # own funds only when recorded cash backs them
        ct.add_row(c.replace("_", " "), _pct(t.classes[c]), usd_label(t.classes[c] * t.inflow))
    con.print(ct)
    if unpriced:
        con.print("Also paying in, with no amount in the ledger (not counted above): "
                  + ", ".join(f"{u['payer']} ({u['deal']})" for u in unpriced) + ".")
    con.print(f"Circularity: {_pct(t.circularity)} of {eid}'s inflow." + (f" ({t.note}.)" if t.note else ""))
    con.print(f"[dim]{DEFINITION} Unfunded: money no one in the ledger provides (still to be raised).[/dim]")


# --------------------------------------------------------------------------------------------------------
@main.command("exposure")
@click.argument("entity")
@ledger_option
@_web_options
def exposure_cmd(entity: str, ledger_path: str | None, at: str | None, amount: str, include: tuple[str, ...],
                 flow: str, edges: str | None, as_json: bool) -> None:
    """What an entity is owed, has invested and owes, by counterparty; and how central it is.

    Categories: receivables (all inflows), backlog (services and hardware it sells), funding (equity and
    loans it received), investments (stakes and loans it made), payables (all outflows), each with every
    counterparty's share and the Herfindahl-Hirschman index (1 = one counterparty). Backlog is also set
    against the entity's reported RPO when the ledger has one. Centrality: in-strength and PageRank
    weighted by amount. Firm money only by default; --include conditional adds conditional money, marked ◇
    on its deals. Value paid in shares (warrants, deals paid in stock) is not money: it is in no category and
    is listed apart. JSON: {entity, currency, categories, centrality, non_cash {amount, flows}, include,
    conditional_deals, totals, left_out}.

    \b
    Examples:
      dealweb exposure oracle                        # how much of Oracle's backlog is OpenAI?
      dealweb exposure nvidia --json
    """
    from dealweb.graph import exposure

    web, ledger = _load_web(ledger_path, edges, at, amount, flow, include)
    eid = _resolve(web, ledger, entity)
    ex = exposure(web, eid, ledger)
    cond = sorted({web.edge_label(e) for e in range(web.m) if web.conditional_edge(e)})
    if as_json:
        d = ex.as_dict()
        d["include"] = list(web.include)
        d["conditional_deals"] = cond
        d["totals"] = web.totals()
        d["left_out"] = dict(web.left_out)
        emit_json(d)
        return
    con = _console()
    _header(web, con)
    con.print(f"[bold]{web.names[web.index[eid]]}[/bold] ({eid}): receives {usd_label(ex.in_strength)} "
              f"(rank {ex.in_strength_rank} of {ex.n_entities}), pays {usd_label(ex.out_strength)}; "
              f"PageRank weighted by amount {ex.pagerank:.3f} (rank {ex.pagerank_rank} of {ex.n_entities}).")
    for cat in ex.categories.values():
        if not cat.counterparties:
            continue
        title = f"{cat.name}: {usd_label(cat.total)}, HHI {cat.hhi:.2f}"
        if cat.reported:
            title += f"; reported RPO {usd_label(cat.reported)} ({cat.reported_source})"
        table = Table(title=title, title_justify="left")
        table.add_column("counterparty")
        table.add_column("amount", justify="right")
        table.add_column("share", justify="right")
        if cat.reported:
            table.add_column("of reported RPO", justify="right")
        table.add_column("deals")
        for c in cat.counterparties:
            row = [c.id, usd_label(c.amount), _pct(c.share)]
            if cat.reported:
                row.append(_pct(c.share_of_reported))
            row.append(", ".join(d + (" ◇" if d in cond else "") for d in c.deals))
            table.add_row(*row)
        con.print(table)
    if ex.non_cash:
        con.print("Not money, in no category: value in shares (warrants, deals paid in stock): "
                  + ", ".join(f"{x.deal} ({x.payer} → {x.payee}, {usd_label(x.amount)}, {x.status})"
                              for x in ex.non_cash) + ".")
