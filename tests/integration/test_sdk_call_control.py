"""Per-call control (issue 18) over a real socket against the mock: options, with_options,
raw responses, the agent id, checked where the server sees them.

docs/architecture.md "Transport": the options ride on the one pipeline; a middleware
wrapped around the mock's app (``MockServer(wrap=...)``) records what each request
carried (headers, the client's socket) and can hold a request back to make it slow.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest

from agentexchange import (
    AgentExchangeClient,
    APITimeoutError,
    AsyncAgentExchangeClient,
    RateLimit,
    RawResponse,
)
from agentexchange.mock.testing import MockServer


class Recorder:
    """ASGI middleware: remembers each HTTP request's path, headers and client socket;
    sleeps ``delay`` seconds before a request whose path is in ``slow``."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.seen: list[dict[str, Any]] = []
        self.slow: set[str] = set()
        self.delay = 0.3
        self._lock = threading.Lock()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
            with self._lock:
                self.seen.append(
                    {
                        "path": scope["path"],
                        "query": scope["query_string"].decode(),
                        "headers": headers,
                        "client": tuple(scope["client"]),
                    }
                )
            if scope["path"] in self.slow:
                await asyncio.sleep(self.delay)
        await self.app(scope, receive, send)

    def last(self, path: str) -> dict[str, Any]:
        return next(r for r in reversed(self.seen) if r["path"] == path)


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[MockServer, Recorder]]:
    holder: list[Recorder] = []

    def wrap(app: Any) -> Any:
        holder.append(Recorder(app))
        return holder[0]

    with MockServer(seed=18, pairs=40, wrap=wrap) as mock:
        yield mock, holder[0]


@pytest.fixture()
def client(served: tuple[MockServer, Recorder]) -> Iterator[AgentExchangeClient]:
    mock, _ = served
    with AgentExchangeClient(base_url=mock.base_url, **mock.credentials()) as c:
        yield c


PRICE = "/api/v1/market/price/BTCUSDT"


def test_a_per_call_timeout_times_out_that_call_only(
    client: AgentExchangeClient, served: tuple[MockServer, Recorder]
) -> None:
    _, rec = served
    rec.slow.add(PRICE)
    try:
        with pytest.raises(APITimeoutError):
            client.get_price("BTCUSDT", timeout=0.001)
        assert client.get_price("BTCUSDT").symbol == "BTCUSDT"  # the client's 30 s again
    finally:
        rec.slow.discard(PRICE)


def test_extra_headers_and_extra_query_reach_the_server(
    client: AgentExchangeClient, served: tuple[MockServer, Recorder]
) -> None:
    _, rec = served
    client.get_price("BTCUSDT", extra_headers={"X-Trace": "1"}, extra_query={"probe": "a b"})
    seen = rec.last(PRICE)
    assert seen["headers"]["x-trace"] == "1"
    assert seen["query"] == "probe=a+b"
    client.get_price("BTCUSDT")
    assert "x-trace" not in rec.last(PRICE)["headers"]  # per call: not kept


def test_extra_body_is_merged_into_the_json_body(
    client: AgentExchangeClient, served: tuple[MockServer, Recorder]
) -> None:
    # The server refuses what the caller overrode: proof the member was sent as given.
    from agentexchange import ValidationError

    with pytest.raises(ValidationError) as info:
        client.place_market_order("BTCUSDT", "buy", Decimal("0.001"), extra_body={"side": "up"})
    assert info.value.field == "side"


def test_a_caller_idempotency_key_places_one_order(
    served: tuple[MockServer, Recorder],
) -> None:
    mock, rec = served
    with AgentExchangeClient(base_url=mock.base_url, **mock.credentials()) as c:
        before = len(c.get_trade_history(limit=500))
        first = c.place_market_order("BTCUSDT", "buy", Decimal("0.001"), idempotency_key="k1")
        again = c.place_market_order("BTCUSDT", "buy", Decimal("0.001"), idempotency_key="k1")
        assert again.order_id == first.order_id
        assert len(c.get_trade_history(limit=500)) == before + 1
        assert rec.last("/api/v1/trade/order")["headers"]["idempotency-key"] == "k1"


def test_with_options_shares_the_pool_and_changes_only_what_it_names(
    client: AgentExchangeClient, served: tuple[MockServer, Recorder]
) -> None:
    _, rec = served
    quick = client.with_options(max_retries=0, timeout=5)
    assert quick._transport._client is client._transport._client
    assert quick._transport._tokens is client._transport._tokens
    assert quick._transport._core.policy.max_retries == 0
    assert client._transport._core.policy.max_retries == 2
    start = len(rec.seen)
    for c in (client, quick, client, quick):
        c.get_price("ETHUSDT")
    sockets = {r["client"] for r in rec.seen[start:]}
    assert len(sockets) == 1, sockets  # one connection, used by both
    quick.close()  # a copy leaves the pool to its original
    assert client.get_price("BTCUSDT").symbol == "BTCUSDT"


def test_with_options_shares_the_jwt(served: tuple[MockServer, Recorder]) -> None:
    mock, rec = served
    with AgentExchangeClient(base_url=mock.base_url, **mock.credentials()) as c:
        copy = c.with_options(timeout=10)
        # An operation that prefers a JWT: the first call logs in, the copy reuses that JWT.
        c.list_agents()
        copy.list_agents()
    logins = [r for r in rec.seen if r["path"] == "/api/v1/auth/login"]
    assert logins, "list_agents should have logged in"
    assert sum(1 for r in rec.seen[-3:] if r["path"] == "/api/v1/auth/login") == 1


def test_raw_response_exposes_headers_and_parses_to_the_model(
    client: AgentExchangeClient, served: tuple[MockServer, Recorder]
) -> None:
    raw = client.with_raw_response.get_portfolio()
    assert isinstance(raw, RawResponse)
    assert raw.status_code == 200
    assert raw.request_id and raw.request_id == raw.headers["x-request-id"]
    assert raw.parse() == client.get_portfolio()
    assert raw.rate_limit is None  # this mock counts no requests (rate_limits=False)


def test_raw_response_parses_the_rate_limit_headers() -> None:
    with MockServer(seed=3, pairs=20, rate_limits=True) as mock:
        with AgentExchangeClient(base_url=mock.base_url, **mock.credentials()) as c:
            first = c.with_raw_response.get_portfolio()
            second = c.with_raw_response.get_portfolio()
    assert isinstance(first.rate_limit, RateLimit)
    assert first.rate_limit.limit == 600 and first.rate_limit.remaining is not None
    assert second.rate_limit is not None and second.rate_limit.remaining is not None
    assert second.rate_limit.remaining == first.rate_limit.remaining - 1
    assert first.rate_limit.reset is not None and first.rate_limit.reset > time.time() - 1
    assert first.headers["x-ratelimit-remaining"] == str(first.rate_limit.remaining)
    assert first.request_id != second.request_id


def test_raw_response_on_the_async_client(served: tuple[MockServer, Recorder]) -> None:
    mock, _ = served

    async def main() -> tuple[RawResponse[Any], Any]:
        async with AsyncAgentExchangeClient(base_url=mock.base_url, **mock.credentials()) as c:
            raw = await c.with_raw_response.get_price("BTCUSDT")
            quick = c.with_options(max_retries=0)
            assert quick._transport._gate is c._transport._gate  # one concurrency limit
            return raw, await quick.get_price("BTCUSDT", timeout=5)

    raw, price = asyncio.run(main())
    assert raw.status_code == 200 and raw.request_id
    assert raw.parse().symbol == price.symbol == "BTCUSDT"


def test_raw_response_refuses_what_is_not_an_api_method(client: AgentExchangeClient) -> None:
    with pytest.raises(AttributeError):
        client.with_raw_response.close  # noqa: B018
    with pytest.raises(AttributeError):
        client.with_raw_response.no_such_method  # noqa: B018


def test_the_agent_id_from_the_environment_reaches_the_server(
    served: tuple[MockServer, Recorder], monkeypatch: pytest.MonkeyPatch
) -> None:
    mock, rec = served
    with AgentExchangeClient(base_url=mock.base_url, **mock.credentials()) as c:
        target = c.list_agents().agents[0].id
    monkeypatch.setenv("AGENTEXCHANGE_AGENT_ID", target)
    with AgentExchangeClient(base_url=mock.base_url, **mock.credentials()) as c:
        c.get_balance()
    assert rec.last("/api/v1/account/balance")["headers"]["x-agent-id"] == target
    monkeypatch.delenv("AGENTEXCHANGE_AGENT_ID")
    with AgentExchangeClient(base_url=mock.base_url, **mock.credentials()) as c:
        c.get_balance()
        assert "x-agent-id" not in rec.last("/api/v1/account/balance")["headers"]
        c.with_options(agent_id=target).get_balance()
        assert rec.last("/api/v1/account/balance")["headers"]["x-agent-id"] == target


def test_the_user_agent_names_the_sdk_python_and_httpx(
    client: AgentExchangeClient, served: tuple[MockServer, Recorder]
) -> None:
    import sys

    import agentexchange

    _, rec = served
    client.get_price("BTCUSDT")
    ua = rec.last(PRICE)["headers"]["user-agent"]
    assert ua.startswith(f"agentexchange-python/{agentexchange.__version__} ")
    assert f"Python/{sys.version_info.major}.{sys.version_info.minor}." in ua
    assert ua.endswith(f"httpx/{httpx.__version__}")


def test_seed_004_keywords_create_update_and_reset_an_agent(
    client: AgentExchangeClient, served: tuple[MockServer, Recorder]
) -> None:
    mock, _ = served
    created = client.create_agent(name="x")
    # Checked over REST with plain httpx, not through the SDK's models.
    token = client.login(**mock.credentials()).token
    answer = httpx.get(
        f"{mock.base_url}/api/v1/agents/{created.agent_id}",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 200 and answer.json()["display_name"] == "x"

    updated = client.update_agent(
        created.agent_id, risk_config={"max_order_size_pct": 25, "max_open_orders": 7}
    )
    assert updated.risk_profile["max_order_size_pct"] == 25
    assert updated.risk_profile["max_open_orders"] == 7

    reset = client.reset_agent(created.agent_id, starting_balance="2500")
    assert reset.starting_balance == Decimal("2500")
    assert client.reset_agent(created.agent_id).starting_balance == Decimal("2500")
