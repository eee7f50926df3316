"""`agentexchange mcp` driven by the official MCP Python client over stdio, against a live
mock (issue 16, first acceptance item; docs/architecture.md "Agent tools").

The server runs as its own process with the SDK's environment variables pointing at a
`MockServer`; what the tools did is checked over REST with plain httpx.
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import anyio
import httpx
import jsonschema
import pytest
from mcp import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

from agentexchange.mock.testing import MockServer

from .tool_examples import document_examples, sdk_methods

GROUPS = {"market": "market", "trade": "trading", "account": "account"}  # tag -> group


@pytest.fixture(scope="module")
def mock() -> Iterator[MockServer]:
    with MockServer(seed=16, pairs=30, tick_interval=None) as server:
        yield server


def server_command(mock: MockServer, *options: str) -> StdioServerParameters:
    credentials = mock.credentials()
    return StdioServerParameters(
        command=sys.executable,
        args=["-m", "agentexchange", "mcp", *options],
        env={
            "AGENTEXCHANGE_API_KEY": credentials["api_key"],
            "AGENTEXCHANGE_API_SECRET": credentials["api_secret"],
            "AGENTEXCHANGE_BASE_URL": mock.base_url,
        },
    )


def rest(mock: MockServer, path: str) -> Any:
    headers = {"X-API-Key": mock.credentials()["api_key"]}
    response = httpx.get(f"{mock.base_url}/api/v1{path}", headers=headers)
    response.raise_for_status()
    return response.json()


def run_session(params: StdioServerParameters, script: Any) -> tuple[Any, str]:
    """Run `script(session)` against the server; its result and what it wrote to stderr."""

    async def main() -> Any:
        with tempfile.TemporaryFile("w+", encoding="utf-8") as errlog:
            async with stdio_client(params, errlog=errlog) as (read, write):
                async with ClientSession(read, write) as session:
                    await session.initialize()
                    result = await script(session)
            errlog.seek(0)
            return result, errlog.read()

    return anyio.run(main)


def test_tools_schemas_calls_and_errors_over_stdio(mock: MockServer) -> None:
    price_before = rest(mock, "/market/price/BTCUSDT")["price"]
    orders_before = len(rest(mock, "/trade/orders")["orders"])

    async def script(session: ClientSession) -> dict[str, Any]:
        listed = await session.list_tools()
        price = await session.call_tool("get_price", {"symbol": "BTCUSDT"})
        order = await session.call_tool(
            "place_market_order", {"symbol": "BTCUSDT", "side": "buy", "quantity": "0.01"}
        )
        too_big = await session.call_tool(
            "place_market_order", {"symbol": "BTCUSDT", "side": "buy", "quantity": "1000"}
        )
        bad = await session.call_tool("get_price", {"symbol": "bitcoin"})
        pairs = await session.read_resource("agentexchange://pairs")
        return {
            "tools": listed.tools,
            "price": price,
            "order": order,
            "too_big": too_big,
            "bad": bad,
            "pairs": pairs,
        }

    out, stderr = run_session(server_command(mock, "--groups", "market,trading,account"), script)

    # one tool per method of the selected groups, each schema validating the document's examples
    tools = {tool.name: tool for tool in out["tools"]}
    expected = {
        entry["method"]: (op, entry)
        for op, entry in sdk_methods()
        if GROUPS.get(op["tags"][0]) is not None
    }
    assert set(tools) == set(expected) and len(tools) == len(out["tools"]) == 30
    for name, (op, entry) in expected.items():
        schema = tools[name].input_schema
        jsonschema.Draft202012Validator.check_schema(schema)
        validator = jsonschema.Draft202012Validator(
            schema, format_checker=jsonschema.FormatChecker()
        )
        example = document_examples(op, entry)
        assert [e.message for e in validator.iter_errors(example)] == [], name
        assert set(schema.get("required", [])) <= set(example), name
    annotations = tools["get_price"].annotations
    assert annotations is not None and annotations.read_only_hint is True
    cancel = tools["cancel_order"].annotations
    assert cancel is not None and (cancel.read_only_hint, cancel.destructive_hint) == (False, True)

    # the price as the mock's decimal string
    assert out["price"].is_error is False
    price = json.loads(out["price"].content[0].text)
    assert price["symbol"] == "BTCUSDT" and price["price"] == price_before
    assert isinstance(price["price"], str) and Decimal(price["price"]) > 0
    assert out["price"].structured_content == price

    # exactly one order placed, as REST shows
    assert out["order"].is_error is False
    placed = json.loads(out["order"].content[0].text)
    orders = rest(mock, "/trade/orders")["orders"]
    assert len(orders) == orders_before + 1
    assert orders[0]["order_id"] == placed["order_id"] and placed["quantity"] == "0.01"

    # an SDK error is a tool error a model can read
    assert out["too_big"].is_error is True
    error = json.loads(out["too_big"].content[0].text)
    assert error["code"] == "INSUFFICIENT_BALANCE" and error["status"] == 400
    assert Decimal(error["required"]) > Decimal(error["available"]) > 0
    assert out["too_big"].structured_content == error
    assert out["bad"].is_error is True
    assert json.loads(out["bad"].content[0].text)["code"] == "INVALID_ARGUMENTS"

    pairs = json.loads(out["pairs"].contents[0].text)
    assert [p["symbol"] for p in pairs][:2] == ["BTCUSDT", "ETHUSDT"] and len(pairs) == 30
    assert mock.credentials()["api_key"] not in stderr


def test_resources_the_pairs_and_the_configured_agents_skill(mock: MockServer) -> None:
    agent_id = mock.exchange.accounts.demo_credentials()["agent_id"]
    params = server_command(mock)
    params.env = {**(params.env or {}), "AGENTEXCHANGE_AGENT_ID": agent_id}

    async def script(session: ClientSession) -> Any:
        listed = await session.list_resources()
        templates = await session.list_resource_templates()
        skill = await session.read_resource("agentexchange://skill.md")
        by_id = await session.read_resource(f"agentexchange://agents/{agent_id}/skill.md")
        return listed.resources, templates.resource_templates, skill, by_id

    resources, templates, skill, by_id = run_session(params, script)[0]
    assert [str(r.uri) for r in resources] == ["agentexchange://pairs", "agentexchange://skill.md"]
    assert [t.uri_template for t in templates] == ["agentexchange://agents/{agent_id}/skill.md"]
    text = skill.contents[0].text
    assert skill.contents[0].mime_type == "text/markdown" and text.startswith("#")
    assert by_id.contents[0].text == text


def test_read_only_offers_only_tools_that_change_nothing(mock: MockServer) -> None:
    async def script(session: ClientSession) -> Any:
        return (await session.list_tools()).tools

    tools, _ = run_session(server_command(mock, "--groups", "trading", "--read-only"), script)
    names = {tool.name for tool in tools}
    assert names == {"get_order", "get_open_orders", "get_orders", "get_trade_history"}
    assert all(tool.annotations.read_only_hint for tool in tools)


def test_a_bad_group_is_one_line_and_exit_status_1() -> None:
    import subprocess

    proc = subprocess.run(
        [sys.executable, "-m", "agentexchange", "mcp", "--groups", "market,marketing"],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert proc.returncode == 1 and proc.stdout == ""
    assert (
        proc.stderr.strip().splitlines() == [proc.stderr.strip()]
        and "unknown tool groups ['marketing']" in proc.stderr
    )
