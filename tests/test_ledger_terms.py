"""Time and payment terms of the ledger format: the window, document dates, per-year amounts, schedule shapes,
tranche triggers, strike prices and ``includes``.

Broken ledgers first (each case: the YAML, the message fragment and the line:col counted by hand from the
text: the first line of the YAML is line 1, columns are 1-based and point at the offending value, or at the
record for a missing key), then what a valid ledger reads as, and the round trip through the JSON export.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dealweb.ledger import ledger_from_dict, ledger_to_dict, load_ledger
from dealweb.model import Deal, Document, Event, Fact, Ledger, Rate, Status, Tranche, Window
from dealweb.money import Amount, Qualifier
from dealweb.periods import PeriodError, day_or_period

DOC = "#H\nT\n甲說:OpenAI每年支付約300億美元,從2028財年起。乙說:AMD行權價每股0.01美元。\n"
QA = "OpenAI每年支付約300億美元,從2028財年起"
QA_START = DOC.index(QA)  # 8: "#H\n" (3) + "T\n" (2) + "甲說:" (3)
QB = "AMD行權價每股0.01美元"
QB_START = DOC.index(QB)

# HEAD is 16 lines: ledger (1-3), entities (4-9), documents (10-16). Bodies start on line 17.
HEAD = """\
ledger:
  name: tiny
  documents_dirs: [texts]
entities:
  - id: openai
    names: {en: OpenAI}
  - id: oracle
    names: {en: Oracle}
    fiscal_year_end: 05-31
documents:
  - id: d1
    title: T
    file: doc.txt
    date: 2025-09-10
  - id: d2
    title: U
"""


def test_offsets() -> None:
    assert HEAD.count("\n") == 16
    assert DOC[QA_START:QA_START + len(QA)] == QA and QA_START == 8  # 3 + 2 + len("甲說:") == 3
    assert DOC[QB_START:QB_START + len(QB)] == QB


def _deal(body: str, head: str = HEAD) -> str:
    """A deal starting on line 17 ("deals:"), its record on line 18; ``body`` from line 22 on."""
    return head + (
        "deals:\n"                       # 17
        "  - id: c\n"                    # 18
        "    type: compute_contract\n"   # 19
        "    from: openai\n"             # 20
        "    to: oracle\n"               # 21
    ) + body


def _load(tmp_path: Path, text: str) -> Any:
    root = tmp_path / "led"
    (root / "texts").mkdir(parents=True)
    (root / "texts" / "doc.txt").write_text(DOC, encoding="utf-8")
    (root / "a.yaml").write_text(text, encoding="utf-8")
    return load_ledger(root, cache=False)


CASES = [
    # ledger window: "  window: {start: 2025-01-01, end: 2024-01-01}": 'end' value at index 35 -> col 36
    ("window-inverted", HEAD.replace("  documents_dirs: [texts]\n",
                                     "  documents_dirs: [texts]\n  window: {start: 2025-01-01, end: 2024-01-01}\n"),
     "window ends (2024-01-01) before it starts (2025-01-01)", 4, 36),
    ("window-no-start", HEAD.replace("  documents_dirs: [texts]\n",
                                     "  documents_dirs: [texts]\n  window: {end: 2026-01-01}\n"),
     "the ledger's 'window' has no 'start'", 4, 11),
    # document dates: "    date: 2025-09-10" on line 14, value at col 11
    ("date-before-bound", HEAD.replace("    date: 2025-09-10\n", "    date: 2025-09-10\n    not_before: 2025-10-01\n"),
     "dated 2025-09-10 but cannot be older than 2025-10-01", 14, 11),
    ("date-after-bound", HEAD.replace("    date: 2025-09-10\n", "    date: 2025-09-10\n    not_after: 2025-01-01\n"),
     "cannot be later than 2025-01-01", 14, 11),
    ("bounds-inverted", HEAD + "    not_before: 2025-03-01\n    not_after: 2025-02-01\n",
     "not_after 2025-02-01 is before not_before 2025-03-01", 18, 16),
    # "    date_basis: bounded" on line 15: value at col 17
    ("bounded-with-date", HEAD.replace("    date: 2025-09-10\n", "    date: 2025-09-10\n    date_basis: bounded\n"),
     "date_basis 'bounded' means the text gives no date", 15, 17),
    ("implied-without-date", HEAD + "    date_basis: implied\n", "date_basis 'implied' needs a 'date'", 17, 17),
    ("bounded-without-bound", HEAD + "    date_basis: bounded\n", "needs not_before or not_after", 17, 17),
    ("unknown-basis", HEAD + "    date_basis: guessed\n", "unknown date basis 'guessed'", 17, 17),
    # a document dated before an event it reports: the error sits at the document (line 11, col 5)
    ("doc-before-event", _deal(
        "    events:\n"                                                    # 22
        "      - date: 2025-10-01\n"                                       # 23
        "        status: signed\n"                                         # 24
        f"        claims: [{{document: d1, quote: \"{QA}\", start: {QA_START}, end: {QA_START + len(QA)}}}]\n"),
     "document 'd1' is dated 2025-09-10 but reports deal 'c''s event 'signed' of 2025-10-01", 11, 5),
    # schedules: "    schedule: ramp" on line 23, value at col 15
    ("ramp-without-term", _deal("    amount: 3000億美元\n    schedule: ramp\n    term: {start: 2027}\n"),
     "schedule 'ramp' of deal 'c' needs a length", 23, 15),
    ("tranches-without-tranche", _deal("    amount: 3000億美元\n    schedule: tranches\n"),
     "schedule 'tranches' of deal 'c' needs tranches", 23, 15),
    ("on-delivery-without-length", _deal("    amount: 10億美元\n    schedule: on_delivery\n    term: {start: 2026}\n"),
     "needs a length", 23, 15),
    ("tranches-with-flat", _deal("    amount: 10億美元\n    schedule: flat\n    term: {start: 2026, years: 2}\n"
                                 "    tranches: [{trigger: date, date: 2026-06-01}]\n"),
     "has tranches but schedule 'flat'", 23, 15),
    # "    term: {start: FY20x8, years: 5}": value of start at index 18 -> col 19
    ("bad-term-start", _deal("    term: {start: FY20x8, years: 5}\n"),
     "cannot read 'FY20x8' as a date or a period", 22, 19),
    # per_year on line 22; its item on line 23 ("      - amount: ..." -> the mapping at col 9)
    ("per-year-no-start", _deal("    per_year:\n      - amount: 約300億美元\n"), "per_year item has no 'start'", 23, 9),
    ("per-year-bad-calendar", _deal("    per_year:\n      - {amount: 約300億美元, start: FY2028, calendar: orcl}\n"),
     "unknown entity 'orcl' in 'calendar'", 23, 52),
    ("per-year-not-money", _deal("    per_year:\n      - {amount: 3億股, start: FY2028}\n"),
     "'amount' must be money", 23, 18),  # "      - {amount: 3億股": '{' at index 8, value at index 17
    # tranches: "    tranches:" line 24, first item line 25 (col 9 for the mapping)
    ("unknown-trigger", _deal("    amount: 10億美元\n    schedule: tranches\n    tranches:\n"
                              "      - {trigger: per_mw}\n"),
     "unknown tranche trigger 'per_mw'", 25, 19),  # "      - {trigger: per_mw}": value at index 18
    ("share-price-without-price", _deal("    schedule: tranches\n    tranches:\n      - trigger: share_price\n"
                                        "        quantity: 1.6億股\n"),
     "a 'share_price' tranche needs 'price'", 24, 9),
    ("milestone-without-words", _deal("    schedule: tranches\n    tranches:\n"
                                      "      - {trigger: milestone, amount: 1億美元}\n"),
     "a 'milestone' tranche needs 'milestone'", 24, 9),
    ("date-without-date", _deal("    schedule: tranches\n    tranches:\n      - {trigger: date, amount: 1億美元}\n"),
     "a 'date' tranche needs 'date'", 24, 9),
    ("per-gw-without-size", _deal("    schedule: tranches\n    capacity_gw: 10\n    tranches:\n"
                                  "      - {trigger: per_gw}\n"),
     "a per_gw tranche without 'amount' is sized from the deal's amount and capacity_gw", 25, 9),
    # "      - {trigger: per_gw, gw: 3}": the 'gw' value at index 30 -> col 31
    ("per-gw-not-whole", _deal("    amount: 100億美元\n    capacity_gw: 10\n    schedule: tranches\n    tranches:\n"
                               "      - {trigger: per_gw, gw: 3}\n"),
     "capacity 10 GW is not a whole number of 3 GW steps", 26, 31),
    # 10 steps of 20億 = 200億 > 100億: at the 'tranches' value, the list (line 26, col 7: its first '-')
    ("tranches-exceed-amount", _deal("    amount: 100億美元\n    capacity_gw: 10\n    schedule: tranches\n"
                                     "    tranches:\n      - {trigger: per_gw, amount: 20億美元}\n"),
     "tranches of deal 'c' add up to $20B, more than the deal's amount ($10B)", 26, 7),
    ("tranches-exceed-quantity", _deal("    quantity: 1億股\n    schedule: tranches\n    tranches:\n"
                                       "      - {trigger: share_price, price: 600美元, quantity: 1.6億股}\n"),
     "tranches of deal 'c' add up to 1.6e+08 shares, more than the deal's quantity (1e+08)", 25, 7),
    ("strike-not-money", _deal("    strike: 0.01\n"), "amount '0.01' in 'strike' has no currency", 22, 13),
    # facts: "  - {id: f, entity: oracle, metric: capex, value: 350億美元, includes: [nope]}": '[' at index 68,
    # the item 'nope' at index 69 (350億美元 is 6 characters)
    ("includes-unknown-deal", HEAD + "facts:\n  - {id: f, entity: oracle, metric: capex, value: 350億美元, "
                                     "includes: [nope]}\n",
     "'includes' names 'nope', which is not a deal of this ledger", 18, 70),
]


@pytest.mark.parametrize(("name", "text", "fragment", "line", "col"), CASES, ids=[c[0] for c in CASES])
def test_broken_terms(tmp_path: Path, name: str, text: str, fragment: str, line: int, col: int) -> None:
    result = _load(tmp_path, text)
    hits = [p for p in result.errors if fragment in p.message]
    assert hits, f"{name}: no error containing {fragment!r}; got {[str(p) for p in result.problems]}"
    p = hits[0]
    assert (p.line, p.col) == (line, col), f"{name}: {p}"
    assert p.hint, f"{name}: the error has no hint"
    assert p.file.endswith("a.yaml")


def test_flows_schedule_check_is_not_repeated(tmp_path: Path) -> None:
    # the loader's own check flags the ramp at its 'schedule' value; check_schedules (dealweb.ledger.schedules)
    # would say it again at the deal's line: one error, not two
    result = _load(tmp_path, _deal("    amount: 3000億美元\n    schedule: ramp\n"))
    assert [(p.line, p.col) for p in result.errors] == [(23, 15)]


def test_flat_and_upfront_may_leave_the_term_open(tmp_path: Path) -> None:
    for shape in ("flat", "upfront"):
        result = _load(tmp_path / shape, _deal(f"    amount: 3000億美元\n    schedule: {shape}\n"))
        assert result.errors == [], [str(p) for p in result.errors]


def test_strike_on_a_non_warrant_is_warned(tmp_path: Path) -> None:
    result = _load(tmp_path, _deal("    strike: 0.01美元\n"))
    assert result.errors == []
    assert [(p.line, p.col) for p in result.warnings if "strike" in p.message] == [(22, 13)]


VALID = HEAD.replace("  documents_dirs: [texts]\n", "  documents_dirs: [texts]\n  window: {start: 2025-01-01}\n") \
    + "    date_basis: bounded\n    not_before: 2025-01-21\n" + f"""\
deals:
  - id: c
    type: compute_contract
    from: openai
    to: oracle
    amount: 3000億美元
    term: {{start: "2027", years: 5}}
    schedule: ramp
    per_year:
      - amount: 約300億美元
        start: FY2028
        end: FY2031
        claims: [{{document: d1, stated: 約300億美元, quote: "{QA}", start: {QA_START}, end: {QA_START + len(QA)}}}]
  - id: w
    type: warrant
    from: oracle
    to: openai
    quantity: 1.6億股
    strike: 0.01美元
    schedule: tranches
    tranches:
      - {{trigger: share_price, price: 600美元, quantity: 1.6億股}}
  - id: n
    type: equity_investment
    from: oracle
    to: openai
    amount: 最高1000億美元
    capacity_gw: 10
    schedule: tranches
    tranches:
      - {{trigger: per_gw, gw: 1, start: 2026-H2}}
      - {{trigger: milestone, milestone: first site online, amount: 0美元}}
  - id: old
    type: acquisition_stake
    from: openai
    to: oracle
    amount: 440億美元
    events: [{{date: 2022-10-27, status: completed}}]
    status: completed
facts:
  - {{id: capex, entity: oracle, metric: capex_guidance, value: 350億美元, period: FY2026, includes: [c]}}
"""


def test_valid_terms_read_as_written(tmp_path: Path) -> None:
    result = _load(tmp_path, VALID)
    assert result.errors == [], [str(p) for p in result.errors]
    led = result.ledger
    assert led.window is not None and led.window.start == date(2025, 1, 1) and led.window.end is None
    assert led.is_history(led.deals["old"]) and not led.is_history(led.deals["c"])
    assert [d.id for d in led.live_deals()] == ["c", "w", "n"]
    c = led.deals["c"]
    assert (c.term_start, c.term_start_label, c.term_years, c.schedule, c.schedule_stated) == \
        (date(2027, 1, 1), "2027", 5.0, "ramp", True)
    (r,) = c.per_year
    # Oracle's FY2028 runs 2027-06-01 .. 2028-05-31; FY2031 ends 2031-05-31 (the payee's fiscal calendar)
    assert (r.start, r.start_label, r.end, r.end_label) == (date(2027, 6, 1), "FY2028", date(2031, 5, 31), "FY2031")
    assert r.amount.low == pytest.approx(2.7e10) and r.amount.high == pytest.approx(3.3e10)  # about: +-10 %
    assert [(cl.field, cl.start) for cl in r.claims] == [("per_year", QA_START)]
    w = led.deals["w"]
    assert w.strike is not None and (w.strike.low, w.strike.unit) == (0.01, "USD")
    (t,) = w.tranches
    assert t.price is not None and t.price.low == 600.0 and t.threshold == 600.0  # threshold kept for readers
    n = led.deals["n"]
    gw_tranche, milestone = n.tranches
    assert (gw_tranche.gw, gw_tranche.count, gw_tranche.pro_rata, gw_tranche.amount) == (1.0, 10, True, None)
    assert (gw_tranche.start, gw_tranche.start_label) == (date(2026, 7, 1), "2026-H2")
    assert milestone.milestone == "first site online"
    assert led.facts["capex"].includes == ("c",)
    d1, d2 = led.documents["d1"], led.documents["d2"]
    assert (d1.basis, d2.basis, d2.date, d2.not_before) == ("stated", "bounded", None, date(2025, 1, 21))
    # known_on: dated from its date; bounded: certainly not before the bound, unknown after it
    assert (d1.known_on(date(2025, 9, 9)), d1.known_on(date(2025, 9, 10))) == (False, True)
    assert (d2.known_on(date(2025, 1, 20)), d2.known_on(date(2025, 6, 1))) == (False, None)
    assert Document("x", "t").known_on(date(2030, 1, 1)) is None and Document("x", "t").basis == "unknown"


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


def test_new_fields_round_trip_through_the_export(tmp_path: Path) -> None:
    led = _load(tmp_path, VALID).ledger
    data = json.loads(json.dumps(ledger_to_dict(led), ensure_ascii=False, allow_nan=False))
    assert data["window"] == {"start": "2025-01-01", "end": None, "note": ""}
    deal = next(x for x in data["deals"] if x["id"] == "c")
    assert deal["per_year"][0]["start"] == "2027-06-01" and deal["per_year"][0]["start_label"] == "FY2028"
    assert deal["schedule_stated"] is True and deal["term"]["start_label"] == "2027"
    w = next(x for x in data["deals"] if x["id"] == "w")
    assert w["strike"]["low"] == 0.01 and w["tranches"][0]["price"]["low"] == 600.0
    doc = next(x for x in data["documents"] if x["id"] == "d2")
    assert (doc["date_basis"], doc["not_before"]) == ("bounded", "2025-01-21")
    assert next(x for x in data["facts"] if x["id"] == "capex")["includes"] == ["c"]
    back = ledger_from_dict(data)
    assert ledger_to_dict(back) == data
    assert back == _strip_pos(dataclasses.replace(led, root=None, documents_dirs=(), conflicts=back.conflicts))


def test_day_or_period() -> None:
    assert day_or_period("FY2028", (5, 31)) == date(2027, 6, 1)
    assert day_or_period("FY2028", (5, 31), edge="end") == date(2028, 5, 31)
    assert day_or_period("FY2028") == date(2028, 1, 1)  # a calendar-year company
    assert day_or_period("2026-H2") == date(2026, 7, 1)
    assert day_or_period(" 2027 ") == date(2027, 1, 1)
    with pytest.raises(PeriodError):
        day_or_period("2025-02-30")
    with pytest.raises(PeriodError):
        day_or_period("next year")


def test_status_unchanged_by_history() -> None:
    # completed_on is the latest 'completed' event while the status is completed
    d = Deal("x", "acquisition_stake", "a", "b", status=Status.COMPLETED,
             events=(Event(date(2022, 10, 27), Status.COMPLETED), Event(date(2022, 4, 1), Status.ANNOUNCED)))
    assert d.completed_on() == date(2022, 10, 27)
    assert Deal("y", "acquisition_stake", "a", "b", status=Status.SIGNED,
                events=(Event(date(2022, 1, 1), Status.COMPLETED),)).completed_on() is None


# -- property: every new field survives the JSON export and back ------------------------------------------

_D = st.one_of(st.none(), st.dates(date(2000, 1, 1), date(2040, 12, 31)))
_T = st.text(st.characters(blacklist_categories=("Cs",)), max_size=8)


@st.composite
def _money(draw: Any) -> Amount:
    low = draw(st.floats(0, 1e12, allow_nan=False))
    high = low + draw(st.floats(0, 1e12, allow_nan=False))
    return Amount(low, high, draw(st.sampled_from(list(Qualifier))), "USD", draw(_T), nominal=(low + high) / 2)


@st.composite
def _terms_ledger(draw: Any) -> Ledger:
    rates = tuple(Rate(draw(_money()), draw(_D), draw(_D), draw(_T), draw(_T), draw(st.one_of(st.none(), _T)),
                       draw(_T)) for _ in range(draw(st.integers(0, 2))))
    tranches = tuple(Tranche(draw(st.sampled_from(["per_gw", "share_price", "milestone", "date"])),
                             draw(st.one_of(st.none(), _money())), None,
                             draw(st.one_of(st.none(), st.floats(0, 1e3, allow_nan=False))), draw(_D), draw(_T),
                             gw=draw(st.one_of(st.none(), st.floats(0.1, 10, allow_nan=False))),
                             count=draw(st.one_of(st.none(), st.integers(1, 50))),
                             price=draw(st.one_of(st.none(), _money())), strike=draw(st.one_of(st.none(), _money())),
                             milestone=draw(_T), start=draw(_D), start_label=draw(_T), pro_rata=draw(st.booleans()))
                     for _ in range(draw(st.integers(0, 2))))
    deal = Deal("d", "warrant", "a", "b", term_start=draw(_D), term_end=draw(_D), term_start_label=draw(_T),
                schedule=draw(st.sampled_from(["flat", "ramp", "upfront", "on_delivery", "tranches"])),
                schedule_stated=draw(st.booleans()), per_year=rates, strike=draw(st.one_of(st.none(), _money())),
                tranches=tranches)
    doc = Document("x", "t", date=draw(_D), date_basis=draw(st.sampled_from(["", "stated", "bounded", "unknown"])),
                   not_before=draw(_D), not_after=draw(_D))
    fact = Fact("f", "a", "capex", Amount(1.0, 1.0, nominal=1.0), includes=tuple(draw(st.lists(_T, max_size=2))))
    start = draw(st.dates(date(2000, 1, 1), date(2030, 1, 1)))
    window = draw(st.one_of(st.none(), st.just(Window(start, draw(_D), draw(_T)))))
    return Ledger("p", deals={"d": deal}, documents={"x": doc}, facts={"f": fact}, window=window)


@settings(max_examples=80)
@given(_terms_ledger())
def test_terms_round_trip_property(led: Ledger) -> None:
    data = json.loads(json.dumps(ledger_to_dict(led), ensure_ascii=False, allow_nan=False))
    assert ledger_from_dict(data) == led
