"""Entity search for the web app: what a reader types finds the firm, in either Chinese script.

A query matches an entity when, after folding both sides the same way, it is part of the entity's id,
ticker, any recorded name or alias, or that name written in the other Chinese script (OpenCC ``s2t`` /
``t2s``: 英伟达 finds a firm recorded as 輝達, 甲骨文 finds Oracle). Folding: Unicode NFKC (full-width
ＯｐｅｎＡＩ reads as OpenAI), case-folding, and spaces, dots, hyphens and middle dots dropped (``core weave``,
``Core-Weave`` and ``CoreWeave`` are one name). Results are ranked: exact name first, then a name that starts
with the query, then any other match; ties by the number of deals, then id.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from dealweb.i18n import fold_script
from dealweb.model import Entity, Ledger

__all__ = ["fold", "search_entities"]

_DROP = re.compile(r"[\s.\-‐‑–—·・_'’,()（）]+")


def fold(text: str) -> str:
    """``text`` folded for matching (NFKC, case-folded, separators dropped)."""
    return _DROP.sub("", unicodedata.normalize("NFKC", text).casefold())


def _keys(e: Entity) -> set[str]:
    names = [e.id, *(e.all_names())]
    ticker = getattr(e, "ticker", None)
    if ticker:
        names.append(str(ticker))
    out = set()
    for n in names:
        out.add(fold(n))
        if any(ord(ch) > 0x2E80 for ch in n):
            out.add(fold(fold_script(n, "zh-Hant")))
            out.add(fold(fold_script(n, "zh-Hans")))
    out.discard("")
    return out


def _rank(keys: Iterable[str], q: str) -> int | None:
    best = None
    for k in keys:
        r = 0 if k == q else 1 if k.startswith(q) else 2 if q in k else None
        if r is not None and (best is None or r < best):
            best = r
    return best


def search_entities(ledger: Ledger, query: str | None, kind: str | None = None) -> list[Entity]:
    """Entities matching ``query`` (all when empty) and ``kind``, best match first (see the module docstring)."""
    deals = {}
    for d in ledger.deals.values():
        for e in d.entities():
            deals[e] = deals.get(e, 0) + 1
    q = fold(query or "")
    found = []
    for e in ledger.entities.values():
        if kind and str(e.kind) != kind:
            continue
        r = 0 if not q else _rank(_keys(e), q)
        if r is None:
            continue
        found.append((r, -deals.get(e.id, 0), e.id, e))
    return [e for *_, e in sorted(found, key=lambda x: x[:3])]
