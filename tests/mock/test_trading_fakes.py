"""Fakes shared by the domain tests: a market whose prices the test sets, and a world.

No tests here. The domain tests must not depend on the real simulated market, so
``FakeMarket`` offers just the methods ``trading.py`` relies on, with prices and 24 h
volumes the test chooses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from types import SimpleNamespace

from agentexchange.mock.domain.accounts import Accounts
from agentexchange.mock.domain.clock import SimClock
from agentexchange.mock.domain.errors import DomainError
from agentexchange.mock.domain.events import EventBus
from agentexchange.mock.domain.trading import Trading
from agentexchange.mock.web.spec import load_spec

START = datetime(2026, 11, 23, 10, 0, 0, tzinfo=UTC)
SPEC = load_spec()
OPS = SPEC.by_id()


class FakeMarket:
    def __init__(self, prices: Mapping[str, str] | None = None, volume: str = "1000000000") -> None:
        self._prices = {
            k: Decimal(v) for k, v in (prices or {"BTCUSDT": "64000", "ETHUSDT": "3000"}).items()
        }
        # 24 h volume in USDT (quote), as the real Market reports it.
        self.volumes: dict[str, Decimal] = {k: Decimal(volume) for k in self._prices}

    @property
    def symbols(self) -> list[str]:
        return sorted(self._prices)

    def set(self, symbol: str, price: str) -> None:
        self._prices[symbol] = Decimal(price)

    def has(self, symbol: str) -> bool:
        return symbol in self._prices

    def require(self, symbol: str) -> str:
        if symbol not in self._prices:
            raise DomainError(
                "INVALID_SYMBOL", f"Unknown trading pair '{symbol}'.", 400, {"symbol": symbol}
            )
        return symbol

    def price(self, symbol: str) -> Decimal:
        return self._prices[self.require(symbol)]

    def prices(self) -> dict[str, Decimal]:
        return dict(self._prices)

    def volume_24h(self, symbol: str) -> Decimal:
        return self.volumes[symbol]

    def pair_info(self, symbol: str) -> SimpleNamespace:
        # Lot rules fine enough for every quantity these tests use.
        self.require(symbol)
        return SimpleNamespace(min_qty=Decimal("0.00000001"), step_size=Decimal("0.00000001"))


@dataclass
class World:
    """A trading domain on a fake market: what ``Exchange`` wires, minus the rest."""

    clock: SimClock = field(default_factory=lambda: SimClock(START))
    market: FakeMarket = field(default_factory=FakeMarket)
    events: EventBus = field(default_factory=EventBus)
    seed: int = 7

    def __post_init__(self) -> None:
        self.accounts = Accounts(self.clock, seed=self.seed)
        self.trading = Trading(self.clock, self.market, self.accounts, self.events)
        self.demo = self.accounts.demo_credentials()

    def tick(self, seconds: float = 1.0) -> None:
        self.clock.advance(seconds)
        self.trading.on_tick()

    def new_agent(self, balance: str = "10000") -> str:
        registration = self.accounts.register("Tester", starting_balance=Decimal(balance))
        return registration.agent.id


def D(text: str) -> Decimal:  # reads like a literal: D("0.01")
    return Decimal(text)
