"""AsyncTransport's concurrency gate (issue 20, item 1) and the reused JSON decoder (item 3).

The gate is an ``asyncio.Semaphore`` of ``max_concurrency`` slots held around each send
only; waiting for a slot is bounded by the call's own timeout (``APITimeoutError``).
Handlers are async ``httpx.MockTransport`` functions that count the requests inside them.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest

from agentexchange import AsyncAgentExchangeClient
from agentexchange._async_transport import DEFAULT_MAX_CONCURRENCY, AsyncTransport
from agentexchange._transport import (
    _DECODER,
    _loads,
    _reject_constant,
)
from agentexchange.exceptions import (
    AgentExchangeError,
    APIConnectionError,
    APITimeoutError,
    ServerError,
)

from .test_transport import BASE, KEY, PRICE, make_async

BODY = b'{"symbol": "BTCUSDT", "price": "64521.30000000", "timestamp": "2026-11-25T12:00:00Z"}'


@pytest.fixture(autouse=True)
def _no_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("AGENTEXCHANGE_API_KEY", "AGENTEXCHANGE_API_SECRET", "AGENTEXCHANGE_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    yield


class Gatekeeper:
    """An async handler that counts the requests inside it and holds them until ``open``."""

    def __init__(self, answer: httpx.Response | Exception | None = None) -> None:
        self.inside = 0
        self.most = 0
        self.entered = 0
        self.open = asyncio.Event()
        self.arrived = asyncio.Event()  # set on every entry
        self.answer = answer

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        self.inside += 1
        self.entered += 1
        self.most = max(self.most, self.inside)
        self.arrived.set()
        try:
            await self.open.wait()
        finally:
            self.inside -= 1
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer or httpx.Response(200, content=BODY)

    async def until_inside(self, n: int) -> None:
        while self.inside < n:
            self.arrived.clear()
            await asyncio.wait_for(self.arrived.wait(), 2)


def gated(
    handler: Any, *, max_concurrency: int, timeout: float = 5.0, max_retries: int = 0, **kw: Any
) -> AsyncTransport:
    return make_async(
        api_key=KEY,
        api_secret=None,
        base_url=BASE,
        timeout=timeout,
        agent_id=None,
        max_retries=max_retries,
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(handler)),
        max_concurrency=max_concurrency,
        **kw,
    )


async def settle() -> None:
    """Let every runnable task run until it blocks."""
    for _ in range(20):
        await asyncio.sleep(0)


def free_slots(transport: AsyncTransport) -> int:
    return transport._gate._value


# -- the bound -----------------------------------------------------------------------------


async def test_at_most_max_concurrency_requests_in_flight() -> None:
    handler = Gatekeeper()
    transport = gated(handler, max_concurrency=3)
    tasks = [asyncio.create_task(transport.request(PRICE)) for _ in range(10)]
    await handler.until_inside(3)
    await settle()
    assert handler.inside == 3 and handler.entered == 3  # the other 7 wait at the gate
    handler.open.set()
    results = await asyncio.gather(*tasks)
    assert handler.most == 3 and handler.entered == 10
    assert all(r["price"] == "64521.30000000" for r in results)
    assert free_slots(transport) == 3


async def test_default_bound_and_pool_limits_match() -> None:
    transport = make_async(
        api_key=KEY,
        api_secret=None,
        base_url=BASE,
        timeout=5.0,
        agent_id=None,
        max_retries=0,
        http_client=None,
        max_concurrency=7,
    )
    pool = transport._client._transport._pool  # type: ignore[attr-defined]
    assert pool._max_connections == 7 and pool._max_keepalive_connections == 7
    await transport.close()
    client = AsyncAgentExchangeClient(api_key=KEY, base_url=BASE)
    assert client._transport.max_concurrency == DEFAULT_MAX_CONCURRENCY
    pool = client._transport._client._transport._pool  # type: ignore[attr-defined]
    assert pool._max_connections == DEFAULT_MAX_CONCURRENCY
    await client.close()


@pytest.mark.parametrize("bad", [0, -1, 2.5, None])
def test_max_concurrency_must_be_a_positive_int(bad: Any) -> None:
    with pytest.raises(ValueError, match="max_concurrency"):
        AsyncAgentExchangeClient(api_key=KEY, base_url=BASE, max_concurrency=bad)


async def test_gate_applies_to_a_callers_own_http_client() -> None:
    handler = Gatekeeper()
    own = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    client = AsyncAgentExchangeClient(
        api_key=KEY, base_url=BASE, http_client=own, max_concurrency=2
    )
    tasks = [asyncio.create_task(client.get_price("BTCUSDT")) for _ in range(5)]
    await handler.until_inside(2)
    await settle()
    assert handler.entered == 2
    handler.open.set()
    assert len(await asyncio.gather(*tasks)) == 5 and handler.most == 2
    await client.close()
    await own.aclose()


# -- waiting counts against the call's timeout ------------------------------------------------


async def test_call_waiting_at_the_gate_times_out_by_its_own_timeout() -> None:
    handler = Gatekeeper()  # holds the only slot until the end of the test
    transport = gated(handler, max_concurrency=1, timeout=0.2, max_retries=2)
    holder = asyncio.create_task(transport.request(PRICE))
    await handler.until_inside(1)
    start = time.monotonic()
    with pytest.raises(APITimeoutError, match=r"timed out after 0\.2s waiting.*max_concurrency"):
        await transport.request(PRICE)
    waited = time.monotonic() - start
    assert 0.15 <= waited < 2.0  # its own timeout, not retried
    assert handler.entered == 1  # never sent
    handler.open.set()
    await holder
    assert free_slots(transport) == 1


# -- the gate is held around sends only, and always released --------------------------------


async def test_gate_released_after_transport_errors_and_error_statuses() -> None:
    answers: list[httpx.Response | Exception] = [
        httpx.ConnectError("refused"),
        httpx.Response(500, json={"error": {"code": "INTERNAL_ERROR", "message": "x"}}),
        httpx.Response(200, content=b"{not json"),
    ]

    def handler(request: httpx.Request) -> httpx.Response:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    transport = gated(handler, max_concurrency=1)
    with pytest.raises(APIConnectionError):
        await transport.request(PRICE)
    with pytest.raises(ServerError):
        await transport.request(PRICE)
    with pytest.raises(AgentExchangeError, match="Expected a JSON body"):
        await transport.request(PRICE)
    assert free_slots(transport) == 1


async def test_gate_released_when_a_sending_call_is_cancelled() -> None:
    handler = Gatekeeper()
    transport = gated(handler, max_concurrency=1)
    sending = asyncio.create_task(transport.request(PRICE))
    await handler.until_inside(1)
    waiting = asyncio.create_task(transport.request(PRICE))
    await settle()
    assert handler.entered == 1
    sending.cancel()
    with pytest.raises(asyncio.CancelledError):
        await sending
    await handler.until_inside(1)  # the waiting call got the slot
    assert handler.entered == 2
    handler.open.set()
    await waiting
    assert free_slots(transport) == 1


async def test_gate_not_leaked_when_a_waiting_call_is_cancelled() -> None:
    handler = Gatekeeper()
    transport = gated(handler, max_concurrency=1)
    sending = asyncio.create_task(transport.request(PRICE))
    await handler.until_inside(1)
    waiting = asyncio.create_task(transport.request(PRICE))
    await settle()
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    handler.open.set()
    await sending
    assert free_slots(transport) == 1 and handler.entered == 1
    assert (await transport.request(PRICE))["symbol"] == "BTCUSDT"


async def test_backoff_sleep_holds_no_slot() -> None:
    """While one call sleeps before a retry, another call gets the only slot."""
    order: list[str] = []
    sleeping = asyncio.Event()
    wake = asyncio.Event()

    async def sleep(seconds: float) -> None:
        sleeping.set()
        await wake.wait()

    # The first call's 503, the second call's answer, then the first call's retry.
    answers = [
        httpx.Response(503),
        httpx.Response(200, content=b'{"other": 1}'),
        httpx.Response(200, content=BODY),
    ]

    def handler(request: httpx.Request) -> httpx.Response:
        order.append(request.url.path)
        return answers.pop(0)

    transport = gated(handler, max_concurrency=1, max_retries=1, sleep=sleep)
    retrying = asyncio.create_task(transport.request(PRICE))
    await asyncio.wait_for(sleeping.wait(), 2)
    assert free_slots(transport) == 1
    other = await asyncio.wait_for(transport.request(PRICE), 2)  # not blocked by the sleeper
    assert other == {"other": 1}
    wake.set()
    assert (await retrying)["symbol"] == "BTCUSDT"
    assert len(order) == 3 and free_slots(transport) == 1


# -- the reused decoder ----------------------------------------------------------------------


def _old_loads(content: bytes) -> Any:
    """The decoder before issue 20: json.loads with hooks, built per call."""
    try:
        return json.loads(content, parse_float=Decimal, parse_constant=_reject_constant)
    except RecursionError as exc:
        raise ValueError("JSON nested too deeply") from exc


DECODED = [
    BODY,
    b'{"price": 64521.30, "n": 3, "e": 1e-8, "big": 1E+400, "neg": -0.0, "s": "0.10"}',
    b'[1, 2.50, true, false, null, "\\u00e9", {"a": [{}]}]',
    '{"name": "café ✓"}'.encode("utf-16"),
    '{"x": 1.5}'.encode("utf-8-sig"),
    b"  12.000  ",
    '{"le": "no BOM"}'.encode("utf-16-le"),  # starts with `{` but is not UTF-8
    '["be"]'.encode("utf-16-be"),
    '{"x": 2}'.encode("utf-32-le"),
    '["\u00e9"]'.encode(),
    b"{}",
    b"[]",
]
REFUSED = [
    b'{"x": NaN}',
    b'{"x": Infinity}',
    b"[-Infinity]",
    b'{"price": "1",',
    b"",
    b"\xff\xfe\x00garbage",
    b'{"a": "\xff"}',  # `{` then invalid UTF-8
    b"{",
    b"[\x00",
    b'{"a": 1} trailing',
    b"[" * 100_000 + b"]" * 100_000,
]


@pytest.mark.parametrize("content", DECODED)
def test_reused_decoder_gives_the_same_values(content: bytes) -> None:
    got, want = _loads(content), _old_loads(content)
    assert got == want
    assert repr(got) == repr(want)  # Decimal("64521.30") keeps its digits, not a float


@pytest.mark.parametrize("content", REFUSED)
def test_reused_decoder_refuses_the_same_bodies(content: bytes) -> None:
    with pytest.raises(ValueError) as old:
        _old_loads(content)
    with pytest.raises(ValueError) as new:
        _loads(content)
    assert type(new.value) is type(old.value)


def test_decoder_is_built_once() -> None:
    assert _DECODER.parse_float is Decimal
    assert _DECODER.parse_constant is _reject_constant
    assert _loads(b'{"p": 1.10}') == {"p": Decimal("1.10")}


@pytest.mark.parametrize(
    "content",
    [b'{"x": NaN}', b"[" * 100_000 + b"]" * 100_000],
    ids=["nan", "deep"],
)
async def test_refused_bodies_are_invalid_response(content: bytes) -> None:
    transport = gated(lambda r: httpx.Response(200, content=content), max_concurrency=2)
    with pytest.raises(AgentExchangeError) as info:
        await transport.request(PRICE)
    assert type(info.value) is AgentExchangeError
    assert info.value.code == "INVALID_RESPONSE"
    assert free_slots(transport) == 2
