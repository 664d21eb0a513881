"""Test settings shared by the whole suite, and the seed articles' fixtures (see ``seed_articles.py``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from seed_articles import SEED_FILE, require_seeds

# Timing is not what these property tests check: on a loaded 2-core CI machine the default 200 ms deadline
# turns a slow first example into a spurious failure. Tests that need a time bound set their own.
# In CI (``CI`` set, as .ci/run does) the examples are derived from each test, not drawn at random: a run
# on a clean clone then tries exactly the examples the same commit tried before it was submitted.
settings.register_profile("dealweb", deadline=None, print_blob=True)
settings.register_profile("dealweb-ci", parent=settings.get_profile("dealweb"), derandomize=True)
settings.load_profile("dealweb-ci" if os.environ.get("CI") else "dealweb")


@pytest.fixture(scope="session", autouse=True)
def _own_cache_dirs(tmp_path_factory: pytest.TempPathFactory):
    """The run's (and its subprocesses') caches in folders of their own, never the user's ``~/.cache``.

    * the on-disk ledger cache (``DEALWEB_CACHE_DIR``);
    * the ahead-of-time clearing kernel (``DEALWEB_KERNEL_DIR``), load-only (``DEALWEB_AOT=load``): the first
      numba kernel a test loads would otherwise start a detached build (10-40 s of a core, outliving the test
      that started it) into ``~/.cache/dealweb/kernels``, and which kernel later tests run would depend on
      whether that build had finished. ``tests/test_scale_aot.py`` builds and loads its own, by its own setting.
    """
    import os

    kernels = tmp_path_factory.mktemp("dealweb-kernels")
    os.chmod(kernels, 0o700)
    own = {"DEALWEB_CACHE_DIR": str(tmp_path_factory.mktemp("dealweb-cache")),
           "DEALWEB_KERNEL_DIR": str(kernels), "DEALWEB_AOT": "load"}
    old = {k: os.environ.get(k) for k in own}
    os.environ.update(own)
    yield
    for k, v in old.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The folder holding the seed articles (see :func:`require_seeds`)."""
    return require_seeds()


@pytest.fixture(scope="session")
def seed_path(seeds_dir: Path) -> Path:
    """The seed file the bundled ledger cites."""
    return seeds_dir / SEED_FILE


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "python_source: the test replaces functions inside the news extractor's hot modules "
        "(monkeypatch), which compiled code does not see: where they run compiled (mypyc), the test runs in a "
        "subprocess on their Python source (DEALWEB_PURE_PYTHON=1) and must pass there")


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """A ``python_source`` test, where the hot modules run compiled: the same test on their Python source."""
    if pyfuncitem.get_closest_marker("python_source") is None:
        return None
    import os
    import subprocess
    import sys

    from dealweb import _compiled

    if not _compiled.status()["compiled"] or os.environ.get(_compiled.PURE_ENV):
        return None  # the Python source runs in this process: the test runs here
    env = {**os.environ, _compiled.PURE_ENV: "1"}
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-n", "0", "-p", "no:cacheprovider",
                           f"{pyfuncitem.path}::{pyfuncitem.name}"], cwd=pyfuncitem.config.rootpath, env=env,
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0 and " passed" in proc.stdout, \
        f"on the Python source (DEALWEB_PURE_PYTHON=1):\n{proc.stdout[-4000:]}\n{proc.stderr[-2000:]}"
    return True
