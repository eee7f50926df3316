"""The examples run as users run them: `make demo` is examples/with_mock.py + quickstart.py."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_quickstart_runs_against_a_fresh_mock() -> None:
    # Its own session, so a timeout kills the example *and* the mock it started; the
    # deadline sits below pytest's own (120 s) so this cleanup is what runs.
    with subprocess.Popen(
        [sys.executable, "examples/with_mock.py", "examples/quickstart.py"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    ) as process:
        try:
            out, err = process.communicate(timeout=90)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise
    assert process.returncode == 0, err[-3000:]
    assert "get_all_prices(): 6" in out  # 600+ pairs
    assert "Market buy" in out and ": filled at $" in out
    assert "stop-loss listed: True" in out
    assert "A 1000 BTC buy is refused: need" in out
    assert "Agent's positions: ['ETHUSDT']; default agent's positions: ['BTCUSDT']" in out
    assert out.rstrip().endswith("Done.")
    # The demo account's secret is printed by the mock's banner only, never by the example.
    assert "sk_live_" not in out
