"""The mock's one indicators module (``domain/indicators.py``) against hand computations.

Issue 13's acceptance: RSI(14), SMA(20), EMA(12), EMA(26), MACD(12,26,9), Bollinger(20,2)
and ATR(14) checked, to 1e-8 relative, against values computed here by hand from the fixed
candle series below. "By hand" is a separate, plain computation straight from each
definition, in exact fractions (the square root of Bollinger's variance in 50-digit
decimals) — nothing of the module under test is called to get an expected value.

The definitions are the textbook ones the mock keeps (docs/decisions.md):

* SMA(p): the mean of the last p closes.
* EMA(p): seeded with the mean of the first p closes (at index p−1), then
  e ← e + 2/(p+1)·(close − e).
* MACD(12,26,9): line = EMA12 − EMA26 (from index 25); signal = EMA9 of the line values,
  seeded with the mean of the first 9 of them (index 33); histogram = line − signal.
* RSI(14), Wilder: changes c_i − c_{i−1}; the first averages are the means of the first 14
  gains and losses, then avg ← (avg·13 + x)/14; RSI = 100 − 100/(1 + avg_gain/avg_loss).
* Bollinger(20,2): SMA20 ± 2 population standard deviations of the last 20 closes.
* ATR(14), Wilder: TR_i = max(h_i − l_i, |h_i − c_{i−1}|, |l_i − c_{i−1}|) for i ≥ 1;
  the first ATR is the mean of TR_1..TR_14 (index 14), then atr ← (atr·13 + TR)/14.
"""

from __future__ import annotations

from decimal import Decimal, localcontext
from fractions import Fraction

import pytest

from agentexchange.mock.domain.errors import DomainError
from agentexchange.mock.domain.indicators import (
    NAMES,
    atr,
    bollinger,
    ema,
    latest_values,
    macd,
    rsi,
    sma,
    snapshot,
)
from agentexchange.mock.domain.market import Candle

# 50 one-minute candles: (high, low, close). Candle 7 gaps down (its TR is |low − previous
# close| = 2.49, not high − low = 1.71); candle 46 gaps up (|high − previous close| = 0.79).
CANDLES = [
    ("100.61", "99.64", "99.95"), ("100.06", "97.60", "97.86"), ("98.63", "97.84", "98.41"),
    ("98.68", "97.79", "97.84"), ("98.24", "97.26", "97.54"), ("97.85", "96.19", "96.22"),
    ("98.31", "95.96", "97.68"), ("96.90", "95.19", "95.75"), ("97.96", "95.72", "97.74"),
    ("100.74", "97.69", "100.07"), ("100.24", "98.67", "98.95"), ("100.03", "98.77", "99.95"),
    ("101.56", "99.34", "100.91"), ("101.54", "100.57", "100.79"), ("102.50", "100.55", "102.04"),
    ("102.51", "101.57", "102.36"), ("102.83", "102.04", "102.38"), ("102.70", "101.32", "101.67"),
    ("102.10", "101.54", "101.80"), ("103.49", "101.54", "102.95"), ("104.30", "102.76", "104.18"),
    ("104.40", "101.32", "101.38"), ("102.96", "101.23", "102.23"), ("102.93", "101.31", "101.73"),
    ("103.93", "101.50", "103.44"), ("106.29", "102.97", "105.82"), ("108.95", "105.28", "108.08"),
    ("108.22", "106.30", "106.88"), ("107.16", "105.00", "105.43"), ("107.25", "105.13", "107.06"),
    ("108.67", "106.83", "108.11"), ("109.34", "107.85", "108.77"), ("108.96", "106.84", "107.29"),
    ("107.78", "107.13", "107.68"), ("112.30", "107.42", "112.27"), ("113.19", "111.67", "113.12"),
    ("114.77", "112.55", "114.53"), ("116.94", "114.52", "116.52"), ("116.55", "112.37", "112.88"),
    ("113.06", "112.45", "112.78"), ("114.51", "112.16", "114.40"), ("114.44", "112.57", "113.26"),
    ("114.22", "112.90", "113.93"), ("113.94", "112.94", "113.31"), ("114.14", "112.87", "113.73"),
    ("114.77", "113.33", "114.11"), ("114.90", "114.60", "114.70"), ("114.65", "113.18", "113.25"),
    ("113.57", "112.53", "112.75"), ("113.24", "112.58", "113.10"),
]  # fmt: skip
HIGHS = [Decimal(h) for h, _, _ in CANDLES]
LOWS = [Decimal(low) for _, low, _ in CANDLES]
CLOSES = [Decimal(c) for _, _, c in CANDLES]
VOLUMES = [Decimal(10 + i) for i in range(len(CANDLES))]  # 10, 11, ..., 59

# The same numbers as exact fractions, for the hand computations.
H = [Fraction(h) for h, _, _ in CANDLES]
L = [Fraction(low) for _, low, _ in CANDLES]
C = [Fraction(c) for _, _, c in CANDLES]
LAST = len(CANDLES) - 1
TOLERANCE = Decimal("1e-8")


def close_to(actual: Decimal | None, expected: Fraction | Decimal) -> bool:
    """Within 1e-8 relative (of the expected value)."""
    assert actual is not None
    want = expected if isinstance(expected, Decimal) else to_decimal(expected)
    return abs(actual - want) <= TOLERANCE * abs(want)


def to_decimal(value: Fraction) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 50
        return Decimal(value.numerator) / Decimal(value.denominator)


# --------------------------------------------------------------------------- by hand


def hand_sma(values: list[Fraction], period: int, i: int) -> Fraction:
    window = values[i - period + 1 : i + 1]
    return sum(window, Fraction(0)) / period


def hand_ema_series(values: list[Fraction], period: int) -> list[Fraction]:
    """EMA of ``values``, element k of the result belonging to values[period − 1 + k]."""
    k = Fraction(2, period + 1)
    e = sum(values[:period], Fraction(0)) / period
    out = [e]
    for x in values[period:]:
        e = e + k * (x - e)
        out.append(e)
    return out


def hand_rsi(closes: list[Fraction], i: int) -> Fraction:
    changes = [closes[j] - closes[j - 1] for j in range(1, i + 1)]
    gains = [max(x, Fraction(0)) for x in changes]
    losses = [max(-x, Fraction(0)) for x in changes]
    avg_gain = sum(gains[:14], Fraction(0)) / 14
    avg_loss = sum(losses[:14], Fraction(0)) / 14
    for g, loss in zip(gains[14:], losses[14:], strict=True):
        avg_gain = (avg_gain * 13 + g) / 14
        avg_loss = (avg_loss * 13 + loss) / 14
    return 100 - 100 / (1 + avg_gain / avg_loss)


def hand_bollinger(closes: list[Fraction], i: int) -> tuple[Decimal, Decimal, Decimal]:
    window = closes[i - 19 : i + 1]
    mid = sum(window, Fraction(0)) / 20
    variance = sum(((c - mid) ** 2 for c in window), Fraction(0)) / 20
    with localcontext() as ctx:
        ctx.prec = 50
        sd = to_decimal(variance).sqrt()
        m = to_decimal(mid)
        return m - 2 * sd, m, m + 2 * sd


def hand_atr(i: int) -> Fraction:
    tr = [
        max(H[j] - L[j], abs(H[j] - C[j - 1]), abs(L[j] - C[j - 1])) for j in range(1, i + 1)
    ]  # tr[0] is TR_1
    value = sum(tr[:14], Fraction(0)) / 14
    for t in tr[14:]:
        value = (value * 13 + t) / 14
    return value


def hand_macd() -> tuple[list[Fraction], list[Fraction]]:
    """(line from index 25, signal from index 33), by the definitions above."""
    ema12 = hand_ema_series(C, 12)[26 - 12 :]  # from index 25
    ema26 = hand_ema_series(C, 26)  # from index 25
    line = [f - s for f, s in zip(ema12, ema26, strict=True)]
    signal = hand_ema_series(line, 9)  # from index 25 + 8 = 33
    return line, signal


# --------------------------------------------------------------------------- the series


def test_the_fixed_series_is_what_the_comments_say() -> None:
    assert len(CANDLES) == 50
    assert all(h >= c >= low for h, low, c in zip(H, L, C, strict=True))
    tr7 = max(H[7] - L[7], abs(H[7] - C[6]), abs(L[7] - C[6]))
    assert (H[7] - L[7], tr7) == (Fraction("1.71"), Fraction("2.49"))
    assert max(H[46] - L[46], abs(H[46] - C[45]), abs(L[46] - C[45])) == Fraction("0.79")


def test_sma_20_matches_the_hand_computation() -> None:
    out = sma(CLOSES, 20)
    assert out[18] is None
    for i in (19, 33, LAST):
        assert close_to(out[i], hand_sma(C, 20, i)), i


@pytest.mark.parametrize("period", [12, 26])
def test_ema_matches_the_hand_computation(period: int) -> None:
    out = ema(CLOSES, period)
    assert out[period - 2] is None
    expected = hand_ema_series(C, period)
    assert close_to(out[period - 1], expected[0])  # the seed: the SMA of the first p closes
    assert close_to(out[LAST], expected[-1])
    assert all(close_to(out[period - 1 + k], e) for k, e in enumerate(expected))


def test_rsi_14_matches_the_hand_computation() -> None:
    out = rsi(CLOSES)
    assert out[13] is None  # needs 14 changes
    for i in (14, 30, LAST):
        assert close_to(out[i], hand_rsi(C, i)), i


def test_macd_12_26_9_matches_the_hand_computation() -> None:
    line, signal, hist = macd(CLOSES)
    hand_line, hand_signal = hand_macd()
    assert line[24] is None and signal[32] is None and hist[32] is None
    assert close_to(line[25], hand_line[0])
    assert close_to(line[LAST], hand_line[-1])
    assert close_to(signal[33], hand_signal[0])
    assert close_to(signal[LAST], hand_signal[-1])
    assert close_to(hist[LAST], hand_line[-1] - hand_signal[-1])
    assert all(close_to(line[25 + k], v) for k, v in enumerate(hand_line))
    assert all(close_to(signal[33 + k], v) for k, v in enumerate(hand_signal))


def test_bollinger_20_2_matches_the_hand_computation() -> None:
    lower, mid, upper = bollinger(CLOSES)
    assert lower[18] is None and mid[18] is None and upper[18] is None
    for i in (19, LAST):
        want_lower, want_mid, want_upper = hand_bollinger(C, i)
        assert close_to(lower[i], want_lower), i
        assert close_to(mid[i], want_mid), i
        assert close_to(upper[i], want_upper), i


def test_atr_14_matches_the_hand_computation() -> None:
    out = atr(HIGHS, LOWS, CLOSES)
    assert out[13] is None  # needs 14 true ranges, the first from candle 1
    for i in (14, 15, 46, LAST):
        assert close_to(out[i], hand_atr(i)), i


# --------------------------------------------------------------------------- the latest values


def test_latest_values_has_the_platforms_15_names_sorted() -> None:
    values = latest_values(HIGHS, LOWS, CLOSES, VOLUMES)
    assert list(values) == sorted(values) == list(NAMES)
    assert len(NAMES) == 15
    assert values["price"] == Decimal("113.10")
    assert values["bb_mid"] == values["sma_20"]
    assert values["volume_ma_20"] == Decimal("49.5")  # mean of 40..59
    assert values["sma_50"] == sum(CLOSES) / 50
    assert close_to(values["rsi_14"], hand_rsi(C, LAST))
    assert close_to(values["atr_14"], hand_atr(LAST))
    hand_line, hand_signal = hand_macd()
    assert close_to(values["macd_line"], hand_line[-1])
    assert close_to(values["macd_hist"], hand_line[-1] - hand_signal[-1])
    assert close_to(values["ema_26"], hand_ema_series(C, 26)[-1])
    assert Decimal(0) <= values["adx_14"] <= 100


def test_a_name_the_series_is_too_short_for_is_left_out() -> None:
    values = latest_values(HIGHS[:30], LOWS[:30], CLOSES[:30], VOLUMES[:30])
    # MACD's signal needs 34 candles (26 for the line, then 9 line values), SMA50 50.
    assert "sma_50" not in values and "macd_signal" not in values and "macd_hist" not in values
    assert {"macd_line", "rsi_14", "atr_14", "bb_upper", "adx_14"} <= set(values)
    short = latest_values(HIGHS[:14], LOWS[:14], CLOSES[:14], VOLUMES[:14])
    assert set(short) == {"ema_12", "price"}


def test_only_the_requested_names_sorted_and_unknown_ones_refused() -> None:
    values = latest_values(
        HIGHS, LOWS, CLOSES, VOLUMES, ["sma_20", "rsi_14", "macd_line", "rsi_14"]
    )
    assert list(values) == ["macd_line", "rsi_14", "sma_20"]
    assert latest_values(HIGHS, LOWS, CLOSES, VOLUMES, []) == {}
    with pytest.raises(DomainError) as err:
        latest_values(HIGHS, LOWS, CLOSES, VOLUMES, ["rsi_14", "macd", "bbands"])
    assert (err.value.code, err.value.status, err.value.details) == (
        "VALIDATION_ERROR",
        422,
        {"field": "indicators"},
    )
    assert "bbands, macd" in str(err.value)


def test_snapshot_reads_a_candle_series() -> None:
    from datetime import UTC, datetime, timedelta

    start = datetime(2026, 12, 2, tzinfo=UTC)
    candles = [
        Candle(
            open_time=start + timedelta(minutes=i),
            close_time=start + timedelta(minutes=i + 1),
            open=c,
            high=h,
            low=low,
            close=c,
            volume=v,
            trade_count=1,
            closed=True,
        )
        for i, (h, low, c, v) in enumerate(zip(HIGHS, LOWS, CLOSES, VOLUMES, strict=True))
    ]
    assert snapshot(candles) == latest_values(HIGHS, LOWS, CLOSES, VOLUMES)
    assert snapshot(candles, ["price"]) == {"price": Decimal("113.10")}
    assert snapshot([]) == {}


def test_rsi_of_a_flat_series_is_neutral() -> None:
    # The platform answers 100 (avg_loss == 0); the mock keeps 50 (docs/decisions.md).
    assert rsi([Decimal(100)] * 20)[-1] == 50
