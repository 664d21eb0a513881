"""A fast reader for ledger YAML: libyaml (C) parses, positions kept, same data as the ruamel reader.

ruamel.yaml's round trip (pure Python) is what :mod:`dealweb.ledger.yamlio` builds on; at 10^4 deals and up
it is most of a load. This module parses with PyYAML's C binding to libyaml (``yaml.CSafeLoader``'s parser
and composer, which build the node graph in C) and builds the data itself, so that:

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

The garbage collector is paused while a file's nodes and data are built: the parse creates millions of
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
    from yaml.nodes import MappingNode, ScalarNode, SequenceNode

    AVAILABLE = True
except (ImportError, AttributeError):  # pragma: no cover - PyYAML built without libyaml
    AVAILABLE = False
    CParser = object

_UNRESOLVED = "?"


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


def _build(root: Any, checks: _Checks) -> Any:
    """Data with positions from a composed node graph, without recursion."""
    out = _container(root)
    stack = [(root, out, 1)]
    while stack:
        node, target, depth = stack.pop()
        if depth > checks.depth or len(node.value) > checks.records:
            checks.clean = False
        if isinstance(node, MappingNode):
            keys: list[Any] = []
            pos: list[int] = []
            for knode, vnode in node.value:
                if not isinstance(knode, ScalarNode):
                    raise _Fallback("a key that is not a scalar")
                key = _scalar(knode)
                if key in target or key == "<<":
                    raise _Fallback("duplicate or merge key")
                checks.string(key)
                km, vm = knode.start_mark, vnode.start_mark
                keys.append(key)
                pos += (km.line, km.column, vm.line, vm.column)
                if isinstance(vnode, ScalarNode):
                    value = target[key] = _scalar(vnode)
                    checks.string(value)
                else:
                    child = _container(vnode)
                    target[key] = child
                    stack.append((vnode, child, depth + 1))
            target.lc = _MapLC(node.start_mark.line, node.start_mark.column, keys, pos)
        else:
            pos = []
            for vnode in node.value:
                vm = vnode.start_mark
                pos += (vm.line, vm.column)
                if isinstance(vnode, ScalarNode):
                    value = _scalar(vnode)
                    target.append(value)
                    checks.string(value)
                else:
                    child = _container(vnode)
                    target.append(child)
                    stack.append((vnode, child, depth + 1))
            target.lc = _SeqLC(node.start_mark.line, node.start_mark.column, pos)
    return out


def _container(node: Any) -> PosDict | PosList:
    if isinstance(node, MappingNode):
        return PosDict()
    if isinstance(node, SequenceNode):
        return PosList()
    raise _Fallback("unknown node")  # pragma: no cover - the composer makes only these three kinds


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
        loader = _CLoader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
        if node is None:
            return True, None, False
        if isinstance(node, ScalarNode):  # not a ledger file; ruamel reads block scalars at column 0 otherwise
            return False, None, False
        checks = _Checks(text)
        data = _build(node, checks)
        return True, data, checks.clean
    except (_Fallback, yaml.YAMLError, RecursionError, ValueError, TypeError, OverflowError):
        return False, None, False
    finally:
        if enabled:
            gc.enable()
