"""``dealweb serve`` as a user starts it: a real process on 127.0.0.1, its printed address and token."""

from __future__ import annotations

import subprocess
import sys

import httpx
from click.testing import CliRunner

from report_fixtures import LEDGER_YAML
from waiting import wait_until


def test_serve_prints_address_and_token_and_guards_writes(tmp_path):
    led = tmp_path / "ledger"
    led.mkdir()
    (led / "ledger.yaml").write_text(LEDGER_YAML, encoding="utf-8")
    cmd = [sys.executable, "-c", "from dealweb.cli import main; main()", "serve", str(led), "--port", "0"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = [proc.stdout.readline() for _ in range(3)]
        assert lines[0].startswith("dealweb serving ") and "http://127.0.0.1:" in lines[0], lines
        base = lines[0].split(" on ")[1].strip()
        token = lines[1].removeprefix("write token: ").strip()
        assert lines[2].strip() == f"open: {base}#token={token}"
        got: list[httpx.Response] = []

        def answered() -> bool:  # the printed address is served once uvicorn has started: slow under load
            try:
                got.append(httpx.get(base + "api/ledger", timeout=30))
            except httpx.TransportError:
                return proc.poll() is not None  # a server that died will not answer: stop waiting
            return True

        wait_until(answered, every=0.1)
        assert got, f"the server did not answer: {proc.poll()=}"
        r = got[-1]
        assert r.status_code == 200 and r.json()["counts"]["deals"] == 3
        assert httpx.post(base + "api/reload", timeout=60).status_code == 401
        assert httpx.post(base + "api/reload", headers={"X-Dealweb-Token": token}, timeout=60).status_code == 200
    finally:
        proc.terminate()
        proc.wait(120)


def test_serve_fails_in_one_line_on_a_missing_ledger(tmp_path):
    from dealweb.cli import main

    res = CliRunner().invoke(main, ["serve", str(tmp_path / "nope")])
    assert res.exit_code == 2 and res.output.startswith("error: no such ledger")
    assert "Traceback" not in res.output


def test_serve_fails_in_one_line_on_a_busy_port(tmp_path):
    import socket

    from dealweb.cli import main

    led = tmp_path / "ledger"
    led.mkdir()
    (led / "ledger.yaml").write_text(LEDGER_YAML, encoding="utf-8")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        busy = s.getsockname()[1]
        res = CliRunner().invoke(main, ["serve", str(led), "--port", str(busy)])
    assert res.exit_code == 2 and res.output.startswith(f"error: cannot listen on 127.0.0.1:{busy}")
    assert "--port 0" in res.output
