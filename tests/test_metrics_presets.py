"""Every metric on its defaults: the articles' own headline figures, every input sourced, JSON-safe."""

import json

import pytest
from click.testing import CliRunner

from dealweb.cli import main
from dealweb.metrics.defaults import METRICS
from dealweb.metrics.presets import all_results, inputs_from_defaults


def test_all_on_the_articles_alone() -> None:
    r = all_results(None)
    assert set(r) == set(METRICS)
    # 10 GW -> 4-5 million accelerators, $400-500B ("400 萬到 500 萬塊 GPU"; $40B / 400,000 chips)
    assert r["capacity"].accelerators == (4e6, 5e6)
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


@pytest.mark.parametrize("metric", METRICS)
def test_every_default_input_has_a_source_and_json_is_safe(metric: str) -> None:
    inputs = inputs_from_defaults(metric, None)
    data = all_results(None)[metric].as_dict()
    json.dumps(data, allow_nan=False)
    for name, entry in data["inputs"].items():
        if name == "entities":
            continue
        if entry["value"] is None:
            continue
        assert entry["source"]["kind"] in ("article", "assumption", "ledger", "caller"), name
        assert entry["source"]["kind"] != "caller", f"{metric}.{name} has no recorded source"
    assert inputs is not None


def test_metrics_all_command() -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["metrics", "all", "--no-ledger", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["ledger"] is None and set(data["metrics"]) == set(METRICS)
    assert data["metrics"]["funding-gap"]["results"]["outside_capital_needed"]["value"] == pytest.approx(210e9)
    text = runner.invoke(main, ["metrics", "all", "--no-ledger"])
    assert text.exit_code == 0 and "$400B–$500B" in text.output
