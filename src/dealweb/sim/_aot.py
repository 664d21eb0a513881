"""The clearing kernel compiled ahead of time: a plain extension module, loaded without importing numba.

Why: a process's first call of the numba kernel pays about 0.4 s before any work (importing numba and
numba loading its own typing and lowering registries; the kernel's machine code itself comes from numba's
cache). The same kernel compiled ahead of time by numba's ``pycc`` (the source of
:func:`dealweb.sim._kernels._kernel`, the same LLVM) is an ordinary extension module: importing it takes
under a millisecond, and it gives the same payments bit for bit (checked when it is built, and tested).
It runs one thread (``pycc`` has no ``parallel``), so it serves the batches the serial kernel serves
(:data:`dealweb.sim._kernels._PARALLEL_FROM`); larger batches load numba's parallel kernel, whose load
they amortise.

Where: ``$DEALWEB_KERNEL_DIR``, else ``$XDG_CACHE_HOME/dealweb/kernels``, else
``~/.cache/dealweb/kernels`` (mode 0700), one file per kernel source, numba, numpy, Python and platform
(the name holds their hash), with its sha256 beside it.

When: the first time a process loads numba's kernel and finds no module for its versions, it starts the
build in a background process (``nice``, its own session; about 10-40 s of one core, once); the next
processes use it. ``python -m dealweb.sim._aot`` builds it now (e.g. in a container image);
``DEALWEB_AOT=0`` turns the module off (never built, never loaded), ``DEALWEB_AOT=load`` loads a module
already built but never starts a build. Building needs a C compiler, Python's
headers and setuptools; without them, or once numba drops ``pycc``, the build fails quietly and the numba
kernel is used as before.

Trust: a module is loaded only from a folder and file owned by the current user and writable by no one
else, and only when its sha256 matches the one written after it passed its check; anything else is
ignored (and a file failing its checksum removed).
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.metadata
import importlib.util
import inspect
import os
import platform
import stat
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

__all__ = ["AOT_ENV", "KERNEL_DIR_ENV", "build", "enabled", "kernel_dir", "load", "module_path", "start_build"]

KERNEL_DIR_ENV = "DEALWEB_KERNEL_DIR"
AOT_ENV = "DEALWEB_AOT"
_SIGNATURE = ("void(i8[::1], i8[::1], f8[:, ::1], f8[:, ::1], f8[:, ::1], f8[:, ::1], f8[:, ::1], f8[:, ::1], "
              "f8[:, ::1], f8, f8, b1, i8, i8, f8[:, ::1], f8[:, ::1], i8[::1], b1[::1])")
_STALE_LOCK_S = 900.0  # a build lock older than this is from a build that died

_lock = threading.Lock()
_loaded: dict[str, Any] = {}
_started = False


def enabled() -> bool:
    """Whether the ahead-of-time module may be loaded (``DEALWEB_AOT`` unset, or not ``0``)."""
    return os.environ.get(AOT_ENV, "1") != "0"


def may_build() -> bool:
    """Whether a missing module may be built in the background (``DEALWEB_AOT`` unset or ``1``)."""
    return os.environ.get(AOT_ENV, "1") in ("1", "")


def kernel_dir() -> Path:
    """The folder of the compiled modules (not created here)."""
    if os.environ.get(KERNEL_DIR_ENV):
        return Path(os.environ[KERNEL_DIR_ENV]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).expanduser() / "dealweb" / "kernels"


def _key() -> str:
    """What the compiled module depends on: the kernel's source, numba, numpy, Python, the platform."""
    from dealweb.sim import _kernels

    try:
        numba_version = importlib.metadata.version("numba")
    except importlib.metadata.PackageNotFoundError:
        numba_version = "none"
    import numpy as np

    parts = [inspect.getsource(_kernels._kernel), _SIGNATURE, numba_version, np.__version__, sys.version,
             platform.machine(), platform.system()]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def module_path(folder: Path | None = None) -> Path:
    """Where the module for this process's versions is (or would be) stored."""
    suffix = importlib.machinery.EXTENSION_SUFFIXES[0]
    return (folder or kernel_dir()) / f"clearing_{_key()}{suffix}"


def _owned_and_private(path: Path) -> bool:
    try:
        st = os.lstat(path)
    except OSError:
        return False
    if stat.S_ISLNK(st.st_mode) or st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return False
    return not hasattr(os, "getuid") or st.st_uid == os.getuid()


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load() -> Any | None:
    """The compiled kernel (a function with :func:`dealweb.sim._kernels._kernel`'s arguments), or ``None``."""
    if not enabled():
        return None
    with _lock:
        if "kernel" in _loaded:
            return _loaded["kernel"]
        _loaded["kernel"] = fn = _load_module()
        return fn


def _load_module() -> Any | None:
    try:
        path = module_path()
    except (OSError, TypeError):  # the kernel's source is not available (a frozen install)
        return None
    sha = path.with_name(path.name + ".sha256")
    if not (path.is_file() and sha.is_file()):
        return None
    if not (_owned_and_private(path.parent) and _owned_and_private(path) and _owned_and_private(sha)):
        return None
    try:
        if _sha256(path) != sha.read_text(encoding="ascii").strip():
            path.unlink(missing_ok=True)  # a damaged module: built again by the next process that needs it
            sha.unlink(missing_ok=True)
            return None
        name = path.name.split(".")[0]  # the name the module was compiled with (its PyInit_ function)
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None or spec.loader is None:
            return None
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        return mod.kernel
    except (OSError, ImportError, AttributeError, ValueError):
        return None


def build(folder: Path | None = None) -> Path:
    """Compile the kernel with numba's ``pycc`` into ``folder``, check it against numba's kernel, publish it.

    The module must give bit-for-bit the payments, shortfall updates and flags of the numba kernel on a
    random web before it is renamed into place (with its sha256). Raises on any failure (nothing is left).
    """
    import warnings

    import numpy as np

    folder = folder or kernel_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    target = module_path(folder)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # numba marks pycc as pending deprecation
        import numba
        from numba.pycc import CC

        from dealweb.sim import _kernels

        _kernels.numba = numba  # the kernel's global, read when it is typed
        with tempfile.TemporaryDirectory(dir=folder, prefix=".build-") as tmp:
            name = target.name.split(".")[0]
            cc = CC(name)
            cc.output_dir = tmp
            cc.verbose = False
            cc.export("kernel", _SIGNATURE)(_kernels._kernel)
            cc.compile()
            built = next(Path(tmp).glob(name + "*"))
            spec = importlib.util.spec_from_file_location(name, built)
            if spec is None or spec.loader is None:
                raise ImportError(f"cannot load {built}")
            mod = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(mod)
            jit = numba.njit(parallel=False, cache=True, nogil=True)(_kernels._kernel)
            for seed in (1, 2):
                args = _check_problem(np.random.default_rng(seed))
                a, b = _kernels._run(mod.kernel, *args), _kernels._run(jit, *args)
                if not all(np.array_equal(x, y) for x, y in zip(a, b, strict=True)):
                    raise RuntimeError("the compiled module does not give the numba kernel's results")
            os.chmod(built, 0o600)
            sha = target.with_name(target.name + ".sha256")
            tmp_sha = Path(tmp) / "sha256"
            tmp_sha.write_text(_sha256(built) + "\n", encoding="ascii")
            os.replace(built, target)
            os.replace(tmp_sha, sha)
    return target


def _check_problem(rng: Any) -> tuple:
    """A random web (300 entities, 40 runs, cycles, a senior outside creditor) in the kernel's arguments."""
    import numpy as np
    import scipy.sparse as sp

    n, runs = 300, 40
    src, dst = rng.integers(0, n, 5 * n), rng.integers(0, n, 5 * n)
    keep = src != dst
    pi = sp.csr_matrix((rng.exponential(1.0, keep.sum()), (src[keep], dst[keep])), shape=(n, n))
    pi.sum_duplicates()
    cap = np.asarray(pi.sum(axis=1)).ravel()[None, :] + 1e-12
    inv_cap = 1.0 / cap
    base_in = np.asarray(pi.sum(axis=0)).ravel()[None, :]
    o_sen = rng.exponential(0.2, (1, n))
    threshold = cap + o_sen - base_in
    e = np.maximum(0.0, threshold[0] - base_in[0] * 0.0) * rng.uniform(0.0, 1.2, (runs, n))
    return (pi.indptr, pi.indices, pi.data[None, :], inv_cap, cap, base_in, o_sen, threshold, e, 0.9, 0.8,
            True, 10_000, 200)


def start_build() -> bool:
    """Build the module in a background process (once; only when it is missing and allowed). True if started."""
    global _started
    if not may_build() or _started:
        return False
    _started = True
    try:
        folder = kernel_dir()
        if module_path(folder).exists():
            return False
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        lock = folder / ".building"
        try:
            if time.time() - lock.stat().st_mtime < _STALE_LOCK_S:
                return False  # another process is building it
            lock.unlink()
        except FileNotFoundError:
            pass
        fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
        subprocess.Popen([sys.executable, "-m", "dealweb.sim._aot", "--lock", str(lock)],  # noqa: S603
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         start_new_session=True, env={**os.environ, "PYTHONWARNINGS": "ignore"})
        return True
    except (OSError, TypeError, ValueError):
        return False


def _main(argv: list[str]) -> int:
    lock = Path(argv[argv.index("--lock") + 1]) if "--lock" in argv else None
    if lock is not None and hasattr(os, "nice"):
        os.nice(10)
    try:
        path = build()
        print(f"wrote {path}")
        return 0
    except Exception as exc:  # noqa: BLE001 - a failed build leaves the numba kernel in use
        print(f"error: could not build the compiled clearing kernel: {exc}", file=sys.stderr)
        return 1
    finally:
        if lock is not None:
            lock.unlink(missing_ok=True)


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
