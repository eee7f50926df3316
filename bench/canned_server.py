"""A canned-bytes HTTP/1.1 server for `bench/async_bench.py` (docs/architecture.md "Benchmarks").

Not the mock: every request gets the same prepared response bytes at once (or after
``--latency`` seconds, to stand for a network), so the client side is what a fan-out
measures. Keep-alive, any number of connections, asyncio (uvloop when installed).

    python bench/canned_server.py [--latency 0.02]   # prints the port, serves until killed
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import sys
from typing import Any

PRICE = json.dumps(
    {"symbol": "BTCUSDT", "price": "64521.30000000", "timestamp": "2026-11-25T12:00:00Z"}
).encode()
RESPONSE = (
    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
    b"content-length: " + str(len(PRICE)).encode() + b"\r\n\r\n" + PRICE
)


class Canned(asyncio.Protocol):
    """Answers each request head with RESPONSE (requests are GETs: no bodies to skip)."""

    def __init__(self, latency: float) -> None:
        self.latency = latency
        self.buffer = b""
        self.transport: Any = None  # asyncio's or uvloop's (not an asyncio.Transport subclass)

    def connection_made(self, transport: Any) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        heads = self.buffer.count(b"\r\n\r\n")
        if not heads:
            return
        self.buffer = self.buffer[self.buffer.rindex(b"\r\n\r\n") + 4 :]
        reply = RESPONSE * heads
        if self.latency:
            asyncio.get_running_loop().call_later(self.latency, self.write, reply)
        else:
            self.write(reply)

    def write(self, reply: bytes) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(reply)

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None


async def serve(latency: float) -> None:
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    server = await asyncio.get_running_loop().create_server(
        lambda: Canned(latency), sock=sock, backlog=4096
    )
    print(sock.getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.0, help="seconds before each reply")
    args = parser.parse_args()
    try:
        import uvloop  # the server should not be what a fan-out waits for

        runner = uvloop.run
    except ImportError:
        runner = asyncio.run
    try:
        runner(serve(args.latency))
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
