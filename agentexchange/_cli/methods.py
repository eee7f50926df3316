"""Every SDK method a command: argparse sub-commands built from the tool table.

docs/architecture.md "Command line". The desk groups' commands (``price``, ``order``,
``portfolio``, …) sit at the top level; every other group is a command with its own
sub-commands (``agents list``, ``strategies get``); ``naming`` decides which. Each command
also takes the common options ``--json`` and ``--base-url``.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from .._transport import ENV_AGENT_ID, ENV_API_KEY, ENV_API_SECRET
from .arguments import add_arguments
from .help import ParagraphFormatter
from .naming import Command

__all__ = ["COMMON_OPTIONS", "add_method_commands", "common_options"]

COMMON_OPTIONS = ("json", "base_url")


def common_options() -> argparse.ArgumentParser:
    """The options every method command takes (a parent parser)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--json",
        action="store_true",
        help="print the result as JSON, decimals as exact strings, for scripts "
        "(default: off, a table for people)",
    )
    common.add_argument(
        "--base-url",
        metavar="URL",
        help="the server, without /api/v1 (default: $AGENTEXCHANGE_BASE_URL, else "
        "http://localhost:8000)",
    )
    return common


def _first_sentence(text: str) -> str:
    text = " ".join(text.split())
    end = text.find(". ")
    return text if end < 0 else text[: end + 1]


def _description(command: Command) -> str:
    tool = command.tool
    text = tool.description or tool.summary
    return (
        f"{text}\n\nCredentials come from {ENV_API_KEY} and {ENV_API_SECRET} "
        f"(and {ENV_AGENT_ID} to act as one agent of the account). "
        f"The SDK method: {tool.method}."
    )


def add_method_commands(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], commands: Sequence[Command]
) -> None:
    """Add a parser per command under ``sub`` (a group's under the group's own parser)."""
    common = common_options()
    members: dict[str, list[str]] = {}
    for command in commands:
        if len(command.words) == 2:
            members.setdefault(command.words[0], []).append(command.words[1])
    groups: dict[str, argparse._SubParsersAction[argparse.ArgumentParser]] = {}
    for command in commands:
        where = sub
        if len(command.words) == 2:
            head = command.words[0]
            if head not in groups:
                names = members[head]
                shown = ", ".join(names[:4]) + (", …" if len(names) > 4 else "")
                group = sub.add_parser(
                    head,
                    help=f"{len(names)} commands: {shown}",
                    description=f"The {command.tool.group} methods of the SDK, one command each.",
                    formatter_class=ParagraphFormatter,
                )
                groups[head] = group.add_subparsers(
                    dest="subcommand", required=True, metavar="COMMAND"
                )
            where = groups[head]
        parser = where.add_parser(
            command.words[-1],
            help=_first_sentence(command.tool.summary).replace("%", "%%"),
            description=_description(command),
            formatter_class=ParagraphFormatter,
            parents=[common],
        )
        add_arguments(parser, command)
        parser.set_defaults(command=command)
