"""The extractor's value classes behave as the frozen dataclasses ``dataclass`` writes, compiled or not.

``Amount``, ``FoundAmount`` and the mention classes write their ``__init__`` out (compiled by mypyc, a written-out
constructor is a store per field; the one ``dataclass`` generates runs as interpreted Python). Everything else
(equality, hashing, repr, ``dataclasses.replace``/``fields``, keywords and defaults, refusing assignment) must
be what it was: each class is checked against a frozen dataclass with the same fields that ``dataclass`` builds
here, on the same values.
"""

from __future__ import annotations

import dataclasses
import datetime
import pickle
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dealweb.extract.mentions import AmountMention, DateMention, EntityMention, PeriodMention
from dealweb.money import Amount, FoundAmount, Qualifier

_INTS = st.integers(min_value=-5, max_value=10**12)
_TEXTS = st.text(max_size=6)
_FLOATS = st.floats(allow_nan=False)
_OPT_FLOATS = st.none() | _FLOATS
_AMOUNTS = st.builds(Amount, _FLOATS, _OPT_FLOATS, st.sampled_from(list(Qualifier)), st.none() | _TEXTS, _TEXTS,
                     _OPT_FLOATS, _OPT_FLOATS, st.none() | _TEXTS)
#: Per class: a strategy for its constructor's positional arguments.
_ARGS: dict[type, Any] = {
    Amount: st.tuples(_FLOATS, _OPT_FLOATS, st.sampled_from(list(Qualifier)), st.none() | _TEXTS, _TEXTS,
                      _OPT_FLOATS, _OPT_FLOATS, st.none() | _TEXTS),
    FoundAmount: st.tuples(_INTS, _INTS, _AMOUNTS),
    EntityMention: st.tuples(_INTS, _INTS, _TEXTS, _TEXTS),
    AmountMention: st.tuples(_INTS, _INTS, _AMOUNTS),
    DateMention: st.tuples(_INTS, _INTS, st.none() | st.dates(), _TEXTS),
    PeriodMention: st.tuples(_INTS, _INTS, _TEXTS),
}
#: The fields as each class declared them before its ``__init__`` was written out: (name, default or MISSING).
_MISSING = dataclasses.MISSING
_DECLARED: dict[type, list[tuple[str, Any]]] = {
    Amount: [("low", _MISSING), ("high", _MISSING), ("qualifier", Qualifier.EXACT), ("unit", None), ("text", ""),
             ("nominal", None), ("usd_rate", None), ("usd_source", None)],
    FoundAmount: [("start", _MISSING), ("end", _MISSING), ("amount", _MISSING)],
    EntityMention: [("start", _MISSING), ("end", _MISSING), ("id", _MISSING), ("name", _MISSING)],
    AmountMention: [("start", _MISSING), ("end", _MISSING), ("amount", _MISSING)],
    DateMention: [("start", _MISSING), ("end", _MISSING), ("date", _MISSING), ("label", _MISSING)],
    PeriodMention: [("start", _MISSING), ("end", _MISSING), ("label", _MISSING)],
}


def _reference(cls: type) -> type:
    """A frozen, slotted dataclass with ``cls``'s name and declared fields, its methods all ``dataclass``'s own."""
    spec = [(n, Any) if d is _MISSING else (n, Any, dataclasses.field(default=d)) for n, d in _DECLARED[cls]]
    return dataclasses.make_dataclass(cls.__name__, spec, frozen=True, slots=True)


@pytest.mark.parametrize("cls", list(_ARGS), ids=lambda c: c.__name__)
def test_fields_defaults_and_keywords_are_the_declared_ones(cls: type) -> None:
    assert dataclasses.is_dataclass(cls)
    assert [(f.name, f.default) for f in dataclasses.fields(cls)] == _DECLARED[cls]
    assert all(f.init for f in dataclasses.fields(cls))


def test_amount_defaults_and_keywords() -> None:
    a = Amount(1.0, 2.0)
    assert (a.qualifier, a.unit, a.text, a.nominal, a.usd_rate, a.usd_source) == (Qualifier.EXACT, None, "", None,
                                                                                    None, None)
    b = Amount(high=5.0, low=3.0, usd_source="stated", unit="JPY", nominal=4.0, text="t", usd_rate=0.5,
               qualifier=Qualifier.RANGE)
    assert (b.low, b.high, b.qualifier, b.unit, b.text, b.nominal, b.usd_rate, b.usd_source) == (
        3.0, 5.0, Qualifier.RANGE, "JPY", "t", 4.0, 0.5, "stated")
    with pytest.raises(TypeError):
        Amount(1.0)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        EntityMention(0, 1, "a", "A", "extra")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        EntityMention(0, 1, id="a", nme="A")  # type: ignore[call-arg]


@pytest.mark.parametrize("cls", list(_ARGS), ids=lambda c: c.__name__)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_equality_hash_repr_replace_pickle_as_a_generated_dataclass(cls: type, data: st.DataObject) -> None:
    ref = _reference(cls)
    args, other = data.draw(_ARGS[cls]), data.draw(_ARGS[cls])
    x, y = cls(*args), cls(*other)
    rx, ry = ref(*args), ref(*other)
    assert repr(x) == repr(rx)
    assert (x == y) == (rx == ry) and (x != y) == (rx != ry)
    assert x == cls(*args) and hash(x) == hash(cls(*args)) == hash(rx)
    assert x != rx  # another class: never equal (as between two dataclasses)
    assert x.__eq__(args) is NotImplemented
    names = [n for n, _ in _DECLARED[cls]]
    assert tuple(getattr(x, n) for n in names) == args
    assert dataclasses.astuple(x) == dataclasses.astuple(rx)
    k = data.draw(st.sampled_from(names))
    changed = dataclasses.replace(x, **{k: getattr(y, k)})
    assert type(changed) is cls
    assert repr(changed) == repr(dataclasses.replace(rx, **{k: getattr(ry, k)}))
    assert pickle.loads(pickle.dumps(x)) == x
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(x, k, getattr(y, k))
    with pytest.raises(dataclasses.FrozenInstanceError):
        delattr(x, k)
    assert tuple(getattr(x, n) for n in names) == args  # unchanged


def test_the_classes_keep_no_instance_dict() -> None:
    x = EntityMention(0, 1, "a", "A")
    assert not hasattr(x, "__dict__")
    with pytest.raises((AttributeError, TypeError)):
        object.__setattr__(x, "other", 1)
    assert DateMention(0, 1, datetime.date(2025, 1, 2), "x").date == datetime.date(2025, 1, 2)


# -- claim ids: the compiled twin of review.claim_id -----------------------------------------------------------
_ARTICLES = __import__("pathlib").Path(__file__).parent / "extract_answer_key" / "articles"


@settings(max_examples=200, deadline=None)
@given(st.text(), st.sampled_from(["deal", "fact", ""]), st.integers(min_value=0, max_value=10**9),
       st.integers(min_value=0, max_value=10**9), st.lists(st.integers(min_value=0, max_value=10**9), max_size=2),
       st.none() | st.text(max_size=12))
def test_ingest_claim_id_is_review_claim_id(document: str, kind: str, start: int, end: int, fig: list[int],
                                            what: str | None) -> None:
    from dealweb.extract.ingest import _claim_id
    from dealweb.extract.review import claim_id

    key = "type" if kind == "deal" else "metric"
    claim = {"document": document, "kind": kind, "start": start, "end": end, key: what,
             "spans": {"amount" if kind == "deal" else "value": fig}}
    used = claim.get("type") or claim.get("metric")  # what review reads (ingest passes it so)
    assert _claim_id(document, kind, start, end, fig, used) == claim_id(claim)


def test_claim_ids_of_ingested_articles_are_review_claim_ids() -> None:
    from dealweb.extract.ingest import ingest_text
    from dealweb.extract.mentions import EntityIndex
    from dealweb.extract.review import claim_id

    index = EntityIndex()
    claims = [c for p in sorted(_ARTICLES.iterdir())
              for c in ingest_text(p.read_text(encoding="utf-8"), document=p.stem, index=index)]
    assert len(claims) > 20 and {c["kind"] for c in claims} == {"deal", "fact"}
    assert [c["id"] for c in claims] == [claim_id(c) for c in claims]


# -- sentence spans: the list built in one loop is the generators' list ------------------------------------------
def _split_by_generators(text: str, max_len: int) -> list[tuple[int, int]]:
    """How mentions split sentences before (session 8): a generator of :func:`_windows` per boundary."""
    from dealweb.extract.mentions import _BOUNDARY, _windows

    out: list[tuple[int, int]] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        out.extend(_windows(text, start, m.end(), max_len))
        start = m.end()
    out.extend(_windows(text, start, len(text), max_len))
    return out


_SENTENCE_CHARS = st.sampled_from(list("ab1, .。!?；\n\t\u3000\u2028\u00a0\x1c[]-A$") + ["Inc.", "[1] - ", "no. "])


@settings(max_examples=300, deadline=None)
@given(st.lists(_SENTENCE_CHARS, max_size=60).map("".join), st.sampled_from([3, 7, 2000]))
def test_sentence_list_is_the_generators_list(text: str, max_len: int) -> None:
    from dealweb.extract.mentions import _split_sentences, iter_sentences

    assert _split_sentences(text, max_len) == _split_by_generators(text, max_len)
    assert list(iter_sentences(text, max_len)) == _split_by_generators(text, max_len)


def test_sentence_list_drops_white_space_pieces() -> None:
    from dealweb.extract.mentions import _split_sentences

    # "\u3000" and "\x1c" are white space to str.strip and str.isspace alike: those pieces hold no sentence
    assert _split_sentences("Ab. \u3000\x1c\n。Cd", 2000) == [(0, 3), (7, 8), (8, 10)]


# -- an amount's groups as written, read from the match's spans at once ------------------------------------------
@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["About ", "US$", "$", "4", "0", ",", ".", "5 ", "Billion", "BN", " to ", "and ",
                                 "億美元", "最高", "數百", " (", "約1億美元", ")", "Up To ", "Yen", "x"]),
                max_size=12).map("".join))
def test_group_texts_reads_each_group_as_written(text: str) -> None:
    from dealweb.money import _PATTERN_LOWER, _group_texts

    low = text.lower()
    assert len(low) == len(text)
    for m in _PATTERN_LOWER.finditer(low):
        want = {k: None if v is None else text[m.start(k):m.end(k)] for k, v in m.groupdict().items()}
        got = _group_texts(m, text)
        assert got == want and list(got) == list(want)
        assert _group_texts(m, low) == m.groupdict() == _group_texts(m) and list(_group_texts(m, low)) == list(want)


@settings(max_examples=100, deadline=None)
@given(_AMOUNTS, _TEXTS)
def test_with_unit_is_replace(a: Amount, unit: str) -> None:
    assert repr(a.with_unit(unit)) == repr(dataclasses.replace(a, unit=unit))


@pytest.mark.parametrize("text", ["最高1000億美元", " about $40 billion ", "約400億美元(約3兆日元)", "6 GW",
                                  "10兆日元（約650億美元）", "數百億美元"])
def test_parse_amount_keeps_the_text_as_given(text: str) -> None:
    from dealweb.money import _PATTERN, _build, normalise_width, parse_amount

    a = parse_amount(text)
    m = _PATTERN.fullmatch(normalise_width(text).strip())
    assert m is not None
    assert repr(a) == repr(dataclasses.replace(_build(m, None), text=text)) and a.text == text
