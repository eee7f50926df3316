"""The market's HTTP handlers answer exactly openapi.yaml's response schemas.

Each handler is called with an ``ApiRequest`` shaped as the app would build it (params
already converted by the spec), its body is serialised as the app does and validated
against the operation's success schema from ``load_spec()``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any, cast

import pytest

from agentexchange.mock.domain.clock import SimClock
from agentexchange.mock.domain.errors import DomainError
from agentexchange.mock.domain.market import Market
from agentexchange.mock.web.handlers.market import handlers
from agentexchange.mock.web.spec import load_spec

from . import handler_calls

SPEC = load_spec().by_id()
NOW = datetime(2026, 11, 23, 10, 0, 30, tzinfo=UTC)
OPERATIONS = (
    "get_pairs",
    "get_price",
    "get_all_prices",
    "get_candles",
    "get_ticker",
    "get_recent_trades",
    "get_orderbook",
)


@pytest.fixture(scope="module")
def exchange() -> Any:
    clock = SimClock(NOW)
    return SimpleNamespace(clock=clock, market=Market(clock, seed=7))


def call(ex: Any, operation_id: str, path: dict[str, Any] | None = None, **query: Any) -> Any:
    """Run a handler; return its body as the client would parse it, checked by the spec."""
    return handler_calls.call(handlers(cast(Any, ex)), operation_id, path=path, query=query)


def test_the_handlers_are_exactly_the_market_operations(exchange: Any) -> None:
    assert set(handlers(exchange)) == set(OPERATIONS)
    assert {SPEC[op].path.split("/")[3] for op in OPERATIONS} == {"market"}


def test_get_pairs(exchange: Any) -> None:
    data = call(exchange, "get_pairs")
    assert data["total"] == len(data["pairs"]) >= 600
    btc = next(p for p in data["pairs"] if p["symbol"] == "BTCUSDT")
    assert btc == {
        "symbol": "BTCUSDT",
        "base_asset": "BTC",
        "quote_asset": "USDT",
        "status": "active",
        "min_qty": "0.00001",
        "step_size": "0.00001",
        "min_notional": "1.00",
        "has_price": True,
    }
    assert call(exchange, "get_pairs", status="active")["total"] == data["total"]
    assert call(exchange, "get_pairs", status="inactive") == {"pairs": [], "total": 0}


def test_get_price(exchange: Any) -> None:
    data = call(exchange, "get_price", {"symbol": "BTCUSDT"})
    assert data == {
        "symbol": "BTCUSDT",
        "price": str(exchange.market.price("BTCUSDT")),
        "timestamp": "2026-11-23T10:00:30Z",
    }


def test_get_all_prices(exchange: Any) -> None:
    data = call(exchange, "get_all_prices")
    assert data["count"] == len(data["prices"]) >= 600
    assert data["stale"] is False
    assert Decimal(data["prices"]["ETHUSDT"]) == exchange.market.price("ETHUSDT")
    some = call(exchange, "get_all_prices", symbols="BTCUSDT,ETHUSDT")
    assert set(some["prices"]) == {"BTCUSDT", "ETHUSDT"} and some["count"] == 2
    # get_all_prices documents no 400: an unknown symbol in the filter is left out.
    assert 400 not in SPEC["get_all_prices"].documented_statuses
    assert call(exchange, "get_all_prices", symbols="BTCUSDT,FOOUSDT")["count"] == 1


def test_get_candles_defaults_and_range(exchange: Any) -> None:
    data = call(exchange, "get_candles", {"symbol": "ETHUSDT"})
    assert data["symbol"] == "ETHUSDT" and data["interval"] == "1h"  # spec default
    assert data["count"] == len(data["candles"]) == 100  # spec default limit
    assert data["candles"][-1]["close"] == str(exchange.market.price("ETHUSDT"))
    start = NOW - timedelta(days=2)
    ranged = call(
        exchange,
        "get_candles",
        {"symbol": "ETHUSDT"},
        interval="4h",
        start_time=start,
        end_time=start + timedelta(hours=8),
        limit=1000,
    )
    assert [c["time"] for c in ranged["candles"]] == [
        "2026-11-21T08:00:00Z",
        "2026-11-21T12:00:00Z",
        "2026-11-21T16:00:00Z",
    ]
    assert all(isinstance(c["trade_count"], int) for c in ranged["candles"])


def test_get_ticker(exchange: Any) -> None:
    data = call(exchange, "get_ticker", {"symbol": "SOLUSDT"})
    ticker = exchange.market.ticker("SOLUSDT")
    assert data["close"] == str(ticker.close) and data["change_pct"] == str(ticker.change_pct)
    assert set(data) == {
        "symbol",
        "open",
        "high",
        "low",
        "close",
        "volume",
        "quote_volume",
        "change",
        "change_pct",
        "trade_count",
        "timestamp",
    }


def test_get_recent_trades(exchange: Any) -> None:
    data = call(exchange, "get_recent_trades", {"symbol": "BTCUSDT"}, limit=7)
    assert data["symbol"] == "BTCUSDT" and len(data["trades"]) == 7
    assert len(call(exchange, "get_recent_trades", {"symbol": "BTCUSDT"})["trades"]) == 100


def test_get_orderbook(exchange: Any) -> None:
    data = call(exchange, "get_orderbook", {"symbol": "BTCUSDT"})
    assert len(data["bids"]) == len(data["asks"]) == 10  # spec default depth
    assert Decimal(data["bids"][0][0]) < Decimal(data["asks"][0][0])
    assert len(call(exchange, "get_orderbook", {"symbol": "BTCUSDT"}, depth=20)["asks"]) == 20


@pytest.mark.parametrize(
    ("operation_id", "query"),
    [
        ("get_price", {}),
        ("get_candles", {}),
        ("get_ticker", {}),
        ("get_recent_trades", {}),
        ("get_orderbook", {}),
    ],
)
def test_an_unknown_symbol_is_the_documented_400(
    exchange: Any, operation_id: str, query: dict[str, Any]
) -> None:
    op = SPEC[operation_id]
    assert 400 in op.documented_statuses
    with pytest.raises(DomainError) as caught:
        handlers(exchange)[operation_id](
            handler_calls.request(operation_id, path={"symbol": "FOOUSDT"}, query=query)
        )
    assert (caught.value.code, caught.value.status) == ("INVALID_SYMBOL", 400)
    assert caught.value.details == {"symbol": "FOOUSDT"}
