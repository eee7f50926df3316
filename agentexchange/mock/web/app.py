"""Web layer: The mock exchange's HTTP face: a small ASGI app driven by openapi.yaml.

docs/architecture.md "Web layer": routing and request validation come from the document
(``spec.py``, ``validation.py``); this module turns a raw ASGI request into a validated
``ApiRequest``, calls the operation's handler and writes the reply. Every error leaves in
the project's envelope ``{"error": {"code", "message", "details"}}`` with a status the
document declares: unknown path 404, wrong method 405 with ``Allow``, a body that is not
UTF-8 JSON 400, the wrong media type 415, a schema violation 422 — never a 500 for bad
input (errors are ``domain.errors.DomainError``, as the domain's are). It knows nothing of
the trading domain: handlers, the authenticator and the rate limiter are injected.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Protocol
from urllib.parse import parse_qsl

from ..domain.errors import DomainError
from .spec import ApiSpec, Operation
from .validation import BodyValidator, ParamCheck, RequestInvalid, compile_parameter

log = logging.getLogger("agentexchange.mock")

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MAX_BODY = 1 << 20


@dataclass(slots=True)
class ApiRequest:
    """One validated request, as a handler sees it."""

    operation: Operation
    path_params: dict[str, Any]
    query: dict[str, Any]
    headers: dict[str, str]  # lower-case names
    body: Any  # as BodyValidator.parse hands it on: defaults filled, date-times/decimals parsed
    client_ip: str
    principal: Any = None


@dataclass(slots=True)
class Reply:
    """What a handler may return when the default (2xx status, JSON body) is not enough."""

    body: Any = None
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    media_type: str | None = None


Handler = Callable[[ApiRequest], Any]


class Gatekeeper(Protocol):
    """Auth and rate limits, supplied by the domain side."""

    def authenticate(self, request: ApiRequest) -> Any:
        """Resolve credentials for ``request.operation.security``; raise on failure."""

    def admit(self, request: ApiRequest) -> Mapping[str, str]:
        """Count the request against its rate limit; headers to add, or raise 429."""


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        # Fixed-point always: str() would write "0E-8" for a quantized zero.
        return format(value, "f")
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        text = value.astimezone(UTC).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text
    if isinstance(value, uuid.UUID):
        return str(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


def dump_json(body: Any) -> bytes:
    return json.dumps(
        body, default=_json_default, separators=(",", ":"), ensure_ascii=False
    ).encode()


def error_body(code: str, message: str, details: Mapping[str, Any] | None = None) -> bytes:
    return dump_json({"error": {"code": code, "message": message, "details": dict(details or {})}})


@dataclass(slots=True)
class _CompiledOperation:
    operation: Operation
    handler: Handler
    params: tuple[tuple[str, str, bool, ParamCheck], ...]  # (location, name, required, check)
    body: BodyValidator | None
    response: BodyValidator | None


class MockApp:
    """ASGI application: routes by the document, validates, calls handlers."""

    def __init__(
        self,
        spec: ApiSpec,
        handlers: Mapping[str, Handler],
        gatekeeper: Gatekeeper,
        *,
        websocket: ASGIApp | None = None,
        validate_responses: bool = False,
        lifespan: Callable[[], Awaitable[None]] | None = None,
        shutdown: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        ids = {op.operation_id for op in spec.operations}
        missing = sorted(ids - set(handlers))
        extra = sorted(set(handlers) - ids)
        if missing or extra:
            raise RuntimeError(
                f"handlers and openapi.yaml disagree: no handler for {missing}; no operation for {extra}"
            )
        self.spec = spec
        self.gatekeeper = gatekeeper
        self.websocket = websocket
        self._startup = lifespan
        self._shutdown = shutdown
        self._routes: list[_CompiledOperation] = []
        # Static paths are looked up in a dict; templated ones are tried in order.
        self._static: dict[str, dict[str, _CompiledOperation]] = {}
        self._dynamic: list[_CompiledOperation] = []
        for op in spec.operations:
            compiled = _CompiledOperation(
                operation=op,
                handler=handlers[op.operation_id],
                params=tuple(
                    (p.location, p.name, p.required, compile_parameter(p)) for p in op.parameters
                ),
                body=(
                    BodyValidator(op.body_schema, request=True)
                    if op.body_schema is not None
                    else None
                ),
                response=(
                    BodyValidator(op.success_schema)
                    if validate_responses
                    and op.success_schema is not None
                    and op.success_media == "application/json"
                    else None
                ),
            )
            self._routes.append(compiled)
            if "{" in op.path:
                self._dynamic.append(compiled)
            else:
                self._static.setdefault(op.path, {})[op.method] = compiled

    # ------------------------------------------------------------------ ASGI
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "http":
            await self._http(scope, receive, send)
        elif kind == "websocket":
            if self.websocket is None:
                await send({"type": "websocket.close", "code": 1000})
            else:
                await self.websocket(scope, receive, send)
        elif kind == "lifespan":
            await self._lifespan(receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    if self._startup is not None:
                        await self._startup()
                except Exception as exc:  # pragma: no cover - reported to the server
                    await send({"type": "lifespan.startup.failed", "message": str(exc)})
                    return
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self._shutdown is not None:
                    await self._shutdown()
                await send({"type": "lifespan.shutdown.complete"})
                return

    def _match(
        self, method: str, path: str
    ) -> tuple[_CompiledOperation | None, dict[str, str], list[str]]:
        """The operation for (method, path), its path params, and the allowed methods."""
        static = self._static.get(path)
        if static is not None:
            return static.get(method), {}, sorted(static)
        allowed: list[str] = []
        for compiled in self._dynamic:
            match = compiled.operation.regex.match(path)
            if match is None:
                continue
            if compiled.operation.method == method:
                return compiled, match.groupdict(), []
            allowed.append(compiled.operation.method)
        return None, {}, sorted(set(allowed))

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.perf_counter()
        method: str = scope["method"]
        path: str = scope["path"]
        request_id = uuid.uuid4().hex
        status = 500
        try:
            compiled, raw_params, allowed = self._match(method, path)
            if compiled is None:
                if allowed:
                    raise DomainError(
                        "METHOD_NOT_ALLOWED",
                        f"{method} is not allowed on {path}.",
                        405,
                        {"allowed": allowed},
                        {"allow": ", ".join(allowed)},
                    )
                raise DomainError("NOT_FOUND", f"No route {path}.", 404)
            raw_body = await _read_body(receive)
            status, body, headers, media = self._dispatch(compiled, scope, raw_params, raw_body)
        except Exception as exc:  # every failure leaves in the envelope
            status, body, headers, media = _error_reply(exc)
        headers["x-request-id"] = request_id
        await _send(send, status, body, headers, media)
        if log.isEnabledFor(logging.INFO):
            # No query string: it may carry an api_key (the WebSocket) or other secrets.
            log.info(
                "%s %s %d %.1fms", method, path, status, (time.perf_counter() - started) * 1000
            )

    def _dispatch(
        self,
        compiled: _CompiledOperation,
        scope: Scope,
        raw_params: dict[str, str],
        raw_body: bytes,
    ) -> tuple[int, bytes, dict[str, str], str]:
        op = compiled.operation
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        query_string: bytes = scope.get("query_string", b"")
        query_raw = (
            dict(parse_qsl(query_string.decode("latin-1"), keep_blank_values=True))
            if query_string
            else {}
        )
        path_params: dict[str, Any] = {}
        # Handlers see the document's defaults for what was not sent, never their own.
        query: dict[str, Any] = dict(op.query_defaults)
        for location, name, required, check in compiled.params:
            if location == "path":
                path_params[name] = check(raw_params[name])
            elif location == "query":
                if name in query_raw:
                    query[name] = check(query_raw[name])
                elif required:
                    raise RequestInvalid(name, f"{name}: required query parameter is missing")
            elif location == "header":
                value = headers.get(name.lower())
                if value is not None:
                    headers[name.lower()] = str(check(value))
                elif required:
                    raise RequestInvalid(name, f"{name}: required header is missing")
        body = self._parse_body(compiled, headers, raw_body)
        client = scope.get("client") or ("127.0.0.1", 0)
        request = ApiRequest(op, path_params, query, headers, body, client[0])
        request.principal = self.gatekeeper.authenticate(request)
        extra_headers = dict(self.gatekeeper.admit(request))
        result = compiled.handler(request)
        reply = result if isinstance(result, Reply) else Reply(body=result)
        status = reply.status or op.success_status
        extra_headers.update(reply.headers)
        if status == 204:
            return status, b"", extra_headers, ""
        media = reply.media_type or op.success_media or "application/json"
        if media == "application/json":
            encoded = dump_json(reply.body)
            if compiled.response is not None:
                try:  # what the client will read, not the Python objects behind it
                    compiled.response.validate(json.loads(encoded))
                except RequestInvalid as exc:
                    raise DomainError(
                        "INTERNAL_ERROR", f"response violates openapi.yaml: {exc.message}", 500
                    ) from exc
            return status, encoded, extra_headers, media
        text = reply.body if isinstance(reply.body, str) else str(reply.body)
        return status, text.encode("utf-8"), extra_headers, f"{media}; charset=utf-8"

    @staticmethod
    def _parse_body(compiled: _CompiledOperation, headers: Mapping[str, str], raw: bytes) -> Any:
        if compiled.body is None:
            return None
        if not raw.strip():
            if compiled.operation.body_required:
                raise RequestInvalid("body", "body: a JSON request body is required")
            return None
        content_type = headers.get("content-type", "")
        media = content_type.split(";", 1)[0].strip().lower()
        if media != "application/json" and not media.endswith("+json"):
            raise DomainError(
                "UNSUPPORTED_MEDIA_TYPE",
                "Expected an application/json body.",
                415,
                {"content_type": content_type},
            )
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise DomainError("INVALID_JSON", "The request body is not valid UTF-8.", 400) from None
        try:
            body = json.loads(text, parse_float=Decimal, parse_constant=_reject_constant)
        except json.JSONDecodeError as exc:
            raise DomainError(
                "INVALID_JSON", f"The request body is not valid JSON: {exc.msg}.", 400
            ) from None
        except (ValueError, RecursionError):  # NaN, a huge number, or absurd nesting
            raise DomainError("INVALID_JSON", "The request body is not valid JSON.", 400) from None
        if b"\\u" in raw:
            # A "\ud800" escape decodes to a lone surrogate: accepted and stored, it could
            # never be written back out, so every later read of it would fail.
            try:
                json.dumps(body, ensure_ascii=False, default=str).encode("utf-8")
            except UnicodeEncodeError:
                raise DomainError(
                    "INVALID_JSON", "A string in the body is not valid Unicode.", 400
                ) from None
        # Handlers get the body as validated and parsed: the document's defaults for absent
        # members, date-times and decimals as objects (validation.BodyValidator.parse).
        return compiled.body.parse(body)


def _reject_constant(name: str) -> Any:
    # NaN and Infinity are not JSON; Python's parser accepts them unless told not to.
    raise ValueError(f"{name} is not valid JSON")


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            raise DomainError(
                "INVALID_JSON", f"The request body is larger than {MAX_BODY} bytes.", 400
            )
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _error_reply(exc: Exception) -> tuple[int, bytes, dict[str, str], str]:
    if isinstance(exc, RequestInvalid):
        return (
            422,
            error_body("VALIDATION_ERROR", exc.message, {"field": exc.field}),
            {},
            "application/json",
        )
    if isinstance(exc, DomainError):
        body = error_body(exc.code, exc.message, exc.details)
        return exc.status, body, dict(exc.headers), "application/json"
    log.exception("unhandled error in the mock exchange")
    return (
        500,
        error_body("INTERNAL_ERROR", "An unexpected error occurred."),
        {},
        "application/json",
    )


async def _send(
    send: Send, status: int, body: bytes, headers: Mapping[str, str], media: str
) -> None:
    raw_headers = [(b"content-length", str(len(body)).encode())]
    if media:
        raw_headers.append((b"content-type", media.encode()))
    raw_headers.extend(
        (k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()
    )
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": body})
