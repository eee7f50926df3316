"""The strategy service: ownership, versions, deploy state machine, tests on the worker, compare."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from agentexchange.mock.domain.clock import SimClock
from agentexchange.mock.domain.errors import DomainError
from agentexchange.mock.domain.strategies import Strategies

NOW = datetime(2026, 11, 1, tzinfo=UTC)
START = datetime(2026, 10, 1, tzinfo=UTC)
STEP = {"1m": 60, "5m": 300, "15m": 900, "1h": 3600, "4h": 14400, "1d": 86400}

# Enters on dips of a wave, exits on targets: it trades on WAVEUSDT, never on FLATUSDT.
DIP_BUYER = {
    "pairs": ["WAVEUSDT"],
    "timeframe": "1h",
    "entry_conditions": {"rsi_below": 35},
    "exit_conditions": {"take_profit_pct": 3, "stop_loss_pct": 25},
    "position_size_pct": 50,
    "max_positions": 1,
}


class FakeMarket:
    """Deterministic candles: WAVEUSDT is a 48-candle triangle wave, FLATUSDT never moves."""

    symbols = ("WAVEUSDT", "FLATUSDT")

    def __init__(self) -> None:
        self.calls = 0

    def has(self, symbol: str) -> bool:
        return symbol in self.symbols

    def _close(self, symbol: str, k: int) -> Decimal:
        if symbol == "FLATUSDT":
            return Decimal(100)
        phase = k % 48
        return Decimal(100) + (phase if phase < 24 else 48 - phase)

    def candles(
        self,
        symbol: str,
        interval: str,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        limit: int = 100,
    ) -> list[dict[str, Any]]:
        self.calls += 1
        step = STEP[interval]
        assert start is not None and end is not None
        first = -(-int(start.timestamp()) // step)
        out: list[dict[str, Any]] = []
        k = first
        while len(out) < limit and k * step <= end.timestamp():
            opened, close = self._close(symbol, k - 1), self._close(symbol, k)
            out.append(
                {
                    "open_time": datetime.fromtimestamp(k * step, UTC),
                    "open": opened,
                    "high": max(opened, close) + Decimal("0.5"),
                    "low": min(opened, close) - Decimal("0.5"),
                    "close": close,
                    "volume": Decimal(1000),
                }
            )
            k += 1
        return out


class GatedMarket(FakeMarket):
    """Holds every candle request until ``gate`` opens; ``entered`` says one is waiting."""

    def __init__(self) -> None:
        super().__init__()
        self.entered = threading.Event()
        self.gate = threading.Event()

    def candles(self, symbol: str, interval: str, **kw: Any) -> list[dict[str, Any]]:
        self.entered.set()
        assert self.gate.wait(10), "test forgot to open the gate"
        return super().candles(symbol, interval, **kw)


def run_args(**overrides: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "version": 1,
        "start": START,
        "end": NOW,
        "episodes": 3,
        "episode_duration_days": 5,
    }
    args.update(overrides)
    return args


@pytest.fixture
def sync() -> Iterator[Strategies]:
    s = Strategies(SimClock(NOW), FakeMarket(), synchronous=True)
    yield s
    s.close()


# ----------------------------------------------------------------- ownership
def test_strategies_are_private_to_their_account(sync: Strategies) -> None:
    s = sync.create("acct-a", "Dip buyer", DIP_BUYER)
    assert sync.get("acct-a", s.strategy_id).name == "Dip buyer"
    for call in (
        lambda: sync.get("acct-b", s.strategy_id),
        lambda: sync.versions("acct-b", s.strategy_id),
        lambda: sync.deploy("acct-b", s.strategy_id),
        lambda: sync.run_test("acct-b", s.strategy_id, **run_args()),
    ):
        with pytest.raises(DomainError) as err:
            call()
        assert (err.value.status, err.value.code) == (404, "STRATEGY_NOT_FOUND")
    assert sync.list_strategies("acct-b") == ([], 0)


def test_another_accounts_test_run_is_not_found(sync: Strategies) -> None:
    s = sync.create("acct-a", "Dip buyer", DIP_BUYER)
    run = sync.run_test("acct-a", s.strategy_id, **run_args())
    with pytest.raises(DomainError) as err:
        sync.test("acct-b", run.test_run_id)
    assert (err.value.status, err.value.code) == (404, "TEST_RUN_NOT_FOUND")
    other = sync.create("acct-a", "Other", DIP_BUYER)
    with pytest.raises(DomainError):  # right account, wrong strategy
        sync.test("acct-a", run.test_run_id, other.strategy_id)


def test_list_is_newest_first_with_status_filter_and_paging(sync: Strategies) -> None:
    ids = [sync.create("a", f"s{i}", DIP_BUYER).strategy_id for i in range(3)]
    page, total = sync.list_strategies("a", limit=2)
    assert total == 3 and [p.strategy_id for p in page] == ids[::-1][:2]
    sync.deploy("a", ids[0])
    deployed, n = sync.list_strategies("a", status="deployed")
    assert n == 1 and deployed[0].strategy_id == ids[0]


# ----------------------------------------------------------------- versions
def test_versions_number_up_and_become_current(sync: Strategies) -> None:
    s = sync.create("a", "Dip", DIP_BUYER)
    assert s.current_version == 1 and s.status == "draft"
    v2 = sync.create_version("a", s.strategy_id, {**DIP_BUYER, "pairs": ["flatusdt"]}, "flat")
    assert (v2.version, v2.parent_version, v2.change_notes) == (2, 1, "flat")
    assert v2.definition["pairs"] == ["FLATUSDT"]
    detail = sync.get("a", s.strategy_id)
    assert detail.current_version == 2 and detail.current_definition["pairs"] == ["FLATUSDT"]
    assert [v.version for v in sync.versions("a", s.strategy_id)] == [1, 2]
    with pytest.raises(DomainError) as err:
        sync.version("a", s.strategy_id, 3)
    assert (err.value.status, err.value.code) == (404, "VERSION_NOT_FOUND")


# ----------------------------------------------------------------- deploy
def test_deploy_undeploy_state_machine(sync: Strategies) -> None:
    s = sync.create("a", "Dip", DIP_BUYER)
    with pytest.raises(DomainError) as err:
        sync.undeploy("a", s.strategy_id)
    assert (err.value.status, err.value.code) == (409, "STRATEGY_INVALID_STATE")
    assert err.value.details["current_status"] == "draft"

    deployed = sync.deploy("a", s.strategy_id)
    assert deployed.status == "deployed" and deployed.deployed_at == NOW
    with pytest.raises(DomainError) as err:
        sync.deploy("a", s.strategy_id)
    assert err.value.status == 409 and err.value.details["current_status"] == "deployed"

    back = sync.undeploy("a", s.strategy_id)
    assert back.status == "draft" and back.deployed_at is None  # never tested


def test_deploy_a_named_version_makes_it_current_and_undeploy_returns_to_validated(
    sync: Strategies,
) -> None:
    s = sync.create("a", "Dip", DIP_BUYER)
    sync.create_version("a", s.strategy_id, DIP_BUYER)
    sync.run_test("a", s.strategy_id, **run_args(version=1))
    deployed = sync.deploy("a", s.strategy_id, version=1)
    assert deployed.current_version == 1 and deployed.deployed_version == 1
    assert sync.version("a", s.strategy_id, 1).status == "deployed"
    assert sync.undeploy("a", s.strategy_id).status == "validated"
    with pytest.raises(DomainError) as err:
        sync.deploy("a", s.strategy_id, version=9)
    assert err.value.code == "VERSION_NOT_FOUND"


# ----------------------------------------------------------------- tests
def test_a_test_that_trades_reports_metrics_per_episode(sync: Strategies) -> None:
    s = sync.create("a", "Dip", DIP_BUYER)
    run = sync.run_test("a", s.strategy_id, **run_args())
    assert run.status == "completed" and run.progress_pct == 100
    assert run.episodes_total == run.episodes_completed == 3
    r = run.results
    assert r is not None and r.total_trades > 0 and len(r.episodes) == 3
    assert r.win_rate is not None and r.avg_roi_pct > 0  # a wave bought at dips, sold at +3 %
    assert run.recommendations
    assert sync.get("a", s.strategy_id).status == "validated"
    latest = sync.get("a", s.strategy_id).latest_test
    assert latest is not None and latest.test_run_id == run.test_run_id


def test_a_test_that_never_trades(sync: Strategies) -> None:
    s = sync.create("a", "Flat", {**DIP_BUYER, "pairs": ["FLATUSDT"]})
    run = sync.run_test("a", s.strategy_id, **run_args())
    assert run.results is not None
    assert (
        run.results.total_trades == 0
        and run.results.avg_roi_pct == 0
        and run.results.win_rate is None
    )
    assert run.recommendations is not None and "never fired" in run.recommendations[0]


def test_same_inputs_give_the_same_results() -> None:
    runs = []
    for _ in range(2):
        service = Strategies(SimClock(NOW), FakeMarket(), synchronous=True)
        s = service.create("a", "Dip", DIP_BUYER)
        runs.append(service.run_test("a", s.strategy_id, **run_args(episodes=4)).results)
        runs.append(service.run_test("a", s.strategy_id, **run_args(episodes=4)).results)
        service.close()
    assert runs[0] is not None and all(r == runs[0] for r in runs)


def test_symbol_and_interval_override_the_definition(sync: Strategies) -> None:
    s = sync.create("a", "Dip", DIP_BUYER)
    run = sync.run_test("a", s.strategy_id, **run_args(symbol="FLATUSDT", interval="4h"))
    assert run.config["pairs"] == ["FLATUSDT"] and run.config["interval"] == "4h"
    assert run.results is not None and run.results.total_trades == 0
    with pytest.raises(DomainError) as err:
        sync.run_test("a", s.strategy_id, **run_args(symbol="NOPEUSDT"))
    assert (err.value.status, err.value.code, err.value.details["symbol"]) == (
        400,
        "INVALID_SYMBOL",
        "NOPEUSDT",
    )


def test_work_cap_refuses_before_anything_is_queued() -> None:
    market = FakeMarket()
    service = Strategies(SimClock(NOW), market, synchronous=True, max_work=1000)
    s = service.create("a", "Dip", DIP_BUYER)
    with pytest.raises(DomainError) as err:
        service.run_test("a", s.strategy_id, **run_args(episodes=10, episode_duration_days=7))
    assert (err.value.status, err.value.code) == (400, "TEST_LIMIT_EXCEEDED")
    assert err.value.details["max_work"] == 1000 and err.value.details["requested_work"] > 1000
    assert market.calls == 0 and service.get("a", s.strategy_id).status == "draft"
    service.close()


def test_unknown_version_for_a_test(sync: Strategies) -> None:
    s = sync.create("a", "Dip", DIP_BUYER)
    with pytest.raises(DomainError) as err:
        sync.run_test("a", s.strategy_id, **run_args(version=2))
    assert err.value.code == "VERSION_NOT_FOUND"


def test_background_test_is_queued_then_visible_running_then_completed() -> None:
    market = GatedMarket()
    service = Strategies(SimClock(NOW), market, threads=1)
    try:
        s = service.create("a", "Dip", DIP_BUYER)
        run = service.run_test("a", s.strategy_id, **run_args())
        assert run.status in ("queued", "running") and run.progress_pct == 0
        assert market.entered.wait(5)
        running = service.test("a", run.test_run_id)
        assert running.status == "running" and running.started_at == NOW
        assert service.get("a", s.strategy_id).status == "testing"
        market.gate.set()
        done = service.wait(run.test_run_id, timeout=10)
        assert (
            done.status == "completed" and done.episodes_completed == 3 and done.progress_pct == 100
        )
        assert service.get("a", s.strategy_id).status == "validated"
    finally:
        market.gate.set()
        service.close()


def test_tests_per_account_are_capped_and_the_queue_is_bounded() -> None:
    market = GatedMarket()
    service = Strategies(
        SimClock(NOW), market, threads=1, max_queue=1, max_active_tests_per_account=1
    )
    try:
        a = service.create("a", "Dip", DIP_BUYER)
        b = service.create("b", "Dip", DIP_BUYER)
        c = service.create("c", "Dip", DIP_BUYER)
        first = service.run_test("a", a.strategy_id, **run_args())
        assert market.entered.wait(5)  # the only thread is busy with it
        with pytest.raises(DomainError) as err:
            service.run_test("a", a.strategy_id, **run_args())
        assert (err.value.status, err.value.code) == (429, "RATE_LIMIT_EXCEEDED")
        assert (
            err.value.details == {"limit": 1, "active": 1}
            and err.value.headers["Retry-After"] == "1"
        )
        queued = service.run_test(
            "b", b.strategy_id, **run_args()
        )  # another account: fills the queue
        assert queued.status == "queued"
        with pytest.raises(DomainError) as err:
            service.run_test("c", c.strategy_id, **run_args())
        assert err.value.status == 429 and err.value.details == {"queue": "full"}
        assert service.get("c", c.strategy_id).status == "draft"  # the refused test left no trace
        market.gate.set()
        assert service.wait(first.test_run_id, 10).status == "completed"
        assert service.wait(queued.test_run_id, 10).status == "completed"
    finally:
        market.gate.set()
        service.close()


def test_close_is_prompt_and_cancels_running_and_queued_tests() -> None:
    market = GatedMarket()
    service = Strategies(SimClock(NOW), market, threads=1)
    s = service.create("a", "Dip", DIP_BUYER)
    running = service.run_test("a", s.strategy_id, **run_args())
    assert market.entered.wait(5)
    queued = service.run_test("a", s.strategy_id, **run_args())
    closer = threading.Thread(target=service.close)
    closer.start()
    assert service.closing.wait(5)
    market.gate.set()  # the running test's next check sees the stop flag
    closer.join(5)
    assert not closer.is_alive()
    assert service.test("a", running.test_run_id).status == "cancelled"
    assert service.test("a", queued.test_run_id).status == "cancelled"
    with pytest.raises(DomainError) as err:
        service.run_test("a", s.strategy_id, **run_args())
    assert err.value.status == 503


def test_close_without_any_test_starts_no_threads_and_may_be_repeated() -> None:
    def workers() -> set[threading.Thread]:  # this service's, not other tests' leftovers
        return {t for t in threading.enumerate() if t.name.startswith("strategy-test-")}

    before = workers()
    service = Strategies(SimClock(NOW), FakeMarket())
    service.create("a", "Dip", DIP_BUYER)
    assert workers() <= before
    service.close()
    service.close()


def test_a_failing_market_fails_the_test_not_the_worker() -> None:
    class Broken(FakeMarket):
        def candles(self, symbol: str, interval: str, **kw: Any) -> list[dict[str, Any]]:
            raise RuntimeError("no history")

    service = Strategies(SimClock(NOW), Broken(), threads=1)
    try:
        s = service.create("a", "Dip", DIP_BUYER)
        first = service.wait(service.run_test("a", s.strategy_id, **run_args()).test_run_id, 10)
        assert first.status == "failed" and first.error is not None and "no history" in first.error
        second = service.wait(service.run_test("a", s.strategy_id, **run_args()).test_run_id, 10)
        assert second.status == "failed"  # the thread survived to run it
        assert service.get("a", s.strategy_id).status == "draft"
    finally:
        service.close()


def test_wait_times_out_without_sleeping_forever() -> None:
    market = GatedMarket()
    service = Strategies(SimClock(NOW), market, threads=1)
    try:
        s = service.create("a", "Dip", DIP_BUYER)
        run = service.run_test("a", s.strategy_id, **run_args())
        with pytest.raises(TimeoutError):
            service.wait(run.test_run_id, timeout=0.05)
    finally:
        market.gate.set()
        service.close()


# ----------------------------------------------------------------- compare
def test_compare_versions_uses_each_versions_latest_test(sync: Strategies) -> None:
    s = sync.create("a", "Dip", DIP_BUYER)
    sync.create_version("a", s.strategy_id, {**DIP_BUYER, "pairs": ["FLATUSDT"]})
    untested = sync.compare_versions("a", s.strategy_id, 1, 2)
    assert untested.v1.avg_roi_pct is None and untested.improvements == {}
    assert "No completed test" in untested.verdict

    sync.run_test("a", s.strategy_id, **run_args(version=1))
    sync.run_test("a", s.strategy_id, **run_args(version=2))
    c = sync.compare_versions("a", s.strategy_id, 1, 2)
    assert c.v1.total_trades > 0 and c.v2.total_trades == 0 and c.v2.episodes_completed == 3
    assert c.v1.avg_roi_pct is not None and c.v2.avg_roi_pct == 0
    assert c.improvements["avg_roi_pct"] == -c.v1.avg_roi_pct
    assert c.verdict.startswith("v1 is better") or c.verdict.startswith("Mixed")
    with pytest.raises(DomainError) as err:
        sync.compare_versions("a", s.strategy_id, 1, 5)
    assert err.value.code == "VERSION_NOT_FOUND"


def test_run_test_window_respects_the_clock(sync: Strategies) -> None:
    s = sync.create("a", "Dip", DIP_BUYER)
    run = sync.run_test("a", s.strategy_id, **run_args(end=NOW + timedelta(days=10)))
    assert run.config["date_range"]["end"] == NOW
