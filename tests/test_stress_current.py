"""Stress scenarios written for the current web (ai-deals-2025-26): inputs from facts or labelled assumptions.

The bundled ledger ai-deals-2025-26 has its own scenarios (``scenarios/ai-deals-2025-26/``): every firm input is
a ledger fact (named, or read from the ledger's cash / debt / capex facts) or an assumption with its reason,
so ``dealweb stress base`` on the default ledger and the report's stress section run on inputs that fit it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from dealweb.cli import main
from dealweb.ledger import load_ledger
from dealweb.sim import load_scenario, stress
from dealweb.sim.scenario import BUNDLED_DIR, ScenarioError, bundled_scenarios, parse_scenario, resolve_scenario

CURRENT = "ai-deals-2025-26"
FOLDER = BUNDLED_DIR / CURRENT
NAMES = ("base", "capital-drought", "openai-cannot-pay", "slow-ai-revenue")


@pytest.fixture(scope="module")
def ledger():
    res = load_ledger(None)
    assert res.ledger.name == CURRENT
    return res.ledger


@pytest.fixture(scope="module")
def results(ledger):
    return {n: stress(load_scenario(FOLDER / f"{n}.yaml"), ledger, runs=120, sensitivity=False).summary(top=20)
            for n in NAMES}


def test_each_ledger_gets_its_own_scenarios_by_name():
    assert tuple(bundled_scenarios(CURRENT)) == NAMES
    assert resolve_scenario("base", CURRENT) == FOLDER / "base.yaml"
    assert resolve_scenario("base", "ai-capex-2025") == BUNDLED_DIR / "base.yaml"
    assert resolve_scenario("base", "a-user-ledger") == BUNDLED_DIR / "base.yaml"  # no folder: the first set
    assert resolve_scenario("base") == BUNDLED_DIR / "base.yaml"                   # old callers unchanged
    for n in NAMES:
        assert load_scenario(FOLDER / f"{n}.yaml").ledger == CURRENT


def test_every_input_line_says_fact_or_assumption_and_named_ids_exist(ledger):
    ids = set(ledger.facts) | set(ledger.deals)
    for n in NAMES:
        text = (FOLDER / f"{n}.yaml").read_text(encoding="utf-8")
        block = text.split("\nentities:\n", 1)[1].split("\nothers:", 1)[0]
        for line in block.splitlines():
            m = re.match(r"^    (\w+): (\S.*?)\s*(#.*)?$", line)
            if not m:
                continue
            comment = m.group(3) or ""
            assert re.search(r"\b(fact|facts|fact-derived|assumption)\b", comment), (n, line)
        # every id named after "fact"/"deal" (ids hold a hyphen) is a fact or deal of the ledger
        for named in re.findall(r"\b(?:fact|facts|deal|deals|fact-derived):? \(?([a-z0-9]+(?:-[a-z0-9]+)+)", text):
            assert named in ids, (n, named)


def test_listed_firms_get_no_silent_zero_for_what_drives_default(results):
    for e in results["base"]["entities"]:
        if e["assumed"] != "scenario":
            continue
        for field in ("cash", "revenue", "capacity"):
            src = e["inputs"][field]["source"]
            assert src.startswith(("scenario:", "ledger:")), (e["id"], field, src)


def test_inputs_left_out_are_read_from_the_ledgers_facts(results):
    by = {e["id"]: e["inputs"] for e in results["base"]["entities"]}
    assert by["openai"]["cash"]["source"].startswith("ledger: fact openai-cash-2026-06")
    assert by["oracle"]["debt"]["source"].startswith("ledger: fact oracle-total-debt-fy26q1")
    assert by["oracle"]["capex"]["source"].startswith("ledger: fact oracle-capex-guidance-fy26-dec")
    assert by["coreweave"]["capex"]["source"].startswith("ledger: fact coreweave-capex-guidance-2026")
    assert by["nebius"]["debt"]["source"].startswith("ledger: fact nebius-debt-2025")


def _p(summary, eid):
    return next(e["default_probability"] for e in summary["entities"] if e["id"] == eid)


def test_results_move_the_way_the_scenarios_say(results):
    base = results["base"]
    assert base["ledger"] == CURRENT and base["ledger_warning"] is None
    # chipmakers: $160B of outside revenue (fact-derived) against their costs: they never default
    assert _p(base, "nvidia") == 0.0 and _p(base, "amd") == 0.0
    # OpenAI defaulting from 2027 is a shock to the firms it pays: Oracle and CoreWeave default more often
    cut = results["openai-cannot-pay"]
    assert _p(cut, "openai") == 1.0
    assert _p(cut, "oracle") > _p(base, "oracle") and _p(cut, "coreweave") >= _p(base, "coreweave")
    # less revenue or less capital never helps the model makers
    for worse in ("slow-ai-revenue", "capital-drought"):
        for eid in ("openai", "anthropic", "oracle"):
            assert _p(results[worse], eid) >= _p(base, eid), (worse, eid)


def test_stress_base_runs_on_the_default_ledger_without_a_warning():
    r = CliRunner().invoke(main, ["stress", "base", "--runs", "30", "--no-sensitivity", "--json"])
    assert r.exit_code == 0, r.output
    s = json.loads(r.stdout)
    assert s["ledger"] == CURRENT and s["scenario_ledger"] == CURRENT and s["ledger_warning"] is None
    assert s["runs"] == 30


def test_report_runs_is_checked_with_file_line_and_hint(tmp_path: Path):
    bad = "scenario:\n  name: x\n  report_runs: many\n"
    with pytest.raises(ScenarioError) as ei:
        parse_scenario(bad, str(tmp_path / "x.yaml"))
    assert any(p.line == 3 and "report_runs" in p.message for p in ei.value.problems)
    assert parse_scenario("scenario:\n  name: x\n  report_runs: 300\n", "x.yaml").report_runs == 300
    assert parse_scenario("scenario:\n  name: x\n", "x.yaml").report_runs is None


# The report's own run of these scenarios at the CLI's runs (every scenario at 2,000 runs, base with its
# sensitivity table, the report saying so) is checked on the analysis `dealweb report` gathers, in
# tests/test_report_html.py::test_report_of_the_default_ledger_runs_its_own_scenarios: one run of the
# default stress serves both.
