"""Where the seed articles are, for the tests that check the bundled ledger against them.

The seed articles are not shipped with dealweb: the project's tests read them from ``../shared/seeds``
beside the clone (how CI lays it out), or from the folder named by ``DEALWEB_SEEDS`` (a git worktree,
say). dealweb itself never looks there: the tests pass the folder explicitly (``documents_dirs=[seeds]``,
``--documents``). Missing seeds fail the tests that need them in CI (``CI`` set) and skip them elsewhere.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
#: The folder of the seed articles: ``DEALWEB_SEEDS``, else ``../shared/seeds`` beside the clone.
SEEDS_DIR = Path(os.environ.get("DEALWEB_SEEDS") or REPO.parent / "shared" / "seeds")
#: The one seed file the bundled ledger ai-capex-2025 cites.
SEED_FILE = "000_b5ebf8e3e65fdf02.txt"


def require_seeds() -> Path:
    """The seeds folder; fails the calling test in CI when it is missing, skips it elsewhere."""
    path = SEEDS_DIR / SEED_FILE
    if not path.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"seed articles missing in CI: {path} (CI must check out ../shared beside the clone)")
        pytest.skip(f"seed articles not present at {path}; put ../shared/seeds beside the clone or set "
                    "DEALWEB_SEEDS")
    return SEEDS_DIR
