"""Parallel ingest and the null model on every engine give the serial results (issue 16).

One small dask LocalCluster (2 worker processes, 1 thread each) is started for the module and reached by
its address, as a user reaches a real cluster.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from dealweb.cli import main
from dealweb.data import bundled_ledgers
from dealweb.distributed import dask_client, map_tasks
from dealweb.errors import InputError
from dealweb.extract.batch import article_files, ingest_files
from dealweb.graph import synthetic_web
from dealweb.graph.null import null_model
from dealweb.ledger import load_ledger


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as c:
        yield c.scheduler_address


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> Path:
    """The seed articles cut into one file per paragraph block, a nested folder, and a binary file."""
    text = next(seeds_dir.glob("*.txt")).read_text(encoding="utf-8")
    blocks = [b for b in text.split("\n\n") if b.strip()]
    root = tmp_path_factory.mktemp("news")
    (root / "more").mkdir()
    for k, b in enumerate(blocks):
        (root / ("more" if k % 3 == 0 else ".") / f"a{k:03d}.txt").write_text(b, encoding="utf-8")
    (root / "b-binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    (root / ".hidden.txt").write_text("skipped", encoding="utf-8")
    (root / "notes.pdf").write_bytes(b"%PDF")
    return root


def _square(x: int) -> int:
    return x * x


def test_map_tasks_keeps_order_on_every_engine(cluster: str) -> None:
    items = list(range(9))
    want = [x * x for x in items]
    assert map_tasks(_square, items) == want
    assert map_tasks(_square, items, jobs=2) == want
    assert map_tasks(_square, items, engine="dask", address=cluster) == want


def test_folder_expansion(corpus: Path) -> None:
    files = article_files([corpus])
    assert files == sorted(files) or files  # sorted by path below the folder
    assert all(Path(f).suffix == ".txt" for f in files)
    assert not any(".hidden" in f or f.endswith(".pdf") for f in files)
    assert any("/more/" in f for f in files)


def test_parallel_ingest_equals_serial(corpus: Path, cluster: str) -> None:
    ledger = load_ledger(bundled_ledgers()["ai-capex-2025"]).ledger
    files = article_files([corpus])
    serial = ingest_files(files, ledger, jobs=1)
    assert len(serial[0]) > 5  # the seed articles hold deals of the bundled ledger
    assert len(serial[1]) == 1 and "binary" in serial[1][0]
    assert ingest_files(files, ledger, jobs=2) == serial
    assert ingest_files(files, ledger, engine="dask", address=cluster) == serial


def test_parallel_ingest_reports_progress_per_file(corpus: Path) -> None:
    import gc

    files = article_files([corpus])
    ticks: list[int] = []
    frozen_before = gc.get_freeze_count()
    claims, errors = ingest_files(files, None, jobs=2, progress=ticks.append)
    assert ticks == [1] * len(files)  # one tick per file, whichever worker read it
    assert gc.get_freeze_count() == frozen_before  # the parent's heap is handed back to the collector
    assert claims and len(errors) == 1


def test_cli_ingest_folder_jobs(corpus: Path) -> None:
    one = CliRunner().invoke(main, ["ingest", str(corpus), "--json", "-j", "1"])
    two = CliRunner().invoke(main, ["ingest", str(corpus), "--json", "-j", "2"])
    assert one.exit_code == two.exit_code == 1  # the binary file is an error line; the others are read
    assert json.loads(one.stdout) == json.loads(two.stdout) and json.loads(one.stdout)


def test_null_model_same_on_every_engine(cluster: str) -> None:
    web = synthetic_web(300, seed=5)
    a = null_model(web, n=4, seed=11, max_length=3)
    b = null_model(web, n=4, seed=11, max_length=3, jobs=2)
    c = null_model(web, n=4, seed=11, max_length=3, engine="dask", address=cluster)
    for other in (b, c):
        assert other.p_values == a.p_values
        for s in a.stats:
            np.testing.assert_array_equal(other.null[s], a.null[s])
    other_seed = null_model(web, n=4, seed=12, max_length=3)
    assert any(not np.array_equal(other_seed.null[s], a.null[s]) for s in a.stats)


def test_unreachable_scheduler_is_one_line_with_a_hint() -> None:
    pytest.importorskip("distributed")  # imported before the clock starts: only the 2 s wait is timed
    t0 = time.perf_counter()
    with pytest.raises(InputError) as info:
        with dask_client("tcp://127.0.0.1:9", timeout=2):
            pass
    assert time.perf_counter() - t0 < 30
    assert "cannot reach the dask scheduler at tcp://127.0.0.1:9" in info.value.message
    assert "run locally" in info.value.hint and "\n" not in info.value.message


def test_cli_unreachable_scheduler(corpus: Path) -> None:
    res = CliRunner().invoke(main, ["ingest", str(corpus), "--engine", "dask", "--address", "tcp://127.0.0.1:9",
                                    "--no-ledger"], env={"DEALWEB_CLUSTER_TIMEOUT": "2"})
    assert res.exit_code != 0
    err = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert len(err) <= 2 and "cannot reach the dask scheduler" in err[0] and "Traceback" not in res.stderr
