"""Domain layer: The backtest runner behind strategy tests: plan the episodes, replay candles, score them.

Part of the mock's pure-Python domain core: the backtest runner (docs/architecture.md
"Domain core"; its rules in docs/decisions.md "Mock exchange"). A test asks for N episodes
of D days over a date range; ``plan_test`` turns that into candle windows
(deterministically — the same inputs always pick the same windows) and refuses work beyond
a hard cap. ``run_episode`` replays one window's seeded candles through a ``Definition`` on the
backtest engine that backtest sessions use too (``sandbox.Sandbox``, with the range rule
of ``orders.crossed`` / ``range_fill_price``): long-only, entries at the candle close,
exits from stop-loss / take-profit / trailing stop (intrabar, stop checked first) or from
indicator and holding-time rules (at the close), the exchange's fee (0.1 %) per side, no
slippage, quantities to 8 places as wallets keep them, positions still open at the end
closed at the last close. Everything is ``Decimal``.
"""

from __future__ import annotations

import hashlib
import operator
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import ROUND_DOWN, Decimal
from typing import Any

from .. import metrics
from ..errors import DomainError
from ..market.candles import INTERVAL_SECONDS
from ..orders import FEE_RATE as FEE_RATE  # the exchange's own fee: tests cost trades with it
from ..orders import crossed, range_fill_price
from ..sandbox import Sandbox
from .definition import Definition, Signals

DEFAULT_MAX_WORK = 500_000  # candles (episodes x pairs x (episode + warm-up candles))
_ZERO = Decimal(0)
_HUNDRED = Decimal(100)
_PCT = Decimal("0.01")
_RATIO = Decimal("0.0001")
_Q8 = Decimal("0.00000001")
_PAGE = 1000  # candles per market request; the public API caps a page at 1000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MAX_STARTING_BALANCE = Decimal(10) ** 12


class BacktestCancelled(Exception):
    """The test was stopped (server shutdown) before it finished."""


@dataclass(frozen=True, slots=True)
class Bar:
    open_time: datetime
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: Decimal


@dataclass(frozen=True, slots=True)
class Window:
    """One episode's tradable span [start, end) and its index (1-based)."""

    episode: int
    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class TestPlan:
    __test__ = False  # not a pytest test class

    pairs: tuple[str, ...]
    interval: str
    windows: tuple[Window, ...]
    warmup_candles: int
    candles_per_episode: int
    starting_balance: Decimal
    work: int
    config: Mapping[str, Any]  # the effective settings, echoed in the test run's ``config``


@dataclass(frozen=True, slots=True)
class EpisodeResult:
    episode: int
    start: datetime
    end: datetime
    roi_pct: Decimal
    sharpe_ratio: Decimal
    max_drawdown_pct: Decimal
    total_trades: int
    winning_trades: int
    win_rate: Decimal | None  # None: no trades, so no rate
    gross_profit: Decimal
    gross_loss: Decimal
    fees_paid: Decimal
    final_equity: Decimal


@dataclass(frozen=True, slots=True)
class TestResults:
    __test__ = False  # not a pytest test class

    avg_roi_pct: Decimal
    avg_sharpe: Decimal
    avg_max_drawdown_pct: Decimal
    best_roi_pct: Decimal
    worst_roi_pct: Decimal
    total_trades: int
    winning_trades: int
    win_rate: Decimal | None
    profit_factor: Decimal | None  # None when there was no losing trade
    episodes: tuple[EpisodeResult, ...]


# ------------------------------------------------------------------ planning
def _floor(moment: datetime, seconds: int) -> datetime:
    epoch = int(moment.timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, UTC)


def _invalid(field: str, message: str) -> DomainError:
    return DomainError("VALIDATION_ERROR", message, 422, {"field": field})


def plan_test(
    definition: Definition,
    *,
    start: datetime,
    end: datetime,
    now: datetime,
    episodes: int,
    episode_duration_days: int,
    randomize_dates: bool,
    starting_balance: Decimal,
    symbol: str | None = None,
    interval: str | None = None,
    max_work: int = DEFAULT_MAX_WORK,
) -> TestPlan:
    """The episodes a test will run, or a DomainError (422 bad range, 400 over the cap)."""
    pairs = (symbol.upper(),) if symbol else definition.pairs
    interval = interval or definition.timeframe
    step = INTERVAL_SECONDS[interval]
    if not 0 < starting_balance <= MAX_STARTING_BALANCE:
        raise _invalid(
            "starting_balance",
            f"starting_balance must be greater than 0 and at most {MAX_STARTING_BALANCE}.",
        )
    if end <= start:
        raise _invalid("date_range", "date_range.end must be after date_range.start.")
    # Only the past has candles: a range reaching into the future is cut at the clock,
    # one reaching before 1970 at the epoch (the market counts seconds from there).
    start = max(start, _EPOCH)
    range_start = _floor(start, step)
    if range_start < start:
        range_start += timedelta(seconds=step)
    range_end = _floor(max(min(end, now), _EPOCH), step)
    span = int((range_end - range_start).total_seconds()) // step
    if span < 1:
        raise _invalid(
            "date_range",
            f"date_range holds no complete {interval} candle before the current time {now.isoformat()}.",
        )
    per_episode = min(episode_duration_days * 86400 // step, span)
    warmup = definition.warmup_candles()
    work = episodes * len(pairs) * (per_episode + warmup)
    if work > max_work:
        raise DomainError(
            "TEST_LIMIT_EXCEEDED",
            f"This test asks for {work} candles of work; one test may do at most {max_work} "
            "(episodes x pairs x (candles per episode + indicator warm-up)). "
            "Use fewer episodes, shorter episodes or a longer interval.",
            400,
            {
                "max_work": max_work,
                "requested_work": work,
                "episodes": episodes,
                "pairs": len(pairs),
                "candles_per_episode": per_episode,
                "warmup_candles": warmup,
                "interval": interval,
            },
        )
    latest_offset = span - per_episode
    if randomize_dates:
        # Seeded by the inputs, so the same request replays the same windows.
        # A plain canonical string: unit separator between the items, record separator
        # inside the list of pairs (neither can occur in a symbol, interval or timestamp).
        material = "\x1f".join(
            [
                "\x1e".join(pairs),
                interval,
                range_start.isoformat(),
                range_end.isoformat(),
                str(episodes),
                str(per_episode),
            ]
        )
        rng = random.Random(hashlib.sha256(material.encode()).digest())
        offsets = [rng.randint(0, latest_offset) for _ in range(episodes)]
    elif episodes == 1:
        offsets = [0]
    else:
        offsets = [latest_offset * i // (episodes - 1) for i in range(episodes)]
    windows = tuple(
        Window(
            episode=i + 1,
            start=range_start + timedelta(seconds=offset * step),
            end=range_start + timedelta(seconds=(offset + per_episode) * step),
        )
        for i, offset in enumerate(offsets)
    )
    config = {
        "episodes": episodes,
        "episode_duration_days": episode_duration_days,
        "date_range": {"start": range_start, "end": range_end},
        "randomize_dates": randomize_dates,
        "starting_balance": starting_balance,
        "pairs": list(pairs),
        "interval": interval,
        "candles_per_episode": per_episode,
        **({"symbol": pairs[0]} if symbol else {}),
    }
    return TestPlan(
        pairs=pairs,
        interval=interval,
        windows=windows,
        warmup_candles=warmup,
        candles_per_episode=per_episode,
        starting_balance=starting_balance,
        work=work,
        config=config,
    )


# ------------------------------------------------------------------ candles
_FIELDS = ("open_time", "open", "high", "low", "close", "volume")
_FROM_MAPPING = operator.itemgetter(*_FIELDS)
_FROM_OBJECT = operator.attrgetter(*_FIELDS)


def _as_time(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, int | float | Decimal):
        return datetime.fromtimestamp(int(value) / 1000, UTC)  # epoch milliseconds
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def _as_dec(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def load_bars(market: Any, symbol: str, interval: str, start: datetime, end: datetime) -> list[Bar]:
    """Candles with ``start <= open_time < end``, paged through ``market.candles``."""
    step = timedelta(seconds=INTERVAL_SECONDS[interval])
    bars: list[Bar] = []
    cursor = start
    while cursor < end:
        page = market.candles(symbol, interval, start=cursor, end=end - step, limit=_PAGE)
        if not page:
            break
        last = cursor
        # Candles may be dicts or objects (whatever the market hands out); decide once a page.
        fields = _FROM_MAPPING if isinstance(page[0], Mapping) else _FROM_OBJECT
        for candle in page:
            raw_time, o, h, lo, c, v = fields(candle)
            opened = _as_time(raw_time)
            last = max(last, opened)
            if cursor <= opened < end and (not bars or opened > bars[-1].open_time):
                bars.append(
                    Bar(opened, _as_dec(o), _as_dec(h), _as_dec(lo), _as_dec(c), _as_dec(v))
                )
        if len(page) < _PAGE or last < cursor:
            break
        cursor = last + step
    return bars


# ------------------------------------------------------------------ replay
@dataclass(slots=True)
class _Position:
    """What the rules need about an open position; its quantity is in the sandbox wallet."""

    entry_price: Decimal
    entry_fee: Decimal
    peak: Decimal
    held: int = 0


def run_episode(
    definition: Definition,
    window: Window,
    bars_by_pair: Mapping[str, Sequence[Bar]],
    *,
    starting_balance: Decimal,
    interval: str,
    cancelled: Callable[[], bool] = lambda: False,
    progress: Callable[[Decimal], None] | None = None,
) -> EpisodeResult:
    """Replay one window. ``bars_by_pair`` may start earlier (indicator warm-up).

    Orders go through the backtest engine's ``Sandbox`` (the live fee and cash rules,
    no slippage: entries fill at the close, exits at the level the rules name). Every
    few hundred candles it asks ``cancelled()`` (raising ``BacktestCancelled``) and
    reports the fraction of the window replayed so far to ``progress``.
    """
    signals: dict[str, Signals] = {}
    index: dict[tuple[str, datetime], int] = {}
    times: set[datetime] = set()
    for pair, bars in bars_by_pair.items():
        signals[pair] = Signals(
            definition,
            [b.high for b in bars],
            [b.low for b in bars],
            [b.close for b in bars],
            [b.volume for b in bars],
        )
        for i, bar in enumerate(bars):
            if window.start <= bar.open_time < window.end:
                index[(pair, bar.open_time)] = i
                times.add(bar.open_time)

    x = definition.exit
    sandbox = Sandbox(starting_balance, window.start)
    positions: dict[str, _Position] = {}
    last_close: dict[str, Decimal] = {}
    equity_curve = [starting_balance]
    trades = wins = 0
    gross_profit = gross_loss = _ZERO

    def close_position(pair: str, price: Decimal, moment: datetime) -> None:
        nonlocal trades, wins, gross_profit, gross_loss
        pos = positions.pop(pair)
        sell = sandbox.execute(pair, "sell", sandbox.held(pair), price, moment)
        # Booked PnL is before fees; a round trip wins when it gains after both of them.
        pnl = sandbox.book.trades[-1].pnl or _ZERO
        net = pnl - pos.entry_fee - (sell.fee or _ZERO)
        trades += 1
        if net > 0:
            wins += 1
            gross_profit += net
        else:
            gross_loss -= net

    ordered = sorted(times)
    for step_no, moment in enumerate(ordered):
        if step_no % 256 == 0:
            if cancelled():
                raise BacktestCancelled
            if progress is not None and step_no:
                progress(Decimal(step_no) / len(ordered))
        for pair in bars_by_pair:  # the plan's pair order, so runs are reproducible
            at = index.get((pair, moment))
            if at is None:
                continue
            i = at
            bar = bars_by_pair[pair][i]
            last_close[pair] = bar.close
            pos = positions.get(pair)
            if pos is not None:
                pos.held += 1
                exit_price = _stop_exit(
                    pos, bar, x.stop_loss_pct, x.take_profit_pct, x.trailing_stop_pct
                )
                pos.peak = max(pos.peak, bar.high)
                if exit_price is None and (
                    (x.max_hold_candles is not None and pos.held >= x.max_hold_candles)
                    or signals[pair].indicator_exit(i) is not None
                ):
                    exit_price = bar.close
                if exit_price is not None:
                    close_position(pair, exit_price, moment)
                continue  # no re-entry on the candle that closed the position
            if len(positions) >= definition.max_positions or not signals[pair].should_enter(i):
                continue
            equity = sandbox.equity(last_close)
            notional = min(
                equity * definition.position_size_pct / _HUNDRED,
                sandbox.cash.free / (1 + sandbox.fee_rate),
            )
            quantity = (notional / bar.close).quantize(_Q8, rounding=ROUND_DOWN)
            if quantity <= 0:
                continue
            try:
                buy = sandbox.execute(pair, "buy", quantity, bar.close, moment)
            except DomainError:  # rounding left the cost a hair above the cash
                continue
            positions[pair] = _Position(bar.close, buy.fee or _ZERO, bar.high)
        equity_curve.append(sandbox.equity(last_close))
    for pair in list(positions):
        close_position(pair, last_close[pair], ordered[-1])
    final = sandbox.cash.total
    if len(equity_curve) > 1:
        equity_curve[-1] = final  # the last mark, net of the closing fees
    return EpisodeResult(
        episode=window.episode,
        start=window.start,
        end=window.end,
        roi_pct=((final - starting_balance) / starting_balance * _HUNDRED).quantize(_PCT),
        sharpe_ratio=metrics.sharpe(
            metrics.returns(equity_curve), INTERVAL_SECONDS[interval]
        ).quantize(_RATIO),
        max_drawdown_pct=metrics.max_drawdown_pct(equity_curve).quantize(_PCT),
        total_trades=trades,
        winning_trades=wins,
        win_rate=(Decimal(wins) / trades * _HUNDRED).quantize(_PCT) if trades else None,
        gross_profit=gross_profit.quantize(_PCT),
        gross_loss=gross_loss.quantize(_PCT),
        fees_paid=sandbox.book.fees_paid.quantize(_PCT),
        final_equity=final.quantize(_PCT),
    )


def _stop_exit(
    pos: _Position,
    bar: Bar,
    stop_loss_pct: Decimal | None,
    take_profit_pct: Decimal | None,
    trailing_stop_pct: Decimal | None,
) -> Decimal | None:
    """Intrabar exits, by the engine's range rule (``orders.crossed``, ``range_fill_price``:
    a gap through a level fills at the open). The stop is checked before the target (we
    cannot see the order of ticks inside a candle, so assume the worse)."""
    stops: list[Decimal] = []
    if stop_loss_pct is not None:
        stops.append(pos.entry_price * (1 - stop_loss_pct / _HUNDRED))
    if trailing_stop_pct is not None:
        stops.append(pos.peak * (1 - trailing_stop_pct / _HUNDRED))
    if stops:
        level = max(stops)
        if crossed("stop_loss", "sell", level, bar.high, bar.low):
            return range_fill_price("stop_loss", "sell", level, bar.open)
    if take_profit_pct is not None:
        target = pos.entry_price * (1 + take_profit_pct / _HUNDRED)
        if crossed("take_profit", "sell", target, bar.high, bar.low):
            return range_fill_price("take_profit", "sell", target, bar.open)
    return None


def summarize(episodes: Sequence[EpisodeResult]) -> TestResults:
    """Averages over episodes; trade counts and win rate over all trades."""
    n = len(episodes)
    if n == 0:
        raise ValueError("no episodes to summarize")
    trades = sum(e.total_trades for e in episodes)
    wins = sum(e.winning_trades for e in episodes)
    gross_profit = sum((e.gross_profit for e in episodes), _ZERO)
    gross_loss = sum((e.gross_loss for e in episodes), _ZERO)
    return TestResults(
        avg_roi_pct=(sum((e.roi_pct for e in episodes), _ZERO) / n).quantize(_PCT),
        avg_sharpe=(sum((e.sharpe_ratio for e in episodes), _ZERO) / n).quantize(_RATIO),
        avg_max_drawdown_pct=(sum((e.max_drawdown_pct for e in episodes), _ZERO) / n).quantize(
            _PCT
        ),
        best_roi_pct=max(e.roi_pct for e in episodes),
        worst_roi_pct=min(e.roi_pct for e in episodes),
        total_trades=trades,
        winning_trades=wins,
        win_rate=(Decimal(wins) / trades * _HUNDRED).quantize(_PCT) if trades else None,
        profit_factor=(gross_profit / gross_loss).quantize(_RATIO) if gross_loss > 0 else None,
        episodes=tuple(episodes),
    )


def recommend(definition: Definition, results: TestResults) -> tuple[str, ...]:
    """Plain-language hints drawn from the results (what the real platform's test adds)."""
    notes: list[str] = []
    per_episode = Decimal(results.total_trades) / len(results.episodes)
    if results.total_trades == 0:
        notes.append("Entry conditions never fired; loosen the thresholds or test a longer range.")
    elif per_episode < 1:
        notes.append("Entry conditions fire rarely; consider looser entry thresholds.")
    if results.win_rate is not None and results.win_rate < 40:
        notes.append(
            "Win rate is below 40 %; tighten the entry conditions or widen take_profit_pct."
        )
    if definition.exit.stop_loss_pct is None and definition.exit.trailing_stop_pct is None:
        notes.append("No stop_loss_pct or trailing_stop_pct; add one to cap losses per trade.")
    if results.avg_max_drawdown_pct > 20:
        notes.append("Average drawdown exceeds 20 %; reduce position_size_pct or tighten the stop.")
    if definition.model_type != "rule_based":
        notes.append(
            f"model_type {definition.model_type!r} is evaluated by its rule conditions only in the mock exchange."
        )
    if not notes and results.avg_roi_pct > 0:
        notes.append("Positive average return; validate on another date range before deploying.")
    return tuple(notes)
