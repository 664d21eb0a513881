"""Running independent tasks on an engine: this machine's cores, a dask cluster or a ray cluster.

One front function, :func:`map_tasks`, runs ``fn(item)`` for every item and returns the results in the
items' order, whatever the engine and whatever order the tasks finish in:

* ``"local"``: this process, one task after another (``jobs=1``), or a pool of ``jobs`` worker processes;
* ``"dask"``: a dask-distributed scheduler at ``address`` (``tcp://host:8786``), or, without an address,
  a local cluster of this machine's cores, started and stopped here;
* ``"ray"``: a ray cluster at ``address``, or a local one.

A task's result must not depend on where it runs: callers give every task what it needs (its own seed, as
``numpy.random.SeedSequence(seed, spawn_key=(k,))``), so a result is the same on every engine (tested).
A scheduler that does not answer within ``timeout`` seconds is one :class:`InputError` line with the hint
to run locally.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from dealweb.errors import InputError

__all__ = ["ENGINES", "TIMEOUT_ENV", "cores", "dask_client", "map_tasks"]

ENGINES = ("local", "dask", "ray")

Progress = Callable[[int], None]


def cores() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


#: Seconds to wait for a scheduler to answer (environment variable; default 10).
TIMEOUT_ENV = "DEALWEB_CLUSTER_TIMEOUT"


@contextmanager
def dask_client(address: str | None, timeout: float | None = None) -> Iterator[Any]:
    """A dask-distributed client: connected to ``address``, or to a local cluster made (and closed) here.

    ``timeout``: seconds to wait for the scheduler (default ``$DEALWEB_CLUSTER_TIMEOUT``, else 10).

    Raises:
        InputError: dask is not installed, or the scheduler at ``address`` does not answer.
    """
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise InputError("the dask engine needs dask[distributed]", "pip install 'dealweb[dask]'") from exc
    if address is None:
        cluster = LocalCluster(n_workers=cores(), threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
        try:
            yield client
        finally:
            client.close()
            cluster.close()
        return
    if timeout is None:
        try:
            timeout = float(os.environ.get(TIMEOUT_ENV, "10"))
        except ValueError:
            timeout = 10.0
    try:
        client = Client(address, timeout=timeout)
    except (OSError, TimeoutError, ValueError) as exc:
        reason = " ".join(str(exc).split())[:120] or type(exc).__name__
        raise InputError(f"cannot reach the dask scheduler at {address} ({reason})",
                         "check that the scheduler runs there, or run locally: leave out --address "
                         "(or use --engine local)") from None
    try:
        yield client
    finally:
        client.close()


def _local_pool(fn: Callable[[Any], Any], items: Sequence[Any], jobs: int, progress: Progress | None,
                initializer: Callable[..., None] | None, initargs: tuple[Any, ...]) -> list[Any]:
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor, as_completed

    # fork where there is one: workers inherit the caller's memory (a ledger) instead of pickling it; the
    # pool is started before any progress display thread exists
    ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
    out: list[Any] = [None] * len(items)
    # the caller's objects are moved out of the collector's reach before the fork: a forked worker's
    # collections would otherwise touch (and so copy) every page of the parent's heap it inherited
    frozen = ctx.get_start_method() == "fork"
    if frozen:
        gc.collect()
        gc.freeze()
    try:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=initializer,
                                 initargs=initargs) as pool:
            futures = {pool.submit(fn, item): k for k, item in enumerate(items)}
            for fut in as_completed(futures):
                out[futures[fut]] = fut.result()
                if progress:
                    progress(1)
    finally:
        if frozen:
            gc.unfreeze()
    return out


def map_tasks(fn: Callable[[Any], Any], items: Sequence[Any], *, engine: str = "local", jobs: int = 1,
              address: str | None = None, progress: Progress | None = None,
              initializer: Callable[..., None] | None = None, initargs: tuple[Any, ...] = (),
              shared: Any = None) -> list[Any]:
    """``[fn(item) for item in items]`` on ``engine``, in the items' order.

    Args:
        fn: a module-level function (it is sent to other processes by reference).
        items: the tasks' arguments.
        engine: ``local``, ``dask`` or ``ray``.
        jobs: worker processes for ``local`` (1: this process, no pool).
        address: scheduler address for ``dask``/``ray`` (``None``: a local cluster).
        progress: called with 1 after each finished task.
        initializer: called once in each local worker process (``local`` with ``jobs > 1``) with
            ``initargs``, and once here before the tasks when ``jobs == 1``.
        initargs: its arguments.
        shared: for ``dask``/``ray``: a value sent once to the cluster and passed to every task as
            ``fn(item, shared)`` (``local`` uses ``initializer`` instead).
    """
    if engine not in ENGINES:
        raise InputError(f"unknown engine {engine!r}", "use local, dask or ray")
    if engine == "local":
        if jobs <= 1 or len(items) <= 1:
            if initializer is not None:
                initializer(*initargs)
            out = []
            for item in items:
                out.append(fn(item))
                if progress:
                    progress(1)
            return out
        return _local_pool(fn, items, min(jobs, len(items)), progress, initializer, initargs)
    if engine == "dask":
        from distributed import as_completed

        with dask_client(address) as client:
            extra = [client.scatter(shared, broadcast=True)] if shared is not None else []
            futures = [client.submit(fn, item, *extra, pure=False) for item in items]
            index = {f.key: k for k, f in enumerate(futures)}
            out = [None] * len(items)
            for fut in as_completed(futures):
                out[index[fut.key]] = fut.result()
                if progress:
                    progress(1)
            return out
    try:
        import ray
    except ImportError as exc:
        raise InputError("the ray engine needs ray", "pip install 'dealweb[ray]'") from exc
    started = False
    if not ray.is_initialized():
        try:
            ray.init(address=address, include_dashboard=False, log_to_driver=False)
        except (ConnectionError, TimeoutError, RuntimeError, ValueError) as exc:
            raise InputError(f"cannot reach the ray cluster at {address} ({' '.join(str(exc).split())[:120]})",
                             "check that the cluster runs there, or run locally: leave out --address "
                             "(or use --engine local)") from None
        started = True
    try:
        task = ray.remote(fn)
        extra = [ray.put(shared)] if shared is not None else []
        refs = [task.remote(item, *extra) for item in items]
        index = {r.hex(): k for k, r in enumerate(refs)}
        out = [None] * len(items)
        pending = list(refs)
        while pending:
            done, pending = ray.wait(pending, num_returns=1)
            out[index[done[0].hex()]] = ray.get(done[0])
            if progress:
                progress(1)
        return out
    finally:
        if started:
            ray.shutdown()
