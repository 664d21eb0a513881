"""The news gazetteer's names file (src/dealweb/data/names/firms.json): loaded, merged, refused when broken."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dealweb.errors import InputError
from dealweb.extract.gazetteer import NAMES_FILE, GazEntry, _merge, gazetteer_by_id, load_names
from dealweb.extract.ingest import ingest_text


def test_the_shipped_names_file_loads_and_adds_firms_and_aliases() -> None:
    extra = load_names()
    assert extra, NAMES_FILE
    g = gazetteer_by_id()
    assert "iren" in g  # a firm the built-in list lacks
    assert "ChatGPT maker" in g["openai"].aliases  # a built-in alias kept
    assert "creator of ChatGPT" in g["openai"].aliases  # an alias the file adds


def test_an_alias_from_the_file_names_the_party() -> None:
    claims = ingest_text("The creator of ChatGPT is buying computing power from Oracle in a contract worth "
                         "$10 billion.")
    deal = next(c for c in claims if c["kind"] == "deal")
    assert (deal["from"]["id"], deal["to"]["id"], deal["amount"]["usd_high"]) == ("openai", "oracle", 10e9)


def test_merge_keeps_built_in_names_and_adds_new_entries() -> None:
    built = (GazEntry("acme", "company", "Acme", aliases=("ACM",)),)
    more = (GazEntry("acme", "company", "Acme", aliases=("Acme Corp",), sells=frozenset({"lease"})),
            GazEntry("borealis", "company", "Borealis"))
    merged = {g.id: g for g in _merge(built, more)}
    assert merged["acme"].aliases == ("ACM", "Acme Corp")
    assert merged["acme"].sells == frozenset({"lease"})
    assert merged["borealis"].en == "Borealis"


def test_a_missing_file_gives_nothing_and_a_broken_one_a_clear_error(tmp_path: Path) -> None:
    assert load_names(tmp_path / "absent.json") == ()
    bad = tmp_path / "names.json"
    bad.write_text(json.dumps({"entities": [{"kind": "company"}]}), encoding="utf-8")
    with pytest.raises(InputError, match="names.json"):
        load_names(bad)
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match="not a names file"):
        load_names(bad)
