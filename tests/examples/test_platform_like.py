"""The README's first example and examples/quickstart.py run unchanged against the mock
configured like the platform (issue 18): an account key with AGENTEXCHANGE_AGENT_ID set,
and an agent whose risk profile, not its balance, refuses the 1000 BTC step with
ORDER_REJECTED (the platform checks the risk profile first;
../shared/reference/platform-run-2026-12.md).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from agentexchange import AgentExchangeClient
from agentexchange.mock.testing import MockServer

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def platform_env() -> Iterator[dict[str, str]]:
    with MockServer(seed=42) as mock:
        creds = mock.credentials()
        with AgentExchangeClient(base_url=mock.base_url, **creds) as client:
            # Rich enough that the balance allows 1000 BTC; the order-size limit does not.
            agent = client.create_agent(name="platform-like", starting_balance="100000000")
            client.update_agent(agent.agent_id, risk_config={"max_order_size_pct": 25})
        env = {k: v for k, v in os.environ.items() if not k.startswith("AGENTEXCHANGE_")}
        env.update(
            AGENTEXCHANGE_BASE_URL=mock.base_url,
            AGENTEXCHANGE_API_KEY=creds["api_key"],
            AGENTEXCHANGE_API_SECRET=creds["api_secret"],
            AGENTEXCHANGE_AGENT_ID=agent.agent_id,
        )
        yield env


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=90
    )


def test_the_readme_first_example_runs_and_handles_order_rejected(
    platform_env: dict[str, str],
) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    use = readme.split("## Use", 1)[1]
    code = re.search(r"```python\n(.*?)```", use, re.S)
    assert code is not None
    done = _run(["-c", code.group(1)], platform_env)
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.strip().splitlines()
    assert lines[0] == "refused: ORDER_REJECTED order_too_large"
    assert float(lines[1]) > 99_000_000  # the agent's equity, not the default agent's


def test_the_quickstart_runs_to_the_end_and_handles_order_rejected(
    platform_env: dict[str, str],
) -> None:
    done = _run(["examples/quickstart.py"], platform_env)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "A 1000 BTC buy is refused by the risk profile: order_too_large" in done.stdout
    assert "Agent's positions: ['ETHUSDT']; our positions: ['BTCUSDT']" in done.stdout
    assert done.stdout.rstrip().endswith("Done.")
    assert "sk_live_" not in done.stdout
