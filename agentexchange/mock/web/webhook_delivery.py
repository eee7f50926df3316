"""Web layer: delivering webhooks — the I/O half (docs/architecture.md "Webhooks").

The domain (``domain/webhooks.py``) queues ``Delivery`` items in a bounded outbox and calls
``on_queued``; this ``WebhookSender`` runs on the server's event loop, takes them, and for
each POSTs the payload to the subscriber exactly as the platform does (``json.dumps``
with its default separators, ``Content-Type: application/json``, ``X-Webhook-Event``,
``X-Webhook-Signature`` = hex HMAC-SHA256 of the raw body keyed with the secret), plus the
mock's own ``X-Webhook-Timestamp`` and ``X-Webhook-Timestamp-Signature`` (extensions).
A 2xx is a delivery; anything else — another status, no answer within ``timeout``, a
refused address — is retried after each of ``retry_delays`` (the platform's 10, 30 and
60 s by default), then counted as failed. The outcome goes back to the domain
(``delivered`` / ``failed``).

Nothing here ever blocks the operation that fired the event: firing is an append and a
``call_soon_threadsafe``. At most ``concurrency`` POSTs are in flight and at most
``max_pending`` deliveries are being tried or waiting to be retried; the rest wait in the
domain's bounded outbox. Without local subscribers allowed, the host is resolved before
each try and a loopback, private or link-local address is refused (the platform's check);
documentation names (``example.com``, ``*.test``) fail at once, without a lookup.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

import httpx

from ..domain.webhooks import Delivery, Webhooks, blocked_address, parse_url, reserved_name

log = logging.getLogger("agentexchange.mock.webhooks")

RETRY_DELAYS = (10.0, 30.0, 60.0)  # the platform's countdowns (src/tasks/webhook_tasks.py)
TIMEOUT = 10.0  # the platform's HTTP timeout per try
CONCURRENCY = 16
MAX_PENDING = 1000

# (url, body, headers) -> the subscriber's status; raises on no answer.
Send = Callable[[str, bytes, Mapping[str, str]], Awaitable[int]]


class Unreachable(Exception):
    """The subscriber cannot be tried (a refused or unresolvable address)."""


def encode(payload: Mapping[str, Any]) -> bytes:
    """The body as the platform writes it: ``json.dumps(payload, default=str)``."""
    return json.dumps(payload, default=str).encode("utf-8")


def sign(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def signed_headers(delivery: Delivery, body: bytes, now: float) -> dict[str, str]:
    """The headers of one try: the platform's three, and the mock's signed timestamp."""
    stamp = str(int(now))
    return {
        "Content-Type": "application/json",
        "X-Webhook-Event": delivery.event,
        "X-Webhook-Signature": sign(delivery.secret, body),
        "X-Webhook-Timestamp": stamp,
        "X-Webhook-Timestamp-Signature": sign(delivery.secret, stamp.encode() + b"." + body),
    }


class WebhookSender:
    def __init__(
        self,
        webhooks: Webhooks,
        *,
        allow_local: bool = False,
        retry_delays: Sequence[float] = RETRY_DELAYS,
        timeout: float = TIMEOUT,
        concurrency: int = CONCURRENCY,
        max_pending: int = MAX_PENDING,
        send: Send | None = None,
    ) -> None:
        """``send`` replaces the HTTP POST (and the address check) — for tests that must
        not leave the machine whatever URLs they subscribe."""
        if concurrency < 1 or max_pending < 1 or timeout <= 0:
            raise ValueError("concurrency, max_pending and timeout must be positive")
        if any(d < 0 for d in retry_delays):
            raise ValueError("retry delays cannot be negative")
        self.webhooks = webhooks
        self.allow_local = allow_local
        self.retry_delays = tuple(retry_delays)
        self.timeout = timeout
        self.max_pending = max_pending
        self._concurrency = concurrency
        self._send_override = send
        self._client: httpx.AsyncClient | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None
        self._slots: asyncio.Semaphore | None = None
        self._runner: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    # ------------------------------------------------------------ lifecycle
    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        self._slots = asyncio.Semaphore(self._concurrency)
        if self._send_override is None:
            # No redirects followed (a 3xx is not a delivery), no proxies from the environment.
            self._client = httpx.AsyncClient(
                timeout=self.timeout, follow_redirects=False, trust_env=False
            )
        self._runner = asyncio.create_task(self._run(), name="webhook-sender")
        self.webhooks.on_queued = self._notify
        self._wake.set()  # deliveries queued before the server started

    async def stop(self) -> None:
        self.webhooks.on_queued = None
        tasks = [t for t in (self._runner, *self._tasks) if t is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._client is not None:
            await self._client.aclose()

    def _notify(self) -> None:
        # Called by the domain on whatever thread fired the event (a handler on this loop,
        # a strategy-test worker thread): hand over to the loop and return at once.
        loop, wake = self._loop, self._wake
        if loop is not None and wake is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                loop.call_soon_threadsafe(wake.set)

    async def _run(self) -> None:
        assert self._wake is not None
        while True:
            await self._wake.wait()
            self._wake.clear()
            while len(self._tasks) < self.max_pending:
                delivery = self.webhooks.take()
                if delivery is None:
                    break
                task = asyncio.create_task(self._deliver(delivery))
                self._tasks.add(task)
                task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if self._wake is not None and self.webhooks.queued():
            self._wake.set()  # room for one more

    # ------------------------------------------------------------ one delivery
    async def _deliver(self, delivery: Delivery) -> None:
        body = encode(delivery.payload)
        for attempt, delay in enumerate((0.0, *self.retry_delays)):
            if delay:
                await asyncio.sleep(delay)
            if not self.webhooks.exists(delivery.webhook_id):
                return  # deleted meanwhile: no more tries, nothing to record
            try:
                status = await self._try(delivery, body)
            except Unreachable as exc:
                log.warning(
                    "webhook %s to %s not sent: %s", delivery.event, delivery.webhook_id, exc
                )
                break  # a refused address stays refused: no retries
            except (httpx.HTTPError, OSError) as exc:
                status = None
                log.info(
                    "webhook %s try %d failed: %s", delivery.event, attempt + 1, type(exc).__name__
                )
            if status is not None and 200 <= status < 300:
                self.webhooks.delivered(delivery.webhook_id)
                return
        self.webhooks.failed(delivery.webhook_id)

    async def _try(self, delivery: Delivery, body: bytes) -> int:
        assert self._slots is not None
        async with self._slots:
            headers = signed_headers(delivery, body, time.time())
            if self._send_override is not None:
                return await self._send_override(delivery.url, body, headers)
            await self._check_address(delivery.url)
            assert self._client is not None
            response = await self._client.post(delivery.url, content=body, headers=headers)
            return response.status_code

    async def _check_address(self, url: str) -> None:
        """The platform's check before each delivery: every address the host resolves
        to must be public (unless local subscribers are allowed)."""
        if self.allow_local:
            return
        parsed = parse_url(url)
        if reserved_name(parsed.host):
            raise Unreachable(f"{parsed.host!r} is a reserved name")
        loop = asyncio.get_running_loop()
        try:
            infos = await asyncio.wait_for(
                loop.getaddrinfo(parsed.host, parsed.port or 443), self.timeout
            )
        except (OSError, TimeoutError) as exc:
            raise Unreachable(f"{parsed.host!r} does not resolve: {exc}") from None
        for *_, sockaddr in infos:
            network = blocked_address(str(sockaddr[0]))
            if network is not None:
                raise Unreachable(f"{parsed.host!r} resolves into {network}")
