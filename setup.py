"""Build hook: the news extractor's hot modules compiled ahead of time with mypyc, else left as Python.

Everything else about the package is in ``pyproject.toml``. ``pip install .`` and ``pip install -e .`` both
compile the modules named in ``src/dealweb/_compiled.py`` (``HOT_MODULES``) into one shared library with
mypyc (mypy is a build requirement), which makes reading news faster (``BENCHMARKS.md``, session 6). The
compilation is optional: without a C compiler or Python's headers, or when mypyc refuses the code, the
install goes on with the pure-Python modules and prints one warning line (shown by ``pip install -v``;
``dealweb doctor`` tells afterwards). ``DEALWEB_NO_COMPILE=1`` skips the compilation on purpose.

Either way a stamp (``dealweb/_compiled_sources.json``) records the sha256 of every source compiled, or why
nothing was: at run time compiled modules are used only when their source has not changed since
(``dealweb/_compiled.py``), so an editable install never runs stale compiled code. See ``docs/scale.md``.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent
SRC = ROOT / "src"
STAMP = "_compiled_sources.json"
#: The shared library holding every compiled module (``dealweb/_native__mypyc.*.so``).
GROUP = "dealweb._native"
#: gcc's optimisation level: -O1 compiles the 8 MB of C in a third of -O3's time (28 s against about 75 s)
#: and runs 1% more instructions (callgrind, BENCHMARKS.md session 6): the time is in CPython's C API anyway.
OPT_LEVEL = "1"


def _setting(name: str) -> list[str]:
    """A tuple of ``src/dealweb/_compiled.py`` (``HOT_MODULES``, ``MYPY_OPTIONS``), read without importing it."""
    tree = ast.parse((SRC / "dealweb" / "_compiled.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            return list(ast.literal_eval(node.value))
    raise RuntimeError(f"src/dealweb/_compiled.py: {name} not found")


def hot_modules() -> list[str]:
    """The modules to compile (``HOT_MODULES``)."""
    return _setting("HOT_MODULES")


def module_path(module: str) -> Path:
    """The source file of a module under ``src/``."""
    return SRC.joinpath(*module.split(".")).with_suffix(".py")


def warn(reason: str) -> None:
    """The one warning line of a build that compiled nothing."""
    reason = " ".join(reason.split())[:300]
    print(f"warning: dealweb: the news extractor is not compiled ({reason}); it is installed as pure Python, "
          "which reads news more slowly (docs/scale.md)", file=sys.stderr, flush=True)


#: Stands for the mypyc extensions until build_ext is about to run (so that mypyc runs only when building,
#: not when pip only asks for the package's metadata), and makes the wheel platform-specific.
PLACEHOLDER = Extension(f"{GROUP}__mypyc", sources=[])


class OptionalMypycBuildExt(build_ext):
    """``build_ext`` that compiles :func:`hot_modules` with mypyc, or nothing when it cannot."""

    _error: str | None = None

    def finalize_options(self) -> None:
        """Replace the placeholder with mypyc's extensions (none when mypyc is missing or refuses the code)."""
        exts = self.distribution.ext_modules or []
        if PLACEHOLDER in exts:
            rest = [e for e in exts if e is not PLACEHOLDER]
            self.distribution.ext_modules = rest + self._mypyc_extensions()
        super().finalize_options()

    def _mypyc_extensions(self) -> list[Extension]:
        if os.environ.get("DEALWEB_NO_COMPILE", "") not in ("", "0"):
            self._error = "DEALWEB_NO_COMPILE is set"
            return []
        try:
            from mypyc.build import mypycify

            paths = [str(module_path(m).relative_to(ROOT)) for m in hot_modules()]
            return list(mypycify([*_setting("MYPY_OPTIONS"), *paths], group_name=GROUP, opt_level=OPT_LEVEL))
        except SystemExit as exc:  # mypyc exits after printing the type errors it found
            self._error = f"mypyc refused the code (exit status {exc.code}; the errors are printed above)"
        except Exception as exc:  # noqa: BLE001  (no mypy, or mypyc failed: the install goes on without it)
            self._error = f"mypyc failed: {type(exc).__name__}: {exc}"
        return []

    def run(self) -> None:
        """Build the extensions; on any failure remove what was built and go on with the Python source."""
        if self.extensions and self._error is None:
            try:
                super().run()
            except (Exception, SystemExit) as exc:  # noqa: BLE001  (no C compiler, no headers, a compile error)
                self._error = f"{type(exc).__name__}: {exc}"
                self._remove_built()
        if self._error is not None:
            self.extensions = []
            warn(self._error)
        self._write_stamp()

    def get_outputs(self) -> list[str]:
        """Only what was built (nothing after a failure)."""
        return [] if self._error is not None else super().get_outputs()

    def _package_dirs(self) -> list[Path]:
        """Where the stamp goes: the build folder's package, and the source package for an in-place build."""
        out = [Path(self.build_lib) / "dealweb"]
        if self.inplace or getattr(self, "editable_mode", False):
            out.append(Path(self.get_finalized_command("build_py").get_package_dir("dealweb")))
        return out

    def _remove_built(self) -> None:
        names = [self.get_ext_filename(self.get_ext_fullname(e.name)) for e in self.extensions]
        for base in [Path(self.build_lib), *[d.parent for d in self._package_dirs()[1:]]]:
            for name in names:
                (base / name).unlink(missing_ok=True)

    def _write_stamp(self) -> None:
        try:
            import mypy.version

            mypy_version = mypy.version.__version__
        except ImportError:
            mypy_version = None
        compiled = self._error is None and bool(self.extensions)
        stamp = {
            "compiled": compiled,
            "error": None if compiled else (self._error or "nothing to compile"),
            "mypy": mypy_version,
            "python": sys.version.split()[0],
            "sources": {m: hashlib.sha256(module_path(m).read_bytes()).hexdigest() for m in hot_modules()}
            if compiled else {},
        }
        for d in self._package_dirs():
            d.mkdir(parents=True, exist_ok=True)
            tmp = d / (STAMP + ".tmp")
            tmp.write_text(json.dumps(stamp, indent=1, sort_keys=True) + "\n", encoding="utf-8")
            os.replace(tmp, d / STAMP)


if __name__ == "__main__":  # as pip's build backend runs it (tests import this file for its build command)
    setup(ext_modules=[PLACEHOLDER], cmdclass={"build_ext": OptionalMypycBuildExt})
