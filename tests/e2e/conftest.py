"""Fixtures for the browser tests: headless Debian Chromium driven by Playwright, and a live app server."""

from __future__ import annotations

import shutil
import socket
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/report_fixtures.py

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TOKEN = "e2e-token-abcdefghijklmnop"


def chromium_path() -> str:
    """The system Chromium (Debian package); never a downloaded one."""
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    raise RuntimeError("headless browser tests need Chromium: apt-get install -y chromium fonts-noto-cjk")


@pytest.fixture
def token() -> str:
    """The write token the live apps are started with."""
    return TOKEN


#: How long a browser test waits for a page, an element or a text before it fails (milliseconds). The waits
#: end as soon as their condition holds, so a generous bound costs nothing on a quiet machine; Playwright's
#: defaults (5 s for ``expect``, 30 s for actions) fail spuriously on a loaded 2-core CI machine.
WAIT_MS = 120_000


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=WAIT_MS)
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "console_errors(*texts): console errors the test expects (e.g. a 401)")


@pytest.fixture
def page(browser, request):
    """A fresh page; the test fails when the browser console logged an error or the page threw one."""
    ctx = browser.new_context(viewport={"width": 1500, "height": 1100})
    ctx.set_default_timeout(WAIT_MS)
    ctx.set_default_navigation_timeout(WAIT_MS)
    p = ctx.new_page()
    errors: list[str] = []
    p.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    p.on("pageerror", lambda e: errors.append(f"uncaught: {e}"))
    yield p
    ctx.close()
    marker = request.node.get_closest_marker("console_errors")
    expected = marker.args if marker else ()
    assert [e for e in errors if not any(x in e for x in expected)] == [], "the browser console has errors"


def _serve(app):  # noqa: ANN001, ANN202
    """Start ``app`` in a thread on a socket bound here to a free port (port 0: the system picks one, and it is
    held from this moment on: no other process can take it between a look-up and uvicorn's bind)."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + WAIT_MS / 1000  # a loaded machine may take long to start it; no longer
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            sock.close()
            raise RuntimeError("the app server did not start")
        time.sleep(0.05)
    return f"http://127.0.0.1:{port}", server, thread


@pytest.fixture
def live_app(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The app on 127.0.0.1 and a free port, serving a temporary copy of a small ledger."""
    from dealweb.web import create_app
    from report_fixtures import LEDGER_YAML

    led = tmp_path / "ledger"
    led.mkdir()
    (led / "ledger.yaml").write_text(LEDGER_YAML, encoding="utf-8")
    base, server, thread = _serve(create_app(led, token=TOKEN))
    try:
        yield base, led
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.fixture
def live_bundled_app() -> Iterator[str]:
    """The app serving the bundled ledger the bundled stress scenarios were written for (ai-capex-2025)."""
    from dealweb.web import create_app

    base, server, thread = _serve(create_app("ai-capex-2025", token=TOKEN))
    try:
        yield base
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.fixture
def live_current_app() -> Iterator[str]:
    """The app serving the default bundled ledger (the current web, ai-deals-2025-26)."""
    from dealweb.web import create_app

    base, server, thread = _serve(create_app(None, token=TOKEN))
    try:
        yield base
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    """Where screenshots go: $DEALWEB_SHOTS (to look at them after the run) or the test's own folder."""
    import os

    folder = Path(os.environ.get("DEALWEB_SHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder
