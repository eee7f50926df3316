"""The backtest engine's wallet (``domain/sandbox.py``) and its candle-range trigger rule.

The sandbox is what backtest sessions and strategy tests trade through: the live fee,
slippage, lot and risk rules on a ``Book`` that belongs to no agent. Expected values are
worked out here by hand from the documented rules (fee 0.1 % of the gross, slippage
0.1 x order value / 24 h volume clamped to [0.01 %, 10 %], 8-decimal rounding).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from agentexchange.mock.domain.errors import DomainError
from agentexchange.mock.domain.orders import crossed, range_fill_price
from agentexchange.mock.domain.risk import RiskProfile
from agentexchange.mock.domain.sandbox import Sandbox

T0 = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
BIG_VOLUME = Decimal("1e12")  # slippage at its 0.01 % floor for these orders
D = Decimal


def sandbox(risk: RiskProfile | None = None, balance: str = "10000") -> Sandbox:
    return Sandbox(D(balance), T0, risk=risk or RiskProfile())


def place(
    box: Sandbox,
    symbol: str,
    side: str,
    order_type: str,
    quantity: str,
    price: str | None = None,
    *,
    reference: str = "100",
    volume: Decimal = BIG_VOLUME,
    now: datetime = T0,
) -> object:
    return box.place(
        symbol,
        side,
        order_type,
        D(quantity),
        None if price is None else D(price),
        now=now,
        min_qty=D("0.001"),
        reference=D(reference),
        quote_volume=lambda: volume,
        price_of=lambda _symbol: D(reference),
    )


# --------------------------------------------------------------- range rule
@pytest.mark.parametrize(
    ("order_type", "side", "level", "high", "low", "fires"),
    [
        ("limit", "buy", "95", "101", "96", False),  # never down to 95
        ("limit", "buy", "95", "101", "95", True),  # touched
        ("limit", "sell", "105", "105", "99", True),
        ("stop_loss", "sell", "95", "101", "94", True),  # fell through the stop
        ("stop_loss", "buy", "105", "104", "90", False),  # a buy stop needs the price to rise
        ("take_profit", "sell", "105", "106", "99", True),
        ("take_profit", "buy", "95", "101", "94", True),
    ],
)
def test_a_pending_order_fires_when_the_candle_range_reaches_its_level(
    order_type: str, side: str, level: str, high: str, low: str, fires: bool
) -> None:
    assert crossed(order_type, side, D(level), D(high), D(low)) is fires
    # The same on integer ticks (the session's fast form): 2 decimals -> x100.
    assert (
        crossed(order_type, side, int(D(level) * 100), int(D(high) * 100), int(D(low) * 100))
        is fires
    )


def test_a_crossed_order_fills_at_its_level_or_at_a_gapping_open() -> None:
    # A limit buy at 95: a candle opening at 100 fills at 95; one opening at 90 (a gap
    # below the limit) fills at the better 90. A stop-loss sell at 95 opening at 90 fills
    # at the worse 90. A take-profit sell at 105 opening at 110 fills at 110.
    assert range_fill_price("limit", "buy", D(95), D(100)) == 95
    assert range_fill_price("limit", "buy", D(95), D(90)) == 90
    assert range_fill_price("stop_loss", "sell", D(95), D(90)) == 90
    assert range_fill_price("stop_loss", "sell", D(95), D(99)) == 95
    assert range_fill_price("take_profit", "sell", D(105), D(110)) == 110
    assert range_fill_price("stop_loss", "buy", D(105), D(110)) == 110


# --------------------------------------------------------------- market orders
def test_a_market_buy_pays_the_price_plus_slippage_plus_the_fee() -> None:
    box = sandbox()
    order = place(box, "ETHUSDT", "buy", "market", "2")
    # 100 x 1.0001 = 100.01; gross 200.02; fee 0.20002; cash 10000 - 200.22002
    assert (order.status, order.executed_price, order.fee) == (
        "filled",
        D("100.01"),
        D("0.20002000"),
    )
    assert box.cash.free == D("9799.77998000")
    assert box.held("ETHUSDT") == 2
    assert box.book.positions["ETH"].avg_entry_price == D("100.01")


def test_slippage_grows_with_the_order_against_the_days_volume() -> None:
    box = sandbox()
    # 0.1 x 1000 / 200,000 = 0.05 % -> 100.05; fee 0.1 % of 1000.5
    order = place(box, "ETHUSDT", "buy", "market", "10", volume=D(200000))
    assert order.executed_price == D("100.05") and order.slippage_pct == D("0.050000")
    assert order.fee == D("1.00050000")


def test_a_sell_books_realized_pnl_before_fees_and_the_fee_apart() -> None:
    box = sandbox()
    place(box, "ETHUSDT", "buy", "market", "2")
    sell = place(box, "ETHUSDT", "sell", "market", "2", reference="110")
    # sold at 110 x 0.9999 = 109.989 against 100.01: (109.989 - 100.01) x 2 = 19.958
    trade = box.book.trades[-1]
    assert sell.executed_price == D("109.989") and trade.pnl == D("19.95800000")
    assert box.book.realized_pnl == D("19.95800000")
    assert box.book.fees_paid == D("0.20002000") + D("0.21997800")
    assert box.held("ETHUSDT") == 0 and "ETH" not in box.book.positions


def test_the_live_lot_and_value_rules_apply() -> None:
    box = sandbox()
    with pytest.raises(DomainError) as err:
        place(box, "ETHUSDT", "buy", "market", "0.0001")  # below min_qty 0.001
    assert err.value.code == "INVALID_QUANTITY" and err.value.details["min_qty"] == "0.001"
    with pytest.raises(DomainError) as err:
        place(box, "ETHUSDT", "buy", "market", "0.005")  # 0.5 USDT, below the 1 USDT minimum
    assert err.value.details["min_notional"] == "1"
    with pytest.raises(DomainError) as err:
        place(box, "ETHUSDT", "buy", "market", "1", "100")
    assert err.value.code == "INVALID_ORDER_TYPE"
    with pytest.raises(DomainError) as err:
        place(box, "ETHUSDT", "sell", "market", "1")
    assert err.value.code == "INSUFFICIENT_BALANCE" and err.value.details["asset"] == "ETH"


def test_the_risk_profile_refuses_as_live_with_the_reason() -> None:
    box = sandbox(RiskProfile(max_position_size_pct=10, max_order_size_pct=50))
    with pytest.raises(DomainError) as err:
        place(box, "ETHUSDT", "buy", "market", "15")  # 1500 of 10000 equity: 15 % > 10 %
    assert (err.value.code, err.value.status) == ("ORDER_REJECTED", 400)
    assert err.value.details["reason"] == "position_limit_exceeded"
    assert not box.book.orders, "a refused order leaves nothing behind"
    tight = sandbox(RiskProfile(max_open_orders=1))
    place(tight, "ETHUSDT", "buy", "limit", "1", "90")
    with pytest.raises(DomainError) as err:
        place(tight, "ETHUSDT", "buy", "limit", "1", "80")
    assert err.value.details["reason"] == "max_open_orders_exceeded"


def test_the_daily_loss_breaker_counts_the_replayed_day() -> None:
    box = sandbox(RiskProfile(daily_loss_limit_pct=1))
    place(box, "ETHUSDT", "buy", "market", "20")  # 2000 USDT
    place(box, "ETHUSDT", "sell", "market", "20", reference="90")  # about -200: 2 % of 10000
    with pytest.raises(DomainError) as err:
        place(box, "ETHUSDT", "buy", "market", "1")
    assert err.value.code == "DAILY_LOSS_LIMIT"
    # The next replayed day trades again.
    order = place(box, "ETHUSDT", "buy", "market", "1", now=T0 + timedelta(days=1))
    assert order.status == "filled"


# --------------------------------------------------------------- pending orders
def test_a_pending_buy_locks_price_plus_fee_and_fills_later() -> None:
    box = sandbox()
    order = place(box, "ETHUSDT", "buy", "limit", "2", "95")
    assert order.status == "pending" and order.locked_amount == D("190.19000000")
    assert (box.cash.free, box.cash.locked) == (D("9809.81000000"), D("190.19000000"))
    assert box.fill_pending(order, D(95), T0 + timedelta(minutes=3), BIG_VOLUME)
    # 95 x 1.0001 = 95.0095 x 2 = 190.019, fee 0.190019
    assert order.executed_price == D("95.0095") and box.cash.locked == 0
    assert box.cash.free == D(10000) - D("190.019") - D("0.190019")
    assert box.book.trades[-1].executed_at == T0 + timedelta(minutes=3)


def test_a_pending_buy_that_slippage_makes_unaffordable_is_rejected_as_live() -> None:
    box = sandbox(RiskProfile(max_position_size_pct=100, max_order_size_pct=100), balance="100")
    order = place(box, "ETHUSDT", "buy", "limit", "1", "99.8", reference="100")  # locks 99.9098
    assert box.fill_pending(order, D("99.8"), T0, D(1000)) is False  # 10 % slippage
    assert order.status == "rejected" and order.rejected_reason == "insufficient_balance"
    assert box.cash.free == 100 and box.cash.locked == 0 and not box.book.trades


def test_cancel_gives_the_funds_back_and_refuses_twice() -> None:
    box = sandbox()
    place(box, "ETHUSDT", "buy", "market", "1")
    stop = place(box, "ETHUSDT", "sell", "stop_loss", "1", "90")
    assert box.book.wallet["ETH"].locked == 1
    box.cancel(stop.order_id, T0)
    assert box.book.wallet["ETH"].free == 1 and stop.status == "cancelled"
    with pytest.raises(DomainError) as err:
        box.cancel(stop.order_id, T0)
    assert (err.value.status, err.value.code) == (400, "ORDER_NOT_CANCELLABLE")
    with pytest.raises(DomainError) as err:
        box.cancel("nope", T0)
    assert (err.value.status, err.value.code) == (404, "ORDER_NOT_FOUND")


def test_execute_is_the_strategy_tests_fill_without_slippage() -> None:
    box = Sandbox(D(1000), T0)
    buy = box.execute("X", "buy", D(5), D(100), T0)  # any symbol name: the wallet keys by it
    assert buy.executed_price == 100 and buy.fee == D("0.5")
    assert box.equity({"X": D(110)}) == D(1000) - D("500.5") + D(550)
    with pytest.raises(DomainError):
        box.execute("X", "sell", D(6), D(100), T0)
