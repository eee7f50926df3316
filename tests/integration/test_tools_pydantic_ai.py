"""The toolkit handed to Pydantic AI, driven by its `TestModel` (no LLM, no network) against
a live mock (issue 16, third acceptance item).

`TestModel` calls every tool it is given once, with arguments it generates from the tool's
JSON Schema alone — a string from its ``enum`` or ``examples``, an integer from its bounds —
so this holds the schemas of the market and account groups to being complete enough for a
model that knows nothing else: every call must come back a success, not an exception and
not a validation error.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic_ai import Agent, Tool
from pydantic_ai.models.test import TestModel

from agentexchange import AsyncAgentExchangeClient
from agentexchange.mock.testing import MockServer
from agentexchange.tools import Toolkit, ToolResult


@pytest.fixture(scope="module")
def mock() -> Iterator[MockServer]:
    with MockServer(seed=7, pairs=30, tick_interval=None) as server:
        yield server


def pydantic_ai_tools(toolkit: Toolkit, results: dict[str, list[ToolResult]]) -> list[Tool[Any]]:
    """Each toolkit tool as a Pydantic AI tool (schema as given; the toolkit checks)."""

    def bind(name: str) -> Any:
        async def run(**arguments: Any) -> dict[str, Any]:
            result = await toolkit.acall(name, arguments)
            results.setdefault(name, []).append(result)
            return result.to_dict()

        return run

    return [
        Tool.from_schema(bind(t.name), t.name, t.description, dict(t.input_schema))
        for t in toolkit.tools
    ]


def test_test_model_calls_every_market_and_account_tool_successfully(mock: MockServer) -> None:
    results: dict[str, list[ToolResult]] = {}

    async def main() -> str:
        async with AsyncAgentExchangeClient(base_url=mock.base_url, **mock.credentials()) as client:
            toolkit = Toolkit(client, groups=["market", "account"])
            assert len(toolkit.tools) == 20
            agent = Agent(TestModel(), tools=pydantic_ai_tools(toolkit, results))
            run = await agent.run("Look at the market and my account.")
            return str(run.output)

    asyncio.run(main())
    offered = {t.name for t in Toolkit(None, groups=["market", "account"]).tools}
    assert set(results) == offered  # every tool was called ...
    failures = {name: [r.error for r in calls if not r.ok] for name, calls in results.items()}
    assert {name: errors for name, errors in failures.items() if errors} == {}  # ... and succeeded
    price = results["get_price"][0].value
    assert price["symbol"] == "BTCUSDT" and isinstance(price["price"], str)
    assert results["update_risk_profile"][0].value["max_open_orders"] == 50  # the example
