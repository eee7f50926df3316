"""Backtest planning (windows, the work cap) and the episode replay (entries, exits, fees, metrics)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from agentexchange.mock.domain.errors import DomainError
from agentexchange.mock.domain.strategies.backtest import (
    FEE_RATE,
    BacktestCancelled,
    Bar,
    EpisodeResult,
    TestPlan,
    Window,
    plan_test,
    recommend,
    run_episode,
    summarize,
)
from agentexchange.mock.domain.strategies.definition import Definition

T0 = datetime(2026, 10, 1, tzinfo=UTC)
NOW = datetime(2026, 11, 1, tzinfo=UTC)
HOUR = timedelta(hours=1)


def bars(closes: list[int | str], *, spread: str = "0.5", start: datetime = T0) -> list[Bar]:
    out = []
    prev = Decimal(closes[0])
    for i, raw in enumerate(closes):
        close = Decimal(raw)
        out.append(
            Bar(
                start + i * HOUR,
                prev,
                max(prev, close) + Decimal(spread),
                min(prev, close) - Decimal(spread),
                close,
                Decimal(100),
            )
        )
        prev = close
    return out


def window(n: int, start: datetime = T0) -> Window:
    return Window(1, start, start + n * HOUR)


def replay(definition: dict[str, Any], series: list[Bar], **kw: Any) -> EpisodeResult:
    parsed = Definition.parse(definition)
    return run_episode(
        parsed,
        window(len(series)),
        {"X": series},
        starting_balance=Decimal(10000),
        interval="1h",
        **kw,
    )


def plan(**overrides: Any) -> TestPlan:
    args: dict[str, Any] = {
        "start": T0,
        "end": NOW,
        "now": NOW,
        "episodes": 2,
        "episode_duration_days": 7,
        "randomize_dates": True,
        "starting_balance": Decimal(10000),
    }
    args.update(overrides)
    definition = Definition.parse({"pairs": ["BTCUSDT"], "entry_conditions": {"rsi_below": 30}})
    return plan_test(definition, **args)


# --------------------------------------------------------------------- planning
def test_plan_makes_aligned_windows_of_the_asked_length_inside_the_range() -> None:
    p = plan()
    assert len(p.windows) == 2
    for w in p.windows:
        assert w.end - w.start == timedelta(days=7)
        assert T0 <= w.start and w.end <= NOW
        assert w.start.minute == 0 and w.start.second == 0
    assert p.config["interval"] == "1h" and p.config["pairs"] == ["BTCUSDT"]


def test_plan_is_deterministic_for_the_same_inputs() -> None:
    assert plan(episodes=5).windows == plan(episodes=5).windows
    assert plan(episodes=5).windows != plan(episodes=5, start=T0 + timedelta(days=1)).windows


def test_unrandomized_windows_are_spread_evenly_from_start_to_end() -> None:
    ws = plan(episodes=3, randomize_dates=False).windows
    assert ws[0].start == T0 and ws[-1].end == NOW
    assert ws[1].start - ws[0].start == ws[2].start - ws[1].start


def test_range_in_the_future_is_cut_at_the_clock_and_episodes_shrink_to_fit() -> None:
    p = plan(end=NOW + timedelta(days=30), start=NOW - timedelta(days=3))
    assert all(w.end <= NOW for w in p.windows)
    assert p.candles_per_episode == 72


def test_empty_or_backwards_range_is_a_validation_error() -> None:
    with pytest.raises(DomainError) as err:
        plan(end=T0)
    assert (err.value.status, err.value.code, err.value.details["field"]) == (
        422,
        "VALIDATION_ERROR",
        "date_range",
    )
    with pytest.raises(DomainError) as err:
        plan(start=NOW + timedelta(days=1), end=NOW + timedelta(days=2))
    assert err.value.status == 422


def test_work_beyond_the_cap_is_refused_with_the_limit_in_the_details() -> None:
    with pytest.raises(DomainError) as err:
        plan(episodes=100, episode_duration_days=30, interval="1m", max_work=500_000)
    e = err.value
    assert (e.status, e.code) == (400, "TEST_LIMIT_EXCEEDED")
    assert e.details["max_work"] == 500_000
    assert e.details["requested_work"] == 100 * 1 * (30 * 1440 + 15)
    assert e.details["episodes"] == 100 and e.details["candles_per_episode"] == 30 * 1440
    # right at the cap is allowed
    work = plan(episodes=1, episode_duration_days=7).work
    assert plan(episodes=1, episode_duration_days=7, max_work=work).work == work


# --------------------------------------------------------------------- replay
def test_a_strategy_that_never_enters_makes_no_trades_and_keeps_its_balance() -> None:
    series = bars(list(range(100, 160)))  # RSI stays at 100
    result = replay({"pairs": ["X"], "entry_conditions": {"rsi_below": 30}}, series)
    assert result.total_trades == 0
    assert result.roi_pct == 0 and result.max_drawdown_pct == 0 and result.win_rate is None
    assert result.final_equity == Decimal(10000)


def test_take_profit_trade_books_the_gain_net_of_both_fees() -> None:
    # Enter at the first close (no conditions), the price then rises 10 % -> take profit at +5 %.
    series = bars([100, 100, 110])
    result = replay(
        {
            "pairs": ["X"],
            "exit_conditions": {"take_profit_pct": 5},
            "position_size_pct": 50,
            "max_positions": 1,
        },
        series,
    )
    assert result.total_trades == 1 and result.winning_trades == 1
    notional = Decimal(5000)
    qty = notional / 100
    proceeds = qty * 105
    expected = 10000 - notional * FEE_RATE + (proceeds - notional) - proceeds * FEE_RATE
    assert result.final_equity == expected.quantize(Decimal("0.01"))
    assert result.win_rate == 100


def test_stop_loss_is_checked_before_take_profit_in_a_wide_candle() -> None:
    series = bars([100, 100, 100], spread="20")  # both levels touched in one candle
    result = replay(
        {
            "pairs": ["X"],
            "exit_conditions": {"stop_loss_pct": 2, "take_profit_pct": 2},
            "max_positions": 1,
        },
        series,
    )
    assert result.total_trades >= 1 and result.winning_trades == 0


def test_trailing_stop_exits_after_a_pullback_from_the_peak() -> None:
    series = bars([100, 110, 120, 130, 112], spread="0")
    result = replay(
        {
            "pairs": ["X"],
            "exit_conditions": {"trailing_stop_pct": 10},
            "position_size_pct": 100,
            "max_positions": 1,
        },
        series,
    )
    # exit at 130 * 0.9 = 117 (the gap down to 112 opens at 130, so the stop level fills)
    assert result.total_trades == 1 and result.winning_trades == 1


def test_max_hold_candles_closes_the_position() -> None:
    series = bars([100] * 10, spread="0")
    result = replay(
        {"pairs": ["X"], "exit_conditions": {"max_hold_candles": 2}, "max_positions": 1}, series
    )
    # enter, hold 2, exit, re-enter next candle ...: 10 candles give 3 round trips + 1 closed at the end
    assert result.total_trades == 4
    assert result.roi_pct < 0  # flat prices: only fees


def test_open_positions_are_closed_at_the_end_and_drawdown_is_measured() -> None:
    series = bars([100, 90, 80], spread="0")
    result = replay({"pairs": ["X"], "position_size_pct": 100, "max_positions": 1}, series)
    assert result.total_trades == 1 and result.winning_trades == 0
    assert result.max_drawdown_pct > 19
    assert result.roi_pct < -19


def test_warmup_candles_feed_indicators_but_are_not_traded() -> None:
    series = bars(list(range(100, 140)))
    parsed = Definition.parse({"pairs": ["X"], "max_positions": 1})
    tradable = Window(1, series[30].open_time, series[-1].open_time + HOUR)
    result = run_episode(
        parsed, tradable, {"X": series}, starting_balance=Decimal(10000), interval="1h"
    )
    # entered at index 30's close (130) and closed at 139: one winning trade, not one from index 0
    assert result.total_trades == 1
    assert result.roi_pct < Decimal("0.7")


def test_a_cancelled_replay_stops() -> None:
    with pytest.raises(BacktestCancelled):
        replay({"pairs": ["X"]}, bars([100] * 5), cancelled=lambda: True)


def test_summary_averages_episodes_and_counts_all_trades() -> None:
    up = replay(
        {"pairs": ["X"], "max_positions": 1, "position_size_pct": 100},
        bars([100, 110, 120], spread="0"),
    )
    flat = replay({"pairs": ["X"], "entry_conditions": {"rsi_below": 1}}, bars([100] * 3))
    summary = summarize([up, flat])
    assert summary.total_trades == 1 and summary.win_rate == 100
    assert summary.avg_roi_pct == ((up.roi_pct + flat.roi_pct) / 2).quantize(Decimal("0.01"))
    assert summary.best_roi_pct == up.roi_pct and summary.worst_roi_pct == 0
    assert summary.profit_factor is None  # no losing trade
    notes = recommend(Definition.parse({"pairs": ["X"]}), summary)
    assert any("stop_loss_pct" in n for n in notes)


def test_ranges_before_1970_or_absurd_balances_are_validation_errors_not_crashes() -> None:
    ancient = datetime(1, 1, 1, tzinfo=UTC)
    with pytest.raises(DomainError) as err:
        plan(start=ancient, end=ancient + timedelta(days=30))
    assert err.value.status == 422
    assert plan(start=ancient, episodes=1).windows[0].start >= datetime(1970, 1, 1, tzinfo=UTC)
    with pytest.raises(DomainError) as err:
        plan(starting_balance=Decimal("1e400"))
    assert (err.value.status, err.value.details["field"]) == (422, "starting_balance")
    with pytest.raises(DomainError):
        plan(starting_balance=Decimal(0))


def test_replay_reports_progress_through_the_window() -> None:
    seen: list[Decimal] = []
    replay({"pairs": ["X"]}, bars([100] * 600), progress=seen.append)
    assert seen == [Decimal(256) / 600, Decimal(512) / 600]
