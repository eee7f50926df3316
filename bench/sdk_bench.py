"""`make bench` (SDK part): what the generated client costs on top of raw httpx.

Both sides talk to the same ``httpx.MockTransport`` (no network, so only client-side
work is measured): the SDK's ``get_price`` / ``get_all_prices`` (600 symbols) against
a raw ``httpx.Client`` doing the same request plus ``json.loads`` (and ``Decimal`` of
each of the 600 prices). Rounds alternate SDK and raw; the median cost per call of
each is printed with the ratio. Goals: get_price <= 1.5, get_all_prices <= 2.0.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import httpx

from agentexchange import AgentExchangeClient

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
    print("  all goals met" if ok else "  some goals missed")
    return 0  # a measurement, not a gate: a missed goal is reported above


if __name__ == "__main__":
    sys.exit(main())
