"""The bundled current web (ai-deals-2025-26): structure, link-only evidence, origins, and the analyses on it.

The ledger is read from the package; its documents are link-only pages (url + sha256 of the text the quotes
were checked against) plus the seed articles. Tiny ledgers written inside the tests pin down the link-only
checks and the counting of independent origins.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from dealweb.cli import main
from dealweb.ledger import load_ledger, vocab
from dealweb.model import Status

DATA = Path(__file__).resolve().parents[1] / "src" / "dealweb" / "data"
CURRENT = DATA / "ai-deals-2025-26"
SEED = DATA / "ai-capex-2025"
# The local copies of the pages, kept outside the repository by whoever checked the quotes (optional).
PAGE_CACHE = Path("/work/cache/current-docs")
MIN_DEALS, MIN_FIRMS = 80, 40  # the bar: at least 80 deals among at least 40 firms, funds, lenders, governments


def run(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(main, list(args))
    assert r.exception is None or isinstance(r.exception, SystemExit), r.exception
    return r.exit_code, r.stdout, r.stderr


@pytest.fixture(scope="module")
def current():
    result = load_ledger(CURRENT)
    assert result.errors == [], "\n".join(map(str, result.errors[:10]))
    return result.ledger


# -- structure -------------------------------------------------------------------------------------------------
def test_the_current_web_is_the_default_and_the_seeds_stay_bundled_by_name():
    from dealweb.data import DEFAULT_LEDGER, bundled_ledgers
    from dealweb.ledger import default_ledger_path

    assert DEFAULT_LEDGER == "ai-deals-2025-26" and bundled_ledgers()["ai-deals-2025-26"] == CURRENT
    assert default_ledger_path() == CURRENT
    code, out, _ = run("show", "--json")
    assert code == 0 and json.loads(out)["ledger"] == "ai-deals-2025-26"
    assert bundled_ledgers()["ai-capex-2025"] == SEED
    code, out, _ = run("show", "--ledger", "ai-deals-2025-26", "--json")
    assert code == 0 and json.loads(out)["ledger"] == "ai-deals-2025-26"
    code, out, _ = run("show", "--ledger", "ai-capex-2025", "--json")
    assert code == 0 and json.loads(out)["ledger"] == "ai-capex-2025"


def test_size_and_spread(current):
    led = current
    assert len(led.deals) >= MIN_DEALS
    named = {e for d in led.deals.values() for e in d.entities()}
    assert len(named) >= MIN_FIRMS
    # the funding side is there: rounds, loans or bonds, SPVs / joint ventures
    types = {d.type for d in led.deals.values()}
    assert {"equity_investment", "debt_financing", "joint_venture", "compute_contract", "chip_purchase"} <= types


def test_every_document_has_address_date_tier_language(current):
    for doc in current.documents.values():
        assert doc.url or doc.file, doc.id
        # a seed article whose text states no date stays undated (its note says so); every page has its date
        assert doc.date is not None or (doc.file and "date" in doc.note), doc.id
        assert str(doc.tier) in vocab.TIERS and doc.language, doc.id
        if not doc.file:  # link-only: the hash of the text the quotes were checked against
            assert re.fullmatch(r"[0-9a-f]{64}", doc.sha256), doc.id
            assert doc.url.startswith("https://") or doc.url.startswith("http://"), doc.id


RESERVED = ("36kr.com azzet.com bisnow.com businessleadersreview.com centerconsulting.com cn.technode.com "
            "epicos.com factorytechnews.com fool.com foxbusiness.com hk.crntt.com imfastcenter.com "
            "m.x-techcon.com mgrowtech.com news.anyfans.com news.cnyes.com odaily.news telegraphindia.com udn.com "
            "web-origin.lbkrs.com wyomingstarnews.org").split()


def test_no_document_from_a_reserved_host(current):
    for doc in current.documents.values():
        if doc.url:
            host = doc.url.split("/")[2].lower()
            assert not any(host == r or host.endswith("." + r) for r in RESERVED), (doc.id, host)


def test_every_deal_and_fact_has_a_claim_and_one_sentence_quotes(current):
    for d in current.deals.values():
        assert d.claims or any(e.claims for e in d.events), d.id
        for e in d.events:
            # each lifecycle event has its own source, or says it is an assumption (a seed's undated past)
            assert e.claims or "ASSUMPTION" in e.note, (d.id, e.date)
    for f in current.facts.values():
        assert f.claims, f.id
    for rid, c in current.claims():
        # at most one sentence: no sentence end followed by more text inside the quote
        assert not re.search(r"[.!?。！？]\s+\S", c.quote.rstrip(".!?。！？ ")) or len(c.quote) < 40 \
            or _one_sentence_exception(c.quote), (rid, c.quote)


def _one_sentence_exception(q: str) -> bool:
    # abbreviations and decimal points (U.S., Inc., 2.5) do not end a sentence
    abbrev = r"U\.S|Inc|Corp|Co|Ltd|No|St|Mr|Ms|Dr|vs|e\.g|i\.e|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec|approx"
    stripped = re.sub(rf"\b(?:{abbrev})\.", "", q)
    return not re.search(r"[.!?。！？]\s+[A-Z0-9\u4e00-\u9fff]", stripped.rstrip(".!?。！？ "))


def test_check_strict_passes_both_bundled_ledgers():
    for name in ("ai-deals-2025-26", "ai-capex-2025"):
        code, out, _ = run("check", "--ledger", name, "--strict", "--json")
        data = json.loads(out)
        assert data["errors"] == 0, data["problems"][:3]
        assert code == 0, [p["message"] for p in data["problems"] if not p["message"].startswith("conflict (flagged)")]


def test_strict_fails_an_unflagged_conflict_and_passes_a_flagged_one(tmp_path: Path):
    two = '      - {document: wire, stated: $6 billion, quote: "buy $6 billion"}'
    led = _tiny(tmp_path, "buy $5 billion", extra_claims=two)
    code, out, _ = run("check", str(led), "--strict", "--json")
    assert code == 1 and any("value_mismatch" in p["message"] for p in json.loads(out)["problems"])
    flagged = two.replace("}", ", flag: disputed, note: a slip}")
    (tmp_path / "f").mkdir()
    led2 = _tiny(tmp_path / "f", "buy $5 billion", extra_claims=flagged)
    code, out, _ = run("check", str(led2), "--strict", "--json")
    assert code == 0 and any(p["message"].startswith("conflict (flagged)") for p in json.loads(out)["problems"])


def test_check_is_clean_but_for_the_kept_conflicts():
    code, out, err = run("check", str(CURRENT), "--json")
    data = json.loads(out)
    assert code == 0 and data["errors"] == 0, data["problems"][:5]
    # conflicting figures are kept and flagged (never averaged): those are the only warnings
    others = [p for p in data["problems"] if p["severity"] == "warning" and not p["message"].startswith("conflict")]
    assert others == []


def test_seed_deals_are_held_and_updated(current):
    seed = load_ledger(SEED).ledger
    assert set(seed.deals) <= set(current.deals)
    assert set(seed.documents) <= set(current.documents)
    # updated by what happened next: the Nvidia letter of intent fizzled in early 2026
    loi = current.deals["nvidia-openai-investment-100b"]
    assert loi.status_on(date(2025, 10, 1)) is Status.LETTER_OF_INTENT
    assert loi.status_on(date(2026, 6, 30)) is Status.CANCELLED


def test_lifecycles_include_cancellations(current):
    kinds = [e.kind for d in current.deals.values() for e in d.events]
    assert sum(k in ("cancelled", "fizzled", "dropped", "rejected") for k in kinds) >= 3
    assert {"letter_of_intent", "definitive_agreement", "closing"} <= set(kinds)


def test_seed_quotes_of_the_current_web_stand_at_their_spans(seeds_dir: Path):
    # the seed articles' claims copied into this ledger are checked against the seed file, like the seeds' own
    result = load_ledger(CURRENT, documents_dirs=[seeds_dir], cache=False)
    assert result.errors == []
    seed_docs = {d.id for d in result.ledger.documents.values() if d.file}
    assert seed_docs and not [p for p in result.problems if p.field == "file"]  # every seed file found and read


@pytest.mark.skipif(not PAGE_CACHE.is_dir(), reason="the pages' local copies are kept outside the repository")
def test_every_quote_checked_against_the_local_copies(seeds_dir: Path):
    """Every quote of every page whose copy is at hand stands at its span in it (a new machine's copies are rebuilt
    from the pages corpus with ``tools/news_cache.py recover --ledger``: a page no longer found there has none)."""
    result = load_ledger(CURRENT, documents_dirs=[seeds_dir, PAGE_CACHE], cache=False)
    assert result.errors == []
    docs = [d for d in result.ledger.documents.values() if d.sha256 and (PAGE_CACHE / f"{d.id}.txt").is_file()]
    assert docs, f"no page copy in {PAGE_CACHE}"
    assert all(hashlib.sha256((PAGE_CACHE / f"{d.id}.txt").read_bytes()).hexdigest() == d.sha256 for d in docs)
    assert not [p for p in result.problems if p.field in ("file", "quote", "start", "end", "sha256")]


# -- link-only documents and origins, on tiny ledgers --------------------------------------------------------
PAGE = "Acme said on Monday it will buy $5 billion of cloud from Beta. Shares rose.\n"


def _tiny(tmp_path: Path, quote: str, sha: str | None = None, extra_docs: str = "", extra_claims: str = "") -> Path:
    sha = sha or hashlib.sha256(PAGE.encode()).hexdigest()
    led = tmp_path / "led"
    led.mkdir()
    text = "\n".join([
        "entities:",
        "  - {id: acme, names: {en: Acme}}",
        "  - {id: beta, names: {en: Beta}}",
        "documents:",
        f'  - {{id: wire, title: Acme buys cloud, date: 2026-01-05, tier: major_press, url: "https://example.com/a", '
        f"sha256: {sha}}}",
        extra_docs,
        "deals:",
        "  - id: acme-beta",
        "    type: compute_contract",
        "    from: acme",
        "    to: beta",
        "    amount: $5 billion",
        "    claims:",
        f'      - {{document: wire, stated: $5 billion, quote: "{quote}"}}',
        extra_claims,
    ])
    (led / "l.yaml").write_text(text + "\n", encoding="utf-8")
    return led


def test_link_only_quotes_are_checked_against_a_copy_with_the_same_sha256(tmp_path: Path):
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "anything.txt").write_text(PAGE, encoding="utf-8")
    good = "Acme said on Monday it will buy $5 billion of cloud from Beta."
    led = _tiny(tmp_path, good)
    # no copy given: not checked, no error
    assert load_ledger(led, cache=False).errors == []
    # copy given: checked, and a wrong quote is an error naming the document
    r = load_ledger(led, documents_dirs=[pages], cache=False)
    assert r.errors == []
    assert any("claim has no span" in p.message for p in r.warnings)  # the span it would have is suggested
    (tmp_path / "b").mkdir()
    bad = _tiny(tmp_path / "b", "Acme said on Tuesday it will buy $5 billion of cloud from Beta.")
    r = load_ledger(bad, documents_dirs=[pages], cache=False)
    assert [p for p in r.errors if "quote not found in document 'wire'" in p.message]


def test_a_copy_named_after_the_document_with_another_text_is_warned(tmp_path: Path):
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "wire.txt").write_text(PAGE.replace("Monday", "Tuesday"), encoding="utf-8")
    led = _tiny(tmp_path, "Acme said on Monday it will buy $5 billion of cloud from Beta.")
    r = load_ledger(led, documents_dirs=[pages], cache=False)
    assert r.errors == []
    assert [p for p in r.warnings if "sha256 differs" in p.message]


def test_bad_sha256_and_unknown_syndication_source_are_errors(tmp_path: Path):
    led = _tiny(tmp_path, "x", sha="abc123", extra_docs=(
        '  - {id: copy, title: copy, date: 2026-01-06, url: "https://example.org/b", syndicated_from: nowhere}'))
    msgs = [p.message for p in load_ledger(led, cache=False).errors]
    assert any("is not 64 hexadecimal digits" in m for m in msgs)
    assert any("syndicated_from names unknown document 'nowhere'" in m for m in msgs)


def test_syndicated_copies_count_once(tmp_path: Path):
    docs = "\n".join([
        '  - {id: copy1, title: c1, date: 2026-01-06, url: "https://example.org/1", syndicated_from: wire}',
        '  - {id: copy2, title: c2, date: 2026-01-06, url: "https://example.org/2", syndicated_from: copy1}',
        '  - {id: other, title: o, date: 2026-01-07, url: "https://example.net/3", origin: acme-release}',
        '  - {id: other2, title: o2, date: 2026-01-07, url: "https://example.net/4", origin: acme-release}',
        '  - {id: own, title: own, date: 2026-01-08, url: "https://example.net/5"}',
    ])
    claims = "\n".join(f'      - {{document: {d}, quote: "q{d}"}}' for d in ("copy1", "copy2", "other", "other2"))
    led = _tiny(tmp_path, "buy $5 billion", extra_docs=docs, extra_claims=claims)
    r = load_ledger(led, cache=False)
    assert r.errors == []
    # wire, copy1 and copy2 are one report; other and other2 carry one release: 2 origins (own is not cited)
    assert r.ledger.origins("acme-beta") == ["acme-release", "wire"]
    code, out, _ = run("show", "acme-beta", "--ledger", str(led), "--json")
    assert code == 0
    assert json.loads(out)["origin_count"] == 2


# -- the analyses run on it, no special case -------------------------------------------------------------------
def test_loops_find_the_2025_loop_as_it_stood_and_newer_ones():
    # issue 10: Nvidia's "up to" investment is conditional money: the 2025 ring shows with --include conditional
    # and says it runs through conditional money
    code, out, _ = run("loops", str(CURRENT), "--at", "2025-10-31", "--json", "--no-circulation",
                       "--include", "conditional")
    assert code == 0
    loops = json.loads(out)
    ring = [lp for lp in loops if frozenset(lp["entities"]) == frozenset({"openai", "oracle", "nvidia"})]
    assert ring and ring[0]["conditional"] is True
    code, out, _ = run("loops", str(CURRENT), "--json", "--no-circulation", "--include", "conditional")
    assert code == 0
    later = [lp for lp in json.loads(out) if frozenset(lp["entities"]) != frozenset({"openai", "oracle", "nvidia"})]
    assert later, "the 2026 web has loops beyond the 2025 one"


def test_trace_names_funders():
    code, out, _ = run("trace", "openai", "--ledger", str(CURRENT), "--json")
    assert code == 0
    data = json.loads(out)
    ids = {o["id"] for o in data["origins"]}
    # SoftBank's $30B of 2026 was mostly borrowed (its $40B bridge loan): trace follows it to the banks
    assert {"softbank", "amazon", "softbank-bridge-lenders"} & ids, ids


@pytest.mark.parametrize("scenario", ["base", "openai-cannot-pay"])
def test_stress_scenarios_run(scenario: str):
    code, out, err = run("stress", scenario, "--ledger", str(CURRENT), "--runs", "20", "--json")
    assert code == 0, err
    assert json.loads(out)
