"""Domain layer: The rule-based strategy definition: parsed once, then evaluated candle by candle.

Part of the mock's pure-Python domain core (docs/architecture.md "Domain core"). A
definition is the real platform's format (``StrategyDefinition`` in openapi.yaml):
``pairs``, ``timeframe``, ``entry_conditions`` (all must hold), ``exit_conditions`` (any
one exits), ``position_size_pct``, ``max_positions``. The HTTP layer has already checked
the JSON against the document's schema; this module turns it into typed values and
evaluates the conditions on the indicators they name (SMA, EMA, RSI, MACD, Bollinger bands,
ADX, volume MA), computed in ``Decimal`` by the domain's one indicators module
(``domain/indicators.py``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..errors import DomainError

# The definition format names thresholds, not periods: the indicators run at the classic
# parameters their module defines.
from ..indicators import (
    ADX_PERIOD,
    BB_PERIOD,
    MACD_SIGNAL,
    MACD_SLOW,
    RSI_PERIOD,
    VOLUME_MA_PERIOD,
    Series,
    adx,
    bollinger,
    ema,
    macd,
    rsi,
    sma,
)


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
        self.macd, self.macd_signal, _ = macd(closes) if uses_macd else (empty, empty, empty)
        self.bb_lower, _, self.bb_upper = (
            bollinger(closes) if e.bb_below_lower or e.bb_above_upper else (empty, empty, empty)
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
