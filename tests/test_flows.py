"""The flows table on a hand-worked ledger: schedules per quarter, statuses, firm and conditional totals.

The ledger (five firms, one loop, one equity round, one loan, one conditional tranche), all USD:

* ``svc``  A -> B services $400M, term 2026-01-01, 2 years, flat     -> 8 quarters of $50M (firm)
* ``hw``   B -> C hardware $120M, upfront, start 2026-04-15          -> $120M in 2026-Q2 (firm)
* ``inv``  C -> A up to $200M, per-GW tranches, 2 GW, 2026-07-01, 1 y -> conditional; mid $100M, 4 x $25M
* ``eq``   I -> A equity $300M, completed 2025-06-01, no term         -> one undated row, paid
* ``loan`` L -> B debt $100M, ramp from 2026-01-01 over 1 year         -> (1, 3, 5, 7)/16 x $100M

Firm = 400 + 120 + 300 + 100 = $920M; conditional (mid) = $100M (low 0, high 200); total $1,020M.
The loop A -> B -> C -> A runs through the conditional ``inv``.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dealweb.flows import build_flows, check_schedules, expand_schedules
from dealweb.ledger import load_ledger
from dealweb.model import Claim, Deal, Document, Entity, EntityKind, Event, Fact, Ledger, Rate, Status, Tranche, Window
from dealweb.money import Amount, Qualifier, parse_amount

M = 1e6


def usd(x: float) -> Amount:
    return Amount(x, x, Qualifier.EXACT, "USD", nominal=x)


def hand_ledger(with_cash: bool = False) -> Ledger:
    ents = {"A": Entity("A", {"en": "Alpha"}), "B": Entity("B", {"en": "Beta"}), "C": Entity("C", {"en": "Chips"}),
            "I": Entity("I", {"en": "Investor"}, kind=EntityKind.FUND),
            "L": Entity("L", {"en": "Lender"}, kind=EntityKind.FUND)}
    docs = {"d1": Document("d1", "one", date=date(2025, 5, 1)), "d2": Document("d2", "two", date=date(2025, 9, 1)),
            "d3": Document("d3", "undated")}
    c1, c2, c3 = Claim("d1", "q1"), Claim("d2", "q2"), Claim("d3", "q3")
    deals = [
        Deal("svc", "compute_contract", "A", "B", amount=usd(400 * M), term_start=date(2026, 1, 1), term_years=2,
             status=Status.SIGNED, claims=(c1,)),
        Deal("hw", "chip_purchase", "B", "C", amount=usd(120 * M), term_start=date(2026, 4, 15), schedule="upfront",
             status=Status.SIGNED, claims=(c2,)),
        Deal("inv", "equity_investment", "C", "A", amount=parse_amount("up to $200M"), capacity_gw=2,
             term_start=date(2026, 7, 1), term_years=1, schedule="tranches",
             tranches=(Tranche("per_gw"),), status=Status.SIGNED, claims=(c2,)),
        Deal("eq", "equity_investment", "I", "A", amount=usd(300 * M), status=Status.COMPLETED,
             announced=date(2025, 6, 1), claims=(c1,)),
        Deal("loan", "debt_financing", "L", "B", amount=usd(100 * M), term_start=date(2026, 1, 1), term_years=1,
             schedule="ramp", status=Status.SIGNED, claims=(c3,)),
    ]
    facts = {}
    if with_cash:
        facts["a-cash"] = Fact("a-cash", "A", "cash", usd(40 * M), as_of=date(2025, 12, 31), claims=(c1,))
    return Ledger(entities=ents, documents=docs, deals={d.id: d for d in deals}, facts=facts)


def rows_of(fl, deal: str) -> list[tuple[str | None, float]]:
    return [(r["period_start"], r["value"]) for r in fl.records() if r["deal"] == deal]


def test_quarterly_schedules_by_hand():
    fl = build_flows(hand_ledger())
    svc = rows_of(fl, "svc")
    assert [p for p, _ in svc] == ["2026-01-01", "2026-04-01", "2026-07-01", "2026-10-01",
                                   "2027-01-01", "2027-04-01", "2027-07-01", "2027-10-01"]
    assert [v for _, v in svc] == pytest.approx([50 * M] * 8)
    assert rows_of(fl, "hw") == [("2026-04-01", pytest.approx(120 * M))]
    loan = rows_of(fl, "loan")
    assert [v for _, v in loan] == pytest.approx([6.25 * M, 18.75 * M, 31.25 * M, 43.75 * M])
    inv = rows_of(fl, "inv")
    assert [p for p, _ in inv] == ["2026-07-01", "2026-10-01", "2027-01-01", "2027-04-01"]
    assert [v for _, v in inv] == pytest.approx([25 * M] * 4)
    assert rows_of(fl, "eq") == [(None, pytest.approx(300 * M))]
    ends = {r["deal"]: r["period_end"] for r in fl.records()}
    assert ends["hw"] == "2026-06-30" and ends["eq"] is None


def test_statuses_triggers_and_totals_by_hand():
    fl = build_flows(hand_ledger())
    status = {r["deal"]: r["status"] for r in fl.records()}
    assert status == {"svc": "firm", "hw": "firm", "inv": "conditional", "eq": "paid", "loan": "firm"}
    trig = {r["deal"]: r["trigger"] for r in fl.records()}
    assert "up to $200M" in trig["inv"] and "GW" in trig["inv"] and trig["svc"] == ""
    t = fl.totals()
    assert t["firm"] == pytest.approx(920 * M)
    assert t["conditional"] == pytest.approx(100 * M)
    assert t["total"] == pytest.approx(1020 * M)
    assert build_flows(hand_ledger(), policy="low").totals()["conditional"] == 0
    assert build_flows(hand_ledger(), policy="high").totals()["conditional"] == pytest.approx(200 * M)
    assert fl.assumptions["inv"] == (
        "per-GW payments not stated: the deal's amount paid pro rata as GW are deployed",
        "deployment assumed linear over the term (paid as each GW is deployed)")
    src = {r["deal"]: r["source"] for r in fl.records()}
    assert src["svc"] == "d1: «q1»"


def test_known_dates_and_as_of():
    led = hand_ledger()
    fl = build_flows(led, as_of=date(2025, 6, 15))
    # svc and eq are known from d1 (2025-05-01); hw, inv from d2 (2025-09-01); loan only from an undated doc
    assert sorted(set(fl.column("deal"))) == ["eq", "svc"]
    assert fl.unknown_date == ("loan",)
    assert sorted(fl.not_yet_known) == ["hw", "inv"]
    assert {r["known_from"] for r in fl.records()} == {"2025-05-01"}
    # without a date everything the ledger records is in, the unknown date shown as None
    every = build_flows(led)
    assert {r["deal"]: r["known_from"] for r in every.records()}["loan"] is None


def test_cancelled_and_window_history():
    led = hand_ledger()
    dead = Deal("dead", "services", "A", "C", amount=usd(5 * M), status=Status.CANCELLED,
                events=(Event(date(2025, 1, 1), Status.SIGNED), Event(date(2025, 6, 1), Status.CANCELLED)),
                claims=(Claim("d1", "q"),))
    old = Deal("old", "acquisition_stake", "I", "C", amount=usd(44 * M), status=Status.COMPLETED,
               events=(Event(date(2022, 10, 27), Status.COMPLETED),), claims=(Claim("d1", "q"),))
    deals = dict(led.deals) | {"dead": dead, "old": old}
    led2 = Ledger(entities=led.entities, documents=led.documents, deals=deals,
                  window=Window(date(2025, 1, 1), date(2030, 12, 31)))
    fl = build_flows(led2)
    status = {r["deal"]: r["status"] for r in fl.records()}
    assert status["dead"] == "cancelled" and status["old"] == "history" and status["eq"] == "paid"
    # not live: the totals are unchanged
    assert fl.totals()["total"] == pytest.approx(1020 * M)
    # on a day the cancelled deal was still signed (and d1 was out), it is firm; eq is announced later
    on = build_flows(led2, as_of=date(2025, 5, 15))
    assert {r["deal"]: r["status"] for r in on.records()} == {"dead": "firm", "old": "history", "svc": "firm"}
    assert "eq" in on.not_yet_known


def test_tranche_amounts_and_warrant_value():
    warrant = Deal("w", "warrant", "C", "A", quantity=parse_amount("1.6億股"), schedule="tranches",
                   tranches=(Tranche("share_price", amount=usd(96 * M), threshold=600),), status=Status.SIGNED)
    led = Ledger(entities=hand_ledger().entities, deals={"w": warrant})
    fl = build_flows(led)
    (r,) = list(fl.records())
    assert (r["basis"], r["shape"], r["status"], r["cash"]) == ("tranche", "share_price", "conditional", False)
    assert r["value"] == 96 * M and "600" in r["trigger"]


def test_mid_is_one_definition():
    vague = parse_amount("數百億美元")
    assert vague.mid == pytest.approx(np.sqrt(2e10 * 9e10))
    assert vague.pick("mid") == vague.mid == vague.usd("mid")
    led = Ledger(entities=hand_ledger().entities,
                 deals={"v": Deal("v", "chip_purchase", "A", "C", amount=vague, status=Status.SIGNED)})
    assert build_flows(led).totals()["firm"] == pytest.approx(42.43e9, rel=1e-3)


BAD_LEDGER = """\
entities:
  - {id: a, names: {en: A}}
  - {id: b, names: {en: B}}
deals:
  - id: ok
    type: compute_contract
    from: a
    to: b
    amount: $10B
  - id: ramp-no-term
    type: compute_contract
    from: a
    to: b
    amount: $20B
    schedule: ramp
  - id: too-many
    type: equity_investment
    from: b
    to: a
    amount: $10B
    capacity_gw: 2
    schedule: tranches
    tranches:
      - {trigger: per_gw, amount: $6B}
"""


def test_schedules_that_cannot_be_built_are_file_line_errors(tmp_path: Path):
    (tmp_path / "ledger.yaml").write_text(BAD_LEDGER, encoding="utf-8")
    led = load_ledger(tmp_path / "ledger.yaml", cache=False).ledger
    probs = check_schedules(led)
    assert [(p.line, p.field) for p in probs] == [(10, "schedule"), (16, "tranches")]
    assert all(p.file.endswith("ledger.yaml") and p.hint for p in probs)
    assert "term" in probs[0].message and "more than the deal's amount" in probs[1].message
    fl = build_flows(led)
    assert set(fl.column("deal")) == {"ok"} and len(fl.problems) == 2
    assert {s.deal for s in fl.skipped} == {"ramp-no-term", "too-many"}


# ------------------------------------------------------------------------------------------- properties
@st.composite
def schedules(draw):
    n = draw(st.integers(1, 12))
    mode = np.asarray(draw(st.lists(st.sampled_from([0, 1, 2, 3]), min_size=n, max_size=n)), dtype=np.int8)
    days = draw(st.lists(st.integers(0, 8000), min_size=n, max_size=n))
    start = np.datetime64("2020-01-01") + np.asarray(days, dtype="timedelta64[D]")
    years = np.asarray(draw(st.lists(st.floats(0.05, 12.0), min_size=n, max_size=n)))
    months = draw(st.sampled_from([1, 3, 6, 12]))
    return mode, start, years, months


@given(schedules())
def test_money_is_conserved_per_figure(case):
    mode, start, years, months = case
    fig, w, ps, pe = expand_schedules(mode, start, years, months)
    assert np.all(w >= -1e-12)
    np.testing.assert_allclose(np.bincount(fig, weights=w, minlength=mode.size), 1.0, rtol=0, atol=1e-12)
    dated = mode[fig] > 0
    assert np.all(ps[dated] <= pe[dated])
    # periods of a figure follow each other without gap
    same = fig[1:] == fig[:-1]
    assert np.all((ps[1:][same] - pe[:-1][same]).astype(int) == 1)


def _random_ledger(draw, n_deals: int) -> Ledger:
    ids = [f"e{k}" for k in range(5)]
    ents = {e: Entity(e, {"en": e}) for e in ids}
    docs = {f"doc{k}": Document(f"doc{k}", "t", date=date(2025, 1, 1 + k) if k < 5 else None) for k in range(6)}
    deals = {}
    for k in range(n_deals):
        a, b = draw(st.sampled_from(ids)), draw(st.sampled_from(ids))
        if a == b:
            continue
        amt = draw(st.sampled_from([usd(float(draw(st.integers(1, 1000))) * M), parse_amount("up to $5B"),
                                    parse_amount("數十億美元"), parse_amount("about $3B")]))
        deals[f"d{k}"] = Deal(
            f"d{k}", draw(st.sampled_from(["compute_contract", "equity_investment", "debt_financing"])), a, b,
            amount=amt, term_start=draw(st.sampled_from([None, date(2026, 1, 1), date(2026, 5, 17)])),
            term_years=draw(st.sampled_from([None, 1.0, 2.5])),
            schedule=draw(st.sampled_from(["flat", "upfront"])),
            status=draw(st.sampled_from([Status.SIGNED, Status.ANNOUNCED, Status.COMPLETED, Status.RUMOURED])),
            claims=(Claim(f"doc{draw(st.integers(0, 5))}", "q"),))
    return Ledger(entities=ents, documents=docs, deals=deals)


@settings(max_examples=40)
@given(st.data())
def test_properties_on_random_ledgers(data):
    led = _random_ledger(data.draw, data.draw(st.integers(1, 8)))
    fl = build_flows(led)
    # contract amount = sum of its rows (complete schedules conserve money), by deal and policy
    for d in led.deals.values():
        rows = fl.column("deal") == d.id
        for pol in ("low", "mid", "high"):
            assert getattr(fl, pol)[rows].sum() == pytest.approx(d.amount.usd(pol), rel=1e-9)
    # the vectorised path for simple deals and the general loop give the same rows (a second method)
    def key(r: dict) -> tuple:
        return tuple(sorted((k, str(v)) for k, v in r.items()))

    general = build_flows(led, scenario={d: {} for d in led.deals})
    assert sorted(map(key, fl.records())) == sorted(map(key, general.records()))
    t = fl.totals()
    assert t["firm"] + t["conditional"] == pytest.approx(t["total"])
    assert t["total"] == pytest.approx(fl.value[fl.live].sum())
    # a document dated after D changes nothing seen at D
    d_day = date(2025, 1, 3)
    later = Document("later", "new", date=date(2025, 6, 1))
    extra = Deal("extra", "compute_contract", "e0", "e1", amount=usd(7 * M), claims=(Claim("later", "q"),))
    led2 = Ledger(entities=led.entities, documents=dict(led.documents) | {"later": later},
                  deals=dict(led.deals) | {"extra": extra})
    a, b = build_flows(led, as_of=d_day), build_flows(led2, as_of=d_day)
    assert list(a.records()) == list(b.records())
    # relabelling entities changes nothing but the names
    perm = {f"e{k}": f"x{(k * 3) % 5}" for k in range(5)}
    led3 = Ledger(entities={perm[k]: Entity(perm[k], {"en": perm[k]}) for k in led.entities},
                  documents=led.documents,
                  deals={k: Deal(d.id, d.type, perm[d.payer], perm[d.payee], amount=d.amount, term_start=d.term_start,
                                 term_years=d.term_years, schedule=d.schedule, status=d.status, claims=d.claims)
                         for k, d in led.deals.items()})
    r1 = [dict(r, payer=perm[r["payer"]], payee=perm[r["payee"]]) for r in fl.records()]
    assert r1 == list(build_flows(led3).records())


def test_per_year_terms_by_hand():
    # $10M a year from 2026-01-01, then $20M a year from 2027-01-01, over a 2-year term:
    # 4 quarters of $2.5M, then 4 quarters of $5M; basis per_year; $30M in all, each row citing its own quote
    r1 = Rate(usd(10 * M), start=date(2026, 1, 1), claims=(Claim("d1", "ten a year"),))
    r2 = Rate(usd(20 * M), start=date(2027, 1, 1), claims=(Claim("d2", "twenty a year"),))
    deal = Deal("py", "compute_contract", "A", "B", amount=usd(30 * M), term_start=date(2026, 1, 1), term_years=2,
                per_year=(r1, r2), status=Status.SIGNED, claims=(Claim("d1", "q"),))
    led = Ledger(entities=hand_ledger().entities, documents=hand_ledger().documents, deals={"py": deal})
    rows = list(build_flows(led).records())
    assert [r["value"] for r in rows] == pytest.approx([2.5 * M] * 4 + [5 * M] * 4)
    assert {r["basis"] for r in rows} == {"per_year"}
    assert rows[0]["source"] == "d1: «ten a year»" and rows[-1]["source"] == "d2: «twenty a year»"
    # two readings of the same years (same start) that disagree: flows does not choose; the contract is scheduled
    clash = replace(deal, per_year=(r1, replace(r2, start=date(2026, 1, 1))))
    led2 = Ledger(entities=led.entities, documents=led.documents, deals={"py": clash})
    fl = build_flows(led2)
    assert {r["basis"] for r in fl.records()} == {"contract"} and fl.totals()["firm"] == pytest.approx(30 * M)
    assert "do not agree" in fl.assumptions["py"][-1]
    # ... unless a scenario picks a reading: $20M a year over the 2-year term = $40M
    pick = build_flows(led2, scenario={"py": {"per_year": 1}})
    assert pick.totals()["firm"] == pytest.approx(40 * M) and "scenario" in pick.assumptions["py"][0]
    # rates that follow each other but add up to more than the contract ($5M + $30M = $35M > $30M)
    late = replace(deal, per_year=(r1, replace(r2, start=date(2026, 7, 1))))
    fl3 = build_flows(Ledger(entities=led.entities, documents=led.documents, deals={"py": late}))
    assert {r["basis"] for r in fl3.records()} == {"contract"}
    assert "add up to $35M..$35M over the term, not the contract's $30M" in fl3.assumptions["py"][-1]


# ------------------------------------------------------------------------------- who pays, from the table
def test_who_pays_on_the_hand_ledger():
    from dealweb.graph import loops, snapshot, trace

    # firm web: A->B 400, B->C 120, I->A 300 (equity round), L->B 100 (loan); A records $40M of cash.
    # B's inflow 500 = I's 300 (A passes on I's money: A's mix is 300 I + 100 A-own over 400) + A's own 100 + L 100.
    # A's own 100 is backed by its recorded cash up to 40: own funds 40, unfunded 60.
    web = snapshot(hand_ledger(with_cash=True))
    b = trace(web, "B")
    assert b.inflow == pytest.approx(500 * M)
    assert b.classes == pytest.approx({"equity_investors": 0.6, "lenders": 0.2, "end_customers": 0.0,
                                       "governments": 0.0, "own_funds": 0.08, "unfunded": 0.12})
    c = trace(web, "C")  # C's 120 from B carries B's mix: 72 equity, 24 lenders, 9.6 own funds, 14.4 unfunded
    assert c.unfunded == pytest.approx(14.4 * M) and c.classes["own_funds"] == pytest.approx(0.08)
    a = trace(web, "A")
    assert (a.own, a.own_backed, a.cash) == (pytest.approx(100 * M), pytest.approx(40 * M), 40 * M)
    assert dict(a.origins) == {"I": pytest.approx(1.0)} and not a.on_loop and a.circularity == 0.0
    # without the cash fact, all of A's own 100 is unfunded
    assert trace(snapshot(hand_ledger()), "B").classes["unfunded"] == pytest.approx(0.2)
    # no loop in firm money; with the conditional tranche (C->A, mid 100) the loop A->B->C->A appears, marked
    assert loops(web).loops == ()
    both = snapshot(hand_ledger(with_cash=True), include="conditional")
    (lp,) = loops(both).loops
    assert set(lp.entities) == {"A", "B", "C"} and lp.bottleneck == pytest.approx(100 * M)
    assert lp.conditional_deals == ("inv",)
    # A now takes in 400 and pays out 400: no own money, on a loop, circularity 0 and it says why.
    # c_A = (300 e_I + 100 c_C) / 400, c_C = c_B = (400 c_A + 100 e_L) / 500  =>  c_A = 0.9375 e_I + 0.0625 e_L
    ta = trace(both, "A")
    assert dict(ta.origins) == pytest.approx({"I": 0.9375, "L": 0.0625})
    assert ta.on_loop and ta.circularity == 0.0 and "no money of its own" in ta.note
