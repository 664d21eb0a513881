"""`dealweb ingest` and `dealweb review` end to end, hostile input included.

Every test builds its own small ledger (YAML text below) in a temporary folder; no shared fixtures.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from dealweb.cli import main
from dealweb.errors import InputError
from dealweb.extract.ingest import ingest_text, read_article

LEDGER = """\
# A tiny test ledger. This comment must survive every write.
ledger:
  name: test-ledger
entities:
  - id: openai
    kind: company
    names: {en: OpenAI}
  - id: oracle   # the cloud
    kind: company
    names: {en: Oracle, zh-Hant: 甲骨文}
    fiscal_year_end: 05-31
  - id: nvidia
    kind: company
    names: {en: Nvidia, zh-Hant: 輝達}
documents:
  - id: old-news
    title: Old news
    language: en
    tier: secondary
deals:
  # OpenAI's cloud contract with Oracle
  - id: openai-oracle-cloud
    type: compute_contract
    from: openai
    to: oracle
    amount: 3000億美元
    claims:
      - document: old-news
        field: amount
        stated: 3000億美元
        quote: OpenAI與甲骨文簽署3000億美元合約
"""

ARTICLE = ("測試用虛構文章\n據報導,OpenAI與甲骨文簽署了總價值約3000億美元的雲端運算合約。"
           "另外,甲骨文已向輝達訂購價值約400億美元的GPU。")


def _files(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*"))
            if p.is_file()}


@pytest.fixture()
def ledger_dir(tmp_path: Path) -> Path:
    d = tmp_path / "ledger"
    d.mkdir()
    (d / "ledger.yaml").write_text(LEDGER, encoding="utf-8")
    return d


@pytest.fixture()
def article(tmp_path: Path) -> Path:
    p = tmp_path / "news" / "a1.txt"
    p.parent.mkdir()
    p.write_text(ARTICLE, encoding="utf-8")
    return p


def test_ingest_json_schema_and_offsets(ledger_dir: Path, article: Path) -> None:
    before = _files(ledger_dir)
    r = CliRunner().invoke(main, ["ingest", str(article), "--ledger", str(ledger_dir), "--json"])
    assert r.exit_code == 0, r.output
    claims = json.loads(r.stdout)
    text = article.read_text(encoding="utf-8")
    assert [c["status"] for c in claims] == ["adds_source", "new"]
    first, second = claims
    assert (first["from"], first["to"]) == ({"id": "openai", "name": "OpenAI"}, {"id": "oracle", "name": "Oracle"})
    assert first["record"] == "openai-oracle-cloud" and first["type"] == "compute_contract"
    assert set(first["amount"]) >= {"low", "high", "currency", "qualifier", "usd_low", "usd_high"}
    # 約400億美元: about 4e10 -> [3.6e10, 4.4e10] (docs/ledger-format.md)
    assert second["amount"]["low"] == pytest.approx(3.6e10) and second["amount"]["high"] == pytest.approx(4.4e10)
    for c in claims:
        assert text[c["start"]:c["end"]] == c["quote"]
        for s, e in c["spans"].values():
            assert c["start"] <= s < e <= c["end"]
        assert {"document", "kind", "quote", "start", "end", "confidence", "status", "record", "capacity_gw",
                "spans"} <= set(c)
    assert _files(ledger_dir) == before  # ingest never writes


def test_ingest_table_shows_units(ledger_dir: Path, article: Path) -> None:
    r = CliRunner().invoke(main, ["ingest", str(article), "--ledger", str(ledger_dir)])
    assert r.exit_code == 0, r.output
    assert "$300B" in r.output or "about $300B" in r.output
    assert "adds_source" in r.output


def test_review_accepts_only_what_is_asked_and_keeps_comments(ledger_dir: Path, article: Path,
                                                              tmp_path: Path) -> None:
    runner = CliRunner()
    props = tmp_path / "p.json"
    r = runner.invoke(main, ["ingest", str(article), "--ledger", str(ledger_dir), "-o", str(props), "--json"])
    assert r.exit_code == 0, r.output
    claims = json.loads(props.read_text(encoding="utf-8"))
    before = _files(ledger_dir)
    r = runner.invoke(main, ["review", "--ledger", str(ledger_dir), str(props), "--accept-all-new", "--dry-run"])
    assert r.exit_code == 0, r.output
    assert _files(ledger_dir) == before  # a dry run writes nothing
    r = runner.invoke(main, ["review", "--ledger", str(ledger_dir), str(props), "--accept", claims[0]["id"],
                             "--json"])
    assert r.exit_code == 1 and "pass --article" in r.stdout  # a file outside the ledger is not read unasked
    assert _files(ledger_dir) == before
    r = runner.invoke(main, ["review", "--ledger", str(ledger_dir), str(props), "--accept", claims[0]["id"],
                             "--article", str(article), "--json"])
    assert r.exit_code == 1 and "needs its outlet, date" in r.stdout and "(--outlet), the date" in r.stdout
    assert _files(ledger_dir) == before
    r = runner.invoke(main, ["review", "--ledger", str(ledger_dir), str(props), "--accept", claims[0]["id"],
                             "--article", str(article), "--outlet", "Test Wire", "--date", "2025-10-01", "--json"])
    assert r.exit_code == 0, r.output
    done = json.loads(r.stdout)["results"]
    assert [d["action"] for d in done] == ["added_claim", "left"]
    # the article is kept in the ledger, so the quote stays checkable without the original file
    assert (ledger_dir / "documents" / "a1.txt").read_text(encoding="utf-8") == ARTICLE
    text = (ledger_dir / "ledger.yaml").read_text(encoding="utf-8")
    assert "# A tiny test ledger. This comment must survive every write." in text
    assert "# OpenAI's cloud contract with Oracle" in text and "# the cloud" in text
    assert text.count("document: a1") == 1  # the new source, once
    assert "title: 測試用虛構文章" in text and "outlet: Test Wire" in text and "file: documents/a1.txt" in text
    article.unlink()
    r = runner.invoke(main, ["check", str(ledger_dir)])
    assert r.exit_code == 0, r.output


def test_review_new_deal_then_reingest_matches(ledger_dir: Path, article: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    props = tmp_path / "p.json"
    runner.invoke(main, ["ingest", str(article), "--ledger", str(ledger_dir), "-o", str(props), "--json"])
    r = runner.invoke(main, ["review", "--ledger", str(ledger_dir), str(props), "--accept-all-new",
                             "--article", str(article.parent), "--outlet", "Test Wire", "--date", "2025-10-01"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(main, ["ingest", str(article), "--ledger", str(ledger_dir), "--json"])
    statuses = [c["status"] for c in json.loads(r.stdout)]
    assert statuses == ["adds_source", "matches"]


def test_review_interactive_answers(ledger_dir: Path, article: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    props = tmp_path / "p.json"
    runner.invoke(main, ["ingest", str(article), "--ledger", str(ledger_dir), "-o", str(props), "--json"])
    before = _files(ledger_dir)
    r = runner.invoke(main, ["review", "--ledger", str(ledger_dir), str(props), "--ask"], input="r\nr\n")
    assert r.exit_code == 0, r.output
    assert "accept?" in r.output and "rejected" in r.output
    assert _files(ledger_dir) == before
    # without a terminal and without --accept, review refuses to guess
    r = runner.invoke(main, ["review", "--ledger", str(ledger_dir), str(props)])
    assert r.exit_code == 2 and "--accept" in r.output


def test_review_bad_proposals_file(ledger_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    r = CliRunner().invoke(main, ["review", "--ledger", str(ledger_dir), str(bad), "--accept-all-new"])
    assert r.exit_code == 2 and "bad.json:1:2: not valid JSON" in r.output and "Traceback" not in r.output


def test_stale_file_is_refused(ledger_dir: Path, article: Path) -> None:
    from dealweb.extract.review import Decisions, DocumentMeta, accept
    from dealweb.ledger import load_ledger
    from dealweb.ledger.write import StaleFileError

    led = load_ledger(ledger_dir).ledger
    claims = [c | {"file": str(article)} for c in ingest_text(ARTICLE, document="a1", ledger=led)]
    stale = {str((ledger_dir / "ledger.yaml").resolve()): "0" * 64}
    before = _files(ledger_dir)
    with pytest.raises(StaleFileError):
        accept(ledger_dir, led, claims[0], stale,
               Decisions(DocumentMeta(outlet="Wire", date="2025-10-01"), allowed=(article,)))
    assert _files(ledger_dir) == before  # nothing written: not the document, not its copy


# ---- hostile input ----------------------------------------------------------------------------------------
def test_empty_file_gives_empty_result(tmp_path: Path) -> None:
    p = tmp_path / "empty.txt"
    p.write_bytes(b"")
    r = CliRunner().invoke(main, ["ingest", str(p), "--no-ledger", "--json"])
    assert r.exit_code == 0 and json.loads(r.stdout) == []
    p.write_text("   \n\n  ", encoding="utf-8")
    r = CliRunner().invoke(main, ["ingest", str(p), "--no-ledger", "--json"])
    assert r.exit_code == 0 and json.loads(r.stdout) == []


def test_binary_file_is_a_clear_error(tmp_path: Path) -> None:
    p = tmp_path / "image.png"
    p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    r = CliRunner().invoke(main, ["ingest", str(p), "--no-ledger", "--json"])
    assert r.exit_code == 1
    assert "image.png: looks like a binary file" in r.stderr and "Traceback" not in r.output


def test_bad_encoding_names_file_and_line_and_can_be_read_with_encoding(tmp_path: Path) -> None:
    p = tmp_path / "big5.txt"
    p.write_bytes("標題\n輝達宣佈向OpenAI投資1000億美元。".encode("big5"))
    r = CliRunner().invoke(main, ["ingest", str(p), "--no-ledger", "--json"])
    assert r.exit_code == 1
    assert "big5.txt:1: not valid utf-8" in r.stderr and "--encoding" in r.stderr
    r = CliRunner().invoke(main, ["ingest", str(p), "--no-ledger", "--json", "--encoding", "big5"])
    assert r.exit_code == 0, r.output
    c = json.loads(r.stdout)[0]
    text = p.read_bytes().decode("big5")
    assert text[c["start"]:c["end"]] == c["quote"] and c["from"]["id"] == "nvidia"


def test_mixed_encodings_are_refused(tmp_path: Path) -> None:
    p = tmp_path / "mixed.txt"
    p.write_bytes("第一行 UTF-8\n".encode() + "第二行 GBK".encode("gbk"))
    with pytest.raises(InputError, match=r"mixed.txt:2: not valid utf-8"):
        read_article(p)


def test_html_with_script_yields_only_visible_claims(tmp_path: Path) -> None:
    page = ("<html><head><script>var fake = '甲骨文向輝達訂購價值9999億美元的GPU';</script>"
            "<style>p{}</style></head><body><h1>標題</h1><p>據報導,甲骨文已向輝達訂購價值約400億美元的GPU。</p>"
            "<!-- 微軟向OpenAI投資5000億美元 --></body></html>")
    p = tmp_path / "page.html"
    p.write_text(page, encoding="utf-8")
    r = CliRunner().invoke(main, ["ingest", str(p), "--no-ledger", "--json"])
    assert r.exit_code == 0, r.output
    claims = json.loads(r.stdout)
    assert len(claims) == 1 and claims[0]["amount"]["text"] == "約400億美元"
    assert page[claims[0]["start"]:claims[0]["end"]] == claims[0]["quote"]


def test_gigantic_line_is_read_without_crash(tmp_path: Path) -> None:
    # 10 MB on one line: filler, then one real sentence at the very end
    line = "甲乙丙丁的了是在" * (10_000_000 // 24) + "。輝達宣佈向OpenAI投資1000億美元。"
    p = tmp_path / "huge.txt"
    p.write_text(line, encoding="utf-8")
    assert p.stat().st_size >= 10_000_000
    claims = json.loads(CliRunner().invoke(main, ["ingest", str(p), "--no-ledger", "--json"]).stdout)
    assert len(claims) == 1 and line[claims[0]["start"]:claims[0]["end"]] == claims[0]["quote"]


def test_missing_file_and_directory(tmp_path: Path) -> None:
    r = CliRunner().invoke(main, ["ingest", str(tmp_path / "nope.txt"), "--no-ledger"])
    assert r.exit_code == 1 and "nope.txt: cannot read" in r.stderr
    r = CliRunner().invoke(main, ["ingest", str(tmp_path), "--no-ledger"])
    assert r.exit_code == 1 and "is a directory" in r.stderr
