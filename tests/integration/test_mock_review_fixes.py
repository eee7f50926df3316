"""Hostile-but-valid input and lifecycle edges a review found; each was a 500 or a leak."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import httpx
import pytest

from agentexchange.mock.testing import MockServer


@pytest.fixture(scope="module")
def mock() -> Iterator[MockServer]:
    with MockServer(seed=3) as server:
        yield server


def key_of(mock: MockServer) -> dict[str, str]:
    return {"X-API-Key": mock.credentials()["api_key"]}


def test_huge_pending_buy_is_400_not_500(mock: MockServer) -> None:
    order = {
        "symbol": "BTCUSDT",
        "side": "buy",
        "type": "limit",
        "quantity": "10000000000",
        "price": "10000000000",
    }
    response = httpx.post(f"{mock.base_url}/api/v1/trade/order", json=order, headers=key_of(mock))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "INVALID_QUANTITY"


@pytest.mark.parametrize(
    "query", ["end_time=0001-01-01T00:00:00Z", "start_time=0001-01-01T00:00:00Z&limit=3"]
)
def test_candles_before_the_epoch_are_empty_or_start_at_it(mock: MockServer, query: str) -> None:
    response = httpx.get(f"{mock.base_url}/api/v1/market/candles/BTCUSDT?{query}")
    assert response.status_code == 200
    assert all(c["time"] >= "1970-01-01T00:00:00Z" for c in response.json()["candles"])


def test_lone_surrogate_never_reaches_storage(mock: MockServer) -> None:
    body = b'{"display_name": "evil\\udfff"}'
    headers = {**key_of(mock), "content-type": "application/json"}
    response = httpx.post(f"{mock.base_url}/api/v1/agents", content=body, headers=headers)
    assert response.status_code == 400
    assert httpx.get(f"{mock.base_url}/api/v1/agents", headers=key_of(mock)).status_code == 200
    assert (
        httpx.get(f"{mock.base_url}/api/v1/analytics/leaderboard", headers=key_of(mock)).status_code
        == 200
    )


def test_archiving_an_agent_cancels_its_pending_orders(mock: MockServer) -> None:
    base, owner = mock.base_url, key_of(mock)
    created = httpx.post(
        f"{base}/api/v1/agents", json={"display_name": "to archive"}, headers=owner
    ).json()
    agent = {"X-API-Key": created["api_key"]}
    price = mock.exchange.market.price("ETHUSDT")
    limit = (price * Decimal("1.5")).quantize(Decimal("0.01"))  # would fill at the next tick
    order = {
        "symbol": "ETHUSDT",
        "side": "buy",
        "type": "limit",
        "quantity": "0.1",
        "price": str(limit),
    }
    placed = httpx.post(f"{base}/api/v1/trade/order", json=order, headers=agent)
    assert placed.status_code == 201 and placed.json()["status"] == "pending"
    archived = httpx.post(f"{base}/api/v1/agents/{created['agent_id']}/archive", headers=owner)
    assert archived.status_code == 200
    mock.exchange.tick(1)
    # The owner (account key + X-Agent-Id) can still read the archived agent's order book.
    order_id = placed.json()["order_id"]
    seen = httpx.get(
        f"{base}/api/v1/trade/order/{order_id}",
        headers={**owner, "X-Agent-Id": created["agent_id"]},
    )
    assert seen.status_code == 200
    assert seen.json()["status"] == "cancelled"


@pytest.mark.parametrize(
    "quantity", ["0.0010000000000000000000000000000001", "0.000000001", "0.000001"]
)
def test_quantities_wallets_cannot_hold_exactly_or_below_min_qty_are_refused(
    mock: MockServer, quantity: str
) -> None:
    order = {"symbol": "BTCUSDT", "side": "buy", "type": "market", "quantity": quantity}
    response = httpx.post(f"{mock.base_url}/api/v1/trade/order", json=order, headers=key_of(mock))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "INVALID_QUANTITY"
    assert response.json()["error"]["details"]["min_qty"] == "0.00001"
