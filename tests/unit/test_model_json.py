"""Models convert to JSON-safe data and back (issue 19, "Models").

``to_dict()`` goes through the one conversion, ``_jsonable.jsonable`` (decimals as their
exact text, ISO 8601 timestamps, nested models as objects by Python name); ``to_json()``
is its JSON text; ``from_dict()`` reads that form back into an equal model, for every
model of ``models.py``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from agentexchange import models
from agentexchange._jsonable import jsonable
from agentexchange.models import Order, Portfolio

from .test_model_dataclasses import MODEL_NAMES, values

WIRE_ORDER = {
    "order_id": "660e8400-e29b-41d4-a716-446655440001",
    "status": "filled",
    "symbol": "BTCUSDT",
    "side": "buy",
    "type": "market",
    "requested_quantity": "0.01000000",
    "executed_quantity": "0.01",
    "executed_price": "64006.40000000",
    "slippage_pct": "0.010000",
    "fee": "0.64006400",
    "total_cost": "640.70406400",
    "filled_at": "2026-11-23T10:00:00.123456Z",
    "price": None,
    "created_at": "2026-11-23T10:00:00Z",
}


def test_order_round_trips_through_json_exactly() -> None:
    order = Order._from_wire(WIRE_ORDER)
    text = order.to_json()
    data = json.loads(text)
    # Decimals are their exact text (trailing zeros kept), timestamps ISO 8601 with offset.
    assert data["quantity"] == "0.01000000"
    assert data["executed_price"] == "64006.40000000"
    assert data["filled_at"] == "2026-11-23T10:00:00.123456+00:00"
    assert data["order_type"] == "market" and data["price"] is None
    back = Order.from_dict(data)
    assert back == order
    assert str(back.quantity) == "0.01000000" and str(back.fee) == "0.64006400"
    assert back.filled_at == datetime(2026, 11, 23, 10, 0, 0, 123456, tzinfo=UTC)
    assert order.to_dict() == jsonable(order)  # the one conversion, not another


def test_nested_models_round_trip() -> None:
    portfolio = Portfolio(**values("Portfolio", models, 3))
    assert Portfolio.from_dict(json.loads(portfolio.to_json())) == portfolio


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_every_model_round_trips(name: str) -> None:
    cls: Any = getattr(models, name)
    for required_only in (False, True):
        model = cls(**values(name, models, 7, required_only=required_only))
        data = json.loads(model.to_json())
        assert cls.from_dict(data) == model


def test_from_dict_of_the_wrong_shape_is_a_clear_error() -> None:
    data = Order._from_wire(WIRE_ORDER).to_dict()
    del data["symbol"]
    with pytest.raises(ValueError, match=r"Order.from_dict: missing field 'symbol'"):
        Order.from_dict(data)
    with pytest.raises(ValueError, match=r"Order.from_dict: .*decimal"):
        Order.from_dict({**Order._from_wire(WIRE_ORDER).to_dict(), "fee": [1]})
    # text that is no decimal says what it got (not decimal's "[<class 'ConversionSyntax'>]")
    with pytest.raises(ValueError, match=r"^Order.from_dict: expected a decimal, got 'abc'$"):
        Order.from_dict({**Order._from_wire(WIRE_ORDER).to_dict(), "fee": "abc"})
    with pytest.raises(TypeError, match="needs a mapping"):
        Order.from_dict(["not", "a", "mapping"])  # type: ignore[arg-type]


def test_to_json_keeps_decimal_exactness_that_floats_would_lose() -> None:
    order = Order._from_wire({**WIRE_ORDER, "executed_price": "0.10000000000000000001"})
    assert json.loads(order.to_json())["executed_price"] == "0.10000000000000000001"
    assert Order.from_dict(json.loads(order.to_json())).executed_price == Decimal(
        "0.10000000000000000001"
    )
