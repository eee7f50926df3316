"""Web layer: serving the mock exchange — the ASGI app, the market tick loop, webhook delivery, and uvicorn.

docs/architecture.md "Mock exchange": a real server on a real port. ``build_app`` joins
the domain core (``Exchange``) to the spec-driven HTTP layer (``MockApp``); ``Ticker``
advances simulated time with the wall clock; the ``WebhookSender`` delivers the domain's
queued webhooks on the same loop; ``bind_socket`` and ``serve`` put it on a
port. ``agentexchange mock`` itself (options, banner, demo credentials) is the top-level
``agentexchange.mock.cli``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Mapping
from typing import Any

import uvicorn

from ..domain.exchange import Exchange
from .app import MockApp
from .routes import all_handlers
from .spec import load_spec
from .webhook_delivery import WebhookSender
from .ws_hub import WsHub

log = logging.getLogger("agentexchange.mock")


class Ticker:
    """Advances the exchange by ``interval`` simulated seconds every ``interval`` real ones."""

    def __init__(self, exchange: Exchange, interval: float | None) -> None:
        self.exchange = exchange
        self.interval = interval
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        if self.interval and self.interval > 0:
            self._task = asyncio.create_task(self._run(self.interval), name="market-ticker")
            self.exchange.feed_running = True

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self.exchange.feed_running = False
        self.exchange.close()

    async def _run(self, interval: float) -> None:
        loop = asyncio.get_running_loop()
        next_at = loop.time() + interval
        while True:
            await asyncio.sleep(max(0.0, next_at - loop.time()))
            next_at += interval
            try:
                self.exchange.tick(interval)
            except Exception:  # a bad tick must not stop the market
                log.exception("market tick failed")


def build_app(
    exchange: Exchange,
    *,
    tick_interval: float | None = 1.0,
    validate_responses: bool = False,
    hub_options: Mapping[str, Any] | None = None,
    webhook_options: Mapping[str, Any] | None = None,
) -> MockApp:
    """The whole mock on one ASGI app; ``hub_options`` go to ``WsHub`` (e.g. a short
    ``ping_interval`` in tests), ``webhook_options`` to ``WebhookSender`` (e.g. short
    ``retry_delays``). The hub is ``app.websocket``."""
    ticker = Ticker(exchange, tick_interval)
    hub = WsHub(exchange, **(hub_options or {}))
    sender = WebhookSender(
        exchange.webhooks,
        allow_local=exchange.config.local_webhooks,
        **(webhook_options or {}),
    )

    async def startup() -> None:
        await hub.start()
        await sender.start()
        await ticker.start()

    async def shutdown() -> None:
        await hub.stop()
        await sender.stop()
        await ticker.stop()

    return MockApp(
        load_spec(),
        all_handlers(exchange),
        exchange.gatekeeper,
        websocket=hub,
        validate_responses=validate_responses,
        lifespan=startup,
        shutdown=shutdown,
    )


def bind_socket(host: str, port: int) -> socket.socket:
    """Bind before uvicorn starts, so ``--port 0`` can report the port it got."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError:
        sock.close()  # a busy port is reported by the caller, without a leaked socket
        raise
    sock.set_inheritable(True)
    return sock


def serve(app: MockApp, sock: socket.socket, *, log_level: str) -> None:
    """Run ``app`` under uvicorn on the bound ``sock`` until interrupted."""
    server = uvicorn.Server(
        uvicorn.Config(
            app, log_level=log_level, access_log=False, lifespan="on", ws="websockets-sansio"
        )
    )
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # pragma: no cover - uvicorn handles SIGINT itself
        pass
