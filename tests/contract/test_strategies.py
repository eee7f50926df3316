"""The `format: decimal` strategy produces what both decimal schemas of openapi.yaml accept."""

from __future__ import annotations

import re
from decimal import Decimal

import yaml
from hypothesis import given, settings

from agentexchange._specfiles import spec_path
from agentexchange.contract.strategies import decimal_strings

SCHEMAS = yaml.safe_load(spec_path("openapi.yaml").read_text(encoding="utf-8"))["components"][
    "schemas"
]
PATTERNS = [
    re.compile(SCHEMAS[name]["pattern"]) for name in ("DecimalString", "PositiveDecimalString")
]


@settings(max_examples=300, deadline=None)
@given(decimal_strings())
def test_values_match_both_decimal_patterns_and_parse_exactly(value: str) -> None:
    for pattern in PATTERNS:
        assert pattern.search(value), (pattern.pattern, value)
    parsed = Decimal(value)
    assert parsed >= 0 and "E" not in value.upper()
    assert -parsed.as_tuple().exponent <= 8  # type: ignore[operator]


def test_both_decimal_schemas_carry_the_format_the_strategy_is_registered_for() -> None:
    assert (
        SCHEMAS["DecimalString"]["format"]
        == SCHEMAS["PositiveDecimalString"]["format"]
        == "decimal"
    )
