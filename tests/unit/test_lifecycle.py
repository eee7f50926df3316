"""Closing a client releases its connection pool — sync and async, context manager or close().

A client that made its own ``httpx`` pool must close it on exit (a leaked pool keeps
sockets open for the life of the process); a pool the caller passed in stays the
caller's to close.
"""

from __future__ import annotations

import httpx
import pytest

from agentexchange import AgentExchangeClient, AsyncAgentExchangeClient

KEY = "ak_live_" + "c" * 60
BASE = "http://exchange.test"


def _pool(
    client: AgentExchangeClient | AsyncAgentExchangeClient,
) -> httpx.Client | httpx.AsyncClient:
    return client._transport._client


def test_sync_context_manager_closes_the_clients_own_pool() -> None:
    with AgentExchangeClient(api_key=KEY, base_url=BASE) as client:
        pool = _pool(client)
        assert not pool.is_closed
    assert pool.is_closed
    with pytest.raises(RuntimeError, match="closed"):
        client.get_price("BTCUSDT")


async def test_async_context_manager_closes_the_clients_own_pool() -> None:
    async with AsyncAgentExchangeClient(api_key=KEY, base_url=BASE) as client:
        pool = _pool(client)
        assert not pool.is_closed
    assert pool.is_closed
    with pytest.raises(RuntimeError, match="closed"):
        await client.get_price("BTCUSDT")


def test_sync_close_closes_the_pool() -> None:
    client = AgentExchangeClient(api_key=KEY, base_url=BASE)
    client.close()
    assert _pool(client).is_closed


async def test_async_close_closes_the_pool() -> None:
    client = AsyncAgentExchangeClient(api_key=KEY, base_url=BASE)
    await client.close()
    assert _pool(client).is_closed


def test_a_callers_sync_pool_is_left_open() -> None:
    mine = httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(204)))
    with AgentExchangeClient(api_key=KEY, base_url=BASE, http_client=mine):
        pass
    assert not mine.is_closed
    mine.close()


async def test_a_callers_async_pool_is_left_open() -> None:
    mine = httpx.AsyncClient(transport=httpx.MockTransport(lambda r: httpx.Response(204)))
    async with AsyncAgentExchangeClient(api_key=KEY, base_url=BASE, http_client=mine):
        pass
    assert not mine.is_closed
    await mine.aclose()
