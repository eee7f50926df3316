"""The SDK surface in openapi.yaml (x-sdk, x-sdk-model) against the product docs.

The tables below are copied BY HAND from the product docs, kept in tests/data/ with their
source and date (tests/data/README.md): tests/data/product-docs/000-sync-client.txt (the
37 methods and the "Response Models" table), 001-async-client.txt (the same surface) and
003-agent-management-rest.txt (agent management), and from issue 2's agent-management
signatures. The market-analytics and deflated-Sharpe methods (issue 13) are the platform
SDK's (tests/data/platform/tradeready-api-notes.md §1 "Market data" 7-8 and "Other"), plus
our names for its server-only tickers and data-range routes. Issue 14's webhook methods and
compare_strategies are the platform SDK's (the same §1, "Strategies" and "Other" — their
signatures as in its sdk/agentexchange/client.py); the rest of issue 14's (account mode,
risk profile, strategy and test management, learning curve, decisions, feedback, health)
are ours for routes the platform SDK lacks (§1 "Server-only", §2 "Decisions and feedback"). The wire names in
``test_wire_mapping_of_renamed_parameters`` are the platform's
(tests/data/platform/tradeready-api-notes.md §1, tradeready-openapi-excerpt.md).
They are deliberately not derived from the spec, so a drift in either direction fails here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
REQUIRED = object()  # marker: a parameter without a default

# name -> list of (param, default); "*" marks the start of keyword-only parameters.
DOCUMENTED: dict[str, list[Any]] = {
    # Market data (6)
    "get_price": [("symbol", REQUIRED)],
    "get_all_prices": [],
    "get_candles": [("symbol", REQUIRED), ("interval", REQUIRED), ("limit", 100)],
    "get_ticker": [("symbol", REQUIRED)],
    "get_recent_trades": [("symbol", REQUIRED)],
    "get_orderbook": [("symbol", REQUIRED), ("depth", 20)],
    # Trading (9)
    "place_market_order": [("symbol", REQUIRED), ("side", REQUIRED), ("quantity", REQUIRED)],
    "place_limit_order": [
        ("symbol", REQUIRED),
        ("side", REQUIRED),
        ("quantity", REQUIRED),
        ("price", REQUIRED),
    ],
    "place_stop_loss": [
        ("symbol", REQUIRED),
        ("side", REQUIRED),
        ("quantity", REQUIRED),
        ("trigger_price", REQUIRED),
    ],
    "place_take_profit": [
        ("symbol", REQUIRED),
        ("side", REQUIRED),
        ("quantity", REQUIRED),
        ("trigger_price", REQUIRED),
    ],
    "get_order": [("order_id", REQUIRED)],
    "get_open_orders": [],
    "cancel_order": [("order_id", REQUIRED)],
    "cancel_all_orders": [],
    "get_trade_history": [("symbol", None), ("limit", 50)],
    # Account (6)
    "get_account_info": [],
    "get_balance": [],
    "get_positions": [],
    "get_portfolio": [],
    "get_pnl": [],
    "reset_account": [("starting_balance", None)],
    # Analytics (3)
    "get_performance": [("period", "all")],
    "get_portfolio_history": [("interval", None), ("limit", None)],
    "get_leaderboard": [("limit", 10)],
    # Strategies (6)
    "create_strategy": [("name", REQUIRED), ("description", REQUIRED), ("config", REQUIRED)],
    "get_strategies": [],
    "get_strategy": [("strategy_id", REQUIRED)],
    "create_version": [("strategy_id", REQUIRED), ("config", REQUIRED), ("notes", None)],
    "deploy_strategy": [("strategy_id", REQUIRED)],
    "undeploy_strategy": [("strategy_id", REQUIRED)],
    # Strategy testing (4)
    "run_test": [
        ("strategy_id", REQUIRED),
        ("version_id", REQUIRED),
        ("start_time", REQUIRED),
        ("end_time", REQUIRED),
        ("symbol", REQUIRED),
        ("interval", REQUIRED),
    ],
    "get_test_status": [("run_id", REQUIRED)],
    "get_test_results": [("run_id", REQUIRED)],
    "compare_versions": [("strategy_id", REQUIRED), ("version_ids", REQUIRED)],
    # Training (3)
    "get_training_runs": [],
    "get_training_run": [("run_id", REQUIRED)],
    "compare_training_runs": [("run_ids", REQUIRED)],
    # Agent management (seed 003 + issue 2)
    "create_agent": [
        # Seed 003 requires it; seed 004 names it name= (keyword-only, after the documented
        # ones): either may be given, so neither has a default the server would accept.
        ("display_name", None),
        ("starting_balance", "10000.00"),
        ("llm_model", None),
        ("framework", None),
        ("strategy_tags", None),
        ("risk_profile", None),
        ("color", None),
    ],
    "list_agents": [("include_archived", False), ("limit", 100), ("offset", 0)],
    "get_agents_overview": [],
    "get_agent": [("agent_id", REQUIRED)],
    "update_agent": [
        ("agent_id", REQUIRED),
        "*",
        ("display_name", None),
        ("llm_model", None),
        ("framework", None),
        ("strategy_tags", None),
        ("color", None),
    ],
    "clone_agent": [("agent_id", REQUIRED), ("new_name", None)],
    "reset_agent": [("agent_id", REQUIRED)],
    "archive_agent": [("agent_id", REQUIRED)],
    "delete_agent": [("agent_id", REQUIRED)],
    "get_agent_api_key": [("agent_id", REQUIRED)],
    "regenerate_agent_key": [("agent_id", REQUIRED)],
    "get_agent_risk_profile": [("agent_id", REQUIRED)],
    "update_agent_risk": [
        ("agent_id", REQUIRED),
        ("max_position_size_pct", REQUIRED),
        ("daily_loss_limit_pct", REQUIRED),
        ("max_open_orders", REQUIRED),
    ],
    "get_agent_skill": [("agent_id", REQUIRED)],
    # Market analytics and metrics (issue 13: the platform SDK's names and order; ours for the
    # server-only routes)
    "get_available_indicators": [],
    "get_indicators": [("symbol", REQUIRED), ("indicators", None), ("lookback", 200)],
    "get_tickers": [("symbols", None)],
    "get_data_range": [],
    "compute_deflated_sharpe": [
        ("returns", REQUIRED),
        ("num_trials", REQUIRED),
        ("annualization_factor", 252),
    ],
    # Issue 14: the platform SDK's webhook methods and compare_strategies ...
    "create_webhook": [("url", REQUIRED), ("events", REQUIRED), ("description", None)],
    "list_webhooks": [],
    "get_webhook": [("webhook_id", REQUIRED)],
    "update_webhook": [
        ("webhook_id", REQUIRED),
        "*",
        ("url", None),
        ("events", None),
        ("active", None),
        ("description", None),
    ],
    "delete_webhook": [("webhook_id", REQUIRED)],
    "test_webhook": [("webhook_id", REQUIRED)],
    "compare_strategies": [("strategy_ids", REQUIRED), ("ranking_metric", "sharpe_ratio")],
    # ... and ours for the routes its SDK lacks.
    "get_health": [],
    "get_account_mode": [],
    "switch_account_mode": [("mode", REQUIRED), ("strategy_label", None)],
    "update_risk_profile": [
        ("max_position_size_pct", REQUIRED),
        ("daily_loss_limit_pct", REQUIRED),
        ("max_open_orders", REQUIRED),
    ],
    "update_strategy": [("strategy_id", REQUIRED), "*", ("name", None), ("description", None)],
    "delete_strategy": [("strategy_id", REQUIRED)],
    "get_strategy_tests": [("strategy_id", REQUIRED)],
    "get_latest_test_results": [("strategy_id", REQUIRED)],
    "cancel_test": [("strategy_id", REQUIRED), ("test_id", REQUIRED)],
    "get_learning_curve": [("run_id", REQUIRED), ("metric", "roi_pct"), ("window", 10)],
    "get_decision_trace": [("agent_id", REQUIRED), ("trace_id", REQUIRED)],
    "analyze_decisions": [
        ("agent_id", REQUIRED),
        "*",
        ("start", None),
        ("end", None),
        ("min_confidence", None),
        ("direction", None),
        ("pnl_outcome", "all"),
        ("limit", 200),
    ],
    "update_feedback": [
        ("agent_id", REQUIRED),
        ("feedback_id", REQUIRED),
        ("status", REQUIRED),
        ("resolution", None),
    ],
}

# name -> (kind, model): what the docs say each method returns (for a list of scalars, the
# item type instead of a model).
RETURNS: dict[str, tuple[str, str | None]] = {
    "get_price": ("model", "Price"),
    "get_all_prices": ("map_list", "Price"),
    "get_candles": ("list", "Candle"),
    "get_ticker": ("model", "Ticker"),
    "get_recent_trades": ("list", "Trade"),
    "get_orderbook": ("model", "OrderBook"),
    "place_market_order": ("model", "Order"),
    "place_limit_order": ("model", "Order"),
    "place_stop_loss": ("model", "Order"),
    "place_take_profit": ("model", "Order"),
    "get_order": ("model", "Order"),
    "get_open_orders": ("list", "Order"),
    "cancel_order": ("none", None),
    "cancel_all_orders": ("none", None),
    "get_trade_history": ("list", "Trade"),
    "get_account_info": ("model", "AccountInfo"),
    "get_balance": ("model", "Balance"),
    "get_positions": ("list", "Position"),
    "get_portfolio": ("model", "Portfolio"),
    "get_pnl": ("model", "PnL"),
    "get_performance": ("model", "Performance"),
    "get_portfolio_history": ("list", "Snapshot"),
    "get_leaderboard": ("list", "LeaderboardEntry"),
    "get_strategies": ("list", "Strategy"),
    "undeploy_strategy": ("none", None),
    "get_training_runs": ("list", "TrainingRun"),
    "delete_agent": ("none", None),
    "get_agent_skill": ("text", None),
    "list_agents": ("model", "AgentList"),
    "get_available_indicators": ("list", "str"),
    "get_indicators": ("model", "Indicators"),
    "get_tickers": ("map_values", "Ticker"),
    "get_data_range": ("model", "DataRange"),
    "compute_deflated_sharpe": ("model", "DeflatedSharpe"),
    "create_webhook": ("model", "Webhook"),
    "list_webhooks": ("list", "Webhook"),
    "get_webhook": ("model", "Webhook"),
    "update_webhook": ("model", "Webhook"),
    "delete_webhook": ("none", None),
    "test_webhook": ("model", "WebhookTestResult"),
    "compare_strategies": ("model", "StrategyComparison"),
    "get_health": ("model", "Health"),
    "get_account_mode": ("model", "AccountMode"),
    "switch_account_mode": ("model", "AccountMode"),
    "update_risk_profile": ("model", "RiskProfile"),
    "update_strategy": ("model", "Strategy"),
    "delete_strategy": ("model", "Strategy"),
    "get_strategy_tests": ("list", "TestRun"),
    "get_latest_test_results": ("model", "TestRun"),
    "cancel_test": ("model", "TestRun"),
    "get_learning_curve": ("model", "LearningCurve"),
    "get_decision_trace": ("model", "DecisionTrace"),
    "analyze_decisions": ("model", "DecisionAnalysis"),
    "update_feedback": ("model", "Feedback"),
}

# The docs' "Response Models" table (seed 000), in its order.
MODEL_FIELDS: dict[str, list[str]] = {
    "Price": ["symbol", "price", "timestamp"],
    "Ticker": ["symbol", "open", "high", "low", "close", "volume", "change_pct"],
    "Candle": ["open_time", "open", "high", "low", "close", "volume"],
    "Balance": ["total_equity_usdt", "balances"],
    "Position": [
        "symbol",
        "quantity",
        "avg_entry_price",
        "current_price",
        "unrealized_pnl",
        "unrealized_pnl_pct",
    ],
    "Portfolio": [
        "total_equity",
        "starting_balance",
        "roi_pct",
        "unrealized_pnl",
        "realized_pnl",
        "available_cash",
        "position_count",
    ],
    "PnL": ["total_realized", "total_unrealized", "by_symbol"],
    "Order": [
        "order_id",
        "symbol",
        "side",
        "order_type",
        "status",
        "quantity",
        "price",
        "executed_price",
        "slippage_pct",
        "fee",
        "created_at",
    ],
    "Trade": ["trade_id", "symbol", "side", "quantity", "price", "fee", "pnl", "created_at"],
    "Performance": [
        "sharpe_ratio",
        "win_rate",
        "max_drawdown_pct",
        "total_trades",
        "profit_factor",
    ],
    "Snapshot": ["timestamp", "equity"],
    "LeaderboardEntry": ["rank", "display_name", "roi_pct", "total_trades"],
    "AccountInfo": [
        "account_id",
        "display_name",
        "is_active",
        "circuit_breaker_triggered",
        "created_at",
    ],
}

# Wire names the docs and issue 2 pin for renamed or derived fields.
FIELD_WIRE: dict[tuple[str, str], dict[str, Any]] = {
    ("Candle", "open_time"): {"wire": ["time", "bucket"]},
    ("Order", "order_type"): {"wire": "type"},
    ("Order", "quantity"): {"wire": ["quantity", "requested_quantity"]},
    ("Snapshot", "equity"): {"wire": "total_equity"},
    ("Snapshot", "timestamp"): {"wire": ["time", "simulated_at"]},
    ("PnL", "total_realized"): {"wire": "realized_pnl"},
    ("AccountInfo", "is_active"): {"equals": ["status", "active"]},
    ("Portfolio", "position_count"): {"count": "positions"},
}


def _load() -> dict[str, Any]:
    with open(ROOT / "openapi.yaml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)


SPEC = _load()


def _methods() -> dict[str, tuple[str, str, dict[str, Any]]]:
    found: dict[str, tuple[str, str, dict[str, Any]]] = {}
    for path, item in SPEC["paths"].items():
        for verb, op in item.items():
            for method in op.get("x-sdk", []):
                assert method["method"] not in found, f"{method['method']} defined twice"
                found[method["method"]] = (verb, path, method)
    return found


METHODS = _methods()


def _models() -> dict[str, dict[str, Any]]:
    out = {}
    for schema in SPEC["components"]["schemas"].values():
        model = schema.get("x-sdk-model") if isinstance(schema, dict) else None
        if model:
            out[model["name"]] = model
    return out


MODELS = _models()


def test_all_documented_methods_are_described() -> None:
    missing = sorted(set(DOCUMENTED) - set(METHODS))
    assert not missing, f"methods of the docs missing from openapi.yaml: {missing}"
    others = AGENT_METHODS | ANALYTICS_METHODS | PLATFORM_METHODS
    assert len([m for m in DOCUMENTED if m not in others]) == 37


AGENT_METHODS = {
    "create_agent",
    "list_agents",
    "get_agents_overview",
    "get_agent",
    "update_agent",
    "clone_agent",
    "reset_agent",
    "archive_agent",
    "delete_agent",
    "get_agent_api_key",
    "regenerate_agent_key",
    "get_agent_risk_profile",
    "update_agent_risk",
    "get_agent_skill",
}

# Issue 14 (the platform SDK's webhook methods and compare_strategies, and ours).
PLATFORM_METHODS = {
    "create_webhook",
    "list_webhooks",
    "get_webhook",
    "update_webhook",
    "delete_webhook",
    "test_webhook",
    "compare_strategies",
    "get_health",
    "get_account_mode",
    "switch_account_mode",
    "update_risk_profile",
    "update_strategy",
    "delete_strategy",
    "get_strategy_tests",
    "get_latest_test_results",
    "cancel_test",
    "get_learning_curve",
    "get_decision_trace",
    "analyze_decisions",
    "update_feedback",
}

ANALYTICS_METHODS = {
    "get_available_indicators",
    "get_indicators",
    "get_tickers",
    "get_data_range",
    "compute_deflated_sharpe",
}


@pytest.mark.parametrize("name", sorted(DOCUMENTED))
def test_signature_matches_docs(name: str) -> None:
    params = METHODS[name][2].get("params", [])
    expected = DOCUMENTED[name]
    got: list[Any] = []
    kw_started = False
    for p in params:
        if p.get("keyword_only") and not kw_started:
            got.append("*")
            kw_started = True
        got.append((p["name"], p.get("default", REQUIRED) if "default" in p else REQUIRED))
    # Extra parameters beyond the docs are allowed only as keyword-only optionals.
    documented_part = got[: len(expected)]
    assert documented_part == expected, f"{name}: {documented_part} != {expected}"
    extra = got[len(expected) :]
    if extra:
        assert "*" in expected or extra[0] == "*", (
            f"{name}: extra parameters must be keyword-only: {extra}"
        )
        assert all(e == "*" or e[1] is not REQUIRED for e in extra), (
            f"{name}: extra parameters need defaults"
        )


@pytest.mark.parametrize("name", sorted(RETURNS))
def test_return_shape_matches_docs(name: str) -> None:
    kind, model = RETURNS[name]
    returns = METHODS[name][2]["returns"]
    assert returns["kind"] == kind
    assert returns.get("model", returns.get("item")) == model


@pytest.mark.parametrize("model", sorted(MODEL_FIELDS))
def test_model_fields_match_docs(model: str) -> None:
    fields = list(MODELS[model]["fields"])
    assert fields[: len(MODEL_FIELDS[model])] == MODEL_FIELDS[model]


@pytest.mark.parametrize(("model", "field"), sorted(FIELD_WIRE))
def test_renamed_and_derived_fields(model: str, field: str) -> None:
    spec = MODELS[model]["fields"][field]
    for key, value in FIELD_WIRE[(model, field)].items():
        assert spec.get(key) == value, f"{model}.{field}: {key}={spec.get(key)!r}"


def test_wire_mapping_of_renamed_parameters() -> None:
    """The docs' renames onto the real platform's wire (issue 2, item 3)."""
    _, _, stop = METHODS["place_stop_loss"]
    assert {p["name"]: p["wire"] for p in stop["params"]}["trigger_price"] == "body.price"
    assert stop["fixed"] == {"body.type": "stop_loss"}
    _, _, reset = METHODS["reset_account"]
    assert reset["params"][0]["wire"] == "body.new_starting_balance"
    assert reset["fixed"] == {"body.confirm": True}
    _, _, create = METHODS["create_strategy"]
    assert {p["name"]: p["wire"] for p in create["params"]}["config"] == "body.definition"
    _, _, run = METHODS["run_test"]
    wires = {p["name"]: p["wire"] for p in run["params"]}
    assert wires["start_time"] == "body.date_range.start"
    assert wires["end_time"] == "body.date_range.end"
    _, _, compare = METHODS["compare_versions"]
    assert compare["params"][1]["wire"] == ["query.v1", "query.v2"]
    _, _, prices = METHODS["get_all_prices"]
    assert prices["returns"]["also"] == {"timestamp": "timestamp"}
    # issue 13: indicator names travel as one csv query value; returns, num_trials and
    # annualization_factor are the body's members (tradeready-openapi-excerpt.md)
    _, path, indicators = METHODS["get_indicators"]
    assert path == "/api/v1/market/indicators/{symbol}"
    assert [(p["wire"], p.get("csv", False)) for p in indicators["params"]] == [
        ("path.symbol", False),
        ("query.indicators", True),
        ("query.lookback", False),
    ]
    _, path, tickers = METHODS["get_tickers"]
    assert path == "/api/v1/market/tickers" and tickers["returns"]["from"] == "tickers"
    verb, path, dsr = METHODS["compute_deflated_sharpe"]
    assert (verb, path) == ("post", "/api/v1/metrics/deflated-sharpe")
    assert [p["wire"] for p in dsr["params"]] == [
        "body.returns",
        "body.num_trials",
        "body.annualization_factor",
    ]


def test_order_placement_is_idempotent() -> None:
    for name in ("place_market_order", "place_limit_order", "place_stop_loss", "place_take_profit"):
        assert METHODS[name][2].get("idempotent") is True, name
