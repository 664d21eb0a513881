"""``dealweb stress``: JSON keys, bundled names, one-line errors with file and line."""

from __future__ import annotations

import json
import time

import pytest
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


# Hostile scenario files: one line per problem naming the file, a hint, exit code != 0, never a traceback.
def _bomb() -> str:
    lines = ["a: &a [x,x,x,x,x,x,x,x,x]"]
    prev = "a"
    for name in "bcdefghi":
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
        prev = name
    return "\n".join([*lines, "name: *i", ""])  # 9**9 = 387 million values when expanded


HOSTILE = {
    "deep.yaml": ("scenario: " + "[" * 1200 + "]" * 1200 + "\n").encode(),
    "bomb.yaml": _bomb().encode(),
    "binary.yaml": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
    "latin1.yaml": "scenario:\n  name: caf\xe9\n".encode("latin-1"),
    "control.yaml": b"scenario:\n  name: a\x07b\n",
    "empty.yaml": b"# nothing here\n",
}
EXPECTED = {
    "deep.yaml": ":1:1: malformed YAML: brackets nested 1200 levels deep",
    "bomb.yaml": ":2:1: the YAML aliases (*name) expand",
    "binary.yaml": ":1:1: this is a binary file",
    "latin1.yaml": ":2:12: the file is not UTF-8 text",
    "control.yaml": ":2:10: malformed YAML: character U+0007",
    "empty.yaml": ":1:1: empty file",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_scenario_file_is_one_line_with_a_hint(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(HOSTILE[name])
    t0 = time.process_time()
    res = CliRunner().invoke(main, ["stress", str(path)])
    assert time.process_time() - t0 < 20  # the bomb is refused, not expanded (a generous bound)
    assert res.exit_code not in (0, None) and isinstance(res.exception, SystemExit), res.output
    assert "Traceback" not in res.output
    problem = next(ln for ln in res.output.splitlines() if name in ln)
    assert problem.startswith(str(path) + EXPECTED[name]), res.output
    assert problem.endswith(")") and " (" in problem  # the hint, on the same line
    assert "ledger" not in problem  # the ledger reader's hints are said for a scenario
    assert sum(str(path) in ln for ln in res.output.splitlines()) == 1  # one line, not split


def test_directory_as_scenario(tmp_path):
    res = CliRunner().invoke(main, ["stress", str(tmp_path)])
    assert res.exit_code not in (0, None) and isinstance(res.exception, SystemExit)
    assert "Traceback" not in res.output
    assert f"{tmp_path}:1:1: this is a directory, not a scenario file (give a scenario .yaml file" in res.output


def test_too_many_runs_refused_up_front(monkeypatch):
    import importlib

    stress_mod = importlib.import_module("dealweb.sim.stress")  # dealweb.sim.stress is also the function
    monkeypatch.setattr(stress_mod, "machine_memory_bytes", lambda: 2**30)  # a 1 GiB machine
    t0 = time.process_time()
    res = CliRunner().invoke(main, ["stress", "base", "--runs", "100000000"])
    assert time.process_time() - t0 < 20
    assert res.exit_code not in (0, None) and isinstance(res.exception, SystemExit), res.output
    assert "Traceback" not in res.output and "MemoryError" not in res.output
    line = next(ln for ln in res.output.splitlines() if ln.startswith("error:"))
    assert "100,000,000 runs would need about" in line and "more than half of this machine's 1.0 GiB" in line
    assert "(hint: use --runs " in line


def test_result_bytes_bounds_the_real_results():
    # The estimate, from above, against the bytes numpy actually holds for 200 runs of the base scenario
    # (one copy of ChunkResult's arrays; the estimate counts 3 copies at the peak).
    from dealweb.ledger import load_ledger
    from dealweb.sim.engines import run_model
    from dealweb.sim.montecarlo import build_model
    from dealweb.sim.scenario import bundled_scenarios, load_scenario
    from dealweb.sim.stress import result_bytes

    model = build_model(load_scenario(bundled_scenarios()["base"]), load_ledger().ledger)
    res = run_model(model, 200)
    held = sum(getattr(res, f).nbytes for f in res.__dataclass_fields__ if f not in ("start", "raised_sum"))
    assert held <= result_bytes(model, 200) / 3 <= 1.05 * held


@pytest.mark.parametrize("name", ["deep.yaml", "bomb.yaml", "control.yaml"])
def test_parse_scenario_text_has_the_same_guards(name):
    from dealweb.sim import ScenarioError, parse_scenario

    with pytest.raises(ScenarioError) as err:
        parse_scenario(HOSTILE[name].decode(), "x.yaml")
    (problem,) = err.value.problems
    assert "\n" not in str(problem) and problem.hint and str(problem).startswith("x.yaml:")
