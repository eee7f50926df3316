"""Web layer: HTTP handlers for orders and executions (openapi.yaml tag ``trade``).

docs/architecture.md "Web layer": thin glue onto ``domain/trading.py``. ``place_order``
honours ``Idempotency-Key`` and echoes it on every reply — success or domain error — so
clients know the server honours it and may retry the POST safely.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...domain.errors import DomainError
from ..app import ApiRequest, Handler, Reply
from ._context import body_of, caller, decimal_field

if TYPE_CHECKING:
    from ...domain.exchange import Exchange


def handlers(ex: Exchange) -> dict[str, Handler]:
    trading = ex.trading

    def place_order(request: ApiRequest) -> Any:
        body = body_of(request)
        key = request.headers.get("idempotency-key") or None
        quantity = decimal_field(body, "quantity")
        if quantity is None:  # the schema requires it; kept for a clear message
            raise DomainError("VALIDATION_ERROR", "quantity: required.", 422, {"field": "quantity"})
        try:
            order = trading.place_order(
                caller(request).agent_id,
                str(body["symbol"]),
                str(body["side"]),
                str(body["type"]),
                quantity,
                decimal_field(body, "price", "stop_price"),  # stop_price: the platform's alias
                idempotency_key=key,
            )
        except DomainError as exc:
            if key is None:
                raise
            raise DomainError(
                exc.code,
                exc.message,
                exc.status,
                exc.details,
                {**exc.headers, "Idempotency-Key": key},
            ) from None
        return Reply(order, headers={"Idempotency-Key": key} if key else {})

    def get_order(request: ApiRequest) -> Any:
        return trading.get_order(caller(request).agent_id, request.path_params["order_id"])

    def cancel_order(request: ApiRequest) -> Any:
        return trading.cancel_order(caller(request).agent_id, request.path_params["order_id"])

    def get_open_orders(request: ApiRequest) -> Any:
        q = request.query
        return trading.get_orders(
            caller(request).agent_id,
            limit=q["limit"],
            offset=q["offset"],
            open_only=True,
        )

    def cancel_all_orders(request: ApiRequest) -> Any:
        return trading.cancel_all_orders(caller(request).agent_id)

    def get_orders(request: ApiRequest) -> Any:
        q = request.query
        return trading.get_orders(
            caller(request).agent_id,
            status=q.get("status"),
            symbol=q.get("symbol"),
            limit=q["limit"],
            offset=q["offset"],
        )

    def get_trade_history(request: ApiRequest) -> Any:
        q = request.query
        return trading.get_trade_history(
            caller(request).agent_id,
            symbol=q.get("symbol"),
            side=q.get("side"),
            limit=q["limit"],
            offset=q["offset"],
        )

    return {
        "place_order": place_order,
        "get_order": get_order,
        "cancel_order": cancel_order,
        "get_open_orders": get_open_orders,
        "cancel_all_orders": cancel_all_orders,
        "get_orders": get_orders,
        "get_trade_history": get_trade_history,
    }
