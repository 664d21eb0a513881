"""``dealweb doctor`` and ``dealweb init``: a newcomer's first commands."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from dealweb.cli import main
from dealweb.cli.common import emit_json, fail

__all__ = ["doctor_cmd", "init_cmd", "template_files"]


@main.command("doctor")
@click.option("--json", "as_json", is_flag=True, help="Print JSON: {ok, checks: [{name, group, ok, found, "
              "needed_for, fix}]}.")
def doctor_cmd(as_json: bool) -> None:
    """Say what this machine lacks for dealweb, and the command that adds each part.

    Looks for Python 3.11+, the core packages, Chromium (the browser tests), a font with Chinese glyphs
    (rebuilding matplotlib's font cache once when a font was installed after it first ran), and every
    optional extra (web, fast = numba, dask, ray, parquet, llm, test). Installs nothing. Exits 1 when a
    required or recommended part is missing, 0 otherwise (missing optional extras are listed only).

    \b
    Examples:
      dealweb doctor
      dealweb doctor --json
    """
    from dealweb.doctor import diagnose

    checks = diagnose()
    bad = [c for c in checks if not c.ok and c.group != "optional"]
    if as_json:
        emit_json({"ok": not bad, "checks": [c.as_dict() for c in checks]})
    else:
        con = Console(highlight=False, width=None if sys.stdout.isatty() else 160)
        t = Table(title="dealweb doctor", title_justify="left")
        for col in ("", "check", "group", "found", "needed for", "to add it"):
            t.add_column(col, overflow="fold")
        for c in checks:
            mark = "[green]ok[/green]" if c.ok else ("[yellow]--[/yellow]" if c.group == "optional"
                                                     else "[red]missing[/red]")
            t.add_row(mark, *(escape(x) for x in (c.name, c.group, c.found, c.needed_for, c.fix)))
        con.print(t)
        if bad:
            con.print("To fix what is missing:\n" + "\n".join(f"  {escape(c.fix)}" for c in bad))
        else:
            con.print("Everything dealweb needs is here" + (
                "; optional extras not installed are listed above." if any(not c.ok for c in checks) else "."))
    if bad:
        sys.exit(1)


def template_files(name: str) -> dict[str, str]:
    """The files of a new, empty ledger called ``name``: path (relative) -> text.

    Every file is valid as it stands (``dealweb check`` finds nothing); each carries, commented out, one
    example record of its section in the documented format (docs/ledger-format.md).
    """
    return {
        "ledger.yaml": (
            "# The ledger's name and where the cited documents' texts are (relative to this file).\n"
            "ledger:\n"
            f"  name: {name}\n"
            "  description: \"\"\n"
            "  documents_dirs: [documents]\n"),
        "entities.yaml": (
            "# Who takes part: companies, funds, governments, projects, persons, markets.\n"
            "entities: []\n"
            "# entities:\n"
            "#   - id: acme                       # lowercase letters, digits, '-' and '_'\n"
            "#     kind: company                  # company | fund | government | project | person | market\n"
            "#     names: {en: Acme, zh-Hant: 艾克米}\n"
            "#   - id: globex\n"
            "#     kind: company\n"
            "#     names: {en: Globex}\n"),
        "documents.yaml": (
            "# The articles every figure comes from; their texts go in documents/ (UTF-8 .txt files).\n"
            "documents: []\n"
            "# documents:\n"
            "#   - id: acme-globex-news\n"
            "#     title: Acme signs with Globex\n"
            "#     date: 2025-10-01\n"
            "#     language: en\n"
            "#     file: acme-globex.txt          # in documents/\n"),
        "deals.yaml": (
            "# Who committed what to whom; every figure with the exact quote it comes from.\n"
            "# 'dealweb check --fix-spans' fills each quote's start/end from the document.\n"
            "deals: []\n"
            "# deals:\n"
            "#   - id: acme-globex-cloud\n"
            "#     type: compute_contract\n"
            "#     from: acme                     # the payer\n"
            "#     to: globex                     # the payee\n"
            "#     amount: up to $10 billion      # as the text writes it\n"
            "#     status: announced\n"
            "#     claims:\n"
            "#       - document: acme-globex-news\n"
            "#         stated: up to $10 billion\n"
            "#         quote: Acme will pay Globex up to $10 billion\n"),
        "facts.yaml": (
            "# Figures about one entity (revenue, backlog, market value...), each sourced like a deal.\n"
            "facts: []\n"),
        "fx.yaml": (
            "# Exchange rates: US dollars per unit of the currency, in force from the date.\n"
            "fx: []\n"
            "# fx:\n"
            "#   - {currency: JPY, rate: 0.0065, date: 2025-10-01, source: \"stated in the article\"}\n"),
        "documents/README.md": (
            "Put the texts of the ledger's documents here, one UTF-8 .txt file per article (or several\n"
            "articles per file, with each document's start/end). Quotes are checked against them.\n"),
        "README.md": (
            f"# {name}\n\n"
            "A dealweb ledger: plain YAML files, one section each, every figure with the exact quote it comes\n"
            "from. Made by `dealweb init`; the format is in dealweb's docs/ledger-format.md.\n\n"
            "| file | holds |\n|---|---|\n"
            "| `ledger.yaml` | name, description, where the documents' texts are |\n"
            "| `entities.yaml` | companies, funds, governments, projects, persons, markets |\n"
            "| `documents.yaml` | the articles cited; their texts go in `documents/` |\n"
            "| `deals.yaml` | who committed what to whom, with quotes |\n"
            "| `facts.yaml` | figures about one entity, with quotes |\n"
            "| `fx.yaml` | exchange rates to US dollars |\n\n"
            "Each file shows one example record, commented out. Then:\n\n"
            "    dealweb check --ledger .               # every problem as file:line:col: message (hint)\n"
            "    dealweb check --ledger . --fix-spans   # fill each quote's start/end from its document\n"
            "    dealweb show --ledger .                # the web\n"
            "    dealweb report --ledger . -o report.html\n"),
    }


@main.command("init")
@click.argument("dir_path", metavar="DIR", type=click.Path())
@click.option("--name", help="The ledger's name (default: DIR's folder name).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON: {ledger, name, files}.")
def init_cmd(dir_path: str, name: str | None, as_json: bool) -> None:
    """Make a new, valid, empty ledger in DIR (a new or empty folder), with a short README.

    Writes ledger.yaml, entities.yaml, documents.yaml, deals.yaml, facts.yaml, fx.yaml (each with one
    commented example record), documents/ for the articles' texts and README.md. Refuses a DIR that
    exists and is not empty; the files appear all at once (built beside DIR, then renamed into place).

    \b
    Examples:
      dealweb init my-ledger
      dealweb init my-ledger --name "chip deals 2026"
      dealweb check --ledger my-ledger
    """
    from dealweb.ledger import load_ledger

    target = Path(dir_path).expanduser()
    if target.exists() and not target.is_dir():
        fail(f"{target} exists and is not a folder", "give a new folder's name")
    if target.is_dir() and any(target.iterdir()):
        fail(f"{target} is not empty", "give a new or empty folder; dealweb init never writes over files")
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        fail(f"cannot make {target}: folder {parent} does not exist", "create the folder first")
    ledger_name = (name or target.resolve().name).strip()
    if not ledger_name or any(c in ledger_name for c in "\n\r:#{}[]\"'"):
        fail(f"ledger name {ledger_name!r} is empty or has YAML punctuation", "pass --name with plain words")
    files = template_files(ledger_name)
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent))
    except OSError as exc:
        fail(f"cannot write in {parent}: {exc.strerror or exc}", "choose a folder you can write to")
    try:
        for rel, text in files.items():
            (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
            (tmp / rel).write_text(text, encoding="utf-8")
        os.chmod(tmp, 0o777 & ~_umask())
        os.replace(tmp, target)  # onto a missing or empty folder: all the files appear at once
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        fail(f"cannot make {target}: {exc.strerror or exc}", "check the folder is new or empty and writable")
    errors = load_ledger(target, cache=False).errors
    if errors:  # a bug in the template: say so rather than leave a ledger that does not check
        fail(f"the new ledger does not validate: {errors[0]}", "this is a bug in dealweb; please report it")
    if as_json:
        emit_json({"ledger": str(target), "name": ledger_name, "files": sorted(files)})
        return
    click.echo(f"made ledger {ledger_name!r} in {target}: " + ", ".join(sorted(files)))
    click.echo(f"next: edit its files (see {target / 'README.md'}), then: dealweb check --ledger {target}")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
