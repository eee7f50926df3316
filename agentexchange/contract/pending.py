"""A pending order of the run's own, so a contract run's ``cancel_order`` can really succeed.

docs/architecture.md "Contract tests": generated order ids are never the run's orders (404),
and market orders fill at once (400 ORDER_NOT_CANCELLABLE), so without help no contract
run would ever cancel anything and the cancel's success response would go unchecked. For a
share of ``cancel_order`` cases the hooks place a limit buy far below the market through
the document's own operations — ``get_pairs`` (a pair the server lists), ``get_price`` (its
current price), ``place_order`` — with the run's own credentials, and cancel that order.
The pair and price are read once per run, so each such case costs one extra request.
Nothing here may fail the run: any problem gives ``None`` and the case stays as generated.
Pure httpx and plain dicts, like ``credentials``; ``hooks`` wires it into schemathesis.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_UP, Decimal, InvalidOperation
from typing import Any

import httpx

from .credentials import call_operation

PAIRS_OPERATION = "get_pairs"
PRICE_OPERATION = "get_price"
ORDER_OPERATION = "place_order"
IDEMPOTENCY_HEADER = "Idempotency-Key"
# Far enough below the market that the buy stays pending for the rest of the run.
PRICE_FACTOR = Decimal("0.5")
# Twice the pair's minimum order value: valid, and a negligible share of the run's balance.
NOTIONAL_FACTOR = Decimal(2)
FALLBACK_NOTIONAL = Decimal(10)
PLACES_8 = Decimal("0.00000001")
# Reading the pair and price may fail transiently (a 429); give up on them after this many tries.
MAX_TARGET_ATTEMPTS = 3


@dataclass(frozen=True, slots=True)
class LimitBuy:
    """The one order the run places for cancellation (same terms every time)."""

    symbol: str
    quantity: Decimal
    price: Decimal

    def body(self) -> dict[str, str]:
        return {
            "symbol": self.symbol,
            "side": "buy",
            "type": "limit",
            "quantity": format(self.quantity, "f"),
            "price": format(self.price, "f"),
        }


def limit_buy(pair: Mapping[str, Any], market_price: Decimal) -> LimitBuy | None:
    """A buy at half the market price, for about twice the pair's minimum order value."""
    if market_price <= 0:
        return None
    places = market_price.as_tuple().exponent  # the price's own precision, 2 to 8 places
    exponent = max(min(places, -2), -8) if isinstance(places, int) else -8
    price = (market_price * PRICE_FACTOR).quantize(Decimal(1).scaleb(exponent), ROUND_DOWN)
    if price <= 0:
        return None
    min_notional = _decimal(pair.get("min_notional")) or Decimal(0)
    notional = min_notional * NOTIONAL_FACTOR if min_notional > 0 else FALLBACK_NOTIONAL
    quantity = notional / price
    step = _decimal(pair.get("step_size"))
    if step is not None and step > 0:
        quantity = (quantity / step).to_integral_value(ROUND_UP) * step
    min_qty = _decimal(pair.get("min_qty"))
    if min_qty is not None and quantity < min_qty:
        quantity = min_qty
    quantity = quantity.quantize(PLACES_8, ROUND_UP)
    return LimitBuy(str(pair["symbol"]), quantity.normalize(), price)


class PendingOrders:
    """Places pending limit buys for the run's own agent; ``None`` whenever that fails."""

    def __init__(
        self,
        base_url: str,
        raw_schema: Mapping[str, Any],
        *,
        timeout: float = 10.0,
        client: httpx.Client | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._schema = raw_schema
        self._client = client or httpx.Client(timeout=timeout)
        self._lock = threading.Lock()
        self._order: LimitBuy | None = None
        self._attempts = 0

    def place(self, headers: Mapping[str, str]) -> str | None:
        """Place the limit buy with ``headers`` (credentials, agent); its id if it is pending."""
        try:
            order = self._limit_buy()
            if order is None:
                return None
            data = call_operation(
                self._client,
                self.base_url,
                self._schema,
                ORDER_OPERATION,
                {**headers, IDEMPOTENCY_HEADER: uuid.uuid4().hex},
                {},
                json=order.body(),
            )
        except (httpx.HTTPError, KeyError, ValueError):
            return None
        if data is None or data.get("status") != "pending":
            return None  # refused, or (the market crashed) filled: nothing to cancel
        order_id = data.get("order_id")
        return order_id if isinstance(order_id, str) and order_id else None

    def _limit_buy(self) -> LimitBuy | None:
        with self._lock:
            if self._order is None and self._attempts < MAX_TARGET_ATTEMPTS:
                self._attempts += 1
                self._order = self._read_market()
            return self._order

    def _read_market(self) -> LimitBuy | None:
        listed = listed_pairs(self._get(PAIRS_OPERATION, {}))
        if not listed:
            return None
        pair = listed[0]
        price = _decimal(self._get(PRICE_OPERATION, {"symbol": pair["symbol"]}).get("price"))
        return limit_buy(pair, price) if price is not None else None

    def _get(self, operation_id: str, path_parameters: Mapping[str, str]) -> Mapping[str, Any]:
        answer = call_operation(
            self._client, self.base_url, self._schema, operation_id, {}, path_parameters
        )
        return answer if answer is not None else {}


def listed_pairs(answer: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The active pairs with a price in a ``get_pairs`` answer, in the server's order."""
    pairs = answer.get("pairs")
    return [
        pair
        for pair in (pairs if isinstance(pairs, list) else [])
        if isinstance(pair, dict)
        and isinstance(pair.get("symbol"), str)
        and pair.get("status") == "active"
        and pair.get("has_price") is not False
    ]


def _decimal(value: Any) -> Decimal | None:
    if not isinstance(value, str):
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None
