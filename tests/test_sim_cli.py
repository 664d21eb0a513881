"""``dealweb stress``: JSON keys, bundled names, one-line errors with file and line."""

from __future__ import annotations

import json

from click.testing import CliRunner

from dealweb.cli import main


def test_list_json():
    res = CliRunner().invoke(main, ["stress", "--list", "--json"])
    assert res.exit_code == 0, res.output
    names = {s["name"] for s in json.loads(res.output)["scenarios"]}
    assert {"base", "slow-ai-revenue", "capital-drought", "openai-cannot-pay"} <= names


def test_bundled_scenario_json_has_stable_keys_and_is_reproducible():
    args = ["stress", "openai-cannot-pay", "--runs", "30", "--seed", "5", "--json"]
    first = CliRunner().invoke(main, args)
    assert first.exit_code == 0, first.output
    out = json.loads(first.output)
    assert set(out) >= {"scenario", "seed", "runs", "engine", "clearing", "entities", "periods", "loss_drivers",
                        "conservation", "assumptions", "currency", "who_pays", "debtrank"}
    assert len(out["who_pays"]["periods"]) == out["quarters"]
    assert out["clearing"]["outside_seniority"] == "pari_passu"
    assert out["runs"] == 30 and out["seed"] == 5 and out["currency"] == "USD"
    openai = next(e for e in out["entities"] if e["id"] == "openai")
    assert openai["default_probability"] == 1.0  # cannot pay from 2027 and owes Oracle from 2027
    assert set(openai["shortfall_usd"]) == {"mean", "p05", "p50", "p95"}
    assert out["conservation"]["max_error_usd"] < 1.0
    again = CliRunner().invoke(main, args)
    assert again.output == first.output


def test_table_output_names_units_and_seniority():
    res = CliRunner().invoke(main, ["stress", "base", "--runs", "20"])
    assert res.exit_code == 0, res.output
    assert "USD" in res.output and "pari_passu" in res.output and "P(default)" in res.output


def test_bad_scenario_is_one_line_with_file_and_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("scenario:\n  name: bad\n  runs: -3\n", encoding="utf-8")
    res = CliRunner().invoke(main, ["stress", str(bad)])
    assert res.exit_code == 1
    assert f"{bad}:3:" in res.output and "Traceback" not in res.output


def test_unknown_scenario_name_hints_at_list():
    res = CliRunner().invoke(main, ["stress", "no-such-scenario"])
    assert res.exit_code == 2
    assert "no-such-scenario" in res.output and "bundled" in res.output


def test_unknown_entity_in_scenario(tmp_path):
    sc = tmp_path / "x.yaml"
    sc.write_text("scenario: {name: x, runs: 2}\nentities:\n  not-a-firm: {cash: 1}\n", encoding="utf-8")
    res = CliRunner().invoke(main, ["stress", str(sc)])
    assert res.exit_code == 1
    assert f"{sc}:3" in res.output and "not-a-firm" in res.output
