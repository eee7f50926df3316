"""A live mock exchange with its WebSocket hub, on a real loopback socket.

``LiveServer`` is ``agentexchange.mock.testing.MockServer`` — the same composition as
``agentexchange mock`` — with WebSocket conveniences; tests drive simulated time with
``tick``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TypeVar

import pytest

from agentexchange.mock.testing import MockServer

T = TypeVar("T")


class LiveServer(MockServer):
    """``MockServer`` for WebSocket tests; ``port=0`` picks a free port, extra keyword
    arguments go to the hub (``ping_interval``, ``max_queue``, ...)."""

    def __init__(
        self,
        *,
        seed: int = 11,
        pairs: int = 30,
        port: int = 0,
        sndbuf: int | None = None,
        ws_ping_interval: float | None = 20.0,
        **hub_options: Any,
    ) -> None:
        # log_level info: the bad-key test checks what uvicorn logs at that level.
        super().__init__(
            seed=seed,
            pairs=pairs,
            port=port,
            hub_options=hub_options,
            log_level="info",
            ws_ping_interval=ws_ping_interval,
        )
        if sndbuf is not None:  # accepted sockets inherit it: a slow reader blocks sooner
            self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, sndbuf)
        self.http_url = self.base_url
        self.ws_base = self.base_url.replace("http://", "ws://")

    @property
    def demo(self) -> dict[str, str]:
        return self.exchange.accounts.demo_credentials()

    def ws_url(self, key: str) -> str:
        return f"{self.ws_base}/ws/v1?api_key={key}"

    def start(self) -> LiveServer:
        super().start()
        return self

    def call(self, func: Callable[[], T]) -> T:
        """Run ``func`` on the server's loop (hub state lives there) and return its result."""
        assert self.loop is not None

        async def run() -> T:
            return func()

        return asyncio.run_coroutine_threadsafe(run(), self.loop).result(30)

    def tick(self, seconds: float = 1.0) -> None:
        self.exchange.tick(seconds)

    def __enter__(self) -> LiveServer:
        return self.start()


def small_socket(port: int, rcvbuf: int = 2048) -> socket.socket:
    """A connected client socket with a tiny receive buffer (for slow-reader tests)."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    # Loopback's MSS (~64 KiB) dwarfs so small a window: the kernel would then reopen it
    # only through zero-window probes whose backoff stalls the reader for seconds. Small
    # segments keep window updates flowing as soon as the reader reads.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, 536)
    sock.connect(("127.0.0.1", port))
    sock.setblocking(False)
    return sock


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


Script = Callable[[Any, int], Awaitable[None]]


class FakeServer:
    """A scripted ``/ws/v1`` server for client tests that need what the mock never does
    (a close with a chosen code at a chosen moment, a tick sent twice, a flood).

    ``script(connection, n)`` runs for the ``n``-th accepted connection (0-based); when it
    returns, the connection is closed (normally, 1000) unless the script closed it.
    """

    def __init__(self, script: Script) -> None:
        self.script = script
        self.accepted = 0
        self.base_url = ""
        self._server: Any = None

    async def __aenter__(self) -> FakeServer:
        from websockets.asyncio.server import serve

        self._server = await serve(self._handle, "127.0.0.1", 0, compression=None)
        port = next(iter(self._server.sockets)).getsockname()[1]
        self.base_url = f"ws://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._server.close()
        await self._server.wait_closed()

    async def _handle(self, connection: Any) -> None:
        index = self.accepted
        self.accepted += 1
        with contextlib.suppress(Exception):  # the client went away: the script is done
            await self.script(connection, index)


async def ack_subscriptions(connection: Any, count: int, timeout: float = 5.0) -> list[str]:
    """Answer the client's first ``count`` subscribe requests; returns their keys."""
    from agentexchange import _ws_protocol as P

    keys = []
    async with asyncio.timeout(timeout):
        while len(keys) < count:
            request = json.loads(await connection.recv())
            if request.get("action") != P.ACTION_SUBSCRIBE:
                continue
            channel = request["channel"]
            params = {name: request[name] for name in P.SUBSCRIPTION_PARAMS[channel]}
            key = P.SUBSCRIPTION_KEYS[channel].format(**params)
            await connection.send(json.dumps({"type": P.TYPE_SUBSCRIBED, "channel": key}))
            keys.append(key)
    return keys


def tick_message(symbol: str, price: str, timestamp: str) -> str:
    return json.dumps(
        {"channel": "ticker", "symbol": symbol, "data": {"price": price, "timestamp": timestamp}}
    )
