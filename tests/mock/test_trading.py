"""The mock's trading engine on a fake market: fill math, locks, matching, idempotency,
balances that add up, reset and events."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from agentexchange.mock.domain.errors import DomainError
from agentexchange.mock.domain.orders import fill_terms, slippage_fraction, triggered

from .test_trading_fakes import D, World


def usdt(world: World, agent_id: str) -> dict[str, Decimal]:
    balances = world.trading.balance(agent_id)["balances"]
    row = next(b for b in balances if b["asset"] == "USDT")
    return {"free": row["available"], "locked": row["locked"], "total": row["total"]}


def held(world: World, agent_id: str, asset: str) -> Decimal:
    balances = world.trading.balance(agent_id)["balances"]
    return next((b["total"] for b in balances if b["asset"] == asset), Decimal(0))


# ------------------------------------------------------------------- fill arithmetic


def test_market_buy_fills_at_price_plus_minimum_slippage_with_a_tenth_percent_fee() -> None:
    world = World()
    agent = world.new_agent()
    order = world.trading.place_order(agent, "BTCUSDT", "buy", "market", D("0.01"))
    # The platform's live example (tests/data/platform/tradeready-api-notes.md §6):
    # 0.01 BTC at 64000 -> 64006.40, fee 0.64006400.
    assert order["status"] == "filled"
    assert order["executed_price"] == D("64006.40000000")
    assert order["slippage_pct"] == D("0.010000")
    assert order["fee"] == D("0.64006400")
    assert order["total_cost"] == D("640.70406400")
    assert usdt(world, agent)["free"] == D("10000") - D("640.70406400")
    assert held(world, agent, "BTC") == D("0.01")


def test_slippage_grows_with_order_value_against_quote_volume_and_is_clamped() -> None:
    assert slippage_fraction(D("1000"), D("100000")) == D("0.001")  # 0.1 x 1000/100000
    assert slippage_fraction(D("1"), D("100000")) == D("0.0001")  # floor
    assert slippage_fraction(D("10000000"), D("100000")) == D("0.10")  # ceiling
    assert slippage_fraction(D("1"), D("0")) == D("0.0001")  # no volume known
    sell = fill_terms("sell", D("10"), D("100"), D("10000"))  # 1000 USDT of 10000 traded
    assert sell.slippage_pct == D("1.000000")
    assert sell.price == D("99.00000000")  # sells slip down
    assert sell.total == sell.gross - sell.fee
    buy = fill_terms("buy", D("10"), D("100"), D("10000"))
    assert buy.price == D("101.00000000")


def test_a_large_order_on_a_thin_pair_pays_more_slippage() -> None:
    world = World()
    agent = world.new_agent()
    world.market.volumes["ETHUSDT"] = D("300000")  # 24 h USDT volume
    order = world.trading.place_order(agent, "ETHUSDT", "buy", "market", D("0.5"))
    # 1500 USDT / 300000 x 0.1 = 0.05 %
    assert order["slippage_pct"] == D("0.050000")
    assert order["executed_price"] == D("3001.50000000")


def test_a_sell_books_realized_pnl_before_fees_and_credits_gross_minus_fee() -> None:
    world = World()
    agent = world.new_agent()
    world.trading.place_order(agent, "BTCUSDT", "buy", "market", D("0.01"))
    world.market.set("BTCUSDT", "66000")
    sold = world.trading.place_order(agent, "BTCUSDT", "sell", "market", D("0.01"))
    assert sold["executed_price"] == D("65993.40000000")
    trade = world.trading.get_trade_history(agent)["trades"][0]
    assert trade["pnl"] == D("19.87000000")  # (65993.40 - 64006.40) x 0.01
    pnl = world.trading.pnl(agent)
    assert pnl["realized_pnl"] == D("19.87000000")
    assert pnl["fees_paid"] == D("0.64006400") + D("0.65993400")
    assert pnl["winning_trades"] == 1 and pnl["win_rate"] == D("100.00")
    assert held(world, agent, "BTC") == 0
    assert world.trading.positions(agent)["positions"] == []


def test_balances_add_up_after_a_sequence_of_trades() -> None:
    world = World()
    agent = world.new_agent()
    trading = world.trading
    trading.place_order(agent, "BTCUSDT", "buy", "market", D("0.02"))
    trading.place_order(agent, "ETHUSDT", "buy", "market", D("0.5"))
    world.market.set("BTCUSDT", "65000")
    trading.place_order(agent, "BTCUSDT", "buy", "market", D("0.01"))
    world.market.set("ETHUSDT", "2900")
    trading.place_order(agent, "ETHUSDT", "sell", "market", D("0.2"))
    trading.place_order(agent, "BTCUSDT", "sell", "limit", D("0.01"), D("70000"))  # locks BTC
    trading.place_order(agent, "ETHUSDT", "buy", "limit", D("0.1"), D("2000"))  # locks USDT
    world.market.set("BTCUSDT", "63500")

    portfolio = trading.portfolio(agent)
    pnl = trading.pnl(agent)
    cash = usdt(world, agent)
    # equity = cash (free + locked) + positions at market
    assert portfolio["total_equity"] == cash["total"] + portfolio["total_position_value"]
    assert (
        portfolio["available_cash"] == cash["free"] and portfolio["locked_cash"] == cash["locked"]
    )
    # ... = starting balance + realized + unrealized - fees
    assert portfolio["total_equity"] == (
        D("10000") + pnl["realized_pnl"] + pnl["unrealized_pnl"] - pnl["fees_paid"]
    )
    assert portfolio["total_pnl"] == pnl["net_pnl"]
    assert trading.balance(agent)["total_equity_usdt"] == portfolio["total_equity"]
    positions = {p["symbol"]: p for p in trading.positions(agent)["positions"]}
    assert positions["BTCUSDT"]["quantity"] == D("0.03")  # locked BTC still held
    # Average entry is the quantity-weighted execution price.
    expected = (D("64006.40") * D("0.02") + D("65006.50") * D("0.01")) / D("0.03")
    assert abs(positions["BTCUSDT"]["avg_entry_price"] - expected) < D("0.00000001")


# ------------------------------------------------------------------- pending orders


def test_pending_limit_buy_locks_funds_and_fills_when_the_price_crosses() -> None:
    world = World()
    agent = world.new_agent()
    order = world.trading.place_order(agent, "BTCUSDT", "buy", "limit", D("0.01"), D("63000"))
    assert order["status"] == "pending"
    assert order["locked_amount"] == D("630.63000000")  # 0.01 x 63000 x 1.001
    assert usdt(world, agent) == {
        "free": D("9369.37000000"),
        "locked": D("630.63000000"),
        "total": D("10000"),
    }
    world.tick()
    assert world.trading.get_order(agent, order["order_id"])["status"] == "pending"

    world.market.set("BTCUSDT", "62900")
    world.tick()
    detail = world.trading.get_order(agent, order["order_id"])
    assert detail["status"] == "filled"
    assert detail["executed_price"] == D("62906.29000000")  # current price + slippage
    assert usdt(world, agent)["locked"] == 0
    assert usdt(world, agent)["free"] == D("10000") - D("629.06290000") - D("0.62906290")
    assert world.trading.get_orders(agent, open_only=True)["total"] == 0


def test_a_pending_buy_whose_slippage_exceeds_its_lock_and_the_free_cash_is_rejected() -> None:
    world = World()
    agent = world.new_agent(balance="1000")
    me = world.accounts.agent(agent)
    assert me is not None
    limits = {"max_order_size_pct": 100, "max_position_size_pct": 100}
    world.accounts.set_risk_profile(me.account_id, agent, limits)
    order = world.trading.place_order(agent, "ETHUSDT", "buy", "limit", D("0.33"), D("3000"))
    assert order["locked_amount"] == D("990.99000000")  # 0.33 x 3000 x 1.001; 9.01 stays free
    # A thin pair: 10 % slippage, so the fill costs 0.33 x 3300 x 1.001 = 1090.089 > 1000.
    world.market.volumes["ETHUSDT"] = D("990")
    world.tick()
    assert fill_terms("buy", D("0.33"), D("3000"), D("990")).total == D("1090.08900000")
    # The lock came back and nothing was spent: cash never goes negative.
    assert usdt(world, agent) == {"free": D("1000"), "locked": D("0"), "total": D("1000")}
    detail = world.trading.get_order(agent, order["order_id"])
    assert detail["status"] == "rejected" and detail["executed_price"] is None
    assert me.book.orders[order["order_id"]].rejected_reason == "insufficient_balance"
    assert held(world, agent, "ETH") == 0
    assert world.trading.get_orders(agent, open_only=True)["total"] == 0


@pytest.mark.parametrize(
    ("order_type", "side", "fires_at", "waits_at"),
    [
        ("limit", "buy", "99", "101"),
        ("limit", "sell", "101", "99"),
        ("stop_loss", "sell", "99", "101"),
        ("take_profit", "sell", "101", "99"),
        # Buys mirror the sell triggers (orders.py docstring): a stop-buy fires on a rise.
        ("stop_loss", "buy", "101", "99"),
        ("take_profit", "buy", "99", "101"),
    ],
)
def test_trigger_direction(order_type: str, side: str, fires_at: str, waits_at: str) -> None:
    assert triggered(order_type, side, D("100"), D(fires_at))
    assert triggered(order_type, side, D("100"), D("100"))  # at the price itself
    assert not triggered(order_type, side, D("100"), D(waits_at))


def test_stop_loss_sell_locks_the_base_asset_and_fires_on_a_fall() -> None:
    world = World()
    agent = world.new_agent()
    world.trading.place_order(agent, "BTCUSDT", "buy", "market", D("0.02"))
    stop = world.trading.place_order(agent, "BTCUSDT", "sell", "stop_loss", D("0.02"), D("60000"))
    btc = next(b for b in world.trading.balance(agent)["balances"] if b["asset"] == "BTC")
    assert (btc["available"], btc["locked"]) == (0, D("0.02"))
    world.market.set("BTCUSDT", "59000")
    world.tick()
    filled = world.trading.get_order(agent, stop["order_id"])
    assert filled["status"] == "filled"
    # The platform's live example (tests/data/platform/tradeready-api-notes.md §6).
    assert filled["executed_price"] == D("58994.10000000")
    assert held(world, agent, "BTC") == 0


def test_cancel_unlocks_and_a_second_cancel_is_not_cancellable() -> None:
    world = World()
    agent = world.new_agent()
    order = world.trading.place_order(agent, "ETHUSDT", "buy", "limit", D("1"), D("2500"))
    cancelled = world.trading.cancel_order(agent, order["order_id"])
    assert cancelled["status"] == "cancelled"
    assert cancelled["unlocked_amount"] == D("2502.50000000")
    assert usdt(world, agent) == {"free": D("10000"), "locked": D("0"), "total": D("10000")}
    with pytest.raises(DomainError) as again:
        world.trading.cancel_order(agent, order["order_id"])
    assert again.value.code == "ORDER_NOT_CANCELLABLE" and again.value.status == 400
    assert again.value.details == {"order_id": order["order_id"], "current_status": "cancelled"}


def test_cancelling_a_filled_order_is_refused_and_unknown_orders_are_404() -> None:
    world = World()
    agent = world.new_agent()
    order = world.trading.place_order(agent, "BTCUSDT", "buy", "market", D("0.01"))
    with pytest.raises(DomainError) as filled:
        world.trading.cancel_order(agent, order["order_id"])
    assert filled.value.details["current_status"] == "filled"
    with pytest.raises(DomainError) as unknown:
        world.trading.get_order(agent, "660e8400-e29b-41d4-a716-446655440001")
    assert (unknown.value.code, unknown.value.status) == ("ORDER_NOT_FOUND", 404)


def test_cancel_all_orders_unlocks_everything() -> None:
    world = World()
    agent = world.new_agent()
    world.trading.place_order(agent, "BTCUSDT", "buy", "limit", D("0.01"), D("60000"))
    world.trading.place_order(agent, "ETHUSDT", "buy", "limit", D("0.1"), D("2000"))
    result = world.trading.cancel_all_orders(agent)
    assert result == {"cancelled_count": 2, "total_unlocked": D("600.60000000") + D("200.20000000")}
    assert usdt(world, agent)["locked"] == 0


@pytest.mark.parametrize(
    ("order_type", "price", "code"),
    [("market", "100", "INVALID_ORDER_TYPE"), ("limit", None, "INVALID_ORDER_TYPE")],
)
def test_price_is_required_for_pending_types_and_forbidden_for_market(
    order_type: str, price: str | None, code: str
) -> None:
    world = World()
    with pytest.raises(DomainError) as err:
        world.trading.place_order(
            world.new_agent(), "BTCUSDT", "buy", order_type, D("0.01"), D(price) if price else None
        )
    assert err.value.code == code


def test_zero_quantity_tiny_orders_and_unknown_symbols_are_rejected() -> None:
    world = World()
    agent = world.new_agent()
    for symbol, quantity, code in [
        ("BTCUSDT", "0", "INVALID_QUANTITY"),
        ("BTCUSDT", "0.00000001", "INVALID_QUANTITY"),  # below 1 USDT notional
        ("FOOUSDT", "1", "INVALID_SYMBOL"),
    ]:
        with pytest.raises(DomainError) as err:
            world.trading.place_order(agent, symbol, "buy", "market", D(quantity))
        assert err.value.code == code


# ------------------------------------------------------------------- idempotency


def test_a_repeated_idempotency_key_returns_the_first_order_without_placing_twice() -> None:
    world = World()
    agent = world.new_agent()
    first = world.trading.place_order(
        agent, "BTCUSDT", "buy", "market", D("0.01"), idempotency_key="k-1"
    )
    world.market.set("BTCUSDT", "70000")  # a second placement would fill differently
    again = world.trading.place_order(
        agent, "BTCUSDT", "buy", "market", D("0.01"), idempotency_key="k-1"
    )
    assert again == first
    assert world.trading.get_trade_history(agent)["total"] == 1
    other = world.trading.place_order(
        agent, "BTCUSDT", "buy", "market", D("0.01"), idempotency_key="k-2"
    )
    assert other["order_id"] != first["order_id"]


def test_idempotency_replays_errors_and_refuses_a_different_body_under_the_same_key() -> None:
    world = World()
    agent = world.new_agent(balance="100")
    for _ in range(2):
        with pytest.raises(DomainError) as err:
            world.trading.place_order(
                agent, "BTCUSDT", "buy", "market", D("1"), idempotency_key="x"
            )
        assert err.value.code == "INSUFFICIENT_BALANCE"
    with pytest.raises(DomainError) as changed:
        world.trading.place_order(agent, "ETHUSDT", "buy", "market", D("0.01"), idempotency_key="x")
    assert changed.value.status == 422


def test_idempotency_keys_are_per_agent() -> None:
    world = World()
    a, b = world.new_agent(), world.new_agent()
    first = world.trading.place_order(
        a, "BTCUSDT", "buy", "market", D("0.01"), idempotency_key="same"
    )
    second = world.trading.place_order(
        b, "BTCUSDT", "buy", "market", D("0.01"), idempotency_key="same"
    )
    assert first["order_id"] != second["order_id"]


# ------------------------------------------------------------------- reset, events, snapshots


def test_reset_restores_the_balance_cancels_orders_and_keeps_history() -> None:
    world = World()
    agent = world.new_agent()
    world.trading.place_order(agent, "BTCUSDT", "buy", "market", D("0.01"))
    pending = world.trading.place_order(agent, "ETHUSDT", "buy", "limit", D("0.1"), D("2000"))
    world.clock.advance(3 * 86400)
    result = world.trading.reset(agent, D("5000"))
    assert result["new_session"]["starting_balance"] == D("5000")
    assert result["previous_session"]["duration_days"] == 3
    assert result["previous_session"]["ending_equity"] < D("10000")  # fees paid
    assert usdt(world, agent) == {"free": D("5000"), "locked": D("0"), "total": D("5000")}
    assert world.trading.positions(agent)["positions"] == []
    assert world.trading.get_order(agent, pending["order_id"])["status"] == "cancelled"
    assert world.trading.get_trade_history(agent)["total"] == 1  # history kept
    assert world.trading.pnl(agent)["fees_paid"] == 0  # a fresh session


def test_order_and_portfolio_events_are_published_on_each_change() -> None:
    world = World()
    agent = world.new_agent()
    seen: list[tuple[str, dict[str, Any]]] = []
    world.events.subscribe("order", lambda topic, payload: seen.append((topic, payload)))
    world.events.subscribe("portfolio", lambda topic, payload: seen.append((topic, payload)))
    order = world.trading.place_order(agent, "BTCUSDT", "buy", "limit", D("0.01"), D("63000"))
    world.market.set("BTCUSDT", "62000")
    world.tick()
    orders = [p for t, p in seen if t == "order"]
    assert [p["status"] for p in orders] == ["pending", "filled"]
    assert all(p["order_id"] == order["order_id"] and p["agent_id"] == agent for p in orders)
    assert orders[1]["executed_price"] == Decimal("62006.20000000") and orders[1]["fee"] == Decimal(
        "0.62006200"
    )
    assert set(orders[1]) == {
        "agent_id",
        "order_id",
        "symbol",
        "side",
        "type",
        "status",
        "quantity",
        "price",
        "executed_price",
        "executed_quantity",
        "fee",
        "timestamp",
    }
    portfolios = [p for t, p in seen if t == "portfolio"]
    assert len(portfolios) == 2
    assert set(portfolios[-1]) == {
        "agent_id",
        "total_equity",
        "available_cash",
        "unrealized_pnl",
        "realized_pnl",
        "roi_pct",
        "timestamp",
    }
    assert Decimal(portfolios[-1]["total_equity"]) == world.trading.portfolio(agent)["total_equity"]


def test_equity_snapshots_are_taken_on_fills_and_each_simulated_minute() -> None:
    world = World()
    agent = world.new_agent()
    world.trading.place_order(agent, "BTCUSDT", "buy", "market", D("0.01"))
    for _ in range(5):
        world.tick(60)
    history = world.trading.portfolio_history(agent, "1m", 100)
    assert len(history["snapshots"]) == 6
    times = [s["time"] for s in history["snapshots"]]
    assert times == sorted(times)
    hourly = world.trading.portfolio_history(agent, "1h", 100)
    assert len(hourly["snapshots"]) == 1  # same hour: the latest replaces the earlier


def test_an_archived_agent_cannot_trade_but_its_owner_can_read_it() -> None:
    world = World()
    registration = world.accounts.register("Owner")
    agent = registration.agent
    world.accounts.archive_agent(agent.account_id, agent.id)
    with pytest.raises(DomainError) as err:
        world.trading.place_order(agent.id, "BTCUSDT", "buy", "market", D("0.01"))
    assert err.value.code == "PERMISSION_DENIED"
    assert world.trading.balance(agent.id)["total_equity_usdt"] == D("10000.00")


def test_concurrent_orders_keep_the_wallet_consistent_and_a_shared_key_places_once() -> None:
    import threading

    world = World()
    agent = world.new_agent()
    barrier = threading.Barrier(8)
    results: list[str] = []

    def worker(i: int) -> None:
        barrier.wait()
        for j in range(5):
            world.trading.place_order(
                agent, "ETHUSDT", "buy", "market", D("0.01"), idempotency_key=f"w{i}-{j}"
            )
            shared = world.trading.place_order(
                agent, "BTCUSDT", "buy", "market", D("0.001"), idempotency_key="shared"
            )
            results.append(shared["order_id"])

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(results)) == 1  # the shared key placed exactly one order
    assert world.trading.get_trade_history(agent, limit=500)["total"] == 8 * 5 + 1
    assert held(world, agent, "ETH") == D("0.40")
    pnl = world.trading.pnl(agent)
    assert world.trading.portfolio(agent)["total_equity"] == (
        D("10000") + pnl["realized_pnl"] + pnl["unrealized_pnl"] - pnl["fees_paid"]
    )


@pytest.mark.parametrize("quantity", ["1e30", "1e999999999", "123456789012345678901234567890"])
def test_absurd_quantities_are_a_clear_invalid_quantity(quantity: str) -> None:
    world = World()
    agent = world.new_agent()
    for order_type, price in (("market", None), ("limit", D("100"))):
        with pytest.raises(DomainError) as err:
            world.trading.place_order(agent, "BTCUSDT", "buy", order_type, D(quantity), price)
        assert (err.value.code, err.value.status) == ("INVALID_QUANTITY", 400)
    with pytest.raises(DomainError) as huge_price:
        world.trading.place_order(agent, "BTCUSDT", "buy", "limit", D("1"), D(quantity))
    assert huge_price.value.code == "INVALID_QUANTITY"
    assert usdt(world, agent)["total"] == D("10000")
    with pytest.raises(DomainError) as balance:
        world.accounts.register("x", starting_balance=D(quantity))
    assert balance.value.status == 422


def test_a_transient_error_is_not_remembered_under_the_idempotency_key() -> None:
    world = World()
    agent = world.new_agent()
    real_price = world.market.price

    def no_price(symbol: str) -> Decimal:
        raise DomainError("PRICE_NOT_AVAILABLE", "No price yet.", 503, {"symbol": symbol})

    world.market.price = no_price  # type: ignore[method-assign]
    with pytest.raises(DomainError) as err:
        world.trading.place_order(agent, "BTCUSDT", "buy", "market", D("0.01"), idempotency_key="t")
    assert err.value.status == 503
    world.market.price = real_price  # type: ignore[method-assign]
    placed = world.trading.place_order(
        agent, "BTCUSDT", "buy", "market", D("0.010"), idempotency_key="t"
    )
    assert placed["status"] == "filled"
    # "0.01" and "0.010" are the same order for the key.
    again = world.trading.place_order(
        agent, "BTCUSDT", "buy", "market", D("0.01"), idempotency_key="t"
    )
    assert again["order_id"] == placed["order_id"]
