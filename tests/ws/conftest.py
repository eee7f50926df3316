"""A live mock exchange with its WebSocket hub, on a real loopback socket.

Until ``mock/server.py`` wires ``WsHub`` in ``build_app``, ``LiveServer`` composes the
same few parts itself (``MockApp`` with ``websocket=WsHub(...)``) and runs uvicorn in a
thread with ``ws="websockets"``. Tests drive simulated time with ``exchange.tick``.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pytest
import uvicorn

from agentexchange.mock.app import MockApp
from agentexchange.mock.exchange import Exchange, MockConfig
from agentexchange.mock.routes import all_handlers
from agentexchange.mock.server import Ticker, bind_socket
from agentexchange.mock.spec import load_spec
from agentexchange.mock.ws_hub import WsHub

T = TypeVar("T")


class LiveServer:
    """uvicorn + MockApp + WsHub in a background thread; ``port=0`` picks a free port."""

    def __init__(
        self,
        *,
        seed: int = 11,
        pairs: int = 30,
        port: int = 0,
        sndbuf: int | None = None,
        exchange: Exchange | None = None,
        **hub_options: Any,
    ) -> None:
        self.exchange = exchange or Exchange(MockConfig(seed=seed, pairs=pairs, rate_limits=False))
        self.hub = WsHub(self.exchange, **hub_options)
        ticker = Ticker(self.exchange, None)  # time moves only when a test ticks
        self.app = MockApp(
            load_spec(),
            all_handlers(self.exchange),
            self.exchange.gatekeeper,
            websocket=self.hub,
            lifespan=ticker.start,
            shutdown=ticker.stop,
        )
        self._sock = bind_socket("127.0.0.1", port)
        if sndbuf is not None:  # accepted sockets inherit it: a slow reader blocks sooner
            self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, sndbuf)
        self.port: int = self._sock.getsockname()[1]
        self.http_url = f"http://127.0.0.1:{self.port}"
        self.ws_base = f"ws://127.0.0.1:{self.port}"
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.loop: asyncio.AbstractEventLoop | None = None

    @property
    def demo(self) -> dict[str, str]:
        return self.exchange.accounts.demo_credentials()

    def ws_url(self, key: str) -> str:
        return f"{self.ws_base}/ws/v1?api_key={key}"

    def start(self) -> LiveServer:
        config = uvicorn.Config(
            self.app, log_level="info", access_log=False, lifespan="on", ws="websockets-sansio"
        )
        server = self._server = uvicorn.Server(config)
        started = threading.Event()
        original = server.startup

        async def startup(sockets: Any = None) -> None:
            self.loop = asyncio.get_running_loop()
            await original(sockets=sockets)
            started.set()

        server.startup = startup  # type: ignore[method-assign]
        self._thread = threading.Thread(
            target=server.run, kwargs={"sockets": [self._sock]}, daemon=True
        )
        self._thread.start()
        if not started.wait(30):
            raise RuntimeError("server did not start")
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(15)
        self._sock.close()

    def call(self, func: Callable[[], T]) -> T:
        """Run ``func`` on the server's loop (hub state lives there) and return its result."""
        assert self.loop is not None

        async def run() -> T:
            return func()

        return asyncio.run_coroutine_threadsafe(run(), self.loop).result(5)

    def tick(self, seconds: float = 1.0) -> None:
        self.exchange.tick(seconds)

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def small_socket(port: int, rcvbuf: int = 2048) -> socket.socket:
    """A connected client socket with a tiny receive buffer (for slow-reader tests)."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    sock.connect(("127.0.0.1", port))
    sock.setblocking(False)
    return sock


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def big_server() -> Iterator[LiveServer]:
    """600 pairs (the ``all`` wildcard test needs them); shared by read-only tests."""
    with LiveServer(pairs=600, seed=5) as server:
        server.tick(1)  # the market publishes from the second tick on
        yield server


@pytest.fixture
def server() -> Iterator[LiveServer]:
    """A small private server: tests may trade on it and watch its hub."""
    with LiveServer() as live:
        live.tick(1)
        yield live


async def wait_for(predicate: Callable[[], bool], timeout: float = 5.0) -> None:
    """Await a condition that another thread makes true (checked each loop turn)."""
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.005)
