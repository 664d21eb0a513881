"""The ``dealweb metrics`` commands: JSON keys and values, sources, errors (click's CliRunner)."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from dealweb.cli import main

runner = CliRunner()


def run(*args: str) -> dict:
    result = runner.invoke(main, ["metrics", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_capacity_ten_gw() -> None:
    # "10 吉瓦的資料中心容量相當於 400 萬到 500 萬塊 GPU"; $100,000 each from "約400,000顆GB200 ... 約400億美元"
    for extra in (("--ledger", "ai-capex-2025"), ("--ledger", "ai-deals-2025-26")):
        data = run("capacity", "--gw", "10", "--json", *extra)
        assert set(data) == {"metric", "given", "inputs", "assumptions", "results", "ledger"}
        acc = data["results"]["accelerators"]
        assert (acc["low"], acc["high"], acc["unit"]) == (4e6, 5e6, "accelerators")
        usd = data["results"]["usd"]
        assert usd["low"] == pytest.approx(4e11) and usd["high"] == pytest.approx(5e11) and usd["unit"] == "usd"
        assert data["inputs"]["gw"]["source"] == {"kind": "flag", "ref": "--gw", "document": "", "quote": "",
                                                  "note": ""}
        # every ratio carries the Jensen / GB200 sentence it stands on
        assert "400 萬到 500 萬塊" in data["inputs"]["accelerators_per_gw_low"]["source"]["quote"]
        assert "400" in data["inputs"]["usd_per_accelerator_low"]["source"]["quote"]


def test_capacity_written_amount() -> None:
    data = run("capacity", "--usd", "400億美元", "--ledger", "ai-capex-2025", "--json")
    assert data["results"]["accelerators"]["low"] == pytest.approx(4e5)
    assert data["results"]["gw"]["low"] == pytest.approx(0.8) and data["results"]["gw"]["high"] == pytest.approx(1.0)


def test_cap_table_tiktok() -> None:
    # by hand: transfer 0.8 x 100 = 80 to the holder; issuance 100 x (1/0.2 - 1) = 400 to the company
    data = run("cap-table", "--from", "1.0", "--to", "0.2", "--valuation", "100e9", "--json")
    assert set(data) == {"metric", "inputs", "assumptions", "routes", "ledger"}
    t, i = data["routes"]["transfer"], data["routes"]["issuance"]
    assert t["holder_receives"] == {"value": 80e9, "unit": "usd"}
    assert t["company_receives"]["value"] == 0
    assert i["company_receives"]["value"] == pytest.approx(400e9)
    assert i["holder_receives"]["value"] == 0
    assert i["post_money_valuation"]["value"] == pytest.approx(500e9)
    assert i["dilution"] == {"value": pytest.approx(0.8), "unit": "fraction"}
    assert data["inputs"]["valuation"]["source"]["kind"] == "flag"


def test_breakeven_article_inputs() -> None:
    data = run("breakeven", "--capex", "400e9", "--life", "5", "--margin", "0.25", "--revenue-monthly", "1e9",
               "--json")
    res = data["results"]
    assert res["revenue_needed_per_year"] == {"value": pytest.approx(320e9), "unit": "usd_per_year"}
    assert res["revenue_had_per_year"]["value"] == pytest.approx(12e9)
    assert res["revenue_gap_per_year"]["value"] == pytest.approx(308e9)
    cells = {(c["life_years"], c["margin"]): c["revenue_needed"] for c in data["sensitivity"]["cells"]}
    assert cells[(5.0, 0.25)] == pytest.approx(320e9)
    assert cells[(6.0, 0.25)] == pytest.approx(400e9 / 6 / 0.25)
    # the default lives of the table run 3 to 6 years
    assert sorted({c["life_years"] for c in data["sensitivity"]["cells"]}) == [3.0, 4.0, 5.0, 6.0]
    # two vintages add up: 400 + 600 at 4 years and 25% -> $1T
    two = run("breakeven", "--capex", "400e9", "--capex", "600e9", "--life", "4", "--margin", "0.25", "--json")
    assert two["results"]["revenue_needed_per_year"]["value"] == pytest.approx(1e12)


def test_backlog_and_funding_gap_defaults() -> None:
    data = run("backlog", "--ledger", "ai-capex-2025", "--json")
    assert data["results"]["path_total"]["value"] == pytest.approx(381e9)
    assert data["results"]["growth_multiple"]["value"] == pytest.approx(8.0)
    assert data["customer"]["means_gap"]["value"] == pytest.approx(250e9)
    assert [y["period"] for y in data["schedule"]["years"]] == ["FY2026", "FY2027", "FY2028", "FY2029", "FY2030"]
    gap = run("funding-gap", "--ledger", "ai-capex-2025", "--json")
    assert gap["results"]["commitment_multiple"]["value"] == pytest.approx(6.0)
    # (60 - 10) x 5 - 40 raised = 210
    assert gap["results"]["outside_capital_needed"]["value"] == pytest.approx(210e9)
    assert gap["inputs"]["cash_available"]["source"]["kind"] == "ledger"


def test_backlog_flags() -> None:
    data = run("backlog", "--rpo", "100e9", "--schedule", "10e9,20e9", "--periods", "A,B", "--no-customer",
               "--json")
    assert data["customer"] is None
    assert [y["backlog_remaining"] for y in data["schedule"]["years"]] == pytest.approx([90e9, 70e9])


def test_amplification() -> None:
    nv = run("amplification", "--entity", "nvidia", "--ledger", "ai-capex-2025", "--json")
    assert nv["results"]["amplification"] == {"value": pytest.approx(1.7), "unit": "x"}
    orcl = run("amplification", "--deal", "300e9", "--cap-after", "933e9", "--price-change", "0.36", "--json")
    # 933 x 0.36 / 1.36 = 246.97; / 300 = 0.823
    assert orcl["results"]["market_cap_change"]["value"] == pytest.approx(933e9 * 0.36 / 1.36)
    assert orcl["results"]["amplification"]["value"] == pytest.approx(933 * 0.36 / 1.36 / 300)


def test_bubble_entity_flag() -> None:
    data = run("bubble", "--entity", "x:price_return=1.0,eps_growth=0.1,forward_pe=60,capex=10e9,"
               "free_cash_flow=-1e9", "--json")
    (v,) = data["entities"]
    assert v["entity"] == "x" and v["signs"] == 3 and v["assessed"] == 3
    assert [p["status"] for p in v["parts"]] == ["sign", "sign", "sign"]
    assert data["inputs"]["entities"]["x"]["free_cash_flow"]["value"] == -1e9
    assert data["inputs"]["entities"]["x"]["forward_pe"]["source"]["kind"] == "flag"


def test_bubble_defaults_from_the_bundled_ledger() -> None:
    data = run("bubble", "--ledger", "ai-capex-2025", "--json")
    names = [v["entity"] for v in data["entities"]]
    assert names == ["magnificent-seven", "magnificent-seven-ex-tesla", "oracle"]
    # the reference (50x) is the ledger's labelled assumption, not derived from the "half" sentence under test
    ref = data["inputs"]["reference_pe"]
    assert ref["value"] == 50.0 and ref["source"]["kind"] == "assumption" and "outside" in ref["source"]["note"]
    ex = data["entities"][1]["parts"][1]["numbers"]["pe_to_reference"]["value"]
    assert ex == pytest.approx(26 / 50)
    assert data["entities"][2]["parts"][2]["status"] == "sign"
    # a flag overrides the ledger's reference
    flagged = run("bubble", "--ledger", "ai-capex-2025", "--reference-pe", "52", "--json")
    assert flagged["entities"][1]["parts"][1]["numbers"]["pe_to_reference"]["value"] == pytest.approx(0.5)


def test_own_ledger_supplies_defaults(tmp_path: Path) -> None:
    (tmp_path / "ledger.yaml").write_text("""
ledger:
  name: tiny
entities:
  - {id: openai, kind: company, names: {en: OpenAI}}
documents:
  - {id: note, title: A note, language: en, tier: secondary}
analyses:
  funding_gap:
    - payer: openai
      commitments: {value: 600億美元, assumption: "a yearly commitment written for the test"}
      years: {value: 5, unit: years, assumption: "a five-year term written for the test"}
facts:
  - id: openai-revenue-2026
    entity: openai
    metric: revenue
    value: 200億美元
    period: "2026"
    claims:
      - {document: note, stated: $20 billion, quote: "OpenAI revenue reached $20 billion"}
  - id: openai-revenue-2026q1
    entity: openai
    metric: revenue
    value: 50億美元
    period: "2026 Q1"
    claims:
      - {document: note, stated: $5 billion, quote: "a quarter of $5 billion"}
""", encoding="utf-8")
    data = run("funding-gap", "--ledger", str(tmp_path), "--json")
    src = data["inputs"]["revenue_per_year"]["source"]
    # the yearly figure, not the quarter's
    assert data["inputs"]["revenue_per_year"]["value"] == pytest.approx(20e9)
    assert (src["kind"], src["ref"], src["quote"]) == ("ledger", "openai-revenue-2026",
                                                       "OpenAI revenue reached $20 billion")
    assert data["ledger"] == "tiny"
    # 60 - 20 = 40 a year, 5 years = 200; no raise recorded in this ledger: nothing borrowed from another
    assert data["results"]["outside_capital_needed"]["value"] == pytest.approx(200e9)
    assert data["inputs"]["cash_available"]["value"] == 0.0


def test_readable_output_shows_units_and_sources() -> None:
    result = runner.invoke(main, ["metrics", "capacity", "--gw", "10", "--ledger", "ai-capex-2025"])
    assert result.exit_code == 0
    assert "4M accelerators" in result.output and "$400B" in result.output
    assert "flag --gw" in result.output


@pytest.mark.parametrize("args, words", [
    (["breakeven", "--capex", "-1"], "capex must not be negative"),
    (["breakeven", "--life", "0"], "life_years must be greater than 0"),
    (["breakeven", "--margin", "2"], "margin must be a fraction"),
    (["cap-table", "--from", "0.2", "--to", "1.0", "--valuation", "1e9"], "above the stake before"),
    (["capacity", "--gw", "1", "--usd", "2"], "exactly one"),
    (["funding-gap", "--years", "0"], "years must be greater than 0"),
    (["bubble", "--entity", "x:foo=1"], "cannot read"),
    (["backlog", "--schedule", "1,2", "--periods", "A"], "labels"),
    (["breakeven", "--lives", "3,x"], "not a comma-separated list"),
])
def test_bad_input_is_one_line_and_exit_2(args: list[str], words: str) -> None:
    result = runner.invoke(main, ["metrics", *args])
    assert result.exit_code == 2, result.output
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and words in lines[0], result.output
    assert "hint" in lines[0]
    assert "Traceback" not in result.output


def test_bad_money_is_a_usage_error() -> None:
    result = runner.invoke(main, ["metrics", "capacity", "--usd", "lots"])
    assert result.exit_code == 2 and "not an amount" in result.output


@pytest.mark.parametrize("cmd", ["bubble", "breakeven", "capacity", "backlog", "funding-gap", "amplification",
                                 "cap-table"])
def test_help_has_an_example(cmd: str) -> None:
    result = runner.invoke(main, ["metrics", cmd, "--help"])
    assert result.exit_code == 0 and "Examples:" in result.output and f"dealweb metrics {cmd}" in result.output
    assert "--json" in result.output and "--ledger" in result.output


@pytest.mark.parametrize("args, words", [
    (["cap-table", "--no-ledger"], "needs analyses.cap_table"),
    (["amplification", "--entity", "acme"], "no deal is named for 'acme'"),
    (["backlog", "--entity", "acme", "--no-ledger"], "needs the backlog (RPO) of acme"),
    (["backlog", "--customer", "acme", "--ledger", "ai-capex-2025"], "needs a contract of acme with oracle"),
    (["funding-gap", "--payer", "acme", "--no-ledger"], "needs the yearly commitments of acme"),
    (["capacity", "--no-ledger"], "needs analyses.capacity.per_gw"),
])
def test_missing_inputs_are_not_assessed(args: list[str], words: str) -> None:
    """An input neither the ledger nor a flag gives: "not assessed: needs X" with how to add it (exit 0)."""
    result = runner.invoke(main, ["metrics", *args])
    assert result.exit_code == 0, result.output
    assert "not assessed" in result.output and words in result.output, result.output
    data = json.loads(runner.invoke(main, ["metrics", *args, "--json"]).output)
    assert data["assessed"] is False and data["needs"] and data["how"]
