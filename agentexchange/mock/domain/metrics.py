"""Domain layer: Performance arithmetic shared by live analytics and strategy backtests.

The domain core (docs/architecture.md "Domain core") computes Sharpe, Sortino and drawdown
in three places — an agent's equity snapshots (``analytics.py``), a strategy test's
equity curve (``strategies/backtest.py``) and a backtest session's snapshots
(``backtests/results.py``) — from this one module, in ``Decimal``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from itertools import pairwise

SECONDS_PER_YEAR = 365 * 86400
_ZERO = Decimal(0)


def returns(curve: Sequence[Decimal]) -> list[Decimal]:
    """Period-over-period returns of an equity curve (periods starting at 0 are skipped)."""
    return [b / a - 1 for a, b in pairwise(curve) if a > 0]


def annualised(ratio: Decimal, period_seconds: int) -> Decimal:
    return ratio * (Decimal(SECONDS_PER_YEAR) / period_seconds).sqrt()


def sharpe(rets: Sequence[Decimal], period_seconds: int) -> Decimal:
    """Annualised Sharpe ratio (risk-free rate 0, sample deviation); 0 when undefined."""
    if len(rets) < 2:
        return _ZERO
    n = Decimal(len(rets))
    mean = sum(rets, _ZERO) / n
    variance = sum(((r - mean) ** 2 for r in rets), _ZERO) / (n - 1)
    return annualised(mean / variance.sqrt(), period_seconds) if variance > 0 else _ZERO


def sortino(rets: Sequence[Decimal], period_seconds: int) -> Decimal:
    """Annualised Sortino ratio (downside deviation against 0); 0 when undefined."""
    if len(rets) < 2:
        return _ZERO
    n = Decimal(len(rets))
    mean = sum(rets, _ZERO) / n
    downside = sum((min(r, _ZERO) ** 2 for r in rets), _ZERO) / n
    return annualised(mean / downside.sqrt(), period_seconds) if downside > 0 else _ZERO


def max_drawdown_pct(curve: Sequence[Decimal]) -> Decimal:
    """Largest peak-to-trough fall of the curve, in percent of the peak."""
    worst = _ZERO
    peak: Decimal | None = None
    for value in curve:
        peak = value if peak is None else max(peak, value)
        if peak > 0:
            worst = max(worst, (peak - value) / peak * 100)
    return worst


def drawdown(points: Sequence[tuple[datetime, Decimal]], end: datetime) -> tuple[Decimal, float]:
    """Over (time, equity) points: the largest fall from a peak in percent of the peak, and
    the longest time under water in seconds — from a peak to the next point at or above
    it, or to ``end`` when the last point is still below."""
    worst = _ZERO
    longest = 0.0
    peak: tuple[datetime, Decimal] | None = None
    for point in points:
        if peak is None or point[1] >= peak[1]:
            if peak is not None:
                longest = max(longest, (point[0] - peak[0]).total_seconds())
            peak = point
            continue
        worst = max(worst, (peak[1] - point[1]) / peak[1] * 100)
    if peak is not None and points and points[-1][1] < peak[1]:
        longest = max(longest, (end - peak[0]).total_seconds())
    return worst, longest
