"""Write to a ledger without losing its comments, atomically, and never over a file that changed meanwhile.

Edits go through ruamel.yaml's round-trip mode, which keeps comments, key order and quoting. Each write:

1. reads the target file and, when the caller passes ``expected_sha256`` (the :func:`file_sha256` it took
   when it read the file), refuses with :class:`StaleFileError` if the file has changed since (the same
   guard Fava uses before saving a Beancount file);
2. writes the new text to a temporary file in the same folder, then ``os.replace``-s it over the target
   (so a reader sees the old file or the new one, never half of one);
3. loads the whole ledger again; if the edit added errors, puts the old text back and raises
   :class:`LedgerWriteError` naming them. Nothing is left half-written.

Writers of one ledger are serialised: a lock within the process, and ``flock`` on a lock file in the
system's temporary folder across processes (POSIX).

>>> # path = add_claim("my-ledger", "openai-oracle-cloud-300b", {"document": "d1", "quote": "..."})
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
import threading
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.util import load_yaml_guess_indent

from dealweb.errors import DealwebError, InputError, Problem
from dealweb.ledger import vocab

__all__ = ["LedgerWriteError", "StaleFileError", "add_claim", "append_record", "file_sha256"]


class StaleFileError(DealwebError):
    """The file changed since the caller read it; re-read it and apply the edit again."""


class LedgerWriteError(DealwebError):
    """An edit was refused (unknown record, invalid result); the ledger is left as it was."""


def file_sha256(path: str | Path) -> str:
    """Hex SHA-256 of a file's bytes: take it when reading, pass it back as ``expected_sha256``."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _yaml_files(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    if not root.is_dir():
        raise InputError(f"no such ledger: {root}", "give a ledger directory or .yaml file")
    return sorted(p for p in root.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file()
                  and not any(part.startswith(".") for part in p.relative_to(root).parts))


def _rt(text: str) -> tuple[YAML, Any]:
    """A round-trip YAML set up with the file's own indentation, and the file's data.

    ``load_yaml_guess_indent`` reports the indent of block sequences and the offset of their dash; the
    mapping indent is taken as their difference (``  - id:`` style: mapping 2, sequence 4, offset 2).
    A new or empty file gets that same style.
    """
    seq_ind, offset = 4, 2
    if text.strip():
        try:
            _, guessed, guessed_offset = load_yaml_guess_indent(text)
        except YAMLError as exc:
            raise LedgerWriteError(f"cannot edit a file that is not valid YAML: {exc}",
                                   "run 'dealweb check' and fix the file first") from exc
        if guessed:
            seq_ind, offset = guessed, guessed_offset or 0
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold long quotes onto several lines
    yaml.indent(mapping=max(2, seq_ind - offset) if offset else seq_ind, sequence=seq_ind, offset=offset)
    try:
        data = yaml.load(text) if text.strip() else None
    except (YAMLError, ValueError) as exc:
        raise LedgerWriteError(f"cannot edit a file that is not valid YAML: {exc}",
                               "run 'dealweb check' and fix the file first") from exc
    return yaml, data


def _dump(yaml: YAML, data: Any) -> str:
    buf = io.StringIO()
    yaml.dump(data, buf)
    return buf.getvalue()


def _replace_atomically(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _check_fresh(path: Path, expected_sha256: str | None) -> None:
    if expected_sha256 is None or not path.exists():
        return
    now = file_sha256(path)
    if now != expected_sha256:
        raise StaleFileError(f"{path} changed since it was read (sha256 {now[:12]}…, expected "
                             f"{expected_sha256[:12]}…)", "reload the ledger and apply the edit again")


def _to_yaml(value: Any) -> Any:
    """Plain dicts/lists to ruamel's commented types (so they are written in block style)."""
    if isinstance(value, dict):
        m = CommentedMap()
        for k, v in value.items():
            m[k] = _to_yaml(v)
        return m
    if isinstance(value, (list, tuple)):
        s = CommentedSeq()
        s.extend(_to_yaml(v) for v in value)
        return s
    return value


_THREAD_LOCK = threading.RLock()


@contextmanager
def _locked(root: Path) -> Iterator[None]:
    """Serialise writers of one ledger: a lock within this process and, on POSIX, across processes.

    The inter-process lock is ``flock`` on a file in the system's temporary folder named after the
    ledger's path (nothing is added to the ledger directory).
    """
    key = hashlib.sha1(str(root.resolve()).encode("utf-8")).hexdigest()[:16]
    with _THREAD_LOCK:
        try:
            import fcntl
        except ImportError:  # Windows: the in-process lock only
            yield
            return
        lock_path = Path(tempfile.gettempdir()) / f"dealweb-ledger-{key}.lock"
        with open(lock_path, "a", encoding="utf-8") as fh:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _errors(ledger_root: Path, documents_dirs: Sequence[str | Path]) -> list[Problem]:
    from dealweb.ledger.load import load_ledger

    return load_ledger(ledger_root, documents_dirs=documents_dirs).errors


def _write_checked(ledger_root: Path, path: Path, new_text: str, old_text: str | None,
                   documents_dirs: Sequence[str | Path]) -> None:
    """Replace ``path`` by ``new_text``; put ``old_text`` back if the ledger gained an error.

    Errors are compared by file and message, not position: an insertion moves the lines of the errors
    already below it, and those must not count as new.
    """
    before = Counter((p.file, p.message) for p in _errors(ledger_root, documents_dirs))
    _replace_atomically(path, new_text)
    after = _errors(ledger_root, documents_dirs)
    added = Counter((p.file, p.message) for p in after) - before
    if added:
        if old_text is None:
            path.unlink(missing_ok=True)
        else:
            _replace_atomically(path, old_text)
        new = [str(p) for p in after if (p.file, p.message) in added]
        raise LedgerWriteError("the edit would make the ledger invalid, so it was not kept: " + "; ".join(new[:3]),
                               "fix the record (run 'dealweb check' on a copy to see every problem)")


def add_claim(ledger_root: str | Path, record_id: str, claim: dict[str, Any], *,
              expected_sha256: str | None = None, documents_dirs: Sequence[str | Path] = ()) -> Path:
    """Append ``claim`` to the ``claims`` of the deal or fact ``record_id``; return the file written.

    Args:
        ledger_root: the ledger directory (or single .yaml file).
        record_id: id of a deal or a fact.
        claim: keys of a claim (``document``, ``quote``, ``start``, ``end``, ``field``, ``stated``...).
        expected_sha256: :func:`file_sha256` of the record's file when the caller read it; the write is
            refused with :class:`StaleFileError` if the file has changed since.
        documents_dirs: extra document folders for the re-validation.

    Raises:
        LedgerWriteError: no such record, unknown claim keys, or the result does not validate.
        StaleFileError: the file changed since ``expected_sha256`` was taken.
    """
    root = Path(ledger_root)
    with _locked(root):
        return _add_claim(root, record_id, claim, expected_sha256, documents_dirs)


def _add_claim(root: Path, record_id: str, claim: dict[str, Any], expected_sha256: str | None,
               documents_dirs: Sequence[str | Path]) -> Path:
    unknown = sorted(set(claim) - vocab.CLAIM_KEYS)
    if unknown:
        raise LedgerWriteError(f"unknown claim key(s) {unknown}", "allowed: " + ", ".join(sorted(vocab.CLAIM_KEYS)))
    for path in _yaml_files(root):
        old = path.read_text(encoding="utf-8-sig")
        if record_id not in old:
            continue
        try:
            yaml, data = _rt(old)
        except LedgerWriteError:
            continue
        if not isinstance(data, dict):
            continue
        for section in ("deals", "facts"):
            items = data.get(section)
            if not isinstance(items, list):
                continue
            for rec in items:
                if isinstance(rec, dict) and str(rec.get("id")) == record_id:
                    _check_fresh(path, expected_sha256)
                    claims = rec.get("claims")
                    if claims is None:
                        rec["claims"] = claims = CommentedSeq()
                    if not isinstance(claims, list):
                        raise LedgerWriteError(f"'claims' of {record_id!r} in {path} is not a list",
                                               "fix the file first")
                    claims.append(_to_yaml(claim))
                    _write_checked(root, path, _dump(yaml, data), old, documents_dirs)
                    return path
    raise LedgerWriteError(f"no deal or fact {record_id!r} in {root}", "check the id ('dealweb show --json')")


def append_record(ledger_root: str | Path, section: str, record: dict[str, Any], file: str | None = None, *,
                  expected_sha256: str | None = None, documents_dirs: Sequence[str | Path] = ()) -> Path:
    """Append a record to a section (``deals``, ``facts``, ``entities``, ``documents``, ``fx``).

    The record goes to ``file`` (relative to the ledger directory) when given, else to the last file
    (in sorted order) that already holds the section, else to a new ``<section>.yaml``.

    Raises:
        LedgerWriteError: unknown section, a record that is not a mapping, or the result does not validate.
        StaleFileError: the file changed since ``expected_sha256`` was taken.
    """
    root = Path(ledger_root)
    with _locked(root):
        return _append_record(root, section, record, file, expected_sha256, documents_dirs)


def _append_record(root: Path, section: str, record: dict[str, Any], file: str | None,
                   expected_sha256: str | None, documents_dirs: Sequence[str | Path]) -> Path:
    if section not in vocab.SECTIONS or section == "ledger":
        raise LedgerWriteError(f"cannot append to section {section!r}",
                               "sections: " + ", ".join(s for s in vocab.SECTIONS if s != "ledger"))
    if not isinstance(record, dict):
        raise LedgerWriteError("a record must be a mapping of keys", "pass a dict")
    files = _yaml_files(root)
    if file is not None:
        target = Path(file) if Path(file).is_absolute() or root.is_file() else root / file
    else:
        target = None
        for path in files:
            try:
                _, data = _rt(path.read_text(encoding="utf-8-sig"))
            except LedgerWriteError:
                continue
            if isinstance(data, dict) and section in data:
                target = path
        if target is None:
            target = root if root.is_file() else root / f"{section}.yaml"
    if target.exists():
        old: str | None = target.read_text(encoding="utf-8-sig")
        _check_fresh(target, expected_sha256)
        yaml, data = _rt(old or "")
        if data is None:
            data = CommentedMap()
        if not isinstance(data, dict):
            raise LedgerWriteError(f"{target} is not a mapping of sections", "fix the file first")
    else:
        old = None
        target.parent.mkdir(parents=True, exist_ok=True)
        yaml, data = _rt("")
        data = CommentedMap()
    items = data.get(section)
    if items is None:
        data[section] = items = CommentedSeq()
    if not isinstance(items, list):
        raise LedgerWriteError(f"section {section!r} of {target} is not a list", "fix the file first")
    items.append(_to_yaml(record))
    _write_checked(root, target, _dump(yaml, data), old, documents_dirs)
    return target
