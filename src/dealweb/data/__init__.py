"""The ledgers and scenarios shipped inside the package, and the registry that names them.

A bundled ledger is a folder under ``src/dealweb/data/``; :data:`BUNDLED_LEDGERS` maps the name a user
types (``dealweb show --ledger ai-capex-2025``) to that folder, and :data:`DEFAULT_LEDGER` is the one every
command reads when no ledger is named. To add a bundled ledger, put its folder here and add one entry; to
change the default, change that one setting.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["BUNDLED_LEDGERS", "DEFAULT_LEDGER", "bundled_ledgers", "data_dir"]

#: name -> folder (relative to this package) of every bundled ledger.
BUNDLED_LEDGERS: dict[str, str] = {
    "ai-deals-2025-26": "ai-deals-2025-26",
    "ai-capex-2025": "ai-capex-2025",
}

#: The ledger read when a command is given none: one of :data:`BUNDLED_LEDGERS`.
DEFAULT_LEDGER = "ai-deals-2025-26"


def data_dir() -> Path:
    """The folder of the bundled data inside the installed package."""
    return Path(__file__).resolve().parent


def bundled_ledgers() -> dict[str, Path]:
    """Every bundled ledger: its name -> its folder, in the registry's order."""
    return {name: data_dir() / folder for name, folder in BUNDLED_LEDGERS.items()}
