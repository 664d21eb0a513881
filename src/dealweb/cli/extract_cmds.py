"""``dealweb ingest`` and ``dealweb review``: read articles into proposals, then accept them into a ledger."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from dealweb.cli import main
from dealweb.cli.common import (
    LEDGER_HELP,
    emit_json,
    fail,
    ledger_root_or_exit,
    load_or_exit,
    output_folder_or_exit,
    write_output,
)
from dealweb.errors import DealwebError

__all__ = ["ingest", "review"]


def _console(err: bool = False) -> Console:
    return Console(highlight=False, stderr=err, width=None if sys.stdout.isatty() else 160)


def _money(a: dict[str, Any] | None) -> str:
    if not a:
        return ""
    from dealweb.money import Amount, Qualifier, format_amount

    try:
        amt = Amount(a["low"], a["high"], Qualifier(a["qualifier"]), a.get("unit"), a.get("text", ""),
                     nominal=a.get("nominal"))
        label = format_amount(amt)
    except (KeyError, TypeError, ValueError):  # a proposal written by hand: show what it says
        return f"[{a.get('text', '')}]" if isinstance(a, dict) else ""
    if a.get("unit") is None:
        label += " (no unit)"
    return f"{label} [{a.get('text', '')}]"


def summary(c: dict[str, Any]) -> str:
    """One line saying what a proposal claims, with units."""
    if c["kind"] == "deal":
        parts = [f"{c['from']['name']} -> {c['to']['name']}", c.get("type") or "?"]
        if c.get("amount"):
            parts.append(_money(c["amount"]))
        if c.get("quantity"):
            parts.append(_money(c["quantity"]))
        if c.get("capacity_gw") is not None:
            parts.append(f"{c['capacity_gw']:g} GW")
        return "  ".join(parts)
    per = f" ({c['period']})" if c.get("period") else ""
    return f"{c['entity']['name']}  {c['metric']}{per}  {_money(c['value'])}"


def _status(c: dict[str, Any]) -> str:
    s = c["status"]
    if c.get("reason"):
        s += f": {c['reason']}"
    if c.get("record"):
        s += f" ({c['record']})"
    return s


# --------------------------------------------------------------------------------------------------------
@main.command()
@click.argument("articles", nargs=-1, required=True, type=click.Path())
@click.option("--ledger", "ledger_path", metavar="PATH|NAME", default=None,
              help="Ledger to reconcile against and take entity names from. " + LEDGER_HELP)
@click.option("--no-ledger", is_flag=True, help="Do not load a ledger: every proposal is 'new'.")
@click.option("--json", "as_json", is_flag=True, help="Print the proposals as JSON (the input of 'review').")
@click.option("-o", "--out", type=click.Path(), default=None, help="Also write the JSON proposals to this file.")
@click.option("--backend", type=click.Choice(["rules", "llm"]), default="rules", show_default=True,
              help="rules (built in, offline) or llm (an OpenAI-compatible model server you run).")
@click.option("--scorer", type=click.Choice(["rules", "learned", "fallback"]), default=None,
              help="Who decides the USD deal claims of the rules backend: the hand rules alone (the default), the "
                   "hand rules plus the shipped fallback model for the dollar figures they leave unclaimed (its "
                   "claims say proposed_by fallback and their model_score), or the learned model shipped in the "
                   "package (offline; docs/extraction.md). Default: rules.")
@click.option("--model-url", default=None, metavar="URL",
              help="Base URL of the model server for --backend llm, e.g. http://127.0.0.1:8000/v1.")
@click.option("--model", default="default", show_default=True, help="Model name sent to the model server.")
@click.option("--encoding", default="utf-8", show_default=True,
              help="Encoding of the article files (utf-8, big5, gb18030...); offsets are into the decoded text.")
@click.option("-j", "--jobs", type=click.IntRange(0, None), default=0, show_default=True,
              help="Worker processes for several articles (0: every core; 1: one after another). Same claims.")
@click.option("--engine", type=click.Choice(["local", "dask", "ray"]), default="local", show_default=True,
              help="Where to read the articles: this machine, or a dask/ray cluster (see docs/scale.md).")
@click.option("--address", default=None, metavar="ADDRESS",
              help="Scheduler of --engine dask/ray, e.g. tcp://10.0.0.5:8786 (default: a local cluster).")
def ingest(articles: tuple[str, ...], ledger_path: str | None, no_ledger: bool, as_json: bool, out: str | None,
           backend: str, scorer: str | None, model_url: str | None, model: str, encoding: str, jobs: int,
           engine: str, address: str | None) -> None:
    """Propose deal and fact claims from article files (zh-Hant, zh-Hans, en; text, Markdown, HTML).

    Every proposal quotes its sentence with Python string offsets into the file as decoded, and says how
    it stands against the ledger: new, matches, adds_source, or conflicts (with the reason: unit_slip,
    value_mismatch, period, direction, joke). Nothing is written to the ledger: accept proposals with
    'dealweb review'.

    \b
    Examples:
      dealweb ingest news/oracle.txt                      # a table of proposals
      dealweb ingest news/*.txt --json > proposals.json   # for 'dealweb review proposals.json'
      dealweb ingest a.html --backend llm --model-url http://127.0.0.1:8000/v1
      dealweb ingest news/a.txt --scorer rules             # the hand rules alone (no trained model)
      dealweb ingest news/a.txt --scorer learned           # the learned model decides USD deals
      dealweb ingest news/ --json -o proposals.json       # a folder, on every core, with a progress bar
      dealweb ingest corpus/ --engine dask --address tcp://10.0.0.5:8786 --json
    """
    from dealweb.distributed import cores
    from dealweb.extract.batch import article_files, ingest_files

    if backend == "llm" and not model_url:
        fail("--backend llm needs --model-url", "e.g. --model-url http://127.0.0.1:8000/v1")
    if backend == "llm" and scorer in ("learned", "fallback"):
        fail(f"--scorer {scorer} reads the rules backend's mentions; it does not apply to --backend llm",
             "drop --scorer, or use --backend rules")
    if out:
        output_folder_or_exit(Path(out))
    ledger = None if no_ledger else load_or_exit(ledger_path, quiet=True)
    files = article_files(articles)
    if not files:
        fail(f"{', '.join(articles)}: is a directory with no article file in it",
             "a folder contributes the .txt, .md and .html files below it; or name the files", code=1)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    show_progress = len(files) > 1 and sys.stderr.isatty()
    # no refresh thread: worker processes are forked from this one, which must hold no other thread
    progress = Progress(TextColumn("reading articles"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                        console=_console(err=True), transient=True, disable=not show_progress, auto_refresh=False)
    task = progress.add_task("reading articles", total=len(files))

    def advance(k: int) -> None:
        progress.advance(task, k)
        progress.refresh()

    try:
        with progress:
            claims, errors = ingest_files(files, ledger, backend=backend, model_url=model_url, model=model,
                                          encoding=encoding, engine=engine, jobs=jobs or cores(), address=address,
                                          progress=advance, scorer=scorer)
    except DealwebError as exc:
        fail(exc.message, exc.hint)
    for e in errors:
        click.echo(e, err=True)
    if out:
        import json

        write_output(Path(out), json.dumps(claims, ensure_ascii=False, indent=2).encode("utf-8"))
    if as_json:
        emit_json(claims)
    else:
        _table(claims, len(files) - len(errors))
    if errors:
        sys.exit(1)


def _table(claims: list[dict[str, Any]], n_files: int) -> None:
    con = _console()
    t = Table(title=f"{len(claims)} proposal(s) from {n_files} file(s)", show_lines=False)
    for col in ("id", "document", "kind", "claim (amounts in their currency; USD where stated)", "status",
                "conf", "quote [start:end]"):
        t.add_column(col, overflow="fold")
    for c in claims:
        q = c["quote"]
        q = q if len(q) <= 60 else q[:57] + "..."
        t.add_row(c.get("id", ""), c["document"], c["kind"], summary(c), _status(c), f"{c['confidence']:.2f}",
                  f"{q} [{c['start']}:{c['end']}]")
    con.print(t)
    if claims:
        con.print("accept with: dealweb review PROPOSALS.json (write them with --json > PROPOSALS.json)")


# --------------------------------------------------------------------------------------------------------
def _highlighted(c: dict[str, Any]) -> Text:
    """The sentence with each field's span underlined in its own colour."""
    q, s0 = c["quote"], c["start"]
    t = Text(q)
    colours = {"from": "bold cyan", "to": "bold magenta", "entity": "bold cyan", "amount": "bold yellow",
               "value": "bold yellow", "quantity": "yellow", "capacity_gw": "bold green", "type": "underline",
               "metric": "underline", "period": "italic"}
    for name, (a, b) in (c.get("spans") or {}).items():
        if s0 <= a < b <= s0 + len(q):
            t.stylize(colours.get(name, "bold"), a - s0, b - s0)
    return t


def _review_root(ledger_path: str | None) -> Path:
    """The user's ledger to write into: never missing, never one bundled inside the installed package."""
    from dealweb.ledger.write import LedgerWriteError, refuse_package_ledger

    if not ledger_path:
        fail("review writes into a ledger of your own, and none was given",
             "make one with 'dealweb init DIR', then pass --ledger DIR")
    root = ledger_root_or_exit(ledger_path)  # a path, or a bundled ledger's name (refused just below)
    try:
        refuse_package_ledger(root)
    except LedgerWriteError as exc:
        fail(exc.message, exc.hint)
    return root


def _ask_document(exc: Any, decisions: Any, con: Console) -> bool:
    """Prompt for a new document's missing title, outlet, date and source; ``False`` when the person declines."""
    needs = exc.needs
    con.print(f"  the article is a new document ({needs.get('id')}): say what it is")
    meta = decisions.document
    if "title" in needs["document"] or not meta.title:
        meta.title = click.prompt("  title", default=needs.get("title") or None).strip()
    if not meta.outlet:
        meta.outlet = click.prompt("  outlet (publication)").strip()
    while not re.fullmatch(r"\d{4}-\d{2}-\d{2}", meta.date or ""):
        meta.date = click.prompt("  date published (YYYY-MM-DD)").strip()
    if "source" in needs["document"]:
        meta.url = click.prompt("  the article is not on disk: its address (URL), empty to skip",
                                default="", show_default=False).strip()
        if not meta.url:
            return False
    return True


def _ask_entities(exc: Any, decisions: Any) -> bool:
    """Offer to add each unknown firm, with its names in each script; ``False`` when the person declines."""
    for e in exc.needs["entities"]:
        shown = " / ".join(e["names"].values())
        if not click.confirm(f"  the ledger does not know {e['id']!r} ({shown}); add it?", default=True):
            return False
        names = {}
        for script in ("en", "zh-Hant", "zh-Hans"):
            v = click.prompt(f"    name in {script} (empty: none)", default=e["names"].get(script, ""),
                             show_default=bool(e["names"].get(script))).strip()
            if v:
                names[script] = v
        decisions.entities[e["id"]] = names or e["names"]
    return True


def _ask_conflict(exc: Any, decisions: Any, con: Console) -> bool:
    """Show the ledger's figure beside the article's and let the person decide."""
    c = exc.needs["conflict"]
    con.print(f"  [bold red]CONFLICT[/] with {c['record']} ({c['reason'] or 'a different figure'}): "
              f"the ledger has {c['ledger'] or '?'}, this article says {c['claim'] or '?'}")
    answer = click.prompt("  keep it [d]isputed (flagged) / keep it [p]lain (both kept, conflict reported) / "
                          "[r]eject", type=click.Choice(["d", "p", "r"]), show_choices=False)
    if answer == "r":
        return False
    decisions.on_conflict = "disputed" if answer == "d" else "plain"
    return True


def _parse_names(values: tuple[str, ...]) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for v in values:
        m = re.fullmatch(r"([a-z0-9][a-z0-9_.-]*):(en|zh-Hant|zh-Hans)=(.+)", v.strip())
        if not m:
            fail(f"--name {v!r} is not ID:SCRIPT=NAME", "e.g. --name acme:en=Acme --name acme:zh-Hant=愛克米")
        out.setdefault(m.group(1), {})[m.group(2)] = m.group(3).strip()
    return out


@main.command()
@click.argument("proposals", type=click.Path())
@click.option("--ledger", "ledger_path", metavar="PATH|NAME", default=None,
              help="Your ledger to write into (required; make one with 'dealweb init DIR'). A ledger bundled with "
                   "dealweb, named or by path, is never written.")
@click.option("--accept", "accept_ids", multiple=True, metavar="ID",
              help="Accept the proposal with this id without asking (repeatable); the others are left.")
@click.option("--accept-all-new", is_flag=True, help="Accept every proposal whose status is 'new'.")
@click.option("--article", "articles", multiple=True, type=click.Path(), metavar="PATH",
              help="An article file (or folder of them) the proposals came from: copied into the ledger's "
                   "documents/ folder so every quote stays checkable (repeatable). Files elsewhere are never read.")
@click.option("--title", default="", help="Title of the new document (default: the article's first line).")
@click.option("--outlet", default="", help="Outlet (publication) of the new document.")
@click.option("--date", "doc_date", default="", metavar="YYYY-MM-DD", help="Date the article was published.")
@click.option("--url", default="", metavar="URL",
              help="Address of the article; with no --article the document is a link-only reference.")
@click.option("--add-entities", is_flag=True,
              help="Add firms the ledger does not know, with the names the article writes (see --name).")
@click.option("--name", "names", multiple=True, metavar="ID:SCRIPT=NAME",
              help="A new firm's name in a script (en, zh-Hant, zh-Hans), e.g. acme:zh-Hant=愛克米 (repeatable).")
@click.option("--on-conflict", type=click.Choice(["disputed", "plain"]), default=None,
              help="What to do with an accepted claim that conflicts with the ledger: keep it flagged 'disputed', "
                   "or 'plain' (both kept, the conflict reported). Without it a conflict is not written.")
@click.option("--dry-run", is_flag=True, help="Say what would be written; write nothing.")
@click.option("--ask", is_flag=True, help="Ask even when standard input is not a terminal (answers piped in).")
@click.option("--json", "as_json", is_flag=True, help="Print what was done as JSON.")
def review(proposals: str, ledger_path: str | None, accept_ids: tuple[str, ...], accept_all_new: bool,
           articles: tuple[str, ...], title: str, outlet: str, doc_date: str, url: str, add_entities: bool,
           names: tuple[str, ...], on_conflict: str | None, dry_run: bool, ask: bool, as_json: bool) -> None:
    """Accept or reject proposals one by one, each shown beside its sentence, and write the accepted ones.

    PROPOSALS is a file written by 'dealweb ingest --json'; --ledger names your ledger (review never writes
    into a ledger bundled with dealweb: make your own with 'dealweb init DIR'). Each proposal is shown with
    its sentence (the fields' characters highlighted) and its status against the ledger; a claim that
    conflicts with the ledger is shown beside the ledger's figure and you decide. Answer a (accept), r
    (reject), s (skip the rest) or q (quit). A new document is asked its title, outlet and date, and its
    article is copied into the ledger's documents/ folder (or recorded as a link with --url); a firm the
    ledger does not know is added only if you agree, with its names in each script.

    Each accept is one transaction: document, firms and record are written together or not at all, after
    the whole ledger validated with them, keeping the files' comments, and never over a file changed since
    the review began. With --accept ID or --accept-all-new nothing is asked (for scripts): give the
    answers with --article/--title/--outlet/--date/--url, --add-entities/--name and --on-conflict.

    \b
    Examples:
      dealweb init my-ledger
      dealweb ingest news/a.txt --ledger my-ledger --json > p.json
      dealweb review p.json --ledger my-ledger --article news/a.txt            # interactive
      dealweb review p.json --ledger my-ledger --accept 1a2b3c4d --article news/a.txt \\
          --outlet Reuters --date 2025-10-06 --add-entities
      dealweb review p.json --ledger my-ledger --accept 9f8e7d6c --on-conflict disputed
      dealweb review p.json --ledger my-ledger --accept-all-new --url https://example.com/a \\
          --title "Acme buys chips" --outlet Example --date 2025-10-06 --dry-run
    """
    from dealweb.extract.review import Decisions, DocumentMeta, NeedsDecision, accept, load_proposals
    from dealweb.ledger.write import file_sha256

    try:
        items = load_proposals(proposals)
    except DealwebError as exc:
        fail(exc.message, exc.hint)
    root = _review_root(ledger_path)
    for a in articles:
        if not Path(a).exists():
            fail(f"--article {a}: no such file or folder", "name the article file ingest read")
    if doc_date and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", doc_date):
        fail(f"--date {doc_date!r} is not a date", "write YYYY-MM-DD, e.g. --date 2025-10-06")
    extra_names = _parse_names(names)
    ledger = load_or_exit(root, quiet=True)
    interactive = not accept_ids and not accept_all_new
    if interactive and not ask and not sys.stdin.isatty():
        fail("review asks a question per proposal but standard input is not a terminal",
             "pass --accept ID (repeatable) or --accept-all-new for scripts")
    unknown = sorted(set(accept_ids) - {c["id"] for c in items})
    if unknown:
        fail(f"no proposal with id {', '.join(unknown)} in {proposals}", "ids are in the 'id' column of ingest")
    from dealweb.ledger.load import ledger_files

    hashes: dict[str, str | None] = {str(p.resolve()): file_sha256(p) for p in ledger_files(root)}
    con = _console()
    results: list[dict[str, Any]] = []
    stop = False
    for n, c in enumerate(items, 1):
        if stop:
            results.append({"id": c["id"], "action": "skipped", "message": "not reviewed"})
            continue
        if interactive:
            if c["status"] == "matches":
                results.append({"id": c["id"], "action": "skipped", "message": "already in the ledger"})
                continue
            con.rule(f"[{n}/{len(items)}] {c['id']}  {c['document']}  [{c['start']}:{c['end']}]")
            con.print(_highlighted(c))
            con.print(f"  {c['kind']}: {summary(c)}")
            con.print(f"  status: {_status(c)}   confidence {c.get('confidence', 0):.2f}" +
                      (f"   flag: {c['flag']}" if c.get("flag") else ""))
            if c["status"] == "conflicts":
                con.print("  [bold red]this claim conflicts with the ledger[/]: you decide what is kept")
            answer = click.prompt("  accept? [a]ccept / [r]eject / [s]kip the rest / [q]uit",
                                  type=click.Choice(["a", "r", "s", "q"]), show_choices=False)
            if answer in ("s", "q"):
                stop = True
                results.append({"id": c["id"], "action": "skipped", "message": "not reviewed"})
                continue
            if answer == "r":
                results.append({"id": c["id"], "action": "rejected"})
                continue
        elif not (c["id"] in accept_ids or (accept_all_new and c["status"] == "new")):
            results.append({"id": c["id"], "action": "left", "message": "not accepted"})
            continue
        if dry_run:
            results.append({"id": c["id"], "action": "would_write", "status": c["status"],
                            "record": c.get("record")})
            continue
        decisions = Decisions(DocumentMeta(title, outlet, doc_date, url), allowed=tuple(Path(a) for a in articles),
                              on_conflict=on_conflict)
        if add_entities:
            from dealweb.extract.review import unknown_entities

            for e in unknown_entities(ledger, c):
                decisions.entities[e["id"]] = {**e["names"], **extra_names.get(e["id"], {})}
        for e_id, e_names in extra_names.items():
            decisions.entities.setdefault(e_id, e_names)
        try:
            while True:
                try:
                    o = accept(root, ledger, c, hashes, decisions)
                    break
                except NeedsDecision as exc:
                    if not interactive:
                        raise
                    if "document" in exc.needs:
                        ok = _ask_document(exc, decisions, con)
                    elif "entities" in exc.needs:
                        ok = _ask_entities(exc, decisions)
                    else:
                        ok = _ask_conflict(exc, decisions, con)
                    if not ok:
                        o = None
                        break
            if o is None:
                results.append({"id": c["id"], "action": "rejected", "message": "declined"})
                continue
            results.append({"id": o.id, "action": o.action, "file": o.file, "record": o.record,
                            "message": o.message, "added": o.extra})
            if o.files:
                for f in o.files:
                    hashes[str(Path(f).resolve())] = file_sha256(f)
                ledger = load_or_exit(root, quiet=True)
                if o.file is None:
                    o.file = o.files[0]
                results[-1]["file"] = o.file
        except DealwebError as exc:
            results.append({"id": c["id"], "action": "error", "message": str(exc)})
    if as_json:
        emit_json({"ledger": str(root), "results": results})
    else:
        t = Table(title=f"review of {proposals} into {root}")
        for col in ("id", "action", "record", "file / message"):
            t.add_column(col, overflow="fold")
        for r in results:
            t.add_row(r["id"], r["action"], r.get("record") or "", r.get("file") or r.get("message") or "")
        con.print(t)
    if any(r["action"] == "error" for r in results):
        sys.exit(1)
