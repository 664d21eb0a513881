"""Load a script of the repository (tools/, benchmarks/, setup.py) as a module, for tests of what it does."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType


def load_script(name: str, path: Path) -> ModuleType:
    """The module of the script at ``path``, registered as ``name`` (loaded once per process).

    Registered in ``sys.modules`` before it runs, since dataclasses look their module up while the file executes.
    """
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None, path
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod
