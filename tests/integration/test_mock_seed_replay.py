"""Market history is a pure function of the seed: servers replay any range identically.

Issue 4 acceptance: two servers started with seed 7 return identical candles for the
same range, seed 8 returns different ones, and the history is not flat.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx

from agentexchange.mock.testing import MockServer

RANGE = {
    "interval": "1h",
    "start_time": "2026-03-01T00:00:00Z",
    "end_time": "2026-03-03T00:00:00Z",
    "limit": "48",
}


def candles(seed: int, symbol: str = "BTCUSDT") -> list[dict[str, Any]]:
    with MockServer(seed=seed, pairs=600) as mock:
        response = httpx.get(
            f"{mock.base_url}/api/v1/market/candles/{symbol}", params=RANGE, timeout=30
        )
        assert response.status_code == 200, response.text
        body = response.json()
    items = body["candles"] if isinstance(body, dict) else body
    assert isinstance(items, list)
    return items


def test_same_seed_same_history_other_seed_other_history() -> None:
    first, second, other = candles(7), candles(7), candles(8)
    assert len(first) == 48
    assert first == second
    assert [c["close"] for c in first] != [c["close"] for c in other]


def test_history_moves_and_keeps_ohlc_invariants() -> None:
    items = candles(7, "ETHUSDT")
    closes = {Decimal(c["close"]) for c in items}
    assert len(closes) > 40  # not flat
    for c in items:
        o, h, low, close = (Decimal(c[k]) for k in ("open", "high", "low", "close"))
        assert h >= max(o, close) >= min(o, close) >= low > 0
