"""The graph commands end to end: tables, JSON keys, edge files, errors without tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from dealweb.cli import main
from dealweb.cli.graph_cmds import usd_label


def run(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(main, list(args))
    assert r.exception is None or isinstance(r.exception, SystemExit), r.exception
    return r.exit_code, r.stdout, r.stderr


@pytest.fixture()
def edges(tmp_path: Path) -> Path:
    p = tmp_path / "web.csv"
    # openai -> oracle 300, oracle -> nvidia 40, nvidia -> openai 100 (see test_graph_trace for the arithmetic)
    p.write_text("source,target,amount,type\nopenai,oracle,3e11,compute_contract\noracle,nvidia,4e10,chip_purchase\n"
                 "nvidia,openai,1e11,equity_investment\n")
    return p


def test_usd_label():
    assert [usd_label(x) for x in (3e11, 4e10, 1.5e12, 12.34e6, 950.0)] == ["$300B", "$40B", "$1.5T", "$12.34M",
                                                                             "$950"]


def test_loops_json_on_an_edge_file(edges: Path):
    code, out, _ = run("loops", "--edges", str(edges), "--json")
    assert code == 0
    (lp,) = json.loads(out)
    assert lp["entities"] == ["openai", "oracle", "nvidia"]
    assert lp["deals"] == ["row 2", "row 3", "row 4"] and lp["bottleneck"] == 4e10 and lp["currency"] == "USD"


def test_loops_table_and_null_model(edges: Path):
    code, out, _ = run("loops", "--edges", str(edges))
    assert code == 0 and "openai → oracle → nvidia → openai" in out and "$40B" in out
    # circulating share: 3 x $40B of $440B = 27.3%
    assert "27.3%" in out
    code, out, _ = run("loops", "--edges", str(edges), "--null", "9", "--seed", "3", "--json")
    d = json.loads(out)
    assert d["null_model"]["seed"] == 3 and d["null_model"]["n"] == 9
    # a directed 3-cycle admits no swap without a self-flow: every rewiring is the same web; p = 10/10
    assert {s["name"]: s["p_value"] for s in d["null_model"]["stats"]}["loops_len_3"] == 1.0


def test_trace_json_keys_and_values(edges: Path):
    code, out, _ = run("trace", "openai", "--edges", str(edges), "--json")
    assert code == 0
    d = json.loads(out)
    assert {"entity", "inflow", "origins", "circularity", "classes", "currency"} <= set(d)
    assert d["entity"] == "openai" and d["inflow"] == 1e11
    assert d["circularity"] == pytest.approx(4 / 13)
    assert [o["id"] for o in d["origins"]] == ["nvidia", "openai"]
    code, out, _ = run("trace", "oracle", "--edges", str(edges))
    assert code == 0 and "Circularity: 0%" in out and "$300B" in out


def test_closed_loop_trace_says_no_origin(tmp_path: Path):
    p = tmp_path / "loop.csv"
    p.write_text("source,target,amount\nx,y,5\ny,x,5\n")
    code, out, _ = run("trace", "x", "--edges", str(p), "--json")
    d = json.loads(out)
    assert code == 0 and d["status"] == "no_origin" and d["circularity"] is None and d["origins"] == []


def test_errors_are_one_line(edges: Path, tmp_path: Path):
    code, _, err = run("trace", "oracel", "--edges", str(edges))
    assert code == 2 and err.strip().count("\n") == 0 and "did you mean: oracle" in err
    bad = tmp_path / "bad.csv"
    bad.write_text("source,target,amount\na,b,-1\n")
    code, _, err = run("loops", "--edges", str(bad))
    assert code == 2 and "bad.csv:2: column amount: negative" in err and "Traceback" not in err
    code, _, err = run("loops", "--edges", str(edges), "--at", "yesterday")
    assert code == 2 and "not a date" in err


def test_exposure_json(edges: Path):
    code, out, _ = run("exposure", "oracle", "--edges", str(edges), "--json")
    d = json.loads(out)
    assert code == 0 and d["categories"]["backlog"]["counterparties"][0]["id"] == "openai"
    assert d["categories"]["backlog"]["hhi"] == 1.0 and d["currency"] == "USD"


def test_bundled_ledger_commands():
    # issue 10: Nvidia's "up to $100B" is conditional: firm loops only by default, --include conditional adds it
    # the seeds' web, named (the default ledger is the current web, where Nvidia's later $30B is firm)
    code, out, _ = run("loops", "--ledger", "ai-capex-2025", "--json")
    assert code == 0
    assert not any(lp["entities"] == ["openai", "oracle", "nvidia"] for lp in json.loads(out))
    code, out, _ = run("loops", "--ledger", "ai-capex-2025", "--include", "conditional", "--json")
    (lp,) = [x for x in json.loads(out) if x["entities"] == ["openai", "oracle", "nvidia"]]
    assert lp["conditional"] is True and lp["conditional_deals"] == ["nvidia-openai-investment-100b"]
    code, out, _ = run("trace", "Oracle", "--json")  # a name, not an id
    d = json.loads(out)
    assert code == 0 and d["entity"] == "oracle" and d["definition"].startswith("Circularity is")
    assert "unfunded" in d and "unfunded" in d["classes"]
    code, out, _ = run("exposure", "oracle")
    assert code == 0 and "backlog" in out


def test_all_loops_counts_and_truncation(tmp_path: Path):
    # complete digraph on 4 nodes: C(4,2) + 2 C(4,3) + 6 = 6 + 8 + 6 = 20 loops
    p = tmp_path / "k4.csv"
    p.write_text("source,target,amount\n" + "".join(f"n{i},n{j},{1 + i + 10 * j}\n"
                                                   for i in range(4) for j in range(4) if i != j))
    code, out, _ = run("loops", "--edges", str(p), "--all", "--top", "3")
    assert code == 0 and "20 loop(s) in all (2 hops: 6, 3 hops: 8, 4 hops: 6)" in out
    code, out, _ = run("loops", "--edges", str(p), "--all", "--limit", "5")
    assert code == 0 and "stopped after 5 loops" in out


def test_date_or_exit_is_shared_by_the_graph_and_faces_commands(capsys: pytest.CaptureFixture[str]):
    from datetime import date

    import dealweb.cli.face_cmds as face_cmds
    import dealweb.cli.graph_cmds as graph_cmds
    from dealweb.cli.common import date_or_exit

    assert date_or_exit("2025-10-01") == date(2025, 10, 1) and date_or_exit(None) is None
    with pytest.raises(SystemExit) as exc:
        date_or_exit("2025-13-01", "--on")
    assert exc.value.code == 2
    assert capsys.readouterr().err == (
        "error: --on '2025-13-01' is not a date (hint: write YYYY-MM-DD, e.g. --on 2025-10-01)\n")
    # One parser for every room, no private copies left behind.
    import dealweb.cli.ledger_cmds as ledger_cmds

    assert not any(hasattr(m, "_parse_date") for m in (graph_cmds, face_cmds, ledger_cmds))


def test_loops_name_the_sources_of_their_deals(tmp_path: Path):
    from report_fixtures import LEDGER_YAML

    led = tmp_path / "tiny.yaml"
    led.write_text(LEDGER_YAML, encoding="utf-8")
    code, out, err = run("loops", str(led), "--json", "--include", "conditional")  # nv-oa is "up to": conditional
    assert code == 0, err
    (lp,) = json.loads(out)
    assert lp["conditional"] is True
    # nv-oa carries one claim (document d1: Example Daily, 2025-10-01); oa-or and or-nv carry none.
    assert lp["sources"] == [
        {"deal": "oa-or", "document": None, "outlet": None, "title": None, "date": None, "quote": None,
         "field": None, "flag": None},
        {"deal": "or-nv", "document": None, "outlet": None, "title": None, "date": None, "quote": None,
         "field": None, "flag": None},
        {"deal": "nv-oa", "document": "d1", "outlet": "Example Daily", "title": "The loop", "date": "2025-10-01",
         "quote": "Nvidia will invest up to $100 billion", "field": "amount", "flag": None}]
    code, out, _ = run("loops", str(led), "--include", "conditional")
    assert code == 0 and "1 quote(s): Example Daily" in out and "no source: oa-or" in out and "nv-oa ◇" in out


def test_edge_list_loops_have_no_sources(edges: Path):
    code, out, _ = run("loops", "--edges", str(edges), "--json")
    assert code == 0 and "sources" not in json.loads(out)[0]


def test_unknown_entity_in_an_edge_list_points_to_its_columns(edges: Path):
    code, _, err = run("trace", "zzzz", "--edges", str(edges))
    assert code == 2 and err == (
        "error: unknown entity 'zzzz' (hint: give a name from the edge list's source or target column)\n")
