"""Deliberate defects for tests that prove a checker can fail.

Each is an ASGI wrapper for ``MockServer(wrap=...)``: it sits outside the mock's own
response validation, so the defect reaches the wire exactly as a faulty server would send
it. Shared by the contract suite (schemathesis must name the operation) and the Prism
proxy run's self-check (``make contract-proxy``: Prism must report the violation).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

PRICE_PATH = "/api/v1/market/price/"


def price_as_number(app: ASGIApp) -> ASGIApp:
    """Deliberate defect: GET /api/v1/market/price/{symbol} sends `price` as a JSON number."""

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or scope["method"] != "GET" or not path.startswith(PRICE_PATH):
            await app(scope, receive, send)
            return
        start: Message = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            body = b"".join(chunks)
            if start["status"] == 200:
                document = json.loads(body)
                document["price"] = float(document["price"])
                body = json.dumps(document).encode()
            headers = [
                (k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"
            ]
            await send(
                {**start, "headers": [*headers, (b"content-length", str(len(body)).encode())]}
            )
            await send({"type": "http.response.body", "body": body})

        await app(scope, receive, capture)

    return wrapped
