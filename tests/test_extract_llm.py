"""The model-server backend against a real HTTP server on 127.0.0.1 that answers like a chat model.

The fake model returns one supported claim, one whose quote is not in the text (a hallucination), one
whose figure is not in its quote, and one with a name that is no entity; only the first may survive.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from dealweb.errors import InputError
from dealweb.extract.ingest import ingest_file
from dealweb.extract.llm import llm_claims

TEXT = "測試文章\n據報導,軟銀將向輝達採購價值約300億美元的GPU。甲骨文2026財年資本支出預計為350億美元。"

ANSWER = {"claims": [
    {"kind": "deal", "quote": "軟銀將向輝達採購價值約300億美元的GPU", "from": "軟銀", "to": "輝達",
     "type": "chip_purchase", "amount": "約300億美元", "capacity_gw": None},
    {"kind": "deal", "quote": "軟銀將向輝達投資5000億美元", "from": "軟銀", "to": "輝達",
     "type": "equity_investment", "amount": "5000億美元"},
    {"kind": "fact", "quote": "甲骨文2026財年資本支出預計為350億美元", "entity": "甲骨文", "metric": "capex_guidance",
     "value": "3500億美元", "period": "FY2026"},
    {"kind": "deal", "quote": "軟銀將向輝達採購價值約300億美元的GPU", "from": "某基金", "to": "輝達",
     "type": "chip_purchase", "amount": "約300億美元"},
]}


class _Handler(BaseHTTPRequestHandler):
    requests: list[dict[str, Any]] = []
    status = 200

    def do_POST(self) -> None:  # noqa: N802 (the http.server API)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append({"path": self.path, "body": body})
        if type(self).status != 200:
            self.send_response(type(self).status)
            self.end_headers()
            return
        content = "```json\n" + json.dumps(ANSWER, ensure_ascii=False) + "\n```"
        data = json.dumps({"choices": [{"message": {"role": "assistant", "content": content}}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture()
def server() -> Iterator[str]:
    _Handler.requests = []
    _Handler.status = 200
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_only_claims_whose_quotes_and_figures_are_in_the_text_survive(server: str) -> None:
    claims = llm_claims(TEXT, server, document="t")
    assert len(claims) == 1
    c = claims[0]
    assert (c["from"]["id"], c["to"]["id"], c["type"]) == ("softbank", "nvidia", "chip_purchase")
    assert TEXT[c["start"]:c["end"]] == c["quote"] == "軟銀將向輝達採購價值約300億美元的GPU"
    s, e = c["spans"]["amount"]
    assert TEXT[s:e] == "約300億美元"
    # 約300億 = about 3e10: [0.9, 1.1] x 3e10 (docs/ledger-format.md)
    assert c["amount"]["low"] == pytest.approx(2.7e10) and c["amount"]["high"] == pytest.approx(3.3e10)
    assert c["status"] == "new" and c["backend"] == "llm"
    req = _Handler.requests[0]
    assert req["path"] == "/v1/chat/completions" and req["body"]["temperature"] == 0
    assert "輝達" in req["body"]["messages"][1]["content"]


def test_same_schema_as_the_rule_backend(server: str, tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text(TEXT, encoding="utf-8")
    by_llm = ingest_file(f, backend="llm", model_url=server)
    by_rules = ingest_file(f)
    deal_rules = next(c for c in by_rules if c["kind"] == "deal")
    assert set(by_llm[0]) - {"backend"} == set(deal_rules)


def test_server_errors_are_clear(server: str) -> None:
    _Handler.status = 500
    with pytest.raises(InputError, match="HTTP 500"):
        llm_claims(TEXT, server)
    with pytest.raises(InputError, match="cannot reach"):
        llm_claims(TEXT, "http://127.0.0.1:9/v1", timeout=2.0)
