"""The web app's state: the ledger as last read, the file hashes taken then, proposals and jobs.

The hashes are what make saving safe: a write names the file it will change and passes the SHA-256 taken
when that file was read; if anyone changed the file since, :mod:`dealweb.ledger.write` refuses with
:class:`~dealweb.ledger.write.StaleFileError` and the app answers 409 Conflict (the same guard Fava uses for
Beancount files).
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dealweb.errors import InputError
from dealweb.model import Ledger

__all__ = ["AppState", "Proposal", "ledger_files"]


def ledger_files(root: Path) -> list[Path]:
    """The YAML files of a ledger directory (or the file itself), sorted, hidden folders skipped."""
    if root.is_file():
        return [root]
    return sorted(p for p in root.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file()
                  and not any(part.startswith(".") for part in p.relative_to(root).parts))


@dataclass
class Proposal:
    """A claim proposed from an article, waiting for review: ``pending``, ``accepted`` or ``rejected``."""

    id: str
    claim: dict[str, Any]
    document: dict[str, Any] | None = None
    state: str = "pending"
    written: str | None = None
    record: str | None = None
    message: str = ""
    article: str | None = None  # the pasted article's text: copied into the ledger when a claim is accepted

    def as_dict(self) -> dict[str, Any]:
        """Stable keys: id, state, status, record, claim, document, written, message."""
        return {"id": self.id, "state": self.state, "status": self.claim.get("status", "new"),
                "record": self.record or self.claim.get("record"), "claim": self.claim,
                "document": self.document, "written": self.written, "message": self.message}


@dataclass
class AppState:
    """Everything the app keeps between requests (guarded by ``lock`` for writes)."""

    path: str | None
    documents_dirs: tuple[str, ...] = ()
    ledger: Ledger = field(default_factory=Ledger)
    root: Path | None = None
    hashes: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    proposals: dict[str, Proposal] = field(default_factory=dict)
    lock: threading.RLock = field(default_factory=threading.RLock)

    def load(self) -> None:
        """(Re)read the ledger and take the SHA-256 of each of its files."""
        from dealweb.ledger import load_ledger, resolve_ledger

        with self.lock:
            result = load_ledger(self.path, documents_dirs=self.documents_dirs)
            errors = [str(p) for p in result.problems if p.severity == "error"]
            if errors:
                raise InputError(f"the ledger has {len(errors)} error(s): {errors[0]}",
                                 "run 'dealweb check' to see them all")
            self.ledger = result.ledger
            self.root = resolve_ledger(self.path)
            self.hashes = {str(p.resolve()): _sha(p) for p in ledger_files(self.root)}
            self.problems = [str(p) for p in result.problems]

    @property
    def writable(self) -> bool:
        """Whether this ledger may be written (never a bundled one, which ships inside the package)."""
        from dealweb.ledger.write import LedgerWriteError, refuse_package_ledger

        if self.path is None or self.root is None:
            return False
        try:
            refuse_package_ledger(self.root)
        except LedgerWriteError:
            return False
        return True

    def hash_of(self, path: str | Path) -> str | None:
        """The SHA-256 of ``path`` taken when the ledger was read (``None``: the file did not exist then)."""
        return self.hashes.get(str(Path(path).resolve()))

    def add_proposals(self, claims: Sequence[dict[str, Any]], document: dict[str, Any] | None,
                      article: str | None = None) -> list[Proposal]:
        """Store claims for review; the id is a content hash, so posting the same claim twice keeps one.

        ``article`` is the text the claims were read from (kept so that an accept copies it into the ledger).
        """
        out = []
        with self.lock:
            for c in claims:
                blob = json.dumps([c, document], sort_keys=True, ensure_ascii=False, default=str)
                pid = "p" + hashlib.sha256(blob.encode()).hexdigest()[:12]
                if pid not in self.proposals:
                    self.proposals[pid] = Proposal(pid, dict(c), dict(document) if document else None,
                                                   article=article)
                out.append(self.proposals[pid])
        return out


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
