"""A new user's script with four deliberate mistakes (issue 19): `mypy --strict` must report
each one, on its line (tests/typecheck/test_literal_types.py). Not run; only type-checked."""

from __future__ import annotations

from decimal import Decimal

from agentexchange import AgentExchangeClient


def trade(client: AgentExchangeClient) -> None:
    client.place_market_order("BTCUSDT", "buy", Decimal("0.01"))  # fine
    client.get_candles("BTCUSDT", "1h", limit=24)  # fine
    client.get_performance("7d")  # fine
    client.place_market_order("BTCUSDT", "purchase", Decimal("0.01"))  # MISTAKE side
    client.get_candles("BTCUSDT", "2h")  # MISTAKE interval
    client.get_performance("1y")  # MISTAKE period
    client.place_market_order("BTCUSDT", "sell", 0.01)  # MISTAKE float quantity
