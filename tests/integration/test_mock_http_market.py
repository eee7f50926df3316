"""Market data over HTTP against the mock (issue 4): public, seeded, 600+ USDT pairs,
prices as decimal strings, and the documented errors (400 INVALID_SYMBOL, 422
VALIDATION_ERROR naming the parameter)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from itertools import pairwise
from typing import Any

from .conftest import Api, assert_error, assert_money, body, dec

MAJORS = ("BTCUSDT", "ETHUSDT", "SOLUSDT", "BNBUSDT", "ADAUSDT", "XRPUSDT")


def ts(value: str) -> datetime:
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    assert parsed.tzinfo is not None, value
    return parsed


# --------------------------------------------------------------------------- pairs


def test_pairs_lists_at_least_600_usdt_pairs_with_decimal_limits(api: Api) -> None:
    response = api.get("/api/v1/market/pairs")
    assert response.status_code == 200
    data = body(response)
    pairs = data["pairs"]
    assert data["total"] == len(pairs) >= 600
    symbols = {pair["symbol"] for pair in pairs}
    assert len(symbols) == len(pairs), "symbols are unique"
    assert set(MAJORS) <= symbols
    for pair in pairs:
        assert pair["quote_asset"] == "USDT"
        assert pair["symbol"] == pair["base_asset"] + "USDT"
        assert_money(pair, "min_qty", "step_size", "min_notional")


def test_pairs_status_filter_and_invalid_status(api: Api) -> None:
    active = body(api.get("/api/v1/market/pairs", params={"status": "active"}))
    assert active["pairs"] and all(p["status"] == "active" for p in active["pairs"])
    response = api.get("/api/v1/market/pairs", params={"status": "sleeping"})
    assert_error(response, 422, "VALIDATION_ERROR", field="status")


# --------------------------------------------------------------------------- price


def test_price_is_a_decimal_string_equal_to_the_market(api: Api, mock: Any) -> None:
    response = api.get("/api/v1/market/price/BTCUSDT")
    assert response.status_code == 200
    data = body(response)
    assert data["symbol"] == "BTCUSDT"
    assert_money(data, "price")
    assert dec(data["price"]) == mock.exchange.market.price("BTCUSDT")
    assert dec(data["price"]) > 1000, "BTC starts at a realistic price"
    ts(data["timestamp"])


def test_price_of_an_unknown_pair_is_400_invalid_symbol(api: Api) -> None:
    response = api.get("/api/v1/market/price/FOOBARUSDT")
    assert_error(response, 400, "INVALID_SYMBOL", details={"symbol": "FOOBARUSDT"})


def test_price_with_a_malformed_symbol_is_422_naming_symbol(api: Api) -> None:
    response = api.get("/api/v1/market/price/btc-usdt")
    assert_error(response, 422, "VALIDATION_ERROR", field="symbol")


def test_price_moves_when_the_clock_advances(api: Api, mock: Any) -> None:
    before = dec(body(api.get("/api/v1/market/price/ETHUSDT"))["price"])
    moved = False
    for _ in range(30):
        mock.exchange.tick(60)
        if dec(body(api.get("/api/v1/market/price/ETHUSDT"))["price"]) != before:
            moved = True
            break
    assert moved, "the seeded price path moves with simulated time"


# --------------------------------------------------------------------------- prices


def test_all_prices_is_a_map_of_every_pair(api: Api) -> None:
    response = api.get("/api/v1/market/prices")
    assert response.status_code == 200
    data = body(response)
    assert data["count"] == len(data["prices"]) >= 600
    for symbol, price in data["prices"].items():
        assert symbol.endswith("USDT")
        assert isinstance(price, str) and Decimal(price) > 0
    ts(data["timestamp"])


def test_all_prices_restricted_to_symbols(api: Api) -> None:
    data = body(api.get("/api/v1/market/prices", params={"symbols": "BTCUSDT,ETHUSDT"}))
    assert set(data["prices"]) == {"BTCUSDT", "ETHUSDT"}
    assert data["count"] == 2


def test_all_prices_with_a_malformed_symbols_list_is_422(api: Api) -> None:
    response = api.get("/api/v1/market/prices", params={"symbols": "BTCUSDT,,eth"})
    assert_error(response, 422, "VALIDATION_ERROR", field="symbols")


# --------------------------------------------------------------------------- candles


def _check_candles(candles: list[dict[str, Any]]) -> None:
    times = [ts(c["time"]) for c in candles]
    assert times == sorted(times) and len(set(times)) == len(times), "oldest first, unique"
    for candle in candles:
        assert_money(candle, "open", "high", "low", "close", "volume")
        high, low = dec(candle["high"]), dec(candle["low"])
        assert high >= max(dec(candle["open"]), dec(candle["close"]))
        assert low <= min(dec(candle["open"]), dec(candle["close"]))
        assert low > 0


def test_candles_hourly_are_oldest_first_and_consistent(api: Api) -> None:
    response = api.get("/api/v1/market/candles/BTCUSDT", params={"interval": "1h", "limit": 24})
    assert response.status_code == 200
    data = body(response)
    assert data["symbol"] == "BTCUSDT" and data["interval"] == "1h"
    candles = data["candles"]
    assert data["count"] == len(candles) == 24
    _check_candles(candles)
    steps = {ts(b["time"]) - ts(a["time"]) for a, b in pairwise(candles)}
    assert steps == {timedelta(hours=1)}
    assert len({c["close"] for c in candles}) > 1, "history is not flat"


def test_candles_for_a_range_replay_identically(api: Api) -> None:
    now = ts(body(api.get("/api/v1/market/price/SOLUSDT"))["timestamp"])
    end = now.replace(minute=0, second=0, microsecond=0) - timedelta(days=3)
    params = {
        "interval": "15m",
        "start_time": (end - timedelta(hours=6)).isoformat().replace("+00:00", "Z"),
        "end_time": end.isoformat().replace("+00:00", "Z"),
        "limit": 1000,
    }
    first = body(api.get("/api/v1/market/candles/SOLUSDT", params=params))
    second = body(api.get("/api/v1/market/candles/SOLUSDT", params=params))
    assert first == second
    candles = first["candles"]
    assert 20 <= len(candles) <= 25, len(candles)
    _check_candles(candles)
    for candle in candles:
        assert end - timedelta(hours=6, minutes=15) <= ts(candle["time"]) <= end


def test_candles_daily_thousand(api: Api) -> None:
    data = body(api.get("/api/v1/market/candles/ETHUSDT", params={"interval": "1d", "limit": 1000}))
    assert data["count"] == len(data["candles"]) == 1000
    _check_candles(data["candles"])


def test_candles_reject_an_unknown_interval_and_limits(api: Api) -> None:
    bad_interval = api.get("/api/v1/market/candles/BTCUSDT", params={"interval": "2h"})
    assert_error(bad_interval, 422, "VALIDATION_ERROR", field="interval")
    too_many = api.get("/api/v1/market/candles/BTCUSDT", params={"limit": 1001})
    assert_error(too_many, 422, "VALIDATION_ERROR", field="limit")
    bad_time = api.get("/api/v1/market/candles/BTCUSDT", params={"start_time": "yesterday"})
    assert_error(bad_time, 422, "VALIDATION_ERROR", field="start_time")


def test_candles_of_an_unknown_pair_is_400(api: Api) -> None:
    response = api.get("/api/v1/market/candles/NOPEUSDT")
    assert_error(response, 400, "INVALID_SYMBOL")


# --------------------------------------------------------------------------- ticker


def test_ticker_has_24h_stats_as_decimal_strings(api: Api) -> None:
    response = api.get("/api/v1/market/ticker/SOLUSDT")
    assert response.status_code == 200
    data = body(response)
    assert data["symbol"] == "SOLUSDT"
    assert_money(data, "open", "high", "low", "close", "volume", "change_pct")
    high, low = dec(data["high"]), dec(data["low"])
    assert high >= dec(data["close"]) >= low > 0
    assert high >= dec(data["open"]) >= low
    assert dec(data["volume"]) > 0, "plausible 24 h volume"
    for optional in ("quote_volume", "change"):
        if optional in data:
            assert_money(data, optional)
    ts(data["timestamp"])


def test_ticker_of_an_unknown_pair_is_400(api: Api) -> None:
    assert_error(api.get("/api/v1/market/ticker/ZZZZUSDT"), 400, "INVALID_SYMBOL")


# --------------------------------------------------------------------------- trades


def test_recent_trades_newest_first_with_limit(api: Api) -> None:
    response = api.get("/api/v1/market/trades/BTCUSDT", params={"limit": 50})
    assert response.status_code == 200
    data = body(response)
    assert data["symbol"] == "BTCUSDT"
    trades = data["trades"]
    assert 0 < len(trades) <= 50
    times = [ts(t["time"]) for t in trades]
    assert times == sorted(times, reverse=True)
    for trade in trades:
        assert isinstance(trade["trade_id"], int)
        assert isinstance(trade["is_buyer_maker"], bool)
        assert_money(trade, "price", "quantity")
        assert dec(trade["quantity"]) > 0


def test_recent_trades_limit_out_of_range_is_422(api: Api) -> None:
    response = api.get("/api/v1/market/trades/BTCUSDT", params={"limit": 501})
    assert_error(response, 422, "VALIDATION_ERROR", field="limit")


def test_recent_trades_of_an_unknown_pair_is_400(api: Api) -> None:
    assert_error(api.get("/api/v1/market/trades/QQQQUSDT"), 400, "INVALID_SYMBOL")


# --------------------------------------------------------------------------- order book


def test_orderbook_depth_and_ordering(api: Api) -> None:
    for depth in (5, 10, 20):
        response = api.get("/api/v1/market/orderbook/BTCUSDT", params={"depth": depth})
        assert response.status_code == 200
        data = body(response)
        assert len(data["bids"]) == depth and len(data["asks"]) == depth
        bids = [(dec(p), dec(q)) for p, q in data["bids"]]
        asks = [(dec(p), dec(q)) for p, q in data["asks"]]
        assert [p for p, _ in bids] == sorted((p for p, _ in bids), reverse=True)
        assert [p for p, _ in asks] == sorted(p for p, _ in asks)
        assert bids[0][0] < asks[0][0], "best bid below best ask"
        assert all(q > 0 for _, q in bids + asks)


def test_orderbook_depth_not_in_enum_is_422(api: Api) -> None:
    response = api.get("/api/v1/market/orderbook/BTCUSDT", params={"depth": 7})
    assert_error(response, 422, "VALIDATION_ERROR", field="depth")


def test_orderbook_of_an_unknown_pair_is_400(api: Api) -> None:
    assert_error(api.get("/api/v1/market/orderbook/XYZWUSDT"), 400, "INVALID_SYMBOL")
