"""Test settings shared by the whole suite, and the seed articles' fixtures (see ``seed_articles.py``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

from seed_articles import SEED_FILE, require_seeds

# Timing is not what these property tests check: on a loaded 2-core CI machine the default 200 ms deadline
# turns a slow first example into a spurious failure. Tests that need a time bound set their own.
settings.register_profile("dealweb", deadline=None, print_blob=True)
settings.load_profile("dealweb")


@pytest.fixture(scope="session", autouse=True)
def _ledger_cache_dir(tmp_path_factory: pytest.TempPathFactory):
    """The on-disk ledger cache of the whole run (and its subprocesses) in a folder of its own."""
    import os

    old = os.environ.get("DEALWEB_CACHE_DIR")
    os.environ["DEALWEB_CACHE_DIR"] = str(tmp_path_factory.mktemp("dealweb-cache"))
    yield
    if old is None:
        os.environ.pop("DEALWEB_CACHE_DIR", None)
    else:
        os.environ["DEALWEB_CACHE_DIR"] = old


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The folder holding the seed articles (see :func:`require_seeds`)."""
    return require_seeds()


@pytest.fixture(scope="session")
def seed_path(seeds_dir: Path) -> Path:
    """The seed file the bundled ledger cites."""
    return seeds_dir / SEED_FILE
