"""The clearing kernel compiled ahead of time (issue 16): numba's results bit for bit, without loading numba.

One module is built for the test module (about 10-40 s of one core) into a folder of its own
(``DEALWEB_KERNEL_DIR``); fresh processes then clear with it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("numba")
pytest.importorskip("numba.pycc")

from dealweb.sim import _aot, _kernels  # noqa: E402
from dealweb.sim.clearing import clear  # noqa: E402


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("kernels")
    os.chmod(folder, 0o700)
    try:
        path = _aot.build(folder)
    except Exception as exc:  # noqa: BLE001 - no C compiler or headers here: nothing to test
        pytest.skip(f"the ahead-of-time build needs a C toolchain: {exc}")
    assert path.parent == folder and path.is_file()
    return folder


def _kernel_from(folder: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(_aot.KERNEL_DIR_ENV, str(folder))
    monkeypatch.setenv(_aot.AOT_ENV, "load")
    monkeypatch.setattr(_aot, "_loaded", {})
    return _aot.load()


@settings(max_examples=12, deadline=None)
@given(n=st.integers(2, 60), runs=st.integers(1, 12), senior=st.booleans(), seed=st.integers(0, 2**32 - 1),
       alpha=st.sampled_from([1.0, 0.7]), beta=st.sampled_from([1.0, 0.5]))
def test_same_results_as_numba_bit_for_bit(built: Path, n: int, runs: int, senior: bool, seed: int, alpha: float,
                                           beta: float) -> None:
    with pytest.MonkeyPatch.context() as mp:
        ahead = _kernel_from(built, mp)
    assert ahead is not None
    _kernels._ready()  # numba's serial kernel, the reference
    rng = np.random.default_rng(seed)
    src, dst = rng.integers(0, n, 4 * n), rng.integers(0, n, 4 * n)
    keep = src != dst
    pi = sp.csr_matrix((rng.exponential(1.0, keep.sum()), (src[keep], dst[keep])), shape=(n, n))
    cap = np.asarray(pi.sum(axis=1)).ravel()[None, :]
    inv_cap = np.divide(1.0, cap, out=np.zeros_like(cap), where=cap > 0)
    base_in = np.asarray(pi.sum(axis=0)).ravel()[None, :]
    o_sen = rng.exponential(0.3, (1, n)) if senior else np.zeros((1, n))
    threshold = cap + o_sen - base_in
    e = rng.uniform(0.0, 2.0, (runs, n)) * np.maximum(threshold, 0.1)
    args = (pi.indptr, pi.indices, pi.data[None, :], inv_cap, cap, base_in, o_sen, threshold, e, alpha, beta,
            senior, 5000, 200)
    got = _kernels._run(ahead, *args)
    want = _kernels._run(_kernels._serial, *args)
    for k, (a, b) in enumerate(zip(got, want, strict=True)):
        if k == 1 and not senior:
            continue  # outside payments: only written for a senior outside creditor
        np.testing.assert_array_equal(a, b)


_FIRST_CALL = r"""
import json, sys
import numpy as np, scipy.sparse as sp
from dealweb.sim.clearing import clear
n = 200; rng = np.random.default_rng(3)
src, dst = rng.integers(0, n, 5 * n), rng.integers(0, n, 5 * n); k = src != dst
L = sp.csr_matrix((rng.exponential(1.0, k.sum()), (src[k], dst[k])), shape=(n, n))
e = rng.uniform(0.0, 1.0, (20, n))
r = clear(L, e)
print(json.dumps({"numba": "numba" in sys.modules, "method": r.method, "payments": r.payments.tolist()}))
"""


def _fresh(env: dict[str, str]) -> dict:
    out = subprocess.run([sys.executable, "-c", _FIRST_CALL], capture_output=True, text=True, check=True,
                         env={**os.environ, **env})
    return json.loads(out.stdout.strip().splitlines()[-1])


def _in_process() -> np.ndarray:
    n = 200
    rng = np.random.default_rng(3)
    src, dst = rng.integers(0, n, 5 * n), rng.integers(0, n, 5 * n)
    k = src != dst
    L = sp.csr_matrix((rng.exponential(1.0, k.sum()), (src[k], dst[k])), shape=(n, n))
    return clear(L, rng.uniform(0.0, 1.0, (20, n)), method="worklist").payments


def test_a_fresh_process_clears_without_loading_numba(built: Path) -> None:
    got = _fresh({_aot.KERNEL_DIR_ENV: str(built), _aot.AOT_ENV: "load"})
    assert got["numba"] is False and got["method"] == "worklist"
    np.testing.assert_array_equal(np.array(got["payments"]), _in_process())


def test_turned_off_it_is_numba(built: Path) -> None:
    got = _fresh({_aot.KERNEL_DIR_ENV: str(built), _aot.AOT_ENV: "0"})
    assert got["numba"] is True
    np.testing.assert_array_equal(np.array(got["payments"]), _in_process())


@pytest.mark.parametrize("damage", ["flip", "group-writable"])
def test_a_module_that_cannot_be_trusted_is_not_loaded(built: Path, tmp_path: Path, damage: str) -> None:
    folder = tmp_path / "k"
    shutil.copytree(built, folder)
    os.chmod(folder, 0o700)
    so = next(p for p in folder.iterdir() if not p.name.endswith(".sha256"))
    if damage == "flip":
        blob = bytearray(so.read_bytes())
        blob[5000:5004] = b"\xff\xff\xff\xff"
        so.write_bytes(bytes(blob))
    else:
        os.chmod(so, 0o664)
    got = _fresh({_aot.KERNEL_DIR_ENV: str(folder), _aot.AOT_ENV: "load"})
    assert got["numba"] is True  # numba's kernel instead, same answer
    np.testing.assert_array_equal(np.array(got["payments"]), _in_process())
    if damage == "flip":
        assert not so.exists()  # removed: built again by a later process


def test_a_missing_module_is_built_in_the_background_once(tmp_path: Path, monkeypatch) -> None:
    started = []
    monkeypatch.setattr(_aot.subprocess, "Popen", lambda *a, **k: started.append(a[0]))
    monkeypatch.setenv(_aot.KERNEL_DIR_ENV, str(tmp_path / "k"))
    monkeypatch.delenv(_aot.AOT_ENV, raising=False)
    monkeypatch.setattr(_aot, "_started", False)
    assert _aot.start_build() is True
    assert started and started[0][1:3] == ["-m", "dealweb.sim._aot"]
    assert _aot.start_build() is False  # once per process
    monkeypatch.setattr(_aot, "_started", False)
    assert _aot.start_build() is False  # a build is under way (its lock is fresh)
    monkeypatch.setattr(_aot, "_started", False)
    monkeypatch.setenv(_aot.AOT_ENV, "load")
    (tmp_path / "k" / ".building").unlink()
    assert _aot.start_build() is False and len(started) == 1  # never built when only loading is allowed
