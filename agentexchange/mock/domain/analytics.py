"""Domain layer: Performance metrics and equity history of one agent, in Decimal.

Part of the domain core (docs/architecture.md "Domain core"): Sharpe, drawdown, win rate,
profit factor, and the equity snapshots behind the history. Ratios come from the agent's
equity snapshots (hourly when there are enough of them, else per minute), trade statistics
from the realized PnL booked on each closing trade of the current session. Pure functions
over a ``Book``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from . import metrics
from .book import RESOLUTIONS, Book, Snapshot
from .orders import Trade
from .portfolio import PERIODS

_Q2 = Decimal("0.01")
# With no losing trade the ratio is unbounded; JSON has no infinity, so it is capped.
PROFIT_FACTOR_CAP = Decimal("999.99")


def period_start(book: Book, period: str, now: datetime) -> datetime:
    span = PERIODS.get(period)
    start = book.session.started_at
    return start if span is None else max(start, now - span)


def session_trades(book: Book, since: datetime) -> list[Trade]:
    sid = book.session.session_id
    return [t for t in book.trades if t.session_id == sid and t.executed_at >= since]


def equity_series(book: Book, since: datetime) -> tuple[list[Snapshot], int]:
    """Snapshots since ``since`` at the coarsest resolution with >= 3 points, and its width."""
    chosen: list[Snapshot] = []
    width = RESOLUTIONS["1m"]
    for name in ("1h", "1m"):
        points = [s for s in book.history.series[name] if s.time >= since]
        if len(points) >= 3 or name == "1m":
            chosen, width = points, RESOLUTIONS[name]
            break
    return chosen, width


def sharpe_sortino(points: Sequence[Snapshot], width: int) -> tuple[Decimal, Decimal]:
    rets = metrics.returns([p.total_equity for p in points])
    return metrics.sharpe(rets, width).quantize(_Q2), metrics.sortino(rets, width).quantize(_Q2)


def max_drawdown(points: Sequence[Snapshot], now: datetime) -> tuple[Decimal, int]:
    """Largest peak-to-trough fall in %, and the longest time under water in days."""
    worst, longest = metrics.drawdown([(p.time, p.total_equity) for p in points], now)
    return worst.quantize(_Q2), int(longest // 86400)


@dataclass(frozen=True, slots=True)
class TradeStats:
    total_trades: int
    wins: list[Decimal]
    losses: list[Decimal]
    streak: int

    @property
    def win_rate(self) -> Decimal:
        decided = len(self.wins) + len(self.losses)
        return (
            (Decimal(len(self.wins)) / decided * 100).quantize(_Q2) if decided else Decimal("0.00")
        )


def trade_stats(trades: Sequence[Trade]) -> TradeStats:
    closing = [t.pnl for t in trades if t.pnl is not None and t.pnl != 0]
    streak = 0
    for pnl in reversed(closing):
        if streak == 0:
            streak = 1 if pnl > 0 else -1
        elif (pnl > 0) == (streak > 0):
            streak += 1 if streak > 0 else -1
        else:
            break
    return TradeStats(
        len(trades), [p for p in closing if p > 0], [p for p in closing if p < 0], streak
    )


def performance(book: Book, period: str, now: datetime) -> dict[str, Any]:
    since = period_start(book, period, now)
    trades = session_trades(book, since)
    stats = trade_stats(trades)
    points, width = equity_series(book, since)
    sharpe, sortino = sharpe_sortino(points, width)
    drawdown, drawdown_days = max_drawdown(points, now)
    gross_win = sum(stats.wins, Decimal(0))
    gross_loss = -sum(stats.losses, Decimal(0))
    if gross_loss > 0:
        profit_factor = min(PROFIT_FACTOR_CAP, gross_win / gross_loss).quantize(_Q2)
    else:
        profit_factor = PROFIT_FACTOR_CAP if gross_win > 0 else Decimal("0.00")
    days = max(Decimal(1), Decimal((now - since).total_seconds()) / 86400)
    closing = stats.wins + stats.losses
    return {
        "period": period,
        "sharpe_ratio": sharpe,
        "sortino_ratio": sortino,
        "max_drawdown_pct": drawdown,
        "max_drawdown_duration_days": drawdown_days,
        "win_rate": stats.win_rate,
        "profit_factor": profit_factor,
        "avg_win": (gross_win / len(stats.wins)).quantize(_Q2) if stats.wins else Decimal("0.00"),
        "avg_loss": (-gross_loss / len(stats.losses)).quantize(_Q2)
        if stats.losses
        else Decimal("0.00"),
        "total_trades": stats.total_trades,
        "avg_trades_per_day": (Decimal(stats.total_trades) / days).quantize(_Q2),
        "best_trade": max(closing).quantize(_Q2) if closing else Decimal("0.00"),
        "worst_trade": min(closing).quantize(_Q2) if closing else Decimal("0.00"),
        "current_streak": stats.streak,
    }


def history_view(book: Book, account_id: str, interval: str, limit: int) -> dict[str, Any]:
    points = list(book.history.series[interval])[-limit:]
    return {
        "account_id": account_id,
        "interval": interval,
        "snapshots": [
            {
                "time": s.time,
                "total_equity": s.total_equity,
                "unrealized_pnl": s.unrealized_pnl,
                "realized_pnl": s.realized_pnl,
            }
            for s in points
        ],
    }
