"""Domain layer: The rule-based strategy definition: parsed once, then evaluated candle by candle.

Part of the mock's pure-Python domain core (docs/architecture.md "Domain core"). A
definition is the real platform's format (``StrategyDefinition`` in openapi.yaml):
``pairs``, ``timeframe``, ``entry_conditions`` (all must hold), ``exit_conditions`` (any
one exits), ``position_size_pct``, ``max_positions``. The HTTP layer has already checked
the JSON against the document's schema; this module turns it into typed values and
computes the indicators the conditions name (SMA, EMA, RSI, MACD, Bollinger bands, ADX,
volume MA), all in ``Decimal``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..errors import DomainError

# Classic indicator parameters; the definition format names thresholds, not periods.
RSI_PERIOD = 14
MACD_FAST, MACD_SLOW, MACD_SIGNAL = 12, 26, 9
BB_PERIOD, BB_WIDTH = 20, Decimal(2)
ADX_PERIOD = 14
VOLUME_MA_PERIOD = 20

_ZERO = Decimal(0)
_HUNDRED = Decimal(100)

Series = list[Decimal | None]


def _dec(value: Any) -> Decimal:
    # Bodies arrive with numbers as int or Decimal; str() keeps a float exact-as-printed.
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _opt_dec(raw: Mapping[str, Any], key: str) -> Decimal | None:
    value = raw.get(key)
    return None if value is None else _dec(value)


def _opt_int(raw: Mapping[str, Any], key: str) -> int | None:
    value = raw.get(key)
    return None if value is None else int(value)


def _flag(raw: Mapping[str, Any], key: str) -> bool:
    return raw.get(key) is True


@dataclass(frozen=True, slots=True)
class EntryRules:
    rsi_below: Decimal | None = None
    rsi_above: Decimal | None = None
    macd_cross_above: bool = False
    macd_cross_below: bool = False
    price_above_sma: int | None = None
    price_below_sma: int | None = None
    price_above_ema: int | None = None
    price_below_ema: int | None = None
    bb_below_lower: bool = False
    bb_above_upper: bool = False
    adx_above: Decimal | None = None
    volume_above_ma: Decimal | None = None

    @classmethod
    def parse(cls, raw: Mapping[str, Any]) -> EntryRules:
        return cls(
            rsi_below=_opt_dec(raw, "rsi_below"),
            rsi_above=_opt_dec(raw, "rsi_above"),
            macd_cross_above=_flag(raw, "macd_cross_above"),
            macd_cross_below=_flag(raw, "macd_cross_below"),
            price_above_sma=_opt_int(raw, "price_above_sma"),
            price_below_sma=_opt_int(raw, "price_below_sma"),
            price_above_ema=_opt_int(raw, "price_above_ema"),
            price_below_ema=_opt_int(raw, "price_below_ema"),
            bb_below_lower=_flag(raw, "bb_below_lower"),
            bb_above_upper=_flag(raw, "bb_above_upper"),
            adx_above=_opt_dec(raw, "adx_above"),
            volume_above_ma=_opt_dec(raw, "volume_above_ma"),
        )


@dataclass(frozen=True, slots=True)
class ExitRules:
    stop_loss_pct: Decimal | None = None
    take_profit_pct: Decimal | None = None
    trailing_stop_pct: Decimal | None = None
    max_hold_candles: int | None = None
    rsi_above: Decimal | None = None
    rsi_below: Decimal | None = None
    macd_cross_below: bool = False

    @classmethod
    def parse(cls, raw: Mapping[str, Any]) -> ExitRules:
        return cls(
            stop_loss_pct=_opt_dec(raw, "stop_loss_pct"),
            take_profit_pct=_opt_dec(raw, "take_profit_pct"),
            trailing_stop_pct=_opt_dec(raw, "trailing_stop_pct"),
            max_hold_candles=_opt_int(raw, "max_hold_candles"),
            rsi_above=_opt_dec(raw, "rsi_above"),
            rsi_below=_opt_dec(raw, "rsi_below"),
            macd_cross_below=_flag(raw, "macd_cross_below"),
        )


@dataclass(frozen=True, slots=True)
class Definition:
    pairs: tuple[str, ...]
    timeframe: str
    entry: EntryRules
    exit: ExitRules
    position_size_pct: Decimal
    max_positions: int
    model_type: str

    @classmethod
    def parse(cls, raw: Mapping[str, Any]) -> Definition:
        pairs: list[str] = []
        for pair in raw.get("pairs", ()):
            symbol = str(pair).upper()
            if symbol not in pairs:  # a pair listed twice would double its weight
                pairs.append(symbol)
        return cls(
            pairs=tuple(pairs),
            timeframe=str(raw.get("timeframe") or "1h"),
            entry=EntryRules.parse(raw.get("entry_conditions") or {}),
            exit=ExitRules.parse(raw.get("exit_conditions") or {}),
            position_size_pct=_dec(raw.get("position_size_pct", 10)),
            max_positions=int(raw.get("max_positions", 3)),
            model_type=str(raw.get("model_type") or "rule_based"),
        )

    def warmup_candles(self) -> int:
        """Candles of history the indicators need before the first tradable candle."""
        e, x = self.entry, self.exit
        need = 1
        if (
            e.rsi_below is not None
            or e.rsi_above is not None
            or x.rsi_above is not None
            or x.rsi_below is not None
        ):
            need = max(need, RSI_PERIOD + 1)
        if e.macd_cross_above or e.macd_cross_below or x.macd_cross_below:
            need = max(need, MACD_SLOW + MACD_SIGNAL)
        for period in (e.price_above_sma, e.price_below_sma, e.price_above_ema, e.price_below_ema):
            if period is not None:
                need = max(need, period)
        if e.bb_below_lower or e.bb_above_upper:
            need = max(need, BB_PERIOD)
        if e.adx_above is not None:
            need = max(need, 2 * ADX_PERIOD + 1)
        if e.volume_above_ma is not None:
            need = max(need, VOLUME_MA_PERIOD)
        return need


def _finite(value: Any, where: str) -> None:
    # JSON parsers accept NaN and Infinity; no rule can be evaluated against them.
    if isinstance(value, Mapping):
        for key, item in value.items():
            _finite(item, f"{where}.{key}")
    elif isinstance(value, list):
        for item in value:
            _finite(item, where)
    elif isinstance(value, Decimal | float) and not Decimal(str(value)).is_finite():
        raise DomainError(
            "VALIDATION_ERROR", f"{where}: {value} is not a finite number.", 422, {"field": where}
        )


def normalize_definition(raw: Mapping[str, Any]) -> dict[str, Any]:
    """The stored form: pairs upper-cased and de-duplicated, defaults filled in."""
    _finite(raw, "definition")
    out = dict(raw)
    parsed = Definition.parse(raw)
    out["pairs"] = list(parsed.pairs)
    out.setdefault("timeframe", "1h")
    out.setdefault("position_size_pct", 10)
    out.setdefault("max_positions", 3)
    out.setdefault("model_type", "rule_based")
    return out


# ------------------------------------------------------------------ indicators
def sma(values: Sequence[Decimal], period: int) -> Series:
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
    """EMA seeded with the SMA of the first ``period`` known values."""
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
    """Wilder's RSI."""
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
    if avg_loss == 0:
        return _HUNDRED if avg_gain > 0 else Decimal(50)
    return _HUNDRED - _HUNDRED / (1 + avg_gain / avg_loss)


def macd(closes: Sequence[Decimal]) -> tuple[Series, Series]:
    """(MACD line, signal line)."""
    fast = ema(closes, MACD_FAST)
    slow = ema(closes, MACD_SLOW)
    line: Series = [
        f - s if f is not None and s is not None else None for f, s in zip(fast, slow, strict=True)
    ]
    return line, ema(line, MACD_SIGNAL)


def bollinger(closes: Sequence[Decimal]) -> tuple[Series, Series]:
    """(lower band, upper band): SMA ± 2 population standard deviations."""
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
    return lower, upper


def adx(highs: Sequence[Decimal], lows: Sequence[Decimal], closes: Sequence[Decimal]) -> Series:
    """Wilder's ADX."""
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


class Signals:
    """The indicator series one pair's candles need for one definition, computed once."""

    def __init__(
        self,
        definition: Definition,
        highs: Sequence[Decimal],
        lows: Sequence[Decimal],
        closes: Sequence[Decimal],
        volumes: Sequence[Decimal],
    ) -> None:
        self.definition = definition
        self.closes = closes
        self.volumes = volumes
        e, x = definition.entry, definition.exit
        n = len(closes)
        empty: Series = [None] * n
        uses_rsi = any(v is not None for v in (e.rsi_below, e.rsi_above, x.rsi_above, x.rsi_below))
        uses_macd = e.macd_cross_above or e.macd_cross_below or x.macd_cross_below
        self.rsi = rsi(closes) if uses_rsi else empty
        self.macd, self.macd_signal = macd(closes) if uses_macd else (empty, empty)
        self.bb_lower, self.bb_upper = (
            bollinger(closes) if e.bb_below_lower or e.bb_above_upper else (empty, empty)
        )
        self.adx = adx(highs, lows, closes) if e.adx_above is not None else empty
        self.volume_ma = sma(volumes, VOLUME_MA_PERIOD) if e.volume_above_ma is not None else empty
        self.sma: dict[int, Series] = {}
        self.ema: dict[int, Series] = {}
        for period in (e.price_above_sma, e.price_below_sma):
            if period is not None and period not in self.sma:
                self.sma[period] = sma(closes, period)
        for period in (e.price_above_ema, e.price_below_ema):
            if period is not None and period not in self.ema:
                self.ema[period] = ema(closes, period)

    def _macd_cross(self, i: int, upward: bool) -> bool:
        if i < 1:
            return False
        m0, s0, m1, s1 = (
            self.macd[i - 1],
            self.macd_signal[i - 1],
            self.macd[i],
            self.macd_signal[i],
        )
        if m0 is None or s0 is None or m1 is None or s1 is None:
            return False
        return (m0 <= s0 and m1 > s1) if upward else (m0 >= s0 and m1 < s1)

    def should_enter(self, i: int) -> bool:
        """All given entry conditions hold at the close of candle ``i`` (missing data: no)."""
        e = self.definition.entry
        close = self.closes[i]
        r = self.rsi[i]
        if e.rsi_below is not None and (r is None or not r < e.rsi_below):
            return False
        if e.rsi_above is not None and (r is None or not r > e.rsi_above):
            return False
        if e.macd_cross_above and not self._macd_cross(i, upward=True):
            return False
        if e.macd_cross_below and not self._macd_cross(i, upward=False):
            return False
        if not _compare(close, self.sma, e.price_above_sma, i, above=True):
            return False
        if not _compare(close, self.sma, e.price_below_sma, i, above=False):
            return False
        if not _compare(close, self.ema, e.price_above_ema, i, above=True):
            return False
        if not _compare(close, self.ema, e.price_below_ema, i, above=False):
            return False
        lower, upper = self.bb_lower[i], self.bb_upper[i]
        if e.bb_below_lower and (lower is None or not close < lower):
            return False
        if e.bb_above_upper and (upper is None or not close > upper):
            return False
        a = self.adx[i]
        if e.adx_above is not None and (a is None or not a > e.adx_above):
            return False
        vma = self.volume_ma[i]
        return e.volume_above_ma is None or (
            vma is not None and self.volumes[i] > e.volume_above_ma * vma
        )

    def indicator_exit(self, i: int) -> str | None:
        """The exit reason from indicator conditions at the close of candle ``i``, if any."""
        x = self.definition.exit
        r = self.rsi[i]
        if x.rsi_above is not None and r is not None and r > x.rsi_above:
            return "rsi_above"
        if x.rsi_below is not None and r is not None and r < x.rsi_below:
            return "rsi_below"
        if x.macd_cross_below and self._macd_cross(i, upward=False):
            return "macd_cross_below"
        return None


def _compare(
    close: Decimal, table: Mapping[int, Series], period: int | None, i: int, *, above: bool
) -> bool:
    if period is None:
        return True
    value = table[period][i]
    if value is None:
        return False
    return close > value if above else close < value
