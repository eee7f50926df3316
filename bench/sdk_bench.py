"""`make bench` (SDK part): what the generated client costs on top of raw httpx.

Both sides talk to the same ``httpx.MockTransport`` (no network, so only client-side
work is measured): the SDK's ``get_price`` / ``get_all_prices`` (600 symbols) against
a raw ``httpx.Client`` doing the same request plus ``json.loads`` (and ``Decimal`` of
each of the 600 prices). Rounds alternate SDK and raw; the median cost per call of
each is printed with the ratio. Goals: get_price <= 1.5, get_all_prices <= 2.0.

Then the model-building step alone (issue 20): the generated fused builders against the
old helper path (``generator.oldpath``: ``_from_wire`` through ``parse_datetime`` /
``opt_*`` / ``first_present``, then ``_make``) on the decoded bench bodies — 500 trades,
1,000 candles, 600 prices — in 11 alternating rounds; goals 0.75, 0.85 and 0.95.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

import httpx

from agentexchange import AgentExchangeClient, models
from agentexchange._convert import parse_datetime

BASE = "http://bench.local"
STAMP = "2026-11-25T12:00:00Z"
PRICE = json.dumps({"symbol": "BTCUSDT", "price": "64521.30000000", "timestamp": STAMP}).encode()
SYMBOLS = [f"C{i:03d}USDT" for i in range(600)]
PRICES = json.dumps(
    {
        "prices": {s: f"{1 + i * 0.731:.8f}" for i, s in enumerate(SYMBOLS)},
        "timestamp": STAMP,
        "count": 600,
    }
).encode()

TRADES = json.dumps(
    {
        "trades": [
            {
                "trade_id": f"t-{i}",
                "order_id": f"660e8400-e29b-41d4-a716-{i:012d}",
                "symbol": "BTCUSDT",
                "side": "buy" if i % 2 else "sell",
                "quantity": f"{0.001 + i * 0.0001:.8f}",
                "price": f"{64000 + i * 0.1:.8f}",
                "fee": f"{0.064 + i * 0.00001:.8f}",
                "total": f"{64.0 + i * 0.01:.8f}",
                "executed_at": f"2026-11-25T{i // 60 % 24:02d}:{i % 60:02d}:00Z",
            }
            for i in range(500)
        ],
        "total": 500,
        "limit": 500,
        "offset": 0,
    }
).encode()
CANDLES = json.dumps(
    {
        "symbol": "BTCUSDT",
        "interval": "1m",
        "count": 1000,
        "candles": [
            {
                "time": f"2026-11-{20 + i // 1440:02d}T{i // 60 % 24:02d}:{i % 60:02d}:00Z",
                "open": f"{64000 + i * 0.5:.8f}",
                "high": f"{64010 + i * 0.5:.8f}",
                "low": f"{63990 + i * 0.5:.8f}",
                "close": f"{64005 + i * 0.5:.8f}",
                "volume": f"{12.5 + i * 0.01:.8f}",
                "trade_count": 100 + i,
            }
            for i in range(1000)
        ],
    }
).encode()


def bench_bodies() -> dict[str, Any]:
    """The bench wire bodies, decoded as the transport decodes them (numbers as Decimal)."""
    return {
        name: json.loads(body, parse_float=Decimal)
        for name, body in (("trades", TRADES), ("candles", CANDLES), ("prices", PRICES))
    }


def builders(ns: Any) -> dict[str, Callable[[Any], Any]]:
    """The building step of get_trade_history / get_candles / get_all_prices over ``ns``."""

    def trades(data: Any) -> Any:
        from_wire = ns.Trade._from_wire
        return [from_wire(item) for item in data["trades"]]

    def candles(data: Any) -> Any:
        from_wire = ns.Candle._from_wire
        return [from_wire(item) for item in data["candles"]]

    def prices(data: Any) -> Any:  # as the generated get_all_prices does it
        timestamp = parse_datetime(data["timestamp"])
        make = ns.Price._make
        return [make(k, Decimal(v), timestamp) for k, v in data["prices"].items()]

    return {"trades": trades, "candles": candles, "prices": prices}


BUILDER_GOALS = {"trades": 0.75, "candles": 0.85, "prices": 0.95}


def compare_builders(rounds: int = 11, calls: int = 20) -> bool:
    """Fused builders vs the old helper path, alternating rounds, median per build."""
    root = str(Path(__file__).resolve().parents[1])
    if root not in sys.path:  # generator/ is a dev tool, not installed
        sys.path.insert(0, root)
    from generator.oldpath import old_builders

    bodies = bench_bodies()
    old, new = builders(old_builders()), builders(models)
    print(f"Model building: fused builders vs the old helper path ({rounds} alternating rounds)")
    ok = True
    for name, data in bodies.items():
        assert old[name](data) == new[name](data)  # the same objects
        old_build, new_build = partial(old[name], data), partial(new[name], data)
        old_times, new_times = [], []
        for _ in range(rounds):
            old_times.append(per_call(old_build, calls))
            new_times.append(per_call(new_build, calls))
        o, n = statistics.median(old_times), statistics.median(new_times)
        ratio, goal = n / o, BUILDER_GOALS[name]
        print(
            f"  {name:<8} old {o * 1e3:7.3f} ms  fused {n * 1e3:7.3f} ms  ratio {ratio:.2f} "
            f"(range {min(new_times) / max(old_times):.2f}-{max(new_times) / min(old_times):.2f}, "
            f"goal <= {goal}) {'ok' if ratio <= goal else 'MISSED'}"
        )
        ok &= ratio <= goal
    return ok


def handler(request: httpx.Request) -> httpx.Response:
    body = PRICES if request.url.path.endswith("/prices") else PRICE
    return httpx.Response(200, content=body, headers={"content-type": "application/json"})


def per_call(fn: Callable[[], Any], calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - start) / calls


def compare(
    name: str, sdk: Callable[[], Any], raw: Callable[[], Any], calls: int, rounds: int, goal: float
) -> bool:
    sdk(), raw()  # warm up
    sdk_times, raw_times = [], []
    for _ in range(rounds):
        sdk_times.append(per_call(sdk, calls))
        raw_times.append(per_call(raw, calls))
    s, r = statistics.median(sdk_times), statistics.median(raw_times)
    ratio = s / r
    print(
        f"  {name:<16} sdk {s * 1e6:8.1f} us/call  raw httpx {r * 1e6:8.1f} us/call  "
        f"ratio {ratio:.2f}  (goal <= {goal}) {'ok' if ratio <= goal else 'MISSED'}"
    )
    return ratio <= goal


def main() -> int:
    transport = httpx.MockTransport(handler)
    raw = httpx.Client(transport=transport, base_url=BASE)
    sdk = AgentExchangeClient(
        api_key="ak_live_bench",
        base_url=BASE,
        http_client=httpx.Client(transport=transport, base_url=BASE),
    )

    def raw_price() -> Any:
        return json.loads(raw.get("/api/v1/market/price/BTCUSDT").content)

    def raw_prices() -> Any:
        data = json.loads(raw.get("/api/v1/market/prices").content)
        return {symbol: Decimal(value) for symbol, value in data["prices"].items()}

    assert len(sdk.get_all_prices()) == 600 and len(raw_prices()) == 600
    print("SDK vs raw httpx over the same MockTransport (median of rounds)")
    ok = compare("get_price", lambda: sdk.get_price("BTCUSDT"), raw_price, 2000, 9, 1.5)
    ok &= compare("get_all_prices", sdk.get_all_prices, raw_prices, 200, 9, 2.0)
    sdk.close()
    raw.close()
    ok &= compare_builders()
    print("  all goals met" if ok else "  some goals missed")
    return 0  # a measurement, not a gate: a missed goal is reported above


if __name__ == "__main__":
    sys.exit(main())
