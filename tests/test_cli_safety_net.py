"""The top-level command group turns anything that escapes a command into one line, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from dealweb.cli import main


def _with_command(cmd: click.Command, args: list[str], env: dict[str, str] | None = None) -> object:
    main.add_command(cmd)
    try:
        return CliRunner().invoke(main, [cmd.name or "", *args], env=env)
    finally:
        main.commands.pop(cmd.name or "", None)


def test_unexpected_error_is_one_line_with_a_hint() -> None:
    @click.command("boom-test")
    def boom() -> None:
        raise ZeroDivisionError("division by zero")

    result = _with_command(boom, [])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "internal error: ZeroDivisionError: division by zero" in result.output
    assert "DEALWEB_DEBUG=1" in result.output


def test_debug_variable_lets_the_traceback_through() -> None:
    @click.command("boom-test")
    def boom() -> None:
        raise ZeroDivisionError("division by zero")

    result = _with_command(boom, [], env={"DEALWEB_DEBUG": "1"})
    assert isinstance(result.exception, ZeroDivisionError)


@pytest.mark.parametrize("args", [["show"], ["loops"], ["metrics", "capacity", "--gw", "10"]])
def test_a_full_disk_is_one_line(args: list[str]) -> None:
    with open("/dev/full", "w") as full:
        proc = subprocess.run([sys.executable, "-m", "dealweb", *args], stdout=full, stderr=subprocess.PIPE,
                              text=True, timeout=600, env={**os.environ, "COLUMNS": "100"})
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines()[-1].startswith("error: cannot write the output")
