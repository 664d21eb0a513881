"""Mentions in a normalised text: entities, amounts and quantities, dates, fiscal periods.

Entities are found from the ledger's names and aliases plus the built-in gazetteer
(:mod:`dealweb.extract.gazetteer`), in the *folded* text (Simplified, lower case), so 龍華, 龙华 and
an alias such as 龍華電子 all find ``longhua``. Names are compiled into one trie-shaped regular expression,
so a scan is a single pass over the text whatever the number of names. Amounts come from the foundation's parser
(:func:`dealweb.money.find_amounts`). Every mention carries offsets into :attr:`NormText.text`; the caller
maps them to the original with :meth:`NormText.to_original`.
"""

from __future__ import annotations

import bisect as _bisect
import datetime as _dt
import math
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from typing import Final

from dealweb.extract.gazetteer import GAZETTEER, GazEntry
from dealweb.extract.normalise import NormText, fold
from dealweb.model import Ledger
from dealweb.money import Amount, AmountError, Qualifier, find_amounts, parse_amount

#: Bound once: the compiled build calls them without a look-up in the module's dict at each call.
bisect_left: Final = _bisect.bisect_left
bisect_right: Final = _bisect.bisect_right

__all__ = [
    "AmountMention",
    "DateMention",
    "EntityIndex",
    "EntityMention",
    "PeriodMention",
    "find_dates",
    "find_amount_mentions",
    "find_glossed_names",
    "find_new_names",
    "firm_id",
    "merge_names",
    "find_periods",
    "iter_sentences",
    "numeric_spans",
    "sentence_spans",
    "trie_pattern",
]


@dataclass(frozen=True, slots=True)
class EntityMention:
    """An entity named at ``text[start:end]``: its id (the ledger's where known) and display name."""

    start: int
    end: int
    id: str
    name: str

    def __init__(self, start: int, end: int, id: str, name: str) -> None:
        # written out: compiled, a store per field (see :class:`dealweb.money.Amount`)
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)
        object.__setattr__(self, "id", id)
        object.__setattr__(self, "name", name)

    def __reduce__(self) -> tuple[type[EntityMention], tuple[object, ...]]:
        """Pickled through the constructor (compiled by mypyc, a frozen instance takes no field by field)."""
        return EntityMention, (self.start, self.end, self.id, self.name)


@dataclass(frozen=True, slots=True)
class AmountMention:
    """An amount or quantity at ``text[start:end]``."""

    start: int
    end: int
    amount: Amount

    def __init__(self, start: int, end: int, amount: Amount) -> None:
        # written out: compiled, a store per field (see :class:`dealweb.money.Amount`)
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)
        object.__setattr__(self, "amount", amount)

    def __reduce__(self) -> tuple[type[AmountMention], tuple[object, ...]]:
        """Pickled through the constructor (compiled by mypyc, a frozen instance takes no field by field)."""
        return AmountMention, (self.start, self.end, self.amount)


@dataclass(frozen=True, slots=True)
class DateMention:
    """A calendar date at ``text[start:end]`` (year filled from context when the text leaves it out)."""

    start: int
    end: int
    date: date | None
    label: str

    def __init__(self, start: int, end: int, date: _dt.date | None, label: str) -> None:
        # written out: compiled, a store per field (see :class:`dealweb.money.Amount`)
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)
        object.__setattr__(self, "date", date)
        object.__setattr__(self, "label", label)

    def __reduce__(self) -> tuple[type[DateMention], tuple[object, ...]]:
        """Pickled through the constructor (compiled by mypyc, a frozen instance takes no field by field)."""
        return DateMention, (self.start, self.end, self.date, self.label)


@dataclass(frozen=True, slots=True)
class PeriodMention:
    """A reporting period at ``text[start:end]``: ``FY2026 Q1``, ``FY2026``, ``2025-Q3``, ``2025``."""

    start: int
    end: int
    label: str

    def __init__(self, start: int, end: int, label: str) -> None:
        # written out: compiled, a store per field (see :class:`dealweb.money.Amount`)
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)
        object.__setattr__(self, "label", label)

    def __reduce__(self) -> tuple[type[PeriodMention], tuple[object, ...]]:
        """Pickled through the constructor (compiled by mypyc, a frozen instance takes no field by field)."""
        return PeriodMention, (self.start, self.end, self.label)


def trie_pattern(words: Iterable[str]) -> str:
    """A regular expression matching any of ``words``, longest first, shaped as a trie.

    A flat alternation ``a|b|c`` makes the regex engine try every word at every position; the trie
    shape shares prefixes so each position costs one character-class test in the common case.

    >>> re.findall(trie_pattern(["ab", "abc", "b"]), "abcb")
    ['abc', 'b']
    """
    trie: dict[str, dict] = {}
    for w in words:
        if not w:
            continue
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, dict]) -> str:
        end = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        alt = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{alt})?" if end else alt

    return build(trie)


#: How :func:`text_marks` reads each character of a text (one byte per character): an ASCII small letter or digit as
#: "a", the space as " ", any other character (capitals, punctuation, every character outside ASCII) as ".".
_MARK_TABLE: Final = bytes(97 if 48 <= b <= 57 or 97 <= b <= 122 else 32 if b == 32 else 46 for b in range(256))
#: The characters a word of an edge part opens on (see :class:`SplitScan`): ASCII small letters and digits.
_EDGE_CHARS: Final = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
#: Where the wide scripts begin (CJK radicals; ideographs, kana, hangul and full-width forms lie above it).
_WIDE_FROM: Final = "\u2e80"
#: The last text :func:`text_marks` read and what it found (the pipeline scans one text with many tries in turn).
_MARKS: Final[list[tuple[str, list[int], bool]]] = [("", [], False)]


def text_marks(text: str) -> tuple[str, list[int], bool]:
    """``(text, starts, wide)``: where a word may start other than after a space; whether a wide character is there.

    Kept for the last text read. ``wide``: whether ``text`` holds a character at or above U+2E80 (CJK and the like).
    ``starts`` are the places ``p`` where ``text[p]`` is in ``[a-z0-9]`` and ``p == 0`` or ``text[p - 1]`` is not in
    ``[a-z0-9 ]``. Read from the text as bytes (each character outside Latin-1 as "?", one byte per character) mapped
    to three marks by one ``bytes.translate``, then ``bytes.split`` at a mark before a letter: C loops over the
    text, no regular expression tried at each character.
    """
    got = _MARKS[0]
    if got[0] is text:
        return got
    raw = text.encode("latin-1", "replace")
    wide = False
    if not text.isascii():
        i = raw.find(b"?")
        while i >= 0:
            if text[i] >= _WIDE_FROM:
                wide = True
                break
            i = raw.find(b"?", i + 1)
    marks = raw.translate(_MARK_TABLE)
    starts = [0] if marks[:1] == b"a" else []
    # each ".a" (they cannot overlap) ends a piece of the split: the start is after it (one split in C, no call
    # of bytes.find per start)
    pieces = marks.split(b".a")
    at = -1
    for k in range(len(pieces) - 1):
        at += len(pieces[k]) + 2
        starts.append(at)
    got = (text, starts, wide)
    _MARKS[0] = got
    return got


#: How a part of a :class:`SplitScan` is scanned: a plain ``finditer``; from the places a word can start after a
#: word edge (:data:`EDGE`); or not at all in a text without wide characters (:data:`WIDE`).
PLAIN: Final = 0
EDGE: Final = 1
WIDE: Final = 2


class SplitScan:
    """The matches of a trie of words, as :meth:`re.Pattern.finditer` of the whole trie gives them, found faster.

    The trie's branches each open on their own first character, so at any position at most one branch can
    match, and what it matches does not depend on the others. The regex engine, however, scans a text
    faster with the branches apart: a pattern holding both ASCII-led and CJK-led branches several times
    slower than its two halves; a pattern of a few branches slower than each branch alone (then a literal
    first character, which the engine finds like ``str.find``). So the words are scanned in parts (each
    a set of whole branches) and the hits merged by position. That gives exactly the one scan's hits
    whenever no hit of one part overlaps a hit of another (then the one scan, starting again after each
    hit, meets every hit of every part in turn); when two overlap (a CJK word holding an ASCII one,
    "gpu集群" and "集群"), the whole trie is scanned as before.

    Each part is scanned in one of three ways (``kinds``):

    * :data:`PLAIN`: ``finditer`` of the part.
    * :data:`WIDE` (every word opens on a character at or above U+2E80): as plain, and not at all in a text without
      such a character (:func:`text_marks`): it can have no hit there.
    * :data:`EDGE` (every word opens on an ASCII small letter or digit, and the part matches a word only where the
      character before it is not in ``[a-z0-9]``, as :func:`dealweb.extract.relations._pattern` builds it): a word
      can start only after a space, or at one of :func:`text_marks`'s starts. After a space it is found by ``spaced``
      (a literal search for the space, the part read in a look-ahead), at the other starts by the part's ``match``;
      then, left to right, each match is kept unless it starts before the end of the last one kept, as ``finditer``
      takes them. The regex engine tries the part at each word's start instead of at each letter: in English
      prose a fifth of the tries, and each costs hundreds of instructions.

    Args:
        whole: the trie of all the words.
        parts: tries of the words, split by first character (every word in exactly one part).
        kinds: how each part is scanned (default: every one plain).
        firsts: the first characters of each part's words (read for :data:`EDGE` parts).
        spaced: for each :data:`EDGE` part, its pattern after a space (``" (?=[firsts])(?=(part))"``), else ``None``.
        skip_after: characters after which an :data:`EDGE` part is not read either (:class:`EntityIndex`: ``_``,
            a word character to it).
        heads: for each part, the first two characters of its words when every match opens on one of its words
            as written and each has two characters or more (:class:`EntityIndex`'s names), else ``None``: an
            :data:`EDGE` part is matched only at the starts whose two characters are one of them (a set look-up
            costs a fraction of a try of the pattern).
    """

    __slots__ = ("firsts", "heads", "kinds", "parts", "skip_after", "spaced", "whole")

    def __init__(self, whole: re.Pattern[str], parts: list[re.Pattern[str]], kinds: list[int] | None = None,
                 firsts: list[frozenset[str]] | None = None,
                 spaced: list[re.Pattern[str] | None] | None = None, skip_after: str = "",
                 heads: list[frozenset[str] | None] | None = None) -> None:
        self.whole, self.parts = whole, parts
        self.skip_after = skip_after
        self.heads = heads if heads is not None else [None for _ in parts]
        self.kinds = kinds if kinds is not None else [PLAIN] * len(parts)
        self.firsts = firsts if firsts is not None else [frozenset() for _ in parts]
        self.spaced = spaced if spaced is not None else [None for _ in parts]

    def hits(self, text: str) -> list[tuple[int, int, str]]:
        """``(start, end, word)`` of every match of :attr:`whole` in ``text``, left to right."""
        parts = self.parts
        if not parts or len(parts) == 1 and self.kinds[0] == PLAIN:
            return [(m.start(), m.end(), m.group(0)) for m in self.whole.finditer(text)]
        merged: list[tuple[int, int, str]] = []
        for k in range(len(parts)):
            merged += self.part_hits(k, text)
        if len(parts) == 1:
            return merged
        merged.sort()  # starts differ between parts (a position opens one branch at most)
        for k in range(1, len(merged)):
            if merged[k][0] < merged[k - 1][1]:
                return [(m.start(), m.end(), m.group(0)) for m in self.whole.finditer(text)]
        return merged

    def part_hits(self, k: int, text: str) -> list[tuple[int, int, str]]:
        """``finditer`` of part ``k`` in ``text`` as ``(start, end, word)``, found as its kind says."""
        part = self.parts[k]
        kind = self.kinds[k]
        if kind == WIDE and not text_marks(text)[2]:
            return []
        spaced = self.spaced[k]
        if kind != EDGE or spaced is None:
            return [(m.start(), m.end(), m.group(0)) for m in part.finditer(text)]
        found = [(m.start(1), m.end(1), m.group(1)) for m in spaced.finditer(text)]
        first = self.firsts[k]
        skip = self.skip_after
        heads = self.heads[k]
        more: list[tuple[int, int, str]] = []
        for p in text_marks(text)[1]:
            if text[p] in first and not (skip and p > 0 and text[p - 1] in skip) and (
                    heads is None or text[p:p + 2] in heads):
                m = part.match(text, p)
                if m is not None:
                    more.append((p, m.end(), m.group(0)))
        if more:
            found += more
            found.sort()
        out: list[tuple[int, int, str]] = []
        last = 0
        for h in found:
            if h[0] >= last:
                out.append(h)
                last = h[1]
        return out


def _spaced(part: re.Pattern[str], first: frozenset[str]) -> re.Pattern[str] | None:
    """The pattern of an :data:`EDGE` part after a space (see :class:`SplitScan`), or ``None`` when it cannot be one.

    Only a part with no flag but the default and no group of its own can be read inside a look-ahead unchanged.
    """
    if part.flags & ~re.UNICODE or part.groups:
        return None
    try:
        return re.compile(" (?=[" + "".join(re.escape(c) for c in sorted(first)) + "])(?=(" + part.pattern + "))")
    except re.error:
        return None


def split_scan(whole: re.Pattern[str], words: Iterable[str], build: Callable[[list[str]], re.Pattern[str]],
               by: str = "script", edge: bool = False, skip_after: str = "", literal: bool = False) -> SplitScan:
    """A :class:`SplitScan` of ``whole`` (the trie of ``words``), its parts compiled by ``build``.

    ``by="script"``: two parts, the words opening on an ASCII character and the others (for tries of many
    branches); ``by="branch"``: one part per first character (for tries of a few); ``by="whole"``: no parts
    (the whole trie in one scan).

    ``edge=True`` says that ``build`` matches a word opening on an ASCII letter or digit only where the character
    before it is none (as :func:`dealweb.extract.relations._pattern` does): then, for ``script`` and ``whole``, the
    words opening on an ASCII small letter or digit make a part of their own, scanned from the places a word can
    start (:data:`EDGE`), and those opening at or above U+2E80 one that is skipped in a text with no such character
    (:data:`WIDE`); the other words another part. ``skip_after``: see :class:`SplitScan` (then the edge part finds
    only the matches that start after no word character, which is all :class:`EntityIndex` keeps, and the caller
    tells whether those are the whole scan's: :meth:`EntityIndex.find`). ``literal=True`` says that every match of
    a part ``build`` compiles opens on one of its words as written (a trie of the words: :func:`trie_pattern`): then
    the parts' ``heads`` are kept (see :class:`SplitScan`).
    """
    groups: dict[str, list[str]] = {}  # by a key: the first character ("branch"), else the kind of first character
    for w in words:
        if not w:
            continue
        if by == "branch":
            key = w[0]
        elif edge and w[0] in _EDGE_CHARS:
            key = "edge"
        elif w[0] >= _WIDE_FROM and (edge or by == "script"):
            key = "wide"
        elif by == "script" and w[0].isascii():
            key = "ascii"
        else:
            key = "other"
        groups.setdefault(key, []).append(w)
    if by == "whole" and (not edge or list(groups) == ["other"]):
        return SplitScan(whole, [])
    parts: list[re.Pattern[str]] = []
    kinds: list[int] = []
    firsts: list[frozenset[str]] = []
    spaced: list[re.Pattern[str] | None] = []
    heads: list[frozenset[str] | None] = []
    for ws in groups.values():
        part = build(ws)
        first = frozenset(w[0] for w in ws)
        kind = PLAIN
        if all(c >= _WIDE_FROM for c in first):
            kind = WIDE
        look = _spaced(part, first) if edge and by != "branch" and first <= _EDGE_CHARS else None
        if look is not None:
            kind = EDGE
        parts.append(part)
        kinds.append(kind)
        firsts.append(first)
        spaced.append(look)
        heads.append(frozenset(w[:2] for w in ws) if literal and all(len(w) >= 2 for w in ws) else None)
    return SplitScan(whole, parts, kinds, firsts, spaced, skip_after, heads)


def _is_word(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch == "_")


#: The characters :func:`_is_word` accepts.
_WORD_CHARS: Final = frozenset(chr(c) for c in range(128) if _is_word(chr(c)))


#: Digits that end a Latin name (checked against what follows: a figure glued to the name).
_GLUED_FIGURE: Final = re.compile(r"(?<=[A-Za-z])\d+(?:[.,]\d+)*$")
#: A Chinese figure right after a Latin name ("入股Acme10億美元"): the name ends before it.
_FIGURE_AFTER: Final = re.compile(r"\d+(?:[.,]\d+)*\s?(?:[万萬亿億兆]|美元)")


class EntityIndex:
    """Names of entities (ledger first, then the gazetteer) compiled for one-pass matching.

    Args:
        ledger: a ledger whose entities' names and aliases are added, and whose ids win when a
            gazetteer entry shares a name with a ledger entity.
        extra: more gazetteer entries (tests, users' own lists).
    """

    def __init__(self, ledger: Ledger | None = None, extra: Iterable[GazEntry] = ()) -> None:
        self.names: dict[str, tuple[str, str]] = {}  # folded name -> (id, display name)
        self.kinds: dict[str, str] = {}
        self.sells: dict[str, frozenset[str]] = {}
        self.buys: dict[str, frozenset[str]] = {}  # types an entity that also sells them usually buys (gazetteer)
        ledger_names: dict[str, str] = {}
        if ledger is not None:
            for e in ledger.entities.values():
                for n in (*e.all_names(), e.id):
                    f = fold(n).strip()
                    if len(f) >= 2:
                        ledger_names.setdefault(f, e.id)
                        self.names.setdefault(f, (e.id, e.name))
                self.kinds[e.id] = str(e.kind)
        for g in (*GAZETTEER, *extra):
            folded = [fold(n).strip() for n in g.names()]
            eid = next((ledger_names[f] for f in folded if f in ledger_names), g.id)
            display = self.names.get(fold(g.en), (eid, g.en))[1] if eid != g.id else g.en
            for f in folded:
                if len(f) >= 2:
                    self.names.setdefault(f, (eid, display))
            self.kinds.setdefault(eid, g.kind)
            if g.sells:
                self.sells[eid] = self.sells.get(eid, frozenset()) | g.sells
            if g.buys:
                self.buys[eid] = self.buys.get(eid, frozenset()) | g.buys
        self._firsts: dict[str, set[tuple[str, str]]] | None = None  # first word of a longer Latin name -> firms
        self._heads: dict[str, set[str]] | None = None  # firm id -> first words that name it alone (short_heads)
        self._regex = re.compile(trie_pattern(sorted(self.names, key=len, reverse=True)))
        word = _WORD_CHARS
        # the names opening on a letter or digit are scanned from word starts only (see find)
        self._scan = split_scan(self._regex, self.names,
                                lambda ws: re.compile(trie_pattern(sorted(ws, key=len, reverse=True))),
                                edge=not any(n[0] == "_" for n in self.names), skip_after="_", literal=True)
        # the names that, opening on a word character, hold another character: a match of one in the middle of a
        # word can reach across a word's edge. By the two characters around each place inside such a name where a
        # word character and another meet (the name, and that place's offset in it).
        across: dict[str, list[tuple[str, int]]] = {}
        for n in self.names:
            if n[0] in word and any(c not in word for c in n[1:]):
                for j in range(1, len(n)):
                    if n[j - 1] not in word or n[j] not in word:
                        across.setdefault(n[j - 1:j + 1], []).append((n, j))
        self._across = across

    def find(self, norm: NormText) -> list[EntityMention]:
        """Entity mentions in ``norm.text``, left to right, longest name first, not overlapping."""
        out: list[EntityMention] = []
        folded = norm.folded
        n = len(folded)
        names = self.names
        word = _WORD_CHARS
        for s, e, name in self._hits(folded):
            if s > 0 and name[0] in word and (folded[s - 1] in word or (
                    folded[s - 1] == "-" and s > 1 and folded[s - 2] in word and norm.text[s].islower())):
                continue  # inside a word, or the tail of a lower-case compound ("large-scale robots": no Scale)
            if e < n and name[-1] in word and folded[e] in word and not (
                    name[-1].isalpha() and _FIGURE_AFTER.match(folded, e)):
                continue  # "Acme10億美元": a name glued to a Chinese figure still ends there
            eid, display = names[name]
            out.append(EntityMention(s, e, eid, display))
        return out

    def _hits(self, folded: str) -> list[tuple[int, int, str]]:
        """The matches of the names' trie in ``folded`` that :meth:`find` can keep, as the whole trie's scan gives them.

        The names opening on a letter or digit are matched only where no word character stands before (an edge part
        of :class:`SplitScan`): :meth:`find` drops every match in the middle of a word. Dropping those beforehand
        gives the same matches as the whole scan then dropping them, unless such a match, had the scan taken it,
        would have covered the start of a match kept. A match in a word's middle that covers another's start holds
        a place where a word character and another meet (the later match starts after a character that is not a
        word character, or on one), so it is a name of :attr:`_across` standing there: looked up by the two
        characters around each match's start. Where one stands, the whole trie is scanned as before.
        """
        hits = self._scan.hits(folded)
        across = self._across
        if not across or EDGE not in self._scan.kinds:
            return hits
        word = _WORD_CHARS
        for h in hits:
            s = h[0]
            if s > 0:
                for name, j in across.get(folded[s - 1:s + 1], ()):
                    t = s - j  # (the name's first character compared before the call: most differ)
                    if t > 0 and folded[t] == name[0] and folded[t - 1] in word and folded.startswith(name, t):
                        return [(m.start(), m.end(), m.group(0)) for m in self._regex.finditer(folded)]
        return hits

    def short_forms(self, new: list[EntityMention]) -> list[EntityMention]:
        """``new`` with a firm named by the first word of one known firm's longer Latin name given that firm's id.

        "data-centre operator Orbital" is the known "Orbital Data Centers" when no other known name starts with
        that word: the news shortens a firm's formal name. The mentions keep their spans; others are unchanged.
        """
        if not new:
            return new
        firsts = self.first_words()
        out = []
        for m in new:
            hit = firsts.get(m.name.lower()) if " " not in m.name else None
            if hit is not None and len({i for i, _ in hit}) == 1 and m.name.lower() not in self.names:
                eid, display = next(iter(hit))
                m = EntityMention(m.start, m.end, eid, display)
            out.append(m)
        return out

    def first_words(self) -> dict[str, set[tuple[str, str]]]:
        """The first word (folded, 4+ Latin letters) of every known longer Latin name -> the firms it starts."""
        firsts = self._firsts
        if firsts is None:
            firsts = {}
            for name, (eid, display) in self.names.items():
                head, _, rest = name.partition(" ")
                if rest and len(head) >= 4 and head.isascii() and head.isalpha():
                    firsts.setdefault(head, set()).add((eid, display))
            self._firsts = firsts
        return firsts

    def short_heads(self) -> dict[str, set[str]]:
        """Firm or fund id -> the first word (folded) of its longer display name that may stand for it alone.

        The word ("acme" of "Acme Digital") starts no other firm's name and is no known name itself; it is read by
        :func:`find_short_names`. Aliases are not shortened (a chief's name names the firm, a first name does not).
        """
        heads = self._heads
        if heads is None:
            heads = {}
            for head, firms in self.first_words().items():
                ids = {i for i, _ in firms}
                display = next(iter(firms))[1].lower()
                if len(ids) == 1 and head not in self.names and display.startswith(head + " ") and \
                        all(d.lower() == display for _, d in firms):
                    eid = next(iter(ids))
                    if self.kinds.get(eid, "company") in ("company", "fund"):
                        heads.setdefault(eid, set()).add(head)
            self._heads = heads
        return heads

    def display(self, eid: str) -> str:
        """Display name of an entity id (the id itself when unknown)."""
        for i, d in self.names.values():
            if i == eid:
                return d
        return eid


#: A firm's name in Latin letters: up to four capitalised words ("Zentrix", "SB Acme Japan", "Ember Labs").
_LATIN_NAME: Final = r"[A-Z][A-Za-z0-9]*(?:[&'.-][A-Za-z0-9]+)*(?: [A-Z][A-Za-z0-9]*(?:[&'.-][A-Za-z0-9]+)*){0,3}"
#: Where a reader knows a name is a firm's without knowing the firm: after a word that only a firm can
#: follow (收購X, 向X注資..., 初創公司X, 晶片設計商X, acquire X, invest ... into X, startup X), or before a
#: firm word (X公司, X集團, X運算公司). Chinese slots are checked around each Latin capital that follows a
#: Chinese character (found by one character-class scan); English slots by one scan of the slot words.
_CN_SLOT_BEFORE: Final = re.compile(
    r"(?:收[购購]|投[资資]|入股|注[资資]|[并併][购購]|[买買]下|公司|集[团團]|商|旗下|[向对對]|"
    r"[业業]者|[厂廠]|企[业業]?|新[创創]|初[创創])[ \u3000]?$")  # 企: 礦企, 車企, 創企
#: The last characters of the words of :data:`_CN_SLOT_BEFORE` (checked before it is searched: :func:`_cn_slot_before`).
_CN_SLOT_LAST: Final = "购購资資股下司团團商向对對者厂廠企业業创創"


def _cn_slot_before(text: str, at: int) -> bool:
    """``_CN_SLOT_BEFORE.search(text, max(0, at - 4), at) is not None``, searched only where it can match.

    That is after one of its words' last characters (then a space or U+3000, or none) right before ``at``.
    """
    lo = max(0, at - 4)
    j = at - 1
    if j >= lo and text[j] in " \u3000":
        j -= 1
    if j < lo or text[j] not in _CN_SLOT_LAST:
        return False
    return _CN_SLOT_BEFORE.search(text, lo, at) is not None


_CN_FIRM_AFTER: Final = re.compile(r"[ ]?(?:公司|集[团團]|[\u4e00-\u9fff]{1,3}公司)")
#: A Latin capital right after an ideograph, or after an ideograph and one space: the capitals that end the matches of
#: ``[\u4e00-\u9fff][ \u3000]?[A-Z]``, found from the capital (one set test per character, a try only at capitals)
#: instead of trying that at every ideograph of Chinese text: the same capitals in the same order.
_CAPITAL_AFTER_CJK: Final = re.compile(r"[A-Z](?:(?<=[\u4e00-\u9fff].)|(?<=[\u4e00-\u9fff][ \u3000].))")
#: A Chinese word that, right after a Latin name, makes it a firm's ("Zentrix公司", "Quorra集團", "Borealis資本").
#: Only after a Latin letter or digit (and a space): every form opens on the word's first character, then looks behind
#: it, so the engine skips to those characters by a set test and the rest of the text costs no try.
_CN_FIRM_NOUNS: Final = ("公司", "集团", "集團", "科技", "资本", "資本", "基金", "半导体", "半導體", "实验室", "實驗室")
_CN_FIRM_NOUN = re.compile("|".join(w[0] + f"(?:(?<=[A-Za-z0-9]{w[0]})|(?<=[A-Za-z0-9] {w[0]}))" + w[1:]
                                    for w in _CN_FIRM_NOUNS))
#: The characters a match of :data:`_CN_FIRM_NOUN` opens on.
_CN_FIRM_FIRSTS: Final = "".join(sorted({w[0] for w in _CN_FIRM_NOUNS}))
#: How :func:`_latin_marks` reads each character (one byte per character): a capital A-Z as "A", a small letter a-z or
#: a digit as "a", the space as " ", a character outside Latin-1 (an ideograph...) or "?" as "?", any other as ".".
_LATIN_MARK_TABLE: Final = bytes(65 if 65 <= b <= 90 else 97 if 97 <= b <= 122 or 48 <= b <= 57 else 32 if b == 32
                                 else 63 if b == 63 else 46 for b in range(256))


def _latin_marks(text: str) -> bytes:
    """``text`` as one mark a character (:data:`_LATIN_MARK_TABLE`), read by one encoding and one translation."""
    return text.encode("latin-1", "replace").translate(_LATIN_MARK_TABLE)


def _is_ideograph(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _capitals_after_cjk(text: str, marks: bytes) -> list[int]:
    """``[m.start() for m in _CAPITAL_AFTER_CJK.finditer(text)]``, from ``marks`` (:func:`_latin_marks` of ``text``).

    The pattern opens on a class the engine tests at every character. A capital right after an ideograph, or after
    one and a space (or U+3000), has a mark "?" before it, or "? " (:func:`_latin_marks`): found by ``bytes.find``
    (a scan in C), then the characters before it are checked. ``marks`` empty: ``text`` is ASCII, none can be.
    """
    out: list[int] = []
    if not marks:
        return out
    i = marks.find(b"?A")
    while i >= 0:
        k = i + 1
        c = text[i]
        if _is_ideograph(c) or c == "\u3000" and i > 0 and _is_ideograph(text[i - 1]):
            out.append(k)
        i = marks.find(b"?A", k)
    i = marks.find(b"? A")
    more = False
    while i >= 0:
        if _is_ideograph(text[i]):
            out.append(i + 2)
            more = True
        i = marks.find(b"? A", i + 2)
    if more:
        out.sort()
    return out


def _latin_or_digit(ch: str) -> bool:
    """Whether ``ch`` is in ``[A-Za-z0-9]``."""
    return "a" <= ch <= "z" or "A" <= ch <= "Z" or "0" <= ch <= "9"


def _matches_at(rx: re.Pattern[str], text: str, starts: list[int]) -> list[re.Match[str]]:
    """The matches of ``rx`` at the positions ``starts`` (sorted here), left to right and not overlapping.

    What ``rx.finditer(text)`` gives when every match starts at one of ``starts``.
    """
    out: list[re.Match[str]] = []
    if not starts:
        return out
    starts.sort()
    pos = 0
    last = -1
    for q in starts:
        if q >= pos and q != last:
            last = q
            m = rx.match(text, q)
            if m is not None:
                out.append(m)
                pos = m.end()
    return out


def _cn_firm_nouns(text: str) -> list[re.Match[str]]:
    """``list(_CN_FIRM_NOUN.finditer(text))``, the pattern tried only where a match can start.

    Every match opens on one of :data:`_CN_FIRM_FIRSTS` right after a Latin letter or digit, or after one and a
    space: each such character found by ``str.find`` (not one in an ASCII text), the one or two before it read, and
    the pattern matched there only, left to right (the pattern's class, tried at every character, costs more). A
    match holds ideographs only, so none starts inside another.
    """
    out: list[re.Match[str]] = []
    if text.isascii():
        return out
    starts: list[int] = []
    for c in _CN_FIRM_FIRSTS:
        i = text.find(c, 1)
        while i >= 0:
            b = text[i - 1]
            if _latin_or_digit(b) or b == " " and i > 1 and _latin_or_digit(text[i - 2]):
                starts.append(i)
            i = text.find(c, i + 1)
    return _matches_at(_CN_FIRM_NOUN, text, starts)


_EN_SLOT: Final = re.compile(
    r"(?:into|acquire[sd]?|acquiring|acquisition of|buys?|buying|bought|invest(?:s|ed|ing)? in|"
    r"invest(?:s|ed|ing)? (?:[a-z]+ ){0,3}(?:US)?\$[\d.,]+(?: ?(?:billion|million|bn|m|b))? in|"
    r"investment in|stake in|startup|start-up|chipmaker|chip designer|company|firm) "
    r"(?P<name>" + _LATIN_NAME + r")")
#: Where a match of :data:`_EN_SLOT` can start: every form opens on one of these (:func:`_en_slots`). Those ending on a
#: space are whole slot words: the name (a capital) must follow at once.
_EN_SLOT_STEMS: Final = ("into ", "acqui", "buy", "bought ", "invest", "stake in ", "start", "chip", "company ",
                         "firm ")
#: More words a firm's name follows ("software maker Zentrix", "a licensing deal with Zentrix"), found by
#: ``str.find`` (a scan in C): in one regex with the slot words above they would triple its cost.
_EN_SLOT_WORDS: Final = (" maker ", " developer ", " designer ", " provider ", " supplier ", " operator ",
                         " manufacturer ", " with ")
_DEAL_BEFORE_WITH: Final = re.compile(r"(?:deals?|agreements?|pacts?|partnerships?|contracts?)$")
#: "Zentrix, the AI inference startup,", "Zentrix, a chip designer": a name set off by a description of a firm
#: (found from the description, then the name read backwards from its comma).
_EN_APPOSITION: Final = re.compile(
    r", (?:the|an?) (?:[\w-]+ ){0,4}?(?:startup|start-up|company|firm|maker|developer|"
    r"designer|provider|supplier|operator|manufacturer|chipmaker)s?(?=\s*(?:[,.;)]|that\b|"
    r"which\b|whose\b|known\b|based\b|backed\b|founded\b))")
_NAME_BEFORE: Final = re.compile("(?<![A-Za-z0-9])(?:" + _LATIN_NAME + ")$")
#: "Australian company Quorra", "Japanese conglomerate Zentrix", "Australian infrastructure operator Quorra": the
#: capitalised word describes the firm after it.
_DESCRIBED_AFTER: Final = re.compile(
    r" (?:[a-z-]+ ){0,2}?(?:company|firm|startup|start-up|group|chipmaker|conglomerate|"
    r"giant|operator|provider|developer|maker|designer|lab)\b")
#: Words that end a firm's formal name ("Zentrix Systems" is the Zentrix the gazetteer knows).
_FORMAL_SUFFIX = frozenset(("systems", "technologies", "technology", "inc", "inc.", "corp", "corp.", "corporation",
                            "holdings", "group", "co", "co.", "ltd", "ltd.", "limited", "plc", "llc", "platforms",
                            "networks", "computing", "pbc", "ag", "se", "sa", "nv", "gmbh", "ai", "electronics",
                            "semiconductor", "semiconductors", "industries", "labs", "capital"))
_NAME_RX: Final = re.compile(_LATIN_NAME)
#: "a contract with Australia’s Quorra": a name followed by a possessive and another capitalised name only describes
#: the firm after it (a place, a parent); "Australia's Quorra" read as one name keeps only the owned part.
_POSSESSOR_OF_NAME: Final = re.compile(r"['’]s [A-Z]")
_OWNED_NAME: Final = re.compile(r"^.*['’]s (?=[A-Z])")
_POSSESSIVE: Final = re.compile(r"['’]s$")
#: Capitalised words that are not a firm's name on their own (articles, places, products, roles, units).
_NOT_A_NAME = frozenset(("the", "a", "an", "this", "that", "its", "their", "his", "her", "ai", "us", "u.s", "uk",
                         "gpu", "gpus", "tpu", "tpus", "cpu", "chips", "chip", "cloud", "ceo", "cfo", "ipo", "llm",
                         "data", "new", "its", "january", "february", "march", "april", "may", "june", "july",
                         "august", "september", "october", "november", "december", "monday", "tuesday",
                         "wednesday", "thursday", "friday", "saturday", "sunday", "billion", "million"))
#: "GPU-heavy", "Berlin-based", "AI-driven": one capitalised word with a lower-case tail is an adjective, no firm.
_ADJECTIVE: Final = re.compile(r"[A-Z][A-Za-z0-9]*-[a-z]+")
_NAME_SUFFIX: Final = re.compile(
    r"(?: (?:inc|corp|corporation|ltd|limited|group|holdings|co|plc|llc)\.?)+$", re.IGNORECASE)


#: What an id made from a name holds no run of (:func:`firm_id`): it becomes one hyphen.
_NOT_ID: Final = re.compile(r"[^a-z0-9]+")


def firm_id(name: str) -> str:
    """The id a firm unknown to the ledger and gazetteer gets from its Latin name, as review writes it.

    >>> firm_id("SB Acme Japan")
    'sb-acme-japan'
    """
    return _NOT_ID.sub("-", name.lower()).strip("-")[:40]


def _owned(text: str, name: str, end: int) -> str:
    """The firm's name a slot holds: after an owner's possessive, the name owned ("with Australia’s Quorra")."""
    if _POSSESSOR_OF_NAME.match(text, end):
        n = _NAME_RX.match(text, end + 3)
        return n.group(0) if n is not None else name
    return _OWNED_NAME.sub("", name)


def _en_slots(text: str) -> list[re.Match[str]]:
    """``list(_EN_SLOT.finditer(text))``, the pattern tried only where a form of it can start.

    The pattern opens on any of i, a, b, s, c, f and tries its many forms at each of them: in English prose most of
    the work of reading a text for new names. Every form opens on one of :data:`_EN_SLOT_STEMS` (a whole slot word,
    then a space and a capital; or the start of one), found by ``str.find`` (a scan in C); the pattern is tried at
    those places only, left to right, each from where the last match ended at the earliest, as ``finditer`` takes
    them (no match is empty): the same matches.
    """
    n = len(text)
    starts: list[int] = []
    for w in _EN_SLOT_STEMS:
        i = text.find(w)
        if i < 0:
            continue
        whole = w[-1] == " "
        size = len(w)
        while i >= 0:
            j = i + size
            if not whole or j < n and "A" <= text[j] <= "Z":
                starts.append(i)
            i = text.find(w, i + 1)
    return _matches_at(_EN_SLOT, text, starts)


def find_new_names(norm: NormText, known: list[EntityMention]) -> list[EntityMention]:
    """Firms named in Latin letters that neither the ledger nor the gazetteer knows, found by where they stand.

    A capitalised name is a firm's where only a firm can stand (after 收購/注資/初創公司/…商/業者, acquire/
    invest in/into/startup/chipmaker, or before 公司/集團/…公司); once found so, every other mention of the same name in
    the text is the same firm. A known name inside a longer capitalised name ("SB Acme Japan" around
    Acme) gives way to the longer one, which is a firm of its own. Names in Chinese characters are not
    found: an id must be written in Latin letters (see :func:`firm_id`). Returns the mentions to add, and
    never one overlapping a known mention that it does not contain.
    """
    text = norm.text
    found: dict[str, str] = {}  # lower-case name -> display name
    names: list[str] = []
    for m in _en_slots(text):
        if (m.start() == 0 or not text[m.start() - 1].isalpha()) and not _DESCRIBED_AFTER.match(text, m.end()):
            names.append(_owned(text, m.group("name"), m.end()))
    size = len(text)
    for w in _EN_SLOT_WORDS:
        i = text.find(w)
        while i >= 0:
            j = i + len(w)
            n = _NAME_RX.match(text, j) if j < size and "A" <= text[j] <= "Z" else None  # a name opens on a capital
            if n is not None and (w != " with " or _DEAL_BEFORE_WITH.search(text, max(0, i - 13), i)) and \
                    not _DESCRIBED_AFTER.match(text, n.end()):
                names.append(_owned(text, n.group(0), n.end()))
            i = text.find(w, i + 1)
    for m in _EN_APPOSITION.finditer(text):
        n = _NAME_BEFORE.search(text, max(0, m.start() - 60), m.start())
        if n is not None:
            names.append(n.group(0))
    marks = b"" if text.isascii() else _latin_marks(text)  # (an ASCII text has no ideograph: no slot of these)
    for at in _capitals_after_cjk(text, marks):
        n = _NAME_RX.match(text, at)
        if n is not None and (_cn_slot_before(text, at) or _CN_FIRM_AFTER.match(text, n.end())):
            name = n.group(0)
            glued = _GLUED_FIGURE.search(name)
            if glued is not None and _FIGURE_AFTER.match(text, n.start() + glued.start(), n.end() + 4):
                name = name[:glued.start()]  # "入股Acme10億美元": the figure is not part of the name
            names.append(name)
    for m in _cn_firm_nouns(text):
        # "Zentrix公司獲得...", "據悉，Quorra集團...", "Borealis資本": a Latin name right before a Chinese word for a
        # firm, wherever it stands; read backwards from the word
        at = m.start() - 1 if text[m.start() - 1] == " " else m.start()
        n = _NAME_BEFORE.search(text, max(0, at - 60), at)
        if n is not None:
            names.append(n.group(0))
    for name in names:
        # (each pattern tried only where it can match: a possessive ends on "s", a suffix follows a space, an
        # adjective holds a hyphen; a name holds no line break)
        if name.endswith("s"):
            name = _POSSESSIVE.sub("", name)
        if " " in name:
            name = _NAME_SUFFIX.sub("", name)
        name = name.rstrip(".")
        words = name.split(" ")
        while words and words[-1].lower() in _NOT_A_NAME and (words[-1].lower() != "ai" or len(words) == 1):
            words.pop()  # "Celestial AI" keeps its "AI": the id is the name as written (firm_id)
        while words and (words[0].lower() in _NOT_A_NAME or "-" in words[0] and _ADJECTIVE.fullmatch(words[0])):
            words.pop(0)
        name = " ".join(words)
        if len(name) < 3 or name.isupper() and len(name) <= 4 or not firm_id(name):
            continue
        found.setdefault(name.lower(), name)
    if not found:
        return []
    out: list[EntityMention] = []
    # (?<![A-Za-z0-9])(?:longest|...|shortest)(?![A-Za-z0-9]), each name opening on its first character (the edge
    # checked just after it), so the engine skips to the names' first characters by a set test: the same matches
    pattern = re.compile("(?:" + "|".join(
        re.escape(n[0]) + "(?<![A-Za-z0-9]" + re.escape(n[0]) + ")" + re.escape(n[1:])
        for n in sorted(found.values(), key=len, reverse=True))
        + r")(?![A-Za-z])(?:(?!\d)|(?=" + _FIGURE_AFTER.pattern + "))")  # "Quix10億美元": a figure may follow
    starts = [e.start for e in known]
    for m in pattern.finditer(text):
        s, e = m.start(), m.end()
        k = bisect_left(starts, s)
        inside = [x for x in known[max(0, k - 1):k + 4] if x.start < e and s < x.end]
        if any(not (s <= x.start and x.end <= e and (x.start, x.end) != (s, e)) for x in inside):
            continue  # the whole of a known name, or overlapping one partly: the known one stands
        if inside and inside[0].start == s and len({x.id for x in inside}) == 1 and all(
                w.lower() in _FORMAL_SUFFIX for w in _uncovered(text, s, e, inside).split()):
            # "Zentrix Systems" around a known Zentrix, "Zentrix ZCS" around Zentrix and its unit ZCS: the same firm
            continue
        name = found[m.group(0).lower()]
        out.append(EntityMention(s, e, firm_id(name), name))
    return out


def _uncovered(text: str, s: int, e: int, inside: list[EntityMention]) -> str:
    """The words of ``text[s:e]`` outside the known mentions ``inside`` (in text order, inside it)."""
    parts, at = [], s
    for x in inside:
        parts.append(text[at:x.start])
        at = max(at, x.end)
    parts.append(text[at:e])
    return " ".join(parts)


#: "鈷雲科技（Cobalt Cloud）", "極光公司(Borealis)": a Chinese name glossed by a Latin one (folded text: ASCII
#: parentheses).
_CJK_GLOSSED: Final = re.compile(r"([\u4e00-\u9fff]{2,12})\(\s?([a-z][a-z0-9&.' -]{1,40}?)\s?\)")
#: "Acme（艾克米）": a Latin name glossed by a Chinese one.
_LATIN_GLOSSED: Final = re.compile(r"([a-z0-9][a-z0-9&.'-]*(?: [a-z0-9&.'-]+){0,3})\s?\(\s?([\u4e00-\u9fff]{2,8})\s?\)")
#: The end of every match of :data:`_LATIN_GLOSSED`: the parenthesis and the Chinese name in it.
_GLOSS_TAIL: Final = re.compile(r"\(\s?[\u4e00-\u9fff]{2,8}\s?\)")
#: The characters the Latin name of a match of :data:`_LATIN_GLOSSED` is made of.
_GLOSS_HEAD: Final = frozenset("abcdefghijklmnopqrstuvwxyz0123456789&.'- ")


def _latin_glosses(folded: str) -> Iterator[re.Match[str]]:
    """``_LATIN_GLOSSED.finditer(folded)``, tried only just before each parenthesis that holds a Chinese name.

    The pattern opens on any letter or digit and reads up to four words from each before failing on the next
    character that is no parenthesis: in English prose that is most of the work of reading a text. Every match
    ends on a parenthesis with a Chinese name (:data:`_GLOSS_TAIL`, found by its literal "(") and starts in the
    run of name characters (:data:`_GLOSS_HEAD`, and one space before the parenthesis) just before it; the runs
    before two parentheses do not overlap. So searching each run, from where the last match ended at the
    earliest, up to its parenthesis's end gives the same matches in the same order.
    """
    pos = 0
    for t in _GLOSS_TAIL.finditer(folded):
        q = t.start()
        if q < pos:
            continue
        j = q - 1 if q > 0 and folded[q - 1].isspace() else q  # the \s? before the parenthesis
        while j > 0 and folded[j - 1] in _GLOSS_HEAD:
            j -= 1
        m = _LATIN_GLOSSED.search(folded, max(pos, j), t.end())
        if m is not None:
            yield m
            pos = m.end()


def _cjk_glosses(folded: str) -> list[re.Match[str]]:
    """``_CJK_GLOSSED.finditer(folded)``, tried only once before each parenthesis.

    The pattern opens on any ideograph, takes up to twelve and backs off one by one looking for the parenthesis:
    in Chinese prose that is most of the work of reading a text. A match starting at ``p`` holds the whole run
    of ideographs from ``p`` (the character after it is no ideograph, so it must be the parenthesis), at most
    twelve and at least two; what follows the parenthesis does not depend on ``p``. So the leftmost match before
    a parenthesis at ``q`` starts at the earliest of the run's start, ``q - 12`` and where the last match ended,
    if that is at least two before ``q``, and there only: the same matches in the same order.
    """
    out: list[re.Match[str]] = []
    pos = 0
    q = folded.find("(")
    while q >= 0:
        p = q
        stop = max(pos, q - 12)
        while p > stop and "\u4e00" <= folded[p - 1] <= "\u9fff":
            p -= 1
        m = _CJK_GLOSSED.match(folded, p) if p <= q - 2 else None
        if m is not None:
            out.append(m)
            pos = m.end()
            q = folded.find("(", pos)
        else:
            q = folded.find("(", q + 1)
    return out


#: Words that end what stands before a name in a Chinese run ("入股", "晶片設計公司", "與"): the name starts after them.
_RUN_CUT: Final = re.compile(
    r"的|与|和|及|对|向|在|从|以|为|将|由|被|把|入股|投资|注资|收购|并购|买下|包括|宣布|表示|旗下|"
    r"子公司|公司|企业|新创|初创|业者|厂商|巨头|龙头|大厂|设计商|开发商|供应商|提供商|运营商|"
    r"制造商|服务商|集团|如|例如|像是|以及|还有|、")
#: A Chinese name that is a firm's by its ending (公司, 集團, 科技...): its Latin gloss names a firm.
_CN_FIRM_END: Final = re.compile(r"(?:公司|集团|科技|实验室|资本|银行|半导体|电子|控股|能源|电讯|电信|微电子)$")
#: A Chinese run that is a common noun or a phrase, not a firm's name ("對手", "第一版…系統").
_NOT_A_CN_NAME: Final = re.compile(
    r"^(?:公司|企业|集团|系统|平台|产品|模型|服务|方案|股东|客户|伙伴|合作伙伴|巨头|新创|初创|"
    r"芯片|晶片|工具|软件|应用|技术|机构|基金|银行|政府|人工智能|人工智慧|生成式)$|对手$|"
    r"[的了是在把被第版个这那其]")
_CN_FIRM_WORD: Final = re.compile(r"(?:股份)?有限公司$|公司$|集团$")
_CN_FIRM_WORD_ONLY: Final = re.compile(r"(?:集团|公司|控股|(?:股份)?有限公司)?")


def _gloss_name(run: str) -> str:
    """The name at the end of a run of Chinese characters: what follows the last word that stands before a name."""
    cut = 0
    for m in _RUN_CUT.finditer(run):
        if m.end() <= len(run) - 2:
            cut = m.end()
    return run[cut:]


def find_short_names(norm: NormText, known: list[EntityMention], index: EntityIndex) -> list[EntityMention]:
    """A firm's first word alone after its longer name has appeared ("Acme Digital ... Acme expects"): that firm.

    News shortens a firm's formal name once it has been given. A first word is read as the firm when it is
    unambiguous and looks like a name in this text: at least four Latin letters, capitalised, not itself a known
    name, the first word of no other known firm's name, of a firm or fund, never written in lower case in the text
    (a common word: "Advanced"), and not followed by another capitalised word (the start of another name: "Acme
    Helios"). Mentions after the full name only; none overlaps a known one.

    Returns:
        ``known`` with the new mentions, in text order.
    """
    text = norm.text
    heads_of = index.short_heads()
    heads: dict[str, tuple[EntityMention, int]] = {}
    for e in known:
        ok = heads_of.get(e.id)
        if ok is None:
            continue  # most mentions: a firm with no longer name to shorten
        sp = text.find(" ", e.start, e.end)
        if sp < 0:
            continue
        head = text[e.start:sp]
        if head not in heads and head.lower() in ok and head[0].isupper() and head[1:].islower():
            heads[head] = (e, e.end)
    if not heads:
        return known
    starts = [e.start for e in known]
    new: list[EntityMention] = []
    for head, (e, after) in heads.items():
        if _stands_alone(head.lower(), text):
            continue  # written in lower case too: a common word ("Advanced"), not a name
        pos = text.find(head, after)
        while pos >= 0:
            end = pos + len(head)
            if (pos == 0 or not text[pos - 1].isalnum()) and (end == len(text) or not text[end].isalnum()) and \
                    not (text.startswith(" ", end) and text[end + 1:end + 2].isupper()):
                k = bisect_right(starts, pos)
                if (k == 0 or known[k - 1].end <= pos) and (k == len(known) or known[k].start >= end):
                    new.append(EntityMention(pos, end, e.id, e.name))
            pos = text.find(head, end)
    return sorted(known + new, key=lambda x: x.start) if new else known


def _stands_alone(word: str, text: str) -> bool:
    """Whether ``word`` (lower case) stands in ``text`` as a word of its own."""
    pos = text.find(word)
    while pos >= 0:
        end = pos + len(word)
        if (pos == 0 or not text[pos - 1].isalnum()) and (end == len(text) or not text[end].isalnum()):
            return True
        pos = text.find(word, end)
    return False


def find_glossed_names(norm: NormText, known: list[EntityMention]) -> list[EntityMention]:
    """Chinese names of firms learnt from their glosses in the text: "鈷雲科技（Cobalt Cloud）", "Acme（艾克米）".

    Chinese news writes a firm's name once with its other script's form in parentheses. The Chinese form then
    names the same firm everywhere in the article (the gazetteer need not list it): its id is the Latin
    form's, known (ledger, gazetteer, a new name found by :func:`find_new_names`) or, when the Chinese form ends
    like a firm's name (公司, 集團, 科技...), made from the Latin form (:func:`firm_id`). The Chinese name is what
    follows the last word that stands before a name in its run ("入股鈷雲科技" gives 鈷雲科技); a trailing 公司/
    集團 is dropped for the other mentions (迪士尼公司 also names 迪士尼). Returns the mentions to add (text
    order, not overlapping one another nor partly overlapping a known one; a known name inside one gives way).
    """
    folded = norm.folded
    if "(" not in folded:
        return []
    cjk = _cjk_glosses(folded)
    latin = list(_latin_glosses(folded))
    if not cjk and not latin:
        return []  # (most texts with a parenthesis: no gloss, and no look-up tables of the known mentions made)
    by_start = {e.start: e for e in known}
    by_end = {e.end: e for e in known}
    starts = [e.start for e in known]  # ``known`` is in text order: the mentions starting in a range by bisection

    def starting_in(lo: int, hi: int) -> list[EntityMention]:
        return known[bisect_left(starts, lo):bisect_left(starts, hi)]

    alias: dict[str, tuple[str, str]] = {}  # folded Chinese name -> (id, display)
    latin_new: dict[str, tuple[str, str]] = {}  # folded Latin name -> (id, display)
    for m in cjk:
        name = _gloss_name(m.group(1))
        if len(name) < 2 or _NOT_A_CN_NAME.search(name) or m.end(1) in by_end and by_start.get(m.start(2)) or \
                any(x.end < m.end(1) for x in starting_in(m.end(1) - len(name), m.end(1))):
            continue  # "投資對手(Acme)", "極光系統(Borealis)": a common noun, or a known name and more
        k = by_start.get(m.start(2))
        if k is not None and k.end >= m.end(2) - 1:
            eid, disp = k.id, k.name
        elif (k := next((by_end[j] for j in range(m.end(1), m.end(1) - 7, -1) if j in by_end
                         and _CN_FIRM_WORD_ONLY.fullmatch(folded, j, m.end(1))), None)) is not None:
            # "極光集團（BRL）": the gloss is another name of the firm known right before it
            if k.start >= m.start(1):
                latin_new.setdefault(m.group(2).strip(), (k.id, k.name))
            continue
        elif _CN_FIRM_END.search(name) and norm.text[m.start(2)].isupper() and \
                not set(m.group(2).strip().split()) & _NOT_A_NAME and \
                not starting_in(m.start(1), m.end(1)):
            disp = norm.text[m.start(2):m.end(2)].strip()
            eid = firm_id(disp)
            if not eid:
                continue
            latin_new.setdefault(m.group(2).strip(), (eid, disp))
        else:
            continue
        alias.setdefault(name, (eid, disp))
        short = _CN_FIRM_WORD.sub("", name)
        if len(short) >= 2 and short != name:
            alias.setdefault(short, (eid, disp))
    for m in latin:
        k = by_start.get(m.start(1))
        if k is not None and k.end == m.end(1):
            alias.setdefault(m.group(2), (k.id, k.name))
    if alias:
        known_names = {folded[e.start:e.end] for e in known}
        alias = {n: v for n, v in alias.items() if n not in known_names}
    if not alias and not latin_new:
        return []
    words = sorted([*alias, *latin_new], key=len, reverse=True)
    pattern = re.compile("|".join(re.escape(w) for w in words))
    out: list[EntityMention] = []
    for m in pattern.finditer(folded):
        s, e = m.start(), m.end()
        w = m.group(0)
        if w in latin_new and ((s > 0 and folded[s - 1].isalnum() and folded[s - 1].isascii())
                               or (e < len(folded) and folded[e].isalnum() and folded[e].isascii())):
            continue  # a Latin name only at word edges
        j = bisect_left(starts, s)
        inside = [x for x in known[max(0, j - 1):j + 4] if x.start < e and s < x.end]
        if any(not (s <= x.start and x.end <= e and (x.start, x.end) != (s, e)) for x in inside):
            continue  # the whole of a known name, or overlapping one partly: the known one stands
        eid, disp = alias.get(w) or latin_new[w]
        out.append(EntityMention(s, e, eid, disp))
    return out


def merge_names(known: list[EntityMention], new: list[EntityMention]) -> list[EntityMention]:
    """``known`` and ``new`` in text order, a known mention inside a new one dropped.

    ``new`` is in text order and its mentions do not overlap (as :func:`find_new_names` gives them).
    """
    if not new:
        return known
    # the new mentions do not overlap one another (one scan found them): only the last one starting at or before a
    # known mention can hold it
    starts = [n.start for n in new]
    kept = []
    for x in known:
        k = bisect_right(starts, x.start) - 1
        if k < 0 or x.end > new[k].end:
            kept.append(x)
    return _merged_by_start(kept, new)


def _merged_by_start(a: list[EntityMention], b: list[EntityMention]) -> list[EntityMention]:
    """``a + b`` sorted by start (stable), without a sort key called per mention.

    When both are in text order they are merged in one pass (``a``'s first at equal starts, as the stable sort keeps
    them); else sorted.
    """
    for lst in (a, b):
        for i in range(1, len(lst)):
            if lst[i].start < lst[i - 1].start:
                return sorted(a + b, key=lambda x: x.start)
    out: list[EntityMention] = []
    i = j = 0
    na, nb = len(a), len(b)
    while i < na and j < nb:
        if b[j].start < a[i].start:
            out.append(b[j])
            j += 1
        else:
            out.append(a[i])
            i += 1
    out.extend(a[i:])
    out.extend(b[j:])
    return out


_RANGE_TO: Final = re.compile(r"\s?(?:至|到|~|～|–)\s?")
_YUAN_AFTER: Final = re.compile(r"\s?元(?:人民[币幣])?")
_PCT_THEN: Final = re.compile(r"([%％]\s?)(至|到|to)")
#: :data:`_PCT_THEN` apart for each sign: each opens on a literal, which the engine finds as ``str.find`` does (the
#: class of both is tried at every character).
_PCT_THEN_SIGNS: Final = (("%", re.compile(r"(%\s?)(至|到|to)")), ("％", re.compile(r"(％\s?)(至|到|to)")))


def _pct_blank(m: re.Match[str]) -> str:
    return m.group(1) + " " * len(m.group(2))


def _pct_then(text: str) -> str:
    """``_PCT_THEN.sub(...)``: the range word after a percentage blanked (same length), each sign's form apart.

    A match holds one sign, then white space and a word: the two forms' matches do not overlap, and replacing one
    leaves the other's in place.
    """
    for sign, rx in _PCT_THEN_SIGNS:
        if sign in text:
            text = rx.sub(_pct_blank, text)
    return text
#: "$10B+", "$10 billion-plus" (read in the five characters after a figure).
_PLUS: Final = re.compile(r"\+|-plus\b")
_LIST_SEP: Final = re.compile(r"\s*(?:、|,|，|和|及|與|与|以及|或|and|or|to)\s*$")


def _split_paren(text: str, start: int, end: int, amount: Amount) -> list[AmountMention]:
    """An amount the parser read with a parenthesis that is not a stated conversion, split in two.

    ``自由現金流為負3.62億美元(資本支出為85億美元)`` holds two figures; ``224億美元(包含擴充)`` holds one
    and a remark. The figure before the parenthesis is re-read alone; figures inside it are read as well.
    """
    c1, c2 = text.find("(", start, end), text.find("（", start, end)
    if c1 < 0 and c2 < 0 or amount.usd_source == "stated":
        return [AmountMention(start, end, amount)]
    cut = min(c for c in (c1, c2) if c >= 0)
    head_end = cut
    while head_end > start and text[head_end - 1].isspace():
        head_end -= 1
    out: list[AmountMention] = []
    try:
        head = parse_amount(text[start:head_end])
        out.append(AmountMention(start, head_end, head))
    except AmountError:
        pass
    inner_end = end - 1 if text[end - 1] in ")）" else end
    for f in find_amounts(text[cut + 1:inner_end]):
        out.append(AmountMention(cut + 1 + f.start, cut + 1 + f.end, f.amount))
    return out


_UNITS_EN = {w: i for i, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve thirteen "
                                          "fourteen fifteen sixteen seventeen eighteen nineteen".split())}
_TENS_EN: Final = {
    w: 10 * (i + 2) for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split())}
_SCALE_EN: Final = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_WORD_NUM: Final = "|".join(sorted((*_UNITS_EN, *_TENS_EN), key=len, reverse=True))
#: "three hundred billion dollars", "twenty-five billion US dollars": a figure spelled out in words.
_SPELLED: Final = re.compile(
    rf"\b(?P<n>(?:{_WORD_NUM})(?:[- ](?:{_WORD_NUM}))?(?:\s+hundred(?:\s+(?:and\s+)?"
    rf"(?:{_WORD_NUM})(?:[- ](?:{_WORD_NUM}))?)?)?)\s+(?P<s>thousand|million|billion|trillion)\s+"
    r"(?:us\s+|u\.s\.\s+)?dollars?\b", re.IGNORECASE)
#: "a multi-billion dollar agreement", "a multibillion-dollar partnership": billions, a vague quantity [2, 9] x 1e9
#: as the guideline reads "billions of dollars".
_MULTI: Final = re.compile(r"\bmulti[-‑‐ ]?(?P<s>million|billion|trillion)[-‑‐ ]dollars?\b", re.IGNORECASE)


_PLURAL_NEXT: Final = re.compile(r"\s+(?:[a-z-]+\s+)?[a-z-]+[^s\W]s\b")
_BOUND_BEFORE: Final = re.compile(
    r"(?:\b(?:exceed(?:s|ed)?|top(?:s|ped)?|surpass(?:es|ed)?)|(?P<est>\ban estimated))\s+$",
    re.IGNORECASE)


def _spelled_value(words: str) -> float | None:
    """The number ``three hundred``, ``twenty-five``, ``one hundred and ten`` spells (``None``: not one)."""
    total = 0.0
    part = 0.0
    for w in re.split(r"[\s-]+", words.lower()):
        if w == "and":
            continue
        if w in _UNITS_EN:
            part += _UNITS_EN[w]
        elif w in _TENS_EN:
            part += _TENS_EN[w]
        elif w == "hundred":
            part = (part or 1) * 100
        else:
            return None
    total += part
    return total or None


_DOLLARS: Final = re.compile(r"dollars?\b", re.IGNORECASE)


def _dollar_matches(text: str) -> list[re.Match[str]]:
    """``list(_DOLLARS.finditer(text))``, the pattern matched only at each "dollar" of the lower case.

    Each is found by ``str.find`` (the case-insensitive pattern is tried at every character). No two matches
    overlap, and "dollar"
    holds none of the letters that case folding matches to other characters (only "s" after it: the pattern reads
    it). A text with U+0130 (its lower case is two characters long) is scanned whole.
    """
    if "\u0130" in text:
        return list(_DOLLARS.finditer(text))
    low = text.lower()
    out: list[re.Match[str]] = []
    i = low.find("dollar")
    while i >= 0:
        m = _DOLLARS.match(text, i)
        if m is not None:
            out.append(m)
        i = low.find("dollar", i + 6)
    return out


#: The first letters of the number words (:data:`_WORD_NUM`), in both cases: every match of :data:`_SPELLED` opens
#: on one, at a word's start.
_NUMBER_WORD_FIRSTS: Final = "".join(sorted({w[0] for w in (*_UNITS_EN, *_TENS_EN)} |
                                            {w[0].upper() for w in (*_UNITS_EN, *_TENS_EN)}))


def _last_spelled(text: str, lo: int, end: int) -> re.Match[str] | None:
    """The last match of ``_SPELLED.finditer(text, lo, end)``, or ``None``.

    The pattern (case-insensitive, many words in turn) is tried at every character of the window; a match opens
    at a word's start (``\\b``, then a letter) on one of :data:`_NUMBER_WORD_FIRSTS`. The pattern is tried only
    there, left to right, each from where the last match ended at the earliest, as ``finditer`` takes them (no
    match is empty). A window holding a character that case folding matches to an ASCII letter is scanned whole.
    """
    window = text[lo:end]
    if not window.isascii() and any(c in window for c in _FOLDS_TO_ASCII):
        return next(reversed(list(_SPELLED.finditer(text, lo, end))), None)
    last: re.Match[str] | None = None
    pos = lo
    firsts = _NUMBER_WORD_FIRSTS
    for p in range(lo, end):
        if p >= pos and text[p] in firsts and (p == 0 or not (text[p - 1].isalnum() or text[p - 1] == "_")):
            m = _SPELLED.match(text, p, end)
            if m is not None:
                last = m
                pos = m.end()
    return last


def _spelled_amounts(text: str, taken: list[AmountMention]) -> list[AmountMention]:
    """USD figures written in words, where no figure was read already.

    Read backwards from each "dollars" (a window of 120 characters), so the word-number pattern runs only
    where a spelled figure can end.
    """
    out = []
    starts = [a.start for a in taken]
    last_end = 0
    for d in _dollar_matches(text):
        lo = max(last_end, d.start() - 120)
        # the last match in the window is the one that can end at this "dollars"
        m = _last_spelled(text, lo, d.end())
        if m is None or m.end() != d.end():
            v = _MULTI.search(text, max(lo, d.start() - 24), d.end())
            # "multi-billion-dollar commitments": several deals, none of them given a value
            if v is not None and v.end() == d.end() and not _PLURAL_NEXT.match(text, v.end()):
                k = bisect_left(starts, v.end())
                if not (k and taken[k - 1].end > v.start()):
                    scale = _SCALE_EN[v.group("s").lower()]
                    out.append(AmountMention(v.start(), v.end(), Amount(2 * scale, 9 * scale, Qualifier.VAGUE, "USD",
                                                                        v.group(0), nominal=math.sqrt(18) * scale)))
                    last_end = v.end()
            continue
        last_end = m.end()
        k = bisect_left(starts, m.end())
        if k and taken[k - 1].end > m.start():  # a figure already read overlaps it
            continue
        n = _spelled_value(m.group("n"))
        if n is None:
            continue
        value = n * _SCALE_EN[m.group("s").lower()]
        out.append(AmountMention(m.start(), m.end(), Amount(value, value, Qualifier.EXACT, "USD", m.group(0))))
    return out


def find_amount_mentions(norm: NormText) -> list[AmountMention]:
    """Amounts and quantities in ``norm.text`` (see :func:`dealweb.money.find_amounts`), cleaned up.

    * a figure glued to a model name (``MI450 GPU``, ``GPT-5``) is not an amount;
    * a parenthesis that is not a stated conversion is split off (see :func:`_split_paren`);
    * in a list that names the unit once (``320億、730億、1140億和1440億美元``) every item takes it.
    """
    text = norm.text
    # "增長77%至18億美元": a percentage then a level, not a range from 77% to 18億 (same length, same offsets)
    scan = _pct_then(text)
    out: list[AmountMention] = []
    for lo, hi in numeric_spans(text):
        for f in find_amounts(scan[lo:hi]):
            start = lo + f.start
            if start > 0 and text[start].isdigit() and (
                    text[start - 1].isascii() and text[start - 1].isalnum() or text[start - 1] in "-_.") and not (
                    f.amount.currency is not None and text[start - 1].isalpha()
                    and any(ch in "萬万億亿兆" for ch in f.amount.text)):
                continue  # "MI450", "GPT-5"; but "入股Acme10億美元" is a name, then a figure
            out.extend(_split_paren(text, start, lo + f.end, f.amount))
    n = len(text)
    for i, a in enumerate(out):
        # "3800亿元人民币", "191億元": 元 after a Chinese figure with no currency is the yuan (the pattern tried only
        # where 元 follows, or a white space and 元)
        e = a.end
        if a.amount.unit is not None or e >= n or not (text[e] == "元" or text[e].isspace() and e + 1 < n and
                                                        text[e + 1] == "元"):
            continue
        m = _YUAN_AFTER.match(text, e)
        if m and any(ch in "萬万億亿兆千百" for ch in text[a.start:a.end]):
            out[i] = AmountMention(a.start, m.end(), a.amount.with_unit("CNY"))
    for i, a in enumerate(out):
        # "$10B+", "$10 billion-plus": at least the figure
        if a.amount.currency is not None and a.amount.qualifier == Qualifier.EXACT:
            # "\b" at the bound as at the end of a cut-out; every form opens on "+" or "-"
            plus = _PLUS.match(text, a.end, a.end + 5) if a.end < n and text[a.end] in "+-" else None
            if plus:
                end = plus.end()
                out[i] = AmountMention(a.start, end, replace(a.amount, high=None, qualifier=Qualifier.AT_LEAST,
                                                             text=text[a.start:end]))
                continue
            # "exceeds $10bn" (at least), "an estimated $20 billion" (about): a bound said by the word before (the
            # pattern ends on white space, just before the figure: searched only there)
            if not (a.amount.low == a.amount.high and a.amount.low is not None and a.start > 0
                    and text[a.start - 1].isspace()):
                continue
            verb = _BOUND_BEFORE.search(text, max(0, a.start - 16), a.start)
            if verb is not None:
                v = a.amount.low
                if verb.group("est"):
                    out[i] = AmountMention(verb.start(), a.end, replace(
                        a.amount, low=0.9 * v, high=1.1 * v, qualifier=Qualifier.ABOUT, nominal=v,
                        text=text[verb.start():a.end]))
                else:
                    out[i] = AmountMention(a.start, a.end, replace(a.amount, high=None, qualifier=Qualifier.AT_LEAST))
    if "dollar" in text or "Dollar" in text:
        out = sorted(out + _spelled_amounts(text, out), key=lambda a: a.start)
    for i in range(len(out) - 2, -1, -1):
        # "600億美元至逾1000億美元": a range whose upper end has its own bound is one figure, [600億, open)
        a, b = out[i], out[i + 1]
        if a.amount.unit is not None and a.amount.unit == b.amount.unit and \
                a.amount.qualifier in (Qualifier.EXACT, Qualifier.ABOUT) and \
                b.amount.qualifier in (Qualifier.AT_LEAST, Qualifier.UP_TO, Qualifier.ABOUT) and \
                _RANGE_TO.fullmatch(text, a.end, b.start):
            high = None if b.amount.qualifier == Qualifier.AT_LEAST else b.amount.high
            out[i] = AmountMention(a.start, b.end, replace(
                a.amount, high=high, qualifier=Qualifier.RANGE if high is not None else Qualifier.AT_LEAST,
                text=text[a.start:b.end], nominal=a.amount.low if high is None else (a.amount.low + high) / 2))
            del out[i + 1]
    for i in range(len(out) - 2, -1, -1):
        a, b = out[i], out[i + 1]
        if a.amount.unit is None and b.amount.unit is not None and b.amount.currency is not None \
                and _LIST_SEP.match(text[a.end:b.start]) and any(ch in "萬万億亿兆" for ch in text[a.start:a.end]):
            out[i] = AmountMention(a.start, a.end, a.amount.with_unit(b.amount.unit))
    return out


#: Characters outside ASCII that a lower-case ASCII letter matches under ``re.IGNORECASE`` (Python's case
#: folding: dotted and dotless i, long s, Kelvin sign); nothing else outside ASCII does.
_FOLDS_TO_ASCII: Final = "\u0130\u0131\u017f\u212a"


def first_set(chars: str, flags: int = 0) -> str:
    """A character class (without brackets) of every character that ``[chars]`` matches under ``flags``.

    With ``re.IGNORECASE`` a letter also stands for its other case and the characters of
    :data:`_FOLDS_TO_ASCII` that fold to it, written out so the class needs no flag.
    """
    if not flags & re.IGNORECASE:
        return chars
    rx = re.compile(f"[{chars}]", flags)
    extra = [c for c in (*map(chr, range(65, 91)), *map(chr, range(97, 123)), *_FOLDS_TO_ASCII) if rx.match(c)]
    return chars + "".join(re.escape(c) for c in extra)


def leading(rx: re.Pattern[str], chars: str, word_start: str = "", ahead: str = "") -> re.Pattern[str]:
    """A pattern matching one character at each position where ``rx`` matches (``rx`` opens on ``[chars]``).

    It opens on a plain character class, so the regex engine skips to the next candidate with one set test
    and no case folding, then checks ``rx`` there by looking back over that character. ``search`` of it finds
    where the next match of ``rx`` starts (the same leftmost position), for :func:`finditer_from`.

    Two cheap gates pass over most candidates before ``rx`` is tried (in running text most letters are inside
    words, and most digits are not dates): ``word_start``, the characters of ``chars`` that open a match of
    ``rx`` only at the start of a word (every form of ``rx`` opening on one of them starts with ``\b``); and
    ``ahead``, a pattern that every match of ``rx`` opening on another character matches at its start.
    """
    cls = first_set(chars, rx.flags)
    inner = f"(?i:{rx.pattern})" if rx.flags & re.IGNORECASE else rx.pattern
    gate = ""
    if word_start or ahead:
        ws = first_set(word_start, rx.flags)
        other = (f"(?={ahead})" if ahead else "") + (f"[^{ws}]" if ws else r"[\s\S]")
        gate = f"(?<={other}|(?<!\\w)[{ws}])" if ws else f"(?<={other})"
    return re.compile(f"[{cls}]{gate}(?<=(?={inner})[{cls}])")


def finditer_from(first: re.Pattern[str], rx: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """``rx.finditer(text)``, each match found by ``first`` (see :func:`leading`) and read by ``rx.match``.

    The same matches: ``finditer`` searches for the leftmost position where ``rx`` matches, takes that match
    and goes on from its end (``rx`` never matches the empty string here; if it did, the plain scan is used).
    """
    pos = 0
    while True:
        q = first.search(text, pos)
        if q is None:
            return
        m = rx.match(text, q.start())
        if m is None or m.end() == m.start():
            yield from rx.finditer(text, q.start())
            return
        yield m
        pos = m.end()


_CN_NUM: Final = {"一": 1, "二": 2, "兩": 2, "两": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_MONTHS: Final = {m: i + 1 for i, m in enumerate(
    "january february march april may june july august september october november december".split())}
_MONTHS.update({m[:3]: i for m, i in list(_MONTHS.items())})
_MONTHS["sept"] = 9
_MON_RE: Final = "|".join(sorted(_MONTHS, key=len, reverse=True))

# Each pattern below opens with a lookahead on the first character any of its forms can start with (the
# same matches): the engine then rejects most positions with one set test instead of trying every form.
_DATE_RE: Final = re.compile(
    "(?=[0-9" + "".join(sorted({m[0] for m in _MONTHS})) + "])(?:"
    r"(?P<y>(?:19|20)\d{2})\s?年\s?(?P<m>1[0-2]|0?[1-9])\s?月\s?(?P<d>3[01]|[12]\d|0?[1-9])\s?[日号號]?"
    r"|(?<!\d)(?P<m2>1[0-2]|0?[1-9])\s?月\s?(?P<d2>3[01]|[12]\d|0?[1-9])\s?[日号號]"
    r"|(?P<y3>(?:19|20)\d{2})-(?P<m3>1[0-2]|0[1-9])-(?P<d3>3[01]|[12]\d|0[1-9])"
    rf"|\b(?P<mn>{_MON_RE})\.?\s+(?P<d4>3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?(?:,?\s+(?P<y4>(?:19|20)\d{{2}}))?\b)",
    re.IGNORECASE,
)


#: Month names follow \b; a date in digits has 年, 月 or - after its first number (2025年, 9月, 2025-).
_DATE_FIRST: Final = leading(_DATE_RE, "0-9" + "".join(sorted({m[0] for m in _MONTHS})),
                             word_start="".join(sorted({m[0] for m in _MONTHS})), ahead=r"[0-9]{1,4}\s?[年月-]")


#: The characters other than ASCII letters that Python's case folding matches to one (ſ to s, ı and İ to i, K to k).
_EXOTIC_FOLDS: Final = ("\u017f", "\u0131", "\u0130", "\u212a")
_MONTH_HEADS: Final = tuple(sorted({m[:3] for m in _MONTHS}))


#: What every form of :data:`_DATE_RE` holds, in lower case: a digit then 年 or 月 (a space between or not), or a
#: digit, a hyphen and 0 or 1 (2025-09-) (:data:`_DATE_DIGITS`); or a month's name (its first three letters, then
#: letters) after no letter, then a point or not, spaces and a digit (:data:`_DATE_MONTH`). Apart, each opens on one
#: character class or a literal (one set test per character; the look-behind after the name), and each is searched
#: only where its characters are (:func:`_maybe_date`): together, ``(?<![a-z])`` first made the engine try the
#: pattern at every character.
_DATE_DIGITS: Final = re.compile(r"\d(?:\s?[年月]|-[01])")
_DATE_MONTH: Final = re.compile(r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)(?<![a-z]{4})[a-z]*\.?\s+\d")
#: What every form of :data:`_PERIOD_RE` holds, in lower case (26財年, FY26, Q3 FY26, Q3 2025, fiscal 2026,
#: 2025年第三季, 2026年下半年, third quarter of fiscal 2025), opened on one character class, then which form it is told
#: by the character read (written as the plain alternation of the forms, none opened on a literal, and the engine
#: tried the whole at every character; tests/test_extract_speed.py holds that form).
_PERIOD_CORE: Final = re.compile(
    r"[\dfq](?:(?<=\d)\s?(?:[財财]|年\s?[第上下])|(?<=f)(?:y\s?'?\d|iscal\s+(?:year\s+)?20)|"
    r"(?<=q)(?:[1-4]\s?(?:fy|20)|uarter\s+(?:of\s+)?(?:fiscal\s+(?:year\s+)?)?20))")


#: The last text :func:`_lower` lowered, and its lower case (the pipeline reads each chunk for periods, then dates).
_LOWER: Final[list[tuple[str, str]]] = [("", "")]


def _lower(text: str) -> str:
    """``text.lower()``, kept for the last text."""
    got = _LOWER[0]
    if got[0] is text:
        return got[1]
    low = text.lower()
    _LOWER[0] = (text, low)
    return low


def _exotic(text: str) -> bool:
    """Whether ``text`` holds a character of :data:`_EXOTIC_FOLDS` (none is ASCII)."""
    return not text.isascii() and ("\u017f" in text or "\u0131" in text or "\u0130" in text or "\u212a" in text)


def _digit_before(text: str, i: int) -> bool:
    """Whether ``\\d\\s?`` ends at ``i`` in ``text``: a digit right before it, or a digit and one white space."""
    return i > 0 and text[i - 1].isdecimal() or i > 1 and text[i - 1].isspace() and text[i - 2].isdecimal()


def _maybe_date(text: str) -> bool:
    """Whether :data:`_DATE_RE` can match in ``text`` (a quick test of what every form holds; ``False``: none can).

    A date in digits holds 年, 月 or -; one in words holds a month name, which opens on its three-letter
    abbreviation ("sept" on "sep"), in any case. Where one of those is, :data:`_DATE_DIGITS` or :data:`_DATE_MONTH`
    says whether the characters around it can be a date (most sentences of figures hold a hyphen or 年 that is
    none: "AI-driven", 2025年). A letter that case folding matches to an ASCII one (a long s, a dotted or dotless
    i, the Kelvin sign) may stand in a month's name: then the answer is yes.

    Each is found by ``str.find`` and read where it stands, no pattern searched through the text (each opens on a
    class the engine tests at every character): :data:`_DATE_DIGITS` by the characters around each 年, 月 and
    hyphen (``str.isdecimal`` and ``str.isspace`` are what ``\\d`` and ``\\s`` match; lower case changes none of
    them), :data:`_DATE_MONTH` matched at each month's abbreviation after no letter.
    """
    if _exotic(text):
        return True
    n = len(text)
    i = text.find("-")
    while i >= 0:
        if i > 0 and i + 1 < n and text[i - 1].isdecimal() and (text[i + 1] == "0" or text[i + 1] == "1"):
            return True
        i = text.find("-", i + 1)
    if not text.isascii():
        for c in ("年", "月"):
            i = text.find(c)
            while i >= 0:
                if _digit_before(text, i):
                    return True
                i = text.find(c, i + 1)
    low = _lower(text)
    for m in _MONTH_HEADS:
        i = low.find(m)
        while i >= 0:
            if (i == 0 or not "a" <= low[i - 1] <= "z") and _DATE_MONTH.match(low, i) is not None:
                return True
            i = low.find(m, i + 1)
    return False


def _maybe_period(text: str) -> bool:
    """Whether :data:`_PERIOD_RE` can match in ``text`` (a quick test of what every form holds; ``False``: none can).

    Every form holds 財/财 or 年 (26財年, 2025年第三季), FY, Q (Q3, quarter) or fiscal, in any case: each found by
    ``str.find``, then :data:`_PERIOD_CORE` read where it stands (a digit before 財/财/年 and, after 年, 第/上/下; the
    pattern matched at each q before 1-4 or "uarter", at each "fy" and "fiscal"), not searched through the text.
    """
    if _exotic(text):
        return True
    n = len(text)
    if not text.isascii():
        for c in ("財", "财", "年"):
            i = text.find(c)
            while i >= 0:
                if _digit_before(text, i):
                    if c != "年":
                        return True
                    j = i + 1
                    if j < n and text[j].isspace():
                        j += 1
                    if j < n and text[j] in "第上下":
                        return True
                i = text.find(c, i + 1)
    low = _lower(text)
    i = low.find("q")
    while i >= 0:
        if i + 1 < n and low[i + 1] in "1234u" and _PERIOD_CORE.match(low, i) is not None:
            return True
        i = low.find("q", i + 1)
    for w in ("fy", "fiscal"):
        i = low.find(w)
        while i >= 0:
            if _PERIOD_CORE.match(low, i) is not None:
                return True
            i = low.find(w, i + 1)
    return False


def _digit_starts(text: str, c: str, lo: int, hi: int, starts: list[int]) -> None:
    """Add to ``starts`` each place ``i - b`` (``lo <= b <= hi``) holding an ASCII digit, for each ``c`` at ``i``."""
    i = text.find(c)
    while i >= 0:
        for b in range(lo, hi + 1):
            q = i - b
            if q >= 0 and "0" <= text[q] <= "9":
                starts.append(q)
        i = text.find(c, i + 1)


def _date_matches(text: str) -> list[re.Match[str]]:
    """``list(_DATE_RE.finditer(text))``, the pattern tried only where a match can start.

    A date in digits opens on an ASCII digit four or five characters before 年 (2025年, 2025 年), one to three before
    月 (9月, 10 月), or four before a hyphen (2025-); one in words on a month's abbreviation (any case) after no
    letter. Those places are found by ``str.find`` and the pattern matched there only, left to right, each from
    where the last match ended at the earliest, as ``finditer`` takes them (no match is empty). A text holding a
    character that case folding matches to an ASCII letter is scanned as before (:func:`finditer_from`).
    """
    if _exotic(text):
        return list(finditer_from(_DATE_FIRST, _DATE_RE, text))
    starts: list[int] = []
    if not text.isascii():
        _digit_starts(text, "年", 4, 5, starts)
        _digit_starts(text, "月", 1, 3, starts)
    _digit_starts(text, "-", 4, 4, starts)
    low = _lower(text)
    for head in _MONTH_HEADS:
        i = low.find(head)
        while i >= 0:
            if i == 0 or not "a" <= low[i - 1] <= "z":
                starts.append(i)
            i = low.find(head, i + 1)
    return _matches_at(_DATE_RE, text, starts)


def find_dates(text: str, default_year: int | None = None) -> list[DateMention]:
    """Calendar dates: ``2025年10月6日``, ``9月9日`` (year from context), ``2025-09-09``, ``Sept 9, 2025``.

    A date without a year takes the year of the latest full date before it, else ``default_year``,
    else stays undated (``date`` is ``None``; ``label`` keeps month and day).

    >>> [d.label for d in find_dates("2025年10月6日起,10月13日再宣佈")]
    ['2025-10-06', '2025-10-13']
    """
    out: list[DateMention] = []
    if not _maybe_date(text):
        return out
    year = default_year
    for m in _date_matches(text):
        g = m.groupdict()
        y: int | None
        if g["y"]:
            y, mo, d = int(g["y"]), int(g["m"]), int(g["d"])
        elif g["m2"]:
            y, mo, d = year, int(g["m2"]), int(g["d2"])
        elif g["y3"]:
            y, mo, d = int(g["y3"]), int(g["m3"]), int(g["d3"])
        else:
            y = int(g["y4"]) if g["y4"] else year
            mo, d = _MONTHS[g["mn"].lower()], int(g["d4"])
        try:
            dt = date(y, mo, d) if y else None
        except ValueError:
            continue
        if g["y"] or g["y3"] or g["y4"]:
            year = y
        label = dt.isoformat() if dt else f"--{mo:02d}-{d:02d}"
        out.append(DateMention(m.start(), m.end(), dt, label))
    return out


_Q: Final = r"(?:Q(?P<q>[1-4])|第\s?(?P<qc>[一二三四1-4])\s?(?:財|财|會計|会计)?\s?季(?:度)?)"
_PERIOD_RE: Final = re.compile(
    r"(?=[\dfqst])(?:"  # a digit, FY, Q, fiscal, first/second/third/fourth
    rf"(?P<fy>(?:20)?\d{{2}})\s?(?:財|财)(?:政)?年\s?(?:度)?\s?(?:{_Q})?"
    rf"|\bFY\s?'?(?P<fy2>(?:20)?\d{{2}})\s?(?:Q(?P<q2>[1-4]))?"
    rf"|\bQ(?P<q3>[1-4])\s?(?:FY\s?'?(?P<fy3>(?:20)?\d{{2}})|(?P<y3>20\d{{2}}))"
    rf"|\bfiscal\s+(?:year\s+)?(?P<fy4>20\d{{2}})"
    rf"|(?P<y5>20\d{{2}})\s?年\s?(?:第\s?(?P<q5>[一二三四1-4])\s?季(?:度)?|(?P<h5>上|下)半年)"
    rf"|\b(?P<qw>first|second|third|fourth)\s+quarter\s+(?:of\s+)?(?P<fis>fiscal\s+(?:year\s+)?)?(?P<y6>20\d{{2}}))",
    re.IGNORECASE,
)


#: FY, Q, fiscal, first... follow \b; a period in digits has 財/财 or 年 after its year (26財年, 2025年第三季).
_PERIOD_FIRST: Final = leading(_PERIOD_RE, r"\dfqst", word_start="fqst", ahead=r"\d{2,4}\s?[財财年]")


def _full_year(y: str) -> int:
    v = int(y)
    return v + 2000 if v < 100 else v


def find_periods(text: str) -> list[PeriodMention]:
    """Reporting periods, labelled as the ledger writes them.

    ``26財年Q1`` / ``2026財年第二季`` / ``FY2026 Q1`` -> ``FY2026 Q1``; ``2026財年`` -> ``FY2026``;
    ``2025年第三季`` / ``Q3 2025`` -> ``2025-Q3``; ``2026年下半年`` -> ``2026-H2``.

    Fiscal labels stay in the entity's own calendar; :func:`dealweb.periods.fiscal_period` resolves them.

    >>> [p.label for p in find_periods("Globex 26財年Q1業績會;2026財年第二季;Q3 2025")]
    ['FY2026 Q1', 'FY2026 Q2', '2025-Q3']
    """
    out: list[PeriodMention] = []
    if not _maybe_period(text):
        return out
    for m in finditer_from(_PERIOD_FIRST, _PERIOD_RE, text):
        g = m.groupdict()
        if g["fy"]:
            q = g["q"] or (str(_CN_NUM[g["qc"]]) if g["qc"] else None)
            label = f"FY{_full_year(g['fy'])}" + (f" Q{q}" if q else "")
        elif g["fy2"]:
            label = f"FY{_full_year(g['fy2'])}" + (f" Q{g['q2']}" if g["q2"] else "")
        elif g["q3"]:
            label = f"FY{_full_year(g['fy3'])} Q{g['q3']}" if g["fy3"] else f"{g['y3']}-Q{g['q3']}"
        elif g["fy4"]:
            label = f"FY{g['fy4']}"
        elif g["qw"]:
            q = ("first", "second", "third", "fourth").index(g["qw"].lower()) + 1
            label = f"FY{g['y6']} Q{q}" if g["fis"] else f"{g['y6']}-Q{q}"
        else:
            if g["q5"]:
                label = f"{g['y5']}-Q{_CN_NUM[g['q5']]}"
            else:
                label = f"{g['y5']}-H{1 if g['h5'] == '上' else 2}"
        out.append(PeriodMention(m.start(), m.end(), label))
    return out


def iter_sentences(text: str, max_len: int = 2000) -> Iterator[tuple[int, int]]:
    """Spans of sentences in ``text``: split after 。！？!?；; and at line breaks.

    A "sentence" longer than ``max_len`` characters (a file with no punctuation, a 10 MB line) is cut
    into windows of at most ``max_len`` at the last comma or space before the limit, so no rule ever
    looks at more than ``max_len`` characters at once.
    """
    if max_len == 2000:
        yield from _sentence_spans(text)
        return
    yield from _split_sentences(text, max_len)


def _split_sentences(text: str, max_len: int) -> list[tuple[int, int]]:
    """The spans :func:`iter_sentences` gives, as a list: each piece between boundaries, cut by :func:`_windows`.

    A piece of at most ``max_len`` characters (nearly all) is kept or dropped here, as :func:`_windows` would:
    kept when it holds a character other than white space (``str.isspace`` and ``str.strip`` agree on which).
    """
    out: list[tuple[int, int]] = []
    start = 0
    for end in _boundary_ends(text):
        if end - start > max_len:
            out.extend(_windows(text, start, end, max_len))
        elif end > start and not text[start:end].isspace():
            out.append((start, end))
        start = end
    out.extend(_windows(text, start, len(text), max_len))
    return out


#: The last text split into sentences and its spans (all spans, then those that can hold a figure): the
#: pipeline asks for them three times per text (amounts, dates and periods, relations).
_SPANS: tuple[str, list[tuple[int, int]], list[tuple[int, int]] | None] = ("", [], [])


def _sentence_spans(text: str) -> list[tuple[int, int]]:
    """:func:`iter_sentences` of ``text`` with the default window, as a list kept for the last text."""
    global _SPANS
    got = _SPANS
    if got[0] is not text:
        got = (text, _split_sentences(text, 2000), None)
        _SPANS = got
    return got[1]


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """The ``(start, end)`` of every sentence of ``text`` (:func:`iter_sentences`' default window).

    The list the rules read, kept for the last text (the trained fallback reads it too): do not change it.
    """
    return _sentence_spans(text)


#: Where a sentence ends: ``[。！？!?；;]+[”」』"']?|\n(?!...)|\[\d{1,2}\](?:\s*\[\d{1,2}\])*\s+-\s+|\.(?=\s)...``
#: ("[1] - " ends a bullet; a line break inside an English sentence, a word or comma before it and a lower-case
#: word or a figure after it, is wrapped text, no end), written to open on one character set (the engine skips to it
#: by a set test): the same matches.
_BOUNDARY: Final = re.compile(
    r"[。！？!?；;\n\[.](?:(?<=[。！？!?；;])[。！？!?；;]*[”」』\"']?|"
    r"(?<=\n)(?!(?<=[A-Za-z,]\n)(?:[a-z]+[\s,;:]|\$))|"
    r"(?<=\[)\d{1,2}\](?:\s*\[\d{1,2}\])*(?:\s+-\s+|\s+(?=[\u4e00-\u9fff]|[A-Z][A-Za-z]+[\u4e00-\u9fff]))|"
    r"(?<=\.)(?=\s)(?<!\b[A-Z]\.)(?<!\bNo\.)(?<!\bMr\.)(?<!\bInc\.)"
    r"(?<!\bCorp\.)(?<!\bCo\.)(?<!\bLtd\.)(?<!\bMs\.)(?<!\bDr\.))")


#: The characters that end a sentence in :data:`_BOUNDARY`'s first form, and the closing quotes it takes after them.
_SENTENCE_ENDS: Final = "。！？!?；;"
_CLOSING_QUOTES: Final = "”」』\"'"
#: The characters a match of :data:`_BOUNDARY` opens on.
_BOUNDARY_FIRSTS: Final = ("。", "！", "？", "!", "?", "；", ";", "\n", "[", ".")


def _boundary_ends(text: str) -> list[int]:
    """``[m.end() for m in _BOUNDARY.finditer(text)]``, the pattern tried only where a match can start.

    The pattern opens on a class of ten characters that the engine tests at every character of the text. Each of
    them is found by ``str.find`` (a scan in C) instead, and the pattern matched there, left to right, each from
    where the last match ended at the earliest, as ``finditer`` takes them (no match is empty). A point opens a
    match only before white space (its one form): a point before anything else is not tried. The three commonest
    forms are read here: a sentence end (a run of end marks and a closing quote), a line break (a match unless
    :func:`_wrapped_line`) and a point before white space (unless :func:`_abbreviation_before`).
    """
    n = len(text)
    starts: list[int] = []
    for c in _BOUNDARY_FIRSTS:
        i = text.find(c)
        if c == ".":
            while i >= 0:
                if i + 1 < n and text[i + 1].isspace():
                    starts.append(i)
                i = text.find(c, i + 1)
        else:
            while i >= 0:
                starts.append(i)
                i = text.find(c, i + 1)
    starts.sort()
    out: list[int] = []
    pos = 0
    for q in starts:
        if q < pos:
            continue
        c = text[q]
        if c in _SENTENCE_ENDS:  # the first form, read here: the run of end marks, then a closing quote or none
            j = q + 1
            while j < n and text[j] in _SENTENCE_ENDS:
                j += 1
            if j < n and text[j] in _CLOSING_QUOTES:
                j += 1
            pos = j
            out.append(pos)
        elif c == "\n":  # the second form: a line break, unless it wraps English text (see _BOUNDARY)
            if not (q > 0 and _wrapped_line(text, q)):
                pos = q + 1
                out.append(pos)
        elif c == ".":  # the fourth form (white space follows: see above): a point, unless it ends an abbreviation
            if not _abbreviation_before(text, q):
                pos = q + 1
                out.append(pos)
        else:
            m = _BOUNDARY.match(text, q)
            if m is not None:
                pos = m.end()
                out.append(pos)
    return out


#: The words :data:`_BOUNDARY` does not end a sentence after ("No." and the rest), by their last letter.
_ABBREVIATIONS: Final[dict[str, tuple[str, ...]]] = {
    "o": ("No", "Co"), "r": ("Mr", "Dr"), "c": ("Inc",), "p": ("Corp",), "d": ("Ltd",), "s": ("Ms",)}


def _not_word_at(text: str, k: int) -> bool:
    """Whether ``\\b`` holds before a word character at ``text[k]``: ``k == 0`` or no word character before it."""
    if k == 0:
        return True
    b = text[k - 1]
    return not (b.isalnum() or b == "_")


def _abbreviation_before(text: str, q: int) -> bool:
    """Whether the point ``text[q]`` ends ``\\b[A-Z]``, ``\\bNo``, ``\\bMr``... (:data:`_BOUNDARY`'s look-behinds)."""
    if q == 0:
        return False
    c = text[q - 1]
    if "A" <= c <= "Z":
        return _not_word_at(text, q - 1)
    words = _ABBREVIATIONS.get(c)
    if words is None:
        return False
    for w in words:
        k = q - len(w)
        if k >= 0 and text[k:q] == w and _not_word_at(text, k):
            return True
    return False


def _wrapped_line(text: str, q: int) -> bool:
    """``(?<=[A-Za-z,]\\n)(?:[a-z]+[\\s,;:]|\\$)`` at the line break ``text[q]`` (``q > 0``): a wrapped English line."""
    b = text[q - 1]
    if not ("a" <= b <= "z" or "A" <= b <= "Z" or b == ","):
        return False
    n = len(text)
    j = q + 1
    if j < n and text[j] == "$":
        return True
    while j < n and "a" <= text[j] <= "z":
        j += 1
    return q + 1 < j < n and (text[j].isspace() or text[j] in ",;:")


_NUMERIC: Final = re.compile(
    r"(?=[0-9０-９數数幾几上逾近一二两兩三四五六七八九十百千sathofen])(?:"  # first characters
    r"[0-9０-９]|[數数幾几上逾近][十百千萬万億亿兆]|[一二两兩三四五六七八九十百千][萬万億亿兆]|"
    r"several|a few|tens of|hundreds of|"
    r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|hundred)\s+"
    r"(?:hundred|thousand|million|billion|trillion))", re.IGNORECASE)


_DIGIT: Final = re.compile("[0-9０-９]")  # the first form of _NUMERIC
#: The Chinese forms of :data:`_NUMERIC` (a vague word or a numeral before a scale), opening on one character set.
_CN_NUMERAL: Final = re.compile("[數数幾几上逾近一二两兩三四五六七八九十百千]"
                                "(?:(?<=[數数幾几上逾近])[十百千萬万億亿兆]|[萬万億亿兆])")
#: Every English form of :data:`_NUMERIC` holds one of these, in lower case, unless a letter of
#: :data:`_FOLDS_TO_ASCII` stands for an ASCII one.
_EN_NUMERAL_WORDS: Final = ("several", "a few", "tens of", "hundred", "thousand", "million", "billion", "trillion")


#: The two characters of a match of :data:`_CN_NUMERAL`: a scale (萬, 億...) after any of its first characters,
#: or 十, 百, 千 after a vague word (數十, 幾百).
_CN_BIG_SCALES: Final = "萬万億亿兆"
_CN_NUMERAL_FIRSTS: Final = "數数幾几上逾近一二两兩三四五六七八九十百千"
_CN_VAGUE_NUMERAL: Final = "數数幾几上逾近"


def _cn_numeral_in(span: str) -> bool:
    """``_CN_NUMERAL.search(span) is not None``: each scale character found by ``str.find``, the one before it read."""
    for c in _CN_BIG_SCALES:
        k = span.find(c, 1)
        while k >= 0:
            if span[k - 1] in _CN_NUMERAL_FIRSTS:
                return True
            k = span.find(c, k + 1)
    for c in "十百千":
        k = span.find(c, 1)
        while k >= 0:
            if span[k - 1] in _CN_VAGUE_NUMERAL:
                return True
            k = span.find(c, k + 1)
    return False


def _numeral_in(text: str, s: int, e: int) -> bool:
    """``_NUMERIC.search(text, s, e) is not None`` for a span without digits, without trying the pattern everywhere.

    The pattern (case-insensitive, opening on a lookahead) is tried at every character; here the Chinese forms are
    read around each scale character (found by ``str.find``; none in an ASCII span), and the pattern runs only where
    an English form can be: where the span in lower case holds one of :data:`_EN_NUMERAL_WORDS` ("illion" for the
    last three), or a character that case folding matches to an ASCII letter.
    """
    span = text[s:e]
    folds = False
    if not span.isascii():
        if _cn_numeral_in(span):
            return True
        folds = "\u0130" in span or "\u0131" in span or "\u017f" in span or "\u212a" in span  # _FOLDS_TO_ASCII
    low = span.lower()
    if folds or "several" in low or "a few" in low or "tens of" in low or "hundred" in low or "thousand" in low \
            or "illion" in low:
        return _NUMERIC.search(text, s, e) is not None
    return False


#: How :func:`_digit_marks` reads each character (one byte per character): an ASCII digit as "0", any other as ".".
_DIGIT_TABLE: Final = bytes(48 if 48 <= b <= 57 else 46 for b in range(256))


def _digit_marks(text: str) -> bytes | None:
    """``text`` with each ASCII digit as "0", every other character as "." (one byte per character), for ``bytes.find``.

    ``None`` when ``text`` holds a full-width digit (then :data:`_DIGIT` is searched instead). Searching the marks for
    "0" finds what ``_DIGIT.search`` finds, by ``memchr``: the pattern's class is tested at every character.
    """
    if not text.isascii():
        for c in "０１２３４５６７８９":
            if c in text:
                return None
    return text.encode("latin-1", "replace").translate(_DIGIT_TABLE)


def numeric_spans(text: str) -> list[tuple[int, int]]:
    """Sentence spans that hold a digit or a vague numeral (數百億, several billion): where figures can be.

    Scanning only these for amounts, dates and periods keeps a 10 MB line of prose (or of junk) cheap.
    """
    global _SPANS
    spans = _sentence_spans(text)
    got = _SPANS
    if got[2] is None or got[0] is not text:
        # a digit is the commonest figure and one scan finds it (the next digit found serves every sentence
        # before it); the full pattern only where there is none
        keep = []
        digit = -1  # where the next digit at or after the sentence starts is (-1: not looked for yet)
        n = len(text)
        marks = _digit_marks(text)
        for s, e in spans:
            if digit < s:
                if marks is not None:
                    digit = marks.find(b"0", s)
                    if digit < 0:
                        digit = n
                else:
                    m = _DIGIT.search(text, s)
                    digit = m.start() if m is not None else n
            if digit < e or _numeral_in(text, s, e):
                keep.append((s, e))
        got = (text, spans, keep)
        _SPANS = got
    return list(got[2])  # type: ignore[arg-type]


def _cut(text: str, s: int, max_len: int) -> int:
    """Where to cut a window that starts at ``s``: after the last separator not inside a figure (1,000)."""
    best = -1
    for c in ",，、 ":
        p = text.rfind(c, s, s + max_len)
        while p > s and c in ", " and p + 1 < len(text) and text[p - 1].isdigit() and text[p + 1].isdigit():
            p = text.rfind(c, s, p)
        best = max(best, p)
    return best + 1 if best > s else s + max_len


def _windows(text: str, s: int, e: int, max_len: int) -> Iterator[tuple[int, int]]:
    while e - s > max_len:
        cut = _cut(text, s, max_len)
        if text[s:cut].strip():
            yield s, cut
        s = cut
    if e > s and text[s:e].strip():
        yield s, e
