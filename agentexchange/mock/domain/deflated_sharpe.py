"""Domain layer: The deflated Sharpe ratio, computed as the platform computes it.

Part of the mock's pure-Python domain core (docs/architecture.md "Domain core"); served by
``POST /metrics/deflated-sharpe``. A statistic, not money: the arithmetic is in ``float``,
step for step the platform's ``src/metrics/deflated_sharpe.py`` (so the mock answers what
the platform answers, to the last bit for ordinary inputs):

* T returns, N trials, annualisation A; population mean and variance;
* skewness and **excess** kurtosis from population moments;
* SR = mean / sd · √A (0, with skewness and kurtosis 0, when the variance is 0);
* E[max SR] = √(2 ln N)·(1 − γ/(2 ln N)) + γ/√(2 ln N), γ = 0.5772156649 — 0 when N = 1;
* Var[SR] = (1 − skew·SR + (kurt − 1)/4 · SR²) / T, floored at 1e-12 when not positive;
* DSR = (SR − E[max SR]) / √Var[SR]; p = Φ(DSR) by Abramowitz & Stegun 26.2.17;
  significant when p > 0.95.

Sums are Neumaier-compensated, as CPython ≥ 3.12's built-in ``sum`` of floats (the
platform's runtime) is. Returns too large or too small for float powers are first scaled
by a power of two, which leaves every ratio above bit-for-bit unchanged.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from .errors import DomainError

EULER_GAMMA = 0.5772156649  # the platform's constant, to 10 places
SIGNIFICANCE = 0.95
VARIANCE_FLOOR = 1e-12
MIN_RETURNS = 10

# Abramowitz & Stegun 26.2.17
_AS_P = 0.2316419
_AS_B = (0.319381530, -0.356563782, 1.781477937, -1.821255978, 1.330274429)
# Scale the returns when their largest magnitude is outside 2**±_SAFE_EXPONENT: the fourth
# power of a difference must neither overflow nor underflow.
_SAFE_EXPONENT = 120


@dataclass(frozen=True, slots=True)
class DeflatedSharpe:
    observed_sharpe: float
    expected_max_sharpe: float
    deflated_sharpe: float
    p_value: float
    is_significant: bool
    num_trials: int
    num_returns: int
    skewness: float
    kurtosis: float  # excess kurtosis


def compensated_sum(values: Sequence[float]) -> float:
    """Neumaier's compensated sum (CPython ≥ 3.12's ``sum`` of floats)."""
    total = 0.0
    compensation = 0.0
    for value in values:
        t = total + value
        if abs(total) >= abs(value):
            compensation += (total - t) + value
        else:
            compensation += (value - t) + total
        total = t
    return total + compensation


def normal_cdf(x: float) -> float:
    """Φ(x) by Abramowitz & Stegun 26.2.17 (|error| < 7.5e-8), as the platform computes it."""
    b1, b2, b3, b4, b5 = _AS_B
    xa = abs(x)
    pdf = math.exp(-0.5 * xa * xa) / math.sqrt(2 * math.pi)
    t = 1 / (1 + _AS_P * xa)
    poly = t * (b1 + t * (b2 + t * (b3 + t * (b4 + t * b5))))
    c = 1 - pdf * poly
    return c if x >= 0 else 1 - c


def expected_max_sharpe(num_trials: int) -> float:
    """The expected maximum Sharpe ratio of ``num_trials`` unit-variance trials (0 for one)."""
    if num_trials == 1:
        return 0.0
    ln_n = math.log(float(num_trials))
    root = math.sqrt(2 * ln_n)
    return root * (1 - EULER_GAMMA / (2 * ln_n)) + EULER_GAMMA / root


def _scaled(returns: Sequence[float]) -> list[float]:
    values = [float(r) for r in returns]
    largest = max((abs(v) for v in values), default=0.0)
    if largest == 0.0 or not math.isfinite(largest):
        return values
    exponent = math.frexp(largest)[1]
    if -_SAFE_EXPONENT <= exponent <= _SAFE_EXPONENT:
        return values
    return [math.ldexp(v, -exponent) for v in values]


def deflated_sharpe(
    returns: Sequence[float], num_trials: int, annualization_factor: int
) -> DeflatedSharpe:
    """Bailey & López de Prado's deflated Sharpe ratio, with the platform's simplifications."""
    if len(returns) < MIN_RETURNS:
        raise DomainError(
            "VALIDATION_ERROR",
            f"returns: at least {MIN_RETURNS} returns are needed, got {len(returns)}.",
            422,
            {"field": "returns"},
        )
    if num_trials < 1:
        raise DomainError(
            "VALIDATION_ERROR", "num_trials: must be at least 1.", 422, {"field": "num_trials"}
        )
    values = _scaled(returns)
    if not all(math.isfinite(v) for v in values):
        raise DomainError(
            "VALIDATION_ERROR",
            "returns: every return must be a finite number.",
            422,
            {"field": "returns"},
        )
    t = len(values)
    mean = compensated_sum(values) / t
    variance = compensated_sum([(r - mean) ** 2 for r in values]) / t
    if variance == 0.0:
        skew = kurt = sharpe = 0.0
    else:
        sd = math.sqrt(variance)
        skew = compensated_sum([(r - mean) ** 3 for r in values]) / (t * sd**3)
        kurt = compensated_sum([(r - mean) ** 4 for r in values]) / (t * sd**4) - 3.0
        sharpe = (mean / sd) * math.sqrt(float(annualization_factor))
    expected = expected_max_sharpe(num_trials)
    variance_sr = (1.0 / t) * (1.0 - skew * sharpe + ((kurt - 1.0) / 4.0) * sharpe**2)
    if variance_sr <= 0:
        variance_sr = VARIANCE_FLOOR
    dsr = (sharpe - expected) / math.sqrt(variance_sr)
    p_value = normal_cdf(dsr)
    return DeflatedSharpe(
        observed_sharpe=sharpe,
        expected_max_sharpe=expected,
        deflated_sharpe=dsr,
        p_value=p_value,
        is_significant=p_value > SIGNIFICANCE,
        num_trials=num_trials,
        num_returns=t,
        skewness=skew,
        kurtosis=kurt,
    )
