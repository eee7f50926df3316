"""Domain layer: a battle participant's standing — its figures, metrics and rank.

docs/architecture.md "Domain core" (battles): the ranking metrics of live and historical
battles, one definition for both.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

METRICS = ("roi_pct", "total_pnl", "sharpe_ratio", "win_rate", "profit_factor")
HUNDRED = Decimal(100)
Q2 = Decimal("0.01")


@dataclass(slots=True)
class Standing:
    """One participant's figures at one moment; ``rank`` set by ``rank``."""

    agent_id: str
    equity: Decimal
    start: Decimal
    trades: int
    wins: int
    gains: Decimal
    losses: Decimal
    returns: list[Decimal]
    trades_closing_losses: int = 0  # closed trades that lost (or broke even)
    rank: int = 0

    @property
    def total_pnl(self) -> Decimal:
        return self.equity - self.start

    @property
    def roi_pct(self) -> Decimal:
        return (self.total_pnl / self.start * HUNDRED) if self.start else Decimal(0)

    @property
    def win_rate(self) -> Decimal | None:
        closing = self.wins + self.trades_closing_losses
        return (Decimal(self.wins) * HUNDRED / closing).quantize(Q2) if closing else None

    @property
    def profit_factor(self) -> Decimal | None:
        return (self.gains / self.losses).quantize(Q2) if self.losses else None

    @property
    def sharpe_ratio(self) -> Decimal | None:
        """Mean over standard deviation of the snapshot-to-snapshot returns (not annualised)."""
        r = self.returns
        if len(r) < 2:
            return None
        mean = sum(r, Decimal(0)) / len(r)
        var = sum(((x - mean) ** 2 for x in r), Decimal(0)) / (len(r) - 1)
        return (mean / var.sqrt()).quantize(Decimal("0.0001")) if var else None

    def metric(self, name: str) -> Decimal | None:
        value: Decimal | None = getattr(self, name)
        return value


def rank(standings: list[Standing], metric: str) -> list[Standing]:
    """Best first by ``metric`` (none last); ties keep the order the agents joined."""

    def key(item: tuple[int, Standing]) -> tuple[int, Decimal, int]:
        index, s = item
        value = s.metric(metric if metric in METRICS else "roi_pct")
        return (0 if value is not None else 1, -(value or Decimal(0)), index)

    ordered = [s for _, s in sorted(enumerate(standings), key=key)]
    for position, s in enumerate(ordered, start=1):
        s.rank = position
    return ordered
