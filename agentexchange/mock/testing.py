"""The mock exchange in-process, on a real loopback socket, for tests and scripts.

docs/architecture.md "Top level": tests that need time to pass start the server in-process
and drive the clock through Python (there is no admin route). ``MockServer`` runs uvicorn
in a background thread and exposes the ``Exchange`` itself::

    with MockServer(seed=7) as mock:
        client = AgentExchangeClient(base_url=mock.base_url, **mock.credentials())
        mock.exchange.tick(60)      # one simulated minute; pending orders are matched
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Mapping
from types import TracebackType
from typing import Any

from .domain.exchange import Exchange, MockConfig
from .web.app import ASGIApp
from .web.server import bind_socket, build_app
from .web.ws_hub import WsHub


class MockServer:
    def __init__(
        self,
        *,
        seed: int = 42,
        pairs: int = 600,
        rate_limits: bool = False,
        tick_interval: float | None = None,
        validate_responses: bool = True,
        host: str = "127.0.0.1",
        port: int = 0,
        wrap: Any = None,
        hub_options: Mapping[str, Any] | None = None,
        log_level: str = "warning",
        ws_ping_interval: float | None = 20.0,
        local_webhooks: bool = False,
        webhook_options: Mapping[str, Any] | None = None,
    ) -> None:
        """``tick_interval=None``: time moves only when the test calls ``exchange.tick``.

        ``wrap`` (optional) takes the ASGI app and returns another — e.g. a middleware
        that injects a defect for a test that proves a checker can fail. ``hub_options``
        go to the WebSocket hub (``self.hub``). ``ws_ping_interval`` is uvicorn's
        protocol-level keepalive (its default; ``None`` turns it off, e.g. for a test
        reader that deliberately never reads). ``local_webhooks`` admits http, IP-address
        and loopback webhook subscribers (``agentexchange mock --local-webhooks``; off:
        the platform's rule, https and a public hostname). ``webhook_options`` go to the
        ``WebhookSender``: ``retry_delays`` (the platform's (10, 30, 60) s), ``timeout``
        (10 s), ``concurrency``, ``max_pending``, and ``send`` to replace the POST.
        """
        self.exchange = Exchange(
            MockConfig(
                seed=seed, pairs=pairs, rate_limits=rate_limits, local_webhooks=local_webhooks
            )
        )
        app = build_app(
            self.exchange,
            tick_interval=tick_interval,
            validate_responses=validate_responses,
            hub_options=hub_options,
            webhook_options=webhook_options,
        )
        assert isinstance(app.websocket, WsHub)
        self.hub = app.websocket
        self.app: ASGIApp = wrap(app) if wrap is not None else app
        self.log_level = log_level
        self.ws_ping_interval = ws_ping_interval
        self.loop: asyncio.AbstractEventLoop | None = None  # the server's, once started
        self._sock = bind_socket(host, port)
        self.host, self.port = self._sock.getsockname()[:2]
        self.base_url = f"http://{host}:{self.port}"
        self._server: Any = None
        self._thread: threading.Thread | None = None

    def credentials(self) -> dict[str, str]:
        """The demo account as client keyword arguments (api_key, api_secret)."""
        demo = self.exchange.accounts.demo_credentials()
        return {"api_key": demo["api_key"], "api_secret": demo["api_secret"]}

    def start(self) -> MockServer:
        import uvicorn

        config = uvicorn.Config(
            self.app,
            log_level=self.log_level,
            access_log=False,
            lifespan="on",
            ws="websockets-sansio",
            ws_ping_interval=self.ws_ping_interval,
        )
        # Off the main thread uvicorn installs no signal handlers.
        self._server = uvicorn.Server(config)
        started = threading.Event()
        server = self._server

        original_startup = server.startup

        async def startup(sockets: Any = None) -> None:
            self.loop = asyncio.get_running_loop()
            await original_startup(sockets=sockets)
            started.set()

        server.startup = startup
        self._thread = threading.Thread(
            target=server.run, kwargs={"sockets": [self._sock]}, name="mock-exchange", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + 30
        while not started.wait(0.1):  # a startup that failed ends the thread: say so at once
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self._sock.close()
                raise RuntimeError("mock exchange did not start (see its log above)")
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(15)
        self._sock.close()
        if self._thread is not None and self._thread.is_alive():
            raise RuntimeError("mock exchange did not stop within 15 s")

    def __enter__(self) -> MockServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
