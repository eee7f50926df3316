"""Domain layer: Booking one execution into a ``Book``: cash, holding, cost basis, PnL, fees.

docs/architecture.md "Domain core": the money side of a fill, written once and used by
live trading (``trading.py``) and by the backtest sandbox (``sandbox/``), so an order
costs the same and books the same PnL in both. The caller has already unlocked whatever
a pending order held; this moves the fill's cash and quantity, updates the average entry
price (buys) or books realized PnL before fees (sells), the fees, today's net PnL for
the daily loss limit, marks the order filled and appends the trade.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from .book import Book, Position
from .orders import QUOTE, Fill, Order, Trade, q8


def apply_fill(book: Book, order: Order, fill: Fill, now: datetime) -> Trade:
    """Move the money of one fill and record it; the trade it made."""
    base = order.base
    cash = book.balance(QUOTE)
    holding = book.balance(base)
    pnl: Decimal | None = None
    if order.side == "buy":
        cash.free -= fill.total
        position = book.positions.get(base)
        held = holding.total
        if position is None or held <= 0:
            book.positions[base] = Position(fill.price, now)
        else:
            position.avg_entry_price = q8(
                (position.avg_entry_price * held + fill.price * fill.quantity)
                / (held + fill.quantity)
            )
        holding.free += fill.quantity
    else:
        position = book.positions.get(base)
        entry = position.avg_entry_price if position else fill.price
        pnl = q8((fill.price - entry) * fill.quantity)
        holding.free -= fill.quantity
        cash.free += fill.total
        book.realized_pnl += pnl
        book.prune(base)
    book.fees_paid += fill.fee
    book.note_day_pnl(now, (pnl or Decimal(0)) - fill.fee)
    order.status = "filled"
    order.executed_price, order.executed_quantity = fill.price, fill.quantity
    order.slippage_pct, order.fee, order.filled_at = fill.slippage_pct, fill.fee, now
    order.total_cost = fill.total
    book.open_orders.pop(order.order_id, None)
    trade = Trade(
        trade_id=str(uuid.uuid4()),
        order_id=order.order_id,
        agent_id=order.agent_id,
        session_id=book.session.session_id,
        symbol=order.symbol,
        side=order.side,
        quantity=fill.quantity,
        price=fill.price,
        fee=fill.fee,
        total=fill.total,
        executed_at=now,
        pnl=pnl,
    )
    book.trades.append(trade)
    return trade


def unlock(book: Book, order: Order) -> Decimal:
    """Give back what a pending order held; the amount (in ``order.locked_asset``)."""
    amount = order.locked_amount or Decimal(0)
    if order.locked_asset is not None and amount:
        funds = book.balance(order.locked_asset)
        funds.locked -= amount
        funds.free += amount
    return amount


def lock(book: Book, order: Order, asset: str, amount: Decimal) -> None:
    """Hold ``amount`` of ``asset`` for a pending order until it fills or is cancelled."""
    order.locked_asset, order.locked_amount = asset, amount
    funds = book.balance(asset)
    funds.free -= amount
    funds.locked += amount
    book.open_orders[order.order_id] = order
