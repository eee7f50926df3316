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
import sys
import time
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, Concatenate, Generic, Literal, ParamSpec, TypeVar

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

__all__ = [
    "Call",
    "Options",
    "RateLimit",
    "RawMethod",
    "RawResponse",
    "RawResponses",
    "SyncTransport",
    "call_options",
]

logger = logging.getLogger("agentexchange")

ENV_API_KEY = "AGENTEXCHANGE_API_KEY"
ENV_API_SECRET = "AGENTEXCHANGE_API_SECRET"
ENV_BASE_URL = "AGENTEXCHANGE_BASE_URL"
ENV_AGENT_ID = "AGENTEXCHANGE_AGENT_ID"
ENV_LOG = "AGENTEXCHANGE_LOG"
DEFAULT_BASE_URL = "http://localhost:8000"
SDK_VERSION = "0.1.0"  # agentexchange.__version__ (pyproject.toml's version, checked by a test)
# Who is calling, as the peers say it: the SDK, the Python and the httpx it runs on.
USER_AGENT = (
    f"agentexchange-python/{SDK_VERSION} "
    f"Python/{sys.version_info.major}.{sys.version_info.minor}.{sys.version_info.micro} "
    f"httpx/{httpx.__version__}"
)

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
class Options:
    """What a caller added to one call (the generated methods' keyword-only options)."""

    timeout: httpx.Timeout | None = None
    headers: Mapping[str, str] | None = None
    query: Mapping[str, Any] | None = None
    body: Mapping[str, Any] | None = None
    idempotency_key: str | None = None


def call_options(
    timeout: float | httpx.Timeout | None,
    extra_headers: Mapping[str, str] | None,
    extra_query: Mapping[str, Any] | None,
    extra_body: Mapping[str, Any] | None,
    idempotency_key: str | None = None,
) -> Options | None:
    """The generated methods' options as one :class:`Options`, or None when none was given.

    The usual call gives none: five ``is None`` tests, nothing built (off the hot path,
    docs/decisions.md "Per-call options").
    """
    if (
        timeout is None
        and extra_headers is None
        and extra_query is None
        and extra_body is None
        and idempotency_key is None
    ):
        return None
    if timeout is not None:
        timeout = _as_timeout(timeout)
    if idempotency_key is not None and (
        not isinstance(idempotency_key, str) or not idempotency_key
    ):
        raise ValueError("idempotency_key must be a non-empty string")
    return Options(timeout, extra_headers, extra_query, extra_body, idempotency_key)


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
    options: Options | None = None


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

    __slots__ = ("base_url", "creds", "key_honoured", "on_response", "policy", "timeout")

    # Told the final response of each call (``with_raw_response``'s copies only).
    on_response: Callable[[httpx.Response], None] | None

    def __init__(
        self,
        *,
        api_key: str | None,
        api_secret: str | None,
        base_url: str | None,
        timeout: float | httpx.Timeout,
        agent_id: str | None,
        max_retries: int,
    ) -> None:
        if max_retries < 0:
            raise ValueError("max_retries must be >= 0")
        self.creds = Credentials(
            api_key=api_key or os.environ.get(ENV_API_KEY) or None,
            api_secret=api_secret or os.environ.get(ENV_API_SECRET) or None,
            # On the platform an account key trades only as one of its agents.
            agent_id=agent_id or os.environ.get(ENV_AGENT_ID) or None,
        )
        url = (base_url or os.environ.get(ENV_BASE_URL) or DEFAULT_BASE_URL).strip()
        if httpx.URL(url).scheme not in ("http", "https"):
            raise ValueError(f"base_url must start with http:// or https://, got {url!r}")
        self.base_url = url.rstrip("/")
        self.timeout = _as_timeout(timeout)
        self.policy = RetryPolicy(max_retries=max_retries)
        self.on_response = None
        # Set once the server has echoed one of our Idempotency-Keys: from then on an
        # idempotent unsafe call may be resent after delivery (see _retry.py).
        self.key_honoured = False

    def __repr__(self) -> str:
        return f"base_url={self.base_url!r}, api_key={mask_key(self.creds.api_key)}"

    def derive(
        self,
        timeout: float | httpx.Timeout | None,
        max_retries: int | None,
        agent_id: str | None,
    ) -> _Core:
        """A copy with these settings changed (``with_options``); None keeps ours."""
        if max_retries is not None and max_retries < 0:
            raise ValueError("max_retries must be >= 0")
        clone = object.__new__(_Core)
        clone.creds = self.creds if agent_id is None else replace(self.creds, agent_id=agent_id)
        clone.base_url = self.base_url
        clone.timeout = self.timeout if timeout is None else _as_timeout(timeout)
        clone.policy = self.policy if max_retries is None else RetryPolicy(max_retries=max_retries)
        clone.key_honoured = self.key_honoured
        clone.on_response = None
        return clone

    # -- building ---------------------------------------------------------------------

    @staticmethod
    def idempotency_key(call: Call) -> str | None:
        """The key for every attempt of ``call``: the caller's, a fresh uuid4, or None."""
        if call.options is not None and call.options.idempotency_key is not None:
            return call.options.idempotency_key
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
        body = call.json
        params: dict[str, Any] | None = dict(call.params) if call.params else None
        timeout: httpx.Timeout | Any = self.timeout if own_client else httpx.USE_CLIENT_DEFAULT
        options = call.options
        if options is not None:
            # The caller's additions go last: what they name wins over what we built.
            if options.headers:
                headers.update(options.headers)
            if options.query:
                params = {**(params or {}), **options.query}
            if options.body is not None:
                body = {**(body or {}), **options.body}
            if options.timeout is not None:
                timeout = options.timeout  # asked for on this call: wins even over http_client's
        if idem_key:
            headers["Idempotency-Key"] = idem_key
        content: bytes | None = None
        if body is not None:
            content = json.dumps(body, default=_json_default, separators=(",", ":")).encode()
            headers["Content-Type"] = "application/json"
        return client.build_request(
            call.method,
            self.base_url + call.path,
            params=params,
            content=content,
            headers=headers,
            # A caller's own http_client keeps its own timeout configuration.
            timeout=timeout,
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
                reason = type(exc).__name__
            else:
                step = self.after_response(
                    call, response, scheme, idem_key, retry_index, attempt, refreshed
                )
                if step == "done":
                    if self.on_response is not None:
                        self.on_response(response)
                    return self.decode(call, response, token)
                if step == "refresh":
                    stale, refreshed = token, True
                    continue
                delay = step
                reason = f"HTTP {response.status_code}"
                if "retry-after" in response.headers:
                    reason += " with Retry-After"
            # A wait of up to a minute must not be silent (INFO): what, how long, why.
            # Method, path, status or error class only: never a header value or a body.
            logger.info(
                "retrying %s %s in %.2fs after %s (retry %d of %d)",
                call.method,
                call.path,
                delay,
                reason,
                retry_index + 1,
                self.policy.max_retries,
            )
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
        timeout: float | httpx.Timeout,
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
        self._closes_client = self._owns_client  # a with_options copy never closes the pool
        self._client = http_client or httpx.Client(timeout=self._core.timeout)
        self._sleep = sleep or time.sleep
        self._clock = clock or time.monotonic
        self._login = login
        self._tokens = SyncTokenCache(self._log_in, self._clock)

    def __repr__(self) -> str:
        return f"SyncTransport({self._core!r})"

    def derive(
        self,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        agent_id: str | None = None,
    ) -> SyncTransport:
        """A transport with these settings changed that shares this one's connection
        pool and JWT cache (``with_options``, ``with_raw_response``); closing it is a no-op."""
        clone = object.__new__(SyncTransport)
        clone.__dict__.update(self.__dict__)
        clone._core = self._core.derive(timeout, max_retries, agent_id)
        clone._closes_client = False
        return clone

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
        """Close the connection pool, unless the caller supplied ``http_client`` (or this is
        a ``with_options`` copy: the pool belongs to the client it came from)."""
        if self._closes_client:
            self._client.close()


# -- raw responses -------------------------------------------------------------------------

_T = TypeVar("_T")
_P = ParamSpec("_P")


@dataclass(frozen=True, slots=True)
class RateLimit:
    """The ``X-RateLimit-*`` headers of a response: the bucket's size, what is left of
    it, and when it refills (Unix seconds); None where the header is absent."""

    limit: int | None
    remaining: int | None
    reset: int | None


class RawResponse(Generic[_T]):
    """A successful call's HTTP response beside its result (``with_raw_response``)."""

    __slots__ = ("_parsed", "http_response")

    def __init__(self, http_response: httpx.Response, parsed: _T) -> None:
        #: The final httpx.Response of the call (after any retries).
        self.http_response = http_response
        self._parsed = parsed

    def __repr__(self) -> str:
        return f"RawResponse(status_code={self.status_code}, request_id={self.request_id!r})"

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    @property
    def request_id(self) -> str | None:
        """The server's ``X-Request-Id`` for this response (quote it when reporting)."""
        value: str | None = self.http_response.headers.get("x-request-id")
        return value

    @property
    def rate_limit(self) -> RateLimit | None:
        """``X-RateLimit-Limit`` / ``-Remaining`` / ``-Reset`` parsed; None without any."""
        headers = self.http_response.headers
        values = [
            _int_or_none(headers.get(f"x-ratelimit-{name}"))
            for name in ("limit", "remaining", "reset")
        ]
        return None if values == [None, None, None] else RateLimit(*values)

    def parse(self) -> _T:
        """What the method itself returns (the model, list, ...)."""
        return self._parsed


class RawResponses:
    """``client.with_raw_response``: the client's API methods, each answering a
    :class:`RawResponse` (a generated subclass lists each as a :class:`RawMethod`).

    A call runs on a copy of the client's transport (same pool and JWT) that keeps the
    final response, so concurrent raw calls never see each other's.
    """

    __slots__ = ("_client",)

    def __init__(self, client: Any) -> None:
        self._client = client

    def _clone(self) -> tuple[Any, list[httpx.Response]]:
        seen: list[httpx.Response] = []
        transport = self._client._transport.derive()
        transport._core.on_response = seen.append
        clone = object.__new__(type(self._client))
        clone._transport = transport
        return clone, seen


class RawMethod(Generic[_P, _T]):
    """One client method seen through ``with_raw_response``: same parameters, answering
    ``RawResponse`` of what the method returns (typed: ``ParamSpec`` carries them)."""

    __slots__ = ("_method",)

    def __init__(self, method: Callable[Concatenate[Any, _P], _T]) -> None:
        self._method = method

    def __get__(
        self, raw: RawResponses | None, owner: type | None = None
    ) -> Callable[_P, RawResponse[_T]]:
        method = self._method
        if raw is None:
            raise AttributeError("a raw-response method is read from client.with_raw_response")

        def call(*args: _P.args, **kwargs: _P.kwargs) -> RawResponse[_T]:
            clone, seen = raw._clone()
            result = method(clone, *args, **kwargs)
            return RawResponse(seen[-1], result)

        call.__name__ = getattr(method, "__name__", "call")
        call.__doc__ = method.__doc__
        return call


def _int_or_none(value: str | None) -> int | None:
    try:
        return None if value is None else int(value.strip())
    except ValueError:
        return None


# -- helpers -------------------------------------------------------------------------------


def _as_timeout(value: float | httpx.Timeout) -> httpx.Timeout:
    if isinstance(value, httpx.Timeout):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ValueError(f"timeout must be a positive number or an httpx.Timeout, got {value!r}")
    return httpx.Timeout(value)


def install_log_handler(setting: str | None) -> logging.Handler | None:
    """``AGENTEXCHANGE_LOG=info|debug``: a stderr handler on the ``agentexchange`` logger.

    Done once, at import, only when the variable is set (a library adds no handler of its
    own otherwise). Returns the handler installed, or None.
    """
    level = {"debug": logging.DEBUG, "info": logging.INFO}.get((setting or "").strip().lower())
    if level is None:
        return None
    for existing in logger.handlers:
        if getattr(existing, "_agentexchange_env", False):
            logger.removeHandler(existing)
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    handler._agentexchange_env = True  # type: ignore[attr-defined]
    logger.addHandler(handler)
    logger.setLevel(level)
    return handler


install_log_handler(os.environ.get(ENV_LOG))


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
