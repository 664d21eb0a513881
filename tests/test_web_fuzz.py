"""Fuzz the JSON API from its own OpenAPI description: hypothesis strategies built from its JSON Schemas.

(hypothesis-jsonschema 0.23 does not run on current hypothesis, so the small subset of JSON Schema that
FastAPI emits is turned into strategies here: object, string with pattern/format/length, integer, number,
boolean, array, enum/const, anyOf, $ref.)

Every generated request, valid or not, must get an answer below 500 that is well-formed JSON (or the
map's SVG), and writes with the token must never corrupt the ledger: it still loads without errors.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dealweb.ledger import load_ledger
from dealweb.web import create_app
from report_fixtures import LEDGER_YAML

TOKEN = "fuzz-token-0123456789"
_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
_FINITE = st.floats(allow_nan=False, allow_infinity=False)  # JSON has no NaN or infinity
_JSON = st.recursive(st.none() | st.booleans() | st.integers() | _FINITE | _TEXT,
                     lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_TEXT, inner, max_size=3),
                     max_leaves=8)


def from_schema(schema: dict, root: dict | None = None) -> st.SearchStrategy:
    """Values valid for ``schema`` (mostly), mixed with a few invalid ones where the schema is loose."""
    root = root or schema
    if "$ref" in schema:
        node = root
        for part in schema["$ref"].lstrip("#/").split("/"):
            node = node[part]
        return from_schema(node, root)
    if "const" in schema:
        return st.just(schema["const"])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if "anyOf" in schema or "oneOf" in schema:
        return st.one_of([from_schema(s, root) for s in schema.get("anyOf", schema.get("oneOf"))])
    t = schema.get("type")
    if t == "object":
        props = schema.get("properties", {})
        req = set(schema.get("required", []))
        required = {k: from_schema(v, root) for k, v in props.items() if k in req}
        optional = {k: from_schema(v, root) for k, v in props.items() if k not in req}
        fixed = st.fixed_dictionaries(required, optional=optional)
        if schema.get("additionalProperties", True) is False:
            return fixed
        return st.one_of(fixed, st.dictionaries(_TEXT, _JSON, max_size=4))
    if t == "array":
        items = from_schema(schema.get("items", {}), root)
        return st.lists(items, max_size=min(schema.get("maxItems", 4), 4))
    if t == "string":
        if schema.get("format") == "date":
            return st.dates().map(lambda d: d.isoformat())
        if "pattern" in schema:
            return st.from_regex(schema["pattern"], fullmatch=True).filter(
                lambda x: len(x) <= schema.get("maxLength", 10**9))
        return st.text(st.characters(blacklist_categories=("Cs",)), min_size=schema.get("minLength", 0),
                       max_size=min(schema.get("maxLength", 40), 40))
    if t == "integer":
        return st.integers(int(schema.get("minimum", -(2**40))), int(min(schema.get("maximum", 2**40), 2**62)))
    if t == "number":
        return st.floats(schema.get("minimum"), schema.get("maximum"), allow_nan=False, allow_infinity=False)
    if t == "boolean":
        return st.booleans()
    if t == "null":
        return st.none()
    return _JSON


@pytest.fixture(scope="module")
def app_and_dir(tmp_path_factory):
    d: Path = tmp_path_factory.mktemp("fuzz") / "ledger"
    d.mkdir()
    (d / "ledger.yaml").write_text(LEDGER_YAML, encoding="utf-8")
    app = create_app(d, token=TOKEN, allowed_hosts=["testserver"])
    return TestClient(app), d, app.openapi()


def _operations(spec: dict, method: str) -> list[tuple[str, dict]]:
    return [(path, ops[method]) for path, ops in sorted(spec["paths"].items()) if method in ops]


def _param_schema(op: dict, where: str) -> dict:
    props, required = {}, []
    for p in op.get("parameters", []):
        if p["in"] != where:
            continue
        props[p["name"]] = p.get("schema", {})
        if p.get("required"):
            required.append(p["name"])
    return {"type": "object", "properties": props, "required": required, "additionalProperties": False}


def _as_query(values: dict) -> dict[str, str]:
    out = {}
    for k, v in values.items():
        if v is None:
            continue
        out[k] = json.dumps(v) if isinstance(v, bool) else str(v)
    return out


def _check(resp) -> None:
    assert resp.status_code < 500, (resp.request.url, resp.text[:300])
    ctype = resp.headers.get("content-type", "")
    if ctype.startswith("application/json"):
        json.loads(resp.text)
    elif resp.status_code == 200:
        assert ctype.startswith("image/svg+xml"), ctype


def _path_text():
    return st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=20).map(
        lambda t: quote(t, safe=""))


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_every_get_endpoint_answers_below_500(app_and_dir, data):
    client, _, spec = app_and_dir
    path, op = data.draw(st.sampled_from(_operations(spec, "get")))
    query = data.draw(from_schema(_param_schema(op, "query")))
    url = path
    for p in op.get("parameters", []):
        if p["in"] == "path":
            url = url.replace("{" + p["name"] + "}", data.draw(_path_text()))
    _check(client.get(url, params=_as_query(query)))


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_every_post_endpoint_answers_below_500_and_the_ledger_stays_valid(app_and_dir, data):
    client, led, spec = app_and_dir
    posts = [(p, op) for p, op in _operations(spec, "post") if p != "/api/articles"]
    path, op = data.draw(st.sampled_from(posts))
    url = path
    for p in op.get("parameters", []):
        if p["in"] == "path":
            url = url.replace("{" + p["name"] + "}", data.draw(_path_text()))
    body = None
    content = op.get("requestBody", {}).get("content", {}).get("application/json")
    if content:
        body = data.draw(from_schema(content["schema"], spec))
    resp = client.post(url, json=body, headers={"X-Dealweb-Token": TOKEN})
    _check(resp)
    if resp.status_code == 200 and isinstance(resp.json(), list):
        # Accept every queued proposal the fuzzer made: the writer must refuse or write a valid ledger.
        for p in resp.json():
            if isinstance(p, dict) and p.get("state") == "pending":
                _check(client.post(f"/api/proposals/{p['id']}/accept", headers={"X-Dealweb-Token": TOKEN}))
    problems = [p for p in load_ledger(led).problems if p.severity == "error"]
    assert not problems, problems[:3]


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_article_endpoint_answers_below_500(app_and_dir, data):
    client, _, spec = app_and_dir
    op = spec["paths"]["/api/articles"]["post"]
    body = data.draw(from_schema(op["requestBody"]["content"]["application/json"]["schema"], spec))
    _check(client.post("/api/articles", json=body, headers={"X-Dealweb-Token": TOKEN}))
