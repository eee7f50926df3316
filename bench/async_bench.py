"""`make bench` (async part): a 1,000-wide ``get_price`` fan-out, ours against raw httpx.

A canned-bytes HTTP server (``bench/canned_server.py``) runs in its own process; each
client runs in fresh processes, alternating raw and ours:

- raw = ``httpx.AsyncClient(timeout=30)`` with httpx's default limits (100 connections),
  ``json.loads`` and ``Decimal`` of the price, 1,000 tasks gathered at once;
- ours = ``AsyncAgentExchangeClient`` with its defaults (``max_concurrency=20``),
  1,000 ``get_price`` calls gathered at once.

Cold = the first fan-out of a fresh process (median of 3 processes), warm = the median of
the 5 fan-outs after it. Goals: ours <= 0.25x raw cold, <= 0.9x raw warm, all 1,000
calls succeed. Then with 20 ms of server latency: throughput (calls/s over the warm
fan-outs) ours >= 0.9x raw — the gate must not cap a real network.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SERVER = ROOT / "bench" / "canned_server.py"
WIDTH = 1000
PROCESSES, FANOUTS = 3, 6  # per client kind: 1 cold + 5 warm fan-outs in each process
LATENCY, LATENCY_PROCESSES, LATENCY_FANOUTS = 0.02, 2, 4
GOALS = {"cold": 0.25, "warm": 0.9, "latency": 0.9}


async def fan_outs(kind: str, port: int, count: int) -> list[tuple[float, int]]:
    """``count`` fan-outs of WIDTH calls: (seconds, calls that succeeded) each."""
    base = f"http://127.0.0.1:{port}"
    import httpx

    if kind == "raw":
        client: Any = httpx.AsyncClient(timeout=30)
        url = base + "/api/v1/market/price/BTCUSDT"

        async def one() -> Decimal:
            response = await client.get(url)
            response.raise_for_status()
            return Decimal(json.loads(response.content)["price"])

        close = client.aclose
    else:
        from agentexchange import AsyncAgentExchangeClient

        sdk = AsyncAgentExchangeClient(api_key="ak_live_bench", base_url=base)

        async def one() -> Decimal:
            price: Decimal = (await sdk.get_price("BTCUSDT")).price
            return price

        close = sdk.close
    results = []
    try:
        for _ in range(count):
            start = time.perf_counter()
            done = await asyncio.gather(*(one() for _ in range(WIDTH)), return_exceptions=True)
            elapsed = time.perf_counter() - start
            results.append((elapsed, sum(type(d) is Decimal for d in done)))
    finally:
        await close()
    return results


def worker(kind: str, port: int, count: int) -> list[tuple[float, int]]:
    """Run ``fan_outs`` in a fresh interpreter (the cold fan-out must be a process's first)."""
    out = subprocess.run(
        [sys.executable, __file__, "--worker", kind, "--port", str(port), "--count", str(count)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    return [tuple(x) for x in json.loads(out.stdout.strip().splitlines()[-1])]  # type: ignore[misc]


@contextmanager
def canned_server(latency: float) -> Iterator[int]:
    proc = subprocess.Popen(
        [sys.executable, str(SERVER), "--latency", str(latency)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        yield int(proc.stdout.readline())
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def runs(port: int, processes: int, count: int) -> dict[str, list[list[tuple[float, int]]]]:
    """Alternating fresh processes: raw, ours, raw, ours, ..."""
    out: dict[str, list[list[tuple[float, int]]]] = {"raw": [], "ours": []}
    for _ in range(processes):
        for kind in ("raw", "ours"):
            out[kind].append(worker(kind, port, count))
    return out


def verdict(ratio: float, goal: float, higher_is_better: bool = False) -> str:
    ok = ratio >= goal if higher_is_better else ratio <= goal
    return f"(goal {'>=' if higher_is_better else '<='} {goal}) {'ok' if ok else 'MISSED'}"


def main() -> int:
    print(
        f"Async fan-out: {WIDTH} concurrent get_price over loopback, canned-bytes server in "
        f"its own process; raw httpx.AsyncClient(timeout=30) vs AsyncAgentExchangeClient()"
    )
    with canned_server(0.0) as port:
        result = runs(port, PROCESSES, FANOUTS)
    ok = {kind: [n for proc in procs for _, n in proc] for kind, procs in result.items()}
    cold = {kind: [proc[0][0] for proc in procs] for kind, procs in result.items()}
    warm = {kind: [t for proc in procs for t, _ in proc[1:]] for kind, procs in result.items()}
    for label, data, goal in (("cold", cold, GOALS["cold"]), ("warm", warm, GOALS["warm"])):
        r, o = statistics.median(data["raw"]), statistics.median(data["ours"])
        print(
            f"  {label:<5} raw {r:6.2f} s  ours {o:6.2f} s  ratio {o / r:.2f} "
            f"(ours {min(data['ours']):.2f}-{max(data['ours']):.2f} s, raw "
            f"{min(data['raw']):.2f}-{max(data['raw']):.2f} s) {verdict(o / r, goal)}"
        )
    for kind in ("raw", "ours"):
        good = sum(n == WIDTH for n in ok[kind])
        print(f"  {kind:<4} fan-outs with all {WIDTH} calls succeeding: {good} of {len(ok[kind])}")

    with canned_server(LATENCY) as port:
        result = runs(port, LATENCY_PROCESSES, LATENCY_FANOUTS)
    rate = {
        kind: [WIDTH / t for proc in procs for t, n in proc[1:] if n == WIDTH]
        for kind, procs in result.items()
    }
    r, o = statistics.median(rate["raw"] or [0.0]), statistics.median(rate["ours"] or [0.0])
    ratio = o / r if r else 0.0
    print(
        f"  {LATENCY * 1e3:.0f} ms server latency, warm throughput: raw {r:6.0f} calls/s  "
        f"ours {o:6.0f} calls/s  ratio {ratio:.2f} {verdict(ratio, GOALS['latency'], True)}"
    )
    return 0  # a measurement, not a gate


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--worker", choices=("raw", "ours"))
    parser.add_argument("--port", type=int)
    parser.add_argument("--count", type=int, default=FANOUTS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(asyncio.run(fan_outs(args.worker, args.port, args.count))))
        sys.exit(0)
    sys.exit(main())
