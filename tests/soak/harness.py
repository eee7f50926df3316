"""Soak runs (issue 17, item 6): ``make soak`` runs the full versions and prints the figures;
``tests/soak/test_soak.py`` runs a short version of each in ``make test``.

(a) ``orders``: through a fault-injecting loopback proxy (per request, each with
    probability ``rate``: the response dropped after the server processed the request,
    a 502 before it reached the server, a delay past the client's timeout, the connection
    reset in the middle of the body), N orders in total from 8 threads (one shared
    ``AgentExchangeClient``) and 8 async tasks (one shared ``AsyncAgentExchangeClient``),
    ``max_retries=5``: every call returns an order, the server holds exactly N, none twice.
    The SDK resends an order only once the server has shown that it honours
    ``Idempotency-Key`` (docs/architecture.md "Transport"), so each client's first order
    goes through with the faults off (it counts among the N). With four faults at 10 %
    each, 40 % of requests fail and a call would exhaust its six attempts with
    probability 0.4^6 ≈ 0.4 % by chance alone; so the proxy faults one call (one
    ``Idempotency-Key``) at most ``max_retries`` times in a row, and the run reports how
    many calls reached that cap.
(b) ``ws``: ``AgentExchangeWS`` (default settings) through R restarts of the mock on the same
    port at random 1–10 s intervals: resubscribed after each, ticks back within 5 s of
    each restart, every order placed over REST while the stream was connected reported
    exactly once on ``orders``.
(c) ``threads``: 32 threads × 500 calls of a ``BearerAuth`` operation (``list_agents``) on
    one client: no errors, exactly one login.

Rate limits are off (``MockServer(rate_limits=False)``).

Usage: python tests/soak/harness.py [--case orders|ws|threads|all] [--orders 1000]
       [--restarts 20] [--min-gap 1] [--max-gap 10] [--threads 32] [--calls 500] [--seed 17]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import socket
import statistics
import struct
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import httpx

from agentexchange import AgentExchangeClient, AsyncAgentExchangeClient
from agentexchange._retry import RetryPolicy
from agentexchange.mock.testing import MockServer
from agentexchange.ws import AgentExchangeWS

FAULTS = ("drop_response", "bad_gateway", "delay", "reset_mid_body")
SYMBOLS = ("BTCUSDT", "ETHUSDT", "SOLUSDT", "BNBUSDT")
QUANTITIES = {"BTCUSDT": "0.001", "ETHUSDT": "0.01", "SOLUSDT": "0.1", "BNBUSDT": "0.05"}
LOGIN = "/api/v1/auth/login"
_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding"}


# ------------------------------------------------------------------------------------
# The fault-injecting proxy
# ------------------------------------------------------------------------------------
class FaultProxy:
    """An HTTP/1.1 loopback proxy (its own thread and event loop) in front of ``upstream``.

    Per request, while ``faulty`` is set, each fault of ``FAULTS`` with probability
    ``rate``; a request carrying an ``Idempotency-Key`` is faulted at most
    ``max_faults_per_key`` times (None: no cap).
    """

    def __init__(
        self,
        upstream: str,
        *,
        rate: float = 0.10,
        delay: float = 1.5,
        seed: int = 17,
        max_faults_per_key: int | None = None,
    ) -> None:
        self.upstream = upstream.rstrip("/")
        self.rate = rate
        self.delay = delay
        self.max_faults_per_key = max_faults_per_key
        self.faulty = False
        self.requests = 0
        self.faults: Counter[str] = Counter()
        self.per_key: Counter[str] = Counter()
        self.capped = 0  # requests a fault was drawn for but the per-key cap let through
        self._rand = random.Random(seed)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.Server | None = None
        self._http: httpx.AsyncClient | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="fault-proxy", daemon=True)
        self.url = ""

    def start(self) -> FaultProxy:
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("fault proxy did not start")
        return self

    def stop(self) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._stop_event.set)
        self._thread.join(10)

    def _run(self) -> None:
        asyncio.run(self._main())

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop_event = asyncio.Event()
        self._http = httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_connections=200))
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        self._ready.set()
        async with self._server:
            await self._stop_event.wait()
            self._server.close()
        await self._http.aclose()

    def _choose(self, key: str | None) -> str | None:
        if not self.faulty:
            return None
        draw = self._rand.random()
        index = int(draw / self.rate) if self.rate > 0 else len(FAULTS)
        if index >= len(FAULTS):
            return None
        if key is not None and self.max_faults_per_key is not None:
            if self.per_key[key] >= self.max_faults_per_key:
                self.capped += 1
                return None
            self.per_key[key] += 1
        fault = FAULTS[index]
        self.faults[fault] += 1
        return fault

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, ConnectionError):
                    return
                lines = head.decode("latin-1").split("\r\n")
                method, target, _ = lines[0].split(" ", 2)
                headers = [tuple(line.split(":", 1)) for line in lines[1:] if ":" in line]
                pairs = [(k.strip(), v.strip()) for k, v in headers]
                length = int(next((v for k, v in pairs if k.lower() == "content-length"), "0"))
                body = await reader.readexactly(length) if length else b""
                key = next((v for k, v in pairs if k.lower() == "idempotency-key"), None)
                self.requests += 1
                fault = self._choose(key)
                if fault == "bad_gateway":  # never reaches the server
                    writer.write(_response(502, [("content-type", "text/plain")], b"bad gateway"))
                    await writer.drain()
                    continue
                if fault == "delay":  # the client times out; the request arrives late
                    await asyncio.sleep(self.delay)
                assert self._http is not None
                forwarded = [(k, v) for k, v in pairs if k.lower() not in _HOP | {"host"}]
                upstream = await self._http.request(
                    method, self.upstream + target, headers=forwarded, content=body
                )
                out_headers = [
                    (k, v) for k, v in upstream.headers.multi_items() if k.lower() not in _HOP
                ]
                raw = _response(upstream.status_code, out_headers, upstream.content)
                if fault == "drop_response":  # processed, but the answer never arrives
                    writer.close()
                    return
                if fault == "reset_mid_body":
                    cut = len(raw) - max(1, len(upstream.content) // 2)
                    writer.transport.set_write_buffer_limits(0)
                    writer.write(raw[:cut])
                    await writer.drain()
                    await asyncio.sleep(0.005)
                    sock = writer.get_extra_info("socket")
                    if sock is not None:  # RST, not FIN
                        sock.setsockopt(
                            socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                        )
                    writer.transport.abort()
                    return
                writer.write(raw)
                await writer.drain()
        except (ConnectionError, OSError):
            return
        finally:
            with contextlib.suppress(Exception):
                writer.close()


def _response(status: int, headers: list[tuple[str, str]], body: bytes) -> bytes:
    lines = [f"HTTP/1.1 {status} {'OK' if status < 400 else 'Error'}"]
    lines += [f"{k}: {v}" for k, v in headers]
    lines.append(f"content-length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


# ------------------------------------------------------------------------------------
# (a) orders through the proxy
# ------------------------------------------------------------------------------------
@dataclass
class OrdersResult:
    orders: int
    returned: int
    errors: list[str]
    server_holds: int
    duplicates: int
    unknown: int  # returned order ids the server does not hold
    requests: int
    faults: dict[str, int]
    calls_at_cap: int
    seconds: float

    @property
    def ok(self) -> bool:
        return (
            not self.errors
            and self.returned == self.orders == self.server_holds
            and self.duplicates == 0
            and self.unknown == 0
        )

    def report(self) -> str:
        faults = ", ".join(f"{k} {self.faults.get(k, 0)}" for k in FAULTS)
        return (
            f"orders: {self.orders} calls (8 threads + 8 async tasks, max_retries=5) in "
            f"{self.seconds:.1f} s\n"
            f"  calls that returned an order: {self.returned}; errors: {len(self.errors)}"
            f"{' ' + repr(self.errors[:3]) if self.errors else ''}\n"
            f"  server holds: {self.server_holds} orders; duplicates: {self.duplicates}; "
            f"returned but unknown to the server: {self.unknown}\n"
            f"  proxy: {self.requests} requests, faults injected: {faults} "
            f"({sum(self.faults.values())} in all); calls faulted the capped 5 times in a row: "
            f"{self.calls_at_cap}"
        )


def run_orders(
    total: int = 1000,
    *,
    threads: int = 8,
    tasks: int = 8,
    max_retries: int = 5,
    rate: float = 0.10,
    timeout: float = 1.0,
    seed: int = 17,
    fast_backoff: bool = False,
) -> OrdersResult:
    """``fast_backoff`` (short test only): 0.05 s -> 0.4 s instead of 0.5 s -> 8 s."""
    with MockServer(seed=seed, pairs=50, rate_limits=False, tick_interval=None) as mock:
        with AgentExchangeClient(base_url=mock.base_url) as anonymous:
            account = anonymous.register(
                display_name=f"soak-{uuid.uuid4().hex[:8]}", starting_balance="10000000"
            )
        proxy = FaultProxy(
            mock.base_url,
            rate=rate,
            delay=timeout + 0.5,
            seed=seed,
            max_faults_per_key=max_retries,
        ).start()
        creds = {"api_key": account.api_key, "api_secret": account.api_secret}
        sync_client = AgentExchangeClient(
            base_url=proxy.url, timeout=timeout, max_retries=max_retries, **creds
        )
        async_client = AsyncAgentExchangeClient(
            base_url=proxy.url, timeout=timeout, max_retries=max_retries, **creds
        )
        if fast_backoff:
            for c in (sync_client, async_client):
                c._transport._core.policy = RetryPolicy(  # type: ignore[attr-defined]
                    max_retries=max_retries, initial_delay=0.05, max_delay=0.4
                )
        returned: list[str] = []
        errors: list[str] = []
        lock = threading.Lock()

        def record(order_id: str | None, error: BaseException | None) -> None:
            with lock:
                if error is not None:
                    errors.append(f"{type(error).__name__}: {error}")
                elif order_id:
                    returned.append(order_id)

        started = time.monotonic()
        # Each client learns that the server honours Idempotency-Key from its first order.
        record(sync_client.place_market_order("BTCUSDT", "buy", Decimal("0.001")).order_id, None)

        async def first_async() -> str:
            return (
                await async_client.place_market_order("ETHUSDT", "buy", Decimal("0.01"))
            ).order_id

        loop = asyncio.new_event_loop()
        record(loop.run_until_complete(first_async()), None)
        proxy.faulty = True

        remaining = total - 2
        sync_share = remaining // 2
        async_share = remaining - sync_share

        def shares(count: int, workers: int) -> list[int]:
            return [count // workers + (1 if i < count % workers else 0) for i in range(workers)]

        def thread_work(index: int, count: int) -> None:
            for n in range(count):
                symbol = SYMBOLS[(index + n) % len(SYMBOLS)]
                try:
                    order = sync_client.place_market_order(
                        symbol, "buy", Decimal(QUANTITIES[symbol])
                    )
                    record(order.order_id, None)
                except Exception as exc:
                    record(None, exc)

        async def task_work(index: int, count: int) -> None:
            for n in range(count):
                symbol = SYMBOLS[(index + n) % len(SYMBOLS)]
                try:
                    order = await async_client.place_market_order(
                        symbol, "buy", Decimal(QUANTITIES[symbol])
                    )
                    record(order.order_id, None)
                except Exception as exc:
                    record(None, exc)

        async def all_tasks() -> None:
            await asyncio.gather(
                *(task_work(i, n) for i, n in enumerate(shares(async_share, tasks)))
            )

        workers = [
            threading.Thread(target=thread_work, args=(i, n), name=f"soak-orders-{i}")
            for i, n in enumerate(shares(sync_share, threads))
        ]
        for worker in workers:
            worker.start()
        loop.run_until_complete(all_tasks())
        for worker in workers:
            worker.join()
        seconds = time.monotonic() - started
        loop.run_until_complete(async_client.close())
        loop.close()
        sync_client.close()
        time.sleep(timeout + 1.0)  # delayed requests still in the proxy reach the server
        proxy.stop()

        assert account.agent_id is not None
        agent = mock.exchange.accounts.agent(account.agent_id)
        assert agent is not None
        with mock.exchange.accounts.lock:
            held = set(agent.book.orders)
        ids = set(returned)
        return OrdersResult(
            orders=total,
            returned=len(returned),
            errors=errors,
            server_holds=len(held),
            duplicates=len(returned) - len(ids) + len(held - ids),
            unknown=len(ids - held),
            requests=proxy.requests,
            faults=dict(proxy.faults),
            calls_at_cap=sum(1 for n in proxy.per_key.values() if n >= max_retries),
            seconds=seconds,
        )


# ------------------------------------------------------------------------------------
# (b) the WebSocket client through server restarts
# ------------------------------------------------------------------------------------
@dataclass
class Restart:
    down: float  # seconds the server was away (stop + start)
    tick_after_up: float | None  # first tick after the new server was up
    tick_after_stop: float | None  # first tick after the restart began
    resubscribed: bool


@dataclass
class WsResult:
    restarts: list[Restart]
    reconnects: int
    orders_placed: int
    reported_once: int
    missing: list[str]
    duplicated: list[str]
    seconds: float
    limit: float = 5.0
    notes: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return (
            self.reconnects >= len(self.restarts)
            and all(r.resubscribed for r in self.restarts)
            and all(
                r.tick_after_up is not None and r.tick_after_up <= self.limit for r in self.restarts
            )
            and not self.missing
            and not self.duplicated
            and self.reported_once == self.orders_placed
        )

    def report(self) -> str:
        gaps = [r.tick_after_up for r in self.restarts if r.tick_after_up is not None]
        whole = [r.tick_after_stop for r in self.restarts if r.tick_after_stop is not None]

        def fmt(values: list[float]) -> str:
            return ", ".join(f"{v:.2f}" for v in values)

        lines = [
            f"ws: {len(self.restarts)} server restarts in {self.seconds:.1f} s; reconnects "
            f"{self.reconnects}; resubscribed each time: "
            f"{all(r.resubscribed for r in self.restarts)}",
            f"  ticks back after the new server was up (s): [{fmt(gaps)}]"
            + (f"  max {max(gaps):.2f}, median {statistics.median(gaps):.2f}" if gaps else ""),
            f"  ticks back after the restart began (stop + start + reconnect) (s): [{fmt(whole)}]"
            + (f"  max {max(whole):.2f}" if whole else ""),
            f"  server down (stop + start) (s): [{fmt([r.down for r in self.restarts])}]",
            f"  orders placed while connected: {self.orders_placed}; reported exactly once: "
            f"{self.reported_once}; missing: {len(self.missing)}; reported twice: "
            f"{len(self.duplicated)}",
        ]
        lines += [f"  note: {n} (x{count})" for n, count in self.notes.items()]
        return "\n".join(lines)


def run_restarts(
    restarts: int = 20,
    *,
    min_gap: float = 1.0,
    max_gap: float = 10.0,
    seed: int = 17,
    tick_interval: float = 0.25,
    limit: float = 5.0,
) -> WsResult:
    rand = random.Random(seed)

    def new_server(port: int = 0) -> MockServer:
        return MockServer(
            seed=seed, pairs=30, rate_limits=False, tick_interval=tick_interval, port=port
        ).start()

    server = new_server()
    port, base_url = server.port, server.base_url
    api_key = server.exchange.accounts.demo_credentials()["api_key"]
    ws = AgentExchangeWS(api_key=api_key, base_url=base_url)
    state = threading.Condition()
    ticks: list[float] = []
    connects: list[tuple[float, bool, frozenset[str]]] = []
    reports: Counter[str] = Counter()
    connected = [False]
    expected = frozenset({"ticker:BTCUSDT", "orders"})

    @ws.on_ticker("BTCUSDT")
    def on_tick(data: dict[str, Any]) -> None:
        with state:
            ticks.append(time.monotonic())
            state.notify_all()

    @ws.on_order_update()
    def on_order(data: dict[str, Any]) -> None:
        with state:
            reports[str(data.get("order_id"))] += 1
            state.notify_all()

    @ws.on_connect
    def on_connect(info: dict[str, Any]) -> None:
        with state:
            connects.append((time.monotonic(), bool(info["reconnect"]), frozenset(ws.subscribed)))
            connected[0] = True
            state.notify_all()

    @ws.on_disconnect
    def on_disconnect(info: dict[str, Any]) -> None:
        with state:
            connected[0] = False

    def wait(predicate: Callable[[], bool], timeout: float) -> bool:
        with state:
            return state.wait_for(predicate, timeout)

    runner = threading.Thread(target=ws.run_forever, name="soak-ws", daemon=True)
    started = time.monotonic()
    runner.start()
    if not wait(lambda: bool(connects), 10):
        raise RuntimeError("the WebSocket client never connected")

    gate = threading.Lock()  # held while an order is in flight or the server restarts
    placed: list[str] = []
    stop_orders = threading.Event()
    notes: Counter[str] = Counter()
    generation = [0]  # the server's; a new one starts with no position

    def place_orders() -> None:
        holding = (-1, False)  # (server generation, holds the last buy): buy, sell, buy, ...
        with httpx.Client(base_url=base_url, timeout=10) as http:
            while not stop_orders.is_set():
                time.sleep(0.2)
                with gate:
                    if not connected[0]:
                        continue
                    sell = holding == (generation[0], True)
                    try:
                        reply = http.post(
                            "/api/v1/trade/order",
                            headers={"X-API-Key": api_key},
                            json={
                                "symbol": "BTCUSDT",
                                "side": "sell" if sell else "buy",
                                "type": "market",
                                "quantity": "0.001",
                            },
                        )
                    except httpx.HTTPError as exc:
                        notes[f"order request failed: {type(exc).__name__}"] += 1
                        continue
                    if reply.status_code != 201:
                        notes[f"order answered {reply.status_code}: {reply.text[:120]}"] += 1
                        continue
                    holding = (generation[0], not sell)
                    order_id = reply.json()["order_id"]
                    placed.append(order_id)
                    # Let its event arrive before the server may go away.
                    wait(lambda order_id=order_id: reports[order_id] > 0, 2.0)

    placer = threading.Thread(target=place_orders, name="soak-orders", daemon=True)
    placer.start()
    history: list[Restart] = []
    try:
        for _ in range(restarts):
            time.sleep(rand.uniform(min_gap, max_gap))
            with gate:
                began = time.monotonic()
                seen_connects = len(connects)
                server.stop()
                server = new_server(port)
                generation[0] += 1
                up = time.monotonic()
            back = wait(lambda up=up: bool(ticks) and ticks[-1] > up, limit + 10)
            first_tick = next((t for t in ticks if t > up), None) if back else None
            reconnected = wait(lambda seen=seen_connects: len(connects) > seen, 1.0)
            resubscribed = reconnected and all(
                again and subs == expected for _, again, subs in connects[seen_connects:]
            )
            history.append(
                Restart(
                    down=up - began,
                    tick_after_up=None if first_tick is None else first_tick - up,
                    tick_after_stop=None if first_tick is None else first_tick - began,
                    resubscribed=resubscribed,
                )
            )
        time.sleep(1.0)
    finally:
        stop_orders.set()
        placer.join(15)
        ws.close().wait(10)
        runner.join(10)
        server.stop()
    with state:
        counts = {order_id: reports[order_id] for order_id in placed}
    return WsResult(
        restarts=history,
        reconnects=sum(1 for _, again, _ in connects if again),
        orders_placed=len(placed),
        reported_once=sum(1 for n in counts.values() if n == 1),
        missing=[o for o, n in counts.items() if n == 0],
        duplicated=[o for o, n in counts.items() if n > 1],
        seconds=time.monotonic() - started,
        limit=limit,
        notes=dict(notes),
    )


# ------------------------------------------------------------------------------------
# (c) many threads, one client
# ------------------------------------------------------------------------------------
@dataclass
class ThreadsResult:
    threads: int
    calls: int
    ok_calls: int
    errors: list[str]
    logins: int
    seconds: float

    @property
    def ok(self) -> bool:
        return not self.errors and self.ok_calls == self.threads * self.calls and self.logins == 1

    def report(self) -> str:
        total = self.threads * self.calls
        return (
            f"threads: {self.threads} threads x {self.calls} calls of list_agents (BearerAuth) "
            f"on one client = {total} calls in {self.seconds:.1f} s "
            f"({total / self.seconds:.0f}/s)\n"
            f"  succeeded: {self.ok_calls}; errors: {len(self.errors)}"
            f"{' ' + repr(self.errors[:3]) if self.errors else ''}; logins: {self.logins}"
        )


def run_threads(threads: int = 32, calls: int = 500, *, seed: int = 17) -> ThreadsResult:
    with MockServer(seed=seed, pairs=30, rate_limits=False, tick_interval=None) as mock:
        with AgentExchangeClient(base_url=mock.base_url) as anonymous:
            account = anonymous.register(display_name=f"soak-{uuid.uuid4().hex[:8]}")
        logins: list[str] = []
        http = httpx.Client(
            timeout=30.0,
            limits=httpx.Limits(max_connections=threads, max_keepalive_connections=threads),
            event_hooks={
                "response": [
                    lambda r: (
                        logins.append(r.request.url.path) if r.request.url.path == LOGIN else None
                    )
                ]
            },
        )
        client = AgentExchangeClient(
            account.api_key, account.api_secret, base_url=mock.base_url, http_client=http
        )
        barrier = threading.Barrier(threads)
        lock = threading.Lock()
        done = [0]
        errors: list[str] = []

        def work() -> None:
            ok = 0
            try:
                barrier.wait(30)
                for _ in range(calls):
                    listing = client.list_agents()
                    if listing.total < 1:
                        raise AssertionError("no agents listed")
                    ok += 1
            except Exception as exc:
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}")
            finally:
                with lock:
                    done[0] += ok

        started = time.monotonic()
        workers = [threading.Thread(target=work, name=f"soak-calls-{i}") for i in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        seconds = time.monotonic() - started
        client.close()
        http.close()
        return ThreadsResult(threads, calls, done[0], errors, len(logins), seconds)


# ------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--case", choices=("orders", "ws", "threads", "all"), default="all")
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument("--fault-rate", type=float, default=0.10, help="per fault kind")
    parser.add_argument("--restarts", type=int, default=20)
    parser.add_argument("--min-gap", type=float, default=1.0)
    parser.add_argument("--max-gap", type=float, default=10.0)
    parser.add_argument("--interval", type=float, help="fixed seconds between restarts")
    parser.add_argument("--threads", type=int, default=32)
    parser.add_argument("--calls", type=int, default=500)
    parser.add_argument("--seed", type=int, default=17)
    args = parser.parse_args(argv)
    failed = []
    if args.case in ("orders", "all"):
        orders = run_orders(args.orders, rate=args.fault_rate, seed=args.seed)
        print(orders.report(), flush=True)
        if not orders.ok:
            failed.append("orders")
    if args.case in ("ws", "all"):
        low, high = (
            (args.interval, args.interval) if args.interval else (args.min_gap, args.max_gap)
        )
        ws = run_restarts(args.restarts, min_gap=low, max_gap=high, seed=args.seed)
        print(ws.report(), flush=True)
        if not ws.ok:
            failed.append("ws")
    if args.case in ("threads", "all"):
        calls = run_threads(args.threads, args.calls, seed=args.seed)
        print(calls.report(), flush=True)
        if not calls.ok:
            failed.append("threads")
    print("soak: " + ("FAILED: " + ", ".join(failed) if failed else "all checks passed"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
