"""BacktestSession / AsyncBacktestSession (issue 12) over httpx.MockTransport, no server.

Expected requests and bodies are written by hand from the platform's recorded backtest
exchanges (../shared/reference/wire-samples/backtest.json, copied in as the canned answers
below): every session method sends the session's own id; the sandbox's field names (`id`,
`bucket`, `price_change`, `virtual_time`, `simulated_at`, balances without `total`) land in the
live client's models; `with` starts and cancels, and tolerates the platform's 404 "not
active" once the session is over; `bars()` steps one candle per iteration and stops at the
completing step; the async twins behave the same.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import httpx
import pytest

from agentexchange import (
    AgentExchangeClient,
    AsyncAgentExchangeClient,
    AsyncBacktestSession,
    AsyncTradingAPI,
    BacktestSession,
    NotFoundError,
    TradingAPI,
    ValidationError,
)
from agentexchange import models as m

SID = "580d7b83-9449-4f4a-bcd4-e6ae7bc47028"
API = f"/api/v1/backtest/{SID}"
OID = "fa00ea79-5380-41ad-8249-5c8502d49deb"
NOT_ACTIVE = {
    "error": {"code": "BACKTEST_NOT_FOUND", "message": f"Backtest session '{SID}' is not active."}
}
PORTFOLIO = {
    "total_equity": "9983.4279397944",
    "available_cash": "7110.9745550300",
    "position_value": "2872.4533847644",
    "unrealized_pnl": "-13.6859209068",
    "realized_pnl": "0",
    "positions": [
        {
            "symbol": "BTCUSDT",
            "quantity": "0.02",
            "avg_entry_price": "95522.76201216",
            "current_price": "94832.24339992",
            "market_value": "1896.6448679984",
            "unrealized_pnl": "-13.8103722448",
        }
    ],
}


def step_body(step: int, total: int) -> dict[str, Any]:
    return {
        "virtual_time": f"2026-12-01T{step // 60:02d}:{step % 60:02d}:00Z",
        "step": step,
        "total_steps": total,
        "progress_pct": f"{100 * step / total:.2f}",
        "prices": {"BTCUSDT": "95513.21069109"},
        "orders_filled": [],
        "portfolio": {**PORTFOLIO, "positions": []},
        "is_complete": step == total,
        "remaining_steps": total - step,
    }


ORDERS = {  # exchange 25, three of its orders (oldest first, as the platform sends them)
    "orders": [
        {"id": "739372c6-3270-4c69-98b9-62527b337ec5", "symbol": "BTCUSDT", "side": "buy",
         "type": "market", "quantity": "0.02", "price": "95522.76201216", "stop_price": None,
         "status": "filled", "executed_price": "95522.76201216", "fee": "1.91045524"},
        {"id": OID, "symbol": "ETHUSDT", "side": "buy", "type": "limit", "quantity": "0.5",
         "price": "2801.06", "stop_price": None, "status": "pending", "executed_price": None,
         "fee": None},
        {"id": "ae4b8174-6f69-4587-99b2-c10bbb23b958", "symbol": "BTCUSDT", "side": "sell",
         "type": "stop_loss", "quantity": "0.01", "price": "1000", "stop_price": "1000",
         "status": "pending", "executed_price": None, "fee": None},
    ],
    "count": 3,
}  # fmt: skip
HISTORY = {  # exchange 40, two of its trades
    "trades": [
        {"id": "bb5faf6f-0a6a-4aba-b5d0-89afe0e6d56d", "symbol": "BTCUSDT", "side": "buy",
         "type": "market", "quantity": "0.02", "price": "95522.76201216",
         "quote_amount": "1910.45524024", "fee": "1.91045524", "slippage_pct": "0.010000",
         "realized_pnl": None, "simulated_at": "2026-12-01T00:01:00+00:00"},
        {"id": "e23fc731-0caa-4eb3-a77b-9be282453154", "symbol": "ETHUSDT", "side": "sell",
         "type": "market", "quantity": "0.01", "price": "94822.76017558",
         "quote_amount": "948.22760176", "fee": "0.94822760", "slippage_pct": "0.010000",
         "realized_pnl": "-7.00001837", "simulated_at": "2026-12-01T00:37:00+00:00"},
    ],
    "count": 2,
}  # fmt: skip

# (session method, args, HTTP method, path under the session, query, JSON body, answer)
CALLS: list[tuple[str, tuple[Any, ...], str, str, dict[str, str], Any, Any]] = [
    ("start", (), "POST", "/start", {}, None, {"status": "running", "session_id": SID}),
    ("step", (), "POST", "/step/batch", {}, {"steps": 1}, step_body(1, 180)),
    ("step", (60,), "POST", "/step/batch", {}, {"steps": 60}, step_body(60, 180)),
    ("step_fast", (500,), "POST", "/step/batch/fast", {},
     {"steps": 500, "include_intermediate_trades": False}, {**step_body(9, 180), "steps_executed": 9}),
    ("cancel", (), "POST", "/cancel", {}, None,
     {"session_id": SID, "status": "cancelled", "total_trades": 1, "roi_pct": "-0.23"}),
    ("status", (), "GET", "/status", {}, None, None),
    ("results", (), "GET", "/results", {}, None, None),
    ("equity_curve", (10,), "GET", "/results/equity-curve", {"interval": "10"}, None,
     {"session_id": SID, "interval": "10", "snapshots": []}),
    ("trades", (), "GET", "/results/trades", {"limit": "1000", "offset": "0"}, None,
     {"session_id": SID, "trades": [], "total": 0}),
    ("place_market_order", ("BTCUSDT", "buy", Decimal("0.02")), "POST", "/trade/order", {},
     {"symbol": "BTCUSDT", "side": "buy", "quantity": "0.02", "type": "market"},
     {"order_id": "739372c6-3270-4c69-98b9-62527b337ec5", "status": "filled",
      "executed_price": "95522.76201216", "executed_qty": "0.02", "fee": "1.91045524",
      "realized_pnl": None}),
    ("place_limit_order", ("ETHUSDT", "buy", "0.5", "2801.06"), "POST", "/trade/order", {},
     {"symbol": "ETHUSDT", "side": "buy", "quantity": "0.5", "price": "2801.06", "type": "limit"},
     {"order_id": OID, "status": "pending", "executed_price": None, "executed_qty": None,
      "fee": None, "realized_pnl": None}),
    ("place_stop_loss", ("BTCUSDT", "sell", "0.01", 1000), "POST", "/trade/order", {},
     {"symbol": "BTCUSDT", "side": "sell", "quantity": "0.01", "price": "1000", "type": "stop_loss"},
     {"order_id": OID, "status": "pending"}),
    ("place_take_profit", ("BTCUSDT", "sell", "0.01", "99000"), "POST", "/trade/order", {},
     {"symbol": "BTCUSDT", "side": "sell", "quantity": "0.01", "price": "99000", "type": "take_profit"},
     {"order_id": OID, "status": "pending"}),
    ("get_orders", (), "GET", "/trade/orders", {}, None, ORDERS),
    ("get_open_orders", (), "GET", "/trade/orders/open", {}, None, {"orders": [], "count": 0}),
    ("cancel_order", (OID,), "DELETE", f"/trade/order/{OID}", {}, None, {"order_id": OID, "cancelled": True}),
    ("get_trade_history", (), "GET", "/trade/history", {}, None, HISTORY),
    ("get_price", ("BTCUSDT",), "GET", "/market/price/BTCUSDT", {}, None,
     {"symbol": "BTCUSDT", "price": "95577.81305860", "virtual_time": "2026-12-01T00:00:00+00:00"}),
    ("get_all_prices", (), "GET", "/market/prices", {}, None,
     {"prices": {"BTCUSDT": "95577.81305860", "ETHUSDT": "3115.27757311"},
      "virtual_time": "2026-12-01T00:00:00+00:00"}),
    ("get_ticker", ("ETHUSDT",), "GET", "/market/ticker/ETHUSDT", {}, None,
     {"symbol": "ETHUSDT", "open": "3142.95227271", "high": "3280.41932191", "low": "3107.56531217",
      "close": "3115.27757311", "volume": "6065.67720000", "trade_count": 12771,
      "price_change": "-27.67469960", "price_change_pct": "-0.88",
      "virtual_time": "2026-12-01T00:00:00+00:00"}),
    ("get_candles", ("BTCUSDT", "1m", 3), "GET", "/market/candles/BTCUSDT", {"interval": "1m", "limit": "3"}, None,
     {"symbol": "BTCUSDT", "interval": "1m", "count": 1,
      "candles": [{"bucket": "2026-12-01T00:00:00+00:00", "open": "95577.81305860", "high": "95577.81305860",
                   "low": "95577.81305860", "close": "95577.81305860", "volume": "0.59840000", "trade_count": 1}]}),
    ("get_balance", (), "GET", "/account/balance", {}, None,
     {"balances": [{"asset": "USDT", "available": "6155.8424481191", "locked": "955.1321069109"},
                   {"asset": "BTC", "available": "0.01", "locked": "0.01"}]}),
    ("get_portfolio", (), "GET", "/account/portfolio", {}, None, PORTFOLIO),
    ("get_positions", (), "GET", "/account/portfolio", {}, None, PORTFOLIO),
]  # fmt: skip
STATUS = {
    "session_id": SID, "agent_id": None, "strategy_label": "wire_momentum",
    "start_time": "2026-12-01T00:00:00Z", "end_time": "2026-12-01T03:00:00Z", "status": "running",
    "progress_pct": 20.56, "current_step": 37, "total_steps": 180, "total_trades": 0,
    "created_at": "2026-12-02T06:54:26.694631Z",
}  # fmt: skip
RESULTS = {
    "session_id": SID, "status": "running",
    "config": {"start_time": "2026-12-01T00:00:00+00:00", "end_time": "2026-12-01T03:00:00+00:00",
               "starting_balance": "10000.00000000", "candle_interval": "60", "pairs": ["BTCUSDT"],
               "strategy_label": "wire_momentum"},
    "summary": {"final_equity": "10000.00000000", "total_pnl": "0", "roi_pct": "0", "total_trades": 0,
                "total_fees": "0E-8", "duration_real_sec": 0},
    "metrics": {"sharpe_ratio": None}, "by_pair": [],
}  # fmt: skip
ANSWERS: dict[tuple[str, str], Any] = {(c[2], API + c[3]): c[6] for c in CALLS}
ANSWERS[("GET", API + "/status")] = STATUS
ANSWERS[("GET", API + "/results")] = RESULTS


class Server:
    """Answers by (method, path); `script` overrides, in order, for lifecycle tests."""

    def __init__(self, script: list[tuple[str, str, int, Any]] | None = None) -> None:
        self.requests: list[httpx.Request] = []
        self.script = list(script or [])

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        key = (request.method, request.url.path)
        for i, (method, path, status, body) in enumerate(self.script):
            if (method, path if path.startswith("/api/") else API + path) == key:
                del self.script[i]
                return httpx.Response(status, json=body)
        return httpx.Response(200, json=ANSWERS[key])

    @property
    def sent(self) -> list[tuple[str, str]]:
        return [(r.method, r.url.path.removeprefix(API)) for r in self.requests]


def sync_client(server: Server) -> AgentExchangeClient:
    http = httpx.Client(transport=httpx.MockTransport(server), base_url="http://t")
    return AgentExchangeClient(api_key="ak_live_k", base_url="http://t", http_client=http)


def async_client(server: Server) -> AsyncAgentExchangeClient:
    http = httpx.AsyncClient(transport=httpx.MockTransport(server), base_url="http://t")
    return AsyncAgentExchangeClient(api_key="ak_live_k", base_url="http://t", http_client=http)


def assert_sent(server: Server, call: tuple[Any, ...]) -> None:
    _, _, http, path, query, body, _ = call
    (request,) = server.requests
    assert (request.method, request.url.path) == (http, API + path)
    assert dict(request.url.params) == query
    assert request.headers["x-api-key"] == "ak_live_k"
    assert (json.loads(request.content) if request.content else None) == body


# ------------------------------------------------------------------ bound session id


@pytest.mark.parametrize("call", CALLS, ids=[f"{c[0]}{c[1]}" for c in CALLS])
def test_each_method_sends_the_bound_session_id(call: tuple[Any, ...]) -> None:
    server = Server()
    with sync_client(server) as client:
        getattr(client.backtest(SID), call[0])(*call[1])
    assert_sent(server, call)


@pytest.mark.parametrize("call", CALLS, ids=[f"{c[0]}{c[1]}" for c in CALLS])
async def test_async_methods_send_the_bound_session_id(call: tuple[Any, ...]) -> None:
    server = Server()
    async with async_client(server) as client:
        await getattr(client.backtest(SID), call[0])(*call[1])
    assert_sent(server, call)


def test_attaching_sends_nothing_and_keeps_the_id() -> None:
    server = Server()
    with sync_client(server) as client:
        bt = client.backtest(SID)
    assert type(bt) is BacktestSession and bt.session_id == SID and bt.created is None
    assert server.requests == [] and repr(bt) == f"BacktestSession(session_id={SID!r})"


# ---------------------------------------------- the sandbox's names in the live models


def run(method: str, *args: Any) -> Any:
    with sync_client(Server()) as client:
        return getattr(client.backtest(SID), method)(*args)


def test_orders_read_id_as_order_id_newest_first() -> None:
    orders = run("get_orders")
    assert [o.order_id for o in orders] == [
        "ae4b8174-6f69-4587-99b2-c10bbb23b958",
        OID,
        "739372c6-3270-4c69-98b9-62527b337ec5",
    ]  # the platform's `id`, handed newest first like the live get_orders
    assert all(type(o) is m.Order for o in orders)
    assert orders[0].order_type == "stop_loss" and orders[0].price == Decimal("1000")


def test_order_filters_are_applied_on_our_side() -> None:
    with sync_client(server := Server()) as client:
        bt = client.backtest(SID)
        pending_btc = bt.get_orders(status="pending", symbol="BTCUSDT")
        page = bt.get_orders(limit=1, offset=1)
    assert [o.order_id for o in pending_btc] == ["ae4b8174-6f69-4587-99b2-c10bbb23b958"]
    assert [o.order_id for o in page] == [OID]
    assert all(r.url.params == httpx.QueryParams() for r in server.requests)  # nothing sent


def test_placed_order_is_completed_from_the_arguments() -> None:
    market = next(c[6] for c in CALLS if c[0] == "place_market_order")
    with sync_client(Server([("POST", "/trade/order", 200, market)])) as client:
        order = client.backtest(SID).place_market_order("BTCUSDT", "buy", Decimal("0.02"))
    assert type(order) is m.Order and order.order_id == "739372c6-3270-4c69-98b9-62527b337ec5"
    # the sandbox answers only {order_id, status, executed_*, fee, realized_pnl}
    assert (order.symbol, order.side, order.order_type) == ("BTCUSDT", "buy", "market")
    assert order.quantity == Decimal("0.02") and order.executed_quantity == Decimal("0.02")
    assert order.executed_price == Decimal("95522.76201216") and order.fee == Decimal("1.91045524")
    stop = run("place_stop_loss", "BTCUSDT", "sell", "0.01", 1000)
    assert (
        stop.order_type == "stop_loss"
        and stop.price == Decimal("1000")
        and stop.status == "pending"
    )


def test_live_order_answer_still_reads_order_id() -> None:
    order = m.Order._from_wire(
        {"order_id": OID, "status": "pending", "symbol": "ETHUSDT", "side": "buy", "type": "limit"}
    )
    assert order.order_id == OID
    with pytest.raises(KeyError):  # neither name: the answer is malformed
        m.Order._from_wire({"status": "pending", "symbol": "X", "side": "buy", "type": "limit"})


def test_trades_read_id_realized_pnl_and_simulated_at() -> None:
    trades = run("get_trade_history")
    assert [t.trade_id for t in trades] == [
        "e23fc731-0caa-4eb3-a77b-9be282453154",
        "bb5faf6f-0a6a-4aba-b5d0-89afe0e6d56d",
    ]
    assert trades[0].pnl == Decimal("-7.00001837") and trades[1].pnl is None
    assert trades[0].created_at.isoformat() == "2026-12-01T00:37:00+00:00"
    with sync_client(Server()) as client:
        only_btc = client.backtest(SID).get_trade_history(symbol="BTCUSDT", limit=5)
    assert [t.symbol for t in only_btc] == ["BTCUSDT"]


def test_market_reads_bucket_price_change_and_virtual_time() -> None:
    (candle,) = run("get_candles", "BTCUSDT", "1m", 3)
    assert candle.open_time.isoformat() == "2026-12-01T00:00:00+00:00"
    assert candle.close == Decimal("95577.81305860")
    ticker = run("get_ticker", "ETHUSDT")
    assert ticker.change == Decimal("-27.67469960") and ticker.change_pct == Decimal("-0.88")
    assert (
        ticker.quote_volume is None and ticker.timestamp.isoformat() == "2026-12-01T00:00:00+00:00"
    )
    price = run("get_price", "BTCUSDT")
    assert price.price == Decimal("95577.81305860") and price.timestamp.utcoffset() is not None
    prices = run("get_all_prices")
    assert {p.symbol: p.price for p in prices} == {
        "BTCUSDT": Decimal("95577.81305860"),
        "ETHUSDT": Decimal("3115.27757311"),
    }
    assert len({p.timestamp for p in prices}) == 1


def test_account_reads_the_sandbox_shapes() -> None:
    balance = run("get_balance")
    usdt = balance.balances[0]
    assert usdt.total == Decimal(
        "7110.9745550300"
    )  # available + locked: the sandbox sends no total
    assert balance.total_equity_usdt is None
    portfolio = run("get_portfolio")
    assert portfolio.total_position_value == Decimal("2872.4533847644")  # position_value
    assert portfolio.total_pnl == Decimal("-13.6859209068") and portfolio.position_count == 1
    (position,) = run("get_positions")
    assert type(position) is m.Position and position.current_price == Decimal("94832.24339992")
    assert position.unrealized_pnl == Decimal("-13.8103722448") and position.asset is None


def test_cancel_order_returns_none_and_an_unknown_order_raises() -> None:
    assert run("cancel_order", OID) is None
    missing = {"error": {"code": "ORDER_NOT_FOUND", "message": "Order not found."}}
    server = Server([("DELETE", f"/trade/order/{OID}", 404, missing)])
    with sync_client(server) as client, pytest.raises(NotFoundError) as raised:
        client.backtest(SID).cancel_order(OID)
    assert raised.value.code == "ORDER_NOT_FOUND"


# ---------------------------------------------------------------- context manager


CREATED = {"session_id": SID, "status": "created", "total_steps": 3, "estimated_pairs": 1}


def created_session(server: Server) -> tuple[AgentExchangeClient, BacktestSession]:
    server.script.insert(0, ("POST", "/api/v1/backtest/create", 200, CREATED))
    client = sync_client(server)
    return client, client.create_backtest("2026-12-01T00:00:00Z", "2026-12-01T00:03:00Z", 1000)


def test_with_starts_and_cancels_an_unfinished_session() -> None:
    server = Server()
    client, bt = created_session(server)
    assert bt.created is not None and bt.created.total_steps == 3
    with bt as entered:
        assert entered is bt
        bt.step()
    client.close()
    assert server.sent == [
        ("POST", "/api/v1/backtest/create"),
        ("POST", "/start"),
        ("POST", "/step/batch"),
        ("POST", "/cancel"),
    ]


def test_with_sends_no_cancel_once_a_step_completed_the_session() -> None:
    server = Server([("POST", "/step/batch", 200, step_body(3, 3))])
    client, bt = created_session(server)
    with bt:
        assert bt.step(5).is_complete
    client.close()
    assert server.sent[-1] == ("POST", "/step/batch") and bt.last_step is not None


def test_with_treats_not_active_on_cancel_as_finished() -> None:
    # e.g. the session was completed through another object or the flat step methods
    server = Server([("POST", "/cancel", 404, NOT_ACTIVE)])
    with sync_client(server) as client:
        with client.backtest(SID):
            pass
    assert server.sent == [("POST", "/cancel")]  # attached: taken as started, no start


def test_with_raises_other_errors_of_cancel() -> None:
    unknown = {"error": {"code": "VALIDATION_ERROR", "message": "bad"}}
    server = Server([("POST", "/cancel", 422, unknown)])
    with sync_client(server) as client, pytest.raises(ValidationError):
        with client.backtest(SID):
            pass


def test_a_failed_cancel_does_not_hide_the_error_that_left_the_block() -> None:
    unknown = {"error": {"code": "VALIDATION_ERROR", "message": "bad"}}
    server = Server([("POST", "/cancel", 422, unknown)])
    with sync_client(server) as client, pytest.raises(ZeroDivisionError):
        with client.backtest(SID):
            1 / 0  # noqa: B018
    assert server.sent == [("POST", "/cancel")]


# ---------------------------------------------------------------------------- bars()


def stepping(total: int) -> Server:
    return Server([("POST", "/step/batch", 200, step_body(i, total)) for i in range(1, total + 1)])


def test_bars_steps_once_per_iteration_and_stops_at_completion() -> None:
    server = stepping(4)
    client, bt = created_session(server)
    seen = []
    with bt:
        for bar in bt.bars():
            seen.append(bar.step)
            bt.get_price("BTCUSDT")  # the session is still active inside the loop
    client.close()
    assert seen == [1, 2, 3]  # the 4th step completed the session: not yielded
    assert bt.last_step is not None and bt.last_step.step == 4 and bt.last_step.is_complete
    steps = [r for r in server.requests if r.url.path.endswith("/step/batch")]
    assert len(steps) == 4 and all(json.loads(r.content) == {"steps": 1} for r in steps)
    assert server.sent[-1] == ("POST", "/step/batch")  # finished: no cancel


def test_bars_starts_a_session_this_object_did_not_start() -> None:
    server = stepping(2)
    client, bt = created_session(server)
    assert [bar.step for bar in bt.bars()] == [1]
    client.close()
    assert server.sent[1:] == [("POST", "/start"), ("POST", "/step/batch"), ("POST", "/step/batch")]


def test_breaking_out_of_bars_then_leaving_with_cancels() -> None:
    server = stepping(10)
    client, bt = created_session(server)
    with bt:
        for bar in bt.bars():
            if bar.step == 2:
                break
    client.close()
    assert server.sent[-1] == ("POST", "/cancel")


# ----------------------------------------------------------------------- async twins


async def test_async_with_and_async_for() -> None:
    server = stepping(3)
    server.script.insert(0, ("POST", "/api/v1/backtest/create", 200, CREATED))
    async with async_client(server) as client:
        bt = await client.create_backtest("2026-12-01T00:00:00Z", "2026-12-01T00:03:00Z", 1000)
        assert (
            type(bt) is AsyncBacktestSession and type(client.backtest(SID)) is AsyncBacktestSession
        )
        async with bt:
            seen = [bar.step async for bar in bt.bars()]
    assert seen == [1, 2]
    assert (
        server.sent
        == [("POST", "/api/v1/backtest/create"), ("POST", "/start")] + [("POST", "/step/batch")] * 3
    )


async def test_async_with_cancels_and_tolerates_not_active() -> None:
    server = Server([("POST", "/cancel", 404, NOT_ACTIVE)])
    async with async_client(server) as client:
        async with client.backtest(SID) as bt:
            await bt.step()
        async with client.backtest(SID):
            pass
    assert server.sent == [("POST", "/step/batch"), ("POST", "/cancel"), ("POST", "/cancel")]


# -------------------------------------------------------------------------- protocol


def test_clients_and_sessions_satisfy_the_protocols() -> None:
    with sync_client(Server()) as client:
        assert isinstance(client, TradingAPI) and isinstance(client.backtest(SID), TradingAPI)
    async_ = AsyncAgentExchangeClient(api_key="k", base_url="http://t")
    assert isinstance(async_, AsyncTradingAPI)
    assert isinstance(async_.backtest(SID), AsyncTradingAPI)
    # the protocol is exactly the shared surface: the session's lifecycle is not in it
    assert not hasattr(TradingAPI, "step") and not hasattr(TradingAPI, "get_order")
    assert hasattr(TradingAPI, "get_candles") and hasattr(AsyncTradingAPI, "place_take_profit")
