"""Account and analytics over HTTP against the mock (issue 4): balances, positions,
portfolio and PnL that add up after a sequence of trades (cash + position value ==
equity; starting balance − fees + realized + unrealized == equity), reset, performance,
equity history and the leaderboard, with their documented errors.

Tolerance: the mock keeps Decimal end to end; values on the wire carry at most 8
decimal places (the spec's examples: ``'0.64006400'``), so an identity over n rounded
terms may differ by at most n × 0.5e-8 — ``close()`` allows 1e-8 per term."""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_DOWN, Decimal
from typing import Any

from .conftest import Account, Api, assert_error, assert_money, body, dec

PER_TERM = Decimal("0.00000001")
PORTFOLIO_MONEY = (
    "total_equity",
    "available_cash",
    "locked_cash",
    "total_position_value",
    "unrealized_pnl",
    "realized_pnl",
    "total_pnl",
    "roi_pct",
    "starting_balance",
)
POSITION_MONEY = (
    "quantity",
    "avg_entry_price",
    "current_price",
    "market_value",
    "unrealized_pnl",
    "unrealized_pnl_pct",
)


def close(left: Decimal, right: Decimal, terms: int = 2) -> bool:
    return abs(left - right) <= PER_TERM * terms


def qty_for(api: Api, mock: Any, symbol: str, notional: str) -> str:
    pairs = body(api.get("/api/v1/market/pairs"))["pairs"]
    step = next(dec(p["step_size"]) for p in pairs if p["symbol"] == symbol)
    price = Decimal(mock.exchange.market.price(symbol))
    return str((Decimal(notional) / price).quantize(step, rounding=ROUND_DOWN))


def market(api: Api, key: str, symbol: str, side: str, quantity: str) -> Any:
    response = api.post(
        "/api/v1/trade/order",
        key=key,
        json={"symbol": symbol, "side": side, "type": "market", "quantity": quantity},
    )
    assert response.status_code == 201, response.text
    return body(response)


def trade_sequence(api: Api, mock: Any, account: Account) -> dict[str, str]:
    """buy BTC, buy ETH, buy BTC again, partial sell of BTC; the market moves in between."""
    key = account.agent_key
    btc1 = qty_for(api, mock, "BTCUSDT", "1000")
    market(api, key, "BTCUSDT", "buy", btc1)
    mock.exchange.tick(120)
    eth = qty_for(api, mock, "ETHUSDT", "700")
    market(api, key, "ETHUSDT", "buy", eth)
    mock.exchange.tick(120)
    btc2 = qty_for(api, mock, "BTCUSDT", "600")
    market(api, key, "BTCUSDT", "buy", btc2)
    mock.exchange.tick(300)
    sold = str((Decimal(btc1) + Decimal(btc2)) / 2)
    market(api, key, "BTCUSDT", "sell", sold)
    mock.exchange.tick(300)
    return {"btc1": btc1, "btc2": btc2, "eth": eth, "sold": sold}


# --------------------------------------------------------------------------- balances add up


def test_balances_positions_portfolio_and_pnl_add_up_after_trades(
    api: Api, mock: Any, account: Account
) -> None:
    key = account.agent_key
    quantities = trade_sequence(api, mock, account)
    history = body(api.get("/api/v1/trade/history", key=key))["trades"]
    assert len(history) == 4
    # Read everything between two ticks: one market state.
    portfolio = body(api.get("/api/v1/account/portfolio", key=key))
    balance = body(api.get("/api/v1/account/balance", key=key))
    positions = body(api.get("/api/v1/account/positions", key=key))
    pnl = body(api.get("/api/v1/account/pnl", key=key))

    assert_money(portfolio, *PORTFOLIO_MONEY)
    for row in balance["balances"]:
        assert_money(row, "available", "locked", "total")
        assert dec(row["available"]) + dec(row["locked"]) == dec(row["total"])
    for position in positions["positions"]:
        assert_money(position, *POSITION_MONEY)
    assert_money(
        pnl, "realized_pnl", "unrealized_pnl", "total_pnl", "fees_paid", "net_pnl", "win_rate"
    )

    # Cash: the starting balance minus what buys cost plus what sells brought (fees included).
    fees = sum((dec(t["fee"]) for t in history), Decimal(0))
    cash_flow = sum(
        (dec(t["total"]) * (-1 if t["side"] == "buy" else 1) for t in history), Decimal(0)
    )
    cash = next(b for b in balance["balances"] if b["asset"] == "USDT")
    assert dec(cash["total"]) == account.starting_balance + cash_flow
    assert dec(portfolio["available_cash"]) == dec(cash["available"])
    assert dec(portfolio["locked_cash"]) == dec(cash["locked"]) == 0

    # Positions: quantities, average entry, market value.
    by_symbol = {p["symbol"]: p for p in positions["positions"]}
    assert set(by_symbol) == {"BTCUSDT", "ETHUSDT"}
    btc_left = (
        Decimal(quantities["btc1"]) + Decimal(quantities["btc2"]) - Decimal(quantities["sold"])
    )
    assert dec(by_symbol["BTCUSDT"]["quantity"]) == btc_left
    assert dec(by_symbol["ETHUSDT"]["quantity"]) == Decimal(quantities["eth"])
    btc_buys = [t for t in history if t["symbol"] == "BTCUSDT" and t["side"] == "buy"]
    avg = sum(dec(t["price"]) * dec(t["quantity"]) for t in btc_buys) / sum(
        dec(t["quantity"]) for t in btc_buys
    )
    assert close(dec(by_symbol["BTCUSDT"]["avg_entry_price"]), avg, terms=1)
    for position in by_symbol.values():
        quantity, current = dec(position["quantity"]), dec(position["current_price"])
        assert current == Decimal(mock.exchange.market.price(position["symbol"]))
        assert close(dec(position["market_value"]), quantity * current, terms=1)
        assert close(
            dec(position["unrealized_pnl"]),
            (current - dec(position["avg_entry_price"])) * quantity,
            terms=2,
        )
    position_value = sum((dec(p["market_value"]) for p in by_symbol.values()), Decimal(0))
    unrealized = sum((dec(p["unrealized_pnl"]) for p in by_symbol.values()), Decimal(0))
    assert close(dec(positions["total_unrealized_pnl"]), unrealized, terms=2)
    assert [p["symbol"] for p in portfolio["positions"]] == [
        p["symbol"] for p in positions["positions"]
    ]
    for asset, symbol in (("BTC", "BTCUSDT"), ("ETH", "ETHUSDT")):
        row = next(b for b in balance["balances"] if b["asset"] == asset)
        assert dec(row["total"]) == dec(by_symbol[symbol]["quantity"])

    # cash + position value == equity
    equity = dec(portfolio["total_equity"])
    assert close(dec(portfolio["total_position_value"]), position_value, terms=2)
    assert close(dec(cash["total"]) + position_value, equity, terms=3)
    assert close(dec(balance["total_equity_usdt"]), equity, terms=1)

    # starting balance − fees + realized + unrealized == equity
    realized = sum((dec(t["pnl"]) for t in history if t["pnl"] is not None), Decimal(0))
    assert close(dec(portfolio["realized_pnl"]), realized, terms=1)
    assert close(dec(portfolio["unrealized_pnl"]), unrealized, terms=2)
    assert close(account.starting_balance - fees + realized + unrealized, equity, terms=4)
    assert close(dec(portfolio["total_pnl"]), equity - account.starting_balance, terms=1)
    roi = (equity - account.starting_balance) / account.starting_balance * 100
    assert abs(dec(portfolio["roi_pct"]) - roi) <= Decimal("0.01")

    # The PnL report agrees, per symbol too.
    assert close(dec(pnl["fees_paid"]), fees, terms=1)
    assert close(dec(pnl["realized_pnl"]), realized, terms=1)
    assert close(dec(pnl["unrealized_pnl"]), unrealized, terms=2)
    assert close(dec(pnl["total_pnl"]), realized + unrealized, terms=2)
    assert close(dec(pnl["net_pnl"]), realized + unrealized - fees, terms=3)
    assert pnl["winning_trades"] + pnl["losing_trades"] == 1, "one closing trade"
    rows = {row["symbol"]: row for row in pnl["by_symbol"]}
    assert close(dec(rows["BTCUSDT"]["realized"]), realized, terms=1)
    assert dec(rows["ETHUSDT"]["realized"]) == 0
    for symbol, row in rows.items():
        assert_money(row, "realized", "unrealized")
        assert close(dec(row["unrealized"]), dec(by_symbol[symbol]["unrealized_pnl"]), terms=2)


def test_pending_orders_count_as_locked_cash_in_equity(
    api: Api, mock: Any, account: Account
) -> None:
    price = Decimal(mock.exchange.market.price("BTCUSDT"))
    limit = (price / 2).quantize(Decimal("0.01"))
    response = api.post(
        "/api/v1/trade/order",
        key=account.agent_key,
        json={
            "symbol": "BTCUSDT",
            "side": "buy",
            "type": "limit",
            "quantity": "0.01",
            "price": str(limit),
        },
    )
    locked = dec(body(response)["locked_amount"])
    portfolio = body(api.get("/api/v1/account/portfolio", key=account.agent_key))
    assert dec(portfolio["locked_cash"]) == locked
    assert dec(portfolio["available_cash"]) == account.starting_balance - locked
    assert dec(portfolio["total_equity"]) == account.starting_balance


# --------------------------------------------------------------------------- account


def test_account_info_of_a_fresh_account(api: Api, account: Account) -> None:
    response = api.get("/api/v1/account/info", key=account.agent_key)
    assert response.status_code == 200
    info = body(response)
    assert info["account_id"] == account.account_id
    assert info["status"] == "active"
    assert dec(info["starting_balance"]) == account.starting_balance
    assert info.get("circuit_breaker_triggered", False) is False
    assert "api_key" not in info or info["api_key"] != account.api_secret
    profile = info["risk_profile"]
    assert {"max_position_size_pct", "daily_loss_limit_pct", "max_open_orders"} <= set(profile)
    assert all(isinstance(v, int) for v in profile.values())
    datetime.fromisoformat(info["created_at"].replace("Z", "+00:00"))


def test_account_routes_reject_bad_keys(api: Api) -> None:
    for path in ("info", "balance", "positions", "portfolio", "pnl"):
        assert_error(
            api.get(f"/api/v1/account/{path}", key="ak_live_bogus"), 401, "INVALID_API_KEY"
        )


def test_account_routes_with_another_accounts_agent_id_are_403(api: Api, new_account: Any) -> None:
    alice, mallory = new_account(), new_account()
    for path in ("info", "balance", "positions", "portfolio", "pnl"):
        response = api.get(f"/api/v1/account/{path}", key=mallory.api_key, agent_id=alice.agent_id)
        error = assert_error(response, 403, "PERMISSION_DENIED")
        assert alice.agent_key not in str(error)


def test_fresh_balance_is_all_cash(api: Api, account: Account) -> None:
    data = body(api.get("/api/v1/account/balance", key=account.agent_key))
    assert [row["asset"] for row in data["balances"]] == ["USDT"]
    assert dec(data["total_equity_usdt"]) == account.starting_balance
    positions = body(api.get("/api/v1/account/positions", key=account.agent_key))
    assert positions["positions"] == [] and dec(positions["total_unrealized_pnl"]) == 0


def test_pnl_period_filter_and_invalid_period(api: Api, account: Account) -> None:
    for period in ("1d", "7d", "30d", "all"):
        data = body(
            api.get("/api/v1/account/pnl", key=account.agent_key, params={"period": period})
        )
        assert data["period"] == period
    response = api.get("/api/v1/account/pnl", key=account.agent_key, params={"period": "2d"})
    assert_error(response, 422, "VALIDATION_ERROR", field="period")


def test_reset_restores_the_balance_and_keeps_history(
    api: Api, mock: Any, account: Account
) -> None:
    key = account.agent_key
    trade_sequence(api, mock, account)
    price = Decimal(mock.exchange.market.price("ETHUSDT"))
    api.post(
        "/api/v1/trade/order",
        key=key,
        json={
            "symbol": "ETHUSDT",
            "side": "buy",
            "type": "limit",
            "quantity": "0.01",
            "price": str((price / 2).quantize(Decimal("0.01"))),
        },
    )
    info_before = body(api.get("/api/v1/account/info", key=key))
    equity_before = dec(body(api.get("/api/v1/account/portfolio", key=key))["total_equity"])

    response = api.post("/api/v1/account/reset", key=key, json={"confirm": True})
    assert response.status_code == 200
    data = body(response)
    assert_money(data["previous_session"], "ending_equity", "total_pnl")
    assert_money(data["new_session"], "starting_balance")
    assert close(dec(data["previous_session"]["ending_equity"]), equity_before, terms=1)
    assert dec(data["new_session"]["starting_balance"]) == account.starting_balance
    assert data["new_session"]["session_id"] != data["previous_session"]["session_id"]
    if info_before.get("current_session"):
        assert (
            data["previous_session"]["session_id"] == info_before["current_session"]["session_id"]
        )

    balance = body(api.get("/api/v1/account/balance", key=key))
    assert [(b["asset"], dec(b["total"]), dec(b["locked"])) for b in balance["balances"]] == [
        ("USDT", account.starting_balance, Decimal(0))
    ]
    assert body(api.get("/api/v1/account/positions", key=key))["positions"] == []
    assert body(api.get("/api/v1/trade/orders/open", key=key))["orders"] == []
    assert body(api.get("/api/v1/trade/history", key=key))["total"] == 4, "history is kept"
    info = body(api.get("/api/v1/account/info", key=key))
    assert info["current_session"]["session_id"] == data["new_session"]["session_id"]


def test_reset_with_a_new_starting_balance(api: Api, account: Account) -> None:
    response = api.post(
        "/api/v1/account/reset",
        key=account.agent_key,
        json={"confirm": True, "new_starting_balance": "2500.25"},
    )
    assert dec(body(response)["new_session"]["starting_balance"]) == Decimal("2500.25")
    portfolio = body(api.get("/api/v1/account/portfolio", key=account.agent_key))
    assert dec(portfolio["total_equity"]) == Decimal("2500.25")
    assert dec(portfolio["starting_balance"]) == Decimal("2500.25")


def test_reset_needs_confirm_true(api: Api, account: Account) -> None:
    response = api.post("/api/v1/account/reset", key=account.agent_key, json={"confirm": False})
    assert_error(response, 422, "VALIDATION_ERROR", field="confirm")
    response = api.post("/api/v1/account/reset", key=account.agent_key, json={})
    assert_error(response, 422, "VALIDATION_ERROR", field="confirm")


# --------------------------------------------------------------------------- analytics


def test_performance_metrics_as_decimal_strings(api: Api, mock: Any, account: Account) -> None:
    trade_sequence(api, mock, account)
    response = api.get(
        "/api/v1/analytics/performance", key=account.agent_key, params={"period": "7d"}
    )
    assert response.status_code == 200
    data = body(response)
    assert data["period"] == "7d"
    assert_money(
        data,
        "sharpe_ratio",
        "sortino_ratio",
        "max_drawdown_pct",
        "win_rate",
        "profit_factor",
        "avg_win",
        "avg_loss",
        "avg_trades_per_day",
        "best_trade",
        "worst_trade",
    )
    assert data["total_trades"] == 4
    assert 0 <= dec(data["win_rate"]) <= 100
    assert dec(data["max_drawdown_pct"]) >= 0
    assert isinstance(data["current_streak"], int)


def test_performance_with_an_unknown_period_is_422(api: Api, account: Account) -> None:
    response = api.get(
        "/api/v1/analytics/performance", key=account.agent_key, params={"period": "1y"}
    )
    assert_error(response, 422, "VALIDATION_ERROR", field="period")


def test_portfolio_history_is_an_equity_series_oldest_first(
    api: Api, mock: Any, account: Account
) -> None:
    trade_sequence(api, mock, account)
    for _ in range(3):
        mock.exchange.tick(3600)
    response = api.get(
        "/api/v1/analytics/portfolio/history",
        key=account.agent_key,
        params={"interval": "1m", "limit": 50},
    )
    assert response.status_code == 200
    data = body(response)
    assert data["account_id"] == account.account_id and data["interval"] == "1m"
    snapshots = data["snapshots"]
    assert 1 <= len(snapshots) <= 50
    times = [datetime.fromisoformat(s["time"].replace("Z", "+00:00")) for s in snapshots]
    assert times == sorted(times)
    for snapshot in snapshots:
        assert_money(snapshot, "total_equity", "unrealized_pnl", "realized_pnl")


def test_portfolio_history_with_an_unknown_interval_is_422(api: Api, account: Account) -> None:
    response = api.get(
        "/api/v1/analytics/portfolio/history", key=account.agent_key, params={"interval": "5m"}
    )
    assert_error(response, 422, "VALIDATION_ERROR", field="interval")


def test_leaderboard_ranks_agents_by_roi(api: Api, mock: Any, account: Account) -> None:
    trade_sequence(api, mock, account)
    response = api.get(
        "/api/v1/analytics/leaderboard",
        key=account.agent_key,
        params={"period": "all", "limit": 100},
    )
    assert response.status_code == 200
    data = body(response)
    assert data["period"] == "all"
    rankings = data["rankings"]
    assert [r["rank"] for r in rankings] == list(range(1, len(rankings) + 1))
    rois = [dec(r["roi_pct"]) for r in rankings]
    assert rois == sorted(rois, reverse=True)
    for row in rankings:
        assert_money(row, "roi_pct", "sharpe_ratio", "win_rate")
        assert "api_key" not in row
    assert account.agent_id in {r.get("agent_id") for r in rankings}
    short = body(
        api.get("/api/v1/analytics/leaderboard", key=account.agent_key, params={"limit": 2})
    )
    assert len(short["rankings"]) <= 2


def test_leaderboard_errors(api: Api, account: Account) -> None:
    assert_error(api.get("/api/v1/analytics/leaderboard"), 401, "INVALID_API_KEY")
    response = api.get("/api/v1/analytics/leaderboard", key=account.agent_key, params={"limit": 0})
    assert_error(response, 422, "VALIDATION_ERROR", field="limit")
