"""Domain layer: What the strategy service keeps: strategies, their versions and test runs, per account.

Part of the mock's in-memory domain core (docs/architecture.md "Domain core"). Records
here are mutable and only touched under the service's lock; callers get frozen snapshots
(``*Info``), so a handler serialising a test run never races the worker updating it. A
strategy's status is *derived* (archived once deleted, else deployed, else testing while a
test is active, else validated once one completed, else draft) rather than stored, so it
cannot drift from the facts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from .backtest import EpisodeResult, TestPlan, TestResults

ACTIVE = frozenset({"queued", "running"})
FINISHED = frozenset({"completed", "failed", "cancelled"})


@dataclass(frozen=True, slots=True)
class VersionInfo:
    version_id: str
    strategy_id: str
    version: int
    definition: Mapping[str, Any]
    change_notes: str | None
    parent_version: int | None
    status: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class TestRunInfo:
    __test__ = False  # not a pytest test class

    test_run_id: str
    strategy_id: str
    version: int
    status: str  # queued | running | completed | failed | cancelled
    episodes_total: int
    episodes_completed: int
    progress_pct: Decimal
    created_at: datetime
    started_at: datetime | None
    completed_at: datetime | None
    config: Mapping[str, Any]
    results: TestResults | None
    recommendations: tuple[str, ...] | None
    error: str | None


@dataclass(frozen=True, slots=True)
class StrategyInfo:
    strategy_id: str
    name: str
    description: str | None
    current_version: int
    status: str
    deployed_version: int | None
    deployed_at: datetime | None
    created_at: datetime
    updated_at: datetime
    current_definition: Mapping[str, Any]
    latest_test: TestRunInfo | None  # the most recently completed test, any version


@dataclass(frozen=True, slots=True)
class VersionMetrics:
    """A version's numbers from its latest completed test (None: never tested)."""

    version: int
    avg_roi_pct: Decimal | None
    avg_sharpe: Decimal | None
    avg_max_drawdown_pct: Decimal | None
    total_trades: int
    episodes_completed: int


@dataclass(frozen=True, slots=True)
class VersionComparison:
    v1: VersionMetrics
    v2: VersionMetrics
    improvements: Mapping[str, Decimal]  # positive = v2 better (drawdown: v1 - v2)
    verdict: str


@dataclass(slots=True)
class VersionRecord:
    version_id: str
    version: int
    definition: dict[str, Any]
    change_notes: str | None
    parent_version: int | None
    created_at: datetime


@dataclass(slots=True)
class TestRecord:
    __test__ = False  # not a pytest test class

    test_run_id: str
    account_id: str
    strategy_id: str
    version: int
    plan: TestPlan
    created_at: datetime
    status: str = "queued"
    started_at: datetime | None = None
    completed_at: datetime | None = None
    episodes: list[EpisodeResult] = field(default_factory=list)
    episode_fraction: Decimal = Decimal(0)  # how far into the running episode the replay is
    results: TestResults | None = None
    recommendations: tuple[str, ...] | None = None
    error: str | None = None

    def snapshot(self) -> TestRunInfo:
        total = len(self.plan.windows)
        done = len(self.episodes)
        if self.status == "completed":
            progress = Decimal(100)
        else:
            progress = ((done + self.episode_fraction) * 100 / total).quantize(Decimal("0.01"))
        return TestRunInfo(
            test_run_id=self.test_run_id,
            strategy_id=self.strategy_id,
            version=self.version,
            status=self.status,
            episodes_total=total,
            episodes_completed=done,
            progress_pct=progress,
            created_at=self.created_at,
            started_at=self.started_at,
            completed_at=self.completed_at,
            config=self.plan.config,
            results=self.results,
            recommendations=self.recommendations,
            error=self.error,
        )


@dataclass(slots=True)
class StrategyRecord:
    strategy_id: str
    account_id: str
    seq: int  # creation order, to break created_at ties ("newest first")
    name: str
    description: str | None
    created_at: datetime
    updated_at: datetime
    versions: list[VersionRecord] = field(default_factory=list)
    current_version: int = 1
    deployed_version: int | None = None
    deployed_at: datetime | None = None
    tests: list[TestRecord] = field(default_factory=list)
    archived: bool = False  # DELETE archives; the strategy stays readable

    def version(self, number: int) -> VersionRecord | None:
        return self.versions[number - 1] if 1 <= number <= len(self.versions) else None

    def latest_completed(self, version: int | None = None) -> TestRecord | None:
        done = [
            t
            for t in self.tests
            if t.status == "completed" and (version is None or t.version == version)
        ]
        # completed_at is simulated time and may tie; list order breaks the tie.
        return max(reversed(done), key=lambda t: t.completed_at or t.created_at, default=None)

    def status(self) -> str:
        if self.archived:
            return "archived"
        if self.deployed_version is not None:
            return "deployed"
        if any(t.status in ACTIVE for t in self.tests):
            return "testing"
        if any(t.status == "completed" for t in self.tests):
            return "validated"
        return "draft"

    def version_status(self, number: int) -> str:
        if self.deployed_version == number:
            return "deployed"
        mine = [t for t in self.tests if t.version == number]
        if any(t.status in ACTIVE for t in mine):
            return "testing"
        if any(t.status == "completed" for t in mine):
            return "validated"
        return "draft"

    def version_info(self, record: VersionRecord) -> VersionInfo:
        return VersionInfo(
            version_id=record.version_id,
            strategy_id=self.strategy_id,
            version=record.version,
            definition=record.definition,
            change_notes=record.change_notes,
            parent_version=record.parent_version,
            status=self.version_status(record.version),
            created_at=record.created_at,
        )

    def snapshot(self) -> StrategyInfo:
        latest = self.latest_completed()
        current = self.version(self.current_version)
        return StrategyInfo(
            strategy_id=self.strategy_id,
            name=self.name,
            description=self.description,
            current_version=self.current_version,
            status=self.status(),
            deployed_version=self.deployed_version,
            deployed_at=self.deployed_at,
            created_at=self.created_at,
            updated_at=self.updated_at,
            current_definition=current.definition if current is not None else {},
            latest_test=latest.snapshot() if latest is not None else None,
        )
