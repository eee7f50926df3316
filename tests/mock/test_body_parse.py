"""What a handler gets as its body: ``BodyValidator.parse`` — validated, openapi.yaml's
defaults for absent top-level members, date-times and decimals parsed."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from agentexchange.mock.web.spec import load_spec
from agentexchange.mock.web.validation import BodyValidator, RequestInvalid

OPS = load_spec().by_id()


def parser(operation_id: str) -> BodyValidator:
    schema = OPS[operation_id].body_schema
    assert schema is not None
    return BodyValidator(schema, request=True)


def wire(body: Any) -> Any:
    return json.loads(json.dumps(body), parse_float=Decimal)  # as app.py reads it


def test_a_strategy_test_body_gets_the_documents_defaults_and_parsed_dates() -> None:
    sent = wire(
        {
            "version": 1,
            "date_range": {"start": "2026-10-01T00:00:00Z", "end": "2026-11-01t12:30:00z"},
        }
    )
    body = parser("run_test").parse(sent)
    assert body["date_range"] == {
        "start": datetime(2026, 10, 1, tzinfo=UTC),
        "end": datetime(2026, 11, 1, 12, 30, tzinfo=UTC),
    }
    assert (body["episodes"], body["episode_duration_days"], body["randomize_dates"]) == (
        10,
        30,
        True,
    )
    assert body["starting_balance"] == Decimal("10000")
    assert isinstance(body["starting_balance"], Decimal)
    assert "symbol" not in body and "interval" not in body  # no default: absent stays absent
    assert sent["date_range"]["start"] == "2026-10-01T00:00:00Z"  # the input is left alone
    assert "episodes" not in sent


def test_sent_members_win_over_defaults_and_keep_their_offset() -> None:
    body = parser("run_test").parse(
        wire(
            {
                "version": 2,
                "episodes": 3,
                "randomize_dates": False,
                "starting_balance": "2500.50",
                "date_range": {"start": "2026-10-01T02:00:00+02:00", "end": "2026-10-02T00:00:00Z"},
            }
        )
    )
    assert (body["episodes"], body["randomize_dates"]) == (3, False)
    assert body["episode_duration_days"] == 30
    assert body["starting_balance"] == Decimal("2500.50")
    start = body["date_range"]["start"]
    assert start.utcoffset() == timedelta(hours=2)
    assert start == datetime(2026, 10, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    "start", ["2026-10-01T00:00:00", "2026-10-01 00:00:00Z", "not a date", "2026-13-01T00:00:00Z"]
)
def test_a_date_time_the_validator_refuses_is_a_422_naming_the_member(start: str) -> None:
    body = {"version": 1, "date_range": {"start": start, "end": "2026-11-01T00:00:00Z"}}
    with pytest.raises(RequestInvalid) as err:
        parser("run_test").parse(wire(body))
    assert err.value.field == "date_range.start"


def test_decimal_members_arrive_as_decimals_and_register_gets_its_default_name() -> None:
    order = parser("place_order").parse(
        wire(
            {
                "symbol": "BTCUSDT",
                "side": "buy",
                "type": "limit",
                "quantity": "0.01",
                "price": "1e3",
            }
        )
    )
    assert order["quantity"] == Decimal("0.01") and isinstance(order["quantity"], Decimal)
    assert order["price"] == Decimal("1000")
    registered = parser("register").parse({})
    assert registered == {"display_name": ""}


def test_a_response_validator_only_checks() -> None:
    schema = OPS["run_test"].success_schema
    assert schema is not None
    reply = {
        "test_run_id": "9a8b7c6d-5e4f-4a3b-9c1d-0e1f2a3b4c5d",
        "status": "queued",
        "episodes_total": 2,
        "episodes_completed": 0,
        "progress_pct": 0,
        "created_at": "2026-11-23T10:00:00Z",
    }
    before = json.dumps(reply)
    BodyValidator(schema).validate(reply)
    assert json.dumps(reply) == before


@pytest.mark.parametrize(
    ("operation_id", "body", "field"),
    [
        (
            "place_order",
            {
                "symbol": "BTCUSDT",
                "side": "buy",
                "type": "market",
                "quantity": "1e9999999999999999999999999999",
            },
            "quantity",
        ),
        (
            "register",
            {"display_name": "x", "starting_balance": "1E-99999999999999999999999"},
            "starting_balance",
        ),
    ],
)
def test_a_decimal_no_decimal_can_hold_is_refused_as_invalid_input(
    operation_id: str, body: dict[str, Any], field: str
) -> None:
    # The decimal pattern admits any exponent: the check must refuse it (422), not let
    # the conversion after it raise (a 500).
    with pytest.raises(RequestInvalid) as info:
        parser(operation_id).parse(wire(body))
    assert info.value.field == field


@pytest.mark.parametrize("member", ["description", "example", "nullable"])
def test_a_member_named_like_a_schema_keyword_is_still_validated(member: str) -> None:
    validator = BodyValidator(
        {"type": "object", "properties": {member: {"type": "string", "maxLength": 3}}},
        request=True,
    )
    assert validator.parse({member: "abc"}) == {member: "abc"}
    with pytest.raises(RequestInvalid):
        validator.parse({member: "abcd"})


def test_a_strategy_description_over_its_max_length_is_refused() -> None:
    body = {"name": "a", "description": "x" * 2001, "definition": {"pairs": ["BTCUSDT"]}}
    with pytest.raises(RequestInvalid, match="description"):
        parser("create_strategy").parse(wire(body))
