"""Write to a ledger without losing its comments, a record, or anybody's save.

Edits go through ruamel.yaml's round-trip mode, which keeps comments, key order and quoting; a file's
byte-order mark and line endings (LF or CRLF) are kept as found, and a symlinked file is written through
its link (the link stays a link). Edits are grouped in a :class:`Transaction` (an accept of a document, its
entities and its deal is one); :meth:`Transaction.commit`, with the ledger's lock held:

1. reads every file it will change and checks it against the hash the caller took when it read the
   ledger (``expected``); a file changed since, or created since, refuses the whole transaction with
   :class:`StaleFileError`;
2. applies the edits in memory and loads the whole ledger *with the new content* (nothing replaced yet);
   if the edits add an error, :class:`LedgerWriteError` names it and nothing is written;
3. writes each new file beside its target and, immediately before putting it in place, checks the
   target's hash again; where the system offers an atomic exchange (Linux ``renameat2``), the file
   swapped out is hashed too, so a save that lands between the check and the swap is detected and put
   back. A new file is linked into place, which fails rather than overwrite a file created meanwhile;
4. when any file of the transaction is refused at that point, the files already swapped in are swapped
   back, still inside the lock, and only where they still hold this transaction's content (never over a
   save made meanwhile).

A reader (or an editor) sees each file old or new, never half-written, and never missing. Writers of one
ledger are serialised: a lock within the process, and ``flock`` on a lock file in the system's temporary
folder across processes (POSIX). An editor that writes into the file in place (no rename) while a commit
swaps it can still lose that save; editors that save by renaming (most do) cannot.

>>> # with Transaction("my-ledger", expected=hashes) as tx:
>>> #     tx.append_record("documents", {...}); tx.append_record("deals", {...})
"""

from __future__ import annotations

import errno
import hashlib
import io
import os
import tempfile
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.util import load_yaml_guess_indent

from dealweb.errors import DealwebError, InputError
from dealweb.ledger import vocab
from dealweb.limits import read_regular

__all__ = ["LedgerWriteError", "StaleFileError", "Transaction", "add_claim", "append_record", "file_sha256",
           "ledger_lock", "package_dir", "refuse_package_ledger"]


class StaleFileError(DealwebError):
    """The file changed since the caller read it; re-read it and apply the edit again."""


class LedgerWriteError(DealwebError):
    """An edit was refused (unknown record, invalid result); the ledger is left as it was."""


def file_sha256(path: str | Path) -> str:
    """Hex SHA-256 of a file's bytes: take it when reading, pass it back as ``expected_sha256``."""
    return hashlib.sha256(read_regular(path, "ledger file")).hexdigest()


def _sha(data: bytes | None) -> str | None:
    return None if data is None else hashlib.sha256(data).hexdigest()


def _yaml_files(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    if not root.is_dir():
        raise InputError(f"no such ledger: {root}", "give a ledger directory or .yaml file")
    from dealweb.ledger.load import ledger_files

    return ledger_files(root)


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
def ledger_lock(root: str | Path) -> Iterator[None]:
    """Hold the ledger's write lock (the one every commit takes) for the ``with`` block."""
    with _locked(Path(root)):
        yield


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



# ------------------------------------------------------------------------------------------ atomic swap
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_renameat2: Any = None
try:  # Linux (glibc >= 2.28): swap two names atomically
    import ctypes

    _libc = ctypes.CDLL(None, use_errno=True)
    _renameat2 = getattr(_libc, "renameat2", None)
except (OSError, AttributeError):  # pragma: no cover - other systems
    _renameat2 = None


def _exchange(a: Path, b: Path) -> bool:
    """Swap the files named ``a`` and ``b`` atomically; ``False`` when the system cannot (nothing done)."""
    global _renameat2
    if _renameat2 is None:
        return False
    import ctypes

    r = _renameat2(_AT_FDCWD, os.fsencode(str(a)), _AT_FDCWD, os.fsencode(str(b)), _RENAME_EXCHANGE)
    if r == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):  # not offered by this kernel or file system
        _renameat2 = None
        return False
    raise OSError(err, os.strerror(err), str(b))


def _read_or_none(path: Path) -> bytes | None:
    try:
        return read_regular(path, "ledger file")
    except FileNotFoundError:
        return None
    except InputError:
        if not path.exists():
            return None
        raise


def _stale(path: Path, what: str) -> StaleFileError:
    return StaleFileError(f"{path} {what}; nothing was written",
                          "reload the ledger (run 'dealweb review' again, or reload the page) and redo the edit")


@dataclass
class _Placed:
    """One file put in place by a commit: where, what it held before (at ``old_tmp``), what it holds now."""

    real: Path
    new_sha: str
    old_tmp: Path | None  # the swapped-out old file (exchange); None for a created file or a plain replace
    old_bytes: bytes | None  # the old content (None: the file was created)


def _write_tmp(real: Path, data: bytes, mode_from: Path | None) -> Path:
    fd, tmp = tempfile.mkstemp(prefix=f".{real.name}.", suffix=".tmp", dir=real.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        mode = (mode_from.stat().st_mode & 0o777) if mode_from is not None and mode_from.exists() else \
            (0o666 & ~_umask())
        os.chmod(tmp, mode)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _place(real: Path, data: bytes, old: bytes | None) -> _Placed:
    """Put ``data`` at ``real``, which must still hold ``old`` (``None``: must not exist). Lock held.

    Raises:
        StaleFileError: ``real`` no longer holds ``old`` (checked just before, and, with an atomic
            exchange, on what was swapped out); ``real`` is left as the other writer left it.
    """
    tmp = _write_tmp(real, data, real if old is not None else None)
    try:
        if old is None:
            try:
                os.link(tmp, real)  # fails if the file was created meanwhile: never overwrites
            except FileExistsError:
                raise _stale(real, "was created by someone else while this edit was prepared") from None
            tmp.unlink()
            return _Placed(real, _sha(data) or "", None, None)
        if _sha(_read_or_none(real)) != _sha(old):
            raise _stale(real, "changed while this edit was prepared")
        if _exchange(tmp, real):
            out = _read_or_none(tmp)  # what was in place an instant ago
            if _sha(out) != _sha(old):  # a save landed between the check and the swap: put it back
                _swap_back(real, tmp, _sha(data) or "")
                raise _stale(real, "changed while this edit was written")
            return _Placed(real, _sha(data) or "", tmp, old)
        os.replace(tmp, real)
        return _Placed(real, _sha(data) or "", None, old)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _swap_back(real: Path, held: Path, ours: str) -> None:
    """Put the file at ``held`` back at ``real`` where ``real`` still holds our content (sha ``ours``)."""
    for _ in range(8):
        if _sha(_read_or_none(real)) != ours:
            return  # someone saved over our content meanwhile: theirs is the newest, leave it
        if not _exchange(held, real):
            os.replace(held, real)
            return
        if _sha(_read_or_none(held)) == ours:
            return  # ours came out: the old content is back in place
        # someone saved in the instant between: what came out is their save, so swap it in again
    return


def _undo(placed: _Placed) -> None:
    """Roll one placed file back (lock held), only where it still holds what the commit wrote."""
    real = placed.real
    if placed.old_bytes is None:  # created: remove it, unless someone has written over it since
        grab = real.with_name(f".{real.name}.undo.tmp")
        try:
            os.rename(real, grab)
        except FileNotFoundError:
            return
        if _sha(_read_or_none(grab)) == placed.new_sha:
            grab.unlink()
        else:
            try:
                os.link(grab, real)
            except FileExistsError:
                pass
            grab.unlink()
        return
    if placed.old_tmp is not None:
        _swap_back(real, placed.old_tmp, placed.new_sha)
        placed.old_tmp.unlink(missing_ok=True)
        return
    if _sha(_read_or_none(real)) == placed.new_sha:
        tmp = _write_tmp(real, placed.old_bytes, real)
        os.replace(tmp, real)


# ------------------------------------------------------------------------------------------ transactions
@dataclass
class _Buf:
    """A file as a transaction sees it: the bytes read (inside the lock), and its edited text."""

    shown: Path  # the path as the ledger names it (may be a symlink)
    real: Path  # where the bytes live (the symlink's target)
    orig: bytes | None  # None: the file does not exist yet
    bom: bool = False
    crlf: bool = False
    yaml: Any = None
    data: Any = None
    dirty: bool = False
    raw_new: bytes | None = None  # a non-YAML file written whole (a document's copy)

    def parse(self) -> Any:
        if self.yaml is None:
            text = ""
            if self.orig is not None:
                try:
                    text = self.orig.decode("utf-8-sig")
                except UnicodeDecodeError as exc:
                    raise LedgerWriteError(f"cannot edit {self.shown}: it is not UTF-8 text",
                                           "run 'dealweb check' and fix the file first") from exc
            self.yaml, self.data = _rt(text.replace("\r\n", "\n"))
        return self.data

    def new_bytes(self) -> bytes:
        if self.raw_new is not None:
            return self.raw_new
        text = _dump(self.yaml, self.data)
        if self.crlf:
            text = text.replace("\n", "\r\n")
        return (b"\xef\xbb\xbf" if self.bom else b"") + text.encode("utf-8")


def package_dir() -> Path:
    """The installed ``dealweb`` package's folder (its bundled ledgers live in ``data/`` under it)."""
    return Path(__file__).resolve().parent.parent


def refuse_package_ledger(root: str | Path) -> None:
    """Raise :class:`LedgerWriteError` when ``root`` lies inside the installed package (a bundled ledger)."""
    real = Path(os.path.realpath(root))
    if real == package_dir() or real.is_relative_to(package_dir()):
        raise LedgerWriteError(f"{root} is a ledger bundled with dealweb, inside the installed package; dealweb "
                               "never writes there", "make a ledger of your own with 'dealweb init DIR' and "
                               "pass --ledger DIR")


class Transaction:
    """Edits to one ledger applied together or not at all (see the module docstring).

    Args:
        ledger_root: the ledger directory (or single .yaml file).
        expected: ``{path: sha256}`` of files as the caller read them (from :func:`file_sha256`; ``None``
            for a file that did not exist then). A file the commit would change that no longer matches
            refuses the whole commit with :class:`StaleFileError`. Files not named are checked only
            against what the commit itself read.
        documents_dirs: extra document folders for the validation.
        allow_package: write a ledger bundled inside the installed package (its maintainers' tools only,
            such as ``tools/spans.py``; dealweb's commands never pass it).

    Use as a context manager (commits on a clean exit) or call :meth:`commit`.
    """

    def __init__(self, ledger_root: str | Path, *, expected: dict[str, str | None] | None = None,
                 documents_dirs: Sequence[str | Path] = (), allow_package: bool = False) -> None:
        self.root = Path(ledger_root)
        self.allow_package = allow_package
        self.expected = {str(Path(k).resolve()): v for k, v in (expected or {}).items()}
        self.documents_dirs = list(documents_dirs)
        self._ops: list[tuple[str, tuple[Any, ...]]] = []
        self._expect_any: str | None = None  # one-edit calls: the hash of whichever existing file they change
        self.written: list[Path] = []

    # -- building -----------------------------------------------------------------------------------------
    def append_record(self, section: str, record: dict[str, Any], file: str | None = None) -> None:
        """Queue a record for ``section`` (see :func:`append_record` for where it goes)."""
        if section not in vocab.SECTIONS or section == "ledger":
            raise LedgerWriteError(f"cannot append to section {section!r}",
                                   "sections: " + ", ".join(s for s in vocab.SECTIONS if s != "ledger"))
        if not isinstance(record, dict):
            raise LedgerWriteError("a record must be a mapping of keys", "pass a dict")
        self._ops.append(("append", (section, record, file)))

    def add_claim(self, record_id: str, claim: dict[str, Any]) -> None:
        """Queue a claim for the deal or fact ``record_id``."""
        unknown = sorted(set(claim) - vocab.CLAIM_KEYS)
        if unknown:
            raise LedgerWriteError(f"unknown claim key(s) {unknown}",
                                   "allowed: " + ", ".join(sorted(vocab.CLAIM_KEYS)))
        self._ops.append(("claim", (record_id, claim)))

    def add_file(self, relative: str | Path, data: bytes) -> Path:
        """Queue a new file (a document's copy) at ``relative`` inside the ledger directory; returns its path.

        Refused when the path leaves the ledger directory or the file exists with other content.
        """
        rel = Path(relative)
        if rel.is_absolute() or ".." in rel.parts or not rel.parts:
            raise LedgerWriteError(f"{rel} is not a path inside the ledger", "name a file relative to the ledger")
        if self.root.is_file():
            raise LedgerWriteError("a single-file ledger has no folder to keep documents in",
                                   "make the ledger a folder ('dealweb init DIR') to keep article copies")
        self._ops.append(("file", (rel, data)))
        return self.root / rel

    def edit(self, file: str | Path, change: Callable[[Any], bool]) -> None:
        """Queue an in-place edit of an existing ledger file.

        ``change(data)`` receives the file's round-trip YAML as read inside the lock, mutates it, and
        returns whether it changed anything (``dealweb check --fix-spans`` sets claims' spans this way).
        """
        self._ops.append(("edit", (Path(file), change)))

    def __enter__(self) -> Transaction:
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is None:
            self.commit()

    # -- committing ---------------------------------------------------------------------------------------
    def commit(self) -> list[Path]:
        """Apply every queued edit, all or none; return the files written (as the ledger names them).

        Raises:
            StaleFileError: a file changed since the caller (or this commit) read it; nothing written.
            LedgerWriteError: an edit is impossible, or the result would not validate; nothing written.
        """
        if not self._ops:
            return []
        if not self.allow_package:
            refuse_package_ledger(self.root)
        with _locked(self.root):
            return self._commit()

    def _buf(self, bufs: dict[Path, _Buf], path: Path) -> _Buf:
        real = Path(os.path.realpath(path))
        if real not in bufs:
            orig = _read_or_none(real)
            b = _Buf(path, real, orig)
            if orig is not None:
                b.bom = orig.startswith(b"\xef\xbb\xbf")
                b.crlf = orig.count(b"\r\n") * 2 > orig.count(b"\n")
            bufs[real] = b
        return bufs[real]

    def _commit(self) -> list[Path]:
        bufs: dict[Path, _Buf] = {}
        files = _yaml_files(self.root) if self.root.exists() else []
        for kind, args in self._ops:
            if kind == "append":
                self._apply_append(bufs, files, *args)
            elif kind == "claim":
                self._apply_claim(bufs, files, *args)
            elif kind == "edit":
                self._apply_edit(bufs, *args)
            else:
                self._apply_file(bufs, *args)
        # documents' copies first, ledger files last: a commit cut short leaves at most an unused copy
        changed = sorted((b for b in bufs.values() if b.dirty), key=lambda b: b.raw_new is None)
        for b in changed:  # the caller's view of each file to change, checked now that the lock is held
            key = str(b.shown.resolve())
            want = self.expected[key] if key in self.expected else (
                self._expect_any if self._expect_any is not None and b.orig is not None else "")
            if want != "" and want != _sha(b.orig):
                raise _stale(b.shown, "was created after the ledger was read" if want is None
                             else "changed since the ledger was read")
        for b in changed:  # temporary files of a commit killed half-way (the lock is ours: no commit is live)
            for stale in b.real.parent.glob(f".{b.real.name}.*.tmp"):
                stale.unlink(missing_ok=True)
        new = {b.real: b.new_bytes() for b in changed}
        self._validate({b.shown: new[b.real] for b in changed})
        placed: list[_Placed] = []
        try:
            for b in changed:
                b.real.parent.mkdir(parents=True, exist_ok=True)
                placed.append(_place(b.real, new[b.real], b.orig))
        except BaseException:
            for p in reversed(placed):
                _undo(p)
            raise
        for p in placed:
            if p.old_tmp is not None:
                p.old_tmp.unlink(missing_ok=True)
        self.written = [b.shown for b in changed]
        return self.written

    def _validate(self, new: dict[Path, bytes]) -> None:
        """Refuse (nothing written) when the new content adds an error to the ledger.

        Errors are compared by file and message, not position: an insertion moves the lines of the errors
        already below it, and those must not count as new.
        """
        from dealweb.ledger.load import load_ledger

        before = Counter((p.file, p.message) for p in load_ledger(self.root, self.documents_dirs).errors)
        after = load_ledger(self.root, self.documents_dirs, overlay=new).errors
        added = Counter((p.file, p.message) for p in after) - before
        if added:
            shown = [str(p) for p in after if (p.file, p.message) in added]
            raise LedgerWriteError("the edit would make the ledger invalid, so nothing was written: "
                                   + "; ".join(shown[:3]),
                                   "fix the record (run 'dealweb check' on a copy to see every problem)")

    def _apply_edit(self, bufs: dict[Path, _Buf], file: Path, change: Callable[[Any], bool]) -> None:
        path = self.root if self.root.is_file() else file if file.is_absolute() else self.root / file
        b = self._buf(bufs, path)
        if b.orig is None:
            raise LedgerWriteError(f"cannot edit {path}: no such file", "edit a file of the ledger")
        if change(b.parse()):
            b.dirty = True

    def _apply_file(self, bufs: dict[Path, _Buf], rel: Path, data: bytes) -> None:
        path = self.root / rel
        b = self._buf(bufs, path)
        if b.orig is not None:
            if b.orig == data:
                return  # the same copy is there already
            raise LedgerWriteError(f"{path} exists with other content", "the document's copy has another name")
        b.raw_new, b.dirty = data, True

    def _apply_append(self, bufs: dict[Path, _Buf], files: list[Path], section: str, record: dict[str, Any],
                      file: str | None) -> None:
        root = self.root
        if file is not None:
            target = Path(file) if Path(file).is_absolute() or root.is_file() else root / file
            if not root.is_file() and not target.resolve().is_relative_to(root.resolve()):
                raise LedgerWriteError(f"{target} is outside the ledger {root}", "write inside the ledger's folder")
        else:
            target = None
            for path in [*files, *(b.shown for b in bufs.values() if b.shown not in files)]:
                if path.suffix not in (".yaml", ".yml"):
                    continue
                try:
                    data = self._buf(bufs, path).parse()
                except LedgerWriteError:
                    continue
                if isinstance(data, dict) and section in data:
                    target = path
            if target is None:
                target = root if root.is_file() else root / f"{section}.yaml"
        b = self._buf(bufs, target)
        data = b.parse()
        if data is None:
            data = b.data = CommentedMap()
        if not isinstance(data, dict):
            raise LedgerWriteError(f"{target} is not a mapping of sections", "fix the file first")
        items = data.get(section)
        if items is None:
            data[section] = items = CommentedSeq()
        if not isinstance(items, list):
            raise LedgerWriteError(f"section {section!r} of {target} is not a list", "fix the file first")
        items.append(_to_yaml(record))
        b.dirty = True

    def _apply_claim(self, bufs: dict[Path, _Buf], files: list[Path], record_id: str,
                     claim: dict[str, Any]) -> None:
        for path in files:
            b = self._buf(bufs, path)
            if b.orig is None or record_id.encode("utf-8") not in b.orig and not b.dirty:
                continue
            try:
                data = b.parse()
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
                        claims = rec.get("claims")
                        if claims is None:
                            rec["claims"] = claims = CommentedSeq()
                        if not isinstance(claims, list):
                            raise LedgerWriteError(f"'claims' of {record_id!r} in {path} is not a list",
                                                   "fix the file first")
                        claims.append(_to_yaml(claim))
                        b.dirty = True
                        return
        raise LedgerWriteError(f"no deal or fact {record_id!r} in {self.root}",
                               "check the id ('dealweb show --json')")


# ------------------------------------------------------------------------------------------ one-edit calls
def add_claim(ledger_root: str | Path, record_id: str, claim: dict[str, Any], *,
              expected_sha256: str | None = None, documents_dirs: Sequence[str | Path] = ()) -> Path:
    """Append ``claim`` to the ``claims`` of the deal or fact ``record_id``; return the file written.

    A one-edit :class:`Transaction`.

    Args:
        ledger_root: the ledger directory (or single .yaml file).
        record_id: id of a deal or a fact.
        claim: keys of a claim (``document``, ``quote``, ``start``, ``end``, ``field``, ``stated``...).
        expected_sha256: :func:`file_sha256` of the record's file when the caller read it; the write is
            refused with :class:`StaleFileError` if the file has changed since.
        documents_dirs: extra document folders for the validation.

    Raises:
        LedgerWriteError: no such record, unknown claim keys, or the result does not validate.
        StaleFileError: the file changed since ``expected_sha256`` was taken.
    """
    tx = Transaction(ledger_root, documents_dirs=documents_dirs)
    tx.add_claim(record_id, claim)
    return _commit_one(tx, expected_sha256)


def append_record(ledger_root: str | Path, section: str, record: dict[str, Any], file: str | None = None, *,
                  expected_sha256: str | None = None, documents_dirs: Sequence[str | Path] = ()) -> Path:
    """Append a record to a section (``deals``, ``facts``, ``entities``, ``documents``, ``fx``).

    The record goes to ``file`` (relative to the ledger directory) when given, else to the last file
    (in sorted order) that already holds the section, else to a new ``<section>.yaml``. A one-edit
    :class:`Transaction`.

    Raises:
        LedgerWriteError: unknown section, a record that is not a mapping, or the result does not validate.
        StaleFileError: the file changed since ``expected_sha256`` was taken.
    """
    tx = Transaction(ledger_root, documents_dirs=documents_dirs)
    tx.append_record(section, record, file)
    return _commit_one(tx, expected_sha256)


def _commit_one(tx: Transaction, expected_sha256: str | None) -> Path:
    """Commit a one-edit transaction; ``expected_sha256`` applies to whichever file the edit changes."""
    tx._expect_any = expected_sha256  # noqa: SLF001 - the one-edit calls' own contract
    written = tx.commit()
    return written[0]
