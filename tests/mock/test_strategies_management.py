"""Strategy management the platform has and issue 14 adds: rename, archive, list tests, latest
results, cancel a test (its worker stops), rank strategies, and the two webhook events.

Expected behaviour from the platform's code and recordings (tests/data/platform/misc_wire.json:
DELETE archives and answers the strategy, again on a repeat; a deployed strategy is 409;
compare ranks metric-less strategies last with a fixed recommendation; test lists newest
first), the ranking rules from its ``compare_strategies`` — never from openapi.yaml.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from agentexchange.mock.domain.clock import SimClock
from agentexchange.mock.domain.errors import DomainError
from agentexchange.mock.domain.events import EventBus
from agentexchange.mock.domain.strategies import EpisodeResult, Strategies, TestResults
from agentexchange.mock.domain.strategies.ranking import Candidate, rank

from .test_strategies_service import DIP_BUYER, NOW, FakeMarket, GatedMarket, run_args

FLAT = {**DIP_BUYER, "pairs": ["FLATUSDT"]}


@pytest.fixture
def sync() -> Iterator[Strategies]:
    s = Strategies(SimClock(NOW), FakeMarket(), synchronous=True)
    yield s
    s.close()


def _code(call: Any) -> tuple[int, str]:
    with pytest.raises(DomainError) as raised:
        call()
    return raised.value.status, raised.value.code


# ------------------------------------------------------------------ rename, archive
def test_update_renames_and_redescribes(sync: Strategies) -> None:
    s = sync.create("a", "Dip", DIP_BUYER, "old")
    renamed = sync.update("a", s.strategy_id, name="Dip (renamed)")
    assert (renamed.name, renamed.description) == ("Dip (renamed)", "old")
    described = sync.update("a", s.strategy_id, description="updated")
    assert (described.name, described.description) == ("Dip (renamed)", "updated")
    assert _code(lambda: sync.update("a", s.strategy_id)) == (422, "VALIDATION_ERROR")
    assert _code(lambda: sync.update("b", s.strategy_id, name="x")) == (404, "STRATEGY_NOT_FOUND")


def test_delete_archives_and_an_archived_strategy_is_read_but_not_run(sync: Strategies) -> None:
    s = sync.create("a", "Dip", DIP_BUYER)
    archived = sync.archive("a", s.strategy_id)
    assert archived.status == "archived"
    assert sync.archive("a", s.strategy_id).status == "archived"  # again: the same answer
    assert sync.get("a", s.strategy_id).status == "archived"
    page, total = sync.list_strategies("a", status="archived")
    assert [x.strategy_id for x in page] == [s.strategy_id] and total == 1
    assert _code(lambda: sync.deploy("a", s.strategy_id, 1)) == (409, "STRATEGY_INVALID_STATE")
    assert _code(lambda: sync.run_test("a", s.strategy_id, **run_args())) == (
        409,
        "STRATEGY_INVALID_STATE",
    )


def test_a_deployed_strategy_is_not_archived(sync: Strategies) -> None:
    s = sync.create("a", "Dip", DIP_BUYER)
    sync.deploy("a", s.strategy_id, 1)
    assert _code(lambda: sync.archive("a", s.strategy_id)) == (409, "STRATEGY_INVALID_STATE")
    sync.undeploy("a", s.strategy_id)
    assert sync.archive("a", s.strategy_id).status == "archived"


# ------------------------------------------------------------------ tests of a strategy
def test_tests_newest_first_and_the_latest_completed_results(sync: Strategies) -> None:
    s = sync.create("a", "Dip", DIP_BUYER)
    assert sync.tests("a", s.strategy_id) == []
    missing = _code(lambda: sync.latest_results("a", s.strategy_id))
    assert missing == (404, "TEST_RUN_NOT_FOUND")
    first = sync.run_test("a", s.strategy_id, **run_args(episodes=1))
    second = sync.run_test("a", s.strategy_id, **run_args(episodes=2))
    assert [t.test_run_id for t in sync.tests("a", s.strategy_id)] == [
        second.test_run_id,
        first.test_run_id,
    ]
    latest = sync.latest_results("a", s.strategy_id)
    assert latest.test_run_id == second.test_run_id and latest.results is not None
    assert _code(lambda: sync.tests("b", s.strategy_id)) == (404, "STRATEGY_NOT_FOUND")


def test_cancelling_a_running_test_stops_its_worker_and_frees_it() -> None:
    market = GatedMarket()
    service = Strategies(SimClock(NOW), market, threads=1)
    try:
        s = service.create("a", "Dip", DIP_BUYER)
        running = service.run_test("a", s.strategy_id, **run_args(episodes=5))
        assert market.entered.wait(5)  # the only worker thread is inside it
        queued = service.run_test("a", s.strategy_id, **run_args(episodes=1))
        cancelled = service.cancel_test("a", s.strategy_id, running.test_run_id)
        assert cancelled.status == "cancelled" and cancelled.completed_at == NOW
        market.gate.set()
        # The worker saw the cancellation and moved on: the queued test runs to the end.
        assert service.wait(queued.test_run_id, 10).status == "completed"
        after = service.test("a", running.test_run_id)
        assert after.status == "cancelled" and after.results is None
        assert after.episodes_completed < 5
    finally:
        market.gate.set()
        service.close()


def test_a_cancelled_queued_test_never_starts() -> None:
    market = GatedMarket()
    service = Strategies(SimClock(NOW), market, threads=1)
    try:
        s = service.create("a", "Dip", DIP_BUYER)
        first = service.run_test("a", s.strategy_id, **run_args(episodes=1))
        assert market.entered.wait(5)
        queued = service.run_test("a", s.strategy_id, **run_args(episodes=1))
        assert service.cancel_test("a", s.strategy_id, queued.test_run_id).status == "cancelled"
        market.gate.set()
        assert service.wait(first.test_run_id, 10).status == "completed"
        never = service.test("a", queued.test_run_id)
        assert (never.status, never.started_at, never.episodes_completed) == ("cancelled", None, 0)
    finally:
        market.gate.set()
        service.close()


def test_cancelling_a_finished_or_unknown_test(sync: Strategies) -> None:
    s = sync.create("a", "Dip", DIP_BUYER)
    done = sync.run_test("a", s.strategy_id, **run_args(episodes=1))
    again = sync.cancel_test("a", s.strategy_id, done.test_run_id)
    assert again.status == "completed" and again.results is not None  # answered as it is
    unknown = "00000000-0000-4000-8000-000000000000"
    assert _code(lambda: sync.cancel_test("a", s.strategy_id, unknown)) == (
        404,
        "TEST_RUN_NOT_FOUND",
    )
    other = sync.create("a", "Other", DIP_BUYER)
    assert _code(lambda: sync.cancel_test("a", other.strategy_id, done.test_run_id)) == (
        404,
        "TEST_RUN_NOT_FOUND",
    )


# ------------------------------------------------------------------ the two events
def test_deploy_and_a_completed_test_publish_their_webhook_events() -> None:
    bus = EventBus()
    seen: list[tuple[str, dict[str, Any]]] = []
    for topic in ("strategy.deployed", "strategy.test.completed"):
        bus.subscribe(topic, lambda t, m: seen.append((t, m)))
    service = Strategies(SimClock(NOW), FakeMarket(), bus, synchronous=True)
    try:
        s = service.create("a", "Dip", DIP_BUYER)
        run = service.run_test("a", s.strategy_id, **run_args(episodes=1))
        service.deploy("a", s.strategy_id, 1)
    finally:
        service.close()
    assert seen == [
        (
            "strategy.test.completed",
            {
                "account_id": "a",
                "payload": {
                    "test_run_id": run.test_run_id,
                    "strategy_id": s.strategy_id,
                    "status": "completed",
                },
            },
        ),
        (
            "strategy.deployed",
            {
                "account_id": "a",
                "payload": {"strategy_id": s.strategy_id, "version": 1, "status": "deployed"},
            },
        ),
    ]


# ------------------------------------------------------------------ ranking
def _results(roi: str, sharpe: str, drawdown: str, episodes: int = 1) -> TestResults:
    day = datetime(2026, 10, 1, tzinfo=UTC)
    sharpes = [Decimal(sharpe) + Decimal(n) / 10 for n in range(episodes)]
    return TestResults(
        avg_roi_pct=Decimal(roi),
        avg_sharpe=Decimal(sharpe),
        avg_max_drawdown_pct=Decimal(drawdown),
        best_roi_pct=Decimal(roi),
        worst_roi_pct=Decimal(roi),
        total_trades=4,
        winning_trades=3,
        win_rate=Decimal("75.00"),
        profit_factor=Decimal("2.0000"),
        episodes=tuple(
            EpisodeResult(
                n + 1,
                day,
                day,
                Decimal(roi),
                sharpes[n],
                Decimal(drawdown),
                4,
                3,
                Decimal("75.00"),
                Decimal(1),
                Decimal(1),
                Decimal(0),
                Decimal(10000),
            )
            for n in range(episodes)
        ),
    )


def test_rank_larger_wins_untested_last_and_the_recommendation() -> None:
    a = Candidate("sa", "A", 1, "validated", _results("1.50", "0.80", "4.00"))
    b = Candidate("sb", "B", 2, "validated", _results("2.75", "0.60", "2.00"))
    c = Candidate("sc", "C", 1, "draft", None)
    by_roi = rank([c, a, b], "roi_pct")
    assert [(r.strategy_id, r.rank) for r in by_roi.strategies] == [("sb", 1), ("sa", 2), ("sc", 3)]
    assert by_roi.winner_id == "sb"
    assert by_roi.recommendation == (
        "B ranks first by roi_pct (2.7500) and has no Deflated Sharpe data. Consider deploying."
    )
    assert by_roi.strategies[2].metrics == dict.fromkeys(
        ["sharpe_ratio", "sortino_ratio", "max_drawdown_pct", "win_rate", "roi_pct", "profit_factor", "total_trades"]
    )  # fmt: skip
    assert [r.strategy_id for r in rank([a, b, c], "sharpe_ratio").strategies] == ["sa", "sb", "sc"]
    # Drawdown: the smaller wins.
    assert [r.strategy_id for r in rank([a, b], "max_drawdown_pct").strategies] == ["sb", "sa"]
    # Sortino is not computed by the backtester: nobody has a value, nobody wins.
    none = rank([a, b], "sortino_ratio")
    assert none.winner_id is None and [r.rank for r in none.strategies] == [1, 2]


def test_rank_without_any_results_is_the_platforms_answer() -> None:
    ranked = rank(
        [Candidate("s1", "One", 1, "testing", None), Candidate("s2", "Two", 1, "draft", None)],
        "sharpe_ratio",
    )
    assert [(r.strategy_id, r.rank, r.has_test_results) for r in ranked.strategies] == [
        ("s1", 1, False),
        ("s2", 2, False),
    ]
    assert ranked.winner_id is None
    assert ranked.recommendation == (
        "No strategies have completed test results yet. Run tests before comparing."
    )


def test_ten_episodes_bring_a_deflated_sharpe_verdict() -> None:
    ranked = rank(
        [Candidate("s", "Ten", 1, "validated", _results("1.0", "0.5", "1.0", episodes=10))],
        "roi_pct",
    )
    dsr = ranked.strategies[0].deflated_sharpe
    assert dsr is not None and dsr.num_trials == 1
    assert ranked.recommendation.endswith(
        f"the Deflated Sharpe test (p={dsr.p_value:.4f}). Consider deploying."
    )


def test_compare_reads_the_accounts_strategies(sync: Strategies) -> None:
    tested = sync.create("a", "Tested", DIP_BUYER)
    sync.run_test("a", tested.strategy_id, **run_args(episodes=1))
    fresh = sync.create("a", "Fresh", FLAT)
    result = sync.compare("a", [fresh.strategy_id, tested.strategy_id], "roi_pct")
    assert [r.strategy_id for r in result.strategies] == [tested.strategy_id, fresh.strategy_id]
    assert result.strategies[0].has_test_results and result.strategies[0].status == "validated"
    assert result.winner_id == tested.strategy_id
    assert _code(lambda: sync.compare("b", [fresh.strategy_id, tested.strategy_id])) == (
        404,
        "STRATEGY_NOT_FOUND",
    )
