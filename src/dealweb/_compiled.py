"""Which of the news extractor's hot modules run compiled (mypyc) and which run as Python source.

``setup.py`` compiles :data:`HOT_MODULES` ahead of time with mypyc when it can (a C compiler, Python's
headers and mypy at build time) and writes :data:`STAMP` beside them: the sha256 of every source it compiled,
or why it built none. The compiled modules (``*.so``/``*.pyd``) lie beside their ``.py`` files, and Python's
import system would prefer them even when the ``.py`` has changed since (an editable install, ``pip install
-e .``, then an edit or a ``git pull``). So :func:`install` puts a finder first on ``sys.meta_path`` that,
the first time one of these modules is imported, decides for all of them at once (they call one another
inside one shared library, so they are never mixed):

* compiled, when every one has its compiled module and the stamp names exactly the sha256 of its source;
* the Python source otherwise: nothing compiled (``PYTHONPATH=src``, no C compiler at install), a source
  changed since the build (as Python ignores a stale ``.pyc``: silently; ``dealweb doctor`` tells), or
  ``DEALWEB_PURE_PYTHON=1`` in the environment (to compare both, e.g. ``benchmarks/news_identity.py``).

Both give the same claims (tested, ``tests/test_compiled.py``); the compiled ones are faster
(``BENCHMARKS.md``, session 6). See ``docs/scale.md``, "The extractor compiled ahead of time".
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

#: The modules compiled by mypyc, in the order they are built (setup.py reads this tuple).
HOT_MODULES = (
    "dealweb.money",
    "dealweb.extract.normalise",
    "dealweb.extract.mentions",
    "dealweb.extract.coref",
    "dealweb.extract.relations",
    "dealweb.extract.ingest",
    "dealweb.extract.fallback",
)
#: mypy's options for compiling them (setup.py reads this tuple): the modules they import are read, not checked.
MYPY_OPTIONS = ("--ignore-missing-imports", "--follow-imports=silent")
#: The stamp setup.py writes into the package: the sources compiled (sha256) or why nothing was compiled.
STAMP = "_compiled_sources.json"
#: Set to 1 to run the Python source of every hot module even where compiled modules are installed.
PURE_ENV = "DEALWEB_PURE_PYTHON"

_PACKAGE = Path(__file__).resolve().parent
_state: dict[str, Any] | None = None


def source_path(module: str, package: Path = _PACKAGE) -> Path:
    """The ``.py`` file of a hot module (``dealweb.extract.relations`` -> ``<package>/extract/relations.py``)."""
    return package.joinpath(*module.split(".")[1:]).with_suffix(".py")


def compiled_path(module: str, package: Path = _PACKAGE) -> Path | None:
    """The compiled module built for ``module`` beside its source, or ``None``."""
    src = source_path(module, package)
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        p = src.with_suffix(suffix)
        if p.is_file():
            return p
    return None


def sha256_of(path: Path) -> str:
    """The sha256 (hex) of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_stamp(package: Path = _PACKAGE) -> dict[str, Any] | None:
    """The build's stamp, or ``None`` when there is none (a source tree never built) or it is unreadable."""
    try:
        got = json.loads((package / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return got if isinstance(got, dict) else None


def decide(package: Path = _PACKAGE, environ: Any = None) -> dict[str, Any]:
    """Whether the hot modules under ``package`` run compiled, and why (stable keys).

    Keys: ``compiled`` (bool), ``reason`` (one line), ``built`` (what the build said: ``True`` compiled,
    ``False`` it fell back, ``None`` no stamp), ``build_error`` (the build's reason when it fell back),
    ``stale`` (hot modules whose source changed since the build).
    """
    env = os.environ if environ is None else environ
    stamp = read_stamp(package)
    built = None if stamp is None else bool(stamp.get("compiled"))
    out: dict[str, Any] = {"compiled": False, "built": built, "build_error": None, "stale": []}
    if stamp is not None and not built:
        out["build_error"] = str(stamp.get("error") or "unknown")
    have = {m: compiled_path(m, package) for m in HOT_MODULES}
    if env.get(PURE_ENV, "") not in ("", "0"):
        out["reason"] = f"{PURE_ENV}={env.get(PURE_ENV)}: Python source"
        return out
    if not any(have.values()):
        out["reason"] = ("Python source: the build compiled nothing (" + out["build_error"] + ")" if built is False
                         else "Python source: no compiled modules (a source tree, not built)")
        return out
    sources = (stamp or {}).get("sources") or {}
    stale = [m for m in HOT_MODULES if have[m] is None or sources.get(m) != _digest_or_none(source_path(m, package))]
    if stale or not built:
        out["stale"] = stale
        out["reason"] = ("Python source: compiled modules older than their source ("
                         + ", ".join(stale or HOT_MODULES) + "); rebuild: pip install -e . (or pip install .)")
        return out
    out["compiled"] = True
    out["reason"] = f"compiled by mypyc {(stamp or {}).get('mypy', '?')} ({len(HOT_MODULES)} modules)"
    return out


def _digest_or_none(path: Path) -> str | None:
    try:
        return sha256_of(path)
    except OSError:
        return None


def status() -> dict[str, Any]:
    """:func:`decide` for the installed package, made once per process (what the import system follows)."""
    global _state
    if _state is None:
        _state = decide()
    return _state


def is_compiled(module: ModuleType) -> bool:
    """Whether ``module`` was loaded from a compiled extension module (not from Python source)."""
    return isinstance(getattr(module, "__loader__", None), importlib.machinery.ExtensionFileLoader)


class _SourceWhenNotCompiled:
    """A meta path finder: the hot modules from their ``.py`` file whenever :func:`status` says source."""

    def find_spec(self, name: str, path: Sequence[str] | None = None,
                  target: ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        if name not in HOT_MODULES or status()["compiled"]:
            return None
        src = source_path(name)
        if not src.is_file():
            return None
        return importlib.util.spec_from_file_location(name, src)


def install() -> None:
    """Put the finder first on ``sys.meta_path`` (once; ``dealweb/__init__.py`` calls this)."""
    if not any(isinstance(f, _SourceWhenNotCompiled) for f in sys.meta_path):
        sys.meta_path.insert(0, _SourceWhenNotCompiled())
