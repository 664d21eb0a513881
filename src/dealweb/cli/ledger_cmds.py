"""``dealweb check``, ``dealweb show`` and ``dealweb export``: the ledger's own commands."""

from __future__ import annotations

from datetime import date

import click
from rich.console import Console

from dealweb.cli import main
from dealweb.cli.common import emit_json, fail
from dealweb.errors import DealwebError

__all__ = ["check"]


def _console() -> Console:
    return Console(highlight=False, soft_wrap=False)


def _parse_date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"--at {value!r} is not a date", "write YYYY-MM-DD, e.g. --at 2025-10-01")


# --------------------------------------------------------------------------------------------------------
@main.command()
@click.argument("ledger_path", metavar="[LEDGER]", required=False, type=click.Path())
@click.option("--documents", "documents", multiple=True, type=click.Path(), metavar="DIR",
              help="Folder holding the cited documents' files (repeatable); quotes are checked against them.")
@click.option("--json", "as_json", is_flag=True, help="Print the problems as JSON (stable keys).")
def check(ledger_path: str | None, documents: tuple[str, ...], as_json: bool) -> None:
    """Validate a ledger: list every problem as file:line:col: message (hint).

    LEDGER is a ledger directory or one .yaml file (default: the bundled ai-capex-2025 ledger). Exits 1
    when there is any error, 0 when there are none (warnings allowed).

    \b
    Examples:
      dealweb check                                # the bundled ledger
      dealweb check my-ledger/ --documents texts/  # check quotes against the texts in texts/
      dealweb check deals.yaml --json              # problems as JSON
    """
    from dealweb.ledger import load_ledger

    try:
        result = load_ledger(ledger_path, documents_dirs=documents)
    except DealwebError as exc:
        fail(exc.message, exc.hint)
    errors, warnings = result.errors, result.warnings
    if as_json:
        emit_json({"ledger": str(result.ledger.root), "errors": len(errors), "warnings": len(warnings),
                   "problems": [p.as_dict() for p in result.problems]})
    else:
        for p in result.problems:
            click.echo(str(p))
        led = result.ledger
        summary = (f"{led.root}: {len(led.entities)} entities, {len(led.deals)} deals, {len(led.facts)} facts, "
                   f"{len(led.documents)} documents; {len(errors)} error(s), {len(warnings)} warning(s)"
                   f" ({len(led.conflicts)} conflict(s))")
        click.echo(summary, err=bool(errors))
    raise SystemExit(1 if errors else 0)
