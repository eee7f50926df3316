"""Retry policy of the request pipeline (hand-written; docs/architecture.md "Transport").

Pure decisions, no I/O: ``_transport.py`` asks :class:`RetryPolicy` whether an attempt
that failed may be sent again and how long to wait first, then does the waiting with
an injectable sleep. The rules, in short:

* Retryable outcomes: a connection error, 408, 429, 502, 503, 504.
* A request that never left (``ConnectError``, ``ConnectTimeout``, ``PoolTimeout``) may
  always be sent again.
* Once sent, only a request whose repetition cannot change the outcome is resent:
  GET/HEAD/OPTIONS, and PUT (it replaces state; a second identical PUT leaves the same
  state and answers the same). DELETE is idempotent in effect but not in answer (a
  retried cancel that had succeeded reports "not cancellable"/404), so it counts as
  unsafe, like POST and PATCH.
* An unsafe request that was sent is resent only when the server refused it with
  ``Retry-After`` on a 429/503 (the request was not acted on), or when it carries an
  ``Idempotency-Key`` the server is known to honour (it has echoed our key back). The
  real platform ignores the key, so against it an order is never sent twice.

Backoff: ``0.5 s * 2**n``, ±25 % jitter, at most 8 s, from :func:`backoff_delay` — the
one backoff of the SDK, which the WebSocket client's reconnects use too. ``Retry-After`` (seconds or an
HTTP date) is honoured up to 60 s; a server asking for longer is not retried silently:
the caller gets the :class:`~agentexchange.exceptions.RateLimitError` with
``retry_after`` and decides.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

RETRYABLE_STATUSES = frozenset({408, 429, 502, 503, 504})
# Statuses whose Retry-After means "refused, not processed": safe to resend anything.
REFUSAL_STATUSES = frozenset({429, 503})
# Methods whose repetition after delivery cannot change the result (see module doc).
RESEND_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT"})
# Transport errors raised before any byte of the request reached the server.
NOT_SENT_ERRORS: tuple[type[httpx.TransportError], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
)

INITIAL_DELAY = 0.5
MAX_DELAY = 8.0
MAX_RETRY_AFTER = 60.0
JITTER = 0.25


def backoff_delay(
    attempt: int,
    initial: float,
    maximum: float,
    *,
    spread: tuple[float, float] = (0.75, 1.0),
    rand: Callable[[], float] = random.random,
) -> float:
    """Delay before retry ``attempt`` (0-based): ``initial·2^attempt`` capped at ``maximum``,
    scaled by a random factor in ``spread`` (and capped again), so that clients that failed
    together do not come back together."""
    base = min(maximum, initial * (2.0 ** min(attempt, 64)))
    low, high = spread
    return min(maximum, base * (low + (high - low) * rand()))


def parse_retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or HTTP date), else None."""
    raw = headers.get("retry-after")
    if raw is None:
        return None
    raw = raw.strip()
    try:
        seconds = float(raw)
    except ValueError:
        try:
            when = parsedate_to_datetime(raw)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - datetime.now(UTC)).total_seconds()
    if seconds != seconds or seconds in (float("inf"), float("-inf")):  # NaN / inf
        return None
    return max(0.0, seconds)


@dataclass(slots=True)
class RetryPolicy:
    """How many times, when, and after how long a failed attempt is sent again."""

    max_retries: int = 2
    initial_delay: float = INITIAL_DELAY
    max_delay: float = MAX_DELAY
    max_retry_after: float = MAX_RETRY_AFTER
    jitter: float = JITTER
    rand: Callable[[], float] = field(default=random.random)

    def _delay(self, retry_index: int) -> float:
        # Jitter of ±25 % around the exponential step (then capped).
        spread = (1.0 - self.jitter, 1.0 + self.jitter)
        return backoff_delay(
            retry_index, self.initial_delay, self.max_delay, spread=spread, rand=self.rand
        )

    def delay_for_response(
        self,
        *,
        method: str,
        status: int,
        retry_after: float | None,
        retry_index: int,
        key_honoured: bool,
    ) -> float | None:
        """Seconds to wait before resending after ``status``, or None: do not retry."""
        if retry_index >= self.max_retries or status not in RETRYABLE_STATUSES:
            return None
        refused = status in REFUSAL_STATUSES and retry_after is not None
        if not (method in RESEND_SAFE_METHODS or refused or key_honoured):
            return None
        if retry_after is not None:
            if retry_after > self.max_retry_after:
                return None  # too long to block silently; the caller sees retry_after
            return retry_after
        return self._delay(retry_index)

    def delay_for_error(
        self,
        *,
        method: str,
        error: httpx.TransportError,
        retry_index: int,
        key_honoured: bool,
    ) -> float | None:
        """Seconds to wait before resending after a transport error, or None."""
        if retry_index >= self.max_retries:
            return None
        if isinstance(error, httpx.UnsupportedProtocol):
            return None  # a bad base_url does not get better by waiting
        never_sent = isinstance(error, NOT_SENT_ERRORS)
        if not (never_sent or method in RESEND_SAFE_METHODS or key_honoured):
            return None
        return self._delay(retry_index)
