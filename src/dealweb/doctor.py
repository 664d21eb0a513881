"""What this machine has and lacks for dealweb, and the command that adds each missing part.

``dealweb doctor`` runs :func:`diagnose`: Python, the browser the browser tests drive (Chromium), a font
with Chinese glyphs (without one every Chinese name is a box, in the report's PNG map and in the browser),
and each optional extra (``pip install "dealweb[web]"`` and so on). Nothing is installed or downloaded:
each missing part comes with the command a person runs to add it.

Checks are grouped by what they block:

- ``required``: dealweb cannot run its core commands without it;
- ``recommended``: the README's test command or the Chinese names need it (browser, CJK font);
- ``optional``: an extra for one feature (the web app, the compiled kernel, dask, ray, parquet, the LLM
  backend, the test tools), and whether the news extractor runs compiled (mypyc, built at install).

Only a missing ``required`` or ``recommended`` part makes ``dealweb doctor`` exit 1.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

__all__ = ["EXTRAS", "Check", "diagnose", "os_family"]

#: extra name -> (modules it installs, what it is for)
EXTRAS: dict[str, tuple[tuple[str, ...], str]] = {
    "web": (("fastapi", "uvicorn", "httpx", "matplotlib"), "dealweb serve, report --png"),
    "fast": (("numba",), "the compiled clearing kernel (faster dealweb stress)"),
    "dask": (("dask", "distributed"), "dealweb stress --engine dask"),
    "ray": (("ray",), "dealweb stress --engine ray"),
    "parquet": (("pyarrow",), "--edges FILE.parquet"),
    "llm": (("httpx",), "dealweb ingest --backend llm"),
    "test": (("pytest", "hypothesis", "playwright", "jsonschema"), "the test suite (python -m pytest)"),
}

_CJK_HINTS = ("CJK", "Source Han", "WenQuanYi", "PingFang", "JhengHei", "SimHei", "Droid Sans Fallback")


@dataclass(frozen=True, slots=True)
class Check:
    """One thing looked for. ``fix`` is the shell command that adds it (empty when ``ok``)."""

    name: str
    group: str  # required | recommended | optional
    ok: bool
    found: str
    needed_for: str
    fix: str = ""

    def as_dict(self) -> dict[str, object]:
        """Stable JSON keys: name, group, ok, found, needed_for, fix."""
        return asdict(self)


def os_family(os_release: Path = Path("/etc/os-release")) -> str:
    """``debian``, ``ubuntu`` or ``other``, from ``/etc/os-release`` (ID, then ID_LIKE)."""
    try:
        text = os_release.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "other"
    fields = dict(line.split("=", 1) for line in text.splitlines() if "=" in line)
    ids = [fields.get("ID", "").strip('"').lower()] + fields.get("ID_LIKE", "").strip('"').lower().split()
    for fam in ("ubuntu", "debian"):
        if fam in ids:
            return fam
    return "other"


def _sudo() -> str:
    return "" if hasattr(os, "geteuid") and os.geteuid() == 0 else "sudo "


def _browser_fix(family: str) -> str:
    if family == "ubuntu":  # Ubuntu ships Chromium as a snap only
        return f"{_sudo()}snap install chromium"
    if family == "debian":
        return f"{_sudo()}apt-get install -y chromium"
    return "install Chromium from your system's packages (the tests use the system browser, never a download)"


def _font_fix(family: str) -> str:
    if family in ("debian", "ubuntu"):
        return f"{_sudo()}apt-get install -y fonts-noto-cjk"
    return "install the Noto Sans CJK fonts from your system's packages"


def _has(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def _browser(family: str) -> Check:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return Check("browser", "recommended", True, found, "the browser tests (tests/e2e)")
    return Check("browser", "recommended", False, "no chromium on PATH", "the browser tests (tests/e2e)",
                 _browser_fix(family))


def _system_cjk_fonts() -> list[str] | None:
    """CJK font families fontconfig knows (``fc-list :lang=zh``); ``None`` when fontconfig is absent."""
    fc = shutil.which("fc-list")
    if fc is None:
        return None
    try:
        out = subprocess.run([fc, ":lang=zh", "family"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return sorted({f.split(",")[0].strip() for f in out.splitlines() if f.strip()})


def _fonts(family: str) -> Check:
    needed = "Chinese names in the report, the PNG map and the web app (boxes without it)"
    system = _system_cjk_fonts()
    if _has("matplotlib"):
        from dealweb.report.png import cjk_font

        mpl = cjk_font()  # rebuilds matplotlib's font cache once when it has none (a font installed since)
        if mpl is not None:
            return Check("CJK font", "recommended", True, mpl, needed)
        if system:
            return Check("CJK font", "recommended", False,
                         f"fontconfig has {system[0]}, but matplotlib finds no font it knows for Chinese",
                         needed, _font_fix(family))
        return Check("CJK font", "recommended", False, "none", needed, _font_fix(family))
    if system:
        return Check("CJK font", "recommended", True, system[0], needed)
    if system is None:
        return Check("CJK font", "recommended", False, "cannot tell (no fc-list, no matplotlib)", needed,
                     _font_fix(family))
    return Check("CJK font", "recommended", False, "none", needed, _font_fix(family))


def _compiled_extractor(family: str) -> Check:
    """Whether the news extractor's hot modules run compiled (mypyc, built at install; ``docs/scale.md``)."""
    from dealweb import _compiled

    st = _compiled.status()
    if st["compiled"]:
        fix = ""
    elif st["stale"]:
        fix = "pip install -e . (in the clone: rebuilds the compiled modules from the present source)"
    else:
        compiler = (f"{_sudo()}apt-get install -y gcc python3-dev" if family in ("debian", "ubuntu")
                    else "install a C compiler and Python's headers")
        fix = f"{compiler}, then pip install --force-reinstall --no-deps --no-cache-dir . (in the clone)"
    return Check("compiled extractor", "optional", bool(st["compiled"]), st["reason"],
                 "reading news at full speed (dealweb ingest)", fix)


def diagnose() -> list[Check]:
    """Every check, in the order a newcomer should fix them."""
    family = os_family()
    py = sys.version_info
    checks = [Check("python", "required", py >= (3, 11), f"{py.major}.{py.minor}.{py.micro}",
                    "dealweb itself", "" if py >= (3, 11) else "install Python 3.11 or newer")]
    core = ("numpy", "scipy", "ruamel.yaml", "click", "rich", "networkx", "opencc", "jinja2")
    missing = [m for m in core if not _has(m)]
    checks.append(Check("core packages", "required", not missing,
                        "all present" if not missing else "missing: " + ", ".join(missing), "dealweb itself",
                        "" if not missing else "pip install dealweb (or pip install -e . in a clone)"))
    checks.append(_browser(family))
    checks.append(_fonts(family))
    checks.append(_compiled_extractor(family))
    for extra, (modules, what) in EXTRAS.items():
        absent = [m for m in modules if not _has(m)]
        checks.append(Check(f"extra: {extra}", "optional", not absent,
                            "installed" if not absent else "missing: " + ", ".join(absent), what,
                            "" if not absent else f'pip install "dealweb[{extra}]"'))
    return checks
