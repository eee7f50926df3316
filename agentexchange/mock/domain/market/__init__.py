"""Domain layer: The mock exchange's simulated market of 600+ USDT pairs (docs/architecture.md "Domain core").

``Market`` is the facade the rest of the domain core uses; the modules beside it hold the
pair universe (``pairs``), the seeded multi-scale price paths (``pricepath``) and the
views derived from them (``candles``, ``trades``, ``book``).
"""

from .candles import INTERVAL_SECONDS, Candle
from .core import (
    INTERVALS,
    ORDERBOOK_DEPTHS,
    TICKERS_LIMIT,
    DataRange,
    Market,
    OrderBook,
    PairInfo,
    Ticker,
)
from .trades import PublicTrade

__all__ = [
    "INTERVALS",
    "INTERVAL_SECONDS",
    "ORDERBOOK_DEPTHS",
    "TICKERS_LIMIT",
    "Candle",
    "DataRange",
    "Market",
    "OrderBook",
    "PairInfo",
    "PublicTrade",
    "Ticker",
]
