"""The compiled clearing kernel in the default install, loaded lazily (issue 16)."""

import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np

from dealweb.sim.clearing import AUTO_NUMPY_UP_TO, clear

ROOT = Path(__file__).resolve().parents[1]


def test_numba_is_a_default_dependency():
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    assert any(d.startswith("numba") for d in deps)


def test_importing_sim_does_not_load_numba():
    code = "import sys, dealweb.sim, dealweb.sim.clearing; print('numba' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def _chain(n: int) -> np.ndarray:
    L = np.zeros((n, n))
    L[np.arange(n - 1), np.arange(1, n)] = 10.0
    return L


def test_auto_method_depends_on_the_web_size_only():
    # a chain 0 -> 1 -> ... -> n-1, each owing the next 10; entity 0 alone holds 4 outside: by hand, 0 pays
    # its 4 and each next one passes on exactly what it gets; the last one owes nothing
    for n, expect in ((AUTO_NUMPY_UP_TO, "fictitious_default"), (AUTO_NUMPY_UP_TO + 1, "worklist")):
        e = np.zeros(n)
        e[0] = 4.0
        for runs in (1, 3):
            res = clear(_chain(n), np.tile(e, (runs, 1)) if runs > 1 else e)
            assert res.method == expect
            expected = np.full(n, 4.0)
            expected[-1] = 0.0
            np.testing.assert_allclose(res.payments, np.broadcast_to(expected, res.payments.shape))
