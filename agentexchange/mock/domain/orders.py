"""Domain layer: Orders, executions and the fill arithmetic of the mock exchange's domain core.

docs/decisions.md "Mock exchange": orders (market, limit, stop-loss, take-profit) fill
with a fee of 0.1 % and the platform's volume-based slippage. This module holds the
records and the pure math; ``trading.py`` decides when an order fills and moves the money.
The ``*_view`` functions give the wire shapes of openapi.yaml (OrderResponse, OrderDetail,
Trade…) as plain dicts of Decimal/datetime, so the HTTP layer only serialises.

Trigger semantics (a choice the reference leaves open for buys): a *sell* stop_loss
fires when the price falls to the trigger and a sell take_profit when it rises to it,
as documented. A *buy* mirrors that — stop_loss fires when the price rises to the
trigger (a stop-buy that caps the loss of a short or enters a breakout) and take_profit
when it falls to it — so "stop" always means "the price moved against you". Limit buys
fill at or below the limit, limit sells at or above.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

FEE_RATE = Decimal("0.001")  # 0.1 % of the gross quote amount
MIN_SLIPPAGE = Decimal("0.0001")
MAX_SLIPPAGE = Decimal("0.10")
SLIPPAGE_FACTOR = Decimal("0.1")
MIN_NOTIONAL = Decimal("1")  # USDT, as the reference's order_too_small
# Bounds that keep every product within Decimal's 28 significant digits at 8 places
# (a schema-valid "1e30" must be a clear 400, never an arithmetic error).
MAX_QUANTITY = Decimal("1e12")
MAX_PRICE = Decimal("1e12")
MAX_NOTIONAL = Decimal("1e15")  # quantity x price, USDT
QUOTE = "USDT"

PENDING_TYPES = frozenset({"limit", "stop_loss", "take_profit"})
ORDER_TYPES = frozenset({"market"}) | PENDING_TYPES
OPEN = "pending"

_Q8 = Decimal("0.00000001")
_Q6 = Decimal("0.000001")


def q8(value: Decimal) -> Decimal:
    return value.quantize(_Q8, rounding=ROUND_HALF_UP)


def base_asset(symbol: str) -> str:
    return symbol[: -len(QUOTE)] if symbol.endswith(QUOTE) else symbol


@dataclass(frozen=True, slots=True)
class Fill:
    """The terms of one execution: price after slippage, fee and cash moved."""

    price: Decimal
    quantity: Decimal
    slippage_pct: Decimal
    gross: Decimal
    fee: Decimal
    total: Decimal  # what a buy pays (gross + fee) or a sell receives (gross - fee)


def slippage_fraction(notional: Decimal, quote_volume_24h: Decimal) -> Decimal:
    """0.1 x order value / 24 h quote volume, clamped to [0.01 %, 10 %] (reference §6:
    0.1 x (qty x ref) / (volume x ref)); no volume known -> the floor."""
    if quote_volume_24h <= 0:
        return MIN_SLIPPAGE
    return min(MAX_SLIPPAGE, max(MIN_SLIPPAGE, SLIPPAGE_FACTOR * notional / quote_volume_24h))


def fill_terms(side: str, quantity: Decimal, reference: Decimal, quote_volume_24h: Decimal) -> Fill:
    """Execution at ``reference`` moved against the taker by the slippage fraction.

    ``quote_volume_24h`` is the pair's 24 h volume in USDT, as ``Market.volume_24h``
    gives it.
    """
    fraction = slippage_fraction(quantity * reference, quote_volume_24h)
    direction = 1 if side == "buy" else -1
    price = q8(reference * (1 + direction * fraction))
    gross = q8(price * quantity)
    fee = q8(gross * FEE_RATE)
    total = gross + fee if side == "buy" else gross - fee
    return Fill(price, quantity, (fraction * 100).quantize(_Q6), gross, fee, total)


def buy_lock(quantity: Decimal, price: Decimal) -> Decimal:
    """Quote locked by a pending buy: its value at the order price plus the fee."""
    return q8(quantity * price * (1 + FEE_RATE))


def triggered(order_type: str, side: str, order_price: Decimal, market: Decimal) -> bool:
    """Whether a pending order fires at this market price (see the module docstring)."""
    if order_type == "limit":
        return market <= order_price if side == "buy" else market >= order_price
    falls_to = (order_type == "stop_loss") == (side == "sell")
    return market <= order_price if falls_to else market >= order_price


@dataclass(slots=True)
class Order:
    order_id: str
    agent_id: str
    symbol: str
    side: str
    type: str
    quantity: Decimal
    price: Decimal | None
    status: str
    created_at: datetime
    locked_asset: str | None = None
    locked_amount: Decimal | None = None
    executed_price: Decimal | None = None
    executed_quantity: Decimal | None = None
    slippage_pct: Decimal | None = None
    fee: Decimal | None = None
    total_cost: Decimal | None = None
    filled_at: datetime | None = None
    cancelled_at: datetime | None = None
    rejected_reason: str | None = None

    @property
    def base(self) -> str:
        return base_asset(self.symbol)

    def response_view(self) -> dict[str, Any]:
        """OrderResponse: every key present, as the real platform sends them."""
        filled = self.status == "filled"
        return {
            "order_id": self.order_id,
            "status": self.status,
            "symbol": self.symbol,
            "side": self.side,
            "type": self.type,
            "requested_quantity": self.quantity,
            "executed_quantity": self.executed_quantity if filled else None,
            "executed_price": self.executed_price if filled else None,
            "slippage_pct": self.slippage_pct if filled else None,
            "fee": self.fee if filled else None,
            "total_cost": self.total_cost if filled else None,
            "filled_at": self.filled_at,
            "quantity": self.quantity,
            "price": self.price,
            "locked_amount": self.locked_amount if self.status == OPEN else None,
            "created_at": self.created_at,
        }

    def detail_view(self) -> dict[str, Any]:
        """OrderDetail (get_order, the order lists)."""
        return {
            "order_id": self.order_id,
            "status": self.status,
            "symbol": self.symbol,
            "side": self.side,
            "type": self.type,
            "quantity": self.quantity,
            "price": self.price,
            "executed_price": self.executed_price,
            "executed_qty": self.executed_quantity,
            "slippage_pct": self.slippage_pct,
            "fee": self.fee,
            "created_at": self.created_at,
            "filled_at": self.filled_at,
        }

    def event_view(self, timestamp: datetime) -> dict[str, Any]:
        """Payload of the "order" event topic: domain values; the WebSocket side encodes them
        exactly as REST responses are encoded (decimal strings, ISO-8601 Z)."""
        return {
            "agent_id": self.agent_id,
            "order_id": self.order_id,
            "symbol": self.symbol,
            "side": self.side,
            "type": self.type,
            "status": self.status,
            "quantity": self.quantity,
            "price": self.price,
            "executed_price": self.executed_price,
            "executed_quantity": self.executed_quantity,
            "fee": self.fee,
            "timestamp": timestamp,
        }


@dataclass(frozen=True, slots=True)
class Trade:
    trade_id: str
    order_id: str
    agent_id: str
    session_id: str
    symbol: str
    side: str
    quantity: Decimal
    price: Decimal
    fee: Decimal
    total: Decimal
    executed_at: datetime
    pnl: Decimal | None  # realized PnL of a closing (sell) trade, before fees; None opens

    def view(self) -> dict[str, Any]:
        return {
            "trade_id": self.trade_id,
            "order_id": self.order_id,
            "symbol": self.symbol,
            "side": self.side,
            "quantity": self.quantity,
            "price": self.price,
            "fee": self.fee,
            "total": self.total,
            "executed_at": self.executed_at,
            "pnl": self.pnl,
        }
