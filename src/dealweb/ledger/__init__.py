"""The plain-text ledger: load with file:line positions, validate, export, and write back atomically.

Data flow: ``*.yaml`` files -> :func:`load_ledger` -> :class:`LoadResult` (a
:class:`dealweb.model.Ledger` and every :class:`dealweb.errors.Problem`) -> :func:`ledger_to_dict` (the
JSON export) / :mod:`dealweb.ledger.write` (comment-preserving edits). The format is documented in
``docs/ledger-format.md`` and described for editors by ``ledger.schema.json`` (:func:`schema_path`).
"""

from __future__ import annotations

from pathlib import Path

from dealweb.ledger.export import ledger_from_dict, ledger_to_dict
from dealweb.ledger.load import LoadResult, default_ledger_path, load_ledger, resolve_ledger

__all__ = [
    "LoadResult",
    "default_ledger_path",
    "ledger_from_dict",
    "ledger_to_dict",
    "load_ledger",
    "resolve_ledger",
    "schema_path",
]


def schema_path() -> Path:
    """The JSON Schema of ledger files shipped with the package (a copy of ``docs/ledger.schema.json``)."""
    return Path(__file__).resolve().parent / "ledger.schema.json"
