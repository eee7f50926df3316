"""Domain layer: Training runs: what a learning agent reports to the mock exchange, episode by episode.

Part of the mock's pure-Python domain core: training runs (docs/architecture.md
"Domain core"). An agent registers a run under an id it chose, reports finished episodes
(ROI, Sharpe, drawdown, trades, reward), then completes it; reads give a learning curve
(raw and trailing-mean values of one metric) and aggregate stats, and runs can be
compared. Runs belong to an account: another account's run is not found, and its ids do
not collide with ours.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from .clock import SimClock
from .errors import DomainError, not_found

SMOOTHING_WINDOW = 10
_Q4 = Decimal("0.0001")
CURVE_METRICS = ("roi_pct", "sharpe_ratio", "max_drawdown_pct", "total_trades", "reward_sum")
_ZERO = Decimal(0)


def _q4(value: Decimal) -> Decimal:
    """Four decimal places, or the value as it is when those places would not fit
    Decimal's 28 digits (a reported 1e300 must not turn a read into a 500)."""
    try:
        return value.quantize(_Q4)
    except InvalidOperation:
        return value


@dataclass(frozen=True, slots=True)
class Episode:
    episode_number: int
    session_id: str | None = None
    roi_pct: Decimal | None = None
    sharpe_ratio: Decimal | None = None
    max_drawdown_pct: Decimal | None = None
    total_trades: int | None = None
    reward_sum: Decimal | None = None


@dataclass(frozen=True, slots=True)
class LearningCurve:
    metric: str  # roi_pct, or reward_sum when no episode reported a ROI
    window: int
    episode_numbers: tuple[int, ...]
    raw_values: tuple[Decimal, ...]
    smoothed_values: tuple[Decimal, ...]  # trailing mean over ``window`` points


@dataclass(frozen=True, slots=True)
class TrainingRunInfo:
    run_id: str
    status: str  # running | completed | failed
    config: Mapping[str, Any] | None
    strategy_id: str | None
    episodes_total: int | None  # known once the run completed
    episodes_completed: int
    started_at: datetime
    completed_at: datetime | None
    episodes: tuple[Episode, ...]  # by episode_number

    def learning_curve(self, window: int = SMOOTHING_WINDOW) -> LearningCurve | None:
        """The curve of ROI (else reward) per episode; None before any such value."""
        metric = "roi_pct" if any(e.roi_pct is not None for e in self.episodes) else "reward_sum"
        curve = self.curve(metric, window)
        return curve if curve.episode_numbers else None

    def curve(self, metric: str, window: int = SMOOTHING_WINDOW) -> LearningCurve:
        """One metric per episode (episodes that did not report it left out), raw and as a
        trailing mean over ``window`` points."""
        if metric not in CURVE_METRICS:
            raise DomainError(
                "VALIDATION_ERROR",
                f"metric: must be one of {list(CURVE_METRICS)}.",
                422,
                {"field": "metric"},
            )
        if window < 1:
            raise DomainError(
                "VALIDATION_ERROR", "window: must be at least 1.", 422, {"field": "window"}
            )
        points = [(e.episode_number, getattr(e, metric)) for e in self.episodes]
        known = [(n, Decimal(v)) for n, v in points if v is not None]
        raw = [v for _, v in known]
        smoothed = [
            sum(raw[max(0, i - window + 1) : i + 1], _ZERO)
            / len(raw[max(0, i - window + 1) : i + 1])
            for i in range(len(raw))
        ]
        return LearningCurve(
            metric=metric,
            window=window,
            episode_numbers=tuple(n for n, _ in known),
            raw_values=tuple(raw),
            smoothed_values=tuple(_q4(s) for s in smoothed),
        )

    def aggregate_stats(self) -> dict[str, Decimal | int] | None:
        """Means and extremes over the reported episodes; None before the first one."""
        if not self.episodes:
            return None
        stats: dict[str, Decimal | int] = {"episodes": len(self.episodes)}
        for name, values in (
            ("roi_pct", [e.roi_pct for e in self.episodes]),
            ("sharpe", [e.sharpe_ratio for e in self.episodes]),
            ("max_drawdown_pct", [e.max_drawdown_pct for e in self.episodes]),
            ("reward_sum", [e.reward_sum for e in self.episodes]),
        ):
            known = [v for v in values if v is not None]
            if known:
                stats[f"avg_{name}"] = _q4(sum(known, _ZERO) / len(known))
                stats[f"best_{name}"] = min(known) if name == "max_drawdown_pct" else max(known)
        trades = [e.total_trades for e in self.episodes if e.total_trades is not None]
        if trades:
            stats["total_trades"] = sum(trades)
        return stats


@dataclass(slots=True)
class _Run:
    run_id: str
    account_id: str
    seq: int
    config: dict[str, Any] | None
    strategy_id: str | None
    started_at: datetime
    status: str = "running"
    completed_at: datetime | None = None
    episodes: dict[int, Episode] = field(default_factory=dict)

    def snapshot(self) -> TrainingRunInfo:
        ordered = tuple(self.episodes[n] for n in sorted(self.episodes))
        return TrainingRunInfo(
            run_id=self.run_id,
            status=self.status,
            config=self.config,
            strategy_id=self.strategy_id,
            episodes_total=len(ordered) if self.status != "running" else None,
            episodes_completed=len(ordered),
            started_at=self.started_at,
            completed_at=self.completed_at,
            episodes=ordered,
        )


def _canonical_id(raw: str, field_name: str) -> str:
    try:
        return str(uuid.UUID(str(raw)))
    except ValueError:
        raise DomainError(
            "VALIDATION_ERROR", f"{field_name}: {raw!r} is not a UUID.", 422, {"field": field_name}
        ) from None


class Training:
    def __init__(self, clock: SimClock) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._runs: dict[tuple[str, str], _Run] = {}  # (account_id, run_id): ids are per account
        self._seq = 0

    def _run(self, account_id: str, run_id: str) -> _Run:
        run = self._runs.get((account_id, _canonical_id(run_id, "run_id")))
        if run is None:
            raise not_found("TRAINING_RUN_NOT_FOUND", "Training run", run_id)
        return run

    def register(
        self,
        account_id: str,
        run_id: str,
        config: Mapping[str, Any] | None = None,
        strategy_id: str | None = None,
    ) -> TrainingRunInfo:
        key = (account_id, _canonical_id(run_id, "run_id"))
        with self._lock:
            if key in self._runs:
                raise DomainError(
                    "DUPLICATE_RESOURCE",
                    "A training run with this id exists.",
                    409,
                    {"run_id": key[1]},
                )
            self._seq += 1
            run = _Run(
                run_id=key[1],
                account_id=account_id,
                seq=self._seq,
                config=dict(config) if config is not None else None,
                strategy_id=_canonical_id(strategy_id, "strategy_id") if strategy_id else None,
                started_at=self._clock.now(),
            )
            self._runs[key] = run
            return run.snapshot()

    def list_runs(
        self, account_id: str, *, status: str | None = None, limit: int = 50, offset: int = 0
    ) -> list[TrainingRunInfo]:
        """One page of the account's runs, newest first."""
        with self._lock:
            mine = [r for r in self._runs.values() if r.account_id == account_id]
            if status is not None:
                mine = [r for r in mine if r.status == status]
            mine.sort(key=lambda r: (r.started_at, r.seq), reverse=True)
            return [r.snapshot() for r in mine[offset : offset + limit]]

    def get(self, account_id: str, run_id: str) -> TrainingRunInfo:
        with self._lock:
            return self._run(account_id, run_id).snapshot()

    def report_episode(self, account_id: str, run_id: str, episode: Episode) -> TrainingRunInfo:
        """Record one finished episode. Re-sending the same episode is a no-op (a retried
        request); a different one under a reported number, or any after completion, is 409."""
        with self._lock:
            run = self._run(account_id, run_id)
            if run.status != "running":
                raise DomainError(
                    # x-error-codes has no training-specific state code; this is the state conflict one.
                    "STRATEGY_INVALID_STATE",
                    f"Training run {run.run_id} is {run.status}; episodes can only be reported while it is running.",
                    409,
                    {"current_status": run.status, "required_status": "running"},
                )
            known = run.episodes.get(episode.episode_number)
            if known is not None and known != episode:
                raise DomainError(
                    "DUPLICATE_RESOURCE",
                    f"Episode {episode.episode_number} of this run was already reported with other values.",
                    409,
                    {"episode_number": episode.episode_number},
                )
            run.episodes[episode.episode_number] = episode
            return run.snapshot()

    def complete(self, account_id: str, run_id: str) -> TrainingRunInfo:
        """running -> completed; completing a finished run returns it unchanged."""
        with self._lock:
            run = self._run(account_id, run_id)
            if run.status == "running":
                run.status = "completed"
                run.completed_at = self._clock.now()
            return run.snapshot()

    def compare(self, account_id: str, run_ids: Iterable[str]) -> list[TrainingRunInfo]:
        """The known runs among ``run_ids``, in the order asked; 404 when none is known."""
        ids = list(dict.fromkeys(_canonical_id(r, "run_ids") for r in run_ids))
        with self._lock:
            found = [
                self._runs[(account_id, r)].snapshot() for r in ids if (account_id, r) in self._runs
            ]
        if not found:
            raise not_found("TRAINING_RUN_NOT_FOUND", "Training runs", ",".join(ids))
        return found


def episode_from(values: Mapping[str, Any]) -> Episode:
    """An ``Episode`` from a reported body (numbers as int or Decimal)."""

    def dec(name: str) -> Decimal | None:
        value = values.get(name)
        if value is None:
            return None
        number = value if isinstance(value, Decimal) else Decimal(str(value))
        if not number.is_finite():  # JSON parsers accept NaN and Infinity
            raise DomainError(
                "VALIDATION_ERROR", f"{name}: {value} is not a finite number.", 422, {"field": name}
            )
        return number

    trades = values.get("total_trades")
    session = values.get("session_id")
    return Episode(
        episode_number=int(values["episode_number"]),
        session_id=None if session is None else str(session),
        roi_pct=dec("roi_pct"),
        sharpe_ratio=dec("sharpe_ratio"),
        max_drawdown_pct=dec("max_drawdown_pct"),
        total_trades=None if trades is None else int(trades),
        reward_sum=dec("reward_sum"),
    )


__all__: Sequence[str] = ["Episode", "LearningCurve", "Training", "TrainingRunInfo", "episode_from"]
