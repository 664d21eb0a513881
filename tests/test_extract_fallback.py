"""The trained fallback for USD figures the rules leave unclaimed (``dealweb.extract.fallback``, ``--scorer fallback``).

What is checked, each against a value worked out independently:

* the learner (``tools/train_fallback.py``, L2 logistic regression by L-BFGS) separates a made-up separable set:
  every row on the right side of 0.5, by construction of the labels;
* end to end on made-up sentences: a model trained on them reads each figure's payer and payee as labelled
  by hand, and proposes nothing for the figures labelled "no deal";
* training is reproducible: the same rows give the same model file, byte for byte;
* a corrupt or foreign model file is one clear error naming the file and the field;
* the fallback only adds: every claim of the rules is kept, in order; with the default scorer the output is the
  rules' own; the runtime path (candidates of the unclaimed figures only) equals the training path (candidates
  of every figure, claimed ones skipped);
* the shipped model: trained only on development splits, its feature names generic (no firm of the gazetteer
  or of a bundled ledger);
* hostile input stays safe and linear; the command line takes ``--scorer fallback`` and refuses it with
  ``--backend llm``.
"""

from __future__ import annotations

import json
import math
import time
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from dealweb.errors import InputError
from dealweb.extract.fallback import FALLBACK_FILE, augment, decide_fill, fill, load_fallback, parse_model, unclaimed
from dealweb.extract.gazetteer import GAZETTEER, GazEntry
from dealweb.extract.ingest import analyse, ingest_text, language_of
from dealweb.extract.learned import MODEL_FILE, ClaimModel, candidates
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
    """A made-up article as the training tool sees one: pipeline results, candidates, hand labels."""

    def __init__(self, text: str, gold: dict[str, tuple[str, str] | None]) -> None:
        self.ann = {"id": text[:20], "split": "toy", "language": "en", "claims": []}
        self.norm, ents, amts, self.proposals = analyse(text, INDEX)
        self.index = INDEX
        self.figs = candidates(self.norm, ents, amts, self.proposals, INDEX, language_of(text))
        self.labels = []
        for fc in self.figs:
            pair = gold[self.norm.text[fc.amount.start:fc.amount.end]]
            self.labels.append([int(pair == (c.payer.id, c.payee.id)) for c in fc.cands])


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
        # pretend the rules left every figure unclaimed: the model alone decides
        got = decide_fill(art.figs, [], model, art.norm.folded)
        want = {(c.payer.id, c.payee.id) for fc, lab in zip(art.figs, art.labels, strict=True)
                for c, y in zip(fc.cands, lab, strict=True) if y}
        assert {(p.payer.id, p.payee.id) for p in got} == want
        assert len(got) == 2  # the revenue figure: no deal
        assert all(p.kind == "deal" and 0.5 <= p.confidence <= 1 for p in got)


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


GOOD = {"format": 1, "kind": "fallback", "bias": -1.0, "threshold": 0.5, "meta": {}, "weights": {"doc:same": 1.0}}


@pytest.mark.parametrize(("text", "field"), [
    ('{"format": 1, "kind": "fallback", "bias": -1.0, "thre', "not JSON"),
    ("[1, 2, 3]", "not a JSON object"),
    (json.dumps({**GOOD, "weights": []}), "'weights'"),
    (json.dumps({**GOOD, "weights": {"doc:same": "1.0"}}), "'weights'"),
    (json.dumps({**GOOD, "weights": {"doc:same": float("nan")}}), "'weights'"),
    (json.dumps({**GOOD, "threshold": 2}), "'threshold'"),
    (json.dumps({**GOOD, "bias": None}), "'bias'"),
    (json.dumps({**GOOD, "format": 2}), "'format'"),
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


def test_the_fallback_only_adds_claims() -> None:
    texts = [*_fixture_texts(), "Acme paid $2 billion to Borealis. Borealis's $3 billion order from Acme followed."]
    added = 0
    for text in texts:
        rules = ingest_text(text)
        assert ingest_text(text, scorer="rules") == rules  # the default is the rules
        both = ingest_text(text, scorer="fallback")
        it = iter(both)
        assert all(any(c == d for d in it) for c in rules), "a rule claim was changed, dropped or moved"
        extra = [c for c in both if c not in rules]
        assert all(c["kind"] == "deal" and c["amount"]["currency"] == "USD" for c in extra)
        added += len(extra)
    assert added < sum(len(ingest_text(t)) for t in texts)  # a fallback, not a second extractor


def test_the_runtime_path_equals_the_training_path() -> None:
    """``fill`` (candidates of the unclaimed figures only) gives what the tool scores (every figure's)."""
    eager = ClaimModel({"doc:same": 2.0, "P:first": 1.0}, 0.0, 0.3, {})
    texts = ["Acme will invest $2 billion in Borealis. Borealis said the $2 billion from Acme was welcome.",
             "Acme and Dynamo Capital met Borealis. $4 billion and $5 billion were named, Ember Labs said.",
             "艾克米向博瑞斯投資50億美元。博瑞斯表示，這筆50億美元的投資來自艾克米。迪納摩資本另有30億美元。"]
    for text in texts:
        norm, ents, amts, props = analyse(text, INDEX)
        every = candidates(norm, ents, amts, props, INDEX, language_of(text))
        assert fill(norm, ents, amts, props, INDEX, model=eager) == decide_fill(every, props, eager, norm.folded)
        left = unclaimed(amts, props)
        assert len(candidates(norm, ents, amts, props, INDEX, language_of(text), only=left)) == len(
            [fc for fc in every if (fc.amount.start, fc.amount.end) in left])


def test_article_features_come_from_the_other_figures() -> None:
    text = "Acme will invest $2 billion in Borealis. Borealis said the $2 billion from Acme was welcome."
    norm, ents, amts, props = analyse(text, INDEX)
    figs = augment(candidates(norm, ents, amts, props, INDEX, "en"), props, norm.folded)
    rule_pairs = {(p.payer.id, p.payee.id, p.spans["amount"]) for p in props if p.kind == "deal"}
    for fc in figs:
        own = {(a, b) for a, b, s in rule_pairs if s == (fc.amount.start, fc.amount.end)}
        others = {(a, b) for a, b, s in rule_pairs if s != (fc.amount.start, fc.amount.end)}
        for c in fc.cands:
            assert ("doc:same" in c.pair) == ((c.payer.id, c.payee.id) in others)
            assert ("doc:reverse" in c.pair) == ((c.payee.id, c.payer.id) in others)
            if (c.payer.id, c.payee.id) in own - others:
                assert "doc:same" not in c.pair  # a figure's own rule claim is never its own evidence


def test_a_denied_or_tiny_figure_gets_no_claim() -> None:
    eager = ClaimModel({}, 50.0, 0.5, {})
    for text in ("Acme has not confirmed a $20 billion deal with Borealis.",
                 "艾克米表示，與博瑞斯的200億美元收購交易並不存在。",
                 "Acme may buy Borealis shares at $185 each."):
        norm, ents, amts, props = analyse(text, INDEX)
        got = fill(norm, ents, amts, props, INDEX, model=eager)
        assert [p for p in got if p not in props] == [], text


def test_the_shipped_model_is_honest_and_generic() -> None:
    data = json.loads(FALLBACK_FILE.read_text(encoding="utf-8"))
    meta = data["meta"]
    assert set(meta["trained_on"]) <= set(TF.DEV) and not {"test", "dev3", "dev6"} & set(meta["trained_on"])
    assert not {"test", "dev6", "dev3"} & set(TF.DEV) and TF.VALID == "dev3"
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
    t0 = time.process_time()
    ingest_text(small, index=INDEX, scorer="fallback")
    t_small = time.process_time() - t0
    t0 = time.process_time()
    ingest_text(big, index=INDEX, scorer="fallback")
    t_big = time.process_time() - t0
    assert t_big < 25 * max(t_small, 0.05)  # 10x the text: about 10x the time, never quadratic

