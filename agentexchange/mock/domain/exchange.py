"""Domain layer: The mock exchange's composition root: one object holding the whole domain core.

docs/architecture.md "Domain core": a pure-Python domain core that knows nothing of HTTP.
``Exchange`` wires the parts together — clock, market, accounts, trading, strategies,
backtest sessions, battles, training, webhooks, account modes, the decision journal, the gatekeeper
(auth + rate limits) and the event bus — and is what the handlers, the server's tick loop
and in-process tests hold.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from .accounts import Accounts
from .backtests import Backtests
from .battles import Battles
from .clock import SimClock
from .events import EventBus
from .gatekeeper import Gatekeeper
from .journal import Journal
from .market import Market
from .modes import AccountModes
from .strategies import Strategies
from .trading import Trading
from .training import Training
from .webhooks import Webhooks


@dataclass(frozen=True, slots=True)
class MockConfig:
    seed: int = 0
    pairs: int = 600
    rate_limits: bool = True
    start: datetime | None = None  # simulated start time; default: now (UTC)
    # Admit http, IP-address and loopback/private webhook subscribers (local development
    # and tests); off = the platform's rule (https and a public hostname).
    local_webhooks: bool = False


class Exchange:
    def __init__(self, config: MockConfig | None = None) -> None:
        self.config = config or MockConfig()
        self.clock = SimClock(self.config.start)
        self.events = EventBus()
        self.market = Market(self.clock, seed=self.config.seed, pairs=self.config.pairs)
        self.accounts = Accounts(self.clock, seed=self.config.seed)
        self.trading = Trading(self.clock, self.market, self.accounts, self.events)
        self.gatekeeper = Gatekeeper(self.accounts, self.clock, rate_limits=self.config.rate_limits)
        self.webhooks = Webhooks(self.clock, self.events, allow_local=self.config.local_webhooks)
        self.strategies = Strategies(self.clock, self.market, self.events)
        self.training = Training(self.clock)
        self.backtests = Backtests(self.clock, self.market, self.accounts, self.events)
        self.modes = AccountModes(self.backtests.counts)
        self.battles = Battles(
            self.clock, self.market, self.accounts, self.backtests, self._live_equity, self.events
        )
        self.trading.order_guards.append(self.battles.refuse_paused)
        self.journal = Journal(self.clock)
        # Set by the server while its tick loop moves prices (GET /health: ingestion_active).
        self.feed_running = False

    def tick(self, seconds: float = 1.0) -> None:
        """Advance simulated time and let everything that depends on it react."""
        self.clock.advance(seconds)
        self.trading.on_tick()
        self.market.on_tick(self.events)
        self.battles.on_tick()

    def _live_equity(self, agent_id: str) -> tuple[Decimal, list[Any]]:
        """An agent's live equity (open positions at market) and its trades, for battles."""
        agent = self.accounts.agent(agent_id)
        if agent is None:
            return Decimal(0), []
        equity = self.trading.portfolio(agent_id)["total_equity"]
        with self.trading.lock:
            return Decimal(equity), list(agent.book.trades)

    def close(self) -> None:
        self.strategies.close()
