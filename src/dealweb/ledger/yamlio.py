"""Reading ledger YAML files with the line and column of every key and item, never raising on content.

ruamel.yaml's round-trip mode keeps, for every mapping key and sequence item, where it was written
(0-based; dealweb reports 1-based). Dates are read as plain text here so that an impossible date such as
``2025-02-30`` becomes a problem on its own line instead of aborting the whole file.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from dealweb.errors import Problem
from dealweb.model import Pos

__all__ = ["YamlFile", "item_pos", "key_pos", "node_pos", "read_yaml_file", "value_pos"]


class _TextDatesConstructor(RoundTripConstructor):
    """Round-trip constructor that leaves timestamps as text (dealweb validates dates itself)."""


def _timestamp_as_text(self: RoundTripConstructor, node: Any) -> str:
    return str(self.construct_scalar(node))


_TextDatesConstructor.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_text)


def _reader() -> YAML:
    yaml = YAML(typ="rt")
    yaml.Constructor = _TextDatesConstructor
    yaml.allow_duplicate_keys = False
    return yaml


@dataclass
class YamlFile:
    """One parsed file: its path as shown to users, its text, and the data (``None`` on failure)."""

    path: Path
    shown: str
    text: str
    data: Any


def read_yaml_file(path: Path, shown: str, problems: list[Problem]) -> YamlFile:
    """Parse one file; every failure (unreadable, not UTF-8, bad YAML, empty) becomes a problem."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        problems.append(Problem(shown, 1, 1, f"cannot read the file: {exc.strerror or exc}",
                                "check that it exists and is readable"))
        return YamlFile(path, shown, "", None)
    if b"\x00" in raw[:8192]:
        problems.append(Problem(shown, 1, 1, "this is a binary file, not YAML text",
                                "remove it from the ledger directory or give a .yaml text file"))
        return YamlFile(path, shown, "", None)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        problems.append(Problem(shown, line, col, "the file is not UTF-8 text",
                                "save it as UTF-8 (every ledger file must be UTF-8)"))
        return YamlFile(path, shown, "", None)
    if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
        problems.append(Problem(shown, 1, 1, "empty file: it holds no section",
                                "add a section such as 'deals:' or delete the file"))
        return YamlFile(path, shown, text, None)
    try:
        data = _reader().load(io.StringIO(text))
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        what = " ".join(x for x in (exc.context, exc.problem) if x) or "malformed YAML"
        hint = "fix the YAML syntax here: quote text that contains ': ' or ' #', and check the indentation"
        if "'\\t'" in what:
            hint = "YAML does not allow tabs for indentation: use spaces"
        elif "single document" in what:
            hint = "a ledger file holds one YAML document: remove the '---' separator or split the file"
        if "duplicate key" in what or "found duplicate key" in str(exc):
            what = "duplicate key " + (f"({exc.problem})" if exc.problem else "")
            hint = "each key may appear once in a mapping; merge or rename one of them"
        problems.append(Problem(shown, line, col, f"malformed YAML: {what}", hint))
        return YamlFile(path, shown, text, None)
    except (YAMLError, ValueError, TypeError, RecursionError) as exc:  # defensive: anything ruamel raises
        problems.append(Problem(shown, 1, 1, f"malformed YAML: {exc}", "fix the YAML syntax"))
        return YamlFile(path, shown, text, None)
    return YamlFile(path, shown, text, data)


def _lc(node: Any) -> Any:
    return getattr(node, "lc", None)


def node_pos(shown: str, node: Any, fallback: Pos | None = None) -> Pos:
    """Where a mapping or sequence starts (1-based)."""
    lc = _lc(node)
    if lc is not None and lc.line is not None:
        return Pos(shown, lc.line + 1, (lc.col or 0) + 1)
    return fallback or Pos(shown, 1, 1)


def key_pos(shown: str, mapping: Any, key: Any) -> Pos:
    """Where ``key`` is written in ``mapping``."""
    lc = _lc(mapping)
    try:
        line, col = lc.key(key)
        return Pos(shown, line + 1, col + 1)
    except (AttributeError, KeyError, TypeError):
        return node_pos(shown, mapping)


def value_pos(shown: str, mapping: Any, key: Any) -> Pos:
    """Where the value of ``key`` is written in ``mapping``."""
    lc = _lc(mapping)
    try:
        line, col = lc.value(key)
        return Pos(shown, line + 1, col + 1)
    except (AttributeError, KeyError, TypeError):
        return key_pos(shown, mapping, key)


def item_pos(shown: str, seq: Any, index: int) -> Pos:
    """Where item ``index`` of a sequence is written."""
    lc = _lc(seq)
    try:
        line, col = lc.item(index)
        return Pos(shown, line + 1, col + 1)
    except (AttributeError, KeyError, TypeError, IndexError):
        return node_pos(shown, seq)
