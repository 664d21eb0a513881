"""Text normalisation with an offset map back to the text the user gave.

Extraction reads a *normalised* text: HTML tags, ``<script>``/``<style>`` blocks and comments removed and
entities decoded, Markdown markup removed, full-width ASCII forms mapped to plain ones. Matching reads a
*folded* copy of it, of exactly the same length: Traditional characters folded to Simplified (龍華 ->
龙华, 遠山 -> 远山) and letters lower-cased, one character for one. Every span found in either copy maps
back to Python ``str`` offsets into the original text through :meth:`NormText.to_original`, so that
``original[start:end]`` is the quote a person can check.

The map is stored as segments, not one integer per character: a plain-text file of 10 MB costs one
segment, not 80 MB of offsets.
"""

from __future__ import annotations

import bisect as _bisect
import html
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Final

#: Bound once: the compiled build calls them without a look-up in the module's dict at each call.
bisect_right: Final = _bisect.bisect_right

__all__ = ["NormText", "fold", "folding_table", "normalise", "sniff_format"]

_FULL_WIDTH: Final = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_WIDE: Final = re.compile("[\uff01-\uff5e\u3000]")  # the keys of _FULL_WIDTH

#: Block-level tags become a line break so that sentences never run across paragraphs.
_BLOCK_TAGS: Final = frozenset(
    "p br div li ul ol h1 h2 h3 h4 h5 h6 tr td th table section article header footer blockquote pre "
    "title hr dd dt figcaption".split()
)
_HTML_TOKEN: Final = re.compile(
    r"(?P<drop><(?P<raw>script|style|noscript|template)\b[^>]*>.*?(?:</(?P=raw)\s*>|\Z)|<!--.*?(?:-->|\Z)"
    r"|<!\[CDATA\[.*?(?:\]\]>|\Z)|<![^>]*>|<\?.*?(?:\?>|\Z))"
    r"|(?P<tag></?(?P<name>[A-Za-z][A-Za-z0-9:-]*)\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*>)"
    r"|(?P<ent>&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});)",
    re.IGNORECASE | re.DOTALL,
)
_HTML_SNIFF: Final = re.compile(r"<(?:!doctype\s+html|html|head|body|p|div|script|span|article|br)\b", re.IGNORECASE)

_MD_TOKEN: Final = re.compile(
    r"(?P<head>^[ \t]{0,3}#{1,6}[ \t]+)"  # "# Title"
    r"|(?P<quote>^[ \t]{0,3}>[ \t]?)"  # "> quoted"
    r"|(?P<bullet>^[ \t]{0,3}[-*+][ \t]+)"  # "- item"
    r"|(?P<img>!\[)"  # image opener
    r"|(?P<link>\]\([^)\s]*(?:\s+\"[^\"]*\")?\))"  # "](url)" after link text
    r"|(?P<lbr>\[(?=[^\]\n]*\]\())"  # "[" that opens a link
    r"|(?P<emph>\*\*|__|~~|`+)",
    re.MULTILINE,
)
_MD_SNIFF: Final = re.compile(r"^#{1,6} \S|\]\([^)\s]+\)|\*\*\S", re.MULTILINE)


@lru_cache(maxsize=1)
def folding_table() -> dict[int, int]:
    """Translation table folding Traditional to Simplified Chinese and upper to lower case, one for one.

    Built once from OpenCC's ``t2s`` character dictionary (Kuo, BYVoid et al., *Open Chinese Convert*),
    converting each CJK Unified Ideograph on its own so that no phrase rule can change the length.
    """
    import opencc

    table: dict[int, int] = {}
    chars = [chr(i) for i in range(0x4E00, 0xA000)]
    converted = opencc.OpenCC("t2s").convert("\n".join(chars)).split("\n")
    if len(converted) == len(chars):
        for src, dst in zip(chars, converted, strict=True):
            if len(dst) == 1 and dst != src:
                table[ord(src)] = ord(dst)
    for i in range(0x41, 0x5B):
        table[i] = i + 32
    for src in "ÀÁÂÄÉÈÊÍÓÖÚÜ":
        table[ord(src)] = ord(src.lower())
    table.update(_FULL_WIDTH)
    for i in range(0xFF21, 0xFF3B):  # full-width capitals fold to plain lower case
        table[i] = i - 0xFEE0 + 32
    return table


#: Texts at least this long are folded through a lookup array (numpy) rather than ``str.translate``, which
#: looks each character up in a dict: the same result, cheaper from about sixty characters of Chinese on (an
#: article of news is one to three thousand; measured: 30 µs by the dict, 11 µs by the array at 1,000 characters;
#: in instructions, narrowing and folding a text of 50 / 100 / 250 ideographs costs 40k / 74k / 175k by the dict,
#: 45k / 50k / 65k by the arrays).
FOLD_ARRAY_MIN: Final = 1 << 6


def fold(text: str) -> str:
    """``text`` folded for matching (Simplified, lower case, half width); same length as ``text``.

    >>> fold("龍華 INITECH")
    '龙华 initech'
    """
    if text.isascii():
        return text.lower()  # the table's only change to ASCII: A-Z to a-z, as ``str.lower`` does
    if len(text) >= FOLD_ARRAY_MIN:
        lut = _fold_array()
        if lut is not None:
            import numpy as np

            codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
            # characters beyond the Basic Multilingual Plane are never folded (the table has none)
            out = np.where(codes < 0x10000, lut[codes & 0xFFFF], codes)
            return out.astype("<u4").tobytes().decode("utf-32-le", "surrogatepass")
    return text.translate(folding_table())


@lru_cache(maxsize=1)
def _fold_array() -> Any:
    """:func:`folding_table` as an array indexed by code point (BMP), or ``None`` if it cannot be one."""
    import numpy as np

    table = folding_table()
    if any(not isinstance(v, int) or k >= 0x10000 for k, v in table.items()):
        return None
    lut = np.arange(0x10000, dtype=np.uint32)
    lut[np.fromiter(table.keys(), dtype=np.int64)] = np.fromiter(table.values(), dtype=np.int64)
    return lut


@dataclass(slots=True)
class NormText:
    """A normalised text, its folded copy, and the map back to the original.

    Attributes:
        original: the text as the user gave it (decoded file contents).
        text: the normalised text (markup removed, full-width forms made plain); the script is kept.
        folded: ``text`` folded for matching; ``len(folded) == len(text)``.
        fmt: ``plain``, ``markdown`` or ``html``.
        seg_norm: start of each copied segment in ``text`` (ascending).
        seg_orig: where that segment starts in ``original``.
    """

    original: str
    text: str
    folded: str
    fmt: str = "plain"
    seg_norm: list[int] = field(default_factory=lambda: [0])
    seg_orig: list[int] = field(default_factory=lambda: [0])

    def pos(self, i: int) -> int:
        """Offset in ``original`` of the character at ``text[i]``."""
        seg_norm = self.seg_norm
        if len(seg_norm) == 1:  # one segment (plain text): a shift
            return self.seg_orig[0] + (i - seg_norm[0])
        k = bisect_right(seg_norm, i) - 1
        return self.seg_orig[k] + (i - seg_norm[k])

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map the span ``text[start:end]`` to ``(start, end)`` in ``original`` (an empty span stays empty)."""
        if end <= start:
            p = self.pos(start) if start < len(self.text) else len(self.original)
            return p, p
        return self.pos(start), self.pos(end - 1) + 1

    def quote(self, start: int, end: int) -> tuple[str, int, int]:
        """``(original[s:e], s, e)`` for the normalised span ``[start, end)``."""
        s, e = self.to_original(start, end)
        return self.original[s:e], s, e


class _Builder:
    """Collects kept pieces of the original and the segments that map them back."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.seg_norm: list[int] = []
        self.seg_orig: list[int] = []
        self.length = 0
        self._next_orig = -1  # original offset that would continue the current segment

    def copy(self, original: str, start: int, end: int) -> None:
        if end <= start:
            return
        if start != self._next_orig:
            self.seg_norm.append(self.length)
            self.seg_orig.append(start)
        self.parts.append(original[start:end])
        self.length += end - start
        self._next_orig = end

    def put(self, replacement: str, orig_at: int) -> None:
        """Insert ``replacement`` standing for the original text that starts at ``orig_at``."""
        if not replacement:
            return
        self.seg_norm.append(self.length)
        self.seg_orig.append(orig_at)
        # every character of the replacement maps onto orig_at.. (clamped by the next segment)
        self.parts.append(replacement)
        self.length += len(replacement)
        for j in range(1, len(replacement)):
            self.seg_norm.append(self.length - len(replacement) + j)
            self.seg_orig.append(orig_at)
        self._next_orig = -1

    def result(self) -> tuple[str, list[int], list[int]]:
        if not self.seg_norm or self.seg_norm[0] != 0:
            self.seg_norm.insert(0, 0)
            self.seg_orig.insert(0, 0)
        return "".join(self.parts), self.seg_norm, self.seg_orig


def _strip_html(original: str) -> tuple[str, list[int], list[int]]:
    b = _Builder()
    last = 0
    for m in _HTML_TOKEN.finditer(original):
        b.copy(original, last, m.start())
        last = m.end()
        if m.group("ent"):
            b.put(html.unescape(m.group("ent")), m.start())
        elif m.group("tag") and m.group("name").lower() in _BLOCK_TAGS:
            b.put("\n", m.start())
        elif m.group("drop"):
            b.put("\n", m.start())
    b.copy(original, last, len(original))
    return b.result()


def _strip_markdown(original: str) -> tuple[str, list[int], list[int]]:
    b = _Builder()
    last = 0
    for m in _MD_TOKEN.finditer(original):
        b.copy(original, last, m.start())
        last = m.end()
    b.copy(original, last, len(original))
    return b.result()


def sniff_format(text: str, name: str = "") -> str:
    """``html``, ``markdown`` or ``plain``, from the file name's extension, else from the first 64 KB."""
    low = name.lower()
    if low.endswith((".html", ".htm", ".xhtml")):
        return "html"
    if low.endswith((".md", ".markdown")):
        return "markdown"
    head = text[:65536]
    if _HTML_SNIFF.search(head) and head.count("<") >= 2:
        return "html"
    if ("#" in head or "](" in head or "**" in head) and _MD_SNIFF.search(head):
        return "markdown"  # every form holds "#", "](" or "**" (the pattern opens on none: tried at every character)
    return "plain"


def normalise(original: str, fmt: str = "auto", name: str = "") -> NormText:
    """Normalise ``original`` for extraction and keep the way back to it.

    Args:
        original: the decoded text of one document.
        fmt: ``auto`` (sniff from ``name`` and content), ``plain``, ``markdown`` or ``html``.
        name: the file name, used only to sniff the format.

    Returns:
        A :class:`NormText`; for plain text ``text`` differs from ``original`` only in width forms.

    >>> n = normalise("<p>龍華&amp;Acme</p>", fmt="html")
    >>> n.text.strip(), n.quote(n.text.index("Acme"), n.text.index("Acme") + 4)[0]
    ('龍華&Acme', 'Acme')
    """
    if fmt == "auto":
        fmt = sniff_format(original, name)
    if fmt == "html":
        text, seg_n, seg_o = _strip_html(original)
    elif fmt == "markdown":
        text, seg_n, seg_o = _strip_markdown(original)
    elif fmt == "plain":
        text, seg_n, seg_o = original, [0], [0]
    else:
        raise ValueError(f"unknown text format {fmt!r}: use auto, plain, markdown or html")
    text, folded = _narrow_fold(text)
    return NormText(original, text, folded, fmt, seg_n, seg_o)


def _narrow_fold(text: str) -> tuple[str, str]:
    """``(narrowed, fold(narrowed))``: full-width forms made plain (``text`` itself when it holds none), and folded.

    A text of :data:`FOLD_ARRAY_MIN` characters or more, outside ASCII and within the Basic Multilingual Plane,
    is read once as an array of code points and mapped through two lookup arrays (the width map and the folding
    table, which folds a full-width form as its plain form), instead of a scan for full-width forms, a width
    map and a fold that each read the text again.
    """
    if text.isascii():
        return text, text.lower()  # no full-width form; the fold's only change to ASCII is A-Z to a-z
    if len(text) >= FOLD_ARRAY_MIN:
        lut = _fold_array()
        if lut is not None:
            import numpy as np

            codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")
            try:
                narrow, folded = _narrow_array()[codes], lut[codes]  # type: ignore[index]
            except IndexError:
                pass  # a character beyond the Basic Multilingual Plane: the general path below
            else:
                narrowed = narrow.astype("<u4", copy=False).tobytes().decode("utf-32-le", "surrogatepass")
                return (text if narrowed == text else narrowed), \
                    folded.astype("<u4", copy=False).tobytes().decode("utf-32-le", "surrogatepass")
    if _WIDE.search(text) is not None:  # most texts have no full-width form: one scan for a set, no copy
        text = _narrow(text)
    return text, fold(text)


@lru_cache(maxsize=1)
def _narrow_array() -> object:
    """``_FULL_WIDTH`` as an array indexed by code point (BMP): each character's plain form, or itself."""
    import numpy as np

    lut = np.arange(0x10000, dtype=np.uint32)
    lut[np.fromiter(_FULL_WIDTH.keys(), dtype=np.int64)] = np.fromiter(_FULL_WIDTH.values(), dtype=np.int64)
    return lut


def _narrow(text: str) -> str:
    """``text.translate(_FULL_WIDTH)``: full-width forms made plain, one character for one.

    A long text (:data:`FOLD_ARRAY_MIN` characters or more; Chinese news has a full-width comma in every
    clause) is mapped as an array of code points, which gives the same string several times faster than
    ``str.translate``'s dict look-up per character.
    """
    if len(text) < FOLD_ARRAY_MIN:
        return text.translate(_FULL_WIDTH)
    import numpy as np

    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    wide = (codes >= 0xFF01) & (codes <= 0xFF5E)
    out = np.where(wide, codes - 0xFEE0, codes)
    out[codes == 0x3000] = 0x20
    return out.astype("<u4").tobytes().decode("utf-32-le", "surrogatepass")
