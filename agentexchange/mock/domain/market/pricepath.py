"""Domain layer: Seeded multi-scale price paths: the one source of every price, candle and trade.

docs/decisions.md "Mock exchange": seeded, deterministic price paths, and history derived
from the same seed, so any date range can be replayed. A symbol's path is a pure function
of (seed, symbol, time):

* **Days.** The log price at each 00:00 UTC is a sum of piecewise-linear components whose
  knots (every 1, 3, 9, ... 729 days) are bounded seeded noise. Each component is
  bounded, so the path mean-reverts in log space and stays plausible over years; the
  exponential uses ``Decimal.exp`` (correctly rounded, hence identical on every
  platform). A day's high/low wicks, volume and trade count are seeded too.
* **Top-down refinement.** A node (o, h, l, c, volume, trades) of one level is split
  into its children (1d -> 6 x 4h -> 4 x 1h -> 4 x 15m -> 3 x 5m -> 5 x 1m -> 60 x 1s)
  by a seeded Brownian bridge through anchors: the parent's open and close at the ends
  and its high and low at interior child boundaries. Children inherit exact sums of
  volume and trades. The 1 s boundaries are the price path itself.

What holds exactly, by construction, at every level: open of a node == close of the
previous node; a node's open/close are its first child's open and last child's close;
its high/low are the max/min of its children's; its volume and trade count are the sums
of its children's; high >= max(open, close) and low <= min(open, close). So a 1h candle
equals the aggregate of its 1m candles, and the price at any second is the close of the
1 s node ending there. Intraday returns come out somewhat (~1.5x) more volatile than
daily ones, because every day's path must visit its seeded high and low. Costs: one node of any level needs its ancestors' splits only,
so 1000 daily candles cost about what 1000 one-minute candles do. All integers: prices
in ticks of the pair, volumes in its quantity steps.
"""

from __future__ import annotations

from collections import OrderedDict
from decimal import ROUND_HALF_EVEN, Context, Decimal
from itertools import pairwise
from math import isqrt
from typing import Generic, TypeVar

from .pairs import PairSpec
from .rng import UNIT, Stream, stream

# Level 0 is a day; each level's nodes split into FANOUT[level] children of the next.
DURATIONS: tuple[int, ...] = (86_400, 14_400, 3_600, 900, 300, 60, 1)
FANOUT: tuple[int, ...] = (6, 4, 4, 3, 5, 60)
LEAF = len(DURATIONS) - 1
DAY = DURATIONS[0]

# (knot spacing in days, knot sd in ppm of log price; 0 = scale with the pair's daily
# sigma via _SIGMA_SCALE). Short scales follow the pair's volatility; long ones are
# fixed, so even wild pairs only wander within about x/÷ 3 over years.
_COMPONENTS: tuple[tuple[int, int], ...] = (
    (1, 0),
    (3, 0),
    (9, 0),
    (27, 0),
    (81, 80_000),
    (243, 140_000),
    (729, 200_000),
)
# Multiples (in 1/100) of the daily sigma for the pair-scaled components: a spacing-1
# component of sd A gives daily returns of sd A * sqrt(2); the rest add drift.
_SIGMA_SCALE: tuple[int, ...] = (60, 45, 60, 80)

_EXP = Context(prec=34, rounding=ROUND_HALF_EVEN)
# The day (2026-11-01) on which every pair opens at its listed starting price, so the
# majors trade near today's levels whatever the seed; the path itself is unbounded in time.
ANCHOR_DAY = 20_758

Node = tuple[int, int, int, int, int, int]  # open, high, low, close, volume, trades
V = TypeVar("V")


class _LRU(Generic[V]):
    """A bounded cache; the paths are pure, so eviction only costs recomputation."""

    __slots__ = ("_data", "_max")

    def __init__(self, maxsize: int) -> None:
        self._data: OrderedDict[tuple[int, ...], V] = OrderedDict()
        self._max = maxsize

    def get(self, key: tuple[int, ...]) -> V | None:
        value = self._data.get(key)
        if value is not None:
            self._data.move_to_end(key)
        return value

    def put(self, key: tuple[int, ...], value: V) -> None:
        self._data[key] = value
        if len(self._data) > self._max:
            self._data.popitem(last=False)


class PathCaches:
    """Bounded caches shared by all paths of a market, so memory is capped per market
    (not per pair) whatever the uptime: 60-second splits are the bulky entries."""

    __slots__ = ("boundaries", "days", "leaf_splits", "splits")

    def __init__(self, scale: int = 1) -> None:
        self.boundaries: _LRU[int] = _LRU(20_000 * scale)
        self.days: _LRU[Node] = _LRU(20_000 * scale)
        self.splits: _LRU[tuple[Node, ...]] = _LRU(20_000 * scale)
        # > 600 entries: every pair's current minute stays hot between ticks.
        self.leaf_splits: _LRU[tuple[Node, ...]] = _LRU(2_000 * scale)


class WorkCounter:
    """Counts node generations (day nodes and child splits): the measure of a request's cost."""

    __slots__ = ("boundaries", "splits")

    def __init__(self) -> None:
        self.boundaries = 0
        self.splits = 0

    @property
    def total(self) -> int:
        return self.boundaries + self.splits


class PricePath:
    """The path of one symbol under one seed. Times are integer Unix seconds."""

    def __init__(
        self,
        spec: PairSpec,
        seed: int,
        work: WorkCounter | None = None,
        caches: PathCaches | None = None,
        cache_id: int = 0,
    ) -> None:
        self.spec = spec
        self.seed = seed
        self.work = work or WorkCounter()
        self._key = spec.symbol
        self._id = cache_id  # distinguishes this path's entries in shared caches
        self._start = Decimal(spec.start_ticks)
        self._amps = tuple(
            amp if amp else spec.sigma_ppm * _SIGMA_SCALE[i] // 100
            for i, (_, amp) in enumerate(_COMPONENTS)
        )
        self._knots: dict[tuple[int, int], int] = {}
        caches = caches or PathCaches()
        self._boundaries = caches.boundaries
        self._days = caches.days
        self._splits = caches.splits
        self._leaf_splits = caches.leaf_splits
        self._anchor = 0
        self._anchor = self.log_offset_ppm(ANCHOR_DAY)

    # ------------------------------------------------------------------ days
    def _knot(self, component: int, index: int) -> int:
        key = (component, index)
        value = self._knots.get(key)
        if value is None:
            rng = stream(self.seed, self._key, "knot", _COMPONENTS[component][0], index)
            value = rng.normal() * self._amps[component] // UNIT
            if len(self._knots) > 8_192:
                self._knots.clear()
            self._knots[key] = value
        return value

    def log_offset_ppm(self, day: int) -> int:
        """Log price at 00:00 UTC of ``day`` (days since 1970) relative to the start, in ppm."""
        total = -self._anchor
        for component, (spacing, _) in enumerate(_COMPONENTS):
            index, rest = divmod(day, spacing)
            a = self._knot(component, index)
            if rest == 0:
                total += a
            else:
                b = self._knot(component, index + 1)
                total += (a * (spacing - rest) + b * rest) // spacing
        return total

    def boundary(self, day: int) -> int:
        """Price in ticks at 00:00 UTC of ``day``."""
        cached = self._boundaries.get((self._id, day))
        if cached is not None:
            return cached
        self.work.boundaries += 1
        factor = _EXP.exp(Decimal(self.log_offset_ppm(day)).scaleb(-6))
        ticks = max(1, int(_EXP.multiply(self._start, factor).to_integral_value(ROUND_HALF_EVEN)))
        self._boundaries.put((self._id, day), ticks)
        return ticks

    def day(self, day: int) -> Node:
        cached = self._days.get((self._id, day))
        if cached is not None:
            return cached
        spec = self.spec
        o, c = self.boundary(day), self.boundary(day + 1)
        rng = stream(self.seed, self._key, "day", day)
        top, bottom = max(o, c), min(o, c)
        # Wicks of about half a daily sigma beyond the body, as in real daily candles.
        h = top + top * spec.sigma_ppm * abs(rng.normal()) // (2_000_000 * UNIT)
        low_wick = bottom * spec.sigma_ppm * abs(rng.normal()) // (2_000_000 * UNIT)
        l = max(1, bottom - low_wick)  # noqa: E741 - o/h/l/c is the domain's naming
        # Volume: +-30 % noise, busier on days that move more than usual.
        move_ppm = (h - l) * 1_000_000 // max(1, c)
        activity = 1_000_000 + max(-600_000, rng.normal() * 300_000 // UNIT)
        activity = activity * (2 * spec.sigma_ppm + move_ppm) // (3 * spec.sigma_ppm)
        volume = (
            spec.quote_volume * activity * 10 ** (spec.price_dp + spec.qty_dp) // (1_000_000 * c)
        )
        trades = spec.trades_per_day * activity // 1_000_000
        node: Node = (o, h, l, c, max(1, volume), max(1, trades))
        self.work.boundaries += 1
        self._days.put((self._id, day), node)
        return node

    # ---------------------------------------------------------------- levels
    def node(self, level: int, index: int) -> Node:
        """The node ``index`` (start = index * DURATIONS[level]) of ``level``."""
        if level == 0:
            return self.day(index)
        parent, position = divmod(index, FANOUT[level - 1])
        return self.children(level - 1, parent)[position]

    def children(self, level: int, index: int) -> tuple[Node, ...]:
        """The children (of level + 1) of node ``index`` of ``level``."""
        cache = self._leaf_splits if level == LEAF - 1 else self._splits
        key = (self._id, level, index)
        cached = cache.get(key)
        if cached is not None:
            return cached
        parent = self.node(level, index)
        self.work.splits += 1
        rng = stream(self.seed, self._key, "split", level, index)
        kids = split(parent, FANOUT[level], rng, leaf=level + 1 == LEAF)
        cache.put(key, kids)
        return kids

    def price_at(self, second: int) -> int:
        """Price in ticks at Unix second ``second`` (the open of its 1 s node)."""
        return self.node(LEAF, second)[0]

    def aggregate(self, start: int, end: int) -> Node:
        """OHLC over [start, end] and volume/trades over [start, end) (integer seconds)."""
        if end <= start:
            price = self.price_at(start)
            return (price, price, price, price, 0, 0)
        parts: list[Node] = []
        for day in range(start // DAY, (end - 1) // DAY + 1):
            self._collect(0, day, start, end, parts)
        return merge(parts)

    def _collect(self, level: int, index: int, start: int, end: int, out: list[Node]) -> None:
        size = DURATIONS[level]
        first = index * size
        if start <= first and first + size <= end:
            out.append(self.node(level, index))
            return
        # Partly covered (never at the leaf level, whose nodes are one second long).
        child = DURATIONS[level + 1]
        fan = FANOUT[level]
        lo = max(0, (start - first) // child)
        hi = min(fan - 1, (end - 1 - first) // child)
        for position in range(lo, hi + 1):
            self._collect(level + 1, index * fan + position, start, end, out)


def merge(parts: list[Node]) -> Node:
    """Consecutive nodes -> one node covering them all."""
    return (
        parts[0][0],
        max(p[1] for p in parts),
        min(p[2] for p in parts),
        parts[-1][3],
        sum(p[4] for p in parts),
        sum(p[5] for p in parts),
    )


def _fold(value: int, low: int, high: int) -> int:
    """Reflect ``value`` into [low, high] (keeps the noise's texture, unlike clamping)."""
    span = high - low
    if span <= 0:
        return low
    x = (value - low) % (2 * span)
    return low + (2 * span - x if x > span else x)


def _bridge(b: list[int], i0: int, i1: int, low: int, high: int, sd: int, rng: Stream) -> None:
    """Fill b[i0+1 .. i1-1] with a Brownian bridge from b[i0] to b[i1] inside [low, high]."""
    m = i1 - i0
    if m < 2:
        return
    walk = [0]
    for step in rng.normals(m):
        walk.append(walk[-1] + step * sd // UNIT)
    v0, v1, drift = b[i0], b[i1], walk[m]
    for j in range(1, m):
        value = v0 + (v1 - v0) * j // m + walk[j] - drift * j // m
        b[i0 + j] = value if low <= value <= high else _fold(value, low, high)


def _extreme_positions(
    o: int,
    h: int,
    l: int,  # noqa: E741 - o/h/l/c is the domain's naming
    c: int,
    n: int,
    rng: Stream,
) -> list[tuple[int, int]]:
    """Where (child boundary, value) the parent's interior high and low are reached.

    A Brownian path needs time in proportion to the square of the distance it travels,
    and on a rising interval the low tends to come first; placing the extremes that way
    (with seeded jitter) keeps the children's moves as calm as the parent's range allows.
    """
    extremes: list[int] = []
    if l < min(o, c):
        extremes.append(l)
    if h > max(o, c):
        extremes.append(h)
    if not extremes:
        return []
    # extremes is [low, high] when both exist: low first on a rising interval, mostly.
    if len(extremes) == 2 and (c >= o) == (rng.below(4) == 0):
        extremes.reverse()
    points = [o, *extremes, c]
    weights = [
        ((b - a) ** 2 + 1) * (UNIT // 2 + u)
        for a, b, u in zip(points, points[1:], rng.words(len(points) - 1), strict=False)
    ]
    total = sum(weights)
    placed: list[tuple[int, int]] = []
    cumulative = 0
    lowest = 1
    for i, value in enumerate(extremes):
        cumulative += weights[i]
        # Leave room for the extremes still to place; never on the ends (o and c).
        highest = n - len(extremes) + i
        index = min(highest, max(lowest, (2 * n * cumulative + total) // (2 * total)))
        placed.append((index, value))
        lowest = index + 1
    return placed


def split(parent: Node, n: int, rng: Stream, *, leaf: bool) -> tuple[Node, ...]:
    """Refine ``parent`` into ``n`` children whose aggregate is exactly ``parent``."""
    o, h, l, c, volume, trades = parent  # noqa: E741
    span = h - l
    # Step sd of a random walk whose n steps span about the parent's range (tuned so
    # intraday returns scale roughly like the daily ones).
    sd = span * 2000 // (5 * isqrt(n * 1_000_000)) if span else 0
    b = [o] * (n + 1)
    b[n] = c
    anchors = {0, n}
    for index, value in _extreme_positions(o, h, l, c, n, rng):
        b[index] = value
        anchors.add(index)
    for i0, i1 in pairwise(sorted(anchors)):
        _bridge(b, i0, i1, l, h, sd, rng)

    highs = [max(x, y) for x, y in pairwise(b)]
    lows = [min(x, y) for x, y in pairwise(b)]
    wick_sd = sd // 2
    if not leaf and wick_sd:
        # Wicks inside the parent's range; a child touching the parent's extreme at one
        # of its ends gets none on that side (it is already there).
        noise = rng.normals(2 * n)
        highs = [
            min(h, x + abs(e) * wick_sd // UNIT) for x, e in zip(highs, noise[:n], strict=True)
        ]
        lows = [max(l, x - abs(e) * wick_sd // UNIT) for x, e in zip(lows, noise[n:], strict=True)]
    # Busier children move more; weights are positive so every child may trade.
    weights = [
        (UNIT // 2 + u) * (hi - lo + wick_sd + 1)
        for u, hi, lo in zip(rng.words(n), highs, lows, strict=True)
    ]
    total = sum(weights)
    volumes = [volume * w // total for w in weights]
    counts = [trades * w // total for w in weights]
    # Floor division leaves a remainder; give it to one seeded child so sums are exact.
    lucky = rng.below(n)
    volumes[lucky] += volume - sum(volumes)
    counts[lucky] += trades - sum(counts)
    return tuple((b[i], highs[i], lows[i], b[i + 1], volumes[i], counts[i]) for i in range(n))
