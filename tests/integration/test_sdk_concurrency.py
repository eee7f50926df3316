"""The clients under concurrency against the live mock (issue 6, part 3).

The docs promise a thread-safe ``AgentExchangeClient`` "shared across multiple tools in
the same process", and an ``AsyncAgentExchangeClient`` for ``asyncio.gather``. Here one
sync client serves 16 threads placing and reading orders at once, and one async client
runs 32 gathered calls; every call succeeds, every order comes back as the one placed,
the wallet adds up to the sum of the fills, and the JWT is obtained by exactly one login.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from decimal import Decimal

import httpx
import pytest

from agentexchange import AgentExchangeClient, AsyncAgentExchangeClient
from agentexchange.mock.testing import MockServer
from agentexchange.models import Order

from .sdk_fixtures import FEE_RATE, q8, unique_name

LOGIN = "/api/v1/auth/login"
SYMBOLS = ("BTCUSDT", "ETHUSDT", "SOLUSDT", "BNBUSDT")
QUANTITIES = {"BTCUSDT": "0.001", "ETHUSDT": "0.01", "SOLUSDT": "0.1", "BNBUSDT": "0.05"}
THREADS = 16
MARKET_ORDERS_PER_THREAD = 3


@pytest.fixture(scope="module")
def mock() -> Iterator[MockServer]:
    with MockServer(seed=21, pairs=600, rate_limits=False, tick_interval=None) as server:
        yield server


def register(base_url: str, starting_balance: str) -> tuple[str, str]:
    with AgentExchangeClient(base_url=base_url) as anonymous:
        registration = anonymous.register(
            display_name=unique_name(), starting_balance=starting_balance
        )
    return registration.api_key, registration.api_secret


def test_one_sync_client_shared_by_16_threads(mock: MockServer) -> None:
    api_key, api_secret = register(mock.base_url, "1000000")
    paths: list[str] = []
    http = httpx.Client(
        timeout=30.0, event_hooks={"response": [lambda r: paths.append(r.request.url.path)]}
    )
    client = AgentExchangeClient(api_key, api_secret, base_url=mock.base_url, http_client=http)
    barrier = threading.Barrier(THREADS)
    placed: dict[int, list[Order]] = {}
    pending: dict[int, Order] = {}
    errors: list[BaseException] = []

    def work(index: int) -> None:
        try:
            symbol = SYMBOLS[index % len(SYMBOLS)]
            quantity = Decimal(QUANTITIES[symbol])
            barrier.wait(timeout=30)
            agents = client.list_agents()  # all threads need the JWT at the same moment
            assert agents.total == 1
            mine = []
            for _ in range(MARKET_ORDERS_PER_THREAD):
                order = client.place_market_order(symbol, "buy", quantity)
                assert (order.symbol, order.status, order.quantity) == (symbol, "filled", quantity)
                seen = client.get_order(order.order_id)
                assert (seen.order_id, seen.symbol, seen.executed_price) == (
                    order.order_id,
                    symbol,
                    order.executed_price,
                )
                mine.append(order)
            price = client.get_price(symbol).price
            limit = client.place_limit_order(symbol, "buy", quantity, q8(price / 2))
            assert limit.status == "pending"
            assert limit.order_id in {o.order_id for o in client.get_open_orders()}
            placed[index] = mine
            pending[index] = limit
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    try:
        assert not errors, errors[:3]
        assert len(placed) == len(pending) == THREADS

        fills = [order for orders in placed.values() for order in orders]
        assert len({o.order_id for o in fills}) == THREADS * MARKET_ORDERS_PER_THREAD
        trades = client.get_trade_history(limit=500)
        assert sorted(t.order_id or "" for t in trades) == sorted(o.order_id for o in fills)
        open_ids = {o.order_id for o in client.get_open_orders()}
        assert open_ids == {o.order_id for o in pending.values()}

        # The wallet is exactly the sum of what happened, whatever the interleaving.
        spent = sum((o.total_cost or Decimal(0) for o in fills), Decimal(0))
        locked = sum((o.locked_amount or Decimal(0) for o in pending.values()), Decimal(0))
        for o in fills:
            assert o.executed_price is not None and o.quantity is not None and o.fee is not None
            assert o.fee == q8(q8(o.executed_price * o.quantity) * FEE_RATE)
            assert o.total_cost == q8(o.executed_price * o.quantity) + o.fee
        balance = client.get_balance()
        (usdt,) = [b for b in balance.balances if b.asset == "USDT"]
        assert usdt.total == Decimal(1000000) - spent
        assert usdt.locked == locked
        held = {b.asset: b.total for b in balance.balances if b.asset != "USDT"}
        expected: dict[str, Decimal] = {}
        for o in fills:
            asset = o.symbol.removesuffix("USDT")
            expected[asset] = expected.get(asset, Decimal(0)) + (o.quantity or Decimal(0))
        assert held == expected

        # Sixteen threads wanting a JWT at once caused one login.
        assert paths.count(LOGIN) == 1
    finally:
        client.close()
        http.close()


async def test_one_async_client_under_gather_of_32_calls(mock: MockServer) -> None:
    api_key, api_secret = register(mock.base_url, "100000")
    paths: list[str] = []

    async def hook(response: httpx.Response) -> None:
        paths.append(response.request.url.path)

    async with (
        httpx.AsyncClient(timeout=30.0, event_hooks={"response": [hook]}) as http,
        AsyncAgentExchangeClient(
            api_key, api_secret, base_url=mock.base_url, http_client=http
        ) as client,
    ):
        buys = [
            client.place_market_order(SYMBOLS[i % 4], "buy", Decimal(QUANTITIES[SYMBOLS[i % 4]]))
            for i in range(16)
        ]
        prices = [client.get_price(SYMBOLS[i % 4]) for i in range(8)]
        agents = [client.list_agents() for _ in range(8)]
        results = await asyncio.gather(*buys, *prices, *agents)
        assert len(results) == 32

        orders, quotes, listings = results[:16], results[16:24], results[24:]
        assert [(o.symbol, o.status) for o in orders] == [
            (SYMBOLS[i % 4], "filled") for i in range(16)
        ]
        assert len({o.order_id for o in orders}) == 16
        assert [q.symbol for q in quotes] == [SYMBOLS[i % 4] for i in range(8)]
        assert all(q.price == mock.exchange.market.price(q.symbol) for q in quotes)
        assert all(listing.total == 1 for listing in listings)

        trades = await client.get_trade_history(limit=100)
        assert sorted(t.order_id or "" for t in trades) == sorted(o.order_id for o in orders)
        balance = await client.get_balance()
        (usdt,) = [b for b in balance.balances if b.asset == "USDT"]
        assert usdt.total == Decimal(100000) - sum(
            (o.total_cost or Decimal(0) for o in orders), Decimal(0)
        )
        assert paths.count(LOGIN) == 1  # eight gathered JWT calls, one login
