"""Figures as of a date (issue 10, part 3): a known deal shows what its sources had reported by then.

The hand ledger below: Alpha is reported (2026-01-10) to be about to invest $10B in Beta, with Gamma named as
the investor; on 2026-02-27 the deal is announced at $50B, $15B now and $35B after an IPO, from Alpha, over a
five-year term. Every expected figure is worked by hand from those two texts.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from dealweb.cli import main
from dealweb.flows import build_flows, deal_as_of, known_deals, ledger_as_of, versions_on
from dealweb.graph import snapshot
from dealweb.ledger import load_ledger
from dealweb.model import Claim, Deal, Document, Entity, Event, Ledger, Status, Tranche
from dealweb.money import Amount, Qualifier, parse_amount

B = 1e9
RUMOUR = "Beta is in talks for Gamma to invest $10 billion, people familiar said."
DEAL = "Alpha will invest $50 billion in Beta over five years."
TERMS = "The first $15 billion comes now and $35 billion after an IPO."

HAND = f"""
ledger: {{name: asof-hand}}
entities:
  - {{id: alpha, names: {{en: Alpha}}}}
  - {{id: beta, names: {{en: Beta}}}}
  - {{id: gamma, names: {{en: Gamma}}}}
documents:
  - {{id: rumour, title: R, date: 2026-01-10}}
  - {{id: deal, title: D, date: 2026-02-27}}
deals:
  - id: a-b
    title: Alpha invests $50B in Beta ($15B now, $35B after an IPO)
    type: equity_investment
    from: alpha
    to: beta
    amount: $50 billion
    term: {{start: 2026-02-27, years: 5}}
    schedule: tranches
    tranches:
      - {{trigger: date, date: 2026-02-27, amount: $15 billion}}
      - {{trigger: milestone, milestone: an IPO, amount: $35 billion}}
    announced: 2026-02-27
    events:
      - date: 2026-01-10
        status: rumoured
        claims: [{{document: rumour, quote: "{RUMOUR}"}}]
      - date: 2026-02-27
        status: signed
        claims: [{{document: deal, quote: "{DEAL}"}}]
    claims:
      - {{document: rumour, stated: $10 billion, flag: superseded, quote: "{RUMOUR}"}}
      - {{document: rumour, field: from, stated: Gamma, flag: superseded, quote: "{RUMOUR}"}}
      - {{document: deal, stated: $50 billion, quote: "{DEAL}"}}
      - {{document: deal, field: from, quote: "{DEAL}"}}
      - {{document: deal, field: term, quote: "{DEAL}"}}
      - {{document: deal, field: tranches, quote: "{TERMS}"}}
"""


@pytest.fixture()
def hand(tmp_path: Path) -> Path:
    p = tmp_path / "ledger.yaml"
    p.write_text(HAND, encoding="utf-8")
    return p


def _load(path: Path) -> Ledger:
    res = load_ledger(path, cache=False)
    assert not [p for p in res.problems if p.severity == "error"], res.problems
    return res.ledger


def test_before_the_first_report_nothing_is_known(hand: Path):
    fl = build_flows(_load(hand), as_of=date(2026, 1, 9))
    assert fl.n == 0 and fl.not_yet_known == ("a-b",)


def test_between_the_reports_the_rumour_stands(hand: Path):
    led = _load(hand)
    on = date(2026, 2, 1)
    fl = build_flows(led, as_of=on)
    # one whole-contract row: the rumoured $10B from Gamma, undated (the term was reported later)
    assert fl.n == 1
    r = next(fl.records())
    assert (r["payer"], r["payee"], r["status"], r["basis"]) == ("gamma", "beta", "rumoured", "contract")
    assert r["value"] == 10 * B and r["low"] == 10 * B and r["high"] == 10 * B
    assert r["period_start"] is None or np.isnat(np.datetime64(r["period_start"]))
    assert r["source"].startswith("as of 2026-02-01: amount from rumour (2026-01-10); from from rumour (2026-01-10)")
    assert "deal:" not in r["source"]  # nothing published later is cited
    assert fl.totals() == {"firm": 0.0, "conditional": 10 * B, "total": 10 * B}
    assert fl.versions == {"a-b": ("amount $10B, as reported by rumour (2026-01-10)",
                                   "from gamma, as reported by rumour (2026-01-10)")}
    # the deal as known then: no tranches, no term, no title written about today's record
    v = deal_as_of(led.deals["a-b"], led.documents, on, resolve=lambda k: led.entity(k).id)
    assert v.status is Status.RUMOURED and v.deal.tranches == () and v.deal.term_start is None
    assert v.deal.schedule == "flat" and not v.deal.schedule_stated and v.deal.title == ""
    assert [c.document for c in v.deal.claims] == ["rumour", "rumour"]
    # every consumer of the table sees it: the web's edge is Gamma -> Beta, $10B, conditional
    web = snapshot(led, at=on, include=("firm", "conditional"), flows=fl)
    assert web.total == pytest.approx(10 * B)
    assert any("gamma" in n and "rumour (2026-01-10)" in n for n in web.notes)


def test_after_the_announcement_the_new_figures_stand(hand: Path):
    led = _load(hand)
    fl = build_flows(led, as_of=date(2026, 3, 1))
    rows = sorted((r["payer"], r["status"], r["basis"], r["shape"], r["value"], str(r["period_start"]))
                  for r in fl.records())
    # $15B on its date (quarter 2026-Q1), firm; $35B on the IPO, conditional, one undated row from the term start
    assert rows == [("alpha", "conditional", "tranche", "milestone", 35 * B, "2026-02-27"),
                    ("alpha", "firm", "tranche", "date", 15 * B, "2026-01-01")]
    assert fl.totals() == {"firm": 15 * B, "conditional": 35 * B, "total": 50 * B}
    assert fl.versions == {}
    # the same as the table with no date at all (everything published by then)
    assert sorted(map(str, fl.records())) == sorted(map(str, build_flows(led).records()))


def test_show_says_which_figures_are_as_of_and_from_which_document(hand: Path):
    run = CliRunner().invoke
    early = run(main, ["show", "--ledger", str(hand), "--at", "2026-02-01"])
    assert early.exit_code == 0, early.output
    assert "$10B" in early.output and "rumoured" in early.output and "$50B" not in early.output
    assert "amount $10B, as reported by rumour (2026-01-10)" in early.output
    assert "from gamma, as reported by rumour (2026-01-10)" in early.output
    late = run(main, ["show", "--ledger", str(hand), "--at", "2026-03-01"])
    assert "$50B" in late.output and "as reported by" not in late.output
    one = run(main, ["show", "a-b", "--ledger", str(hand), "--at", "2026-02-01", "--json"])
    import json

    data = json.loads(one.output)
    assert data["deal"]["amount"]["low"] == 10 * B and data["deal"]["from"] == "gamma"
    assert data["deal"]["tranches"] == [] and data["status_at"] == "rumoured"
    assert data["as_of_figures"][0] == {"field": "amount", "shown": "$10B", "document": "rumour",
                                        "date": "2026-01-10", "quote": RUMOUR}
    flows_csv = run(main, ["export", "--ledger", str(hand), "--format", "flows", "--at", "2026-02-01"])
    assert flows_csv.exit_code == 0 and "rumoured" in flows_csv.output and "as of 2026-02-01" in flows_csv.output


def test_a_party_claim_must_name_an_entity(tmp_path: Path):
    p = tmp_path / "ledger.yaml"
    p.write_text(HAND.replace("stated: Gamma", "stated: Gamm"), encoding="utf-8")
    res = load_ledger(p, cache=False)
    bad = [x for x in res.problems if x.severity == "error"]
    assert len(bad) == 1 and bad[0].field == "stated" and "names no entity" in bad[0].message
    assert bad[0].file.endswith("ledger.yaml") and bad[0].line > 1 and "gamma" in bad[0].hint


def test_earlier_readings_rules_by_hand():
    """The rule of :func:`dealweb.flows.known._as_of_value`, case by case."""
    docs = {"a": Document("a", "A", date=date(2025, 1, 1)), "b": Document("b", "B", date=date(2025, 2, 1)),
            "u": Document("u", "U"), "j": Document("j", "J", date=date(2024, 12, 1))}

    def amt(s: str) -> Amount:
        return parse_amount(s)

    def c(doc: str, stated: str | None = None, flag: str | None = None, field: str = "amount") -> Claim:
        return Claim(doc, f"q {stated}", field=field, stated=stated, amount=amt(stated) if stated else None,
                     flag=flag)

    def deal(*claims: Claim, amount: str = "$40B") -> Deal:
        return Deal("x", "compute_contract", "p", "q", amount=amt(amount), claims=claims)

    on = date(2025, 1, 15)
    # "about $40B" first, the exact $40B later: about $40B stands on the 15th
    v = deal_as_of(deal(c("a", "about $40B"), c("b", "$40B")), docs, on)
    assert v.deal.amount.qualifier is Qualifier.ABOUT and v.figures[0].document == "a"
    # a claim with no stated figure supports the record: known from its document
    assert deal_as_of(deal(c("a"), c("b", "$30B")), docs, on).deal.amount == amt("$40B")
    # a joke, a unit slip and a disputed figure are not versions: nothing was reported yet
    v = deal_as_of(deal(c("j", "$100B", "joke"), c("a", "$4B", "unit_slip"), c("a", "$9B", "disputed"),
                        c("b", "$40B")), docs, on)
    assert v.deal.amount is None and v.figures == () and v.changed
    # the record's figure stands only on an undated source: unknown, so the dated reading stands, even later
    v = deal_as_of(deal(c("u", "$40B"), c("a", "數百億美元")), docs, date(2030, 1, 1))
    assert v.deal.amount.qualifier is Qualifier.VAGUE
    # all sources published: the record, whatever they say (it combines them)
    assert deal_as_of(deal(c("a", "$30B"), c("b", "$50B")), docs, date(2025, 3, 1)).deal.amount == amt("$40B")
    # but with only one of two combined sources published: that source's figure
    assert deal_as_of(deal(c("a", "$30B"), c("b", "$50B")), docs, on).deal.amount == amt("$30B")
    # an event dated before D but reported later does not change the status at D
    ev = Event(date(2025, 1, 10), Status.CANCELLED, claims=(Claim("b", "q", field="status"),))
    d = replace(deal(c("a", "$40B")), status=Status.CANCELLED, announced=date(2025, 1, 1),
                events=(Event(date(2025, 1, 1), Status.SIGNED, claims=(Claim("a", "q", field="status"),)), ev))
    assert deal_as_of(d, docs, on).status is Status.SIGNED
    assert deal_as_of(d, docs, date(2025, 2, 1)).status is Status.CANCELLED
    # a tranche with its own later claim is not shown yet; per-year rates likewise
    t = Tranche("milestone", amount=amt("$5B"), milestone="m", claims=(c("b", field="tranches"),))
    assert deal_as_of(replace(deal(c("a", "$40B")), tranches=(t,), schedule="tranches"), docs, on).deal.tranches == ()


def test_bundled_ledger_amazon_openai_as_the_sources_tell_it():
    led = load_ledger().ledger
    early = build_flows(led, as_of=date(2026, 2, 15))
    rows = [r for r in early.records() if r["deal"] == "amazon-openai-50b"]
    # 2026-02-01 (163.com): "亚马逊被曝计划向OpenAI投资高达500亿美元": a rumour, up to $50B, no split yet
    assert [(r["status"], r["basis"], r["low"], r["high"]) for r in rows] == [("rumoured", "contract", 0.0, 50 * B)]
    assert "163-nvidia-openai-nonbinding" in rows[0]["source"] and "fashionunited" not in rows[0]["source"]
    late = build_flows(led, as_of=date(2026, 3, 1))
    rows = sorted((r["status"], r["value"]) for r in late.records() if r["deal"] == "amazon-openai-50b")
    # 2026-02-27 (FashionUnited): "$15 billion, followed by another $35 billion ... when certain conditions are met"
    assert rows == [("conditional", 35 * B), ("firm", 15 * B)]
    run = CliRunner().invoke
    a = run(main, ["show", "--at", "2026-02-15"]).output
    b = run(main, ["show", "--at", "2026-03-01"]).output
    line_a = next(x for x in a.splitlines() if "amazon-openai-50b" in x and "→" in x)
    line_b = next(x for x in b.splitlines() if "amazon-openai-50b" in x and "→" in x)
    assert "up to $50B" in line_a and "rumoured" in line_a and "†" in line_a
    assert "$50B" in line_b and "signed" in line_b and "conditional+firm" in line_b and "†" not in line_b
    assert "amazon-openai-50b: amount up to $50B, as reported by 163-nvidia-openai-nonbinding (2026-02-01)" in a


def test_seed_ledger_lists_nothing_announced_later():
    led = load_ledger("ai-capex-2025").ledger
    on = date(2025, 1, 15)
    known, _, _ = known_deals(led, on)
    fl = build_flows(led, as_of=on)
    assert known == [] and fl.n == 0
    out = CliRunner().invoke(main, ["show", "--ledger", "ai-capex-2025", "--at", "2025-01-15"]).output
    assert "0 deals known on 2025-01-15" in out


# ----------------------------------------------------------------------------------------------- property
M = 1e6
_DOCS = {f"doc{k}": Document(f"doc{k}", "t", date=date(2025, 1, 1) + timedelta(days=10 * k)) for k in range(5)}


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_a_later_document_changing_figures_changes_nothing_seen_before_it(data):
    """Edit a ledger as a reviewer would when a document dated after D arrives, and compare the view at D.

    The later document may: re-price a deal (its old figure kept as a superseded claim), add tranches and a
    term, report an event dated BEFORE D (a cancellation), name another payer, or add a new deal.
    """
    draw = data.draw
    ents = {e: Entity(e, {"en": e}) for e in ("e0", "e1", "e2", "e3")}
    deals: dict[str, Deal] = {}
    for k in range(draw(st.integers(1, 6))):
        a, b = draw(st.sampled_from(list(ents))), draw(st.sampled_from(list(ents)))
        if a == b:
            continue
        doc = draw(st.sampled_from(list(_DOCS)))
        stated = draw(st.sampled_from(["$1B", "about $2B", "up to $5B", "數十億美元", None]))
        amt = parse_amount(stated) if stated else Amount(float(draw(st.integers(1, 900))) * M,
                                                          None, Qualifier.AT_LEAST, "USD")
        ev = draw(st.booleans())
        deals[f"d{k}"] = Deal(
            f"d{k}", draw(st.sampled_from(["compute_contract", "equity_investment"])), a, b, amount=amt,
            term_start=draw(st.sampled_from([None, date(2026, 1, 1)])), term_years=draw(st.sampled_from([None, 2.0])),
            status=Status.SIGNED,
            events=(Event(_DOCS[doc].date, draw(st.sampled_from([Status.RUMOURED, Status.SIGNED])),
                          claims=(Claim(doc, "q", field="status"),)),) if ev else (),
            claims=(Claim(doc, "q", stated=stated, amount=amt if stated else None),))
    led = Ledger(entities=ents, documents=dict(_DOCS), deals=deals)
    d_day = date(2025, 1, 1) + timedelta(days=draw(st.integers(0, 45)))
    later = Document("later", "new", date=d_day + timedelta(days=draw(st.integers(1, 60))))
    new_claim = Claim("later", "q $7B", stated="$7B", amount=parse_amount("$7B"))
    edited = dict(deals)
    for did, d in deals.items():
        how = draw(st.sampled_from(["keep", "reprice", "tranches", "cancel_before", "payer", "all"]))
        if how == "keep":
            continue
        # the reviewer's duty when a figure changes: the earlier claims state the figure they gave, superseded
        old = tuple(replace(c, flag="superseded", stated=c.stated or d.amount.label(), amount=c.amount or d.amount)
                    if c.field == "amount" else c for c in d.claims)
        if how in ("reprice", "all"):
            d = replace(d, amount=parse_amount("$7B"), claims=(*old, new_claim))
        if how in ("tranches", "all"):
            d = replace(d, schedule="tranches", schedule_stated=True,
                        tranches=(Tranche("milestone", amount=parse_amount("$1B"), milestone="m",
                                          claims=(Claim("later", "q", field="tranches"),)),))
            if d.term_start is None and d.term_years is None:  # a term first reported by the later document
                d = replace(d, term_start=date(2026, 6, 1), term_years=3.0,
                            claims=(*d.claims, Claim("later", "q", field="term")))
        if how in ("cancel_before", "all"):
            # an event dated on D itself, reported only by the later document
            d = replace(d, status=Status.CANCELLED, events=(*d.events, Event(d_day, Status.CANCELLED, claims=(
                Claim("later", "q", field="status"),))))
            if not any(e for e in deals[did].events):
                # the status the record had is now an event of its own, from the source that gave it
                first = deals[did].claims[0].document
                d = replace(d, events=(Event(_DOCS[first].date, deals[did].status,
                                             claims=(Claim(first, "q", field="status"),)), *d.events))
        if how in ("payer", "all"):
            # the payer the earlier source named is kept as a superseded claim naming it
            other = next(e for e in ents if e not in (d.payer, d.payee))
            first = deals[did].claims[0].document
            d = replace(d, payer=other, claims=(*d.claims, Claim(first, "q", field="from", stated=deals[did].payer,
                                                                 flag="superseded"),
                                                Claim("later", "q", field="from")))
        edited[did] = d
    edited["extra"] = Deal("extra", "compute_contract", "e0", "e1", amount=parse_amount("$3B"),
                           claims=(Claim("later", "q"),))
    led2 = Ledger(entities=ents, documents={**_DOCS, "later": later}, deals=edited)

    def seen(fl):  # everything but the words that say a figure differs from today's record
        out = []
        for r in fl.records():
            r = dict(r)
            src = r.pop("source")
            assert "later" not in src  # nothing published after D is cited
            out.append(tuple(sorted((k, str(v)) for k, v in r.items())))
        return sorted(out)

    a, b = build_flows(led, as_of=d_day), build_flows(led2, as_of=d_day)
    assert seen(a) == seen(b)
    assert a.unknown_date == b.unknown_date
    assert set(a.not_yet_known) | {"extra"} == set(b.not_yet_known) | {"extra"}
    # the deals listed as known on D show the same figures and statuses
    ka = {d.id: (d.amount, d.payer, d.status_on(d_day), d.tranches) for d in known_deals(led, d_day)[0]}
    kb = {d.id: (d.amount, d.payer, d.status_on(d_day), d.tranches) for d in known_deals(led2, d_day)[0]}
    assert ka == kb
    assert set(versions_on(led2, d_day)) <= set(edited)
    assert ledger_as_of(led2, None) is led2


def test_facts_and_the_report_slider_read_values_as_of(hand: Path):
    from dealweb.flows import fact_as_of, recorded_cash
    from dealweb.model import Fact
    from dealweb.report.payload import chapters

    led = _load(hand)
    # a cash figure first reported at $2B, corrected to $3B by the later document
    cash = Fact("beta-cash", "beta", "cash", parse_amount("$3B"), claims=(
        Claim("rumour", "q $2B", field="value", stated="$2B", amount=parse_amount("$2B"), flag="superseded"),
        Claim("deal", "q $3B", field="value", stated="$3B", amount=parse_amount("$3B"))))
    led = replace(led, facts={"beta-cash": cash})
    v, fig = fact_as_of(cash, led.documents, date(2026, 2, 1))
    assert v.value == parse_amount("$2B") and fig.document == "rumour"
    assert fact_as_of(cash, led.documents, date(2026, 1, 1)) == (None, None)
    assert recorded_cash(led, date(2026, 2, 1))["beta"].usd == 2 * B
    assert recorded_cash(led, date(2026, 3, 1))["beta"].usd == 3 * B
    assert ledger_as_of(led, date(2026, 2, 1)).facts["beta-cash"].value == parse_amount("$2B")
    ch = {c["date"]: c for c in chapters(led)}
    assert ch["2026-01-10"]["as_of_figures"]["a-b"][0] == {"field": "amount", "shown": "$10B",
                                                          "document": "rumour", "date": "2026-01-10"}
    assert ch["2026-02-27"]["as_of_figures"] == {} and ch[None]["as_of_figures"] == {}
