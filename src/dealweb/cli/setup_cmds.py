"""``dealweb doctor`` and ``dealweb init``: a newcomer's first commands."""

from __future__ import annotations

import sys

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from dealweb.cli import main
from dealweb.cli.common import emit_json

__all__ = ["doctor_cmd"]


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
