"""Runtime conversions the generated code relies on: exact decimals both ways."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from agentexchange import models
from agentexchange._convert import (
    datetime_param,
    decimal_param,
    number_list_param,
    number_param,
    opt_list,
    opt_map,
    parse_datetime,
    parse_decimal,
    parse_int,
    parse_map,
)


def test_parse_decimal_keeps_a_decimal_the_transport_decoded() -> None:
    value = Decimal("1.23456789012345678901")
    assert parse_decimal(value) is value


def test_parse_decimal_reads_strings_and_ints_exactly() -> None:
    assert parse_decimal("0.1") == Decimal("0.1")
    assert parse_decimal(7) == Decimal(7)


@pytest.mark.parametrize(
    ("given", "sent"), [(Decimal("1.2"), 1.2), ("0.8", 0.8), (10, 10), (Decimal("3.000"), 3)]
)
def test_number_param_sends_the_exact_value_as_a_json_number(given: object, sent: object) -> None:
    out = number_param(given, "roi_pct")  # type: ignore[arg-type]
    assert out == sent and type(out) is type(sent)
    assert Decimal(repr(out)) == Decimal(str(given))


def test_number_param_refuses_digits_a_float_would_drop() -> None:
    with pytest.raises(ValueError, match="round it"):
        number_param(Decimal("0.12345678901234567890123"), "sharpe_ratio")


def test_number_param_refuses_floats_like_every_decimal_parameter() -> None:
    with pytest.raises(TypeError, match="str or Decimal"):
        number_param(0.5, "reward_sum")  # type: ignore[arg-type]


# --- number_list_param: statistics (compute_deflated_sharpe's returns) as JSON numbers ---------


def test_number_list_param_sends_each_item_as_the_json_number_of_its_decimal() -> None:
    given = [Decimal("-0.010788"), "0.007695", 0.1, 3, Decimal("2.500"), 3.7e-05, -0.0]
    out = number_list_param(given, "returns")
    # The JSON text carries exactly the caller's values (no 0.1000000000000000055...).
    assert json.dumps(out) == "[-0.010788, 0.007695, 0.1, 3, 2.5, 3.7e-05, 0]"
    assert [type(v) for v in out] == [float, float, float, int, float, float, int]


def test_number_list_param_accepts_any_iterable_of_numbers() -> None:
    assert number_list_param((x / 4 for x in range(3)), "returns") == [0, 0.25, 0.5]
    assert number_list_param([], "returns") == []


@pytest.mark.parametrize(
    ("given", "error", "pattern"),
    [
        ("0.1,0.2", TypeError, "sequence of numbers, not str"),
        ({"a": 1}, TypeError, "sequence of numbers, not dict"),
        ([0.1, True], TypeError, r"returns\[1\] must be a str or Decimal"),
        ([float("nan")], ValueError, r"returns\[0\] must be a finite number"),
        ([float("inf")], ValueError, r"returns\[0\] must be a finite number"),
        ([Decimal("0.12345678901234567890123")], ValueError, r"returns\[0\].*round it"),
        (["1e400"], ValueError, r"returns\[0\].*beyond the range"),
        (["abc"], ValueError, r"returns\[0\] must be a decimal number"),
        ([None], TypeError, r"returns\[0\] must be a str or Decimal"),
    ],
)
def test_number_list_param_refuses_what_a_json_number_cannot_carry(
    given: object, error: type[Exception], pattern: str
) -> None:
    with pytest.raises(error, match=pattern):
        number_list_param(given, "returns")  # type: ignore[arg-type]


# --- parse_map: a JSON object used as a map (Indicators.indicators) ----------------------------


def test_parse_map_reads_each_value_and_keeps_the_order() -> None:
    wire = json.loads('{"rsi_14": 56.5844610151262, "adx_14": 7}', parse_float=Decimal)
    out = parse_map(wire, parse_decimal)
    assert out == {"rsi_14": Decimal("56.5844610151262"), "adx_14": Decimal(7)}
    assert list(out) == ["rsi_14", "adx_14"] and all(type(v) is Decimal for v in out.values())


def test_parse_map_refuses_what_is_not_a_map_of_that_type() -> None:
    with pytest.raises(TypeError, match="expected an object, got list"):
        parse_map([1, 2], parse_int)
    with pytest.raises(TypeError, match="expected an integer, got str"):
        parse_map({"a": "1"}, parse_int)


def test_opt_map_passes_none_through() -> None:
    assert opt_map(None, parse_int) is None
    assert opt_map({"a": 1}, parse_int) == {"a": 1}


# --- datetime_param: the instant, whatever zone the caller's datetime is in ---------------


@pytest.mark.parametrize(
    ("given", "sent"),
    [
        (datetime(2026, 11, 23, 12, 0, tzinfo=UTC), "2026-11-23T12:00:00Z"),
        (datetime(2026, 11, 23, 12, 0), "2026-11-23T12:00:00Z"),  # naive is taken as UTC
        (
            datetime(2026, 11, 23, 14, 30, tzinfo=timezone(timedelta(hours=2))),
            "2026-11-23T14:30:00+02:00",
        ),
        (
            datetime(2026, 11, 23, 7, 0, tzinfo=timezone(timedelta(hours=-5))),
            "2026-11-23T07:00:00-05:00",
        ),
    ],
)
def test_datetime_param_sends_the_same_instant_for_any_zone(given: datetime, sent: str) -> None:
    out = datetime_param(given, "start_time")
    assert out == sent
    expected = given if given.tzinfo is not None else given.replace(tzinfo=UTC)
    assert parse_datetime(out) == expected  # the instant, not the clock time relabelled


# --- decimal_param: only finite numbers reach the wire ------------------------------------


@pytest.mark.parametrize(
    "text", ["NaN", "nan", "Infinity", "-Infinity", "inf", "sNaN", " Infinity "]
)
def test_decimal_param_refuses_non_finite_strings(text: str) -> None:
    with pytest.raises(ValueError, match=r"quantity must be a finite number"):
        decimal_param(text, "quantity")


@pytest.mark.parametrize("value", [Decimal("NaN"), Decimal("-Infinity"), Decimal("sNaN")])
def test_decimal_param_refuses_non_finite_decimals(value: Decimal) -> None:
    with pytest.raises(ValueError, match=r"price must be a finite number"):
        decimal_param(value, "price")


# --- opt_list: an absent list stays absent ----------------------------------------------


def test_opt_list_keeps_an_absent_list_none_and_an_empty_list_empty() -> None:
    assert opt_list(None, parse_int) is None
    assert opt_list([], parse_int) == []
    assert opt_list([1, 2], parse_int) == [1, 2]


def test_a_model_without_the_optional_list_reads_it_as_none() -> None:
    wire = {"test_run_id": "r1", "status": "running", "progress_pct": 40}
    wire |= {"episodes_total": 10, "episodes_completed": 4}
    assert models.TestRun._from_wire(wire).recommendations is None  # not finished: no advice yet
    done = models.TestRun._from_wire({**wire, "recommendations": []})
    assert done.recommendations == []
