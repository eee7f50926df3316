"""Domain layer: Per-agent risk profile and the pre-trade checks of the mock exchange.

The domain core's pre-trade risk checks, in the order docs/decisions.md "Mock exchange"
fixes (issue 4): insufficient balance FIRST (``INSUFFICIENT_BALANCE`` with asset, required,
available — the real platform checks size first, which makes the documented error
unreachable there), then max order size %, max position size %, max open orders, and the
daily loss limit. Size and open-order limits answer ``ORDER_REJECTED`` with
``details.reason`` from openapi.yaml's ``x-order-reject-reasons`` (plus limit_type,
current_value, max_value); the daily loss circuit breaker answers ``DAILY_LOSS_LIMIT``
(403) until 00:00 UTC.

Size and position limits apply to buys only: a sell can only shrink exposure, and
blocking it would trap an agent in a position that grew past its limit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from .book import Book, next_midnight
from .errors import DomainError

_LIMITS: dict[str, tuple[int, int]] = {  # field -> (min, max), as RiskProfileInput
    "max_position_size_pct": (1, 100),
    "daily_loss_limit_pct": (1, 100),
    "max_open_orders": (1, 200),
    "max_order_size_pct": (1, 100),
}


@dataclass(frozen=True, slots=True)
class RiskProfile:
    """Effective limits: the real platform's defaults overridden per agent."""

    max_position_size_pct: int = 25
    daily_loss_limit_pct: int = 20
    max_open_orders: int = 50
    max_order_size_pct: int = 50

    @staticmethod
    def validate_overrides(raw: Mapping[str, Any]) -> dict[str, int]:
        clean: dict[str, int] = {}
        for key, value in raw.items():
            bounds = _LIMITS.get(key)
            if bounds is None:
                # The schema allows extra members; ignoring them is forward compatible.
                continue
            if (
                isinstance(value, bool)
                or not isinstance(value, int | Decimal)
                or value != int(value)
            ):
                raise DomainError(
                    "VALIDATION_ERROR", f"{key}: must be an integer.", 422, {"field": key}
                )
            if not bounds[0] <= int(value) <= bounds[1]:
                raise DomainError(
                    "VALIDATION_ERROR",
                    f"{key}: must be between {bounds[0]} and {bounds[1]}.",
                    422,
                    {"field": key},
                )
            clean[key] = int(value)
        return clean

    @classmethod
    def from_overrides(cls, overrides: Mapping[str, int]) -> RiskProfile:
        return cls(**{k: v for k, v in overrides.items() if k in _LIMITS})

    def view(self, *, with_order_size: bool = True) -> dict[str, int]:
        """The limits; ``max_order_size_pct`` (our extension) can be left out where the
        document's examples show only the real platform's three."""
        limits = asdict(self)
        if not with_order_size:
            del limits["max_order_size_pct"]
        return limits


@dataclass(frozen=True, slots=True)
class OrderExposure:
    """What the checks need to know about one order and the agent placing it."""

    side: str
    pay_asset: str  # USDT for a buy, the base asset for a sell
    required: Decimal  # of pay_asset: total cost of a market buy, lock of a pending one
    available: Decimal  # free balance of pay_asset
    order_value: Decimal  # in USDT, at the order (or current) price
    position_value: Decimal  # current value of the bought asset, USDT
    equity: Decimal
    adds_open_order: bool
    open_orders: int


def _pct(part: Decimal, whole: Decimal) -> Decimal:
    return (part / whole * 100).quantize(Decimal("0.01")) if whole > 0 else Decimal("100.00")


def _reject(reason: str, text: str, limit_type: str, current: Any, maximum: Any) -> DomainError:
    return DomainError(
        "ORDER_REJECTED",
        f"{reason}: {text}",
        400,
        {
            "reason": reason,
            "limit_type": limit_type,
            "current_value": str(current),
            "max_value": str(maximum),
        },
    )


def check_order(
    profile: RiskProfile,
    exposure: OrderExposure,
    *,
    breaker_on: bool,
    account_id: str,
    daily_pnl: Decimal,
    symbol: str,
) -> None:
    """Raise the first failing rule, in the documented order; return if all pass."""
    if exposure.required > exposure.available:
        raise DomainError(
            "INSUFFICIENT_BALANCE",
            f"Insufficient {exposure.pay_asset} balance: need {exposure.required}, "
            f"have {exposure.available}.",
            400,
            {
                "asset": exposure.pay_asset,
                "required": str(exposure.required),
                "available": str(exposure.available),
            },
        )
    if exposure.side == "buy":
        order_pct = _pct(exposure.order_value, exposure.equity)
        if order_pct > profile.max_order_size_pct:
            raise _reject(
                "order_too_large",
                f"order value is {order_pct}% of equity (limit: {profile.max_order_size_pct}%)",
                "max_order_size_pct",
                order_pct,
                profile.max_order_size_pct,
            )
        position_pct = _pct(exposure.position_value + exposure.order_value, exposure.equity)
        if position_pct > profile.max_position_size_pct:
            raise _reject(
                "position_limit_exceeded",
                f"{symbol} position would be {position_pct}% of equity "
                f"(limit: {profile.max_position_size_pct}%)",
                "max_position_size_pct",
                position_pct,
                profile.max_position_size_pct,
            )
    if exposure.adds_open_order and exposure.open_orders >= profile.max_open_orders:
        raise _reject(
            "max_open_orders_exceeded",
            f"{exposure.open_orders} open orders (limit: {profile.max_open_orders})",
            "max_open_orders",
            exposure.open_orders,
            profile.max_open_orders,
        )
    if breaker_on:
        raise DomainError(
            "DAILY_LOSS_LIMIT",
            "Daily loss limit reached; trading resumes at 00:00 UTC.",
            403,
            {
                "account_id": account_id,
                "daily_pnl": str(daily_pnl),
                "loss_limit_pct": profile.daily_loss_limit_pct,
                "reason": "daily_loss_limit",
            },
        )


def loss_limit_hit(profile: RiskProfile, starting_balance: Decimal, daily_pnl: Decimal) -> bool:
    """Today's net realized loss reached daily_loss_limit_pct of the starting balance."""
    return daily_pnl < 0 and -daily_pnl >= starting_balance * profile.daily_loss_limit_pct / 100


def breaker_on(book: Book, profile: RiskProfile, now: datetime) -> bool:
    """Whether the daily-loss circuit breaker is on for ``book`` at ``now``.

    Trips it (until the next 00:00 UTC) once today's loss reaches the limit; live trading
    and the backtest sandbox both ask this before an order and after a fill.
    """
    if book.breaker_until is not None and now < book.breaker_until:
        return True
    if loss_limit_hit(profile, book.session.starting_balance, book.today_pnl(now)):
        book.breaker_until = next_midnight(now)
        return True
    return False
