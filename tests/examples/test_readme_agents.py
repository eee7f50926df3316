"""The README's toolkit example runs as it is written (issue 16).

The ``python`` block of README.md's "For AI agents" section runs in a fresh interpreter
with the SDK's environment variables pointing at a live mock; the tool result it builds
must be the order the mock filled, as JSON text with decimal strings.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

from agentexchange.mock.testing import MockServer

ROOT = Path(__file__).resolve().parents[2]


def agents_example() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## For AI agents\n", 1)[1].split("\n## ", 1)[0]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match, "README.md's 'For AI agents' section has no python block"
    return match.group(1)


def test_the_readme_toolkit_example_runs() -> None:
    with MockServer(seed=11, pairs=20, tick_interval=None) as mock:
        credentials = mock.credentials()
        env = {
            **os.environ,
            "AGENTEXCHANGE_API_KEY": credentials["api_key"],
            "AGENTEXCHANGE_API_SECRET": credentials["api_secret"],
            "AGENTEXCHANGE_BASE_URL": mock.base_url,
        }
        probe = "\nprint(json.dumps({'ok': result.ok, 'tools': len(tools), 'reply': reply}))\n"
        done = subprocess.run(
            [sys.executable, "-c", "import json\n" + agents_example() + probe],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=90,
            check=False,
        )
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["ok"] is True and out["tools"] == 30  # market, trading and account
    order = json.loads(out["reply"])
    assert order["symbol"] == "BTCUSDT" and order["status"] == "filled"
    assert order["quantity"] == "0.01" and Decimal(order["executed_price"]) > 0
