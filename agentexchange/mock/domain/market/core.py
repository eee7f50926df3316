"""Domain layer: ``Market``: the simulated market the mock exchange's domain core trades against.

docs/architecture.md "Domain core": a simulated market of 600+ USDT pairs with seeded,
deterministic price paths, history (candles, trades) derived from the same seed so any
date range can be replayed, and a clock the tests can drive. This facade ties the pair
universe (``pairs``), the per-symbol paths (``pricepath``) and the views over them
(``candles``, ``trades``, ``book``) to the exchange's ``SimClock``, and publishes ticks
and closed candles on the ``EventBus``. Backtest sessions read the same history as of
their own clock (``ticker_at``, ``candles_until``, ``series``). It knows nothing of
HTTP; values are ``Decimal``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from ..clock import SimClock
from ..errors import DomainError
from ..events import EventBus
from . import book as _book
from . import candles as _candles
from . import trades as _trades
from .candles import INTERVAL_LEVELS, INTERVAL_SECONDS, Candle, to_datetime, to_second
from .pairs import MIN_NOTIONAL, QUOTE, PairSpec, build_universe
from .pricepath import DAY, PathCaches, PricePath, WorkCounter
from .series import Series
from .trades import PublicTrade

INTERVALS: tuple[str, ...] = tuple(INTERVAL_LEVELS)
ORDERBOOK_DEPTHS: tuple[int, ...] = (5, 10, 20)
TICKERS_LIMIT = 100  # tickers per batch, as on the platform
_PCT_QUANTUM = Decimal("0.000001")


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class PairInfo:
    symbol: str
    base_asset: str
    quote_asset: str
    status: str
    min_qty: Decimal
    step_size: Decimal
    tick_size: Decimal
    min_notional: Decimal
    has_price: bool


@dataclass(frozen=True, slots=True)
class Ticker:
    symbol: str
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: Decimal  # base asset, last 24 h
    quote_volume: Decimal  # USDT, last 24 h (volume x typical price: an estimate)
    change: Decimal
    change_pct: Decimal
    trade_count: int
    timestamp: datetime


@dataclass(frozen=True, slots=True)
class DataRange:
    earliest: datetime  # open time of the oldest candle served
    latest: datetime  # open time of the newest 1-minute candle (still forming)
    total_pairs: int
    intervals: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class OrderBook:
    symbol: str
    bids: list[tuple[Decimal, Decimal]]  # best (highest) first
    asks: list[tuple[Decimal, Decimal]]  # best (lowest) first
    timestamp: datetime


class Market:
    """Prices, candles, trades, tickers and books of ``pairs`` USDT pairs under ``seed``."""

    def __init__(self, clock: SimClock, *, seed: int, pairs: int = 600) -> None:
        self.clock = clock
        self.seed = seed
        self.work = WorkCounter()  # node generations, for cost tests and benchmarks
        self._specs = build_universe(pairs)
        caches = PathCaches()
        self._paths = {
            spec.symbol: PricePath(spec, seed, self.work, caches, number)
            for number, spec in enumerate(self._specs)
        }
        self.symbols: tuple[str, ...] = tuple(spec.symbol for spec in self._specs)
        self._pair_infos = {spec.symbol: _pair_info(spec) for spec in self._specs}
        # The paths' caches are not thread-safe; the server calls in from several threads.
        self._lock = threading.RLock()
        self._prices_at: int | None = None
        self._prices: dict[str, Decimal] = {}
        self._tickers: dict[str, tuple[int, Ticker]] = {}
        self._price_cache: dict[str, tuple[int, Decimal]] = {}
        # The first tick publishes what happened since construction.
        self._last_tick: int | None = to_second(clock.now())

    # ---------------------------------------------------------------- pairs
    def has(self, symbol: str) -> bool:
        return symbol in self._paths

    def require(self, symbol: str) -> str:
        if symbol not in self._paths:
            raise DomainError(
                "INVALID_SYMBOL", f"Unknown trading pair '{symbol}'.", 400, {"symbol": symbol}
            )
        return symbol

    def pair_info(self, symbol: str) -> PairInfo:
        return self._pair_infos[self.require(symbol)]

    def pairs(self, status: str | None = None) -> list[PairInfo]:
        """All pairs, optionally only those with ``status`` (every simulated pair is active)."""
        return [info for info in self._pair_infos.values() if status in (None, info.status)]

    def spec(self, symbol: str) -> PairSpec:
        return self._paths[self.require(symbol)].spec

    # --------------------------------------------------------------- prices
    def _now(self) -> int:
        return to_second(self.clock.now())

    def price(self, symbol: str) -> Decimal:
        path = self._paths[self.require(symbol)]
        now = self._now()
        # The hot read (every order, every price request): cached per clock second.
        cached = self._price_cache.get(symbol)
        if cached is not None and cached[0] == now:
            return cached[1]
        with self._lock:
            price = (
                self._prices[symbol]
                if self._prices_at == now
                else path.spec.price(path.price_at(now))
            )
        self._price_cache[symbol] = (now, price)
        return price

    def price_at(self, symbol: str, moment: datetime) -> Decimal:
        path = self._paths[self.require(symbol)]
        with self._lock:
            return path.spec.price(path.price_at(to_second(moment)))

    def prices(self, symbols: Iterable[str] | None = None) -> dict[str, Decimal]:
        """Current prices (all pairs by default); computed once per clock second."""
        now = self._now()
        with self._lock:
            if self._prices_at != now:
                self._prices = {
                    symbol: path.spec.price(path.price_at(now))
                    for symbol, path in self._paths.items()
                }
                self._prices_at = now
            current = self._prices
        if symbols is None:
            return dict(current)
        return {symbol: current[self.require(symbol)] for symbol in symbols}

    # -------------------------------------------------------------- candles
    def candles(
        self,
        symbol: str,
        interval: str = "1h",
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        limit: int = 100,
    ) -> list[Candle]:
        """Candles oldest first; see ``candles.select`` for how the range is chosen."""
        path = self._paths[self.require(symbol)]
        if interval not in INTERVAL_LEVELS:
            raise DomainError(
                "VALIDATION_ERROR",
                f"interval: {interval!r} is not one of {list(INTERVALS)}",
                422,
                {"field": "interval"},
            )
        # History begins at the Unix epoch (as backtests assume): earlier ranges are empty.
        first = None if start is None else max(0, to_second(start))
        last = None if end is None else to_second(end)
        if last is not None and last < 0:
            return []
        with self._lock:
            found = _candles.select(path, interval, self._now(), start=first, end=last, limit=limit)
        return [c for c in found if c.open_time >= _EPOCH]

    def candles_until(
        self, symbol: str, interval: str, moment: datetime, limit: int = 100
    ) -> list[Candle]:
        """The ``limit`` candles, oldest first, that ended by ``moment`` (the one still
        forming at ``moment`` included, aggregated up to it) — the history as it stood
        then, never a candle opening at or after ``moment``."""
        path = self._paths[self.require(symbol)]
        if interval not in INTERVAL_LEVELS:
            raise DomainError(
                "VALIDATION_ERROR",
                f"interval: {interval!r} is not one of {list(INTERVALS)}",
                422,
                {"field": "interval"},
            )
        now = to_second(moment)
        size = INTERVAL_SECONDS[interval]
        last = (now - 1) // size  # the candle holding the second before ``moment``
        first = max(0, last - limit + 1)
        with self._lock:
            return [
                _candles.candle_at(path, interval, index, now) for index in range(first, last + 1)
            ]

    def series(self, symbol: str, interval: str) -> Series:
        """``symbol``'s candles at ``interval`` as raw nodes, for replay loops."""
        return Series(self._paths[self.require(symbol)], interval, self._lock)

    def data_range(self) -> DataRange:
        """The history ``candles`` serves: from the Unix epoch to the forming 1-minute candle."""
        now = self._now()
        minute = INTERVAL_SECONDS["1m"]
        return DataRange(
            earliest=_EPOCH,
            latest=to_datetime(now - now % minute),
            total_pairs=len(self.symbols),
            intervals=tuple(sorted(INTERVALS, key=INTERVAL_SECONDS.__getitem__)),  # finest first
        )

    # --------------------------------------------------------------- ticker
    def ticker(self, symbol: str) -> Ticker:
        """Rolling 24 h statistics over exactly the path the candles are made of."""
        path = self._paths[self.require(symbol)]
        now = self._now()
        with self._lock:
            cached = self._tickers.get(symbol)
            if cached is not None and cached[0] == now:
                return cached[1]
        ticker = self._ticker(path, now)
        with self._lock:
            self._tickers[symbol] = (now, ticker)
        return ticker

    def ticker_at(self, symbol: str, moment: datetime) -> Ticker:
        """The ticker as it read at ``moment`` (a backtest session's clock)."""
        return self._ticker(self._paths[self.require(symbol)], to_second(moment))

    def _ticker(self, path: PricePath, now: int) -> Ticker:
        with self._lock:
            o, h, l, c, volume, trades = path.aggregate(max(0, now - DAY), now)  # noqa: E741
        spec = path.spec
        open_, close = spec.price(o), spec.price(c)
        base_volume = spec.quantity(volume)
        typical = (spec.price(h) + spec.price(l) + close) / 3
        change = close - open_
        return Ticker(
            symbol=spec.symbol,
            open=open_,
            high=spec.price(h),
            low=spec.price(l),
            close=close,
            volume=base_volume,
            quote_volume=(base_volume * typical).quantize(Decimal("0.01")),
            change=change,
            change_pct=(change * 100 / open_).quantize(_PCT_QUANTUM),
            trade_count=trades,
            timestamp=to_datetime(now),
        )

    def tickers(self, symbols: Iterable[str] | None = None) -> list[Ticker]:
        """Tickers of the first ``TICKERS_LIMIT`` distinct ``symbols`` (the first pairs by
        default), in that order; symbols that name no pair are left out, as on the platform."""
        wanted = self.symbols if symbols is None else tuple(dict.fromkeys(symbols))
        return [self.ticker(s) for s in wanted[:TICKERS_LIMIT] if self.has(s)]

    def volume_24h(self, symbol: str) -> Decimal:
        """24 h quote (USDT) volume; the order engine's slippage model reads it."""
        return self.ticker(symbol).quote_volume

    # ---------------------------------------------------------- trades, book
    def recent_trades(self, symbol: str, limit: int = 100) -> list[PublicTrade]:
        """The latest ``limit`` public trades, newest first."""
        path = self._paths[self.require(symbol)]
        with self._lock:
            return _trades.recent_trades(path, self._now(), limit)

    def orderbook(self, symbol: str, depth: int = 10) -> OrderBook:
        path = self._paths[self.require(symbol)]
        if depth not in ORDERBOOK_DEPTHS:
            raise DomainError(
                "VALIDATION_ERROR",
                f"depth: {depth} is not one of {list(ORDERBOOK_DEPTHS)}",
                422,
                {"field": "depth"},
            )
        now = self._now()
        with self._lock:
            bids, asks = _book.order_book(path, now, depth)
        return OrderBook(symbol=symbol, bids=bids, asks=asks, timestamp=to_datetime(now))

    # ----------------------------------------------------------------- ticks
    def on_tick(self, events: EventBus) -> None:
        """Publish ticks ("ticker") and candles closed since the last tick ("candle").

        Only topics with listeners cost anything: with no WebSocket clients a tick is a
        couple of dict lookups. A tick that jumps over several candles of an interval
        publishes only the newest closed one (subscribers want the latest bar, not a
        replay; history is a ``candles()`` call away).
        """
        now = self._now()
        previous = self._last_tick
        self._last_tick = now
        if previous is None or now <= previous:
            return
        if events.has_listeners("ticker"):
            self._publish_ticks(events, now)
        if events.has_listeners("candle"):
            self._publish_candles(events, previous, now)

    def _publish_ticks(self, events: EventBus, now: int) -> None:
        timestamp = to_datetime(now)
        for symbol, price in self.prices().items():
            payload: dict[str, Any] = {"symbol": symbol, "price": price, "timestamp": timestamp}
            with self._lock:
                last = _trades.trades_in_second(self._paths[symbol], now - 1)
            if last:
                payload["quantity"] = last[-1].quantity
                payload["is_buyer_maker"] = last[-1].is_buyer_maker
                payload["trade_id"] = last[-1].trade_id
            events.publish("ticker", payload)

    def _publish_candles(self, events: EventBus, previous: int, now: int) -> None:
        for interval, size in INTERVAL_SECONDS.items():
            closed_index = now // size - 1  # the newest candle that has closed by now
            if previous // size > closed_index:
                continue  # no boundary crossed since the last tick
            for symbol, path in self._paths.items():
                with self._lock:
                    candle = _candles.candle_at(path, interval, closed_index, now)
                events.publish(
                    "candle",
                    {
                        "symbol": symbol,
                        "interval": interval,
                        "open": candle.open,
                        "high": candle.high,
                        "low": candle.low,
                        "close": candle.close,
                        "volume": candle.volume,
                        "open_time": candle.open_time,
                        "close_time": candle.close_time,
                        "trade_count": candle.trade_count,
                    },
                )


def _pair_info(spec: PairSpec) -> PairInfo:
    return PairInfo(
        symbol=spec.symbol,
        base_asset=spec.base,
        quote_asset=QUOTE,
        status="active",
        min_qty=spec.step_size,
        step_size=spec.step_size,
        tick_size=spec.tick_size,
        min_notional=MIN_NOTIONAL,
        has_price=True,
    )
