"""SyncTransport: auth, JWT cache, retries, idempotency, decoding, secrecy (no network).

Every test talks to an ``httpx.MockTransport`` through the real pipeline; sleeping is
injected (recorded, not slept) and the token clock is a fake, so nothing waits.
The helpers here are shared with ``test_transport_async.py``.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from decimal import Decimal
from email.utils import format_datetime
from types import SimpleNamespace
from typing import Any

import httpx
import pytest

from agentexchange._async_transport import AsyncTransport
from agentexchange._retry import RetryPolicy, backoff_delay, parse_retry_after
from agentexchange._transport import Call, SyncTransport
from agentexchange.async_client import AsyncAgentExchangeClient
from agentexchange.client import AgentExchangeClient
from agentexchange.exceptions import (
    AgentExchangeError,
    APIConnectionError,
    APITimeoutError,
    AuthenticationError,
    RateLimitError,
    ServerError,
)

LOGIN = "/api/v1/auth/login"
KEY = "ak_live_" + "k" * 56 + "AbCdWXYZ"
SECRET = "sk_live_" + "s" * 56 + "SeCrEt99"
AGENT = "7d1c2a3b-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
BASE = "http://exchange.test"


def make_sync(**settings: Any) -> SyncTransport:
    """A SyncTransport whose JWTs come from the generated ``login()``, as in the client."""
    holder = SimpleNamespace()
    holder._transport = SyncTransport(
        login=lambda key, secret: AgentExchangeClient.login(holder, key, secret),  # type: ignore[arg-type]
        **settings,
    )
    return holder._transport  # type: ignore[no-any-return]


def make_async(**settings: Any) -> AsyncTransport:
    """An AsyncTransport whose JWTs come from the generated async ``login()``."""
    holder = SimpleNamespace()
    holder._transport = AsyncTransport(
        login=lambda key, secret: AsyncAgentExchangeClient.login(holder, key, secret),  # type: ignore[arg-type]
        **settings,
    )
    return holder._transport  # type: ignore[no-any-return]


PRICE = Call("GET", "/api/v1/market/price/BTCUSDT", ())
BALANCE = Call("GET", "/api/v1/account/balance", ("ApiKeyAuth", "BearerAuth"))
AGENTS = Call("GET", "/api/v1/agents", ("BearerAuth",))
ORDER = Call(
    "POST",
    "/api/v1/trade/order",
    ("ApiKeyAuth",),
    json={"symbol": "BTCUSDT", "side": "buy", "type": "market", "quantity": "0.01"},
    idempotent=True,
)


def jwt(n: int) -> str:
    return f"eyJhbGciOiJIUzI1NiJ9.token-number-{n}.signature"


def envelope(
    status: int, code: str, message: str = "nope", details: Any = None, **headers: str
) -> httpx.Response:
    error: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        error["details"] = details
    return httpx.Response(status, json={"error": error}, headers=headers)


class Server:
    """A scripted exchange: records every request, answers logins, then ``script``.

    ``script`` is a list of responses / exceptions consumed in order for non-login
    requests (the last one repeats), or a function of the request.
    """

    def __init__(
        self,
        script: list[httpx.Response | Exception]
        | Callable[[httpx.Request], httpx.Response]
        | None = None,
        *,
        expires_in: int | None = 3600,
        echo_key: bool = False,
    ) -> None:
        self.script = script if script is not None else [httpx.Response(200, json={"ok": True})]
        self.expires_in = expires_in
        self.echo_key = echo_key
        self.requests: list[httpx.Request] = []
        self.logins = 0
        self._lock = threading.Lock()
        self.login_gate: Callable[[], None] | None = None

    @property
    def calls(self) -> list[httpx.Request]:
        return [r for r in self.requests if r.url.path != LOGIN]

    def login_response(self) -> httpx.Response:
        with self._lock:
            self.logins += 1
            n = self.logins
        body: dict[str, Any] = {
            "token": jwt(n),
            "expires_at": "2099-01-01T00:00:00Z",
            "token_type": "Bearer",
        }
        if self.expires_in is not None:
            body["expires_in"] = self.expires_in
        return httpx.Response(200, json=body)

    def answer(self, request: httpx.Request) -> httpx.Response:
        if callable(self.script):
            response = self.script(request)
        else:
            with self._lock:
                index = len(self.calls) - 1
            item = self.script[min(index, len(self.script) - 1)]
            if isinstance(item, Exception):
                raise item
            response = item
        key = request.headers.get("idempotency-key")
        if self.echo_key and key:
            response = httpx.Response(
                response.status_code,
                content=response.content,
                headers={**response.headers, "Idempotency-Key": key},
            )
        return response

    def __call__(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            self.requests.append(request)
        if request.url.path == LOGIN:
            if self.login_gate is not None:
                self.login_gate()
            return self.login_response()
        return self.answer(request)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def sync_transport(
    server: Server,
    *,
    sleeps: list[float] | None = None,
    clock: Callable[[], float] | None = None,
    api_key: str | None = KEY,
    api_secret: str | None = SECRET,
    agent_id: str | None = None,
    max_retries: int = 2,
) -> SyncTransport:
    recorded = sleeps if sleeps is not None else []
    return make_sync(
        api_key=api_key,
        api_secret=api_secret,
        base_url=BASE,
        timeout=5.0,
        agent_id=agent_id,
        max_retries=max_retries,
        http_client=httpx.Client(transport=httpx.MockTransport(server)),
        sleep=recorded.append,
        clock=clock,
    )


def connect_error() -> httpx.ConnectError:
    return httpx.ConnectError("connection refused")


def read_timeout() -> httpx.ReadTimeout:
    return httpx.ReadTimeout("timed out waiting for the response")


@pytest.fixture(autouse=True)
def _no_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("AGENTEXCHANGE_API_KEY", "AGENTEXCHANGE_API_SECRET", "AGENTEXCHANGE_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    yield


# -- auth headers -------------------------------------------------------------------------


def test_api_key_call_sends_x_api_key_and_no_bearer() -> None:
    server = Server()
    sync_transport(server).request(BALANCE)
    (request,) = server.requests
    assert request.headers["X-API-Key"] == KEY
    assert "authorization" not in request.headers
    assert server.logins == 0


def test_agent_id_header_on_authenticated_calls_only() -> None:
    server = Server()
    transport = sync_transport(server, agent_id=AGENT)
    transport.request(BALANCE)
    transport.request(PRICE)
    secured, public = server.requests
    assert secured.headers["X-Agent-Id"] == AGENT
    assert "x-agent-id" not in public.headers
    assert "x-api-key" not in public.headers


def test_call_header_parameter_overrides_configured_agent_id() -> None:
    server = Server()
    other = str(uuid.uuid4())
    call = Call("GET", "/api/v1/account/balance", ("ApiKeyAuth",), headers={"X-Agent-Id": other})
    sync_transport(server, agent_id=AGENT).request(call)
    assert server.requests[0].headers["X-Agent-Id"] == other


def test_missing_api_key_raises_before_sending_and_names_the_setting() -> None:
    server = Server()
    with pytest.raises(AuthenticationError) as info:
        sync_transport(server, api_key=None).request(BALANCE)
    assert "AGENTEXCHANGE_API_KEY" in str(info.value)
    assert info.value.code == "MISSING_CREDENTIALS"
    assert server.requests == []


def test_bearer_only_call_without_secret_names_api_secret() -> None:
    server = Server()
    with pytest.raises(AuthenticationError, match="AGENTEXCHANGE_API_SECRET"):
        sync_transport(server, api_secret=None).request(AGENTS)
    assert server.requests == []


def test_first_satisfiable_alternative_is_used() -> None:
    server = Server()
    sync_transport(server, api_secret=None).request(Call("GET", "/x", ("BearerAuth", "ApiKeyAuth")))
    assert server.requests[0].headers["X-API-Key"] == KEY
    server2 = Server()
    sync_transport(server2).request(Call("GET", "/x", ("BearerAuth", "ApiKeyAuth")))
    assert server2.calls[0].headers["Authorization"] == f"Bearer {jwt(1)}"


# -- JWT ----------------------------------------------------------------------------------


def test_jwt_login_once_and_reused() -> None:
    server = Server()
    transport = sync_transport(server)
    for _ in range(3):
        transport.request(AGENTS)
    assert server.logins == 1
    login = server.requests[0]
    assert login.method == "POST" and login.url.path == LOGIN
    assert json.loads(login.content) == {"api_key": KEY, "api_secret": SECRET}
    assert "x-api-key" not in login.headers  # login is public
    assert [r.headers["Authorization"] for r in server.calls] == [f"Bearer {jwt(1)}"] * 3


def test_jwt_refreshed_shortly_before_expiry() -> None:
    server = Server(expires_in=3600)
    clock = FakeClock()
    transport = sync_transport(server, clock=clock)
    transport.request(AGENTS)
    clock.now += 3600 - 61  # still more than the 60 s margin left
    transport.request(AGENTS)
    assert server.logins == 1
    clock.now += 2  # inside the margin
    transport.request(AGENTS)
    assert server.logins == 2
    assert server.calls[-1].headers["Authorization"] == f"Bearer {jwt(2)}"


def test_jwt_lifetime_from_expires_at_when_expires_in_is_absent() -> None:
    server = Server(expires_in=None)  # the real platform sends only expires_at (2099)
    clock = FakeClock()
    transport = sync_transport(server, clock=clock)
    transport.request(AGENTS)
    clock.now += 10 * 24 * 3600
    transport.request(AGENTS)
    assert server.logins == 1


def over(
    handler: Callable[[httpx.Request], httpx.Response], clock: FakeClock | None = None
) -> SyncTransport:
    """A transport with key and secret whose server is ``handler`` (no retries)."""
    return make_sync(
        api_key=KEY,
        api_secret=SECRET,
        base_url=BASE,
        timeout=5.0,
        agent_id=None,
        max_retries=0,
        http_client=httpx.Client(transport=httpx.MockTransport(handler)),
        clock=clock,
    )


def test_the_docs_login_answer_with_expires_in_only_is_enough() -> None:
    # Product docs, seed 004: {"token": "eyJhbGci...", "expires_in": 3600}
    bearers: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == LOGIN:
            return httpx.Response(200, json={"token": jwt(1), "expires_in": 3600})
        bearers.append(request.headers.get("authorization", ""))
        return httpx.Response(200, json={"agents": []})

    clock = FakeClock()
    transport = over(handler, clock)
    transport.request(AGENTS)
    clock.now += 3000  # within the hour, less the refresh margin: no second login
    transport.request(AGENTS)
    assert bearers == [f"Bearer {jwt(1)}"] * 2


def test_a_login_answer_without_a_lifetime_is_used_for_five_minutes() -> None:
    logins: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == LOGIN:
            logins.append(1)
            return httpx.Response(200, json={"token": jwt(len(logins))})
        return httpx.Response(200, json={"agents": []})

    clock = FakeClock()
    transport = over(handler, clock)
    transport.request(AGENTS)
    clock.now += 100
    transport.request(AGENTS)
    clock.now += 300
    transport.request(AGENTS)
    assert len(logins) == 2


@pytest.mark.parametrize("token", [None, "", 12345])
def test_a_login_answer_without_a_string_token_is_an_invalid_response(token: Any) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == LOGIN:
            return httpx.Response(200, json={"token": token, "expires_in": 3600})
        raise AssertionError("a call went out without a usable token")

    transport = over(handler)
    with pytest.raises(AgentExchangeError) as info:
        transport.request(AGENTS)
    assert info.value.code == "INVALID_RESPONSE"


def test_invalid_token_refreshes_once_then_succeeds() -> None:
    def script(request: httpx.Request) -> httpx.Response:
        if request.headers["Authorization"] == f"Bearer {jwt(1)}":
            return envelope(401, "INVALID_TOKEN", "Token expired.")
        return httpx.Response(200, json={"agents": []})

    server = Server(script)
    assert sync_transport(server).request(AGENTS) == {"agents": []}
    assert server.logins == 2
    assert len(server.calls) == 2


def test_invalid_token_twice_raises_after_a_single_refresh() -> None:
    server = Server([envelope(401, "INVALID_TOKEN", "Token expired.")])
    with pytest.raises(AuthenticationError) as info:
        sync_transport(server).request(AGENTS)
    assert info.value.code == "INVALID_TOKEN"
    assert server.logins == 2
    assert len(server.calls) == 2


def test_invalid_api_key_on_api_key_call_is_not_refreshed() -> None:
    server = Server([envelope(401, "INVALID_API_KEY", "Invalid API key.")])
    with pytest.raises(AuthenticationError):
        sync_transport(server).request(BALANCE)
    assert server.logins == 0 and len(server.calls) == 1


def test_login_failure_surfaces_as_authentication_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return envelope(401, "INVALID_API_KEY", "Invalid API key.")

    transport = make_sync(
        api_key=KEY,
        api_secret=SECRET,
        base_url=BASE,
        timeout=5.0,
        agent_id=None,
        max_retries=0,
        http_client=httpx.Client(transport=httpx.MockTransport(handler)),
    )
    with pytest.raises(AuthenticationError, match="Invalid API key"):
        transport.request(AGENTS)


def test_one_login_for_32_concurrent_threads() -> None:
    server = Server()
    started = threading.Barrier(32)
    entered = threading.Semaphore(0)

    def gate() -> None:
        # Hold the first login until every thread has asked for a token.
        for _ in range(31):
            assert entered.acquire(timeout=10)

    server.login_gate = gate
    transport = sync_transport(server)
    errors: list[BaseException] = []

    def worker() -> None:
        started.wait()
        entered.release()
        try:
            transport.request(AGENTS)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(32)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    assert server.logins == 1
    assert len(server.calls) == 32


# -- retries ------------------------------------------------------------------------------


def test_503_is_retried_then_succeeds_with_backoff() -> None:
    sleeps: list[float] = []
    server = Server([envelope(503, "SERVICE_UNAVAILABLE"), httpx.Response(200, json={"ok": 1})])
    assert sync_transport(server, sleeps=sleeps).request(PRICE) == {"ok": 1}
    assert len(server.calls) == 2
    assert len(sleeps) == 1 and 0.375 <= sleeps[0] <= 0.625


def test_retries_stop_after_max_retries() -> None:
    sleeps: list[float] = []
    server = Server([envelope(502, "BAD_GATEWAY")])
    with pytest.raises(ServerError) as info:
        sync_transport(server, sleeps=sleeps, max_retries=2).request(PRICE)
    assert info.value.status_code == 502
    assert len(server.calls) == 3
    assert len(sleeps) == 2 and sleeps[1] > sleeps[0] * 1.1  # exponential


def test_max_retries_zero_sends_once() -> None:
    server = Server([envelope(503, "SERVICE_UNAVAILABLE")])
    with pytest.raises(ServerError):
        sync_transport(server, max_retries=0).request(PRICE)
    assert len(server.calls) == 1


def test_429_retry_after_is_honoured() -> None:
    sleeps: list[float] = []
    server = Server(
        [envelope(429, "RATE_LIMIT_EXCEEDED", **{"Retry-After": "7"}), httpx.Response(200, json={})]
    )
    sync_transport(server, sleeps=sleeps).request(PRICE)
    assert sleeps == [7.0]
    assert len(server.calls) == 2


def test_429_asking_for_more_than_60s_is_raised_with_retry_after() -> None:
    sleeps: list[float] = []
    server = Server([envelope(429, "RATE_LIMIT_EXCEEDED", **{"Retry-After": "120"})])
    with pytest.raises(RateLimitError) as info:
        sync_transport(server, sleeps=sleeps).request(PRICE)
    assert info.value.retry_after == 120.0
    assert sleeps == [] and len(server.calls) == 1


def test_404_is_not_retried() -> None:
    server = Server([envelope(404, "NOT_FOUND")])
    with pytest.raises(AgentExchangeError):
        sync_transport(server).request(PRICE)
    assert len(server.calls) == 1


def test_get_read_timeout_is_retried() -> None:
    server = Server([read_timeout(), httpx.Response(200, json={"ok": 1})])
    assert sync_transport(server).request(PRICE) == {"ok": 1}
    assert len(server.calls) == 2


def test_connection_errors_exhausted_raise_api_connection_error() -> None:
    server = Server([connect_error()])
    with pytest.raises(APIConnectionError) as info:
        sync_transport(server).request(PRICE)
    assert not isinstance(info.value, APITimeoutError)
    assert info.value.status_code == 0 and info.value.code == "CONNECTION_ERROR"
    assert isinstance(info.value.__cause__, httpx.ConnectError)
    assert len(server.calls) == 3


# -- idempotency and unsafe methods -------------------------------------------------------


def test_idempotent_post_sends_a_uuid_key() -> None:
    server = Server()
    sync_transport(server).request(ORDER)
    key = server.calls[0].headers["Idempotency-Key"]
    assert uuid.UUID(key).version == 4


def test_order_post_not_retried_after_502_from_server_that_ignores_keys() -> None:
    server = Server([envelope(502, "BAD_GATEWAY"), httpx.Response(200, json={})])
    with pytest.raises(ServerError):
        sync_transport(server).request(ORDER)
    assert len(server.calls) == 1


def test_order_post_read_timeout_raises_timeout_without_retry() -> None:
    server = Server([read_timeout(), httpx.Response(200, json={})])
    with pytest.raises(APITimeoutError) as info:
        sync_transport(server).request(ORDER)
    assert info.value.code == "TIMEOUT"
    assert len(server.calls) == 1


def test_order_post_retried_when_server_echoes_the_key_same_key_each_attempt() -> None:
    server = Server(
        [envelope(502, "BAD_GATEWAY"), httpx.Response(200, json={"id": 1})], echo_key=True
    )
    assert sync_transport(server).request(ORDER) == {"id": 1}
    first, second = server.calls
    assert first.headers["Idempotency-Key"] == second.headers["Idempotency-Key"]


def test_echo_is_remembered_so_a_later_timeout_is_retried() -> None:
    server = Server(
        [httpx.Response(200, json={}), read_timeout(), httpx.Response(200, json={"id": 2})],
        echo_key=True,
    )
    transport = sync_transport(server)
    transport.request(ORDER)
    assert transport.request(ORDER) == {"id": 2}
    assert len(server.calls) == 3
    assert server.calls[1].headers["Idempotency-Key"] == server.calls[2].headers["Idempotency-Key"]
    assert server.calls[0].headers["Idempotency-Key"] != server.calls[1].headers["Idempotency-Key"]


def test_non_idempotent_post_not_retried_even_when_keys_are_honoured() -> None:
    server = Server([httpx.Response(200, json={}), envelope(502, "BAD_GATEWAY")], echo_key=True)
    transport = sync_transport(server)
    transport.request(ORDER)
    with pytest.raises(ServerError):
        transport.request(Call("POST", "/api/v1/strategies", ("ApiKeyAuth",), json={}))
    assert len(server.calls) == 2
    assert "idempotency-key" not in server.calls[1].headers


def stale_echo_server(answers: list[httpx.Response | Exception]) -> Server:
    """A server (or a caching proxy) whose Idempotency-Key header is not the one just sent:
    the first answer carries a key of its own making, each later one the previous request's.
    ``answers`` are consumed in order (the last one repeats), exceptions raised."""
    sent: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request.headers["Idempotency-Key"])
        item = answers[min(len(sent), len(answers)) - 1]
        if isinstance(item, Exception):
            raise item
        echo = sent[-2] if len(sent) > 1 else str(uuid.uuid4())
        return httpx.Response(
            item.status_code,
            content=item.content,
            headers={**item.headers, "Idempotency-Key": echo},
        )

    return Server(answer)


def test_only_an_echo_of_the_key_sent_counts_as_the_server_honouring_keys() -> None:
    server = stale_echo_server([httpx.Response(200, json={}), envelope(502, "BAD_GATEWAY")])
    transport = sync_transport(server)
    transport.request(ORDER)  # answered with a key that is not ours
    # Answered with the previous call's key: still no proof this server dedupes ours.
    with pytest.raises(ServerError):
        transport.request(ORDER)
    assert len(server.calls) == 2  # the 502 was not resent: it may have placed the order
    first, second = (r.headers["Idempotency-Key"] for r in server.calls)
    assert first != second


def test_post_retried_when_connection_failed_before_sending() -> None:
    server = Server([connect_error(), httpx.Response(200, json={"id": 3})])
    assert sync_transport(server).request(ORDER) == {"id": 3}
    assert len(server.calls) == 2
    assert server.calls[0].headers["Idempotency-Key"] == server.calls[1].headers["Idempotency-Key"]


def test_post_retried_on_429_with_retry_after() -> None:
    sleeps: list[float] = []
    server = Server(
        [envelope(429, "RATE_LIMIT_EXCEEDED", **{"Retry-After": "2"}), httpx.Response(200, json={})]
    )
    sync_transport(server, sleeps=sleeps).request(ORDER)
    assert len(server.calls) == 2 and sleeps == [2.0]


def test_post_not_retried_on_503_without_retry_after() -> None:
    server = Server([envelope(503, "SERVICE_UNAVAILABLE"), httpx.Response(200, json={})])
    with pytest.raises(ServerError):
        sync_transport(server).request(ORDER)
    assert len(server.calls) == 1


def test_delete_is_not_resent_after_delivery_but_put_is() -> None:
    server = Server([envelope(504, "GATEWAY_TIMEOUT"), httpx.Response(200, json={})])
    with pytest.raises(ServerError):
        sync_transport(server).request(Call("DELETE", "/api/v1/trade/order/x", ("ApiKeyAuth",)))
    assert len(server.calls) == 1
    server = Server([envelope(504, "GATEWAY_TIMEOUT"), httpx.Response(200, json={})])
    sync_transport(server).request(
        Call("PUT", "/api/v1/agents/x/risk-profile", ("ApiKeyAuth",), json={})
    )
    assert len(server.calls) == 2


# -- request building and decoding ---------------------------------------------------------


def test_query_body_and_decimal_response() -> None:
    server = Server([httpx.Response(200, content=b'{"price": 64521.30, "n": 3, "s": "0.10"}')])
    call = Call(
        "POST",
        "/api/v1/x",
        ("ApiKeyAuth",),
        params={"limit": "5"},
        json={"quantity": Decimal("0.010")},
    )
    body = sync_transport(server).request(call)
    assert body == {"price": Decimal("64521.30"), "n": 3, "s": "0.10"}
    assert isinstance(body["price"], Decimal) and str(body["price"]) == "64521.30"
    request = server.calls[0]
    assert str(request.url) == f"{BASE}/api/v1/x?limit=5"
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.content) == {"quantity": "0.010"}


def test_expect_text_and_none() -> None:
    server = Server([httpx.Response(200, text="# skill\n"), httpx.Response(204)])
    transport = sync_transport(server)
    assert transport.request(Call("GET", "/skill", (), expect="text")) == "# skill\n"
    assert transport.request(Call("DELETE", "/x", (), expect="none")) is None


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(200, text="<html>bad gateway</html>", headers={"content-type": "text/html"}),
        httpx.Response(200, content=b'{"price": "1",'),
        httpx.Response(200, content=b""),
        httpx.Response(200, content=b'{"x": NaN}'),
        httpx.Response(200, content=b"\xff\xfe\x00garbage"),
    ],
    ids=["html", "truncated", "empty", "nan", "binary"],
)
def test_malformed_success_body_raises_invalid_response(response: httpx.Response) -> None:
    server = Server([response])
    with pytest.raises(AgentExchangeError) as info:
        sync_transport(server).request(PRICE)
    assert type(info.value) is AgentExchangeError
    assert info.value.code == "INVALID_RESPONSE"
    assert info.value.status_code == 200
    assert "/api/v1/market/price/BTCUSDT" in str(info.value)


def test_non_json_error_body_maps_by_status() -> None:
    server = Server([httpx.Response(502, text="<html>Bad Gateway</html>")])
    with pytest.raises(ServerError) as info:
        sync_transport(server, max_retries=0).request(PRICE)
    assert info.value.code == "HTTP_502"


# -- settings, lifecycle, secrecy ---------------------------------------------------------


def test_env_fallbacks_and_trailing_slash(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENTEXCHANGE_API_KEY", KEY)
    monkeypatch.setenv("AGENTEXCHANGE_API_SECRET", SECRET)
    monkeypatch.setenv("AGENTEXCHANGE_BASE_URL", "https://env.example/")
    server = Server()
    transport = make_sync(
        api_key=None,
        api_secret=None,
        base_url=None,
        timeout=5.0,
        agent_id=None,
        max_retries=0,
        http_client=httpx.Client(transport=httpx.MockTransport(server)),
    )
    assert transport.base_url == "https://env.example"
    transport.request(AGENTS)
    assert json.loads(server.requests[0].content) == {"api_key": KEY, "api_secret": SECRET}
    assert str(server.calls[0].url) == "https://env.example/api/v1/agents"


def test_explicit_arguments_beat_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENTEXCHANGE_API_KEY", "ak_live_from_env_xxxxxxxxxxxx")
    monkeypatch.setenv("AGENTEXCHANGE_BASE_URL", "https://env.example")
    server = Server()
    transport = make_sync(
        api_key=KEY,
        api_secret=None,
        base_url="http://arg.example//",
        timeout=5.0,
        agent_id=None,
        max_retries=0,
        http_client=httpx.Client(transport=httpx.MockTransport(server)),
    )
    transport.request(BALANCE)
    assert server.requests[0].headers["X-API-Key"] == KEY
    assert str(server.requests[0].url).startswith("http://arg.example/api/v1/")


def test_default_base_url() -> None:
    transport = make_sync(
        api_key=None,
        api_secret=None,
        base_url=None,
        timeout=5.0,
        agent_id=None,
        max_retries=2,
        http_client=None,
    )
    try:
        assert transport.base_url == "http://localhost:8000"
    finally:
        transport.close()


def test_base_url_without_scheme_is_rejected() -> None:
    with pytest.raises(ValueError, match="http"):
        make_sync(
            api_key=None,
            api_secret=None,
            base_url="localhost:8000",
            timeout=5.0,
            agent_id=None,
            max_retries=2,
            http_client=None,
        )


def test_user_http_client_is_not_closed_but_own_client_is() -> None:
    user_client = httpx.Client(transport=httpx.MockTransport(Server()))
    transport = make_sync(
        api_key=KEY,
        api_secret=None,
        base_url=BASE,
        timeout=5.0,
        agent_id=None,
        max_retries=0,
        http_client=user_client,
    )
    transport.close()
    assert not user_client.is_closed
    user_client.close()
    own = make_sync(
        api_key=KEY,
        api_secret=None,
        base_url=BASE,
        timeout=5.0,
        agent_id=None,
        max_retries=0,
        http_client=None,
    )
    own.close()
    assert own._client.is_closed


def test_repr_shows_base_url_and_masked_key_only() -> None:
    transport = sync_transport(Server())
    text = repr(transport)
    assert BASE in text
    assert KEY not in text and SECRET not in text
    assert "ak_live_" in text and KEY[-4:] in text
    assert KEY[8:20] not in text


def test_logs_and_errors_never_contain_secrets(caplog: pytest.LogCaptureFixture) -> None:
    def script(request: httpx.Request) -> httpx.Response:
        # A careless server echoing credentials back must not leak them either.
        return envelope(
            400,
            "VALIDATION_ERROR",
            f"bad key {KEY} / {request.headers.get('authorization')}",
            {"field": "api_key", "echo": [SECRET]},
        )

    server = Server(script)
    caplog.set_level(logging.DEBUG, logger="agentexchange")
    transport = sync_transport(server)
    with pytest.raises(AgentExchangeError) as info:
        transport.request(
            Call("GET", "/api/v1/agents", ("BearerAuth",), params={"q": "query-secret"})
        )
    shown = caplog.text + str(info.value) + repr(info.value) + repr(info.value.details)
    for secret in (KEY, SECRET, jwt(1), "query-secret"):
        assert secret not in shown
    assert "GET /api/v1/agents -> 400 (attempt 1)" in caplog.text
    assert "POST /api/v1/auth/login -> 200" in caplog.text


def test_request_id_from_header() -> None:
    server = Server([envelope(404, "ORDER_NOT_FOUND", "No order.", **{"X-Request-Id": "req-42"})])
    with pytest.raises(AgentExchangeError) as info:
        sync_transport(server).request(PRICE)
    assert info.value.request_id == "req-42"
    assert str(info.value) == "[ORDER_NOT_FOUND] No order. (status 404, request_id req-42)"


def test_caller_supplied_idempotency_key_is_used_on_every_attempt() -> None:
    server = Server([connect_error(), httpx.Response(200, json={})])
    call = Call(
        "POST",
        "/api/v1/trade/order",
        ("ApiKeyAuth",),
        json={},
        headers={"Idempotency-Key": "my-key-1"},
        idempotent=True,
    )
    sync_transport(server).request(call)
    assert [r.headers["Idempotency-Key"] for r in server.calls] == ["my-key-1", "my-key-1"]


# -- retry policy details -----------------------------------------------------------------


def test_backoff_grows_exponentially_with_bounded_jitter_and_cap() -> None:
    low = RetryPolicy(max_retries=99, rand=lambda: 0.0)
    high = RetryPolicy(max_retries=99, rand=lambda: 1.0)

    def backoff(policy: RetryPolicy, n: int) -> float | None:
        return policy.delay_for_error(
            method="GET", error=connect_error(), retry_index=n, key_honoured=False
        )

    assert [backoff(low, n) for n in range(3)] == [0.375, 0.75, 1.5]
    assert [backoff(high, n) for n in range(3)] == [0.625, 1.25, 2.5]
    assert backoff(high, 10) == 8.0 and backoff(low, 10) == 6.0


def test_rest_retries_and_websocket_reconnects_share_one_backoff() -> None:
    from agentexchange import ws

    assert ws.backoff_delay is backoff_delay
    # The REST spread is ±25 % around the step; the WebSocket's is [75 %, 100 %].
    assert backoff_delay(2, 0.5, 8.0, spread=(0.75, 1.25), rand=lambda: 1.0) == 2.5


def test_retry_after_accepts_seconds_and_http_dates() -> None:

    assert parse_retry_after(httpx.Headers({"Retry-After": "2.5"})) == 2.5
    assert parse_retry_after(httpx.Headers({"Retry-After": "soon"})) is None
    assert parse_retry_after(httpx.Headers({})) is None
    past = format_datetime(datetime(2000, 1, 1, tzinfo=UTC))
    assert parse_retry_after(httpx.Headers({"Retry-After": past})) == 0.0
