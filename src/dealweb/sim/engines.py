"""Run a simulation's runs in chunks on an engine: ``local`` (this process), ``dask`` or ``ray``.

Runs are cut into contiguous chunks; every run draws from its own ``SeedSequence(seed, spawn_key=(r,))``
(``dealweb.sim.montecarlo.run_uniforms``), so the result is the same whatever the engine and chunk size.
"""

from __future__ import annotations

from collections.abc import Callable

from dealweb.errors import InputError
from dealweb.sim.montecarlo import ChunkResult, Model, run_chunk

__all__ = ["ENGINES", "chunks", "run_model"]

ENGINES = ("local", "dask", "ray")


def chunks(runs: int, size: int) -> list[tuple[int, int]]:
    """``[(start, stop), ...]`` covering ``0..runs-1`` in pieces of at most ``size`` runs."""
    size = max(1, int(size))
    return [(a, min(runs, a + size)) for a in range(0, runs, size)]


def run_model(
    model: Model,
    runs: int | None = None,
    *,
    engine: str = "local",
    chunk_size: int = 500,
    address: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> ChunkResult:
    """Simulate ``runs`` runs (default: the scenario's) of ``model`` on ``engine``; per-run results in run order.

    Args:
        model: from :func:`dealweb.sim.montecarlo.build_model`.
        runs: number of runs (default ``model.scenario.runs``).
        engine: ``local``, ``dask`` (an existing scheduler at ``address``, else a local cluster) or ``ray``
            (``address`` of an existing cluster, else a local one).
        chunk_size: runs per task.
        address: scheduler address for dask/ray.
        progress: called with the number of runs finished after each chunk.
    """
    runs = model.scenario.runs if runs is None else runs
    pieces = chunks(runs, chunk_size)
    if engine == "local":
        parts = []
        for a, b in pieces:
            parts.append(run_chunk(model, a, b))
            if progress:
                progress(b - a)
        return ChunkResult.concat(parts)
    if engine == "dask":
        return _run_dask(model, pieces, address, progress)
    if engine == "ray":
        return _run_ray(model, pieces, address, progress)
    raise InputError(f"unknown engine {engine!r}", "use local, dask or ray")


def _run_dask(model: Model, pieces: list[tuple[int, int]], address: str | None,
              progress: Callable[[int], None] | None) -> ChunkResult:
    try:
        from distributed import Client, get_client
    except ImportError as exc:
        raise InputError("the dask engine needs dask[distributed]", "pip install 'dealweb[dask]'") from exc
    own = None
    if address is not None:  # a scheduler that does not answer: one line and the hint to run locally
        from dealweb.distributed import dask_client

        with dask_client(address) as client:
            return _on_client(client, model, pieces, progress)
    try:
        client = get_client()
    except ValueError:
        own = client = Client(processes=False, dashboard_address=None)
    try:
        return _on_client(client, model, pieces, progress)
    finally:
        if own is not None:
            own.close()


def _on_client(client: object, model: Model, pieces: list[tuple[int, int]],
               progress: Callable[[int], None] | None) -> ChunkResult:
    from distributed import as_completed

    future_model = client.scatter(model, broadcast=True)  # type: ignore[attr-defined]
    futures = [client.submit(run_chunk, future_model, a, b, pure=False) for a, b in pieces]  # type: ignore[attr-defined]
    parts = []
    for fut in as_completed(futures):
        part = fut.result()
        parts.append(part)
        if progress:
            progress(part.first_default.shape[0])
    return ChunkResult.concat(parts)


def _run_ray(model: Model, pieces: list[tuple[int, int]], address: str | None,
             progress: Callable[[int], None] | None) -> ChunkResult:
    try:
        import ray
    except ImportError as exc:
        raise InputError("the ray engine needs ray", "pip install 'dealweb[ray]'") from exc
    started = False
    if not ray.is_initialized():
        ray.init(address=address, include_dashboard=False, log_to_driver=False)
        started = True
    try:
        task = ray.remote(run_chunk)
        ref = ray.put(model)
        pending = [task.remote(ref, a, b) for a, b in pieces]
        parts = []
        while pending:
            done, pending = ray.wait(pending, num_returns=1)
            part = ray.get(done[0])
            parts.append(part)
            if progress:
                progress(part.first_default.shape[0])
        return ChunkResult.concat(parts)
    finally:
        if started:
            ray.shutdown()
