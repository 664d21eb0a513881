"""Limits on what dealweb reads, in one place: file size, nesting depth, records per file, text length.

Every reader of user files (the ledger loader, whichever YAML parser it uses; scenarios; edge lists;
articles; proposals; the review's copy of an article) calls :func:`read_regular` to open a file and, for
parsed data, :func:`check_tree`. Both refuse with one clear line instead of running without end:

* only regular files are read: devices (``/dev/zero``), FIFOs, sockets and folders are refused by their
  type, before a byte is read (a FIFO is opened non-blocking, so the refusal never waits for a writer);
* a file larger than :attr:`Limits.max_file_bytes` is refused from its size, before it is read;
* parsed data nested deeper than :attr:`Limits.max_depth`, a section holding more than
  :attr:`Limits.max_records` records, or a text value longer than :attr:`Limits.max_text` characters is
  refused with the line it starts on.

The limits are configurable through environment variables (read on every call, so a test or a server can
change them): ``DEALWEB_MAX_FILE_MB``, ``DEALWEB_MAX_DEPTH``, ``DEALWEB_MAX_RECORDS``, ``DEALWEB_MAX_TEXT``,
``DEALWEB_MAX_LINE``. A file over a limit is refused with one line naming it and the variable to raise.

>>> limits().max_depth >= 16
True
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dealweb.errors import InputError

__all__ = ["LimitError", "Limits", "check_tree", "file_kind", "longest_line", "limits", "read_regular"]

#: Defaults: a ledger file of 16 MiB is about 60,000 deals written out in full with their claims (split a
#: bigger ledger over several files: the pure-Python YAML reader takes about 10 s of CPU per MiB); a ledger
#: nests about 6 levels (section, record, claims, claim, amount); a quote is one sentence; a line holds one
#: key or item (a megabyte-long line is a flow list or a pasted blob, refused before parsing).
DEFAULT_MAX_FILE_MB = 16
DEFAULT_MAX_DEPTH = 32
DEFAULT_MAX_RECORDS = 1_000_000
DEFAULT_MAX_TEXT = 20_000
DEFAULT_MAX_LINE = 1_000_000


class LimitError(InputError):
    """An input file went past a limit (size, depth, records, text length) or is not a regular file."""


@dataclass(frozen=True)
class Limits:
    """The caps in force (see the module docstring for the environment variables that set them).

    Attributes:
        max_file_bytes: largest file read, in bytes.
        max_depth: deepest nesting of mappings and lists in a parsed file (the top level is depth 1).
        max_records: most items in one list of a parsed file (records of a section, claims of a record).
        max_text: longest text value, in characters.
        max_line: longest line of a YAML file, in characters (checked before parsing).
    """

    max_file_bytes: int = DEFAULT_MAX_FILE_MB * 2**20
    max_depth: int = DEFAULT_MAX_DEPTH
    max_records: int = DEFAULT_MAX_RECORDS
    max_text: int = DEFAULT_MAX_TEXT
    max_line: int = DEFAULT_MAX_LINE


def _env_int(name: str, default: int, scale: int = 1) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = float(raw)
    except ValueError:
        raise InputError(f"environment variable {name}={raw!r} is not a number",
                         f"unset it, or give a positive number (default {default // scale})") from None
    if not (value > 0 and value < 1e15):
        raise InputError(f"environment variable {name}={raw!r} is out of range",
                         f"give a positive number (default {default // scale})")
    return max(1, int(value * scale))


def limits() -> Limits:
    """The limits now in force: the defaults, overridden by the ``DEALWEB_MAX_*`` environment variables."""
    return Limits(
        max_file_bytes=_env_int("DEALWEB_MAX_FILE_MB", DEFAULT_MAX_FILE_MB * 2**20, 2**20),
        max_depth=_env_int("DEALWEB_MAX_DEPTH", DEFAULT_MAX_DEPTH),
        max_records=_env_int("DEALWEB_MAX_RECORDS", DEFAULT_MAX_RECORDS),
        max_text=_env_int("DEALWEB_MAX_TEXT", DEFAULT_MAX_TEXT),
        max_line=_env_int("DEALWEB_MAX_LINE", DEFAULT_MAX_LINE),
    )


def file_kind(mode: int) -> str:
    """A person's name for the kind of file ``mode`` (from ``os.stat``) describes."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISREG(mode):
        return "a regular file"
    return "a special file"


def read_regular(path: str | Path, what: str = "file", max_bytes: int | None = None) -> bytes:
    """The bytes of ``path``, which must be a regular file no larger than ``max_bytes``.

    The file is opened non-blocking (a FIFO does not wait for a writer), its type and size are taken from
    the open descriptor (no race between the check and the read), and at most ``max_bytes + 1`` bytes are
    read (a file growing meanwhile is still caught).

    Args:
        path: the file.
        what: what the file is, for messages ("ledger file", "article", "scenario"...).
        max_bytes: the cap; default :attr:`Limits.max_file_bytes`.

    Raises:
        LimitError: a folder, device, FIFO, socket or other special file, or a file over the cap.
        InputError: the file cannot be opened (missing, no permission).
    """
    p = Path(path)
    cap = limits().max_file_bytes if max_bytes is None else max_bytes
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(p, flags)
    except IsADirectoryError:
        raise LimitError(f"{p}: is a folder, not a regular file", f"give the {what} as a file, not a folder") from None
    except OSError as exc:
        if exc.errno == errno.ENXIO:  # a socket or a FIFO without a reader on some systems
            raise LimitError(f"{p}: is a special file, not a regular file",
                             f"give the {what} as a regular file; devices, FIFOs and sockets are never read") from None
        raise InputError(f"{p}: cannot read ({exc.strerror or exc})", "check the path and its permissions") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise LimitError(f"{p}: is {file_kind(st.st_mode)}, not a regular file",
                             f"give the {what} as a regular file; devices, FIFOs and sockets are never read")
        if st.st_size > cap:
            raise LimitError(f"{p}: {st.st_size:,} bytes is more than the {cap:,} bytes ({cap / 2**20:.3g} MiB) a "
                             f"{what} may hold", "split the file, or raise DEALWEB_MAX_FILE_MB if it is meant to be "
                             "this big")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        chunks: list[bytes] = []
        got = 0
        while got <= cap:
            chunk = os.read(fd, min(1 << 20, cap + 1 - got))
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
        if got > cap:
            raise LimitError(f"{p}: grew past the {cap:,} bytes a {what} may hold while it was read",
                             "split the file, or raise DEALWEB_MAX_FILE_MB")
        return b"".join(chunks)
    except OSError as exc:
        raise InputError(f"{p}: cannot read ({exc.strerror or exc})", "check the path and its permissions") from None
    finally:
        os.close(fd)


def longest_line(text: str, lim: Limits | None = None) -> tuple[int, str, str] | None:
    """``(line, message, hint)`` for the first line of ``text`` longer than :attr:`Limits.max_line`, or ``None``.

    Cheap (one pass in C) and run before parsing: a YAML parser takes minutes over a 48 MB one-line list.
    """
    lim = lim or limits()
    if len(text) <= lim.max_line:
        return None
    for number, line in enumerate(text.split("\n"), 1):
        if len(line) > lim.max_line:
            return (number, f"line {number} is {len(line):,} characters long, more than the {lim.max_line:,} allowed",
                    "a ledger line holds one key or item: write long lists one '- ' item per line, or raise "
                    "DEALWEB_MAX_LINE")
    return None


def _line_of(node: Any) -> int:
    lc = getattr(node, "lc", None)
    line = getattr(lc, "line", None)
    return line + 1 if isinstance(line, int) else 1


def check_tree(data: Any, lim: Limits | None = None) -> tuple[int, str, str] | None:
    """The first place parsed ``data`` goes past a limit: ``(line, message, hint)``, or ``None``.

    Walks the data once, without recursion (so a deep structure cannot exhaust the stack); lines come
    from ruamel's positions when the data carries them (1 otherwise). Aliased containers are visited once.
    """
    lim = lim or limits()
    stack: list[tuple[Any, int, int]] = [(data, 1, _line_of(data))]
    seen: set[int] = set()
    while stack:
        node, depth, line = stack.pop()
        if isinstance(node, str):
            if len(node) > lim.max_text:
                return (line, f"a text value of {len(node):,} characters is longer than the {lim.max_text:,} "
                        "allowed", "shorten it (a quote is one sentence, a title one line), or raise "
                        "DEALWEB_MAX_TEXT")
            continue
        if not isinstance(node, (dict, list)) or id(node) in seen:
            continue
        seen.add(id(node))
        if depth > lim.max_depth:
            return (line, f"nested {depth} levels deep, deeper than the {lim.max_depth} allowed",
                    "a ledger nests a few levels (section, record, claims, claim): flatten the structure, or "
                    "raise DEALWEB_MAX_DEPTH")
        if len(node) > lim.max_records:
            return (line, f"a list or mapping of {len(node):,} items, more than the {lim.max_records:,} allowed "
                    "in one file", "split the records over several files, or raise DEALWEB_MAX_RECORDS")
        lc = getattr(node, "lc", None)
        if isinstance(node, dict):
            for k, v in node.items():
                where = _child_line(lc, "key", k, line)
                stack.append((k, depth + 1, where))
                stack.append((v, depth + 1, _child_line(lc, "value", k, where)))
        else:
            stack.extend((v, depth + 1, _child_line(lc, "item", i, line)) for i, v in enumerate(node))
    return None


def _child_line(lc: Any, how: str, key: Any, fallback: int) -> int:
    try:
        return int(getattr(lc, how)(key)[0]) + 1
    except Exception:  # noqa: BLE001 - no position recorded (plain data, or a parser without positions)
        return fallback
