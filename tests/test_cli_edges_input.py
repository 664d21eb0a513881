"""Edge lists that are not UTF-8 CSV are refused with the file and line, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from dealweb.cli import main


@pytest.mark.parametrize(
    ("content", "line", "what"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00", 1, "not UTF-8 text (byte 0x89)"),
        (b"source,target,amount\na,b,5\n\xff\xfe,c,3\n", 3, "not UTF-8 text (byte 0xff)"),
        (b"source,target,amount\na,b,5\nb\x00,c,3\n", 3, "binary data (a NUL byte)"),
    ],
)
def test_binary_edge_lists_name_file_and_line(tmp_path: Path, content: bytes, line: int, what: str) -> None:
    f = tmp_path / "edges.csv"
    f.write_bytes(content)
    result = CliRunner().invoke(main, ["loops", "--edges", str(f)])
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert f"{f}:{line}: {what}" in result.output
    assert "hint:" in result.output


def test_a_valid_edge_list_still_reads(tmp_path: Path) -> None:
    f = tmp_path / "edges.csv"
    # a -> b -> c -> a with 5, 3, 4: the loop's bottleneck is 3 (the smallest hop)
    f.write_text("source,target,amount\na,b,5\nb,c,3\nc,a,4\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["loops", "--edges", str(f), "--json"])
    assert result.exit_code == 0, result.output
    assert '"bottleneck": 3.0' in result.output
