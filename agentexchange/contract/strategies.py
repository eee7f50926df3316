"""Hypothesis strategies for the document's custom string formats.

Money, prices and quantities are ``format: decimal`` strings (docs/decisions.md
"Spec and wire"). ``hooks`` registers these strategies with schemathesis; they live apart so tests
can draw from them without registering schemathesis hooks in their process.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st

# Values a trader would send first (shrinking prefers the first branch), then any
# non-negative decimal with up to 8 places — the exchange's precision.
TYPICAL_DECIMALS = ("0.01", "0.001", "1", "10", "100.50", "1000", "25000.00", "0.00001")


def decimal_strings() -> st.SearchStrategy[str]:
    """Strings the document's ``DecimalString`` and ``PositiveDecimalString`` both accept.

    Both carry ``format: decimal``, so one strategy serves both; it emits no sign, so a
    value always matches the stricter (non-negative) pattern too. Plain notation, as
    ``str(Decimal)`` writes money on the wire.
    """
    arbitrary = st.decimals(
        min_value=Decimal("0"),
        max_value=Decimal("1000000"),
        places=8,
        allow_nan=False,
        allow_infinity=False,
    ).map(_plain)
    return st.one_of(st.sampled_from(TYPICAL_DECIMALS), arbitrary)


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return "0" if text == "-0" else text
