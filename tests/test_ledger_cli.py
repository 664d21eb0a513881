"""The ledger commands through click's CliRunner: exit codes, output, never a traceback."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dealweb.cli import main
from dealweb.ledger import default_ledger_path, ledger_to_dict, load_ledger

DOC = "標題\nOpenAI宣佈投資1,000億美元購買Oracle的雲端運算服務;輝達向OpenAI投資最高1000億美元。\n"
Q1 = "OpenAI宣佈投資1,000億美元購買Oracle的雲端運算服務"
Q2 = "輝達向OpenAI投資最高1000億美元"
S1 = DOC.index(Q1)  # computed, then cross-checked: "標題\n" is 3 characters
S2 = DOC.index(Q2)

LEDGER = f"""\
ledger:
  name: tiny
  documents_dirs: [.]
entities:
  - {{id: openai, names: {{en: OpenAI}}}}
  - {{id: oracle, names: {{en: Oracle, zh-Hant: 甲骨文}}, aliases: [ORCL], fiscal_year_end: 05-31}}
  - {{id: nvidia, names: {{en: Nvidia, zh-Hant: 輝達}}}}
documents:
  - {{id: d1, title: AI行情到了第幾層, outlet: 遠川, date: 2025-10-13, file: doc.txt}}
deals:
  - id: oai-orcl
    type: compute_contract
    from: openai
    to: oracle
    amount: 1000億美元
    announced: 2025-09-10
    claims:
      - {{document: d1, stated: 1000億美元, quote: "{Q1}", start: {S1}, end: {S1 + len(Q1)}}}
  - id: nv-oai
    type: equity_investment
    from: nvidia
    to: openai
    amount: 最高1000億美元
    announced: 2025-09-22
    claims:
      - {{document: d1, stated: 最高1000億美元, quote: "{Q2}", start: {S2}, end: {S2 + len(Q2)}}}
facts:
  - id: orcl-rpo
    entity: oracle
    metric: rpo
    value: 4550億美元
    period: FY2026 Q1
    claims:
      - {{document: d1, quote: "{Q1}", start: {S1}, end: {S1 + len(Q1)}}}
"""


@pytest.fixture()
def ledger_dir(tmp_path: Path) -> Path:
    root = tmp_path / "my-ledger"
    root.mkdir()
    (root / "doc.txt").write_text(DOC, encoding="utf-8")
    (root / "main.yaml").write_text(LEDGER, encoding="utf-8")
    return root


def run(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(main, list(args), catch_exceptions=True)
    if r.exception is not None and not isinstance(r.exception, SystemExit):
        raise r.exception
    assert "Traceback" not in r.output
    return r.exit_code, r.stdout, r.stderr


def test_offsets() -> None:
    assert S1 == 3 and DOC[S2:S2 + len(Q2)] == Q2


def test_check_clean(ledger_dir: Path) -> None:
    code, out, err = run("check", str(ledger_dir))
    assert code == 0, out + err
    assert "3 entities, 2 deals, 1 facts, 1 documents; 0 error(s), 0 warning(s)" in out


def test_check_errors_exit_1_with_positions(ledger_dir: Path) -> None:
    text = LEDGER.replace("to: oracle", "to: oracel").replace("announced: 2025-09-22", "announced: 2025-02-30")
    (ledger_dir / "main.yaml").write_text(text, encoding="utf-8")
    code, out, err = run("check", str(ledger_dir))
    assert code == 1
    lines = [ln for ln in out.splitlines() if "main.yaml:" in ln]
    # "    to: oracel" is line 14 (value at column 9); "    announced: 2025-02-30" is line 24 (column 16)
    assert any(ln.endswith("main.yaml:14:9: unknown entity 'oracel' in 'to' (did you mean 'oracle'?)")
               for ln in lines), lines
    assert any("main.yaml:24:16: impossible date 2025-02-30" in ln for ln in lines), lines
    assert "2 error(s)" in err


def test_check_strict(ledger_dir: Path) -> None:
    claim = f"      - {{document: d1, stated: 1000億美元, quote: \"{Q1}\", start: {S1}, end: {S1 + len(Q1)}}}\n"
    assert claim in LEDGER
    text = LEDGER.replace(claim, "", 1)
    (ledger_dir / "main.yaml").write_text(text, encoding="utf-8")
    code, out, _ = run("check", str(ledger_dir))
    assert code == 0 and "deal 'oai-orcl' has no claim" in out  # a warning only
    assert run("check", str(ledger_dir), "--strict")[0] == 1


def test_check_json(ledger_dir: Path) -> None:
    (ledger_dir / "main.yaml").write_text(LEDGER.replace("type: compute_contract", "type: cloud"), encoding="utf-8")
    code, out, _ = run("check", str(ledger_dir), "--json")
    assert code == 1
    data = json.loads(out)
    assert data["errors"] == 1 and data["warnings"] == 0
    (p,) = data["problems"]
    assert set(p) == {"file", "line", "col", "severity", "field", "message", "hint"}
    assert (p["line"], p["col"], p["field"]) == (12, 11, "type")  # "    type: cloud", the value at column 11


def test_check_documents_option(ledger_dir: Path, tmp_path: Path) -> None:
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "doc.txt").write_text("xx" + DOC, encoding="utf-8")  # every quote two characters later
    (ledger_dir / "doc.txt").unlink()
    assert run("check", str(ledger_dir))[0] == 0  # no document file: quotes unchecked
    code, out, _ = run("check", str(ledger_dir), "--documents", str(texts))
    assert code == 1 and f"it stands at {S1 + 2}..{S1 + 2 + len(Q1)}" in out
    code, _, err = run("check", str(ledger_dir), "--documents", str(tmp_path / "nope"))
    assert code == 2 and "no such folder" in err


@pytest.mark.parametrize("content", [b"\x00\x01\x02binary\xff", b"\xff\xfe garbage", b"deals: [\n", b"",
                                     b"- a\n- b\n", b"deals:\n  - id: [1, 2]\n    type: {a: b}\n"])
def test_check_never_tracebacks(tmp_path: Path, content: bytes) -> None:
    f = tmp_path / "x.yaml"
    f.write_bytes(content)
    code, out, err = run("check", str(f))
    assert code == 1
    assert "x.yaml:" in out


def test_check_bad_paths(tmp_path: Path) -> None:
    code, _, err = run("check", str(tmp_path / "nope"))
    assert code == 2 and err.startswith("error: no such ledger") and len(err.strip().splitlines()) == 1
    empty = tmp_path / "empty"
    empty.mkdir()
    code, out, _ = run("check", str(empty))
    assert code == 1 and "no ledger here" in out


def test_show_entity_with_quotes(ledger_dir: Path) -> None:
    code, out, _ = run("show", "--ledger", str(ledger_dir), "甲骨文")
    assert code == 0
    for piece in ("Oracle", "oai-orcl", "$100B", "exact", "USD", Q1, "AI行情到了第幾層", "rpo",
                  "FY2026 Q1 (2025-06-01..2025-08-31)"):
        assert piece in out, piece
    code, out, _ = run("show", "--ledger", str(ledger_dir), "openai")
    assert "up to $100B" in out and "up_to" in out and "nv-oai" in out


def test_show_path_instead_of_entity(ledger_dir: Path) -> None:
    code, out, _ = run("show", str(ledger_dir))
    assert code == 0 and "tiny" in out and "oai-orcl" in out
    code, out, _ = run("show", str(ledger_dir / "main.yaml"))
    assert code == 0 and "nv-oai" in out


def test_show_unknown_entity(ledger_dir: Path) -> None:
    code, _, err = run("show", "--ledger", str(ledger_dir), "oracel")
    assert code == 2 and "no entity 'oracel'" in err and "oracle" in err
    assert len(err.strip().splitlines()) == 1
    code, _, err = run("show", "--ledger", str(ledger_dir), "oracle", "--at", "2025-13-01")
    assert code == 2 and "not a date" in err


def test_show_json_and_at(ledger_dir: Path) -> None:
    code, out, _ = run("show", "--ledger", str(ledger_dir), "openai", "--json")
    data = json.loads(out)
    assert [d["id"] for d in data["deals_out"]] == ["oai-orcl"]
    assert [d["id"] for d in data["deals_in"]] == ["nv-oai"]
    assert data["deals_in"][0]["amount"]["qualifier"] == "up_to"
    # on 2025-09-15 the Nvidia deal (announced 2025-09-22) is not known yet
    code, out, _ = run("show", "--ledger", str(ledger_dir), "openai", "--json", "--at", "2025-09-15")
    assert json.loads(out)["deals_in"] == []
    code, out, _ = run("show", "--ledger", str(ledger_dir), "--json")
    ent = {e["id"]: e for e in json.loads(out)["entities"]}
    assert (ent["openai"]["deals_out"], ent["openai"]["usd_out_low"]) == (1, 1e11)
    assert (ent["openai"]["usd_in_low"], ent["openai"]["usd_in_high"]) == (0.0, 1e11)  # up to: [0, 1e11]


def test_export_json_csv_graphml(ledger_dir: Path, tmp_path: Path) -> None:
    code, out, _ = run("export", str(ledger_dir))
    assert code == 0
    assert json.loads(out) == json.loads(json.dumps(ledger_to_dict(load_ledger(ledger_dir).ledger)))
    code, out, _ = run("export", str(ledger_dir), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["from"], r["to"], r["qualifier"]) for r in rows] == [("openai", "oracle", "exact"),
                                                                    ("nvidia", "openai", "up_to")]
    assert rows[0]["quote"] == Q1 and int(rows[0]["start"]) == S1
    target = tmp_path / "web.graphml"
    code, _, err = run("export", str(ledger_dir), "--format", "graphml", "-o", str(target))
    assert code == 0 and "wrote" in err
    g = nx.read_graphml(target)
    assert g.number_of_nodes() == 3 and g.number_of_edges() == 2
    assert not list(tmp_path.glob(".web.graphml.*"))  # no temporary file left behind
    code, _, err = run("export", str(ledger_dir), "-o", str(tmp_path / "missing" / "x.json"))
    assert code == 2 and "does not exist" in err


def test_export_refuses_a_broken_ledger(ledger_dir: Path) -> None:
    (ledger_dir / "main.yaml").write_text(LEDGER.replace("to: oracle", "to: nobody"), encoding="utf-8")
    code, _, err = run("export", str(ledger_dir))
    assert code == 1 and "unknown entity 'nobody'" in err


@pytest.mark.parametrize("cmd", ["check", "show", "export"])
def test_help_has_examples(cmd: str) -> None:
    code, out, _ = run(cmd, "--help")
    assert code == 0 and "Examples:" in out and f"dealweb {cmd}" in out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.binary(max_size=200), st.text(max_size=200).map(lambda s: s.encode("utf-8"))))
def test_loader_never_raises_on_garbage(tmp_path: Path, content: bytes) -> None:
    f = tmp_path / "g.yaml"
    f.write_bytes(content)
    result = load_ledger(f)  # must not raise, whatever the bytes
    assert all(p.line >= 1 and p.col >= 1 for p in result.problems)


def test_bundled_ledger_show_smoke() -> None:
    if not default_ledger_path().is_dir():
        pytest.fail("the bundled ledger is missing")
    code, out, _ = run("show")
    assert code == 0 and "openai" in out and "oracle" in out
    code, out, _ = run("show", "oracle")
    assert code == 0 and "Oracle" in out
