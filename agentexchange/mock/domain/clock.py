"""Domain layer: The mock exchange's sense of time.

docs/architecture.md "Domain core": a clock the tests can drive. Every part of the domain
core reads the time from one ``SimClock``; the server's tick loop advances it with
wall-clock time, and tests advance it through Python (there is no admin route in the
public API).
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta


class SimClock:
    """Simulated UTC time that only moves forward, and only when told to."""

    def __init__(self, start: datetime | None = None) -> None:
        now = start or datetime.now(UTC)
        if now.tzinfo is None:
            raise ValueError("SimClock needs an aware datetime")
        # Whole seconds keep candle boundaries and JSON timestamps tidy.
        self._now = now.astimezone(UTC).replace(microsecond=0)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        return self._now

    def timestamp(self) -> float:
        return self._now.timestamp()

    def advance(self, seconds: float) -> datetime:
        if seconds < 0:
            raise ValueError("time only moves forward")
        with self._lock:
            self._now = self._now + timedelta(seconds=seconds)
            return self._now
