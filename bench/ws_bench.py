"""WebSocket benchmarks (``make bench``): printed, never asserted.

docs/architecture.md "Benchmarks": ratios against a baseline measured in the same run.

(a) Client throughput: a flood server (a subprocess) sends N ticker messages as fast
    as it can; a raw ``websockets`` client doing ``recv()`` + ``json.loads`` and
    ``AgentExchangeWS`` with a no-op async handler each read the same stream.
    Ratio = AgentExchangeWS msgs/s / raw msgs/s (goal >= 0.8).
(b) The mock's ``ticker_all``: 600 pairs at 1 tick/s, 10 connected clients, for a few
    seconds. Ticks delivered / ticks expected, and the server process's CPU share.

Usage: python bench/ws_bench.py [--messages 200000] [--seconds 10] [--clients 10]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import httpx
import websockets
from websockets.asyncio.client import connect

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from agentexchange.ws import AgentExchangeWS  # noqa: E402

FLOOD_SERVER = r"""
import asyncio, json, sys
from websockets.asyncio.server import serve

N = int(sys.argv[1])
TICK = json.dumps({"channel": "ticker", "symbol": "BTCUSDT", "data": {
    "price": "64100.50", "quantity": "0.01", "timestamp": "2026-11-22T10:50:00Z",
    "is_buyer_maker": False, "trade_id": 1}})

async def handler(ws):
    request = json.loads(await ws.recv())
    key = "ticker:all" if request.get("channel") == "ticker_all" else "ticker:BTCUSDT"
    await ws.send(json.dumps({"type": "subscribed", "channel": key}))
    for _ in range(N):
        await ws.send(TICK)
    await ws.wait_closed()

async def main():
    async with serve(handler, "127.0.0.1", 0, compression=None, max_queue=None) as server:
        print(server.sockets[0].getsockname()[1], flush=True)
        await asyncio.Future()

asyncio.run(main())
"""


def _spawn(code: str, *args: str) -> tuple[subprocess.Popen[str], list[str]]:
    proc = subprocess.Popen(
        [sys.executable, "-c", code, *args], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    assert proc.stdout is not None
    return proc, proc.stdout.readline().split()


async def raw_client(port: int, n: int) -> float:
    async with connect(f"ws://127.0.0.1:{port}/", compression=None) as ws:
        await ws.send(json.dumps({"action": "subscribe", "channel": "ticker_all"}))
        json.loads(await ws.recv())
        started = time.perf_counter()
        for _ in range(n):
            json.loads(await ws.recv())
        return n / (time.perf_counter() - started)


async def sdk_client(port: int, n: int) -> float:
    ws = AgentExchangeWS(api_key="bench", base_url=f"ws://127.0.0.1:{port}")
    count = 0
    done = asyncio.Event()
    started = 0.0

    @ws.on_connect
    async def connected(info: dict[str, object]) -> None:
        nonlocal started
        started = time.perf_counter()

    @ws.on_ticker("all")
    async def noop(data: dict[str, object]) -> None:
        nonlocal count
        count += 1
        if count == n:
            done.set()

    task = asyncio.create_task(ws.connect())
    await done.wait()
    elapsed = time.perf_counter() - started
    await ws.close()
    await task
    return n / elapsed


def bench_client(n: int, rounds: int = 5) -> None:
    proc, (port,) = _spawn(FLOOD_SERVER, str(n))
    raws: list[float] = []
    sdks: list[float] = []
    try:
        for _ in range(rounds):  # alternate, so drift in machine load hits both alike
            raws.append(asyncio.run(raw_client(int(port), n)))
            sdks.append(asyncio.run(sdk_client(int(port), n)))
    finally:
        proc.terminate()
        proc.wait()
    raw, sdk = statistics.median(raws), statistics.median(sdks)
    print(
        f"(a) flood of {n} ticker messages x {rounds} rounds (websockets {websockets.__version__})"
    )
    print(f"    raw websockets recv()+json.loads : {raw:10.0f} msg/s (median)")
    print(f"    AgentExchangeWS, no-op handler   : {sdk:10.0f} msg/s (median)")
    print(f"    ratio                            : {sdk / raw:10.2f}  (goal >= 0.8)")


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _mock_clients(port: int, key: str, clients: int, seconds: float) -> tuple[int, int]:
    """Ticks delivered and expected over the ticks every client's window fully covers."""
    per_client: list[Counter[str]] = [Counter() for _ in range(clients)]

    async def one(i: int, ready: asyncio.Event) -> None:
        async with connect(f"ws://127.0.0.1:{port}/ws/v1?api_key={key}") as ws:
            await ws.send(json.dumps({"action": "subscribe", "channel": "ticker_all"}))
            json.loads(await ws.recv())
            ready.set()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(seconds):
                    async for raw in ws:
                        message = json.loads(raw)
                        if message.get("channel") == "ticker":
                            per_client[i][message["data"]["timestamp"]] += 1

    readies = [asyncio.Event() for _ in range(clients)]
    tasks = [asyncio.create_task(one(i, readies[i])) for i in range(clients)]
    await asyncio.gather(*(r.wait() for r in readies))
    await asyncio.gather(*tasks)
    # The first and last tick seen may straddle a client's window edge: count the inner ones.
    stamps = sorted(set().union(*per_client))
    inner = stamps[1:-1]
    delivered = sum(counts[t] for counts in per_client for t in inner)
    return delivered, len(inner)


def _start_mock() -> tuple[subprocess.Popen[str], int, str]:
    """`agentexchange mock` exactly as users run it, on a free port, 1 tick/s."""
    cli = [sys.executable, "-m", "agentexchange.cli", "mock", "--seed", "1"]
    creds = json.loads(
        subprocess.run(
            [*cli, "--demo-credentials"], check=True, capture_output=True, text=True
        ).stdout
    )
    proc = subprocess.Popen(
        [*cli, "--port", "0", "--no-rate-limits", "--tick-interval", "1"],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert proc.stdout is not None
    banner = proc.stdout.readline()  # "AgentExchange mock exchange on http://127.0.0.1:PORT ..."
    url = next(word for word in banner.split() if word.startswith("http://"))
    deadline = time.monotonic() + 30
    while True:  # the banner comes before uvicorn listens
        try:
            httpx.get(f"{url}/api/v1/market/price/BTCUSDT", timeout=1).raise_for_status()
            break
        except httpx.HTTPError:
            if time.monotonic() > deadline:
                proc.kill()
                raise
            time.sleep(0.1)
    return proc, int(url.rsplit(":", 1)[1]), creds["api_key"]


def bench_mock(clients: int, seconds: float) -> None:
    proc, port, key = _start_mock()
    try:
        cpu0, wall0 = _cpu_seconds(proc.pid), time.perf_counter()
        delivered, tick_count = asyncio.run(_mock_clients(int(port), key, clients, seconds))
        cpu = _cpu_seconds(proc.pid) - cpu0
        wall = time.perf_counter() - wall0
    finally:
        proc.terminate()
        proc.wait()
    expected = clients * 600 * tick_count  # every client, every pair, every inner tick
    print(f"(b) mock ticker_all, 600 pairs at 1 tick/s, {clients} clients, {seconds:g}s")
    print(
        f"    ticks delivered / expected       : {delivered} / {expected} = {delivered / expected:.3f}"
    )
    print(f"    ticks inside every window        : {tick_count}")
    print(f"    server CPU share                 : {100 * cpu / wall:.1f} % of one core")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=50_000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=10)
    args = parser.parse_args()
    bench_client(args.messages)
    bench_mock(args.clients, args.seconds)


if __name__ == "__main__":
    main()
