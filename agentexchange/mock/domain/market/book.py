"""Domain layer: A synthetic order book around the simulated price (the real platform's is synthetic too).

docs/decisions.md "Mock exchange": a synthetic order book around the price, depth 5/10/20.
Levels and sizes are seeded per (symbol, second), so the book is stable within a second
and replayable. Bids are strictly descending below the price, asks strictly ascending
above it; the spread is tight on majors and wider on thin pairs, and level sizes scale
with the pair's 24 h volume and grow with distance from the touch.
"""

from __future__ import annotations

from decimal import Decimal

from .pricepath import PricePath
from .rng import stream

Level = tuple[Decimal, Decimal]  # price, quantity


def order_book(path: PricePath, now: int, depth: int) -> tuple[list[Level], list[Level]]:
    spec = path.spec
    mid = path.price_at(now)
    rng = stream(path.seed, spec.symbol, "book", now)
    half_ppm = 50 if spec.major else 400  # half spread: 0.005 % or 0.04 %
    scale = 10 ** (spec.price_dp + spec.qty_dp)

    def side(direction: int) -> list[Level]:
        levels: list[Level] = []
        price = mid + direction * max(1, mid * half_ppm // 1_000_000)
        for n in range(depth):
            if direction < 0 and price < 1:
                break  # a book cannot go below one tick
            # Quote notional per level: a few millionths of daily volume, deeper = larger.
            notional_micro = spec.quote_volume * (2 + rng.below(20)) * (4 + n)
            units = max(1, notional_micro * scale // (4_000_000 * price))
            levels.append((spec.price(price), spec.quantity(units)))
            gap = max(1, mid * half_ppm * (1 + rng.below(3)) // 2_000_000)
            price += direction * gap
        return levels

    return side(-1), side(+1)
