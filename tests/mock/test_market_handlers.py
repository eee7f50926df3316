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
    "get_tickers",
    "get_available_indicators",
    "get_indicators",
    "get_data_range",
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
        ("get_indicators", {}),
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


# --------------------------------------------------------------------------- issue 13

INDICATOR_NAMES = [  # GET /market/indicators/available, as recorded from the platform
    "adx_14", "atr_14", "bb_lower", "bb_mid", "bb_upper", "ema_12", "ema_26", "macd_hist",
    "macd_line", "macd_signal", "price", "rsi_14", "sma_20", "sma_50", "volume_ma_20",
]  # fmt: skip


def test_get_tickers_defaults_to_the_first_100_pairs(exchange: Any) -> None:
    data = call(exchange, "get_tickers")
    assert list(data["tickers"]) == list(exchange.market.symbols[:100])
    assert data["count"] == 100
    assert data["timestamp"] == "2026-11-23T10:00:30Z"
    sol = data["tickers"]["SOLUSDT"]
    assert sol == call(exchange, "get_ticker", {"symbol": "SOLUSDT"})


def test_get_tickers_for_symbols_leaves_unknown_ones_out(exchange: Any) -> None:
    data = call(exchange, "get_tickers", symbols="ETHUSDT,NOPEUSDT,BTCUSDT,ETHUSDT")
    assert list(data["tickers"]) == ["ETHUSDT", "BTCUSDT"]  # the request's order, once each
    assert data["count"] == 2
    assert data["tickers"]["BTCUSDT"]["close"] == str(exchange.market.ticker("BTCUSDT").close)
    assert call(exchange, "get_tickers", symbols="NOPEUSDT")["count"] == 0


def test_get_tickers_answers_at_most_100(exchange: Any) -> None:
    symbols = exchange.market.symbols[:150]
    assert len(exchange.market.tickers(symbols)) == 100


def test_get_available_indicators(exchange: Any) -> None:
    assert call(exchange, "get_available_indicators") == {"indicators": INDICATOR_NAMES}


def test_get_indicators_defaults(exchange: Any) -> None:
    data = call(exchange, "get_indicators", {"symbol": "BTCUSDT"})
    assert data["symbol"] == "BTCUSDT"
    assert data["timestamp"] == "2026-11-23T10:00:30Z"
    assert data["candles_used"] == 200  # the document's default lookback
    assert list(data["indicators"]) == INDICATOR_NAMES  # all of them, sorted
    assert all(type(v) in (int, float) for v in data["indicators"].values())
    # The 200 one-minute candles end with the forming one: its close is the price now.
    closes = [c.close for c in exchange.market.candles("BTCUSDT", "1m", limit=200)]
    assert closes[-1] == exchange.market.price("BTCUSDT")
    assert data["indicators"]["price"] == float(closes[-1])
    assert data["indicators"]["sma_20"] == pytest.approx(float(sum(closes[-20:]) / 20), rel=1e-12)
    assert data["indicators"]["sma_50"] == pytest.approx(float(sum(closes[-50:]) / 50), rel=1e-12)
    assert data["indicators"]["bb_mid"] == data["indicators"]["sma_20"]


def test_get_indicators_named_and_short_lookback(exchange: Any) -> None:
    data = call(
        exchange,
        "get_indicators",
        {"symbol": "ETHUSDT"},
        indicators="sma_20,rsi_14,macd_line,sma_50",
        lookback=30,
    )
    assert data["candles_used"] == 30
    # Keys sorted; SMA50 cannot be computed from 30 candles and is left out.
    assert list(data["indicators"]) == ["macd_line", "rsi_14", "sma_20"]


def test_get_data_range(exchange: Any) -> None:
    assert call(exchange, "get_data_range") == {
        "earliest": "1970-01-01T00:00:00Z",
        "latest": "2026-11-23T10:00:00Z",  # the open time of the forming 1-minute candle
        "total_pairs": len(exchange.market.symbols),
        "intervals_available": ["1m", "5m", "15m", "1h", "4h", "1d"],
        "data_gaps": [],
    }
