"""Snapshot of a ledger, edge lists and the NetworkX export."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from dealweb.errors import InputError
from dealweb.graph import Web, read_edges, snapshot, synthetic_web
from dealweb.model import Claim, Deal, Document, Entity, EntityKind, Event, Flow, Ledger, Status
from dealweb.money import Amount, FxRate, FxTable, Qualifier

B = 1e9


def usd(x: float, q: Qualifier = Qualifier.EXACT, high: float | None = None) -> Amount:
    return Amount(x, x if high is None and q is Qualifier.EXACT else high, q, "USD")


def tiny_ledger() -> Ledger:
    ents = {e: Entity(e, {"en": e.title()}) for e in ("openai", "oracle", "nvidia", "amd", "softbank", "stargate")}
    ents["market"] = Entity("market", {"en": "End customers"}, kind=EntityKind.MARKET)
    deals = [
        Deal("oa-orcl", "compute_contract", "openai", "oracle", amount=usd(300 * B), term_years=5),
        Deal("orcl-nv", "chip_purchase", "oracle", "nvidia", amount=Amount(36 * B, 44 * B, Qualifier.ABOUT, "USD",
                                                                              nominal=40 * B)),
        Deal("nv-oa", "equity_investment", "nvidia", "openai", amount=Amount(0, 100 * B, Qualifier.UP_TO, "USD",
                                                                               nominal=100 * B)),
        Deal("oa-nv-2", "chip_purchase", "oracle", "nvidia", amount=usd(10 * B)),
        Deal("amd-oa", "partnership", "amd", "openai"),
        Deal("jp", "equity_investment", "softbank", "openai", amount=Amount(1e13, 1e13, Qualifier.EXACT, "JPY")),
        Deal("noamt", "services", "openai", "amd"),
        Deal("sg", "joint_venture", parties=(), flows=(Flow("softbank", "stargate", usd(19 * B), "sg", "investment"),
                                                       Flow("openai", "stargate", usd(19 * B), "sg", "investment"))),
        Deal("late", "revenue", "market", "openai", amount=usd(13 * B), announced=date(2025, 12, 1)),
        Deal("dead", "services", "oracle", "amd", amount=usd(5 * B), status=Status.CANCELLED,
             events=(Event(date(2025, 1, 1), Status.SIGNED), Event(date(2025, 6, 1), Status.CANCELLED))),
    ]
    return Ledger(entities=ents, deals={d.id: d for d in deals})


def test_snapshot_sums_parallel_flows_and_skips_what_has_no_usd_value():
    web = snapshot(tiny_ledger())
    i = web.index
    # 300B; about 40B (mid of 36..44 = 40) + 10B summed; "up to 100B" is conditional: out of the firm web
    assert web.flows[i["openai"], i["oracle"]] == pytest.approx(300 * B)
    assert web.flows[i["oracle"], i["nvidia"]] == pytest.approx(50 * B)
    assert web.flows[i["nvidia"], i["openai"]] == 0
    assert web.left_out["conditional"] == pytest.approx(50 * B)
    # --include conditional: mid of [0, 100B] = 50B, marked conditional
    both = snapshot(tiny_ledger(), include="conditional")
    e = both.edges_between(both.index["nvidia"], both.index["openai"])
    assert both.flows[both.index["nvidia"], both.index["openai"]] == pytest.approx(50 * B)
    assert [str(both.status[k]) for k in e] == ["conditional"]
    assert both.totals()["conditional"] == pytest.approx(50 * B)
    assert web.flows[i["softbank"], i["stargate"]] == pytest.approx(19 * B)
    # partnership makes no edge; the JPY deal without an fx rate and the deal without amount are skipped
    assert web.flows[i["amd"], i["openai"]] == 0
    reasons = {s.deal: s.reason for s in web.skipped}
    assert "no USD value" in reasons["jp"] and reasons["noamt"] == "no amount"
    assert "amd-oa" not in reasons
    # cancelled deals are gone
    assert web.flows[i["oracle"], i["amd"]] == 0
    assert sorted(web.deals_between(i["oracle"], i["nvidia"])) == ["oa-nv-2", "orcl-nv"]
    assert web.m == len(web.deals)


def test_snapshot_amount_choice_fx_and_annual():
    led = tiny_ledger()
    low = snapshot(led, amount="low")
    i = low.index
    assert low.flows[i["oracle"], i["nvidia"]] == pytest.approx(46 * B)  # 36 + 10
    assert low.flows[i["nvidia"], i["openai"]] == 0  # "up to" is [0, 100B]: low end is 0
    low_all = snapshot(led, amount="low", include="conditional")
    assert any(s.deal == "nv-oa" and "zero" in s.reason for s in low_all.skipped)
    high = snapshot(led, amount="high", include="conditional")
    assert high.flows[i["nvidia"], i["openai"]] == pytest.approx(100 * B)
    assert snapshot(led, amount="high").flows[i["nvidia"], i["openai"]] == 0  # conditional: not in a firm web
    fx = Ledger(entities=led.entities, deals=led.deals,
                fx=FxTable((FxRate("JPY", 0.0065, date(2025, 1, 1)),)))
    w = snapshot(fx)
    assert w.flows[w.index["softbank"], w.index["openai"]] == pytest.approx(65 * B)  # 10兆日元 * 0.0065
    ann = snapshot(led, flow="annual")
    assert ann.flows[i["openai"], i["oracle"]] == pytest.approx(60 * B)  # 300B over 5 years
    assert ann.notes and "without a term" in ann.notes[0]


def test_snapshot_at_a_date():
    # a record is known from its earliest dated source: give the deals one (issue 10: no look-ahead)
    base = tiny_ledger()
    docs = {"jan": Document("jan", "January", date=date(2025, 1, 2)), "undated": Document("undated", "no date")}
    dated = {k: replace(d, claims=(Claim("undated" if k == "oa-orcl" else "jan", "q"),))
             for k, d in base.deals.items()}
    led = Ledger(entities=base.entities, documents=docs, deals=dated)
    before = snapshot(led, at=date(2025, 3, 1))
    after = snapshot(led, at=date(2025, 12, 31))
    i = before.index
    assert before.flows[i["oracle"], i["amd"]] == pytest.approx(5 * B)  # signed, not yet cancelled
    assert after.flows[i["oracle"], i["amd"]] == 0
    assert before.flows[i["market"], i["openai"]] == 0  # announced later
    assert after.flows[i["market"], i["openai"]] == pytest.approx(13 * B)
    # a deal whose only source is undated is never "always known": left out, and the notes say so
    assert after.flows[i["openai"], i["oracle"]] == 0
    assert any("undated" in n and "oa-orcl" in n for n in after.notes)
    assert snapshot(led).flows[i["openai"], i["oracle"]] == pytest.approx(300 * B)


def test_as_dict_is_json_ready_and_conserves_money():
    import json

    web = snapshot(tiny_ledger())
    d = json.loads(json.dumps(web.as_dict(), allow_nan=False))
    assert d["currency"] == "USD" and d["amount"] == "mid" and len(d["flows"]) == web.m
    # every dollar paid is a dollar received: total outflow = total inflow = sum of flows
    total = sum(f["amount"] for f in d["flows"])
    assert sum(e["outflow"] for e in d["entities"]) == pytest.approx(total)
    assert sum(e["inflow"] for e in d["entities"]) == pytest.approx(total)
    assert {"deal": "noamt", "payer": "openai", "payee": "amd", "reason": "no amount"} in d["skipped"]


def test_to_networkx_keeps_amounts_and_deals():
    g = snapshot(tiny_ledger()).to_networkx()
    assert g["oracle"]["nvidia"]["amount"] == pytest.approx(50 * B)
    assert g["oracle"]["nvidia"]["deals"] == ["orcl-nv", "oa-nv-2"]  # largest first
    assert g.nodes["market"]["kind"] == "market"


def test_from_edges_rejects_negative_and_drops_self_flows():
    with pytest.raises(ValueError, match="finite and >= 0"):
        Web.from_edges(["a"], ["b"], [-1.0])
    w = Web.from_edges(["a", "a", "b"], ["a", "b", "a"], [5.0, 2.0, 0.0])
    assert w.m == 1 and {s.reason for s in w.skipped} == {"self-flow (payer is payee)", "zero amount"}


def test_read_edges_csv_and_errors(tmp_path: Path):
    p = tmp_path / "e.csv"
    p.write_text("source,target,amount,type\na,b,10,equity_investment\nb,a,4.5e0,debt\nb,c,3,\n")
    w = read_edges(p)
    assert w.ids == ("a", "b", "c")
    assert w.flows[0, 1] == 10 and w.flows[1, 0] == 4.5
    assert list(w.kind) == ["investment", "debt", "services"]
    assert w.edge_label(1) == "row 3"
    cases = {
        "source,target,amount\na,b,-3\n": r"e\.csv:2: column amount: negative",
        "source,target,amount\na,b,1\na,b,ten\n": r"e\.csv:3: column amount: 'ten' is not a number",
        "source,amount\na,1\n": r"e\.csv:1: missing column\(s\) target",
        "source,target,amount\na,,1\n": r"e\.csv:2: column target is empty",
        "source,target,amount\na,b\n": r"e\.csv:2: missing column\(s\) amount",
    }
    for text, msg in cases.items():
        p.write_text(text)
        with pytest.raises(InputError, match=msg):
            read_edges(p)


def test_read_edges_parquet(tmp_path: Path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    p = tmp_path / "e.parquet"
    pq.write_table(pa.table({"source": ["x", "y"], "target": ["y", "x"], "amount": [1.0, 2.0]}), p)
    w = read_edges(p)
    assert w.flows[0, 1] == 1.0 and w.flows[1, 0] == 2.0
    pq.write_table(pa.table({"source": ["x", "y"], "target": ["y", "x"], "amount": [1.0, -2.0]}), p)
    with pytest.raises(InputError, match=r"e\.parquet:3: column amount: negative"):
        read_edges(p)


def test_synthetic_web_is_seeded_and_heavy_tailed():
    a = synthetic_web(5000, seed=3)
    b = synthetic_web(5000, seed=3)
    assert a.m == 5000 and np.array_equal(a.src, b.src) and np.array_equal(a.amount, b.amount)
    assert not np.array_equal(a.src, synthetic_web(5000, seed=4).src)
    outdeg = np.bincount(a.src, minlength=a.n)
    # heavy tail: the largest out-degree is far above the mean
    assert outdeg.max() > 10 * outdeg.mean()
    assert (a.src != a.dst).all()
    # reciprocity and short loops exist
    pairs = set(zip(a.src.tolist(), a.dst.tolist(), strict=True))
    assert sum((d, s) in pairs for s, d in pairs) > 0.05 * a.m
