"""The examples run as users run them: `make demo` is examples/with_mock.py + quickstart.py,
then examples/with_mock.py + backtest_sma.py."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_with_mock(script: str) -> tuple[int, str, str]:
    # Its own session, so a timeout kills the example *and* the mock it started; the
    # deadline sits below pytest's own (120 s) so this cleanup is what runs.
    with subprocess.Popen(
        [sys.executable, "examples/with_mock.py", script],
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
    return process.returncode, out, err


def test_quickstart_runs_against_a_fresh_mock() -> None:
    returncode, out, err = run_with_mock("examples/quickstart.py")
    assert returncode == 0, err[-3000:]
    assert "get_all_prices(): 6" in out  # 600+ pairs
    assert "Market buy" in out and ": filled at $" in out
    assert "stop-loss listed: True" in out
    assert "A 1000 BTC buy is refused: need" in out
    assert "Agent's positions: ['ETHUSDT']; our positions: ['BTCUSDT']" in out
    assert out.rstrip().endswith("Done.")
    # The demo account's secret is printed by the mock's banner only, never by the example.
    assert "sk_live_" not in out


def test_backtest_example_runs_against_a_fresh_mock() -> None:
    returncode, out, err = run_with_mock("examples/backtest_sma.py")
    assert returncode == 0, err[-3000:]
    assert "SMA(10)/SMA(30) on 1h candles" in out
    assert ": 720 steps" in out  # 30 days of hourly candles
    assert " buy 0.0" in out and "orders over 720 bars" in out
    assert "Results (completed): final equity $" in out and "ROI " in out
    assert "Equity curve: " in out and " -> " in out
    assert "Live: on_bar(client) -> " in out  # the same function, live
    assert out.rstrip().endswith("Done.")
    assert "sk_live_" not in out


def test_strategy_function_type_checks_live_and_in_a_backtest() -> None:
    # on_bar(api: TradingAPI) is called with the live client and with a BacktestSession
    # in the example; mypy --strict (from the repository root, as CI runs it) accepts both.
    checked = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "examples/backtest_sma.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=110,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "Success" in checked.stdout
