"""``AgentExchangeWS``: the real-time client for ``/ws/v1`` (hand-written).

docs/architecture.md "WebSocket": ``asyncapi.yaml`` -> ``_ws_protocol.py`` -> this module
(and the mock's ``web/ws_hub.py``). Channel names, actions, message fields, limits and
close codes come from the generated tables; nothing about the protocol is spelled here a
second time.

How it runs (one ``connect()`` call)::

    reader task ──► inbox (bounded) ──► dispatcher task ──► async handlers (awaited in order)
        │  answers pings, tracks liveness           └──────► sync handlers (one worker thread)
        └─ watchdog: no message for ``stale_timeout`` s -> drop the socket, reconnect

The reader never runs user code, so a slow handler cannot stop pongs or hide a stale
socket. When handlers fall behind, the inbox drops the *oldest ticks* first (a newer
tick supersedes them) and never drops candles, order updates, portfolio snapshots or
connect/disconnect events. Reconnects use ``_retry.backoff_delay`` (exponential, with
jitter); the backoff resets once a connection has proved healthy — the server answered
every subscription and then delivered data (or, for a quiet stream, the connection stayed
up ``healthy_after`` seconds) — so a server that accepts and drops at once still backs off
to the cap. A healthy connection closed with 1001 ("going away") or 1012 ("service
restart") is a deploy, not a failure: the client comes back after a short jittered delay
(``RESTART_DELAY``) without growing the backoff. Every subscription is sent again and
acknowledged before ``on_connect`` handlers run, so a REST re-sync there leaves no gap.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
import logging
import os
import queue
import threading
from collections import deque
from collections.abc import (
    AsyncGenerator,
    AsyncIterator,
    Awaitable,
    Callable,
    Coroutine,
    Generator,
    Sequence,
)
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Literal, TypeVar
from urllib.parse import quote, urlsplit

from . import _ws_protocol as P
from ._retry import backoff_delay
from ._transport import ENV_API_KEY, ENV_BASE_URL
from .exceptions import AgentExchangeError, AuthenticationError

__all__ = ["AgentExchangeWS", "StreamEvent", "WSStats", "backoff_delay"]

log = logging.getLogger("agentexchange.ws")

Event = dict[str, Any]
Handler = Callable[[Event], Awaitable[None] | None]
H = TypeVar("H", bound=Callable[..., Any])

_PONG = json.dumps({"action": P.ACTION_PONG})  # the platform's shape (the docs' is also accepted)

# Closes that announce a restart rather than a failure: asyncapi.yaml's "going away" (1001)
# and RFC 6455's registered 1012 "service restart" (what uvicorn sends when it shuts down).
CLOSE_SERVICE_RESTART = 1012
RESTART_CLOSE_CODES = frozenset({P.CLOSE_GOING_AWAY, CLOSE_SERVICE_RESTART})
#: Seconds (low, high) before reconnecting after a restart close of a healthy connection.
RESTART_DELAY = (0.25, 1.0)


@dataclass(slots=True)
class WSStats:
    """Counters a long-running app can export (no credentials)."""

    attempts: int = 0  # connection attempts, successful or not
    connections: int = 0  # successful handshakes
    messages: int = 0  # data messages received
    dropped: int = 0  # ticks dropped because handlers fell behind
    handler_errors: int = 0
    stale_reconnects: int = 0


def _is_async(func: Callable[..., Any]) -> bool:
    return inspect.iscoroutinefunction(func) or inspect.iscoroutinefunction(
        getattr(func, "__call__", None)  # noqa: B004 - an object with an async __call__
    )


def _ws_url(base_url: str) -> str:
    url = base_url.strip().rstrip("/")
    scheme, _, rest = url.partition("://")
    scheme = {"http": "ws", "https": "wss"}.get(scheme.lower(), scheme.lower())
    if scheme not in ("ws", "wss") or not rest:
        raise ValueError(f"base_url must be a ws://, wss://, http:// or https:// URL: {base_url!r}")
    url = f"{scheme}://{rest}"
    return url if urlsplit(url).path.endswith(P.PATH) else url + P.PATH


class _SyncWorker:
    """One thread running sync handlers in arrival order, off the event loop."""

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[tuple[Callable[[Event], Any], Event] | None] = (
            queue.SimpleQueue()
        )
        self.submitted = 0  # written by the loop thread only
        self.finished = 0  # written by the worker thread only
        self.on_error: Callable[[Callable[..., Any]], None] = lambda h: None
        self._thread = threading.Thread(
            target=self._run, name="agentexchange-ws-handlers", daemon=True
        )
        self._thread.start()

    @property
    def backlog(self) -> int:
        return self.submitted - self.finished

    def submit(self, handler: Callable[[Event], Any], event: Event) -> None:
        self.submitted += 1
        self._queue.put((handler, event))

    def stop(self) -> None:
        self._queue.put(None)

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            handler, event = item
            try:
                handler(event)
            except Exception:
                log.exception("WebSocket handler %s raised", _name(handler))
                self.on_error(handler)
            finally:
                self.finished += 1


def _name(func: Callable[..., Any]) -> str:
    return getattr(func, "__qualname__", None) or repr(func)


class _RedactingLogger(logging.LoggerAdapter):  # type: ignore[type-arg]
    """The ``websockets`` logger minus the key (it logs the request line at DEBUG)."""

    def __init__(self, secret: str) -> None:
        super().__init__(logging.getLogger("websockets.client"), {})
        self._secrets = {secret, quote(secret, safe="")}

    def log(self, level: int, msg: object, *args: object, **kwargs: Any) -> None:
        if self.isEnabledFor(level):
            clean = tuple(self._redact(a) for a in args)
            self.logger.log(level, self._redact(msg), *clean, **kwargs)

    def _redact(self, value: object) -> object:
        if isinstance(value, str):
            for secret in self._secrets:
                value = value.replace(secret, "***")
        return value


class _Closing:
    """What ``close()`` returns: ignore it, ``await`` it in the loop, or ``wait()`` on it."""

    def __init__(self, done: threading.Event) -> None:
        self._done = done

    def wait(self, timeout: float | None = None) -> bool:
        """Block (another thread) until the client has stopped; False on timeout."""
        return self._done.wait(timeout)

    def __await__(self) -> Generator[Any, None, None]:
        async def poll() -> None:
            while not self._done.is_set():
                await asyncio.sleep(0.01)

        return poll().__await__()


StreamKind = Literal["ticker", "candle", "order", "portfolio", "connect", "disconnect"]


@dataclass(frozen=True, slots=True)
class StreamEvent:
    """One event of ``ws.stream(...)``: what it is, and the dict a handler would get."""

    kind: StreamKind
    data: Event


class _Stream:
    """``async with ws.stream(...) as events: async for event in events:`` (see
    ``AgentExchangeWS.stream``). Handlers registered on the client feed one queue; the
    client's own connect() loop (reconnects, resubscription, on_connect after the
    acknowledgements) runs underneath, so the iterator has the same guarantees."""

    _END = object()

    def __init__(
        self,
        ws: AgentExchangeWS,
        registrations: list[tuple[Callable[[Callable[..., Any]], Any], StreamKind]],
    ) -> None:
        self._ws = ws
        self._registrations = registrations
        self._queue: asyncio.Queue[Any] = asyncio.Queue()
        self._handlers: list[tuple[list[Handler], Handler]] = []
        self._task: asyncio.Task[None] | None = None
        self._iterator: AsyncGenerator[StreamEvent, None] | None = None

    def _feed(self, kind: StreamKind) -> Handler:
        queue, ws = self._queue, self._ws

        async def handler(data: Event) -> None:
            if kind == "ticker" and queue.qsize() >= ws.max_pending:
                ws.stats.dropped += 1  # the consumer is far behind: a newer tick will come
                return
            queue.put_nowait(StreamEvent(kind, data))
            if kind == "disconnect" and data.get("reconnect_in") is None:
                queue.put_nowait(self._END)  # the client is stopping: so does the iterator

        return handler

    async def __aenter__(self) -> AsyncIterator[StreamEvent]:
        ws = self._ws
        mine: list[Handler] = []
        for register, kind in self._registrations:
            mine.append(self._feed(kind))
            register(mine[-1])
        ws._on_connect.append(self._feed("connect"))
        ws._on_disconnect.append(self._feed("disconnect"))
        mine += [ws._on_connect[-1], ws._on_disconnect[-1]]
        # Where each of this stream's handlers went: taken out again on exit.
        for target in (
            *ws._ticker.values(),
            ws._ticker_all,
            *ws._candles.values(),
            ws._orders,
            ws._portfolio,
            ws._on_connect,
            ws._on_disconnect,
        ):
            self._handlers += [(target, h) for h in target if any(h is m for m in mine)]
        if ws._done.is_set():  # not running: this stream runs it (and stops it on exit)
            self._task = asyncio.create_task(ws.connect(), name="agentexchange-ws-stream")
            self._task.add_done_callback(lambda _: self._queue.put_nowait(self._END))
        self._iterator = self._events()
        return self._iterator

    async def _events(self) -> AsyncGenerator[StreamEvent, None]:
        queue, ws = self._queue, self._ws
        while True:
            if not queue.empty():
                item = queue.get_nowait()
            else:
                try:
                    # A client someone else runs may stop without a last event reaching us
                    # (its dispatcher ends with it): look every 0.1 s whether it stopped.
                    item = await asyncio.wait_for(queue.get(), 0.1)
                except TimeoutError:
                    if ws._done.is_set() and self._task is None and queue.empty():
                        return
                    continue
            if item is self._END:
                task = self._task
                if task is not None and not task.cancelled() and task.exception() is not None:
                    raise task.exception()  # type: ignore[misc]  # e.g. AuthenticationError
                return
            yield item

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        for target, handler in self._handlers:
            with contextlib.suppress(ValueError):
                target.remove(handler)
        if self._iterator is not None:
            await self._iterator.aclose()  # a consumer that broke out left it suspended
        task = self._task
        if task is not None:
            self._ws.close()
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await task


class AgentExchangeWS:
    """Real-time streams with decorator-registered handlers, or as an async iterator
    (``stream()``).

    ``api_key`` falls back to ``AGENTEXCHANGE_API_KEY``; one of the two is required.
    ``base_url`` is the platform's host (``ws://``/``wss://``, or ``http(s)://``, turned
    into ``ws://``/``wss://``); it falls back to ``AGENTEXCHANGE_BASE_URL`` (the REST
    client's variable), then ``ws://localhost:8000``. ``/ws/v1`` is appended unless present.

    Handlers receive one flat ``dict`` per event with the docs' keys and the wire's
    types (decimal strings stay strings). Async handlers are awaited one at a time on
    the client's loop. Sync handlers run on one dedicated worker thread, in arrival
    order, so even a blocking one never delays the receive loop or the heartbeat
    (guard shared state with a lock, as the docs' price-cache example does). A handler
    that raises is logged and counted; the other handlers and the stream go on.

    Tuning (keyword-only): ``reconnect_initial``/``reconnect_max`` (backoff 1 s -> 60 s),
    ``healthy_after`` (a connection whose subscriptions were all answered resets the
    backoff once data arrives, or after this many seconds of a quiet stream),
    ``stale_timeout`` (no message for this long -> reconnect; it must exceed
    ``ping_interval``, the server's heartbeat period, or a quiet healthy connection would
    be dropped between pings), ``open_timeout`` (one handshake), ``max_pending`` (events
    waiting for handlers before old ticks drop).
    """

    def __init__(
        self,
        api_key: str | None = None,
        base_url: str | None = None,
        *,
        reconnect_initial: float = 1.0,
        reconnect_max: float = 60.0,
        healthy_after: float = 10.0,
        stale_timeout: float = P.STALE_AFTER_SECONDS,
        ping_interval: float = P.PING_INTERVAL_SECONDS,
        open_timeout: float = 10.0,
        close_timeout: float = 2.0,
        max_pending: int = 10_000,
    ) -> None:
        if not stale_timeout > ping_interval:
            raise ValueError(
                f"stale_timeout ({stale_timeout} s) must exceed the server's ping interval "
                f"({ping_interval} s): a quiet, healthy connection would be dropped between pings"
            )
        key = api_key or os.environ.get(ENV_API_KEY)
        if not key:
            raise AuthenticationError(
                "An API key is required: pass api_key= or set AGENTEXCHANGE_API_KEY.",
                code="MISSING_CREDENTIALS",
            )
        self._api_key = key
        base = base_url or os.environ.get(ENV_BASE_URL) or "ws://localhost:8000"
        self.url = _ws_url(base)  # without the key: safe to log
        self.reconnect_initial = reconnect_initial
        self.reconnect_max = reconnect_max
        self.healthy_after = healthy_after
        self.stale_timeout = stale_timeout
        self.ping_interval = ping_interval
        self.open_timeout = open_timeout
        self.close_timeout = close_timeout
        self.max_pending = max_pending
        self.stats = WSStats()
        # Subscriptions in registration order: key -> the subscribe request's fields.
        self._subscriptions: dict[str, dict[str, str]] = {}
        self._ticker: dict[str, list[Handler]] = {}
        self._ticker_all: list[Handler] = []
        self._candles: dict[tuple[str, str], list[Handler]] = {}
        self._orders: list[Handler] = []
        self._portfolio: list[Handler] = []
        self._battles: dict[str, list[Handler]] = {}
        self._on_connect: list[Handler] = []
        self._on_disconnect: list[Handler] = []
        self._last_tick: dict[str, tuple[Any, Any, Any]] = {}
        # Run state (set by connect()).
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._socket: Any = None
        self._closed = False
        self._done = threading.Event()
        self._done.set()
        self._inbox: deque[tuple[bool, tuple[Handler, ...], Event]] = deque()
        self._inbox_wake: asyncio.Event | None = None
        self._worker: _SyncWorker | None = None
        self._tasks: set[asyncio.Future[Any]] = set()
        self._unacked: deque[str] = deque()
        self._connect_event: Event | None = None
        # Health of the current connection: every subscription answered, then data.
        self._acked = False
        self._delivered = False
        #: Subscription keys the server has acknowledged on the current connection.
        self.subscribed: set[str] = set()
        #: The server's recent ``error`` messages (e.g. ``SUBSCRIPTION_LIMIT``).
        self.errors: deque[dict[str, Any]] = deque(maxlen=50)

    def __repr__(self) -> str:  # never the key
        return f"AgentExchangeWS(url={self.url!r}, subscriptions={list(self._subscriptions)})"

    # ----------------------------------------------------------- decorators
    def on_ticker(self, symbol: str) -> Callable[[H], H]:
        """Price ticks for ``symbol``, or for every pair with ``"all"``."""
        if symbol.lower() == "all":
            return self._register(self._ticker_all, P.CHANNEL_TICKER_ALL, {})
        sym = symbol.upper()
        return self._register(self._ticker.setdefault(sym, []), P.CHANNEL_TICKER, {"symbol": sym})

    def on_candles(self, symbol: str, interval: str) -> Callable[[H], H]:
        """Closed candles of ``symbol`` at ``interval`` (one of ``INTERVALS``)."""
        if interval not in P.INTERVALS:
            raise ValueError(f"interval must be one of {list(P.INTERVALS)}, not {interval!r}")
        sym = symbol.upper()
        handlers = self._candles.setdefault((sym, interval), [])
        return self._register(handlers, P.CHANNEL_CANDLES, {"symbol": sym, "interval": interval})

    def on_order_update(self) -> Callable[[H], H]:
        """Every status change of this agent's orders."""
        return self._register(self._orders, P.CHANNEL_ORDERS, {})

    def on_portfolio(self) -> Callable[[H], H]:
        """Portfolio snapshots after each fill or balance change."""
        return self._register(self._portfolio, P.CHANNEL_PORTFOLIO, {})

    def on_battle(self, battle_id: str) -> Callable[[H], H]:
        """A battle's standings: ``{"battle_id", "event", "status", "ranking", "timestamp"}``
        when it starts, at each re-ranking and when it ends (a battle of this account)."""
        bid = str(battle_id).lower()
        return self._register(
            self._battles.setdefault(bid, []), P.CHANNEL_BATTLE, {"battle_id": bid}
        )

    def on_connect(self, func: H | None = None) -> Any:
        """Called after each (re)connection, once the server has answered all its
        subscriptions, with ``{"url", "reconnect": bool}``. Re-sync state through REST
        here: events from then on are delivered, so nothing falls in between."""
        return self._hook(self._on_connect, func)

    def on_disconnect(self, func: H | None = None) -> Any:
        """Called when a connection ends, with ``{"code", "reason", "reconnect_in"}``
        (``reconnect_in`` None when the client is stopping)."""
        return self._hook(self._on_disconnect, func)

    def _hook(self, target: list[Handler], func: H | None) -> Any:
        def add(f: H) -> H:
            target.append(f)
            return f

        return add if func is None else add(func)  # @ws.on_connect or @ws.on_connect()

    def _register(
        self, target: list[Handler], channel: str, params: dict[str, str]
    ) -> Callable[[H], H]:
        key = P.SUBSCRIPTION_KEYS[channel].format(**params)

        def add(func: H) -> H:
            target.append(func)
            if key not in self._subscriptions:
                self._subscriptions[key] = {"channel": channel, **params}
                if len(self._subscriptions) > P.SUBSCRIPTIONS_PER_CONNECTION:
                    log.warning(
                        "%d subscriptions: the server accepts %d per connection",
                        len(self._subscriptions),
                        P.SUBSCRIPTIONS_PER_CONNECTION,
                    )
                self._call_in_loop(self._send_subscribe, key)
            return func

        return add

    # ------------------------------------------------------------ iterator form
    def stream(
        self,
        *,
        ticker: str | Sequence[str] | None = None,
        candles: tuple[str, str] | Sequence[tuple[str, str]] | None = None,
        orders: bool = False,
        portfolio: bool = False,
    ) -> _Stream:
        """The streams as an async iterator of :class:`StreamEvent` (``kind``, ``data``)::

            async with ws.stream(ticker="BTCUSDT", orders=True) as events:
                async for event in events:
                    if event.kind == "ticker": ...

        ``ticker``: a symbol, several, or ``"all"``; ``candles``: ``(symbol, interval)``
        or several; ``orders`` / ``portfolio``: this agent's updates. ``connect`` and
        ``disconnect`` events (the ``on_connect`` / ``on_disconnect`` dicts) come too: a
        ``connect`` with ``reconnect: True`` follows a reconnection, once every
        subscription is acknowledged again — re-sync through REST there. Entering runs
        the client (``connect()``) unless it already runs, and leaving stops what it
        started; reconnects, backoff and resubscription are the client's own. The
        iterator ends when the client stops, and raises ``AuthenticationError`` if the
        key is refused. Ticks are dropped (counted in ``stats.dropped``) when more than
        ``max_pending`` events wait for the consumer; other events never are.
        """
        registrations: list[tuple[Callable[[Callable[..., Any]], Any], StreamKind]] = []
        symbols = [ticker] if isinstance(ticker, str) else list(ticker or ())
        registrations += [(self.on_ticker(sym), "ticker") for sym in symbols]
        pairs: list[tuple[str, str]] = []
        if candles is not None:
            if len(candles) == 2 and all(isinstance(c, str) for c in candles):
                pairs = [(str(candles[0]), str(candles[1]))]
            else:
                pairs = [(str(pair[0]), str(pair[1])) for pair in candles]
        for sym, interval in pairs:
            registrations.append((self.on_candles(sym, interval), "candle"))
        if orders:
            registrations.append((self.on_order_update(), "order"))
        if portfolio:
            registrations.append((self.on_portfolio(), "portfolio"))
        if not registrations:
            raise ValueError("stream() needs at least one of ticker, candles, orders, portfolio")
        return _Stream(self, registrations)

    # ------------------------------------------------------------ lifecycle
    def run_forever(self) -> None:
        """Blocking ``connect()`` on a new event loop, e.g. in a daemon thread."""
        asyncio.run(self.connect())

    def close(self) -> _Closing:
        """Stop streaming and end ``connect()``. Safe from any thread; returns at once.

        ``await ws.close()`` (in the client's loop) or ``ws.close().wait(timeout)``
        (another thread) also wait until the client has stopped.
        """
        self._closed = True
        self._call_in_loop(self._request_stop)
        return _Closing(self._done)

    def _call_in_loop(self, func: Callable[..., Any], *args: Any) -> None:
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            func(*args)
        else:
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                loop.call_soon_threadsafe(func, *args)

    def _request_stop(self) -> None:
        if self._stop is not None:
            self._stop.set()
        sock = self._socket
        if sock is not None:
            self._background(sock.close())

    def _background(self, coro: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)  # a reference, so the task is not collected mid-flight
        task.add_done_callback(self._tasks.discard)

    async def connect(self) -> None:
        """Stream until ``close()``; reconnect on failures.

        Raises ``AuthenticationError`` at once (no retry) when the key is refused.
        """
        if self._closed:
            return
        if not self._done.is_set():
            raise RuntimeError("this AgentExchangeWS is already running")
        self._done.clear()
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        self._inbox_wake = asyncio.Event()
        worker = self._worker = _SyncWorker()
        worker.on_error = self._count_error
        dispatcher = asyncio.create_task(self._dispatch(), name="agentexchange-ws-dispatch")
        try:
            await self._connection_loop()
        finally:
            dispatcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await dispatcher
            worker.stop()
            self._inbox.clear()
            self._socket = None
            self._loop = None
            self._done.set()

    async def _connection_loop(self) -> None:
        from websockets.asyncio.client import connect as ws_connect
        from websockets.exceptions import ConnectionClosed, InvalidStatus

        assert self._stop is not None
        loop = asyncio.get_running_loop()
        attempt = 0
        reconnect = False
        target = f"{self.url}?{P.AUTH_QUERY_PARAMETER}={quote(self._api_key, safe='')}"
        while not self._stop.is_set():
            self.stats.attempts += 1
            try:
                sock = await ws_connect(
                    target,
                    open_timeout=self.open_timeout,
                    close_timeout=self.close_timeout,
                    proxy=None,
                    logger=_RedactingLogger(self._api_key),
                )
            except InvalidStatus as exc:
                status = exc.response.status_code
                if status in P.AUTH_REFUSED_STATUSES:
                    raise _auth_error(status, exc.response.body) from None
                error: str = f"handshake refused with HTTP {status}"
            except (OSError, TimeoutError, AgentExchangeError, Exception) as exc:
                # Do not pass the exception on: its text may contain the URL with the key.
                error = type(exc).__name__
            else:
                self.stats.connections += 1
                started = loop.time()
                code, reason = await self._serve(sock, reconnect, ConnectionClosed)
                reconnect = True
                # Healthy: the server answered every subscription and then delivered data
                # (a quiet stream: answered and stayed up healthy_after). Uptime alone
                # proves nothing. (_delivered is only set once the answers are in.)
                healthy = self._delivered or (
                    self._acked and loop.time() - started >= self.healthy_after
                )
                if healthy:
                    attempt = 0
                delay: float | None
                if self._stop.is_set():
                    delay = None
                elif healthy and code in RESTART_CLOSE_CODES:
                    delay = self._restart_delay()  # a deploy: come back soon, backoff untouched
                else:
                    delay = self._next_delay(attempt)
                    attempt += 1
                self._emit(
                    self._on_disconnect, {"code": code, "reason": reason, "reconnect_in": delay}
                )
                if delay is None:
                    return
                log.info("WebSocket closed (%s %s); reconnecting in %.1fs", code, reason, delay)
                await self._sleep(delay)
                continue
            delay = self._next_delay(attempt)
            attempt += 1
            log.warning("WebSocket connect failed (%s); retrying in %.1fs", error, delay)
            await self._sleep(delay)

    def _next_delay(self, attempt: int) -> float:
        return backoff_delay(attempt, self.reconnect_initial, self.reconnect_max)

    @staticmethod
    def _restart_delay() -> float:
        low, high = RESTART_DELAY
        return backoff_delay(0, high, high, spread=(low / high, 1.0))

    async def _sleep(self, delay: float) -> None:
        assert self._stop is not None
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(delay):
                await self._stop.wait()

    async def _serve(
        self, sock: Any, reconnect: bool, closed_exc: type[Exception]
    ) -> tuple[int | None, str]:
        """Run one connection until it closes; returns its close code and reason."""
        assert self._stop is not None
        loop = asyncio.get_running_loop()
        self._socket = sock
        last_rx = [loop.time()]
        fallback: asyncio.TimerHandle | None = None
        watchdog = asyncio.create_task(self._watch(sock, last_rx), name="agentexchange-ws-watchdog")
        try:
            if self._stop.is_set():
                await sock.close()
            # on_connect waits for the server to acknowledge every subscription (or
            # open_timeout): a REST re-sync done there cannot miss an event.
            self._unacked = deque(self._subscriptions)
            self._acked = self._delivered = False
            self._connect_event = {"url": self.url, "reconnect": reconnect}
            self.subscribed.clear()
            for key in tuple(self._unacked):
                await self._send_subscribe_async(sock, key)
            fallback = loop.call_later(self.open_timeout, self._acknowledged, True)
            self._acknowledged()
            handle = self._handle
            async for raw in sock:
                last_rx[0] = loop.time()
                try:
                    message = json.loads(raw)
                except ValueError:
                    log.warning("WebSocket: ignoring a message that is not JSON")
                    continue
                if isinstance(message, dict):
                    if message.get("type") == P.TYPE_PING:
                        await sock.send(_PONG)
                    else:
                        handle(message)
        except closed_exc:
            pass
        finally:
            watchdog.cancel()
            if fallback is not None:
                fallback.cancel()
            self._connect_event = None
            self._socket = None
        return sock.close_code, sock.close_reason or ""

    async def _watch(self, sock: Any, last_rx: list[float]) -> None:
        """Drop a socket that has been silent for ``stale_timeout`` seconds."""
        loop = asyncio.get_running_loop()
        while True:
            remaining = last_rx[0] + self.stale_timeout - loop.time()
            if remaining <= 0:
                self.stats.stale_reconnects += 1
                log.warning("WebSocket silent for %.0fs; reconnecting", self.stale_timeout)
                sock.transport.abort()  # no close handshake with a peer that stopped talking
                return
            await asyncio.sleep(remaining)

    def _send_subscribe(self, key: str) -> None:
        sock = self._socket
        if sock is not None:
            self._background(self._send_subscribe_async(sock, key))

    async def _send_subscribe_async(self, sock: Any, key: str) -> None:
        request = {"action": P.ACTION_SUBSCRIBE, **self._subscriptions[key]}
        with contextlib.suppress(Exception):  # a broken socket shows up in the reader
            await sock.send(json.dumps(request))

    # ------------------------------------------------------------- messages
    def _handle(self, message: dict[str, Any]) -> None:
        channel = message.get("channel")
        data = message.get("data")
        if not isinstance(data, dict):
            self._control(message)
            return
        self.stats.messages += 1
        if self._acked:
            self._delivered = True
        handlers: tuple[Handler, ...]
        if channel == P.DATA_TICKER:
            symbol = message.get("symbol")
            own = self._ticker.get(symbol, ()) if isinstance(symbol, str) else ()
            if own and self._ticker_all:
                # A server may send a tick once per matching subscription: deliver it once.
                mark = (data.get("timestamp"), data.get("trade_id"), data.get("price"))
                if self._last_tick.get(symbol) == mark:  # type: ignore[arg-type]
                    return
                self._last_tick[symbol] = mark  # type: ignore[index]
            handlers = (*own, *self._ticker_all)
            if handlers:
                self._enqueue(handlers, {"symbol": symbol, **data}, droppable=True)
        elif channel == P.DATA_CANDLE:
            symbol, interval = message.get("symbol"), message.get("interval")
            handlers = tuple(self._candles.get((symbol, interval), ()))  # type: ignore[arg-type]
            if handlers:
                event = {"symbol": symbol, "interval": interval, **data}
                if "open_time" not in event and "time" in event:
                    event["open_time"] = event["time"]
                self._enqueue(handlers, event, droppable=False)
        elif channel == P.DATA_ORDER:
            if self._orders:
                self._enqueue(tuple(self._orders), dict(data), droppable=False)
        elif channel == P.DATA_PORTFOLIO and self._portfolio:
            self._enqueue(tuple(self._portfolio), dict(data), droppable=False)
        elif channel == P.DATA_BATTLE:
            battle_id = message.get("battle_id")
            handlers = tuple(self._battles.get(battle_id, ())) if isinstance(battle_id, str) else ()
            if handlers:
                self._enqueue(handlers, {"battle_id": battle_id, **data}, droppable=False)

    def _control(self, message: dict[str, Any]) -> None:
        kind = message.get("type")
        key = message.get("channel")
        if kind == P.TYPE_SUBSCRIBED and isinstance(key, str):
            self.subscribed.add(key)
            with contextlib.suppress(ValueError):
                self._unacked.remove(key)
            self._acknowledged()
        elif kind == P.TYPE_UNSUBSCRIBED and isinstance(key, str):
            self.subscribed.discard(key)
        elif kind == P.TYPE_ERROR:
            self.errors.append(message)
            log.warning(
                "WebSocket server error %s: %s", message.get("code"), message.get("message")
            )
            # The platform's errors name no channel; they answer requests in order.
            if isinstance(key, str) and key in self._unacked:
                self._unacked.remove(key)
            elif self._unacked:
                self._unacked.popleft()
            self._acknowledged()

    def _acknowledged(self, timed_out: bool = False) -> None:
        """Emit on_connect once every subscription of this connection is answered."""
        if not timed_out and not self._unacked:
            self._acked = True  # (late answers after the open_timeout fallback count too)
        if self._connect_event is not None and (timed_out or not self._unacked):
            if timed_out:
                log.warning("WebSocket: no answer for subscriptions %s", list(self._unacked))
            self._emit(self._on_connect, self._connect_event)
            self._connect_event = None

    def _emit(self, handlers: list[Handler], event: Event) -> None:
        if handlers:
            self._enqueue(tuple(handlers), event, droppable=False)

    def _enqueue(self, handlers: tuple[Handler, ...], event: Event, droppable: bool) -> None:
        inbox = self._inbox
        if len(inbox) >= self.max_pending:
            if not self._drop_oldest_tick():
                if droppable:
                    self.stats.dropped += 1
                    return
                # Only never-drop events are waiting: keep this one too (memory over loss).
        inbox.append((droppable, handlers, event))
        wake = self._inbox_wake
        if wake is not None and not wake.is_set():
            wake.set()

    def _drop_oldest_tick(self) -> bool:
        for index, entry in enumerate(self._inbox):
            if entry[0]:
                del self._inbox[index]
                self.stats.dropped += 1
                return True
        return False

    async def _dispatch(self) -> None:
        inbox = self._inbox
        wake = self._inbox_wake
        worker = self._worker
        assert wake is not None and worker is not None
        # Whether a handler is a coroutine function, asked on every event: inspect is slow
        # and the answer never changes (handlers are held by this client anyway).
        async_of: dict[Any, bool] = {}
        while True:
            if not inbox:
                wake.clear()
                await wake.wait()
                continue
            droppable, handlers, event = inbox.popleft()
            first = True
            for handler in handlers:
                arg = event if first else dict(event)  # each handler gets its own dict
                first = False
                try:
                    is_async = async_of[handler]
                except KeyError:
                    is_async = async_of[handler] = _is_async(handler)
                except TypeError:  # an unhashable callable object
                    is_async = _is_async(handler)
                if is_async:
                    try:
                        await handler(arg)  # type: ignore[misc]
                    except Exception:
                        log.exception("WebSocket handler %s raised", _name(handler))
                        self._count_error(handler)
                elif droppable and worker.backlog >= self.max_pending:
                    self.stats.dropped += 1  # sync handlers far behind: skip this tick
                else:
                    worker.submit(handler, arg)

    def _count_error(self, handler: Callable[..., Any]) -> None:
        self.stats.handler_errors += 1


def _auth_error(status: int, body: bytes | bytearray | None) -> AuthenticationError:
    code, message = "INVALID_API_KEY", "The API key was refused."
    with contextlib.suppress(ValueError, TypeError, AttributeError):
        envelope = json.loads(body or b"")["error"]
        code = str(envelope.get("code") or code)
        message = str(envelope.get("message") or message)
    return AuthenticationError(
        f"WebSocket handshake refused: {message}", code=code, status_code=status
    )
