"""An on-disk cache of loaded ledgers, so that a second command on unchanged files skips parsing and validation.

Where: ``$DEALWEB_CACHE_DIR``, else ``$XDG_CACHE_HOME/dealweb``, else ``~/.cache/dealweb`` (made with mode
0700): one SQLite file, ``ledgers.sqlite3``. ``DEALWEB_NO_CACHE=1`` turns the cache off.

What: the :class:`dealweb.ledger.load.LoadResult` of a load (ledger and every problem), keyed by the
sha256 of everything the load depends on: the content of every ledger file, where they are, the
documents folders, the working folder (paths are shown relative to it), the limits in force and the YAML
reader. The documents a load read are recorded with their sha256 and checked on every hit. A changed
ledger file or document makes a new key (the old entry ages out: 16 results are kept, least recently used
first). Not done yet: reusing the unchanged files' parse when one file changes (the whole ledger is read
again; its validation crosses files anyway).

How: JSON (``json``'s C decoder), never pickle. A load's big collections (entities, documents, deals,
facts, conflicts, problems) are stored in chunks of :data:`CHUNK` records, each encoded, compressed and
checksummed on its own, so that neither writing nor reading a ledger of 10^6 deals ever holds more than
the records themselves and one chunk's text. Decoding keeps one copy of each short text and of each
amount (they repeat across claims). Records are encoded as
``{"\\0c": "module:Class", "v": [fields...]}`` and rebuilt only for the dataclasses and enums of dealweb's
model modules (an allowlist), through their constructors; dates, tuples and non-text keys have markers of
their own. Anything else makes the result uncacheable (it is then simply not stored).

Trust: a cache file not owned by the current user, corrupt (not SQLite, a payload whose sha256 does not
match, a record that does not decode), or written by another dealweb version or model schema is never
used: it is removed and rebuilt, with one warning line on stderr. A ledger edited while it is read is not
stored (the files are hashed again after the load and must be unchanged), so the cache never holds an
answer for content it did not read. A cache whose lock another process holds for longer than the 10 s wait
(writing a big result) is gone without for that load: it is in use, not corrupt, and is left alone.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import hashlib
import json
import os
import sqlite3
import sys
import threading
import time
import zlib
from datetime import date
from pathlib import Path
from typing import Any

__all__ = ["CACHE_DIR_ENV", "NO_CACHE_ENV", "cache_dir", "cache_path", "enabled", "get", "put", "result_key"]

CACHE_DIR_ENV = "DEALWEB_CACHE_DIR"
NO_CACHE_ENV = "DEALWEB_NO_CACHE"
_FORMAT = 2
#: Records per stored chunk.
CHUNK = 2000
_FILE = "ledgers.sqlite3"
# Results kept (least recently used go first), and the bytes they may take together (the newest is kept
# whatever its size).
_MAX_RESULTS = 16
_MAX_BYTES = 1 << 30
_MODULES = ("dealweb.model", "dealweb.money", "dealweb.errors", "dealweb.periods", "dealweb.ledger.load")

_warned: set[str] = set()
_lock = threading.Lock()


def enabled() -> bool:
    """Whether the on-disk cache is used (``DEALWEB_NO_CACHE`` unset or ``0``)."""
    return os.environ.get(NO_CACHE_ENV, "") in ("", "0")


def cache_dir() -> Path:
    """The user's cache folder for dealweb (not created here)."""
    if os.environ.get(CACHE_DIR_ENV):
        return Path(os.environ[CACHE_DIR_ENV]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).expanduser() / "dealweb"


def cache_path() -> Path:
    """The SQLite file of the cache."""
    return cache_dir() / _FILE


def _busy(exc: BaseException) -> bool:
    """Whether ``exc`` is SQLite's "database is locked": another process holds the lock longer than the wait.

    The file is sound and in use, so it is neither reported as corrupt nor removed.
    """
    if not isinstance(exc, sqlite3.OperationalError):
        return False
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def _warn(message: str) -> None:
    """One line on stderr, once per process and message."""
    if message not in _warned:
        _warned.add(message)
        sys.stderr.write(f"warning: {message}\n")
        sys.stderr.flush()


# -- the codec ----------------------------------------------------------------------------------------------
class NotCacheable(Exception):
    """A value the codec does not encode (the result is then not stored)."""


def _classes() -> dict[str, type]:
    import importlib

    out: dict[str, type] = {}
    for name in _MODULES:
        mod = importlib.import_module(name)
        for attr, obj in vars(mod).items():
            if isinstance(obj, type) and obj.__module__ == name and (
                    dataclasses.is_dataclass(obj) or issubclass(obj, enum.Enum)):
                out[f"{name}:{attr}"] = obj
    return out


_CLASSES: dict[str, type] | None = None
_NAMES: dict[type, str] = {}
_FIELDS: dict[type, tuple[str, ...]] = {}  # a dataclass's constructor fields, in order


def _table() -> dict[str, type]:
    global _CLASSES, _NAMES, _FIELDS
    if _CLASSES is None:
        _CLASSES = _classes()
        _NAMES = {c: n for n, c in _CLASSES.items()}
        _FIELDS = {c: tuple(f.name for f in dataclasses.fields(c) if f.init)
                   for c in _CLASSES.values() if dataclasses.is_dataclass(c)}
    return _CLASSES


def schema() -> str:
    """A fingerprint of the cached classes' fields and values: a change of the model makes a new schema."""
    parts = []
    for name, cls in sorted(_table().items()):
        if issubclass(cls, enum.Enum):
            parts.append(f"{name}={[m.value for m in cls]}")
        else:
            parts.append(f"{name}={[f.name for f in dataclasses.fields(cls) if f.init]}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def _texts() -> dict[str, Any]:
    """The :mod:`dealweb.i18n` text types a cached record may hold, by name: each rebuilt from its ``__reduce__``."""
    from dealweb import i18n

    return {"Msg": i18n._msg, "Name": i18n.Name, "Val": i18n.Val, "Join": i18n.Join,  # noqa: SLF001
            "Verbatim": i18n.Verbatim, "Place": i18n.Place, "Fig": i18n._fig}  # noqa: SLF001


def _encode(obj: Any) -> Any:
    """A JSON-ready form of ``obj`` (see the module docstring); raises NotCacheable."""
    if obj is None or type(obj) in (bool, int, float, str):
        return obj
    if isinstance(obj, enum.Enum):
        return _encode_other(obj)
    if isinstance(obj, str):
        said = _texts().get(type(obj).__name__)
        if said is not None and type(obj).__module__ == "dealweb.i18n":
            # a message the faces say in any language (a conflict's): its key and fields, not its English
            return {"\0t": type(obj).__name__, "v": _encode(list(obj.__reduce__()[1]))}
        return str(obj)  # ruamel's scalar strings (LiteralScalarString, ...): the text
    if isinstance(obj, float):  # ruamel's ScalarFloat
        return float(obj)
    if isinstance(obj, int) and not isinstance(obj, bool):  # ruamel's HexInt, ...
        return int(obj)
    if isinstance(obj, list):
        return [_encode(x) for x in obj]
    if isinstance(obj, tuple) and type(obj) is tuple:
        return {"\0u": [_encode(x) for x in obj]}
    if type(obj) is dict:
        if all(type(k) is str and not k.startswith("\0") for k in obj):
            return {k: _encode(v) for k, v in obj.items()}
        return {"\0k": [[_encode(k), _encode(v)] for k, v in obj.items()]}
    return _encode_other(obj)


def _encode_other(obj: Any) -> Any:
    cls = type(obj)
    name = _NAMES.get(cls)
    if name is None:
        if type(obj) is date:
            return {"\0d": obj.isoformat()}
        raise NotCacheable(cls.__name__)
    if isinstance(obj, enum.Enum):
        return {"\0e": name, "v": obj.value}
    return {"\0c": name, "v": [_encode(getattr(obj, f)) for f in _FIELDS[cls]]}


_STRINGS: dict[str, str] = {}
_VALUES: dict[tuple[Any, ...], Any] = {}
_MEMO_MAX = 200_000  # entries a decoding memo may hold before it is emptied (unique ids would fill it)
_SHARED = ("dealweb.money:Amount",)


def _hook(d: dict[str, Any]) -> Any:
    if len(d) <= 2:
        if "\0c" in d:
            # one copy of each short text (file names in positions, units, ids, field names): JSON makes a
            # new string for every occurrence, which at 10^5 records is most of the memory
            memo = _STRINGS
            if len(memo) > _MEMO_MAX:
                memo.clear()
            args = [memo.setdefault(x, x) if type(x) is str and len(x) <= 64 else x for x in d["v"]]
            name = d["\0c"]
            if name in _SHARED:  # immutable values that records repeat (a claim's amount is its deal's)
                key = (name, *args)
                try:
                    hit = _VALUES.get(key)
                except TypeError:  # an unhashable argument: not shared
                    return _table()[name](*args)
                if hit is None:
                    if len(_VALUES) > _MEMO_MAX:
                        _VALUES.clear()
                    hit = _VALUES[key] = _table()[name](*args)
                return hit
            return _table()[name](*args)
        if "\0t" in d:
            return _texts()[d["\0t"]](*d["v"])
        if "\0u" in d:
            return tuple(d["\0u"])
        if "\0d" in d:
            day = _VALUES.get(("\0d", d["\0d"]))
            if day is None:
                day = _VALUES[("\0d", d["\0d"])] = date.fromisoformat(d["\0d"])
            return day
        if "\0e" in d:
            return _table()[d["\0e"]](d["v"])
        if "\0k" in d:
            return {k: v for k, v in d["\0k"]}
    return d


def dumps(obj: Any) -> bytes:
    """Encode (JSON, zlib level 1)."""
    _table()
    return zlib.compress(json.dumps(_encode(obj), ensure_ascii=False, separators=(",", ":")).encode(), 1)


def loads(blob: bytes, keep_memo: bool = False) -> Any:
    """Decode what :func:`dumps` wrote; raises ValueError/KeyError/TypeError on anything else.

    ``keep_memo``: keep the texts and values seen for the next call (the chunks of one result).
    """
    _table()
    try:
        return json.loads(zlib.decompress(blob), object_hook=_hook)
    finally:
        if not keep_memo:
            _forget()


def _forget() -> None:
    _STRINGS.clear()
    _VALUES.clear()


# -- a load result in chunks ----------------------------------------------------------------------------
_PARTS = ("entities", "documents", "deals", "facts", "conflicts", "problems")


def _split(value: Any) -> tuple[Any, list[tuple[str, list[Any]]]]:
    """A load result's head (its ledger without the big collections) and the collections, as lists.

    Anything else is stored whole (no parts). The records of a collection keyed by id must carry that id
    (they are keyed by it again when read); a result where one does not is not stored (NotCacheable).
    """
    from dealweb.ledger.load import LoadResult

    if not isinstance(value, LoadResult):
        return value, []
    led = value.ledger
    parts: list[tuple[str, list[Any]]] = []
    for name in _PARTS[:4]:
        table = getattr(led, name)
        if any(getattr(v, "id", None) != k for k, v in table.items()):
            raise NotCacheable(f"{name} keyed by something other than their ids")
        parts.append((name, list(table.values())))
    parts += [("conflicts", list(led.conflicts)), ("problems", list(value.problems))]
    head = LoadResult(dataclasses.replace(led, entities={}, documents={}, deals={}, facts={}, conflicts=()), [])
    return head, parts


def _join(head: Any, parts: dict[str, list[Any]]) -> Any:
    """The load result :func:`_split` took apart."""
    if not parts:
        return head
    led = head.ledger
    tables = {name: {v.id: v for v in parts.get(name, [])} for name in _PARTS[:4]}
    return type(head)(dataclasses.replace(led, **tables, conflicts=tuple(parts.get("conflicts", []))),
                      parts.get("problems", []))


# -- the store ----------------------------------------------------------------------------------------------
@functools.cache
def code() -> str:
    """A fingerprint of the package's Python sources: a changed loader or check (same version) is a rebuild."""
    import dealweb

    root = Path(dealweb.__file__).parent
    h = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        h.update(path.relative_to(root).as_posix().encode() + b"\0")
        try:
            h.update(path.read_bytes())
        except OSError:
            h.update(b"?")
    return h.hexdigest()[:16]


def _meta() -> dict[str, str]:
    import dealweb

    return {"format": str(_FORMAT), "version": dealweb.__version__, "schema": schema(), "code": code()}


class _Broken(Exception):
    """The cache file cannot be trusted; the message says why."""


def _connect() -> sqlite3.Connection | None:
    """An open, trusted cache (made if missing), or ``None`` when there is none to be had."""
    folder = cache_dir()
    path = folder / _FILE
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:
        return None
    for attempt in range(2):
        try:
            if path.exists() or path.is_symlink():
                st = os.lstat(path)
                if path.is_symlink() or not path.is_file():
                    raise _Broken("is not a regular file")
                if hasattr(os, "getuid") and st.st_uid != os.getuid():
                    raise _Broken("was written by another user")
            con = sqlite3.connect(path, timeout=10, isolation_level=None)
            try:
                con.execute("PRAGMA journal_mode=WAL")
                con.execute("CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL)")
                con.execute("CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, docs TEXT NOT NULL, "
                            "payload BLOB NOT NULL, digest TEXT NOT NULL, used REAL NOT NULL, "
                            "chunks INTEGER NOT NULL, bytes INTEGER NOT NULL)")
                con.execute("CREATE TABLE IF NOT EXISTS chunks (key TEXT NOT NULL, seq INTEGER NOT NULL, "
                            "part TEXT NOT NULL, payload BLOB NOT NULL, digest TEXT NOT NULL, "
                            "PRIMARY KEY (key, seq))")
                have = dict(con.execute("SELECT k, v FROM meta").fetchall())
                want = _meta()
                if not have:
                    con.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", list(want.items()))
                elif have != want:
                    con.close()
                    raise _Broken("was written by another dealweb version, model or code ("
                                  f"format {have.get('format')}, version {have.get('version')}, "
                                  f"schema {have.get('schema')}, code {have.get('code')})")
            except sqlite3.DatabaseError:
                con.close()
                raise
            return con
        except (_Broken, sqlite3.DatabaseError) as exc:
            if _busy(exc):
                return None  # another process is writing it: go without the cache this time
            why = str(exc) if isinstance(exc, _Broken) else f"is corrupt ({' '.join(str(exc).split())[:80]})"
            if attempt == 0:
                _warn(f"the ledger cache {path} {why}: ignored and rebuilt")
                if not _remove(path):
                    return None
            else:
                return None
        except OSError:
            return None
    return None  # pragma: no cover - the loop returns


def _remove(path: Path) -> bool:
    ok = True
    for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            p.unlink()
        except FileNotFoundError:
            pass
        except OSError:
            ok = False
    return ok


def _sha(blob: bytes) -> str:
    return hashlib.sha256(blob).hexdigest()


def _drop(con: sqlite3.Connection, key: str, why: str) -> None:
    _warn(f"a ledger cache entry in {cache_path()} is corrupt ({why}): ignored and rebuilt")
    try:
        con.execute("DELETE FROM results WHERE key = ?", (key,))
        con.execute("DELETE FROM chunks WHERE key = ?", (key,))
    except sqlite3.DatabaseError:
        pass


def result_key(parts: Any) -> str | None:
    """The cache key of a load from what it depends on (``parts``: JSON-able), the limits and the reader."""
    from dealweb.ledger.yamlio import READER_ENV
    from dealweb.limits import limits

    try:
        blob = json.dumps([_FORMAT, parts, dataclasses.astuple(limits()), os.environ.get(READER_ENV, "fast")])
    except (TypeError, ValueError):
        return None
    return hashlib.sha256(blob.encode()).hexdigest()


def get(key: str, digest_of: Any) -> tuple[Any, tuple[tuple[str, str | None], ...]] | None:
    """``(result, documents)`` cached for ``key``, or ``None``; ``digest_of(path)`` re-hashes a document."""
    if not enabled():
        return None
    with _lock:
        con = _connect()
        if con is None:
            return None
        try:
            row = con.execute("SELECT docs, payload, digest, chunks FROM results WHERE key = ?", (key,)).fetchone()
            if row is None:
                return None
            docs_text, payload, digest, n_chunks = row
            if _sha(payload) != digest:
                _drop(con, key, "checksum mismatch")
                return None
            try:
                docs = tuple((str(p), d) for p, d in json.loads(docs_text))
                if any(digest_of(Path(p)) != d for p, d in docs):
                    return None  # a document changed: load again (and store the new result)
                head = loads(payload, keep_memo=True)
                parts: dict[str, list[Any]] = {}
                seen = 0
                for seq, part, blob, chunk_digest in con.execute(
                        "SELECT seq, part, payload, digest FROM chunks WHERE key = ? ORDER BY seq", (key,)):
                    if seq != seen or part not in _PARTS:
                        raise ValueError("a chunk is missing or misnamed")
                    if _sha(blob) != chunk_digest:
                        _drop(con, key, "checksum mismatch")
                        return None
                    items = loads(blob, keep_memo=True)
                    if type(items) is not list:
                        raise TypeError("a chunk is not a list")
                    parts.setdefault(part, []).extend(items)
                    seen += 1
                if seen != n_chunks:
                    raise ValueError(f"{seen} chunks of {n_chunks}")
                value = _join(head, parts)
            except (ValueError, KeyError, TypeError, IndexError, AttributeError, zlib.error, RecursionError) as exc:
                _drop(con, key, type(exc).__name__)
                return None
            finally:
                _forget()
            try:
                con.execute("UPDATE results SET used = ? WHERE key = ?", (time.time(), key))
            except sqlite3.OperationalError as exc:  # only the eviction order: skipped while another writes
                if not _busy(exc):
                    raise
            return value, docs
        except sqlite3.DatabaseError as exc:
            if _busy(exc):
                return None  # another process is writing the cache: a miss, not corruption
            _warn(f"the ledger cache {cache_path()} is corrupt ({type(exc).__name__}): ignored and rebuilt")
            con.close()
            _remove(cache_path())
            return None
        finally:
            con.close()


def put(key: str, value: Any, docs: list[tuple[str, str | None]]) -> bool:
    """Store ``value`` under ``key`` (with the documents it read); False when it cannot be encoded or written.

    A load result is written in chunks (:func:`_split`), one encoded at a time, in one transaction: a
    reader sees all of it or none.
    """
    if not enabled():
        return False
    try:
        head, parts = _split(value)
        payload = dumps(head)
    except (NotCacheable, ValueError, RecursionError):
        return False
    with _lock:
        con = _connect()
        if con is None:
            return False
        try:
            con.execute("BEGIN IMMEDIATE")
            con.execute("DELETE FROM chunks WHERE key = ?", (key,))
            seq = 0
            size = len(payload)
            for part, items in parts:
                for i in range(0, len(items), CHUNK):
                    try:
                        blob = dumps(items[i:i + CHUNK])
                    except (NotCacheable, ValueError, RecursionError):
                        con.execute("ROLLBACK")
                        return False
                    con.execute("INSERT INTO chunks VALUES (?, ?, ?, ?, ?)", (key, seq, part, blob, _sha(blob)))
                    seq += 1
                    size += len(blob)
            con.execute("INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (key, json.dumps(docs), payload, _sha(payload), time.time(), seq, size))
            _evict(con, key)
            con.execute("COMMIT")
            return True
        except sqlite3.DatabaseError:
            try:
                con.execute("ROLLBACK")
            except sqlite3.DatabaseError:
                pass
            return False
        finally:
            con.close()


def _evict(con: sqlite3.Connection, newest: str) -> None:
    """Keep the :data:`_MAX_RESULTS` most recently used results within :data:`_MAX_BYTES` (and ``newest``)."""
    total = 0
    keep = 0
    drop = []
    for k, size in con.execute("SELECT key, bytes FROM results ORDER BY (key = ?) DESC, used DESC", (newest,)):
        total += size
        if k == newest or (keep < _MAX_RESULTS and total <= _MAX_BYTES):
            keep += 1
        else:
            drop.append((k,))
    con.executemany("DELETE FROM results WHERE key = ?", drop)
    con.executemany("DELETE FROM chunks WHERE key = ?", drop)
