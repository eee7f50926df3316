"""Domain layer: Valuation of one agent's book at current prices: balances, positions, portfolio, PnL.

docs/architecture.md "Domain core": portfolio, positions (average entry price), balances,
and PnL realized/unrealized with a per-symbol breakdown. Pure functions over a ``Book``
and a price lookup; ``trading.py`` supplies the market's prices and the lock. The identity
the tests hold us to: equity = cash + position value = starting balance + realized PnL +
unrealized PnL - fees (realized PnL is booked before fees, fees separately).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from .book import Book
from .orders import QUOTE, q8

PriceOf = Callable[[str], Decimal]  # symbol -> current price

PERIODS: dict[str, timedelta | None] = {
    "1d": timedelta(days=1),
    "7d": timedelta(days=7),
    "30d": timedelta(days=30),
    "90d": timedelta(days=90),
    "all": None,
}


@dataclass(frozen=True, slots=True)
class Holding:
    symbol: str
    asset: str
    quantity: Decimal
    avg_entry_price: Decimal
    current_price: Decimal
    opened_at: datetime

    @property
    def market_value(self) -> Decimal:
        return q8(self.quantity * self.current_price)

    @property
    def unrealized_pnl(self) -> Decimal:
        return q8((self.current_price - self.avg_entry_price) * self.quantity)

    def view(self) -> dict[str, Any]:
        cost = self.avg_entry_price * self.quantity
        pct = (self.unrealized_pnl / cost * 100).quantize(Decimal("0.01")) if cost else Decimal(0)
        return {
            "symbol": self.symbol,
            "asset": self.asset,
            "quantity": self.quantity,
            "avg_entry_price": self.avg_entry_price,
            "current_price": self.current_price,
            "market_value": self.market_value,
            "unrealized_pnl": self.unrealized_pnl,
            "unrealized_pnl_pct": pct,
            "opened_at": self.opened_at,
        }


def holdings(book: Book, price_of: PriceOf) -> list[Holding]:
    out: list[Holding] = []
    for asset, balance in book.wallet.items():
        if asset == QUOTE or balance.total <= 0:
            continue
        position = book.positions.get(asset)
        if position is None:  # defensive: a held asset always has a cost basis
            continue
        symbol = asset + QUOTE
        out.append(
            Holding(
                symbol,
                asset,
                balance.total,
                position.avg_entry_price,
                price_of(symbol),
                position.opened_at,
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class Valuation:
    cash_free: Decimal
    cash_locked: Decimal
    holdings: list[Holding]

    @property
    def position_value(self) -> Decimal:
        return sum((h.market_value for h in self.holdings), Decimal(0))

    @property
    def unrealized_pnl(self) -> Decimal:
        return sum((h.unrealized_pnl for h in self.holdings), Decimal(0))

    @property
    def equity(self) -> Decimal:
        return self.cash_free + self.cash_locked + self.position_value


def value(book: Book, price_of: PriceOf) -> Valuation:
    cash = book.balance(QUOTE)
    return Valuation(cash.free, cash.locked, holdings(book, price_of))


def balance_view(book: Book, valuation: Valuation) -> dict[str, Any]:
    balances = [
        {"asset": asset, "available": b.free, "locked": b.locked, "total": b.total}
        for asset, b in book.wallet.items()
        if asset == QUOTE or b.total > 0
    ]
    return {"balances": balances, "total_equity_usdt": valuation.equity}


def positions_view(valuation: Valuation) -> dict[str, Any]:
    return {
        "positions": [h.view() for h in valuation.holdings],
        "total_unrealized_pnl": valuation.unrealized_pnl,
    }


def roi_pct(book: Book, equity: Decimal) -> Decimal:
    start = book.session.starting_balance
    return ((equity - start) / start * 100).quantize(Decimal("0.0001")) if start else Decimal(0)


def portfolio_view(book: Book, valuation: Valuation, now: datetime) -> dict[str, Any]:
    equity = valuation.equity
    return {
        "total_equity": equity,
        "available_cash": valuation.cash_free,
        "locked_cash": valuation.cash_locked,
        "total_position_value": valuation.position_value,
        "unrealized_pnl": valuation.unrealized_pnl,
        "realized_pnl": book.realized_pnl,
        "total_pnl": equity - book.session.starting_balance,  # fees included
        "roi_pct": roi_pct(book, equity),
        "starting_balance": book.session.starting_balance,
        "positions": [h.view() for h in valuation.holdings],
        "timestamp": now,
    }


def pnl_view(book: Book, valuation: Valuation, period: str, now: datetime) -> dict[str, Any]:
    """Realized PnL and fees of the period's trades in this session; unrealized now."""
    span = PERIODS.get(period)
    since = book.session.started_at if span is None else max(book.session.started_at, now - span)
    realized = Decimal(0)
    fees = Decimal(0)
    wins = losses = 0
    by_symbol: dict[str, Decimal] = {}
    for trade in book.trades:
        if trade.session_id != book.session.session_id or trade.executed_at < since:
            continue
        fees += trade.fee
        if trade.pnl is not None:
            realized += trade.pnl
            by_symbol[trade.symbol] = by_symbol.get(trade.symbol, Decimal(0)) + trade.pnl
            wins += trade.pnl > 0
            losses += trade.pnl < 0
    unrealized_by = {h.symbol: h.unrealized_pnl for h in valuation.holdings}
    symbols = sorted(set(by_symbol) | set(unrealized_by))
    unrealized = valuation.unrealized_pnl
    decided = wins + losses
    return {
        "period": period,
        "realized_pnl": realized,
        "unrealized_pnl": unrealized,
        "total_pnl": realized + unrealized,
        "fees_paid": fees,
        "net_pnl": realized + unrealized - fees,
        "winning_trades": wins,
        "losing_trades": losses,
        "win_rate": (Decimal(wins) / decided * 100).quantize(Decimal("0.01"))
        if decided
        else Decimal("0.00"),
        "by_symbol": [
            {
                "symbol": s,
                "realized": by_symbol.get(s, Decimal(0)),
                "unrealized": unrealized_by.get(s, Decimal(0)),
            }
            for s in symbols
        ],
    }
