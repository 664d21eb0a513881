"""One way to name a ledger: every command that reads one takes ``--ledger PATH|NAME``.

The commands are walked from the CLI's own registry (``dealweb.cli.main``), so a new command that reads a
ledger and forgets ``--ledger`` fails here. Each one is run twice, with a copy of the bundled ledger by
path and with the bundled ledger by name; a spy on the one function that turns a name or path into a
folder records which ledger was read. An unknown name is one line listing the bundled names.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import dealweb.ledger
import dealweb.ledger.load
from dealweb.cli import main
from dealweb.data import BUNDLED_LEDGERS, DEFAULT_LEDGER, bundled_ledgers

#: Commands that read no ledger (they make one, or look at the machine).
NOT_READING = {"init", "doctor"}


def _leaves(group: click.Group, prefix: tuple[str, ...] = ()) -> dict[tuple[str, ...], click.Command]:
    out: dict[tuple[str, ...], click.Command] = {}
    for name, cmd in group.commands.items():
        if isinstance(cmd, click.Group):
            out.update(_leaves(cmd, (*prefix, name)))
        else:
            out[(*prefix, name)] = cmd
    return out


LEAVES = _leaves(main)
READERS = sorted(k for k in LEAVES if k[-1] not in NOT_READING)


def _args(cmd: tuple[str, ...], tmp: Path) -> list[str]:
    """The smallest arguments that make each command do its work (fast settings where it has them)."""
    article = tmp / "article.txt"
    article.write_text("甲骨文與OpenAI簽署3000億美元的雲端合約。", encoding="utf-8")
    proposals = tmp / "proposals.json"
    proposals.write_text("[]", encoding="utf-8")
    return {
        ("check",): [],
        ("show",): ["--json"],
        ("export",): ["-o", str(tmp / "web.json")],
        ("loops",): ["--json"],
        ("trace",): ["oracle", "--json"],
        ("exposure",): ["oracle", "--json"],
        ("report",): ["-o", str(tmp / "r.html"), "--no-stress", "--json"],
        ("serve",): ["--port", "0"],
        ("ingest",): [str(article), "--json"],
        ("review",): [str(proposals), "--accept-all-new", "--dry-run", "--json"],
        ("stress",): ["base", "--runs", "4", "--json"],
        ("metrics", "capacity"): ["--gw", "1", "--json"],
        ("metrics", "cap-table"): ["--valuation", "100e9", "--json"],
        ("metrics", "scenarios"): ["base", "capital-drought", "--runs", "4", "--json"],
    }.get(cmd, ["--json"])  # the metrics: defaults from the ledger


@pytest.fixture(scope="module")
def copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the default bundled ledger, named by its path (one per module: loads are cached)."""
    root = tmp_path_factory.mktemp("ledgers") / "my-ledger"
    shutil.copytree(bundled_ledgers()[DEFAULT_LEDGER], root)
    return root


@pytest.fixture()
def spy(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every ledger folder resolved during a command (names and paths both go through resolve_ledger)."""
    seen: list[Path] = []
    real = dealweb.ledger.load.resolve_ledger

    def recording(spec):  # noqa: ANN001, ANN202
        root = real(spec)
        seen.append(root.resolve())
        return root

    monkeypatch.setattr(dealweb.ledger.load, "resolve_ledger", recording)
    monkeypatch.setattr(dealweb.ledger, "resolve_ledger", recording)
    import uvicorn

    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: None)  # serve: everything up to listening
    return seen


def test_the_registry_has_the_ledger_readers() -> None:
    # a sanity check on the walk itself: the commands the README names are all found
    names = {k[-1] for k in READERS}
    assert {"check", "show", "export", "loops", "trace", "exposure", "report", "serve", "ingest", "review",
            "stress", "bubble", "all"} <= names
    assert DEFAULT_LEDGER in BUNDLED_LEDGERS


@pytest.mark.parametrize("cmd", READERS, ids=" ".join)
def test_every_ledger_reader_has_the_same_ledger_option(cmd: tuple[str, ...]) -> None:
    opts = [p for p in LEAVES[cmd].params if isinstance(p, click.Option) and "--ledger" in p.opts]
    assert len(opts) == 1, f"{' '.join(cmd)} has no --ledger"
    assert opts[0].metavar == "PATH|NAME"


@pytest.mark.parametrize("cmd", READERS, ids=" ".join)
def test_ledger_by_path_and_by_name(cmd: tuple[str, ...], tmp_path: Path, copy: Path, spy: list[Path]) -> None:
    runner = CliRunner()
    for spec, expected in ((str(copy), copy.resolve()), (DEFAULT_LEDGER, bundled_ledgers()[DEFAULT_LEDGER])):
        spy.clear()
        res = runner.invoke(main, [*cmd, *_args(cmd, tmp_path), "--ledger", spec])
        if cmd == ("review",) and spec == DEFAULT_LEDGER:  # found by name, then refused: review never writes
            assert res.exit_code == 2 and "bundled with dealweb" in res.output, res.output  # into the package
        else:
            assert res.exit_code == 0, (spec, res.output)
        assert spy and set(spy) == {expected.resolve()}, (spec, spy)
    if cmd == ("review",):  # the JSON names the ledger written to: the copy, by path
        res = runner.invoke(main, [*cmd, *_args(cmd, tmp_path), "--ledger", str(copy)])
        assert Path(json.loads(res.output)["ledger"]).resolve() == copy.resolve()


@pytest.mark.parametrize("cmd", [c for c in READERS if any(isinstance(p, click.Argument) and p.name == "ledger_path"
                                                           for p in LEAVES[c].params)], ids=" ".join)
def test_the_positional_form_is_kept(cmd: tuple[str, ...], tmp_path: Path, spy: list[Path]) -> None:
    # where a command took the ledger as an argument, it still does (a path or a name), and both at once
    # must agree
    runner = CliRunner()
    res = runner.invoke(main, [*cmd, DEFAULT_LEDGER, *_args(cmd, tmp_path)])
    assert res.exit_code == 0, res.output
    assert set(spy) == {bundled_ledgers()[DEFAULT_LEDGER].resolve()}
    res = runner.invoke(main, [*cmd, str(tmp_path), *_args(cmd, tmp_path), "--ledger", DEFAULT_LEDGER])
    assert res.exit_code == 2 and "two ledgers given" in res.output


@pytest.mark.parametrize("cmd", READERS, ids=" ".join)
def test_an_unknown_name_is_one_line_listing_the_bundled_ones(cmd: tuple[str, ...], tmp_path: Path) -> None:
    res = CliRunner().invoke(main, [*cmd, *_args(cmd, tmp_path), "--ledger", "no-such-ledger"])
    assert res.exit_code == 2, res.output
    lines = res.output.strip().splitlines()
    assert len(lines) == 1, res.output
    assert lines[0].startswith("error: no such ledger: no-such-ledger")
    assert all(name in lines[0] for name in BUNDLED_LEDGERS)
