"""Training runs: register, report, complete, learning curve, compare — domain and handlers."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest

from agentexchange.mock.domain.clock import SimClock
from agentexchange.mock.domain.errors import DomainError
from agentexchange.mock.domain.principal import Principal
from agentexchange.mock.domain.training import Episode, Training, episode_from
from agentexchange.mock.web.handlers import training as training_handlers
from agentexchange.mock.web.spec import load_spec

from . import handler_calls

NOW = datetime(2026, 11, 23, 10, tzinfo=UTC)
RUN = "5b6c7d8e-9f0a-4b1c-8d2e-3f4a5b6c7d8e"
RUN2 = "6c7d8e9f-0a1b-4c2d-9e3f-4a5b6c7d8e9f"
SPEC = load_spec().by_id()


def ep(
    n: int, roi: str | None = None, reward: str | None = None, trades: int | None = None
) -> Episode:
    return Episode(
        n,
        roi_pct=None if roi is None else Decimal(roi),
        reward_sum=None if reward is None else Decimal(reward),
        total_trades=trades,
    )


@pytest.fixture
def clock() -> SimClock:
    return SimClock(NOW)


@pytest.fixture
def training(clock: SimClock) -> Training:
    return Training(clock)


# ---------------------------------------------------------------- domain
def test_register_starts_a_running_run(training: Training) -> None:
    run = training.register("a", RUN.upper(), {"algorithm": "ppo"})
    assert (run.run_id, run.status, run.episodes_completed, run.episodes_total) == (
        RUN,
        "running",
        0,
        None,
    )
    assert run.started_at == NOW and run.config == {"algorithm": "ppo"}


def test_a_run_id_is_unique_per_account_only(training: Training) -> None:
    training.register("a", RUN)
    with pytest.raises(DomainError) as err:
        training.register("a", RUN)
    assert (err.value.status, err.value.code) == (409, "DUPLICATE_RESOURCE")
    assert (
        training.register("b", RUN).run_id == RUN
    )  # no collision (and nothing leaks) across accounts


def test_another_accounts_run_is_not_found(training: Training) -> None:
    training.register("a", RUN)
    for call in (
        lambda: training.get("b", RUN),
        lambda: training.report_episode("b", RUN, ep(1)),
        lambda: training.complete("b", RUN),
        lambda: training.compare("b", [RUN]),
    ):
        with pytest.raises(DomainError) as err:
            call()
        assert (err.value.status, err.value.code) == (404, "TRAINING_RUN_NOT_FOUND")
    assert training.list_runs("b") == []


def test_reported_episodes_build_a_smoothed_learning_curve(training: Training) -> None:
    training.register("a", RUN)
    for n, roi in [(2, "2.4"), (1, "1.2"), (3, "3.0")]:  # reported out of order
        training.report_episode("a", RUN, ep(n, roi, trades=5))
    run = training.get("a", RUN)
    assert [e.episode_number for e in run.episodes] == [1, 2, 3]
    curve = run.learning_curve(window=2)
    assert curve is not None and curve.metric == "roi_pct" and curve.window == 2
    assert curve.episode_numbers == (1, 2, 3)
    assert curve.raw_values == (Decimal("1.2"), Decimal("2.4"), Decimal("3.0"))
    assert curve.smoothed_values == (Decimal("1.2"), Decimal("1.8"), Decimal("2.7"))
    stats = run.aggregate_stats()
    assert stats is not None
    assert stats["avg_roi_pct"] == Decimal("2.2") and stats["best_roi_pct"] == Decimal("3.0")
    assert stats["total_trades"] == 15 and stats["episodes"] == 3


def test_the_curve_falls_back_to_reward_and_is_absent_without_data(training: Training) -> None:
    training.register("a", RUN)
    assert training.get("a", RUN).learning_curve() is None
    assert training.get("a", RUN).aggregate_stats() is None
    training.report_episode("a", RUN, ep(1, reward="12.5"))
    curve = training.get("a", RUN).learning_curve()
    assert (
        curve is not None
        and curve.metric == "reward_sum"
        and curve.raw_values == (Decimal("12.5"),)
    )


def test_resending_an_episode_is_harmless_but_changing_it_conflicts(training: Training) -> None:
    training.register("a", RUN)
    training.report_episode("a", RUN, ep(1, "1.20"))
    assert training.report_episode("a", RUN, ep(1, "1.2")).episodes_completed == 1  # a retry
    with pytest.raises(DomainError) as err:
        training.report_episode("a", RUN, ep(1, "9.9"))
    assert (err.value.status, err.value.code) == (409, "DUPLICATE_RESOURCE")


def test_non_finite_episode_values_are_refused() -> None:
    with pytest.raises(DomainError) as err:
        episode_from({"episode_number": 1, "roi_pct": float("nan")})
    assert (err.value.status, err.value.details["field"]) == (422, "roi_pct")
    assert episode_from(
        {"episode_number": 2, "roi_pct": Decimal("1.5"), "total_trades": 3}
    ) == Episode(2, roi_pct=Decimal("1.5"), total_trades=3)


def test_complete_fixes_the_total_and_closes_the_run_to_reports(
    training: Training, clock: SimClock
) -> None:
    training.register("a", RUN)
    training.report_episode("a", RUN, ep(1, "1"))
    clock.advance(3600)
    done = training.complete("a", RUN)
    assert (done.status, done.episodes_total, done.completed_at) == ("completed", 1, clock.now())
    with pytest.raises(DomainError) as err:
        training.report_episode("a", RUN, ep(2, "1"))
    assert err.value.status == 409 and err.value.details["current_status"] == "completed"
    clock.advance(60)
    assert training.complete("a", RUN).completed_at == done.completed_at  # idempotent


def test_list_newest_first_with_status_and_paging(training: Training, clock: SimClock) -> None:
    training.register("a", RUN)
    clock.advance(1)
    training.register("a", RUN2)
    training.complete("a", RUN)
    assert [r.run_id for r in training.list_runs("a")] == [RUN2, RUN]
    assert [r.run_id for r in training.list_runs("a", status="completed")] == [RUN]
    assert [r.run_id for r in training.list_runs("a", limit=1, offset=1)] == [RUN]


def test_compare_returns_known_runs_in_the_order_asked(training: Training) -> None:
    training.register("a", RUN)
    training.register("a", RUN2)
    unknown = "00000000-0000-4000-8000-000000000000"
    assert [r.run_id for r in training.compare("a", [RUN2, unknown, RUN, RUN2])] == [RUN2, RUN]
    with pytest.raises(DomainError) as err:
        training.compare("a", [unknown])
    assert err.value.code == "TRAINING_RUN_NOT_FOUND"


# ---------------------------------------------------------------- handlers
class Api:
    def __init__(self) -> None:
        clock = SimClock(NOW)
        self.clock = clock
        exchange: Any = SimpleNamespace(
            clock=clock, market=None, strategies=None, training=Training(clock)
        )
        self.handlers = training_handlers.handlers(exchange)

    def __call__(
        self,
        op_id: str,
        *,
        account: str = "acct-a",
        path: dict[str, Any] | None = None,
        query: dict[str, Any] | None = None,
        body: Any = None,
    ) -> Any:
        principal = Principal(account, None, "api_key")
        return handler_calls.call(
            self.handlers, op_id, principal=principal, path=path, query=query, body=body
        )


def test_training_handlers_follow_the_schemas() -> None:
    api = Api()
    reg = api(
        "register_training_run",
        body={"run_id": RUN, "config": {"algorithm": "ppo", "learning_rate": 0.0003}},
    )
    assert reg["config"] == {"algorithm": "ppo", "learning_rate": 0.0003}  # numbers stay numbers
    assert reg["started_at"] == "2026-11-23T10:00:00Z" and reg["episodes_total"] is None
    api(
        "report_training_episode",
        path={"run_id": RUN},
        body={
            "episode_number": 1,
            "roi_pct": 1.2,
            "sharpe_ratio": 0.8,
            "max_drawdown_pct": 2.0,
            "total_trades": 10,
            "reward_sum": 12.5,
        },
    )
    after = api(
        "report_training_episode", path={"run_id": RUN}, body={"episode_number": 2, "roi_pct": 2.4}
    )
    assert after["episodes_completed"] == 2
    api.clock.advance(3600)
    done = api("complete_training_run", path={"run_id": RUN})
    assert (
        done["status"] == "completed"
        and done["episodes_total"] == 2
        and done["completed_at"] == "2026-11-23T11:00:00Z"
    )

    detail = api("get_training_run", path={"run_id": RUN})
    assert detail["learning_curve"] == {
        "episode_numbers": [1, 2],
        "raw_values": [1.2, 2.4],
        "smoothed_values": [1.2, 1.8],
        "metric": "roi_pct",
        "window": 10,
    }
    assert (
        detail["aggregate_stats"]["avg_roi_pct"] == 1.8
        and detail["aggregate_stats"]["best_roi_pct"] == 2.4
    )
    assert detail["episodes"][0] == {
        "episode_number": 1,
        "session_id": None,
        "roi_pct": 1.2,
        "sharpe_ratio": 0.8,
        "max_drawdown_pct": 2,
        "total_trades": 10,
        "reward_sum": 12.5,
    }
    listed = api("get_training_runs", query={"status": "completed"})
    assert [r["run_id"] for r in listed] == [RUN]
    compared = api("compare_training_runs", query={"run_ids": f"{RUN},{RUN2}"})
    assert [r["run_id"] for r in compared["runs"]] == [RUN]
    assert compared["runs"][0]["aggregate_stats"]["avg_roi_pct"] == 1.8


def test_training_handler_errors() -> None:
    api = Api()
    api("register_training_run", body={"run_id": RUN})
    with pytest.raises(DomainError) as err:
        api("register_training_run", body={"run_id": RUN})
    assert err.value.status == 409
    with pytest.raises(DomainError) as err:
        api("get_training_run", account="acct-b", path={"run_id": RUN})
    assert err.value.status == 404
    detail = api("get_training_run", path={"run_id": RUN})
    assert (
        detail["learning_curve"] is None
        and detail["aggregate_stats"] is None
        and detail["episodes"] == []
    )
