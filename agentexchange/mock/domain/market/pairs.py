"""Domain layer: The simulated market's universe: which USDT pairs exist and how each one behaves.

docs/architecture.md "Domain core": a simulated market of 600+ USDT pairs. The majors
carry realistic starting prices, 24 h quote volumes and volatilities; the rest are
synthetic names spread over price magnitudes from 0.00001 to thousands. The universe does
not depend on the seed (``--seed`` changes the paths, not which pairs exist), so scripts
can rely on names. Each pair's exchange filters (tick, step, min notional) follow from its
starting price.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Context, Decimal

from .rng import seed_of

QUOTE = "USDT"
MIN_NOTIONAL = Decimal("1.00")  # the reference's order_too_small threshold and example
# An explicit context: the universe must not depend on a caller's decimal settings.
_CONTEXT = Context(prec=28, rounding=ROUND_HALF_EVEN)

# base, starting price, mean 24 h quote volume (USDT), daily volatility (parts per million)
_MAJORS: tuple[tuple[str, str, int, int], ...] = (
    ("BTC", "64521.30", 1_500_000_000, 25_000),
    ("ETH", "3421.55", 800_000_000, 32_000),
    ("SOL", "151.32", 400_000_000, 45_000),
    ("BNB", "584.20", 120_000_000, 28_000),
    ("XRP", "0.5834", 180_000_000, 40_000),
    ("DOGE", "0.15512", 150_000_000, 55_000),
    ("ADA", "0.4521", 50_000_000, 42_000),
    ("AVAX", "35.41", 50_000_000, 50_000),
    ("DOT", "7.123", 30_000_000, 45_000),
    ("LINK", "15.27", 40_000_000, 45_000),
    ("POL", "0.5213", 20_000_000, 50_000),
    ("LTC", "81.54", 40_000_000, 38_000),
    ("TRX", "0.12345", 30_000_000, 25_000),
    ("SHIB", "0.00001823", 40_000_000, 55_000),
    ("PEPE", "0.00000952", 90_000_000, 70_000),
    ("TON", "5.512", 25_000_000, 45_000),
    ("BCH", "402.8", 30_000_000, 40_000),
    ("UNI", "8.215", 20_000_000, 50_000),
    ("ATOM", "8.031", 15_000_000, 45_000),
    ("NEAR", "5.214", 30_000_000, 55_000),
    ("APT", "9.12", 20_000_000, 55_000),
    ("ARB", "0.9125", 25_000_000, 55_000),
    ("OP", "2.013", 20_000_000, 55_000),
    ("FIL", "5.231", 15_000_000, 50_000),
    ("ICP", "10.42", 12_000_000, 50_000),
    ("ETC", "25.31", 15_000_000, 42_000),
    ("XLM", "0.1123", 10_000_000, 38_000),
    ("HBAR", "0.0812", 12_000_000, 50_000),
    ("INJ", "25.12", 15_000_000, 60_000),
    ("SUI", "1.2051", 40_000_000, 65_000),
    ("SEI", "0.4123", 15_000_000, 65_000),
    ("RENDER", "7.012", 15_000_000, 60_000),
    ("FET", "1.512", 25_000_000, 65_000),
    ("WIF", "2.513", 50_000_000, 80_000),
    ("AAVE", "121.4", 15_000_000, 50_000),
    ("MKR", "2504", 8_000_000, 45_000),
    ("LDO", "2.011", 10_000_000, 55_000),
    ("IMX", "1.612", 8_000_000, 55_000),
    ("STX", "1.812", 8_000_000, 60_000),
    ("GRT", "0.2012", 8_000_000, 55_000),
    ("ALGO", "0.1512", 6_000_000, 45_000),
    ("VET", "0.03012", 6_000_000, 45_000),
    ("SAND", "0.3512", 6_000_000, 50_000),
    ("MANA", "0.3498", 5_000_000, 50_000),
    ("AXS", "6.012", 5_000_000, 55_000),
    ("EGLD", "35.21", 4_000_000, 50_000),
    ("THETA", "1.512", 4_000_000, 50_000),
    ("XTZ", "0.8012", 3_000_000, 45_000),
    ("EOS", "0.6012", 5_000_000, 45_000),
    ("NEO", "12.31", 5_000_000, 50_000),
    ("RUNE", "4.512", 15_000_000, 65_000),
    ("CRV", "0.3512", 10_000_000, 60_000),
    ("SNX", "2.212", 4_000_000, 55_000),
    ("COMP", "50.12", 4_000_000, 50_000),
    ("ENS", "20.12", 5_000_000, 55_000),
    ("GALA", "0.02512", 8_000_000, 60_000),
    ("CHZ", "0.07012", 6_000_000, 50_000),
    ("ZEC", "30.12", 5_000_000, 50_000),
    ("DASH", "28.12", 3_000_000, 45_000),
    ("BONK", "0.00002012", 30_000_000, 80_000),
    ("FLOKI", "0.0001512", 15_000_000, 75_000),
    ("JUP", "0.9012", 12_000_000, 65_000),
    ("TIA", "6.012", 15_000_000, 65_000),
    ("PYTH", "0.3512", 8_000_000, 65_000),
    ("ORDI", "35.12", 15_000_000, 75_000),
    ("TAO", "351.2", 10_000_000, 65_000),
    ("ENA", "0.6012", 20_000_000, 75_000),
    ("WLD", "2.212", 25_000_000, 75_000),
    ("CAKE", "2.212", 5_000_000, 50_000),
    ("QNT", "70.12", 3_000_000, 45_000),
)

_CONSONANTS = "BCDFGHJKLMNPRSTVXZ"
_VOWELS = "AEIOUY"


@dataclass(frozen=True, slots=True)
class PairSpec:
    """Static facts about one pair; prices are integers of ``tick`` (= 10**-price_dp)."""

    symbol: str
    base: str
    start_ticks: int
    price_dp: int  # decimals of the price (tick size 10**-price_dp)
    qty_dp: int  # decimals of quantities (step size 10**-qty_dp)
    quote_volume: int  # mean 24 h quote volume, whole USDT
    sigma_ppm: int  # daily volatility of the log price, parts per million
    trades_per_day: int
    major: bool

    @property
    def tick_size(self) -> Decimal:
        return Decimal(1).scaleb(-self.price_dp)

    @property
    def step_size(self) -> Decimal:
        return Decimal(1).scaleb(-self.qty_dp)

    def price(self, ticks: int) -> Decimal:
        return Decimal(ticks).scaleb(-self.price_dp)

    def quantity(self, units: int) -> Decimal:
        return Decimal(units).scaleb(-self.qty_dp)


def _magnitude(price: Decimal) -> int:
    """floor(log10(price)) for a positive Decimal."""
    return price.adjusted()


def _make(base: str, price: Decimal, quote_volume: int, sigma_ppm: int, major: bool) -> PairSpec:
    mag = _magnitude(price)
    # About six significant digits, never finer than 8 dp (what the real platform stores).
    price_dp = min(8, max(2, 5 - mag))
    # A step worth roughly 0.1-1 USDT at the start, never coarser than one whole unit.
    qty_dp = max(0, mag + 1)
    ticks = int(price.scaleb(price_dp).to_integral_value())
    # Average trade of ~400 USDT on busy pairs; thin pairs still trade every few seconds.
    trades = min(3_000_000, max(10_000, quote_volume // 400))
    return PairSpec(
        symbol=base + QUOTE,
        base=base,
        start_ticks=ticks,
        price_dp=price_dp,
        qty_dp=qty_dp,
        quote_volume=quote_volume,
        sigma_ppm=sigma_ppm,
        trades_per_day=trades,
        major=major,
    )


def _synthetic_name(index: int) -> str:
    """A pronounceable 3-5 letter ticker, fixed for the index (independent of the seed)."""
    h = seed_of(0, "pair-name", index)
    length = 3 + h % 3
    h //= 3
    letters: list[str] = []
    for position in range(length):
        alphabet = _CONSONANTS if position % 2 == (h & 1) else _VOWELS
        letters.append(alphabet[(h >> (position * 5 + 1)) % len(alphabet)])
    return "".join(letters)


def _synthetic(index: int, base: str) -> PairSpec:
    h = seed_of(0, "pair-shape", index)
    # Starting price 1e-5 .. 1e4 over nine decades, four significant digits; integers
    # and Decimal only, so the universe is identical on every platform.
    exponent = -5 + (h % 9)
    mantissa = 1000 + (h >> 8) % 9000
    price = Decimal(mantissa).scaleb(exponent - 3)
    # Log-uniform 24 h quote volume from 200 k to 30 M USDT.
    fraction = _CONTEXT.divide(Decimal((h >> 24) % 1000), 1000)
    volume = int(_CONTEXT.multiply(200_000, _CONTEXT.power(150, fraction)))
    sigma = 40_000 + (h >> 40) % 40_001
    return _make(base, price, volume, sigma, major=False)


def build_universe(count: int) -> tuple[PairSpec, ...]:
    """``count`` pairs: the majors first (as many as fit), then synthetic names."""
    if count < 1:
        raise ValueError("the market needs at least one pair")
    specs = [
        _make(base, Decimal(price), volume, sigma, major=True)
        for base, price, volume, sigma in _MAJORS[:count]
    ]
    taken = {spec.base for spec in specs} | {base for base, *_ in _MAJORS}
    index = 0
    while len(specs) < count:
        name = _synthetic_name(index)
        if name not in taken:
            taken.add(name)
            specs.append(_synthetic(index, name))
        index += 1
    return tuple(specs)
