"""A fast reader for ledger YAML: libyaml (C) parses, positions kept, same data as the ruamel reader.

ruamel.yaml's round trip (pure Python) is what :mod:`dealweb.ledger.yamlio` builds on; at 10^4 deals and up
it is most of a load. This module parses with PyYAML's C binding to libyaml (``yaml.CSafeLoader``'s parser,
its events made in C) and builds the data itself from the events, so that:

* every mapping and sequence is a ``dict``/``list`` subclass carrying ``lc`` with ruamel's API
  (``lc.line``, ``lc.col``, ``lc.key(k)``, ``lc.value(k)``, ``lc.item(i)``, 0-based), so the loader's
  position helpers (``key_pos``, ``value_pos``, ``item_pos``, ``node_pos``) and the limit checks work on
  it unchanged and every record keeps its file:line:col;
* plain scalars are resolved by YAML 1.2's rules, as ruamel resolves them (PyYAML alone follows YAML 1.1,
  where ``yes``/``no``/``on``/``off`` are booleans and ``1e9`` is text), and dates stay text;
* anything the fast path does not reproduce exactly is handed back (``None``): the caller then parses the
  file with ruamel, so error messages and edge cases are ruamel's. That is the case for a parse error of
  any kind, duplicate keys, anchors and aliases, tags, directives, merge keys, non-scalar keys and numbers
  written other than as plain decimals (hex, octal, underscores, ``.inf``).

The garbage collector is paused while a file's data is built: the parse creates millions of
containers, and the collector's passes over them (not the parse) made a large file's read superlinear.
"""

from __future__ import annotations

import gc
import re
from typing import Any

from dealweb.limits import limits

try:  # PyYAML with its C extension (a default dependency; without libyaml the caller falls back to ruamel)
    import yaml
    from yaml._yaml import CParser
    from yaml.events import (
        AliasEvent,
        DocumentEndEvent,
        MappingEndEvent,
        MappingStartEvent,
        ScalarEvent,
        SequenceEndEvent,
        SequenceStartEvent,
        StreamEndEvent,
        StreamStartEvent,
    )

    AVAILABLE = True
except (ImportError, AttributeError):  # pragma: no cover - PyYAML built without libyaml
    AVAILABLE = False
    CParser = object

_UNRESOLVED = "?"
_EMPTY = object()  # a stream with no document
_NO_KEY = object()  # a mapping frame waiting for its next key


class _CLoader(CParser):  # type: ignore[misc, valid-type]
    """libyaml's parser and composer, with no tag resolution (PyYAML's YAML 1.1 resolver is not used)."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        return _UNRESOLVED

    def descend_resolver(self, *args: Any) -> None:
        pass

    def ascend_resolver(self, *args: Any) -> None:
        pass

__all__ = ["AVAILABLE", "PosDict", "PosList", "parse"]


class _MapLC:
    """ruamel's ``lc`` for a mapping: where it starts, and where each key and value is written (0-based)."""

    __slots__ = ("_keys", "_pos", "col", "line")

    def __init__(self, line: int, col: int, keys: list[Any], pos: list[int]) -> None:
        self.line = line
        self.col = col
        self._keys = keys
        self._pos = pos  # kl, kc, vl, vc for each key in order

    def _at(self, key: Any) -> int:
        try:
            return 4 * self._keys.index(key)
        except ValueError:
            raise KeyError(key) from None

    def key(self, key: Any) -> tuple[int, int]:
        """``(line, col)`` of ``key``."""
        i = self._at(key)
        return self._pos[i], self._pos[i + 1]

    def value(self, key: Any) -> tuple[int, int]:
        """``(line, col)`` of the value of ``key``."""
        i = self._at(key)
        return self._pos[i + 2], self._pos[i + 3]


class _SeqLC:
    """ruamel's ``lc`` for a sequence: where it starts, and where each item is written (0-based)."""

    __slots__ = ("_pos", "col", "line")

    def __init__(self, line: int, col: int, pos: list[int]) -> None:
        self.line = line
        self.col = col
        self._pos = pos

    def item(self, index: int) -> tuple[int, int]:
        """``(line, col)`` of item ``index``."""
        if index < 0:
            raise IndexError(index)
        return self._pos[2 * index], self._pos[2 * index + 1]


class PosDict(dict):
    """A mapping read by :func:`parse`, with its positions in ``lc``."""

    __slots__ = ("lc",)


class PosList(list):
    """A sequence read by :func:`parse`, with its positions in ``lc``."""

    __slots__ = ("lc",)


class _Fallback(Exception):
    """The fast path cannot reproduce ruamel's reading of this file exactly."""


# Text the fast path leaves to ruamel: tags (!), anchors (&) and aliases (*) at the start of a token, and
# directives (%) at the start of a line, tabs, line breaks other than \n and \r\n, byte-order marks inside
# the text and block-scalar headers followed by '#' (libyaml and ruamel read some of these differently); a
# document that is a lone scalar is handed back too. False positives (a '!' inside a plain scalar after a space) only
# cost the fast path, never correctness.
_HANDED_BACK = re.compile(r"(?:^|[\s\[{,:?-])[!&*]|^%|[\t\x85\u2028\u2029\ufeff]|\r(?!\n)|[|>][-+0-9]*#",
                          re.MULTILINE)

_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\Z")
_FLOAT_TEXT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")


def _resolvers_1_2() -> dict[str, list[tuple[str, re.Pattern[str]]]]:
    """YAML 1.2 implicit resolvers as ruamel defines them: first character -> [(tag, regexp)]."""
    from ruamel.yaml.resolver import implicit_resolvers

    table: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
    for versions, tag, regexp, first in implicit_resolvers:
        if (1, 2) in versions:
            for ch in first:
                table.setdefault(ch, []).append((tag, regexp))
    return table


_RESOLVERS = _resolvers_1_2()


def _scalar(node: Any) -> Any:
    """The value ruamel's round trip (YAML 1.2, dates as text) gives a scalar node; _Fallback if unsure."""
    value = node.value
    if node.style:  # quoted or block scalar: text (plain is "" or None)
        return value
    if not value:  # an empty value: ruamel places it at the next token, libyaml after the colon
        raise _Fallback("empty value")
    tag = _STR
    for t, regexp in _RESOLVERS.get(value[:1], ()):
        if regexp.match(value):
            tag = t
            break
    if tag == _STR or tag == _TIMESTAMP:
        return value
    if tag == _NULL:
        return None
    if tag == _BOOL:
        return value in ("true", "True", "TRUE")
    if tag == _INT and _DECIMAL.match(value):
        return int(value)
    if tag == _FLOAT and _FLOAT_TEXT.match(value):
        return float(value)
    raise _Fallback(value)


class _Checks:
    """What :func:`dealweb.limits.check_tree` and the reader's text check look at, gathered while building.

    ``clean`` stays True only when neither check can find anything: no container deeper or longer, no text
    longer than the limits allow, and no character no output can carry. When it turns False the caller runs
    the checks themselves, which report the first place in their own order, as for the ruamel reader.
    """

    __slots__ = ("clean", "depth", "records", "scan", "text")

    def __init__(self, text: str) -> None:
        lim = limits()
        self.depth, self.records, self.text = lim.max_depth, lim.max_records, lim.max_text
        # values can hold a character the text does not show only through a double-quoted escape
        self.scan = "\\" in text
        self.clean = _BAD_CHAR.search(text) is None

    def string(self, value: Any) -> None:
        if isinstance(value, str) and (len(value) > self.text or (self.scan and _BAD_CHAR.search(value))):
            self.clean = False


# Characters that :func:`dealweb.ledger.yamlio._bad_text` refuses (the same class).
_BAD_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def _build_events(loader: Any, checks: _Checks) -> Any:
    """Data with positions straight from libyaml's events, without composing a node graph first.

    The same data and positions as composing libyaml's node graph and walking it, built while the events
    stream by: the graph (a node and two marks per value, several times the data's size) never exists, so
    reading a file holds about its data and no more (49 against 213 MB at the peak for a file of 10^4
    deals), and it takes half the time. Raises :class:`_Fallback` for non-scalar keys, duplicate and merge
    keys, anchors, aliases, explicit tags and a second document (the composer's and ruamel's cases).
    Equal texts and whole numbers are kept once (per file): libyaml makes a new object for every scalar,
    and a ledger repeats most of its words (keys, ids, types, the figure a deal states and its claims
    quote), so a file's data and the records built from it hold one copy of each.
    """
    get = loader.get_event
    if get().__class__ is not StreamStartEvent:  # pragma: no cover - libyaml always starts so
        raise _Fallback("no stream")
    ev = get()
    if ev.__class__ is StreamEndEvent:
        return _EMPTY
    ev = get()  # the document's root
    cls = ev.__class__
    if cls is ScalarEvent or cls is AliasEvent:
        raise _Fallback("a document that is a lone scalar")
    texts: dict[str, str] = {}
    numbers: dict[int, int] = {}
    plain: dict[str, Any] = {}  # plain scalar text -> its value
    intern, intern_int = texts.setdefault, numbers.setdefault
    max_depth, max_records = checks.depth, checks.records
    # a frame: [container, is_mapping, keys, pos, key (mappings: the pending key, _NO_KEY before it)]
    root: Any = None
    stack: list[list[Any]] = []
    while True:
        if cls is ScalarEvent:
            if ev.anchor is not None or ev.tag is not None:
                raise _Fallback("anchor or tag")
            raw = ev.value
            if ev.style:  # quoted or block: the text itself
                value = texts.get(raw)
                if value is None:
                    value = texts[raw] = raw
                    checks.string(value)
            else:  # plain: resolved once per distinct text
                value = plain.get(raw, _NO_KEY)
                if value is _NO_KEY:
                    value = _scalar(ev)
                    if type(value) is str:
                        value = intern(value, value)
                    elif type(value) is int:
                        value = intern_int(value, value)
                    plain[raw] = value
                    checks.string(value)
            frame = stack[-1]
            mark = ev.start_mark
            if frame[1]:
                if frame[4] is _NO_KEY:
                    if value in frame[0] or value == "<<":
                        raise _Fallback("duplicate or merge key")
                    frame[4] = value
                    frame[3] += (mark.line, mark.column)
                else:
                    frame[0][frame[4]] = value
                    frame[2].append(frame[4])
                    frame[3] += (mark.line, mark.column)
                    frame[4] = _NO_KEY
            else:
                frame[0].append(value)
                frame[3] += (mark.line, mark.column)
        elif cls is MappingStartEvent or cls is SequenceStartEvent:
            if ev.anchor is not None or ev.tag is not None:
                raise _Fallback("anchor or tag")
            is_map = cls is MappingStartEvent
            child = PosDict() if is_map else PosList()
            mark = ev.start_mark
            if stack:
                frame = stack[-1]
                if frame[1]:
                    if frame[4] is _NO_KEY:
                        raise _Fallback("a key that is not a scalar")
                    frame[0][frame[4]] = child
                    frame[2].append(frame[4])
                    frame[4] = _NO_KEY
                else:
                    frame[0].append(child)
                frame[3] += (mark.line, mark.column)
            else:
                root = child
            if len(stack) + 1 > max_depth:
                checks.clean = False
            stack.append([child, is_map, [], [], _NO_KEY, mark.line, mark.column])
        elif cls is MappingEndEvent or cls is SequenceEndEvent:
            container, is_map, keys, pos, _key, line, col = stack.pop()
            if len(container) > max_records:
                checks.clean = False
            container.lc = _MapLC(line, col, keys, pos) if is_map else _SeqLC(line, col, pos)
            if not stack:
                break
        else:  # an alias, or anything the composer would refuse
            raise _Fallback(cls.__name__)
        ev = get()
        cls = ev.__class__
    if get().__class__ is not DocumentEndEvent or get().__class__ is not StreamEndEvent:
        raise _Fallback("more than one document")
    return root


def parse(text: str) -> tuple[bool, Any, bool]:
    """Read ``text`` as ruamel would: ``(read, data, clean)``.

    ``read`` is False when the fast path hands the file back (then ``data`` is ``None``). ``data`` may be
    ``None`` (an empty document), as ruamel gives it. ``clean`` is True when the limit and text checks
    (:func:`dealweb.limits.check_tree`, the reader's check for characters no output can carry) are known to
    find nothing, so the caller may skip them. Never raises on content.
    """
    if not AVAILABLE or _HANDED_BACK.search(text):
        return False, None, False
    enabled = gc.isenabled()
    gc.disable()
    try:
        checks = _Checks(text)
        loader = _CLoader(text)
        try:
            data = _build_events(loader, checks)
        finally:
            loader.dispose()
        if data is _EMPTY:
            return True, None, False
        return True, data, checks.clean
    except (_Fallback, yaml.YAMLError, RecursionError, ValueError, TypeError, OverflowError):
        return False, None, False
    finally:
        if enabled:
            gc.enable()
