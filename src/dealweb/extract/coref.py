"""Coreference: a description that stands for a firm named earlier, resolved to that firm (issue 13).

News names a party once and then describes it: ``龍華宣布完成融資。天成向該公司投資20億美元`` (該公司 is
龍華), ``這家晶片巨頭`` (the chip maker named before), ``後者`` (the second of the last two firms named). This step
finds such descriptions and returns an :class:`~dealweb.extract.mentions.EntityMention` for each one it can resolve,
with the referent's id and the description's span, so the rules read the sentence as if the firm were named there.

The words are data, not code (``src/dealweb/data/names/descriptions.json``): per language, the determiners that open
a description, the nouns for a firm that end it, the words for "the former"/"the latter", and words that narrow the
kind of firm meant (a chip word: a firm that sells chips, by the gazetteer's ``sells``).

Resolution (a salience rule in the manner of Lappin & Leass, *An algorithm for pronominal anaphora resolution*,
Computational Linguistics 20(4), 1994, cut down to what a news sentence needs):

* a description never stands for a firm named in its own clause before it (``天成向該公司投資``: not 天成), nor,
  when it is not its clause's subject and the clause names no firm, for the sentence's subject, which is the
  clause's elided subject (``天成宣布，將向該公司投資``: not 天成);
* 前者/後者: the first/second of the last two distinct firms named before the description's clause, in the same
  sentence or, when it names fewer than two, in one of the two sentences before;
* any other description looks in the nearest stretch that names a firm it may stand for (of its kind, when it holds
  a kind word such as ``晶片``): the sentence's part before its clause, else the sentence before, else the one
  before that. One firm there: that firm. Several: the description is left alone (the rules' topic decides).

A description that overlaps a name, or that holds one (``這家Acme投資的公司``), is left alone.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import dealweb
from dealweb.extract.mentions import EntityIndex, EntityMention, trie_pattern
from dealweb.extract.normalise import NormText, fold

__all__ = ["DESCRIPTIONS_FILE", "Descriptions", "load_descriptions", "resolve_descriptions"]


def bisect_left(a: list[int], x: int, lo: int = 0, hi: int = -1) -> int:
    """:func:`bisect.bisect_left` of a list of ints (``hi < 0``: ``len(a)``), written out.

    Compiled (mypyc, ``HOT_MODULES``) it reads the list's ints in C: no call into the interpreter and no int
    object made for ``x``, ``lo`` and ``hi`` (the library's, called from compiled code, costs about three times as
    many instructions). tests/test_relations_speed.py compares it with the library's.
    """
    if hi < 0:
        hi = len(a)
    while lo < hi:
        mid = (lo + hi) >> 1
        if a[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo


def bisect_right(a: list[int], x: int, lo: int = 0, hi: int = -1) -> int:
    """:func:`bisect.bisect_right` of a list of ints (``hi < 0``: ``len(a)``), written out (see :func:`bisect_left`)."""
    if hi < 0:
        hi = len(a)
    while lo < hi:
        mid = (lo + hi) >> 1
        if x < a[mid]:
            hi = mid
        else:
            lo = mid + 1
    return lo


#: The description words shipped with the package (data, not code).
#: (Found from the package, not from ``__file__``: compiled, this module's ``__file__`` is not its source's path.)
DESCRIPTIONS_FILE: Final = Path(dealweb.__file__).resolve().parent / "data" / "names" / "descriptions.json"
#: How far back (characters) a description looks for its firm.
_LOOKBACK: Final = 600
#: Where a sentence ends (a Chinese stop or a line break; an English full stop before a space).
_SENTENCE_END: Final = re.compile(r"[。！？!?\n.](?:(?<!\.)|(?=\s))")  # one class first: found by a set test
#: Where a clause ends inside a sentence.
_CLAUSE_END: Final = re.compile(r"[，,；;：:]")
#: Entity kinds a description of a firm may stand for when no kind word narrows it.
_FIRM_KINDS: Final = frozenset({"company", "fund"})
#: A description this close to its clause's start ("同時該公司", "而這家晶片巨頭") is the clause's subject, unless an
#: object marker of the data stands before it ("向該公司").
_SUBJECT_SLACK: Final = 4


@dataclass(frozen=True, slots=True)
class Descriptions:
    """The compiled description words: one pattern, and what each kind word asks of the firm."""

    pattern: re.Pattern[str]
    kinds: tuple[tuple[str, str, str], ...]  # (folded word, "sells" | "kind", value)
    markers: frozenset[str]  # characters that mark what follows as an object (向, 對...)
    former: frozenset[str]  # the folded words for "the former"
    latter: frozenset[str]  # the folded words for "the latter"
    not_after: frozenset[str]  # characters that, right before a determiner, make it part of another word
    firsts: str  # the first characters of the pattern's forms (a text holding none of them has no description)
    #: the forms of languages written with spaces ("the chipmaker", "the ChatGPT maker"): a determiner as a word, up
    #: to ``max_words`` words, a noun as a word; ``None`` when no language of the file is spaced
    spaced: re.Pattern[str] | None = None
    #: words that, between determiner and noun, make it no description of one firm named before ("the other firm",
    #: "the two companies")
    stop: frozenset[str] = frozenset()
    #: words that, right before a spaced description, open a clause of its own with it as the subject ("after",
    #: "said"): a firm named before it in its comma-clause may be the one it stands for
    opens: frozenset[str] = frozenset()

    def __reduce__(self) -> tuple[type[Descriptions], tuple[object, ...]]:
        """Pickled and copied through the constructor: compiled by mypyc, a frozen instance takes no field by field."""
        return Descriptions, (self.pattern, self.kinds, self.markers, self.former, self.latter, self.not_after,
                              self.firsts, self.spaced, self.stop, self.opens)


def load_descriptions(path: str | Path = DESCRIPTIONS_FILE) -> Descriptions | None:
    """The description words of ``path`` compiled; ``None`` when the file is missing or names no words.

    A malformed file raises :class:`dealweb.errors.InputError` naming the file.
    """
    from dealweb.errors import InputError

    p = Path(path)
    if not p.is_file():
        return None
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
        forms: list[str] = []
        kinds: list[tuple[str, str, str]] = []
        markers: set[str] = set()
        ordinals: dict[str, set[str]] = {"former": set(), "latter": set()}
        not_after: set[str] = set()
        spaced: list[str] = []
        stop: set[str] = set()
        opens: set[str] = set()
        for lang, d in data.items():
            if lang == "about":
                continue
            dets = sorted({fold(w) for w in d.get("determiners", ())}, key=len, reverse=True)
            nouns = sorted({fold(w) for w in d.get("nouns", ())}, key=len, reverse=True)
            between = int(d.get("max_between", 8))
            not_after.update(fold(str(d.get("not_after", ""))))
            if dets and nouns and d.get("spaced"):
                # words between spaces: the determiner a word of its own (looked behind after its literal, so the
                # engine searches the literal), up to max_words words, the noun a whole word
                words_between = int(d.get("max_words", 3))
                tail = (rf"(?:[^\s,.;:!?\"()“”]++ ){{0,{words_between}}}?(?:{trie_pattern(nouns)})"
                        r"(?![a-z0-9\-])")
                spaced.extend(re.escape(w) + " " + rf"(?<![a-z0-9]{re.escape(w)} )" + tail for w in dets)
                stop.update(fold(w) for w in d.get("not_between", ()))
                opens.update(fold(w) for w in d.get("subject_after", ()))
            elif dets and nouns:
                # the words between determiner and noun: no stop, no comma, no 的 (a clause of its own); every form
                # opens on its determiner's literal, so the engine skips to their first characters by a set test
                tail = rf"[^\s，,。；;：:、！？!?“”\"()（）的]{{0,{between}}}?(?:{trie_pattern(nouns)})"
                forms.extend(re.escape(w) + tail for w in dets)
            for key in ("former", "latter"):
                words = sorted({fold(w) for w in d.get(key, ())}, key=len, reverse=True)
                ordinals[key].update(words)
                # opened on the word's last character, the rest looked behind: "者" is rarer in news than "前"/"后"
                forms.extend(re.escape(w[-1]) + f"(?<={re.escape(w)})" if len(w) > 1 else re.escape(w)
                             for w in words)
            markers.update(fold(str(d.get("object_markers", ""))))
            for word, want in d.get("kinds", {}).items():
                how = "sells" if "sells" in want else "kind"
                kinds.append((fold(word), how, str(want[how])))
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise InputError(f"{p}: not a descriptions file ({exc})",
                         'write {"zh": {"determiners": ["该"], "nouns": ["公司"]}}') from None
    if not forms and not spaced:
        return None
    firsts = "".join(sorted({form[0] for form in forms}))
    return Descriptions(re.compile("|".join(forms) or "(?!)"), tuple(kinds), frozenset(markers),
                        frozenset(ordinals["former"]), frozenset(ordinals["latter"]), frozenset(not_after), firsts,
                        re.compile("|".join(spaced)) if spaced else None, frozenset(stop), frozenset(opens))


@functools.cache
def _default() -> Descriptions | None:
    """The shipped description words, read once."""
    return load_descriptions()


def _fits(e: EntityMention, index: EntityIndex, want: list[tuple[str, str]]) -> bool:
    """Whether the firm ``e`` is of the kind the description asks for (any kind word it holds)."""
    kind = index.kinds.get(e.id, "company")
    if not want:
        return kind in _FIRM_KINDS
    sells = index.sells.get(e.id, frozenset())
    return any((how == "sells" and value in sells) or (how == "kind" and value == kind) for how, value in want)


def resolve_descriptions(norm: NormText, ents: list[EntityMention], index: EntityIndex,
                         words: Descriptions | None = None) -> list[EntityMention]:
    """Mentions for the descriptions of ``norm`` that stand for a firm of ``ents`` named before them.

    Args:
        norm: the normalised text (descriptions are matched in ``norm.folded``).
        ents: the text's entity mentions, sorted by start.
        index: the entity index (entity kinds, and who sells what).
        words: the description words (the shipped ones when ``None``).

    Returns:
        One mention per resolved description, in text order, spanning the description and carrying the id and
        display name of the firm it stands for; none overlaps a mention of ``ents``.

    >>> from dealweb.extract.gazetteer import GazEntry
    >>> from dealweb.extract.normalise import normalise
    >>> firms = [GazEntry("longhua", "company", "Longhua", "龍華"), GazEntry("acme", "company", "Acme")]
    >>> idx = EntityIndex(extra=firms)
    >>> norm = normalise("Acme宣布完成融資。龍華向該公司投資20億美元。")
    >>> [(m.id, norm.text[m.start:m.end]) for m in resolve_descriptions(norm, idx.find(norm), idx)]
    [('acme', '該公司')]
    """
    words = _default() if words is None else words
    if words is None or not ents:
        return []
    f = norm.folded
    out: list[EntityMention] = []
    if words.spaced is not None:
        _resolve_spaced(norm, ents, index, words, words.spaced, out)
    if not any(c in f for c in words.firsts):
        return out  # an English text, for Chinese words: a scan by ``in`` (free where no character is that wide)
    starts = [e.start for e in ents]
    spaced_found = len(out)
    for m in words.pattern.finditer(f, ents[0].end):
        s, e = m.start(), m.end()
        group = "description"
        for key, ordinal in (("former", words.former), ("latter", words.latter)):
            w = next((w for w in ordinal if f.startswith(w, e - len(w))), None)
            if w is not None:
                s, group = e - len(w), key  # an ordinal is matched on its last character
        if s and f[s - 1] in words.not_after:
            continue  # "应该": the determiner is part of another word
        k = bisect_left(starts, s)
        if k < len(ents) and ents[k].start < e or k > 0 and ents[k - 1].end > s:
            continue  # overlaps or holds a name: a name, not a description
        said = f[s:e]
        got = _resolve(f, ents, starts, k, s, group, said, index, words)
        if got is not None:
            out.append(EntityMention(s, e, got.id, got.name))
    if spaced_found and len(out) > spaced_found:
        out.sort(key=lambda x: x.start)
    return out


def _resolve_spaced(norm: NormText, ents: list[EntityMention], index: EntityIndex, words: Descriptions,
                    pattern: re.Pattern[str], out: list[EntityMention]) -> None:
    """Append to ``out`` the descriptions of a spaced language ("the chipmaker") that stand for a firm named before.

    Left alone: a description with a stop word between its words ("the other company"), one that overlaps or holds
    a name, one right before a name or a capitalised word, which it introduces ("the chipmaker Acme"), one that
    opens its sentence or stands in one with no dollar figure (the rules' topic covers those), and a possessive not
    followed by a figure ("the bank's experience with ...").
    """
    f, text = norm.folded, norm.text
    starts: list[int] = []
    for m in pattern.finditer(f, ents[0].end):
        s, e = m.start(), m.end()
        said = f[s:e]
        if words.stop and any(w in words.stop for w in said.split(" ")[1:-1]):
            continue
        lo = max(f.rfind(". ", 0, s), f.rfind("\n", 0, s))
        hi = f.find(". ", e)
        nl = f.find("\n", e, hi if hi >= 0 else len(f))
        hi = len(f) if hi < 0 and nl < 0 else (nl if nl >= 0 else hi)
        if f.find("$", lo + 1, hi) < 0 and f.find("dollar", lo + 1, hi) < 0:
            continue  # no dollar figure in its sentence: no deal read here (the rules' topic covers the rest)
        if not f[lo + 1:s].strip(" \"“'‘-•*"):
            continue  # it opens its sentence: the rules read that as the topic (relations._DESCRIPTION_START)
        if not starts:
            starts = [x.start for x in ents]  # only for a text that holds a description
        k = bisect_left(starts, s)
        if k < len(ents) and ents[k].start <= e + 1 or k > 0 and ents[k - 1].end > s:
            continue  # overlaps, holds or introduces a name
        if e + 1 < len(text) and text[e] == " " and text[e + 1].isupper():
            continue  # introduces a name nobody listed ("the startup Quorra")
        if f.startswith(("'s ", "’s "), e) and f.find("$", e, e + 16) < 0:
            continue  # "the bank's experience with...": an owner of something else, not a party to a figure
        w = s - 1
        while w > 0 and f[w - 1].isalpha():
            w -= 1
        got = _resolve(f, ents, starts, k, s, "description", said, index, words, f[w:s - 1] in words.opens)
        if got is not None:
            out.append(EntityMention(s, e, got.id, got.name))


def _back(f: str, s: int) -> tuple[int, list[int]]:
    """The start of the clause holding ``f[s]``, and the starts of its sentence and the two sentences before."""
    lo = max(0, s - _LOOKBACK)
    ends = [m.end() for m in _SENTENCE_END.finditer(f, lo, s)]
    sent_start = ends[-1] if ends else lo
    clause_start = sent_start
    for c in _CLAUSE_END.finditer(f, sent_start, s):
        clause_start = c.end()
    bounds = [sent_start, *reversed(ends[-3:-1])]
    if len(ends) < 3:
        bounds.append(lo)
    return clause_start, bounds


def _resolve(f: str, ents: list[EntityMention], starts: list[int], k: int, s: int, group: str, text: str,
             index: EntityIndex, words: Descriptions, opens: bool = False) -> EntityMention | None:
    """The firm the description ``text`` at ``f[s]`` (``group``: former, latter or description) means.

    ``starts`` are the starts of ``ents``; ``ents[k]`` is the first mention after the description. ``opens``: the
    description opens a clause of its own inside its comma-clause ("Acme shares rose after the company reported..."),
    so the firms named before it in that clause are its nearest candidates, not firms it cannot stand for.
    """
    clause_start, bounds = _back(f, s)
    ordinal = group.startswith(("former", "latter"))
    if opens:
        bounds = [clause_start, *bounds]
        clause_start = s
    own = {x.id for x in ents[bisect_left(starts, clause_start, 0, k):k]}
    if not ordinal and not own and not opens and (s - clause_start > _SUBJECT_SLACK or any(
            c in words.markers for c in f[clause_start:s])):
        # not the clause's subject, and the clause names none: its subject is the sentence's, elided ("Acme宣布，
        # 將向該公司投資"), which the description cannot stand for
        first = bisect_left(starts, bounds[0], 0, k)
        if first < k:
            own.add(ents[first].id)
    # the stretches to look in, nearest first: this sentence before the clause, then the sentences before
    stretches: list[list[EntityMention]] = []
    hi = clause_start
    for lo in bounds:
        stretches.append([x for x in ents[bisect_left(starts, lo, 0, k):k] if x.end <= hi and x.id not in own
                          and index.kinds.get(x.id, "company") in _FIRM_KINDS])
        hi = lo
    if ordinal:
        for run in stretches:
            distinct: list[EntityMention] = []
            for x in run:
                if all(x.id != y.id for y in distinct):
                    distinct.append(x)
            if len(distinct) >= 2:
                return distinct[-2] if group.startswith("former") else distinct[-1]
        return None
    want = [(how, value) for word, how, value in words.kinds if word in text]
    for run in stretches:
        fit = [x for x in run if _fits(x, index, want)] if want else run
        if fit:
            # the nearest stretch that names a firm of the kind: one firm, or too many to tell (the rules' topic
            # then decides, as without this step)
            return fit[-1] if len({x.id for x in fit}) == 1 else None
    return None
