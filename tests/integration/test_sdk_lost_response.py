"""An order whose response is lost after the server processed it is placed exactly once.

A transport between the SDK and the live mock forwards the request, lets the server
process it, then drops the response the way a broken connection does. The SDK retries
(the mock has shown it honours Idempotency-Key by echoing it) with the same key, and
the mock answers with the first result instead of placing a second order.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import httpx
import pytest

from agentexchange import AgentExchangeClient
from agentexchange.exceptions import APIConnectionError
from agentexchange.mock.testing import MockServer


class DropsFirstOrderResponse(httpx.BaseTransport):
    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.order_posts: list[str | None] = []
        self.drop_next = False

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        is_order = request.method == "POST" and request.url.path == "/api/v1/trade/order"
        response = self.inner.handle_request(request)
        if is_order:
            self.order_posts.append(request.headers.get("idempotency-key"))
            if self.drop_next:
                self.drop_next = False
                response.read()  # the server has processed and answered ...
                response.close()
                # ... but the answer never reaches the client.
                raise httpx.RemoteProtocolError(
                    "Server disconnected without sending a response.", request=request
                )
        return response

    def close(self) -> None:
        self.inner.close()  # the wrapped pool's sockets go with the client


@pytest.fixture(scope="module")
def mock() -> Iterator[MockServer]:
    with MockServer(seed=11) as server:
        yield server


def test_lost_order_response_is_retried_and_placed_once(mock: MockServer) -> None:
    proxy = DropsFirstOrderResponse(httpx.HTTPTransport())
    http = httpx.Client(transport=proxy, base_url=mock.base_url, timeout=30)
    with AgentExchangeClient(
        base_url=mock.base_url, http_client=http, **mock.credentials()
    ) as client:
        # A first order teaches the client that this server echoes Idempotency-Key.
        client.place_market_order("BTCUSDT", "buy", Decimal("0.001"))
        before = len(client.get_trade_history(limit=500))

        proxy.drop_next = True
        order = client.place_market_order("BTCUSDT", "buy", Decimal("0.002"))

        assert order.status == "filled"
        assert order.quantity == Decimal("0.002")
        # Two attempts on the wire, one key, one order.
        assert len(proxy.order_posts) == 3
        assert proxy.order_posts[1] == proxy.order_posts[2] is not None
        assert proxy.order_posts[0] != proxy.order_posts[1]
        trades = client.get_trade_history(limit=500)
        assert len(trades) == before + 1
        assert client.get_order(order.order_id).order_id == order.order_id
    http.close()


def test_lost_order_response_is_not_retried_where_keys_are_not_honoured(mock: MockServer) -> None:
    """Against a server that never echoes the key (the real platform), a lost order
    response surfaces as an error: sending it again could place it twice."""

    class StripsEcho(DropsFirstOrderResponse):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            response = super().handle_request(request)
            headers = [(k, v) for k, v in response.headers.raw if k.lower() != b"idempotency-key"]
            return httpx.Response(response.status_code, headers=headers, content=response.read())

    proxy = StripsEcho(httpx.HTTPTransport())
    http = httpx.Client(transport=proxy, base_url=mock.base_url, timeout=30)
    with AgentExchangeClient(
        base_url=mock.base_url, http_client=http, **mock.credentials()
    ) as client:
        client.place_market_order("ETHUSDT", "buy", Decimal("0.01"))
        proxy.drop_next = True
        with pytest.raises(APIConnectionError):
            client.place_market_order("ETHUSDT", "buy", Decimal("0.01"))
        assert len(proxy.order_posts) == 2  # sent once, never again
    http.close()
