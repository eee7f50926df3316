"""Domain layer: ranking strategies by a metric of their latest completed tests (``compare_strategies``).

Part of the strategy service (docs/architecture.md "Domain core"). The platform's rules
(``StrategyService.compare_strategies``): every strategy is listed, those without a value
for the metric last; larger wins except for ``max_drawdown_pct``; ranks are 1-based; the
winner is the first-ranked strategy with test results and a value; a one-line
recommendation names it. Unlike the platform, which reads ``sharpe_ratio`` and friends
from a results object that holds ``avg_sharpe`` and friends (so every metric is null
there, docs/platform.md), the metrics are the test's own averages.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from ..deflated_sharpe import MIN_RETURNS, deflated_sharpe
from .backtest import TestResults

METRICS = (
    "sharpe_ratio",
    "sortino_ratio",
    "max_drawdown_pct",
    "win_rate",
    "roi_pct",
    "profit_factor",
)
LOWER_IS_BETTER = frozenset({"max_drawdown_pct"})

Metric = Decimal | int | None


@dataclass(frozen=True, slots=True)
class DeflatedSummary:
    p_value: float
    is_significant: bool
    observed_sharpe: float
    deflated_sharpe: float
    num_trials: int


@dataclass(frozen=True, slots=True)
class Candidate:
    """A strategy as the comparison sees it: its latest completed test's results, if any."""

    strategy_id: str
    name: str
    version: int
    status: str
    results: TestResults | None


@dataclass(frozen=True, slots=True)
class Ranked:
    strategy_id: str
    name: str
    version: int
    status: str
    rank: int
    metrics: Mapping[str, Metric]
    deflated_sharpe: DeflatedSummary | None
    has_test_results: bool


@dataclass(frozen=True, slots=True)
class Comparison:
    strategies: tuple[Ranked, ...]
    winner_id: str | None
    ranking_metric: str
    recommendation: str


def metrics_of(results: TestResults | None) -> dict[str, Metric]:
    """The seven metrics of a test's results (all None without results). The backtester
    computes no Sortino ratio, so that one stays None."""
    if results is None:
        return {**dict.fromkeys(METRICS), "total_trades": None}
    return {
        "sharpe_ratio": results.avg_sharpe,
        "sortino_ratio": None,
        "max_drawdown_pct": results.avg_max_drawdown_pct,
        "win_rate": results.win_rate,
        "roi_pct": results.avg_roi_pct,
        "profit_factor": results.profit_factor,
        "total_trades": results.total_trades,
    }


def deflated_of(results: TestResults | None) -> DeflatedSummary | None:
    """The deflated Sharpe ratio of the episodes' Sharpe ratios, one trial, no annualising
    (the platform's aggregator), once there are at least 10 episodes."""
    if results is None or len(results.episodes) < MIN_RETURNS:
        return None
    dsr = deflated_sharpe(
        [float(e.sharpe_ratio) for e in results.episodes], num_trials=1, annualization_factor=1
    )
    return DeflatedSummary(
        p_value=round(dsr.p_value, 6),
        is_significant=dsr.is_significant,
        observed_sharpe=round(dsr.observed_sharpe, 6),
        deflated_sharpe=round(dsr.deflated_sharpe, 6),
        num_trials=dsr.num_trials,
    )


def rank(candidates: Sequence[Candidate], metric: str) -> Comparison:
    if metric not in METRICS:
        raise ValueError(f"unknown ranking metric {metric!r}")
    scored = [(c, metrics_of(c.results)) for c in candidates]
    sign = 1 if metric in LOWER_IS_BETTER else -1

    def key(item: tuple[Candidate, dict[str, Metric]]) -> tuple[int, Decimal]:
        value = item[1][metric]
        return (1, Decimal(0)) if value is None else (0, sign * Decimal(value))

    ranked = tuple(
        Ranked(
            c.strategy_id,
            c.name,
            c.version,
            c.status,
            position,
            m,
            deflated_of(c.results),
            c.results is not None,
        )
        for position, (c, m) in enumerate(sorted(scored, key=key), start=1)  # stable on ties
    )
    winner = next((r for r in ranked if r.has_test_results and r.metrics[metric] is not None), None)
    return Comparison(
        ranked, winner.strategy_id if winner else None, metric, _recommend(winner, metric)
    )


def _recommend(winner: Ranked | None, metric: str) -> str:
    if winner is None:
        return "No strategies have completed test results yet. Run tests before comparing."
    value = winner.metrics[metric]
    shown = f"{Decimal(value):.4f}" if value is not None else "N/A"
    dsr = winner.deflated_sharpe
    if dsr is None:
        clause = "and has no Deflated Sharpe data"
    else:
        outcome = "passes" if dsr.is_significant else "fails"
        clause = f"and {outcome} the Deflated Sharpe test (p={dsr.p_value:.4f})"
    return f"{winner.name} ranks first by {metric} ({shown}) {clause}. Consider deploying."
