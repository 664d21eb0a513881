"""Output paths are checked before the work starts, and written atomically (nothing half-written)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from dealweb.cli import main


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["-o", "{tmp}/missing/report.html"], "folder {tmp}/missing does not exist"),
        (["-o", "{tmp}/r.html", "--png", "{tmp}/map.img"], "does not end in .png"),
        (["-o", "{tmp}/r.html", "--svg", "{tmp}/map.png"], "does not end in .svg"),
        (["-o", "{tmp}/r.html", "--documents", "{tmp}/nowhere"], "--documents {tmp}/nowhere: no such folder"),
    ],
)
def test_report_refuses_bad_outputs_before_working(tmp_path: Path, extra: list[str], message: str) -> None:
    args = ["report", "--no-stress", *[a.format(tmp=tmp_path) for a in extra]]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert message.format(tmp=tmp_path) in result.output
    assert "hint:" in result.output
    assert list(tmp_path.iterdir()) == []  # nothing written, not even a temporary file


def test_export_keeps_the_old_file_when_the_folder_is_a_file(tmp_path: Path) -> None:
    blocker = tmp_path / "afile"
    blocker.write_text("keep me", encoding="utf-8")
    result = CliRunner().invoke(main, ["export", "--format", "json", "-o", str(blocker / "out.json")])
    assert result.exit_code == 2
    assert "is a file, not a folder" in result.output
    assert blocker.read_text(encoding="utf-8") == "keep me"


def test_export_replaces_a_file_whole(tmp_path: Path) -> None:
    target = tmp_path / "flows.csv"
    target.write_text("old", encoding="utf-8")
    result = CliRunner().invoke(main, ["export", "--format", "csv", "-o", str(target)])
    assert result.exit_code == 0, result.output
    text = target.read_text(encoding="utf-8")
    assert text.splitlines()[0].startswith("deal,type,kind,from,")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["flows.csv"]  # no temporary file left behind


def test_new_outputs_get_ordinary_permissions(tmp_path: Path) -> None:
    import os

    mask = os.umask(0o022)
    try:
        target = tmp_path / "flows.csv"
        assert CliRunner().invoke(main, ["export", "--format", "csv", "-o", str(target)]).exit_code == 0
        assert target.stat().st_mode & 0o777 == 0o644  # 0o666 less the umask, as open() would give
    finally:
        os.umask(mask)


def test_ingest_refuses_a_missing_output_folder_and_a_deep_proposals_file(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("OpenAI 投資 Oracle 1000億美元", encoding="utf-8")
    result = CliRunner().invoke(main, ["ingest", str(article), "--no-ledger", "--out", str(tmp_path / "no" / "p.json")])
    assert result.exit_code == 2
    assert "folder" in result.output and "does not exist" in result.output
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000, encoding="utf-8")
    result = CliRunner().invoke(main, ["review", str(deep), "--ledger", str(tmp_path)])
    assert result.exit_code != 0
    assert "nested too deeply" in result.output
    assert "Traceback" not in result.output


def test_serve_hints_match_the_reason() -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", "--port", str(port)])
    assert result.exit_code == 2
    assert "another program uses that port" in result.output
    result = CliRunner().invoke(main, ["serve", "--host", "999.1.1.1"])
    assert result.exit_code == 2
    assert "give an address of this machine" in result.output
    assert "another program" not in result.output
