"""The deflated Sharpe ratio as the platform computes it (``domain/deflated_sharpe.py``).

Issue 13's acceptance: checked against a hand computation of the platform's formula,
stated here with its inputs, and against the platform's recorded answers.

The platform's formula (``src/metrics/deflated_sharpe.py`` at 965052d), for T returns r,
N trials and the annualisation factor A, in float:

    mean = Σr / T;  var = Σ(r − mean)² / T                       (population)
    sd = √var;  skew = Σ(r − mean)³ / (T·sd³);  kurt = Σ(r − mean)⁴ / (T·sd⁴) − 3   (excess)
    SR = mean / sd · √A                        (var = 0: SR = skew = kurt = 0)
    E = √(2 ln N)·(1 − γ/(2 ln N)) + γ/√(2 ln N),  γ = 0.5772156649   (N = 1: E = 0)
    V = (1 − skew·SR + (kurt − 1)/4 · SR²) / T,  V = 1e-12 if V ≤ 0
    DSR = (SR − E) / √V;  p = Φ(DSR), Abramowitz & Stegun 26.2.17;  significant: p > 0.95

Statistics, not money: the platform computes in float, and so do the expected values here.
"""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from recorded import R60  # the 60 returns the platform was asked about (tests/data/)

from agentexchange.mock.domain.deflated_sharpe import (
    compensated_sum,
    deflated_sharpe,
    expected_max_sharpe,
    normal_cdf,
)
from agentexchange.mock.domain.errors import DomainError

# The worked example: ten daily returns, ten trials, no annualisation (A = 1).
RETURNS = [0.01, -0.005, 0.02, 0.003, -0.01, 0.015, 0.007, -0.002, 0.011, 0.004]
TRIALS = 10
A = 1


def rel(a: float, b: float) -> float:
    return abs(a - b) / max(abs(b), 1e-300)


def test_the_worked_example_step_by_step() -> None:
    """The formula by hand: exact fractions for the moments, float for the roots."""
    t = len(RETURNS)
    r = [Fraction(x) for x in RETURNS]  # the floats' exact values
    mean = sum(r, Fraction(0)) / t
    var = sum(((x - mean) ** 2 for x in r), Fraction(0)) / t
    assert (t, float(mean), float(var)) == (10, 0.0053, 7.681e-05)
    sd = math.sqrt(var)
    skew = float(sum(((x - mean) ** 3 for x in r), Fraction(0)) / t) / sd**3
    kurt = float(sum(((x - mean) ** 4 for x in r), Fraction(0)) / t) / sd**4 - 3
    sharpe = float(mean) / sd * math.sqrt(A)
    ln_n = math.log(TRIALS)
    expected = math.sqrt(2 * ln_n) * (1 - 0.5772156649 / (2 * ln_n)) + 0.5772156649 / math.sqrt(
        2 * ln_n
    )
    v = (1 - skew * sharpe + (kurt - 1) / 4 * sharpe**2) / t
    assert v > 0  # no floor here
    dsr = (sharpe - expected) / math.sqrt(v)
    # Φ by Abramowitz & Stegun 26.2.17, for DSR < 0: Φ(x) = pdf(|x|)·poly(t), t = 1/(1 + p|x|)
    x = abs(dsr)
    tt = 1 / (1 + 0.2316419 * x)
    poly = tt * (
        0.319381530
        + tt * (-0.356563782 + tt * (1.781477937 + tt * (-1.821255978 + tt * 1.330274429)))
    )
    p = math.exp(-x * x / 2) / math.sqrt(2 * math.pi) * poly
    # The intermediate values, written down once (issue 13's research notes), so that a change
    # to any one step shows here.
    assert rel(sd, 0.008764131445842194) < 1e-14
    assert rel(skew, -0.10317705339740187) < 1e-12
    assert rel(kurt, -0.8639254293056977) < 1e-12
    assert rel(sharpe, 0.6047376209212816) < 1e-14
    assert rel(expected, 2.145966026289347) < 1e-15
    assert rel(v, 0.08919821265590307) < 1e-12
    assert rel(dsr, -5.160466089445172) < 1e-12
    assert rel(p, 1.2339461352706138e-07) < 1e-9

    got = deflated_sharpe(RETURNS, TRIALS, A)
    assert got.num_returns == 10 and got.num_trials == 10
    assert rel(got.observed_sharpe, sharpe) < 1e-12
    assert rel(got.expected_max_sharpe, expected) < 1e-15
    assert rel(got.skewness, skew) < 1e-12
    assert rel(got.kurtosis, kurt) < 1e-12
    assert rel(got.deflated_sharpe, dsr) < 1e-12
    assert rel(got.p_value, p) < 1e-9
    assert got.is_significant is False


def test_the_variance_floor_when_the_formula_goes_negative() -> None:
    # Same returns, A = 252: SR = 0.6047376209212816·√252 = 9.5999…, and
    # V = (1 − skew·SR + (kurt − 1)/4·SR²)/10 = −4.0953… ≤ 0, so V = 1e-12 and √V = 1e-6.
    got = deflated_sharpe(RETURNS, TRIALS, 252)
    sharpe = 0.6047376209212816 * math.sqrt(252)
    assert rel(got.observed_sharpe, sharpe) < 1e-14
    assert rel(got.deflated_sharpe, (sharpe - 2.145966026289347) / 1e-6) < 1e-12
    assert (got.p_value, got.is_significant) == (1.0, True)


# --------------------------------------------------------------------------- recorded
# Recorded from the platform, tests/data/platform/indicators_metrics_excerpt.json
# (POST /api/v1/metrics/deflated-sharpe, 2026-12-02): the three 200 answers, bit for bit.


def test_recorded_r60_ten_trials() -> None:
    got = deflated_sharpe(R60, 10, 252)  # the request omitted annualization_factor: 252
    assert got.observed_sharpe == 2.0652447376371725
    assert got.expected_max_sharpe == 2.145966026289347
    assert got.deflated_sharpe == -2.4548032181067154
    assert got.p_value == 0.007048091360976061
    assert got.is_significant is False
    assert (got.num_trials, got.num_returns) == (10, 60)
    assert got.skewness == 0.15118067112375305
    assert got.kurtosis == 0.4158377660673538


def test_recorded_r60_one_trial() -> None:
    # N = 1: no multiple-testing penalty (E = 0); V ≤ 0, so the 1e-12 floor: DSR = SR·10⁶.
    got = deflated_sharpe(R60, 1, 365)
    assert got.observed_sharpe == 2.4855224264916194
    assert got.expected_max_sharpe == 0.0
    assert got.deflated_sharpe == 2485522.4264916196
    assert got.p_value == 1.0
    assert got.is_significant is True
    assert (got.num_trials, got.num_returns) == (1, 60)
    assert got.skewness == 0.15118067112375305
    assert got.kurtosis == 0.4158377660673538


def test_recorded_zero_returns() -> None:
    # var = 0: SR = skew = kurt = 0; V = 1/40; DSR = −√(2 ln 5)·√40.
    got = deflated_sharpe([0.0] * 40, 5, 252)
    assert got.observed_sharpe == 0.0
    assert got.expected_max_sharpe == 1.7941225779941015
    assert got.deflated_sharpe == -11.347027495988895
    assert got.p_value == 0.0
    assert got.is_significant is False
    assert (got.num_trials, got.num_returns) == (5, 40)
    assert (got.skewness, got.kurtosis) == (0.0, 0.0)


# --------------------------------------------------------------------------- the parts


def test_expected_max_sharpe_is_the_square_root_of_2_ln_n() -> None:
    # The γ terms of the platform's expression cancel: E = √(2 ln N).
    for n in (2, 5, 10, 100, 1000, 100000):
        assert rel(expected_max_sharpe(n), math.sqrt(2 * math.log(n))) < 1e-15
    assert expected_max_sharpe(1) == 0.0


def test_normal_cdf_is_abramowitz_stegun() -> None:
    assert abs(normal_cdf(0.0) - 0.5) < 1e-8
    for x in (-3.0, -1.0, -0.1, 0.5, 1.96, 4.0):
        erf_based = 0.5 * (1 + math.erf(x / math.sqrt(2)))
        assert abs(normal_cdf(x) - erf_based) < 7.5e-8
        assert normal_cdf(x) + normal_cdf(-x) == pytest.approx(1.0, abs=1e-15)
    assert normal_cdf(-40.0) == 0.0 and normal_cdf(40.0) == 1.0


def test_compensated_sum_keeps_what_a_naive_sum_loses() -> None:
    values = [1e16, 1.0, -1e16] * 3
    assert compensated_sum(values) == 3.0
    assert compensated_sum([]) == 0.0


def test_significance_is_strictly_above_0_95() -> None:
    strong = [0.01 + 0.001 * ((i * 7) % 5 - 2) for i in range(100)]
    got = deflated_sharpe(strong, 2, 1)
    assert got.p_value > 0.95 and got.is_significant is True
    likely = deflated_sharpe(R60, 8, 252)  # more likely than not, but not beyond 0.95
    assert 0.5 < likely.p_value < 0.95 and likely.is_significant is False
    weak = deflated_sharpe(R60, 100000, 252)
    assert weak.p_value < 0.5 and weak.is_significant is False


def test_the_scale_of_the_returns_does_not_matter() -> None:
    # Scaled by powers of two (exact in float): the same answer, bit for bit, even where
    # the fourth powers would overflow or underflow a float.
    base = deflated_sharpe(RETURNS, TRIALS, A)
    for exponent in (300, -600, 10):
        scaled = deflated_sharpe([math.ldexp(x, exponent) for x in RETURNS], TRIALS, A)
        assert scaled == base, exponent
    huge = deflated_sharpe([1e308, -1e308] + [0.0] * 8, 10, 525600)
    assert all(math.isfinite(v) for v in (huge.deflated_sharpe, huge.kurtosis))


def test_too_few_returns_or_trials_are_refused() -> None:
    with pytest.raises(DomainError) as err:
        deflated_sharpe([0.01, 0.02], 10, 252)
    assert (err.value.status, err.value.code, err.value.details) == (
        422,
        "VALIDATION_ERROR",
        {"field": "returns"},
    )
    with pytest.raises(DomainError) as err:
        deflated_sharpe(R60, 0, 252)
    assert err.value.details == {"field": "num_trials"}
    with pytest.raises(DomainError):
        deflated_sharpe([math.inf] + [0.0] * 9, 2, 252)
