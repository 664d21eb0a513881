"""The JSON Schema for editors: current, shipped twice, agreeing with the loader and the docs."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from dealweb.errors import Problem
from dealweb.ledger import default_ledger_path, schema_path, vocab
from dealweb.ledger.schema import build_schema, schema_text
from dealweb.ledger.yamlio import read_yaml_file

REPO = Path(__file__).resolve().parents[1]


def _plain(x: Any) -> Any:
    if isinstance(x, dict):
        return {str(k): _plain(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_plain(v) for v in x]
    if isinstance(x, str):
        return str(x)
    if isinstance(x, float):
        return float(x)
    return x


def _data(path: Path) -> Any:
    problems: list[Problem] = []
    f = read_yaml_file(path, str(path), problems)
    assert problems == []
    return _plain(f.data)


def test_shipped_schemas_are_current() -> None:
    text = schema_text()
    assert schema_path().read_text(encoding="utf-8") == text, "run: python -m dealweb.ledger.schema"
    assert (REPO / "docs" / "ledger.schema.json").read_text(encoding="utf-8") == text
    jsonschema.Draft202012Validator.check_schema(json.loads(text))


def test_bundled_ledger_files_validate() -> None:
    validator = jsonschema.Draft202012Validator(build_schema())
    files = sorted(default_ledger_path().rglob("*.yaml"))
    assert files, "the bundled ledger is missing"
    for f in files:
        errors = [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(_data(f))]
        assert errors == [], f"{f.name}: {errors[:5]}"


@pytest.mark.parametrize("text,where", [
    ("deals:\n  - {id: x, type: services, ammount: 5}\n", "deals/0"),
    ("deals:\n  - {id: x, type: cloud}\n", "deals/0/type"),
    ("entities:\n  - {id: X Y, names: {en: x}}\n", "entities/0/id"),
    ("documents:\n  - {id: d, title: t, tier: blog}\n", "documents/0/tier"),
    ("dealz: []\n", ""),
])
def test_schema_rejects_what_check_rejects(tmp_path: Path, text: str, where: str) -> None:
    f = tmp_path / "x.yaml"
    f.write_text(text, encoding="utf-8")
    errors = list(jsonschema.Draft202012Validator(build_schema()).iter_errors(_data(f)))
    assert errors and any("/".join(map(str, e.path)) == where for e in errors)


def test_every_key_is_documented() -> None:
    doc = (REPO / "docs" / "ledger-format.md").read_text(encoding="utf-8")
    keys = (vocab.LEDGER_KEYS | vocab.FX_KEYS | vocab.ENTITY_KEYS | vocab.DOCUMENT_KEYS | vocab.DEAL_KEYS
            | vocab.FACT_KEYS | vocab.CLAIM_KEYS | vocab.EVENT_KEYS | vocab.PARTY_KEYS | vocab.FLOW_KEYS
            | vocab.TRANCHE_KEYS | vocab.TERM_KEYS | vocab.AMOUNT_KEYS)
    word = r"[a-z_][a-z_0-9]*"
    written = set(re.findall(rf"`({word})`", doc)) | set(re.findall(rf"^\s*-?\s*({word}):", doc, re.M)) \
        | set(re.findall(rf"[{{,]\s*({word}):", doc))
    missing = sorted(k for k in keys if k not in written)
    assert missing == [], f"keys the loader accepts but docs/ledger-format.md never names: {missing}"
    for word in (*vocab.FLAGS, *vocab.SCHEDULES, *vocab.STATUSES, *vocab.TIERS, *vocab.KINDS, *vocab.DEAL_TYPE_LIST):
        assert word in doc, word
