"""Every client method's request and parsed result, checked against hand-written expectations.

Each case below was written by hand from the product docs
(``tests/data/product-docs/000-sync-client.txt``, ``001-async-client.txt``,
``003-agent-management-rest.txt``, ``004-agents.txt``: method names, parameters, defaults)
and the real platform's wire reference (``tests/data/platform/tradeready-api-notes.md`` —
the "wire §…" comments below name its sections — and
``tests/data/platform/tradeready-openapi-excerpt.md``: paths, query names, body field names,
response shapes); tests/data/README.md says where each came from and when. NOT from
``openapi.yaml`` or the generated code, so a generator or spec mistake shows up here as a
failing case. Both clients run every case through an
``httpx.MockTransport`` (no server): the request (method, path, exact query, exact JSON body,
auth headers, ``Idempotency-Key`` on order placement) and the parsed result (model type,
``Decimal`` money, aware datetimes, list lengths) are asserted.

Auth expectations:
- ``key``: the request carries ``X-API-Key`` and no login happens.
- ``jwt`` (agent management, "JWT only" in seed 003): one ``POST /auth/login`` with
  ``{api_key, api_secret}`` first, then ``Authorization: Bearer jwt-1``.
- ``public`` (``/market/*``, ``/auth/register``, ``/auth/login``): no login, no ``Authorization``.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from agentexchange import AgentExchangeClient, AsyncAgentExchangeClient
from agentexchange import models as m

KEY = "ak_live_test"
SECRET = "sk_live_test"
BASE = "http://test"
API = "/api/v1"
LOGIN = f"{API}/auth/login"
TOKEN = {
    "token": "jwt-1",
    "expires_at": "2099-01-01T00:00:00Z",
    "expires_in": 3600,
    "token_type": "Bearer",
}

NO_BODY: Any = object()  # the request must carry no body at all

# --- ids and timestamps used in canned responses -------------------------------------------
TS = "2026-03-19T09:00:00Z"
TS_DT = datetime(2026, 3, 19, 9, 0, tzinfo=UTC)
ORDER_ID = "660e8400-e29b-41d4-a716-446655440001"
ACCOUNT_ID = "550e8400-e29b-41d4-a716-446655440000"
AGENT_ID = "a1b2c3d4-e5f6-7890-abcd-ef1234567890"
STRATEGY_ID = "7b0c1d2e-3f40-4a5b-8c6d-7e8f90a1b2c3"
VERSION_ID = "8c1d2e3f-4051-4b6c-9d7e-8f90a1b2c3d4"
TEST_ID = "9d2e3f40-5162-4c7d-8e9f-90a1b2c3d4e5"
RUN_ID = "ppo-btc-run-1"
RUN_ID_2 = "ppo-btc-run-2"
SESSION_ID = "aa2e3f40-5162-4c7d-8e9f-90a1b2c3d4e5"
NEW_SESSION_ID = "bb2e3f40-5162-4c7d-8e9f-90a1b2c3d4e5"


def aware(value: Any) -> bool:
    return isinstance(value, datetime) and value.utcoffset() == timedelta(0)


def all_decimal(*values: Any) -> bool:
    return all(type(v) is Decimal for v in values)


# --- canned wire responses (shapes from the wire reference; money as decimal strings) -------
def order_filled(side: str = "buy") -> dict[str, Any]:
    return {
        "order_id": ORDER_ID,
        "status": "filled",
        "symbol": "BTCUSDT",
        "side": side,
        "type": "market",
        "requested_quantity": "0.01000000",
        "executed_quantity": "0.01000000",
        "executed_price": "64006.40000000",
        "slippage_pct": "0.010000",
        "fee": "0.64006400",
        "total_cost": "640.70406400",
        "filled_at": TS,
        "quantity": None,
        "price": None,
        "locked_amount": None,
        "created_at": None,
    }


def order_pending(order_type: str, price: str, side: str = "sell") -> dict[str, Any]:
    return {
        "order_id": ORDER_ID,
        "status": "pending",
        "symbol": "BTCUSDT",
        "side": side,
        "type": order_type,
        "requested_quantity": None,
        "executed_quantity": None,
        "executed_price": None,
        "slippage_pct": None,
        "fee": None,
        "total_cost": None,
        "filled_at": None,
        "quantity": "0.01000000",
        "price": price,
        "locked_amount": "0.01000000",
        "created_at": TS,
    }


ORDER_DETAIL = {
    "order_id": ORDER_ID,
    "status": "filled",
    "symbol": "BTCUSDT",
    "side": "buy",
    "type": "limit",
    "quantity": "0.01000000",
    "price": "62000.00000000",
    "executed_price": "61994.10000000",
    "executed_qty": "0.01000000",
    "slippage_pct": "0.010000",
    "fee": "0.61994100",
    "created_at": TS,
    "filled_at": "2026-03-19T09:05:00Z",
}
PENDING_DETAIL = {
    **ORDER_DETAIL,
    "order_id": "660e8400-e29b-41d4-a716-446655440002",
    "status": "pending",
    "executed_price": None,
    "executed_qty": None,
    "slippage_pct": None,
    "fee": None,
    "filled_at": None,
}
POSITION = {
    "symbol": "BTCUSDT",
    "asset": "BTC",
    "quantity": "0.01000000",
    "avg_entry_price": "64006.40000000",
    "current_price": "64521.30000000",
    "market_value": "645.21300000",
    "unrealized_pnl": "5.14900000",
    "unrealized_pnl_pct": "0.80444",
    "opened_at": TS,
}
STRATEGY = {
    "strategy_id": STRATEGY_ID,
    "name": "SMA Crossover",
    "description": "Buy when fast SMA crosses above slow SMA",
    "current_version": 1,
    "status": "draft",
    "deployed_at": None,
    "created_at": TS,
    "updated_at": TS,
}
DEFINITION = {
    "pairs": ["BTCUSDT"],
    "timeframe": "1h",
    "entry_conditions": {"rsi_below": 30},
    "exit_conditions": {"stop_loss_pct": 5, "take_profit_pct": 10},
    "position_size_pct": 10,
}
VERSION = {
    "version_id": VERSION_ID,
    "strategy_id": STRATEGY_ID,
    "version": 2,
    "definition": DEFINITION,
    "change_notes": "tighter stop",
    "parent_version": 1,
    "status": "draft",
    "created_at": TS,
}
TEST_RUN = {
    "test_run_id": TEST_ID,
    "status": "running",
    "episodes_total": 10,
    "episodes_completed": 4,
    "progress_pct": 40.5,
    "version": 2,
    "created_at": TS,
    "started_at": TS,
    "completed_at": None,
}
TEST_RESULTS = {
    **TEST_RUN,
    "status": "completed",
    "episodes_completed": 10,
    "progress_pct": 100.0,
    "completed_at": "2026-03-19T10:00:00Z",
    "results": {"avg_roi_pct": 3.2, "avg_sharpe": 1.1},
    "recommendations": ["Widen the stop loss"],
    "config": {"episodes": 10},
}
TRAINING_RUN = {
    "run_id": RUN_ID,
    "status": "running",
    "config": {"algo": "ppo"},
    "episodes_total": None,
    "episodes_completed": 3,
    "started_at": TS,
    "completed_at": None,
}
AGENT = {
    "id": AGENT_ID,
    "account_id": ACCOUNT_ID,
    "display_name": "RSI Scalper",
    "api_key_preview": "ak_live_Agen...",
    "starting_balance": "5000.00000000",
    "llm_model": "claude-sonnet-4-6",
    "framework": "custom",
    "strategy_tags": ["rsi", "scalping", "BTCUSDT"],
    "risk_profile": {
        "max_position_size_pct": 20,
        "daily_loss_limit_pct": 10,
        "max_open_orders": 10,
    },
    "avatar_url": None,
    "color": None,
    "status": "active",
    "created_at": TS,
    "updated_at": TS,
}
AGENT_CREDENTIALS = {
    "agent_id": AGENT_ID,
    "api_key": "ak_live_AgentRSIScalper",
    "display_name": "RSI Scalper",
    "starting_balance": "5000.00000000",
    "message": "Save your API key now. It will not be shown again.",
}
RISK = {"max_position_size_pct": 10, "daily_loss_limit_pct": 5, "max_open_orders": 5}


# --- issue 14: webhooks and the rest of the platform (canned answers transcribed from the
# platform's recorded exchanges, tests/data/platform/webhooks_wire.json and misc_wire.json) ---
WEBHOOK_ID = "443ab981-abcb-47a5-a19c-2bbc47476800"
WEBHOOK_ID_2 = "b55cb898-f84d-4e8a-bd02-7fcab480c4a6"
HOOK_URL = "https://wire-sink.test:8443/hook"
HOOK_EVENTS = ["backtest.completed", "strategy.deployed", "strategy.test.completed"]
WEBHOOK_CREATED = {
    "id": WEBHOOK_ID,
    "url": HOOK_URL,
    "events": HOOK_EVENTS,
    "description": "wire recorder sink",
    "active": True,
    "secret": "whsec_REDACTED",
    "created_at": "2026-12-02T06:55:47.070539Z",
}
WEBHOOK = {
    "id": WEBHOOK_ID,
    "url": HOOK_URL,
    "events": ["backtest.completed", "strategy.deployed"],
    "description": "wire recorder sink (updated)",
    "active": True,
    "failure_count": 0,
    "created_at": "2026-12-02T06:55:47.070539Z",
    "updated_at": "2026-12-02T06:58:48.942644Z",
    "last_triggered_at": "2026-12-02T06:58:48.940639Z",
}
WEBHOOK_2 = {
    "id": WEBHOOK_ID_2,
    "url": HOOK_URL,
    "events": ["battle.completed"],
    "description": "second (JWT auth)",
    "active": False,
    "failure_count": 0,
    "created_at": "2026-12-02T06:55:47.093895Z",
    "updated_at": "2026-12-02T06:55:47.212264Z",
    "last_triggered_at": None,
}
STRATEGY_ID_2 = "dd737559-f704-4ee1-8a99-cb39f8005179"
NULL_METRICS = {
    "sharpe_ratio": None, "sortino_ratio": None, "max_drawdown_pct": None, "win_rate": None,
    "roi_pct": None, "profit_factor": None, "total_trades": None,
}  # fmt: skip
COMPARISON = {
    "strategies": [
        {"strategy_id": STRATEGY_ID, "name": "Wire RSI dip (renamed)", "version": 1, "status": "testing", "rank": 1,
         "metrics": NULL_METRICS, "deflated_sharpe": None, "has_test_results": False},
        {"strategy_id": STRATEGY_ID_2, "name": "Wire MACD trend", "version": 1, "status": "draft", "rank": 2,
         "metrics": NULL_METRICS, "deflated_sharpe": None, "has_test_results": False},
    ],
    "winner_id": None,
    "ranking_metric": "sharpe_ratio",
    "recommendation": "No strategies have completed test results yet. Run tests before comparing.",
}  # fmt: skip
RANKED = {  # our mock's answer once a test completed (the platform's always has null metrics)
    "strategies": [
        {"strategy_id": STRATEGY_ID_2, "name": "Wire MACD trend", "version": 2, "status": "validated", "rank": 1,
         "metrics": {"sharpe_ratio": 1.25, "sortino_ratio": None, "max_drawdown_pct": 3.5, "win_rate": 60, "roi_pct": 2.75,
                     "profit_factor": 1.8, "total_trades": 10},
         "deflated_sharpe": {"p_value": 0.97, "is_significant": True, "observed_sharpe": 1.25, "deflated_sharpe": 1.9, "num_trials": 1},
         "has_test_results": True},
        {"strategy_id": STRATEGY_ID, "name": "Wire RSI dip", "version": 1, "status": "draft", "rank": 2,
         "metrics": NULL_METRICS, "deflated_sharpe": None, "has_test_results": False},
    ],
    "winner_id": STRATEGY_ID_2,
    "ranking_metric": "roi_pct",
    "recommendation": "Wire MACD trend ranks first by roi_pct (2.7500) and passes the Deflated Sharpe test (p=0.9700). Consider deploying.",
}  # fmt: skip
HEALTH = {
    "status": "ok", "redis_connected": True, "db_connected": True, "ingestion_active": True, "stale_pairs": [],
    "total_pairs": 620, "checks": {"redis_latency_ms": 1.67, "db_latency_ms": 5.63},
}  # fmt: skip
MODE_LIVE = {
    "mode": "live",
    "active_strategy_label": None,
    "active_backtests": 0,
    "total_backtests_completed": 4,
}
MODE_BACKTEST = {**MODE_LIVE, "mode": "backtest", "active_strategy_label": "wire_momentum"}
RISK_40 = {"max_position_size_pct": 40, "daily_loss_limit_pct": 10, "max_open_orders": 25}
RENAMED = {
    **STRATEGY, "name": "Wire RSI dip (renamed)", "description": "updated by the wire recorder", "status": "deployed",
    "deployed_at": "2026-12-02T06:55:47.307834Z", "updated_at": "2026-12-02T06:59:39.241110Z",
}  # fmt: skip
TEST_QUEUED = {
    "test_run_id": "23667dc1-3eb1-4394-a9f1-9ff77c0b5f75", "status": "queued", "episodes_total": 10, "episodes_completed": 0,
    "progress_pct": 0.0, "version": 1, "created_at": "2026-12-02T06:53:44.997892Z", "started_at": None, "completed_at": None,
}  # fmt: skip
TEST_CANCELLED = {
    "test_run_id": TEST_ID, "status": "cancelled", "episodes_total": 3, "episodes_completed": 0, "progress_pct": 0.0,
    "version": 1, "created_at": None, "started_at": None, "completed_at": None,
}  # fmt: skip
LEARNING_CURVE = {"episode_numbers": [1, 2, 3], "raw_values": [0.5, 2.0, 3.5], "smoothed_values": [0.5, 1.25, 2.0],
                  "metric": "roi_pct", "window": 10}  # fmt: skip
TRACE_ID = "4f9c2a1b7d3e"
FEEDBACK_ID = "5e6f7a8b-9c0d-4e1f-8a2b-4c5d6e7f8a9b"
DECISION = {
    "id": "2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e", "agent_id": AGENT_ID, "trace_id": TRACE_ID, "decision_type": "trade",
    "symbol": "BTCUSDT", "direction": "buy", "confidence": "0.72", "reasoning": "RSI below 30.", "market_snapshot": {"price": "64000.00"},
    "risk_assessment": None, "order_id": ORDER_ID, "outcome_pnl": "12.50", "outcome_recorded_at": TS, "created_at": TS,
}  # fmt: skip
TRACE = {
    "trace_id": TRACE_ID,
    "signals": [{"id": "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d", "trace_id": TRACE_ID, "strategy_name": "rsi_dip", "symbol": "BTCUSDT",
                 "action": "buy", "confidence": "0.72", "weight": "0.5", "signal_data": {"rsi_14": 27.4}, "created_at": TS}],
    "decision": DECISION,
    "api_calls": [{"id": "3c4d5e6f-7a8b-4c9d-8e0f-2a3b4c5d6e7f", "trace_id": TRACE_ID, "channel": "sdk", "endpoint": "/api/v1/trade/order",
                   "method": "POST", "status_code": 201, "latency_ms": "41.3", "request_size": 88, "response_size": 412,
                   "error": None, "created_at": TS}],
    "order": {"id": ORDER_ID, "symbol": "BTCUSDT", "side": "buy", "type": "market", "quantity": "0.01000000",
              "executed_price": "64006.40000000", "executed_qty": "0.01000000", "fee": "0.64006400", "status": "filled",
              "created_at": TS, "filled_at": TS},
    "trade": {"id": "4d5e6f7a-8b9c-4d0e-9f1a-3b4c5d6e7f8a", "symbol": "BTCUSDT", "side": "buy", "quantity": "0.01000000",
              "price": "64006.40000000", "quote_amount": "640.06400000", "fee": "0.64006400", "realized_pnl": None, "created_at": TS},
    "pnl": "12.50",
}  # fmt: skip
EMPTY_TRACE = {
    "trace_id": "unknown",
    "signals": [],
    "decision": None,
    "api_calls": [],
    "order": None,
    "trade": None,
    "pnl": None,
}
ANALYSIS = {
    "total": 2, "wins": 1, "losses": 1, "win_rate": 0.5, "avg_pnl": "2.5", "avg_confidence": "0.65",
    "by_direction": {"buy": {"total": 2, "wins": 1, "losses": 1, "win_rate": 0.5, "avg_pnl": "2.5", "avg_confidence": "0.65"}},
    "decisions": [DECISION, {**DECISION, "id": "9b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6f", "confidence": "0.58", "outcome_pnl": "-7.50"}],
}  # fmt: skip


def _webhook(result: m.Webhook) -> None:
    assert type(result) is m.Webhook and result.id == WEBHOOK_ID
    assert result.failure_count == 0 and result.active is True
    assert result.events == ["backtest.completed", "strategy.deployed"]
    assert result.last_triggered_at == datetime(2026, 12, 2, 6, 58, 48, 940639, tzinfo=UTC)
    assert aware(result.created_at) and aware(result.updated_at)
    assert result.secret is None  # shown by create_webhook only


def _created_webhook(result: m.Webhook) -> None:
    assert type(result) is m.Webhook and result.secret == "whsec_REDACTED"
    assert "whsec_REDACTED" not in repr(result)  # a secret never reaches a repr
    assert (
        result.failure_count is None and result.updated_at is None
    )  # the create answer lacks them


def _comparison(result: m.StrategyComparison) -> None:
    assert type(result) is m.StrategyComparison and result.winner_id is None
    first, second = result.strategies
    assert type(first) is m.StrategyRanking and (first.rank, second.rank) == (1, 2)
    assert type(first.metrics) is m.ComparisonMetrics and first.metrics.sharpe_ratio is None
    assert first.deflated_sharpe is None and first.has_test_results is False


def _ranked(result: m.StrategyComparison) -> None:
    winner = result.strategies[0]
    assert result.winner_id == STRATEGY_ID_2 == winner.strategy_id
    assert winner.metrics.roi_pct == Decimal("2.75") and type(winner.metrics.roi_pct) is Decimal
    assert winner.metrics.total_trades == 10 and winner.metrics.sortino_ratio is None
    assert type(winner.deflated_sharpe) is m.ComparisonDeflatedSharpe
    assert (
        winner.deflated_sharpe.is_significant is True
        and winner.deflated_sharpe.p_value == Decimal("0.97")
    )


def _trace(result: m.DecisionTrace) -> None:
    assert type(result) is m.DecisionTrace and result.trace_id == TRACE_ID
    (signal,) = result.signals
    assert type(signal) is m.StrategySignal and signal.confidence == Decimal("0.72")
    assert type(result.decision) is m.Decision and result.decision.outcome_pnl == Decimal("12.50")
    assert result.decision.market_snapshot == {"price": "64000.00"}
    (call,) = result.api_calls
    assert (
        type(call) is m.ApiCall and call.latency_ms == Decimal("41.3") and call.status_code == 201
    )
    assert type(result.order) is m.OrderSummary and result.order.order_type == "market"
    assert result.order.executed_price == Decimal("64006.40000000")
    assert type(result.trade) is m.TradeSummary and result.trade.quote_amount == Decimal(
        "640.06400000"
    )
    assert result.pnl == Decimal("12.50")


def _analysis(result: m.DecisionAnalysis) -> None:
    assert type(result) is m.DecisionAnalysis and (result.total, result.wins, result.losses) == (
        2,
        1,
        1,
    )
    assert result.win_rate == Decimal("0.5") and result.avg_pnl == Decimal("2.5")
    assert result.by_direction["buy"]["wins"] == 1
    assert [type(d) for d in result.decisions] == [m.Decision, m.Decision]
    assert result.decisions[1].outcome_pnl == Decimal("-7.50")


# --- the table --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Case:
    id: str
    method: str
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    http: str
    path: str
    query: dict[str, str]
    body: Any  # exact JSON body, or NO_BODY
    auth: str  # "key" | "jwt" | "public"
    response: Any  # JSON body of the canned answer (bytes/str for a non-JSON answer)
    check: Callable[[Any], None]
    status: int = 200
    order: bool = False  # order placement: an Idempotency-Key must be sent
    content_type: str = "application/json"
    body_check: Callable[[Any], None] | None = None  # replaces ``body`` where the wire is silent
    extra: dict[str, Any] = field(default_factory=dict)


def _is(cls: type, **fields: Any) -> Callable[[Any], None]:
    def check(result: Any) -> None:
        assert type(result) is cls, (type(result), cls)
        for name, want in fields.items():
            got = getattr(result, name)
            assert got == want and type(got) is type(want), (name, got, want)

    return check


def _list_of(cls: type, n: int, then: Callable[[Any], None] | None = None) -> Callable[[Any], None]:
    def check(result: Any) -> None:
        assert isinstance(result, list) and len(result) == n, result
        assert all(type(item) is cls for item in result), result
        if then is not None:
            then(result)

    return check


def _none(result: Any) -> None:
    assert result is None, result


def _and(*checks: Callable[[Any], None]) -> Callable[[Any], None]:
    def check(result: Any) -> None:
        for c in checks:
            c(result)

    return check


def _that(predicate: Callable[[Any], bool], what: str) -> Callable[[Any], None]:
    def check(result: Any) -> None:
        assert predicate(result), (what, result)

    return check


def _prices(result: list[m.Price]) -> None:
    by_symbol = {p.symbol: p.price for p in result}
    assert by_symbol == {"BTCUSDT": Decimal("64521.30"), "ETHUSDT": Decimal("3400.10")}
    assert all(aware(p.timestamp) for p in result)


def _candles(result: list[m.Candle]) -> None:
    c = result[0]
    assert c.open_time == TS_DT and aware(c.open_time)
    assert all_decimal(c.open, c.high, c.low, c.close, c.volume)
    assert c.close == Decimal("3410.50")


def _public_trades(result: list[m.Trade]) -> None:
    t = result[0]
    assert t.price == Decimal("64521.30") and t.quantity == Decimal("0.00150000")
    assert t.is_buyer_maker is False
    assert t.side is None and t.fee is None and t.pnl is None  # the wire lacks them
    assert aware(t.created_at)


def _own_trades(result: list[m.Trade]) -> None:
    t = result[0]
    assert t.trade_id == "t-1" and t.order_id == ORDER_ID and t.side == "buy"
    assert t.fee == Decimal("0.64006400") and t.total == Decimal("640.70406400")
    assert t.created_at == TS_DT  # from the wire's executed_at


def _orderbook(result: m.OrderBook) -> None:
    assert result.bids[0] == [Decimal("64500.00"), Decimal("1.25")]
    assert result.asks[1] == [Decimal("64540.00"), Decimal("0.75")]
    assert all(type(x) is Decimal for level in result.bids + result.asks for x in level)
    assert aware(result.timestamp)


def _filled(result: m.Order) -> None:
    assert type(result) is m.Order
    assert result.order_id == ORDER_ID and result.status == "filled"
    assert result.order_type == "market"
    assert result.executed_price == Decimal("64006.40000000")
    assert result.fee == Decimal("0.64006400") and result.slippage_pct == Decimal("0.010000")
    assert result.filled_at == TS_DT


def _pending(order_type: str, price: str) -> Callable[[Any], None]:
    def check(result: m.Order) -> None:
        assert type(result) is m.Order
        assert result.status == "pending" and result.order_type == order_type
        assert result.price == Decimal(price) and type(result.price) is Decimal
        assert result.quantity == Decimal("0.01")
        assert result.executed_price is None
        assert result.created_at == TS_DT

    return check


def _order_detail(result: m.Order) -> None:
    assert type(result) is m.Order and result.order_type == "limit"
    assert result.executed_price == Decimal("61994.10000000")
    assert result.executed_quantity == Decimal("0.01")  # from the wire's executed_qty
    assert result.price == Decimal("62000") and aware(result.created_at)


def _open_orders(result: list[m.Order]) -> None:
    assert result[0].status == "pending" and result[0].executed_price is None
    assert result[0].price == Decimal("62000")


def _balance(result: m.Balance) -> None:
    assert type(result) is m.Balance
    assert result.total_equity_usdt == Decimal("10012.50000000")
    assert len(result.balances) == 2 and type(result.balances[0]) is m.AssetBalance
    assert result.balances[0].asset == "USDT"
    assert result.balances[0].available == Decimal("9359.28593600")
    assert all_decimal(
        result.balances[1].available, result.balances[1].locked, result.balances[1].total
    )


def _positions(result: list[m.Position]) -> None:
    p = result[0]
    assert p.symbol == "BTCUSDT" and p.unrealized_pnl_pct == Decimal("0.80444")
    assert all_decimal(p.quantity, p.avg_entry_price, p.current_price, p.unrealized_pnl)
    assert aware(p.opened_at)


def _portfolio(result: m.Portfolio) -> None:
    assert type(result) is m.Portfolio
    assert result.total_equity == Decimal("10012.50000000")
    assert result.roi_pct == Decimal("0.1250")
    assert result.available_cash == Decimal("9359.28593600")
    assert result.position_count == 1 and len(result.positions) == 1
    assert type(result.positions[0]) is m.Position and aware(result.timestamp)


def _pnl(result: m.PnL) -> None:
    assert type(result) is m.PnL
    assert result.total_realized == Decimal("12.50000000")
    assert result.total_unrealized == Decimal("5.14900000")
    assert type(result.by_symbol) is list


def _account_info(result: m.AccountInfo) -> None:
    assert type(result) is m.AccountInfo
    assert result.account_id == ACCOUNT_ID and result.display_name == "AlphaBot"
    assert result.is_active is True
    assert result.starting_balance == Decimal("10000.00000000")
    assert result.created_at == TS_DT


def _reset(result: m.ResetResult) -> None:
    assert type(result) is m.ResetResult
    assert result.session_id == NEW_SESSION_ID
    assert result.starting_balance == Decimal("10000.00000000")
    assert aware(result.started_at)


def _performance(result: m.Performance) -> None:
    assert type(result) is m.Performance
    assert result.sharpe_ratio == Decimal("1.85") and result.win_rate == Decimal("65.71")
    assert result.max_drawdown_pct == Decimal("8.50") and result.total_trades == 35
    assert type(result.total_trades) is int and result.profit_factor == Decimal("2.10")


def _snapshots(result: list[m.Snapshot]) -> None:
    assert result[0].timestamp == TS_DT and result[0].equity == Decimal("10000.00000000")
    assert type(result[1].equity) is Decimal


def _leaderboard(result: list[m.LeaderboardEntry]) -> None:
    assert [e.rank for e in result] == [1, 2]
    assert result[0].roi_pct == Decimal("24.50") and result[0].display_name == "AlphaBot"


def _version_comparison(result: m.VersionComparison) -> None:
    assert type(result) is m.VersionComparison and result.verdict == "v2 is better"
    assert result.v1.version == 1 and result.v2.version == 2
    assert result.v2.avg_roi_pct == Decimal("4.1") and type(result.v2.avg_sharpe) is Decimal


def _training_run_detail(result: m.TrainingRun) -> None:
    assert type(result) is m.TrainingRun and result.run_id == RUN_ID
    assert len(result.episodes) == 1 and type(result.episodes[0]) is m.TrainingEpisode
    assert result.episodes[0].roi_pct == Decimal("1.5")


def _agent(result: m.Agent) -> None:
    assert type(result) is m.Agent and result.id == AGENT_ID
    assert result.starting_balance == Decimal("5000.00000000")
    assert result.strategy_tags == ["rsi", "scalping", "BTCUSDT"]
    assert result.created_at == TS_DT


def _run_test_body(start: str, end: str) -> Callable[[Any], None]:
    # The wire's StartTestRequest: version and date_range {start, end} are required. Seed 000's
    # run_test(strategy_id, version_id, start_time, end_time, symbol, interval) also promises
    # symbol and interval, which the real request lacks: they travel as our marked extensions.
    wire_fields = {
        "version",
        "episodes",
        "date_range",
        "randomize_dates",
        "episode_duration_days",
        "starting_balance",
    }
    extensions = {"symbol": BTC, "interval": "1h"}

    def check(body: Any) -> None:
        assert isinstance(body, dict), body
        assert set(body) <= wire_fields | set(extensions), sorted(set(body) - wire_fields)
        assert {k: body[k] for k in extensions} == extensions
        assert body["version"] == 2
        rng = body["date_range"]
        assert set(rng) == {"start", "end"}, rng
        got_start = datetime.fromisoformat(rng["start"].replace("Z", "+00:00"))
        got_end = datetime.fromisoformat(rng["end"].replace("Z", "+00:00"))
        assert got_start == datetime.fromisoformat(start) and got_end == datetime.fromisoformat(end)

    return check


# --- market analytics and the deflated Sharpe ratio (wire §1 "Market data" 7-8, "Server-only",
# "Other"; the OpenAPI excerpt's IndicatorResponse, BatchTickersResponse, DataRangeResponse,
# DeflatedSharpeResponse). The platform sends indicator values and every DSR statistic as JSON
# numbers: the canned answers are raw JSON text, so the Decimals below must be the wire's digits.
INDICATOR_NAMES = [
    "adx_14", "atr_14", "bb_lower", "bb_mid", "bb_upper", "ema_12", "ema_26", "macd_hist",
    "macd_line", "macd_signal", "price", "rsi_14", "sma_20", "sma_50", "volume_ma_20",
]  # fmt: skip
INDICATORS_ETH = (
    '{"symbol":"ETHUSDT","timestamp":"2026-12-02T07:06:03.002075Z","candles_used":100,'
    '"indicators":{"macd_line":-11.40037070274866,"rsi_14":43.551723794466795,"sma_20":3249.980037941}}'
)
INDICATORS_BTC = (
    '{"symbol":"BTCUSDT","timestamp":"2026-12-02T07:06:02.931429Z","candles_used":200,"indicators":'
    '{"adx_14":7.664340714624022,"atr_14":363.01224902600836,"bb_lower":94514.37012261174,'
    '"bb_mid":95076.6808298705,"bb_upper":95638.99153712926,"ema_12":95096.46909349051,'
    '"ema_26":95055.99502108718,"macd_hist":31.050062920003427,"macd_line":40.474006064934656,'
    '"macd_signal":9.42394314493123,"price":95307.76252828,"rsi_14":56.5844610151262,'
    '"sma_20":95076.6808298705,"sma_50":94953.37850959839,"volume_ma_20":55.97192750000001}}'
)
TICKER_BTC = {
    "symbol": "BTCUSDT", "open": "93740.78189123", "high": "95884.40209862", "low": "92329.40451451",
    "close": "95237.96995703", "volume": "6427.17359600", "quote_volume": "612110965.8444644705798800",
    "change": "1497.18806580", "change_pct": "1.59715765", "trade_count": 0, "timestamp": "2026-12-02T07:06:02.393451Z",
}  # fmt: skip
TICKER_ETH = {
    "symbol": "ETHUSDT", "open": "3135.45094921", "high": "3365.35829298", "low": "3127.15330899",
    "close": "3241.65761368", "volume": "6454.56809100", "quote_volume": "20923499.7952061330848800",
    "change": "106.20666447", "change_pct": "3.38728515", "trade_count": 0, "timestamp": "2026-12-02T07:06:02.394962Z",
}  # fmt: skip
# A 60-return series and the platform's recorded answer for it (num_trials 10, the default 252).
R60 = (
    "-0.010788 -0.010482 0.007695 -0.021939 -0.000434 -0.021561 0.01201 0.003029 0.014563 -0.004042 "
    "0.004982 -0.001859 -0.006383 0.002453 -0.011572 -0.002547 0.007966 0.001575 -0.003103 0.022895 "
    "0.001582 -0.004868 0.002596 -0.004228 -0.002851 -0.002502 0.021253 0.001226 0.002756 0.007742 "
    "0.021169 -0.001237 -0.005239 0.025746 -0.013596 -0.002672 0.007669 0.023836 -0.008499 -0.023277 "
    "0.007616 -0.004217 -0.002875 0.005613 0.003237 0.00391 -0.003311 0.013893 0.01605 0.00132 "
    "-0.003519 0.008333 0.005778 -0.009404 -0.003602 0.011492 3.7e-05 -0.002288 0.003125 0.000665"
).split()
# The caller may pass Decimal, str or float items (statistics, not money): mixed here on purpose.
R60_ARG = [Decimal(x) if i % 3 == 0 else x if i % 3 == 1 else float(x) for i, x in enumerate(R60)]
RETURNS_10 = [0.01, -0.005, 0.02, 0.003, -0.01, 0.015, 0.007, -0.002, 0.011, 0.004]
DSR_R60 = (
    '{"observed_sharpe":2.0652447376371725,"expected_max_sharpe":2.145966026289347,'
    '"deflated_sharpe":-2.4548032181067154,"p_value":0.007048091360976061,"is_significant":false,'
    '"num_trials":10,"num_returns":60,"skewness":0.15118067112375305,"kurtosis":0.4158377660673538}'
)


def _indicators_eth(result: m.Indicators) -> None:
    assert type(result) is m.Indicators and result.symbol == "ETHUSDT"
    assert result.candles_used == 100
    assert result.timestamp == datetime(2026, 12, 2, 7, 6, 3, 2075, tzinfo=UTC)
    assert result.indicators == {
        "macd_line": Decimal("-11.40037070274866"),
        "rsi_14": Decimal("43.551723794466795"),
        "sma_20": Decimal("3249.980037941"),
    }
    assert all(type(v) is Decimal for v in result.indicators.values())


def _indicators_btc(result: m.Indicators) -> None:
    assert type(result) is m.Indicators and result.candles_used == 200
    assert sorted(result.indicators) == INDICATOR_NAMES
    assert result.indicators["volume_ma_20"] == Decimal("55.97192750000001")
    assert result.indicators["price"] == Decimal("95307.76252828")
    assert result.indicators["bb_mid"] == result.indicators["sma_20"]


def _tickers(result: list[m.Ticker]) -> None:
    assert [t.symbol for t in result] == ["BTCUSDT", "ETHUSDT"]  # the server's order
    btc = result[0]
    assert btc.close == Decimal("95237.96995703") and btc.trade_count == 0
    assert btc.quote_volume == Decimal("612110965.8444644705798800")
    assert result[1].change_pct == Decimal("3.38728515")
    assert all(aware(t.timestamp) for t in result)
    assert all_decimal(
        *(getattr(t, f) for t in result for f in ("open", "high", "low", "volume", "change"))
    )


def _data_range(result: m.DataRange) -> None:
    assert type(result) is m.DataRange
    assert result.earliest == datetime(2026, 8, 2, 6, 0, tzinfo=UTC) and aware(result.earliest)
    assert result.latest == datetime(2026, 12, 2, 7, 6, tzinfo=UTC)
    assert result.total_pairs == 620
    assert result.intervals_available == ["1m", "5m", "1h", "1d"]
    assert result.data_gaps == []


def _deflated_sharpe_r60(result: m.DeflatedSharpe) -> None:
    _is(
        m.DeflatedSharpe,
        observed_sharpe=Decimal("2.0652447376371725"),
        expected_max_sharpe=Decimal("2.145966026289347"),
        deflated_sharpe=Decimal("-2.4548032181067154"),
        p_value=Decimal("0.007048091360976061"),
        is_significant=False,
        num_trials=10,
        num_returns=60,
        skewness=Decimal("0.15118067112375305"),
        kurtosis=Decimal("0.4158377660673538"),
    )(result)


def C(  # a table row
    id: str,
    method: str,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    http: str,
    path: str,
    query: dict[str, str] | None = None,
    body: Any = NO_BODY,
    *,
    auth: str,
    response: Any,
    check: Callable[[Any], None],
    **more: Any,
) -> Case:
    return Case(
        id, method, args, kwargs, http, API + path, query or {}, body, auth, response, check, **more
    )


BTC = "BTCUSDT"
Q = Decimal("0.01")

# --- battles (issue 15): bodies as recorded, ../shared/reference/wire-samples/battles.json
BATTLE_ID = "1d4aad8b-9e0e-4dbe-9c37-7e00acca2061"
BATTLE_AGENT = "82373ee2-ebf4-49e5-8d7a-04ca579abcfd"
BATTLE_AGENT_2 = "62133ecc-4861-46dd-b410-2406acf1b009"
BATTLE_PRESET = {
    "key": "scalper_duel",
    "name": "Scalper Duel",
    "description": "4-hour high-frequency battle on BTC + ETH only.",
    "duration_type": "fixed",
    "duration_seconds": 14400,
    "starting_balance": "5000",
    "allowed_pairs": ["BTCUSDT", "ETHUSDT"],
    "best_for": "High-frequency testing",
}
BATTLE_PARTICIPANT = {
    "id": "0f9ddd6c-91fc-49c2-a789-234cc345fa92",
    "battle_id": BATTLE_ID,
    "agent_id": BATTLE_AGENT,
    "snapshot_balance": None,
    "final_equity": None,
    "final_rank": None,
    "status": "active",
    "joined_at": "2026-12-02T06:55:07.900772Z",
}
BATTLE = {
    "id": BATTLE_ID,
    "account_id": "a3a479e3-5c6c-4a35-8c68-f5fd4844c4f3",
    "name": "Wire Scalper Duel",
    "status": "draft",
    "config": {
        "wallet_mode": "fresh",
        "allowed_pairs": ["BTCUSDT", "ETHUSDT"],
        "duration_type": "fixed",
        "duration_seconds": 14400,
        "starting_balance": "5000",
    },
    "preset": "scalper_duel",
    "ranking_metric": "roi_pct",
    "started_at": None,
    "ended_at": None,
    "created_at": "2026-12-02T06:55:07.677352Z",
    "participant_count": 1,
    "participants": [BATTLE_PARTICIPANT],
    "battle_mode": "live",
    "backtest_config": None,
}
BATTLE_HIST_CONFIG = {
    "start_time": "2026-11-20T00:00:00Z",
    "end_time": "2026-11-21T00:00:00Z",
    "candle_interval": 3600,
    "pairs": ["BTCUSDT", "ETHUSDT"],
}
BATTLE_LIVE = {
    "battle_id": BATTLE_ID,
    "status": "active",
    "elapsed_minutes": 0.20512885,
    "remaining_minutes": None,
    "participants": [
        {
            "agent_id": BATTLE_AGENT,
            "display_name": "Momentum Bot v2",
            "avatar_url": None,
            "color": None,
            "current_equity": "4050.71379532",
            "roi_pct": "-18.99",
            "total_pnl": "-949.28620468",
            "total_trades": 1,
            "win_rate": "0.00",
            "sharpe_ratio": None,
            "max_drawdown_pct": None,
            "rank": 1,
            "status": "paused",
        },
    ],
    "updated_at": "2026-12-02T06:55:08.398158Z",
}
BATTLE_RESULTS = {
    "battle_id": BATTLE_ID,
    "name": "Wire Historical",
    "ranking_metric": "roi_pct",
    "started_at": "2026-12-02T06:55:20.931147Z",
    "ended_at": "2026-12-02T06:55:21.257741Z",
    "participants": [
        {
            "agent_id": BATTLE_AGENT,
            "rank": 1,
            "final_equity": "10005.71552909",
            "snapshot_balance": "10000.00000000",
            "status": "stopped",
        },
        {
            "agent_id": BATTLE_AGENT_2,
            "rank": 2,
            "final_equity": "10000.93185909",
            "snapshot_balance": "10000.00000000",
            "status": "stopped",
        },
    ],
}
BATTLE_REPLAY = {
    "battle_id": BATTLE_ID,
    "snapshots": [
        {
            "agent_id": BATTLE_AGENT,
            "timestamp": "2026-11-20T00:00:00+00:00",
            "equity": "10000.00000000",
            "unrealized_pnl": "0",
            "realized_pnl": "0",
            "trade_count": 2,
            "open_positions": 0,
        }
    ],
    "total": 1,
}
BATTLE_STEP = {
    "battle_id": BATTLE_ID, "virtual_time": "2026-11-20T01:00:00Z", "step": 1, "total_steps": 24, "progress_pct": "4.17",
    "is_complete": False, "prices": {"BTCUSDT": "90500.88900754", "ETHUSDT": "2777.42346689"},
    "participants": [{"agent_id": BATTLE_AGENT, "equity": "10000", "pnl": "0", "trade_count": 0},
                     {"agent_id": BATTLE_AGENT_2, "equity": "9977.4505269630", "pnl": "-22.5494730370", "trade_count": 1}],
}  # fmt: skip


def _battle(result: Any) -> None:
    _is(
        m.Battle,
        id=BATTLE_ID,
        status="draft",
        participant_count=1,
        preset="scalper_duel",
        started_at=None,
    )(result)
    assert aware(result.created_at) and result.config["starting_balance"] == "5000"
    [participant] = result.participants
    _is(m.BattleParticipant, agent_id=BATTLE_AGENT, snapshot_balance=None)(participant)


def _battle_live(result: Any) -> None:
    _is(m.BattleLive, status="active", remaining_minutes=None)(result)
    [standing] = result.participants
    _is(m.BattleStanding, rank=1, roi_pct=Decimal("-18.99"), current_equity=Decimal("4050.71379532"),
        sharpe_ratio=None, status="paused")(standing)  # fmt: skip


def _battle_results(result: Any) -> None:
    _is(m.BattleResults, ranking_metric="roi_pct")(result)
    first, second = result.participants
    _is(m.BattleResult, rank=1, final_equity=Decimal("10005.71552909"), roi_pct=None)(first)
    _is(m.BattleResult, rank=2, agent_id=BATTLE_AGENT_2)(second)


def _battle_step(result: Any) -> None:
    _is(m.BattleStep, step=1, total_steps=24, progress_pct=Decimal("4.17"), is_complete=False)(
        result
    )
    assert result.prices == {
        "BTCUSDT": Decimal("90500.88900754"),
        "ETHUSDT": Decimal("2777.42346689"),
    }
    _is(m.BattleStepParticipant, equity=Decimal("9977.4505269630"), trade_count=1)(
        result.participants[1]
    )


# --- backtesting (issue 12): bodies as recorded, ../shared/reference/wire-samples/backtest.json
BT = "580d7b83-9449-4f4a-bcd4-e6ae7bc47028"
BT2 = "5ad39193-7aed-45d6-9cff-64c10d8d11e0"
BT_AGENT = "a7005b2a-9b34-4639-b6b0-3f0fda9ba58a"
BT_CREATED = {
    "session_id": BT,
    "status": "created",
    "total_steps": 180,
    "estimated_pairs": 3,
    "agent_id": BT_AGENT,
}
BT_STEP = {  # exchange 30: a step that filled a pending limit order
    "virtual_time": "2026-12-01T00:02:00Z", "step": 2, "total_steps": 180, "progress_pct": "1.11",
    "prices": {"BTCUSDT": "95441.74563840", "ETHUSDT": "3112.37383686"},
    "orders_filled": [{"order_id": "db066543-7bee-48f8-ace3-0f767e0ec044", "status": "filled",
                       "executed_price": "3112.68507424", "executed_qty": "0.2", "fee": "0.62253701"}],
    "portfolio": {"total_equity": "9995.7844328000", "available_cash": "7464.4747526600",
                  "position_value": "2531.3096801400", "unrealized_pnl": "-1.6825749512", "realized_pnl": "0",
                  "positions": [{"symbol": "ETHUSDT", "quantity": "0.2", "avg_entry_price": "3112.68507424",
                                 "current_price": "3112.37383686", "market_value": "622.474767372",
                                 "unrealized_pnl": "-0.062247476"}]},
    "is_complete": False, "remaining_steps": 178,
}  # fmt: skip
BT_STATUS = {  # exchange 41
    "session_id": BT, "agent_id": BT_AGENT, "strategy_label": "wire_momentum", "start_time": "2026-12-01T00:00:00Z",
    "end_time": "2026-12-01T03:00:00Z", "status": "running", "candle_interval": 60, "starting_balance": "10000.00000000",
    "pairs": ["BTCUSDT", "ETHUSDT", "SOLUSDT"], "progress_pct": 20.56, "current_step": 37, "total_steps": 180,
    "virtual_clock": "2026-12-01T00:37:00Z", "final_equity": None, "total_pnl": None, "roi_pct": None, "total_trades": 0,
    "total_fees": "0E-8", "sharpe_ratio": None, "max_drawdown_pct": None, "created_at": "2026-12-02T06:54:26.694631Z",
    "started_at": "2026-12-02T06:54:27.306295Z", "completed_at": None, "duration_real_sec": None,
}  # fmt: skip
BT_RESULTS = {  # exchange 49 (by_pair cut to one)
    "session_id": BT, "status": "completed",
    "config": {"start_time": "2026-12-01T00:00:00+00:00", "end_time": "2026-12-01T03:00:00+00:00",
               "starting_balance": "10000.00000000", "candle_interval": "60", "pairs": ["BTCUSDT"], "strategy_label": "wire_momentum"},
    "summary": {"final_equity": "9956.71977723", "total_pnl": "-43.28022277", "roi_pct": "-0.4300", "total_trades": 7,
                "total_fees": "5.73473312", "duration_real_sec": 0.62},
    "metrics": {"sharpe_ratio": "-16.7042", "sortino_ratio": "-11.9606", "max_drawdown_pct": "0.43",
                "max_drawdown_duration_days": "0.12", "win_rate": "0.00", "profit_factor": "0.0000", "avg_win": "0",
                "avg_loss": "-9.38637242", "best_trade": "-4.93907072", "worst_trade": "-20.48937368",
                "avg_trade_duration_minutes": "29.83", "trades_per_day": "56.00"},
    "by_pair": [{"wins": 0, "losses": 2, "symbol": "BTCUSDT", "trades": 3, "net_pnl": "-27.48939205", "win_rate": "0.00",
                 "total_volume": "3793.42108845"}],
}  # fmt: skip
BT_SNAPSHOTS = {  # exchange 50 (first and last)
    "session_id": BT, "interval": "1",
    "snapshots": [{"simulated_at": "2026-12-01T00:00:00+00:00", "total_equity": "10000.00000000", "available_cash": "10000.00000000",
                   "position_value": "0E-8", "unrealized_pnl": "0E-8", "realized_pnl": "0E-8"},
                  {"simulated_at": "2026-12-01T03:00:00+00:00", "total_equity": "9956.71977723", "available_cash": "9956.71977723",
                   "position_value": "0E-8", "unrealized_pnl": "0E-8", "realized_pnl": "-37.54548967"}],
}  # fmt: skip
BT_TRADES = {  # exchange 53
    "session_id": BT, "total": 1,
    "trades": [{"id": "335fe3f2-01ce-41d1-95d3-f81060285944", "session_id": BT, "symbol": "ETHUSDT", "side": "buy", "type": "limit",
                "quantity": "0.20000000", "price": "3112.68507424", "quote_amount": "622.53701485", "fee": "0.62253701",
                "slippage_pct": "0.010000", "realized_pnl": "0", "stop_price": None, "simulated_at": "2026-12-01T00:02:00+00:00"}],
}  # fmt: skip
BT_COMPARE = {  # exchange 70
    "comparisons": [
        {"session_id": BT, "strategy_label": "wire_momentum", "roi_pct": "-0.4300", "sharpe_ratio": "-16.7042",
         "max_drawdown_pct": "0.43", "total_trades": 7, "win_rate": "0.00", "profit_factor": "0.0000"},
        {"session_id": BT2, "strategy_label": "wire_hourly", "roi_pct": "-0.2300", "sharpe_ratio": None,
         "max_drawdown_pct": None, "total_trades": 1, "win_rate": None, "profit_factor": None}],
    "best_by_roi": BT2, "best_by_sharpe": BT, "best_by_drawdown": BT, "recommendation": BT,
}  # fmt: skip


def _session(sid: str, total_steps: int) -> Callable[[Any], None]:
    def check(result: Any) -> None:
        assert type(result).__name__ in {"BacktestSession", "AsyncBacktestSession"}, result
        assert result.session_id == sid and result.last_step is None
        assert type(result.created) is m.BacktestCreated
        assert result.created.total_steps == total_steps and result.created.status == "created"

    return check


def _bt_step(result: m.BacktestStep) -> None:
    assert type(result) is m.BacktestStep and result.step == 2 and result.is_complete is False
    assert result.progress_pct == Decimal("1.11") and aware(result.virtual_time)
    assert result.prices["ETHUSDT"] == Decimal("3112.37383686")
    fill = result.orders_filled[0]
    assert type(fill) is m.BacktestFill and fill.executed_quantity == Decimal("0.2")
    p = result.portfolio
    assert type(p) is m.Portfolio and p.total_position_value == Decimal("2531.3096801400")
    assert p.total_pnl == Decimal(
        "-1.6825749512"
    )  # realized + unrealized: the sandbox sends neither sum
    assert p.roi_pct is None and p.starting_balance is None and p.position_count == 1
    assert type(p.positions[0]) is m.Position and p.positions[0].market_value == Decimal(
        "622.474767372"
    )


def _bt_status(result: m.BacktestStatus) -> None:
    assert type(result) is m.BacktestStatus and result.status == "running"
    assert (
        result.progress_pct == Decimal("20.56") and type(result.progress_pct) is Decimal
    )  # a JSON number here
    assert (
        result.current_step == 37 and result.roi_pct is None and result.total_fees == Decimal("0")
    )
    assert aware(result.virtual_clock) and result.pairs == ["BTCUSDT", "ETHUSDT", "SOLUSDT"]


def _bt_results(result: m.BacktestResults) -> None:
    assert type(result) is m.BacktestResults and result.status == "completed"
    assert result.summary.roi_pct == Decimal("-0.4300") and result.summary.total_trades == 7
    assert type(result.metrics) is m.BacktestMetrics and result.metrics.sharpe_ratio == Decimal(
        "-16.7042"
    )
    assert result.by_pair[0].symbol == "BTCUSDT" and result.by_pair[0].losses == 2
    assert result.config.candle_interval == "60" and aware(result.config.start_time)


def _bt_snapshots(result: list[m.Snapshot]) -> None:
    assert result[0].equity == Decimal("10000.00000000") and result[-1].equity == Decimal(
        "9956.71977723"
    )
    assert result[-1].timestamp == datetime(2026, 12, 1, 3, 0, tzinfo=UTC)  # from simulated_at


def _bt_trades(result: list[m.Trade]) -> None:
    t = result[0]
    assert t.trade_id == "335fe3f2-01ce-41d1-95d3-f81060285944"  # from id
    assert t.pnl == Decimal("0") and t.fee == Decimal("0.62253701")  # from realized_pnl
    assert t.created_at == datetime(2026, 12, 1, 0, 2, tzinfo=UTC)  # from simulated_at


def _bt_compare(result: m.BacktestComparison) -> None:
    assert type(result) is m.BacktestComparison and result.best_by_roi == BT2
    first, second = result.comparisons
    assert type(first) is m.BacktestComparisonEntry and first.sharpe_ratio == Decimal("-16.7042")
    assert second.sharpe_ratio is None and second.total_trades == 1


# fmt: off
CASES: list[Case] = [
    # ---------------- auth (wire §3) ----------------
    C("register", "register", (), {"display_name": "AlphaBot", "email": "a@example.com", "password": "hunter2hunter2", "starting_balance": Decimal("5000.00")},
      "POST", "/auth/register", body={"display_name": "AlphaBot", "email": "a@example.com", "password": "hunter2hunter2", "starting_balance": "5000.00"},
      auth="public", status=201,
      response={"account_id": ACCOUNT_ID, "api_key": "ak_live_acct", "api_secret": "sk_live_acct", "display_name": "AlphaBot",
                "starting_balance": "5000.00000000", "agent_id": AGENT_ID, "agent_api_key": "ak_live_agent", "message": "ok"},
      check=_and(_is(m.Registration, api_secret="sk_live_acct", starting_balance=Decimal("5000.00"), agent_id=AGENT_ID))),
    C("register-minimal", "register", (), {"display_name": "AlphaBot"},
      "POST", "/auth/register", body={"display_name": "AlphaBot"}, auth="public", status=201,
      response={"account_id": ACCOUNT_ID, "api_key": "ak_live_acct", "api_secret": "sk_live_acct", "display_name": "AlphaBot",
                "starting_balance": "10000.00000000", "message": "ok"},
      check=_is(m.Registration, account_id=ACCOUNT_ID, agent_id=None)),
    C("login", "login", ("ak_live_other", "sk_live_other"), {},
      "POST", "/auth/login", body={"api_key": "ak_live_other", "api_secret": "sk_live_other"}, auth="public",
      response=TOKEN,
      check=_and(_is(m.AuthToken, token="jwt-1", expires_in=3600),
                 _that(lambda r: r.expires_at == datetime(2099, 1, 1, tzinfo=UTC), "expires_at"))),
    # ---------------- market data (seed 000; wire §1 1-6) ----------------
    C("get_price", "get_price", (BTC,), {}, "GET", "/market/price/BTCUSDT", auth="public",
      response={"symbol": BTC, "price": "64521.30", "timestamp": TS},
      check=_and(_is(m.Price, symbol=BTC, price=Decimal("64521.30"), timestamp=TS_DT),
                 _that(lambda r: aware(r.timestamp), "aware"))),
    C("get_all_prices", "get_all_prices", (), {}, "GET", "/market/prices", auth="public",
      response={"prices": {"BTCUSDT": "64521.30", "ETHUSDT": "3400.10"}, "timestamp": TS, "count": 2, "stale": False},
      check=_list_of(m.Price, 2, _prices)),
    C("get_candles", "get_candles", (), {"symbol": "ETHUSDT", "interval": "1h", "limit": 24},
      "GET", "/market/candles/ETHUSDT", {"interval": "1h", "limit": "24"}, auth="public",
      response={"symbol": "ETHUSDT", "interval": "1h", "count": 2, "candles": [
          {"time": TS, "open": "3400.10", "high": "3420.00", "low": "3390.00", "close": "3410.50", "volume": "1234.5", "trade_count": 812},
          {"time": "2026-03-19T10:00:00Z", "open": "3410.50", "high": "3415.00", "low": "3401.00", "close": "3405.00", "volume": "980.25", "trade_count": 640}]},
      check=_list_of(m.Candle, 2, _candles)),
    C("get_candles-default-limit", "get_candles", ("ETHUSDT", "5m"), {},
      "GET", "/market/candles/ETHUSDT", {"interval": "5m", "limit": "100"}, auth="public",
      response={"symbol": "ETHUSDT", "interval": "5m", "count": 0, "candles": []},
      check=_list_of(m.Candle, 0)),
    C("get_ticker", "get_ticker", ("SOLUSDT",), {}, "GET", "/market/ticker/SOLUSDT", auth="public",
      response={"symbol": "SOLUSDT", "open": "140.00", "high": "150.00", "low": "138.00", "close": "147.00", "volume": "52000.5",
                "quote_volume": "7500000.00", "change": "7.00", "change_pct": "5.00", "trade_count": 0, "timestamp": TS},
      check=_is(m.Ticker, symbol="SOLUSDT", change_pct=Decimal("5.00"), volume=Decimal("52000.5"), close=Decimal("147.00"))),
    C("get_recent_trades", "get_recent_trades", (BTC,), {}, "GET", "/market/trades/BTCUSDT", auth="public",
      response={"symbol": BTC, "trades": [
          {"trade_id": 101, "price": "64521.30", "quantity": "0.00150000", "time": TS, "is_buyer_maker": False},
          {"trade_id": 102, "price": "64521.10", "quantity": "0.02", "time": TS, "is_buyer_maker": True}]},
      check=_list_of(m.Trade, 2, _public_trades)),
    C("get_orderbook", "get_orderbook", (BTC,), {"depth": 10}, "GET", "/market/orderbook/BTCUSDT", {"depth": "10"}, auth="public",
      response={"symbol": BTC, "bids": [["64500.00", "1.25"], ["64490.00", "2.00"]], "asks": [["64530.00", "0.50"], ["64540.00", "0.75"]], "timestamp": TS},
      check=_and(_is(m.OrderBook, symbol=BTC), _orderbook)),
    C("get_orderbook-default-depth", "get_orderbook", (BTC,), {}, "GET", "/market/orderbook/BTCUSDT", {"depth": "20"}, auth="public",
      response={"symbol": BTC, "bids": [["64500.00", "1.25"]], "asks": [["64530.00", "0.50"], ["64540.00", "0.75"]], "timestamp": TS},
      check=_and(_is(m.OrderBook, symbol=BTC), _orderbook)),
    C("get_pairs", "get_pairs", (), {"status": "active"}, "GET", "/market/pairs", {"status": "active"}, auth="public",
      response={"total": 1, "pairs": [{"symbol": BTC, "base_asset": "BTC", "quote_asset": "USDT", "status": "active",
                                       "min_qty": "0.00001000", "step_size": "0.00001000", "min_notional": "1.00000000", "has_price": True}]},
      check=_list_of(m.Pair, 1, lambda r: _is(m.Pair, min_qty=Decimal("0.00001"), has_price=True)(r[0]))),
    C("get_pairs-all", "get_pairs", (), {}, "GET", "/market/pairs", auth="public",
      response={"total": 0, "pairs": []}, check=_list_of(m.Pair, 0)),
    # ---------------- market analytics (platform SDK: wire §1 "Market data" 7-8; our names for
    # the server-only tickers and data-range) ----------------
    C("get_available_indicators", "get_available_indicators", (), {}, "GET", "/market/indicators/available", auth="public",
      response={"indicators": INDICATOR_NAMES},
      check=_that(lambda r: r == INDICATOR_NAMES and all(type(n) is str for n in r), "a list of names")),
    C("get_indicators", "get_indicators", ("ETHUSDT",), {"indicators": ["rsi_14", "sma_20", "macd_line"], "lookback": 100},
      "GET", "/market/indicators/ETHUSDT", {"indicators": "rsi_14,sma_20,macd_line", "lookback": "100"}, auth="public",
      response=INDICATORS_ETH, check=_indicators_eth),
    C("get_indicators-defaults", "get_indicators", (BTC,), {}, "GET", "/market/indicators/BTCUSDT", {"lookback": "200"},
      auth="public", response=INDICATORS_BTC, check=_indicators_btc),
    C("get_tickers", "get_tickers", ([BTC, "ETHUSDT", "NOPEUSDT"],), {}, "GET", "/market/tickers",
      {"symbols": "BTCUSDT,ETHUSDT,NOPEUSDT"}, auth="public",
      response={"tickers": {BTC: TICKER_BTC, "ETHUSDT": TICKER_ETH}, "count": 2, "timestamp": "2026-12-02T07:06:03.243765Z"},
      check=_list_of(m.Ticker, 2, _tickers)),
    C("get_tickers-all", "get_tickers", (), {}, "GET", "/market/tickers", auth="public",
      response={"tickers": {}, "count": 0, "timestamp": TS}, check=_list_of(m.Ticker, 0)),
    C("get_data_range", "get_data_range", (), {}, "GET", "/market/data-range", auth="public",
      response={"earliest": "2026-08-02T06:00:00Z", "latest": "2026-12-02T07:06:00Z", "total_pairs": 620,
                "intervals_available": ["1m", "5m", "1h", "1d"], "data_gaps": []},
      check=_data_range),
    # ---------------- trading (seed 000; wire §1 9-17) ----------------
    C("place_market_order", "place_market_order", (), {"symbol": BTC, "side": "buy", "quantity": Q},
      "POST", "/trade/order", body={"symbol": BTC, "side": "buy", "type": "market", "quantity": "0.01"},
      auth="key", order=True, status=201, response=order_filled(), check=_filled),
    C("place_limit_order", "place_limit_order", (), {"symbol": BTC, "side": "buy", "quantity": Q, "price": Decimal("62000.00")},
      "POST", "/trade/order", body={"symbol": BTC, "side": "buy", "type": "limit", "quantity": "0.01", "price": "62000.00"},
      auth="key", order=True, status=201, response=order_pending("limit", "62000.00", "buy"), check=_pending("limit", "62000.00")),
    C("place_stop_loss", "place_stop_loss", (), {"symbol": BTC, "side": "sell", "quantity": Q, "trigger_price": Decimal("61000.00")},
      "POST", "/trade/order", body={"symbol": BTC, "side": "sell", "type": "stop_loss", "quantity": "0.01", "price": "61000.00"},
      auth="key", order=True, status=201, response=order_pending("stop_loss", "61000.00"), check=_pending("stop_loss", "61000.00")),
    C("place_take_profit", "place_take_profit", (), {"symbol": BTC, "side": "sell", "quantity": Q, "trigger_price": Decimal("70000.00")},
      "POST", "/trade/order", body={"symbol": BTC, "side": "sell", "type": "take_profit", "quantity": "0.01", "price": "70000.00"},
      auth="key", order=True, status=201, response=order_pending("take_profit", "70000.00"), check=_pending("take_profit", "70000.00")),
    C("place_market_order-str-qty", "place_market_order", (BTC, "sell", "0.5"), {},
      "POST", "/trade/order", body={"symbol": BTC, "side": "sell", "type": "market", "quantity": "0.5"},
      auth="key", order=True, status=201, response=order_filled("sell"), check=_filled),
    C("get_order", "get_order", (ORDER_ID,), {}, "GET", f"/trade/order/{ORDER_ID}", auth="key",
      response=ORDER_DETAIL, check=_order_detail),
    C("get_open_orders", "get_open_orders", (), {}, "GET", "/trade/orders/open", auth="key",
      response={"orders": [PENDING_DETAIL, {**PENDING_DETAIL, "order_id": "o-3"}], "total": 2, "limit": 100, "offset": 0},
      check=_list_of(m.Order, 2, _open_orders)),
    C("get_orders", "get_orders", (), {"status": "filled", "symbol": BTC, "limit": 10, "offset": 20},
      "GET", "/trade/orders", {"status": "filled", "symbol": BTC, "limit": "10", "offset": "20"}, auth="key",
      response={"orders": [ORDER_DETAIL], "total": 21, "limit": 10, "offset": 20},
      check=_list_of(m.Order, 1, lambda r: _order_detail(r[0]))),
    C("get_orders-defaults", "get_orders", (), {}, "GET", "/trade/orders", {"limit": "100", "offset": "0"}, auth="key",
      response={"orders": [], "total": 0, "limit": 100, "offset": 0}, check=_list_of(m.Order, 0)),
    C("cancel_order", "cancel_order", (ORDER_ID,), {}, "DELETE", f"/trade/order/{ORDER_ID}", auth="key",
      response={"order_id": ORDER_ID, "status": "cancelled", "unlocked_amount": "620.62000000", "cancelled_at": TS},
      check=_none),
    C("cancel_all_orders", "cancel_all_orders", (), {}, "DELETE", "/trade/orders/open", auth="key",
      response={"cancelled_count": 3, "total_unlocked": "1500.00000000"}, check=_none),
    C("get_trade_history", "get_trade_history", (), {"symbol": BTC, "limit": 20},
      "GET", "/trade/history", {"symbol": BTC, "limit": "20"}, auth="key",
      response={"trades": [{"trade_id": "t-1", "order_id": ORDER_ID, "symbol": BTC, "side": "buy", "quantity": "0.01000000",
                            "price": "64006.40000000", "fee": "0.64006400", "total": "640.70406400", "executed_at": TS}],
                "total": 1, "limit": 20, "offset": 0},
      check=_list_of(m.Trade, 1, _own_trades)),
    C("get_trade_history-defaults", "get_trade_history", (), {}, "GET", "/trade/history", {"limit": "50"}, auth="key",
      response={"trades": [], "total": 0, "limit": 50, "offset": 0}, check=_list_of(m.Trade, 0)),
    # ---------------- account (seed 000; wire §1 18-23) ----------------
    C("get_account_info", "get_account_info", (), {}, "GET", "/account/info", auth="key",
      response={"account_id": ACCOUNT_ID, "api_key": KEY, "display_name": "AlphaBot", "status": "active",
                "starting_balance": "10000.00000000", "current_session": {"session_id": SESSION_ID, "started_at": TS},
                "risk_profile": {"max_position_size_pct": 25, "daily_loss_limit_pct": 20, "max_open_orders": 50}, "created_at": TS},
      check=_account_info),
    C("get_balance", "get_balance", (), {}, "GET", "/account/balance", auth="key",
      response={"balances": [{"asset": "USDT", "available": "9359.28593600", "locked": "0.00000000", "total": "9359.28593600"},
                             {"asset": "BTC", "available": "0.01000000", "locked": "0E-8", "total": "0.01000000"}],
                "total_equity_usdt": "10012.50000000"},
      check=_balance),
    C("get_positions", "get_positions", (), {}, "GET", "/account/positions", auth="key",
      response={"positions": [POSITION], "total_unrealized_pnl": "5.14900000"}, check=_list_of(m.Position, 1, _positions)),
    C("get_portfolio", "get_portfolio", (), {}, "GET", "/account/portfolio", auth="key",
      response={"total_equity": "10012.50000000", "available_cash": "9359.28593600", "locked_cash": "0.00000000",
                "total_position_value": "645.21300000", "unrealized_pnl": "5.14900000", "realized_pnl": "12.50000000",
                "total_pnl": "17.64900000", "roi_pct": "0.1250", "starting_balance": "10000.00000000",
                "positions": [POSITION], "timestamp": TS},
      check=_portfolio),
    C("get_pnl", "get_pnl", (), {}, "GET", "/account/pnl", auth="key",
      response={"period": "all", "realized_pnl": "12.50000000", "unrealized_pnl": "5.14900000", "total_pnl": "17.64900000",
                "fees_paid": "1.28012800", "net_pnl": "16.36887200", "winning_trades": 3, "losing_trades": 1, "win_rate": "75.00"},
      check=_pnl),
    C("reset_account", "reset_account", (), {"starting_balance": Decimal("10000.00")},
      "POST", "/account/reset", body={"confirm": True, "new_starting_balance": "10000.00"}, auth="key",
      response={"message": "Account reset", "previous_session": {"session_id": SESSION_ID, "ending_equity": "10012.50000000",
                                                                  "total_pnl": "12.50000000", "duration_days": 3},
                "new_session": {"session_id": NEW_SESSION_ID, "starting_balance": "10000.00000000", "started_at": TS}},
      check=_reset),
    C("reset_account-default", "reset_account", (), {}, "POST", "/account/reset", body={"confirm": True}, auth="key",
      response={"message": "Account reset", "previous_session": {"session_id": SESSION_ID, "ending_equity": "9000.00000000",
                                                                  "total_pnl": "-1000.00000000", "duration_days": 1},
                "new_session": {"session_id": NEW_SESSION_ID, "starting_balance": "10000.00000000", "started_at": TS}},
      check=_reset),
    # ---------------- analytics (seed 000; wire §1 24-26) ----------------
    C("get_performance", "get_performance", (), {"period": "7d"}, "GET", "/analytics/performance", {"period": "7d"}, auth="key",
      response={"period": "7d", "sharpe_ratio": "1.85", "sortino_ratio": "2.40", "max_drawdown_pct": "8.50",
                "max_drawdown_duration_days": 2, "win_rate": "65.71", "profit_factor": "2.10", "avg_win": "45.20",
                "avg_loss": "-21.50", "total_trades": 35, "avg_trades_per_day": "5.0", "best_trade": "120.00",
                "worst_trade": "-60.00", "current_streak": 3},
      check=_performance),
    C("get_performance-default", "get_performance", (), {}, "GET", "/analytics/performance", {"period": "all"}, auth="key",
      response={"period": "all", "sharpe_ratio": "1.85", "sortino_ratio": "2.40", "max_drawdown_pct": "8.50",
                "max_drawdown_duration_days": 2, "win_rate": "65.71", "profit_factor": "2.10", "avg_win": "45.20",
                "avg_loss": "-21.50", "total_trades": 35, "avg_trades_per_day": "5.0", "best_trade": "120.00",
                "worst_trade": "-60.00", "current_streak": -1},
      check=_performance),
    C("get_portfolio_history", "get_portfolio_history", (), {"interval": "1h", "limit": 24},
      "GET", "/analytics/portfolio/history", {"interval": "1h", "limit": "24"}, auth="key",
      response={"account_id": ACCOUNT_ID, "interval": "1h", "snapshots": [
          {"time": TS, "total_equity": "10000.00000000", "unrealized_pnl": "0.00000000", "realized_pnl": "0.00000000"},
          {"time": "2026-03-19T10:00:00Z", "total_equity": "10012.50000000", "unrealized_pnl": "5.149", "realized_pnl": "7.351"}]},
      check=_list_of(m.Snapshot, 2, _snapshots)),
    C("get_portfolio_history-defaults", "get_portfolio_history", (), {}, "GET", "/analytics/portfolio/history", auth="key",
      response={"account_id": ACCOUNT_ID, "interval": "1h", "snapshots": []}, check=_list_of(m.Snapshot, 0)),
    # The real server takes no `limit` (wire §1 26); ours does (an x-extension query). The SDK
    # sends it and also keeps at most `limit` entries, so the documented limit holds on both.
    C("get_leaderboard", "get_leaderboard", (), {"limit": 2}, "GET", "/analytics/leaderboard", {"limit": "2"}, auth="key",
      response={"period": "30d", "rankings": [
          {"rank": i, "account_id": f"acc-{i}", "display_name": "AlphaBot" if i == 1 else f"Bot{i}", "roi_pct": "24.50" if i == 1 else "3.00",
           "sharpe_ratio": "1.20", "total_trades": 10 * i, "win_rate": "55.00"} for i in (1, 2, 3)]},
      check=_list_of(m.LeaderboardEntry, 2, _leaderboard)),
    # ---------------- strategies (seed 000; wire "Strategies") ----------------
    C("create_strategy", "create_strategy", (), {"name": "SMA Crossover", "description": "Buy when fast SMA crosses above slow SMA", "config": DEFINITION},
      "POST", "/strategies", body={"name": "SMA Crossover", "description": "Buy when fast SMA crosses above slow SMA", "definition": DEFINITION},
      auth="key", status=201, response=STRATEGY,
      check=_is(m.Strategy, strategy_id=STRATEGY_ID, current_version=1, status="draft", deployed_at=None, created_at=TS_DT)),
    C("get_strategies", "get_strategies", (), {}, "GET", "/strategies", auth="key",
      response={"strategies": [STRATEGY, {**STRATEGY, "strategy_id": "s-2", "name": "RSI"}], "total": 2, "limit": 50, "offset": 0},
      check=_list_of(m.Strategy, 2, lambda r: _that(lambda x: x[1].name == "RSI", "second")(r))),
    C("get_strategy", "get_strategy", (STRATEGY_ID,), {}, "GET", f"/strategies/{STRATEGY_ID}", auth="key",
      response={**STRATEGY, "current_definition": DEFINITION, "latest_test_results": None},
      check=_is(m.Strategy, strategy_id=STRATEGY_ID, current_definition=DEFINITION, latest_test_results=None)),
    C("create_version", "create_version", (STRATEGY_ID,), {"config": DEFINITION, "notes": "tighter stop"},
      "POST", f"/strategies/{STRATEGY_ID}/versions", body={"definition": DEFINITION, "change_notes": "tighter stop"},
      auth="key", status=201, response=VERSION,
      check=_is(m.StrategyVersion, version_id=VERSION_ID, version=2, parent_version=1, change_notes="tighter stop", created_at=TS_DT)),
    C("create_version-no-notes", "create_version", (STRATEGY_ID, DEFINITION), {},
      "POST", f"/strategies/{STRATEGY_ID}/versions", body={"definition": DEFINITION},
      auth="key", status=201, response={**VERSION, "change_notes": None}, check=_is(m.StrategyVersion, change_notes=None)),
    C("get_versions", "get_versions", (STRATEGY_ID,), {}, "GET", f"/strategies/{STRATEGY_ID}/versions", auth="key",
      response=[{**VERSION, "version": 1, "parent_version": None}, VERSION], check=_list_of(m.StrategyVersion, 2)),
    C("get_version", "get_version", (STRATEGY_ID, 2), {}, "GET", f"/strategies/{STRATEGY_ID}/versions/2", auth="key",
      response=VERSION, check=_is(m.StrategyVersion, version=2, definition=DEFINITION)),
    C("deploy_strategy", "deploy_strategy", (STRATEGY_ID,), {"version": 2},
      "POST", f"/strategies/{STRATEGY_ID}/deploy", body={"version": 2}, auth="key",
      response={**STRATEGY, "status": "deployed", "current_version": 2, "deployed_at": TS},
      check=_is(m.Strategy, status="deployed", deployed_at=TS_DT)),
    C("undeploy_strategy", "undeploy_strategy", (STRATEGY_ID,), {}, "POST", f"/strategies/{STRATEGY_ID}/undeploy", auth="key",
      response={**STRATEGY, "status": "validated"}, check=_none),
    # ---------------- strategy testing (seed 000; wire "Strategies") ----------------
    C("run_test", "run_test", (STRATEGY_ID, 2, "2025-01-01T00:00:00Z", "2025-03-01T00:00:00Z", BTC, "1h"), {},
      "POST", f"/strategies/{STRATEGY_ID}/test", auth="key", status=201, response=TEST_RUN,
      body_check=_run_test_body("2025-01-01T00:00:00+00:00", "2025-03-01T00:00:00+00:00"),
      # the platform's answer has no strategy_id: the run keeps the one it was started with
      check=_is(m.TestRun, run_id=TEST_ID, strategy_id=STRATEGY_ID, status="running", progress_pct=Decimal("40.5"), episodes_total=10, version=2)),
    C("run_test-server-strategy", "run_test", (STRATEGY_ID, 2, "2025-01-01T00:00:00Z", "2025-03-01T00:00:00Z", BTC, "1h"), {},
      "POST", f"/strategies/{STRATEGY_ID}/test", auth="key", status=201, response={**TEST_RUN, "strategy_id": "s-from-server"},
      body_check=_run_test_body("2025-01-01T00:00:00+00:00", "2025-03-01T00:00:00+00:00"),
      check=_is(m.TestRun, run_id=TEST_ID, strategy_id="s-from-server")),  # a member the server sends wins
    C("run_test-datetimes", "run_test", (), {"strategy_id": STRATEGY_ID, "version_id": 2, "start_time": datetime(2025, 1, 1, tzinfo=UTC),
                                             "end_time": datetime(2025, 3, 1, tzinfo=UTC), "symbol": BTC, "interval": "1h"},
      "POST", f"/strategies/{STRATEGY_ID}/test", auth="key", status=201, response=TEST_RUN,
      body_check=_run_test_body("2025-01-01T00:00:00+00:00", "2025-03-01T00:00:00+00:00"),
      check=_is(m.TestRun, run_id=TEST_ID)),
    C("get_strategy_test", "get_strategy_test", (STRATEGY_ID, TEST_ID), {}, "GET", f"/strategies/{STRATEGY_ID}/tests/{TEST_ID}", auth="key",
      response=TEST_RESULTS,
      check=_is(m.TestRun, run_id=TEST_ID, strategy_id=STRATEGY_ID, status="completed", progress_pct=Decimal("100"), recommendations=["Widen the stop loss"])),
    # get_test_status / get_test_results take the run id (seed 000); the platform's only route
    # for a test run also needs the strategy id (GET /strategies/{sid}/tests/{tid}): with
    # strategy_id= (TestRun.strategy_id of run_test) they use it, without it the project's
    # run-id-only extension route, which the real platform lacks (docs/platform.md, item 31).
    C("get_test_status", "get_test_status", (TEST_ID,), {}, "GET", f"/strategy-tests/{TEST_ID}", auth="key",
      response=TEST_RUN, check=_is(m.TestRun, run_id=TEST_ID, strategy_id=None, episodes_completed=4, progress_pct=Decimal("40.5"))),
    C("get_test_status-strategy", "get_test_status", (TEST_ID,), {"strategy_id": STRATEGY_ID},
      "GET", f"/strategies/{STRATEGY_ID}/tests/{TEST_ID}", auth="key",
      response=TEST_RUN, check=_is(m.TestRun, run_id=TEST_ID, strategy_id=STRATEGY_ID, episodes_completed=4)),
    C("get_test_results-strategy", "get_test_results", (TEST_ID,), {"strategy_id": STRATEGY_ID},
      "GET", f"/strategies/{STRATEGY_ID}/tests/{TEST_ID}", auth="key",
      response=TEST_RESULTS, check=_is(m.TestRun, run_id=TEST_ID, strategy_id=STRATEGY_ID, status="completed", results={"avg_roi_pct": Decimal("3.2"), "avg_sharpe": Decimal("1.1")})),
    C("get_test_results", "get_test_results", (TEST_ID,), {}, "GET", f"/strategy-tests/{TEST_ID}", auth="key",
      response=TEST_RESULTS,  # JSON numbers come back as exact Decimals, never floats
      check=_is(m.TestRun, run_id=TEST_ID, status="completed", results={"avg_roi_pct": Decimal("3.2"), "avg_sharpe": Decimal("1.1")})),
    C("compare_versions", "compare_versions", (STRATEGY_ID, [1, 2]), {},
      "GET", f"/strategies/{STRATEGY_ID}/compare-versions", {"v1": "1", "v2": "2"}, auth="key",
      response={"v1": {"version": 1, "avg_roi_pct": 2.5, "avg_sharpe": 0.9, "avg_max_drawdown_pct": 9.0, "total_trades": 120, "episodes_completed": 10},
                "v2": {"version": 2, "avg_roi_pct": 4.1, "avg_sharpe": 1.3, "avg_max_drawdown_pct": 7.5, "total_trades": 110, "episodes_completed": 10},
                "improvements": {"avg_roi_pct": 1.6}, "verdict": "v2 is better"},
      check=_version_comparison),
    # ---------------- training (seed 000; wire "training") ----------------
    C("get_training_runs", "get_training_runs", (), {}, "GET", "/training/runs", auth="key",
      response=[TRAINING_RUN, {**TRAINING_RUN, "run_id": RUN_ID_2, "status": "completed", "completed_at": TS}],
      check=_list_of(m.TrainingRun, 2, lambda r: _is(m.TrainingRun, run_id=RUN_ID_2, completed_at=TS_DT)(r[1]))),
    C("get_training_run", "get_training_run", (RUN_ID,), {}, "GET", f"/training/runs/{RUN_ID}", auth="key",
      response={**TRAINING_RUN, "learning_curve": {"roi_pct": [1.5]}, "aggregate_stats": {"avg_roi_pct": 1.5},
                "episodes": [{"episode_number": 1, "session_id": None, "roi_pct": 1.5, "sharpe_ratio": 0.8,
                              "max_drawdown_pct": 3.0, "total_trades": 12, "reward_sum": 42.0}]},
      check=_training_run_detail),
    C("compare_training_runs", "compare_training_runs", ([RUN_ID, RUN_ID_2],), {},
      "GET", "/training/compare", {"run_ids": f"{RUN_ID},{RUN_ID_2}"}, auth="key",
      response={"runs": [{"run_id": RUN_ID, "status": "running", "episodes_completed": 3, "aggregate_stats": None},
                         {"run_id": RUN_ID_2, "status": "completed", "episodes_completed": 10, "aggregate_stats": {"avg_roi_pct": 2.0}}]},
      check=_and(_that(lambda r: type(r) is m.TrainingComparison and len(r.runs) == 2, "two runs"),
                 _that(lambda r: r.runs[1].run_id == RUN_ID_2 and type(r.runs[1]) is m.TrainingRunMetrics, "second run"))),
    C("register_training_run", "register_training_run", (RUN_ID,), {"config": {"algo": "ppo"}, "strategy_id": STRATEGY_ID},
      "POST", "/training/runs", body={"run_id": RUN_ID, "config": {"algo": "ppo"}, "strategy_id": STRATEGY_ID},
      auth="key", status=201, response=TRAINING_RUN, check=_is(m.TrainingRun, run_id=RUN_ID, episodes_completed=3)),
    C("register_training_run-minimal", "register_training_run", (RUN_ID,), {},
      "POST", "/training/runs", body={"run_id": RUN_ID}, auth="key", status=201,
      response={**TRAINING_RUN, "config": None}, check=_is(m.TrainingRun, config=None)),
    # Episode metrics are JSON numbers on the wire (ReportEpisodeRequest).
    C("report_training_episode", "report_training_episode", (RUN_ID, 3),
      {"roi_pct": Decimal("1.5"), "sharpe_ratio": "0.8", "max_drawdown_pct": Decimal("3.25"), "total_trades": 12, "reward_sum": Decimal("-4.5")},
      "POST", f"/training/runs/{RUN_ID}/episodes",
      body={"episode_number": 3, "roi_pct": 1.5, "sharpe_ratio": 0.8, "max_drawdown_pct": 3.25, "total_trades": 12, "reward_sum": -4.5},
      auth="key", response={**TRAINING_RUN, "episodes_completed": 4}, check=_is(m.TrainingRun, episodes_completed=4)),
    C("report_training_episode-minimal", "report_training_episode", (RUN_ID, 1), {},
      "POST", f"/training/runs/{RUN_ID}/episodes", body={"episode_number": 1}, auth="key",
      response={**TRAINING_RUN, "episodes_completed": 1}, check=_is(m.TrainingRun, episodes_completed=1)),
    C("complete_training_run", "complete_training_run", (RUN_ID,), {}, "POST", f"/training/runs/{RUN_ID}/complete", auth="key",
      response={**TRAINING_RUN, "status": "completed", "completed_at": TS}, check=_is(m.TrainingRun, status="completed", completed_at=TS_DT)),
    # ---------------- metrics (platform SDK: wire §1 "Other"; credentials required) ----------------
    # returns: JSON numbers with exactly the caller's digits, whatever the argument's type
    # (statistics, not money: a float is accepted); annualization_factor is always sent.
    C("compute_deflated_sharpe", "compute_deflated_sharpe", (R60_ARG, 10), {},
      "POST", "/metrics/deflated-sharpe", body={"returns": [float(x) for x in R60], "num_trials": 10, "annualization_factor": 252},
      auth="key", response=DSR_R60, check=_deflated_sharpe_r60),
    C("compute_deflated_sharpe-annualization", "compute_deflated_sharpe", (RETURNS_10,), {"num_trials": 10, "annualization_factor": 1},
      "POST", "/metrics/deflated-sharpe", body={"returns": RETURNS_10, "num_trials": 10, "annualization_factor": 1}, auth="key",
      response=('{"observed_sharpe":0.6047376209212816,"expected_max_sharpe":2.145966026289347,"deflated_sharpe":-5.160466089445172,'
                '"p_value":1.2339461352706138e-07,"is_significant":false,"num_trials":10,"num_returns":10,'
                '"skewness":-0.10317705339740187,"kurtosis":-0.8639254293056977}'),
      check=_is(m.DeflatedSharpe, observed_sharpe=Decimal("0.6047376209212816"), deflated_sharpe=Decimal("-5.160466089445172"),
                p_value=Decimal("1.2339461352706138E-7"), is_significant=False, num_trials=10, num_returns=10,
                kurtosis=Decimal("-0.8639254293056977"))),
    # ---------------- webhooks (platform SDK: wire §1 "Other"; its signatures) ----------------
    C("create_webhook", "create_webhook", (HOOK_URL, HOOK_EVENTS, "wire recorder sink"), {},
      "POST", "/webhooks", body={"url": HOOK_URL, "events": HOOK_EVENTS, "description": "wire recorder sink"},
      auth="key", status=201, response=WEBHOOK_CREATED, check=_created_webhook),
    C("create_webhook-no-description", "create_webhook", (), {"url": HOOK_URL, "events": ("battle.completed",)},
      "POST", "/webhooks", body={"url": HOOK_URL, "events": ["battle.completed"]}, auth="key", status=201,
      response={**WEBHOOK_CREATED, "events": ["battle.completed"], "description": None},
      check=_is(m.Webhook, events=["battle.completed"], description=None)),
    C("list_webhooks", "list_webhooks", (), {}, "GET", "/webhooks", auth="key",
      response={"webhooks": [WEBHOOK, WEBHOOK_2], "total": 2},
      check=_list_of(m.Webhook, 2, lambda r: (_webhook(r[0]), _is(m.Webhook, active=False, last_triggered_at=None)(r[1])))),
    C("get_webhook", "get_webhook", (WEBHOOK_ID,), {}, "GET", f"/webhooks/{WEBHOOK_ID}", auth="key",
      response=WEBHOOK, check=_webhook),
    C("update_webhook", "update_webhook", (WEBHOOK_ID_2,), {"active": False}, "PUT", f"/webhooks/{WEBHOOK_ID_2}",
      body={"active": False}, auth="key", response=WEBHOOK_2, check=_is(m.Webhook, id=WEBHOOK_ID_2, active=False)),
    C("update_webhook-all", "update_webhook", (WEBHOOK_ID,),
      {"url": "https://hooks.example.com/v2", "events": ["strategy.deployed"], "active": True, "description": "v2"},
      "PUT", f"/webhooks/{WEBHOOK_ID}",
      body={"url": "https://hooks.example.com/v2", "events": ["strategy.deployed"], "active": True, "description": "v2"},
      auth="key", response={**WEBHOOK, "url": "https://hooks.example.com/v2", "events": ["strategy.deployed"], "description": "v2"},
      check=_is(m.Webhook, url="https://hooks.example.com/v2", description="v2")),
    C("delete_webhook", "delete_webhook", (WEBHOOK_ID_2,), {}, "DELETE", f"/webhooks/{WEBHOOK_ID_2}", auth="key",
      status=204, response=b"", check=_none),
    C("test_webhook", "test_webhook", (WEBHOOK_ID,), {}, "POST", f"/webhooks/{WEBHOOK_ID}/test", auth="key",
      response={"enqueued": 1, "webhook_id": WEBHOOK_ID}, check=_is(m.WebhookTestResult, enqueued=1, webhook_id=WEBHOOK_ID)),
    # ---------------- the rest of the platform (wire §1 "Server-only", §2; misc_wire.json) ----------------
    Case("get_health", "get_health", (), {}, "GET", "/health", {}, NO_BODY, "public", HEALTH,
         _is(m.Health, status="ok", total_pairs=620, ingestion_active=True, stale_pairs=[],
             checks={"redis_latency_ms": Decimal("1.67"), "db_latency_ms": Decimal("5.63")})),
    C("get_account_mode", "get_account_mode", (), {}, "GET", "/account/mode", auth="key", response=MODE_LIVE,
      check=_is(m.AccountMode, mode="live", active_strategy_label=None, active_backtests=0, total_backtests_completed=4)),
    C("switch_account_mode", "switch_account_mode", ("backtest", "wire_momentum"), {}, "POST", "/account/mode",
      body={"mode": "backtest", "strategy_label": "wire_momentum"}, auth="key", response=MODE_BACKTEST,
      check=_is(m.AccountMode, mode="backtest", active_strategy_label="wire_momentum")),
    C("switch_account_mode-live", "switch_account_mode", ("live",), {}, "POST", "/account/mode",
      body={"mode": "live"}, auth="key", response=MODE_LIVE, check=_is(m.AccountMode, mode="live")),
    C("update_risk_profile", "update_risk_profile", (40, 10, 25), {}, "PUT", "/account/risk-profile", body=RISK_40,
      auth="key", response=RISK_40, check=_is(m.RiskProfile, max_position_size_pct=40, daily_loss_limit_pct=10, max_open_orders=25)),
    C("update_strategy", "update_strategy", (STRATEGY_ID,), {"name": "Wire RSI dip (renamed)", "description": "updated by the wire recorder"},
      "PUT", f"/strategies/{STRATEGY_ID}", body={"name": "Wire RSI dip (renamed)", "description": "updated by the wire recorder"},
      auth="key", response=RENAMED, check=_is(m.Strategy, name="Wire RSI dip (renamed)", status="deployed")),
    C("update_strategy-name", "update_strategy", (STRATEGY_ID,), {"name": "x"}, "PUT", f"/strategies/{STRATEGY_ID}",
      body={"name": "x"}, auth="key", response={**STRATEGY, "name": "x"}, check=_is(m.Strategy, name="x")),
    C("delete_strategy", "delete_strategy", (STRATEGY_ID_2,), {}, "DELETE", f"/strategies/{STRATEGY_ID_2}", auth="key",
      response={**STRATEGY, "strategy_id": STRATEGY_ID_2, "status": "archived"},
      check=_is(m.Strategy, strategy_id=STRATEGY_ID_2, status="archived")),
    C("compare_strategies", "compare_strategies", ([STRATEGY_ID, STRATEGY_ID_2],), {}, "POST", "/strategies/compare",
      body={"strategy_ids": [STRATEGY_ID, STRATEGY_ID_2], "ranking_metric": "sharpe_ratio"}, auth="key",
      response=COMPARISON, check=_comparison),
    C("compare_strategies-metric", "compare_strategies", ((STRATEGY_ID, STRATEGY_ID_2), "roi_pct"), {}, "POST", "/strategies/compare",
      body={"strategy_ids": [STRATEGY_ID, STRATEGY_ID_2], "ranking_metric": "roi_pct"}, auth="key", response=RANKED, check=_ranked),
    C("get_strategy_tests", "get_strategy_tests", (STRATEGY_ID,), {}, "GET", f"/strategies/{STRATEGY_ID}/tests", auth="key",
      response=[TEST_QUEUED, TEST_RUN],
      check=_list_of(m.TestRun, 2, lambda r: _is(m.TestRun, run_id=TEST_QUEUED["test_run_id"], status="queued", started_at=None)(r[0]))),
    C("get_latest_test_results", "get_latest_test_results", (STRATEGY_ID,), {}, "GET", f"/strategies/{STRATEGY_ID}/test-results",
      auth="key", response=TEST_RESULTS,
      check=_is(m.TestRun, run_id=TEST_ID, status="completed", strategy_id=STRATEGY_ID, recommendations=["Widen the stop loss"])),
    C("cancel_test", "cancel_test", (STRATEGY_ID, TEST_ID), {}, "POST", f"/strategies/{STRATEGY_ID}/tests/{TEST_ID}/cancel",
      auth="key", response=TEST_CANCELLED, check=_is(m.TestRun, status="cancelled", strategy_id=STRATEGY_ID, created_at=None)),
    C("get_learning_curve", "get_learning_curve", (RUN_ID,), {}, "GET", f"/training/runs/{RUN_ID}/learning-curve",
      {"metric": "roi_pct", "window": "10"}, auth="key", response=LEARNING_CURVE,
      check=_is(m.LearningCurve, episode_numbers=[1, 2, 3], raw_values=[Decimal("0.5"), Decimal("2.0"), Decimal("3.5")],
                smoothed_values=[Decimal("0.5"), Decimal("1.25"), Decimal("2.0")], metric="roi_pct", window=10)),
    C("get_learning_curve-args", "get_learning_curve", (RUN_ID, "sharpe_ratio", 2), {}, "GET", f"/training/runs/{RUN_ID}/learning-curve",
      {"metric": "sharpe_ratio", "window": "2"}, auth="key",
      response={**LEARNING_CURVE, "raw_values": [0.3, 0.6, 0.8999999999999999], "smoothed_values": [0.3, 0.45, 0.75], "metric": "sharpe_ratio", "window": 2},
      check=_is(m.LearningCurve, raw_values=[Decimal("0.3"), Decimal("0.6"), Decimal("0.8999999999999999")], window=2)),
    C("get_decision_trace", "get_decision_trace", (AGENT_ID, TRACE_ID), {}, "GET", f"/agents/{AGENT_ID}/decisions/trace/{TRACE_ID}",
      auth="jwt", response=TRACE, check=_trace),
    C("get_decision_trace-empty", "get_decision_trace", (AGENT_ID, "unknown"), {}, "GET", f"/agents/{AGENT_ID}/decisions/trace/unknown",
      auth="jwt", response=EMPTY_TRACE, check=_is(m.DecisionTrace, signals=[], decision=None, api_calls=[], order=None, pnl=None)),
    C("analyze_decisions", "analyze_decisions", (AGENT_ID,), {}, "GET", f"/agents/{AGENT_ID}/decisions/analyze",
      {"pnl_outcome": "all", "limit": "200"}, auth="jwt", response=ANALYSIS, check=_analysis),
    C("analyze_decisions-filters", "analyze_decisions", (AGENT_ID,),
      {"start": datetime(2026, 11, 1, tzinfo=UTC), "end": "2026-12-01T00:00:00Z", "min_confidence": Decimal("0.5"),
       "direction": "buy", "pnl_outcome": "positive", "limit": 50},
      "GET", f"/agents/{AGENT_ID}/decisions/analyze",
      {"start": "2026-11-01T00:00:00Z", "end": "2026-12-01T00:00:00Z", "min_confidence": "0.5", "direction": "buy",
       "pnl_outcome": "positive", "limit": "50"}, auth="jwt",
      response={**ANALYSIS, "total": 0, "wins": 0, "losses": 0, "win_rate": 0.0, "avg_pnl": None, "avg_confidence": None,
                "by_direction": {}, "decisions": []},
      check=_is(m.DecisionAnalysis, total=0, avg_pnl=None, by_direction={}, decisions=[])),
    C("update_feedback", "update_feedback", (AGENT_ID, FEEDBACK_ID, "resolved", "Fixed in the March release."), {},
      "PATCH", f"/agents/{AGENT_ID}/feedback/{FEEDBACK_ID}", body={"status": "resolved", "resolution": "Fixed in the March release."},
      auth="jwt", response={"id": FEEDBACK_ID, "agent_id": AGENT_ID, "status": "resolved", "resolution": "Fixed in the March release.",
                            "resolved_at": TS, "updated": True},
      check=_is(m.Feedback, status="resolved", resolved_at=TS_DT, updated=True)),
    C("update_feedback-status", "update_feedback", (AGENT_ID, FEEDBACK_ID, "acknowledged"), {},
      "PATCH", f"/agents/{AGENT_ID}/feedback/{FEEDBACK_ID}", body={"status": "acknowledged"}, auth="jwt",
      response={"id": FEEDBACK_ID, "agent_id": AGENT_ID, "status": "acknowledged", "resolution": None, "resolved_at": None, "updated": True},
      check=_is(m.Feedback, status="acknowledged", resolution=None, resolved_at=None)),
    # ---------------- agent management (seeds 003/004; JWT only) ----------------
    C("create_agent", "create_agent", (), {"display_name": "RSI Scalper", "starting_balance": "5000.00", "llm_model": "claude-sonnet-4-6",
                                           "framework": "custom", "strategy_tags": ["rsi", "scalping", "BTCUSDT"],
                                           "risk_profile": RISK, "color": "#3B82F6"},
      "POST", "/agents", body={"display_name": "RSI Scalper", "starting_balance": "5000.00", "llm_model": "claude-sonnet-4-6",
                               "framework": "custom", "strategy_tags": ["rsi", "scalping", "BTCUSDT"], "risk_profile": RISK, "color": "#3B82F6"},
      auth="jwt", status=201, response=AGENT_CREDENTIALS,
      check=_is(m.AgentCredentials, agent_id=AGENT_ID, api_key="ak_live_AgentRSIScalper", starting_balance=Decimal("5000.00"))),
    C("create_agent-defaults", "create_agent", ("Momentum Bot v1",), {},
      "POST", "/agents", body={"display_name": "Momentum Bot v1", "starting_balance": "10000.00"},
      auth="jwt", status=201, response={**AGENT_CREDENTIALS, "display_name": "Momentum Bot v1", "starting_balance": "10000.00000000"},
      check=_is(m.AgentCredentials, display_name="Momentum Bot v1", starting_balance=Decimal("10000"))),
    C("list_agents", "list_agents", (), {}, "GET", "/agents", {"include_archived": "false", "limit": "100", "offset": "0"}, auth="jwt",
      response={"agents": [AGENT], "total": 1},
      check=_and(_is(m.AgentList, total=1), _that(lambda r: len(r.agents) == 1 and type(r.agents[0]) is m.Agent, "agents"),
                 lambda r: _agent(r.agents[0]))),
    C("list_agents-args", "list_agents", (True, 10, 20), {}, "GET", "/agents", {"include_archived": "true", "limit": "10", "offset": "20"},
      auth="jwt", response={"agents": [], "total": 20}, check=_is(m.AgentList, agents=[], total=20)),
    C("get_agents_overview", "get_agents_overview", (), {}, "GET", "/agents/overview", auth="jwt",
      response={"agents": [AGENT, {**AGENT, "id": "a-2", "display_name": "Second"}]},
      check=_list_of(m.Agent, 2, lambda r: _agent(r[0]))),
    C("get_agent", "get_agent", (AGENT_ID,), {}, "GET", f"/agents/{AGENT_ID}", auth="jwt", response=AGENT, check=_agent),
    C("update_agent", "update_agent", (AGENT_ID,), {"display_name": "RSI Scalper v2", "strategy_tags": ["rsi", "multi-pair"]},
      "PUT", f"/agents/{AGENT_ID}", body={"display_name": "RSI Scalper v2", "strategy_tags": ["rsi", "multi-pair"]}, auth="jwt",
      response={**AGENT, "display_name": "RSI Scalper v2", "strategy_tags": ["rsi", "multi-pair"]},
      check=_is(m.Agent, display_name="RSI Scalper v2", strategy_tags=["rsi", "multi-pair"])),
    C("update_agent-all", "update_agent", (AGENT_ID,), {"display_name": "X", "llm_model": "gpt-4o", "framework": "langchain",
                                                        "strategy_tags": [], "color": "#000000"},
      "PUT", f"/agents/{AGENT_ID}", body={"display_name": "X", "llm_model": "gpt-4o", "framework": "langchain", "strategy_tags": [], "color": "#000000"},
      auth="jwt", response={**AGENT, "display_name": "X"}, check=_is(m.Agent, display_name="X")),
    C("clone_agent", "clone_agent", (AGENT_ID,), {"new_name": "RSI Scalper Experiment"},
      "POST", f"/agents/{AGENT_ID}/clone", {"new_name": "RSI Scalper Experiment"}, auth="jwt", status=201,
      response={**AGENT_CREDENTIALS, "agent_id": "a-clone", "display_name": "RSI Scalper Experiment"},
      check=_is(m.AgentCredentials, agent_id="a-clone", display_name="RSI Scalper Experiment")),
    C("clone_agent-default-name", "clone_agent", (AGENT_ID,), {}, "POST", f"/agents/{AGENT_ID}/clone", auth="jwt", status=201,
      response={**AGENT_CREDENTIALS, "agent_id": "a-clone", "display_name": "RSI Scalper (copy)"},
      check=_is(m.AgentCredentials, display_name="RSI Scalper (copy)")),
    C("reset_agent", "reset_agent", (AGENT_ID,), {}, "POST", f"/agents/{AGENT_ID}/reset", auth="jwt",
      response=AGENT, check=_and(_agent, _is(m.Agent, status="active"))),
    C("archive_agent", "archive_agent", (AGENT_ID,), {}, "POST", f"/agents/{AGENT_ID}/archive", auth="jwt",
      response={**AGENT, "status": "archived"}, check=_is(m.Agent, id=AGENT_ID, status="archived")),
    C("delete_agent", "delete_agent", (AGENT_ID,), {}, "DELETE", f"/agents/{AGENT_ID}", auth="jwt",
      status=204, response=b"", check=_none),
    C("get_agent_api_key", "get_agent_api_key", (AGENT_ID,), {}, "GET", f"/agents/{AGENT_ID}/api-key", auth="jwt",
      response={"agent_id": AGENT_ID, "api_key": "ak_live_full", "message": "Current API key for this agent."},
      check=_is(m.AgentKey, agent_id=AGENT_ID, api_key="ak_live_full")),
    C("regenerate_agent_key", "regenerate_agent_key", (AGENT_ID,), {}, "POST", f"/agents/{AGENT_ID}/regenerate-key", auth="jwt",
      response={"agent_id": AGENT_ID, "api_key": "ak_live_new", "message": "API key regenerated. Save now — it will not be shown again."},
      check=_is(m.AgentKey, api_key="ak_live_new")),
    C("get_agent_risk_profile", "get_agent_risk_profile", (AGENT_ID,), {}, "GET", f"/agents/{AGENT_ID}/risk-profile", auth="jwt",
      response={"max_position_size_pct": 25, "daily_loss_limit_pct": 20, "max_open_orders": 50},
      check=_is(m.RiskProfile, max_position_size_pct=25, daily_loss_limit_pct=20, max_open_orders=50)),
    C("update_agent_risk", "update_agent_risk", (), {"agent_id": AGENT_ID, "max_position_size_pct": 10, "daily_loss_limit_pct": 5, "max_open_orders": 5},
      "PUT", f"/agents/{AGENT_ID}/risk-profile", body=RISK, auth="jwt", response=RISK,
      check=_is(m.RiskProfile, max_position_size_pct=10, daily_loss_limit_pct=5, max_open_orders=5)),
    C("get_agent_skill", "get_agent_skill", (AGENT_ID,), {}, "GET", f"/agents/{AGENT_ID}/skill.md", auth="jwt",
      response="# Agent: RSI Scalper\n# Agent ID: a1b2\n\n# AgentExchange — AI Crypto Trading Platform\n",
      content_type="text/markdown; charset=utf-8",
      check=_that(lambda r: type(r) is str and r.startswith("# Agent: RSI Scalper\n") and "AgentExchange — AI" in r, "markdown text")),
    # ---------------- backtesting (issue 12; wire-samples/backtest.json) ----------------
    C("create_backtest", "create_backtest", ("2026-12-01T00:00:00Z", "2026-12-01T03:00:00Z", Decimal("10000")),
      {"pairs": ["BTCUSDT", "ETHUSDT", "SOLUSDT"], "strategy_label": "wire_momentum"},
      "POST", "/backtest/create", body={"start_time": "2026-12-01T00:00:00Z", "end_time": "2026-12-01T03:00:00Z",
                                        "starting_balance": "10000", "candle_interval": 60,
                                        "pairs": ["BTCUSDT", "ETHUSDT", "SOLUSDT"], "strategy_label": "wire_momentum"},
      auth="key", response=BT_CREATED, check=_session(BT, 180)),
    C("create_backtest-all", "create_backtest",
      (datetime(2026, 11, 10, tzinfo=UTC), datetime(2026, 11, 13, tzinfo=UTC), 5000),
      {"candle_interval": 3600, "fee_rate": Decimal("0.001"), "agent_id": BT_AGENT, "strategy_label": "wire_hourly"},
      "POST", "/backtest/create", body={"start_time": "2026-11-10T00:00:00Z", "end_time": "2026-11-13T00:00:00Z",
                                        "starting_balance": "5000", "candle_interval": 3600, "strategy_label": "wire_hourly",
                                        "fee_rate": "0.001", "agent_id": BT_AGENT},
      auth="key", response={**BT_CREATED, "session_id": BT2, "total_steps": 72, "estimated_pairs": 2}, check=_session(BT2, 72)),
    C("start_backtest", "start_backtest", (BT,), {}, "POST", f"/backtest/{BT}/start", auth="key",
      response={"status": "running", "session_id": BT}, check=_is(m.BacktestStarted, status="running", session_id=BT)),
    C("step_backtest", "step_backtest", (BT,), {}, "POST", f"/backtest/{BT}/step", auth="key",
      response=BT_STEP, check=_bt_step),
    C("step_backtest_batch", "step_backtest_batch", (BT, 10), {}, "POST", f"/backtest/{BT}/step/batch",
      body={"steps": 10}, auth="key", response=BT_STEP, check=_bt_step),
    C("batch_step_fast", "batch_step_fast", (BT, 20), {}, "POST", f"/backtest/{BT}/step/batch/fast",
      body={"steps": 20, "include_intermediate_trades": False}, auth="key",
      response={**BT_STEP, "steps_executed": 20}, check=_and(_bt_step, _is(m.BacktestStep, steps_executed=20))),
    C("batch_step_fast-intermediate", "batch_step_fast", (BT,), {"steps": 5, "include_intermediate_trades": True},
      "POST", f"/backtest/{BT}/step/batch/fast", body={"steps": 5, "include_intermediate_trades": True}, auth="key",
      response={**BT_STEP, "steps_executed": 5}, check=_is(m.BacktestStep, steps_executed=5)),
    C("cancel_backtest", "cancel_backtest", (BT2,), {}, "POST", f"/backtest/{BT2}/cancel", auth="key",
      response={"session_id": BT2, "status": "cancelled", "total_trades": 1, "roi_pct": "-0.23"},
      check=_is(m.BacktestCancelled, status="cancelled", total_trades=1, roi_pct=Decimal("-0.23"))),
    C("get_backtest_status", "get_backtest_status", (BT,), {}, "GET", f"/backtest/{BT}/status", auth="key",
      response=BT_STATUS, check=_bt_status),
    C("get_backtest_results", "get_backtest_results", (BT,), {}, "GET", f"/backtest/{BT}/results", auth="key",
      response=BT_RESULTS, check=_bt_results),
    C("get_backtest_equity_curve", "get_backtest_equity_curve", (BT,), {}, "GET", f"/backtest/{BT}/results/equity-curve",
      {"interval": "1"}, auth="key", response=BT_SNAPSHOTS, check=_list_of(m.Snapshot, 2, _bt_snapshots)),
    C("get_backtest_trades", "get_backtest_trades", (BT,), {"limit": 2, "offset": 1}, "GET", f"/backtest/{BT}/results/trades",
      {"limit": "2", "offset": "1"}, auth="key", response=BT_TRADES, check=_list_of(m.Trade, 1, _bt_trades)),
    C("list_backtests", "list_backtests", (), {"status": "completed", "strategy_label": "wire_momentum", "sort_by": "roi_pct", "limit": 5},
      "GET", "/backtest/list", {"status": "completed", "strategy_label": "wire_momentum", "sort_by": "roi_pct", "limit": "5"},
      auth="key", response={"backtests": [BT_STATUS], "total": 1}, check=_list_of(m.BacktestStatus, 1)),
    C("list_backtests-default", "list_backtests", (), {}, "GET", "/backtest/list", {"limit": "50"},
      auth="key", response={"backtests": [], "total": 0}, check=_list_of(m.BacktestStatus, 0)),
    C("compare_backtests", "compare_backtests", ([BT, BT2],), {}, "GET", "/backtest/compare", {"sessions": f"{BT},{BT2}"},
      auth="key", response=BT_COMPARE, check=_bt_compare),
    C("get_best_backtest", "get_best_backtest", (), {"metric": "sharpe_ratio"}, "GET", "/backtest/best", {"metric": "sharpe_ratio"},
      auth="key", response={"session_id": BT, "strategy_label": "wire_momentum", "metric": "sharpe_ratio", "value": "-16.7042"},
      check=_is(m.BestBacktest, session_id=BT, metric="sharpe_ratio", value="-16.7042")),
    C("get_best_backtest-default", "get_best_backtest", (), {}, "GET", "/backtest/best", {"metric": "roi_pct"},
      auth="key", response={"session_id": BT, "strategy_label": "wire_momentum", "metric": "roi_pct", "value": "-0.4300"},
      check=_is(m.BestBacktest, value="-0.4300")),
    # ---------------- battles (issue 15): bodies as recorded, wire-samples/battles.json ----------------
    C("get_battle_presets", "get_battle_presets", (), {}, "GET", "/battles/presets", auth="key",
      response=[BATTLE_PRESET], check=_list_of(m.BattlePreset, 1, lambda r: _is(
          m.BattlePreset, key="scalper_duel", starting_balance=Decimal("5000"), allowed_pairs=["BTCUSDT", "ETHUSDT"])(r[0]))),
    C("create_battle", "create_battle", ("Wire Scalper Duel",), {"preset": "scalper_duel"}, "POST", "/battles",
      body={"name": "Wire Scalper Duel", "preset": "scalper_duel", "ranking_metric": "roi_pct", "battle_mode": "live"},
      auth="key", status=201, response=BATTLE, check=_battle),
    C("create_battle-historical", "create_battle", ("Wire Historical",),
      {"config": {"starting_balance": "10000"}, "battle_mode": "historical", "backtest_config": BATTLE_HIST_CONFIG},
      "POST", "/battles",
      body={"name": "Wire Historical", "ranking_metric": "roi_pct", "config": {"starting_balance": "10000"},
            "battle_mode": "historical", "backtest_config": BATTLE_HIST_CONFIG},
      auth="key", status=201, response={**BATTLE, "battle_mode": "historical", "backtest_config": BATTLE_HIST_CONFIG},
      check=_is(m.Battle, battle_mode="historical", backtest_config=BATTLE_HIST_CONFIG)),
    C("list_battles", "list_battles", (), {"status": "draft", "limit": 2}, "GET", "/battles",
      {"status": "draft", "limit": "2", "offset": "0"}, auth="key", response={"battles": [BATTLE], "total": 1},
      check=_list_of(m.Battle, 1, lambda r: _battle(r[0]))),
    C("get_battle", "get_battle", (BATTLE_ID,), {}, "GET", f"/battles/{BATTLE_ID}", auth="key",
      response=BATTLE, check=_battle),
    C("update_battle", "update_battle", (BATTLE_ID,), {"name": "renamed"}, "PUT", f"/battles/{BATTLE_ID}",
      body={"name": "renamed"}, auth="key", response={**BATTLE, "name": "renamed"}, check=_is(m.Battle, name="renamed")),
    C("delete_battle", "delete_battle", (BATTLE_ID,), {}, "DELETE", f"/battles/{BATTLE_ID}", auth="key",
      status=204, response=b"", check=_none),
    C("add_battle_participant", "add_battle_participant", (BATTLE_ID, BATTLE_AGENT), {}, "POST",
      f"/battles/{BATTLE_ID}/participants", body={"agent_id": BATTLE_AGENT}, auth="key", status=201,
      response=BATTLE_PARTICIPANT, check=_is(m.BattleParticipant, agent_id=BATTLE_AGENT, status="active", final_rank=None)),
    C("remove_battle_participant", "remove_battle_participant", (BATTLE_ID, BATTLE_AGENT), {}, "DELETE",
      f"/battles/{BATTLE_ID}/participants/{BATTLE_AGENT}", auth="key", status=204, response=b"", check=_none),
    C("start_battle", "start_battle", (BATTLE_ID,), {}, "POST", f"/battles/{BATTLE_ID}/start", auth="key",
      response={**BATTLE, "status": "active", "started_at": "2026-12-02T06:55:08.122537Z"},
      check=_is(m.Battle, status="active", started_at=datetime(2026, 12, 2, 6, 55, 8, 122537, tzinfo=UTC))),
    C("pause_battle_participant", "pause_battle_participant", (BATTLE_ID, BATTLE_AGENT), {}, "POST",
      f"/battles/{BATTLE_ID}/pause/{BATTLE_AGENT}", auth="key",
      response={**BATTLE_PARTICIPANT, "status": "paused", "snapshot_balance": "5000.00000000"},
      check=_is(m.BattleParticipant, status="paused", snapshot_balance=Decimal("5000.00000000"))),
    C("resume_battle_participant", "resume_battle_participant", (BATTLE_ID, BATTLE_AGENT), {}, "POST",
      f"/battles/{BATTLE_ID}/resume/{BATTLE_AGENT}", auth="key", response=BATTLE_PARTICIPANT,
      check=_is(m.BattleParticipant, status="active")),
    C("stop_battle", "stop_battle", (BATTLE_ID,), {}, "POST", f"/battles/{BATTLE_ID}/stop", auth="key",
      response={**BATTLE, "status": "completed"}, check=_is(m.Battle, status="completed")),
    C("get_battle_live", "get_battle_live", (BATTLE_ID,), {}, "GET", f"/battles/{BATTLE_ID}/live", auth="key",
      response=BATTLE_LIVE, check=_battle_live),
    C("get_battle_results", "get_battle_results", (BATTLE_ID,), {}, "GET", f"/battles/{BATTLE_ID}/results",
      auth="key", response=BATTLE_RESULTS, check=_battle_results),
    C("get_battle_replay", "get_battle_replay", (BATTLE_ID,), {"limit": 3}, "GET", f"/battles/{BATTLE_ID}/replay",
      {"limit": "3", "offset": "0"}, auth="key", response=BATTLE_REPLAY,
      check=_is(m.BattleReplay, battle_id=BATTLE_ID, total=1)),
    C("replay_battle", "replay_battle", (BATTLE_ID,), {"agent_ids": [BATTLE_AGENT]}, "POST",
      f"/battles/{BATTLE_ID}/replay", body={"agent_ids": [BATTLE_AGENT]}, auth="key", status=201,
      response={**BATTLE, "battle_mode": "historical"}, check=_is(m.Battle, battle_mode="historical")),
    C("step_battle", "step_battle", (BATTLE_ID,), {}, "POST", f"/battles/{BATTLE_ID}/step", auth="key",
      response=BATTLE_STEP, check=_battle_step),
    C("step_battle_batch", "step_battle_batch", (BATTLE_ID, 5), {}, "POST", f"/battles/{BATTLE_ID}/step/batch",
      body={"steps": 5}, auth="key", response=BATTLE_STEP, check=_battle_step),
    C("battle_place_order", "battle_place_order", (BATTLE_ID, BATTLE_AGENT, BTC, "buy", Q), {}, "POST",
      f"/battles/{BATTLE_ID}/trade/order",
      body={"agent_id": BATTLE_AGENT, "symbol": BTC, "side": "buy", "quantity": "0.01", "order_type": "market"},
      auth="key",
      response={"order_id": ORDER_ID, "status": "filled", "executed_price": "90509.93909644", "executed_qty": "0.01", "fee": "1.81019878"},
      check=_is(m.BattleOrder, status="filled", executed_price=Decimal("90509.93909644"), fee=Decimal("1.81019878"))),
    C("battle_place_order-limit", "battle_place_order", (BATTLE_ID, BATTLE_AGENT, "ETHUSDT", "buy", "0.5"),
      {"order_type": "limit", "price": "100"}, "POST", f"/battles/{BATTLE_ID}/trade/order",
      body={"agent_id": BATTLE_AGENT, "symbol": "ETHUSDT", "side": "buy", "quantity": "0.5", "order_type": "limit", "price": "100"},
      auth="key", response={"order_id": ORDER_ID, "status": "pending", "executed_price": None, "executed_qty": None, "fee": None},
      check=_is(m.BattleOrder, status="pending", executed_price=None)),
    C("battle_get_prices", "battle_get_prices", (BATTLE_ID,), {}, "GET", f"/battles/{BATTLE_ID}/market/prices",
      auth="key", response={"battle_id": BATTLE_ID, "virtual_time": "2026-11-20T00:00:00Z", "prices": {BTC: "90220.88676208"}},
      check=_is(m.BattlePrices, battle_id=BATTLE_ID, prices={BTC: Decimal("90220.88676208")})),
]
# fmt: on

IDS = [c.id for c in CASES]


# --- running a case -----------------------------------------------------------------------------
class Recorder:
    def __init__(self, case: Case) -> None:
        self.case = case
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        if request.method == "POST" and request.url.path == LOGIN and self.case.method != "login":
            return httpx.Response(200, json=TOKEN)
        case = self.case
        if isinstance(case.response, bytes | str):
            raw = case.response.encode() if isinstance(case.response, str) else case.response
            headers = {"Content-Type": case.content_type} if raw else {}
            return httpx.Response(case.status, content=raw, headers=headers)
        return httpx.Response(case.status, json=case.response)


def assert_request(case: Case, requests: list[httpx.Request]) -> None:
    if case.auth == "jwt":
        assert len(requests) == 2, [(r.method, r.url.path) for r in requests]
        login, request = requests
        assert (login.method, login.url.path) == ("POST", LOGIN)
        assert json.loads(login.content) == {"api_key": KEY, "api_secret": SECRET}
    else:
        assert len(requests) == 1, [(r.method, r.url.path) for r in requests]  # no login
        request = requests[0]

    assert request.method == case.http
    assert request.url.path == case.path
    assert sorted(request.url.params.multi_items()) == sorted(case.query.items())

    if case.body_check is not None:
        assert request.headers.get("content-type", "").startswith("application/json")
        case.body_check(json.loads(request.content))
    elif case.body is NO_BODY:
        assert request.content == b"", request.content
    else:
        assert request.headers.get("content-type", "").startswith("application/json")
        assert json.loads(request.content) == case.body

    headers = request.headers
    if case.auth == "key":
        assert headers.get("x-api-key") == KEY
    elif case.auth == "jwt":
        assert headers.get("authorization") == "Bearer jwt-1"
    else:
        assert "authorization" not in headers
    if case.order:
        assert headers.get("idempotency-key"), "order placement must send an Idempotency-Key"


def sync_client(handler: Recorder) -> AgentExchangeClient:
    return AgentExchangeClient(
        api_key=KEY,
        api_secret=SECRET,
        base_url=BASE,
        http_client=httpx.Client(transport=httpx.MockTransport(handler), base_url=BASE),
    )


def async_client(handler: Recorder) -> AsyncAgentExchangeClient:
    return AsyncAgentExchangeClient(
        api_key=KEY,
        api_secret=SECRET,
        base_url=BASE,
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(handler), base_url=BASE),
    )


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_sync_request_and_result(case: Case) -> None:
    recorder = Recorder(case)
    with sync_client(recorder) as client:
        result = getattr(client, case.method)(*case.args, **case.kwargs)
    assert_request(case, recorder.requests)
    case.check(result)


@pytest.mark.parametrize("case", CASES, ids=IDS)
async def test_async_request_and_result(case: Case) -> None:
    recorder = Recorder(case)
    async with async_client(recorder) as client:
        result = await getattr(client, case.method)(*case.args, **case.kwargs)
    assert_request(case, recorder.requests)
    case.check(result)


# deploy_strategy(strategy_id) "deploys the current strategy version" (seed 000), and the
# wire's DeployRequest requires {"version": int >= 1}: the SDK looks the current version up
# (GET the strategy) and names it, never sending an empty body the real server rejects (422).
DEPLOY_NO_VERSION = Case(
    "deploy_strategy-current", "deploy_strategy", (STRATEGY_ID,), {}, "POST",
    f"{API}/strategies/{STRATEGY_ID}/deploy", {}, NO_BODY, "key",
    {**STRATEGY, "status": "deployed", "deployed_at": TS}, _is(m.Strategy, status="deployed"),
)  # fmt: skip


def _assert_deploys_a_version(requests: list[httpx.Request]) -> None:
    deploy = requests[-1]
    assert (deploy.method, deploy.url.path) == ("POST", DEPLOY_NO_VERSION.path)
    assert deploy.headers.get("x-api-key") == KEY
    body = json.loads(deploy.content or b"null")
    assert isinstance(body, dict) and set(body) == {"version"}, body
    assert type(body["version"]) is int and body["version"] == 1, body  # STRATEGY.current_version
    lookup = requests[-2]
    assert (lookup.method, lookup.url.path) == ("GET", f"{API}/strategies/{STRATEGY_ID}")


def test_sync_deploy_without_version_deploys_the_current_one() -> None:
    recorder = Recorder(DEPLOY_NO_VERSION)
    with sync_client(recorder) as client:
        result = client.deploy_strategy(STRATEGY_ID)
    _assert_deploys_a_version(recorder.requests)
    DEPLOY_NO_VERSION.check(result)


async def test_async_deploy_without_version_deploys_the_current_one() -> None:
    recorder = Recorder(DEPLOY_NO_VERSION)
    async with async_client(recorder) as client:
        result = await client.deploy_strategy(STRATEGY_ID)
    _assert_deploys_a_version(recorder.requests)
    DEPLOY_NO_VERSION.check(result)


# Methods that send nothing: backtest(session_id) only builds a session object
# (tests/unit/test_backtest_session.py covers it).
WITHOUT_REQUEST = {"close", "backtest", "historical_battle", "with_options", "with_raw_response"}


def _api_methods(cls: type) -> set[str]:
    # The page iterators (iter_*) call their list method's requests page after page:
    # tests/unit/test_pagination.py has their hand-written cases.
    return {
        name
        for name, member in inspect.getmembers(cls, inspect.isfunction)
        if not name.startswith(("_", "iter_")) and name not in WITHOUT_REQUEST
    }


@pytest.mark.parametrize("cls", [AgentExchangeClient, AsyncAgentExchangeClient])
def test_every_public_method_has_a_hand_written_case(cls: type) -> None:
    covered = {c.method for c in CASES}
    assert _api_methods(cls) - covered == set(), "write a case for these by hand"
    assert covered - _api_methods(cls) == set(), "cases for methods the client lacks"


def test_case_ids_are_unique() -> None:
    assert len(IDS) == len(set(IDS))


def test_the_docs_methods_are_all_there() -> None:
    # The 37 methods of seed 000, the agent-management methods of seeds 003/004, and (issue 13)
    # the platform SDK's indicator and deflated-Sharpe methods with our two for its server-only routes.
    documented = {
        "get_price", "get_all_prices", "get_candles", "get_ticker", "get_recent_trades", "get_orderbook",
        "place_market_order", "place_limit_order", "place_stop_loss", "place_take_profit", "get_order",
        "get_open_orders", "cancel_order", "cancel_all_orders", "get_trade_history",
        "get_account_info", "get_balance", "get_positions", "get_portfolio", "get_pnl", "reset_account",
        "get_performance", "get_portfolio_history", "get_leaderboard",
        "create_strategy", "get_strategies", "get_strategy", "create_version", "deploy_strategy", "undeploy_strategy",
        "run_test", "get_test_status", "get_test_results", "compare_versions",
        "get_training_runs", "get_training_run", "compare_training_runs",
        "create_agent", "list_agents", "get_agents_overview", "get_agent", "update_agent", "clone_agent",
        "reset_agent", "archive_agent", "delete_agent", "get_agent_api_key", "regenerate_agent_key",
        "get_agent_risk_profile", "update_agent_risk", "get_agent_skill", "register", "login",
        # the platform SDK's (wire §1 "Market data" 7-8, "Other") and ours for its server-only routes
        "get_available_indicators", "get_indicators", "compute_deflated_sharpe", "get_tickers", "get_data_range",
    }  # fmt: skip
    assert len(documented) == 37 + 14 + 2 + 5
    assert documented <= _api_methods(AgentExchangeClient)
