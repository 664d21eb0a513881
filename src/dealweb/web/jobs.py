"""Background jobs with progress a page can poll: the stress scenarios run here, off the request thread."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Job", "JobBoard"]

ProgressFn = Callable[[int, int], None]


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

    def as_dict(self) -> dict[str, Any]:
        """Stable keys: id, kind, params, state, done, total, progress (0..1), result, error, seconds."""
        progress = (self.done / self.total) if self.total else (1.0 if self.state == "done" else 0.0)
        end = self.finished if self.finished is not None else time.time()
        return {"id": self.id, "kind": self.kind, "params": self.params, "state": self.state, "done": self.done,
                "total": self.total, "progress": round(min(progress, 1.0), 4), "result": self.result,
                "error": self.error, "seconds": round(end - self.started, 3)}


class JobBoard:
    """Starts jobs on daemon threads and keeps the last ``keep`` of them for polling."""

    def __init__(self, keep: int = 50) -> None:
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._keep = keep

    def start(self, kind: str, params: dict[str, Any], run: Callable[[ProgressFn], Any]) -> Job:
        """Run ``run(progress)`` in the background; ``progress(done, total)`` updates the job."""
        job = Job(uuid.uuid4().hex[:12], kind, dict(params))

        def progress(done: int, total: int) -> None:
            job.done, job.total = int(done), int(total)

        def target() -> None:
            job.state = "running"
            try:
                job.result = run(progress)
                job.state = "done"
            except Exception as exc:  # noqa: BLE001 - reported to the page, not raised into a dead thread
                job.error = f"{type(exc).__name__}: {exc}"
                job.state = "failed"
            finally:
                job.finished = time.time()

        with self._lock:
            self._jobs[job.id] = job
            for old in list(self._jobs)[:-self._keep]:
                del self._jobs[old]
        threading.Thread(target=target, name=f"dealweb-{kind}-{job.id}", daemon=True).start()
        return job

    def get(self, job_id: str) -> Job | None:
        """The job with this id, or ``None``."""
        return self._jobs.get(job_id)
