"""Risk checks per agent profile, in the order issue 4 fixes: balance first, then order
size, position size, open orders, and the daily loss circuit breaker."""

from __future__ import annotations

from datetime import timedelta

import pytest

from agentexchange.mock.domain.errors import DomainError
from agentexchange.mock.domain.risk import RiskProfile, loss_limit_hit

from .test_trading_fakes import D, World


def rejection(world: World, agent: str, *args: object) -> DomainError:
    with pytest.raises(DomainError) as err:
        world.trading.place_order(agent, *args)  # type: ignore[arg-type]
    return err.value


def profile(world: World, agent_id: str, **limits: int) -> None:
    agent = world.accounts.agent(agent_id)
    assert agent is not None
    world.accounts.set_risk_profile(agent.account_id, agent_id, limits)


def test_insufficient_balance_is_checked_before_the_size_limits() -> None:
    world = World()
    agent = world.new_agent(balance="100")
    # 1 BTC is far over every size limit too; the balance error still comes first.
    err = rejection(world, agent, "BTCUSDT", "buy", "market", D("1"))
    assert (err.code, err.status) == ("INSUFFICIENT_BALANCE", 400)
    assert err.details["asset"] == "USDT"
    assert D(err.details["available"]) == D("100")
    assert D(err.details["required"]) == D("64070.40640000")  # 64006.40 + 0.1 % fee
    assert all(isinstance(v, str) for v in err.details.values())


def test_selling_more_than_held_is_insufficient_base_balance() -> None:
    world = World()
    agent = world.new_agent()
    err = rejection(world, agent, "ETHUSDT", "sell", "market", D("1"))
    assert err.code == "INSUFFICIENT_BALANCE"
    assert err.details == {"asset": "ETH", "required": "1", "available": "0"}


def test_order_too_large_comes_before_the_position_limit() -> None:
    world = World()
    agent = world.new_agent()
    err = rejection(world, agent, "BTCUSDT", "buy", "market", D("0.1"))  # 64 % of equity
    assert (err.code, err.status) == ("ORDER_REJECTED", 400)
    assert err.details["reason"] == "order_too_large"
    assert err.details["limit_type"] == "max_order_size_pct"
    assert err.details["max_value"] == "50"


def test_position_limit_counts_what_is_already_held() -> None:
    world = World()
    agent = world.new_agent()
    world.trading.place_order(agent, "BTCUSDT", "buy", "market", D("0.03"))  # ~19 %
    err = rejection(world, agent, "BTCUSDT", "buy", "market", D("0.01"))  # -> ~26 %
    assert err.details["reason"] == "position_limit_exceeded"
    assert err.message.startswith("position_limit_exceeded: BTCUSDT position would be")
    # Another coin is its own position.
    world.trading.place_order(agent, "ETHUSDT", "buy", "market", D("0.5"))


def test_size_limits_do_not_block_sells() -> None:
    world = World()
    agent = world.new_agent()
    world.trading.place_order(agent, "BTCUSDT", "buy", "market", D("0.03"))
    world.market.set("BTCUSDT", "200000")  # the position is now most of the equity
    sold = world.trading.place_order(agent, "BTCUSDT", "sell", "market", D("0.03"))
    assert sold["status"] == "filled"


def test_max_open_orders_applies_to_pending_orders_only() -> None:
    world = World()
    agent = world.new_agent()
    profile(world, agent, max_open_orders=2)
    for _ in range(2):
        world.trading.place_order(agent, "ETHUSDT", "buy", "limit", D("0.1"), D("2000"))
    err = rejection(world, agent, "ETHUSDT", "buy", "limit", D("0.1"), D("2000"))
    assert err.details["reason"] == "max_open_orders_exceeded"
    assert (
        world.trading.place_order(agent, "ETHUSDT", "buy", "market", D("0.1"))["status"] == "filled"
    )


def test_custom_profile_tightens_the_limits() -> None:
    world = World()
    agent = world.new_agent()
    profile(world, agent, max_order_size_pct=5)
    err = rejection(world, agent, "BTCUSDT", "buy", "market", D("0.01"))  # 6.4 %
    assert err.details["reason"] == "order_too_large"
    assert err.details["current_value"] == "6.40"


def test_daily_loss_limit_trips_the_circuit_breaker_until_midnight_utc() -> None:
    world = World()
    agent = world.new_agent()
    profile(world, agent, daily_loss_limit_pct=1)  # 100 USDT of 10000
    world.trading.place_order(agent, "BTCUSDT", "buy", "market", D("0.03"))
    world.market.set("BTCUSDT", "58000")
    world.trading.place_order(agent, "BTCUSDT", "sell", "market", D("0.03"))  # ~ -186 USDT
    assert world.trading.account_info(agent)["circuit_breaker_triggered"] is True
    err = rejection(world, agent, "ETHUSDT", "buy", "market", D("0.1"))
    assert (err.code, err.status) == ("DAILY_LOSS_LIMIT", 403)
    assert D(err.details["daily_pnl"]) < D("-100")
    # Still on a minute before midnight, off at 00:00 UTC of the simulated clock.
    now = world.clock.now()
    midnight = now.replace(hour=0, minute=0, second=0) + timedelta(days=1)
    world.clock.advance((midnight - now).total_seconds() - 60)
    assert world.trading.account_info(agent)["circuit_breaker_triggered"] is True
    world.clock.advance(60)
    assert world.trading.account_info(agent)["circuit_breaker_triggered"] is False
    assert (
        world.trading.place_order(agent, "ETHUSDT", "buy", "market", D("0.1"))["status"] == "filled"
    )


def test_insufficient_balance_still_wins_while_the_breaker_is_on() -> None:
    world = World()
    agent = world.new_agent()
    profile(world, agent, daily_loss_limit_pct=1)
    world.trading.place_order(agent, "BTCUSDT", "buy", "market", D("0.03"))
    world.market.set("BTCUSDT", "58000")
    world.trading.place_order(agent, "BTCUSDT", "sell", "market", D("0.03"))
    assert (
        rejection(world, agent, "BTCUSDT", "buy", "market", D("10")).code == "INSUFFICIENT_BALANCE"
    )


def test_risk_profile_defaults_and_validation() -> None:
    assert RiskProfile().view() == {
        "max_position_size_pct": 25,
        "daily_loss_limit_pct": 20,
        "max_open_orders": 50,
        "max_order_size_pct": 50,
    }
    with pytest.raises(DomainError) as err:
        RiskProfile.validate_overrides({"max_open_orders": 0})
    assert err.value.details == {"field": "max_open_orders"}
    # Members the schema does not name are ignored (it allows extra properties).
    assert RiskProfile.validate_overrides({"leverage": 10, "max_open_orders": 5}) == {
        "max_open_orders": 5
    }


def test_daily_loss_limit_trips_at_exactly_the_limit() -> None:
    limit_1pct = RiskProfile(daily_loss_limit_pct=1)
    assert loss_limit_hit(limit_1pct, D("10000"), D("-100")) is True  # reached: >=, not >
    assert loss_limit_hit(limit_1pct, D("10000"), D("-99.99999999")) is False
    assert loss_limit_hit(limit_1pct, D("10000"), D("100")) is False
    # Through the engine: buy 0.01 BTC at 64000 (fill 64006.40, fee 0.640064) and sell it at
    # 58000 (fill 57994.20, fee 0.579942): today's net loss is 60.122 + 1.220006 = 61.342006,
    # exactly 1 % of 6134.2006 and a hair under 1 % of 6134.2007.
    for balance, tripped in (("6134.2006", True), ("6134.2007", False)):
        world = World()
        agent = world.new_agent(balance=balance)
        profile(world, agent, daily_loss_limit_pct=1)
        world.trading.place_order(agent, "BTCUSDT", "buy", "market", D("0.01"))
        world.market.set("BTCUSDT", "58000")
        world.trading.place_order(agent, "BTCUSDT", "sell", "market", D("0.01"))
        me = world.accounts.agent(agent)
        assert me is not None and me.book.today_pnl(world.clock.now()) == D("-61.342006")
        assert world.trading.account_info(agent)["circuit_breaker_triggered"] is tripped, balance
