"""`make bench` helper: a synchronous httpx transport that calls the mock's ASGI app in-process.

No socket and no server thread: each request runs the app to completion on a private
event loop, so a benchmark sees the client's work and the handler's work and nothing
else. ``app_seconds`` accumulates the time spent inside the app (routing, validation, the
handler, serialisation): what a call costs on top of it is the client's own overhead.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx


class InProcessTransport(httpx.BaseTransport):
    def __init__(self, app: Any) -> None:
        self.app = app
        self.loop = asyncio.new_event_loop()
        self.app_seconds = 0.0
        self.calls = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": request.method,
            "scheme": request.url.scheme,
            "path": request.url.path,
            "raw_path": request.url.raw_path.split(b"?")[0],
            "query_string": request.url.query,
            "headers": [(k.lower(), v) for k, v in request.headers.raw],
            "client": ("127.0.0.1", 50000),
            "server": ("bench.local", 80),
        }
        sent = False
        status = 500
        headers: list[tuple[bytes, bytes]] = []
        chunks: list[bytes] = []

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            nonlocal status, headers
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        started = time.perf_counter()
        self.loop.run_until_complete(self.app(scope, receive, send))
        self.app_seconds += time.perf_counter() - started
        self.calls += 1
        return httpx.Response(status, headers=headers, content=b"".join(chunks), request=request)

    def close(self) -> None:
        self.loop.close()
