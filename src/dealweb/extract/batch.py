"""Ingest many articles at once: a folder's files on every core, or on a dask or ray cluster.

Each article is read on its own (:func:`dealweb.extract.ingest.ingest_file` with the same ledger and entity
index), so the claims of a batch are those of reading the files one after another, in the order given,
whatever the engine and the number of workers (tested). A file that cannot be read gives its error line
and the others go on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from dealweb.distributed import map_tasks
from dealweb.errors import DealwebError
from dealweb.model import Ledger

__all__ = ["ARTICLE_SUFFIXES", "article_files", "ingest_files"]

#: Files a folder given to ``ingest`` contributes (its other files are left alone).
ARTICLE_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")

_state: dict[str, Any] = {}


def article_files(paths: Sequence[str | Path]) -> list[str]:
    """The article files ``paths`` name: files as given, folders as their article files below (sorted).

    Hidden files and folders (a name starting with ``.``) inside a folder are skipped.
    """
    out: list[str] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            found = sorted(q for q in path.rglob("*") if q.suffix.lower() in ARTICLE_SUFFIXES and q.is_file()
                           and not any(part.startswith(".") for part in q.relative_to(path).parts))
            out.extend(str(q) for q in found)
        else:
            out.append(str(p))
    return out


def _setup(ledger: Ledger | None, options: dict[str, Any]) -> None:
    """Once per worker process: the ledger, its entity index and the reading options."""
    from dealweb.extract.mentions import EntityIndex

    _state.update(ledger=ledger, index=EntityIndex(ledger), options=options, key=None)


def _read(path: str) -> tuple[list[dict[str, Any]], str | None]:
    """One article's claims, or its error line."""
    from dealweb.extract.ingest import ingest_file

    try:
        return ingest_file(path, ledger=_state["ledger"], index=_state["index"], **_state["options"]), None
    except DealwebError as exc:
        return [], f"error: {exc.message}" + (f" (hint: {exc.hint})" if exc.hint else "")


def _read_shared(path: str, shared: tuple[Ledger | None, dict[str, Any]]) -> tuple[list[dict[str, Any]], str | None]:
    """One article on a cluster worker: the index is built once per worker for the ledger it was sent."""
    if _state.get("key") is not id(shared):
        _setup(*shared)
        _state["key"] = id(shared)
    return _read(path)


def ingest_files(paths: Sequence[str | Path], ledger: Ledger | None = None, *, backend: str = "rules",
                 model_url: str | None = None, model: str = "default", encoding: str = "utf-8",
                 engine: str = "local", jobs: int = 1, address: str | None = None,
                 progress: Callable[[int], None] | None = None,
                 scorer: str | None = None) -> tuple[list[dict[str, Any]], list[str]]:
    """Claims of every article in ``paths`` (in order), and the error lines of files that could not be read.

    Args:
        paths: article files (folders: see :func:`article_files`, applied by the caller).
        ledger: the ledger to reconcile against (``None``: every proposal is new).
        backend: ``rules`` or ``llm`` (see :func:`dealweb.extract.ingest.ingest_file`).
        model_url: the model server for ``llm``.
        model: the model name for ``llm``.
        encoding: the files' encoding.
        engine: ``local``, ``dask`` or ``ray`` (see :mod:`dealweb.distributed`).
        jobs: worker processes for ``local`` (1: this process).
        address: scheduler address for ``dask``/``ray`` (``None``: a local cluster).
        progress: called with 1 after each article.
        scorer: ``fallback``, ``rules`` or ``learned`` for the rules backend (``None``: the default,
            :data:`dealweb.extract.ingest.DEFAULT_SCORER`).
    """
    options: dict[str, Any] = {"backend": backend, "model_url": model_url, "model": model, "encoding": encoding}
    if scorer is not None:
        options["scorer"] = scorer
    items = [str(p) for p in paths]
    if engine == "local":
        results = map_tasks(_read, items, engine="local", jobs=jobs, progress=progress, initializer=_setup,
                            initargs=(ledger, options))
    else:
        results = map_tasks(_read_shared, items, engine=engine, address=address, progress=progress,
                            shared=(ledger, options))
    claims: list[dict[str, Any]] = []
    errors: list[str] = []
    for got, err in results:
        claims.extend(got)
        if err is not None:
            errors.append(err)
    return claims, errors
