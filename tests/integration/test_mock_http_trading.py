"""Orders over HTTP against the mock (issue 4): market fills with the 0.1 % fee, pending
limit / stop-loss / take-profit orders that lock funds and fill when the driven clock
crosses their price, cancel and cancel-all, order lists and trade history, the
``Idempotency-Key`` contract, and the documented order errors (INSUFFICIENT_BALANCE with
asset / required / available, ORDER_NOT_CANCELLABLE, ORDER_NOT_FOUND, INVALID_SYMBOL,
INVALID_ORDER_TYPE, INVALID_QUANTITY, VALIDATION_ERROR naming the field)."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta
from decimal import ROUND_DOWN, Decimal
from typing import Any

import httpx
import pytest

from .conftest import Account, Api, assert_error, assert_money, body, dec, random_id

FEE_RATE = Decimal("0.001")
EIGHT_DP = Decimal("0.00000001")
MAX_TICKS = 2000  # 60 simulated seconds each: about 33 hours of market


_STEP_SIZES: dict[str, dict[str, Decimal]] = {}


def step_size(api: Api, symbol: str) -> Decimal:
    """The pair's step size (the pair list is read once per server)."""
    if api.base_url not in _STEP_SIZES:
        pairs = body(api.get("/api/v1/market/pairs"))["pairs"]
        _STEP_SIZES[api.base_url] = {p["symbol"]: dec(p["step_size"]) for p in pairs}
    return _STEP_SIZES[api.base_url][symbol]


def qty_for(api: Api, mock: Any, symbol: str, notional: str) -> str:
    """A quantity worth about ``notional`` USDT, on the pair's step size."""
    price = mock.exchange.market.price(symbol)
    step = step_size(api, symbol)
    return str((Decimal(notional) / price).quantize(step, rounding=ROUND_DOWN))


def place(api: Api, key: str, **order: Any) -> Any:
    response = api.post("/api/v1/trade/order", key=key, json=order)
    assert response.status_code == 201, response.text
    return body(response)


def usdt(api: Api, key: str) -> dict[str, Decimal]:
    balances = body(api.get("/api/v1/account/balance", key=key))["balances"]
    row = next(b for b in balances if b["asset"] == "USDT")
    return {name: dec(row[name]) for name in ("available", "locked", "total")}


def price_of(mock: Any, symbol: str) -> Decimal:
    return Decimal(mock.exchange.market.price(symbol))


# --------------------------------------------------------------------------- market orders


def test_market_buy_fills_at_once_with_fee_and_slippage(
    api: Api, mock: Any, account: Account
) -> None:
    reference = price_of(mock, "BTCUSDT")
    quantity = qty_for(api, mock, "BTCUSDT", "500")
    order = place(
        api, account.agent_key, symbol="BTCUSDT", side="buy", type="market", quantity=quantity
    )
    assert order["status"] == "filled"
    assert order["symbol"] == "BTCUSDT" and order["side"] == "buy" and order["type"] == "market"
    assert_money(order, "executed_price", "executed_quantity", "fee", "total_cost", "slippage_pct")
    executed, qty = dec(order["executed_price"]), dec(order["executed_quantity"])
    assert qty == Decimal(quantity)
    assert executed >= reference, "a buy pays the price plus slippage"
    slippage = dec(order["slippage_pct"])
    assert Decimal("0.01") <= slippage <= Decimal("10"), "clamped to [0.01 %, 10 %]"
    assert abs(executed - reference * (1 + slippage / 100)) <= reference * Decimal("0.000001")
    assert abs(dec(order["fee"]) - executed * qty * FEE_RATE) <= EIGHT_DP
    assert abs(dec(order["total_cost"]) - (executed * qty + dec(order["fee"]))) <= EIGHT_DP
    assert order["filled_at"] is not None
    # The wallet paid exactly total_cost.
    assert usdt(api, account.agent_key)["total"] == account.starting_balance - dec(
        order["total_cost"]
    )


def test_market_sell_receives_gross_minus_fee(api: Api, mock: Any, account: Account) -> None:
    quantity = qty_for(api, mock, "ETHUSDT", "400")
    bought = place(
        api, account.agent_key, symbol="ETHUSDT", side="buy", type="market", quantity=quantity
    )
    mock.exchange.tick(60)
    before = usdt(api, account.agent_key)["total"]
    sold = place(
        api, account.agent_key, symbol="ETHUSDT", side="sell", type="market", quantity=quantity
    )
    assert sold["status"] == "filled"
    executed = dec(sold["executed_price"])
    assert executed <= price_of(mock, "ETHUSDT"), "a sell receives the price minus slippage"
    gross = executed * Decimal(quantity)
    assert abs(dec(sold["total_cost"]) - (gross - dec(sold["fee"]))) <= EIGHT_DP
    assert usdt(api, account.agent_key)["total"] == before + dec(sold["total_cost"])
    assert bought["order_id"] != sold["order_id"]


def test_buy_beyond_cash_is_insufficient_balance_with_details(
    api: Api, mock: Any, account: Account
) -> None:
    quantity = qty_for(api, mock, "BTCUSDT", "50000")  # five times the wallet
    response = api.post(
        "/api/v1/trade/order",
        key=account.agent_key,
        json={"symbol": "BTCUSDT", "side": "buy", "type": "market", "quantity": quantity},
    )
    error = assert_error(response, 400, "INSUFFICIENT_BALANCE", details={"asset": "USDT"})
    details = error["details"]
    required, available = Decimal(str(details["required"])), Decimal(str(details["available"]))
    assert available == account.starting_balance
    assert required > available
    assert usdt(api, account.agent_key)["total"] == account.starting_balance, "nothing was spent"


def test_selling_what_you_do_not_hold_is_insufficient_balance(api: Api, account: Account) -> None:
    response = api.post(
        "/api/v1/trade/order",
        key=account.agent_key,
        json={"symbol": "SOLUSDT", "side": "sell", "type": "market", "quantity": "1"},
    )
    error = assert_error(response, 400, "INSUFFICIENT_BALANCE", details={"asset": "SOL"})
    assert Decimal(str(error["details"]["required"])) == Decimal("1")
    assert Decimal(str(error["details"]["available"])) == 0


@pytest.mark.parametrize(
    ("order", "field"),
    [
        ({"symbol": "BTCUSDT", "side": "hold", "type": "market", "quantity": "0.01"}, "side"),
        ({"symbol": "BTCUSDT", "side": "buy", "type": "market", "quantity": "lots"}, "quantity"),
        ({"symbol": "BTCUSDT", "side": "buy", "type": "market", "quantity": 0.01}, "quantity"),
        ({"symbol": "BTCUSDT", "side": "buy", "quantity": "0.01"}, "type"),
        ({"symbol": "BTCUSDT", "side": "buy", "type": "iceberg", "quantity": "0.01"}, "type"),
        ({"symbol": "btc/usdt", "side": "buy", "type": "market", "quantity": "0.01"}, "symbol"),
    ],
)
def test_order_schema_violations_are_422_naming_the_field(
    api: Api, account: Account, order: dict[str, Any], field: str
) -> None:
    response = api.post("/api/v1/trade/order", key=account.agent_key, json=order)
    assert_error(response, 422, "VALIDATION_ERROR", field=field)


def test_order_for_an_unknown_pair_is_400_invalid_symbol(api: Api, account: Account) -> None:
    response = api.post(
        "/api/v1/trade/order",
        key=account.agent_key,
        json={"symbol": "NOSUCHUSDT", "side": "buy", "type": "market", "quantity": "1"},
    )
    assert_error(response, 400, "INVALID_SYMBOL", details={"symbol": "NOSUCHUSDT"})


def test_price_rules_per_order_type(api: Api, account: Account) -> None:
    # A missing or null price for a priced type is a validation error, as on the real
    # platform (docs/platform.md, item 28); a price on a market order is INVALID_ORDER_TYPE.
    limit_without_price = {"symbol": "BTCUSDT", "side": "buy", "type": "limit", "quantity": "0.001"}
    response = api.post("/api/v1/trade/order", key=account.agent_key, json=limit_without_price)
    assert_error(response, 422, "VALIDATION_ERROR")
    for kind in ("limit", "stop_loss", "take_profit"):
        null_price = {**limit_without_price, "type": kind, "price": None}
        response = api.post("/api/v1/trade/order", key=account.agent_key, json=null_price)
        assert_error(response, 422, "VALIDATION_ERROR")
    by_alias = {**limit_without_price, "price": None, "stop_price": "1000"}
    response = api.post("/api/v1/trade/order", key=account.agent_key, json=by_alias)
    assert response.status_code == 201, response.text
    market_with_price = {**limit_without_price, "type": "market", "price": "100"}
    response = api.post("/api/v1/trade/order", key=account.agent_key, json=market_with_price)
    assert_error(response, 400, "INVALID_ORDER_TYPE")


def test_zero_quantity_is_invalid_quantity(api: Api, account: Account) -> None:
    response = api.post(
        "/api/v1/trade/order",
        key=account.agent_key,
        json={"symbol": "BTCUSDT", "side": "buy", "type": "market", "quantity": "0"},
    )
    assert_error(response, 400, "INVALID_QUANTITY")


def test_trading_without_credentials_is_401(api: Api) -> None:
    response = api.post(
        "/api/v1/trade/order",
        json={"symbol": "BTCUSDT", "side": "buy", "type": "market", "quantity": "0.001"},
    )
    assert_error(response, 401, "INVALID_API_KEY")


@pytest.mark.parametrize("quantity", ["1e30", "1e999", "123456789012345678901234567890"])
def test_absurd_quantities_are_refused_with_400_not_500(
    api: Api, account: Account, quantity: str
) -> None:
    """Schema-valid decimal strings; insufficient balance is checked first (issue 4)."""
    response = api.post(
        "/api/v1/trade/order",
        key=account.agent_key,
        json={"symbol": "BTCUSDT", "side": "buy", "type": "market", "quantity": quantity},
    )
    assert_error(response, 400, {"INSUFFICIENT_BALANCE", "INVALID_QUANTITY"})
    assert usdt(api, account.agent_key)["total"] == account.starting_balance


@pytest.mark.parametrize(
    ("member", "value"),
    [("quantity", "1e999999999"), ("quantity", "1e-999999999"), ("price", "1e-999999999")],
)
def test_a_decimal_with_an_exponent_of_four_digits_is_422_at_once(
    api: Api, account: Account, member: str, value: str
) -> None:
    """The document's decimal pattern allows at most three exponent digits: a billion-digit
    exponent overflowed Decimal.normalize (500) or spelt out a gigabyte of zeros (28 s)."""
    body = {"symbol": "BTCUSDT", "side": "buy", "type": "limit", "quantity": "0.01"}
    body["price"] = "50000"
    body[member] = value
    response = api.post("/api/v1/trade/order", key=account.agent_key, json=body)
    assert_error(response, 422, "VALIDATION_ERROR")
    assert usdt(api, account.agent_key)["total"] == account.starting_balance


def test_an_order_below_min_notional_is_invalid_quantity(api: Api, account: Account) -> None:
    response = api.post(
        "/api/v1/trade/order",
        key=account.agent_key,
        json={
            "symbol": "BTCUSDT",
            "side": "buy",
            "type": "limit",
            "quantity": "0.00001",
            "price": "1",
        },
    )
    assert_error(response, 400, "INVALID_QUANTITY")


def test_risk_rules_reject_with_the_documented_reason(
    api: Api, mock: Any, account: Account
) -> None:
    """Default profile: one order at most 50 % of equity, one position at most 25 %."""
    too_large = qty_for(api, mock, "BTCUSDT", "6000")
    response = api.post(
        "/api/v1/trade/order",
        key=account.agent_key,
        json={"symbol": "BTCUSDT", "side": "buy", "type": "market", "quantity": too_large},
    )
    error = assert_error(response, 400, "ORDER_REJECTED", details={"reason": "order_too_large"})
    assert error["details"]["limit_type"] == "max_order_size_pct"
    too_much = qty_for(api, mock, "BTCUSDT", "3000")
    response = api.post(
        "/api/v1/trade/order",
        key=account.agent_key,
        json={"symbol": "BTCUSDT", "side": "buy", "type": "market", "quantity": too_much},
    )
    assert_error(response, 400, "ORDER_REJECTED", details={"reason": "position_limit_exceeded"})
    assert usdt(api, account.agent_key)["total"] == account.starting_balance, "nothing was spent"


# --------------------------------------------------------------------------- pending orders


# Symbols tried in turn: from a given minute one market may trend one way for a day or
# more (the seeded path is real-looking, not mean-reverting), so a test that needs the
# price to come back picks the first of these that does.
CROSSING_CANDIDATES = ("BTCUSDT", "ETHUSDT", "SOLUSDT", "BNBUSDT", "XRPUSDT", "ADAUSDT")


def crossing_level(mock: Any, symbol: str, *, below: bool) -> tuple[Decimal, int] | None:
    """A price the market will reach, read from its seeded future path.

    Returns (level, ticks): the most extreme price over the next minutes that is
    strictly beyond the current one (below it for ``below``), and after how many
    ``tick(60)`` calls it is reached. Every earlier tick is on the near side of it,
    so an order at that level must stay pending until exactly then. None when the
    market never gets there within MAX_TICKS minutes.
    """
    market, now = mock.exchange.market, mock.exchange.clock.now()
    current = Decimal(market.price(symbol))
    best: tuple[Decimal, int] | None = None
    for ticks in range(1, MAX_TICKS + 1):
        future = Decimal(market.price_at(symbol, now + timedelta(seconds=60 * ticks)))
        beyond = future < current if below else future > current
        if beyond and (best is None or (future < best[0] if below else future > best[0])):
            best = (future, ticks)
        if best is not None and ticks >= 60:
            break
    return best


def crossing_market(mock: Any, *, below: bool) -> tuple[str, Decimal, int]:
    """The first candidate symbol whose price will cross, with its level and ticks."""
    for symbol in CROSSING_CANDIDATES:
        found = crossing_level(mock, symbol, below=below)
        if found is not None:
            return symbol, *found
    raise AssertionError(f"none of {CROSSING_CANDIDATES} crosses within {MAX_TICKS} minutes")


def tick_until(api: Api, mock: Any, account: Account, order_id: str, ticks: int) -> dict[str, Any]:
    """Advance one simulated minute at a time; the order stays pending until the last."""
    for done in range(1, ticks + 1):
        mock.exchange.tick(60)
        detail = body(api.get(f"/api/v1/trade/order/{order_id}", key=account.agent_key))
        if done < ticks:
            assert detail["status"] == "pending", f"filled after {done} of {ticks} minutes"
    return dict(detail)


def test_limit_buy_locks_funds_and_fills_when_the_market_crosses(
    api: Api, mock: Any, account: Account
) -> None:
    symbol, limit, ticks = crossing_market(mock, below=True)
    quantity = qty_for(api, mock, symbol, "300")
    order = place(
        api,
        account.agent_key,
        symbol=symbol,
        side="buy",
        type="limit",
        quantity=quantity,
        price=str(limit),
    )
    assert order["status"] == "pending"
    assert_money(order, "locked_amount", "price")
    locked = dec(order["locked_amount"])
    assert abs(locked - Decimal(quantity) * limit * (1 + FEE_RATE)) <= EIGHT_DP, (
        "qty x price x 1.001"
    )
    cash = usdt(api, account.agent_key)
    assert cash["locked"] == locked
    assert cash["available"] == account.starting_balance - locked
    open_ids = [
        o["order_id"]
        for o in body(api.get("/api/v1/trade/orders/open", key=account.agent_key))["orders"]
    ]
    assert order["order_id"] in open_ids

    detail = tick_until(api, mock, account, order["order_id"], ticks)
    assert price_of(mock, symbol) <= limit
    assert detail["status"] == "filled"
    assert dec(detail["executed_qty"]) == Decimal(quantity)
    assert_money(detail, "executed_price", "fee")
    assert detail["filled_at"] is not None
    cash = usdt(api, account.agent_key)
    assert cash["locked"] == 0, "the lock is released on fill"
    paid = dec(detail["executed_price"]) * Decimal(quantity) + dec(detail["fee"])
    assert abs(cash["total"] - (account.starting_balance - paid)) <= EIGHT_DP, "paid the fill"
    positions = body(api.get("/api/v1/account/positions", key=account.agent_key))["positions"]
    assert [p["symbol"] for p in positions] == [symbol]
    assert dec(positions[0]["quantity"]) == Decimal(quantity)
    assert body(api.get("/api/v1/trade/orders/open", key=account.agent_key))["orders"] == []


def test_a_limit_far_below_the_market_stays_pending(api: Api, mock: Any, account: Account) -> None:
    price = price_of(mock, "ETHUSDT")
    limit = (price / 2).quantize(Decimal("0.01"))
    order = place(
        api,
        account.agent_key,
        symbol="ETHUSDT",
        side="buy",
        type="limit",
        quantity="0.1",
        price=str(limit),
    )
    for _ in range(5):
        mock.exchange.tick(60)
    detail = body(api.get(f"/api/v1/trade/order/{order['order_id']}", key=account.agent_key))
    assert detail["status"] == "pending"
    assert detail["executed_price"] is None and detail["filled_at"] is None


def test_take_profit_sell_fills_when_the_price_rises_to_the_trigger(
    api: Api, mock: Any, account: Account
) -> None:
    symbol, trigger, ticks = crossing_market(mock, below=False)
    quantity = qty_for(api, mock, symbol, "300")
    place(api, account.agent_key, symbol=symbol, side="buy", type="market", quantity=quantity)
    order = place(
        api,
        account.agent_key,
        symbol=symbol,
        side="sell",
        type="take_profit",
        quantity=quantity,
        price=str(trigger),
    )
    assert order["status"] == "pending"
    detail = tick_until(api, mock, account, order["order_id"], ticks)
    assert detail["status"] == "filled"
    assert body(api.get("/api/v1/account/positions", key=account.agent_key))["positions"] == []
    history = body(api.get("/api/v1/trade/history", key=account.agent_key))["trades"]
    assert history[0]["order_id"] == order["order_id"] and history[0]["pnl"] is not None


def test_stop_loss_is_listed_open_and_cancel_unlocks_it(
    api: Api, mock: Any, account: Account
) -> None:
    quantity = qty_for(api, mock, "SOLUSDT", "300")
    place(api, account.agent_key, symbol="SOLUSDT", side="buy", type="market", quantity=quantity)
    trigger = (price_of(mock, "SOLUSDT") * Decimal("0.5")).quantize(Decimal("0.0001"))
    stop = place(
        api,
        account.agent_key,
        symbol="SOLUSDT",
        side="sell",
        type="stop_loss",
        quantity=quantity,
        price=str(trigger),
    )
    assert stop["status"] == "pending" and stop["type"] == "stop_loss"
    listed = body(api.get("/api/v1/trade/orders/open", key=account.agent_key))
    assert [o["order_id"] for o in listed["orders"]] == [stop["order_id"]]
    assert listed["total"] == 1
    assert dec(listed["orders"][0]["price"]) == trigger

    balances = body(api.get("/api/v1/account/balance", key=account.agent_key))["balances"]
    sol = next(b for b in balances if b["asset"] == "SOL")
    assert dec(sol["locked"]) == Decimal(quantity), "a pending sell locks the base asset"

    cancelled = api.delete(f"/api/v1/trade/order/{stop['order_id']}", key=account.agent_key)
    assert cancelled.status_code == 200
    data = body(cancelled)
    assert data["status"] == "cancelled" and data["order_id"] == stop["order_id"]
    assert_money(data, "unlocked_amount")
    assert dec(data["unlocked_amount"]) == Decimal(quantity)
    balances = body(api.get("/api/v1/account/balance", key=account.agent_key))["balances"]
    sol = next(b for b in balances if b["asset"] == "SOL")
    assert dec(sol["locked"]) == 0 and dec(sol["available"]) == Decimal(quantity)

    again = api.delete(f"/api/v1/trade/order/{stop['order_id']}", key=account.agent_key)
    assert_error(again, 400, "ORDER_NOT_CANCELLABLE", details={"current_status": "cancelled"})


def test_a_filled_order_is_not_cancellable(api: Api, mock: Any, account: Account) -> None:
    order = place(
        api,
        account.agent_key,
        symbol="BTCUSDT",
        side="buy",
        type="market",
        quantity=qty_for(api, mock, "BTCUSDT", "100"),
    )
    response = api.delete(f"/api/v1/trade/order/{order['order_id']}", key=account.agent_key)
    assert_error(response, 400, "ORDER_NOT_CANCELLABLE", details={"current_status": "filled"})


def test_unknown_order_ids_are_404_order_not_found(api: Api, account: Account) -> None:
    missing = random_id()
    assert_error(
        api.get(f"/api/v1/trade/order/{missing}", key=account.agent_key), 404, "ORDER_NOT_FOUND"
    )
    assert_error(
        api.delete(f"/api/v1/trade/order/{missing}", key=account.agent_key), 404, "ORDER_NOT_FOUND"
    )


def test_malformed_order_id_is_422(api: Api, account: Account) -> None:
    response = api.get("/api/v1/trade/order/not-a-uuid", key=account.agent_key)
    assert_error(response, 422, "VALIDATION_ERROR", field="order_id")


def test_cancel_all_cancels_every_pending_order_and_unlocks(
    api: Api, mock: Any, account: Account
) -> None:
    price = price_of(mock, "BTCUSDT")
    locks = []
    for fraction in ("0.5", "0.6"):
        limit = (price * Decimal(fraction)).quantize(Decimal("0.01"))
        order = place(
            api,
            account.agent_key,
            symbol="BTCUSDT",
            side="buy",
            type="limit",
            quantity="0.002",
            price=str(limit),
        )
        locks.append(dec(order["locked_amount"]))
    response = api.delete("/api/v1/trade/orders/open", key=account.agent_key)
    assert response.status_code == 200
    data = body(response)
    assert data["cancelled_count"] == 2
    assert_money(data, "total_unlocked")
    assert dec(data["total_unlocked"]) == sum(locks)
    assert body(api.get("/api/v1/trade/orders/open", key=account.agent_key))["orders"] == []
    assert usdt(api, account.agent_key) == {
        "available": account.starting_balance,
        "locked": Decimal(0),
        "total": account.starting_balance,
    }
    cancelled = body(
        api.get("/api/v1/trade/orders", key=account.agent_key, params={"status": "cancelled"})
    )
    assert cancelled["total"] == 2


def test_cancel_all_and_open_orders_need_credentials(api: Api) -> None:
    assert_error(api.delete("/api/v1/trade/orders/open"), 401, "INVALID_API_KEY")
    assert_error(api.get("/api/v1/trade/orders/open", key="ak_live_nope"), 401, "INVALID_API_KEY")


def test_open_orders_limit_out_of_range_is_422(api: Api, account: Account) -> None:
    response = api.get("/api/v1/trade/orders/open", key=account.agent_key, params={"limit": 201})
    assert_error(response, 422, "VALIDATION_ERROR", field="limit")


# --------------------------------------------------------------------------- lists and history


def test_orders_filtered_by_status_and_symbol_newest_first(
    api: Api, mock: Any, account: Account
) -> None:
    first = place(
        api,
        account.agent_key,
        symbol="BTCUSDT",
        side="buy",
        type="market",
        quantity=qty_for(api, mock, "BTCUSDT", "200"),
    )
    mock.exchange.tick(60)
    second = place(
        api,
        account.agent_key,
        symbol="ETHUSDT",
        side="buy",
        type="market",
        quantity=qty_for(api, mock, "ETHUSDT", "200"),
    )
    pending = place(
        api,
        account.agent_key,
        symbol="ETHUSDT",
        side="buy",
        type="limit",
        quantity="0.01",
        price=str((price_of(mock, "ETHUSDT") / 2).quantize(Decimal("0.01"))),
    )
    everything = body(api.get("/api/v1/trade/orders", key=account.agent_key))
    assert [o["order_id"] for o in everything["orders"]] == [
        pending["order_id"],
        second["order_id"],
        first["order_id"],
    ]
    assert everything["total"] == 3 and everything["limit"] == 100 and everything["offset"] == 0
    for order in everything["orders"]:
        assert_money(order, "quantity")
        assert_money(order, "price", "executed_price", "executed_qty", "fee", nullable=True)
    filled = body(
        api.get("/api/v1/trade/orders", key=account.agent_key, params={"status": "filled"})
    )
    assert {o["order_id"] for o in filled["orders"]} == {first["order_id"], second["order_id"]}
    eth = body(api.get("/api/v1/trade/orders", key=account.agent_key, params={"symbol": "ETHUSDT"}))
    assert {o["order_id"] for o in eth["orders"]} == {second["order_id"], pending["order_id"]}
    paged = body(
        api.get("/api/v1/trade/orders", key=account.agent_key, params={"limit": 1, "offset": 1})
    )
    assert [o["order_id"] for o in paged["orders"]] == [second["order_id"]]
    assert paged["total"] == 3


def test_orders_with_an_unknown_status_filter_is_422(api: Api, account: Account) -> None:
    response = api.get("/api/v1/trade/orders", key=account.agent_key, params={"status": "done"})
    assert_error(response, 422, "VALIDATION_ERROR", field="status")


def test_trade_history_records_fees_and_realized_pnl_on_closing_trades(
    api: Api, mock: Any, account: Account
) -> None:
    quantity = qty_for(api, mock, "BTCUSDT", "400")
    buy = place(
        api, account.agent_key, symbol="BTCUSDT", side="buy", type="market", quantity=quantity
    )
    mock.exchange.tick(300)
    sell = place(
        api, account.agent_key, symbol="BTCUSDT", side="sell", type="market", quantity=quantity
    )
    history = body(api.get("/api/v1/trade/history", key=account.agent_key))
    trades = history["trades"]
    assert history["total"] == 2 == len(trades)
    assert [t["order_id"] for t in trades] == [sell["order_id"], buy["order_id"]], "newest first"
    for trade in trades:
        assert_money(trade, "quantity", "price", "fee", "total")
        uuid.UUID(trade["trade_id"])
    closing, opening = trades
    assert opening["pnl"] is None
    assert_money(closing, "pnl")
    expected = (dec(closing["price"]) - dec(opening["price"])) * Decimal(quantity)
    assert abs(dec(closing["pnl"]) - expected) <= EIGHT_DP
    assert dec(opening["fee"]) == dec(buy["fee"])
    only_buys = body(
        api.get("/api/v1/trade/history", key=account.agent_key, params={"side": "buy"})
    )
    assert [t["order_id"] for t in only_buys["trades"]] == [buy["order_id"]]


def test_trade_history_limit_out_of_range_is_422(api: Api, account: Account) -> None:
    response = api.get("/api/v1/trade/history", key=account.agent_key, params={"limit": 0})
    assert_error(response, 422, "VALIDATION_ERROR", field="limit")


# --------------------------------------------------------------------------- idempotency


def test_a_repeated_idempotency_key_returns_the_first_order(
    api: Api, mock: Any, account: Account
) -> None:
    key = f"it-{uuid.uuid4()}"
    order = {
        "symbol": "BTCUSDT",
        "side": "buy",
        "type": "market",
        "quantity": qty_for(api, mock, "BTCUSDT", "250"),
    }
    first = api.post(
        "/api/v1/trade/order", key=account.agent_key, json=order, headers={"Idempotency-Key": key}
    )
    mock.exchange.tick(60)  # the market moved: a second placement would differ
    second = api.post(
        "/api/v1/trade/order", key=account.agent_key, json=order, headers={"Idempotency-Key": key}
    )
    assert first.status_code == 201 and second.status_code == 201
    assert first.headers["idempotency-key"] == key
    assert second.headers["idempotency-key"] == key
    assert body(second)["order_id"] == body(first)["order_id"]
    assert body(second) == body(first)
    history = body(api.get("/api/v1/trade/history", key=account.agent_key))
    assert history["total"] == 1, "placed once"
    assert usdt(api, account.agent_key)["total"] == account.starting_balance - dec(
        body(first)["total_cost"]
    )
    # A new key places a new order.
    third = api.post(
        "/api/v1/trade/order",
        key=account.agent_key,
        json=order,
        headers={"Idempotency-Key": key + "-2"},
    )
    assert body(third)["order_id"] != body(first)["order_id"]


def test_idempotency_keys_are_per_agent(api: Api, mock: Any, new_account: Any) -> None:
    alice, bob = new_account(), new_account()
    key = f"shared-{uuid.uuid4()}"
    order = {"symbol": "ETHUSDT", "side": "buy", "type": "market", "quantity": "0.01"}
    a = api.post(
        "/api/v1/trade/order", key=alice.agent_key, json=order, headers={"Idempotency-Key": key}
    )
    b = api.post(
        "/api/v1/trade/order", key=bob.agent_key, json=order, headers={"Idempotency-Key": key}
    )
    assert a.status_code == b.status_code == 201
    assert body(a)["order_id"] != body(b)["order_id"], "bob must not receive alice's order"
    assert_error(
        api.get(f"/api/v1/trade/order/{body(a)['order_id']}", key=bob.agent_key),
        404,
        "ORDER_NOT_FOUND",
    )


def test_a_malformed_idempotency_key_is_422(api: Api, account: Account) -> None:
    order = {"symbol": "BTCUSDT", "side": "buy", "type": "market", "quantity": "0.001"}
    response = api.post(
        "/api/v1/trade/order",
        key=account.agent_key,
        json=order,
        headers={"Idempotency-Key": "has spaces"},
    )
    assert_error(response, 422, "VALIDATION_ERROR", field="Idempotency-Key")
    assert body(api.get("/api/v1/trade/history", key=account.agent_key))["total"] == 0


# --------------------------------------------------------------------------- concurrency


def test_concurrent_retries_with_one_idempotency_key_place_one_order(
    api: Api, mock: Any, account: Account
) -> None:
    key = f"race-{uuid.uuid4()}"
    order = {"symbol": "ETHUSDT", "side": "buy", "type": "market", "quantity": "0.05"}
    barrier = threading.Barrier(8)
    responses: list[Any] = []

    def send() -> None:
        with httpx.Client(base_url=api.base_url, timeout=30) as client:
            barrier.wait()
            responses.append(
                client.post(
                    "/api/v1/trade/order",
                    json=order,
                    headers={"X-API-Key": account.agent_key, "Idempotency-Key": key},
                )
            )

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [r.status_code for r in responses] == [201] * 8
    assert len({body(r)["order_id"] for r in responses}) == 1
    assert body(api.get("/api/v1/trade/history", key=account.agent_key))["total"] == 1


def test_concurrent_orders_never_spend_more_than_the_wallet(
    api: Api, mock: Any, account: Account
) -> None:
    pairs = body(api.get("/api/v1/market/pairs"))["pairs"][:16]
    orders = [
        {
            "symbol": p["symbol"],
            "side": "buy",
            "type": "market",
            "quantity": qty_for(api, mock, p["symbol"], "900"),
        }
        for p in pairs
    ]
    barrier = threading.Barrier(len(orders))
    responses: list[Any] = []

    def send(order: dict[str, Any]) -> None:
        with httpx.Client(base_url=api.base_url, timeout=30) as client:
            barrier.wait()
            responses.append(
                client.post(
                    "/api/v1/trade/order", json=order, headers={"X-API-Key": account.agent_key}
                )
            )

    threads = [threading.Thread(target=send, args=(order,)) for order in orders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    filled = [body(r) for r in responses if r.status_code == 201]
    refused = [r for r in responses if r.status_code != 201]
    for response in refused:
        assert_error(response, 400, "INSUFFICIENT_BALANCE")
    assert filled and refused, "16 x 900 USDT cannot all fit in 10000 USDT"
    spent = sum((dec(o["total_cost"]) for o in filled), Decimal(0))
    cash = usdt(api, account.agent_key)
    assert cash["total"] == account.starting_balance - spent
    assert cash["available"] >= 0
    assert body(api.get("/api/v1/trade/history", key=account.agent_key))["total"] == len(filled)
