"""Reading ledger YAML files with the line and column of every key and item, never raising on content.

ruamel.yaml's round-trip mode keeps, for every mapping key and sequence item, where it was written
(0-based; dealweb reports 1-based). Dates are read as plain text here so that an impossible date such as
``2025-02-30`` becomes a problem on its own line instead of aborting the whole file.
"""

from __future__ import annotations

import io
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, SequenceNode
from ruamel.yaml.reader import ReaderError

from dealweb.errors import InputError, Problem
from dealweb.ledger.fastyaml import parse as _fast_parse
from dealweb.limits import LimitError, check_tree, limits, longest_line, read_regular
from dealweb.model import Pos

__all__ = [
    "ALIAS_EXPANSION_MARGIN",
    "READER_ENV",
    "MAX_FLOW_DEPTH",
    "YamlFile",
    "expanded_size",
    "flow_depth",
    "item_pos",
    "key_pos",
    "node_pos",
    "read_yaml_file",
    "value_pos",
]


#: Environment variable choosing the YAML reader: ``fast`` (default: libyaml through
#: :mod:`dealweb.ledger.fastyaml`, ruamel for what it hands back) or ``ruamel`` (ruamel for every file).
READER_ENV = "DEALWEB_YAML_READER"


class _TextDatesConstructor(RoundTripConstructor):
    """Round-trip constructor that leaves timestamps as text (dealweb validates dates itself)."""


def _timestamp_as_text(self: RoundTripConstructor, node: Any) -> str:
    return str(self.construct_scalar(node))


_TextDatesConstructor.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_text)


# A ledger file's values, counted with every alias expanded, may not exceed the file's length in characters
# plus this margin. Without aliases a file always holds fewer values than characters, so only alias
# expansion can pass the bound: a "billion laughs" file (nested aliases, a few lines long) would expand to
# 10**9 values and hang or exhaust memory in any code that walks or prints it.
ALIAS_EXPANSION_MARGIN = 100_000
_ALIAS = re.compile(r"(?:^|[\s\[{,:])\*[^\s,\]}]+")


# Brackets nested deeper than this are refused before parsing: ruamel cannot build them anyway (its
# recursion ends near 300 levels) and scanning them costs it time growing with the square of the depth
# (seconds for a one-line file of 1000 '['). A ledger nests a few levels.
MAX_FLOW_DEPTH = 200
_BRACKETS = re.compile(r"[\[\]{}\n]")


def flow_depth(text: str) -> tuple[int, int]:
    """The deepest nesting of ``[``/``{`` in ``text`` and the (1-based) line it is first reached on.

    Quotes and comments are not skipped: the count can only overstate the nesting, which is checked
    against :data:`MAX_FLOW_DEPTH`, far above what a ledger writes even inside quoted text.
    """
    depth = deepest = 0
    line = where = 1
    for m in _BRACKETS.finditer(text):
        ch = m.group()
        if ch == "\n":
            line += 1
        elif ch in "[{":
            depth += 1
            if depth > deepest:
                deepest, where = depth, line
        elif depth > 0:
            depth -= 1
    return deepest, where


# Characters a double-quoted YAML escape can produce but no output may carry: C0 controls other than tab,
# newline and carriage return (terminal escapes, invalid in XML), DEL, lone surrogates (not encodable as
# UTF-8: JSON, HTML and CSV writers fail on them) and the non-characters U+FFFE/U+FFFF.
_BAD_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def _bad_text(shown: str, data: Any) -> Problem | None:
    """The first text value or key (in file order) holding a character no output can carry, as a problem."""
    found: list[Problem] = []
    stack: list[tuple[Any, Pos]] = [(data, Pos(shown, 1, 1))]
    seen: set[int] = set()
    while stack:
        node, where = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, dict):
            items = [(k, v, key_pos(shown, node, k), value_pos(shown, node, k)) for k, v in node.items()]
        elif isinstance(node, list):
            items = [(None, v, None, item_pos(shown, node, i)) for i, v in enumerate(node)]
        else:
            continue
        for k, v, kpos, vpos in items:
            for text, pos in ((k, kpos), (v, vpos)):
                if isinstance(text, str) and pos is not None:
                    m = _BAD_CHAR.search(text)
                    if m:
                        found.append(Problem(shown, pos.line, pos.col,
                                       f"text holds the character U+{ord(m.group()):04X}, which no output can "
                                       "carry (a control character, a lone surrogate or a non-character)",
                                       "remove the escape (\\x.., \\u....) that writes it"))
            if isinstance(v, (dict, list)):
                stack.append((v, vpos))
    return min(found, key=lambda p: (p.line, p.col)) if found else None


def _children(node: Any) -> list[Any]:
    if isinstance(node, dict):
        return [*node.keys(), *node.values()]
    if isinstance(node, list):
        return list(node)
    if isinstance(node, MappingNode):
        return [x for pair in node.value for x in pair]
    if isinstance(node, SequenceNode):
        return list(node.value)
    return []


def expanded_size(data: Any, limit: int) -> int | None:
    """How many values ``data`` holds with every alias expanded, or ``None`` past ``limit`` or on a cycle.

    ``data`` is loaded data (dicts, lists, scalars) or a composed ruamel node graph. Each distinct container
    is visited once (its expanded size is remembered by identity), so the count costs time in proportion
    to the file, not to its expansion.
    """
    sizes: dict[int, int] = {}
    busy: set[int] = set()
    stack: list[tuple[Any, bool]] = [(data, False)]
    while stack:
        node, done = stack.pop()
        children = _children(node)
        if not children and not isinstance(node, (dict, list, MappingNode, SequenceNode)):
            continue
        key = id(node)
        if done:
            total = 1 + sum(sizes.get(id(c), 1) for c in children)
            busy.discard(key)
            if total > limit:
                return None
            sizes[key] = total
            continue
        if key in sizes:
            continue
        if key in busy:  # an alias to a container that holds it: infinite when expanded
            return None
        busy.add(key)
        stack.append((node, True))
        stack.extend((c, False) for c in children)
    return sizes.get(id(data), 1)


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


def read_yaml_file(path: Path, shown: str, problems: list[Problem], raw: bytes | None = None) -> YamlFile:
    """Parse one file; every failure (unreadable, not UTF-8, bad YAML, empty) becomes a problem.

    ``raw`` is the file's content when the caller has it already (a write validating its new text).
    """
    try:
        if raw is None:
            raw = read_regular(path, "ledger file")
        elif len(raw) > limits().max_file_bytes:
            raise LimitError(f"{path}: {len(raw):,} bytes is more than the {limits().max_file_bytes:,} bytes a "
                             "ledger file may hold", "split the file, or raise DEALWEB_MAX_FILE_MB")
    except LimitError as exc:
        problems.append(Problem(shown, 1, 1, exc.message.removeprefix(f"{path}: "), exc.hint))
        return YamlFile(path, shown, "", None)
    except InputError as exc:
        problems.append(Problem(shown, 1, 1, "cannot read the file: " + exc.message.removeprefix(f"{path}: "),
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
    long_line = longest_line(text)
    if long_line is not None:
        problems.append(Problem(shown, long_line[0], 1, long_line[1], long_line[2]))
        return YamlFile(path, shown, text, None)
    deepest, where = flow_depth(text)
    if deepest > MAX_FLOW_DEPTH:
        problems.append(Problem(shown, where, 1, f"malformed YAML: brackets nested {deepest} levels deep",
                                f"a ledger needs only a few levels of [ ] and {{ }}; at most {MAX_FLOW_DEPTH} "
                                "are read"))
        return YamlFile(path, shown, text, None)
    try:
        # Aliases are counted on the composed node graph, before any value is built: ruamel itself would
        # expand a bomb while building (a duplicate key's error message prints the value).
        if _ALIAS.search(text) and expanded_size(_reader().compose(io.StringIO(text)),
                                                 len(text) + ALIAS_EXPANSION_MARGIN) is None:
            line = next((i for i, ln in enumerate(text.splitlines(), 1) if _ALIAS.search(ln)), 1)
            problems.append(Problem(shown, line, 1, "the YAML aliases (*name) expand to far more values than "
                                    "the file holds, or refer to themselves",
                                    "write the values out instead of nesting aliases (a 'billion laughs' file is "
                                    "refused)"))
            return YamlFile(path, shown, text, None)
        fast, data, clean = (_fast_parse(text) if os.environ.get(READER_ENV, "fast") != "ruamel"
                             else (False, None, False))
        if not fast:  # anything the C reader does not reproduce exactly is read (and reported) by ruamel
            data = _reader().load(io.StringIO(text))
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        what = " ".join(" ".join(str(x).split()) for x in (exc.context, exc.problem) if x) or "malformed YAML"
        hint = "fix the YAML syntax here: quote text that contains ': ' or ' #', and check the indentation"
        if "'\\t'" in what:
            hint = "YAML does not allow tabs for indentation: use spaces"
        elif "single document" in what:
            hint = "a ledger file holds one YAML document: remove the '---' separator or split the file"
        if "duplicate key" in what or "found duplicate key" in str(exc):
            what = "duplicate key " + (f"({exc.problem})" if exc.problem else "")
            hint = "each key may appear once in a mapping; merge or rename one of them"
        if len(what) > 300:  # ruamel quotes the values involved, which may be a whole long line
            what = what[:300] + "..."
        problems.append(Problem(shown, line, col, f"malformed YAML: {what}", hint))
        return YamlFile(path, shown, text, None)
    except RecursionError:
        problems.append(Problem(shown, 1, 1, "malformed YAML: nested too deeply to read",
                                "a ledger needs only a few levels of nesting: flatten the structure"))
        return YamlFile(path, shown, text, None)
    except ReaderError as exc:  # a character YAML does not allow (control characters, some non-characters)
        pos = exc.position if isinstance(exc.position, int) else 0
        line = text.count("\n", 0, pos) + 1
        col = pos - (text.rfind("\n", 0, pos) + 1) + 1
        char = f"U+{exc.character:04X}" if isinstance(exc.character, int) else repr(exc.character)
        problems.append(Problem(shown, line, col, f"malformed YAML: character {char} is not allowed in YAML",
                                "delete it, or write it as an escape ("
                                + (f"\\u{exc.character:04x}" if isinstance(exc.character, int) else "\\uXXXX")
                                + ") inside a double-quoted string"))
        return YamlFile(path, shown, text, None)
    except (YAMLError, ValueError, TypeError) as exc:  # defensive: anything ruamel raises
        what = " ".join(str(exc).split())[:300]  # one line, bounded
        problems.append(Problem(shown, 1, 1, f"malformed YAML: {what}", "fix the YAML syntax"))
        return YamlFile(path, shown, text, None)
    if data is None:  # '~', '---', 'null': the file parses to nothing, so its records would silently vanish
        problems.append(Problem(shown, 1, 1, "the file parses to nothing (it holds only '~', 'null' or '---')",
                                "write the file's sections, e.g. 'deals:' and its records, or delete the file"))
        return YamlFile(path, shown, text, None)
    over = None if clean else check_tree(data)  # the fast reader checked as it built: nothing to find
    if over is not None:
        problems.append(Problem(shown, over[0], 1, over[1], over[2]))
        return YamlFile(path, shown, text, None)
    bad = None if clean else _bad_text(shown, data)
    if bad is not None:
        problems.append(bad)
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
