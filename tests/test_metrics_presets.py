"""Every metric on the ledger's records: the articles' own figures from the bundled ledgers, every input
sourced, JSON-safe; a ledger without a test's inputs gets "not assessed", never another ledger's numbers."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.three_firms import ANALYSES, write_three_firms

from dealweb.cli import main
from dealweb.ledger import load_ledger
from dealweb.metrics.common import NotAssessed
from dealweb.metrics.defaults import METRICS
from dealweb.metrics.presets import all_results

runner = CliRunner()


@pytest.fixture(scope="module", params=["ai-capex-2025", "ai-deals-2025-26"])
def bundled(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    return load_ledger(request.param).ledger


def test_all_on_the_bundled_ledgers(bundled) -> None:  # type: ignore[no-untyped-def]
    r = all_results(bundled)
    assert set(r) == set(METRICS)
    assert not [m for m, v in r.items() if isinstance(v, NotAssessed)]
    # 10 GW -> 4-5 million accelerators, $400-500B ("400 萬到 500 萬塊 GPU"; $40B / 400,000 chips)
    assert r["capacity"].accelerators == (4e6, 5e6)
    assert r["capacity"].usd == pytest.approx((400e9, 500e9))
    # $400B / 4 years / 25% = $400B needed a year against $12B ("每月...10億美元左右")
    assert r["breakeven"].revenue_needed_per_year == pytest.approx(400e9)
    assert r["breakeven"].revenue_had_per_year == pytest.approx(12e9)
    # 144 / 18 = 8 ("未來4年營收將增長8倍")
    assert r["backlog"].growth_multiple == pytest.approx(8.0)
    # 60 / 10 = 6 ("相當於該公司目前年營收的 6 倍")
    assert r["funding-gap"].commitment_multiple == pytest.approx(6.0)
    # 250 / 300 (Oracle)
    assert r["amplification"].amplification == pytest.approx(250 / 300)
    # 100% -> 20% at the illustrative $100B: 80 by transfer, 400 by issuance
    assert r["cap-table"].route("transfer").holder_receives == pytest.approx(80e9)
    assert r["cap-table"].route("issuance").company_receives == pytest.approx(400e9)
    assert r["cap-table"].inputs.sources["valuation"].kind == "assumption"


def test_every_input_has_a_source_and_json_is_safe(bundled) -> None:  # type: ignore[no-untyped-def]
    for metric, result in all_results(bundled).items():
        data = result.as_dict()
        json.dumps(data, allow_nan=False)
        for name, entry in data["inputs"].items():
            if name == "entities" or entry["value"] is None:
                continue
            assert entry["source"]["kind"] in ("assumption", "ledger"), f"{metric}.{name}"


def test_a_ledger_without_the_section_is_not_assessed(tmp_path: Path) -> None:
    root = write_three_firms(tmp_path / "bare")
    r = all_results(load_ledger(root).ledger)
    assert all(isinstance(v, NotAssessed) for v in r.values()), r
    for v in r.values():
        assert v.as_dict()["assessed"] is False and v.needs and "analyses" in v.how + " ".join(v.needs)


def test_three_firm_ledger_by_hand(tmp_path: Path) -> None:
    """Values worked by hand from the ledger written in tests/three_firms.py."""
    r = all_results(load_ledger(write_three_firms(tmp_path / "an", ANALYSES)).ledger)
    # capacity: 40,000 chips for 0.2 GW -> 200,000 a GW; $4B / 40,000 = $100,000 each; the deal's 0.2 GW
    cp = r["capacity"]
    assert cp.inputs.gw == 0.2 and cp.accelerators == pytest.approx((40_000, 40_000))
    assert cp.usd == pytest.approx((4e9, 4e9))
    # funding gap: beta pays alpha $10B over 4 years = $2.5B a year against $2B revenue: 1.25x;
    # gap 0.5 a year x 4 = $2B, no cash recorded
    fg = r["funding-gap"]
    assert fg.commitment_multiple == pytest.approx(1.25)
    assert fg.outside_capital_needed == pytest.approx(2e9)
    # backlog: no revenue path of alpha in the ledger -> not assessed, saying what to add
    assert isinstance(r["backlog"], NotAssessed) and "revenue path of alpha" in r["backlog"].how
    # bubble: alpha has no P/E or cash-flow facts
    assert isinstance(r["bubble"], NotAssessed)
    for name in ("breakeven", "amplification", "cap-table"):
        assert isinstance(r[name], NotAssessed), name


def test_metrics_all_shows_no_bundled_figure(tmp_path: Path) -> None:
    root = write_three_firms(tmp_path / "an", ANALYSES)
    result = runner.invoke(main, ["metrics", "all", "--ledger", str(root), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["ledger"] == "three-firms" and set(data["metrics"]) == set(METRICS)
    text = result.output.casefold()
    for word in ("oracle", "openai", "nvidia", "455", "210000000000", "magnificent"):
        assert word not in text, word
    assert data["metrics"]["backlog"]["assessed"] is False
    assert data["metrics"]["funding-gap"]["results"]["outside_capital_needed"]["value"] == pytest.approx(2e9)
    plain = runner.invoke(main, ["metrics", "all", "--ledger", str(root)])
    assert plain.exit_code == 0 and "not assessed" in plain.output and "oracle" not in plain.output.casefold()


def test_metrics_all_command_on_the_seeds() -> None:
    result = runner.invoke(main, ["metrics", "all", "--ledger", "ai-capex-2025", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["metrics"]["funding-gap"]["results"]["outside_capital_needed"]["value"] == pytest.approx(210e9)
    text = runner.invoke(main, ["metrics", "all", "--ledger", "ai-capex-2025"])
    assert text.exit_code == 0 and "$400B–$500B" in text.output


def test_report_on_a_three_firm_ledger_shows_only_its_own_firms(tmp_path: Path) -> None:
    from dealweb.report import analysis_of

    an = analysis_of(load_ledger(write_three_firms(tmp_path / "an", ANALYSES)).ledger, stress=True, draws=4)
    text = " ".join(str(x) for x in (an.metrics, an.notes, an.stress_tables)).casefold()
    # no firm, deal or figure of the bundled ledgers (the stress scenarios are written for them: not run)
    for word in ("oracle", "openai", "nvidia", "bytedance", "magnificent"):
        assert word not in text, word
    titles = [t.title for t in an.metrics]
    assert "Backlog: not assessed" in titles and "Capacity: results" in titles
    wf = next(t for t in an.metrics if t.title.startswith("Obligations waterfall"))
    assert {r["Firm"] for r in wf.rows} == {"Alpha Cloud", "Beta Labs"}  # the firms' names, said in each language
    assert next(r for r in wf.rows if (r["Firm"], r["Year"]) == ("Beta Labs", "2026"))["Gap"] == "$2.5B"
