"""Strategies, versions, deployment, strategy tests and training runs over HTTP against
the mock (issue 4): a test run goes from queued to completed with metrics (waited for
through ``exchange.strategies.wait``, never a sleep), versions compare, training runs
register / report / complete / compare; plus the documented errors (404 for unknown
strategy / version / test / run ids, 409 state conflicts, 400 TEST_LIMIT_EXCEEDED,
422 VALIDATION_ERROR naming the field)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from .conftest import Account, Api, assert_error, body, codes_with_status, random_id
from .sdk_fixtures import STRATEGY_CONFIG as DEFINITION
from .sdk_fixtures import STRATEGY_CONFIG_V2 as V2_DEFINITION

WAIT_SECONDS = 60


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def create_strategy(api: Api, account: Account, name: str = "RSI dip") -> Any:
    response = api.post(
        "/api/v1/strategies",
        key=account.agent_key,
        json={"name": name, "description": "buy dips", "definition": DEFINITION},
    )
    assert response.status_code == 201, response.text
    return body(response)


def backtest_request(mock: Any, version: int, **extra: Any) -> dict[str, Any]:
    now = mock.exchange.clock.now()
    return {
        "version": version,
        "episodes": 2,
        "episode_duration_days": 7,
        "date_range": {"start": iso(now - timedelta(days=60)), "end": iso(now - timedelta(days=1))},
        **extra,
    }


def run_to_completion(api: Api, mock: Any, account: Account, strategy_id: str, version: int) -> Any:
    response = api.post(
        f"/api/v1/strategies/{strategy_id}/test",
        key=account.agent_key,
        json=backtest_request(mock, version),
    )
    assert response.status_code == 201, response.text
    queued = body(response)
    assert queued["status"] in {"queued", "running", "completed"}
    assert queued["episodes_total"] == 2
    assert 0 <= queued["progress_pct"] <= 100
    mock.exchange.strategies.wait(queued["test_run_id"], timeout=WAIT_SECONDS)
    return queued


# --------------------------------------------------------------------------- strategies


def test_create_list_and_get_a_strategy(api: Api, account: Account) -> None:
    created = create_strategy(api, account)
    assert created["status"] == "draft" and created["current_version"] == 1
    assert created["name"] == "RSI dip" and created["description"] == "buy dips"
    assert created.get("deployed_at") is None
    listed = body(api.get("/api/v1/strategies", key=account.agent_key))
    assert [s["strategy_id"] for s in listed["strategies"]] == [created["strategy_id"]]
    assert listed["total"] == 1
    drafts = body(
        api.get("/api/v1/strategies", key=account.agent_key, params={"status": "deployed"})
    )
    assert drafts["strategies"] == [] and drafts["total"] == 0
    detail = body(api.get(f"/api/v1/strategies/{created['strategy_id']}", key=account.agent_key))
    assert detail["strategy_id"] == created["strategy_id"]
    assert detail["current_definition"]["pairs"] == ["BTCUSDT"]
    assert detail["current_definition"]["entry_conditions"] == DEFINITION["entry_conditions"]
    assert detail.get("latest_test_results") is None


def test_create_strategy_validation_names_the_field(api: Api, account: Account) -> None:
    no_pairs = {"name": "x", "definition": {**DEFINITION, "pairs": []}}
    response = api.post("/api/v1/strategies", key=account.agent_key, json=no_pairs)
    assert_error(response, 422, "VALIDATION_ERROR", field="definition.pairs")
    unknown_rule = {
        "name": "x",
        "definition": {**DEFINITION, "entry_conditions": {"moon_phase": 1}},
    }
    response = api.post("/api/v1/strategies", key=account.agent_key, json=unknown_rule)
    error = assert_error(response, 422, "VALIDATION_ERROR")
    assert error["details"]["field"].startswith("definition.entry_conditions"), error
    no_name = {"definition": DEFINITION}
    response = api.post("/api/v1/strategies", key=account.agent_key, json=no_name)
    assert_error(response, 422, "VALIDATION_ERROR", field="name")


def test_strategy_list_with_an_unknown_status_is_422(api: Api, account: Account) -> None:
    response = api.get("/api/v1/strategies", key=account.agent_key, params={"status": "alive"})
    assert_error(response, 422, "VALIDATION_ERROR", field="status")


def test_unknown_strategy_ids_are_404(api: Api, account: Account) -> None:
    missing = random_id()
    key = account.agent_key
    assert_error(api.get(f"/api/v1/strategies/{missing}", key=key), 404, "STRATEGY_NOT_FOUND")
    assert_error(
        api.get(f"/api/v1/strategies/{missing}/versions", key=key), 404, "STRATEGY_NOT_FOUND"
    )
    assert_error(
        api.post(
            f"/api/v1/strategies/{missing}/versions", key=key, json={"definition": DEFINITION}
        ),
        404,
        "STRATEGY_NOT_FOUND",
    )
    assert_error(
        api.get(f"/api/v1/strategies/{missing}/versions/1", key=key), 404, "STRATEGY_NOT_FOUND"
    )
    assert_error(
        api.post(f"/api/v1/strategies/{missing}/deploy", key=key, json={"version": 1}),
        404,
        "STRATEGY_NOT_FOUND",
    )
    assert_error(
        api.post(f"/api/v1/strategies/{missing}/undeploy", key=key), 404, "STRATEGY_NOT_FOUND"
    )
    assert_error(
        api.get(
            f"/api/v1/strategies/{missing}/compare-versions", key=key, params={"v1": 1, "v2": 2}
        ),
        404,
        "STRATEGY_NOT_FOUND",
    )
    assert_error(
        api.get(f"/api/v1/strategies/{missing}/tests/{random_id()}", key=key),
        404,
        {"STRATEGY_NOT_FOUND", "TEST_RUN_NOT_FOUND"},
    )


def test_another_accounts_strategy_is_not_found(api: Api, new_account: Any) -> None:
    alice, mallory = new_account(), new_account()
    strategy = create_strategy(api, alice)
    response = api.get(f"/api/v1/strategies/{strategy['strategy_id']}", key=mallory.agent_key)
    error = assert_error(response, 404, "STRATEGY_NOT_FOUND")
    assert "RSI dip" not in str(error)
    assert body(api.get("/api/v1/strategies", key=mallory.agent_key))["strategies"] == []


def test_versions_are_numbered_and_readable(api: Api, account: Account) -> None:
    strategy = create_strategy(api, account)
    sid = strategy["strategy_id"]
    response = api.post(
        f"/api/v1/strategies/{sid}/versions",
        key=account.agent_key,
        json={"definition": V2_DEFINITION, "change_notes": "looser entry"},
    )
    assert response.status_code == 201
    v2 = body(response)
    assert v2["version"] == 2 and v2["parent_version"] == 1 and v2["strategy_id"] == sid
    assert v2["change_notes"] == "looser entry"
    versions = body(api.get(f"/api/v1/strategies/{sid}/versions", key=account.agent_key))
    assert [v["version"] for v in versions] == [1, 2]
    one = body(api.get(f"/api/v1/strategies/{sid}/versions/1", key=account.agent_key))
    assert one["definition"]["entry_conditions"] == DEFINITION["entry_conditions"]
    assert body(api.get(f"/api/v1/strategies/{sid}", key=account.agent_key))["current_version"] == 2
    assert_error(
        api.get(f"/api/v1/strategies/{sid}/versions/9", key=account.agent_key),
        404,
        "VERSION_NOT_FOUND",
    )
    assert_error(
        api.get(f"/api/v1/strategies/{sid}/versions/0", key=account.agent_key),
        422,
        "VALIDATION_ERROR",
        field="version",
    )
    bad = api.post(
        f"/api/v1/strategies/{sid}/versions", key=account.agent_key, json={"change_notes": "x"}
    )
    assert_error(bad, 422, "VALIDATION_ERROR", field="definition")


def test_deploy_and_undeploy_state_machine(api: Api, account: Account) -> None:
    sid = create_strategy(api, account)["strategy_id"]
    key = account.agent_key
    not_deployed = api.post(f"/api/v1/strategies/{sid}/undeploy", key=key)
    error = assert_error(not_deployed, 409, "STRATEGY_INVALID_STATE")
    assert error["details"]["required_status"] == "deployed"
    assert error["details"]["current_status"] == "draft"
    assert_error(
        api.post(f"/api/v1/strategies/{sid}/deploy", key=key, json={"version": 5}),
        404,
        "VERSION_NOT_FOUND",
    )
    deployed = api.post(f"/api/v1/strategies/{sid}/deploy", key=key, json={"version": 1})
    assert deployed.status_code == 200
    data = body(deployed)
    assert data["status"] == "deployed" and data["deployed_at"] is not None
    listed = body(api.get("/api/v1/strategies", key=key, params={"status": "deployed"}))
    assert [s["strategy_id"] for s in listed["strategies"]] == [sid]
    undeployed = api.post(f"/api/v1/strategies/{sid}/undeploy", key=key)
    assert undeployed.status_code == 200
    data = body(undeployed)
    assert data["status"] != "deployed" and data.get("deployed_at") is None


def test_deploy_needs_the_version(api: Api, account: Account) -> None:
    # As on the real platform (docs/platform.md, item 27); the SDK fills it in.
    sid = create_strategy(api, account)["strategy_id"]
    response = api.post(f"/api/v1/strategies/{sid}/deploy", key=account.agent_key, json={})
    assert_error(response, 422, "VALIDATION_ERROR", field="version")
    response = api.post(f"/api/v1/strategies/{sid}/deploy", key=account.agent_key)
    assert_error(response, 422, "VALIDATION_ERROR")


# --------------------------------------------------------------------------- strategy tests


def test_a_strategy_test_runs_to_completion_with_metrics(
    api: Api, mock: Any, account: Account
) -> None:
    sid = create_strategy(api, account)["strategy_id"]
    queued = run_to_completion(api, mock, account, sid, 1)
    test_id = queued["test_run_id"]
    by_strategy = api.get(f"/api/v1/strategies/{sid}/tests/{test_id}", key=account.agent_key)
    assert by_strategy.status_code == 200
    done = body(by_strategy)
    assert done["status"] == "completed"
    assert done["episodes_completed"] == done["episodes_total"] == 2
    assert done["progress_pct"] == 100
    assert done["completed_at"] is not None and done["started_at"] is not None
    results = done["results"]
    assert isinstance(results, dict) and results
    for metric in ("avg_roi_pct", "avg_sharpe", "avg_max_drawdown_pct", "total_trades"):
        assert metric in results, results
    assert isinstance(results["total_trades"], int)
    assert isinstance(done.get("recommendations"), list)
    by_id = body(api.get(f"/api/v1/strategy-tests/{test_id}", key=account.agent_key))
    assert by_id == done
    detail = body(api.get(f"/api/v1/strategies/{sid}", key=account.agent_key))
    assert detail["latest_test_results"] is not None


def test_strategy_test_errors(api: Api, mock: Any, account: Account) -> None:
    sid = create_strategy(api, account)["strategy_id"]
    key = account.agent_key
    too_big = backtest_request(mock, 1, episodes=100, episode_duration_days=365, interval="1m")
    assert_error(
        api.post(f"/api/v1/strategies/{sid}/test", key=key, json=too_big),
        400,
        "TEST_LIMIT_EXCEEDED",
    )
    no_version = backtest_request(mock, 7)
    assert_error(
        api.post(f"/api/v1/strategies/{sid}/test", key=key, json=no_version),
        404,
        "VERSION_NOT_FOUND",
    )
    missing_range = {"version": 1}
    assert_error(
        api.post(f"/api/v1/strategies/{sid}/test", key=key, json=missing_range),
        422,
        "VALIDATION_ERROR",
        field="date_range",
    )
    assert_error(
        api.post(f"/api/v1/strategies/{random_id()}/test", key=key, json=backtest_request(mock, 1)),
        404,
        "STRATEGY_NOT_FOUND",
    )
    assert_error(
        api.get(f"/api/v1/strategy-tests/{random_id()}", key=key), 404, "TEST_RUN_NOT_FOUND"
    )
    assert_error(
        api.get(f"/api/v1/strategies/{sid}/tests/{random_id()}", key=key), 404, "TEST_RUN_NOT_FOUND"
    )
    assert_error(
        api.get("/api/v1/strategy-tests/not-a-uuid", key=key),
        422,
        "VALIDATION_ERROR",
        field="test_id",
    )


def test_another_accounts_test_run_is_not_found(api: Api, mock: Any, new_account: Any) -> None:
    alice, mallory = new_account(), new_account()
    sid = create_strategy(api, alice)["strategy_id"]
    test_id = run_to_completion(api, mock, alice, sid, 1)["test_run_id"]
    assert_error(
        api.get(f"/api/v1/strategy-tests/{test_id}", key=mallory.agent_key),
        404,
        "TEST_RUN_NOT_FOUND",
    )


def test_compare_versions_after_testing_both(api: Api, mock: Any, account: Account) -> None:
    sid = create_strategy(api, account)["strategy_id"]
    api.post(
        f"/api/v1/strategies/{sid}/versions",
        key=account.agent_key,
        json={"definition": V2_DEFINITION},
    )
    run_to_completion(api, mock, account, sid, 1)
    run_to_completion(api, mock, account, sid, 2)
    response = api.get(
        f"/api/v1/strategies/{sid}/compare-versions",
        key=account.agent_key,
        params={"v1": 1, "v2": 2},
    )
    assert response.status_code == 200
    data = body(response)
    assert data["v1"]["version"] == 1 and data["v2"]["version"] == 2
    assert data["v1"]["episodes_completed"] == data["v2"]["episodes_completed"] == 2
    assert isinstance(data["verdict"], str) and data["verdict"]
    assert isinstance(data["improvements"], dict)
    missing_v2 = api.get(
        f"/api/v1/strategies/{sid}/compare-versions", key=account.agent_key, params={"v1": 1}
    )
    assert_error(missing_v2, 422, "VALIDATION_ERROR", field="v2")
    unknown = api.get(
        f"/api/v1/strategies/{sid}/compare-versions",
        key=account.agent_key,
        params={"v1": 1, "v2": 9},
    )
    assert_error(unknown, 404, "VERSION_NOT_FOUND")


# --------------------------------------------------------------------------- training runs


def register_run(api: Api, account: Account, **extra: Any) -> Any:
    run_id = str(uuid.uuid4())
    response = api.post(
        "/api/v1/training/runs",
        key=account.agent_key,
        json={"run_id": run_id, "config": {"algorithm": "ppo", "learning_rate": 0.0003}, **extra},
    )
    assert response.status_code == 201, response.text
    data = body(response)
    assert data["run_id"] == run_id
    return data


def report(api: Api, account: Account, run_id: str, number: int, roi: float) -> Any:
    response = api.post(
        f"/api/v1/training/runs/{run_id}/episodes",
        key=account.agent_key,
        json={
            "episode_number": number,
            "roi_pct": roi,
            "sharpe_ratio": 0.5,
            "total_trades": 3,
            "reward_sum": roi * 10,
        },
    )
    return response


def test_training_run_lifecycle(api: Api, account: Account) -> None:
    run = register_run(api, account)
    run_id = run["run_id"]
    assert run["status"] == "running" and run["episodes_completed"] == 0
    for number, roi in ((1, 1.5), (2, 2.5), (3, -0.5)):
        response = report(api, account, run_id, number, roi)
        assert response.status_code == 200, response.text
        assert body(response)["episodes_completed"] == number
    completed = api.post(f"/api/v1/training/runs/{run_id}/complete", key=account.agent_key)
    assert completed.status_code == 200
    data = body(completed)
    assert data["status"] == "completed" and data["completed_at"] is not None
    assert data["episodes_completed"] == 3

    detail = body(api.get(f"/api/v1/training/runs/{run_id}", key=account.agent_key))
    assert [e["episode_number"] for e in detail["episodes"]] == [1, 2, 3]
    assert detail["config"] == {"algorithm": "ppo", "learning_rate": Decimal("0.0003")}
    curve = detail["learning_curve"]
    assert curve["episode_numbers"] == [1, 2, 3]
    assert [float(v) for v in curve["raw_values"]] == [1.5, 2.5, -0.5]
    assert len(curve["smoothed_values"]) == 3
    assert detail["aggregate_stats"]

    late = report(api, account, run_id, 4, 1.0)
    assert_error(late, 409, codes_with_status(409))


def test_training_runs_list_filter_and_compare(api: Api, account: Account) -> None:
    first = register_run(api, account)["run_id"]
    second = register_run(api, account)["run_id"]
    report(api, account, first, 1, 1.0)
    report(api, account, second, 1, 3.0)
    api.post(f"/api/v1/training/runs/{first}/complete", key=account.agent_key)
    runs = body(api.get("/api/v1/training/runs", key=account.agent_key))
    assert [r["run_id"] for r in runs] == [second, first], "newest first"
    running = body(
        api.get("/api/v1/training/runs", key=account.agent_key, params={"status": "running"})
    )
    assert [r["run_id"] for r in running] == [second]
    compared = api.get(
        "/api/v1/training/compare", key=account.agent_key, params={"run_ids": f"{first},{second}"}
    )
    assert compared.status_code == 200
    rows = {r["run_id"]: r for r in body(compared)["runs"]}
    assert set(rows) == {first, second}
    assert rows[first]["status"] == "completed" and rows[second]["status"] == "running"
    assert rows[first]["episodes_completed"] == 1


def test_training_errors(api: Api, account: Account) -> None:
    key = account.agent_key
    run = register_run(api, account)
    duplicate = api.post("/api/v1/training/runs", key=key, json={"run_id": run["run_id"]})
    assert_error(duplicate, 409, "DUPLICATE_RESOURCE")
    assert_error(
        api.post("/api/v1/training/runs", key=key, json={"run_id": "run-1"}),
        422,
        "VALIDATION_ERROR",
        field="run_id",
    )
    missing = random_id()
    assert_error(
        api.get(f"/api/v1/training/runs/{missing}", key=key), 404, "TRAINING_RUN_NOT_FOUND"
    )
    assert_error(report(api, account, missing, 1, 1.0), 404, "TRAINING_RUN_NOT_FOUND")
    assert_error(
        api.post(f"/api/v1/training/runs/{missing}/complete", key=key),
        404,
        "TRAINING_RUN_NOT_FOUND",
    )
    bad_episode = api.post(
        f"/api/v1/training/runs/{run['run_id']}/episodes", key=key, json={"episode_number": 0}
    )
    assert_error(bad_episode, 422, "VALIDATION_ERROR", field="episode_number")
    assert_error(
        api.get("/api/v1/training/runs", key=key, params={"status": "paused"}),
        422,
        "VALIDATION_ERROR",
        field="status",
    )
    assert_error(
        api.get("/api/v1/training/compare", key=key, params={"run_ids": "a,b"}),
        422,
        "VALIDATION_ERROR",
        field="run_ids",
    )
    assert_error(
        api.get("/api/v1/training/compare", key=key), 422, "VALIDATION_ERROR", field="run_ids"
    )
    assert_error(api.get("/api/v1/training/runs"), 401, "INVALID_API_KEY")


def test_another_accounts_training_run_is_not_found(api: Api, new_account: Any) -> None:
    alice, mallory = new_account(), new_account()
    run_id = register_run(api, alice)["run_id"]
    assert_error(
        api.get(f"/api/v1/training/runs/{run_id}", key=mallory.agent_key),
        404,
        "TRAINING_RUN_NOT_FOUND",
    )
    assert body(api.get("/api/v1/training/runs", key=mallory.agent_key)) == []
