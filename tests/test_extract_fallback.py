"""The trained fallback for USD figures the rules leave unclaimed (``dealweb.extract.fallback``, ``--scorer fallback``).

What is checked, each against a value worked out independently:

* the learner (``tools/train_fallback.py``, L2 logistic regression by L-BFGS) separates a made-up separable set:
  every row on the right side of 0.5, by construction of the labels;
* end to end on made-up sentences: a model trained on them reads each figure's payer and payee as labelled
  by hand, and proposes nothing for the figures labelled "no deal";
* training is reproducible: the same rows give the same model file, byte for byte;
* a corrupt or foreign model file is one clear error naming the file and the field; the training tool refuses the
  frozen test split and the held-out dev6 before reading anything;
* the fast score (role tables) equals the logistic function of the feature names it stands for;
* the fallback only adds: every claim of the rules is kept, in order, and says ``proposed_by: rules``; each claim
  added says ``proposed_by: fallback`` with its ``model_score`` and is grounded on its sentence; the default is
  the rules alone; the runtime path (the unclaimed figures only) equals the training path (every figure, claimed
  ones skipped);
* the shipped model: trained only on development splits, its feature names generic (no firm of the gazetteer
  or of a bundled ledger);
* hostile input stays safe and linear; the command line takes ``--scorer fallback`` and refuses it with
  ``--backend llm``.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from cpu_time import best_cpu_seconds
from dealweb.errors import InputError
from dealweb.extract.fallback import (
    FALLBACK_FILE,
    MAX_PARTIES,
    FallbackModel,
    decide,
    figures,
    fill,
    load_fallback,
    parse_model,
    unclaimed,
)
from dealweb.extract.gazetteer import GAZETTEER, GazEntry
from dealweb.extract.ingest import analyse, ingest_text
from dealweb.extract.learned import MODEL_FILE
from dealweb.extract.mentions import EntityIndex
from dealweb.extract.normalise import fold
from script_loader import load_script

ROOT = Path(__file__).resolve().parents[1]
FIRMS = (
    GazEntry("acme", "company", "Acme", "艾克米", "艾克米"),
    GazEntry("borealis", "company", "Borealis", "博瑞斯", "博瑞斯", sells=frozenset({"chip_purchase"})),
    GazEntry("dynamo", "fund", "Dynamo Capital", "迪納摩資本", "迪纳摩资本"),
    GazEntry("ember", "company", "Ember Labs", "恩博", "恩博"),
)
INDEX = EntityIndex(extra=FIRMS)


TF = load_script("train_fallback", ROOT / "tools" / "train_fallback.py")


class ToyArticle:
    """A made-up article as the training tool sees one (as if the rules had proposed nothing): readings, labels."""

    def __init__(self, text: str, gold: dict[str, tuple[str, str] | None]) -> None:
        self.norm, ents, amts, _ = analyse(text, INDEX)
        self.figs = figures(self.norm, ents, amts, [], INDEX)
        self.labels = []
        for fg in self.figs:
            pair = gold[self.norm.text[fg.amount.start:fg.amount.end]]
            self.labels.append([int(pair == (fg.parties[r.p].id, fg.parties[r.q].id)) for r in fg.readings])

    def rows(self, which: str) -> list[tuple[object, list[int]]]:
        return [(fg, lab) for fg, lab in zip(self.figs, self.labels, strict=True) if fg.readings]


FIRM_NAMES = [("Acme", "acme"), ("Borealis", "borealis"), ("Dynamo Capital", "dynamo"), ("Ember Labs", "ember")]


def toy_set() -> list[ToyArticle]:
    """Payer-first sentences (X paid $N to Y), payee-first ones (Y received $N from X), and revenue (no deal)."""
    out = []
    n = 1
    for a, ai in FIRM_NAMES:
        for b, bi in FIRM_NAMES:
            if ai == bi:
                continue
            n += 1
            pay, got, rev = f"${n} billion", f"${n}.5 billion", f"${n}.25 billion"
            out.append(ToyArticle(f"{a} paid {pay} to {b}. {b} received {got} from {a}. "
                                  f"{a}'s revenue was {rev}, {b} said.",
                                  {pay: (ai, bi), got: (ai, bi), rev: None}))
    return out


def test_the_learner_separates_a_separable_set() -> None:
    """Rows labelled 1 exactly when feature 0 is on and feature 1 off: a linear separator exists (x0 - x1)."""
    rng = np.random.default_rng(7)
    x = (rng.random((200, 6)) < 0.5).astype(float)
    y = ((x[:, 0] == 1) & (x[:, 1] == 0)).astype(float)
    w, b = TF.TC.fit(sp.csr_matrix(x), y, 100.0)
    p = 1 / (1 + np.exp(-(x @ w + b)))
    assert ((p >= 0.5) == (y == 1)).all()
    assert w[0] > 1 and w[1] < -1


def test_a_model_trained_on_made_up_sentences_reads_them() -> None:
    arts = toy_set()
    model = TF.fit_model(arts, "all", 10.0, 0.5, 1)
    for art in arts:
        # the rules left every figure unclaimed: the model alone decides
        got = decide(art.figs, [], model)
        want = {(fg.parties[r.p].id, fg.parties[r.q].id) for fg, lab in zip(art.figs, art.labels, strict=True)
                for r, y in zip(fg.readings, lab, strict=True) if y}
        assert {(p.payer.id, p.payee.id) for p in got} == want
        assert len(got) == 2  # the revenue figure: no deal
        assert all(p.kind == "deal" and 0.5 <= p.confidence <= 1 and p.by == "fallback" for p in got)


def test_training_is_reproducible() -> None:
    arts = toy_set()
    one = TF.model_json(TF.fit_model(arts, "all", 1.0, 0.5, 1, {"note": "toy"}))
    two = TF.model_json(TF.fit_model(toy_set(), "all", 1.0, 0.5, 1, {"note": "toy"}))
    assert one == two
    assert parse_model(json.loads(one)).weights  # what the tool writes, this module reads


def _model_file(tmp_path: Path, text: str) -> str:
    p = tmp_path / "fb.json"
    p.write_text(text, encoding="utf-8")
    load_fallback.cache_clear()
    return str(p)


GOOD = {"format": 2, "kind": "fallback", "bias": -1.0, "threshold": 0.5, "meta": {}, "weights": {"doc:same": 1.0}}


@pytest.mark.parametrize(("text", "field"), [
    ('{"format": 2, "kind": "fallback", "bias": -1.0, "thre', "not JSON"),
    ("[1, 2, 3]", "not a JSON object"),
    (json.dumps({**GOOD, "weights": []}), "'weights'"),
    (json.dumps({**GOOD, "weights": {"doc:same": "1.0"}}), "'weights'"),
    (json.dumps({**GOOD, "weights": {"doc:same": float("nan")}}), "'weights'"),
    (json.dumps({**GOOD, "threshold": 2}), "'threshold'"),
    (json.dumps({**GOOD, "bias": None}), "'bias'"),
    (json.dumps({**GOOD, "format": 1}), "'format'"),  # session 6's model, over other features
    (json.dumps({k: v for k, v in GOOD.items() if k != "kind"}), "'kind'"),
])
def test_a_corrupt_model_file_is_one_clear_error(tmp_path: Path, text: str, field: str) -> None:
    path = _model_file(tmp_path, text)
    with pytest.raises(InputError) as err:
        load_fallback(path)
    msg = str(err.value)
    assert path in msg and field in msg and "retrain" in msg and "\n" not in msg
    load_fallback.cache_clear()


def test_a_missing_or_foreign_model_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read the fallback model"):
        load_fallback(str(tmp_path / "nothing.json"))
    with pytest.raises(InputError, match="'kind'"):  # the rescorer's weights are not a fallback model
        load_fallback(str(MODEL_FILE))
    load_fallback.cache_clear()
    assert load_fallback(_model_file(tmp_path, json.dumps(GOOD))).weights == {"doc:same": 1.0}
    load_fallback.cache_clear()


def _fixture_texts() -> list[str]:
    folder = ROOT / "tests" / "extract_answer_key" / "articles"
    return [p.read_text(encoding="utf-8") for p in sorted(folder.iterdir()) if p.suffix in (".txt", ".md", ".html")]


#: Made-up texts where the shipped model claims a figure the rules leave (a deal restated with its figure).
RESTATED = ["Acme will invest $3 billion in Borealis. Acme said the $3 billion would go to Borealis over two years.",
            "Acme agreed to buy $3 billion of chips from Borealis. Acme inked the $3 billion accord with Borealis on "
            "Monday."]


def test_the_fallback_only_adds_claims_and_says_so() -> None:
    texts = [(t, None) for t in _fixture_texts()] + [(t, INDEX) for t in RESTATED]
    added = 0
    for text, index in texts:
        rules = ingest_text(text, index=index, scorer="rules")
        assert all(c["proposed_by"] == "rules" and c["model_score"] is None for c in rules)
        both = ingest_text(text, index=index, scorer="fallback")
        assert ingest_text(text, index=index) == rules  # the default: the rules alone (session 7, lead)
        it = iter(both)
        assert all(any(c == d for d in it) for c in rules), "a rule claim was changed, dropped or moved"
        extra = [c for c in both if c not in rules]
        for c in extra:
            assert c["kind"] == "deal" and c["amount"]["currency"] == "USD"
            assert c["proposed_by"] == "fallback" and c["model_score"] == c["confidence"] >= load_fallback().threshold
            assert text[c["start"]:c["end"]] == c["quote"]  # grounded on its sentence, like every claim
            s, e = c["spans"]["amount"]
            assert c["start"] <= s < e <= c["end"] and text[s:e] == c["amount"]["text"]
        added += len(extra)
    assert 2 <= added < sum(len(ingest_text(t, index=i, scorer="rules")) for t, i in texts)  # a fallback, not a
    # second extractor; the two restated deals are claimed (the checks above are not of empties)


def test_the_runtime_path_equals_the_training_path() -> None:
    """``fill`` (the unclaimed figures only) gives what the tool scores (every figure's, claimed ones skipped)."""
    eager = FallbackModel({"doc:same": 2.0, "P:first": 1.0, "P:rank:0": 1.0}, 0.0, 0.3, {})
    texts = ["Acme will invest $2 billion in Borealis. Borealis said the $2 billion from Acme was welcome.",
             "Acme and Dynamo Capital met Borealis. $4 billion and $5 billion were named, Ember Labs said.",
             "艾克米向博瑞斯投資50億美元。博瑞斯表示，這筆50億美元的投資來自艾克米。迪納摩資本另有30億美元。"]
    for text in texts:
        norm, ents, amts, props = analyse(text, INDEX)
        every = figures(norm, ents, amts, props, INDEX, every=True)
        assert fill(norm, ents, amts, props, INDEX, model=eager) == decide(every, props, eager)
        left = unclaimed(amts, props)
        assert [fg.amount for fg in figures(norm, ents, amts, props, INDEX)] == [
            fg.amount for fg in every if (fg.amount.start, fg.amount.end) in left]


def test_the_model_scores_what_the_names_say() -> None:
    """The fast score (role tables, no names built) is the logistic function of the reading's feature names."""
    text = ("Acme and Dynamo Capital will invest $4 billion in Borealis, Ember Labs said. "
            "艾克米向博瑞斯採購50億美元晶片。")
    norm, ents, amts, props = analyse(text, INDEX)
    figs = figures(norm, ents, amts, [], INDEX)
    names = sorted({n for fg in figs for r in fg.readings for n in fg.names(r)})
    assert figs and all(len(fg.parties) <= MAX_PARTIES for fg in figs)
    rng = np.random.default_rng(3)
    model = FallbackModel({n: float(rng.normal()) for n in names}, -0.5, 0.5, {})
    for fg in figs:
        by_names = max(model.probability(fg.names(r)) for r in fg.readings)
        assert math.isclose(model.best(fg)[0], by_names, rel_tol=1e-9)


def test_article_features_come_from_the_other_figures() -> None:
    text = "Acme will invest $2 billion in Borealis. Borealis said the $2 billion from Acme was welcome."
    norm, ents, amts, props = analyse(text, INDEX)
    rule_pairs = {(p.payer.id, p.payee.id, p.spans["amount"]) for p in props if p.kind == "deal"}
    for fg in figures(norm, ents, amts, props, INDEX, every=True):
        own = {(a, b) for a, b, s in rule_pairs if s == (fg.amount.start, fg.amount.end)}
        others = {(a, b) for a, b, s in rule_pairs if s != (fg.amount.start, fg.amount.end)}
        for r in fg.readings:
            pair = (fg.parties[r.p].id, fg.parties[r.q].id)
            assert ("doc:same" in r.pair) == (pair in others)
            assert ("doc:reverse" in r.pair) == (pair[::-1] in others)
            if pair in own - others:
                assert "doc:same" not in r.pair  # a figure's own rule claim is never its own evidence


def test_a_denied_or_tiny_figure_gets_no_claim() -> None:
    eager = FallbackModel({}, 50.0, 0.5, {})
    for text in ("Acme has not confirmed a $20 billion deal with Borealis.",
                 "艾克米表示，與博瑞斯的200億美元收購交易並不存在。",
                 "If Acme paid $20 billion to Borealis, both would gain.",
                 "Will Acme pay $20 billion to Borealis?",
                 "艾克米可能向博瑞斯投資200億美元。",
                 "艾克米會向博瑞斯投資200億美元嗎",
                 "Acme may buy Borealis shares at $185 each."):
        norm, ents, amts, props = analyse(text, INDEX)
        got = fill(norm, ents, amts, props, INDEX, model=eager)
        assert [p for p in got if p not in props] == [], text
    norm, ents, amts, props = analyse("Acme paid $20 billion to Borealis on Monday, people said.", INDEX)
    assert len(fill(norm, ents, amts, [], INDEX, model=eager)) == 1  # the same model claims a plain figure


def test_the_training_tools_refuse_test_and_dev6(tmp_path: Path) -> None:
    for split in ("test", "dev6"):
        with pytest.raises(SystemExit, match=split):
            TF.load_scored((split,), tmp_path)
        with pytest.raises(SystemExit, match=split):
            TF.load_scored(("dev", split), tmp_path)
    with pytest.raises(SystemExit, match="no cached article"):
        TF.load_scored(("dev",), tmp_path)  # an allowed split with no cache: a clear line, not a traceback


def test_the_shipped_model_is_honest_and_generic() -> None:
    data = json.loads(FALLBACK_FILE.read_text(encoding="utf-8"))
    meta = data["meta"]
    assert set(meta["trained_on"]) <= set(TF.DEV) and not {"test", "dev3", "dev6"} & set(meta["trained_on"])
    assert not {"test", "dev6", "dev3"} & set(TF.DEV) and TF.VALID == "dev3" and set(TF.REFUSED) == {"test", "dev6"}
    load_fallback.cache_clear()
    m = load_fallback()
    assert len(m.weights) == len(data["weights"]) > 100 and 0 < m.threshold < 1
    firms: set[str] = set()
    for g in GAZETTEER:
        firms |= {fold(n).strip() for n in g.names() if len(fold(n).strip()) >= 4} | {g.id}
    import yaml

    for p in FALLBACK_FILE.parents[1].glob("*/entities.yaml"):
        for e in yaml.safe_load(p.read_text(encoding="utf-8")).get("entities") or []:
            firms.add(str(e["id"]))
    pieces = {piece for name in m.weights for piece in name.replace("|", ":").split(":")}
    assert sorted(pieces & firms) == []


@given(st.text(max_size=300))
@settings(max_examples=150, deadline=None)
def test_any_unicode_text_is_safe_with_the_fallback(text: str) -> None:
    for c in ingest_text(text, index=INDEX, scorer="fallback"):
        assert text[c["start"]:c["end"]] == c["quote"]
        if c["kind"] == "deal":
            assert c["from"]["id"] != c["to"]["id"] and math.isfinite(c["confidence"])


def test_a_long_line_of_figures_and_firms_is_linear() -> None:
    unit = "Acme and Borealis, $3 billion said Dynamo Capital, 艾克米與博瑞斯的50億美元, "
    small = unit * (10_000 // len(unit))
    big = unit * (100_000 // len(unit))
    ingest_text(small, index=INDEX, scorer="fallback")
    # the least CPU time of a few runs: wall time and single runs wobble with the machine's load
    t_small = best_cpu_seconds(lambda: ingest_text(small, index=INDEX, scorer="fallback"), runs=3)
    t_big = best_cpu_seconds(lambda: ingest_text(big, index=INDEX, scorer="fallback"), runs=2)
    assert t_big < 25 * max(t_small, 0.05)  # 10x the text: about 10x the time, never quadratic



# --- the cheap forms of the fallback's sentence tests equal their plain forms (session 8, issue 16) ---------------
_PIECES = ["not confirmed", "declined to confirm", "confirmed", "refuted", "non-binding", "binding", "并非", "并",
           "未经证实", "未", "约束", "rumour", "rumor", "speculation", "fortune", "billionaire", "billion", "net worth",
           "net", "cash on hand", "cash", "in cash and", "传闻", "传", "首富", "富豪", "富", "现金与", "账上现金",
           "持有", "身家", "?", "？", "吗", "Acme", " ", "，", "的", "$5 billion", "龍華", "發", "发", "x"]


def test_every_cue_word_holds_one_of_its_gates() -> None:
    """A gate is a superset test: every word of the trie it guards holds one of its strings."""
    from dealweb.extract import fallback as fb

    for words, gates in ((fb._DENY, fb._DENY_GATES), (list(fb._SENT_CUE_OF), fb._SENT_CUE_GATES)):
        assert [w for w in words if not any(g in w for g in gates)] == []
    # the gate of a word is what makes it pass: dropping one lets a word through unsearched
    assert not any(g in "refuted" for g in fb._DENY_GATES if g != "refuted")
    assert not any(g in "身家" for g in fb._SENT_CUE_GATES if g != "身家")


@given(st.lists(st.sampled_from(_PIECES), max_size=12), st.integers(0, 5), st.integers(0, 5))
@settings(max_examples=300, deadline=None)
def test_gated_sentence_tests_equal_the_plain_ones(pieces: list[str], cut_lo: int, cut_hi: int) -> None:
    from dealweb.extract import fallback as fb

    f = "".join(pieces)
    s, e = min(cut_lo, len(f)), max(min(cut_lo, len(f)), len(f) - cut_hi)
    plain_deny = fb._DENY_RE.search(f, s, e) is not None or fb._QUESTION_RE.search(f, s, e) is not None
    gated_deny = fb._holds(f, s, e, fb._QUESTION_MARKS) or (
        fb._holds(f, s, e, fb._DENY_GATES) and fb._DENY_RE.search(f, s, e) is not None)
    assert gated_deny == plain_deny
    plain_cues = {fb._SENT_CUE_OF[m.group(0)] for m in fb._SENT_CUES_RE.finditer(f, s, e)}
    gated = fb._holds(f, s, e, fb._SENT_CUE_GATES)
    assert gated or not plain_cues
    # the script: a class of the Traditional ideographs read by the engine = a set look-up per character
    text = f
    trad = frozenset(chr(k) for k in fb.folding_table() if 0x4E00 <= k < 0xA000)
    plain_script = "en" if fb._IDEOGRAPH.search(f, s, e) is None else (
        "zh-Hans" if trad.isdisjoint(text[s:e]) else "zh-Hant")
    assert fb._script(text, f, s, e) == plain_script


def test_the_fallback_reads_the_rules_through_their_public_names() -> None:
    """The fallback imports no private name of the rules' modules (a rule writer may rename those)."""
    import ast

    tree = ast.parse((ROOT / "src" / "dealweb" / "extract" / "fallback.py").read_text(encoding="utf-8"))
    private = [f"{n.module}.{a.name}" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)
               and (n.module or "").startswith("dealweb.") for a in n.names if a.name.startswith("_")]
    assert private == []
    from dealweb.extract import relations

    assert {"cue_in", "cues_in", "TYPE_CUES_RE", "CUE_CATEGORIES", "CONDITION_RE", "DENIAL_RE", "HEDGE_RE",
            "LIST_RE", "RAISE_RE"} <= set(relations.__all__)
    f = "acme could pay if it wants"
    assert relations.cue_in(relations.HEDGE_RE, f, 0, len(f)) and not relations.cue_in(relations.HEDGE_RE, f, 11, 26)
    assert relations.cue_in(relations.CONDITION_RE, f, 11, 26)


_BOUND_NAMES = ["lang:en", "lang:zh-Hant", "s:holdings", "s:rumour", "fact:revenue", "P:rank:0", "Q:rank:1", "order:pq",
                "order:qp|none", "btw:pq:to", "btw:qp:equity", "doc:same", "order:clause-prev1", "P:loc:prev1"]


@given(st.lists(st.floats(-3, 3), min_size=len(_BOUND_NAMES), max_size=len(_BOUND_NAMES)), st.floats(0.05, 0.95),
       st.floats(-4, 4))
@settings(max_examples=60, deadline=None)
def test_leaving_out_hopeless_figures_changes_no_claim(ws: list[float], threshold: float, bias: float) -> None:
    """``fill`` reads the last features only of figures that may reach the threshold.

    The claims are those of every figure scored in full, whatever the weights (the deferred ones too: the script,
    the sentence cues, the facts).
    """
    texts = ["Acme will invest $2 billion in Borealis, people said. Borealis said the $2 billion was welcome.",
             "Acme and Dynamo Capital met Borealis. $4 billion and $5 billion were named, Ember Labs said.",
             "艾克米向博瑞斯投資50億美元。博瑞斯表示，這筆50億美元的投資來自艾克米。迪納摩資本另有30億美元。",
             "Acme's revenue rose to $3 billion in cash and Borealis paid $2 billion to Ember Labs, a rumour said."]
    model = FallbackModel(dict(zip(_BOUND_NAMES, ws, strict=True)), bias, threshold, {})
    for text in texts:
        norm, ents, amts, props = analyse(text, INDEX)
        every = figures(norm, ents, amts, props, INDEX)
        assert fill(norm, ents, amts, props, INDEX, model=model) == decide(every, props, model)
        kept = figures(norm, ents, amts, props, INDEX, model=model)
        assert {id(fg.amount) for fg in kept} <= {id(fg.amount) for fg in every}
        for fg in every:
            if fg.amount not in [k.amount for k in kept]:
                assert model.best(fg)[0] < threshold  # left out only when no claim comes of it


def _word_before_plain(f: str, lo: int, at: int) -> str:
    w = f[max(lo, at - 16):at].rstrip()
    if not w:
        return ""
    last = w[-1]
    if not last.isascii():
        return last
    if not last.isalpha():
        return last if last in ",，" else ""
    words = w.split()
    tok = words[-1]
    if tok in ("the", "a", "an") and len(words) > 1:
        tok = words[-2]
    return tok.lstrip("\"'“(")


def _word_after_plain(f: str, at: int, hi: int) -> str:
    w = f[at:min(hi, at + 16)].lstrip()
    if not w:
        return ""
    if w.startswith(("'s", "’s")):
        return "'s"
    first = w[0]
    if not first.isascii():
        return w[:2] if w[:2] in ("表示", "宣布", "获得", "指出", "透露") else first
    if not first.isalpha():
        return first if first in ",，" else ""
    return w.split(None, 1)[0].rstrip(".,;:")


@given(st.lists(st.sampled_from(["和", "表", "示", " ", "\u3000", "a", "the ", "，", "’", "'s", "x", "(", "\n", "."]),
                max_size=12).map("".join), st.integers(-40, 30), st.integers(0, 30))
@settings(max_examples=400, deadline=None)
def test_the_marker_words_read_fast_are_the_plain_ones(f: str, lo: int, at: int) -> None:
    """The one-character reading of an ideograph next to a party is what the general case gives (the words before
    and after a party, as the model was trained on them: near the text's start, a negative slice reads from its
    end)."""
    from dealweb.extract import fallback as fb

    at = min(at, len(f))
    assert fb._word_before(f, lo, at) == _word_before_plain(f, lo, at)
    assert fb._word_after(f, at, len(f)) == _word_after_plain(f, at, len(f))


class _StubArt:
    """An article as ``check_report`` reads one: the rules' score, and the score with a model (made-up counts)."""

    def __init__(self, added_by: dict[float, tuple[int, int]]) -> None:
        self.rules = {"proposed": 4, "matched": 3, "gold": 6}
        self.added_by = added_by  # the model's bias -> (claims added, right)

    def with_model(self, m: FallbackModel) -> dict[str, int]:
        added, right = self.added_by.get(m.bias, (0, 0))
        return {"proposed": 4 + added, "matched": 3 + right, "gold": 6}


def test_check_says_what_differs_between_the_shipped_and_a_refit_model() -> None:
    shipped = FallbackModel({"P:rank:0": 0.5, "Q:rank:1": 0.25, "doc:same": 1.0}, -1.0, 0.5, {})
    same = FallbackModel(dict(shipped.weights), -1.0, 0.5, {})
    arts = [_StubArt({-1.0: (1, 1)}), _StubArt({-1.0: (2, 1), -2.0: (1, 0)})]
    rep = TF.check_report(shipped, same, arts)
    assert rep["current"] and rep["weights_differ"] == 0 and rep["articles_claims_differ"] == 0
    assert rep["claims"]["shipped"] == rep["claims"]["refit"] == {"added": 3, "right": 2}
    refit = FallbackModel({"P:rank:0": 0.5, "Q:rank:1": -0.75, "order:pq": 0.125}, -2.0, 0.5, {})
    rep = TF.check_report(shipped, refit, arts)
    assert not rep["current"]
    # three names differ: one changed (-1.0), one new, one gone; the largest change first
    assert rep["weights_differ"] == 3 and rep["new_features"] == 1 and rep["gone_features"] == 1
    assert list(rep["largest"]) == ["Q:rank:1", "doc:same", "order:pq"]
    assert rep["largest"]["Q:rank:1"] == [0.25, -0.75] and rep["bias"] == [-1.0, -2.0]
    assert rep["claims"]["refit"] == {"added": 1, "right": 0} and rep["articles_claims_differ"] == 2
