"""Domain layer: Candles of the simulated market: intervals, the candle record and range selection.

docs/decisions.md "Mock exchange": candles (1m 5m 15m 1h 4h 1d) for any past range,
derived from the same seed, so any range replays identically. Each interval is one level
of ``pricepath``'s hierarchy, so a closed candle is a single node lookup and the
still-open candle is the aggregate of the path from its open up to now (its close is the
current price). Nothing after ``now`` is ever returned.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from .pairs import PairSpec
from .pricepath import DURATIONS, Node, PricePath

# interval -> level of the price path hierarchy
INTERVAL_LEVELS: dict[str, int] = {"1d": 0, "4h": 1, "1h": 2, "15m": 3, "5m": 4, "1m": 5}
INTERVAL_SECONDS: dict[str, int] = {name: DURATIONS[lvl] for name, lvl in INTERVAL_LEVELS.items()}


@dataclass(frozen=True, slots=True)
class Candle:
    open_time: datetime
    close_time: datetime  # open_time + interval (exclusive end)
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: Decimal  # base asset
    trade_count: int
    closed: bool  # False for the candle still forming at ``now``


def to_datetime(second: int) -> datetime:
    return datetime.fromtimestamp(second, UTC)


def to_second(moment: datetime) -> int:
    """Whole Unix seconds (floor), for an aware datetime."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: the market needs aware (UTC) times")
    return math.floor(moment.timestamp())


def make_candle(spec: PairSpec, node: Node, start: int, size: int, closed: bool) -> Candle:
    o, h, l, c, volume, trades = node  # noqa: E741
    return Candle(
        open_time=to_datetime(start),
        close_time=to_datetime(start) + timedelta(seconds=size),
        open=spec.price(o),
        high=spec.price(h),
        low=spec.price(l),
        close=spec.price(c),
        volume=spec.quantity(volume),
        trade_count=trades,
        closed=closed,
    )


def candle_at(path: PricePath, interval: str, index: int, now: int) -> Candle:
    """Candle number ``index`` (open time = index * size) as seen at second ``now``."""
    level = INTERVAL_LEVELS[interval]
    size = DURATIONS[level]
    start = index * size
    if start + size <= now:
        return make_candle(path.spec, path.node(level, index), start, size, closed=True)
    return make_candle(path.spec, path.aggregate(start, now), start, size, closed=False)


def select(
    path: PricePath,
    interval: str,
    now: int,
    *,
    start: int | None,
    end: int | None,
    limit: int,
) -> list[Candle]:
    """Candles, oldest first, whose open time lies in [start, end] and is <= now.

    With ``start`` the page begins at the candle containing ``start`` and runs forward
    (how a client pages through history); without it, the page is the ``limit`` candles
    ending at ``end`` (default: the candle forming now).
    """
    if interval not in INTERVAL_LEVELS:
        raise ValueError(f"unknown interval {interval!r}")
    size = INTERVAL_SECONDS[interval]
    last = min(now, now if end is None else end) // size
    if limit <= 0:
        return []
    if start is None:
        first = last - limit + 1
    else:
        first = start // size
        last = min(last, first + limit - 1)
    return [candle_at(path, interval, index, now) for index in range(first, last + 1)]
