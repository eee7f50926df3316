"""The naming rule: a tool of the tool table → the words of its command and its positionals.

docs/decisions.md "Command line". The rule reads the tool's name (the SDK method's; a
session method's carries its session first, ``backtest_get_price``):

- a method of the calling agent's own desk (groups ``market``, ``trading``, ``account``,
  ``analytics``, and ``system``'s health) is a top-level command: the name with a leading
  ``get`` dropped
  (reading is what a bare noun means), ``_`` → ``-``: ``get_price`` → ``price``,
  ``get_open_orders`` → ``open-orders``, ``cancel_order`` → ``cancel-order``;
- a method of any other group is ``<group> <sub>``: the name without the group's
  noun (its first occurrence, singular or plural), ``_`` → ``-``; a bare ``get`` of the
  plural noun is ``list``: ``list_agents`` → ``agents list``, ``get_agent`` →
  ``agents get``, ``get_strategies`` → ``strategies list``, ``get_agent_skill`` →
  ``agents get-skill``;
- the parameters that are required and positional in the SDK are positional on the
  command line, in the SDK's order; every other parameter is an ``--option``.

Where that reads badly, the method's ``cli`` member in ``openapi.yaml`` (the x-sdk
vocabulary, in its header) says ``command`` (the words after ``agentexchange``) and/or
``args`` (the parameters taken by position, in that order): ``place_market_order`` is
``order buy BTCUSDT 0.01``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

__all__ = ["DESK_GROUPS", "Command", "CommandError", "ParamLike", "ToolLike", "commands"]

# The groups whose commands stand alone: what a person at the agent's desk types most,
# and the server's health.
DESK_GROUPS = frozenset({"market", "trading", "account", "analytics", "system"})
CLI_KEYS = frozenset({"command", "args"})


class ParamLike(Protocol):
    """What the command line reads of a ``ToolParam``."""

    @property
    def name(self) -> str: ...
    @property
    def schema(self) -> Mapping[str, Any]: ...
    @property
    def required(self) -> bool: ...
    @property
    def default(self) -> Any: ...
    @property
    def description(self) -> str: ...
    @property
    def positional(self) -> bool: ...


class ToolLike(Protocol):
    """What the command line reads of a ``ToolSpec``."""

    @property
    def name(self) -> str: ...
    @property
    def method(self) -> str: ...
    @property
    def group(self) -> str: ...
    @property
    def summary(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def params(self) -> Sequence[ParamLike]: ...
    @property
    def cli(self) -> Mapping[str, Any] | None: ...


class CommandError(ValueError):
    """The table cannot be turned into commands: a bad ``cli`` member or two equal commands."""


@dataclass(frozen=True, slots=True)
class Command:
    """One command: its words (``("agents", "list")``), its tool and its positional parameters."""

    words: tuple[str, ...]
    tool: ToolLike
    positionals: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join(self.words)


def _noun_forms(group: str) -> tuple[str, str]:
    """The group's noun, singular and plural: agents → (agent, agents), strategies → (strategy, strategies)."""
    if group.endswith("ies"):
        singular = group[:-3] + "y"
    elif group.endswith("s"):
        singular = group[:-1]
    else:
        singular = group
    plural = singular[:-1] + "ies" if singular.endswith("y") else singular + "s"
    return singular, plural


def rule_words(name: str, group: str) -> tuple[str, ...]:
    """The command the rule gives the tool ``name`` of ``group`` (without a ``cli`` member)."""
    words = name.split("_")
    if group in DESK_GROUPS:
        if len(words) > 1 and words[0] == "get":
            words = words[1:]
        return ("-".join(words),)
    singular, plural = _noun_forms(group)
    head = group.replace("_", "-")
    for index, word in enumerate(words):
        if word in (singular, plural, group) and len(words) > 1:
            rest = words[:index] + words[index + 1 :]
            if rest == ["get"] and word == plural:
                rest = ["list"]
            return (head, "-".join(rest))
    return (head, "-".join(words))


def _cli_member(tool: ToolLike) -> tuple[tuple[str, ...] | None, tuple[str, ...] | None]:
    cli = tool.cli
    if cli is None:
        return None, None
    where = f"{tool.method}: cli"
    unknown = set(cli) - CLI_KEYS
    if unknown:
        raise CommandError(f"{where}: unknown key(s) {sorted(unknown)}; known: {sorted(CLI_KEYS)}")
    words: tuple[str, ...] | None = None
    if "command" in cli:
        text = cli["command"]
        if not isinstance(text, str) or not text.split():
            raise CommandError(f"{where}.command must be words, e.g. 'order'")
        words = tuple(text.split())
    args: tuple[str, ...] | None = None
    if "args" in cli:
        names = cli["args"]
        known = {param.name for param in tool.params}
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise CommandError(f"{where}.args must be a list of parameter names")
        if set(names) - known or len(set(names)) != len(names):
            raise CommandError(f"{where}.args names {names}; the parameters are {sorted(known)}")
        args = tuple(names)
    return words, args


def command_of(tool: ToolLike) -> Command:
    """The command of one tool: the rule, or its ``cli`` member where it has one."""
    words, args = _cli_member(tool)
    if words is None:
        words = rule_words(tool.name, tool.group)
    if args is None:
        args = tuple(param.name for param in tool.params if param.required and param.positional)
    return Command(words=words, tool=tool, positionals=args)


def commands(tools: Iterable[ToolLike]) -> tuple[Command, ...]:
    """Every tool's command, in table order; two tools with one command is an error."""
    result = tuple(command_of(tool) for tool in tools)
    seen: dict[tuple[str, ...], str] = {}
    for command in result:
        other = seen.setdefault(command.words, command.tool.method)
        if other != command.tool.method:
            raise CommandError(
                f"{other} and {command.tool.method} are both 'agentexchange {command.text}': "
                "give one a cli.command in openapi.yaml"
            )
    # A top-level command must not also be a group ("agents" and "agents list").
    groups = {command.words[0] for command in result if len(command.words) > 1}
    for command in result:
        if len(command.words) == 1 and command.words[0] in groups:
            raise CommandError(
                f"{command.tool.method}: 'agentexchange {command.text}' is also a group of commands"
            )
    return result
