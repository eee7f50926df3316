"""Runtime conversions the generated code relies on: exact decimals both ways."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from agentexchange._convert import (
    number_list_param,
    number_param,
    opt_map,
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
