"""The asynchronous face of the request pipeline (hand-written; docs/architecture.md "Transport").

Only ``async_client.py`` imports this module, so ``asyncio`` loads only when the async
client does: ``from agentexchange import AgentExchangeClient`` never imports it
(docs/architecture.md "Layers"). The pipeline itself, :class:`Call` and the steps are
shared with the sync face in ``_transport.py`` (:meth:`_Core.exchange`).

:class:`AsyncTransport` performs the pipeline's steps with an ``httpx.AsyncClient`` /
``asyncio.sleep`` / an asyncio lock (:class:`AsyncTokenCache`). It also bounds the
requests in flight: each ``Send`` (only the send, not a backoff or a login) holds a slot
of an ``asyncio.Semaphore`` of ``max_concurrency`` slots, the default
``httpx.AsyncClient``'s pool is sized to match, and a call that waits longer than its
timeout for a slot raises ``APITimeoutError``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any, Concatenate, Generic, ParamSpec, TypeVar

import httpx

from ._auth import LoginAnswer, Token, token_from_login
from ._transport import Call, LogIn, RawResponse, RawResponses, Send, Sleep, _Core
from .exceptions import APITimeoutError

_T = TypeVar("_T")
_P = ParamSpec("_P")

__all__ = ["DEFAULT_MAX_CONCURRENCY", "AsyncRawMethod", "AsyncTokenCache", "AsyncTransport"]

# Requests in flight per AsyncTransport (docs/decisions.md "Transport": measured on a
# 1,000-wide fan-out: more in flight only adds httpcore pool bookkeeping, fewer caps a
# real network at max_concurrency / latency requests per second).
DEFAULT_MAX_CONCURRENCY = 20


class AsyncTransport:
    """Performs the pipeline's steps with an ``httpx.AsyncClient``; safe for concurrent tasks.

    ``login(api_key, api_secret)`` is the generated client's login coroutine.
    ``sleep`` (a coroutine function) and ``clock`` (monotonic seconds) are injectable.
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
        http_client: httpx.AsyncClient | None,
        login: Callable[[str, str], Awaitable[LoginAnswer]],
        max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
        sleep: Callable[[float], Awaitable[None]] | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        if type(max_concurrency) is not int or max_concurrency < 1:
            raise ValueError(f"max_concurrency must be an int >= 1, got {max_concurrency!r}")
        self._core = _Core(
            api_key=api_key,
            api_secret=api_secret,
            base_url=base_url,
            timeout=timeout,
            agent_id=agent_id,
            max_retries=max_retries,
        )
        if http_client is not None and not isinstance(http_client, httpx.AsyncClient):
            raise TypeError("http_client must be an httpx.AsyncClient (SyncTransport takes Client)")
        self._owns_client = http_client is None
        self._closes_client = self._owns_client  # a with_options copy never closes the pool
        # The pool matches the gate: no connection opened that the gate would leave idle.
        # A caller's own http_client keeps its limits; the gate applies to it all the same.
        self._client = http_client or httpx.AsyncClient(
            timeout=self._core.timeout,
            limits=httpx.Limits(
                max_connections=max_concurrency, max_keepalive_connections=max_concurrency
            ),
        )
        # Requests in flight: held around each Send only (never a Sleep or a LogIn).
        self._gate = asyncio.Semaphore(max_concurrency)
        self.max_concurrency = max_concurrency
        self._sleep = sleep or asyncio.sleep
        self._clock = clock or time.monotonic
        self._login = login
        self._tokens = AsyncTokenCache(self._log_in, self._clock)

    def __repr__(self) -> str:
        return f"AsyncTransport({self._core!r})"

    def derive(
        self,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        agent_id: str | None = None,
    ) -> AsyncTransport:
        """A transport with these settings changed that shares this one's connection pool,
        JWT cache and concurrency gate (``with_options``); closing it is a no-op."""
        clone = object.__new__(AsyncTransport)
        clone.__dict__.update(self.__dict__)
        clone._core = self._core.derive(timeout, max_retries, agent_id)
        clone._closes_client = False
        return clone

    @property
    def base_url(self) -> str:
        return self._core.base_url

    async def request(self, call: Call) -> Any:
        """Send ``call`` (with auth, retries) and return its decoded body."""
        steps = self._core.exchange(self._client, call, self._owns_client)
        try:
            step = next(steps)
            while True:
                if type(step) is Send:
                    try:
                        response = await self._send(call, step.request)
                    except httpx.TransportError as exc:
                        step = steps.throw(exc)  # the pipeline decides: resend or raise
                        continue
                    step = steps.send(response)
                elif type(step) is Sleep:
                    await self._sleep(step.seconds)
                    step = steps.send(None)
                else:
                    assert type(step) is LogIn
                    if step.stale is not None:
                        self._tokens.invalidate(step.stale)
                    step = steps.send(await self._tokens.get())
        except StopIteration as done:
            return done.value

    async def _send(self, call: Call, request: httpx.Request) -> httpx.Response:
        """Send ``request`` holding a slot of the gate; waiting for one counts as a timeout."""
        gate = self._gate
        if gate.locked():
            # Bounded like httpx's own pool wait, so no call waits here forever.
            timeout = self._core.timeout
            if call.options is not None and call.options.timeout is not None:
                timeout = call.options.timeout
            wait = timeout.pool
            try:
                async with asyncio.timeout(wait):
                    await gate.acquire()
            except TimeoutError:
                raise APITimeoutError(
                    f"{call.method} {call.path} timed out after {wait}s waiting for one of "
                    f"{self.max_concurrency} request slots (max_concurrency)"
                ) from None
        else:
            await gate.acquire()  # a free slot: taken without suspending
        try:
            return await self._client.send(request)
        finally:
            gate.release()

    async def _log_in(self) -> Token:
        creds = self._core.creds
        assert creds.api_key is not None and creds.api_secret is not None  # choose_scheme
        answer = await self._login(creds.api_key, creds.api_secret)
        return token_from_login(answer, self._clock())

    async def close(self) -> None:
        """Close the connection pool, unless the caller supplied ``http_client`` (or this is
        a ``with_options`` copy: the pool belongs to the client it came from)."""
        if self._closes_client:
            await self._client.aclose()


class AsyncRawMethod(Generic[_P, _T]):
    """``RawMethod`` for the async client: awaiting it answers ``RawResponse``."""

    __slots__ = ("_method",)

    def __init__(self, method: Callable[Concatenate[Any, _P], Awaitable[_T]]) -> None:
        self._method = method

    def __get__(
        self, raw: RawResponses | None, owner: type | None = None
    ) -> Callable[_P, Awaitable[RawResponse[_T]]]:
        method = self._method
        if raw is None:
            raise AttributeError("a raw-response method is read from client.with_raw_response")

        async def call(*args: _P.args, **kwargs: _P.kwargs) -> RawResponse[_T]:
            clone, seen = raw._clone()
            result = await method(clone, *args, **kwargs)
            return RawResponse(seen[-1], result)

        call.__name__ = getattr(method, "__name__", "call")
        call.__doc__ = method.__doc__
        return call


class AsyncTokenCache:
    """One JWT shared by all tasks; at most one login at a time."""

    def __init__(self, login: Callable[[], Awaitable[Token]], clock: Callable[[], float]) -> None:
        self._login = login
        self._clock = clock
        self._token: Token | None = None
        self._lock = asyncio.Lock()

    async def get(self) -> str:
        token = self._token
        if token is not None and self._clock() < token.refresh_at:
            return token.value
        async with self._lock:
            token = self._token
            if token is None or self._clock() >= token.refresh_at:
                token = await self._login()
                self._token = token
            return token.value

    def invalidate(self, value: str) -> None:
        """Forget ``value`` unless a newer token replaced it (no await: atomic in a loop)."""
        if self._token is not None and self._token.value == value:
            self._token = None
