"""Deliberate defects for tests that prove a checker can fail.

Each is an ASGI wrapper for ``MockServer(wrap=...)``: it sits outside the mock's own
response validation, so the defect reaches the wire exactly as a faulty server would send
it. Shared by the contract suite (schemathesis must name the operation) and the Prism
proxy run's self-check (``make contract-proxy``: Prism must report the violation).
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

PRICE_PATH = "/api/v1/market/price/"
UUID = "[0-9a-f-]{36}"

Change = Callable[[int, Any], tuple[int, Any]]  # (status, document) -> (status, document)


def rewrite(method: str, path: str, change: Change) -> Callable[[ASGIApp], ASGIApp]:
    """A middleware that passes ``change`` the status and JSON answer of ``method path``."""
    pattern = re.compile(path)

    def wrap(app: ASGIApp) -> ASGIApp:
        async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
            if not (
                scope["type"] == "http"
                and scope["method"] == method
                and pattern.fullmatch(scope["path"])
            ):
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
                raw = b"".join(chunks)
                status, document = change(start["status"], json.loads(raw) if raw else None)
                body = b"" if document is None else json.dumps(document).encode()
                headers = [
                    (k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"
                ]
                headers.append((b"content-length", str(len(body)).encode()))
                await send({**start, "status": status, "headers": headers})
                await send({"type": "http.response.body", "body": body})

            await app(scope, receive, capture)

        return wrapped

    return wrap


def on_success(edit: Callable[[Any], Any]) -> Change:
    return lambda status, doc: (status, edit(doc) if 200 <= status < 300 else doc)


def member_as(
    path: str, member: str, convert: Callable[[Any], Any] = float
) -> Callable[[ASGIApp], ASGIApp]:
    """A success answer to GET ``path`` (a regular expression) sends ``member`` converted."""
    return rewrite("GET", path, on_success(lambda doc: {**doc, member: convert(doc[member])}))


price_as_number = member_as(PRICE_PATH + "[^/]+", "price")
"""Deliberate defect: GET /api/v1/market/price/{symbol} sends `price` as a number."""
session_equity_as_number = member_as(f"/api/v1/backtest/{UUID}/account/portfolio", "total_equity")
"""Deliberate defect: GET /api/v1/backtest/{id}/account/portfolio sends `total_equity` as a number."""
battle_count_as_string = member_as(f"/api/v1/battles/{UUID}", "participant_count", str)
"""Deliberate defect: GET /api/v1/battles/{id} sends `participant_count` as a string."""


REGISTER_PATH = "/api/v1/auth/register"


def registration_closed_after(accounts: int) -> Callable[[ASGIApp], ASGIApp]:
    """A registration limit of ``accounts`` per hour: later POST /auth/register are 429.

    The mock's own limit (3 a minute) is waited out by the contract run; a limit that
    asks for an hour is not, so the run's second (peer) account cannot register.
    """

    def wrap(app: ASGIApp) -> ASGIApp:
        registered = 0

        async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
            nonlocal registered
            if (
                scope["type"] == "http"
                and scope["method"] == "POST"
                and scope["path"] == REGISTER_PATH
            ):
                registered += 1
                if registered > accounts:
                    body = json.dumps(
                        {
                            "error": {
                                "code": "RATE_LIMIT_EXCEEDED",
                                "message": "Too many registrations.",
                                "details": {"retry_after_seconds": 3600},
                            }
                        }
                    ).encode()
                    headers = [
                        (b"content-type", b"application/json"),
                        (b"retry-after", b"3600"),
                        (b"content-length", str(len(body)).encode()),
                    ]
                    await send({"type": "http.response.start", "status": 429, "headers": headers})
                    await send({"type": "http.response.body", "body": body})
                    return
            await app(scope, receive, send)

        return wrapped

    return wrap
