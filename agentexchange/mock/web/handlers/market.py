"""Web layer: HTTP handlers for public market data (openapi.yaml tag ``market``).

docs/architecture.md "Web layer": thin glue between validated ``ApiRequest``s and
``domain.market.Market``; the response shapes are openapi.yaml's (``PairsResponse``,
``PriceResponse``, ...). Path and query parameters arrive already converted and
range-checked by the spec; an unknown symbol is the market's ``INVALID_SYMBOL`` (400).
Values stay ``Decimal``/``datetime``; the app writes them as decimal strings and ISO 8601
with ``Z`` — except indicator values, statistics the platform sends as JSON numbers
(``domain/indicators.py`` computes them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...domain import indicators
from ...domain.market import Candle, PairInfo, PublicTrade, Ticker
from ..app import ApiRequest, Handler
from .strategies import number

if TYPE_CHECKING:
    from ...domain.exchange import Exchange


def _pair(info: PairInfo) -> dict[str, Any]:
    return {
        "symbol": info.symbol,
        "base_asset": info.base_asset,
        "quote_asset": info.quote_asset,
        "status": info.status,
        "min_qty": info.min_qty,
        "step_size": info.step_size,
        "min_notional": info.min_notional,
        "has_price": info.has_price,
    }


def _candle(candle: Candle) -> dict[str, Any]:
    return {
        "time": candle.open_time,
        "open": candle.open,
        "high": candle.high,
        "low": candle.low,
        "close": candle.close,
        "volume": candle.volume,
        "trade_count": candle.trade_count,
    }


def _trade(trade: PublicTrade) -> dict[str, Any]:
    return {
        "trade_id": trade.trade_id,
        "price": trade.price,
        "quantity": trade.quantity,
        "time": trade.time,
        "is_buyer_maker": trade.is_buyer_maker,
    }


def _ticker(t: Ticker) -> dict[str, Any]:
    return {
        "symbol": t.symbol,
        "open": t.open,
        "high": t.high,
        "low": t.low,
        "close": t.close,
        "volume": t.volume,
        "quote_volume": t.quote_volume,
        "change": t.change,
        "change_pct": t.change_pct,
        "trade_count": t.trade_count,
        "timestamp": t.timestamp,
    }


def _csv(value: str | None) -> list[str] | None:
    """A comma-separated query value as its non-empty items; None when absent."""
    return None if value is None else [item for item in value.split(",") if item]


def handlers(ex: Exchange) -> dict[str, Handler]:
    market = ex.market

    def get_pairs(request: ApiRequest) -> Any:
        pairs = [_pair(info) for info in market.pairs(request.query.get("status"))]
        return {"pairs": pairs, "total": len(pairs)}

    def get_price(request: ApiRequest) -> Any:
        symbol = request.path_params["symbol"]
        return {"symbol": symbol, "price": market.price(symbol), "timestamp": ex.clock.now()}

    def get_all_prices(request: ApiRequest) -> Any:
        wanted = request.query.get("symbols")
        # The operation documents no 400: unknown symbols in the filter are left out,
        # as the real platform leaves out pairs it has no price for.
        prices = market.prices(
            None
            if wanted is None
            else [s for s in dict.fromkeys(wanted.split(",")) if market.has(s)]
        )
        return {
            "prices": prices,
            "timestamp": ex.clock.now(),
            "count": len(prices),
            "stale": False,  # the simulated feed is never behind
            "data_age_seconds": 0,
        }

    def get_candles(request: ApiRequest) -> Any:
        symbol = request.path_params["symbol"]
        interval = request.query["interval"]
        candles = market.candles(
            symbol,
            interval,
            start=request.query.get("start_time"),
            end=request.query.get("end_time"),
            limit=request.query["limit"],
        )
        return {
            "symbol": symbol,
            "interval": interval,
            "candles": [_candle(candle) for candle in candles],
            "count": len(candles),
        }

    def get_ticker(request: ApiRequest) -> Any:
        return _ticker(market.ticker(request.path_params["symbol"]))

    def get_tickers(request: ApiRequest) -> Any:
        tickers = {t.symbol: _ticker(t) for t in market.tickers(_csv(request.query.get("symbols")))}
        return {"tickers": tickers, "count": len(tickers), "timestamp": ex.clock.now()}

    def get_available_indicators(request: ApiRequest) -> Any:
        return {"indicators": list(indicators.NAMES)}

    def get_indicators(request: ApiRequest) -> Any:
        symbol = market.require(request.path_params["symbol"])
        candles = market.candles(symbol, "1m", limit=request.query["lookback"])
        values = indicators.snapshot(candles, _csv(request.query.get("indicators")))
        return {
            "symbol": symbol,
            "timestamp": ex.clock.now(),
            "candles_used": len(candles),
            # Statistics, not money: JSON numbers, as on the platform.
            "indicators": {name: number(value) for name, value in values.items()},
        }

    def get_data_range(request: ApiRequest) -> Any:
        span = market.data_range()
        return {
            "earliest": span.earliest,
            "latest": span.latest,
            "total_pairs": span.total_pairs,
            "intervals_available": list(span.intervals),
            "data_gaps": [],  # the simulated history has none
        }

    def get_recent_trades(request: ApiRequest) -> Any:
        symbol = request.path_params["symbol"]
        trades = market.recent_trades(symbol, request.query["limit"])
        return {"symbol": symbol, "trades": [_trade(trade) for trade in trades]}

    def get_orderbook(request: ApiRequest) -> Any:
        book = market.orderbook(request.path_params["symbol"], request.query["depth"])
        return {
            "symbol": book.symbol,
            "bids": [[price, quantity] for price, quantity in book.bids],
            "asks": [[price, quantity] for price, quantity in book.asks],
            "timestamp": book.timestamp,
        }

    return {
        "get_pairs": get_pairs,
        "get_price": get_price,
        "get_all_prices": get_all_prices,
        "get_candles": get_candles,
        "get_ticker": get_ticker,
        "get_recent_trades": get_recent_trades,
        "get_orderbook": get_orderbook,
        "get_tickers": get_tickers,
        "get_available_indicators": get_available_indicators,
        "get_indicators": get_indicators,
        "get_data_range": get_data_range,
    }
