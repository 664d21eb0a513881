"""Loading: conflicts, USD conversion, document lookup, and the export/import round trip."""

from __future__ import annotations

import dataclasses
import json
import math
import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dealweb.ledger import ledger_from_dict, ledger_to_dict, load_ledger
from dealweb.ledger.checks import stated_in_quote
from dealweb.model import (
    Claim,
    Conflict,
    Deal,
    Document,
    Entity,
    EntityKind,
    Event,
    Fact,
    Flow,
    Ledger,
    Party,
    Status,
    Tier,
    Tranche,
)
from dealweb.money import Amount, FxRate, FxTable, Qualifier

LEDGER = """\
# A small ledger with a comment, a multi-party deal, a JPY deal and disagreeing sources.
ledger:
  name: tiny
  description: a test ledger
fx:
  - {currency: JPY, rate: 0.0065, date: 2025-01-01}
  - {currency: JPY, rate: 0.0070, date: 2025-07-01}
entities:
  - {id: openai, names: {en: OpenAI}}
  - {id: oracle, names: {en: Oracle, zh-Hant: 甲骨文}, fiscal_year_end: 05-31, aliases: [ORCL]}
  - {id: softbank, names: {en: SoftBank, zh-Hant: 軟銀}, kind: company}
  - {id: stargate, names: {en: Stargate}, kind: project}
  - {id: japan, names: {en: Japan}, kind: government}
documents:
  - {id: a, title: Article A, outlet: Paper A, date: 2025-09-22, tier: major_press}
  - {id: b, title: Article B, date: 2025-10-01}
deals:
  - id: oai-orcl
    type: compute_contract
    from: openai
    to: oracle
    amount: 3000億美元
    capacity_gw: 4.5
    term: {start: 2027-01-01, years: 5}
    status: signed
    announced: 2025-09-10
    events:
      - {date: 2025-09-10, status: signed}
      - {date: 2026-02-01, status: cancelled, note: fizzled}
    claims:
      - {document: a, stated: 3000億美元, quote: 價值3000億美元的雲端合同}
      - {document: b, stated: 1000億美元, quote: 投資1000億美元購買Oracle, flag: joke, note: the meme}
      - {document: b, stated: 300億美元, quote: 300億美元的合約}
  - id: sb-sg
    type: joint_venture
    parties: [{entity: openai, role: operator}, {entity: softbank, role: financier}, oracle]
    amount: 5000億美元
    capacity_gw: 10                 # a per_gw tranche with an amount needs the GW it is paid for
    flows:
      - {from: softbank, to: stargate, amount: 190億美元, note: SoftBank's share}
      - {from: openai, to: stargate, amount: {low: 1.0e10, high: 2.0e10, currency: USD, text: 100-200億美元}}
    tranches:
      - {trigger: per_gw, amount: 100億美元, note: each GW}
    claims:
      - {document: a, stated: 5000億美元, quote: 總額5000億美元的星際之門}
      - {document: a, stated: 5000億美元, quote: 5000億美元}
  - id: japan-ai
    type: equity_investment
    from: japan
    to: softbank
    amount: 10兆日元
    announced: 2025-06-01
    claims:
      - {document: a, stated: 10兆日元（約650億美元）, quote: 10兆日元（約650億美元）的計劃}
      - {document: b, stated: 65億美元, quote: 約65億美元}
facts:
  - id: orcl-rpo
    entity: oracle
    metric: rpo
    value: 4550億美元
    period: FY2026 Q1
    claims:
      - {document: a, stated: 4550億美元, quote: RPO達到4550億美元}
      - {document: b, stated: 4550億美元, quote: 4550億美元, field: value}
      - {document: b, stated: 455億美元, quote: RPO為455億美元}
"""


def _load(tmp_path: Path, text: str = LEDGER) -> Any:
    root = tmp_path / "led"
    root.mkdir(parents=True, exist_ok=True)
    (root / "main.yaml").write_text(text, encoding="utf-8")
    return load_ledger(root)


def test_tiny_ledger_has_no_errors(tmp_path: Path) -> None:
    result = _load(tmp_path)
    assert result.errors == [], [str(p) for p in result.errors]
    led = result.ledger
    assert set(led.deals) == {"oai-orcl", "sb-sg", "japan-ai"} and led.name == "tiny"
    assert led.entity("甲骨文").id == "oracle" and led.entity("orcl").id == "oracle"


def test_conflicts_are_derived(tmp_path: Path) -> None:
    led = _load(tmp_path).ledger
    got = sorted((c.record, c.field, c.kind, tuple(sorted(x.stated or "" for x in c.claims))) for c in led.conflicts)
    assert got == sorted([
        # the joke is flagged, and kept out of the pairwise comparison
        ("oai-orcl", "amount", "flagged", ("1000億美元",)),
        # 3000億 against 300億: a factor of 10
        ("oai-orcl", "amount", "unit_slip", ("3000億美元", "300億美元")),
        # 10兆日元 at the stated 650億美元 against 65億美元: a factor of 10 in USD
        ("japan-ai", "amount", "unit_slip", ("10兆日元（約650億美元）", "65億美元")),
        # 4550億 against 455億 (twice: both 4550億 claims)
        ("orcl-rpo", "value", "unit_slip", ("4550億美元", "455億美元")),
        ("orcl-rpo", "value", "unit_slip", ("4550億美元", "455億美元")),
    ])


def test_value_mismatch_and_overlap(tmp_path: Path) -> None:
    old = "stated: 300億美元, quote: 300億美元的合約"
    text = LEDGER.replace(old, "stated: 約2000億美元, quote: 約2000億美元的合約")
    led = _load(tmp_path, text).ledger
    kinds = [c.kind for c in led.conflicts if c.record == "oai-orcl"]
    # 3000億 vs [1800億, 2200億]: no overlap, ratio 1.5: a mismatch, not a slip
    assert sorted(kinds) == ["flagged", "value_mismatch"]
    text = LEDGER.replace(old, "stated: 約2900億美元, quote: 約2900億美元的合約")
    led = _load(tmp_path / "2", text).ledger
    # 3000億 lies inside [2610億, 3190億]: they agree
    assert [c.kind for c in led.conflicts if c.record == "oai-orcl"] == ["flagged"]


def test_usd_conversion_from_fx_table_and_stated(tmp_path: Path) -> None:
    led = _load(tmp_path).ledger
    deal = led.deals["japan-ai"]
    # announced 2025-06-01: the 2025-01-01 rate 0.0065 applies (not July's 0.0070): 1e13 x 0.0065
    assert deal.amount is not None and math.isclose(deal.amount.usd_low or 0, 6.5e10)
    assert deal.amount.usd_source == "fx:JPY@2025-01-01"
    stated = deal.claims[0].amount
    assert stated is not None and stated.usd_source == "stated" and math.isclose(stated.usd_low or 0, 6.5e10)


def test_multi_party_flows_are_explicit(tmp_path: Path) -> None:
    deal = _load(tmp_path).ledger.deals["sb-sg"]
    flows = deal.pairwise_flows()
    assert [(f.payer, f.payee) for f in flows] == [("softbank", "stargate"), ("openai", "stargate")]
    assert flows[1].amount is not None and (flows[1].amount.low, flows[1].amount.high) == (1e10, 2e10)
    assert [p.entity for p in deal.parties] == ["openai", "softbank", "oracle"]
    assert deal.tranches[0].amount is not None and deal.tranches[0].amount.low == 1e10


def test_lifecycle_reads_as_of_a_date(tmp_path: Path) -> None:
    led = _load(tmp_path).ledger
    assert "oai-orcl" in [d.id for d in led.deals_on(date(2025, 10, 1))]
    assert "oai-orcl" not in [d.id for d in led.deals_on(date(2026, 3, 1))]  # cancelled ("fizzled")
    assert "oai-orcl" not in [d.id for d in led.deals_on(date(2025, 1, 1))]  # not yet announced


def test_stated_in_quote_normalises_digits() -> None:
    assert stated_in_quote("1000億美元", "投資1,000 億美元")
    assert stated_in_quote("1000億美元", "投資１，０００億美元")
    assert stated_in_quote("1.6億股", "最多1.6億股AMD普通股")
    assert not stated_in_quote("18億美元", "投資180億美元")
    assert not stated_in_quote("數百億美元", "價值數千億美元")
    assert stated_in_quote("$40 billion", "a $40bn order")


def _strip_pos(x: Any) -> Any:
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        changes = {f.name: _strip_pos(getattr(x, f.name)) for f in dataclasses.fields(x)}
        if "pos" in changes:
            changes["pos"] = None
        return dataclasses.replace(x, **changes)
    if isinstance(x, dict):
        return {k: _strip_pos(v) for k, v in x.items()}
    if isinstance(x, tuple):
        return tuple(_strip_pos(v) for v in x)
    return x


def test_export_import_round_trip(tmp_path: Path) -> None:
    led = _load(tmp_path).ledger
    d1 = ledger_to_dict(led)
    text = json.dumps(d1, ensure_ascii=False, allow_nan=False)  # JSON-ready, no NaN
    back = ledger_from_dict(json.loads(text))
    assert ledger_to_dict(back) == d1
    expected: Ledger = _strip_pos(dataclasses.replace(led, root=None, documents_dirs=()))
    assert back == expected


def test_export_stable_keys(tmp_path: Path) -> None:
    d = ledger_to_dict(_load(tmp_path).ledger)
    assert {"entities", "deals", "facts", "conflicts", "documents"} <= set(d)
    deal = next(x for x in d["deals"] if x["id"] == "oai-orcl")
    assert {"id", "type", "from", "to", "amount", "capacity_gw", "status", "sources"} <= set(deal)
    assert {"low", "high", "currency", "qualifier", "usd_low", "usd_high"} <= set(deal["amount"])
    assert {"document", "quote", "start", "end"} <= set(deal["sources"][0])
    assert (deal["from"], deal["to"], deal["amount"]["low"], deal["amount"]["currency"]) == \
        ("openai", "oracle", 3e11, "USD")
    fact = d["facts"][0]
    assert (fact["period_start"], fact["period_end"]) == ("2025-06-01", "2025-08-31")  # Oracle FY26 Q1


def test_documents_are_found_only_where_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No path magic: a ledger in a checkout with ../shared/seeds beside it does not find documents there;
    they are found through --documents (documents_dirs=) or DEALWEB_DOCUMENTS."""
    monkeypatch.delenv("DEALWEB_DOCUMENTS", raising=False)
    checkout = tmp_path / "checkout"
    (checkout / "led").mkdir(parents=True)
    (checkout / ".git").mkdir()
    (checkout / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    seeds = tmp_path / "shared" / "seeds"
    seeds.mkdir(parents=True)
    (seeds / "doc.txt").write_text("0123456789 投資1000億美元。", encoding="utf-8")
    (checkout / "led" / "a.yaml").write_text(
        "entities:\n  - {id: a, names: {en: A}}\n  - {id: b, names: {en: B}}\n"
        "documents:\n  - {id: d, title: T, file: doc.txt}\n"
        "deals:\n  - id: x\n    type: services\n    from: a\n    to: b\n    amount: 1000億美元\n"
        "    claims:\n      - {document: d, stated: 1000億美元, quote: 投資1000億美元, start: 0, end: 9}\n",
        encoding="utf-8")
    result = load_ledger(checkout / "led", cache=False)
    assert result.ledger.documents_dirs == () and result.errors == []  # not found: quotes are not checked
    # given explicitly
    explicit = load_ledger(checkout / "led", documents_dirs=[seeds], cache=False)
    assert str(seeds.resolve()) in explicit.ledger.documents_dirs
    (p,) = explicit.errors
    assert "it stands at 11..20" in p.message  # "0123456789 " is 11 characters; the quote 9
    # through the environment variable (os.pathsep-separated; a missing folder is skipped)
    monkeypatch.setenv("DEALWEB_DOCUMENTS", os.pathsep.join([str(tmp_path / "nowhere"), str(seeds)]))
    from_env = load_ledger(checkout / "led")
    assert str(seeds.resolve()) in from_env.ledger.documents_dirs
    assert "it stands at 11..20" in from_env.errors[0].message


def test_cache_sees_every_change(tmp_path: Path) -> None:
    root = tmp_path / "c"
    root.mkdir()
    (root / "doc.txt").write_text("abc 投資1000億美元", encoding="utf-8")
    text = ("ledger: {documents_dirs: [.]}\nentities:\n  - {id: a, names: {en: A}}\n  - {id: b, names: {en: B}}\n"
            "documents:\n  - {id: d, title: T, file: doc.txt}\n"
            "deals:\n  - id: x\n    type: services\n    from: a\n    to: b\n    amount: 1000億美元\n"
            "    claims:\n      - {document: d, stated: 1000億美元, quote: 投資1000億美元, start: 4, end: 13}\n")
    (root / "a.yaml").write_text(text, encoding="utf-8")
    first = load_ledger(root)
    assert first.errors == []
    again = load_ledger(root)
    assert again.ledger.deals == first.ledger.deals and again.ledger.deals is not first.ledger.deals
    again.ledger.deals.clear()  # a caller's copy: mutating it must not poison the cache
    assert "x" in load_ledger(root).ledger.deals
    (root / "doc.txt").write_text("abcd 投資1000億美元", encoding="utf-8")  # the document changed
    assert "it stands at 5..14" in load_ledger(root).errors[0].message
    (root / "a.yaml").write_text(text.replace("start: 4, end: 13", "start: 5, end: 14"), encoding="utf-8")
    assert load_ledger(root).errors == []
    (root / "b.yaml").write_text("entities:\n  - {id: a, names: {en: A2}}\n", encoding="utf-8")  # a new file
    assert "duplicate entity id 'a'" in load_ledger(root).errors[0].message
    assert load_ledger(root, cache=False).errors[0].message == load_ledger(root).errors[0].message


def test_repeated_records_warn(tmp_path: Path) -> None:
    extra = """\
  - id: oai-orcl-again
    type: compute_contract
    from: openai
    to: oracle
    amount: 約3000億美元
    claims:
      - {document: b, stated: 3000億美元, quote: 3000億美元}
  - id: oai-orcl-small
    type: compute_contract
    from: openai
    to: oracle
    amount: 10億美元
    claims:
      - {document: b, stated: 10億美元, quote: 10億美元}
"""
    fact = """\
  - id: orcl-rpo-2
    entity: oracle
    metric: rpo
    value: 4550億美元
    period: FY2026 Q1
    claims:
      - {document: a, stated: 4550億美元, quote: 4550億美元}
"""
    text = LEDGER.replace("facts:\n", extra + "facts:\n") + fact
    result = _load(tmp_path, text)
    assert result.errors == []
    repeats = sorted(p.message.split(" (")[0] for p in result.warnings
                     if "same type, payer and payee" in p.message or "repeats" in p.message)
    # about 3000億 overlaps 3000億: the same deal twice; 10億 does not overlap it: a different contract
    assert repeats == ["deal 'oai-orcl-again' has the same type, payer and payee as 'oai-orcl'",
                       "fact 'orcl-rpo-2' repeats 'orcl-rpo'"]


# --- round trip on generated ledgers --------------------------------------------------------------------
_IDS = st.sampled_from(["a", "b", "c", "d"])
_TEXT = st.text(max_size=8)
_DATES = st.one_of(st.none(), st.dates(date(2020, 1, 1), date(2030, 12, 31)))


@st.composite
def _amounts(draw: st.DrawFn) -> Amount | None:
    if draw(st.booleans()):
        return None
    low = draw(st.floats(0, 1e13, allow_nan=False))
    high = draw(st.one_of(st.none(), st.floats(low, 2e13, allow_nan=False)))
    unit = draw(st.sampled_from(["USD", "JPY", "shares", "GW", None]))
    rate = draw(st.one_of(st.none(), st.floats(1e-4, 2.0))) if unit == "JPY" else None
    return Amount(low, high, draw(st.sampled_from(list(Qualifier))), unit, draw(_TEXT),
                  nominal=draw(st.floats(0, 2e13, allow_nan=False)), usd_rate=rate,
                  usd_source=None if rate is None else draw(st.sampled_from(["stated", "fx:JPY@2025-01-01"])))


_CLAIMS = st.builds(Claim, document=_IDS, quote=_TEXT, start=st.one_of(st.none(), st.integers(0, 999)),
                    end=st.one_of(st.none(), st.integers(0, 999)), field=st.sampled_from(["amount", "value"]),
                    stated=st.one_of(st.none(), _TEXT), amount=_amounts(),
                    flag=st.sampled_from([None, "joke", "unit_slip"]), note=_TEXT)


@st.composite
def _ledgers(draw: st.DrawFn) -> Ledger:
    ents = {i: Entity(i, draw(st.dictionaries(st.sampled_from(["en", "zh-Hant"]), _TEXT, min_size=1)),
                      draw(st.sampled_from(list(EntityKind))), tuple(draw(st.lists(_TEXT, max_size=2))),
                      draw(st.one_of(st.none(), _TEXT)), None, draw(st.sampled_from([(12, 31), (5, 31)])))
            for i in ["a", "b", "c", "d"]}
    docs = {i: Document(i, draw(_TEXT), date=draw(_DATES), tier=draw(st.sampled_from(list(Tier))),
                        file=draw(st.one_of(st.none(), _TEXT)), start=draw(st.one_of(st.none(), st.integers(0, 9))))
            for i in ["a", "b"]}
    deals = {}
    for k in range(draw(st.integers(0, 4))):
        did = f"deal-{k}"
        deals[did] = Deal(
            did, draw(st.sampled_from(["compute_contract", "warrant", "partnership"])), draw(_IDS), draw(_IDS),
            parties=tuple(Party(x, draw(_TEXT)) for x in draw(st.lists(_IDS, max_size=2))),
            flows=tuple(Flow(x, y, draw(_amounts()), did, "services", draw(_TEXT))
                        for x, y in draw(st.lists(st.tuples(_IDS, _IDS), max_size=2))),
            amount=draw(_amounts()), quantity=draw(_amounts()),
            capacity_gw=draw(st.one_of(st.none(), st.floats(0, 20))), term_start=draw(_DATES),
            term_years=draw(st.one_of(st.none(), st.floats(0.5, 20))),
            tranches=tuple(Tranche(draw(_TEXT), draw(_amounts()), None, draw(st.one_of(st.none(), st.floats(0, 1e3))),
                                   draw(_DATES)) for _ in range(draw(st.integers(0, 1)))),
            conditions=tuple(draw(st.lists(_TEXT, max_size=2))), status=draw(st.sampled_from(list(Status))),
            announced=draw(_DATES),
            events=tuple(Event(draw(st.dates(date(2020, 1, 1), date(2030, 1, 1))), draw(st.sampled_from(list(Status))),
                               draw(_TEXT), tuple(draw(st.lists(_CLAIMS, max_size=1))))
                         for _ in range(draw(st.integers(0, 2)))),
            claims=tuple(draw(st.lists(_CLAIMS, max_size=3))), title=draw(_TEXT), note=draw(_TEXT))
    facts = {}
    for k in range(draw(st.integers(0, 3))):
        value = draw(_amounts()) or Amount(1.0, 1.0, nominal=1.0)  # loaded amounts always carry a nominal
        facts[f"f{k}"] = Fact(f"f{k}", draw(_IDS), "rpo", value, draw(st.sampled_from([None, "FY2026 Q1", "2025"])),
                              draw(_DATES), tuple(draw(st.lists(_CLAIMS, max_size=2))), draw(_TEXT))
    conflicts = tuple(Conflict(draw(_IDS), "amount", "flagged", draw(_TEXT), tuple(draw(st.lists(_CLAIMS, max_size=2))))
                      for _ in range(draw(st.integers(0, 2))))
    fx = FxTable(tuple(FxRate("JPY", draw(st.floats(1e-4, 1.0)), draw(st.dates(date(2020, 1, 1), date(2030, 1, 1))),
                              draw(_TEXT)) for _ in range(draw(st.integers(0, 2)))))
    return Ledger(draw(_TEXT), draw(_TEXT), ents, docs, deals, facts, fx, conflicts)


@settings(max_examples=60, deadline=None)
@given(_ledgers())
def test_round_trip_property(led: Ledger) -> None:
    data = json.loads(json.dumps(ledger_to_dict(led), ensure_ascii=False, allow_nan=False))
    assert ledger_from_dict(data) == led


def test_status_follows_events(tmp_path: Path) -> None:
    led = _load(tmp_path).ledger
    assert led.deals["oai-orcl"].status is Status.SIGNED  # as written (warned: its latest event says cancelled)
    result = _load(tmp_path / "2", LEDGER.replace("    status: signed\n", ""))
    assert result.ledger.deals["oai-orcl"].status is Status.CANCELLED  # not written: the latest event's
    assert not [p for p in result.warnings if "latest event" in p.message]
    (w,) = [p for p in _load(tmp_path / "3").warnings if "latest event" in p.message]
    assert w.message == "deal 'oai-orcl' has status 'signed' but its latest event (2026-02-01) says 'cancelled'"
    assert (w.line, w.col) == (25, 13)  # "    status: signed", line 25 of LEDGER


def test_record_figure_must_match_a_source(tmp_path: Path) -> None:
    text = LEDGER.replace("    amount: 3000億美元\n    capacity_gw", "    amount: 3500億美元\n    capacity_gw")
    (w,) = [p for p in _load(tmp_path, text).warnings if "is not what any of its sources says" in p.message]
    # 3500億 overlaps neither 3000億 nor 300億 (the joke 1000億 is flagged and does not count)
    assert w.message == "oai-orcl.amount '3500億美元' is not what any of its sources says ('3000億美元', '300億美元')"
    assert not [p for p in _load(tmp_path / "ok").warnings if "is not what any" in p.message]
