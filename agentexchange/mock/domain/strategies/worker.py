"""Domain layer: A small, bounded pool of threads that runs strategy tests off the request path.

docs/decisions.md "Mock exchange": strategy tests run in a small, bounded background
pool. Jobs are ids in a bounded queue (a full queue refuses instead of growing); threads
start on the first job, so an ``Exchange`` that never runs a test costs no threads.
``close()`` sets a stop flag the running jobs poll, hands back the ids that never started
and joins.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable

log = logging.getLogger("agentexchange.mock.strategies")

_STOP = object()


class TestWorker:
    __test__ = False  # not a pytest test class

    def __init__(
        self, run: Callable[[str], None], *, threads: int = 2, max_queue: int = 64
    ) -> None:
        if threads < 1 or max_queue < 1:
            raise ValueError("threads and max_queue must be at least 1")
        self._run = run
        self._threads_wanted = threads
        self._max_queue = max_queue
        # Room for one stop marker per thread on top of the jobs; submit enforces max_queue.
        self._queue: queue.Queue[object] = queue.Queue(maxsize=max_queue + threads)
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self.stopping = threading.Event()

    def submit(self, job_id: str) -> bool:
        """Queue a job; False when the queue is full or the worker is closed."""
        with self._lock:
            if self.stopping.is_set() or self._queue.qsize() >= self._max_queue:
                return False
            self._queue.put_nowait(job_id)
            if not self._threads:
                for n in range(self._threads_wanted):
                    thread = threading.Thread(
                        target=self._loop, name=f"strategy-test-{n}", daemon=True
                    )
                    thread.start()
                    self._threads.append(thread)
            return True

    def _loop(self) -> None:
        while True:
            job = self._queue.get()
            if job is _STOP or self.stopping.is_set():
                return
            try:
                self._run(str(job))
            except Exception:  # a failing job must not kill the thread
                log.exception("strategy test %s crashed", job)

    def close(self, timeout: float = 5.0) -> list[str]:
        """Stop: running jobs see ``stopping``; returns the ids that never started."""
        with self._lock:
            if self.stopping.is_set():
                return []  # closed before: nothing left to hand back
            self.stopping.set()
            pending: list[str] = []
            while True:
                try:
                    job = self._queue.get_nowait()
                except queue.Empty:
                    break
                if job is not _STOP:
                    pending.append(str(job))
            for _ in self._threads:
                self._queue.put_nowait(_STOP)  # drained above, and there is room per thread
            threads = list(self._threads)
        for thread in threads:
            thread.join(timeout)
        return pending
