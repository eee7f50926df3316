"""The mock's WebSocket side, seen through a raw ``websockets`` client on a real socket.

Every frame the server sends in these tests is also checked against asyncapi.yaml's
message schemas, so the mock cannot drift from the document.
"""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from agentexchange import _ws_protocol as P
from agentexchange._document import load_document

from .conftest import LiveServer, small_socket

ROOT = Path(__file__).resolve().parents[2]
ASYNCAPI = load_document(ROOT / "asyncapi.yaml")
DOC = ASYNCAPI.raw


MESSAGES = {
    name: ASYNCAPI.inline(m)["payload"] for name, m in DOC["components"]["messages"].items()
}
SERVER_SENDS = (
    "Subscribed",
    "Unsubscribed",
    "Error",
    "Ping",
    "Ticker",
    "Candle",
    "Order",
    "Portfolio",
)


VALIDATORS = {
    name: jsonschema.Draft7Validator(MESSAGES[name], format_checker=jsonschema.FormatChecker())
    for name in SERVER_SENDS
}


def conforms(message: dict[str, Any]) -> str:
    """The asyncapi.yaml message this frame is; fails the test when it is none of them."""
    for name, validator in VALIDATORS.items():
        if validator.is_valid(message):
            return name
    raise AssertionError(f"frame matches no message of asyncapi.yaml: {message}")


async def recv(ws: ClientConnection, timeout: float = 5.0, check: bool = True) -> dict[str, Any]:
    message: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), timeout))
    if check:
        conforms(message)
    return message


async def recv_until(
    ws: ClientConnection, want: Any, timeout: float = 5.0, check: bool = True
) -> dict[str, Any]:
    async with asyncio.timeout(timeout):
        while True:
            message = await recv(ws, check=check)
            if want(message):
                conforms(message)
                return message


async def subscribe(ws: ClientConnection, **fields: str) -> dict[str, Any]:
    await ws.send(json.dumps({"action": "subscribe", **fields}))
    return await recv_until(ws, lambda m: m.get("type") in ("subscribed", "error"))


async def test_subscribe_is_acknowledged_and_ticks_flow(big_server: LiveServer) -> None:
    async with connect(big_server.ws_url(big_server.demo["api_key"])) as ws:
        ack = await subscribe(ws, channel="ticker", symbol="btcusdt")
        assert ack == {"type": "subscribed", "channel": "ticker:BTCUSDT"}
        await asyncio.to_thread(big_server.tick, 1)
        tick = await recv_until(ws, lambda m: m.get("channel") == "ticker")
        assert tick["symbol"] == "BTCUSDT"
        assert set(tick["data"]) >= {"price", "timestamp"}
        assert isinstance(tick["data"]["price"], str)  # decimals stay strings on the wire


async def test_one_tick_per_symbol_even_with_ticker_and_ticker_all(big_server: LiveServer) -> None:
    async with connect(big_server.ws_url(big_server.demo["api_key"])) as ws:
        await subscribe(ws, channel="ticker", symbol="BTCUSDT")
        await subscribe(ws, channel="ticker_all")
        await asyncio.to_thread(big_server.tick, 1)
        seen: dict[str, int] = {}
        first = await recv_until(ws, lambda m: m.get("channel") == "ticker")
        stamp = first["data"]["timestamp"]
        seen[first["symbol"]] = 1
        while len(seen) < 600:
            msg = await recv(ws)
            if msg.get("channel") == "ticker" and msg["data"]["timestamp"] == stamp:
                seen[msg["symbol"]] = seen.get(msg["symbol"], 0) + 1
        assert seen["BTCUSDT"] == 1
        assert set(seen.values()) == {1}


async def test_bad_requests_get_errors_and_the_connection_stays(server: LiveServer) -> None:
    async with connect(server.ws_url(server.demo["api_key"])) as ws:
        await ws.send("not json")
        assert (await recv(ws))["code"] == P.ERROR_INVALID_MESSAGE
        await ws.send(json.dumps({"action": "dance"}))
        assert (await recv(ws))["code"] == P.ERROR_UNKNOWN_ACTION
        assert (await subscribe(ws, channel="ticker:BTCUSDT"))["code"] == P.ERROR_INVALID_CHANNEL
        assert (await subscribe(ws, channel="ticker"))["code"] == P.ERROR_INVALID_CHANNEL
        assert (await subscribe(ws, channel="ticker", symbol="NOPEUSDT"))[
            "code"
        ] == "INVALID_CHANNEL"
        bad_interval = await subscribe(ws, channel="candles", symbol="BTCUSDT", interval="7m")
        assert bad_interval["code"] == P.ERROR_INVALID_CHANNEL
        assert (await subscribe(ws, channel="orders"))["type"] == "subscribed"


async def test_subscription_limit_refuses_the_extra_and_keeps_the_connection(
    server: LiveServer,
) -> None:
    symbols = [
        p["symbol"]
        for p in httpx.get(f"{server.http_url}/api/v1/market/pairs", timeout=30).json()["pairs"]
    ]
    async with connect(server.ws_url(server.demo["api_key"])) as ws:
        for symbol in symbols[: P.SUBSCRIPTIONS_PER_CONNECTION]:
            assert (await subscribe(ws, channel="ticker", symbol=symbol))["type"] == "subscribed"
        # Re-subscribing to a held key is acknowledged and does not count twice.
        assert (await subscribe(ws, channel="ticker", symbol=symbols[0]))["type"] == "subscribed"
        refused = await subscribe(
            ws, channel="ticker", symbol=symbols[P.SUBSCRIPTIONS_PER_CONNECTION]
        )
        assert refused["type"] == "error"
        assert refused["code"] == P.ERROR_SUBSCRIPTION_LIMIT
        await ws.send(
            json.dumps({"action": "unsubscribe", "channel": "ticker", "symbol": symbols[0]})
        )
        assert (await recv(ws)) == {"type": "unsubscribed", "channel": f"ticker:{symbols[0]}"}
        again = await subscribe(
            ws, channel="ticker", symbol=symbols[P.SUBSCRIPTIONS_PER_CONNECTION]
        )
        assert again["type"] == "subscribed"


@pytest.mark.parametrize("pong", [{"action": "pong"}, {"type": "pong"}])
async def test_ping_answered_keeps_the_connection(pong: dict[str, str]) -> None:
    with LiveServer(ping_interval=0.2, pong_timeout=1.0) as live:
        async with connect(live.ws_url(live.demo["api_key"])) as ws:
            for _ in range(8):  # eight pings answered: well past one pong timeout
                assert await recv(ws) == {"type": "ping"}
                await ws.send(json.dumps(pong))
            assert ws.close_code is None


async def test_no_pong_closes_the_connection() -> None:
    with LiveServer(ping_interval=0.1, pong_timeout=0.2) as live:
        async with connect(live.ws_url(live.demo["api_key"])) as ws:
            assert await recv(ws) == {"type": "ping"}
            with pytest.raises(ConnectionClosed):
                await asyncio.wait_for(ws.recv(), 5)
            assert ws.close_code == P.CLOSE_PONG_TIMEOUT
            assert live.call(lambda: live.hub.stats.pong_timeouts) == 1


@pytest.mark.parametrize("key", ["ak_live_not_a_key", ""])
async def test_bad_key_refuses_the_handshake_and_never_logs_it(
    server: LiveServer, key: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with pytest.raises(InvalidStatus) as refused:
        async with connect(server.ws_url(key), open_timeout=5):
            pass
    assert refused.value.response.status_code == 401
    body = json.loads(refused.value.response.body)
    assert body["error"]["code"] == "INVALID_API_KEY"
    # A good key is redacted from the handshake log line as well.
    good = server.demo["agent_api_key"]
    async with connect(server.ws_url(good)) as ws:
        await subscribe(ws, channel="orders")
    # Server-side records only: the raw test client logs its own request line.
    text = "\n".join(
        r.getMessage() for r in caplog.records if not r.name.startswith("websockets.client")
    )
    assert "api_key=***" in text
    assert good not in text and (not key or key not in text)


async def test_an_agent_key_and_the_account_key_see_the_same_agent(server: LiveServer) -> None:
    demo = server.demo
    async with (
        connect(server.ws_url(demo["api_key"])) as account_ws,
        connect(server.ws_url(demo["agent_api_key"])) as agent_ws,
    ):
        await subscribe(account_ws, channel="orders")
        await subscribe(agent_ws, channel="orders")
        reply = httpx.post(
            f"{server.http_url}/api/v1/trade/order",
            headers={"X-API-Key": demo["agent_api_key"]},
            json={"symbol": "BTCUSDT", "side": "buy", "type": "market", "quantity": "0.001"},
            timeout=30,
        )
        assert reply.status_code in (200, 201), reply.text
        order_id = reply.json()["order_id"]
        for ws in (account_ws, agent_ws):
            update = await recv_until(ws, lambda m: m.get("channel") == "orders")
            assert update["data"]["order_id"] == order_id
            assert "agent_id" not in update["data"]


# No read-ahead, no compression (deflated ticks would fit the buffers many times over).
SLOW_READER: dict[str, Any] = {"max_queue": 1, "compression": None, "ping_interval": None}
# A reader that never reads never sees a ping or a pong: every keepalive (its own, the
# hub's, uvicorn's) is off, or a slow test would end in a keepalive timeout instead.
SLOW_SERVER: dict[str, Any] = {
    "pairs": 15,
    "max_queue": 20,
    "sndbuf": 4096,
    "ping_interval": None,
    "ws_ping_interval": None,
}


async def _flood(live: LiveServer, ticks: int) -> None:
    for _ in range(ticks):
        await asyncio.to_thread(live.tick, 1)


def _market_buy(live: LiveServer, key: str, symbol: str = "BTCUSDT") -> httpx.Response:
    quantity = {"BTCUSDT": "0.0001", "ETHUSDT": "0.01"}[symbol]
    return httpx.post(
        f"{live.http_url}/api/v1/trade/order",
        headers={"X-API-Key": key},
        json={"symbol": symbol, "side": "buy", "type": "market", "quantity": quantity},
        timeout=30,
    )


async def test_a_slow_consumer_loses_old_ticks_not_the_market_or_others() -> None:
    # Tiny socket buffers on both ends and a reader that does not read ahead: the socket
    # really stops draining, and the hub's queue (20) must absorb the rest.
    with LiveServer(**SLOW_SERVER) as live:
        key = live.demo["api_key"]
        async with (
            connect(live.ws_url(key), **SLOW_READER, sock=small_socket(live.port)) as slow,
            connect(live.ws_url(key)) as fast,
        ):
            await subscribe(slow, channel="ticker_all")
            await subscribe(slow, channel="orders")
            await subscribe(fast, channel="ticker", symbol="BTCUSDT")
            live.tick(1)  # the market's first tick only sets its baseline
            # 300 market seconds, 4 500 ticks for a reader that never reads. The fast client
            # reads each second's BTCUSDT tick before the next second starts, so its own queue
            # never holds more than one: a tick it misses was lost to the slow one.
            stamps: list[str] = []
            for _ in range(300):
                await asyncio.to_thread(live.tick, 1)
                msg = await recv_until(fast, lambda m: m.get("channel") == "ticker", timeout=10)
                stamps.append(msg["data"]["timestamp"])
            assert stamps == sorted(set(stamps))
            assert live.call(lambda: live.hub.stats.ticks_dropped) > 0
            # An order update placed now still reaches the slow reader: never dropped.
            reply = await asyncio.to_thread(_market_buy, live, key, "ETHUSDT")
            assert reply.status_code in (200, 201), reply.text
            update = await recv_until(
                slow, lambda m: m.get("channel") == "orders", timeout=20, check=False
            )
            assert update["data"]["symbol"] == "ETHUSDT"


async def test_slow_consumer_is_closed_when_only_undroppable_messages_back_up() -> None:
    with LiveServer(**SLOW_SERVER) as live:
        key = live.demo["api_key"]
        async with connect(live.ws_url(key), **SLOW_READER, sock=small_socket(live.port)) as slow:
            await subscribe(slow, channel="ticker_all")
            await subscribe(slow, channel="orders")
            live.tick(1)
            await _flood(live, 300)  # every buffer between the hub and the reader is full
            for _ in range(40):  # each order is one never-dropped "orders" message
                reply = await asyncio.to_thread(_market_buy, live, key)
                assert reply.status_code in (200, 201), reply.text
                if live.call(lambda: live.hub.stats.slow_consumer_closes):
                    break
            assert live.call(lambda: live.hub.stats.slow_consumer_closes) == 1
            with pytest.raises(ConnectionClosed):
                while True:
                    await asyncio.wait_for(slow.recv(), 10)
            assert slow.close_code == P.CLOSE_SLOW_CONSUMER


async def test_candle_closes_every_simulated_minute(server: LiveServer) -> None:
    async with connect(server.ws_url(server.demo["api_key"])) as ws:
        await subscribe(ws, channel="candles", symbol="BTCUSDT", interval="1m")
        await asyncio.to_thread(server.tick, 60)
        candle = await recv_until(ws, lambda m: m.get("channel") == "candles")
        assert (candle["symbol"], candle["interval"]) == ("BTCUSDT", "1m")
        data = candle["data"]
        assert data["is_closed"] is True and data["time"] == data["open_time"]
        assert {"open", "high", "low", "close", "volume", "close_time"} <= set(data)


async def test_hub_stop_closes_connections_with_going_away(server: LiveServer) -> None:
    async with connect(server.ws_url(server.demo["api_key"])) as ws:
        await subscribe(ws, channel="orders")
        assert server.loop is not None
        await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(server.hub.stop(), server.loop))
        with pytest.raises(ConnectionClosed):
            await asyncio.wait_for(ws.recv(), 5)
        assert ws.close_code == P.CLOSE_GOING_AWAY


async def test_order_and_portfolio_updates_reach_only_their_own_account(server: LiveServer) -> None:
    demo = server.demo
    other = httpx.post(
        f"{server.http_url}/api/v1/auth/register",
        json={"display_name": "Other", "email": "other-ws@example.com"},
        timeout=30,
    ).json()
    async with (
        connect(server.ws_url(demo["api_key"])) as mine,
        connect(server.ws_url(other["api_key"])) as theirs,
    ):
        for ws in (mine, theirs):
            await subscribe(ws, channel="orders")
            await subscribe(ws, channel="portfolio")
        reply = _market_buy(server, demo["api_key"])
        assert reply.status_code == 201, reply.text
        mine_order = await recv_until(mine, lambda m: m.get("channel") == "orders")
        assert mine_order["data"]["order_id"] == reply.json()["order_id"]
        # A sentinel of the other account's own: everything before it would be a leak.
        own = _market_buy(server, other["api_key"], "ETHUSDT")
        assert own.status_code == 201, own.text
        seen = []
        while True:
            message = await recv(theirs)
            seen.append(message)
            if (
                message.get("channel") == "orders"
                and message["data"]["order_id"] == own.json()["order_id"]
            ):
                break
        leaked = [
            m
            for m in seen
            if m.get("channel") == "orders" and m["data"]["order_id"] != own.json()["order_id"]
        ]
        assert leaked == []
        assert all(m["data"]["symbol"] == "ETHUSDT" for m in seen if m.get("channel") == "orders")
