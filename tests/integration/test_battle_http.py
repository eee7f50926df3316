"""Battles over a real socket with plain httpx (issue 15).

A live battle of two agents on the mock clock: the test picks a window of the mock's own
seeded price path in which BTCUSDT rises, one agent buys into it and the other holds; the
battle's time limit ends it by itself, and the results rank the agents as the ROIs
computed here by hand (equity = cash + position at market) say. A paused participant's
order is refused and accepted after resume. The state errors answer 409
BATTLE_INVALID_STATE and an unknown battle 404 BATTLE_NOT_FOUND. A historical battle
where two agents step the same history: at every step each participant's equity is its
own cash plus its holding at the one price map the step answers, which is the battle's
market/prices and the live market's price at the battle clock; the ranking matches a hand
computation. Every battle operation gets a happy path and a documented error here
(``test_mock_http_coverage.py`` counts them).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest

from .conftest import Account, Api, assert_error, body, dec, random_id

B = "/api/v1/battles"
Q2 = Decimal("0.01")
Q8 = Decimal("0.00000001")


def q8(value: Decimal) -> Decimal:
    return value.quantize(Q8, rounding=ROUND_HALF_UP)


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return body(response)


def new_agent(api: Api, account: Account, name: str) -> tuple[str, str]:
    created = ok(
        api.post(
            "/api/v1/agents",
            key=account.api_key,
            json={"display_name": name, "starting_balance": "10000"},
        ),
        201,
    )
    return str(created["agent_id"]), str(created["api_key"])


def create(api: Api, key: str, **fields: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {"name": "duel", **fields}
    created: dict[str, Any] = ok(api.post(B, key=key, json=payload), 201)
    return created


def enter(api: Api, key: str, battle_id: str, *agent_ids: str) -> None:
    for agent_id in agent_ids:
        ok(api.post(f"{B}/{battle_id}/participants", key=key, json={"agent_id": agent_id}), 201)


def rising_window(mock: Any) -> tuple[str, int]:
    """A pair and a number of minutes ahead (1..120) at which the mock's seeded price path
    is clearly above now (more than the fee and the slippage a buy pays): the first of the
    listed pairs that has one (the mock's clock starts at the wall clock)."""
    market = mock.exchange.market
    now = mock.exchange.clock.now()
    for symbol in ("BTCUSDT", "ETHUSDT", "SOLUSDT", *market.symbols[:60]):
        base = market.price_at(symbol, now)
        ahead = {m: market.price_at(symbol, now + timedelta(minutes=m)) for m in range(1, 121)}
        best = max(ahead, key=lambda m: ahead[m])
        if ahead[best] > base * Decimal("1.005"):
            return symbol, best
    pytest.fail("no rising window in the next two hours")


# --------------------------------------------------------------------------- live
def test_a_live_battle_ranks_two_agents_by_hand_computed_roi(
    api: Api, account: Account, mock: Any
) -> None:
    key = account.api_key
    buyer, buyer_key = new_agent(api, account, "Buyer")
    holder, _ = new_agent(api, account, "Holder")
    symbol, minutes = rising_window(mock)
    battle = create(
        api,
        key,
        config={
            "duration_type": "fixed",
            "duration_seconds": minutes * 60,
            "wallet_mode": "existing",
        },
        ranking_metric="roi_pct",
    )
    bid = battle["id"]
    assert battle["status"] == "draft" and battle["battle_mode"] == "live"
    enter(api, key, bid, buyer, holder)
    got = ok(api.get(f"{B}/{bid}", key=key))
    assert got["participant_count"] == 2, "the platform's 0 is a defect"
    assert [p["agent_id"] for p in got["participants"]] == [buyer, holder]

    started = ok(api.post(f"{B}/{bid}/start", key=key))
    assert started["status"] == "active" and started["started_at"] is not None
    snapshot = {p["agent_id"]: dec(p["snapshot_balance"]) for p in started["participants"]}
    assert snapshot == {buyer: Decimal("10000.00000000"), holder: Decimal("10000.00000000")}

    # Paused: the buyer's order is refused; resumed: accepted.
    paused = ok(api.post(f"{B}/{bid}/pause/{buyer}", key=key))
    assert paused["status"] == "paused"
    price_now = dec(ok(api.get(f"/api/v1/market/price/{symbol}"))["price"])
    step = mock.exchange.market.pair_info(symbol).step_size
    quantity = (Decimal(2000) / price_now // step) * step  # about 2000 USDT, on the lot step
    order = {"symbol": symbol, "side": "buy", "type": "market", "quantity": str(quantity)}
    refused = api.post("/api/v1/trade/order", key=buyer_key, json=order)
    assert_error(refused, 409, "BATTLE_INVALID_STATE")
    assert_error(api.post(f"{B}/{bid}/pause/{buyer}", key=key), 409, "BATTLE_INVALID_STATE")
    assert ok(api.post(f"{B}/{bid}/resume/{buyer}", key=key))["status"] == "active"
    assert_error(api.post(f"{B}/{bid}/resume/{buyer}", key=key), 409, "BATTLE_INVALID_STATE")
    filled = ok(api.post("/api/v1/trade/order", key=buyer_key, json=order), 201)
    assert filled["status"] == "filled"
    qty, price, fee = (
        dec(filled["executed_quantity"]),
        dec(filled["executed_price"]),
        dec(filled["fee"]),
    )
    # As the exchange books it: the quote amount at 8 decimals (the order's total_cost), then the fee.
    cash_after = Decimal(10000) - q8(qty * price) - fee

    live = ok(api.get(f"{B}/{bid}/live", key=key))
    assert live["status"] == "active" and live["remaining_minutes"] > 0
    assert {p["agent_id"] for p in live["participants"]} == {buyer, holder}

    # The time limit ends the battle by itself on the mock clock.
    mock.exchange.tick(minutes * 60)
    done = ok(api.get(f"{B}/{bid}", key=key))
    assert done["status"] == "completed"
    end_price = dec(ok(api.get(f"/api/v1/market/price/{symbol}"))["price"])
    buyer_equity = cash_after + q8(qty * end_price)  # the position's market value, 8 decimals
    roi = {
        buyer: (buyer_equity - Decimal(10000)) / Decimal(10000) * 100,
        holder: Decimal(0),
    }
    assert roi[buyer] > 0, "the window was picked because the price rises in it"
    results = ok(api.get(f"{B}/{bid}/results", key=key))
    assert results["ranking_metric"] == "roi_pct"
    ranked = [p["agent_id"] for p in results["participants"]]
    assert ranked == sorted(roi, key=lambda a: roi[a], reverse=True) == [buyer, holder]
    first, second = results["participants"]
    assert first["rank"] == 1 and second["rank"] == 2
    assert dec(first["final_equity"]) == q8(buyer_equity), "open position counted at market"
    assert dec(first["roi_pct"]) == roi[buyer].quantize(Q2, rounding=ROUND_HALF_UP)
    assert dec(second["final_equity"]) == Decimal(10000)

    replay = ok(api.get(f"{B}/{bid}/replay", key=key, params={"limit": 1000}))
    assert replay["total"] >= 4 and replay["snapshots"][0]["agent_id"] in (buyer, holder)
    assert dec(replay["snapshots"][-2]["equity"]) in {q8(buyer_equity), Decimal(10000)}
    again = ok(api.post(f"{B}/{bid}/replay", key=key, json={}), 201)
    assert again["battle_mode"] == "historical" and again["status"] == "draft"
    assert again["participant_count"] == 2 and again["name"] == "Replay: duel"


def test_the_state_errors(api: Api, account: Account) -> None:
    key = account.api_key
    a, _ = new_agent(api, account, "A")
    b, _ = new_agent(api, account, "B")
    bid = create(api, key, preset="quick_1h")["id"]
    enter(api, key, bid, a)
    assert_error(api.post(f"{B}/{bid}/start", key=key), 409, "BATTLE_INVALID_STATE")
    assert_error(
        api.post(f"{B}/{bid}/participants", key=key, json={"agent_id": a}),
        409,
        "BATTLE_INVALID_STATE",
    )
    enter(api, key, bid, b)
    ok(api.put(f"{B}/{bid}", key=key, json={"name": "renamed"}))
    ok(api.post(f"{B}/{bid}/start", key=key))
    assert_error(api.post(f"{B}/{bid}/start", key=key), 409, "BATTLE_INVALID_STATE")
    assert_error(
        api.put(f"{B}/{bid}", key=key, json={"name": "late"}),
        409,
        "BATTLE_INVALID_STATE",
        details={"current_status": "active", "required_status": "draft"},
    )
    c, _ = new_agent(api, account, "C")
    assert_error(
        api.post(f"{B}/{bid}/participants", key=key, json={"agent_id": c}),
        409,
        "BATTLE_INVALID_STATE",
    )
    assert_error(api.delete(f"{B}/{bid}/participants/{a}", key=key), 409, "BATTLE_INVALID_STATE")
    assert_error(api.get(f"{B}/{bid}/results", key=key), 409, "BATTLE_INVALID_STATE")
    assert_error(api.get(f"{B}/{bid}/replay", key=key), 409, "BATTLE_INVALID_STATE")
    assert_error(api.post(f"{B}/{bid}/replay", key=key, json={}), 409, "BATTLE_INVALID_STATE")
    assert_error(api.post(f"{B}/{bid}/step", key=key), 409, "BATTLE_INVALID_STATE")
    assert_error(api.get(f"{B}/{bid}/market/prices", key=key), 409, "BATTLE_INVALID_STATE")
    ok(api.post(f"{B}/{bid}/stop", key=key))
    assert_error(api.post(f"{B}/{bid}/stop", key=key), 409, "BATTLE_INVALID_STATE")

    unknown = random_id()
    for response in (
        api.get(f"{B}/{unknown}", key=key),
        api.delete(f"{B}/{unknown}", key=key),
        api.get(f"{B}/{unknown}/live", key=key),
        api.post(f"{B}/{unknown}/start", key=key),
    ):
        assert_error(response, 404, "BATTLE_NOT_FOUND", details={"battle_id": unknown})
    assert_error(api.post(f"{B}/{bid}/pause/{c}", key=key), 404, "BATTLE_NOT_FOUND")
    assert_error(api.delete(f"{B}/{bid}/participants/{c}", key=key), 404, "BATTLE_NOT_FOUND")


def test_another_accounts_battle_does_not_exist(
    api: Api, account: Account, new_account: Any
) -> None:
    bid = create(api, account.api_key)["id"]
    other = new_account()
    assert_error(api.get(f"{B}/{bid}", key=other.api_key), 404, "BATTLE_NOT_FOUND")


def test_presets_list_delete_and_validation(api: Api, account: Account) -> None:
    key = account.api_key
    presets = ok(api.get(f"{B}/presets", key=key))
    assert [p["key"] for p in presets][:2] == ["quick_1h", "day_trader"]
    assert_error(api.get(f"{B}/presets"), 401, "INVALID_API_KEY")
    duel = create(api, key, preset="scalper_duel")
    assert duel["config"]["allowed_pairs"] == ["BTCUSDT", "ETHUSDT"]
    assert duel["config"]["starting_balance"] == "5000"
    assert_error(
        api.post(B, key=key, json={"name": "x", "preset": "no_such_preset"}),
        422,
        "VALIDATION_ERROR",
        field="preset",
    )
    assert_error(
        api.post(B, key=key, json={"name": "h", "battle_mode": "historical"}),
        409,
        "BATTLE_INVALID_STATE",
    )
    listed = ok(api.get(B, key=key, params={"status": "draft", "limit": 1}))
    assert listed["total"] == 1 and listed["battles"][0]["id"] == duel["id"]
    assert_error(api.get(B, key=key, params={"limit": 0}), 422, "VALIDATION_ERROR")
    a, _ = new_agent(api, account, "A")
    enter(api, key, duel["id"], a)
    assert api.delete(f"{B}/{duel['id']}/participants/{a}", key=key).status_code == 204
    assert ok(api.get(f"{B}/{duel['id']}", key=key))["participant_count"] == 0
    assert api.delete(f"{B}/{duel['id']}", key=key).status_code == 204
    assert_error(api.get(f"{B}/{duel['id']}", key=key), 404, "BATTLE_NOT_FOUND")


# --------------------------------------------------------------------------- historical
def test_a_historical_battle_steps_both_agents_on_the_same_prices(
    api: Api, account: Account, mock: Any
) -> None:
    key = account.api_key
    a, _ = new_agent(api, account, "Alpha")
    b, _ = new_agent(api, account, "Beta")
    now = mock.exchange.clock.now()
    day = now.replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=2)
    pairs = ["BTCUSDT", "ETHUSDT"]
    battle = create(
        api,
        key,
        name="history",
        battle_mode="historical",
        config={"starting_balance": "10000"},
        backtest_config={
            "start_time": iso(day),
            "end_time": iso(day + timedelta(hours=1)),
            "candle_interval": 60,
            "pairs": pairs,
        },
    )
    bid = battle["id"]
    enter(api, key, bid, a, b)
    assert_error(api.post(f"{B}/{bid}/step", key=key), 409, "BATTLE_INVALID_STATE")
    ok(api.post(f"{B}/{bid}/start", key=key))
    first = ok(api.post(f"{B}/{bid}/step", key=key))
    assert first["step"] == 1 and first["total_steps"] == 60 and first["progress_pct"] == "1.67"

    def order(agent: str, symbol: str, quantity: str) -> dict[str, Any]:
        placed: dict[str, Any] = ok(
            api.post(
                f"{B}/{bid}/trade/order",
                key=key,
                json={
                    "agent_id": agent,
                    "symbol": symbol,
                    "side": "buy",
                    "order_type": "market",
                    "quantity": quantity,
                },
            )
        )
        assert placed["status"] == "filled"
        return placed

    held: dict[str, tuple[str, Decimal, Decimal]] = {}  # agent -> (symbol, qty, cash)
    for agent, symbol, quantity in ((a, "BTCUSDT", "0.02"), (b, "ETHUSDT", "0.5")):
        placed = order(agent, symbol, quantity)
        qty = dec(placed["executed_qty"])
        held[agent] = (
            symbol,
            qty,
            # booked as the exchange books it: the quote amount at 8 decimals, then the fee
            Decimal(10000) - q8(qty * dec(placed["executed_price"])) - dec(placed["fee"]),
        )
    assert_error(
        api.post(
            f"{B}/{bid}/trade/order",
            key=key,
            json={"agent_id": random_id(), "symbol": "BTCUSDT", "side": "buy", "quantity": "1"},
        ),
        404,
        "BATTLE_NOT_FOUND",
    )
    assert_error(
        api.post(
            f"{B}/{bid}/trade/order",
            key=key,
            json={"agent_id": a, "symbol": "BTCUSDT", "side": "buy", "quantity": 0.01},
        ),
        422,
        "VALIDATION_ERROR",
    )

    market = mock.exchange.market
    answer: dict[str, Any] = first
    for step in range(2, 31):
        if step % 2:
            answer = ok(api.post(f"{B}/{bid}/step", key=key))
        else:
            answer = ok(api.post(f"{B}/{bid}/step/batch", key=key, json={"steps": 1}))
        assert answer["step"] == step
        clock = day + timedelta(minutes=step)
        prices = {s: dec(p) for s, p in answer["prices"].items()}
        assert sorted(prices) == pairs
        shown = ok(api.get(f"{B}/{bid}/market/prices", key=key))
        assert {s: dec(p) for s, p in shown["prices"].items()} == prices
        assert datetime.fromisoformat(shown["virtual_time"].replace("Z", "+00:00")) == clock
        for symbol in pairs:  # the close of the candle that just ended: the live path's
            assert prices[symbol] == market.price_at(symbol, clock - timedelta(seconds=1)) or (
                prices[symbol] == market.price_at(symbol, clock)
            )
        for row in answer["participants"]:
            symbol, qty, cash = held[row["agent_id"]]
            assert dec(row["equity"]) == q8(cash + qty * prices[symbol])
            assert row["trade_count"] == 1

    stopped = ok(api.post(f"{B}/{bid}/stop", key=key))
    assert stopped["status"] == "completed"
    final_prices = {s: dec(p) for s, p in answer["prices"].items()}
    equity = {agent: cash + qty * final_prices[sym] for agent, (sym, qty, cash) in held.items()}
    expected = sorted(equity, key=lambda agent: equity[agent], reverse=True)
    results = ok(api.get(f"{B}/{bid}/results", key=key))
    assert [p["agent_id"] for p in results["participants"]] == expected
    for row in results["participants"]:
        assert dec(row["final_equity"]) == q8(equity[row["agent_id"]])
    assert_error(
        api.post(f"{B}/{bid}/step/batch", key=key, json={"steps": 0}), 422, "VALIDATION_ERROR"
    )
    replay = ok(api.get(f"{B}/{bid}/replay", key=key, params={"limit": 2, "offset": 0}))
    assert len(replay["snapshots"]) == 2 and replay["total"] >= 60


def test_deleting_an_active_battle_cancels_it(api: Api, account: Account) -> None:
    key = account.api_key
    a, _ = new_agent(api, account, "A")
    b, _ = new_agent(api, account, "B")
    bid = create(api, key)["id"]
    enter(api, key, bid, a, b)
    ok(api.post(f"{B}/{bid}/start", key=key))
    assert api.delete(f"{B}/{bid}", key=key).status_code == 204
    assert ok(api.get(f"{B}/{bid}", key=key))["status"] == "cancelled"
