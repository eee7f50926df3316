"""`make bench` (backtest part): a 30-day, 1-minute backtest (43,200 steps) over 5 pairs.

The workload (issue 12): a session over 2026-11-01 .. 2026-12-01 at 60 s, driven in
batches of 60 steps (``step/batch/fast``) with one market order per batch — a buy of about
500 USDT of one pair, sold again a batch later — 720 orders, 720 batches. It runs:

1. **Engine**: on the domain (``Exchange.backtests``), no HTTP: the engine's steps/s.
2. **Baselines** on fresh exchanges (cold price-path caches, as the engine had):
   a loop that only reads the same 216,000 candles (5 pairs x 43,200 one-minute candles)
   from the seeded history, and a loop that only iterates them once read. The goal: the
   engine's time at most 10x the reading loop's.
3. **SDK**: ``AgentExchangeClient.create_backtest(...)`` as a context manager,
   ``place_market_order`` and ``step_fast(60)`` on the generated ``BacktestSession``,
   against the mock's ASGI app in-process (``inprocess.InProcessTransport``: no socket).
   The SDK's overhead per call = call time minus the time inside the app; the same
   requests through raw httpx + ``json.loads`` on the same transport give the baseline.
   Goal: <= 2 ms per call.
4. **Peak RSS** of a fresh process that runs only the SDK workload.

Engine and SDK runs are repeated (medians of ``ROUNDS``, each on a fresh exchange); ratios
and figures are printed, nothing is asserted (a benchmark, not a test).
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import ROUND_DOWN, Decimal
from functools import partial
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
if str(HERE.parent) not in sys.path:
    sys.path.insert(0, str(HERE.parent))

from agentexchange import AgentExchangeClient  # noqa: E402
from agentexchange.mock.domain.backtests import BacktestSession  # noqa: E402
from agentexchange.mock.domain.exchange import Exchange, MockConfig  # noqa: E402
from agentexchange.mock.web.server import build_app  # noqa: E402
from bench.inprocess import InProcessTransport  # noqa: E402

PAIRS = ("BTCUSDT", "ETHUSDT", "SOLUSDT", "BNBUSDT", "XRPUSDT")
START = datetime(2026, 11, 1, tzinfo=UTC)
END = datetime(2026, 12, 1, tzinfo=UTC)
CLOCK = datetime(2026, 12, 15, tzinfo=UTC)
STEPS = 43_200
BATCH = 60
NOTIONAL = Decimal(500)
BASE = "http://bench.local"
READ_GOAL = 10.0
OVERHEAD_GOAL_MS = 2.0
ROUNDS = 3


def exchange() -> Exchange:
    return Exchange(MockConfig(seed=42, rate_limits=False, start=CLOCK))


class Strategy:
    """One order per batch: buy ~500 USDT of a pair, sell it back on the next batch."""

    def __init__(self, ex: Exchange) -> None:
        self.lots = {p: ex.market.pair_info(p).min_qty for p in PAIRS}
        self.held: tuple[str, Decimal] | None = None

    def order(self, batch: int, prices: dict[str, Decimal]) -> tuple[str, str, Decimal]:
        if self.held is not None:
            symbol, quantity = self.held
            self.held = None
            return symbol, "sell", quantity
        symbol = PAIRS[(batch // 2) % len(PAIRS)]
        quantity = (NOTIONAL / prices[symbol]).quantize(self.lots[symbol], rounding=ROUND_DOWN)
        self.held = (symbol, quantity)
        return symbol, "buy", quantity


# ------------------------------------------------------------------ engine
def run_engine() -> tuple[float, Decimal]:
    ex = exchange()
    who = ex.accounts.authenticate_key(ex.accounts.demo_credentials()["api_key"])
    backtests = ex.backtests
    started = time.perf_counter()
    created = backtests.create(
        who.account_id,
        who.agent_id,
        start=START,
        end=END,
        starting_balance=Decimal(10000),
        pairs=PAIRS,
    )
    sid = created["session_id"]
    backtests.start(who.account_id, sid)
    strategy = Strategy(ex)
    prices = backtests.run(who.account_id, sid, lambda s: s.prices())
    answer: dict[str, Any] = {}
    for batch in range(STEPS // BATCH):
        symbol, side, quantity = strategy.order(batch, prices)
        place = partial(
            BacktestSession.place_order,
            symbol=symbol,
            side=side,
            order_type="market",
            quantity=quantity,
            price=None,
        )
        backtests.run(who.account_id, sid, place)
        answer = backtests.step(who.account_id, sid, BATCH, fast=True)
        prices = answer["prices"]
    elapsed = time.perf_counter() - started
    assert answer["is_complete"], "the session ran to its end"
    final = backtests.run(who.account_id, sid, lambda s: s.results_view())["summary"]
    return elapsed, final["final_equity"]


def read_candles() -> tuple[float, list[list[tuple[int, ...]]]]:
    """Only read the session's candles from the seeded history (fresh caches)."""
    ex = exchange()
    first = int(START.timestamp()) // 60
    started = time.perf_counter()
    tapes: list[list[tuple[int, ...]]] = []
    for pair in PAIRS:
        series = ex.market.series(pair, "1m")
        tape: list[tuple[int, ...]] = []
        for day in range(STEPS // 1440):
            tape.extend(series.nodes(first + day * 1440, 1440))
        tapes.append(tape)
    return time.perf_counter() - started, tapes


def iterate(tapes: list[list[tuple[int, ...]]]) -> float:
    """Only step through the candles once read: per step, each pair's OHLC."""
    started = time.perf_counter()
    spread = 0
    for step in range(STEPS):
        for tape in tapes:
            candle = tape[step]
            spread += candle[1] - candle[2] + candle[3] - candle[0]
    elapsed = time.perf_counter() - started
    assert spread  # read, not skipped
    return elapsed


# ------------------------------------------------------------------ SDK
def sdk_workload(transport: InProcessTransport, api_key: str, ex: Exchange) -> tuple[float, int]:
    client = AgentExchangeClient(
        api_key=api_key, base_url=BASE, http_client=httpx.Client(transport=transport, base_url=BASE)
    )
    strategy = Strategy(ex)
    started = time.perf_counter()
    with client.create_backtest(START, END, "10000", pairs=list(PAIRS)) as bt:
        step = bt.step_fast(1)  # the prices at the first clock
        prices = step.prices
        for batch in range(STEPS // BATCH):
            symbol, side, quantity = strategy.order(batch, prices)
            bt.place_market_order(symbol, side, quantity)
            step = bt.step_fast(BATCH)
            prices = step.prices
            if step.is_complete:
                break
    elapsed = time.perf_counter() - started
    client.close()
    return elapsed, transport.calls


def raw_workload(transport: InProcessTransport, api_key: str, ex: Exchange) -> tuple[float, int]:
    """The same requests with raw httpx and json.loads (prices as Decimal, as the SDK gives)."""
    raw = httpx.Client(transport=transport, base_url=BASE, headers={"X-API-Key": api_key})
    strategy = Strategy(ex)

    def post(path: str, payload: Any = None) -> Any:
        return json.loads(raw.post(path, json=payload).content, parse_float=Decimal)

    started = time.perf_counter()
    created = post(
        "/api/v1/backtest/create",
        {
            "start_time": START.isoformat(),
            "end_time": END.isoformat(),
            "starting_balance": "10000",
            "pairs": list(PAIRS),
        },
    )
    sid = created["session_id"]
    post(f"/api/v1/backtest/{sid}/start")
    fast = f"/api/v1/backtest/{sid}/step/batch/fast"
    step = post(fast, {"steps": 1})
    prices = {k: Decimal(v) for k, v in step["prices"].items()}
    for batch in range(STEPS // BATCH):
        symbol, side, quantity = strategy.order(batch, prices)
        post(
            f"/api/v1/backtest/{sid}/trade/order",
            {"symbol": symbol, "side": side, "type": "market", "quantity": str(quantity)},
        )
        step = post(fast, {"steps": BATCH})
        prices = {k: Decimal(v) for k, v in step["prices"].items()}
        if step["is_complete"]:
            break
    elapsed = time.perf_counter() - started
    raw.close()
    return elapsed, transport.calls


def through(
    workload: Callable[[InProcessTransport, str, Exchange], tuple[float, int]],
) -> tuple[float, float, int]:
    """(total seconds, seconds inside the app, calls) of ``workload`` on a fresh mock."""
    ex = exchange()
    transport = InProcessTransport(build_app(ex, tick_interval=None))
    total, calls = workload(transport, ex.accounts.demo_credentials()["api_key"], ex)
    transport.close()
    return total, transport.app_seconds, calls


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main() -> int:
    if "--rss" in sys.argv:  # the child: the SDK workload alone, then its peak RSS
        through(sdk_workload)
        print(json.dumps({"peak_rss_mb": peak_rss_mb()}))
        return 0
    print(
        f"Backtest: {STEPS:,} one-minute steps x {len(PAIRS)} pairs, batches of {BATCH}, "
        f"one order each (medians of {ROUNDS} rounds, each on a fresh exchange)"
    )
    engines = [run_engine() for _ in range(ROUNDS)]
    engine = statistics.median(seconds for seconds, _ in engines)
    finals = {final for _, final in engines}
    read, tapes = read_candles()
    walk = iterate(tapes)
    print(
        f"  engine (domain, no HTTP)  {engine:6.2f} s  {STEPS / engine:9,.0f} steps/s  "
        f"final equity {', '.join(map(str, sorted(finals)))} "
        f"({'the same every round' if len(finals) == 1 else 'NOT DETERMINISTIC'})"
    )
    print(
        f"  read the same candles     {read:6.2f} s  -> engine / read = {engine / read:5.2f} "
        f"(goal <= {READ_GOAL:g}) {'ok' if engine / read <= READ_GOAL else 'MISSED'}"
    )
    print(
        f"  iterate them, once read   {walk:6.2f} s  -> engine / iterate = {engine / walk:5.1f} "
        "(the engine reads only the candles it needs: order steps, batch ends, pending orders)"
    )
    sdk_runs, raw_runs = [], []
    for _ in range(ROUNDS):  # alternating, so drift hits both alike
        sdk_runs.append(through(sdk_workload))
        raw_runs.append(through(raw_workload))
    sdk_total = statistics.median(total for total, _, _ in sdk_runs)
    sdk_app = statistics.median(app for _, app, _ in sdk_runs)
    sdk_over = statistics.median((t - a) / c for t, a, c in sdk_runs) * 1e3
    raw_over = statistics.median((t - a) / c for t, a, c in raw_runs) * 1e3
    print(
        f"  SDK end to end            {sdk_total:6.2f} s  {STEPS / sdk_total:9,.0f} steps/s  "
        f"{sdk_runs[0][2]} calls, {sdk_app:5.2f} s of it inside the app"
    )
    print(
        f"  SDK overhead per call     {sdk_over:6.3f} ms (call time minus app time; goal <= "
        f"{OVERHEAD_GOAL_MS:g} ms) {'ok' if sdk_over <= OVERHEAD_GOAL_MS else 'MISSED'}"
    )
    print(
        f"  raw httpx per call        {raw_over:6.3f} ms (the same requests on the same transport, "
        f"json.loads) -> the SDK's own share {sdk_over - raw_over:+.3f} ms"
    )
    child = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--rss"],
        capture_output=True,
        text=True,
        check=True,
    )
    rss = json.loads(child.stdout.strip().splitlines()[-1])["peak_rss_mb"]
    print(f"  peak RSS (a process running the SDK workload only) {rss:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
