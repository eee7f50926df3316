"""The rule-based strategy definition: indicators and each entry/exit rule."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from agentexchange.mock.domain.errors import DomainError
from agentexchange.mock.domain.indicators import adx, ema, rsi, sma
from agentexchange.mock.domain.strategies.definition import (
    Definition,
    Signals,
    normalize_definition,
)


def D(values: list[int] | list[str]) -> list[Decimal]:
    return [Decimal(v) for v in values]


def signals(
    definition: dict[str, Any], closes: list[Decimal], volumes: list[Decimal] | None = None
) -> Signals:
    parsed = Definition.parse(definition)
    highs = [c + 1 for c in closes]
    lows = [c - 1 for c in closes]
    return Signals(parsed, highs, lows, closes, volumes or [Decimal(10)] * len(closes))


def test_sma_is_the_trailing_mean_and_unknown_before_the_period() -> None:
    assert sma(D([1, 2, 3, 4]), 3) == [None, None, Decimal(2), Decimal(3)]


def test_ema_starts_at_the_sma_then_weights_recent_values() -> None:
    out = ema(D([2, 4, 6, 8]), 3)
    assert out[:2] == [None, None]
    assert out[2] == Decimal(4)
    assert out[3] == Decimal(6)  # 4 + 0.5 * (8 - 4)


def test_rsi_is_100_on_a_steady_rise_and_0_on_a_steady_fall() -> None:
    rising = D(list(range(1, 30)))
    assert rsi(rising)[-1] == 100
    assert rsi(list(reversed(rising)))[-1] == 0
    assert rsi(rising)[13] is None  # needs 14 changes


def test_adx_is_high_in_a_steady_trend() -> None:
    closes = D(list(range(100, 160)))
    value = adx([c + 1 for c in closes], [c - 1 for c in closes], closes)[-1]
    assert value is not None and value > 50


def test_definition_defaults_and_normalised_pairs() -> None:
    parsed = Definition.parse({"pairs": ["btcusdt", "BTCUSDT", "ethusdt"]})
    assert parsed.pairs == ("BTCUSDT", "ETHUSDT")
    assert parsed.timeframe == "1h"
    assert parsed.position_size_pct == 10
    assert parsed.max_positions == 3
    stored = normalize_definition({"pairs": ["solusdt"], "entry_conditions": {"rsi_below": 30}})
    assert stored["pairs"] == ["SOLUSDT"] and stored["timeframe"] == "1h"
    assert stored["entry_conditions"] == {"rsi_below": 30}


def test_rsi_below_enters_after_a_fall_not_after_a_rise() -> None:
    falling = D(list(range(200, 170, -1)))
    rising = D(list(range(100, 130)))
    rule = {"pairs": ["X"], "entry_conditions": {"rsi_below": 30}}
    assert signals(rule, falling).should_enter(len(falling) - 1)
    assert not signals(rule, rising).should_enter(len(rising) - 1)


def test_a_condition_without_enough_history_does_not_enter() -> None:
    closes = D(list(range(100, 110)))
    assert not signals(
        {"pairs": ["X"], "entry_conditions": {"price_above_sma": 50}}, closes
    ).should_enter(9)


def test_price_above_and_below_sma_and_ema() -> None:
    closes = D([10] * 20 + [20])
    last = len(closes) - 1
    assert signals(
        {"pairs": ["X"], "entry_conditions": {"price_above_sma": 5}}, closes
    ).should_enter(last)
    assert not signals(
        {"pairs": ["X"], "entry_conditions": {"price_below_sma": 5}}, closes
    ).should_enter(last)
    assert signals(
        {"pairs": ["X"], "entry_conditions": {"price_above_ema": 5}}, closes
    ).should_enter(last)
    assert not signals(
        {"pairs": ["X"], "entry_conditions": {"price_below_ema": 5}}, closes
    ).should_enter(last)


def test_all_entry_conditions_must_hold() -> None:
    falling = D(list(range(200, 170, -1)))
    both = {"pairs": ["X"], "entry_conditions": {"rsi_below": 30, "price_above_sma": 5}}
    assert not signals(both, falling).should_enter(len(falling) - 1)


def test_macd_cross_above_fires_on_the_turn_only() -> None:
    closes = D(list(range(200, 140, -1)) + list(range(140, 200)))
    s = signals({"pairs": ["X"], "entry_conditions": {"macd_cross_above": True}}, closes)
    fired = [i for i in range(len(closes)) if s.should_enter(i)]
    assert len(fired) == 1
    assert 60 <= fired[0] < 80  # shortly after the bottom at index 60


def test_bollinger_band_breaks() -> None:
    closes = D([100, 101] * 15 + [90])
    last = len(closes) - 1
    assert signals(
        {"pairs": ["X"], "entry_conditions": {"bb_below_lower": True}}, closes
    ).should_enter(last)
    assert not signals(
        {"pairs": ["X"], "entry_conditions": {"bb_above_upper": True}}, closes
    ).should_enter(last)


def test_volume_above_ma_is_a_multiple_of_the_volume_average() -> None:
    closes = D([100] * 25)
    volumes = D([10] * 24 + [25])
    assert signals(
        {"pairs": ["X"], "entry_conditions": {"volume_above_ma": 2}}, closes, volumes
    ).should_enter(24)
    assert not signals(
        {"pairs": ["X"], "entry_conditions": {"volume_above_ma": 3}}, closes, volumes
    ).should_enter(24)


def test_adx_above_needs_a_trend() -> None:
    trend = D(list(range(100, 160)))
    flat = D([100, 101] * 30)
    rule = {"pairs": ["X"], "entry_conditions": {"adx_above": 25}}
    assert signals(rule, trend).should_enter(59)
    assert not signals(rule, flat).should_enter(59)


def test_indicator_exits() -> None:
    rising = D(list(range(100, 130)))
    falling = D(list(range(200, 170, -1)))
    assert (
        signals({"pairs": ["X"], "exit_conditions": {"rsi_above": 70}}, rising).indicator_exit(29)
        == "rsi_above"
    )
    assert (
        signals({"pairs": ["X"], "exit_conditions": {"rsi_below": 30}}, falling).indicator_exit(29)
        == "rsi_below"
    )
    assert (
        signals({"pairs": ["X"], "exit_conditions": {"rsi_below": 30}}, rising).indicator_exit(29)
        is None
    )


def test_warmup_covers_the_longest_indicator() -> None:
    assert Definition.parse({"pairs": ["X"]}).warmup_candles() == 1
    assert (
        Definition.parse(
            {"pairs": ["X"], "entry_conditions": {"price_above_sma": 200}}
        ).warmup_candles()
        == 200
    )
    assert (
        Definition.parse(
            {"pairs": ["X"], "exit_conditions": {"macd_cross_below": True}}
        ).warmup_candles()
        == 35
    )


def test_non_finite_numbers_in_a_definition_are_refused() -> None:
    with pytest.raises(DomainError) as err:
        normalize_definition({"pairs": ["X"], "entry_conditions": {"rsi_below": float("nan")}})
    assert (err.value.status, err.value.details["field"]) == (
        422,
        "definition.entry_conditions.rsi_below",
    )
