"""Part 4 of issue 16: the tool table is the only source of the toolkit, the MCP server's
tool list and the command line. One walk over openapi.yaml's methods (read with PyYAML,
not through the table) finds each of them in all three.

The MCP server is connected in-process (the official client's in-memory transport over
`mcp_server.build_server`); the stdio server itself is tested in
tests/integration/test_tools_mcp.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anyio
import yaml
from mcp import Client

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


def test_every_method_of_the_document_is_a_tool_and_an_mcp_tool() -> None:
    methods = document_methods()
    assert len(methods) == len(set(methods)) > 120
    toolkit = {t.name for t in Toolkit(client=None).tools}
    mcp = mcp_tool_names()
    for name in methods:
        assert name in toolkit, f"{name}: not in the toolkit"
        assert name in mcp, f"{name}: not in the MCP server's tool list"
    assert toolkit == mcp == set(methods)
