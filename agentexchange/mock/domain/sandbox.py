"""Domain layer: The backtest engine's wallet: one simulated account trading by the live rules.

docs/architecture.md "Domain core": the one engine under both kinds of backtest — the
strategy tests (``strategies/backtest.py``) and the backtest sessions (``backtests/``).
A ``Sandbox`` is a ``Book`` (the live wallet, positions, orders and trades) that lives
outside any agent and reads no clock and no market of its own: its driver passes the
time and the prices of each replayed candle. What it does is what live trading does,
through the same code: ``orders.check_shape`` / ``orders.terms`` (lot, value, notional,
fee, volume-based slippage), ``risk.check_order`` (balance, the agent's limits, the daily
loss breaker on the replayed day), ``ledger.apply_fill`` (cash, cost basis, realized PnL,
fees). Pending orders fire on a candle's range: ``orders.crossed`` and
``orders.range_fill_price`` decide, the driver calls ``fill_pending``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import Decimal

from . import portfolio
from .book import Balance, Book, Session
from .errors import DomainError
from .ledger import apply_fill, lock, unlock
from .orders import (
    FEE_RATE,
    OPEN,
    QUOTE,
    Order,
    base_asset,
    check_shape,
    fill_terms,
    fill_with,
    terms,
)
from .risk import OrderExposure, RiskProfile, breaker_on, check_order

PriceOf = Callable[[str], Decimal]
_ZERO = Decimal(0)


class Sandbox:
    """A wallet of ``starting_balance`` USDT; ``session_id`` names its trades' session."""

    def __init__(
        self,
        starting_balance: Decimal,
        now: datetime,
        *,
        session_id: str | None = None,
        agent_id: str = "",
        account_id: str = "",
        risk: RiskProfile | None = None,
        fee_rate: Decimal = FEE_RATE,
    ) -> None:
        self.book = Book(Session(session_id or str(uuid.uuid4()), now, starting_balance))
        self.book.wallet[QUOTE] = Balance(free=starting_balance)
        self.agent_id = agent_id
        self.account_id = account_id
        self.risk = risk or RiskProfile()
        self.fee_rate = fee_rate
        self._symbol_of: dict[str, str] = {}  # base asset -> the symbol it was traded as

    # ------------------------------------------------------------------ reads
    @property
    def cash(self) -> Balance:
        return self.book.balance(QUOTE)

    def symbol_of(self, asset: str) -> str:
        """The symbol a held base asset was traded as."""
        return self._symbol_of.get(asset, asset + QUOTE)

    def held(self, symbol: str) -> Decimal:
        found = self.book.wallet.get(base_asset(symbol))
        return found.total if found is not None else _ZERO

    def equity(self, prices: Mapping[str, Decimal]) -> Decimal:
        """Cash plus holdings at ``prices`` (symbol -> price), unrounded: the hot path of
        a replay that marks every candle."""
        total = self.cash.total
        for asset, balance in self.book.wallet.items():
            if asset != QUOTE and balance.total:
                total += balance.total * prices[self._symbol_of[asset]]
        return total

    def value(self, price_of: PriceOf) -> portfolio.Valuation:
        """The live valuation (positions at their average entry price, PnL) at ``price_of``."""
        return portfolio.value(self.book, price_of)

    def pending(self) -> list[Order]:
        """Open orders in the order they were placed."""
        return list(self.book.open_orders.values())

    def _breaker_on(self, now: datetime) -> bool:
        return breaker_on(self.book, self.risk, now)

    def _new_order(
        self,
        symbol: str,
        side: str,
        order_type: str,
        quantity: Decimal,
        price: Decimal | None,
        now: datetime,
    ) -> Order:
        order = Order(
            order_id=str(uuid.uuid4()),
            agent_id=self.agent_id,
            symbol=symbol,
            side=side,
            type=order_type,
            quantity=quantity,
            price=price,
            status=OPEN,
            created_at=now,
        )
        self.book.orders[order.order_id] = order
        self._symbol_of[order.base] = symbol
        return order

    # ----------------------------------------------------------------- orders
    def place(
        self,
        symbol: str,
        side: str,
        order_type: str,
        quantity: Decimal,
        price: Decimal | None,
        *,
        now: datetime,
        min_qty: Decimal,
        reference: Decimal,
        quote_volume: Callable[[], Decimal],
        price_of: PriceOf,
    ) -> Order:
        """An order by the live rules at ``now``: a market order fills at ``reference``
        (the price now) with the volume-based slippage; the others lock their funds and
        wait for ``fill_pending``. Raises the live ``DomainError`` s."""
        check_shape(order_type, quantity, price)
        t = terms(
            symbol,
            side,
            order_type,
            quantity,
            price,
            min_qty=min_qty,
            reference=reference,
            quote_volume=quote_volume,
            fee_rate=self.fee_rate,
        )
        book = self.book
        funds = book.wallet.get(t.pay_asset)
        check_order(
            self.risk,
            OrderExposure(
                side=side,
                pay_asset=t.pay_asset,
                required=t.required,
                available=funds.free if funds is not None else _ZERO,
                order_value=t.order_value,
                position_value=self.held(symbol) * reference,
                equity=self.value(price_of).equity,
                adds_open_order=t.fill is None,
                open_orders=len(book.open_orders),
            ),
            breaker_on=self._breaker_on(now),
            account_id=self.account_id,
            daily_pnl=book.today_pnl(now),
            symbol=symbol,
        )
        order = self._new_order(symbol, side, order_type, quantity, price, now)
        if t.fill is None:
            lock(book, order, t.pay_asset, t.required)
        else:
            apply_fill(book, order, t.fill, now)
            self._breaker_on(now)  # trips the breaker once the loss reaches the limit
        return order

    def execute(
        self,
        symbol: str,
        side: str,
        quantity: Decimal,
        reference: Decimal,
        now: datetime,
        *,
        quote_volume: Decimal | None = None,
    ) -> Order:
        """A market order filled at once at ``reference``: with the live slippage for
        ``quote_volume`` (the pair's 24 h USDT volume), or none without it (strategy tests
        enter and exit at the level their rules name). Only the balance is checked."""
        fill = (
            fill_terms(side, quantity, reference, quote_volume, self.fee_rate)
            if quote_volume is not None
            else fill_with(side, quantity, reference, _ZERO, self.fee_rate)
        )
        asset, need = (QUOTE, fill.total) if side == "buy" else (base_asset(symbol), quantity)
        funds = self.book.wallet.get(asset)
        available = funds.free if funds is not None else _ZERO
        if need > available:
            raise DomainError(
                "INSUFFICIENT_BALANCE",
                f"Insufficient {asset} balance: need {need}, have {available}.",
                400,
                {"asset": asset, "required": str(need), "available": str(available)},
            )
        order = self._new_order(symbol, side, "market", quantity, None, now)
        apply_fill(self.book, order, fill, now)
        return order

    def fill_pending(
        self, order: Order, reference: Decimal, now: datetime, quote_volume: Decimal
    ) -> bool:
        """Fill a pending order whose trigger was reached, at ``reference`` plus the live
        slippage. A buy that slippage made dearer than the cash left is rejected, as live."""
        book = self.book
        unlock(book, order)
        order.locked_amount = None
        fill = fill_terms(order.side, order.quantity, reference, quote_volume, self.fee_rate)
        if order.side == "buy" and self.cash.free < fill.total:
            order.status, order.rejected_reason = "rejected", "insufficient_balance"
            book.open_orders.pop(order.order_id, None)
            return False
        apply_fill(book, order, fill, now)
        self._breaker_on(now)
        return True

    def cancel(self, order_id: str, now: datetime) -> Order:
        """Cancel a pending order and give back its funds (404 unknown, 400 not pending)."""
        order = self.book.orders.get(order_id)
        if order is None:
            raise DomainError("ORDER_NOT_FOUND", "Order not found.", 404, {"order_id": order_id})
        if order.status != OPEN:
            raise DomainError(
                "ORDER_NOT_CANCELLABLE",
                f"Order is {order.status}, not pending.",
                400,
                {"order_id": order_id, "current_status": order.status},
            )
        unlock(self.book, order)
        order.status, order.cancelled_at = "cancelled", now
        self.book.open_orders.pop(order_id, None)
        return order

    def cancel_all(self, now: datetime) -> None:
        for order in self.pending():
            self.cancel(order.order_id, now)
