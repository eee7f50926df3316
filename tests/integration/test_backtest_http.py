"""Backtest sessions over a real socket with plain httpx (issue 12).

A session walked from create to results; fills computed here by hand from the candles the
test read (a market buy at step k pays step k's close plus the 0.01 % slippage floor and
the 0.1 % fee; a limit buy fills on the first step whose candle reaches its price); the
agent's risk profile refusing inside the session what it refuses live; ROI from the final
equity; two sessions with the same parameters and seed answering the same; the session
routes after completion and cancel answering as the platform's do; the bounds; another
account's session. Every backtest operation gets a happy path and a documented error here
(``test_mock_http_coverage.py`` counts them).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Any

import pytest

from .conftest import (
    Account,
    Api,
    Recorder,
    assert_error,
    assert_money,
    body,
    dec,
    random_id,
    register,
)

BT = "/api/v1/backtest"
FEE = Decimal("0.001")
SLIPPAGE_FLOOR = Decimal("0.0001")  # 0.01 %: small orders against a day's volume
Q8 = Decimal("0.00000001")
PAIRS = ["BTCUSDT", "ETHUSDT", "SOLUSDT"]


def q8(value: Decimal) -> Decimal:
    return value.quantize(Q8, rounding=ROUND_HALF_UP)


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@pytest.fixture(scope="module")
def day(mock: Any) -> datetime:
    """Midnight two days before the server's clock: a range with history on both sides."""
    now = mock.exchange.clock.now()
    return now.replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=2)


def create(api: Api, key: str, start: datetime, **overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "start_time": iso(start),
        "end_time": iso(start + timedelta(hours=3)),
        "starting_balance": "10000",
        "candle_interval": 60,
        "pairs": PAIRS,
        "strategy_label": "it",
    }
    payload.update(overrides)
    response = api.post(f"{BT}/create", key=key, json=payload)
    assert response.status_code == 200, response.text
    created: dict[str, Any] = body(response)
    return created


def started(api: Api, key: str, start: datetime, **overrides: Any) -> str:
    session_id = str(create(api, key, start, **overrides)["session_id"])
    response = api.post(f"{BT}/{session_id}/start", key=key)
    assert response.status_code == 200, response.text
    return session_id


def ok(response: Any) -> Any:
    assert response.status_code == 200, response.text
    return body(response)


def step_batch(api: Api, key: str, session_id: str, steps: int) -> dict[str, Any]:
    answer: dict[str, Any] = ok(
        api.post(f"{BT}/{session_id}/step/batch", key=key, json={"steps": steps})
    )
    return answer


def last_candle(api: Api, key: str, session_id: str, symbol: str) -> dict[str, Any]:
    data = ok(
        api.get(
            f"{BT}/{session_id}/market/candles/{symbol}",
            key=key,
            params={"interval": "1m", "limit": 1},
        )
    )
    candle: dict[str, Any] = data["candles"][-1]
    return candle


def order(api: Api, key: str, session_id: str, **fields: Any) -> Any:
    return api.post(f"{BT}/{session_id}/trade/order", key=key, json=fields)


def live_candles(api: Api, symbol: str, start: datetime, limit: int) -> list[dict[str, Any]]:
    """The live market's 1-minute candles from ``start``: the series sessions replay."""
    data = ok(
        api.get(
            f"/api/v1/market/candles/{symbol}",
            params={"interval": "1m", "start_time": iso(start), "limit": limit},
        )
    )
    candles: list[dict[str, Any]] = data["candles"]
    return candles


# --------------------------------------------------------------------------- the flow
def test_a_session_walks_from_create_to_results(api: Api, account: Account, day: datetime) -> None:
    key = account.api_key
    created = create(api, key, day)
    sid = created["session_id"]
    assert created["status"] == "created" and created["total_steps"] == 180
    assert created["estimated_pairs"] == 3 and created["agent_id"] == account.agent_id

    status = ok(api.get(f"{BT}/{sid}/status", key=key))
    assert status["status"] == "created" and status["virtual_clock"] is None
    assert status["progress_pct"] == 0 and status["pairs"] == PAIRS

    assert ok(api.post(f"{BT}/{sid}/start", key=key)) == {"status": "running", "session_id": sid}
    first = ok(api.post(f"{BT}/{sid}/step", key=key))
    assert first["step"] == 1 and when(first["virtual_time"]) == day + timedelta(minutes=1)
    assert first["progress_pct"] == "0.56" and first["remaining_steps"] == 179
    assert sorted(first["prices"]) == PAIRS and first["orders_filled"] == []
    assert first["portfolio"]["total_equity"] == "10000"

    bought = ok(order(api, key, sid, symbol="ETHUSDT", side="buy", type="market", quantity="0.1"))
    assert bought["status"] == "filled" and bought["realized_pnl"] is None
    batch = step_batch(api, key, sid, 10)
    assert batch["step"] == 11 and when(batch["virtual_time"]) == day + timedelta(minutes=11)
    fast = ok(api.post(f"{BT}/{sid}/step/batch/fast", key=key, json={"steps": 20}))
    assert fast["step"] == 31 and fast["steps_executed"] == 20
    [position] = fast["portfolio"]["positions"]
    assert position["symbol"] == "ETHUSDT" and dec(position["quantity"]) == Decimal("0.1")

    running = ok(api.get(f"{BT}/{sid}/results", key=key))
    assert running["status"] == "running"
    assert running["summary"]["final_equity"] == "10000" and running["summary"]["total_trades"] == 0
    assert all(value is None for value in running["metrics"].values())

    end = step_batch(api, key, sid, 1000)  # more than remain: runs to the end
    assert end["is_complete"] is True and end["step"] == 180 and end["remaining_steps"] == 0
    assert end["progress_pct"] == "100.00"
    assert end["portfolio"]["positions"], "the last step answers before the closing sells"

    done = ok(api.get(f"{BT}/{sid}/status", key=key))
    assert done["status"] == "completed" and done["current_step"] == 180
    assert done["progress_pct"] == 100 and when(done["virtual_clock"]) == day + timedelta(hours=3)
    results = ok(api.get(f"{BT}/{sid}/results", key=key))
    assert results["status"] == "completed"
    assert results["config"]["candle_interval"] == "60" and results["config"]["pairs"] == PAIRS
    summary = results["summary"]
    assert summary["total_trades"] == 2  # the buy, and the closing sell at the end
    assert summary["final_equity"] == done["final_equity"]
    metrics = results["metrics"]
    assert metrics["win_rate"] in ("0.00", "100.00") and metrics["trades_per_day"] == "16.00"
    [pair] = results["by_pair"]
    assert pair["symbol"] == "ETHUSDT" and pair["trades"] == 2

    trades = ok(api.get(f"{BT}/{sid}/results/trades", key=key))
    assert [t["side"] for t in trades["trades"]] == ["buy", "sell"] and trades["total"] == 2
    page = ok(api.get(f"{BT}/{sid}/results/trades", key=key, params={"limit": 1, "offset": 1}))
    assert page["trades"] == trades["trades"][1:] and page["total"] == 2  # total: all of them
    closing = trades["trades"][1]
    assert when(closing["simulated_at"]) == day + timedelta(hours=3)
    assert trades["trades"][0]["realized_pnl"] == "0"  # "0" for buys on this route
    curve = ok(api.get(f"{BT}/{sid}/results/equity-curve", key=key))
    points = curve["snapshots"]
    assert when(points[0]["simulated_at"]) == day and points[0]["total_equity"] == "10000"
    assert points[-1]["total_equity"] == summary["final_equity"]
    assert points[-1]["position_value"] == "0", "positions are closed at the end"
    every_other = ok(api.get(f"{BT}/{sid}/results/equity-curve", key=key, params={"interval": 2}))
    assert every_other["interval"] == "2" and every_other["snapshots"] == points[::2]


def test_a_market_buy_fills_at_the_step_price_plus_slippage_and_the_fee(
    api: Api, account: Account, day: datetime
) -> None:
    key = account.api_key
    sid = started(api, key, day)
    step_batch(api, key, sid, 7)
    candle = last_candle(api, key, sid, "BTCUSDT")
    # The last candle closed at the session clock, and it is the live market's candle.
    assert when(candle["bucket"]) == day + timedelta(minutes=6)
    live = live_candles(api, "BTCUSDT", day + timedelta(minutes=6), 1)[0]
    assert {k: live[k] for k in ("open", "high", "low", "close")} == {
        k: candle[k] for k in ("open", "high", "low", "close")
    }
    close = dec(candle["close"])
    price = ok(api.get(f"{BT}/{sid}/market/price/BTCUSDT", key=key))
    assert dec(price["price"]) == close and when(price["virtual_time"]) == day + timedelta(
        minutes=7
    )
    # A tiny order against a day's volume: the slippage is the 0.01 % floor.
    ticker = ok(api.get(f"{BT}/{sid}/market/ticker/BTCUSDT", key=key))
    quantity = Decimal("0.002")
    assert quantity * close * Decimal("0.1") < SLIPPAGE_FLOOR * dec(ticker["volume"]) * dec(
        ticker["low"]
    )

    fill = ok(order(api, key, sid, symbol="BTCUSDT", side="buy", type="market", quantity="0.002"))
    executed = q8(close * (1 + SLIPPAGE_FLOOR))
    gross = q8(executed * quantity)
    fee = q8(gross * FEE)
    assert fill["status"] == "filled"
    assert (dec(fill["executed_price"]), dec(fill["executed_qty"]), dec(fill["fee"])) == (
        executed,
        quantity,
        fee,
    )
    [trade] = ok(api.get(f"{BT}/{sid}/trade/history", key=key))["trades"]
    assert dec(trade["quote_amount"]) == gross and trade["slippage_pct"] == "0.010000"
    assert when(trade["simulated_at"]) == day + timedelta(minutes=7)
    balances = ok(api.get(f"{BT}/{sid}/account/balance", key=key))["balances"]
    cash = next(b for b in balances if b["asset"] == "USDT")
    assert dec(cash["available"]) == Decimal(10000) - gross - fee and dec(cash["locked"]) == 0
    positions = ok(api.get(f"{BT}/{sid}/account/positions", key=key))["positions"]
    assert positions == [
        {
            "symbol": "BTCUSDT",
            "quantity": "0.002",
            "avg_entry_price": fill["executed_price"],
            "realized_pnl": "0",
        }
    ]


def test_a_limit_buy_fills_on_the_first_step_whose_candle_crosses(
    api: Api, account: Account, day: datetime
) -> None:
    key = account.api_key
    sid = started(api, key, day)
    step_batch(api, key, sid, 2)
    # The session's next 60 candles, read from the live market (the same series).
    ahead = live_candles(api, "SOLUSDT", day + timedelta(minutes=2), 60)
    lows = [dec(c["low"]) for c in ahead]
    level = min(lows[10:])  # reached at the earliest on the 11th candle ahead
    first = next(i for i, low in enumerate(lows) if low <= level)
    placed = ok(
        order(
            api,
            key,
            sid,
            symbol="SOLUSDT",
            side="buy",
            type="limit",
            quantity="1",
            price=str(level),
        )
    )
    assert placed["status"] == "pending"
    [pending] = ok(api.get(f"{BT}/{sid}/trade/orders/open", key=key))["orders"]
    assert pending["id"] == placed["order_id"] and dec(pending["price"]) == level

    for _ in range(first):  # every step before the crossing leaves it pending
        answer = ok(api.post(f"{BT}/{sid}/step", key=key))
        assert answer["orders_filled"] == [], f"filled early, at step {answer['step']}"
    answer = ok(api.post(f"{BT}/{sid}/step", key=key))
    assert answer["step"] == 2 + first + 1
    [filled] = answer["orders_filled"]
    assert filled["order_id"] == placed["order_id"] and filled["status"] == "filled"
    # At the level, or at the open if the candle opened below it; then the slippage.
    reference = min(level, dec(ahead[first]["open"]))
    assert dec(filled["executed_price"]) == q8(reference * (1 + SLIPPAGE_FLOOR))
    assert ok(api.get(f"{BT}/{sid}/trade/orders/open", key=key)) == {"orders": [], "count": 0}
    listed = ok(api.get(f"{BT}/{sid}/trade/orders", key=key))["orders"]
    assert [(o["id"], o["status"]) for o in listed] == [(placed["order_id"], "filled")]


def test_an_order_above_the_agents_risk_limit_is_refused_inside_the_session_as_live(
    api: Api, mock: Any, account: Account, day: datetime
) -> None:
    key = account.api_key
    profile = f"/api/v1/agents/{account.agent_id}/risk-profile"
    limits = {"max_position_size_pct": 10, "daily_loss_limit_pct": 20, "max_open_orders": 5}
    ok(api.put(profile, key=key, json=limits))
    sid = started(api, key, day)
    step_batch(api, key, sid, 5)
    price = dec(ok(api.get(f"{BT}/{sid}/market/price/BTCUSDT", key=key))["price"])
    too_big = str((Decimal(1500) / price).quantize(Decimal("0.0001"), rounding=ROUND_DOWN))  # ~15 %
    inside = assert_error(
        order(api, key, sid, symbol="BTCUSDT", side="buy", type="market", quantity=too_big),
        400,
        "ORDER_REJECTED",
        details={"reason": "position_limit_exceeded", "max_value": "10"},
    )
    live_price = Decimal(mock.exchange.market.price("BTCUSDT"))
    live_big = str((Decimal(1500) / live_price).quantize(Decimal("0.0001"), rounding=ROUND_DOWN))
    live = assert_error(
        api.post(
            "/api/v1/trade/order",
            key=key,
            json={"symbol": "BTCUSDT", "side": "buy", "type": "market", "quantity": live_big},
        ),
        400,
        "ORDER_REJECTED",
    )
    assert inside["details"]["reason"] == live["details"]["reason"]
    assert (
        inside["details"]["limit_type"] == live["details"]["limit_type"] == "max_position_size_pct"
    )
    # Under the limit it fills; nothing of the refused order was kept.
    small = str((Decimal(500) / price).quantize(Decimal("0.0001"), rounding=ROUND_DOWN))
    assert (
        ok(order(api, key, sid, symbol="BTCUSDT", side="buy", type="market", quantity=small))[
            "status"
        ]
        == "filled"
    )
    assert ok(api.get(f"{BT}/{sid}/trade/orders", key=key))["count"] == 1


def test_roi_is_final_equity_minus_start_over_start(
    api: Api, account: Account, day: datetime
) -> None:
    key = account.api_key
    sid = started(api, key, day, starting_balance="5000")
    step_batch(api, key, sid, 30)
    ok(order(api, key, sid, symbol="ETHUSDT", side="buy", type="market", quantity="0.3"))
    step_batch(api, key, sid, 1000)
    summary = ok(api.get(f"{BT}/{sid}/results", key=key))["summary"]
    final, start = dec(summary["final_equity"]), Decimal(5000)
    assert dec(summary["total_pnl"]) == final - start
    assert dec(summary["roi_pct"]) == ((final - start) / start * 100).quantize(Decimal("0.0001"))
    # What the two trades cost: the fees are all of the money that left besides the price move.
    trades = ok(api.get(f"{BT}/{sid}/results/trades", key=key))["trades"]
    buy, sell = trades
    moved = dec(sell["quote_amount"]) - dec(buy["quote_amount"])
    assert final - start == moved - dec(buy["fee"]) - dec(sell["fee"])
    assert dec(summary["total_fees"]) == dec(buy["fee"]) + dec(sell["fee"])


def _script(api: Api, key: str, day: datetime) -> tuple[Any, ...]:
    """One fixed run: the same orders at the same steps; its results without ids."""
    sid = started(api, key, day)
    step_batch(api, key, sid, 4)
    ok(order(api, key, sid, symbol="BTCUSDT", side="buy", type="market", quantity="0.01"))
    price = dec(ok(api.get(f"{BT}/{sid}/market/price/ETHUSDT", key=key))["price"])
    ok(
        order(
            api,
            key,
            sid,
            symbol="ETHUSDT",
            side="buy",
            type="limit",
            quantity="0.2",
            price=str(price * Decimal("0.999")),
        )
    )
    ok(
        api.post(
            f"{BT}/{sid}/step/batch/fast",
            key=key,
            json={"steps": 50, "include_intermediate_trades": True},
        )
    )
    ok(order(api, key, sid, symbol="BTCUSDT", side="sell", type="market", quantity="0.005"))
    step_batch(api, key, sid, 1000)
    results = ok(api.get(f"{BT}/{sid}/results", key=key))
    curve = ok(api.get(f"{BT}/{sid}/results/equity-curve", key=key))["snapshots"]
    trades = ok(api.get(f"{BT}/{sid}/results/trades", key=key))["trades"]
    for trade in trades:
        del trade["id"], trade["session_id"]
    return results["summary"], results["metrics"], results["by_pair"], curve, trades


def test_two_sessions_with_the_same_parameters_and_seed_give_identical_results(
    api: Api, account: Account, new_account: Any, day: datetime
) -> None:
    first = _script(api, account.api_key, day)
    again = _script(api, new_account().api_key, day)
    assert first == again
    assert len(first[4]) >= 3  # the script traded: the comparison is not of empty lists

    from agentexchange.mock.testing import MockServer  # a second server, the same seed

    with MockServer(seed=42, tick_interval=None) as other:
        other_api = Api(other.base_url, Recorder())
        try:
            assert _script(other_api, register(other_api).api_key, day) == first
        finally:
            other_api.close()


# --------------------------------------------------------------------------- lifecycle
SESSION_READS = (
    ("GET", "/trade/orders"),
    ("GET", "/trade/orders/open"),
    ("GET", "/trade/history"),
    ("GET", "/market/price/BTCUSDT"),
    ("GET", "/market/prices"),
    ("GET", "/market/ticker/BTCUSDT"),
    ("GET", "/market/candles/BTCUSDT"),
    ("GET", "/account/balance"),
    ("GET", "/account/positions"),
    ("GET", "/account/portfolio"),
)


def not_active(response: Any, session_id: str) -> None:
    error = assert_error(response, 404, "BACKTEST_NOT_FOUND")
    assert error["message"] == f"Backtest session '{session_id}' is not active."


def test_session_routes_answer_not_active_before_start_and_after_completion(
    api: Api, account: Account, day: datetime
) -> None:
    key = account.api_key
    sid = create(api, key, day, end_time=iso(day + timedelta(minutes=30)))["session_id"]
    not_active(api.post(f"{BT}/{sid}/step", key=key), sid)
    not_active(api.post(f"{BT}/{sid}/cancel", key=key), sid)
    for method, path in SESSION_READS:
        not_active(api.request(method, f"{BT}/{sid}{path}", key=key), sid)

    ok(api.post(f"{BT}/{sid}/start", key=key))
    assert_error(
        api.post(f"{BT}/{sid}/start", key=key),
        409,
        "BACKTEST_INVALID_STATE",
        details={"current_status": "running", "required_status": "created"},
    )
    ok(order(api, key, sid, symbol="BTCUSDT", side="buy", type="market", quantity="0.001"))
    resting = ok(
        order(
            api,
            key,
            sid,
            symbol="BTCUSDT",
            side="buy",
            type="limit",
            quantity="0.001",
            price="2000",
        )
    )
    assert step_batch(api, key, sid, 30)["is_complete"] is True

    for method, path in SESSION_READS:
        not_active(api.request(method, f"{BT}/{sid}{path}", key=key), sid)
    not_active(
        order(api, key, sid, symbol="BTCUSDT", side="buy", type="market", quantity="0.001"), sid
    )
    not_active(api.delete(f"{BT}/{sid}/trade/order/{resting['order_id']}", key=key), sid)
    not_active(api.post(f"{BT}/{sid}/cancel", key=key), sid)
    for path, payload in (
        ("/step", None),
        ("/step/batch", {"steps": 1}),
        ("/step/batch/fast", {"steps": 1}),
    ):
        assert_error(
            api.post(f"{BT}/{sid}{path}", key=key, json=payload),
            409,
            "BACKTEST_INVALID_STATE",
            details={"current_status": "completed"},
        )
    # The finished session is read through its results.
    assert ok(api.get(f"{BT}/{sid}/status", key=key))["total_trades"] == 2
    assert ok(api.get(f"{BT}/{sid}/results/trades", key=key))["total"] == 2


def test_cancel_keeps_the_partial_results_and_stops_the_session(
    api: Api, account: Account, day: datetime
) -> None:
    key = account.api_key
    sid = started(api, key, day, candle_interval=3600, end_time=iso(day + timedelta(days=1)))
    assert step_batch(api, key, sid, 5)["virtual_time"] == iso(day + timedelta(hours=5))
    ok(order(api, key, sid, symbol="ETHUSDT", side="buy", type="market", quantity="0.3"))
    step_batch(api, key, sid, 5)
    equity = dec(ok(api.get(f"{BT}/{sid}/account/portfolio", key=key))["total_equity"])
    cancelled = ok(api.post(f"{BT}/{sid}/cancel", key=key))
    roi = ((equity - 10000) / 10000 * 100).quantize(Decimal("0.0001"))
    assert cancelled == {
        "session_id": sid,
        "status": "cancelled",
        "total_trades": 1,
        "roi_pct": format(roi, "f"),
    }
    status = ok(api.get(f"{BT}/{sid}/status", key=key))
    assert status["status"] == "cancelled" and status["current_step"] == 10
    assert dec(status["final_equity"]) == q8(equity)
    assert_error(
        api.post(f"{BT}/{sid}/step", key=key),
        409,
        "BACKTEST_INVALID_STATE",
        details={"current_status": "cancelled"},
    )
    results = ok(api.get(f"{BT}/{sid}/results", key=key))
    assert results["status"] == "cancelled" and results["metrics"]["sharpe_ratio"] is None


# --------------------------------------------------------------------------- orders inside
def test_order_rules_and_errors_inside_a_session(api: Api, account: Account, day: datetime) -> None:
    key = account.api_key
    sid = started(api, key, day)
    step_batch(api, key, sid, 3)
    assert_error(
        order(api, key, sid, symbol="BTCUSDT", side="buy", type="market", quantity="1", price="10"),
        400,
        "INVALID_ORDER_TYPE",
    )
    response = order(api, key, sid, symbol="BTCUSDT", side="buy", type="limit", quantity="1")
    assert response.status_code == 422, "a limit order needs a price"
    assert_error(
        order(api, key, sid, symbol="BTCUSDT", side="buy", type="market", quantity="1000"),
        400,
        "INSUFFICIENT_BALANCE",
        details={"asset": "USDT", "available": "10000"},
    )
    assert_error(
        order(api, key, sid, symbol="BTCUSDT", side="sell", type="market", quantity="0.01"),
        400,
        "INSUFFICIENT_BALANCE",
        details={"asset": "BTC"},
    )
    assert_error(
        order(api, key, sid, symbol="BTCUSDT", side="buy", type="market", quantity="0.000001"),
        400,
        "INVALID_QUANTITY",
    )
    assert_error(  # a pair the session does not trade (the platform: 200 "rejected")
        order(api, key, sid, symbol="DOGEUSDT", side="buy", type="market", quantity="10"),
        400,
        "INVALID_SYMBOL",
    )
    assert ok(api.get(f"{BT}/{sid}/trade/orders", key=key)) == {"orders": [], "count": 0}
    assert_error(api.get(f"{BT}/{sid}/market/price/DOGEUSDT", key=key), 400, "INVALID_SYMBOL")
    assert_error(api.get(f"{BT}/{sid}/market/ticker/DOGEUSDT", key=key), 400, "INVALID_SYMBOL")
    assert_error(api.get(f"{BT}/{sid}/market/candles/DOGEUSDT", key=key), 400, "INVALID_SYMBOL")
    assert_error(
        api.get(f"{BT}/{sid}/market/candles/BTCUSDT", key=key, params={"interval": "120"}),
        422,
        "VALIDATION_ERROR",
        field="interval",
    )
    hourly = ok(
        api.get(
            f"{BT}/{sid}/market/candles/BTCUSDT", key=key, params={"interval": "3600", "limit": 2}
        )
    )
    assert hourly["interval"] == "3600" and [when(c["bucket"]) for c in hourly["candles"]] == [
        day - timedelta(hours=1),
        day,  # forming: from midnight up to the session clock, never beyond it
    ]
    assert ok(api.get(f"{BT}/{sid}/market/prices", key=key))["prices"].keys() == set(PAIRS)

    # A pending sell stop locks the base asset; cancelling gives it back.
    ok(order(api, key, sid, symbol="ETHUSDT", side="buy", type="market", quantity="0.2"))
    stop = ok(
        order(
            api,
            key,
            sid,
            symbol="ETHUSDT",
            side="sell",
            type="stop_loss",
            quantity="0.2",
            price="100",
        )
    )
    assert held(api, key, sid, "ETH") == (Decimal(0), Decimal("0.2"))
    [item] = ok(api.get(f"{BT}/{sid}/trade/orders/open", key=key))["orders"]
    assert item["stop_price"] == "100" and item["type"] == "stop_loss"
    assert ok(api.delete(f"{BT}/{sid}/trade/order/{stop['order_id']}", key=key)) == {
        "order_id": stop["order_id"],
        "cancelled": True,
    }
    assert_error(
        api.delete(f"{BT}/{sid}/trade/order/{stop['order_id']}", key=key),
        400,
        "ORDER_NOT_CANCELLABLE",
    )
    assert_error(
        api.delete(f"{BT}/{sid}/trade/order/{random_id()}", key=key), 404, "ORDER_NOT_FOUND"
    )
    assert held(api, key, sid, "ETH") == (Decimal("0.2"), Decimal(0))
    for row in ok(api.get(f"{BT}/{sid}/account/balance", key=key))["balances"]:
        assert_money(row, "available", "locked")


def held(api: Api, key: str, session_id: str, asset: str) -> tuple[Decimal, Decimal]:
    rows = ok(api.get(f"{BT}/{session_id}/account/balance", key=key))["balances"]
    row = next(r for r in rows if r["asset"] == asset)
    return dec(row["available"]), dec(row["locked"])


# --------------------------------------------------------------------------- bounds
def test_each_bound_is_a_clear_4xx(api: Api, new_account: Any, mock: Any, day: datetime) -> None:
    key = new_account().api_key

    def refused(status: int, code: str, field: str | None = None, **payload: Any) -> dict[str, Any]:
        base = {
            "start_time": iso(day),
            "end_time": iso(day + timedelta(hours=1)),
            "starting_balance": "1000",
        }
        response = api.post(f"{BT}/create", key=key, json={**base, **payload})
        return assert_error(response, status, code, field=field)

    now = mock.exchange.clock.now()
    error = refused(400, "BACKTEST_NO_DATA", end_time=iso(now + timedelta(hours=1)))
    assert when(error["details"]["latest"]) == now  # the future is not history
    refused(422, "VALIDATION_ERROR", "end_time", end_time=iso(day - timedelta(hours=1)))
    error = refused(422, "VALIDATION_ERROR", "end_time", start_time=iso(day - timedelta(days=367)))
    assert error["details"]["max_days"] == 366
    error = refused(400, "BACKTEST_NO_DATA", start_time="1969-12-31T00:00:00Z")
    assert error["details"]["earliest"].startswith("1970-01-01T00:00:00")
    refused(422, "VALIDATION_ERROR", "start_time", start_time=iso(day + timedelta(seconds=30)))
    refused(422, "VALIDATION_ERROR", "candle_interval", candle_interval=120)
    refused(422, "VALIDATION_ERROR", "starting_balance", starting_balance="0.5")
    refused(400, "INVALID_SYMBOL", pairs=["BTCUSDT", "NOPEUSDT"])

    sessions = [create(api, key, day)["session_id"] for _ in range(10)]
    error = refused(409, "BACKTEST_LIMIT_EXCEEDED")
    assert (error["details"]["limit"], error["details"]["active"]) == (10, 10)
    ok(api.post(f"{BT}/{sessions[0]}/start", key=key))
    ok(api.post(f"{BT}/{sessions[0]}/cancel", key=key))
    create(api, key, day)  # a finished session makes room

    sid = sessions[1]
    ok(api.post(f"{BT}/{sid}/start", key=key))
    assert api.post(f"{BT}/{sid}/step/batch", key=key, json={"steps": 10001}).status_code == 422
    fast = api.post(f"{BT}/{sid}/step/batch/fast", key=key, json={"steps": 100001})
    assert fast.status_code == 422


# --------------------------------------------------------------------------- ownership
SESSION_ROUTES = (
    ("POST", "/start", None),
    ("POST", "/step", None),
    ("POST", "/step/batch", {"steps": 1}),
    ("POST", "/step/batch/fast", {"steps": 1}),
    ("POST", "/cancel", None),
    (
        "POST",
        "/trade/order",
        {"symbol": "BTCUSDT", "side": "buy", "type": "market", "quantity": "0.001"},
    ),
    ("DELETE", "/trade/order/" + "0" * 8 + "-0000-4000-8000-" + "0" * 12, None),
    *((method, path, None) for method, path in SESSION_READS),
    ("GET", "/status", None),
    ("GET", "/results", None),
    ("GET", "/results/equity-curve", None),
    ("GET", "/results/trades", None),
)


@pytest.fixture
def owned(api: Api, account: Account, day: datetime) -> Iterator[str]:
    yield started(api, account.api_key, day)


def test_another_accounts_session_does_not_exist_for_the_caller(
    api: Api, account: Account, new_account: Any, owned: str, day: datetime
) -> None:
    stranger = new_account().api_key
    for method, path, payload in SESSION_ROUTES:
        for sid in (owned, random_id()):
            response = api.request(method, f"{BT}/{sid}{path}", key=stranger, json=payload)
            error = assert_error(response, 404, "BACKTEST_NOT_FOUND", details={"session_id": sid})
            assert error["message"] == f"Backtest session '{sid}' not found.", (method, path)
    assert ok(api.get(f"{BT}/list", key=stranger)) == {"backtests": [], "total": 0}
    other = started(api, stranger, day)
    assert_error(
        api.get(f"{BT}/compare", key=stranger, params={"sessions": f"{other},{owned}"}),
        404,
        "BACKTEST_NOT_FOUND",
    )
    # The owner still has it, untouched.
    assert ok(api.get(f"{BT}/{owned}/status", key=account.api_key))["current_step"] == 0


# --------------------------------------------------------------------------- across sessions
def test_list_compare_and_best_over_the_accounts_sessions(
    api: Api, new_account: Any, day: datetime
) -> None:
    who = new_account()
    key = who.api_key

    def finished(label: str, quantity: str) -> str:
        sid = started(api, key, day, strategy_label=label, end_time=iso(day + timedelta(hours=1)))
        ok(order(api, key, sid, symbol="BTCUSDT", side="buy", type="market", quantity=quantity))
        step_batch(api, key, sid, 60)
        return sid

    a, b = finished("alpha", "0.001"), finished("beta", "0.002")
    idle = create(api, key, day, strategy_label="idle")["session_id"]
    listed = ok(api.get(f"{BT}/list", key=key))
    assert [s["session_id"] for s in listed["backtests"]] == [idle, b, a] and listed["total"] == 3
    labelled = ok(api.get(f"{BT}/list", key=key, params={"strategy_label": "alpha"}))["backtests"]
    assert [s["session_id"] for s in labelled] == [a]
    done = ok(api.get(f"{BT}/list", key=key, params={"status": "completed", "sort_by": "roi_pct"}))
    rois = {s["session_id"]: dec(s["roi_pct"]) for s in done["backtests"]}
    assert [s["session_id"] for s in done["backtests"]] == sorted(
        rois, key=rois.__getitem__, reverse=True
    )
    mine = ok(api.get(f"{BT}/list", key=key, params={"agent_id": who.agent_id, "limit": 1}))
    assert mine["total"] == 1 and mine["backtests"][0]["session_id"] == idle
    assert_error(
        api.get(f"{BT}/list", key=key, params={"sort_by": "nope"}), 422, "VALIDATION_ERROR"
    )

    compared = ok(api.get(f"{BT}/compare", key=key, params={"sessions": f"{a},{b},{idle}"}))
    by_id = {row["session_id"]: row for row in compared["comparisons"]}
    assert list(by_id) == [a, b, idle]
    assert by_id[idle]["sharpe_ratio"] is None and by_id[idle]["roi_pct"] == "0"
    best_roi = max((a, b, idle), key=lambda s: dec(by_id[s]["roi_pct"]))  # not-finished: roi 0
    assert compared["best_by_roi"] == best_roi
    assert_error(api.get(f"{BT}/compare", key=key, params={"sessions": a}), 422, "VALIDATION_ERROR")
    # Two ids, as the document asks, even if they are one session: compared with itself.
    itself = ok(api.get(f"{BT}/compare", key=key, params={"sessions": f"{a},{a}"}))
    assert [row["session_id"] for row in itself["comparisons"]] == [a]
    assert_error(
        api.get(f"{BT}/compare", key=key, params={"sessions": f"{a},{random_id()}"}),
        404,
        "BACKTEST_NOT_FOUND",
    )

    best = ok(api.get(f"{BT}/best", key=key))  # only completed sessions compete here
    winner = max((a, b), key=lambda s: dec(by_id[s]["roi_pct"]))
    assert best == {
        "session_id": winner,
        "strategy_label": "alpha" if winner == a else "beta",
        "metric": "roi_pct",
        "value": by_id[winner]["roi_pct"],
    }
    trades = ok(
        api.get(f"{BT}/best", key=key, params={"metric": "total_trades", "strategy_label": "beta"})
    )
    assert trades["session_id"] == b and trades["value"] == "2"
    assert_error(api.get(f"{BT}/best", key=key, params={"metric": "nope"}), 422, "VALIDATION_ERROR")
    assert_error(
        api.get(f"{BT}/best", key=key, params={"strategy_label": "idle"}), 404, "BACKTEST_NOT_FOUND"
    )
