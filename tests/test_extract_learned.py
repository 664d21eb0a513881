"""The learned USD deal-claim scorer (``dealweb.extract.learned``, ``ingest --scorer learned``).

What is checked, each against a value worked out independently:

* the logistic arithmetic by hand (``1 / (1 + e^-0.7) = 0.66818...``);
* the fast scoring path (shared parts summed once, role weights read from tables without building names)
  against the plain sum over every feature name, on every candidate of made-up articles, for random weights;
* the candidates of a made-up sentence: exactly the two ordered pairs, with the adjacency cues a reader sees;
* decisions with hand-written models: a model that trusts only the rules' pair gives the rules' claims, one
  whose bias is very low gives no USD deal (facts untouched), one that prefers the party after "in" as
  payee turns a reversed reading round;
* the shipped model: trained only on development splits (never ``test`` or the validation split ``dev3``),
  its feature names generic (no firm of the gazetteer or of a bundled ledger in any of them);
* the guideline's examples (docs/annotation-guideline.md, written for it) with the learned scorer;
* hostile input (arbitrary Unicode, a 100 kB line of figures and firms) stays safe and linear;
* the command line: ``--scorer learned`` works, and is refused with ``--backend llm``.
"""

from __future__ import annotations

import json
import math
import random
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cpu_time import best_cpu_seconds
from dealweb.extract.gazetteer import GAZETTEER, GazEntry
from dealweb.extract.ingest import analyse, ingest_text, language_of
from dealweb.extract.learned import MODEL_FILE, ClaimModel, Role, candidates, decide, load_model
from dealweb.extract.mentions import EntityIndex
from dealweb.extract.normalise import fold

_CHIPS = frozenset({"chip_purchase"})
FIRMS = (
    GazEntry("acme", "company", "Acme", "艾克米", "艾克米"),
    GazEntry("borealis", "company", "Borealis", "博瑞斯", "博瑞斯", sells=_CHIPS),
    GazEntry("dynamo", "fund", "Dynamo Capital", "迪納摩資本", "迪纳摩资本"),
)
INDEX = EntityIndex(extra=FIRMS)
B = 1e9
ARTICLES = [
    "Acme will invest $2 billion in Borealis.",
    "Borealis won a $3 billion chip order from Acme. Dynamo Capital's $500 million stake followed.",
    "艾克米與博瑞斯宣布，將向迪納摩資本投資最多50億美元，其中艾克米出資30億美元。",
    "Acme and Dynamo Capital will together invest up to $9 billion in Borealis, Acme said on Monday.",
    "Borealis's market value rose to $900 billion. Acme's revenue was $40 billion.",
]


def usd_deals(text: str, model: ClaimModel | None = None) -> list[tuple[str, str, float, float | None]]:
    """(payer, payee, usd_low, usd_high) of the USD deal claims, by the rules then ``model`` when given."""
    norm, ents, amts, props = analyse(text, INDEX)
    if model is not None:
        props = decide(candidates(norm, ents, amts, props, INDEX, language_of(text)), props, model)
    out = []
    for p in props:
        if p.kind == "deal" and p.amount is not None and p.amount.currency == "USD":
            out.append((p.payer.id, p.payee.id, p.amount.usd_low, p.amount.usd_high))
    return sorted(out)


def test_probability_by_hand() -> None:
    m = ClaimModel({"a": 1.0, "b": -0.5}, 0.2, 0.5, {})
    assert m.probability(("a", "b", "unknown")) == pytest.approx(1 / (1 + math.exp(-0.7)))
    assert m.probability(()) == pytest.approx(1 / (1 + math.exp(-0.2)))
    assert ClaimModel({}, -1000.0, 0.5, {}).probability(()) == 0.0  # no overflow


def test_role_names_and_weight_tables_agree() -> None:
    """A raw feature holding a bar ("rank:0|nfig:1") is one feature; crossed names add "|kind"."""
    role = Role("P", ("rank:0|nfig:1", "kind:company", "pre:from", "sells:chip_purchase"), ("buy", "contract"), True)
    names = role.names()
    assert "P:rank:0|nfig:1" in names and "P:rank:0|nfig:1|buy" in names
    assert "P:kind:company|buy" not in names  # kind and distance are not crossed
    assert names.count("P:sells|contract") == 1
    weights = {n: 0.1 * (k + 1) for k, n in enumerate(names)}
    weights["Q:pre:from"] = 100.0  # the other side's weight never counts
    m = ClaimModel(weights, 0.0, 0.5, {})
    assert m.role_weight(role) == pytest.approx(sum(0.1 * (k + 1) for k in range(len(names))))


@given(st.integers(0, 2**32 - 1))
@settings(max_examples=25, deadline=None)
def test_fast_score_equals_the_plain_sum(seed: int) -> None:
    rng = random.Random(seed)
    figs = []
    for text in ARTICLES:
        norm, ents, amts, props = analyse(text, INDEX)
        figs += candidates(norm, ents, amts, props, INDEX, language_of(text))
    names = sorted({f for fc in figs for c in fc.cands for f in c.features})
    m = ClaimModel({n: rng.uniform(-2, 2) for n in names if rng.random() < 0.7}, rng.uniform(-1, 1), 0.5, {})
    for fc in figs:
        memo: dict[int, float] = {}
        for c in fc.cands:
            assert m.score(c, memo) == pytest.approx(m.probability(c.features), abs=1e-12)


def test_candidates_of_one_sentence() -> None:
    text = "Acme will invest $2 billion in Borealis."
    norm, ents, amts, props = analyse(text, INDEX)
    (fc,) = candidates(norm, ents, amts, props, INDEX, "en")
    assert norm.text[fc.amount.start:fc.amount.end] == "$2 billion"
    pairs = {(c.payer.id, c.payee.id): c for c in fc.cands}
    assert set(pairs) == {("acme", "borealis"), ("borealis", "acme")}
    right = pairs[("acme", "borealis")]
    assert "clause:invest" in right.fig and "lang:en" in right.fig and "rule:deal" in right.fig
    assert "Q:adj:in" in right.features  # "$2 billion in Borealis": the payee after "in"
    assert "P:first" in right.features and "rule:same" in right.pair
    assert "rule:reverse" in pairs[("borealis", "acme")].pair


def test_a_group_of_payers_is_a_candidate() -> None:
    text = "Acme and Dynamo Capital will together invest up to $9 billion in Borealis."
    norm, ents, amts, props = analyse(text, INDEX)
    (fc,) = candidates(norm, ents, amts, props, INDEX, "en")
    pairs = {(c.payer.id, c.payee.id) for c in fc.cands}
    assert ("acme+dynamo", "borealis") in pairs
    assert not any(set(p.split("+")) & set(q.split("+")) for p, q in pairs)  # a group never pays a member


def test_a_model_that_trusts_the_rules_gives_the_rules_claims() -> None:
    trust = ClaimModel({"rule:same": 10.0}, -5.0, 0.5, {})
    for text in ARTICLES:
        assert usd_deals(text, trust) == usd_deals(text)


def test_a_model_that_proposes_nothing_keeps_the_facts() -> None:
    never = ClaimModel({}, -50.0, 0.5, {})
    text = ARTICLES[4] + " " + ARTICLES[0]
    norm, ents, amts, props = analyse(text, INDEX)
    got = decide(candidates(norm, ents, amts, props, INDEX, "en"), props, never)
    assert [p for p in got if p.kind == "deal"] == []
    assert [(p.entity.id, p.metric) for p in got if p.kind == "fact"] == \
        [(p.entity.id, p.metric) for p in props if p.kind == "fact"]
    assert {p.metric for p in got if p.kind == "fact"} >= {"market_cap", "revenue"}


def test_a_hand_model_reads_direction_from_in() -> None:
    """A model that says "the party after 'in' is the payee" decides the pair, whatever the rules said."""
    text = "Acme will invest $2 billion in Borealis."
    model = ClaimModel({"Q:adj:in": 6.0, "P:adj:in": -6.0}, -2.0, 0.5, {})
    assert usd_deals(text, model) == [("acme", "borealis", 2 * B, 2 * B)]
    flip = ClaimModel({"Q:adj:in": -6.0, "P:adj:in": 6.0}, -2.0, 0.5, {})
    assert usd_deals(text, flip) == [("borealis", "acme", 2 * B, 2 * B)]  # the model decides, not the rules


def test_a_denied_or_supposed_figure_gets_no_new_claim() -> None:
    """Whatever the weights, the model adds no claim in a sentence that denies or supposes (guideline §5)."""
    eager = ClaimModel({}, 50.0, 0.5, {})
    assert usd_deals("If Acme had invested $5 billion in Borealis, it would be rich.", eager) == []
    assert usd_deals('"It was never a commitment," Acme said of the $100 billion invested in Borealis.',
                     eager) == []


def test_the_shipped_model_is_honest_and_generic() -> None:
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    meta = data["meta"]
    assert "test" not in meta["trained_on"] and "dev3" not in meta["trained_on"]
    assert set(meta["trained_on"]) <= {"dev", "dev2", "dev4", "dev7", "dev8", "dev9", "dev10"}
    assert 0.0 < data["threshold"] < 1.0 and 0.0 < meta["threshold_new"] < 1.0
    m = load_model()
    assert len(m.weights) == len(data["weights"]) > 100
    firms: set[str] = set()
    for g in GAZETTEER:
        firms |= {fold(n).strip() for n in g.names() if len(fold(n).strip()) >= 4} | {g.id}
    import yaml

    data_dir = MODEL_FILE.parents[1]
    for p in data_dir.glob("*/entities.yaml"):
        for e in yaml.safe_load(p.read_text(encoding="utf-8")).get("entities") or []:
            firms.add(str(e["id"]))
    pieces = {piece for name in m.weights for piece in name.replace("|", ":").split(":")}
    leaked = sorted(pieces & firms)
    assert leaked == [], f"feature names hold firm names or ids: {leaked[:10]}"


GUIDELINE_FIRMS = EntityIndex(extra=(
    GazEntry("acme", "company", "Acme", "艾克米", "艾克米"),
    GazEntry("borealis", "company", "Borealis", "博瑞斯", "博瑞斯", sells=_CHIPS),
    GazEntry("cobalt", "company", "Cobalt Cloud", "鈷雲", "钴云", sells=frozenset({"compute_contract", "lease"})),
    GazEntry("dynamo", "fund", "Dynamo Capital", "迪納摩資本", "迪纳摩资本"),
))


def _guideline_cases() -> list[tuple[str, list[tuple[str, str, float | None, float | None]]]]:
    sys.path.insert(0, str(Path(__file__).parent))
    import test_extract_guideline as g

    for mark in g.test_guideline_examples.pytestmark:
        if mark.name == "parametrize":
            return list(mark.args[1])
    raise AssertionError("the guideline table moved")


#: Guideline rows the learned scorer reads differently from a reader (it is off by default for this reason
#: among others; docs/extraction.md, "The learned scorer"). Each is checked to still differ (strict).
LEARNED_MISSES = {"艾克米向迪纳摩资本借款50亿美元。"}


@pytest.mark.parametrize(("text", "expected"), _guideline_cases())
def test_guideline_examples_with_the_learned_scorer(text: str, expected: list[tuple]) -> None:
    got = []
    for c in ingest_text(text, index=GUIDELINE_FIRMS, scorer="learned"):
        if c["kind"] == "deal" and c["amount"] and c["amount"]["currency"] == "USD":
            hi = c["amount"]["usd_high"]
            got.append((c["from"]["id"], c["to"]["id"], c["amount"]["usd_low"], None if hi == float("inf") else hi))
    same = len(got) == len(expected) and all(
        a[:2] == b[:2] and a[2] == pytest.approx(b[2]) and (a[3] is None) == (b[3] is None)
        and (a[3] is None or a[3] == pytest.approx(b[3])) for a, b in zip(sorted(got), sorted(expected), strict=True))
    if text in LEARNED_MISSES:
        assert not same, "the learned scorer now reads this row right: take it out of LEARNED_MISSES"
    else:
        assert same, (got, expected)


@given(st.text(max_size=300))
@settings(max_examples=200, deadline=None)
def test_any_unicode_text_is_safe_with_the_learned_scorer(text: str) -> None:
    for c in ingest_text(text, index=INDEX, scorer="learned"):
        assert text[c["start"]:c["end"]] == c["quote"]
        if c["kind"] == "deal":
            assert c["from"]["id"] != c["to"]["id"]


def test_a_long_line_of_figures_and_firms_is_linear() -> None:
    """100 kB on one line, a figure and three firms every 70 characters (far denser than news)."""
    unit = "Acme and Borealis, $3 billion from Dynamo Capital, 艾克米向博瑞斯投資50億美元, "
    small = unit * (10_000 // len(unit))
    big = unit * (100_000 // len(unit))
    ingest_text(small, index=INDEX, scorer="learned")
    # the least CPU time of a few runs: wall time and single runs wobble with the machine's load
    t_small = best_cpu_seconds(lambda: ingest_text(small, index=INDEX, scorer="learned"), runs=3)
    claims: list = []
    t_big = best_cpu_seconds(lambda: claims.append(ingest_text(big, index=INDEX, scorer="learned")), runs=2)
    assert claims[-1]
    assert t_big < 25 * max(t_small, 0.05)  # 10x the text: about 10x the time, never quadratic


@pytest.mark.parametrize("scorer", ["learned", "fallback"])
def test_cli_scorer(tmp_path: Path, scorer: str) -> None:
    """Each trained scorer runs from the CLI, and is refused with the LLM backend in one line."""
    art = tmp_path / "a.txt"
    art.write_text("Acme will invest $2 billion in Borealis.\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "dealweb", "ingest", str(art), "--no-ledger", "--json",
                          "--scorer", scorer], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    assert isinstance(json.loads(run.stdout), list)
    bad = subprocess.run([sys.executable, "-m", "dealweb", "ingest", str(art), "--no-ledger", "--backend", "llm",
                          "--model-url", "http://127.0.0.1:9", "--scorer", scorer],
                         capture_output=True, text=True, timeout=600)
    assert bad.returncode != 0
    assert f"--scorer {scorer}" in bad.stderr and "Traceback" not in bad.stderr


def test_unknown_scorer_is_one_clear_error() -> None:
    from dealweb.errors import InputError

    with pytest.raises(InputError, match="unknown scorer"):
        ingest_text("Acme will invest $2 billion in Borealis.", index=INDEX, scorer="magic")


def test_the_training_tool_never_reads_the_test_split(tmp_path: Path) -> None:
    tool = Path(__file__).resolve().parents[1] / "tools" / "train_claims.py"
    for argv in (["candidates", "--splits", "test"], ["cv", "--splits", "dev,test"], ["train", "--splits", "test"]):
        run = subprocess.run([sys.executable, str(tool), "--cache", str(tmp_path), *argv], capture_output=True,
                             text=True, timeout=600)
        assert run.returncode != 0
        assert "test split is frozen" in run.stderr and "Traceback" not in run.stderr


def test_the_training_tool_never_reads_the_held_out_split(tmp_path: Path) -> None:
    tool = Path(__file__).resolve().parents[1] / "tools" / "train_claims.py"
    run = subprocess.run([sys.executable, str(tool), "--cache", str(tmp_path), "cv", "--splits", "dev,dev6"],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode != 0
    assert "dev6 is held out" in run.stderr and "Traceback" not in run.stderr


def test_every_type_the_model_gives_is_a_ledger_deal_type() -> None:
    from dealweb.extract import learned
    from dealweb.model import DEAL_TYPES

    assert {typ for _, typ in learned._TYPE_OF} | {learned._FALLBACK_TYPE} <= set(DEAL_TYPES)
    eager = ClaimModel({}, 50.0, 0.5, {"threshold_new": 0.5})
    for text in ("Acme paid Borealis $2 billion.", "Acme will lease servers from Borealis for $2 billion.", *ARTICLES):
        norm, ents, amts, props = analyse(text, INDEX)
        for p in decide(candidates(norm, ents, amts, props, INDEX, "en"), props, eager):
            if p.kind == "deal":
                assert p.type in DEAL_TYPES, (text, p.type)
