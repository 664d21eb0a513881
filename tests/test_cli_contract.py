"""The contract every ``dealweb`` command keeps, checked by walking the click tree.

Commands are found by introspection of :data:`dealweb.cli.main`, so a command added later is held to the
same contract without editing this file: its ``--help`` exits 0 and shows an example line (``dealweb ...``)
kept verbatim by a ``\\b`` block; every option has help text; every argument is described in the body;
every command that prints data accepts ``--json`` (the exceptions are listed below with their reason).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import click
import pytest
from click.testing import CliRunner

import dealweb
from dealweb.cli import main

# Commands that print no data of their own, and why they take no --json.
NO_JSON = {
    (): "the top-level group only lists commands",
    ("metrics",): "a group: each of its subcommands takes --json",
    ("serve",): "starts a web server; it prints only the address and token to open",
    ("export",): "prints the ledger itself: --format json (the default), csv or graphml",
}


def _walk(cmd: click.Command, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    yield path, cmd
    if isinstance(cmd, click.Group):
        for name in sorted(cmd.commands):
            yield from _walk(cmd.commands[name], (*path, name))


COMMANDS = list(_walk(main))
IDS = [" ".join(p) or "dealweb" for p, _ in COMMANDS]


def _help(path: tuple[str, ...]) -> str:
    res = CliRunner().invoke(main, [*path, "--help"])
    assert res.exit_code == 0, res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)
    return res.output


def test_the_walk_finds_every_room() -> None:
    """A sanity check on the introspection itself: known commands of every room are found."""
    found = {" ".join(p) for p, _ in COMMANDS}
    for name in ("check", "show", "export", "loops", "trace", "exposure", "report", "serve", "stress",
                 "ingest", "review", "metrics", "metrics breakeven", "metrics all"):
        assert name in found
    assert len(found) >= 20


@pytest.mark.parametrize(("path", "cmd"), COMMANDS, ids=IDS)
def test_help_exits_zero_with_an_example(path: tuple[str, ...], cmd: click.Command) -> None:
    text = _help(path)
    examples = [ln.strip() for ln in text.splitlines() if ln.strip().startswith("dealweb ")]
    assert examples, f"'dealweb {' '.join(path)} --help' shows no example line starting with 'dealweb '"
    # an example of a subcommand names that subcommand (it was not re-flowed into a paragraph by click)
    if path:
        assert any(ex.split()[1:len(path) + 1] == list(path) for ex in examples), examples


@pytest.mark.parametrize(("path", "cmd"), COMMANDS, ids=IDS)
def test_every_option_has_help_and_every_argument_is_described(path: tuple[str, ...], cmd: click.Command) -> None:
    assert (cmd.help or "").strip(), f"{path} has no docstring"
    for p in cmd.params:
        if isinstance(p, click.Option):
            assert (p.help or "").strip(), f"option {p.opts} of 'dealweb {' '.join(path)}' has no help text"
        elif isinstance(p, click.Argument):
            word = (p.name or "").removesuffix("_path").rstrip("s").lower()
            assert word in (cmd.help or "").lower(), \
                f"argument {p.name} of 'dealweb {' '.join(path)}' is not described in its help"


@pytest.mark.parametrize(("path", "cmd"), COMMANDS, ids=IDS)
def test_commands_that_print_data_accept_json(path: tuple[str, ...], cmd: click.Command) -> None:
    opts = {o for p in cmd.params if isinstance(p, click.Option) for o in p.opts}
    if path in NO_JSON:
        assert "--json" not in opts, f"{path} takes --json now: remove it from NO_JSON"
        return
    assert "--json" in opts, f"'dealweb {' '.join(path)}' prints data but takes no --json"
    assert "--json" in _help(path)


def test_every_exception_to_json_is_a_real_command() -> None:
    paths = {p for p, _ in COMMANDS}
    assert set(NO_JSON) <= paths


@pytest.mark.parametrize("args", [
    ["check", "--json"],
    ["show", "--json"],
    ["show", "oracle", "--json"],
    ["trace", "oracle", "--json"],
    ["exposure", "oracle", "--json"],
    ["metrics", "capacity", "--gw", "1", "--json"],
    ["stress", "--list", "--json"],
], ids=lambda a: " ".join(a))
def test_json_output_is_one_strict_json_document(args: list[str]) -> None:
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout, parse_constant=lambda c: pytest.fail(f"non-standard JSON constant {c}"))
    assert isinstance(data, dict | list)


def test_version() -> None:
    res = CliRunner().invoke(main, ["--version"])
    assert res.exit_code == 0
    assert re.search(rf"\bdealweb\b.*\b{re.escape(dealweb.__version__)}\b", res.output)


def test_short_help_option_works_everywhere() -> None:
    for path, _ in COMMANDS:
        res = CliRunner().invoke(main, [*path, "-h"], prog_name="dealweb")
        assert res.exit_code == 0, (path, res.output)
        assert res.output.startswith("Usage: dealweb")
