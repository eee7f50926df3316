"""Domain layer: ``Strategies``: the strategy service of the mock exchange's domain core.

docs/architecture.md "Domain core": strategy versions and a backtest runner. Strategies
belong to an account (another account's strategy or test is simply not found — nothing
leaks); each has numbered versions; deploy/undeploy is a small state machine (409
``STRATEGY_INVALID_STATE`` on a wrong move); deleting archives (kept and readable, no
longer deployable or testable); a strategy test plans its episodes (``backtest.plan_test``,
with the work cap), then runs on the bounded ``TestWorker`` while its progress is visible,
until it ends or is cancelled (the worker stops at its next check); ``compare_versions``
sets two versions' latest results side by side, ``compare`` ranks strategies
(``ranking.py``). A deploy and a completed test publish ``strategy.deployed`` and
``strategy.test.completed`` on the ``EventBus`` (webhooks). No HTTP here: the handlers in
``web/handlers/strategies.py`` translate.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from ..clock import SimClock
from ..errors import DomainError, not_found
from ..events import EventBus
from ..market.candles import INTERVAL_SECONDS
from ..webhooks import STRATEGY_DEPLOYED, STRATEGY_TEST_COMPLETED, account_event
from .backtest import (
    DEFAULT_MAX_WORK,
    BacktestCancelled,
    Bar,
    load_bars,
    plan_test,
    recommend,
    run_episode,
    summarize,
)
from .definition import Definition, normalize_definition
from .ranking import Candidate, Comparison, rank
from .store import (
    ACTIVE,
    FINISHED,
    StrategyInfo,
    StrategyRecord,
    TestRecord,
    TestRunInfo,
    VersionComparison,
    VersionInfo,
    VersionMetrics,
    VersionRecord,
)
from .worker import TestWorker

log = logging.getLogger("agentexchange.mock.strategies")

DEFAULT_STARTING_BALANCE = Decimal(10000)


class Strategies:
    def __init__(
        self,
        clock: SimClock,
        market: Any,
        events: EventBus | None = None,
        *,
        threads: int = 2,
        max_queue: int = 64,
        max_active_tests_per_account: int = 3,
        max_work: int = DEFAULT_MAX_WORK,
        synchronous: bool = False,
    ) -> None:
        """``synchronous=True`` runs each test inside ``run_test`` (for tests and scripts)."""
        self._clock = clock
        self._market = market
        self._events = events
        self._max_active = max_active_tests_per_account
        self._max_work = max_work
        self._synchronous = synchronous
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)  # notified whenever a test moves on
        self._strategies: dict[str, StrategyRecord] = {}
        self._tests: dict[str, TestRecord] = {}
        self._seq = 0
        self._worker = TestWorker(self._execute, threads=threads, max_queue=max_queue)
        self._closed = False

    @property
    def closing(self) -> threading.Event:
        """Set once ``close()`` began: running tests stop at their next check."""
        return self._worker.stopping

    # ------------------------------------------------------------ lookups
    def _strategy(self, account_id: str, strategy_id: str) -> StrategyRecord:
        record = self._strategies.get(str(strategy_id))
        if record is None or record.account_id != account_id:
            raise not_found("STRATEGY_NOT_FOUND", "Strategy", strategy_id)
        return record

    @staticmethod
    def _not_archived(record: StrategyRecord, action: str) -> None:
        if record.archived:
            raise DomainError(
                "STRATEGY_INVALID_STATE",
                f"Strategy is archived; it cannot be {action}.",
                409,
                {
                    "current_status": "archived",
                    "required_status": ["draft", "testing", "validated"],
                },
            )

    def _publish(self, event: str, account_id: str, payload: Mapping[str, Any]) -> None:
        # Outside the service's lock: a listener (the webhook outbox) takes its own.
        if self._events is not None:
            self._events.publish(event, account_event(account_id, payload))

    @staticmethod
    def _version(record: StrategyRecord, number: int) -> VersionRecord:
        version = record.version(number)
        if version is None:
            raise DomainError(
                "VERSION_NOT_FOUND",
                f"Strategy {record.strategy_id} has no version {number}.",
                404,
                {
                    "strategy_id": record.strategy_id,
                    "version": number,
                    "latest_version": len(record.versions),
                },
            )
        return version

    # ------------------------------------------------------------ strategies
    def create(
        self,
        account_id: str,
        name: str,
        definition: Mapping[str, Any],
        description: str | None = None,
    ) -> StrategyInfo:
        now = self._clock.now()
        stored = normalize_definition(definition)
        with self._lock:
            self._seq += 1
            record = StrategyRecord(
                strategy_id=str(uuid.uuid4()),
                account_id=account_id,
                seq=self._seq,
                name=name,
                description=description,
                created_at=now,
                updated_at=now,
            )
            record.versions.append(VersionRecord(str(uuid.uuid4()), 1, stored, None, None, now))
            self._strategies[record.strategy_id] = record
            return record.snapshot()

    def list_strategies(
        self, account_id: str, *, status: str | None = None, limit: int = 50, offset: int = 0
    ) -> tuple[list[StrategyInfo], int]:
        """One page of the account's strategies, newest first, and the total count."""
        with self._lock:
            mine = [s for s in self._strategies.values() if s.account_id == account_id]
            if status is not None:
                mine = [s for s in mine if s.status() == status]
            mine.sort(key=lambda s: (s.created_at, s.seq), reverse=True)
            return [s.snapshot() for s in mine[offset : offset + limit]], len(mine)

    def get(self, account_id: str, strategy_id: str) -> StrategyInfo:
        with self._lock:
            return self._strategy(account_id, strategy_id).snapshot()

    def update(
        self,
        account_id: str,
        strategy_id: str,
        *,
        name: str | None = None,
        description: str | None = None,
    ) -> StrategyInfo:
        """Rename or redescribe; a None leaves the member, and all None is 422 (as on the platform)."""
        if name is None and description is None:
            raise DomainError("VALIDATION_ERROR", "No fields to update.", 422, {"field": "body"})
        with self._lock:
            record = self._strategy(account_id, strategy_id)
            if name is not None:
                record.name = name
            if description is not None:
                record.description = description
            record.updated_at = self._clock.now()
            return record.snapshot()

    def archive(self, account_id: str, strategy_id: str) -> StrategyInfo:
        """DELETE: archived, not removed (readable, no longer deployable or testable);
        archiving again answers the same. A deployed strategy must be undeployed first."""
        with self._lock:
            record = self._strategy(account_id, strategy_id)
            if record.deployed_version is not None:
                raise DomainError(
                    "STRATEGY_INVALID_STATE",
                    "Cannot archive a deployed strategy. Undeploy it first.",
                    409,
                    {
                        "current_status": "deployed",
                        "required_status": ["draft", "testing", "validated"],
                    },
                )
            record.archived = True
            record.updated_at = self._clock.now()
            return record.snapshot()

    def create_version(
        self,
        account_id: str,
        strategy_id: str,
        definition: Mapping[str, Any],
        change_notes: str | None = None,
    ) -> VersionInfo:
        now = self._clock.now()
        stored = normalize_definition(definition)
        with self._lock:
            record = self._strategy(account_id, strategy_id)
            version = VersionRecord(
                str(uuid.uuid4()),
                len(record.versions) + 1,
                stored,
                change_notes,
                record.current_version,
                now,
            )
            record.versions.append(version)
            record.current_version = version.version
            record.updated_at = now
            return record.version_info(version)

    def versions(self, account_id: str, strategy_id: str) -> list[VersionInfo]:
        with self._lock:
            record = self._strategy(account_id, strategy_id)
            return [record.version_info(v) for v in record.versions]

    def version(self, account_id: str, strategy_id: str, version: int) -> VersionInfo:
        with self._lock:
            record = self._strategy(account_id, strategy_id)
            return record.version_info(self._version(record, version))

    def deploy(self, account_id: str, strategy_id: str, version: int | None = None) -> StrategyInfo:
        """draft/testing/validated -> deployed; the deployed version becomes current."""
        now = self._clock.now()
        with self._lock:
            record = self._strategy(account_id, strategy_id)
            self._not_archived(record, "deployed")
            number = record.current_version if version is None else version
            self._version(record, number)
            status = record.status()
            if status == "deployed":
                raise DomainError(
                    "STRATEGY_INVALID_STATE",
                    f"Strategy is already deployed (version {record.deployed_version}); undeploy it first.",
                    409,
                    {
                        "current_status": status,
                        "required_status": ["draft", "testing", "validated"],
                        "deployed_version": record.deployed_version,
                    },
                )
            record.deployed_version = number
            record.current_version = number
            record.deployed_at = now
            record.updated_at = now
            deployed = record.snapshot()
        self._publish(
            STRATEGY_DEPLOYED,
            account_id,
            {"strategy_id": deployed.strategy_id, "version": number, "status": "deployed"},
        )
        return deployed

    def undeploy(self, account_id: str, strategy_id: str) -> StrategyInfo:
        """deployed -> validated (or draft when it was never tested)."""
        now = self._clock.now()
        with self._lock:
            record = self._strategy(account_id, strategy_id)
            status = record.status()
            if status != "deployed":
                raise DomainError(
                    "STRATEGY_INVALID_STATE",
                    f"Strategy is {status}, not deployed.",
                    409,
                    {"current_status": status, "required_status": "deployed"},
                )
            record.deployed_version = None
            record.deployed_at = None
            record.updated_at = now
            return record.snapshot()

    # ------------------------------------------------------------ tests
    def run_test(
        self,
        account_id: str,
        strategy_id: str,
        *,
        version: int,
        start: datetime,
        end: datetime,
        episodes: int = 10,
        episode_duration_days: int = 30,
        randomize_dates: bool = True,
        starting_balance: Decimal = DEFAULT_STARTING_BALANCE,
        symbol: str | None = None,
        interval: str | None = None,
    ) -> TestRunInfo:
        """Plan and queue a backtest of one version; errors before anything is queued."""
        with self._lock:
            record = self._strategy(account_id, strategy_id)
            self._not_archived(record, "tested")
            definition = Definition.parse(self._version(record, version).definition)
        if interval is not None and interval not in INTERVAL_SECONDS:
            raise DomainError(
                "VALIDATION_ERROR", f"Unknown interval {interval!r}.", 422, {"field": "interval"}
            )
        plan = plan_test(
            definition,
            start=start,
            end=end,
            now=self._clock.now(),
            episodes=episodes,
            episode_duration_days=episode_duration_days,
            randomize_dates=randomize_dates,
            starting_balance=starting_balance,
            symbol=symbol,
            interval=interval,
            max_work=self._max_work,
        )
        for pair in plan.pairs:
            if not self._market.has(pair):
                raise DomainError(
                    "INVALID_SYMBOL", f"Unknown trading pair '{pair}'.", 400, {"symbol": pair}
                )
        with self._lock:
            if self._closed:
                raise DomainError("SERVICE_UNAVAILABLE", "The exchange is shutting down.", 503)
            record = self._strategy(account_id, strategy_id)  # it may have changed meanwhile
            self._not_archived(record, "tested")
            active = sum(
                1 for t in self._tests.values() if t.account_id == account_id and t.status in ACTIVE
            )
            if active >= self._max_active:
                raise self._busy(
                    f"{active} strategy tests of this account are still queued or running.",
                    {"limit": self._max_active, "active": active},
                )
            test = TestRecord(
                test_run_id=str(uuid.uuid4()),
                account_id=account_id,
                strategy_id=record.strategy_id,
                version=version,
                plan=plan,
                created_at=self._clock.now(),
            )
            self._tests[test.test_run_id] = test
            record.tests.append(test)
            record.updated_at = test.created_at
            queued = test.snapshot()
        if self._synchronous:
            self._execute(test.test_run_id)
            return self.test(account_id, test.test_run_id)
        if not self._worker.submit(test.test_run_id):
            with self._lock:
                del self._tests[test.test_run_id]
                record.tests.remove(test)
            raise self._busy("The strategy test queue is full.", {"queue": "full"})
        return queued

    @staticmethod
    def _busy(message: str, details: Mapping[str, Any]) -> DomainError:
        # Temporary, and nothing was queued: 429 with Retry-After lets clients retry safely.
        return DomainError(
            "RATE_LIMIT_EXCEEDED",
            f"{message} Try again when one finishes.",
            429,
            details,
            {"Retry-After": "1"},
        )

    def test(self, account_id: str, test_id: str, strategy_id: str | None = None) -> TestRunInfo:
        """A test run by id (optionally required to belong to ``strategy_id``)."""
        with self._lock:
            if strategy_id is not None:
                self._strategy(account_id, strategy_id)
            test = self._tests.get(str(test_id))
            if (
                test is None
                or test.account_id != account_id
                or (strategy_id is not None and test.strategy_id != str(strategy_id))
            ):
                raise not_found("TEST_RUN_NOT_FOUND", "Test run", test_id)
            return test.snapshot()

    def tests(self, account_id: str, strategy_id: str) -> list[TestRunInfo]:
        """The strategy's test runs, newest first."""
        with self._lock:
            record = self._strategy(account_id, strategy_id)
            return [t.snapshot() for t in reversed(record.tests)]

    def latest_results(self, account_id: str, strategy_id: str) -> TestRunInfo:
        """The most recently completed test of the strategy (404 while there is none)."""
        with self._lock:
            record = self._strategy(account_id, strategy_id)
            latest = record.latest_completed()
            if latest is None:
                raise DomainError(
                    "TEST_RUN_NOT_FOUND",
                    "No completed test results found.",
                    404,
                    {"strategy_id": record.strategy_id},
                )
            return latest.snapshot()

    def cancel_test(self, account_id: str, strategy_id: str, test_id: str) -> TestRunInfo:
        """A queued test never starts, a running one stops at its worker's next check
        (``run_episode`` asks every few hundred candles); a finished one is answered as it is."""
        with self._changed:
            self._strategy(account_id, strategy_id)
            test = self._tests.get(str(test_id))
            if (
                test is None
                or test.account_id != account_id
                or test.strategy_id != str(strategy_id)
            ):
                raise not_found("TEST_RUN_NOT_FOUND", "Test run", test_id)
            if test.status in ACTIVE:
                test.status = "cancelled"
                test.error = "Cancelled."
                test.completed_at = self._clock.now()
                self._strategies[test.strategy_id].updated_at = test.completed_at
                self._changed.notify_all()
            return test.snapshot()

    def wait(self, test_id: str, timeout: float | None = None) -> TestRunInfo:
        """Block until the test finished (any account); TimeoutError if it did not in time."""
        with self._changed:
            test = self._tests.get(str(test_id))
            if test is None:
                raise not_found("TEST_RUN_NOT_FOUND", "Test run", test_id)
            if not self._changed.wait_for(lambda: test.status in FINISHED, timeout):
                raise TimeoutError(f"test {test_id} is still {test.status}")
            return test.snapshot()

    def _execute(self, test_id: str) -> None:
        """Run one queued test to its end; called on a worker thread (or inline)."""
        with self._changed:
            test = self._tests.get(test_id)
            if test is None or test.status != "queued":
                return
            test.status = "running"
            test.started_at = self._clock.now()
            self._changed.notify_all()
            definition = Definition.parse(
                self._strategies[test.strategy_id].versions[test.version - 1].definition
            )
        plan = test.plan
        shutting_down = self._worker.stopping.is_set

        def stopping() -> bool:
            return shutting_down() or test.status == "cancelled"

        try:
            for window in plan.windows:
                if stopping():
                    raise BacktestCancelled
                # Indicators need history before the window; those candles are read, not traded.
                since = window.start - timedelta(
                    seconds=INTERVAL_SECONDS[plan.interval] * plan.warmup_candles
                )
                bars: dict[str, list[Bar]] = {
                    pair: load_bars(self._market, pair, plan.interval, since, window.end)
                    for pair in plan.pairs
                }
                result = run_episode(
                    definition,
                    window,
                    bars,
                    starting_balance=plan.starting_balance,
                    interval=plan.interval,
                    cancelled=stopping,
                    progress=lambda fraction: self._progress(test, fraction),
                )
                with self._changed:
                    test.episodes.append(result)
                    test.episode_fraction = Decimal(0)
                    self._changed.notify_all()
            results = summarize(test.episodes)
            notes = recommend(definition, results)
            outcome, error = "completed", None
        except BacktestCancelled:
            outcome, error = "cancelled", "The exchange shut down before the test finished."
        except Exception as exc:  # reported on the test run, never raised into the worker
            log.exception("strategy test %s failed", test_id)
            outcome, error = "failed", f"{type(exc).__name__}: {exc}"
        with self._changed:
            if test.status == "cancelled":  # cancel_test got there first; its answer stands
                return
            if outcome == "completed":
                test.results, test.recommendations = results, notes
            test.status, test.error = outcome, error
            test.completed_at = self._clock.now()
            self._strategies[test.strategy_id].updated_at = test.completed_at
            self._changed.notify_all()
        if outcome == "completed":
            self._publish(
                STRATEGY_TEST_COMPLETED,
                test.account_id,
                {
                    "test_run_id": test.test_run_id,
                    "strategy_id": test.strategy_id,
                    "status": "completed",
                },
            )

    def _progress(self, test: TestRecord, fraction: Decimal) -> None:
        with self._lock:
            test.episode_fraction = fraction

    # ------------------------------------------------------------ compare
    def compare_versions(
        self, account_id: str, strategy_id: str, v1: int, v2: int
    ) -> VersionComparison:
        with self._lock:
            record = self._strategy(account_id, strategy_id)
            self._version(record, v1)
            self._version(record, v2)
            m1, m2 = _metrics(record, v1), _metrics(record, v2)
        improvements: dict[str, Decimal] = {}
        if m1.avg_roi_pct is not None and m2.avg_roi_pct is not None:
            assert m1.avg_sharpe is not None and m2.avg_sharpe is not None
            assert m1.avg_max_drawdown_pct is not None and m2.avg_max_drawdown_pct is not None
            improvements = {
                "avg_roi_pct": m2.avg_roi_pct - m1.avg_roi_pct,
                "avg_sharpe": m2.avg_sharpe - m1.avg_sharpe,
                # less drawdown is better, so improvement is v1's minus v2's
                "avg_max_drawdown_pct": m1.avg_max_drawdown_pct - m2.avg_max_drawdown_pct,
            }
        return VersionComparison(m1, m2, improvements, _verdict(v1, v2, m1, m2, improvements))

    def compare(
        self, account_id: str, strategy_ids: list[str], ranking_metric: str = "sharpe_ratio"
    ) -> Comparison:
        """Rank strategies of the account (404 for any other) by their latest completed tests."""
        with self._lock:
            candidates = []
            for strategy_id in strategy_ids:
                record = self._strategy(account_id, strategy_id)
                latest = record.latest_completed()
                candidates.append(
                    Candidate(
                        record.strategy_id,
                        record.name,
                        record.current_version,
                        record.status(),
                        latest.results if latest is not None else None,
                    )
                )
        return rank(candidates, ranking_metric)

    def close(self, timeout: float = 5.0) -> None:
        """Stop the worker: running tests end as cancelled, queued ones never start."""
        with self._lock:
            self._closed = True
        never_started = self._worker.close(timeout)
        with self._changed:
            for test_id in never_started:
                test = self._tests.get(test_id)
                if test is not None and test.status == "queued":
                    test.status = "cancelled"
                    test.error = "The exchange shut down before the test started."
                    test.completed_at = self._clock.now()
            self._changed.notify_all()


def _metrics(record: StrategyRecord, version: int) -> VersionMetrics:
    latest = record.latest_completed(version)
    if latest is None or latest.results is None:
        return VersionMetrics(version, None, None, None, 0, 0)
    r = latest.results
    return VersionMetrics(
        version,
        r.avg_roi_pct,
        r.avg_sharpe,
        r.avg_max_drawdown_pct,
        r.total_trades,
        len(r.episodes),
    )


def _verdict(
    v1: int, v2: int, m1: VersionMetrics, m2: VersionMetrics, improvements: Mapping[str, Decimal]
) -> str:
    untested = [m.version for m in (m1, m2) if m.avg_roi_pct is None]
    if untested:
        which = " and ".join(f"v{n}" for n in sorted(set(untested)))
        return f"No completed test for {which}; run a test of each version to compare them."
    names = {"avg_roi_pct": "ROI", "avg_sharpe": "Sharpe", "avg_max_drawdown_pct": "drawdown"}
    better = [names[k] for k, d in improvements.items() if d > 0]
    worse = [names[k] for k, d in improvements.items() if d < 0]
    if not better and not worse:
        return f"v{v1} and v{v2} performed the same."
    if not worse:
        return f"v{v2} is better on {_join(better)}."
    if not better:
        return f"v{v1} is better on {_join(worse)}."
    return f"Mixed: v{v2} is better on {_join(better)}, worse on {_join(worse)}."


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
