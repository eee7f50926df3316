"""Domain layer: One pair's candles at one interval as raw path nodes, for replay loops.

docs/architecture.md "Domain core": backtest sessions step through the same seeded
history live trading sees (``pricepath``). A session reads thousands of candles per
call, so it reads them here as the path's integer nodes (open, high, low, close in ticks
of the pair; volume in its quantity steps; trades) without building ``Candle`` objects,
and converts to ``Decimal`` only the few values it answers with. Candle ``index`` of an
interval opens at ``index * size`` Unix seconds; its close is the price at its end.
"""

from __future__ import annotations

import math
import threading
from decimal import Decimal

from .candles import INTERVAL_LEVELS, INTERVAL_SECONDS
from .pricepath import Node, PricePath


class Series:
    """The candles of ``path`` at ``interval``; thread-safe through the market's lock."""

    __slots__ = ("_level", "_lock", "_path", "_scale", "size", "symbol")

    def __init__(self, path: PricePath, interval: str, lock: threading.RLock) -> None:
        self.symbol = path.spec.symbol
        self.size = INTERVAL_SECONDS[interval]
        self._level = INTERVAL_LEVELS[interval]
        self._path = path
        self._lock = lock
        self._scale = path.spec.price_dp

    def node(self, index: int) -> Node:
        """Candle ``index`` (closed: the caller never asks for one that ends after its clock)."""
        with self._lock:
            return self._path.node(self._level, index)

    def nodes(self, first: int, count: int) -> list[Node]:
        """Candles ``first`` .. ``first + count - 1``, under one lock."""
        node, level = self._path.node, self._level
        with self._lock:
            return [node(level, i) for i in range(first, first + count)]

    def price(self, ticks: int) -> Decimal:
        return self._path.spec.price(ticks)

    def quantity(self, units: int) -> Decimal:
        return self._path.spec.quantity(units)

    def ticks_at_most(self, price: Decimal) -> int:
        """The largest tick count whose price is <= ``price`` (compare a low with it)."""
        return math.floor(price.scaleb(self._scale))

    def ticks_at_least(self, price: Decimal) -> int:
        """The smallest tick count whose price is >= ``price`` (compare a high with it)."""
        return math.ceil(price.scaleb(self._scale))
