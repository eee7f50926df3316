"""`agentexchange mcp` driven by a client in another language: the official TypeScript MCP
SDK (``@modelcontextprotocol/sdk`` from npm, in package.json) in a small Node script,
``scripts/mcp_client.mjs``, against a live mock (issue 16, second acceptance item).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import httpx

from agentexchange.mock.testing import MockServer
from agentexchange.tools import Toolkit

ROOT = Path(__file__).resolve().parents[2]


def test_the_typescript_sdk_lists_the_tools_and_calls_one() -> None:
    node = shutil.which("node")
    assert node is not None, "node is needed (make test installs node_modules with npm ci)"
    assert (ROOT / "node_modules/@modelcontextprotocol/sdk").is_dir(), "run npm ci"
    with MockServer(seed=5, pairs=20, tick_interval=None) as mock:
        credentials = mock.credentials()
        env = {
            **os.environ,
            "AGENTEXCHANGE_API_KEY": credentials["api_key"],
            "AGENTEXCHANGE_BASE_URL": mock.base_url,
        }
        proc = subprocess.run(
            [node, "scripts/mcp_client.mjs", sys.executable, "-m", "agentexchange", "mcp"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert proc.returncode == 0, proc.stderr
        seen = json.loads(proc.stdout)
        rest = httpx.get(f"{mock.base_url}/api/v1/market/price/BTCUSDT").json()

    assert seen["server"]["name"] == "agentexchange"
    names = [tool["name"] for tool in seen["tools"]]
    assert sorted(names) == sorted(t.name for t in Toolkit(None).tools)
    by_name = {tool["name"]: tool for tool in seen["tools"]}
    assert by_name["get_price"]["annotations"]["readOnlyHint"] is True
    assert by_name["place_market_order"]["schema"]["required"] == ["symbol", "side", "quantity"]
    assert seen["price"]["isError"] is False
    price = json.loads(seen["price"]["text"])
    assert price["price"] == rest["price"] and Decimal(price["price"]) > 0
    # a quantity as a JSON number is refused, naming the field, and places nothing
    assert seen["refused"]["isError"] is True
    refused = json.loads(seen["refused"]["text"])
    assert (refused["code"], refused["field"]) == ("INVALID_ARGUMENTS", "quantity")
