"""Pieces every command shares: reading the ledger, printing JSON, failing with one clear line."""

from __future__ import annotations

import functools
import json
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from dealweb.errors import DealwebError
from dealweb.model import Ledger

__all__ = ["LEDGER_HELP", "date_or_exit", "emit_json", "fail", "ledger_arg", "ledger_option", "ledger_root_or_exit",
           "load_or_exit"]

F = TypeVar("F", bound=Callable[..., Any])


def _ledger_help() -> str:
    from dealweb.data import BUNDLED_LEDGERS, DEFAULT_LEDGER

    return (f"Ledger: a folder or .yaml file, or a bundled ledger's name ({', '.join(BUNDLED_LEDGERS)}); "
            f"default: the bundled {DEFAULT_LEDGER}.")


#: The help of ``--ledger PATH|NAME``, the same on every command.
LEDGER_HELP = _ledger_help()


def ledger_option(f: F) -> F:
    """``--ledger PATH|NAME`` (stored in the parameter ``ledger_path``): a path or a bundled ledger's name."""
    return click.option("--ledger", "ledger_path", metavar="PATH|NAME", default=None, help=LEDGER_HELP)(f)


def ledger_arg(f: F) -> F:
    """The ledger as an optional positional ``[LEDGER]`` and as ``--ledger PATH|NAME``: either, not both.

    The command receives one ``ledger_path`` (``None`` for the default bundled ledger).
    """

    @functools.wraps(f)
    def merged(*args: Any, ledger_path: str | None = None, ledger_opt: str | None = None, **kwargs: Any) -> Any:
        if ledger_path is not None and ledger_opt is not None and ledger_path != ledger_opt:
            fail(f"two ledgers given: {ledger_path!r} and --ledger {ledger_opt!r}", "give one of them")
        return f(*args, ledger_path=ledger_opt if ledger_opt is not None else ledger_path, **kwargs)

    merged = click.option("--ledger", "ledger_opt", metavar="PATH|NAME", default=None,
                          help=LEDGER_HELP + " Same as the LEDGER argument.")(merged)
    return click.argument("ledger_path", metavar="[LEDGER]", required=False)(merged)  # type: ignore[return-value]


def ledger_root_or_exit(spec: str | Path | None) -> Path:
    """The folder or file a ledger path or bundled name stands for; one line listing the names otherwise."""
    from dealweb.ledger import resolve_ledger

    try:
        return resolve_ledger(spec)
    except DealwebError as exc:
        fail(exc.message, exc.hint)


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
    """Load a ledger (a path or a bundled name; the default bundled one when None); on errors exit 1."""
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
