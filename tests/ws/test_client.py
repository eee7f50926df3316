"""``AgentExchangeWS`` against the live mock: channels, reconnects, staleness, auth, close."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from typing import Any

import httpx
import pytest

from agentexchange.exceptions import AuthenticationError
from agentexchange.mock.domain.exchange import Exchange, MockConfig
from agentexchange.ws import AgentExchangeWS, backoff_delay

from .conftest import LiveServer

FAST = {"reconnect_initial": 0.05, "reconnect_max": 0.5, "healthy_after": 0.2}


def client(live: LiveServer, key: str | None = None, **options: Any) -> AgentExchangeWS:
    return AgentExchangeWS(api_key=key or live.demo["api_key"], base_url=live.ws_base, **options)


def into(queue: asyncio.Queue[Any], pick: str | None = None) -> Any:
    """An async handler feeding ``queue`` (sync handlers run on a worker thread, where
    asyncio objects must not be touched)."""

    async def handler(data: dict[str, Any]) -> None:
        queue.put_nowait(data if pick is None else data[pick])

    return handler


class Running:
    """``connect()`` as a task, with an event per (re)connection."""

    def __init__(self, ws: AgentExchangeWS) -> None:
        self.ws = ws
        self.connects: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        ws.on_connect(into(self.connects))

    async def __aenter__(self) -> Running:
        self.task = asyncio.create_task(self.ws.connect())
        await self.connected()
        return self

    async def connected(self, timeout: float = 5.0) -> dict[str, Any]:
        return await asyncio.wait_for(self.connects.get(), timeout)

    async def __aexit__(self, *exc: object) -> None:
        await asyncio.wait_for(self.ws.close(), 5)
        await asyncio.wait_for(self.task, 5)


async def test_per_symbol_and_all_handlers_each_fire_once_per_tick(big_server: LiveServer) -> None:
    ws = client(big_server)
    btc: list[dict[str, Any]] = []
    everything: dict[str, list[str]] = {}
    done = asyncio.Event()

    @ws.on_ticker("BTCUSDT")
    async def on_btc(data: dict[str, Any]) -> None:
        btc.append(data)

    @ws.on_ticker("all")
    async def on_all(data: dict[str, Any]) -> None:
        everything.setdefault(data["symbol"], []).append(data["timestamp"])
        if len(everything) >= 600:
            done.set()

    async with Running(ws):
        await asyncio.to_thread(big_server.tick, 1)
        await asyncio.wait_for(done.wait(), 10)
    assert len(everything) >= 500
    assert all(len(stamps) == 1 for stamps in everything.values())
    assert len(btc) == 1
    tick = btc[0]
    assert set(tick) >= {"symbol", "price", "timestamp"}
    assert tick["symbol"] == "BTCUSDT" and isinstance(tick["price"], str)
    assert float(tick["price"]) > 0  # the docs' usage


async def test_candle_order_and_portfolio_events(server: LiveServer) -> None:
    ws = client(server)
    candles: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    orders: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    portfolios: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    ws.on_candles("BTCUSDT", "1m")(into(candles))
    ws.on_order_update()(into(orders))

    @ws.on_portfolio()
    async def on_portfolio(data: dict[str, Any]) -> None:
        await portfolios.put(data)

    async with Running(ws):
        await asyncio.to_thread(server.tick, 60)
        candle = await asyncio.wait_for(candles.get(), 5)
        assert {"symbol", "interval", "open", "high", "low", "close", "volume", "open_time"} <= set(
            candle
        )
        assert (candle["symbol"], candle["interval"]) == ("BTCUSDT", "1m")
        reply = await asyncio.to_thread(
            httpx.post,
            f"{server.http_url}/api/v1/trade/order",
            headers={"X-API-Key": server.demo["api_key"]},
            json={"symbol": "BTCUSDT", "side": "buy", "type": "market", "quantity": "0.01"},
            timeout=30,
        )
        assert reply.status_code in (200, 201), reply.text
        order = await asyncio.wait_for(orders.get(), 5)
        while order["status"] != "filled":
            order = await asyncio.wait_for(orders.get(), 5)
        assert order["order_id"] == reply.json()["order_id"]
        assert order["side"] == "buy" and order["symbol"] == "BTCUSDT"
        assert all(
            isinstance(order[k], str) for k in ("executed_price", "executed_quantity", "fee")
        )
        snapshot = await asyncio.wait_for(portfolios.get(), 5)
        assert {"total_equity", "available_cash", "unrealized_pnl", "realized_pnl", "roi_pct",
                "timestamp"} <= set(snapshot)  # fmt: skip


async def test_a_raising_handler_does_not_stop_the_others(
    server: LiveServer, caplog: pytest.LogCaptureFixture
) -> None:
    ws = client(server)
    seen: asyncio.Queue[str] = asyncio.Queue()

    @ws.on_ticker("BTCUSDT")
    async def broken(data: dict[str, Any]) -> None:
        raise RuntimeError("handler bug")

    @ws.on_ticker("BTCUSDT")
    def sync_broken(data: dict[str, Any]) -> None:
        raise ValueError("sync handler bug")

    @ws.on_ticker("BTCUSDT")
    async def fine(data: dict[str, Any]) -> None:
        seen.put_nowait(data["timestamp"])

    async with Running(ws):
        for _ in range(2):
            await asyncio.to_thread(server.tick, 1)
            await asyncio.wait_for(seen.get(), 5)
    assert ws.stats.handler_errors >= 3  # async twice, sync at least once so far
    assert "handler bug" in caplog.text


async def test_bad_key_raises_authentication_error_without_retrying(server: LiveServer) -> None:
    ws = client(server, key="ak_live_wrong", **FAST)
    started = time.monotonic()
    with pytest.raises(AuthenticationError) as refused:
        await asyncio.wait_for(ws.connect(), 5)
    assert time.monotonic() - started < 10  # no backoff loop (attempts == 1 below)
    assert refused.value.status_code == 401
    assert ws.stats.attempts == 1
    assert "ak_live_wrong" not in str(refused.value)


def test_missing_key_is_refused_at_construction(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AGENTEXCHANGE_API_KEY", raising=False)
    with pytest.raises(AuthenticationError):
        AgentExchangeWS()
    monkeypatch.setenv("AGENTEXCHANGE_API_KEY", "ak_live_env")
    ws = AgentExchangeWS(base_url="http://example.test:8000/")
    assert ws.url == "ws://example.test:8000/ws/v1"
    assert "ak_live_env" not in repr(ws)


def test_backoff_doubles_to_the_cap_with_jitter() -> None:
    lows = [backoff_delay(n, 1.0, 60.0, rand=lambda: 0.0) for n in range(8)]
    highs = [backoff_delay(n, 1.0, 60.0, rand=lambda: 1.0) for n in range(8)]
    assert highs == [1, 2, 4, 8, 16, 32, 60, 60]
    assert lows == [h * 0.75 for h in highs]


async def test_server_restart_reconnects_with_backoff_and_resubscribes() -> None:
    first = LiveServer(seed=3).start()
    first.tick(1)
    port = first.port
    ws = AgentExchangeWS(api_key=first.demo["api_key"], base_url=first.ws_base, **FAST)
    ticks: asyncio.Queue[str] = asyncio.Queue()
    disconnects: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    ws.on_ticker("BTCUSDT")(into(ticks, "timestamp"))
    ws.on_disconnect(into(disconnects))
    async with Running(ws) as running:
        await asyncio.to_thread(first.tick, 1)
        await asyncio.wait_for(ticks.get(), 5)
        await asyncio.to_thread(first.stop)
        gone = await asyncio.wait_for(disconnects.get(), 5)
        assert gone["reconnect_in"] is not None
        down_at, attempts_before = time.monotonic(), ws.stats.attempts
        async with asyncio.timeout(5):  # four failed attempts while the server is away
            while ws.stats.attempts < attempts_before + 4:
                await asyncio.sleep(0.01)
        # Backoff, not a storm: at least the jittered floor of 0.05+0.1+0.2 s between them.
        assert time.monotonic() - down_at >= 0.75 * (0.05 + 0.1 + 0.2)
        # The same seed, the same port: the same demo keys are valid again.
        second = LiveServer(seed=3, port=port).start()
        try:
            second.tick(1)
            again = await running.connected(10)
            assert again["reconnect"] is True
            assert ws.subscribed == {"ticker:BTCUSDT"}
            await asyncio.to_thread(second.tick, 1)
            await asyncio.wait_for(ticks.get(), 5)
        finally:
            await asyncio.wait_for(ws.close(), 5)
            await asyncio.to_thread(second.stop)


async def test_a_silent_connection_is_dropped_and_reopened() -> None:
    with LiveServer(ping_interval=None) as live:  # the server never pings: it goes quiet
        ws = client(live, stale_timeout=0.3, ping_interval=0.1, **FAST)
        ws.on_order_update()(lambda d: None)
        async with Running(ws) as running:
            again = await running.connected(5)
            assert again["reconnect"] is True
            assert ws.stats.stale_reconnects >= 1


def test_run_forever_in_a_thread_with_sync_handlers_then_close_from_main(
    server: LiveServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    key = server.demo["agent_api_key"]
    ws = AgentExchangeWS(api_key=key, base_url=server.ws_base)
    prices: dict[str, str] = {}
    lock = threading.Lock()
    got = threading.Event()
    connected = threading.Event()

    @ws.on_ticker("ETHUSDT")
    def on_eth(data: dict[str, Any]) -> None:
        assert threading.current_thread() is not thread  # sync handlers run off the loop
        with lock:
            prices[data["symbol"]] = data["price"]
        got.set()

    ws.on_connect(lambda info: connected.set())
    thread = threading.Thread(target=ws.run_forever, daemon=True)
    thread.start()
    assert connected.wait(5)
    server.tick(1)
    assert got.wait(5)
    started = time.monotonic()
    assert ws.close().wait(5)
    thread.join(5)
    assert not thread.is_alive()
    assert time.monotonic() - started < 10  # prompt: far below a stale-connection timeout
    with lock:
        assert isinstance(prices["ETHUSDT"], str)
    assert key not in caplog.text  # not even websockets' DEBUG request line


async def test_close_is_prompt_and_ends_connect(server: LiveServer) -> None:
    ws = client(server)
    ws.on_portfolio()(lambda d: None)
    async with Running(ws) as running:
        pass
    assert running.task.done() and running.task.exception() is None


async def test_subscription_limit_error_is_reported_and_the_rest_keep_flowing(
    server: LiveServer,
) -> None:
    ws = client(server)
    symbols = [
        p["symbol"]
        for p in httpx.get(f"{server.http_url}/api/v1/market/pairs", timeout=30).json()["pairs"]
    ]
    got: asyncio.Queue[str] = asyncio.Queue()
    for symbol in symbols[:11]:
        ws.on_ticker(symbol)(into(got, "symbol"))
    async with Running(ws):
        assert [e["code"] for e in ws.errors] == ["SUBSCRIPTION_LIMIT"]
        assert len(ws.subscribed) == 10
        await asyncio.to_thread(server.tick, 1)
        seen = {await asyncio.wait_for(got.get(), 5) for _ in range(10)}
        assert seen == set(symbols[:10])


def test_restart_uses_the_same_seed_keys() -> None:
    # The restart test relies on demo keys being a function of the seed.
    a = Exchange(MockConfig(seed=3, pairs=5)).accounts.demo_credentials()
    b = Exchange(MockConfig(seed=3, pairs=5)).accounts.demo_credentials()
    assert a == b


async def test_the_client_answers_server_pings_and_keeps_its_connection() -> None:
    with LiveServer(seed=4, ping_interval=0.2, pong_timeout=1.0) as live:
        ws = client(live, **FAST)
        ticks: asyncio.Queue[str] = asyncio.Queue()
        ws.on_ticker("BTCUSDT")(into(ticks, "timestamp"))
        async with Running(ws) as running:
            # Fifteen ping intervals, three pong timeouts: without pongs the hub drops it.
            await asyncio.sleep(3.0)
            await asyncio.to_thread(live.tick, 1)
            await asyncio.wait_for(ticks.get(), 5)
            assert running.connects.empty()  # no reconnection happened
        assert live.hub.stats.pong_timeouts == 0
        assert ws.stats.connections == 1


async def test_battle_rankings_stream_on_battle_id_and_survive_a_restart() -> None:
    first = LiveServer(seed=3).start()
    port = first.port
    key = first.demo["api_key"]
    own = first.demo["agent_id"]
    headers = {"X-API-Key": key}

    def post(path: str, payload: Any = None) -> Any:
        answer = httpx.post(f"{first.http_url}/api/v1{path}", headers=headers, json=payload)
        assert answer.is_success, answer.text
        return answer.json()

    rival = post("/agents", {"display_name": "rival"})["agent_id"]
    battle_id = post("/battles", {"name": "ws", "config": {"duration_type": "unlimited"}})["id"]
    for agent in (own, rival):
        post(f"/battles/{battle_id}/participants", {"agent_id": agent})
    other = httpx.post(f"{first.http_url}/api/v1/auth/register", json={"display_name": "other"})
    ws = AgentExchangeWS(api_key=key, base_url=first.ws_base, **FAST)
    frames: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    disconnects: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    ws.on_battle(battle_id)(into(frames))
    ws.on_disconnect(into(disconnects))
    # Another account subscribing to this battle's id is acknowledged and hears nothing.
    snoop = AgentExchangeWS(api_key=other.json()["api_key"], base_url=first.ws_base, **FAST)
    snooped: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    snoop.on_battle(battle_id)(into(snooped))
    async with Running(ws) as running:
        async with Running(snoop):  # gone before the restart: its account will not exist
            await asyncio.to_thread(post, f"/battles/{battle_id}/start")
            started = await asyncio.wait_for(frames.get(), 5)
            assert (started["battle_id"], started["event"], started["status"]) == (
                battle_id,
                "started",
                "active",
            )
            assert {r["agent_id"] for r in started["ranking"]} == {own, rival}
            assert [r["rank"] for r in started["ranking"]] == [1, 2]
            assert all(isinstance(r["equity"], str) for r in started["ranking"])
            await asyncio.to_thread(first.tick, 6)  # a live battle re-ranks every 5 s
            ranking = await asyncio.wait_for(frames.get(), 5)
            assert ranking["event"] == "ranking" and len(ranking["ranking"]) == 2
            assert snooped.empty()

        await asyncio.to_thread(first.stop)
        gone = await asyncio.wait_for(disconnects.get(), 5)
        assert gone["reconnect_in"] is not None
        # The same seed, the same port: the same keys; the client subscribes again.
        second = LiveServer(seed=3, port=port).start()
        try:
            again = await running.connected(10)
            assert again["reconnect"] is True
            assert ws.subscribed == {f"battle:{battle_id}"}
            # The restarted mock knows no battle yet; its engine's next ranking for this id
            # and account reaches the resubscribed client.
            account = second.exchange.accounts.agent(own).account_id
            second.exchange.events.publish(
                "battle",
                {
                    "battle_id": battle_id,
                    "account_id": account,
                    "event": "completed",
                    "status": "completed",
                    "ranking": [],
                    "timestamp": second.exchange.clock.now(),
                },
            )
            done = await asyncio.wait_for(frames.get(), 5)
            assert (done["event"], done["status"]) == ("completed", "completed")
        finally:
            await asyncio.wait_for(ws.close(), 5)
            await asyncio.to_thread(second.stop)
