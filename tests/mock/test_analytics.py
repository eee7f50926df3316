"""Performance metrics, equity history and the leaderboard; plus the trade, account and
analytics handlers answering in each operation's documented shape."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest

from agentexchange.mock.domain import analytics
from agentexchange.mock.domain.book import Book, Snapshot
from agentexchange.mock.domain.errors import DomainError
from agentexchange.mock.domain.orders import Trade
from agentexchange.mock.web.app import Reply
from agentexchange.mock.web.handlers import account, trading
from agentexchange.mock.web.handlers import analytics as analytics_handlers

from .handler_calls import request
from .test_agents import conforms
from .test_trading_fakes import START, D, World


def snapshots(*equities: str, step: timedelta = timedelta(hours=1)) -> list[Snapshot]:
    return [
        Snapshot(START + i * step, D(e), Decimal(0), Decimal(0)) for i, e in enumerate(equities)
    ]


def closing(pnl: str, book: Book, minutes: int = 0) -> Trade:
    return Trade(
        trade_id=f"t{minutes}",
        order_id="o",
        agent_id="a",
        session_id=book.session.session_id,
        symbol="BTCUSDT",
        side="sell",
        quantity=D("1"),
        price=D("1"),
        fee=D("0"),
        total=D("1"),
        executed_at=START + timedelta(minutes=minutes),
        pnl=D(pnl),
    )


# ------------------------------------------------------------------- metrics


def test_max_drawdown_and_its_duration() -> None:
    points = snapshots("100", "120", "90", "110", "125", step=timedelta(days=1))
    drawdown, days = analytics.max_drawdown(points, points[-1].time)
    assert drawdown == D("25.00")  # 120 -> 90
    assert days == 3  # under water from day 1 to day 4


def test_sharpe_and_sortino_are_zero_without_variation_and_signed_with_it() -> None:
    flat = snapshots("100", "100", "100", "100")
    assert analytics.sharpe_sortino(flat, 3600) == (D("0.00"), D("0.00"))
    rising = snapshots("100", "101", "101.5", "103", "102.8", "104")
    sharpe, sortino = analytics.sharpe_sortino(rising, 3600)
    assert sharpe > 0 and sortino > sharpe  # few, small down moves
    falling = snapshots("100", "99", "99.2", "97", "96")
    assert analytics.sharpe_sortino(falling, 3600)[0] < 0


def test_trade_statistics_win_rate_profit_factor_and_streak() -> None:
    book = Book.fresh(START, D("10000"))
    book.trades = [closing(p, book, i) for i, p in enumerate(["10", "-5", "20", "-4", "6", "8"])]
    result = analytics.performance(book, "all", START + timedelta(days=2))
    assert result["total_trades"] == 6
    assert result["win_rate"] == D("66.67")
    assert result["profit_factor"] == D("4.89")  # 44 / 9
    assert result["avg_win"] == D("11.00") and result["avg_loss"] == D("-4.50")
    assert result["best_trade"] == D("20.00") and result["worst_trade"] == D("-5.00")
    assert result["current_streak"] == 2
    assert result["avg_trades_per_day"] == D("3.00")


def test_profit_factor_without_losses_is_capped_and_empty_history_is_zero() -> None:
    book = Book.fresh(START, D("10000"))
    empty = analytics.performance(book, "7d", START)
    assert (empty["profit_factor"], empty["win_rate"], empty["current_streak"]) == (
        D("0.00"),
        D("0.00"),
        0,
    )
    book.trades = [closing("5", book)]
    assert analytics.performance(book, "all", START)["profit_factor"] == analytics.PROFIT_FACTOR_CAP


def test_leaderboard_ranks_agents_by_roi() -> None:
    world = World()
    winner, loser, idle = world.new_agent(), world.new_agent(), world.new_agent()
    world.trading.place_order(winner, "BTCUSDT", "buy", "market", D("0.03"))
    world.trading.place_order(loser, "ETHUSDT", "buy", "market", D("0.6"))
    world.market.set("BTCUSDT", "70000")
    world.market.set("ETHUSDT", "2500")
    board = world.trading.leaderboard("30d", 10)
    ids = [row["agent_id"] for row in board["rankings"]]
    assert ids[0] == winner and ids[-1] == loser and idle in ids
    assert [row["rank"] for row in board["rankings"]] == [1, 2, 3, 4]  # with the demo agent
    assert len(world.trading.leaderboard("30d", 2)["rankings"]) == 2


# ------------------------------------------------------------------- handlers


class Env:
    def __init__(self) -> None:
        self.world = World()
        ex: Any = SimpleNamespace(accounts=self.world.accounts, trading=self.world.trading)
        self.h = {**trading.handlers(ex), **account.handlers(ex), **analytics_handlers.handlers(ex)}
        self.me = self.world.accounts.authenticate_key(self.world.demo["agent_api_key"])

    def call(self, operation_id: str, **kwargs: Any) -> Any:
        kwargs.setdefault("principal", self.me)
        return self.h[operation_id](request(operation_id, **kwargs))


@pytest.fixture
def env() -> Env:
    return Env()


def order(**fields: Any) -> dict[str, Any]:
    return {"symbol": "BTCUSDT", "side": "buy", "type": "market", "quantity": "0.01", **fields}


def test_place_order_echoes_the_idempotency_key_and_returns_the_first_order(env: Env) -> None:
    headers = {"idempotency-key": "0b6a5f5e-2f1c"}
    first = env.call("place_order", body=order(), headers=headers)
    assert isinstance(first, Reply) and first.headers == {"Idempotency-Key": "0b6a5f5e-2f1c"}
    placed = conforms("place_order", first)
    assert placed["executed_price"] == "64006.40000000" and placed["total_cost"] == "640.70406400"
    again = env.call("place_order", body=order(), headers=headers)
    assert again.body["order_id"] == placed["order_id"]
    plain = env.call("place_order", body=order())
    assert plain.headers == {} and plain.body["order_id"] != placed["order_id"]


def test_a_domain_error_of_place_order_also_echoes_the_key(env: Env) -> None:
    with pytest.raises(DomainError) as err:
        env.call("place_order", body=order(quantity="5"), headers={"idempotency-key": "k"})
    assert err.value.code == "INSUFFICIENT_BALANCE"
    assert err.value.headers["Idempotency-Key"] == "k"


def test_stop_price_is_an_alias_of_price(env: Env) -> None:
    env.call("place_order", body=order())
    reply = env.call("place_order", body=order(side="sell", type="stop_loss", stop_price="60000"))
    pending = conforms("place_order", reply)
    assert (pending["status"], pending["price"], pending["locked_amount"]) == (
        "pending",
        "60000",
        "0.01",
    )


def test_trade_read_handlers_conform(env: Env) -> None:
    filled = env.call("place_order", body=order()).body
    pending = env.call("place_order", body=order(type="limit", price="60000")).body
    detail = conforms("get_order", env.call("get_order", path={"order_id": pending["order_id"]}))
    assert detail["status"] == "pending" and detail["executed_qty"] is None
    opened = conforms("get_open_orders", env.call("get_open_orders"))
    assert [o["order_id"] for o in opened["orders"]] == [pending["order_id"]]
    assert (opened["limit"], opened["offset"]) == (100, 0)
    every = conforms("get_orders", env.call("get_orders", query={"status": "filled"}))
    assert [o["order_id"] for o in every["orders"]] == [filled["order_id"]]
    history = conforms("get_trade_history", env.call("get_trade_history", query={"limit": 20}))
    assert history["total"] == 1 and history["trades"][0]["pnl"] is None
    cancelled = conforms(
        "cancel_order", env.call("cancel_order", path={"order_id": pending["order_id"]})
    )
    assert cancelled["unlocked_amount"] == "600.60000000"
    assert conforms("cancel_all_orders", env.call("cancel_all_orders")) == {
        "cancelled_count": 0,
        "total_unlocked": "0",
    }


def test_account_handlers_conform(env: Env) -> None:
    env.call("place_order", body=order())
    env.world.market.set("BTCUSDT", "64521.30")
    info = conforms("get_account_info", env.call("get_account_info"))
    assert info["circuit_breaker_triggered"] is False and "api_key" not in info
    assert info["risk_profile"] == {
        "max_position_size_pct": 25,
        "daily_loss_limit_pct": 20,
        "max_open_orders": 50,
    }
    balance = conforms("get_balance", env.call("get_balance"))
    assert {b["asset"] for b in balance["balances"]} == {"USDT", "BTC"}
    positions = conforms("get_positions", env.call("get_positions"))
    assert positions["positions"][0]["avg_entry_price"] == "64006.40000000"
    folio = conforms("get_portfolio", env.call("get_portfolio"))
    assert Decimal(folio["total_equity"]) == Decimal(balance["total_equity_usdt"])
    pnl = conforms("get_pnl", env.call("get_pnl", query={"period": "1d"}))
    assert pnl["by_symbol"] == [{"symbol": "BTCUSDT", "realized": "0", "unrealized": "5.14900000"}]
    reset = conforms(
        "reset_account",
        env.call("reset_account", body={"confirm": True, "new_starting_balance": "20000"}),
    )
    assert reset["new_session"]["starting_balance"] == "20000"
    assert conforms("get_account_info", env.call("get_account_info"))["starting_balance"] == "20000"


def test_analytics_handlers_conform(env: Env) -> None:
    env.call("place_order", body=order())
    for _ in range(3):
        env.world.tick(3600)
    perf = conforms("get_performance", env.call("get_performance", query={"period": "7d"}))
    assert perf["period"] == "7d" and perf["total_trades"] == 1
    history = conforms("get_portfolio_history", env.call("get_portfolio_history"))
    assert history["interval"] == "1h" and len(history["snapshots"]) == 4
    assert history["account_id"] == env.me.account_id
    board = conforms("get_leaderboard", env.call("get_leaderboard", query={"limit": 5}))
    assert board["period"] == "30d" and board["rankings"][0]["rank"] == 1
