"""A webhook subscriber on a loopback port, for the delivery tests and the benchmark.

Not a conftest: import it. ``Subscriber`` records every POST (headers, raw body, arrival
time) on a queue the test waits on, answers with the statuses it is given (the last one
repeats), and can hold a request unanswered until released — or never answer at all.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float  # time.monotonic() on arrival


class Subscriber:
    def __init__(self, statuses: Sequence[int] = (200,), *, hold: bool = False) -> None:
        self.statuses = list(statuses)
        self.hold = hold  # keep each request unanswered until release() (or forever)
        self.released = threading.Event()
        self.requests: queue.Queue[Received] = queue.Queue()
        self.count = 0
        self._lock = threading.Lock()
        subscriber = self

        class Handler(BaseHTTPRequestHandler):
            # HTTP/1.0: one request per connection, so no handler thread outlives its test
            # waiting on a kept-alive socket.
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                with subscriber._lock:
                    status = subscriber.statuses[
                        min(subscriber.count, len(subscriber.statuses) - 1)
                    ]
                    subscriber.count += 1
                subscriber.requests.put(
                    Received(self.path, dict(self.headers.items()), body, time.monotonic())
                )
                if subscriber.hold:
                    subscriber.released.wait(60)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:  # quiet
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/hook"

    def next(self, timeout: float = 10.0) -> Received:
        """The next request that arrived, waiting at most ``timeout`` seconds for it."""
        return self.requests.get(timeout=timeout)

    def release(self) -> None:
        self.released.set()

    def __enter__(self) -> Subscriber:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)


def until(predicate: object, timeout: float = 10.0) -> None:
    """Wait for a state the server changes after answering (no event to wait on there)."""
    assert callable(predicate)
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.01)
