"""The WebSocket as `agentexchange mock` serves it: same port as REST, wired in build_app."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx

from agentexchange.mock.testing import MockServer
from agentexchange.ws import AgentExchangeWS


async def test_mock_server_streams_ticks_and_own_orders_on_the_rest_port() -> None:
    with MockServer(seed=5) as mock:
        key = mock.credentials()["api_key"]
        ws = AgentExchangeWS(api_key=key, base_url=mock.base_url.replace("http://", "ws://"))
        ticks: list[dict[str, Any]] = []
        orders: list[dict[str, Any]] = []
        got_tick, got_fill = asyncio.Event(), asyncio.Event()
        connected = asyncio.Event()

        @ws.on_connect()
        async def _ready(info: dict[str, Any]) -> None:
            connected.set()

        @ws.on_ticker("BTCUSDT")
        async def _tick(msg: dict[str, Any]) -> None:
            ticks.append(msg)
            got_tick.set()

        @ws.on_order_update()
        async def _order(msg: dict[str, Any]) -> None:
            orders.append(msg)
            if msg["status"] == "filled":
                got_fill.set()

        runner = asyncio.create_task(ws.connect())
        try:
            await asyncio.wait_for(connected.wait(), 10)
            await asyncio.to_thread(mock.exchange.tick, 1)
            await asyncio.wait_for(got_tick.wait(), 10)
            order = {"symbol": "ETHUSDT", "side": "buy", "type": "market", "quantity": "0.01"}
            async with httpx.AsyncClient(base_url=mock.base_url) as http:
                placed = await http.post(
                    "/api/v1/trade/order", json=order, headers={"X-API-Key": key}
                )
            assert placed.status_code == 201
            await asyncio.wait_for(got_fill.wait(), 10)
        finally:
            await ws.close()
            await asyncio.wait_for(runner, 10)

    assert ticks[0]["symbol"] == "BTCUSDT" and isinstance(ticks[0]["price"], str)
    assert Decimal(ticks[0]["price"]) == mock.exchange.market.price("BTCUSDT")
    fill = next(o for o in orders if o["status"] == "filled")
    assert fill["order_id"] == placed.json()["order_id"]
    assert Decimal(fill["executed_quantity"]) == Decimal("0.01")


def test_order_and_portfolio_frames_encode_decimals_as_rest_does() -> None:
    """A zero quantized to 8 places is "0.00000000" on REST; the stream must agree (not "0E-8")."""
    from agentexchange.mock.web.ws_hub import data_message

    frame = data_message(
        "portfolio",
        {
            "agent_id": "a",
            "total_equity": Decimal("10000.00"),
            "available_cash": Decimal("1.5"),
            "unrealized_pnl": Decimal("0E-8"),
            "realized_pnl": Decimal("0E-8"),
            "roi_pct": Decimal("0"),
            "timestamp": datetime(2026, 11, 25, 12, 0, tzinfo=UTC),
        },
    )
    assert '"realized_pnl":"0.00000000"' in frame.replace(" ", "")
    assert "E-8" not in frame
    assert '"timestamp":"2026-11-25T12:00:00Z"' in frame.replace(" ", "")
