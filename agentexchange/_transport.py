"""The request pipeline under the generated clients (hand-written; docs/architecture.md "Transport").

``client.py`` / ``async_client.py`` (generated from ``openapi.yaml``) turn each SDK
method into a :class:`Call` (method, formatted path, security alternatives, query, JSON
body, headers, idempotency flag, expected body) and hand it to :class:`SyncTransport` or
``AsyncTransport`` (``_async_transport.py``).

The pipeline is written once, as a sans-I/O generator (:meth:`_Core.exchange`, in the
manner of h11): it decides everything — auth scheme, request building, retry decisions
via ``_retry.py``, token refresh, decoding, error mapping via the generated
``_errors.py`` table — and *yields* what it needs done:

* :class:`Send` ``(request)`` -> the driver sends it and answers with the response, or
  throws the ``httpx.TransportError`` it raised into the pipeline;
* :class:`Sleep` ``(seconds)`` -> the driver waits;
* :class:`LogIn` ``(stale)`` -> the driver answers with a current JWT (forgetting
  ``stale``, the one the server rejected), logging in through the generated client's
  ``login`` method when it has none;
* returning is "done": the decoded body (or an exception, raised).

The two transports are the few lines that perform those steps with ``httpx.Client`` /
``time.sleep`` / a thread lock (:class:`SyncTransport`, here), or ``httpx.AsyncClient`` /
``asyncio.sleep`` / an asyncio lock (``AsyncTransport``, in ``_async_transport.py``, which
also bounds the requests in flight). This module imports no ``asyncio``: a sync-only
program never loads it (docs/architecture.md "Layers").

Per call::

    choose auth scheme (raise AuthenticationError before sending if impossible)
    loop:  build request (X-API-Key | Bearer JWT, X-Agent-Id, Idempotency-Key)
           send -> transport error?  retry if policy allows, else APIConnectionError/APITimeoutError
           401 INVALID_TOKEN on a bearer call?  drop the JWT, log in again, resend (once)
           retryable status?  sleep (Retry-After or backoff), resend
           decode: JSON with Decimal floats | text | nothing; errors -> exceptions.py

Logging goes to ``logging.getLogger("agentexchange")`` at DEBUG: method, path, status,
attempt. Never a header, a body or a query string (none is needed to debug, and any of
them could hold a secret).
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

import httpx

from ._auth import (
    API_KEY_AUTH,
    BEARER_AUTH,
    Credentials,
    LoginAnswer,
    SyncTokenCache,
    Token,
    choose_scheme,
    mask_key,
    token_from_login,
)
from ._errors import (
    CODE_TO_EXCEPTION,
    LOGIN_PATH,
    REASON_TO_EXCEPTION,
    REFINED_BY_REASON,
    REFRESH_ON,
)
from ._retry import RetryPolicy, parse_retry_after
from .exceptions import (
    EXCEPTION_CLASSES,
    AgentExchangeError,
    APIConnectionError,
    APITimeoutError,
    AuthenticationError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    ValidationError,
)

__all__ = ["Call", "SyncTransport"]

logger = logging.getLogger("agentexchange")

ENV_API_KEY = "AGENTEXCHANGE_API_KEY"
ENV_API_SECRET = "AGENTEXCHANGE_API_SECRET"
ENV_BASE_URL = "AGENTEXCHANGE_BASE_URL"
DEFAULT_BASE_URL = "http://localhost:8000"
USER_AGENT = "agentexchange-python"

# Class by HTTP status when the body names no known code (first match wins).
_STATUS_CLASSES: tuple[tuple[Callable[[int], bool], type[AgentExchangeError]], ...] = (
    (lambda s: s >= 500, ServerError),
    (lambda s: s == 401, AuthenticationError),
    (lambda s: s == 403, PermissionDeniedError),
    (lambda s: s == 404, NotFoundError),
    (lambda s: s == 409, ConflictError),
    (lambda s: s == 429, RateLimitError),
    # A 400 with an unknown code still means "this request is wrong as sent".
    (lambda s: s in (400, 415, 422), ValidationError),
)
# FastAPI's location prefixes, dropped from ValidationError.field ("body.quantity" -> "quantity").
_LOC_PREFIXES = frozenset({"body", "query", "path", "header", "cookie"})
_SNIPPET = 120


@dataclass(frozen=True, slots=True)
class Call:
    """One API operation as the generated clients describe it to the transport."""

    method: str
    path: str
    security: tuple[str, ...]
    params: Mapping[str, str] | None = None
    json: Any = None
    headers: Mapping[str, str] | None = None
    idempotent: bool = False
    expect: Literal["json", "text", "none"] = "json"


# What to do after a response: resend after a delay, log in again, or decode it.
_Next = float | Literal["refresh", "done"]


@dataclass(frozen=True, slots=True)
class Send:
    """Step: send ``request``; answer with the response, or throw the TransportError in."""

    request: httpx.Request


@dataclass(frozen=True, slots=True)
class Sleep:
    """Step: wait ``seconds`` before the next attempt."""

    seconds: float


@dataclass(frozen=True, slots=True)
class LogIn:
    """Step: answer with a current JWT, first forgetting ``stale`` (rejected by the server)."""

    stale: str | None = None

    def __repr__(self) -> str:
        return f"LogIn(stale={'***' if self.stale else None})"


Step = Send | Sleep | LogIn
# The pipeline of one call: yields steps, is sent their outcomes, returns the decoded body.
Exchange = Generator[Step, Any, Any]


class _Core:
    """Settings and every decision of the pipeline; no I/O (shared by both transports)."""

    __slots__ = ("base_url", "creds", "key_honoured", "policy", "timeout")

    def __init__(
        self,
        *,
        api_key: str | None,
        api_secret: str | None,
        base_url: str | None,
        timeout: float,
        agent_id: str | None,
        max_retries: int,
    ) -> None:
        if max_retries < 0:
            raise ValueError("max_retries must be >= 0")
        self.creds = Credentials(
            api_key=api_key or os.environ.get(ENV_API_KEY) or None,
            api_secret=api_secret or os.environ.get(ENV_API_SECRET) or None,
            agent_id=agent_id or None,
        )
        url = (base_url or os.environ.get(ENV_BASE_URL) or DEFAULT_BASE_URL).strip()
        if httpx.URL(url).scheme not in ("http", "https"):
            raise ValueError(f"base_url must start with http:// or https://, got {url!r}")
        self.base_url = url.rstrip("/")
        self.timeout = httpx.Timeout(timeout)
        self.policy = RetryPolicy(max_retries=max_retries)
        # Set once the server has echoed one of our Idempotency-Keys: from then on an
        # idempotent unsafe call may be resent after delivery (see _retry.py).
        self.key_honoured = False

    def __repr__(self) -> str:
        return f"base_url={self.base_url!r}, api_key={mask_key(self.creds.api_key)}"

    # -- building ---------------------------------------------------------------------

    @staticmethod
    def idempotency_key(call: Call) -> str | None:
        """The key for every attempt of ``call``: the caller's, a fresh uuid4, or None."""
        if call.headers:
            given: str | None = httpx.Headers(call.headers).get("idempotency-key")
            if given:
                return given
        if not call.idempotent:
            return None
        import uuid  # here, not at import: uuid loads `platform` (~2.5 ms of every import)

        return str(uuid.uuid4())

    def build(
        self,
        client: httpx.Client | httpx.AsyncClient,
        call: Call,
        scheme: str | None,
        token: str | None,
        idem_key: str | None,
        own_client: bool,
    ) -> httpx.Request:
        headers = httpx.Headers({"Accept": "application/json", "User-Agent": USER_AGENT})
        if scheme == API_KEY_AUTH and self.creds.api_key:
            headers["X-API-Key"] = self.creds.api_key
        elif scheme == BEARER_AUTH and token:
            headers["Authorization"] = f"Bearer {token}"
        if scheme is not None and self.creds.agent_id:
            headers["X-Agent-Id"] = self.creds.agent_id
        if call.headers:
            headers.update(call.headers)  # header parameters of the operation win
        if idem_key:
            headers["Idempotency-Key"] = idem_key
        content: bytes | None = None
        if call.json is not None:
            content = json.dumps(call.json, default=_json_default, separators=(",", ":")).encode()
            headers["Content-Type"] = "application/json"
        return client.build_request(
            call.method,
            self.base_url + call.path,
            params=dict(call.params) if call.params else None,
            content=content,
            headers=headers,
            # A caller's own http_client keeps its own timeout configuration.
            timeout=self.timeout if own_client else httpx.USE_CLIENT_DEFAULT,
        )

    # -- the pipeline ---------------------------------------------------------------------

    def exchange(
        self, client: httpx.Client | httpx.AsyncClient, call: Call, own_client: bool
    ) -> Exchange:
        """The whole life of ``call``: every decision, no I/O (see the module docstring)."""
        scheme = choose_scheme(call.security, self.creds)
        idem_key = self.idempotency_key(call)
        retry_index, attempt = 0, 0
        refreshed, stale = False, None
        while True:
            token: str | None = (yield LogIn(stale)) if scheme == BEARER_AUTH else None
            stale = None
            request = self.build(client, call, scheme, token, idem_key, own_client)
            attempt += 1
            try:
                response = yield Send(request)
            except httpx.TransportError as exc:  # thrown in by the driver
                delay = self.after_error(call, exc, idem_key, retry_index, attempt)
            else:
                step = self.after_response(
                    call, response, scheme, idem_key, retry_index, attempt, refreshed
                )
                if step == "done":
                    return self.decode(call, response, token)
                if step == "refresh":
                    stale, refreshed = token, True
                    continue
                delay = step
                logger.debug("retrying %s %s in %.2fs", call.method, call.path, delay)
            yield Sleep(delay)
            retry_index += 1

    # -- deciding -----------------------------------------------------------------------

    def after_error(
        self,
        call: Call,
        error: httpx.TransportError,
        idem_key: str | None,
        retry_index: int,
        attempt: int,
    ) -> float:
        """Delay before resending after ``error``; raises when it may not be resent."""
        delay = self.policy.delay_for_error(
            method=call.method,
            error=error,
            retry_index=retry_index,
            key_honoured=self.key_honoured and idem_key is not None,
        )
        logger.debug(
            "%s %s -> %s (attempt %d)", call.method, call.path, type(error).__name__, attempt
        )
        if delay is None:
            kind = (
                APITimeoutError if isinstance(error, httpx.TimeoutException) else APIConnectionError
            )
            what = "timed out" if kind is APITimeoutError else "failed"
            raise kind(
                f"{call.method} {call.path} {what} after {attempt} attempt(s): "
                f"{type(error).__name__}"
            ) from error
        return delay

    def after_response(
        self,
        call: Call,
        response: httpx.Response,
        scheme: str | None,
        idem_key: str | None,
        retry_index: int,
        attempt: int,
        refreshed: bool,
    ) -> _Next:
        status = response.status_code
        logger.debug("%s %s -> %d (attempt %d)", call.method, call.path, status, attempt)
        if idem_key is not None and response.headers.get("idempotency-key") == idem_key:
            self.key_honoured = True
        if status < 400:
            return "done"
        if scheme == BEARER_AUTH and status == 401 and not refreshed:
            if _envelope_code(response) == REFRESH_ON:
                return "refresh"
        delay = self.policy.delay_for_response(
            method=call.method,
            status=status,
            retry_after=parse_retry_after(response.headers),
            retry_index=retry_index,
            key_honoured=self.key_honoured and idem_key is not None,
        )
        return "done" if delay is None else delay

    # -- decoding -----------------------------------------------------------------------

    def decode(self, call: Call, response: httpx.Response, token: str | None) -> Any:
        if response.status_code >= 300:
            raise self.error_from_response(response, token)
        if call.expect == "none":
            return None
        if call.expect == "text":
            return response.text
        try:
            return _loads(response.content)
        except ValueError:
            raise self._invalid_response(call, response, token) from None

    def _invalid_response(
        self, call: Call, response: httpx.Response, token: str | None
    ) -> AgentExchangeError:
        ctype = response.headers.get("content-type", "no content type")
        text = f"Expected a JSON body from {call.method} {call.path}, got {ctype} "
        text += f"({len(response.content)} bytes)"
        if response.content and call.path != LOGIN_PATH:  # a login body may hold a JWT
            snippet = response.content[:_SNIPPET].decode("utf-8", "replace")
            text += f": {self._redact(snippet, token)!r}"
        return AgentExchangeError(
            text,
            code="INVALID_RESPONSE",
            status_code=response.status_code,
            request_id=response.headers.get("x-request-id"),
        )

    def error_from_response(
        self, response: httpx.Response, token: str | None = None
    ) -> AgentExchangeError:
        """The exception for an error response (envelope, FastAPI ``detail``, or bare status)."""
        status = response.status_code
        try:
            body = _loads(response.content) if response.content else None
        except ValueError:
            body = None
        code: str | None = None
        message: str | None = None
        details: dict[str, Any] = {}
        field: str | None = None
        if isinstance(body, dict) and isinstance(body.get("error"), dict):
            error = body["error"]
            code = _str_or_none(error.get("code"))
            message = _str_or_none(error.get("message"))
            raw = error.get("details")
            details = (
                dict(raw) if isinstance(raw, dict) else ({} if raw is None else {"value": raw})
            )
        elif isinstance(body, dict) and "detail" in body:
            detail = body["detail"]
            if isinstance(detail, list):
                code = "VALIDATION_ERROR"
                errors = [_fastapi_item(item) for item in detail]
                message = "; ".join(_fastapi_text(item) for item in errors) or "Invalid request"
                details = {"errors": errors}
                field = next((f for f in (_loc_field(i.get("loc")) for i in errors) if f), None)
            else:
                message = str(detail)
        if code is None:
            code = f"HTTP_{status}"
        if message is None:
            message = f"HTTP {status} {response.reason_phrase}".strip()
        cls = _exception_class(code, status, details)
        message = self._redact(message, token)
        details = self._redact(details, token)
        request_id = response.headers.get("x-request-id")
        common: dict[str, Any] = {
            "code": code,
            "status_code": status,
            "details": details,
            "request_id": request_id,
        }
        if issubclass(cls, RateLimitError):
            return cls(message, retry_after=parse_retry_after(response.headers), **common)
        if issubclass(cls, ValidationError):
            return cls(message, field=field, **common)
        return cls(message, **common)

    def _redact(self, value: Any, token: str | None) -> Any:
        """``value`` with any echo of our key, secret or JWT replaced by ``***``."""
        secrets = [
            s for s in (self.creds.api_key, self.creds.api_secret, token) if s and len(s) >= 8
        ]
        return _redact(value, secrets) if secrets else value


class SyncTransport:
    """Performs the pipeline's steps with an ``httpx.Client``; thread-safe (share one).

    ``login(api_key, api_secret)`` is the generated client's login operation.
    ``sleep`` and ``clock`` (monotonic seconds) are injectable for tests.
    """

    def __init__(
        self,
        *,
        api_key: str | None,
        api_secret: str | None,
        base_url: str | None,
        timeout: float,
        agent_id: str | None,
        max_retries: int,
        http_client: httpx.Client | None,
        login: Callable[[str, str], LoginAnswer],
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self._core = _Core(
            api_key=api_key,
            api_secret=api_secret,
            base_url=base_url,
            timeout=timeout,
            agent_id=agent_id,
            max_retries=max_retries,
        )
        if http_client is not None and not isinstance(http_client, httpx.Client):
            raise TypeError(
                "http_client must be an httpx.Client (AsyncTransport takes AsyncClient)"
            )
        self._owns_client = http_client is None
        self._client = http_client or httpx.Client(timeout=self._core.timeout)
        self._sleep = sleep or time.sleep
        self._clock = clock or time.monotonic
        self._login = login
        self._tokens = SyncTokenCache(self._log_in, self._clock)

    def __repr__(self) -> str:
        return f"SyncTransport({self._core!r})"

    @property
    def base_url(self) -> str:
        return self._core.base_url

    def request(self, call: Call) -> Any:
        """Send ``call`` (with auth, retries) and return its decoded body."""
        steps = self._core.exchange(self._client, call, self._owns_client)
        try:
            step = next(steps)
            while True:
                if type(step) is Send:
                    try:
                        response = self._client.send(step.request)
                    except httpx.TransportError as exc:
                        step = steps.throw(exc)  # the pipeline decides: resend or raise
                        continue
                    step = steps.send(response)
                elif type(step) is Sleep:
                    self._sleep(step.seconds)
                    step = steps.send(None)
                else:
                    assert type(step) is LogIn
                    if step.stale is not None:
                        self._tokens.invalidate(step.stale)
                    step = steps.send(self._tokens.get())
        except StopIteration as done:
            return done.value

    def _log_in(self) -> Token:
        creds = self._core.creds
        assert creds.api_key is not None and creds.api_secret is not None  # choose_scheme
        return token_from_login(self._login(creds.api_key, creds.api_secret), self._clock())

    def close(self) -> None:
        """Close the connection pool, unless the caller supplied ``http_client``."""
        if self._owns_client:
            self._client.close()


# -- helpers -------------------------------------------------------------------------------


def _reject_constant(name: str) -> Any:
    raise ValueError(f"JSON constant {name} is not a number")


# One decoder for every response: json.loads with hooks builds a new one per call.
_DECODER = json.JSONDecoder(parse_float=Decimal, parse_constant=_reject_constant)


_OBJECT_OR_ARRAY = (b"{", b"[")


def _loads(content: bytes) -> Any:
    """JSON with floats as Decimal (money is exact) and NaN/Infinity refused."""
    try:
        # What json.loads does with bytes: detect the UTF encoding, then decode. The usual
        # body, `{` or `[` then a non-NUL byte, is what detect_encoding calls UTF-8: said
        # here without its Python-level call (~0.4 us of a 1.6 us small body).
        if content[:1] in _OBJECT_OR_ARRAY and content[1:2] != b"\x00":
            return _DECODER.decode(content.decode("utf-8", "surrogatepass"))
        return _DECODER.decode(content.decode(json.detect_encoding(content), "surrogatepass"))
    except RecursionError as exc:  # absurdly nested input: still "malformed", not a crash
        raise ValueError("JSON nested too deeply") from exc


def _json_default(value: Any) -> Any:
    # The generated clients already send decimals as strings; this keeps a stray
    # Decimal exact instead of failing (or worse, going through float).
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _envelope_code(response: httpx.Response) -> str | None:
    try:
        body = _loads(response.content)
    except ValueError:
        return None
    error = body.get("error") if isinstance(body, dict) else None
    return _str_or_none(error.get("code")) if isinstance(error, dict) else None


def _exception_class(
    code: str, status: int, details: Mapping[str, Any]
) -> type[AgentExchangeError]:
    cls: type[AgentExchangeError] | None = None
    name = CODE_TO_EXCEPTION.get(code)
    if name is not None:
        cls = EXCEPTION_CLASSES.get(name)
    if code in REFINED_BY_REASON:
        # details.reason is "<reason>[: free text]"; the reason picks a precise class.
        reason = str(details.get("reason") or "").split(":", 1)[0].strip().lower()
        precise = REASON_TO_EXCEPTION.get(reason)
        if precise is not None and precise in EXCEPTION_CLASSES:
            cls = EXCEPTION_CLASSES[precise]
    if cls is None:
        cls = next((c for matches, c in _STATUS_CLASSES if matches(status)), AgentExchangeError)
    return cls


def _fastapi_item(item: Any) -> dict[str, Any]:
    # "input" echoes what was sent (for a login: the key and secret): never kept.
    if not isinstance(item, dict):
        return {"msg": str(item)}
    return {k: v for k, v in item.items() if k != "input"}


def _fastapi_text(item: Mapping[str, Any]) -> str:
    field = _loc_field(item.get("loc"))
    msg = str(item.get("msg", "invalid"))
    return f"{field}: {msg}" if field else msg


def _loc_field(loc: Any) -> str | None:
    if not isinstance(loc, list | tuple) or not loc:
        return None
    parts = [str(p) for p in loc]
    if parts[0] in _LOC_PREFIXES:
        parts = parts[1:]
    return ".".join(parts) or None


def _str_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


def _redact(value: Any, secrets: list[str]) -> Any:
    if isinstance(value, str):
        for secret in secrets:
            value = value.replace(secret, "***")
        return value
    if isinstance(value, dict):
        return {k: _redact(v, secrets) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact(v, secrets) for v in value]
    return value
