"""The USD deal claims of a text as comparable tuples, for the extractor's table-driven tests."""

from __future__ import annotations

from dealweb.extract.ingest import ingest_text
from dealweb.extract.mentions import EntityIndex


def usd_deal_set(text: str, index: EntityIndex) -> set[tuple[str, str, float, float | None]]:
    """(payer, payee, usd_low, usd_high) of every USD deal claim proposed for ``text``, in whole US dollars.

    An open upper bound is ``None``; "about" is read by the extractor as x * 0.9 .. x * 1.1.
    """
    out = set()
    for c in ingest_text(text, index=index):
        if c["kind"] == "deal" and c["amount"] and c["amount"]["currency"] == "USD":
            hi = c["amount"]["usd_high"]
            out.add((c["from"]["id"], c["to"]["id"], round(c["amount"]["usd_low"]),
                     None if hi is None or hi == float("inf") else round(hi)))
    return out
