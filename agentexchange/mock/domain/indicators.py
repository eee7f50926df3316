"""Domain layer: Technical indicators over a candle series, in ``Decimal`` — the one copy.

Part of the mock's pure-Python domain core (docs/architecture.md "Domain core"). Two users:
the strategy definitions and their backtests (``strategies/definition.py``: whole series,
evaluated candle by candle) and the market's ``GET /market/indicators/{symbol}``
(``latest_values`` / ``snapshot``: the last value of each, under the platform's 15 names).

Every function takes a whole series, oldest first, and returns one value per input
(``None`` while the indicator is still warming up). Conventions are the textbook ones
(docs/decisions.md): EMAs seeded with the SMA of their first ``period`` values; MACD
line = EMA12 − EMA26, signal = EMA9 of the defined line values, histogram = line − signal;
RSI and ATR Wilder-smoothed from an SMA seed; Bollinger bands at 2 population standard
deviations around the SMA20; ADX Wilder-smoothed DX.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Protocol

from .errors import DomainError

RSI_PERIOD = 14
MACD_FAST, MACD_SLOW, MACD_SIGNAL = 12, 26, 9
BB_PERIOD, BB_WIDTH = 20, Decimal(2)
ADX_PERIOD = 14
ATR_PERIOD = 14
VOLUME_MA_PERIOD = 20

_ZERO = Decimal(0)
_HUNDRED = Decimal(100)

Series = list[Decimal | None]


# ------------------------------------------------------------------ whole series
def sma(values: Sequence[Decimal], period: int) -> Series:
    """Trailing mean of the last ``period`` values."""
    out: Series = [None] * len(values)
    if period <= 0:
        return out
    total = _ZERO
    for i, value in enumerate(values):
        total += value
        if i >= period:
            total -= values[i - period]
        if i >= period - 1:
            out[i] = total / period
    return out


def ema(values: Sequence[Decimal | None], period: int) -> Series:
    """EMA seeded with the SMA of the first ``period`` known values (leading Nones skipped)."""
    out: Series = [None] * len(values)
    alpha = Decimal(2) / (period + 1)
    seed: list[Decimal] = []
    current: Decimal | None = None
    for i, value in enumerate(values):
        if value is None:
            continue
        if current is None:
            seed.append(value)
            if len(seed) == period:
                current = sum(seed, _ZERO) / period
                out[i] = current
            continue
        current = current + alpha * (value - current)
        out[i] = current
    return out


def rsi(closes: Sequence[Decimal], period: int = RSI_PERIOD) -> Series:
    """Wilder's RSI: averages seeded with the mean of the first ``period`` changes."""
    out: Series = [None] * len(closes)
    if len(closes) <= period:
        return out
    gains = _ZERO
    losses = _ZERO
    for i in range(1, period + 1):
        change = closes[i] - closes[i - 1]
        gains += max(change, _ZERO)
        losses += max(-change, _ZERO)
    avg_gain = gains / period
    avg_loss = losses / period
    out[period] = _rsi_value(avg_gain, avg_loss)
    for i in range(period + 1, len(closes)):
        change = closes[i] - closes[i - 1]
        avg_gain = (avg_gain * (period - 1) + max(change, _ZERO)) / period
        avg_loss = (avg_loss * (period - 1) + max(-change, _ZERO)) / period
        out[i] = _rsi_value(avg_gain, avg_loss)
    return out


def _rsi_value(avg_gain: Decimal, avg_loss: Decimal) -> Decimal:
    if avg_loss == 0:  # no loss: 100 after gains; a flat series is neutral, 50
        return _HUNDRED if avg_gain > 0 else Decimal(50)
    return _HUNDRED - _HUNDRED / (1 + avg_gain / avg_loss)


def macd(closes: Sequence[Decimal]) -> tuple[Series, Series, Series]:
    """(MACD line, signal line, histogram) for (12, 26, 9)."""
    fast = ema(closes, MACD_FAST)
    slow = ema(closes, MACD_SLOW)
    line: Series = [
        f - s if f is not None and s is not None else None for f, s in zip(fast, slow, strict=True)
    ]
    signal = ema(line, MACD_SIGNAL)
    hist: Series = [
        m - s if m is not None and s is not None else None
        for m, s in zip(line, signal, strict=True)
    ]
    return line, signal, hist


def bollinger(closes: Sequence[Decimal]) -> tuple[Series, Series, Series]:
    """(lower band, middle = SMA20, upper band): SMA ± 2 population standard deviations."""
    mid = sma(closes, BB_PERIOD)
    lower: Series = [None] * len(closes)
    upper: Series = [None] * len(closes)
    for i, m in enumerate(mid):
        if m is None:
            continue
        window = closes[i - BB_PERIOD + 1 : i + 1]
        variance = sum(((c - m) ** 2 for c in window), _ZERO) / BB_PERIOD
        width = BB_WIDTH * variance.sqrt()
        lower[i] = m - width
        upper[i] = m + width
    return lower, mid, upper


def true_range(
    highs: Sequence[Decimal], lows: Sequence[Decimal], closes: Sequence[Decimal]
) -> Series:
    """max(high − low, |high − previous close|, |low − previous close|); none for the first bar."""
    out: Series = [None] * len(closes)
    for i in range(1, len(closes)):
        out[i] = max(
            highs[i] - lows[i], abs(highs[i] - closes[i - 1]), abs(lows[i] - closes[i - 1])
        )
    return out


def atr(
    highs: Sequence[Decimal],
    lows: Sequence[Decimal],
    closes: Sequence[Decimal],
    period: int = ATR_PERIOD,
) -> Series:
    """Wilder's ATR: the mean of the first ``period`` true ranges, then (atr·(p−1) + tr) / p."""
    tr = true_range(highs, lows, closes)
    out: Series = [None] * len(closes)
    if len(closes) <= period:
        return out
    current = sum((t for t in tr[1 : period + 1] if t is not None), _ZERO) / period
    out[period] = current
    for i in range(period + 1, len(closes)):
        value = tr[i]
        assert value is not None
        current = (current * (period - 1) + value) / period
        out[i] = current
    return out


def adx(highs: Sequence[Decimal], lows: Sequence[Decimal], closes: Sequence[Decimal]) -> Series:
    """Wilder's ADX (14): Wilder sums of TR and ±DM, DX from the seed bar on, ADX = the mean
    of the first 14 DX, then Wilder-smoothed; a bar with no range or no direction has DX 0."""
    n = len(closes)
    out: Series = [None] * n
    p = ADX_PERIOD
    if n < 2 * p + 1:
        return out
    tr: list[Decimal] = [_ZERO]
    plus_dm: list[Decimal] = [_ZERO]
    minus_dm: list[Decimal] = [_ZERO]
    for i in range(1, n):
        up = highs[i] - highs[i - 1]
        down = lows[i - 1] - lows[i]
        plus_dm.append(up if up > down and up > 0 else _ZERO)
        minus_dm.append(down if down > up and down > 0 else _ZERO)
        tr.append(
            max(highs[i] - lows[i], abs(highs[i] - closes[i - 1]), abs(lows[i] - closes[i - 1]))
        )
    s_tr = sum(tr[1 : p + 1], _ZERO)
    s_plus = sum(plus_dm[1 : p + 1], _ZERO)
    s_minus = sum(minus_dm[1 : p + 1], _ZERO)
    dx: list[Decimal] = []
    adx_value: Decimal | None = None
    for i in range(p, n):
        if i > p:
            s_tr = s_tr - s_tr / p + tr[i]
            s_plus = s_plus - s_plus / p + plus_dm[i]
            s_minus = s_minus - s_minus / p + minus_dm[i]
        if s_tr == 0:
            value = _ZERO
        else:
            di_plus = _HUNDRED * s_plus / s_tr
            di_minus = _HUNDRED * s_minus / s_tr
            total = di_plus + di_minus
            value = _ZERO if total == 0 else _HUNDRED * abs(di_plus - di_minus) / total
        dx.append(value)
        if len(dx) == p:
            adx_value = sum(dx, _ZERO) / p
            out[i] = adx_value
        elif adx_value is not None:
            adx_value = (adx_value * (p - 1) + value) / p
            out[i] = adx_value
    return out


# ------------------------------------------------------------------ the latest values
# The platform's names (GET /market/indicators/available), sorted as it lists them.
NAMES: tuple[str, ...] = (
    "adx_14",
    "atr_14",
    "bb_lower",
    "bb_mid",
    "bb_upper",
    "ema_12",
    "ema_26",
    "macd_hist",
    "macd_line",
    "macd_signal",
    "price",
    "rsi_14",
    "sma_20",
    "sma_50",
    "volume_ma_20",
)


class CandleLike(Protocol):
    @property
    def high(self) -> Decimal: ...
    @property
    def low(self) -> Decimal: ...
    @property
    def close(self) -> Decimal: ...
    @property
    def volume(self) -> Decimal: ...


def check_names(names: Iterable[str]) -> list[str]:
    """``names`` sorted and de-duplicated; an unknown one is 422 ``VALIDATION_ERROR``."""
    wanted = sorted(set(names))
    unknown = [name for name in wanted if name not in NAMES]
    if unknown:
        raise DomainError(
            "VALIDATION_ERROR",
            f"indicators: unknown indicator(s): {', '.join(unknown)}. "
            f"Supported: {', '.join(NAMES)}.",
            422,
            {"field": "indicators"},
        )
    return wanted


def _last(series: Series) -> Decimal | None:
    return series[-1] if series else None


def latest_values(
    highs: Sequence[Decimal],
    lows: Sequence[Decimal],
    closes: Sequence[Decimal],
    volumes: Sequence[Decimal],
    names: Iterable[str] | None = None,
) -> dict[str, Decimal]:
    """The newest value of each indicator in ``names`` (all of ``NAMES`` when None), keys
    sorted; a name the series is too short for is left out."""
    wanted = list(NAMES) if names is None else check_names(names)
    groups = set(wanted)
    values: dict[str, Decimal | None] = {}
    if "price" in groups:
        values["price"] = closes[-1] if closes else None
    if "sma_20" in groups:
        values["sma_20"] = _last(sma(closes, 20))
    if "sma_50" in groups:
        values["sma_50"] = _last(sma(closes, 50))
    if "ema_12" in groups:
        values["ema_12"] = _last(ema(closes, MACD_FAST))
    if "ema_26" in groups:
        values["ema_26"] = _last(ema(closes, MACD_SLOW))
    if "rsi_14" in groups:
        values["rsi_14"] = _last(rsi(closes, RSI_PERIOD))
    if groups & {"macd_line", "macd_signal", "macd_hist"}:
        line, signal, hist = macd(closes)
        values.update(macd_line=_last(line), macd_signal=_last(signal), macd_hist=_last(hist))
    if groups & {"bb_lower", "bb_mid", "bb_upper"}:
        lower, mid, upper = bollinger(closes)
        values.update(bb_lower=_last(lower), bb_mid=_last(mid), bb_upper=_last(upper))
    if "atr_14" in groups:
        values["atr_14"] = _last(atr(highs, lows, closes, ATR_PERIOD))
    if "adx_14" in groups:
        values["adx_14"] = _last(adx(highs, lows, closes))
    if "volume_ma_20" in groups:
        values["volume_ma_20"] = _last(sma(volumes, VOLUME_MA_PERIOD))
    return {name: value for name in wanted if (value := values.get(name)) is not None}


def snapshot(
    candles: Sequence[CandleLike], names: Iterable[str] | None = None
) -> dict[str, Decimal]:
    """``latest_values`` of a candle series, oldest first."""
    return latest_values(
        [c.high for c in candles],
        [c.low for c in candles],
        [c.close for c in candles],
        [c.volume for c in candles],
        names,
    )
