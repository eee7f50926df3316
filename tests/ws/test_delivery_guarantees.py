"""Delivery guarantees no other test held (issue 17, item 4: mutation survivors).

- the hub: a ``ticker_all``-only connection still gets a symbol's ticks while another
  connection holds that symbol's own subscription;
- the client: one tick sent once per matching subscription (``ticker:SYM`` and
  ``ticker:all``) reaches each handler once;
- the client: with its inbox full, ticks are dropped, never order, portfolio or candle
  events;
- the client: a ``stale_timeout`` not above the server's ping interval is refused.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from websockets.asyncio.client import connect

from agentexchange import _ws_protocol as P
from agentexchange.ws import AgentExchangeWS

from .conftest import FakeServer, LiveServer, ack_subscriptions, tick_message, wait_for
from .test_hub import recv_until, subscribe


async def test_ticker_all_connection_is_not_starved_by_another_connections_symbol(
    server: LiveServer,
) -> None:
    key = server.demo["api_key"]
    async with (
        connect(server.ws_url(key)) as per_symbol,
        # max_queue=None: the test leaves most ticks unread, and a paused reader would
        # not see the server's close frame (the close would wait for its timeout).
        connect(server.ws_url(key), max_queue=None) as everything,
    ):
        await subscribe(per_symbol, channel="ticker", symbol="BTCUSDT")
        await subscribe(everything, channel="ticker_all")
        await asyncio.to_thread(server.tick, 1)

        def is_btc(message: dict[str, Any]) -> bool:
            return message.get("channel") == "ticker" and message.get("symbol") == "BTCUSDT"

        seen_by_all = await recv_until(everything, is_btc)
        seen_by_one = await recv_until(per_symbol, is_btc)
        assert seen_by_all["data"] == seen_by_one["data"]
        # ... and the per-symbol connection got that tick once.
        with pytest.raises(TimeoutError):
            await recv_until(per_symbol, is_btc, timeout=0.3)


async def test_client_delivers_a_tick_sent_for_two_subscriptions_once() -> None:
    async def script(connection: Any, n: int) -> None:
        await ack_subscriptions(connection, 2)
        first = tick_message("BTCUSDT", "64000.00", "2026-01-01T00:00:01Z")
        await connection.send(first)
        await connection.send(first)  # the same tick again, for the other subscription
        await connection.send(tick_message("BTCUSDT", "64000.00", "2026-01-01T00:00:02Z"))
        await connection.send(tick_message("BTCUSDT", "64001.00", "2026-01-01T00:00:02Z"))
        await connection.send(tick_message("ETHUSDT", "3400.00", "2026-01-01T00:00:02Z"))
        await connection.wait_closed()

    async with FakeServer(script) as server:
        ws = AgentExchangeWS(api_key="ak_test", base_url=server.base_url)
        btc: list[tuple[str, str]] = []
        everything: list[tuple[str, str, str]] = []

        @ws.on_ticker("BTCUSDT")
        async def on_btc(data: dict[str, Any]) -> None:
            btc.append((data["timestamp"], data["price"]))

        @ws.on_ticker("all")
        async def on_all(data: dict[str, Any]) -> None:
            everything.append((data["symbol"], data["timestamp"], data["price"]))

        task = asyncio.create_task(ws.connect())
        try:
            await wait_for(lambda: any(s == "ETHUSDT" for s, _, _ in everything))
        finally:
            await asyncio.wait_for(ws.close(), 5)
            await asyncio.wait_for(task, 5)
    # A new timestamp or a new price is a new tick; only the exact repeat is dropped.
    ticks = [
        ("2026-01-01T00:00:01Z", "64000.00"),
        ("2026-01-01T00:00:02Z", "64000.00"),
        ("2026-01-01T00:00:02Z", "64001.00"),
    ]
    assert btc == ticks
    assert everything == [("BTCUSDT", *t) for t in ticks] + [
        ("ETHUSDT", "2026-01-01T00:00:02Z", "3400.00")
    ]


async def test_full_inbox_drops_ticks_never_orders_portfolio_or_candles() -> None:
    rounds = 12
    candle = {"open": "1", "high": "1", "low": "1", "close": "1", "volume": "1"}

    async def script(connection: Any, n: int) -> None:
        await ack_subscriptions(connection, 4)
        await connection.send(json.dumps({"channel": P.DATA_ORDER, "data": {"order_id": "o0"}}))
        for i in range(1, rounds + 1):
            stamp = f"2026-01-01T00:{i:02d}:00Z"
            await connection.send(tick_message("BTCUSDT", f"{64000 + i}.00", stamp))
            await connection.send(
                json.dumps({"channel": P.DATA_ORDER, "data": {"order_id": f"o{i}"}})
            )
            await connection.send(tick_message("BTCUSDT", f"{64000 + i}.50", stamp))
            await connection.send(
                json.dumps({"channel": P.DATA_PORTFOLIO, "data": {"total_equity": str(i)}})
            )
            await connection.send(
                json.dumps(
                    {
                        "channel": P.DATA_CANDLE,
                        "symbol": "BTCUSDT",
                        "interval": "1m",
                        "data": {**candle, "time": stamp},
                    }
                )
            )
        await connection.wait_closed()

    async with FakeServer(script) as server:
        ws = AgentExchangeWS(api_key="ak_test", base_url=server.base_url, max_pending=4)
        gate = asyncio.Event()
        orders: list[str] = []
        portfolios: list[str] = []
        candles: list[str] = []
        ticks: list[str] = []

        @ws.on_order_update()
        async def on_order(data: dict[str, Any]) -> None:
            await gate.wait()  # the handlers fall behind: the inbox fills up
            orders.append(data["order_id"])

        ws.on_portfolio()(lambda data: portfolios.append(data["total_equity"]))
        ws.on_candles("BTCUSDT", "1m")(lambda data: candles.append(data["open_time"]))
        ws.on_ticker("BTCUSDT")(lambda data: ticks.append(data["price"]))

        task = asyncio.create_task(ws.connect())
        try:
            total = 1 + 5 * rounds
            await wait_for(lambda: ws.stats.messages >= total)
            assert ws.stats.dropped > 0  # the inbox was full: ticks went
            gate.set()
            await wait_for(lambda: len(orders) > rounds and len(candles) >= rounds)
            await wait_for(lambda: len(portfolios) >= rounds)
        finally:
            await asyncio.wait_for(ws.close(), 5)
            await asyncio.wait_for(task, 5)
    assert orders == [f"o{i}" for i in range(rounds + 1)]
    assert portfolios == [str(i) for i in range(1, rounds + 1)]
    assert candles == [f"2026-01-01T00:{i:02d}:00Z" for i in range(1, rounds + 1)]
    assert len(ticks) + ws.stats.dropped == 2 * rounds
    assert len(ticks) < 2 * rounds


def test_stale_timeout_must_exceed_the_ping_interval() -> None:
    assert P.STALE_AFTER_SECONDS > P.PING_INTERVAL_SECONDS  # the defaults are consistent
    AgentExchangeWS(api_key="ak_test")  # so the default is accepted
    for stale in (P.PING_INTERVAL_SECONDS, P.PING_INTERVAL_SECONDS - 1, 5.0):
        with pytest.raises(ValueError, match="ping interval"):
            AgentExchangeWS(api_key="ak_test", stale_timeout=stale)
    with pytest.raises(ValueError, match="ping interval"):
        AgentExchangeWS(api_key="ak_test", stale_timeout=1.0, ping_interval=1.0)
    ok = AgentExchangeWS(api_key="ak_test", stale_timeout=1.5, ping_interval=1.0)
    assert ok.stale_timeout == 1.5
