"""AsyncTransport: the same pipeline behaviours as the sync face, through httpx.AsyncClient.

Shares the scripted ``Server`` of ``test_transport.py``; sleeping is an injected
coroutine that records, the token clock a fake.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import Callable, Iterator

import httpx
import pytest

from agentexchange._async_transport import AsyncTransport
from agentexchange._transport import Call
from agentexchange.exceptions import (
    AgentExchangeError,
    APIConnectionError,
    APITimeoutError,
    AuthenticationError,
    InsufficientBalanceError,
    RateLimitError,
    ServerError,
)

from .test_transport import (
    AGENT,
    AGENTS,
    BALANCE,
    BASE,
    KEY,
    LOGIN,
    ORDER,
    PRICE,
    SECRET,
    FakeClock,
    Server,
    connect_error,
    envelope,
    jwt,
    make_async,
    read_timeout,
    stale_echo_server,
)


@pytest.fixture(autouse=True)
def _no_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("AGENTEXCHANGE_API_KEY", "AGENTEXCHANGE_API_SECRET", "AGENTEXCHANGE_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    yield


def async_transport(
    handler: Callable[..., object],
    *,
    sleeps: list[float] | None = None,
    clock: Callable[[], float] | None = None,
    api_key: str | None = KEY,
    api_secret: str | None = SECRET,
    agent_id: str | None = None,
    max_retries: int = 2,
) -> AsyncTransport:
    recorded = sleeps if sleeps is not None else []

    async def sleep(seconds: float) -> None:
        recorded.append(seconds)

    return make_async(
        api_key=api_key,
        api_secret=api_secret,
        base_url=BASE,
        timeout=5.0,
        agent_id=agent_id,
        max_retries=max_retries,
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(handler)),  # type: ignore[arg-type]
        sleep=sleep,
        clock=clock,
    )


async def test_api_key_and_agent_id_headers() -> None:
    server = Server()
    transport = async_transport(server, agent_id=AGENT)
    await transport.request(BALANCE)
    await transport.request(PRICE)
    secured, public = server.requests
    assert secured.headers["X-API-Key"] == KEY
    assert secured.headers["X-Agent-Id"] == AGENT
    assert "x-api-key" not in public.headers and "x-agent-id" not in public.headers


async def test_missing_credentials_raise_before_sending() -> None:
    server = Server()
    with pytest.raises(AuthenticationError, match="AGENTEXCHANGE_API_KEY"):
        await async_transport(server, api_key=None).request(BALANCE)
    assert server.requests == []


async def test_jwt_login_once_and_reused() -> None:
    server = Server()
    transport = async_transport(server)
    for _ in range(3):
        await transport.request(AGENTS)
    assert server.logins == 1
    assert json.loads(server.requests[0].content) == {"api_key": KEY, "api_secret": SECRET}
    assert {r.headers["Authorization"] for r in server.calls} == {f"Bearer {jwt(1)}"}


async def test_jwt_refreshed_shortly_before_expiry() -> None:
    server = Server(expires_in=3600)
    clock = FakeClock()
    transport = async_transport(server, clock=clock)
    await transport.request(AGENTS)
    clock.now += 3600 - 61
    await transport.request(AGENTS)
    assert server.logins == 1
    clock.now += 2
    await transport.request(AGENTS)
    assert server.logins == 2


async def test_invalid_token_refreshes_once_then_succeeds() -> None:
    def script(request: httpx.Request) -> httpx.Response:
        if request.headers["Authorization"] == f"Bearer {jwt(1)}":
            return envelope(401, "INVALID_TOKEN", "Token expired.")
        return httpx.Response(200, json={"agents": []})

    server = Server(script)
    assert await async_transport(server).request(AGENTS) == {"agents": []}
    assert server.logins == 2 and len(server.calls) == 2


async def test_one_login_for_32_concurrent_tasks() -> None:
    server = Server()
    gate = asyncio.Event()
    entered = 0

    async def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == LOGIN:
            await gate.wait()  # the first login is in flight while the others queue up
        return server(request)

    transport = async_transport(handler)

    async def worker() -> object:
        nonlocal entered
        entered += 1
        return await transport.request(AGENTS)

    tasks = [asyncio.create_task(worker()) for _ in range(32)]
    while entered < 32:
        await asyncio.sleep(0)
    await asyncio.sleep(0)  # let the last task reach the token lock
    gate.set()
    await asyncio.gather(*tasks)
    assert server.logins == 1
    assert len(server.calls) == 32


async def test_503_retried_then_success() -> None:
    sleeps: list[float] = []
    server = Server([envelope(503, "SERVICE_UNAVAILABLE"), httpx.Response(200, json={"ok": 1})])
    assert await async_transport(server, sleeps=sleeps).request(PRICE) == {"ok": 1}
    assert len(server.calls) == 2 and len(sleeps) == 1


async def test_429_retry_after_is_honoured() -> None:
    sleeps: list[float] = []
    server = Server(
        [envelope(429, "RATE_LIMIT_EXCEEDED", **{"Retry-After": "3"}), httpx.Response(200, json={})]
    )
    await async_transport(server, sleeps=sleeps).request(PRICE)
    assert sleeps == [3.0]


async def test_rate_limit_error_after_retries_carries_retry_after() -> None:
    server = Server([envelope(429, "RATE_LIMIT_EXCEEDED", **{"Retry-After": "1"})])
    with pytest.raises(RateLimitError) as info:
        await async_transport(server).request(PRICE)
    assert info.value.retry_after == 1.0
    assert len(server.calls) == 3


async def test_order_post_not_retried_after_502_without_echo() -> None:
    server = Server([envelope(502, "BAD_GATEWAY"), httpx.Response(200, json={})])
    with pytest.raises(ServerError):
        await async_transport(server).request(ORDER)
    assert len(server.calls) == 1


async def test_order_post_read_timeout_raises_timeout_without_retry() -> None:
    server = Server([read_timeout(), httpx.Response(200, json={})])
    with pytest.raises(APITimeoutError):
        await async_transport(server).request(ORDER)
    assert len(server.calls) == 1


async def test_order_post_retried_after_echo_with_same_key() -> None:
    server = Server([read_timeout(), httpx.Response(200, json={"id": 1})], echo_key=True)
    transport = async_transport(server)
    # The first timeout happens before any echo was seen: not retried.
    with pytest.raises(APITimeoutError):
        await transport.request(ORDER)
    server.script = [httpx.Response(200, json={})]
    await transport.request(ORDER)  # echoed: the server honours keys from now on
    server.script = [
        httpx.Response(200, json={}),
        httpx.Response(200, json={}),
        envelope(503, "SERVICE_UNAVAILABLE"),
        httpx.Response(200, json={"id": 9}),
    ]
    assert await transport.request(ORDER) == {"id": 9}
    third, fourth = server.calls[2:]
    assert third.headers["Idempotency-Key"] == fourth.headers["Idempotency-Key"]
    assert uuid.UUID(third.headers["Idempotency-Key"])


async def test_a_foreign_or_stale_idempotency_key_header_is_not_an_echo() -> None:
    ok = httpx.Response(200, json={})
    server = stale_echo_server([ok, ok, read_timeout(), httpx.Response(200, json={"id": 1})])
    transport = async_transport(server)
    await transport.request(ORDER)  # answered with a key of the server's own making
    await transport.request(ORDER)  # answered with the previous request's key
    # No echo of our own key was ever seen: a timed-out order may have been placed.
    with pytest.raises(APITimeoutError):
        await transport.request(ORDER)
    assert len(server.calls) == 3


async def test_post_retried_after_connect_error() -> None:
    server = Server([connect_error(), httpx.Response(200, json={"id": 3})])
    assert await async_transport(server).request(ORDER) == {"id": 3}
    assert len(server.calls) == 2


async def test_connect_errors_exhausted() -> None:
    server = Server([connect_error()])
    with pytest.raises(APIConnectionError):
        await async_transport(server, max_retries=1).request(PRICE)
    assert len(server.calls) == 2


async def test_error_mapping_and_malformed_body() -> None:
    server = Server(
        [
            envelope(
                400,
                "INSUFFICIENT_BALANCE",
                "Insufficient USDT balance",
                {"asset": "USDT", "required": "100.50", "available": "12.00"},
                **{"X-Request-Id": "r-1"},
            ),
            httpx.Response(200, text="not json"),
        ]
    )
    transport = async_transport(server)
    with pytest.raises(InsufficientBalanceError) as info:
        await transport.request(ORDER)
    assert info.value.required is not None and str(info.value.required) == "100.50"
    assert info.value.request_id == "r-1"
    with pytest.raises(AgentExchangeError) as bad:
        await transport.request(PRICE)
    assert bad.value.code == "INVALID_RESPONSE"


async def test_text_and_none_expectations() -> None:
    server = Server([httpx.Response(200, text="hello"), httpx.Response(204)])
    transport = async_transport(server)
    assert await transport.request(Call("GET", "/t", (), expect="text")) == "hello"
    assert await transport.request(Call("DELETE", "/n", (), expect="none")) is None


async def test_env_fallbacks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENTEXCHANGE_API_KEY", KEY)
    monkeypatch.setenv("AGENTEXCHANGE_BASE_URL", "http://env.example:9/")
    server = Server()
    transport = make_async(
        api_key=None,
        api_secret=None,
        base_url=None,
        timeout=5.0,
        agent_id=None,
        max_retries=0,
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(server)),
    )
    await transport.request(BALANCE)
    assert str(server.requests[0].url) == "http://env.example:9/api/v1/account/balance"
    assert server.requests[0].headers["X-API-Key"] == KEY


async def test_user_client_not_closed_own_client_closed() -> None:
    user_client = httpx.AsyncClient(transport=httpx.MockTransport(Server()))
    transport = make_async(
        api_key=KEY,
        api_secret=None,
        base_url=BASE,
        timeout=5.0,
        agent_id=None,
        max_retries=0,
        http_client=user_client,
    )
    await transport.close()
    assert not user_client.is_closed
    await user_client.aclose()
    own = make_async(
        api_key=KEY,
        api_secret=None,
        base_url=BASE,
        timeout=5.0,
        agent_id=None,
        max_retries=0,
        http_client=None,
    )
    await own.close()
    assert own._client.is_closed


async def test_wrong_client_type_is_rejected() -> None:
    with pytest.raises(TypeError):
        make_async(
            api_key=KEY,
            api_secret=None,
            base_url=BASE,
            timeout=5.0,
            agent_id=None,
            max_retries=0,
            http_client=httpx.Client(),  # type: ignore[arg-type]
        )


async def test_repr_and_logs_hold_no_secret(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="agentexchange")
    server = Server([envelope(503, "SERVICE_UNAVAILABLE"), httpx.Response(200, json={})])
    transport = async_transport(server)
    await transport.request(AGENTS)
    shown = repr(transport) + caplog.text
    for secret in (KEY, SECRET, jwt(1)):
        assert secret not in shown
    assert "GET /api/v1/agents -> 503 (attempt 1)" in caplog.text
    assert "GET /api/v1/agents -> 200 (attempt 2)" in caplog.text
    assert BASE in repr(transport)
