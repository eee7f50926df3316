"""Domain layer: Public trades of the simulated market, derived from the 1 s nodes of the price path.

docs/architecture.md "Domain core": history (candles, trades) derived from the same seed.
The trades inside a second are the leaf node's trade count, walking from its open to its
close price, with quantities that split the leaf's volume (each trade at least one
quantity step). So the newest trade's price is the current price and per-minute trade
counts match the candles. Trade ids are ``second * 1000 + n``: unique, increasing, and the
same on every replay.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from .candles import to_datetime
from .pricepath import LEAF, Node, PricePath
from .rng import UNIT, stream

MAX_PER_SECOND = 999  # keeps ``second * 1000 + n`` unique
SCAN_MINUTES = 1440  # how far back recent_trades looks for thin pairs


@dataclass(frozen=True, slots=True)
class PublicTrade:
    trade_id: int
    price: Decimal
    quantity: Decimal
    time: datetime
    is_buyer_maker: bool


def trades_in_second(path: PricePath, second: int, leaf: Node | None = None) -> list[PublicTrade]:
    """The trades of Unix second ``second``, oldest first."""
    o, _, _, c, volume, count = leaf if leaf is not None else path.node(LEAF, second)
    count = min(count, MAX_PER_SECOND)
    if count <= 0:
        return []
    spec = path.spec
    rng = stream(path.seed, spec.symbol, "trades", second)
    # Squared uniforms: many small trades, a few large ones, as on a real tape.
    weights = [1 + (rng.below(UNIT) ** 2 >> 16) for _ in range(count)]
    total = sum(weights)
    start = to_datetime(second)
    trades: list[PublicTrade] = []
    previous = o
    for n, weight in enumerate(weights):
        price = o + (c - o) * (n + 1) // count
        units = max(1, volume * weight // total)
        # A falling print was hit by a seller, i.e. the buyer was the resting maker.
        maker = price < previous or (price == previous and rng.below(2) == 1)
        trades.append(
            PublicTrade(
                trade_id=second * 1000 + n,
                price=spec.price(price),
                quantity=spec.quantity(units),
                time=start + timedelta(microseconds=n * 1_000_000 // count),
                is_buyer_maker=maker,
            )
        )
        previous = price
    return trades


def recent_trades(path: PricePath, now: int, limit: int) -> list[PublicTrade]:
    """Up to ``limit`` trades before second ``now``, newest first."""
    out: list[PublicTrade] = []
    last_second = now - 1
    minute = last_second // 60
    for m in range(minute, minute - SCAN_MINUTES, -1):
        if path.node(LEAF - 1, m)[5] == 0:
            continue  # no trades in this minute: skip its 60 seconds unseen
        seconds = path.children(LEAF - 1, m)
        top = min(59, last_second - m * 60)
        for j in range(top, -1, -1):
            leaf = seconds[j]
            if leaf[5]:
                out.extend(reversed(trades_in_second(path, m * 60 + j, leaf)))
                if len(out) >= limit:
                    return out[:limit]
    return out
