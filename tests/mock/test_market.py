"""The simulated market (issue 4): seeded, replayable, plausible and cheap.

Prices, candles and trades are a pure function of (seed, symbol, time): equal seeds
agree whenever each market was started, other seeds differ; the candles obey the OHLC
invariants and aggregate exactly across intervals; a 1000-day request costs about as
much as a 1000-minute one.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from itertools import pairwise

import pytest

from agentexchange.mock.domain.clock import SimClock
from agentexchange.mock.domain.errors import DomainError
from agentexchange.mock.domain.events import EventBus
from agentexchange.mock.domain.market import INTERVAL_SECONDS, Candle, Market

NOW = datetime(2026, 11, 23, 10, 17, 42, tzinfo=UTC)
PAST = datetime(2025, 3, 4, 0, 0, tzinfo=UTC)


def market(seed: int = 7, now: datetime = NOW, pairs: int = 600) -> Market:
    return Market(SimClock(now), seed=seed, pairs=pairs)


def ohlcv(candles: list[Candle]) -> list[tuple[object, ...]]:
    return [(c.open_time, c.open, c.high, c.low, c.close, c.volume, c.trade_count) for c in candles]


# ------------------------------------------------------------------ universe


def test_at_least_600_usdt_pairs_with_decimal_prices() -> None:
    m = market()
    prices = m.prices()
    assert len(m.symbols) == len(set(m.symbols)) == 600
    assert set(prices) == set(m.symbols)
    assert all(symbol.endswith("USDT") for symbol in m.symbols)
    assert all(isinstance(p, Decimal) and p > 0 for p in prices.values())
    for major in ("BTCUSDT", "ETHUSDT", "SOLUSDT", "BNBUSDT", "ADAUSDT", "XRPUSDT", "DOGEUSDT"):
        assert m.has(major)


def test_majors_trade_near_realistic_levels() -> None:
    m = market()
    assert Decimal(30_000) < m.price("BTCUSDT") < Decimal(150_000)
    assert Decimal(1_500) < m.price("ETHUSDT") < Decimal(8_000)
    assert Decimal("0.05") < m.price("DOGEUSDT") < Decimal("0.5")


def test_prices_span_many_magnitudes() -> None:
    exponents = {p.adjusted() for p in market().prices().values()}
    assert min(exponents) <= -5 and max(exponents) >= 3


def test_unknown_symbol_is_invalid_symbol_400() -> None:
    m = market(pairs=20)
    assert not m.has("FOOUSDT")
    with pytest.raises(DomainError) as caught:
        m.price("FOOUSDT")
    assert (caught.value.code, caught.value.status, caught.value.details) == (
        "INVALID_SYMBOL",
        400,
        {"symbol": "FOOUSDT"},
    )
    for call in (m.ticker, m.recent_trades, m.orderbook, m.candles, m.pair_info, m.volume_24h):
        with pytest.raises(DomainError):
            call("FOOUSDT")


def test_pair_filters_follow_the_price() -> None:
    m = market(pairs=20)
    btc = m.pair_info("BTCUSDT")
    assert (btc.base_asset, btc.quote_asset, btc.status) == ("BTC", "USDT", "active")
    assert btc.step_size == btc.min_qty == Decimal("0.00001")
    assert btc.min_notional == Decimal("1.00")
    assert len(m.pairs()) == 20 and m.pairs("inactive") == []
    for info in m.pairs():
        # A step is worth little and a tick is a small fraction of the price.
        price = m.price(info.symbol)
        assert info.step_size * price < 10
        assert info.tick_size < price / 500


def test_the_pair_universe_does_not_depend_on_the_seed() -> None:
    assert market(seed=1).symbols == market(seed=2).symbols


# ------------------------------------------------------------------ determinism


def test_equal_seeds_replay_identically_whenever_started() -> None:
    early = market(seed=7, now=NOW - timedelta(days=40))
    late = market(seed=7, now=NOW)
    early.clock.advance((NOW - early.clock.now()).total_seconds())
    for interval in INTERVAL_SECONDS:
        assert ohlcv(early.candles("SOLUSDT", interval, start=PAST, limit=50)) == ohlcv(
            late.candles("SOLUSDT", interval, start=PAST, limit=50)
        )
    assert early.prices() == late.prices()
    assert early.recent_trades("BTCUSDT", 50) == late.recent_trades("BTCUSDT", 50)
    assert early.orderbook("ETHUSDT", 20) == late.orderbook("ETHUSDT", 20)


def test_a_different_seed_gives_a_different_history() -> None:
    seven = market(seed=7).candles("BTCUSDT", "1h", start=PAST, limit=24)
    eight = market(seed=8).candles("BTCUSDT", "1h", start=PAST, limit=24)
    assert [c.close for c in seven] != [c.close for c in eight]
    assert market(seed=7).price("BTCUSDT") != market(seed=8).price("BTCUSDT")


def test_price_at_a_past_time_is_the_candle_close_there() -> None:
    m = market()
    candles = m.candles("ETHUSDT", "1m", start=PAST, limit=10)
    for candle in candles:
        assert m.price_at("ETHUSDT", candle.close_time) == candle.close
        assert m.price_at("ETHUSDT", candle.open_time) == candle.open


# ------------------------------------------------------------------ candles


@pytest.mark.parametrize("interval", list(INTERVAL_SECONDS))
def test_candles_keep_ohlc_invariants_and_are_continuous(interval: str) -> None:
    m = market()
    for symbol in ("BTCUSDT", "PEPEUSDT", m.symbols[-1]):
        candles = m.candles(symbol, interval, limit=300)
        assert len(candles) == 300
        step = timedelta(seconds=INTERVAL_SECONDS[interval])
        for prev, nxt in pairwise(candles):
            assert nxt.open_time - prev.open_time == step
            assert nxt.open == prev.close, "open of candle n+1 == close of candle n"
        for c in candles:
            assert c.high >= max(c.open, c.close) and c.low <= min(c.open, c.close)
            assert c.low > 0 and c.volume >= 0 and c.trade_count >= 0
            assert c.close_time == c.open_time + step


@pytest.mark.parametrize("interval", ["1m", "1h", "1d"])
def test_candles_are_not_flat(interval: str) -> None:
    candles = market().candles("ETHUSDT", interval, limit=60)
    closes = {c.close for c in candles}
    assert len(closes) > 30
    assert sum(c.high > c.low for c in candles) > 50
    assert all(c.volume > 0 for c in candles)


def test_minute_to_minute_moves_are_visible_but_plausible() -> None:
    candles = market().candles("BTCUSDT", "1m", limit=500)
    moves = sorted(abs(b.close / a.close - 1) for a, b in pairwise(candles))
    median = moves[len(moves) // 2]
    assert Decimal("0.00002") < median < Decimal("0.005")


def test_daily_path_stays_bounded_over_years() -> None:
    m = market()
    start = m.price("BTCUSDT")
    for page in range(4):
        days = m.candles("BTCUSDT", "1d", end=NOW - timedelta(days=1000 * page), limit=1000)
        assert len(days) == 1000
        assert all(start / 8 < c.low and c.high < start * 8 for c in days)


@pytest.mark.parametrize(
    ("coarse", "fine"),
    [
        ("1d", "4h"),
        ("4h", "1h"),
        ("1h", "15m"),
        ("15m", "5m"),
        ("5m", "1m"),
        ("1d", "1h"),
        ("1h", "1m"),
    ],
)
def test_coarse_candles_are_exact_aggregates_of_finer_ones(coarse: str, fine: str) -> None:
    m = market()
    for parent in m.candles("SOLUSDT", coarse, start=PAST, limit=3):
        n = INTERVAL_SECONDS[coarse] // INTERVAL_SECONDS[fine]
        kids = m.candles("SOLUSDT", fine, start=parent.open_time, limit=n)
        assert len(kids) == n
        assert kids[0].open == parent.open and kids[-1].close == parent.close
        assert max(k.high for k in kids) == parent.high
        assert min(k.low for k in kids) == parent.low
        assert sum(k.volume for k in kids) == parent.volume
        assert sum(k.trade_count for k in kids) == parent.trade_count


def test_the_open_candle_ends_at_the_current_price_and_grows() -> None:
    m = market()
    for interval in INTERVAL_SECONDS:
        current = m.candles("BTCUSDT", interval, limit=2)[-1]
        assert not current.closed and current.close == m.price("BTCUSDT")
        assert current.open_time <= NOW < current.close_time
    before = m.candles("BTCUSDT", "1d", limit=1)[-1]
    m.clock.advance(3600)
    after = m.candles("BTCUSDT", "1d", limit=1)[-1]
    assert after.open_time == before.open_time and after.volume > before.volume
    assert after.high >= before.high and after.low <= before.low


def test_no_candle_comes_from_the_future() -> None:
    m = market()
    candles = m.candles(
        "BTCUSDT", "1h", start=NOW - timedelta(hours=3), end=NOW + timedelta(days=5)
    )
    assert len(candles) == 4 and candles[-1].open_time <= NOW


def test_a_range_selects_candles_by_open_time() -> None:
    m = market()
    end = datetime(2026, 11, 20, 12, tzinfo=UTC)
    candles = m.candles("SOLUSDT", "15m", start=end - timedelta(hours=6), end=end, limit=1000)
    assert len(candles) == 25
    assert candles[0].open_time == end - timedelta(hours=6) and candles[-1].open_time == end
    last_ten = m.candles("SOLUSDT", "15m", end=end, limit=10)
    assert ohlcv(last_ten) == ohlcv(candles[-10:])
    assert m.candles("SOLUSDT", "15m", start=end, end=end - timedelta(hours=1)) == []


def test_history_is_hierarchical_a_thousand_days_cost_like_a_thousand_minutes() -> None:
    minutes, days = market(), market()
    minutes.candles("BTCUSDT", "1m", end=PAST, limit=1000)
    days.candles("BTCUSDT", "1d", end=PAST, limit=1000)
    # Each daily candle needs its day node and one boundary; no finer node is built.
    assert days.work.splits == 0
    assert days.work.total <= 2100
    assert minutes.work.total <= 2100
    assert days.work.total <= 10 * minutes.work.total


def test_the_current_price_costs_a_few_splits_not_a_day_of_minutes() -> None:
    m = market(pairs=1)
    m.price("BTCUSDT")
    assert m.work.splits <= 6  # one per level between a day and a second


# ------------------------------------------------------------------ ticker, trades, book


def test_ticker_is_the_last_24h_of_the_same_path() -> None:
    m = market()
    t = m.ticker("SOLUSDT")
    assert t.close == m.price("SOLUSDT")
    assert t.open == m.price_at("SOLUSDT", NOW - timedelta(days=1))
    assert t.change == t.close - t.open
    assert t.change_pct == (t.change * 100 / t.open).quantize(Decimal("0.000001"))
    assert t.high >= max(t.open, t.close) and t.low <= min(t.open, t.close)
    minutes = m.candles("SOLUSDT", "1m", start=NOW - timedelta(days=1), limit=1000)
    assert all(t.low <= c.low and c.high <= t.high for c in minutes[1:])
    assert t.low <= t.quote_volume / t.volume <= t.high
    assert t.trade_count > 0


def test_volume_24h_is_a_plausible_quote_volume() -> None:
    m = market()
    assert Decimal(300_000_000) < m.volume_24h("BTCUSDT") < Decimal(10_000_000_000)
    thin = m.symbols[-1]
    assert Decimal(10_000) < m.volume_24h(thin) < Decimal(200_000_000)
    assert m.volume_24h("BTCUSDT") == m.ticker("BTCUSDT").quote_volume


def test_recent_trades_newest_first_and_within_the_candles() -> None:
    m = market()
    trades = m.recent_trades("BTCUSDT", 200)
    assert len(trades) == 200
    assert trades[0].price == m.price("BTCUSDT"), "the last print is the current price"
    assert [t.time for t in trades] == sorted((t.time for t in trades), reverse=True)
    assert len({t.trade_id for t in trades}) == 200
    assert all(t.time < NOW and t.quantity > 0 for t in trades)
    candles = {c.open_time: c for c in m.candles("BTCUSDT", "1m", limit=30)}
    for t in trades:
        candle = candles[t.time.replace(second=0, microsecond=0)]
        assert candle.low <= t.price <= candle.high
    assert m.recent_trades(m.symbols[-1], 500), "thin pairs trade too"


@pytest.mark.parametrize("depth", [5, 10, 20])
def test_orderbook_brackets_the_price_in_order(depth: int) -> None:
    m = market()
    for symbol in ("BTCUSDT", "PEPEUSDT", m.symbols[-1]):
        book = m.orderbook(symbol, depth)
        price = m.price(symbol)
        bid_prices = [p for p, _ in book.bids]
        ask_prices = [p for p, _ in book.asks]
        assert len(bid_prices) == len(ask_prices) == depth
        assert bid_prices == sorted(set(bid_prices), reverse=True)
        assert ask_prices == sorted(set(ask_prices))
        assert bid_prices[0] < price < ask_prices[0]
        assert all(q > 0 for _, q in book.bids + book.asks)


def test_orderbook_depth_outside_the_spec_is_rejected() -> None:
    with pytest.raises(DomainError):
        market(pairs=1).orderbook("BTCUSDT", 7)


# ------------------------------------------------------------------ ticks


def test_prices_move_with_the_clock_and_are_cached_per_instant() -> None:
    m = market(pairs=30)
    first = m.prices()
    assert m.prices() == first
    m.clock.advance(60)
    moved = m.prices()
    assert sum(moved[s] != first[s] for s in m.symbols) > 20


def test_on_tick_publishes_only_to_listeners() -> None:
    m = market(pairs=5)
    bus = EventBus()
    m.on_tick(bus)
    m.clock.advance(1)
    m.on_tick(bus)  # nobody listens: nothing computed, nothing raised
    ticks: list[dict[str, object]] = []
    bus.subscribe("ticker", lambda _topic, payload: ticks.append(payload))
    m.clock.advance(1)
    m.on_tick(bus)
    assert {t["symbol"] for t in ticks} == set(m.symbols)
    btc = next(t for t in ticks if t["symbol"] == "BTCUSDT")
    assert btc["price"] == m.price("BTCUSDT") and btc["timestamp"] == m.clock.now()


def test_on_tick_publishes_each_closed_candle_once() -> None:
    m = market(pairs=3, now=datetime(2026, 11, 23, 23, 59, 58, tzinfo=UTC))
    bus = EventBus()
    closed: list[dict[str, object]] = []
    bus.subscribe("candle", lambda _topic, payload: closed.append(payload))
    m.on_tick(bus)
    m.clock.advance(1)
    m.on_tick(bus)
    assert closed == []
    m.clock.advance(1)  # 00:00:00: every interval's candle closes
    m.on_tick(bus)
    assert len(closed) == 3 * 6
    assert {c["interval"] for c in closed} == set(INTERVAL_SECONDS)
    daily = next(c for c in closed if c["interval"] == "1d" and c["symbol"] == "BTCUSDT")
    candle = m.candles("BTCUSDT", "1d", limit=2)[0]
    assert daily["close_time"] == candle.close_time == m.clock.now()
    assert (daily["open"], daily["high"], daily["low"], daily["close"], daily["volume"]) == (
        candle.open,
        candle.high,
        candle.low,
        candle.close,
        candle.volume,
    )
    m.clock.advance(1)
    m.on_tick(bus)
    assert len(closed) == 18
