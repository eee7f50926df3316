"""Web layer: The mock exchange's WebSocket side: ``/ws/v1`` on the same port as the REST API.

docs/architecture.md "WebSocket": ``asyncapi.yaml`` -> ``_ws_protocol.py`` -> here (and
the client, ``ws.py``). ``WsHub(exchange)`` is an ASGI app for ``websocket`` scopes
(``MockApp(websocket=…)``). It authenticates the ``api_key`` query parameter with the
domain's ``Accounts``, listens on the domain's ``EventBus`` ("ticker", "candle", "order",
"portfolio") and fans each event out to the connections subscribed to it.

Threads and back-pressure:

* Bus listeners run on whatever thread published (the tick loop, a REST handler, a
  test). They only append to a batch and schedule one flush on the hub's event loop,
  so the market never waits for a socket.
* Each connection has a bounded outgoing queue and its own writer task. When the
  queue is full the oldest *ticker* message of that connection is dropped (a newer
  tick supersedes it); control messages, candles, orders and portfolio snapshots are
  never dropped — if only those are left and the queue is still full, the connection
  is closed with ``CLOSE_SLOW_CONSUMER`` ("slow consumer"). A slow client therefore
  costs memory bounded by ``max_queue`` and never delays other clients.
* A heartbeat task per connection sends ``{"type": "ping"}`` every ``ping_interval``
  seconds and closes the connection (``CLOSE_PONG_TIMEOUT``) when no pong arrives
  within ``pong_timeout``.

The API key never reaches a log: it is removed from the scope's query string before
the handshake is answered (uvicorn logs the path and query of every handshake).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import threading
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

from ... import _ws_protocol as P
from .app import Receive, Scope, Send, dump_json

log = logging.getLogger("agentexchange.mock.ws")

__all__ = ["AuthRefused", "HubStats", "WsHub"]

# Resolves an API key to the acting agent id (None: a valid key with no agent).
Authenticator = Callable[[str], str | None]

_SYMBOL = re.compile(r"^[A-Z0-9]{2,20}$")
_PING = json.dumps({"type": P.TYPE_PING})
# Bus topics (the domain's names) -> the data message channel they become.
_TOPICS = {"ticker": P.DATA_TICKER, "candle": P.DATA_CANDLE, "order": P.DATA_ORDER,
           "portfolio": P.DATA_PORTFOLIO, "battle": P.DATA_BATTLE}  # fmt: skip
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class AuthRefused(Exception):
    """Raised by an authenticator: the handshake is refused with ``status``."""

    def __init__(self, message: str, status: int = 401, code: str = "INVALID_API_KEY") -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code


@dataclass(slots=True)
class HubStats:
    """Counters for tests, benchmarks and operators (never any key)."""

    accepted: int = 0
    refused: int = 0
    open: int = 0
    messages_sent: int = 0
    ticks_dropped: int = 0
    slow_consumer_closes: int = 0
    pong_timeouts: int = 0


class _Connection:
    """One accepted socket: its subscriptions, outgoing queue and liveness."""

    __slots__ = ("agent_id", "closing", "dropped", "pong", "queue", "subs", "wake")

    def __init__(self, agent_id: str | None) -> None:
        self.agent_id = agent_id
        self.subs: dict[str, tuple[str, str | None, str | None]] = {}  # key -> (channel, sym, iv)
        self.queue: deque[tuple[bool, str]] = deque()  # (droppable, text)
        self.wake = asyncio.Event()
        self.pong = asyncio.Event()
        self.closing: tuple[int, str] | None = None
        self.dropped = 0

    def request_close(self, code: int, reason: str) -> None:
        if self.closing is None:
            self.closing = (code, reason)
            self.queue.clear()  # nothing more is delivered to a connection being closed
            self.wake.set()


class WsHub:
    """ASGI app serving ``asyncapi.yaml``'s ``/ws/v1`` from an ``Exchange``'s event bus.

    ``authenticate`` defaults to the exchange's ``Accounts`` (an agent key acts as its
    agent; an account key as its default agent). Limits default to asyncapi.yaml's.
    """

    def __init__(
        self,
        exchange: Any,
        *,
        ping_interval: float | None = P.PING_INTERVAL_SECONDS,
        pong_timeout: float = P.PONG_TIMEOUT_SECONDS,
        max_queue: int = P.OUTGOING_QUEUE_MESSAGES,
        max_subscriptions: int = P.SUBSCRIPTIONS_PER_CONNECTION,
        authenticate: Authenticator | None = None,
        known_symbol: Callable[[str], bool] | None = None,
    ) -> None:
        if max_queue < 1:
            raise ValueError("max_queue must be at least 1")
        self.exchange = exchange
        self.events = exchange.events
        self.ping_interval = ping_interval
        self.pong_timeout = pong_timeout
        self.max_queue = max_queue
        self.max_subscriptions = max_subscriptions
        self._authenticate = authenticate or self._accounts_authenticator(exchange)
        market = getattr(exchange, "market", None)
        self._known_symbol = known_symbol or getattr(market, "has", None)
        self.stats = HubStats()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread: int | None = None
        self._connections: set[_Connection] = set()
        # Routing indexes, kept in step with each connection's ``subs``.
        self._ticker: dict[str, set[_Connection]] = {}
        self._ticker_all: set[_Connection] = set()
        self._candles: dict[tuple[str, str], set[_Connection]] = {}
        self._orders: dict[str, set[_Connection]] = {}
        self._portfolio: dict[str, set[_Connection]] = {}
        self._battles: dict[str, set[_Connection]] = {}  # battle_id -> subscribers
        self._listening: set[str] = set()
        self._pending: deque[tuple[str, dict[str, Any]]] = deque()
        self._flush_scheduled = False
        self._idle = asyncio.Event()
        self._idle.set()

    # ------------------------------------------------------------ lifecycle
    async def start(self) -> None:
        """Bind to the running loop (optional: the first connection does it too)."""
        self._bind_loop()

    async def stop(self, timeout: float = 5.0) -> None:
        """Close every connection with ``CLOSE_GOING_AWAY`` and wait for them to end."""
        for conn in tuple(self._connections):
            conn.request_close(P.CLOSE_GOING_AWAY, "server shutting down")
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                await self._idle.wait()
        for topic in tuple(self._listening):
            self.events.unsubscribe(topic, self._on_event)
        self._listening.clear()

    @property
    def connection_count(self) -> int:
        return len(self._connections)

    def _account_of(self, agent_id: str | None) -> str | None:
        accounts = getattr(self.exchange, "accounts", None)
        agent = accounts.agent(agent_id) if accounts is not None and agent_id else None
        return None if agent is None else str(agent.account_id)

    def _bind_loop(self) -> None:
        if self._loop is None:
            self._loop = asyncio.get_running_loop()
            self._loop_thread = threading.get_ident()

    @staticmethod
    def _accounts_authenticator(exchange: Any) -> Authenticator:
        def authenticate(api_key: str) -> str | None:
            try:
                principal = exchange.accounts.authenticate_key(api_key)
            except Exception as exc:  # the domain's DomainError: INVALID_API_KEY, suspended
                status = getattr(exc, "status", None)
                if not isinstance(status, int):
                    raise
                raise AuthRefused(
                    getattr(exc, "message", "Invalid API key."),
                    403 if status == 403 else 401,
                    getattr(exc, "code", "INVALID_API_KEY"),
                ) from None
            agent_id = principal.agent_id
            return None if agent_id is None else str(agent_id)

        return authenticate

    # ----------------------------------------------------------------- ASGI
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "websocket":
            return
        self._bind_loop()
        first = await receive()
        if first["type"] != "websocket.connect":
            return
        api_key = _take_api_key(scope)  # also redacts it from the scope uvicorn logs
        if scope.get("path") != P.PATH:
            await _refuse(scope, send, 404, "NOT_FOUND", f"No WebSocket at {scope.get('path')}.")
            return
        try:
            if not api_key:
                raise AuthRefused(f"The '{P.AUTH_QUERY_PARAMETER}' query parameter is required.")
            agent_id = self._authenticate(api_key)
        except AuthRefused as exc:
            self.stats.refused += 1
            await _refuse(scope, send, exc.status, exc.code, exc.message)
            return
        await send({"type": "websocket.accept"})
        conn = _Connection(agent_id)
        self._connections.add(conn)
        self._idle.clear()
        self.stats.accepted += 1
        self.stats.open += 1
        log.debug("websocket opened for agent %s", agent_id)
        try:
            await self._serve(conn, receive, send)
        finally:
            self._drop_connection(conn)
            log.debug("websocket closed for agent %s", agent_id)

    async def _serve(self, conn: _Connection, receive: Receive, send: Send) -> None:
        tasks = {
            asyncio.create_task(self._reader(conn, receive), name="ws-reader"),
            asyncio.create_task(self._writer(conn, send), name="ws-writer"),
        }
        heartbeat = None
        if self.ping_interval:
            heartbeat = asyncio.create_task(self._heartbeat(conn), name="ws-heartbeat")
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            everything = tasks | ({heartbeat} if heartbeat else set())
            for task in everything:
                task.cancel()
            await asyncio.gather(*everything, return_exceptions=True)

    async def _reader(self, conn: _Connection, receive: Receive) -> None:
        while True:
            message = await receive()
            kind = message["type"]
            if kind == "websocket.disconnect":
                return
            if kind != "websocket.receive":
                continue
            text = message.get("text")
            if text is None:
                try:
                    text = (message.get("bytes") or b"").decode("utf-8")
                except UnicodeDecodeError:
                    text = ""
            self._handle(conn, text)

    async def _writer(self, conn: _Connection, send: Send) -> None:
        queue = conn.queue
        while True:
            while queue and conn.closing is None:
                _, text = queue.popleft()
                try:
                    await send({"type": "websocket.send", "text": text})
                except Exception:  # the client went away mid-send; the reader sees it too
                    return
                self.stats.messages_sent += 1
            if conn.closing is not None:
                code, reason = conn.closing
                with contextlib.suppress(Exception):
                    await send({"type": "websocket.close", "code": code, "reason": reason})
                return
            conn.wake.clear()
            if not queue and conn.closing is None:
                await conn.wake.wait()

    async def _heartbeat(self, conn: _Connection) -> None:
        assert self.ping_interval
        while conn.closing is None:
            await asyncio.sleep(self.ping_interval)
            conn.pong.clear()
            self._send_control(conn, _PING)
            try:
                async with asyncio.timeout(self.pong_timeout):
                    await conn.pong.wait()
            except TimeoutError:
                self.stats.pong_timeouts += 1
                conn.request_close(P.CLOSE_PONG_TIMEOUT, "pong timeout")
                return

    # -------------------------------------------------------- client input
    def _handle(self, conn: _Connection, text: str) -> None:
        try:
            message = json.loads(text)
        except ValueError:
            message = None
        if not isinstance(message, dict):
            self._error(conn, P.ERROR_INVALID_MESSAGE, "Messages must be JSON objects.")
            return
        if any(message.get(field) == value for field, value in P.PONG_SHAPES):
            conn.pong.set()
            return
        action = message.get("action")
        if action not in (P.ACTION_SUBSCRIBE, P.ACTION_UNSUBSCRIBE):
            self._error(
                conn,
                P.ERROR_UNKNOWN_ACTION,
                f"Unknown action {action!r}; expected one of {list(P.ACTIONS)}.",
            )
            return
        parsed = self._parse_channel(conn, message)
        if parsed is None:
            return
        key, channel, symbol, interval = parsed
        if action == P.ACTION_SUBSCRIBE:
            if key not in conn.subs:
                if len(conn.subs) >= self.max_subscriptions:
                    self._error(
                        conn,
                        P.ERROR_SUBSCRIPTION_LIMIT,
                        f"At most {self.max_subscriptions} subscriptions per connection.",
                        key,
                    )
                    return
                conn.subs[key] = (channel, symbol, interval)
                self._index(conn, channel, symbol, interval, add=True)
            self._send_control(conn, json.dumps({"type": P.TYPE_SUBSCRIBED, "channel": key}))
        else:
            if conn.subs.pop(key, None) is not None:
                self._index(conn, channel, symbol, interval, add=False)
            self._send_control(conn, json.dumps({"type": P.TYPE_UNSUBSCRIBED, "channel": key}))

    def _parse_channel(
        self, conn: _Connection, message: dict[str, Any]
    ) -> tuple[str, str, str | None, str | None] | None:
        channel = message.get("channel")
        if channel not in P.SUBSCRIPTION_CHANNELS:
            self._error(
                conn,
                P.ERROR_INVALID_CHANNEL,
                f"Unknown channel {channel!r}; expected one of {list(P.SUBSCRIPTION_CHANNELS)}.",
            )
            return None
        params: dict[str, str] = {}
        for name in P.SUBSCRIPTION_PARAMS[channel]:
            value = message.get(name)
            if not isinstance(value, str) or not value:
                self._error(conn, P.ERROR_INVALID_CHANNEL, f"Channel {channel!r} needs '{name}'.")
                return None
            params[name] = value
        if "battle_id" in params:
            battle_id = params["battle_id"] = params["battle_id"].lower()
            if not _UUID.match(battle_id):
                self._error(conn, P.ERROR_INVALID_CHANNEL, f"Not a battle id: {battle_id!r}.")
                return None
            # The id rides in the symbol slot of the subscription record.
            return P.SUBSCRIPTION_KEYS[channel].format(**params), channel, battle_id, None
        symbol = params.get("symbol")
        interval = params.get("interval")
        if symbol is not None:
            symbol = params["symbol"] = symbol.upper()
            if not _SYMBOL.match(symbol) or (
                self._known_symbol is not None and not self._known_symbol(symbol)
            ):
                self._error(conn, P.ERROR_INVALID_CHANNEL, f"Unknown trading pair {symbol!r}.")
                return None
        if interval is not None and interval not in P.INTERVALS:
            self._error(
                conn,
                P.ERROR_INVALID_CHANNEL,
                f"Unknown interval {interval!r}; expected one of {list(P.INTERVALS)}.",
            )
            return None
        key = P.SUBSCRIPTION_KEYS[channel].format(**params)
        return key, channel, symbol, interval

    def _index(
        self,
        conn: _Connection,
        channel: str,
        symbol: str | None,
        interval: str | None,
        *,
        add: bool,
    ) -> None:
        target: set[_Connection]
        if channel == P.CHANNEL_TICKER_ALL:
            target = self._ticker_all
        elif channel == P.CHANNEL_TICKER:
            assert symbol is not None
            target = self._ticker.setdefault(symbol, set())
        elif channel == P.CHANNEL_CANDLES:
            assert symbol is not None and interval is not None
            target = self._candles.setdefault((symbol, interval), set())
        elif channel == P.CHANNEL_BATTLE:
            assert symbol is not None  # the battle id
            target = self._battles.setdefault(symbol, set())
        elif conn.agent_id is None:
            return  # a key with no agent: nothing of its own to stream
        elif channel == P.CHANNEL_ORDERS:
            target = self._orders.setdefault(conn.agent_id, set())
        else:
            target = self._portfolio.setdefault(conn.agent_id, set())
        if add:
            target.add(conn)
        else:
            target.discard(conn)
        _prune(self._ticker)
        _prune(self._candles)
        _prune(self._orders)
        _prune(self._portfolio)
        _prune(self._battles)
        self._sync_listeners()

    def _drop_connection(self, conn: _Connection) -> None:
        for channel, symbol, interval in tuple(conn.subs.values()):
            self._index(conn, channel, symbol, interval, add=False)
        conn.subs.clear()
        self._connections.discard(conn)
        self.stats.open -= 1
        if not self._connections:
            self._idle.set()

    def _sync_listeners(self) -> None:
        """Listen on a bus topic only while someone wants it (the market skips the work)."""
        wanted = set()
        if self._ticker or self._ticker_all:
            wanted.add("ticker")
        if self._candles:
            wanted.add("candle")
        if self._orders:
            wanted.add("order")
        if self._portfolio:
            wanted.add("portfolio")
        if self._battles:
            wanted.add("battle")
        for topic in wanted - self._listening:
            self.events.subscribe(topic, self._on_event)
        for topic in self._listening - wanted:
            self.events.unsubscribe(topic, self._on_event)
        self._listening = wanted

    # ------------------------------------------------------------ fan-out
    def _on_event(self, topic: str, payload: dict[str, Any]) -> None:
        """Bus listener; runs on the publisher's thread: enqueue, schedule, return."""
        self._pending.append((topic, payload))
        if not self._flush_scheduled and self._loop is not None:
            self._flush_scheduled = True
            if threading.get_ident() == self._loop_thread:
                self._loop.call_soon(self._flush)
            else:
                with contextlib.suppress(RuntimeError):  # loop already closed
                    self._loop.call_soon_threadsafe(self._flush)

    def _flush(self) -> None:
        # Cleared before draining: an event appended during the drain either is drained
        # here or sees the flag down and schedules the next flush.
        self._flush_scheduled = False
        pending = self._pending
        while pending:
            topic, payload = pending.popleft()
            try:
                self._route(topic, payload)
            except Exception:  # one malformed event must not stop the others
                log.exception("cannot route %s event", topic)

    def _route(self, topic: str, payload: dict[str, Any]) -> None:
        targets: Iterable[_Connection]
        droppable = False
        if topic == "ticker":
            symbol = payload.get("symbol")
            per_symbol = self._ticker.get(symbol, ()) if isinstance(symbol, str) else ()
            if not self._ticker_all:
                targets = per_symbol
            elif not per_symbol:
                targets = self._ticker_all
            else:  # a connection holding both gets the tick once
                targets = self._ticker_all | per_symbol
            droppable = True
        elif topic == "candle":
            targets = self._candles.get((payload.get("symbol"), payload.get("interval")), ())  # type: ignore[arg-type]
        elif topic == "order":
            targets = self._orders.get(payload.get("agent_id"), ())  # type: ignore[arg-type]
        elif topic == "portfolio":
            targets = self._portfolio.get(payload.get("agent_id"), ())  # type: ignore[arg-type]
        elif topic == "battle":
            # Only connections of the battle's account: another account's id stays silent.
            subscribers = self._battles.get(payload.get("battle_id"), ())  # type: ignore[arg-type]
            owner = payload.get("account_id")
            targets = [c for c in subscribers if self._account_of(c.agent_id) == owner]
        else:
            return
        if not targets:
            return
        text = data_message(topic, payload)
        for conn in tuple(targets):
            self._enqueue(conn, text, droppable)

    def _enqueue(self, conn: _Connection, text: str, droppable: bool) -> None:
        if conn.closing is not None:
            return
        queue = conn.queue
        if len(queue) >= self.max_queue and not self._make_room(conn):
            if droppable:  # the queue holds no older tick: this one is the oldest
                conn.dropped += 1
                self.stats.ticks_dropped += 1
                return
            self.stats.slow_consumer_closes += 1
            conn.request_close(P.CLOSE_SLOW_CONSUMER, "slow consumer")
            return
        queue.append((droppable, text))
        if not conn.wake.is_set():
            conn.wake.set()

    def _make_room(self, conn: _Connection) -> bool:
        """Drop the oldest tick of ``conn``; False when its queue holds none."""
        for index, (droppable, _) in enumerate(conn.queue):
            if droppable:
                del conn.queue[index]
                conn.dropped += 1
                self.stats.ticks_dropped += 1
                return True
        return False

    def _send_control(self, conn: _Connection, text: str) -> None:
        # Acks, errors and pings go first: they must not wait behind a backlog of ticks.
        if conn.closing is None:
            conn.queue.appendleft((False, text))
            conn.wake.set()

    def _error(self, conn: _Connection, code: str, message: str, key: str | None = None) -> None:
        body: dict[str, Any] = {"type": P.TYPE_ERROR, "code": code, "message": message}
        if key is not None:
            body["channel"] = key
        self._send_control(conn, json.dumps(body))


def data_message(topic: str, payload: dict[str, Any]) -> str:
    """The wire text of a bus event: ``{"channel", <envelope fields>, "data"}``.

    Only asyncapi.yaml's fields leave the server (``agent_id`` and other internals stay).
    """
    channel = _TOPICS[topic]
    message: dict[str, Any] = {"channel": channel}
    for name in P.ENVELOPE_FIELDS[channel]:
        message[name] = payload.get(name)
    data = {name: payload[name] for name in P.DATA_FIELDS[channel] if name in payload}
    if channel == P.DATA_CANDLE:
        # The platform's names for the same facts; candles are only sent once closed.
        data.setdefault("time", data.get("open_time"))
        data.setdefault("is_closed", True)
    message["data"] = data
    return dump_json(message).decode("utf-8")


def _prune(index: dict[Any, set[_Connection]]) -> None:
    for key in [k for k, v in index.items() if not v]:
        del index[key]


def _take_api_key(scope: Scope) -> str | None:
    """The ``api_key`` query value; the scope keeps only a redacted query string."""
    raw: bytes = scope.get("query_string", b"")
    if not raw:
        return None
    pairs = parse_qsl(raw.decode("latin-1"), keep_blank_values=True)
    key = next((v for k, v in pairs if k == P.AUTH_QUERY_PARAMETER), None)
    redacted = [(k, "***" if k == P.AUTH_QUERY_PARAMETER else v) for k, v in pairs]
    scope["query_string"] = urlencode(redacted, safe="*").encode("latin-1")
    return key


async def _refuse(scope: Scope, send: Send, status: int, code: str, message: str) -> None:
    """Refuse the handshake: an HTTP error response when the server supports it."""
    if "websocket.http.response" in scope.get("extensions", {}):
        body = dump_json({"error": {"code": code, "message": message, "details": {}}})
        await send(
            {
                "type": "websocket.http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "websocket.http.response.body", "body": body})
    else:  # uvicorn answers a close before accept with HTTP 403
        await send({"type": "websocket.close", "code": 1008})
