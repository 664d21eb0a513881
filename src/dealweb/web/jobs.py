"""Background jobs with progress a page can poll: the stress scenarios run here, off the request thread.

Jobs wait in one bounded queue and run on a fixed number of worker threads (one by default: a stress run
uses every core it is given, so two at once only share them). A job past the queue's bound is refused with
:class:`QueueFull` (the app answers HTTP 429); every job says where it stands in the queue
(``queue_position``: jobs ahead of it) and how long the queue is (``queue_length``).
"""

from __future__ import annotations

import collections
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from dealweb.errors import DealwebError

__all__ = ["Job", "JobBoard", "QueueFull"]

ProgressFn = Callable[[int, int], None]


class QueueFull(DealwebError):
    """The job queue holds its maximum of waiting jobs: try again when one has finished."""


@dataclass
class Job:
    """One background run: ``state`` is ``queued``, ``running``, ``done`` or ``failed``."""

    id: str
    kind: str
    params: dict[str, Any]
    state: str = "queued"
    done: int = 0
    total: int = 0
    result: Any = None
    error: str = ""
    started: float = field(default_factory=time.time)
    finished: float | None = None
    board: JobBoard | None = field(default=None, repr=False, compare=False)

    def as_dict(self) -> dict[str, Any]:
        """The job as JSON with stable keys.

        Keys: id, kind, params, state, done, total, progress (0..1), result, error, seconds, queue_position
        (jobs ahead of this one; 0 once it runs), queue_length (jobs waiting on the board).
        """
        progress = (self.done / self.total) if self.total else (1.0 if self.state == "done" else 0.0)
        end = self.finished if self.finished is not None else time.time()
        ahead, waiting = self.board.position(self) if self.board is not None else (0, 0)
        return {"id": self.id, "kind": self.kind, "params": self.params, "state": self.state, "done": self.done,
                "total": self.total, "progress": round(min(progress, 1.0), 4), "result": self.result,
                "error": self.error, "seconds": round(end - self.started, 3), "queue_position": ahead,
                "queue_length": waiting}


class JobBoard:
    """A bounded queue of jobs run by ``workers`` threads; keeps the last ``keep`` jobs for polling.

    Args:
        keep: finished jobs kept for polling.
        workers: jobs run at once.
        max_queued: jobs that may wait; one more is refused with :class:`QueueFull`.
    """

    def __init__(self, keep: int = 50, workers: int = 1, max_queued: int = 8) -> None:
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._ready = threading.Condition(self._lock)
        self._waiting: collections.deque[tuple[Job, Callable[[ProgressFn], Any]]] = collections.deque()
        self._keep = keep
        self._workers = max(1, workers)
        self._threads: list[threading.Thread] = []
        self.max_queued = max_queued

    def start(self, kind: str, params: dict[str, Any], run: Callable[[ProgressFn], Any]) -> Job:
        """Queue ``run(progress)``; ``progress(done, total)`` updates the job. Raises :class:`QueueFull`."""
        job = Job(uuid.uuid4().hex[:12], kind, dict(params), board=self)
        with self._lock:
            if len(self._waiting) >= self.max_queued:
                running = sum(1 for j in self._jobs.values() if j.state == "running")
                raise QueueFull(f"the job queue is full: {len(self._waiting)} waiting, {running} running",
                                "wait for a job to finish, then start this one again")
            self._jobs[job.id] = job
            self._waiting.append((job, run))
            done = [k for k, j in self._jobs.items() if j.state in ("done", "failed")]
            for old in done[:max(0, len(self._jobs) - self._keep)]:
                del self._jobs[old]
            if len(self._threads) < self._workers:
                t = threading.Thread(target=self._work, name=f"dealweb-jobs-{len(self._threads)}", daemon=True)
                self._threads.append(t)
                t.start()
            self._ready.notify()
        return job

    def _work(self) -> None:
        while True:
            with self._lock:
                while not self._waiting:
                    self._ready.wait()
                job, run = self._waiting.popleft()
                job.state = "running"

            def progress(done: int, total: int, job: Job = job) -> None:
                job.done, job.total = int(done), int(total)

            try:
                job.result = run(progress)
                job.state = "done"
            except Exception as exc:  # noqa: BLE001 - reported to the page, not raised into a dead thread
                job.error = f"{type(exc).__name__}: {exc}"
                job.state = "failed"
            finally:
                job.finished = time.time()

    def position(self, job: Job) -> tuple[int, int]:
        """``(jobs ahead of job in the queue, jobs waiting)``; ahead is 0 once the job runs."""
        with self._lock:
            waiting = [j.id for j, _ in self._waiting]
        ahead = waiting.index(job.id) if job.id in waiting else 0
        return ahead, len(waiting)

    def stats(self) -> dict[str, int]:
        """Stable keys: queued (waiting), running, max_queued, workers."""
        with self._lock:
            running = sum(1 for j in self._jobs.values() if j.state == "running")
            return {"queued": len(self._waiting), "running": running, "max_queued": self.max_queued,
                    "workers": self._workers}

    def get(self, job_id: str) -> Job | None:
        """The job with this id, or ``None``."""
        return self._jobs.get(job_id)
