"""`jsonable`: the one SDK-value → JSON-safe conversion (models, toolkit results, CLI)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from agentexchange._jsonable import jsonable
from agentexchange.models import Order, Price


def test_decimal_keeps_its_exact_digits() -> None:
    assert jsonable(Decimal("0.10")) == "0.10"
    assert jsonable(Decimal("64521.30000001")) == "64521.30000001"


def test_datetimes_are_iso_8601_with_their_offset() -> None:
    plus2 = timezone(timedelta(hours=2))
    assert jsonable(datetime(2026, 3, 1, 12, 0, tzinfo=UTC)) == "2026-03-01T12:00:00+00:00"
    assert jsonable(datetime(2026, 3, 1, 12, 0, tzinfo=plus2)) == "2026-03-01T12:00:00+02:00"
    assert jsonable(date(2026, 3, 1)) == "2026-03-01"


def test_a_generated_model_becomes_an_object_of_its_fields() -> None:
    order = Order(
        order_id="o-1",
        symbol="BTCUSDT",
        side="buy",
        order_type="market",
        status="filled",
        quantity=Decimal("0.010"),
        price=None,
        executed_price=Decimal("64521.30"),
        slippage_pct=None,
        fee=Decimal("0.64"),
        created_at=datetime(2026, 3, 1, tzinfo=UTC),
        executed_quantity=None,
        total_cost=None,
        locked_amount=None,
        filled_at=None,
    )
    out = jsonable(order)
    assert list(out) == list(Order.__slots__)
    assert out["quantity"] == "0.010"
    assert out["executed_price"] == "64521.30"
    assert out["created_at"] == "2026-03-01T00:00:00+00:00"
    assert out["price"] is None
    json.dumps(out)  # really JSON-safe


def test_nested_containers_and_plain_dataclasses() -> None:
    @dataclass
    class Row:
        price: Decimal
        tags: tuple[str, ...]

    price = Price(
        symbol="ETHUSDT", price=Decimal("3000.5"), timestamp=datetime(2026, 1, 2, tzinfo=UTC)
    )
    out = jsonable({"rows": [Row(Decimal("1.5"), ("a",))], 7: {price}})
    assert out == {
        "rows": [{"price": "1.5", "tags": ["a"]}],
        "7": [{"symbol": "ETHUSDT", "price": "3000.5", "timestamp": "2026-01-02T00:00:00+00:00"}],
    }


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), Decimal("NaN"), Decimal("-Infinity")])
def test_values_json_cannot_hold_are_refused(bad: object) -> None:
    with pytest.raises(ValueError, match="no JSON form"):
        jsonable(bad)


def test_an_unknown_type_is_a_type_error_naming_it() -> None:
    with pytest.raises(TypeError, match="object has no JSON form"):
        jsonable(object())
