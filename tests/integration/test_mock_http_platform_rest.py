"""The rest of the platform over HTTP against the mock (issue 14): health, the account's mode
and risk profile, strategy rename / archive / ranking, a strategy's tests (list, latest
results, cancel), learning curves, and an agent's decisions and feedback — each with its
real effect (a lower risk limit refuses the next order; DELETE archives; a cancelled test
stops) and its documented errors.

Expected values are the platform's recorded answers (tests/data/platform/misc_wire.json)
where the mock must answer the same, and its intended behaviour where the recording shows
a defect (docs/platform.md): unknown runs, tests and metrics are 404 / 422 here.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from .conftest import Account, Api, assert_error, body, random_id
from .sdk_fixtures import STRATEGY_CONFIG
from .test_mock_http_strategies_training import (
    WAIT_SECONDS,
    backtest_request,
    create_strategy,
    iso,
    run_to_completion,
)

DEFAULT_RISK = {"max_position_size_pct": 25, "daily_loss_limit_pct": 20, "max_open_orders": 50}


# --------------------------------------------------------------------------- health
def test_health_is_public_and_uncounted(api: Api, mock: Any, account: Account) -> None:
    for key in (None, account.agent_key):
        response = api.get("/health", key=key)
        assert response.status_code == 200, response.text
        assert not any(h.startswith("x-ratelimit") for h in response.headers)  # as on the platform
        health = body(response)
        assert health["status"] == "ok" and health["stale_pairs"] == []
        assert health["total_pairs"] == len(mock.exchange.market.pairs())
        assert health["ingestion_active"] is False  # this mock's clock moves only when told


# --------------------------------------------------------------------------- mode, risk
def test_account_mode_is_a_label_per_account(api: Api, account: Account, new_account: Any) -> None:
    assert body(api.get("/api/v1/account/mode", key=account.agent_key)) == {
        "mode": "live",
        "active_strategy_label": None,
        "active_backtests": 0,
        "total_backtests_completed": 0,
    }
    switched = api.post(
        "/api/v1/account/mode",
        key=account.agent_key,
        json={"mode": "backtest", "strategy_label": "wire_momentum"},
    )
    assert body(switched)["mode"] == "backtest"
    assert body(switched)["active_strategy_label"] == "wire_momentum"
    # The account key (no agent) reads the account's mode; another account keeps its own.
    assert body(api.get("/api/v1/account/mode", key=account.api_key))["mode"] == "backtest"
    assert body(api.get("/api/v1/account/mode", key=new_account().agent_key))["mode"] == "live"
    back = body(api.post("/api/v1/account/mode", key=account.agent_key, json={"mode": "live"}))
    assert (back["mode"], back["active_strategy_label"]) == ("live", None)


def test_account_mode_errors(api: Api, account: Account) -> None:
    assert_error(api.get("/api/v1/account/mode"), 401, "INVALID_API_KEY")
    assert_error(
        api.post("/api/v1/account/mode", key=account.agent_key, json={"mode": "paper"}),
        422,
        "VALIDATION_ERROR",
        field="mode",
    )


def test_a_lower_position_limit_refuses_the_next_order(api: Api, account: Account) -> None:
    order = {"symbol": "BTCUSDT", "side": "buy", "type": "market", "quantity": "0.01"}
    response = api.put(
        "/api/v1/account/risk-profile",
        key=account.agent_key,
        json={"max_position_size_pct": 1, "daily_loss_limit_pct": 10, "max_open_orders": 25},
    )
    assert body(response) == {
        "max_position_size_pct": 1,
        "daily_loss_limit_pct": 10,
        "max_open_orders": 25,
    }
    info = body(api.get("/api/v1/account/info", key=account.agent_key))
    assert info["risk_profile"]["max_position_size_pct"] == 1
    refused = api.post("/api/v1/trade/order", key=account.agent_key, json=order)
    assert_error(refused, 400, "ORDER_REJECTED", details={"reason": "position_limit_exceeded"})
    restored = api.put("/api/v1/account/risk-profile", key=account.agent_key, json=DEFAULT_RISK)
    assert body(restored) == DEFAULT_RISK
    assert api.post("/api/v1/trade/order", key=account.agent_key, json=order).status_code == 201


def test_risk_profile_errors(api: Api, account: Account) -> None:
    assert_error(
        api.put(
            "/api/v1/account/risk-profile",
            key=account.agent_key,
            json={"max_position_size_pct": 40},
        ),
        422,
        "VALIDATION_ERROR",
    )
    assert_error(
        api.put(
            "/api/v1/account/risk-profile",
            key=account.agent_key,
            json={"max_position_size_pct": 500, "daily_loss_limit_pct": 10, "max_open_orders": 5},
        ),
        422,
        "VALIDATION_ERROR",
        field="max_position_size_pct",
    )
    assert_error(api.put("/api/v1/account/risk-profile", json=DEFAULT_RISK), 401, "INVALID_API_KEY")


# --------------------------------------------------------------------------- strategies
def test_rename_and_archive(api: Api, account: Account) -> None:
    sid = create_strategy(api, account)["strategy_id"]
    renamed = api.put(
        f"/api/v1/strategies/{sid}",
        key=account.agent_key,
        json={"name": "Wire RSI dip (renamed)", "description": "updated by the wire recorder"},
    )
    assert body(renamed)["name"] == "Wire RSI dip (renamed)"
    assert body(renamed)["description"] == "updated by the wire recorder"
    first = api.delete(f"/api/v1/strategies/{sid}", key=account.agent_key)
    assert first.status_code == 200 and body(first)["status"] == "archived"
    again = api.delete(f"/api/v1/strategies/{sid}", key=account.agent_key)
    assert again.status_code == 200 and body(again)["status"] == "archived"
    assert body(api.get(f"/api/v1/strategies/{sid}", key=account.agent_key))["status"] == "archived"
    listed = body(
        api.get("/api/v1/strategies", key=account.agent_key, params={"status": "archived"})
    )
    assert [s["strategy_id"] for s in listed["strategies"]] == [sid]
    assert_error(
        api.post(f"/api/v1/strategies/{sid}/deploy", key=account.agent_key, json={"version": 1}),
        409,
        "STRATEGY_INVALID_STATE",
    )


def test_strategy_management_errors(api: Api, account: Account, new_account: Any) -> None:
    sid = create_strategy(api, account)["strategy_id"]
    assert_error(
        api.put(f"/api/v1/strategies/{sid}", key=account.agent_key, json={"name": ""}),
        422,
        "VALIDATION_ERROR",
        field="name",
    )
    assert_error(
        api.put(f"/api/v1/strategies/{sid}", key=account.agent_key, json={"name": None}),
        422,
        "VALIDATION_ERROR",
    )
    assert_error(
        api.put(f"/api/v1/strategies/{random_id()}", key=account.agent_key, json={"name": "x"}),
        404,
        "STRATEGY_NOT_FOUND",
    )
    other = new_account()
    assert_error(
        api.delete(f"/api/v1/strategies/{sid}", key=other.agent_key), 404, "STRATEGY_NOT_FOUND"
    )
    assert (
        api.post(
            f"/api/v1/strategies/{sid}/deploy", key=account.agent_key, json={"version": 1}
        ).status_code
        == 200
    )
    assert_error(
        api.delete(f"/api/v1/strategies/{sid}", key=account.agent_key),
        409,
        "STRATEGY_INVALID_STATE",
    )
    assert_error(api.delete(f"/api/v1/strategies/{sid}"), 401, "INVALID_API_KEY")


def test_compare_ranks_the_tested_strategy_first(api: Api, mock: Any, account: Account) -> None:
    fresh = create_strategy(api, account, "Wire MACD trend")["strategy_id"]
    untested = body(
        api.post(
            "/api/v1/strategies/compare",
            key=account.agent_key,
            json={"strategy_ids": [fresh, fresh]},
        )
    )
    assert untested["winner_id"] is None and untested["ranking_metric"] == "sharpe_ratio"
    assert untested["recommendation"] == (
        "No strategies have completed test results yet. Run tests before comparing."
    )
    tested = create_strategy(api, account, "Wire RSI dip")["strategy_id"]
    run_to_completion(api, mock, account, tested, 1)
    ranked = body(
        api.post(
            "/api/v1/strategies/compare",
            key=account.agent_key,
            json={"strategy_ids": [fresh, tested], "ranking_metric": "roi_pct"},
        )
    )
    first, second = ranked["strategies"]
    assert (first["strategy_id"], first["rank"], first["has_test_results"]) == (tested, 1, True)
    assert (second["strategy_id"], second["rank"], second["metrics"]["roi_pct"]) == (fresh, 2, None)
    assert ranked["winner_id"] == tested
    assert isinstance(first["metrics"]["roi_pct"], Decimal | int)  # a JSON number
    assert ranked["recommendation"].startswith("Wire RSI dip ranks first by roi_pct (")


def test_compare_errors(api: Api, account: Account) -> None:
    sid = create_strategy(api, account)["strategy_id"]
    assert_error(
        api.post("/api/v1/strategies/compare", key=account.agent_key, json={"strategy_ids": [sid]}),
        422,
        "VALIDATION_ERROR",
        field="strategy_ids",
    )
    assert_error(
        api.post(
            "/api/v1/strategies/compare",
            key=account.agent_key,
            json={"strategy_ids": [sid, sid], "ranking_metric": "nope"},
        ),
        422,
        "VALIDATION_ERROR",
        field="ranking_metric",
    )
    assert_error(
        api.post(
            "/api/v1/strategies/compare",
            key=account.agent_key,
            json={"strategy_ids": [sid, random_id()]},
        ),
        404,
        "STRATEGY_NOT_FOUND",
    )


def test_a_strategys_tests_latest_results_and_cancel(api: Api, mock: Any, account: Account) -> None:
    sid = create_strategy(api, account)["strategy_id"]
    assert body(api.get(f"/api/v1/strategies/{sid}/tests", key=account.agent_key)) == []
    assert_error(
        api.get(f"/api/v1/strategies/{sid}/test-results", key=account.agent_key),
        404,
        "TEST_RUN_NOT_FOUND",
    )
    done = run_to_completion(api, mock, account, sid, 1)
    latest = body(api.get(f"/api/v1/strategies/{sid}/test-results", key=account.agent_key))
    assert latest["test_run_id"] == done["test_run_id"] and latest["status"] == "completed"
    assert latest["results"]["total_trades"] >= 0 and latest["config"]["episodes"] == 2
    # A big test, cancelled at once: queued or running, it ends cancelled and stays so.
    big = backtest_request(mock, 1, episodes=20, episode_duration_days=30)
    now = mock.exchange.clock.now()
    big["date_range"] = {
        "start": iso(now - timedelta(days=700)),
        "end": iso(now - timedelta(days=1)),
    }
    started = api.post(f"/api/v1/strategies/{sid}/test", key=account.agent_key, json=big)
    assert started.status_code == 201, started.text
    tid = body(started)["test_run_id"]
    cancelled = api.post(f"/api/v1/strategies/{sid}/tests/{tid}/cancel", key=account.agent_key)
    assert body(cancelled)["status"] == "cancelled" and body(cancelled)["test_run_id"] == tid
    final = mock.exchange.strategies.wait(tid, timeout=WAIT_SECONDS)
    assert final.status == "cancelled" and final.results is None
    tests = body(api.get(f"/api/v1/strategies/{sid}/tests", key=account.agent_key))
    assert [(t["test_run_id"], t["status"]) for t in tests] == [
        (tid, "cancelled"),
        (done["test_run_id"], "completed"),
    ]
    # The latest completed results are still the first test's.
    latest_again = body(api.get(f"/api/v1/strategies/{sid}/test-results", key=account.agent_key))
    assert latest_again["test_run_id"] == done["test_run_id"]
    # Cancelling a finished test answers it as it is.
    finished = api.post(
        f"/api/v1/strategies/{sid}/tests/{done['test_run_id']}/cancel", key=account.agent_key
    )
    assert body(finished)["status"] == "completed"


def test_test_route_errors(api: Api, account: Account, new_account: Any) -> None:
    sid = create_strategy(api, account)["strategy_id"]
    assert_error(
        api.post(f"/api/v1/strategies/{sid}/tests/{random_id()}/cancel", key=account.agent_key),
        404,
        "TEST_RUN_NOT_FOUND",
    )
    assert_error(
        api.post(f"/api/v1/strategies/{sid}/tests/not-a-uuid/cancel", key=account.agent_key),
        422,
        "VALIDATION_ERROR",
        field="test_id",
    )
    other = new_account()
    assert_error(
        api.get(f"/api/v1/strategies/{sid}/tests", key=other.agent_key), 404, "STRATEGY_NOT_FOUND"
    )
    assert_error(api.get(f"/api/v1/strategies/{sid}/test-results"), 401, "INVALID_API_KEY")


# --------------------------------------------------------------------------- training
def test_learning_curve_as_the_platform_computes_it(api: Api, account: Account) -> None:
    run_id = random_id()
    assert (
        api.post(
            "/api/v1/training/runs", key=account.agent_key, json={"run_id": run_id}
        ).status_code
        == 201
    )
    for n, roi, sharpe in ((1, 0.5, 0.3), (2, 2.0, 0.6), (3, 3.5, 0.9)):
        api.post(
            f"/api/v1/training/runs/{run_id}/episodes",
            key=account.agent_key,
            json={"episode_number": n, "roi_pct": roi, "sharpe_ratio": sharpe},
        )
    curve = body(api.get(f"/api/v1/training/runs/{run_id}/learning-curve", key=account.agent_key))
    assert curve == {
        "episode_numbers": [1, 2, 3],
        "raw_values": [Decimal("0.5"), 2, Decimal("3.5")],
        "smoothed_values": [Decimal("0.5"), Decimal("1.25"), 2],
        "metric": "roi_pct",
        "window": 10,
    }
    sharpe = body(
        api.get(
            f"/api/v1/training/runs/{run_id}/learning-curve",
            key=account.agent_key,
            params={"metric": "sharpe_ratio", "window": 2},
        )
    )
    assert sharpe["smoothed_values"] == [Decimal("0.3"), Decimal("0.45"), Decimal("0.75")]


def test_learning_curve_errors(api: Api, account: Account) -> None:
    unknown = f"/api/v1/training/runs/{random_id()}/learning-curve"
    assert_error(api.get(unknown, key=account.agent_key), 404, "TRAINING_RUN_NOT_FOUND")
    assert_error(
        api.get(unknown, key=account.agent_key, params={"window": 0}),
        422,
        "VALIDATION_ERROR",
        field="window",
    )
    assert_error(
        api.get(unknown, key=account.agent_key, params={"metric": "nope"}),
        422,
        "VALIDATION_ERROR",
        field="metric",
    )
    assert_error(api.get(unknown), 401, "INVALID_API_KEY")


# --------------------------------------------------------------------------- decisions, feedback
def login(api: Api, account: Account) -> str:
    response = api.post(
        "/api/v1/auth/login", json={"api_key": account.api_key, "api_secret": account.api_secret}
    )
    return str(body(response)["token"])


def test_decision_trace_and_analysis(api: Api, mock: Any, account: Account) -> None:
    journal = mock.exchange.journal
    placed = api.post(
        "/api/v1/trade/order",
        key=account.agent_key,
        json={"symbol": "BTCUSDT", "side": "buy", "type": "market", "quantity": "0.01"},
    )
    order_id = body(placed)["order_id"]
    journal.record_signal(
        account.agent_id, "t-1", "rsi_dip", "BTCUSDT", "buy", confidence=Decimal("0.72")
    )
    journal.record_decision(
        account.agent_id, "buy", trace_id="t-1", symbol="BTCUSDT", confidence=Decimal("0.72"),
        order_id=order_id, outcome_pnl=Decimal("12.5"),
    )  # fmt: skip
    journal.record_api_call(
        account.agent_id, "t-1", "sdk", "/api/v1/trade/order", Decimal("41.3"), status_code=201
    )
    journal.record_decision(
        account.agent_id,
        "sell",
        trace_id="t-2",
        confidence=Decimal("0.5"),
        outcome_pnl=Decimal("-7.5"),
    )
    token = login(api, account)
    trace = body(api.get(f"/api/v1/agents/{account.agent_id}/decisions/trace/t-1", token=token))
    assert [s["strategy_name"] for s in trace["signals"]] == ["rsi_dip"]
    assert trace["decision"]["order_id"] == order_id and trace["decision"]["confidence"] == "0.72"
    assert trace["order"]["id"] == order_id and trace["order"]["status"] == "filled"
    assert Decimal(trace["trade"]["quantity"]) == Decimal("0.01") and trace["pnl"] == "12.5"
    assert [c["status_code"] for c in trace["api_calls"]] == [201]
    empty = body(api.get(f"/api/v1/agents/{account.agent_id}/decisions/trace/never", token=token))
    assert empty == {
        "trace_id": "never",
        "signals": [],
        "decision": None,
        "api_calls": [],
        "order": None,
        "trade": None,
        "pnl": None,
    }
    analysis = body(api.get(f"/api/v1/agents/{account.agent_id}/decisions/analyze", token=token))
    assert (analysis["total"], analysis["wins"], analysis["losses"], analysis["win_rate"]) == (
        2,
        1,
        1,
        Decimal("0.5"),
    )
    assert analysis["avg_pnl"] == "2.5" and analysis["avg_confidence"] == "0.61"
    assert sorted(analysis["by_direction"]) == ["buy", "sell"]
    buys = body(
        api.get(
            f"/api/v1/agents/{account.agent_id}/decisions/analyze",
            token=token,
            params={"direction": "buy", "min_confidence": "0.6", "pnl_outcome": "positive"},
        )
    )
    assert [d["trace_id"] for d in buys["decisions"]] == ["t-1"]


def test_decision_errors(api: Api, account: Account, new_account: Any) -> None:
    token = login(api, account)
    analyze = f"/api/v1/agents/{account.agent_id}/decisions/analyze"
    assert_error(
        api.get(analyze, token=token, params={"min_confidence": "2"}),
        422,
        "VALIDATION_ERROR",
        field="min_confidence",
    )
    assert_error(
        api.get(analyze, token=token, params={"direction": "up"}),
        422,
        "VALIDATION_ERROR",
        field="direction",
    )
    assert_error(
        api.get(analyze, token=token, params={"start": "yesterday"}),
        422,
        "VALIDATION_ERROR",
        field="start",
    )
    assert_error(
        api.get(f"/api/v1/agents/{random_id()}/decisions/trace/t", token=token),
        404,
        "AGENT_NOT_FOUND",
    )
    other = new_account()
    assert_error(api.get(analyze, key=other.api_key), 403, "PERMISSION_DENIED")
    assert_error(
        api.get(f"/api/v1/agents/{account.agent_id}/decisions/trace/t"), 401, "INVALID_API_KEY"
    )


def test_feedback_lifecycle(api: Api, mock: Any, account: Account) -> None:
    item = mock.exchange.journal.add_feedback(account.agent_id, "Add a trailing take-profit")
    path = f"/api/v1/agents/{account.agent_id}/feedback/{item.id}"
    acknowledged = api.request("PATCH", path, key=account.api_key, json={"status": "acknowledged"})
    assert body(acknowledged) == {
        "id": item.id,
        "agent_id": account.agent_id,
        "status": "acknowledged",
        "resolution": None,
        "resolved_at": None,
        "updated": True,
    }
    resolved = body(
        api.request(
            "PATCH", path, key=account.api_key, json={"status": "resolved", "resolution": "Shipped"}
        )
    )
    assert (resolved["status"], resolved["resolution"]) == ("resolved", "Shipped")
    assert resolved["resolved_at"] is not None


def test_feedback_errors(api: Api, account: Account, new_account: Any) -> None:
    path = f"/api/v1/agents/{account.agent_id}/feedback/{random_id()}"
    assert_error(
        api.request("PATCH", path, key=account.api_key, json={"status": "resolved"}),
        404,
        "FEEDBACK_NOT_FOUND",
    )
    assert_error(
        api.request("PATCH", path, key=account.api_key, json={"status": "done"}),
        422,
        "VALIDATION_ERROR",
        field="status",
    )
    assert_error(
        api.request("PATCH", path, key=new_account().api_key, json={"status": "resolved"}),
        403,
        "PERMISSION_DENIED",
    )
    assert_error(api.request("PATCH", path, json={"status": "resolved"}), 401, "INVALID_API_KEY")


def test_definition_fixture_is_the_shared_one() -> None:
    assert STRATEGY_CONFIG["pairs"] == ["BTCUSDT"]
