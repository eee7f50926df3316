"""Strategies and training through the real mock server (loopback socket, responses validated)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest

from agentexchange.mock.testing import MockServer

DEFINITION = {
    "pairs": ["BTCUSDT"],
    "timeframe": "1h",
    "entry_conditions": {"rsi_below": 45},
    "exit_conditions": {"stop_loss_pct": 2, "take_profit_pct": 2, "max_hold_candles": 24},
    "position_size_pct": 20,
    "max_positions": 1,
}


@pytest.fixture(scope="module")
def mock() -> Iterator[MockServer]:
    with MockServer(seed=7, pairs=20, validate_responses=True) as server:
        yield server


@pytest.fixture(scope="module")
def http(mock: MockServer) -> Iterator[httpx.Client]:
    key = mock.credentials()["api_key"]
    with httpx.Client(base_url=mock.base_url, headers={"X-API-Key": key}, timeout=30) as client:
        yield client


def test_strategy_lifecycle_over_http(mock: MockServer, http: httpx.Client) -> None:
    created = http.post("/api/v1/strategies", json={"name": "RSI dip", "definition": DEFINITION})
    assert created.status_code == 201, created.text
    sid = created.json()["strategy_id"]

    now = mock.exchange.clock.now()
    start = (now - timedelta(days=20)).isoformat()
    body: dict[str, Any] = {
        "version": 1,
        "episodes": 3,
        "episode_duration_days": 5,
        "date_range": {"start": start, "end": now.isoformat()},
    }
    queued = http.post(f"/api/v1/strategies/{sid}/test", json=body)
    assert queued.status_code == 201, queued.text
    tid = queued.json()["test_run_id"]
    assert queued.json()["status"] in ("queued", "running", "completed")

    mock.exchange.strategies.wait(tid, timeout=60)
    done = http.get(f"/api/v1/strategy-tests/{tid}")
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "completed" and done.json()["progress_pct"] == 100
    assert http.get(f"/api/v1/strategies/{sid}/tests/{tid}").json() == done.json()
    assert http.get(f"/api/v1/strategies/{sid}").json()["status"] == "validated"

    deployed = http.post(f"/api/v1/strategies/{sid}/deploy", json={"version": 1})
    assert deployed.status_code == 200 and deployed.json()["status"] == "deployed"
    again = http.post(f"/api/v1/strategies/{sid}/deploy", json={"version": 1})
    assert again.status_code == 409 and again.json()["error"]["code"] == "STRATEGY_INVALID_STATE"
    assert http.post(f"/api/v1/strategies/{sid}/undeploy").json()["status"] == "validated"

    compared = http.get(f"/api/v1/strategies/{sid}/compare-versions", params={"v1": 1, "v2": 1})
    assert compared.status_code == 200 and compared.json()["improvements"]["avg_roi_pct"] == 0

    too_big = http.post(
        f"/api/v1/strategies/{sid}/test",
        json={**body, "episodes": 100, "episode_duration_days": 365, "interval": "1m"},
    )
    assert too_big.status_code == 400
    assert too_big.json()["error"]["code"] == "TEST_LIMIT_EXCEEDED"
    assert too_big.json()["error"]["details"]["max_work"] > 0

    missing = http.get("/api/v1/strategies/3f2b1c0d-9e8f-4a7b-8c6d-5e4f3a2b1c0d")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "STRATEGY_NOT_FOUND"


def test_training_run_over_http(http: httpx.Client) -> None:
    run_id = "5b6c7d8e-9f0a-4b1c-8d2e-3f4a5b6c7d8e"
    assert http.post("/api/v1/training/runs", json={"run_id": run_id}).status_code == 201
    assert http.post("/api/v1/training/runs", json={"run_id": run_id}).status_code == 409
    reported = http.post(
        f"/api/v1/training/runs/{run_id}/episodes", json={"episode_number": 1, "roi_pct": 1.5}
    )
    assert reported.status_code == 200 and reported.json()["episodes_completed"] == 1
    assert http.post(f"/api/v1/training/runs/{run_id}/complete").json()["status"] == "completed"
    late = http.post(f"/api/v1/training/runs/{run_id}/episodes", json={"episode_number": 2})
    assert late.status_code == 409
    detail = http.get(f"/api/v1/training/runs/{run_id}").json()
    assert detail["learning_curve"]["raw_values"] == [1.5]
    compared = http.get("/api/v1/training/compare", params={"run_ids": run_id})
    assert compared.status_code == 200 and compared.json()["runs"][0]["run_id"] == run_id
