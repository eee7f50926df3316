"""agentexchange: Python SDK for the AgentExchange (TradeReady) agent paper-trading API.

The clients and models are generated from openapi.yaml (`make generate`); the transport,
the exceptions and the WebSocket client are hand-written.

    from agentexchange import AgentExchangeClient

    with AgentExchangeClient(api_key="ak_live_...") as client:
        price = client.get_price("BTCUSDT")   # Price(symbol=..., price=Decimal(...), ...)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._transport import SDK_VERSION, RateLimit, RawResponse
from .client import AgentExchangeClient, BacktestSession, HistoricalBattle
from .exceptions import (
    AgentExchangeError,
    APIConnectionError,
    APITimeoutError,
    AuthenticationError,
    ConflictError,
    InsufficientBalanceError,
    InvalidSymbolError,
    NotFoundError,
    OrderError,
    OrderNotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RiskLimitError,
    ServerError,
    ValidationError,
)
from .models import (
    AccountInfo,
    Agent,
    AgentCredentials,
    AgentKey,
    AgentList,
    AssetBalance,
    AuthToken,
    BacktestCancelled,
    BacktestComparison,
    BacktestComparisonEntry,
    BacktestConfig,
    BacktestCreated,
    BacktestFill,
    BacktestMetrics,
    BacktestPairResult,
    BacktestResults,
    BacktestStarted,
    BacktestStatus,
    BacktestStep,
    BacktestSummary,
    Balance,
    BestBacktest,
    Candle,
    LeaderboardEntry,
    Order,
    OrderBook,
    Pair,
    Performance,
    PnL,
    PnLItem,
    Portfolio,
    Position,
    Price,
    Registration,
    ResetResult,
    RiskProfile,
    Session,
    Snapshot,
    Strategy,
    StrategyVersion,
    TestRun,
    Ticker,
    Trade,
    TrainingComparison,
    TrainingEpisode,
    TrainingRun,
    TrainingRunMetrics,
    VersionComparison,
    VersionMetrics,
)
from .protocols import AsyncTradingAPI, TradingAPI

__version__ = SDK_VERSION

__all__ = [
    "APIConnectionError",
    "APITimeoutError",
    "AccountInfo",
    "Agent",
    "AgentCredentials",
    "AgentExchangeClient",
    "AgentExchangeError",
    "AgentExchangeWS",
    "AgentKey",
    "AgentList",
    "AssetBalance",
    "AsyncAgentExchangeClient",
    "AsyncBacktestSession",
    "AsyncHistoricalBattle",
    "AsyncTradingAPI",
    "AuthToken",
    "AuthenticationError",
    "BacktestCancelled",
    "BacktestComparison",
    "BacktestComparisonEntry",
    "BacktestConfig",
    "BacktestCreated",
    "BacktestFill",
    "BacktestMetrics",
    "BacktestPairResult",
    "BacktestResults",
    "BacktestSession",
    "BacktestStarted",
    "BacktestStatus",
    "BacktestStep",
    "BacktestSummary",
    "Balance",
    "BestBacktest",
    "Candle",
    "ConflictError",
    "HistoricalBattle",
    "InsufficientBalanceError",
    "InvalidSymbolError",
    "LeaderboardEntry",
    "NotFoundError",
    "Order",
    "OrderBook",
    "OrderError",
    "OrderNotFoundError",
    "Pair",
    "Performance",
    "PermissionDeniedError",
    "PnL",
    "PnLItem",
    "Portfolio",
    "Position",
    "Price",
    "RateLimit",
    "RateLimitError",
    "RawResponse",
    "Registration",
    "ResetResult",
    "RiskLimitError",
    "RiskProfile",
    "ServerError",
    "Session",
    "Snapshot",
    "Strategy",
    "StrategyVersion",
    "TestRun",
    "Ticker",
    "Trade",
    "TradingAPI",
    "TrainingComparison",
    "TrainingEpisode",
    "TrainingRun",
    "TrainingRunMetrics",
    "ValidationError",
    "VersionComparison",
    "VersionMetrics",
    "__version__",
]


if TYPE_CHECKING:  # typed for checkers; loaded lazily at run time (see __getattr__)
    from .async_client import AsyncAgentExchangeClient, AsyncBacktestSession, AsyncHistoricalBattle
    from .ws import AgentExchangeWS

# The async side loads only when asked for (docs/architecture.md "Layers"): the async
# client pulls in asyncio (~12 ms at import), the WebSocket client asyncio and
# `websockets`. A sync-only program never imports either.
_LAZY = {
    "AsyncAgentExchangeClient": ".async_client",
    "AsyncBacktestSession": ".async_client",
    "AsyncHistoricalBattle": ".async_client",
    "AgentExchangeWS": ".ws",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value  # later look-ups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
