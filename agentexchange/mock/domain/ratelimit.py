"""Domain layer: Fixed-window request counters for the mock exchange's rate limits.

docs/decisions.md "Mock exchange": rate limits per account with 429, Retry-After and
X-RateLimit-* headers, with the real platform's numbers. Rate limits are about real
request rates, not the simulated market, so windows run on ``time.monotonic`` and the
``X-RateLimit-Reset`` header is wall-clock Unix time; both clocks are injectable for
tests. Which bucket a request falls into is ``gatekeeper.py``'s business.

``note_failure``/``refuse_if_over`` count *distinct* items (refused credentials) per key in
the same fixed windows: failed authentication is limited per client address by how many
different credentials were refused, so guessing is stopped and a client repeating one
stale key is not (docs/decisions.md "Mock exchange").
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Hashable

from .errors import DomainError

WINDOW_SECONDS = 60
MAX_BUCKETS = 100_000  # past this, expired windows are swept (bounded memory)


class RateLimiter:
    def __init__(
        self,
        *,
        timer: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self._timer = timer
        self._wall = wall
        self._lock = threading.Lock()
        self._windows: dict[Hashable, list[float]] = {}  # key -> [window start, count]
        # key -> (window start, distinct items seen in it)
        self._distinct: dict[Hashable, tuple[float, set[Hashable]]] = {}

    def hit(self, key: Hashable, limit: int, window: int = WINDOW_SECONDS) -> dict[str, str]:
        """Count one request; its X-RateLimit-* headers, or DomainError 429 when over."""
        with self._lock:
            now = self._timer()
            state = self._windows.get(key)
            if state is None or now - state[0] >= window:
                if len(self._windows) >= MAX_BUCKETS:
                    self._sweep(now, window)
                state = self._windows[key] = [now, 0.0]
            left = max(0.0, state[0] + window - now)
            headers = {
                "X-RateLimit-Limit": str(limit),
                "X-RateLimit-Reset": str(math.ceil(self._wall() + left)),
            }
            if state[1] >= limit:
                retry = max(1, math.ceil(left))
                headers["X-RateLimit-Remaining"] = "0"
                headers["Retry-After"] = str(retry)
                raise DomainError(
                    "RATE_LIMIT_EXCEEDED",
                    "Too many requests.",
                    429,
                    {"limit": limit, "window_seconds": window, "retry_after_seconds": retry},
                    headers,
                )
            state[1] += 1
            headers["X-RateLimit-Remaining"] = str(limit - int(state[1]))
            return headers

    def note_failure(
        self, key: Hashable, item: Hashable, limit: int, window: int = WINDOW_SECONDS
    ) -> None:
        """Remember one refused ``item`` under ``key`` (repeats count once; at most ``limit`` kept)."""
        with self._lock:
            now = self._timer()
            state = self._distinct.get(key)
            if state is None or now - state[0] >= window:
                if len(self._distinct) >= MAX_BUCKETS:
                    for stale in [k for k, v in self._distinct.items() if now - v[0] >= window]:
                        del self._distinct[stale]
                state = self._distinct[key] = (now, set())
            if len(state[1]) < limit:
                state[1].add(item)

    def refuse_if_over(
        self, key: Hashable, limit: int, window: int = WINDOW_SECONDS, *, message: str
    ) -> None:
        """DomainError 429 (with Retry-After) while ``key`` has ``limit`` distinct failures in its window."""
        with self._lock:
            now = self._timer()
            state = self._distinct.get(key)
            if state is None or now - state[0] >= window or len(state[1]) < limit:
                return
            left = max(0.0, state[0] + window - now)
            retry = max(1, math.ceil(left))
            raise DomainError(
                "RATE_LIMIT_EXCEEDED",
                message,
                429,
                {"limit": limit, "window_seconds": window, "retry_after_seconds": retry},
                {
                    "X-RateLimit-Limit": str(limit),
                    "X-RateLimit-Remaining": "0",
                    "X-RateLimit-Reset": str(math.ceil(self._wall() + left)),
                    "Retry-After": str(retry),
                },
            )

    def _sweep(self, now: float, window: int) -> None:
        for key in [k for k, v in self._windows.items() if now - v[0] >= window]:
            del self._windows[key]
