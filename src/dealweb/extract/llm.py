"""An optional model-server backend: any OpenAI-compatible chat endpoint proposes claims, the text decides.

Off by default (``dealweb ingest --backend llm --model-url URL`` turns it on); dealweb never calls a
network service on its own. The model is asked for claims in a small JSON schema with every field written
*as it appears in the text*. Nothing it says is trusted: a claim is kept only if its ``quote`` stands in
the text verbatim, and each field only if its words stand inside that quote (names are then resolved
through the ledger's and the gazetteer's names, figures through :func:`dealweb.money.parse_amount`); a
claim that loses its parties or its figure is dropped. What survives goes through the same reconciliation
and the same output schema as the rule backend.

The request is ``POST {model_url}/chat/completions`` with ``temperature: 0`` and, per chunk of at most
:data:`CHUNK_CHARS` characters, one user message holding the text.
"""

from __future__ import annotations

import json
import re
from typing import Any

from dealweb.errors import InputError
from dealweb.extract.mentions import AmountMention, EntityIndex, EntityMention, iter_sentences
from dealweb.extract.normalise import NormText, fold, normalise
from dealweb.extract.relations import Proposal
from dealweb.model import DEAL_TYPES, Ledger
from dealweb.money import AmountError, parse_amount

__all__ = ["CHUNK_CHARS", "SYSTEM_PROMPT", "llm_claims", "validate_answer"]

#: Longest piece of text sent in one request.
CHUNK_CHARS = 6000

SYSTEM_PROMPT = (
    "You extract deals and financial facts from a news article (Chinese or English). Answer with JSON only: "
    '{"claims": [...]}. Each claim is either {"kind": "deal", "quote": <the exact sentence from the text>, '
    '"from": <payer/investor/buyer/lender/warrant issuer, as written>, "to": <payee, as written>, "type": '
    "<one of " + ", ".join(DEAL_TYPES) + '>, "amount": <the figure as written, e.g. "1000億美元", or null>, '
    '"capacity_gw": <the capacity as written, e.g. "10吉瓦", or null>} or {"kind": "fact", "quote": ..., '
    '"entity": <as written>, "metric": <rpo|revenue|revenue_guidance|capex|capex_guidance|market_cap|'
    'share_price_change|valuation|eps|stake|...>, "value": <as written>, "period": <e.g. "FY2026 Q1" or '
    "null>}. Copy quotes and figures character for character; never translate or compute them."
)


def _chunks(text: str) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    start = end = 0
    for s, e in iter_sentences(text, max_len=CHUNK_CHARS):
        if e - start > CHUNK_CHARS and end > start:
            out.append((start, end))
            start = s
        end = e
    if end > start:
        out.append((start, end))
    return out


def _content(payload: Any) -> str:
    try:
        return str(payload["choices"][0]["message"]["content"])
    except (KeyError, IndexError, TypeError):
        raise InputError("the model server's answer has no choices[0].message.content",
                         "is the URL an OpenAI-compatible /v1 endpoint?") from None


def _parse_json(content: str) -> list[dict[str, Any]]:
    m = re.search(r"```(?:json)?\s*(.*?)```", content, re.DOTALL)
    raw = m.group(1) if m else content
    try:
        data = json.loads(raw)
    except json.JSONDecodeError:
        return []
    if isinstance(data, dict):
        data = data.get("claims", [])
    return [c for c in data if isinstance(c, dict)] if isinstance(data, list) else []


def _entity_in(quote_at: int, quote: str, name: Any, norm: NormText, index: EntityIndex) -> EntityMention | None:
    if not isinstance(name, str) or not name.strip():
        return None
    fq, fn = fold(quote), fold(name.strip())
    i = fq.find(fn)
    if i < 0:
        return None
    sub = NormText(name, name, fn)
    found = index.find(sub)
    if not found or found[0].end - found[0].start < len(fn) * 0.5:
        return None
    e = found[0]
    return EntityMention(quote_at + i, quote_at + i + len(fn), e.id, e.name)


def _figure_in(quote_at: int, quote: str, stated: Any) -> AmountMention | None:
    if not isinstance(stated, str) or not stated.strip():
        return None
    i = quote.find(stated.strip())
    if i < 0:
        return None
    try:
        amount = parse_amount(stated.strip())
    except AmountError:
        return None
    return AmountMention(quote_at + i, quote_at + i + len(stated.strip()), amount)


def validate_answer(norm: NormText, lo: int, hi: int, raw: list[dict[str, Any]], index: EntityIndex) -> list[Proposal]:
    """Keep what the text supports of a model's claims for ``norm.text[lo:hi]`` (see the module docstring)."""
    out: list[Proposal] = []
    used: set[int] = set()
    for c in raw:
        quote = c.get("quote")
        if not isinstance(quote, str) or len(quote.strip()) < 4:
            continue
        quote = quote.strip()
        at = norm.text.find(quote, lo, hi)
        while at in used and at >= 0:
            at = norm.text.find(quote, at + 1, hi)
        if at < 0:
            continue  # the quote is not in the text: everything in this claim is unsupported
        kind = c.get("kind")
        sentence = (at, at + len(quote))
        if kind == "deal":
            payer = _entity_in(at, quote, c.get("from"), norm, index)
            payee = _entity_in(at, quote, c.get("to"), norm, index)
            typ = c.get("type") if c.get("type") in DEAL_TYPES else None
            amount = _figure_in(at, quote, c.get("amount"))
            gw = _figure_in(at, quote, c.get("capacity_gw"))
            if payer is None or payee is None or payer.id == payee.id or typ is None or (amount is None and gw is None):
                continue
            p = Proposal("deal", sentence, 0.6, payer=payer, payee=payee, type=typ,
                         spans={"from": (payer.start, payer.end), "to": (payee.start, payee.end)})
            if amount is not None and amount.amount.unit not in ("GW", "MW"):
                p.amount = amount.amount
                p.spans["amount"] = (amount.start, amount.end)
            if gw is not None and gw.amount.unit in ("GW", "MW"):
                p.capacity_gw = gw.amount.point if gw.amount.unit == "GW" else gw.amount.point / 1000
                p.spans["capacity_gw"] = (gw.start, gw.end)
            if p.amount is None and p.capacity_gw is None:
                continue
        elif kind == "fact":
            ent = _entity_in(at, quote, c.get("entity"), norm, index)
            value = _figure_in(at, quote, c.get("value"))
            metric = c.get("metric")
            if ent is None or value is None or not isinstance(metric, str) or not re.fullmatch(r"[a-z_]{2,40}",
                                                                                                 metric):
                continue
            p = Proposal("fact", sentence, 0.6, entity=ent, metric=metric, value=value.amount,
                         spans={"entity": (ent.start, ent.end), "value": (value.start, value.end)})
            period = c.get("period")
            if isinstance(period, str) and period.strip():
                p.period = period.strip()  # a label, not a figure: kept, but it has no span unless quoted
                i = quote.find(period.strip())
                if i >= 0:
                    p.spans["period"] = (at + i, at + i + len(period.strip()))
        else:
            continue
        used.add(at)
        out.append(p)
    return out


def llm_claims(text: str, model_url: str, document: str = "document", ledger: Ledger | None = None,
               name: str = "", model: str = "default", index: EntityIndex | None = None,
               timeout: float = 60.0, api_key: str | None = None) -> list[dict[str, Any]]:
    """Claims proposed by a model server and checked against ``text`` (same schema as the rule backend).

    Raises:
        InputError: the server cannot be reached, answers with an HTTP error, or not in the chat schema.
    """
    try:
        import httpx
    except ImportError:
        raise InputError("the llm backend needs httpx", "pip install 'dealweb[llm]'") from None

    from dealweb.extract.ingest import claims_from_proposals

    index = index or EntityIndex(ledger)
    norm = normalise(text, name=name)
    url = model_url.rstrip("/") + "/chat/completions"
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    proposals: list[Proposal] = []
    with httpx.Client(timeout=timeout) as client:
        for lo, hi in _chunks(norm.text):
            body = {"model": model, "temperature": 0,
                    "messages": [{"role": "system", "content": SYSTEM_PROMPT},
                                 {"role": "user", "content": norm.text[lo:hi]}]}
            try:
                r = client.post(url, json=body, headers=headers)
            except httpx.HTTPError as exc:
                raise InputError(f"cannot reach the model server at {url}: {exc}",
                                 "start it, or drop --backend llm to use the built-in rules") from None
            if r.status_code != 200:
                raise InputError(f"the model server at {url} answered HTTP {r.status_code}",
                                 "check --model-url and --model") from None
            try:
                payload = r.json()
            except ValueError:
                raise InputError(f"the model server at {url} did not answer JSON", "check --model-url") from None
            proposals.extend(validate_answer(norm, lo, hi, _parse_json(_content(payload)), index))
    proposals.sort(key=lambda p: p.sentence)
    claims = claims_from_proposals(norm, proposals, document, ledger, name, index)
    for c in claims:
        c["backend"] = "llm"
    return claims
