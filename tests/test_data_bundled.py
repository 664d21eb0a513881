"""The bundled ledger ``ai-capex-2025``: every quote stands at its span in the seed articles, every stated
figure is inside its quote, the flags mean what they say, and the loader reads it with no error.

Parts (a) and (b) read the YAML with ruamel directly, so they do not depend on ``dealweb.ledger``; part (c)
goes through ``dealweb.ledger.load_ledger`` and checks figures worked out by hand from the articles.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from ruamel.yaml import YAML

from dealweb.money import AmountError, parse_amount
from script_loader import load_script

REPO = Path(__file__).resolve().parents[1]
LEDGER_DIR = REPO / "src" / "dealweb" / "data" / "ai-capex-2025"
SEED_FILE = "000_b5ebf8e3e65fdf02.txt"


def _load_yaml() -> list[tuple[Path, Any]]:
    y = YAML(typ="rt")
    return [(p, y.load(p.read_text(encoding="utf-8"))) for p in sorted(LEDGER_DIR.rglob("*.yaml"))]


FILES = _load_yaml()


def _section(name: str) -> list[Any]:
    return [rec for _, data in FILES for rec in (data.get(name) or [])]


def _claims() -> Iterator[tuple[str, Any]]:
    """(record id, claim mapping) for every claim: deals, their events/flows/tranches, facts."""
    for section in ("deals", "facts"):
        for rec in _section(section):
            for c in rec.get("claims") or []:
                yield rec["id"], c
            for sub in ("events", "flows", "tranches", "per_year"):
                for item in rec.get(sub) or []:
                    for c in item.get("claims") or []:
                        yield rec["id"], c


DOCS = {d["id"]: d for d in _section("documents")}
CLAIMS = list(_claims())


@pytest.fixture(scope="module")
def seed_text(seed_path: Path) -> str:
    """The seed file's text. Missing seeds fail in CI; locally (no ../shared beside the clone) they skip."""
    return seed_path.read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------------- (a) spans
def test_ledger_has_the_expected_shape() -> None:
    # the files hold 8 documents and many claims; the counts are lower bounds the issue asks for
    assert len(DOCS) == 8
    assert len(_section("entities")) >= 30
    assert len(_section("deals")) >= 30
    assert len(_section("facts")) >= 60
    assert len(CLAIMS) >= 150


def test_document_ranges_are_the_articles(seed_text: str) -> None:
    # Independently of the YAML: the file is a header line then (title, body) line pairs. Each document's
    # range must run from its title line's first character to the end of the following body line.
    lines = seed_text.split("\n")
    offsets, pos = [], 0
    for line in lines:
        offsets.append((pos, pos + len(line)))
        pos += len(line) + 1
    titles = {lines[i]: (offsets[i][0], offsets[i + 1][1]) for i in range(1, len(lines) - 1, 2)}
    assert len(titles) == 8
    for did, d in DOCS.items():
        assert d["file"] == SEED_FILE, did
        assert titles[str(d["title"])] == (d["start"], d["end"]), did
    ranges = sorted((d["start"], d["end"]) for d in DOCS.values())
    assert all(a[1] < b[0] for a, b in zip(ranges, ranges[1:], strict=False))  # no overlap


def test_every_quote_stands_at_its_span_inside_its_document(seed_text: str) -> None:
    bad = []
    for rid, c in CLAIMS:
        doc = DOCS[c["document"]]
        s, e, q = c.get("start"), c.get("end"), str(c["quote"])
        if not (isinstance(s, int) and isinstance(e, int)) or seed_text[s:e] != q:
            bad.append(f"{rid}: {q!r} not at {s}:{e}")
        elif not (doc["start"] <= s and e <= doc["end"]):
            bad.append(f"{rid}: {q!r} at {s}:{e} outside document {doc['id']} {doc['start']}:{doc['end']}")
    assert bad == []


def test_quotes_occur_once_in_their_document(seed_text: str) -> None:
    # a span is only meaningful when the quote is unambiguous within its article
    for rid, c in CLAIMS:
        doc = DOCS[c["document"]]
        assert seed_text.count(str(c["quote"]), doc["start"], doc["end"]) == 1, (rid, c["quote"])


def test_fx_sources_quote_the_articles(seed_text: str) -> None:
    for rate in _section("fx"):
        quoted = str(rate["source"]).split(": ", 1)[1]
        assert quoted in seed_text, rate["currency"]


# ------------------------------------------------------------------------------------------ (b) figures
def test_every_stated_figure_is_inside_its_quote() -> None:
    bad = [(rid, c["stated"], c["quote"]) for rid, c in CLAIMS
           if c.get("stated") is not None and str(c["stated"]) not in str(c["quote"])]
    assert bad == []


def test_quotes_are_short() -> None:
    # short quotes only: one clause or sentence, never a passage (the articles are not shipped)
    longest = max(len(str(c["quote"])) for _, c in CLAIMS)
    assert longest <= 80


def test_every_record_is_sourced_and_every_flag_explained() -> None:
    for section in ("deals", "facts"):
        for rec in _section(section):
            own = list(rec.get("claims") or []) + [c for e in rec.get("events") or [] for c in e.get("claims") or []]
            assert own, rec["id"]
    for rid, c in CLAIMS:
        if c.get("flag"):
            assert c["flag"] in {"joke", "unit_slip", "disputed", "superseded"}, rid
            assert str(c.get("note") or "").strip(), f"flagged claim on {rid} says no reason"


def _amount(text: str, unit: str | None = None):
    try:
        return parse_amount(text, unit)
    except AmountError:
        return None


def test_unit_slips_are_powers_of_ten_or_a_missing_currency() -> None:
    # A claim flagged unit_slip must differ from an unflagged claim on the same record by 10x/100x/1000x,
    # or be a figure printed without any currency (the title's bare 3000億; 數千億 ... 個資料中心). Bare
    # figures take the record's own 'currency' when it declares one, as the loader does.
    checked = 0
    for section in ("deals", "facts"):
        for rec in _section(section):
            claims = list(rec.get("claims") or [])
            unit = rec.get("currency")
            for c in claims:
                if c.get("flag") != "unit_slip":
                    continue
                checked += 1
                slip = _amount(str(c["stated"]), unit)
                assert slip is not None, rec["id"]
                if slip.unit is None:
                    continue
                others = [_amount(str(o["stated"]), unit) for o in claims
                          if not o.get("flag") and o.get("stated") is not None and o.get("field") == c.get("field")]
                ratios = {round(o.point / slip.point, 6) for o in others if o is not None and o.unit == slip.unit}
                assert ratios & {10.0, 100.0, 1000.0, 0.1, 0.01, 0.001}, (rec["id"], c["stated"], ratios)
    # 317億 (vs 3170億), 35億 (350億), 18億 (180億), 32/73/114/144億 (320/730/1140/1440億): 7 checked by ratio;
    # the title's bare 3000億 and 數千億 without a currency: 2
    assert checked == 9


def test_ids_are_unique_and_references_resolve() -> None:
    ents = [e["id"] for e in _section("entities")]
    assert [k for k, n in Counter(ents).items() if n > 1] == []
    for section in ("deals", "facts"):
        ids = [r["id"] for r in _section(section)]
        assert [k for k, n in Counter(ids).items() if n > 1] == []
    known = set(ents)
    for d in _section("deals"):
        refs = [d.get("from"), d.get("to")] + [p["entity"] for p in d.get("parties") or []]
        refs += [x for f in d.get("flows") or [] for x in (f["from"], f["to"])]
        assert {r for r in refs if r} <= known, d["id"]
    for f in _section("facts"):
        assert f["entity"] in known, f["id"]
    for _, c in CLAIMS:
        assert c["document"] in DOCS


# ----------------------------------------------------------------------------------------- (c) loader
def _loaded():
    from dealweb.data import bundled_ledgers
    from dealweb.ledger import load_ledger

    # the seeds' ledger by name: it stays bundled (no longer the default, which is the current web)
    return load_ledger(bundled_ledgers()["ai-capex-2025"])


def test_loader_reads_the_bundled_ledger_without_error() -> None:
    res = _loaded()
    errors = [str(p) for p in res.problems if p.severity == "error"]
    assert errors == []
    assert res.ledger.name == "ai-capex-2025"
    assert len(res.ledger.deals) == len(_section("deals"))
    assert len(res.ledger.facts) == len(_section("facts"))


def test_loader_checks_every_quote_against_the_seeds_given(seeds_dir: Path) -> None:
    # the seeds are found only because they are given: the ledger names no folder outside itself
    assert _loaded().ledger.documents_dirs == ()
    from dealweb.data import bundled_ledgers
    from dealweb.ledger import load_ledger

    res = load_ledger(bundled_ledgers()["ai-capex-2025"], documents_dirs=[seeds_dir])
    assert str(seeds_dir.resolve()) in res.ledger.documents_dirs
    assert [str(p) for p in res.problems if p.severity == "error"] == []
    assert not [p for p in res.problems if p.field == "file"]  # every document found and read


def test_the_openai_oracle_nvidia_loop_is_made_of_real_flows() -> None:
    led = _loaded().ledger
    flows = led.flows_on(None)
    kinds = {(f.payer, f.payee): f.kind for f in flows}
    assert kinds[("openai", "oracle")] == "services"      # the $300B cloud contract
    assert kinds[("oracle", "nvidia")] == "hardware"      # the GB200 chip order, not an "investment"
    assert kinds[("nvidia", "openai")] == "investment"    # up to $100B, per GW deployed
    # the meme's "Oracle invests in Nvidia" must not exist as an investment flow
    assert not [f for f in flows if (f.payer, f.payee) == ("oracle", "nvidia") and f.kind == "investment"]
    g = nx.DiGraph((f.payer, f.payee) for f in flows if f.amount is not None)
    cycles = [c for c in nx.simple_cycles(g) if set(c) == {"openai", "oracle", "nvidia"}]
    assert cycles  # the three-way loop closes with figures on every edge


def test_hand_checked_figures() -> None:
    led = _loaded().ledger
    rpo = led.facts["oracle-rpo-fy26q1"].value
    assert (rpo.low, rpo.high, rpo.unit) == (455e9, 455e9, "USD")          # 4550億美元 = 455 × 1e9
    assert led.facts["oracle-rpo-fy26q1"].period == "FY2026 Q1"
    nv = led.deals["nvidia-openai-investment-100b"]
    assert (nv.amount.high, nv.amount.unit, nv.capacity_gw) == (100e9, "USD", 10)   # 最高 1,000 億美元
    warrant = led.deals["amd-openai-warrant-160m"]
    assert (warrant.quantity.high, warrant.quantity.unit) == (160e6, "shares")   # 1.6億股 = 1.6 × 1e8
    assert warrant.tranches[0].threshold == 600
    cloud = led.deals["openai-oracle-cloud-300b"]
    assert (cloud.amount.low, cloud.capacity_gw, cloud.term_years) == (300e9, 4.5, 5)
    gb200 = led.deals["oracle-nvidia-gb200-40b"]
    assert gb200.quantity.nominal == 400_000 and gb200.amount.nominal == 40e9
    japan = led.deals["japan-ai-sovereignty-programme"].amount
    assert japan.unit == "JPY" and japan.high == 10e12                         # 10兆日元
    assert japan.usd_high == pytest.approx(65e9)                              # 約650億美元 stated beside it
    oci = [led.facts[f"oracle-oci-revenue-guidance-fy{y}"].value.low for y in (27, 28, 29, 30)]
    assert oci == [32e9, 73e9, 114e9, 144e9]                                   # 320億、730億、1140億、1440億
    breakeven = led.facts["ai-breakeven-revenue-2025"].value
    assert (breakeven.low, breakeven.high) == (320e9, 480e9)                   # 3200 億 至 4800 億美元


def test_terms_and_dates_as_the_articles_state_them() -> None:
    """The time and payment terms (issue 10), each figure worked out by hand from its quote."""
    from datetime import date

    led = _loaded().ledger
    # the window: Musk's 2022 Twitter purchase is history, the 2025 deals are live
    assert led.window is not None and led.window.start == date(2025, 1, 1)
    assert led.is_history(led.deals["musk-twitter-44b"])
    assert not led.is_history(led.deals["openai-funding-round-2025-04"])  # completed 2025-04-30, inside
    # OpenAI's April round: 400 億美元 = 4 x 1e10, from its investors as a group
    rnd = led.deals["openai-funding-round-2025-04"]
    assert (rnd.payer, rnd.payee, rnd.amount.low, rnd.amount.high) == ("openai-investors", "openai", 40e9, 40e9)
    assert {p.entity for p in rnd.parties} >= {"softbank", "microsoft", "thrive-capital"}
    # the Oracle contract's per-year terms: 約600億 (+-10 %) from 2027; 約300億 from Oracle's FY2028 (June 2027)
    cloud = led.deals["openai-oracle-cloud-300b"]
    assert (cloud.term_start, cloud.term_start_label, cloud.schedule_stated) == (date(2027, 1, 1), "2027", False)
    sixty, thirty = cloud.per_year
    assert (sixty.amount.low, sixty.amount.high, sixty.start) == (pytest.approx(54e9), pytest.approx(66e9),
                                                                  date(2027, 1, 1))
    assert (thirty.amount.low, thirty.amount.high) == (pytest.approx(27e9), pytest.approx(33e9))
    assert (thirty.start, thirty.start_label, thirty.calendar) == (date(2027, 6, 1), "FY2028", "oracle")
    # Nvidia: up to 1,000億 in ten 1-GW steps (10 GW / 1 GW), none before the second half of 2026
    (gw,) = led.deals["nvidia-openai-investment-100b"].tranches
    assert (gw.trigger, gw.gw, gw.count, gw.pro_rata, gw.amount) == ("per_gw", 1.0, 10, True, None)
    assert (gw.start, gw.start_label) == (date(2026, 7, 1), "2026-H2")
    # AMD: strike 0.01美元 per share, vests at 600美元 a share (fields, not prose)
    amd = led.deals["amd-openai-warrant-160m"]
    assert (amd.strike.low, amd.strike.unit) == (0.01, "USD")
    assert amd.tranches[0].price.low == 600.0 and amd.tranches[0].quantity.low == 160e6
    # Stargate's partners pay into the venture; no split is stated
    sg = {(f.payer, f.payee): f.amount for f in led.deals["stargate"].flows}
    assert set(sg) == {(x, "stargate") for x in ("openai", "oracle", "softbank", "mgx")}
    assert set(sg.values()) == {None}
    # Oracle's capex guidance includes the GB200 order (carve-out, not a double count)
    assert led.facts["oracle-capex-guidance-fy26"].includes == ("oracle-nvidia-gb200-40b",)
    # dates: the GB200 article is undated, not before the Stargate announcement it describes
    doc = led.documents["chip-oracle-gb200"]
    assert (doc.date, doc.basis, doc.not_before) == (None, "bounded", date(2025, 1, 21))
    assert led.deals["stargate"].status_on(date(2025, 1, 20)) is None  # not known before it was announced
    assert led.documents["huxiu-tiktok-next"].basis == "unknown"
    assert str(led.deals["tiktok-us-sale"].status) == "rumoured"


def test_dating_the_gb200_article_before_stargate_is_an_error(tmp_path: Path) -> None:
    # the old date (2024-12-31) precedes the Stargate announcement (2025-01-21) the article reports: an error
    # at the document, naming the event; the bounded form (no date, not_before) is clean
    import shutil

    from dealweb.ledger import load_ledger

    root = tmp_path / "ai-capex-2025"
    shutil.copytree(LEDGER_DIR, root)
    docs = root / "documents.yaml"
    text = docs.read_text(encoding="utf-8")
    old = "    date: null\n    date_basis: bounded\n    not_before: 2025-01-21\n"
    assert text.count(old) == 1
    docs.write_text(text.replace(old, "    date: 2024-12-31\n"), encoding="utf-8")
    res = load_ledger(root, cache=False)
    line = text[:text.index("  - id: chip-oracle-gb200")].count("\n") + 1
    errs = [p for p in res.errors if "chip-oracle-gb200" in p.message]
    assert [(p.line, p.col) for p in errs] == [(line, 5)]
    assert "reports deal 'stargate''s event 'announced' of 2025-01-21" in errs[0].message


def test_bundled_ledger_passes_strict(seeds_dir: Path) -> None:
    from dealweb.data import bundled_ledgers
    from dealweb.ledger import load_ledger

    res = load_ledger(bundled_ledgers()["ai-capex-2025"], documents_dirs=[seeds_dir], cache=False)
    assert [str(p) for p in res.problems if p.severity in ("error", "warning")] == []
    assert len([p for p in res.problems if p.severity == "note"]) == len(res.ledger.conflicts) == 22


def test_conflicts_are_derived_for_the_known_slips() -> None:
    led = _loaded().ledger
    flagged = {(c.record, c.kind) for c in led.conflicts}
    for record in ("oracle-rpo-increase-fy26q1", "oracle-capex-guidance-fy26", "oracle-oci-revenue-guidance-fy26",
                   "openai-oracle-cloud-300b", "oracle-nvidia-gb200-40b"):
        assert any(r == record for r, _ in flagged), record


# ------------------------------------------------------------------------------------- tools/spans.py
def _spans_module():  # noqa: ANN202
    return load_script("dealweb_tools_spans", REPO / "tools" / "spans.py")


TINY_TEXT = "#hdr\nA篇\n甲公司向乙公司支付100億美元。乙公司很高興。\nB篇\n乙公司很高興。丙公司買了2吉瓦。\n"
# offsets, counted by hand: "#hdr\n" is 0-4; "A篇" starts at 5; its body line ends at 5+3+23 = 31 (exclusive);
# "B篇" starts at 32 and its body ends at 32+3+16 = 51.
TINY_DOCS = """\
ledger: {name: tiny, documents_dirs: [texts]}
documents:
  - {id: a, title: A篇, file: t.txt, start: 5, end: 31}
  - {id: b, title: B篇, file: t.txt, start: 32, end: 51}
"""


def _tiny(tmp_path: Path, claims: str) -> Path:
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "t.txt").write_text(TINY_TEXT, encoding="utf-8")
    (tmp_path / "ledger.yaml").write_text(TINY_DOCS, encoding="utf-8")
    (tmp_path / "deals.yaml").write_text(
        "# keep this comment\ndeals:\n  - id: d1\n    type: compute_contract\n    from: x\n    to: y\n"
        "    claims:\n" + claims, encoding="utf-8")
    return tmp_path


def test_spans_tool_fills_spans_and_keeps_comments(tmp_path: Path) -> None:
    spans = _spans_module()
    root = _tiny(tmp_path, "      - document: a  # inline comment\n        stated: 100億美元\n"
                           "        quote: 甲公司向乙公司支付100億美元\n"
                           "      - document: b\n        quote: 丙公司買了2吉瓦\n")
    problems, changed, seen = spans.fill_spans(root)
    assert problems == [] and seen == 2 and changed == [root / "deals.yaml"]
    text = (root / "deals.yaml").read_text(encoding="utf-8")
    assert "# keep this comment" in text and "# inline comment" in text
    claims = YAML(typ="safe").load(text)["deals"][0]["claims"]
    # "甲公司…" begins right after the title line "A篇\n": 5 + 3 = 8; "丙公司…" after "乙公司很高興。" in B: 35 + 7 = 42
    assert (claims[0]["start"], claims[0]["end"]) == (8, 8 + len("甲公司向乙公司支付100億美元"))
    assert (claims[1]["start"], claims[1]["end"]) == (42, 42 + len("丙公司買了2吉瓦"))
    assert TINY_TEXT[claims[1]["start"]:claims[1]["end"]] == "丙公司買了2吉瓦"
    # a second run finds nothing to do, and --check agrees
    assert spans.fill_spans(root)[1] == []
    assert spans.main([str(root), "--check"]) == 0


def test_spans_tool_reports_absent_ambiguous_and_misplaced_quotes(tmp_path: Path) -> None:
    spans = _spans_module()
    root = _tiny(tmp_path, "      - document: a\n        quote: 丙公司買了2吉瓦\n"        # only in document b
                           "      - document: b\n        quote: 很高興\n"                # fine: once in b
                           "      - document: a\n        quote: 乙公司\n"                # twice in a
                           "      - document: a\n        stated: 200億美元\n        quote: 支付100億美元\n")
    before = (root / "deals.yaml").read_text(encoding="utf-8")
    problems, changed, _ = spans.fill_spans(root, check=True)
    msgs = [p.message for p in problems]
    assert any("is not in document a" in m for m in msgs)
    assert any("occurs 2 times in document a" in m for m in msgs)
    assert any("stated '200億美元' is not inside the quote" in m for m in msgs)
    assert any("span of a claim on d1" in m for m in msgs)      # the fillable ones are reported in --check
    assert (root / "deals.yaml").read_text(encoding="utf-8") == before   # --check writes nothing
    outside = next(p for p in problems if "is not in document a" in p.message)
    assert "outside document a's range" in outside.hint and outside.line == 9
    assert spans.main([str(root)]) == 1


def test_spans_tool_accepts_a_chosen_occurrence(tmp_path: Path) -> None:
    # an ambiguous quote whose span already points at one of its occurrences is left alone
    spans = _spans_module()
    first = TINY_TEXT.index("乙公司", 5)
    root = _tiny(tmp_path, f"      - document: a\n        quote: 乙公司\n        start: {first}\n"
                           f"        end: {first + 3}\n")
    assert spans.fill_spans(root, check=True)[0] == []


def test_spans_tool_agrees_with_the_bundled_ledger(seeds_dir: Path) -> None:
    problems, changed, seen = _spans_module().fill_spans(LEDGER_DIR, documents=[seeds_dir], check=True)
    assert [str(p) for p in problems] == [] and changed == [] and seen == len(CLAIMS)
