"""Backtest sessions of the run's own, so a contract run's session operations really succeed.

docs/architecture.md "Contract tests": the twenty operations under
``/backtest/{session_id}/…`` answer 2xx only for a session of the caller's that is running,
and generated ids never name one (404), so without help their success responses would go
unchecked. Two things keep them honest:

- ``running(headers)``: one session of the run's own, created and started through the
  document's own operations (``get_data_range`` for the history's end, ``get_pairs`` for a
  listed pair, ``create_backtest``, ``start_backtest``) over the last 30 days of one pair
  at one-minute steps, and checked with ``get_backtest_status`` before each use (a case
  may have stepped it to the end or cancelled it: a new one is made). The hooks point a
  share of the session cases at it (``compare_backtests`` compares it with itself), and a
  share of the ``start_backtest`` cases at a ``fresh`` session, created and not started.
- ``window(span)``: a servable ``create_backtest`` body; the hooks give it to half the
  positive generated creates (random dates are mostly refused, 422 or 400), so the
  stateful phase has sessions to start, step, trade in and read the results of.
- ``record`` / ``make_room``: the sessions the run's generated ``create_backtest`` cases
  open are remembered, and before each new create the oldest beyond ``KEEP_OPEN`` are
  cancelled, so a server's limit on open sessions (the mock allows 10 per account)
  answers the run's creates 409 only when the run itself is not the cause — otherwise
  the stateful phase, which comes last, could never open the session it walks.

Nothing here may fail the run: any problem gives ``None`` and the case stays as generated.
Pure httpx and plain dicts, like ``pending``; ``hooks`` wires it into schemathesis.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from .credentials import call_operation
from .pending import listed_pairs

RANGE_OPERATION = "get_data_range"
PAIRS_OPERATION = "get_pairs"
CREATE_OPERATION = "create_backtest"
START_OPERATION = "start_backtest"
STATUS_OPERATION = "get_backtest_status"
CANCEL_OPERATION = "cancel_backtest"
SESSION_ID = "session_id"
# Sessions the run's generated creates may leave open; the rest are cancelled, oldest first.
KEEP_OPEN = 4
# Our own session: long enough that a generated step rarely finishes it.
SESSION_SPAN = timedelta(days=30)
# A generated create given a servable window (hooks.freshen_session): short enough that
# the stateful phase's steps can finish it and read its results.
GENERATED_SPAN = timedelta(hours=2)
CANDLE_INTERVAL = 60
STARTING_BALANCE = "10000"


class RunSessions:
    """The run's own running session, and the sessions its generated cases opened."""

    def __init__(
        self,
        base_url: str,
        raw_schema: Mapping[str, Any],
        *,
        timeout: float = 10.0,
        client: httpx.Client | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._schema = raw_schema
        self._client = client or httpx.Client(timeout=timeout)
        self._lock = threading.Lock()
        self._opened: deque[tuple[str, dict[str, str]]] = deque()
        self._current: str | None = None
        self._history: tuple[datetime, str] | None = None  # the history's end, a listed pair

    # -- sessions the generated cases open ------------------------------------------------

    def record(self, session_id: str, headers: Mapping[str, str]) -> None:
        """A generated ``create_backtest`` opened ``session_id`` with these credentials."""
        with self._lock:
            self._opened.append((session_id, dict(headers)))

    def make_room(self) -> None:
        """Cancel the oldest sessions the run opened, leaving ``KEEP_OPEN - 1`` of them.

        A finished one answers 404 to both calls and is simply forgotten.
        """
        while True:
            with self._lock:
                if len(self._opened) < KEEP_OPEN:
                    return
                session_id, headers = self._opened.popleft()
            path = {SESSION_ID: session_id}
            try:  # only a running session can be cancelled: one never started is started first
                if self._call(CANCEL_OPERATION, headers, path) is None:
                    if self._call(START_OPERATION, headers, path) is not None:
                        self._call(CANCEL_OPERATION, headers, path)
            except (httpx.HTTPError, ValueError):
                return

    def fresh(self, headers: Mapping[str, str]) -> str | None:
        """A new session of the run's own, created and not started (for ``start_backtest``).

        It is remembered like a generated create's session, so ``make_room`` cancels it
        once newer ones exist.
        """
        self.make_room()
        with self._lock:
            try:
                session_id = self._create(headers)
            except (httpx.HTTPError, KeyError, ValueError):
                return None
            if session_id is not None:
                self._opened.append((session_id, dict(headers)))
            return session_id

    # -- the run's own session -------------------------------------------------------------

    def running(self, headers: Mapping[str, str]) -> str | None:
        """The id of a running session of the run's own (made with ``headers``), or ``None``."""
        with self._lock:
            try:
                current = self._current
                if current is not None and self._status(current, headers) == "running":
                    return current
                self._current = self._open(headers)
                return self._current
            except (httpx.HTTPError, KeyError, ValueError):
                self._current = None
                return None

    def _status(self, session_id: str, headers: Mapping[str, str]) -> str | None:
        data = self._call(STATUS_OPERATION, headers, {SESSION_ID: session_id})
        status = data.get("status") if data is not None else None
        return status if isinstance(status, str) else None

    def _open(self, headers: Mapping[str, str]) -> str | None:
        session_id = self._create(headers)
        if session_id is None:
            return None
        started = self._call(START_OPERATION, headers, {SESSION_ID: session_id})
        return session_id if started is not None else None

    def _create(self, headers: Mapping[str, str]) -> str | None:
        body = self._session_body()
        if body is None:
            return None
        created = self._call(CREATE_OPERATION, headers, {}, json=body)
        session_id = created.get(SESSION_ID) if created is not None else None
        return session_id if isinstance(session_id, str) and session_id else None

    def window(self, span: timedelta) -> dict[str, Any] | None:
        """A ``create_backtest`` body the server can serve: ``span`` of one listed pair's history.

        The history's end and the pair are read once (``get_data_range``, ``get_pairs``);
        ``None`` if either cannot be read.
        """
        with self._lock:
            try:
                return self._window(span)
            except (httpx.HTTPError, KeyError, ValueError):
                return None

    def _session_body(self) -> dict[str, Any] | None:
        return self._window(SESSION_SPAN)

    def _window(self, span: timedelta) -> dict[str, Any] | None:
        if self._history is None:
            history = self._call(RANGE_OPERATION, {}, {})
            latest = _instant(history.get("latest")) if history is not None else None
            pairs = listed_pairs(self._call(PAIRS_OPERATION, {}, {}) or {})
            if latest is None or not pairs:
                return None
            self._history = (latest, str(pairs[0]["symbol"]))
        latest, symbol = self._history
        # Whole hours: on a step of every candle interval; an hour short of the history's end.
        end = latest.replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
        start = end - span
        return {
            "start_time": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "end_time": end.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "starting_balance": STARTING_BALANCE,
            "candle_interval": CANDLE_INTERVAL,
            "pairs": [symbol],
        }

    def _call(
        self,
        operation_id: str,
        headers: Mapping[str, str],
        path_parameters: Mapping[str, str],
        *,
        json: Any = None,
    ) -> Mapping[str, Any] | None:
        return call_operation(
            self._client,
            self.base_url,
            self._schema,
            operation_id,
            headers,
            path_parameters,
            json=json,
        )


def _instant(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
