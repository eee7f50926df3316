"""Dict parameters typed by the document (issue 19): `mypy --strict` must report each
deliberate mistake on its line (tests/typecheck/test_literal_types.py). Only type-checked."""

from __future__ import annotations

from agentexchange import AgentExchangeClient
from agentexchange.params import StrategyDefinition


def build(client: AgentExchangeClient) -> None:
    good: StrategyDefinition = {
        "pairs": ["BTCUSDT"],
        "timeframe": "1h",
        "entry_conditions": {"rsi_below": 30},
    }
    client.create_strategy("sma", "fine", good)  # fine
    client.create_agent("bot", risk_profile={"max_open_orders": 5})  # fine
    client.create_strategy("sma", "x", {"pairs": ["BTCUSDT"], "timeframe": "2h"})  # MISTAKE enum
    client.create_strategy("sma", "x", {"timeframe": "1h"})  # MISTAKE required key missing
    client.create_agent("bot", risk_profile={"max_open_order": 5})  # MISTAKE unknown key
