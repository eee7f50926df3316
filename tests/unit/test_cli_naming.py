"""The command line's naming rule and its ``cli`` vocabulary word (docs/decisions.md).

The rule is checked on method names alone, then on the real tool table: the documented
examples come out as documented, a ``cli`` member overrides the rule, and two methods
with one command, or a bad ``cli`` member, are refused with the method named.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pytest

from agentexchange._cli.naming import CommandError, command_of, commands, rule_words
from agentexchange.cli import method_commands


@dataclass(frozen=True)
class Param:
    name: str
    required: bool = True
    positional: bool = True
    schema: Mapping[str, Any] = ()  # type: ignore[assignment]
    default: Any = None
    description: str = ""


@dataclass(frozen=True)
class Tool:
    method: str
    group: str
    params: tuple[Param, ...] = ()
    cli: Mapping[str, Any] | None = None
    summary: str = ""
    description: str = ""

    @property
    def name(self) -> str:
        return self.method


@pytest.mark.parametrize(
    ("method", "group", "words"),
    [
        ("get_price", "market", ("price",)),  # a desk read: the noun alone
        ("get_open_orders", "trading", ("open-orders",)),
        ("cancel_order", "trading", ("cancel-order",)),  # other verbs stay
        ("get", "account", ("get",)),  # nothing but the verb: kept
        ("list_agents", "agents", ("agents", "list")),
        ("get_agent", "agents", ("agents", "get")),
        ("get_strategies", "strategies", ("strategies", "list")),  # get + plural = list
        ("get_strategy_tests", "strategies", ("strategies", "get-tests")),
        ("get_agents_overview", "agents", ("agents", "get-overview")),
        ("register_training_run", "training", ("training", "register-run")),
        ("list_backtests", "backtest", ("backtest", "list")),
        ("battle_place_order", "battles", ("battles", "place-order")),
        ("compare_versions", "strategies", ("strategies", "compare-versions")),  # no noun
    ],
)
def test_the_rule(method: str, group: str, words: tuple[str, ...]) -> None:
    assert rule_words(method, group) == words


def test_required_positional_parameters_are_positional_the_rest_options() -> None:
    tool = Tool(
        "get_candles",
        "market",
        (Param("symbol"), Param("interval"), Param("limit", required=False)),
    )
    assert command_of(tool).positionals == ("symbol", "interval")
    keyword = Tool("get_x", "market", (Param("a", positional=False),))
    assert command_of(keyword).positionals == ()


def test_a_cli_member_overrides_the_words_and_the_positional_order() -> None:
    params = (Param("symbol"), Param("side"), Param("quantity"))
    tool = Tool(
        "place_market_order",
        "trading",
        params,
        cli={"command": "order", "args": ["side", "symbol", "quantity"]},
    )
    command = command_of(tool)
    assert (command.words, command.positionals) == (("order",), ("side", "symbol", "quantity"))
    only_words = command_of(Tool("get_order", "trading", (Param("order_id"),), {"command": "x y"}))
    assert (only_words.words, only_words.positionals) == (("x", "y"), ("order_id",))


@pytest.mark.parametrize(
    ("cli", "message"),
    [
        ({"commands": "x"}, "unknown key"),
        ({"command": " "}, "must be words"),
        ({"args": ["nope"]}, "the parameters are"),
        ({"args": ["a", "a"]}, "the parameters are"),
        ({"args": "a"}, "list of parameter names"),
    ],
)
def test_a_bad_cli_member_is_refused_naming_the_method(
    cli: Mapping[str, Any], message: str
) -> None:
    with pytest.raises(CommandError, match=rf"^get_x: cli.*{message}"):
        command_of(Tool("get_x", "market", (Param("a"),), cli))


def test_two_methods_with_one_command_are_refused() -> None:
    with pytest.raises(CommandError, match="get_order and place_market_order are both"):
        commands(
            [
                Tool("get_order", "trading"),
                Tool("place_market_order", "trading", cli={"command": "order"}),
            ]
        )
    with pytest.raises(CommandError, match="is also a group"):
        commands([Tool("list_agents", "agents"), Tool("x", "trading", cli={"command": "agents"})])


def test_the_table_gives_the_documented_commands() -> None:
    by_method = {command.tool.name: command for command in method_commands()}
    expected = {
        "get_price": (("price",), ("symbol",)),
        "place_market_order": (("order",), ("side", "symbol", "quantity")),
        "place_limit_order": (("limit-order",), ("side", "symbol", "quantity", "price")),
        "get_order": (("order-info",), ("order_id",)),
        "get_orders": (("orders",), ()),
        "get_portfolio": (("portfolio",), ()),
        "list_agents": (("agents", "list"), ()),
        "get_agent": (("agents", "get"), ("agent_id",)),
    }
    for method, (words, positionals) in expected.items():
        assert (by_method[method].words, by_method[method].positionals) == (words, positionals)
