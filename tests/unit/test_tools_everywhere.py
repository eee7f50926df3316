"""Part 4 of issue 16: the tool table is the only source of the toolkit, the MCP server's
tool list and the command line. One walk over openapi.yaml's methods (read with PyYAML,
not through the table) finds each of them in all three — on the command line as the
command of that tool, taking every one of its parameters (read from the real parser).

The MCP server is connected in-process (the official client's in-memory transport over
`mcp_server.build_server`); the stdio server itself is tested in
tests/integration/test_tools_mcp.py.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import anyio
import yaml
from mcp import Client

from agentexchange._cli.arguments import DEST_PREFIX, FROM_ENVIRONMENT
from agentexchange.cli import build_parser, method_commands
from agentexchange.mcp_server import build_server
from agentexchange.tools import Toolkit

ROOT = Path(__file__).resolve().parents[2]


def document_methods() -> list[str]:
    """The tool name of every SDK method openapi.yaml describes: each x-sdk method, and
    each x-sdk-session method on a route no x-sdk method calls (as <attach>_<method>)."""
    doc: dict[str, Any] = yaml.safe_load((ROOT / "openapi.yaml").read_text(encoding="utf-8"))
    sessions = doc["x-sdk-sessions"]
    ops = [
        op
        for item in doc["paths"].values()
        for verb, op in item.items()
        if verb in {"get", "post", "put", "patch", "delete"}
    ]
    names = [entry["method"] for op in ops for entry in op.get("x-sdk") or []]
    for op in ops:
        if not op.get("x-sdk"):
            for entry in op.get("x-sdk-session") or []:
                names.append(f"{sessions[entry['session']]['attach']}_{entry['method']}")
    return names


def mcp_tool_names() -> set[str]:
    async def listed() -> set[str]:
        async with Client(build_server(Toolkit(client=None))) as client:
            return {tool.name for tool in (await client.list_tools()).tools}

    return anyio.run(listed)


def cli_commands() -> dict[str, set[str]]:
    """Tool name -> the parameters its ``agentexchange`` command takes, from the parser."""
    parser = build_parser()
    out: dict[str, set[str]] = {}
    for command in method_commands():
        sub = parser
        for word in command.words:
            sub = next(
                a.choices for a in sub._actions if isinstance(a, argparse._SubParsersAction)
            )[word]
        assert sub.get_default("command") == command  # the words reach this command
        out[command.tool.name] = {
            a.dest[len(DEST_PREFIX) :] for a in sub._actions if a.dest.startswith(DEST_PREFIX)
        }
    return out


def test_every_method_of_the_document_is_a_tool_an_mcp_tool_and_a_command() -> None:
    methods = document_methods()
    assert len(methods) == len(set(methods)) > 120
    tools = {t.name: t for t in Toolkit(client=None).tools}
    mcp = mcp_tool_names()
    cli = cli_commands()
    for name in methods:
        assert name in tools, f"{name}: not in the toolkit"
        assert name in mcp, f"{name}: not in the MCP server's tool list"
        assert name in cli, f"{name}: no agentexchange command"
        # every parameter, but a credential: the environment's (login's key and secret)
        typed = {p.name for p in tools[name].params} - set(FROM_ENVIRONMENT)
        assert cli[name] == typed, f"{name}: command parameters"
    assert set(tools) == mcp == set(cli) == set(methods)
