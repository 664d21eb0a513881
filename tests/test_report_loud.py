"""Failures are loud in the faces: only expected gaps in the data become notes in the report.

A fault injected into an analysis (a TypeError, as a bug would raise) must make ``dealweb report`` exit
non-zero with one line, and show the traceback with ``DEALWEB_DEBUG=1``; a typed gap (``NotAssessed``) or
a missing optional extra stays a note and the report is written.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import dealweb.report.rooms as rooms
from dealweb.cli import main
from dealweb.errors import NotAssessed


def _boom(*args: object, **kwargs: object) -> None:
    raise TypeError("unsupported operand type(s) for +: 'NoneType' and 'float'")


def _report(tmp_path: Path, env: dict[str, str] | None = None):  # noqa: ANN202
    return CliRunner().invoke(main, ["report", "--no-stress", "-o", str(tmp_path / "r.html"), "--json"],
                              env=env or {})


def test_a_bug_in_an_analysis_fails_the_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DEALWEB_DEBUG", raising=False)
    monkeypatch.setattr(rooms, "fill_loops", _boom)
    res = _report(tmp_path)
    assert res.exit_code != 0
    lines = res.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: internal error: TypeError: unsupported operand")
    assert "DEALWEB_DEBUG=1" in lines[0]
    assert not (tmp_path / "r.html").exists()  # nothing half-done is left behind


def test_debug_shows_the_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rooms, "fill_metrics", _boom)
    res = _report(tmp_path, env={"DEALWEB_DEBUG": "1"})
    assert res.exit_code != 0 and isinstance(res.exception, TypeError)


def test_an_expected_gap_is_a_note(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def gap(*args: object, **kwargs: object) -> None:
        raise NotAssessed("the ledger has no market-value facts for the bubble test")

    monkeypatch.setattr(rooms, "fill_metrics", gap)
    res = _report(tmp_path)
    assert res.exit_code == 0, res.output
    notes = json.loads(res.output)["sections_missing"]
    assert notes["metrics"] == "not assessed: the ledger has no market-value facts for the bubble test"
    assert (tmp_path / "r.html").is_file()


def test_a_missing_optional_extra_is_a_note_but_a_broken_own_import_is_a_bug(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_extra(*args: object, **kwargs: object) -> None:
        raise ImportError("No module named 'numba'", name="numba")

    monkeypatch.setattr(rooms, "fill_exposure", no_extra)
    res = _report(tmp_path)
    assert res.exit_code == 0 and "not available in this install (numba)" in res.output

    def broken(*args: object, **kwargs: object) -> None:
        raise ImportError("cannot import name 'nope' from 'dealweb.graph'", name="dealweb.graph")

    monkeypatch.setattr(rooms, "fill_exposure", broken)
    res = _report(tmp_path)
    assert res.exit_code != 0 and "internal error: ImportError" in res.output
