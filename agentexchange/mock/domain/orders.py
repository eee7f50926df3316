"""Domain layer: Orders, executions and the fill arithmetic of the mock exchange's domain core.

docs/decisions.md "Mock exchange": orders (market, limit, stop-loss, take-profit) fill
with a fee of 0.1 % and the platform's volume-based slippage. This module holds the
records and the pure math — the order checks (``check_shape``, ``terms``), the fill terms
and the trigger rules, at one price (``triggered``, live) or over a candle's range
(``crossed``, ``range_fill_price``: backtests) — shared by live trading and the backtest
engine (``sandbox.py``); ``trading.py`` decides when a live order fills, ``ledger.py``
moves the money. The ``*_view`` functions give the wire shapes of openapi.yaml
(OrderResponse, OrderDetail, Trade…) as plain dicts of Decimal/datetime, so the HTTP
layer only serialises.

Trigger semantics (a choice the reference leaves open for buys): a *sell* stop_loss
fires when the price falls to the trigger and a sell take_profit when it rises to it,
as documented. A *buy* mirrors that — stop_loss fires when the price rises to the
trigger (a stop-buy that caps the loss of a short or enters a breakout) and take_profit
when it falls to it — so "stop" always means "the price moved against you". Limit buys
fill at or below the limit, limit sells at or above.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypeVar

from .errors import DomainError

Level = TypeVar("Level", Decimal, int)  # prices, or integer ticks with the level scaled to match

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


def fill_terms(
    side: str,
    quantity: Decimal,
    reference: Decimal,
    quote_volume_24h: Decimal,
    fee_rate: Decimal = FEE_RATE,
) -> Fill:
    """Execution at ``reference`` moved against the taker by the slippage fraction.

    ``quote_volume_24h`` is the pair's 24 h volume in USDT, as ``Market.volume_24h``
    gives it.
    """
    fraction = slippage_fraction(quantity * reference, quote_volume_24h)
    return fill_with(side, quantity, reference, fraction, fee_rate)


def fill_with(
    side: str,
    quantity: Decimal,
    reference: Decimal,
    fraction: Decimal,
    fee_rate: Decimal = FEE_RATE,
) -> Fill:
    """Execution at ``reference`` moved against the taker by ``fraction`` (0: none), plus the fee."""
    direction = 1 if side == "buy" else -1
    price = q8(reference * (1 + direction * fraction))
    gross = q8(price * quantity)
    fee = q8(gross * fee_rate)
    total = gross + fee if side == "buy" else gross - fee
    return Fill(price, quantity, (fraction * 100).quantize(_Q6), gross, fee, total)


@dataclass(frozen=True, slots=True)
class Terms:
    """What placing an order takes, once its shape and size passed the checks."""

    fill: Fill | None  # a market order's execution; None for a pending order
    order_value: Decimal  # quantity x (order price, or the reference for a market order)
    # of pay_asset: a market buy's total cost, a pending buy's lock, or the quantity
    required: Decimal
    pay_asset: str


def check_shape(order_type: str, quantity: Decimal, price: Decimal | None) -> None:
    """The checks that need no market: a price exactly for pending orders, sane numbers."""
    pending = order_type in PENDING_TYPES
    if pending and price is None:
        raise DomainError(
            "INVALID_ORDER_TYPE",
            f"A {order_type} order needs a price.",
            400,
            {"order_type": order_type},
        )
    if not pending and price is not None:
        raise DomainError(
            "INVALID_ORDER_TYPE",
            "A market order takes no price.",
            400,
            {"order_type": order_type},
        )
    if not quantity.is_finite() or quantity <= 0 or quantity > MAX_QUANTITY:
        raise DomainError(
            "INVALID_QUANTITY",
            f"Quantity must be greater than 0 and at most {MAX_QUANTITY}.",
            400,
            {"quantity": str(quantity), "max_qty": str(MAX_QUANTITY)},
        )
    if price is not None and (not price.is_finite() or price <= 0 or price > MAX_PRICE):
        raise DomainError(
            "INVALID_QUANTITY",
            f"Price must be greater than 0 and at most {MAX_PRICE}.",
            400,
            {"quantity": str(quantity), "price": str(price)},
        )


def terms(
    symbol: str,
    side: str,
    order_type: str,
    quantity: Decimal,
    price: Decimal | None,
    *,
    min_qty: Decimal,
    reference: Decimal,
    quote_volume: Callable[[], Decimal],
    fee_rate: Decimal = FEE_RATE,
) -> Terms:
    """Lot, value and notional checks, then the fill (market) or the lock (pending) — the
    live rules, shared by live trading and backtest sessions. ``reference`` is the price
    now; ``quote_volume`` the pair's 24 h USDT volume, asked only for a market order."""
    # As the real platform: at least min_qty (step_size is advertised, not enforced);
    # and no more than 8 decimal places, which wallets keep exactly.
    if quantity < min_qty or quantity != quantity.quantize(_Q8):
        raise DomainError(
            "INVALID_QUANTITY",
            f"Quantity must be at least {min_qty:f} for {symbol}, with at most 8 decimal places.",
            400,
            {"quantity": format(quantity, "f"), "min_qty": format(min_qty, "f")},
        )
    if quantity * (price if price is not None else reference) > MAX_NOTIONAL:
        # Bounds every amount to 23 digits at 8 places, inside Decimal's 28.
        raise DomainError(
            "INVALID_QUANTITY",
            f"Order value is above the maximum of {MAX_NOTIONAL:f} {QUOTE}.",
            400,
            {"quantity": format(quantity, "f"), "max_notional": format(MAX_NOTIONAL, "f")},
        )
    fill: Fill | None = None
    if price is not None:
        order_value = quantity * price
        required = buy_lock(quantity, price, fee_rate) if side == "buy" else quantity
    else:
        fill = fill_terms(side, quantity, reference, quote_volume(), fee_rate)
        order_value = quantity * reference
        required = fill.total if side == "buy" else quantity
    if order_value < MIN_NOTIONAL:
        raise DomainError(
            "INVALID_QUANTITY",
            f"Order value is below the minimum of {MIN_NOTIONAL} {QUOTE}.",
            400,
            {"quantity": str(quantity), "min_notional": str(MIN_NOTIONAL)},
        )
    return Terms(fill, order_value, required, QUOTE if side == "buy" else base_asset(symbol))


def buy_lock(quantity: Decimal, price: Decimal, fee_rate: Decimal = FEE_RATE) -> Decimal:
    """Quote locked by a pending buy: its value at the order price plus the fee."""
    return q8(quantity * price * (1 + fee_rate))


def falls_to(order_type: str, side: str) -> bool:
    """Whether a pending order fires when the price falls to its level (else when it rises)."""
    if order_type == "limit":
        return side == "buy"
    return (order_type == "stop_loss") == (side == "sell")


def triggered(order_type: str, side: str, order_price: Decimal, market: Decimal) -> bool:
    """Whether a pending order fires at this market price (see the module docstring)."""
    return market <= order_price if falls_to(order_type, side) else market >= order_price


def crossed(order_type: str, side: str, level: Level, high: Level, low: Level) -> bool:
    """Whether a candle with this range reached a pending order's level (``triggered``
    for a whole candle instead of one price). Any comparable units: Decimal prices or the
    market's integer ticks with the level scaled to match."""
    return low <= level if falls_to(order_type, side) else high >= level


def range_fill_price(order_type: str, side: str, level: Level, open_: Level) -> Level:
    """Where a candle that ``crossed`` the level fills the order: at the level, or at the
    candle's open when it opened beyond the level (a gap: better for a limit, worse for a
    stop). The one rule for backtest sessions and strategy-test exits alike."""
    return min(level, open_) if falls_to(order_type, side) else max(level, open_)


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
