"""Domain layer: The mock exchange's matching engine and the read side of each agent's book.

docs/architecture.md "Domain core" and "Trace: one order through the mock": orders
(market, limit, stop-loss, take-profit) filled with a fee of 0.1 % and the platform's
volume-based slippage, risk checks, analytics, the leaderboard. The order checks and fill
terms (``orders.py``), the risk checks (``risk.py``) and the booking of a fill
(``ledger.py``) are shared with the backtest engine (``sandbox.py``). ``Trading`` places, fills
and cancels orders against the simulated ``Market``, keeps every agent's wallet
consistent, records equity snapshots, answers the account and analytics reads as
openapi.yaml's response shapes (plain dicts of Decimal/datetime), and publishes "order"
and "portfolio" events for the WebSocket side.

It shares ``Accounts.lock``: handlers run on several threads, and one lock over the
accounts and their books keeps an order, a tick and an agent reset from interleaving.
Pending orders are matched in ``on_tick`` (called by ``Exchange.tick``), never at
placement, so tests decide when a crossing price is seen.
"""

from __future__ import annotations

import uuid
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

from . import analytics, portfolio
from .accounts import MAX_BALANCE, Accounts, Agent, permission_denied
from .book import Book, Snapshot, new_session
from .clock import SimClock
from .errors import DomainError
from .events import EventBus
from .ledger import apply_fill, lock, unlock
from .orders import (
    OPEN,
    QUOTE,
    Fill,
    Order,
    base_asset,
    check_shape,
    fill_terms,
    q8,
    terms,
    triggered,
)
from .risk import OrderExposure, breaker_on, check_order

IDEMPOTENCY_KEYS_PER_AGENT = 1000
SNAPSHOT_EVERY_SECONDS = 60


class LotRules(Protocol):
    @property
    def min_qty(self) -> Decimal: ...


class MarketView(Protocol):
    """The part of ``market.Market`` the trading engine relies on."""

    def require(self, symbol: str) -> str: ...
    def pair_info(self, symbol: str) -> LotRules: ...
    def price(self, symbol: str) -> Decimal: ...
    def volume_24h(self, symbol: str) -> Decimal: ...


_Outcome = dict[str, Any] | DomainError


class Trading:
    def __init__(
        self, clock: SimClock, market: MarketView, accounts: Accounts, events: EventBus
    ) -> None:
        self.clock = clock
        self.market = market
        self.accounts = accounts
        self.events = events
        self.lock = accounts.lock
        # agent_id -> Idempotency-Key -> (request fingerprint, first outcome)
        self._idempotency: dict[str, OrderedDict[str, tuple[tuple[str, ...], _Outcome]]] = {}
        self._last_periodic: int | None = None
        # Checks an order must pass before it is placed, each raising to refuse it (a paused
        # battle participant); called outside the trading lock.
        self.order_guards: list[Callable[[str], None]] = []

    # ----------------------------------------------------------------- helpers
    def _agent(self, agent_id: str | None) -> Agent:
        agent = self.accounts.agent(agent_id) if agent_id is not None else None
        if agent is None:
            raise permission_denied("No agent context for these credentials.")
        return agent

    def _price_of(self, book: Book) -> Callable[[str], Decimal]:
        def price_of(symbol: str) -> Decimal:
            try:
                return self.market.price(symbol)
            except DomainError:  # no price: value the position at its cost
                position = book.positions.get(base_asset(symbol))
                return position.avg_entry_price if position else Decimal(0)

        return price_of

    def _valuation(self, book: Book) -> portfolio.Valuation:
        return portfolio.value(book, self._price_of(book))

    def _snapshot(self, book: Book, now: datetime) -> portfolio.Valuation:
        valuation = self._valuation(book)
        book.history.record(
            Snapshot(now, valuation.equity, valuation.unrealized_pnl, book.realized_pnl)
        )
        return valuation

    def _publish_order(self, order: Order, now: datetime) -> None:
        if self.events.has_listeners("order"):
            self.events.publish("order", order.event_view(now))

    def _publish_portfolio(
        self, agent: Agent, now: datetime, valuation: portfolio.Valuation | None = None
    ) -> None:
        if not self.events.has_listeners("portfolio"):
            return
        book = agent.book
        valuation = valuation or self._valuation(book)
        self.events.publish(
            "portfolio",
            {
                "agent_id": agent.id,
                "total_equity": valuation.equity,
                "available_cash": valuation.cash_free,
                "unrealized_pnl": valuation.unrealized_pnl,
                "realized_pnl": book.realized_pnl,
                "roi_pct": portfolio.roi_pct(book, valuation.equity),
                "timestamp": now,
            },
        )

    def _breaker_on(self, agent: Agent, now: datetime) -> bool:
        return breaker_on(agent.book, agent.risk, now)

    # ------------------------------------------------------------------ orders
    def place_order(
        self,
        agent_id: str | None,
        symbol: str,
        side: str,
        order_type: str,
        quantity: Decimal,
        price: Decimal | None = None,
        *,
        idempotency_key: str | None = None,
    ) -> dict[str, Any]:
        """Place an order; its OrderResponse. A repeated ``idempotency_key`` (same agent)
        returns the first outcome — the same order, or the same error — again."""
        if agent_id is not None:
            for guard in self.order_guards:
                guard(agent_id)
        with self.lock:
            agent = self._agent(agent_id)
            if idempotency_key is None:
                return self._place(agent, symbol, side, order_type, quantity, price)
            fingerprint = (
                symbol,
                side,
                order_type,
                str(quantity.normalize()),
                "" if price is None else str(price.normalize()),
            )
            seen = self._idempotency.setdefault(agent.id, OrderedDict())
            if idempotency_key in seen:
                first_fingerprint, outcome = seen[idempotency_key]
                if first_fingerprint != fingerprint:
                    raise DomainError(
                        "VALIDATION_ERROR",
                        "This Idempotency-Key was used for a different order.",
                        422,
                        {"field": "Idempotency-Key"},
                    )
                if isinstance(outcome, DomainError):
                    raise outcome
                return dict(outcome)
            try:
                result: _Outcome = self._place(agent, symbol, side, order_type, quantity, price)
            except DomainError as exc:
                if exc.status >= 500:  # transient (no price yet): a retry may succeed
                    raise
                result = exc
            seen[idempotency_key] = (fingerprint, result)
            while len(seen) > IDEMPOTENCY_KEYS_PER_AGENT:
                seen.popitem(last=False)
            if isinstance(result, DomainError):
                raise result
            return dict(result)

    def _place(
        self,
        agent: Agent,
        symbol: str,
        side: str,
        order_type: str,
        quantity: Decimal,
        price: Decimal | None,
    ) -> dict[str, Any]:
        if agent.status == "archived":
            raise permission_denied("Agent is archived.")
        check_shape(order_type, quantity, price)
        symbol = self.market.require(symbol)
        reference = self.market.price(symbol)
        t = terms(
            symbol,
            side,
            order_type,
            quantity,
            price,
            min_qty=self.market.pair_info(symbol).min_qty,
            reference=reference,
            quote_volume=lambda: self.market.volume_24h(symbol),
        )
        now = self.clock.now()
        book = agent.book
        valuation = self._valuation(book)
        held = book.wallet.get(base_asset(symbol))
        check_order(
            agent.risk,
            OrderExposure(
                side=side,
                pay_asset=t.pay_asset,
                required=t.required,
                available=book.wallet[t.pay_asset].free
                if t.pay_asset in book.wallet
                else Decimal(0),
                order_value=t.order_value,
                position_value=(held.total if held else Decimal(0)) * reference,
                equity=valuation.equity,
                adds_open_order=t.fill is None,
                open_orders=len(book.open_orders),
            ),
            breaker_on=self._breaker_on(agent, now),
            account_id=agent.account_id,
            daily_pnl=book.today_pnl(now),
            symbol=symbol,
        )
        order = Order(
            order_id=str(uuid.uuid4()),
            agent_id=agent.id,
            symbol=symbol,
            side=side,
            type=order_type,
            quantity=quantity,
            price=price,
            status=OPEN,
            created_at=now,
        )
        book.orders[order.order_id] = order
        if t.fill is None:
            lock(book, order, t.pay_asset, t.required)
            self._publish_order(order, now)
            self._publish_portfolio(agent, now, valuation)
        else:
            self._execute(agent, order, t.fill, now)
        return order.response_view()

    def _execute(self, agent: Agent, order: Order, fill: Fill, now: datetime) -> None:
        """Move the money of one fill (funds already unlocked) and book its PnL."""
        apply_fill(agent.book, order, fill, now)
        self._breaker_on(agent, now)  # trips the circuit breaker once the loss reaches the limit
        valuation = self._snapshot(agent.book, now)
        self._publish_order(order, now)
        self._publish_portfolio(agent, now, valuation)

    def on_tick(self) -> None:
        """Match pending orders at the current prices; take periodic equity snapshots."""
        with self.lock:
            now = self.clock.now()
            for agent in self.accounts.all_agents():
                book = agent.book
                for order in list(book.open_orders.values()):
                    try:
                        market_price = self.market.price(order.symbol)
                    except DomainError:
                        continue
                    assert order.price is not None
                    if triggered(order.type, order.side, order.price, market_price):
                        self._fill_pending(agent, order, market_price, now)
            minute = int(now.timestamp()) // SNAPSHOT_EVERY_SECONDS
            if minute != self._last_periodic:
                self._last_periodic = minute
                for agent in self.accounts.all_agents():
                    if agent.status != "archived":
                        self._snapshot(agent.book, now)

    def _fill_pending(
        self, agent: Agent, order: Order, market_price: Decimal, now: datetime
    ) -> None:
        book = agent.book
        unlock(book, order)
        order.locked_amount = None
        fill = fill_terms(
            order.side, order.quantity, market_price, self.market.volume_24h(order.symbol)
        )
        if order.side == "buy" and book.balance(QUOTE).free < fill.total:
            # Slippage pushed the cost past the locked amount and the free cash.
            order.status, order.rejected_reason = "rejected", "insufficient_balance"
            book.open_orders.pop(order.order_id, None)
            self._publish_order(order, now)
            self._publish_portfolio(agent, now)
            return
        self._execute(agent, order, fill, now)

    def _order(self, agent: Agent, order_id: str) -> Order:
        order = agent.book.orders.get(order_id)
        if order is None:
            raise DomainError("ORDER_NOT_FOUND", "Order not found.", 404, {"order_id": order_id})
        return order

    def get_order(self, agent_id: str | None, order_id: str) -> dict[str, Any]:
        with self.lock:
            return self._order(self._agent(agent_id), order_id).detail_view()

    def order_summary(
        self, agent_id: str, order_id: str
    ) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
        """A decision trace's order and its latest fill (OrderSummary, TradeSummary shapes),
        or None where the agent has no such order or it has not filled."""
        with self.lock:
            order = self._agent(agent_id).book.orders.get(order_id)
            if order is None:
                return None, None
            summary = {
                "id": order.order_id,
                "symbol": order.symbol,
                "side": order.side,
                "type": order.type,
                "quantity": order.quantity,
                "executed_price": order.executed_price,
                "executed_qty": order.executed_quantity,
                "fee": order.fee,
                "status": order.status,
                "created_at": order.created_at,
                "filled_at": order.filled_at,
            }
            trade = next(
                (t for t in reversed(self._agent(agent_id).book.trades) if t.order_id == order_id),
                None,
            )
            if trade is None:
                return summary, None
            return summary, {
                "id": trade.trade_id,
                "symbol": trade.symbol,
                "side": trade.side,
                "quantity": trade.quantity,
                "price": trade.price,
                "quote_amount": q8(trade.price * trade.quantity),
                "fee": trade.fee,
                "realized_pnl": trade.pnl,
                "created_at": trade.executed_at,
            }

    def cancel_order(self, agent_id: str | None, order_id: str) -> dict[str, Any]:
        with self.lock:
            agent = self._agent(agent_id)
            order = self._order(agent, order_id)
            if order.status != OPEN:
                raise DomainError(
                    "ORDER_NOT_CANCELLABLE",
                    f"Order is {order.status}, not pending.",
                    400,
                    {"order_id": order_id, "current_status": order.status},
                )
            now = self.clock.now()
            unlocked = self._cancel(agent.book, order, now)
            self._publish_order(order, now)
            self._publish_portfolio(agent, now)
            return {
                "order_id": order_id,
                "status": "cancelled",
                "unlocked_amount": unlocked,
                "cancelled_at": now,
            }

    def _cancel(self, book: Book, order: Order, now: datetime) -> Decimal:
        unlocked = unlock(book, order)
        order.status, order.cancelled_at = "cancelled", now
        book.open_orders.pop(order.order_id, None)
        return unlocked

    def cancel_all_orders(self, agent_id: str | None) -> dict[str, Any]:
        with self.lock:
            agent = self._agent(agent_id)
            now = self.clock.now()
            total = Decimal(0)
            orders = list(agent.book.open_orders.values())
            for order in orders:
                total += self._cancel(agent.book, order, now)
                self._publish_order(order, now)
            if orders:
                self._publish_portfolio(agent, now)
            return {"cancelled_count": len(orders), "total_unlocked": total}

    def get_orders(
        self,
        agent_id: str | None,
        *,
        status: str | None = None,
        symbol: str | None = None,
        limit: int = 100,
        offset: int = 0,
        open_only: bool = False,
    ) -> dict[str, Any]:
        with self.lock:
            book = self._agent(agent_id).book
            source = book.open_orders if open_only else book.orders
            chosen = [
                o
                for o in reversed(source.values())
                if (status is None or o.status == status) and (symbol is None or o.symbol == symbol)
            ]
            return {
                "orders": [o.detail_view() for o in chosen[offset : offset + limit]],
                "total": len(chosen),
                "limit": limit,
                "offset": offset,
            }

    def get_trade_history(
        self,
        agent_id: str | None,
        *,
        symbol: str | None = None,
        side: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> dict[str, Any]:
        with self.lock:
            book = self._agent(agent_id).book
            chosen = [
                t
                for t in reversed(book.trades)
                if (symbol is None or t.symbol == symbol) and (side is None or t.side == side)
            ]
            return {
                "trades": [t.view() for t in chosen[offset : offset + limit]],
                "total": len(chosen),
                "limit": limit,
                "offset": offset,
            }

    # ----------------------------------------------------------------- account
    def account_info(self, agent_id: str | None) -> dict[str, Any]:
        with self.lock:
            agent = self._agent(agent_id)
            account = self.accounts.account(agent.account_id)
            book = agent.book
            return {
                "account_id": account.id,
                "display_name": account.display_name,
                "status": account.status,
                "starting_balance": book.session.starting_balance,
                "current_session": {
                    "session_id": book.session.session_id,
                    "started_at": book.session.started_at,
                },
                "risk_profile": agent.risk_view(),
                "created_at": account.created_at,
                "circuit_breaker_triggered": self._breaker_on(agent, self.clock.now()),
            }

    def balance(self, agent_id: str | None) -> dict[str, Any]:
        with self.lock:
            book = self._agent(agent_id).book
            return portfolio.balance_view(book, self._valuation(book))

    def positions(self, agent_id: str | None) -> dict[str, Any]:
        with self.lock:
            return portfolio.positions_view(self._valuation(self._agent(agent_id).book))

    def portfolio(self, agent_id: str | None) -> dict[str, Any]:
        with self.lock:
            book = self._agent(agent_id).book
            return portfolio.portfolio_view(book, self._valuation(book), self.clock.now())

    def pnl(self, agent_id: str | None, period: str = "all") -> dict[str, Any]:
        with self.lock:
            book = self._agent(agent_id).book
            return portfolio.pnl_view(book, self._valuation(book), period, self.clock.now())

    def reset(
        self, agent_id: str | None, starting_balance: Decimal | None = None
    ) -> dict[str, Any]:
        """New session: orders cancelled, positions dropped, cash restored; history kept."""
        if starting_balance is not None and not 0 < starting_balance <= MAX_BALANCE:
            raise DomainError(
                "VALIDATION_ERROR",
                f"The starting balance must be > 0 and <= {MAX_BALANCE}.",
                422,
                {"field": "new_starting_balance"},
            )
        with self.lock:
            agent = self._agent(agent_id)
            book = agent.book
            now = self.clock.now()
            for order in list(book.open_orders.values()):
                self._cancel(book, order, now)
                self._publish_order(order, now)
            valuation = self._valuation(book)
            previous = book.session
            ending = valuation.equity
            balance = starting_balance or previous.starting_balance
            agent.starting_balance = balance
            book.session = new_session(now, balance)
            book.wallet.clear()
            book.balance(QUOTE).free = balance
            book.positions.clear()
            book.realized_pnl = book.fees_paid = Decimal(0)
            book.breaker_until, book.day, book.day_net_pnl = None, None, Decimal(0)
            agent.updated_at = now
            self._publish_portfolio(agent, now, self._snapshot(book, now))
            return {
                "message": "Account reset.",
                "previous_session": {
                    "session_id": previous.session_id,
                    "ending_equity": ending,
                    "total_pnl": ending - previous.starting_balance,
                    "duration_days": int((now - previous.started_at).total_seconds() // 86400),
                },
                "new_session": {
                    "session_id": book.session.session_id,
                    "starting_balance": balance,
                    "started_at": now,
                },
            }

    # --------------------------------------------------------------- analytics
    def performance(self, agent_id: str | None, period: str = "all") -> dict[str, Any]:
        with self.lock:
            return analytics.performance(self._agent(agent_id).book, period, self.clock.now())

    def portfolio_history(
        self, agent_id: str | None, interval: str = "1h", limit: int = 100
    ) -> dict[str, Any]:
        with self.lock:
            agent = self._agent(agent_id)
            if not agent.book.history.series[interval]:
                self._snapshot(agent.book, self.clock.now())
            return analytics.history_view(agent.book, agent.account_id, interval, limit)

    def leaderboard(self, period: str = "30d", limit: int = 20) -> dict[str, Any]:
        """Active agents of every account ranked by ROI of their current session."""
        with self.lock:
            now = self.clock.now()
            rows: list[dict[str, Any]] = []
            for agent in self.accounts.all_agents():
                if agent.status == "archived":
                    continue
                book = agent.book
                perf = analytics.performance(book, period, now)
                rows.append(
                    {
                        "account_id": agent.account_id,
                        "agent_id": agent.id,
                        "display_name": agent.display_name,
                        "roi_pct": portfolio.roi_pct(book, self._valuation(book).equity),
                        "sharpe_ratio": perf["sharpe_ratio"],
                        "total_trades": perf["total_trades"],
                        "win_rate": perf["win_rate"],
                    }
                )
            rows.sort(key=lambda r: (-r["roi_pct"], r["display_name"], r["agent_id"]))
            return {
                "period": period,
                "rankings": [{"rank": i, **r} for i, r in enumerate(rows[:limit], start=1)],
            }

    def agent_summary(self, agent: Agent) -> dict[str, Any]:
        """AgentOverviewItem: the agent plus its equity, total PnL and trade count."""
        with self.lock:
            book = agent.book
            equity = self._valuation(book).equity
            return {
                **agent.view(),
                "equity": equity,
                "total_pnl": equity - book.session.starting_balance,
                "total_trades": len(book.trades),
            }

    def forget_agent(self, agent_id: str) -> None:
        """Drop what the engine keeps about a deleted agent."""
        with self.lock:
            self._idempotency.pop(agent_id, None)
