"""The README's webhook receiver runs as users run it: examples/with_mock.py + webhook_receiver.py."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_webhook_receiver_example_gets_signed_events_and_refuses_a_forged_one() -> None:
    with subprocess.Popen(
        [sys.executable, "examples/with_mock.py", "examples/webhook_receiver.py"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # a timeout kills the example and the mock it started
    ) as process:
        try:
            out, err = process.communicate(timeout=90)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise
    assert process.returncode == 0, err[-3000:]
    assert "subscribed http://127.0.0.1:" in out
    assert "received webhook.test: This is a test event from the AgentExchange platform." in out
    assert "received strategy.deployed: strategy " in out and " version 1" in out
    assert "refused a delivery: X-Webhook-Signature does not match the body" in out
    assert "a forged delivery was answered 400" in out
    assert "subscription state: failure_count 0" in out
    assert out.rstrip().endswith("Done.")
    assert "sk_live_" not in out
