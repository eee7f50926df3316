"""The generated page iterators (issue 19, "Pagination"; x-sdk ``pages``).

``iter_orders`` and its kin take their list method's parameters (``limit`` = page size,
``offset`` = where to start) and ask for page after page. With the answer's ``total`` (the
platform's ``{items, total, limit, offset}`` style) they stop once that many items came,
even when a server hands out shorter pages than asked; without one (``{items, count}``,
bare arrays) a short page is the last. Both clients and the backtest session are run
against an ``httpx.MockTransport`` that pages a list of canned items as a server would.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from agentexchange import AgentExchangeClient, AsyncAgentExchangeClient
from agentexchange._pages import next_offset

BASE = "http://test"
SESSION_ID = "aa2e3f40-5162-4c7d-8e9f-90a1b2c3d4e5"


def order(i: int) -> dict[str, Any]:
    return {
        "order_id": f"660e8400-e29b-41d4-a716-{i:012d}",
        "status": "filled",
        "symbol": "BTCUSDT",
        "side": "buy",
        "type": "market",
        "quantity": "0.01",
        "price": None,
        "executed_price": "64006.40000000",
        "created_at": "2026-11-23T10:00:00Z",
    }


def trade(i: int) -> dict[str, Any]:
    return {
        "trade_id": f"t-{i}",
        "symbol": "BTCUSDT",
        "side": "buy",
        "quantity": "0.01",
        "price": "64000.00",
        "fee": "0.064",
        "executed_at": "2026-11-23T10:00:00Z",
    }


class Pager:
    """A server paging ``count`` items under ``key``; records each request's query."""

    def __init__(
        self,
        make: Callable[[int], dict[str, Any]],
        key: str,
        count: int,
        *,
        total: bool = True,
        cap: int | None = None,
    ) -> None:
        self.items = [make(i) for i in range(count)]
        self.key, self.total, self.cap = key, total, cap
        self.queries: list[dict[str, str]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        query = dict(request.url.params)
        self.queries.append(query)
        limit, offset = int(query["limit"]), int(query["offset"])
        page = self.items[offset : offset + min(limit, self.cap or limit)]
        body: dict[str, Any] = {self.key: page}
        body.update({"total": len(self.items)} if self.total else {"count": len(page)})
        return httpx.Response(200, json=body)

    def offsets(self) -> list[int]:
        return [int(q["offset"]) for q in self.queries]


def sync_client(handler: Any) -> AgentExchangeClient:
    transport = httpx.MockTransport(handler)
    return AgentExchangeClient(
        api_key="ak_live_test", base_url=BASE, http_client=httpx.Client(transport=transport)
    )


def async_client(handler: Any) -> AsyncAgentExchangeClient:
    transport = httpx.MockTransport(handler)
    return AsyncAgentExchangeClient(
        api_key="ak_live_test", base_url=BASE, http_client=httpx.AsyncClient(transport=transport)
    )


def ids(orders: list[Any]) -> set[str]:
    return {o.order_id for o in orders}


def test_250_orders_at_limit_100_come_in_3_requests() -> None:
    pager = Pager(order, "orders", 250)
    with sync_client(pager) as client:
        got = list(client.iter_orders(status="filled", limit=100))
    assert len(got) == 250 and len(ids(got)) == 250
    assert pager.offsets() == [0, 100, 200]
    assert all(q["limit"] == "100" and q["status"] == "filled" for q in pager.queries)


async def test_async_iterator_pages_the_same_way() -> None:
    pager = Pager(order, "orders", 250)
    async with async_client(pager) as client:
        got = [o async for o in client.iter_orders(limit=100)]
    assert len(ids(got)) == 250 and pager.offsets() == [0, 100, 200]


def test_total_spares_the_empty_request_after_a_full_last_page() -> None:
    pager = Pager(order, "orders", 200)
    with sync_client(pager) as client:
        assert len(list(client.iter_orders(limit=100))) == 200
    assert pager.offsets() == [0, 100]


def test_a_server_capping_the_page_size_is_followed_to_the_total() -> None:
    pager = Pager(order, "orders", 250, cap=60)
    with sync_client(pager) as client:
        got = list(client.iter_orders(limit=100, offset=10))
    assert len(ids(got)) == 240
    assert pager.offsets() == [10, 70, 130, 190]


def test_without_a_total_a_short_page_is_the_last() -> None:
    # {items, count}: the platform's style for backtest trades.
    pager = Pager(trade, "trades", 250, total=False)
    with sync_client(pager) as client:
        got = list(client.iter_backtest_trades(SESSION_ID, limit=100))
    assert [t.trade_id for t in got] == [f"t-{i}" for i in range(250)]
    assert pager.offsets() == [0, 100, 200]
    pager = Pager(trade, "trades", 200, total=False)
    with sync_client(pager) as client:
        assert len(list(client.iter_backtest_trades(SESSION_ID, limit=100))) == 200
    assert pager.offsets() == [0, 100, 200]  # the empty third page ends it


def agent(i: int) -> dict[str, Any]:
    return {
        "id": f"a1b2c3d4-e5f6-7890-abcd-{i:012d}",
        "account_id": "550e8400-e29b-41d4-a716-446655440000",
        "display_name": f"bot-{i}",
        "api_key_preview": "ak_live_...",
        "starting_balance": "10000.00",
        "strategy_tags": [],
        "risk_profile": {},
        "status": "active",
        "created_at": "2026-11-23T10:00:00Z",
        "updated_at": "2026-11-23T10:00:00Z",
    }


def test_a_method_answering_a_model_pages_over_its_list_field() -> None:
    # list_agents answers AgentList {agents, total}: iter_agents yields the Agents.
    pager = Pager(agent, "agents", 5)
    with sync_client(pager) as client:
        got = list(client.iter_agents(limit=2))
    assert [a.display_name for a in got] == [f"bot-{i}" for i in range(5)]
    assert pager.offsets() == [0, 2, 4]


def test_the_session_pages_locally_over_the_sandbox_list() -> None:
    # The sandbox route has no paging: every call answers every order, oldest first; the
    # session method reverses and slices, and the iterator walks those slices.
    requests: list[httpx.Request] = []

    def sandbox(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(200, json={"orders": [order(i) for i in range(25)]})

    with sync_client(sandbox) as client:
        got = list(client.backtest(SESSION_ID).iter_orders(limit=10))
    assert [o.order_id[-2:] for o in got] == [f"{i:02d}" for i in reversed(range(25))]
    assert len(requests) == 3


def test_an_empty_page_ends_even_a_server_that_misreports_its_total() -> None:
    def liar(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params["offset"])
        page = [order(i) for i in range(offset, min(offset + 100, 120))]
        return httpx.Response(200, json={"orders": page, "total": 10_000})

    with sync_client(liar) as client:
        assert len(list(client.iter_orders())) == 120


@pytest.mark.parametrize("limit", [0, -5])
def test_page_size_must_be_positive(limit: int) -> None:
    with (
        sync_client(Pager(order, "orders", 1)) as client,
        pytest.raises(ValueError, match="page size"),
    ):
        next(client.iter_orders(limit=limit))


def test_next_offset_rule() -> None:
    assert next_offset(0, 100, 100, 250) == 100
    assert next_offset(200, 50, 100, 250) is None
    assert next_offset(0, 60, 100, 250) == 60  # short page, but the total says more
    assert next_offset(0, 60, 100, None) is None
    assert next_offset(0, 100, 100, None) == 100
    assert next_offset(500, 0, 100, 10_000) is None
