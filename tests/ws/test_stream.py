"""``AgentExchangeWS.stream()``, the async-iterator form, against the live mock (issue 18):
ticks and order updates, a server restart survived with resubscription, the base URL
from ``AGENTEXCHANGE_BASE_URL``."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from decimal import Decimal

import httpx
import pytest

from agentexchange.exceptions import AuthenticationError
from agentexchange.ws import AgentExchangeWS, StreamEvent

from .conftest import LiveServer

FAST = {"reconnect_initial": 0.05, "reconnect_max": 0.5, "healthy_after": 0.2}


async def next_of(events: AsyncIterator[StreamEvent], kind: str, timeout: float = 5) -> StreamEvent:
    async with asyncio.timeout(timeout):
        async for event in events:
            if event.kind == kind:
                return event
    raise AssertionError(f"the stream ended before a {kind} event")


def test_the_base_url_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENTEXCHANGE_BASE_URL", "https://api.example.com")
    assert AgentExchangeWS(api_key="ak_live_x").url == "wss://api.example.com/ws/v1"
    monkeypatch.setenv("AGENTEXCHANGE_BASE_URL", "http://127.0.0.1:8123/")
    assert AgentExchangeWS(api_key="ak_live_x").url == "ws://127.0.0.1:8123/ws/v1"
    assert AgentExchangeWS(api_key="k", base_url="ws://h:1").url == "ws://h:1/ws/v1"  # given wins
    monkeypatch.delenv("AGENTEXCHANGE_BASE_URL")
    assert AgentExchangeWS(api_key="ak_live_x").url == "ws://localhost:8000/ws/v1"


def test_a_stream_of_nothing_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one"):
        AgentExchangeWS(api_key="k").stream()


async def test_the_stream_gets_ticks_and_order_updates_and_survives_a_restart(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first = LiveServer(seed=3).start()
    port, key = first.port, first.demo["api_key"]
    monkeypatch.setenv("AGENTEXCHANGE_BASE_URL", first.http_url)  # http:// -> ws://
    ws = AgentExchangeWS(api_key=key, **FAST)
    second: LiveServer | None = None
    try:
        async with ws.stream(ticker="BTCUSDT", orders=True) as events:
            hello = await next_of(events, "connect")
            assert hello.data["reconnect"] is False
            assert ws.subscribed == {"ticker:BTCUSDT", "orders"}
            await asyncio.to_thread(first.tick, 1)
            tick = await next_of(events, "ticker")
            assert tick.data["symbol"] == "BTCUSDT" and Decimal(tick.data["price"]) > 0
            reply = await asyncio.to_thread(
                httpx.post,
                f"{first.http_url}/api/v1/trade/order",
                headers={"X-API-Key": key},
                json={"symbol": "BTCUSDT", "side": "buy", "type": "market", "quantity": "0.001"},
            )
            assert reply.status_code == 201
            order = await next_of(events, "order")
            assert order.data["order_id"] == reply.json()["order_id"]

            await asyncio.to_thread(first.stop)
            gone = await next_of(events, "disconnect")
            assert gone.data["reconnect_in"] is not None
            second = LiveServer(seed=3, port=port).start()  # same seed: same keys
            again = await next_of(events, "connect", timeout=10)
            assert again.data["reconnect"] is True
            assert ws.subscribed == {"ticker:BTCUSDT", "orders"}  # resubscribed
            await asyncio.to_thread(second.tick, 1)
            tick = await next_of(events, "ticker")
            assert tick.data["symbol"] == "BTCUSDT"
        # Leaving stops the client the stream started, and takes its handlers out.
        assert ws._done.is_set()
        assert ws._ticker["BTCUSDT"] == [] and ws._orders == [] and ws._on_connect == []
    finally:
        if second is not None:
            await asyncio.to_thread(second.stop)


async def test_a_refused_key_ends_the_stream_with_authentication_error() -> None:
    with LiveServer() as live:
        ws = AgentExchangeWS(api_key="ak_live_nope", base_url=live.ws_base, **FAST)
        with pytest.raises(AuthenticationError):
            async with ws.stream(portfolio=True) as events:
                async for _ in events:
                    pass


async def test_a_stream_on_a_running_client_ends_when_that_client_stops() -> None:
    with LiveServer() as live:
        ws = AgentExchangeWS(api_key=live.demo["api_key"], base_url=live.ws_base, **FAST)
        ws.on_portfolio()(lambda d: None)
        up = asyncio.Event()

        async def connected(info: dict[str, object]) -> None:
            up.set()

        ws.on_connect(connected)
        running = asyncio.create_task(ws.connect())  # the application runs the client
        try:
            await asyncio.wait_for(up.wait(), 5)
            async with ws.stream(ticker="ETHUSDT") as events:
                async with asyncio.timeout(5):  # subscribed on the open connection
                    while "ticker:ETHUSDT" not in ws.subscribed:
                        await asyncio.sleep(0.01)
                await asyncio.to_thread(live.tick, 1)
                tick = await next_of(events, "ticker")
                assert tick.data["symbol"] == "ETHUSDT"
                ws.close()
                async with asyncio.timeout(5):  # ends: no hang
                    kinds = [event.kind async for event in events]
                assert set(kinds) <= {"ticker", "disconnect"}
            assert not running.done() or running.exception() is None
            assert ws._ticker["ETHUSDT"] == []  # its handler taken out; the app's stays
            assert len(ws._portfolio) == 1 and ws._on_connect == [connected]
        finally:
            await asyncio.wait_for(running, 5)
