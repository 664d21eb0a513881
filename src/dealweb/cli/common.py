"""Pieces every command shares: reading the ledger, printing JSON, failing with one clear line."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

import click

from dealweb.errors import DealwebError
from dealweb.model import Ledger

__all__ = ["date_or_exit", "emit_json", "fail", "ledger_arg", "load_or_exit"]

ledger_arg = click.argument("ledger_path", metavar="[LEDGER]", required=False, type=click.Path())


def fail(message: str, hint: str = "", code: int = 2) -> NoReturn:
    """Print ``error: message (hint: ...)`` on stderr and exit with ``code``."""
    click.echo(f"error: {message}" + (f" (hint: {hint})" if hint else ""), err=True)
    sys.exit(code)


def date_or_exit(value: str | None, option: str = "--at") -> date | None:
    """The date written ``YYYY-MM-DD`` in ``value`` (None stays None); a clear one-line error otherwise.

    Args:
        value: what the user typed after ``option``, or None when the option was not given.
        option: the option's name, quoted in the error (``--at``, ``--on``...).
    """
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"{option} {value!r} is not a date", f"write YYYY-MM-DD, e.g. {option} 2025-10-01")


def load_or_exit(path: str | Path | None, documents_dirs: Sequence[str] = (), quiet: bool = False) -> Ledger:
    """Load a ledger (the bundled one when ``path`` is None); on errors print them and exit 1."""
    from dealweb.ledger import load_ledger

    try:
        result = load_ledger(path, documents_dirs=documents_dirs)
    except DealwebError as exc:
        fail(exc.message, exc.hint)
    errors = [p for p in result.problems if p.severity == "error"]
    if errors:
        for p in errors[:20]:
            click.echo(str(p), err=True)
        more = f" (and {len(errors) - 20} more)" if len(errors) > 20 else ""
        fail(f"the ledger has {len(errors)} error(s){more}", "run 'dealweb check' to see them all", code=1)
    return result.ledger


def output_folder_or_exit(path: Path) -> Path:
    """The folder ``path`` will be written in; exits with one line when it is missing or not a folder.

    Call it before long work, so that a typo in ``-o`` does not cost the whole computation.
    """
    folder = path.parent if str(path.parent) else Path(".")
    if folder.exists() and not folder.is_dir():
        fail(f"cannot write {path}: {folder} is a file, not a folder", "give a path inside an existing folder")
    if not folder.is_dir():
        fail(f"cannot write {path}: folder {folder} does not exist", "create the folder first")
    return folder


def write_output(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and ``os.replace``.

    Nothing is half-written: on any failure the old file (if any) is kept and the temporary file removed.
    """
    folder = output_folder_or_exit(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:  # a read-only folder, or one we may not write in
        fail(f"cannot write {path}: {exc.strerror or exc} (in folder {folder})",
             "choose a folder you can write to, or fix its permissions")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~_umask())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        fail(f"cannot write {path}: {exc.strerror or exc}", "check the path and its permissions")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _default(o: Any) -> Any:
    if hasattr(o, "isoformat"):
        return o.isoformat()
    if hasattr(o, "tolist"):
        return o.tolist()
    if hasattr(o, "as_dict"):
        return o.as_dict()
    raise TypeError(f"cannot encode {type(o).__name__} as JSON")


def echo_out(text: str, nl: bool = True) -> None:
    """Print ``text`` on standard output; a failed write (disk full, closed pipe...) is one line, not a traceback."""
    try:
        click.echo(text, nl=nl)
        sys.stdout.flush()
    except BrokenPipeError:
        raise  # click ends quietly on a closed pipe (dealweb ... | head)
    except OSError as exc:
        fail(f"cannot write the output: {exc.strerror or exc}",
             "free some space, or send the output elsewhere (> FILE, or -o FILE where the command has it)")


def emit_json(data: Any) -> None:
    """Print ``data`` as indented UTF-8 JSON (dates as ISO strings, numpy arrays as lists)."""
    echo_out(json.dumps(data, ensure_ascii=False, indent=2, default=_default, allow_nan=False))
