"""Iterating every order of an account against the mock (issue 19 acceptance).

An agent with 250 orders, ``iter_orders(limit=100)``: 250 distinct orders, in 3 requests
of ``GET /trade/orders`` — counted by the server (an ASGI wrapper around the mock app
records each one with its query), not by the client.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs

import pytest

from agentexchange import AgentExchangeClient, AsyncAgentExchangeClient
from agentexchange.mock.testing import MockServer

ORDERS = 250


class CountOrderLists:
    """ASGI wrapper: the query of every ``GET /api/v1/trade/orders`` the server receives."""

    def __init__(self) -> None:
        self.queries: list[dict[str, list[str]]] = []

    def __call__(self, app: Any) -> Any:
        async def counted(scope: dict[str, Any], receive: Any, send: Any) -> None:
            if (
                scope["type"] == "http"
                and scope["method"] == "GET"
                and scope["path"] == "/api/v1/trade/orders"
            ):
                self.queries.append(parse_qs(scope["query_string"].decode()))
            await app(scope, receive, send)

        return counted


@pytest.fixture(scope="module")
def counter() -> CountOrderLists:
    return CountOrderLists()


@pytest.fixture(scope="module")
def server(counter: CountOrderLists) -> Iterator[MockServer]:
    with MockServer(pairs=5, wrap=counter) as mock:
        with AgentExchangeClient(base_url=mock.base_url, **mock.credentials()) as client:
            for i in range(ORDERS):  # buy and sell in turn: the position stays small
                client.place_market_order(
                    "BTCUSDT", "buy" if i % 2 == 0 else "sell", Decimal("0.0002")
                )
        yield mock


def test_iterating_250_orders_at_limit_100_takes_3_requests(
    server: MockServer, counter: CountOrderLists
) -> None:
    counter.queries.clear()
    with AgentExchangeClient(base_url=server.base_url, **server.credentials()) as client:
        orders = list(client.iter_orders(limit=100))
    assert len(orders) == ORDERS
    assert len({o.order_id for o in orders}) == ORDERS
    assert [(q["limit"], q["offset"]) for q in counter.queries] == [
        (["100"], ["0"]),
        (["100"], ["100"]),
        (["100"], ["200"]),
    ]


async def test_async_iteration_is_the_same(server: MockServer, counter: CountOrderLists) -> None:
    counter.queries.clear()
    async with AsyncAgentExchangeClient(base_url=server.base_url, **server.credentials()) as client:
        orders = [o async for o in client.iter_orders(status="filled", limit=100)]
    assert len({o.order_id for o in orders}) == ORDERS
    assert len(counter.queries) == 3
    assert all(q["status"] == ["filled"] for q in counter.queries)
