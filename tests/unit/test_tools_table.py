"""The agent tool table (issue 16; docs/architecture.md "Agent tools").

`agentexchange.tools.TOOLS` is generated from openapi.yaml; these tests hold it to the
document read directly with PyYAML (every x-sdk method is a tool, its schema validates the
document's examples with jsonschema), to the clients' real signatures (parameter names,
order, keyword-only, defaults; per-call options left out), and to the model APIs' shapes:
OpenAI's strict mode checked structurally (the checker shown to fail on each rule), and
Anthropic's ``input_schema``.
"""

from __future__ import annotations

import inspect
import json
import re
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from agentexchange import AgentExchangeClient
from agentexchange.tools import GROUPS, NO_DEFAULT, TOOLS, Toolkit, ToolSpec

ROOT = Path(__file__).resolve().parents[2]
DOC: dict[str, Any] = yaml.safe_load((ROOT / "openapi.yaml").read_text(encoding="utf-8"))
BY_NAME = {t.name: t for t in TOOLS}
PER_CALL_OPTIONS = {"timeout", "extra_headers", "extra_query", "extra_body", "idempotency_key"}
DECIMAL = re.compile(r"^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$")


def _operations() -> list[tuple[str, str, dict[str, Any]]]:
    out = []
    for path, item in DOC["paths"].items():
        for verb, op in item.items():
            if verb in {"get", "post", "put", "patch", "delete"}:
                out.append((verb.upper(), path, op))
    return out


def _resolve(node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        target: Any = DOC
        for part in node["$ref"][2:].split("/"):
            target = target[part]
        node = target
    return node


def _sdk_methods() -> list[tuple[str, str, dict[str, Any]]]:
    """(verb, operationId, x-sdk entry) of every client method of the document."""
    return [
        (verb, op["operationId"], entry)
        for verb, _, op in _operations()
        for entry in op.get("x-sdk") or []
    ]


# ------------------------------------------------------------------------- the table


def test_every_sdk_method_of_the_document_is_a_tool_of_that_name() -> None:
    methods = _sdk_methods()
    assert len(methods) > 100
    for _, op_id, entry in methods:
        tool = BY_NAME.get(entry["method"])
        assert tool is not None, f"{op_id}: no tool for {entry['method']}"
        assert tool.method == entry["method"] and tool.session is None


def test_session_methods_on_routes_no_client_method_calls_are_backtest_tools() -> None:
    flat_ops = {op_id for _, op_id, _ in _sdk_methods()}
    expected = set()
    for _, _, op in _operations():
        for entry in op.get("x-sdk-session") or []:
            if op["operationId"] not in flat_ops:
                assert entry["session"] == "BacktestSession"
                expected.add("backtest_" + entry["method"])
    session_tools = {t.name for t in TOOLS if t.session is not None}
    assert session_tools == expected
    assert "backtest_place_market_order" in session_tools and len(TOOLS) == len(
        _sdk_methods()
    ) + len(expected)
    order = BY_NAME["backtest_place_market_order"]
    assert [p.name for p in order.params] == ["session_id", "symbol", "side", "quantity"]
    assert order.params[0].required and order.session == "backtest" and order.group == "backtest"


def test_tool_names_fit_both_model_apis() -> None:
    # OpenAI and Anthropic both take ^[a-zA-Z0-9_-]{1,64}$
    assert all(re.fullmatch(r"[a-zA-Z0-9_-]{1,64}", t.name) for t in TOOLS)
    assert len(BY_NAME) == len(TOOLS) == len(set(TOOLS))  # hashable, one per name


@pytest.mark.parametrize("tool", [t for t in TOOLS if t.session is None], ids=lambda t: t.name)
def test_parameters_are_the_client_methods_parameters(tool: ToolSpec) -> None:
    signature = inspect.signature(getattr(AgentExchangeClient, tool.method))
    own = [p for name, p in signature.parameters.items() if name not in {"self", *PER_CALL_OPTIONS}]
    assert [p.name for p in tool.params] == [p.name for p in own]
    for mine, theirs in zip(tool.params, own, strict=True):
        assert mine.positional == (theirs.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD)
        if theirs.default is inspect.Parameter.empty:
            assert mine.required and mine.default is NO_DEFAULT
            assert mine.name in tool.input_schema["required"]
        else:
            assert not mine.required and mine.name not in tool.input_schema.get("required", [])
            expected = theirs.default
            assert mine.default == (str(expected) if hasattr(expected, "as_tuple") else expected)


def test_groups_and_hints_read_from_the_operations() -> None:
    assert set(GROUPS) >= {
        "market",
        "trading",
        "account",
        "analytics",
        "agents",
        "strategies",
        "training",
        "backtest",
        "battles",
        "webhooks",
    }
    price, order, cancel = (
        BY_NAME["get_price"],
        BY_NAME["place_market_order"],
        BY_NAME["cancel_order"],
    )
    assert (price.group, price.read_only, price.destructive, price.idempotent) == (
        "market",
        True,
        False,
        True,
    )
    # a new order each call: neither idempotent nor destructive
    assert (order.group, order.read_only, order.destructive, order.idempotent) == (
        "trading",
        False,
        False,
        False,
    )
    assert (cancel.group, cancel.read_only, cancel.destructive) == ("trading", False, True)
    assert (
        BY_NAME["reset_account"].destructive
        and BY_NAME["compute_deflated_sharpe"].group == "analytics"
    )
    for tool in TOOLS:
        assert not (tool.read_only and tool.destructive), tool.name


def test_schemas_carry_decimals_enums_and_examples() -> None:
    order = BY_NAME["place_market_order"].input_schema
    # written by hand from the product docs: symbol, side buy|sell, quantity a decimal string
    assert order["required"] == ["symbol", "side", "quantity"]
    assert order["additionalProperties"] is False
    assert order["properties"]["side"]["enum"] == ["buy", "sell"]
    quantity = order["properties"]["quantity"]
    assert quantity["type"] == "string" and re.compile(quantity["pattern"]).search("0.01")
    assert not re.compile(quantity["pattern"]).search("0.01 BTC")
    assert order["properties"]["symbol"]["examples"] == ["BTCUSDT"]
    candles = BY_NAME["get_candles"].input_schema["properties"]
    assert candles["interval"]["enum"] == ["1m", "5m", "15m", "1h", "4h", "1d"]
    assert candles["limit"]["default"] == 100 and candles["limit"]["type"] == "integer"
    for tool in TOOLS:
        for p in tool.params:
            if p.sdk_type == "decimal":
                assert p.schema["type"] == "string" and "pattern" in p.schema, tool.name
                assert all(DECIMAL.match(e) for e in p.schema["examples"]), tool.name
            if p.sdk_type in {"int", "decimal"}:
                assert p.schema["type"] in {"integer", "string"}, tool.name


def test_cli_member_is_passed_through_verbatim() -> None:
    for _, op_id, entry in _sdk_methods():
        assert BY_NAME[entry["method"]].cli == entry.get("cli"), op_id


def test_every_required_argument_has_an_example_or_an_enum() -> None:
    # a model (and Pydantic AI's TestModel) needs one to call the tool right the first time
    missing = [
        f"{tool.name}.{p.name}"
        for tool in TOOLS
        for p in tool.params
        if p.required and not ({"examples", "enum"} & set(p.schema))
    ]
    assert missing == []


def test_every_input_schema_is_a_json_schema() -> None:
    # that they validate the document's examples is checked on the schemas the MCP server
    # lists (tests/integration/test_tools_mcp.py)
    for tool in TOOLS:
        jsonschema.Draft202012Validator.check_schema(tool.input_schema)


# ------------------------------------------------------------ OpenAI strict mode


_STRICT_ALLOWED = {
    "type",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "enum",
    "const",
    "anyOf",
    "description",
    "pattern",
    "format",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minItems",
    "maxItems",
}


def strict_problems(schema: Mapping[str, Any], where: str = "$") -> list[str]:
    """Every way `schema` breaks OpenAI's strict-mode rules: an object has properties,
    `additionalProperties: false` and every property in `required`; only the supported
    keywords; a type on every schema (or an anyOf of typed ones); a nullable enum lists
    null."""
    problems = []
    for key in schema:
        if key not in _STRICT_ALLOWED:
            problems.append(f"{where}: keyword {key} is not supported")
    if "anyOf" in schema:
        for i, sub in enumerate(schema["anyOf"]):
            problems += strict_problems(sub, f"{where}.anyOf[{i}]")
        return problems
    types = schema.get("type")
    if types is None:
        return [*problems, f"{where}: no type"]
    kinds = [types] if isinstance(types, str) else types
    if "object" in kinds:
        props = schema.get("properties")
        if not isinstance(props, Mapping) or (not props and where != "$"):
            problems.append(f"{where}: an object without properties")
        if schema.get("additionalProperties") is not False:
            problems.append(f"{where}: additionalProperties is not false")
        if sorted(schema.get("required", [])) != sorted(props or {}):
            problems.append(f"{where}: not every property is required")
        for name, sub in (props or {}).items():
            problems += strict_problems(sub, f"{where}.{name}")
    if "array" in kinds and isinstance(schema.get("items"), Mapping):
        problems += strict_problems(schema["items"], f"{where}[]")
    if "null" in kinds and "enum" in schema and None not in schema["enum"]:
        problems.append(f"{where}: nullable enum without null")
    return problems


def test_the_strict_checker_fails_on_each_rule() -> None:
    good = {
        "type": "object",
        "properties": {"a": {"type": ["string", "null"], "enum": ["x", None]}},
        "required": ["a"],
        "additionalProperties": False,
    }
    assert strict_problems(good) == []
    assert strict_problems({**good, "required": []})
    assert strict_problems({**good, "additionalProperties": True})
    assert strict_problems({**good, "examples": [{}]})
    assert strict_problems({"type": "object", "additionalProperties": False, "required": []})
    assert strict_problems({**good, "properties": {"a": {"description": "untyped"}}})
    assert strict_problems(
        {**good, "properties": {"a": {"type": ["string", "null"], "enum": ["x"]}}}
    )


def test_every_openai_tool_passes_strict_mode() -> None:
    tools = Toolkit(client=None).openai()
    assert len(tools) == len(TOOLS)
    for tool in tools:
        assert tool["type"] == "function" and set(tool["function"]) == {
            "name",
            "description",
            "parameters",
            "strict",
        }
        function = tool["function"]
        assert function["strict"] is True and function["description"]
        parameters = function["parameters"]
        assert parameters["type"] == "object"
        assert strict_problems(parameters) == [], function["name"]


def test_strict_mode_makes_optional_arguments_nullable() -> None:
    (tool,) = [
        t
        for t in Toolkit(None, groups=["market"]).openai()
        if t["function"]["name"] == "get_candles"
    ]
    props = tool["function"]["parameters"]["properties"]
    assert props["symbol"]["type"] == "string"  # required: not nullable
    assert props["limit"]["type"] == ["integer", "null"]  # optional: null = the default
    (create,) = [
        t for t in Toolkit(None).openai() if t["function"]["name"] == "register_training_run"
    ]
    config = create["function"]["parameters"]["properties"]["config"]
    assert config["type"] == ["string", "null"] and "JSON" in config["description"]


def test_anthropic_tools_have_the_messages_api_shape() -> None:
    tools = Toolkit(None, groups=["market", "account"]).anthropic()
    assert {t["name"] for t in tools} == {t.name for t in TOOLS if t.group in {"market", "account"}}
    for tool in tools:
        assert set(tool) == {"name", "description", "input_schema"} and tool["description"]
        schema = tool["input_schema"]
        assert schema["type"] == "object" and isinstance(schema["properties"], dict)
        assert set(schema.get("required", [])) <= set(schema["properties"])
        jsonschema.Draft202012Validator.check_schema(schema)
    json.dumps(tools)  # plain JSON


def test_toolkit_selects_by_group_and_read_only() -> None:
    market = Toolkit(None, groups=["market"])
    assert {t.group for t in market.tools} == {"market"} and market.get("get_price")
    assert market.get("place_market_order") is None
    read_only = Toolkit(None, read_only=True)
    assert read_only.tools and all(t.read_only for t in read_only.tools)
    assert read_only.get("get_portfolio") and read_only.get("place_market_order") is None
    with pytest.raises(ValueError, match="unknown tool groups \\['marketing'\\]"):
        Toolkit(None, groups=["marketing"])
    # a string is a group (or several, comma-separated), not its letters
    assert Toolkit(None, groups="market").tools == market.tools
    both = Toolkit(None, groups="market, account").tools
    assert {t.group for t in both} == {"market", "account"}


# ------------------------------------------------------------------- import rules


def test_importing_the_tools_loads_no_yaml_reader_mock_jsonschema_or_asyncio() -> None:
    probe = (
        "import sys\nimport agentexchange.tools\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'yaml', 'jsonschema', 'mcp', 'asyncio', 'pydantic'} or m in "
        "{'agentexchange._document', 'agentexchange.mock', 'agentexchange.async_client'})\n"
        "print(bad)"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"
