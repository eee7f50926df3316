"""Domain layer: A finished backtest session's metrics and per-pair results, from its trades and snapshots.

docs/architecture.md "Domain core": the platform's result set (sharpe, sortino, drawdown
and its duration, win rate, profit factor, average win and loss, best and worst trade,
average time between trades, trades per day; and per pair: trades, wins, losses, win
rate, net PnL, volume), computed with the arithmetic live analytics use
(``metrics.py``). Ratios come from the session's equity snapshots, annualised over their
mean spacing; trade statistics from the realized PnL (before fees) each closing sell
booked, as on the platform. A ratio that is undefined (fewer than two returns, no
variation, no downside) is ``None``, as the platform sends null.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from itertools import pairwise
from typing import Any

from .. import metrics
from ..orders import Trade, q8

_Q2 = Decimal("0.01")
_Q4 = Decimal("0.0001")
_ZERO = Decimal(0)
_HUNDRED = Decimal(100)
_DAY = 86400

METRIC_NAMES = (
    "sharpe_ratio",
    "sortino_ratio",
    "max_drawdown_pct",
    "max_drawdown_duration_days",
    "win_rate",
    "profit_factor",
    "avg_win",
    "avg_loss",
    "best_trade",
    "worst_trade",
    "avg_trade_duration_minutes",
    "trades_per_day",
)


@dataclass(frozen=True, slots=True)
class EquityPoint:
    """One equity snapshot of a session (the platform's backtest snapshot)."""

    time: datetime
    total_equity: Decimal
    available_cash: Decimal  # free + locked USDT, as the platform counts it
    position_value: Decimal
    unrealized_pnl: Decimal
    realized_pnl: Decimal


def empty_metrics() -> dict[str, Decimal | None]:
    return dict.fromkeys(METRIC_NAMES)


def _ratios(points: Sequence[EquityPoint]) -> tuple[Decimal | None, Decimal | None]:
    rets = metrics.returns([p.total_equity for p in points])
    if len(rets) < 2:
        return None, None
    span = (points[-1].time - points[0].time).total_seconds()
    period = max(1, round(span / (len(points) - 1)))  # seconds between snapshots, on average
    sharpe = (
        metrics.sharpe(rets, period).quantize(_Q4) if len(set(rets)) > 1 else None
    )  # no variation: undefined
    sortino = (
        metrics.sortino(rets, period).quantize(_Q4) if any(r < 0 for r in rets) else None
    )  # no downside: undefined
    return sharpe, sortino


def compute_metrics(
    trades: Sequence[Trade],
    points: Sequence[EquityPoint],
    span_seconds: int,
) -> dict[str, Decimal | None]:
    """The metrics of a completed session over its replayed span of ``span_seconds``."""
    sharpe, sortino = _ratios(points)
    worst, under_water = metrics.drawdown(
        [(p.time, p.total_equity) for p in points], points[-1].time if points else datetime.min
    )
    pnls = [t.pnl for t in trades if t.pnl is not None]
    wins = [p for p in pnls if p > 0]
    losses = [p for p in pnls if p < 0]
    gross_loss = -sum(losses, _ZERO)
    gaps = [(b.executed_at - a.executed_at).total_seconds() for a, b in pairwise(trades)]
    days = Decimal(span_seconds) / _DAY
    return {
        "sharpe_ratio": sharpe,
        "sortino_ratio": sortino,
        "max_drawdown_pct": worst.quantize(_Q2),
        "max_drawdown_duration_days": (Decimal(str(under_water)) / _DAY).quantize(_Q2),
        "win_rate": (Decimal(len(wins)) / len(pnls) * _HUNDRED).quantize(_Q2) if pnls else _ZERO,
        "profit_factor": (sum(wins, _ZERO) / gross_loss).quantize(_Q4) if gross_loss else None,
        "avg_win": q8(sum(wins, _ZERO) / len(wins)) if wins else _ZERO,
        "avg_loss": q8(sum(losses, _ZERO) / len(losses)) if losses else _ZERO,
        "best_trade": max(pnls) if pnls else _ZERO,
        "worst_trade": min(pnls) if pnls else _ZERO,
        # The platform's measure: the mean time between consecutive trades.
        "avg_trade_duration_minutes": (Decimal(str(sum(gaps))) / len(gaps) / 60).quantize(_Q2)
        if gaps
        else _ZERO,
        "trades_per_day": (Decimal(len(trades)) / days).quantize(_Q2) if days else _ZERO,
    }


def by_pair(trades: Sequence[Trade]) -> list[dict[str, Any]]:
    """Per traded symbol (alphabetical): trades, wins and losses of its closing sells,
    win rate, net realized PnL and quote volume."""
    grouped: dict[str, list[Trade]] = {}
    for trade in trades:
        grouped.setdefault(trade.symbol, []).append(trade)
    rows: list[dict[str, Any]] = []
    for symbol in sorted(grouped):
        mine = grouped[symbol]
        pnls = [t.pnl for t in mine if t.pnl is not None]
        wins = sum(1 for p in pnls if p > 0)
        rows.append(
            {
                "symbol": symbol,
                "trades": len(mine),
                "wins": wins,
                "losses": sum(1 for p in pnls if p < 0),
                "win_rate": (Decimal(wins) / len(pnls) * _HUNDRED).quantize(_Q2) if pnls else _ZERO,
                "net_pnl": q8(sum(pnls, _ZERO)),
                "total_volume": q8(sum((q8(t.price * t.quantity) for t in mine), _ZERO)),
            }
        )
    return rows
