"""Running the mock exchange: the ASGI app, the market tick loop, and uvicorn.

DESIGN.md: a real server on a real port. ``build_app`` joins the domain core
(``Exchange``) to the spec-driven HTTP layer (``MockApp``); ``Ticker`` advances
simulated time with the wall clock; ``run_from_args`` is ``agentexchange mock``.
The demo account is printed once to stdout at start — the one place a secret is
shown — and never logged.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import socket
import sys
from collections.abc import Mapping
from typing import Any, TextIO

from .app import MockApp
from .exchange import Exchange, MockConfig
from .routes import all_handlers
from .spec import load_spec
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

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
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
) -> MockApp:
    """The whole mock on one ASGI app; ``hub_options`` go to ``WsHub`` (e.g. a short
    ``ping_interval`` in tests). The hub is ``app.websocket``."""
    ticker = Ticker(exchange, tick_interval)
    hub = WsHub(exchange, **(hub_options or {}))

    async def startup() -> None:
        await hub.start()
        await ticker.start()

    async def shutdown() -> None:
        await hub.stop()
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
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    return sock


def banner(
    url: str, config: MockConfig, tick: float, credentials: dict[str, str], out: TextIO
) -> None:
    out.write(
        f"AgentExchange mock exchange on {url}  (seed {config.seed}, {config.pairs} pairs, "
        f"tick {tick:g}s, rate limits {'on' if config.rate_limits else 'off'})\n"
        "Demo account for this seed (shown here only, never logged):\n"
    )
    for name in ("api_key", "api_secret", "agent_id", "agent_api_key"):
        out.write(f"  {name:<14}{credentials[name]}\n")
    out.flush()


def run_from_args(args: argparse.Namespace) -> int:
    config = MockConfig(seed=args.seed, pairs=args.pairs, rate_limits=not args.no_rate_limits)
    if args.demo_credentials:
        from .accounts import Accounts
        from .clock import SimClock

        print(json.dumps(Accounts(SimClock(), seed=config.seed).demo_credentials()))
        return 0

    import uvicorn

    logging.basicConfig(level=args.log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    exchange = Exchange(config)
    app = build_app(exchange, tick_interval=args.tick_interval)
    sock = bind_socket(args.host, args.port)
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    banner(
        f"http://{shown}:{port}",
        config,
        args.tick_interval,
        exchange.accounts.demo_credentials(),
        sys.stdout,
    )
    server = uvicorn.Server(
        uvicorn.Config(
            app, log_level=args.log_level, access_log=False, lifespan="on", ws="websockets-sansio"
        )
    )
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # pragma: no cover - uvicorn handles SIGINT itself
        pass
    return 0
