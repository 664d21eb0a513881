"""``dealweb doctor``: what is missing and the command that adds it; matplotlib sees fonts installed late."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import dealweb.doctor as doctor
from dealweb.cli import main


def _run(*args: str) -> tuple[int, str]:
    res = CliRunner().invoke(main, ["doctor", *args])
    return res.exit_code, res.output


@pytest.mark.parametrize(("text", "family"), [
    ('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n', "debian"),
    ('NAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\n', "ubuntu"),
    ('NAME="Linux Mint"\nID=linuxmint\nID_LIKE="ubuntu debian"\n', "ubuntu"),
    ('NAME="Fedora Linux"\nID=fedora\n', "other"),
])
def test_os_family(tmp_path: Path, text: str, family: str) -> None:
    (tmp_path / "os-release").write_text(text, encoding="utf-8")
    assert doctor.os_family(tmp_path / "os-release") == family
    assert doctor.os_family(tmp_path / "absent") == "other"


def test_json_keys_and_everything_present_here() -> None:
    code, out = _run("--json")
    data = json.loads(out)
    assert set(data) == {"ok", "checks"}
    assert all(set(c) == {"name", "group", "ok", "found", "needed_for", "fix"} for c in data["checks"])
    names = [c["name"] for c in data["checks"]]
    assert names[:4] == ["python", "core packages", "browser", "CJK font"]
    assert {f"extra: {e}" for e in ("web", "fast", "dask", "ray", "parquet", "llm", "test")} <= set(names)
    assert code == (0 if data["ok"] else 1)
    assert all((c["fix"] == "") == c["ok"] for c in data["checks"])  # a fix exactly where something is missing


def test_missing_browser_fails_with_the_command_that_adds_it(monkeypatch: pytest.MonkeyPatch,
                                                               tmp_path: Path) -> None:
    real_which = shutil.which
    monkeypatch.setattr(doctor.shutil, "which",
                        lambda name, *a, **k: None if "chromium" in name else real_which(name, *a, **k))
    monkeypatch.setattr(doctor, "os_family", lambda *a: "debian")
    monkeypatch.setattr(doctor.os, "geteuid", lambda: 1000)
    code, out = _run("--json")
    browser = next(c for c in json.loads(out)["checks"] if c["name"] == "browser")
    assert code == 1 and not browser["ok"] and browser["fix"] == "sudo apt-get install -y chromium"
    monkeypatch.setattr(doctor, "os_family", lambda *a: "ubuntu")
    code, out = _run()
    assert code == 1 and "sudo snap install chromium" in out


def test_missing_extra_is_listed_but_does_not_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    real = doctor._has
    monkeypatch.setattr(doctor, "_has", lambda m: m != "numba" and real(m))
    code, out = _run("--json")
    data = json.loads(out)
    fast = next(c for c in data["checks"] if c["name"] == "extra: fast")
    assert fast == {"name": "extra: fast", "group": "optional", "ok": False, "found": "missing: numba",
                    "needed_for": fast["needed_for"], "fix": 'pip install "dealweb[fast]"'}
    others_ok = all(c["ok"] for c in data["checks"] if c["group"] != "optional")
    assert code == (0 if others_ok else 1)


def _cjk_installed() -> bool:
    fams = doctor._system_cjk_fonts()
    if not fams:
        if os.environ.get("CI"):
            pytest.fail("CI must have fonts-noto-cjk installed (see .ci/run)")
        pytest.skip("no CJK font installed on this machine")
    return True


def test_a_cjk_font_installed_after_matplotlib_ran_is_found(monkeypatch: pytest.MonkeyPatch) -> None:
    """matplotlib's font cache predates the font (the README's order: pip install, then apt-get install the
    fonts): cjk_font() rebuilds the cache once and finds it, instead of drawing boxes."""
    pytest.importorskip("matplotlib")
    _cjk_installed()
    from matplotlib import font_manager as fm

    import dealweb.report.png as png

    stale = [f for f in fm.fontManager.ttflist if not any(h in f.name for h in doctor._CJK_HINTS)]
    assert len(stale) < len(fm.fontManager.ttflist)  # the fonts are there, so the stale list lacks some
    monkeypatch.setattr(fm.fontManager, "ttflist", stale)
    monkeypatch.setattr(png, "_REFRESHED", False)
    assert png.cjk_font(refresh=False) is None  # what the stale cache says
    found = png.cjk_font()
    assert found is not None and "CJK" in found
    assert any(f.name == found for f in fm.fontManager.ttflist)


def test_the_table_shows_the_install_commands_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    # rich would read "[fast]" as markup and drop it: the command must print as typed
    real = doctor._has
    monkeypatch.setattr(doctor, "_has", lambda m: m not in ("numba", "ray") and real(m))
    code, out = _run()
    assert 'pip install "dealweb[fast]"' in out and 'pip install "dealweb[ray]"' in out
