"""Runtime conversions the generated code relies on: exact decimals both ways."""

from __future__ import annotations

from decimal import Decimal

import pytest

from agentexchange._convert import number_param, parse_decimal


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
