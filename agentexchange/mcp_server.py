"""``agentexchange mcp``: the agent toolkit as a stdio MCP server (docs/architecture.md
"Agent tools").

It serves `agentexchange.tools.Toolkit` over the official ``mcp`` Python SDK (extra
``mcp``): one MCP tool per selected tool of the generated table, with its JSON Schema and
the table's hints as tool annotations, each call going through ``Toolkit.acall`` on one
`AsyncAgentExchangeClient` — so the SDK's retries, idempotency keys and typed errors are
underneath, a result is JSON text (decimals as strings; an object also as structured
content) and an SDK error is a tool error (``isError``) whose text is the structured error
(``code``, ``message``, ``status`` and the exception's fields). Resources: the list of
pairs, and an agent's ``skill.md``.

Credentials and the base URL come from the SDK's environment variables
(``AGENTEXCHANGE_API_KEY``, ``AGENTEXCHANGE_API_SECRET``, ``AGENTEXCHANGE_BASE_URL``,
``AGENTEXCHANGE_AGENT_ID``); stdout carries only the protocol, logs go to stderr.

``agentexchange/cli.py`` adds the sub-command with `add_arguments` and runs it with
`run_from_args`; `run(argv)` is the same for ``python -m agentexchange.mcp_server``. Nothing
of ``mcp`` is imported until the server starts, so the parser needs no extra.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .tools import Toolkit, ToolSpec

__all__ = ["DESCRIPTION", "EPILOG", "add_arguments", "build_parser", "run", "run_from_args"]

log = logging.getLogger("agentexchange.mcp")

DESCRIPTION = """\
Serve the AgentExchange API to an AI agent as an MCP server over stdio: one tool per
SDK method (market data, orders, account, analytics, agents, strategies, training,
backtests, battles, webhooks), generated from openapi.yaml, with the SDK's retries,
idempotent orders and typed errors underneath. Resources: the trading pairs, and the
skill.md of an agent.

Credentials and server come from the SDK's environment variables: AGENTEXCHANGE_API_KEY,
AGENTEXCHANGE_API_SECRET (for the agent-management tools), AGENTEXCHANGE_BASE_URL
(default: the SDK's) and AGENTEXCHANGE_AGENT_ID. Logs go to stderr; stdout is the
protocol's."""

EPILOG = """\
examples:
  agentexchange mcp                               every tool
  agentexchange mcp --groups market,account       only those groups' tools
  agentexchange mcp --read-only                   only tools that change nothing

an MCP client's configuration (Claude Desktop, Cursor, ...):
  {"mcpServers": {"agentexchange": {"command": "agentexchange", "args": ["mcp"],
    "env": {"AGENTEXCHANGE_API_KEY": "ak_live_...",
            "AGENTEXCHANGE_BASE_URL": "http://127.0.0.1:8000"}}}}

against a local mock exchange: run 'agentexchange mock' and use the api_key and URL it
prints. Needs the 'mcp' extra: pip install 'agentexchange[mcp]'."""

PAIRS_URI = "agentexchange://pairs"
SKILL_URI = "agentexchange://skill.md"
SKILL_TEMPLATE = "agentexchange://agents/{agent_id}/skill.md"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The sub-command's options (shared by ``agentexchange mcp`` and `build_parser`)."""
    from .tools import GROUPS

    parser.add_argument(
        "--groups",
        metavar="GROUPS",
        help=f"comma-separated tool groups to offer, of: {', '.join(GROUPS)} (default: all)",
    )
    parser.add_argument(
        "--read-only",
        action="store_true",
        help="offer only the tools that change nothing (default: off, every tool of the groups)",
    )
    parser.add_argument(
        "--log-level",
        default="warning",
        choices=["debug", "info", "warning", "error"],
        metavar="LEVEL",
        help="how much to log to stderr: debug, info, warning or error (default: warning)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="agentexchange mcp",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_arguments(parser)
    return parser


def run(argv: Sequence[str] | None = None) -> int:
    return run_from_args(build_parser().parse_args(argv))


def run_from_args(args: argparse.Namespace) -> int:
    """Serve until the client closes stdin; 0 then, 1 (one line on stderr) on a bad option,
    a missing extra or a base URL the client refuses."""
    logging.basicConfig(
        stream=sys.stderr,
        level=getattr(logging, str(args.log_level).upper()),
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
    )
    try:
        import anyio
        import mcp  # noqa: F401  (the extra's presence)
    except ImportError:
        print(
            "agentexchange mcp: install agentexchange[mcp] (pip install 'agentexchange[mcp]')",
            file=sys.stderr,
        )
        return 1
    from .tools import select_groups

    try:
        groups = select_groups(str(args.groups)) if args.groups else None
    except ValueError as exc:
        print(f"agentexchange mcp: {exc}", file=sys.stderr)
        return 1
    try:
        anyio.run(_serve, groups, bool(args.read_only))
    except _Misconfigured as exc:
        print(f"agentexchange mcp: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # pragma: no cover - interactive stop
        pass
    return 0


class _Misconfigured(Exception):
    """The environment gives the client something it refuses (a base URL that is no URL)."""


async def _serve(groups: list[str] | None, read_only: bool) -> None:
    from mcp.server.stdio import stdio_server

    from . import AsyncAgentExchangeClient
    from .tools import Toolkit

    try:
        client = AsyncAgentExchangeClient()
    except ValueError as exc:  # AGENTEXCHANGE_BASE_URL: one line, not a traceback
        raise _Misconfigured(str(exc)) from None
    async with client:
        toolkit = Toolkit(client, groups=groups, read_only=read_only)
        server = build_server(toolkit)
        log.info("serving %d tools", len(toolkit.tools))
        async with stdio_server() as (read_stream, write_stream):
            await server.run(read_stream, write_stream, server.create_initialization_options())


def build_server(toolkit: Toolkit) -> Any:
    """An ``mcp`` low-level `Server` offering the toolkit's tools and the resources."""
    import mcp_types as types
    from mcp.server.lowlevel import Server

    from . import __version__

    tools = [_mcp_tool(types, t) for t in toolkit.tools]

    async def list_tools(ctx: Any, params: Any) -> Any:
        return types.ListToolsResult(tools=tools)

    async def call_tool(ctx: Any, params: Any) -> Any:
        result = await toolkit.acall(params.name, params.arguments or {})
        if not result.ok:
            log.info("%s: %s", params.name, (result.error or {}).get("code"))
        payload = result.value if result.ok else result.error
        return types.CallToolResult(
            content=[types.TextContent(text=result.to_json())],
            # an object is also given as structured content (lists only as text: MCP's
            # structured content is an object)
            structured_content=dict(payload) if isinstance(payload, Mapping) else None,
            is_error=not result.ok,
        )

    async def list_resources(ctx: Any, params: Any) -> Any:
        resources = [
            types.Resource(
                uri=PAIRS_URI,
                name="pairs",
                description="Every trading pair of the exchange (symbol, assets, lot rules), as JSON.",
                mime_type="application/json",
            )
        ]
        if _agent_id():
            resources.append(
                types.Resource(
                    uri=SKILL_URI,
                    name="skill.md",
                    description="The skill.md of the configured agent (AGENTEXCHANGE_AGENT_ID): "
                    "how to trade on this exchange, for a model's context.",
                    mime_type="text/markdown",
                )
            )
        return types.ListResourcesResult(resources=resources)

    async def list_templates(ctx: Any, params: Any) -> Any:
        return types.ListResourceTemplatesResult(
            resource_templates=[
                types.ResourceTemplate(
                    uri_template=SKILL_TEMPLATE,
                    name="agent skill.md",
                    description="The skill.md of an agent of the account.",
                    mime_type="text/markdown",
                )
            ]
        )

    async def read_resource(ctx: Any, params: Any) -> Any:
        uri = str(params.uri)
        text, mime = await _read(toolkit, uri)
        return types.ReadResourceResult(
            contents=[types.TextResourceContents(uri=uri, text=text, mime_type=mime)]
        )

    return Server(
        "agentexchange",
        version=__version__,
        instructions="Paper trading on AgentExchange. Money, prices and quantities are "
        'decimal strings ("0.01"); errors come back as JSON with a code.',
        on_list_tools=list_tools,
        on_call_tool=call_tool,
        on_list_resources=list_resources,
        on_list_resource_templates=list_templates,
        on_read_resource=read_resource,
    )


def _mcp_tool(types: Any, tool: ToolSpec) -> Any:
    from .tools._formats import plain

    return types.Tool(
        name=tool.name,
        title=tool.summary,
        description=tool.description,
        input_schema=plain(tool.input_schema),
        annotations=types.ToolAnnotations(
            title=tool.summary,
            read_only_hint=tool.read_only,
            destructive_hint=tool.destructive,
            idempotent_hint=tool.idempotent,
            open_world_hint=False,  # the exchange is a closed world
        ),
    )


def _agent_id() -> str | None:
    from ._transport import ENV_AGENT_ID

    return os.environ.get(ENV_AGENT_ID) or None


async def _read(toolkit: Toolkit, uri: str) -> tuple[str, str]:
    """A resource's text and MIME type, read through the toolkit's client."""
    from .tools import Toolkit

    reader = Toolkit(toolkit.client)  # resources read what any tool group may
    if uri == PAIRS_URI:
        result = await reader.acall("get_pairs", {})
        return result.to_json(), "application/json"
    agent_id = None
    if uri == SKILL_URI:
        agent_id = _agent_id()
    elif uri.startswith("agentexchange://agents/") and uri.endswith("/skill.md"):
        agent_id = uri[len("agentexchange://agents/") : -len("/skill.md")]
    if not agent_id:
        raise ValueError(f"unknown resource {uri}")
    result = await reader.acall("get_agent_skill", {"agent_id": agent_id})
    if not result.ok:
        raise ValueError(json.dumps(result.error))
    return str(result.value), "text/markdown"


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run())
