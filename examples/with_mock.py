"""Run an example script against a fresh mock exchange: what `make demo` does.

    python examples/with_mock.py examples/quickstart.py

Starts `agentexchange mock` on a free loopback port, reads the demo account of its
seed, runs the script with AGENTEXCHANGE_* set, and stops the server.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import httpx

SEED = "42"


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__)
        return 2
    cli = [sys.executable, "-m", "agentexchange.cli", "mock"]
    creds = json.loads(
        subprocess.run(
            [*cli, "--seed", SEED, "--demo-credentials"], check=True, capture_output=True, text=True
        ).stdout
    )
    server = subprocess.Popen(
        # --local-webhooks: examples may subscribe a receiver on this machine (webhook_receiver.py).
        [*cli, "--seed", SEED, "--port", "0", "--no-rate-limits", "--local-webhooks"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        first = (
            server.stdout.readline()
        )  # "AgentExchange mock exchange on http://127.0.0.1:PORT ..."
        url = next((w for w in first.split() if w.startswith("http://")), None)
        if url is None:
            print(f"mock exchange did not start: {first!r}", file=sys.stderr)
            return 1
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{url}/api/v1/market/price/BTCUSDT", timeout=2).raise_for_status()
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        print(f"mock exchange running on {url} (seed {SEED})")
        env = dict(os.environ)
        env.update(
            AGENTEXCHANGE_BASE_URL=url,
            AGENTEXCHANGE_API_KEY=creds["api_key"],
            AGENTEXCHANGE_API_SECRET=creds["api_secret"],
        )
        return subprocess.run([sys.executable, *argv[1:]], env=env).returncode
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
