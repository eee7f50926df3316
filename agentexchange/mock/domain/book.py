"""Domain layer: One agent's trading state: wallet, positions, orders, trades, session, equity history.

docs/architecture.md "Domain core": one agent's wallet, in ``Decimal``. A ``Book`` belongs
to exactly one agent (created with it by ``accounts.py``, dropped with it on delete) and
holds plain records; the rules that change it — fills, locks, risk — live in
``trading.py``. Nothing here reads the market: valuations take the prices as an argument.
"""

from __future__ import annotations

import uuid
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from .orders import QUOTE, Order, Trade

# Equity snapshots are kept per bucket of each resolution, newest replacing the last in
# the same bucket, so memory per agent is bounded whatever the uptime.
HISTORY_POINTS = 1000
RESOLUTIONS: dict[str, int] = {"1m": 60, "1h": 3600, "1d": 86400}


@dataclass(slots=True)
class Balance:
    free: Decimal = Decimal(0)
    locked: Decimal = Decimal(0)

    @property
    def total(self) -> Decimal:
        return self.free + self.locked


@dataclass(slots=True)
class Position:
    """Cost basis of a held base asset (the quantity itself is in the wallet)."""

    avg_entry_price: Decimal
    opened_at: datetime


@dataclass(frozen=True, slots=True)
class Session:
    session_id: str
    started_at: datetime
    starting_balance: Decimal


@dataclass(frozen=True, slots=True)
class Snapshot:
    time: datetime
    total_equity: Decimal
    unrealized_pnl: Decimal
    realized_pnl: Decimal


class EquityHistory:
    """Bounded equity series at 1m, 1h and 1d resolution (last snapshot per bucket)."""

    def __init__(self) -> None:
        self.series: dict[str, deque[Snapshot]] = {
            name: deque(maxlen=HISTORY_POINTS) for name in RESOLUTIONS
        }

    def record(self, snapshot: Snapshot) -> None:
        stamp = int(snapshot.time.timestamp())
        for name, width in RESOLUTIONS.items():
            series = self.series[name]
            if series and int(series[-1].time.timestamp()) // width == stamp // width:
                series[-1] = snapshot
            else:
                series.append(snapshot)

    def last_time(self) -> datetime | None:
        minute = self.series["1m"]
        return minute[-1].time if minute else None

    def clear(self) -> None:
        for series in self.series.values():
            series.clear()


def new_session(now: datetime, starting_balance: Decimal) -> Session:
    return Session(str(uuid.uuid4()), now, starting_balance)


@dataclass(slots=True)
class Book:
    session: Session
    wallet: dict[str, Balance] = field(default_factory=dict)
    positions: dict[str, Position] = field(default_factory=dict)
    orders: dict[str, Order] = field(default_factory=dict)  # insertion = creation order
    open_orders: dict[str, Order] = field(default_factory=dict)
    trades: list[Trade] = field(default_factory=list)
    realized_pnl: Decimal = Decimal(0)  # this session, before fees
    fees_paid: Decimal = Decimal(0)  # this session
    history: EquityHistory = field(default_factory=EquityHistory)
    breaker_until: datetime | None = None
    # Net realized PnL (after fees) of the current UTC day, for the daily loss limit.
    day: datetime | None = None
    day_net_pnl: Decimal = Decimal(0)

    @classmethod
    def fresh(cls, now: datetime, starting_balance: Decimal) -> Book:
        book = cls(session=new_session(now, starting_balance))
        book.wallet[QUOTE] = Balance(free=starting_balance)
        return book

    def balance(self, asset: str) -> Balance:
        found = self.wallet.get(asset)
        if found is None:
            found = self.wallet[asset] = Balance()
        return found

    def prune(self, asset: str) -> None:
        """Forget an asset (and its position) once nothing of it is held or locked."""
        found = self.wallet.get(asset)
        if asset != QUOTE and found is not None and found.total == 0:
            del self.wallet[asset]
            self.positions.pop(asset, None)

    def note_day_pnl(self, now: datetime, net: Decimal) -> Decimal:
        """Add to today's net realized PnL (UTC day of ``now``) and return the total."""
        today = start_of_day(now)
        if self.day != today:
            self.day, self.day_net_pnl = today, Decimal(0)
        self.day_net_pnl += net
        return self.day_net_pnl

    def today_pnl(self, now: datetime) -> Decimal:
        return self.day_net_pnl if self.day == start_of_day(now) else Decimal(0)


def start_of_day(moment: datetime) -> datetime:
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def next_midnight(moment: datetime) -> datetime:
    return start_of_day(moment) + timedelta(days=1)
