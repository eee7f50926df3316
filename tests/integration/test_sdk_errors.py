"""The SDK's error paths against the live mock (issue 6, part 3), for both clients.

Each documented failure reaches the caller as the documented exception with its
documented attributes: ``InsufficientBalanceError`` (``asset``, Decimal ``required`` /
``available``), ``InvalidSymbolError.symbol``, cancelling twice -> ``OrderError``,
``OrderNotFoundError`` (also a ``NotFoundError``), ``AuthenticationError`` for a bad key
or secret, ``PermissionDeniedError`` for another account's agent, ``RateLimitError`` with
``retry_after`` (a server with rate limits on, ``max_retries=0``) — and a JWT that the
server has expired is replaced by a new login without the caller noticing.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from decimal import Decimal

import httpx
import pytest

from agentexchange.exceptions import (
    AgentExchangeError,
    AuthenticationError,
    InsufficientBalanceError,
    InvalidSymbolError,
    NotFoundError,
    OrderError,
    OrderNotFoundError,
    PermissionDeniedError,
    RateLimitError,
)
from agentexchange.mock.testing import MockServer

from .sdk_fixtures import KINDS, Sdk, sdk_fixture

LOGIN = "/api/v1/auth/login"


@pytest.fixture(scope="module")
def mock() -> Iterator[MockServer]:
    with MockServer(seed=7, pairs=600, rate_limits=False, tick_interval=None) as server:
        yield server


@pytest.fixture(params=KINDS)
def sdk(request: pytest.FixtureRequest, mock: MockServer) -> Iterator[Sdk]:
    yield from sdk_fixture(request, mock.base_url)


@pytest.fixture(scope="module")
def limited() -> Iterator[MockServer]:
    with MockServer(seed=8, pairs=50, rate_limits=True, tick_interval=None) as server:
        yield server


@pytest.fixture(params=KINDS)
def limited_sdk(request: pytest.FixtureRequest, limited: MockServer) -> Iterator[Sdk]:
    yield from sdk_fixture(request, limited.base_url)


# --------------------------------------------------------------------------- orders


def test_insufficient_balance_names_asset_required_and_available(sdk: Sdk) -> None:
    _, client = sdk.register(starting_balance="1000")
    price = client.get_price("BTCUSDT").price

    with pytest.raises(InsufficientBalanceError) as caught:
        client.place_market_order("BTCUSDT", "buy", Decimal("1"))
    error = caught.value
    assert isinstance(error, OrderError)
    assert (error.code, error.status_code, error.asset) == ("INSUFFICIENT_BALANCE", 400, "USDT")
    assert type(error.required) is Decimal and type(error.available) is Decimal
    assert error.available == Decimal("1000")
    # One BTC at the market price plus the 0.1 % fee, at least.
    assert error.required >= price * Decimal("1.001") > error.available
    assert "INSUFFICIENT_BALANCE" in str(error)

    with pytest.raises(InsufficientBalanceError) as caught:
        client.place_market_order("ETHUSDT", "sell", Decimal("2"))
    assert (caught.value.asset, caught.value.required, caught.value.available) == (
        "ETH",
        Decimal("2"),
        Decimal("0"),
    )
    # Nothing was placed and nothing moved.
    assert client.get_orders() == []
    (usdt,) = client.get_balance().balances
    assert (usdt.asset, usdt.total) == ("USDT", Decimal("1000"))


def test_unknown_symbol_is_invalid_symbol_error_naming_it(sdk: Sdk) -> None:
    _, client = sdk.register()
    for call in (
        lambda: client.get_price("NOPEUSDT"),
        lambda: client.get_ticker("NOPEUSDT"),
        lambda: client.place_market_order("NOPEUSDT", "buy", Decimal("1")),
    ):
        with pytest.raises(InvalidSymbolError) as caught:
            call()
        assert caught.value.symbol == "NOPEUSDT"
        assert caught.value.code == "INVALID_SYMBOL"


def test_cancelling_twice_is_an_order_error(sdk: Sdk) -> None:
    _, client = sdk.register()
    price = client.get_price("BTCUSDT").price
    order = client.place_limit_order(
        "BTCUSDT", "buy", Decimal("0.01"), (price / 2).quantize(Decimal("0.01"))
    )
    client.cancel_order(order.order_id)
    with pytest.raises(OrderError) as caught:
        client.cancel_order(order.order_id)
    error = caught.value
    assert not isinstance(error, NotFoundError)  # it exists; it just is not pending
    assert (error.code, error.status_code, error.order_id) == (
        "ORDER_NOT_CANCELLABLE",
        400,
        order.order_id,
    )
    assert client.get_order(order.order_id).status == "cancelled"

    filled = client.place_market_order("BTCUSDT", "buy", Decimal("0.001"))
    with pytest.raises(OrderError):
        client.cancel_order(filled.order_id)  # documented: "already filled"
    assert client.get_order(filled.order_id).status == "filled"


def test_unknown_order_is_order_not_found_and_not_found(sdk: Sdk) -> None:
    _, client = sdk.register()
    _, other = sdk.register()
    missing = str(uuid.uuid4())
    for call in (lambda: client.get_order(missing), lambda: client.cancel_order(missing)):
        with pytest.raises(OrderNotFoundError) as caught:
            call()
        error = caught.value
        assert isinstance(error, NotFoundError) and isinstance(error, OrderError)
        assert (error.code, error.status_code, error.order_id) == ("ORDER_NOT_FOUND", 404, missing)
    # Another account's order does not exist for this one.
    theirs = other.place_market_order("BTCUSDT", "buy", Decimal("0.001"))
    with pytest.raises(OrderNotFoundError):
        client.get_order(theirs.order_id)


# --------------------------------------------------------------------------- auth


def test_bad_key_and_bad_secret_are_authentication_errors(sdk: Sdk, mock: MockServer) -> None:
    bogus = "ak_live_" + "x" * 40
    with pytest.raises(AuthenticationError) as caught:
        sdk.client(bogus).get_balance()
    error = caught.value
    assert not isinstance(error, PermissionDeniedError)
    assert (error.code, error.status_code) == ("INVALID_API_KEY", 401)
    assert bogus not in str(error) and bogus not in repr(error)

    key = mock.credentials()["api_key"]
    wrong_secret = "sk_live_" + "y" * 40
    paths: list[str] = []
    client = sdk.client(key, wrong_secret, on_response=lambda r: paths.append(r.request.url.path))
    with pytest.raises(AuthenticationError) as caught:
        client.list_agents()  # needs a JWT: the login fails, once, and nothing else is sent
    assert caught.value.status_code == 401
    assert wrong_secret not in str(caught.value)
    assert paths == [LOGIN]


def test_missing_credentials_fail_before_anything_is_sent(
    sdk: Sdk, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AGENTEXCHANGE_API_KEY", raising=False)
    monkeypatch.delenv("AGENTEXCHANGE_API_SECRET", raising=False)
    seen: list[httpx.Response] = []
    client = sdk.client(on_response=seen.append)
    with pytest.raises(AuthenticationError) as caught:
        client.get_balance()
    assert caught.value.code == "MISSING_CREDENTIALS"
    assert seen == []
    assert client.get_price("BTCUSDT").symbol == "BTCUSDT"  # public calls need nothing


def test_another_accounts_agent_is_permission_denied(sdk: Sdk) -> None:
    _, mine = sdk.register()
    theirs_registration, theirs = sdk.register()
    their_agent = theirs_registration.agent_id
    assert their_agent is not None
    for call in (
        lambda: mine.get_agent(their_agent),
        lambda: mine.get_agent_api_key(their_agent),
        lambda: mine.archive_agent(their_agent),
    ):
        with pytest.raises(PermissionDeniedError) as caught:
            call()
        assert caught.value.status_code == 403
    assert theirs.get_agent(their_agent).status == "active"  # untouched

    # An agent's own key may trade but not manage agents.
    agent_key = theirs_registration.agent_api_key
    with pytest.raises(PermissionDeniedError):
        sdk.client(agent_key).list_agents()


def test_an_expired_jwt_is_refreshed_transparently(sdk: Sdk, mock: MockServer) -> None:
    registration, _ = sdk.register()
    seen: list[tuple[str, str, int, str | None]] = []

    def record(response: httpx.Response) -> None:
        request = response.request
        seen.append(
            (
                request.method,
                request.url.path,
                response.status_code,
                request.headers.get("authorization"),
            )
        )

    client = sdk.client(registration.api_key, registration.api_secret, on_response=record)
    assert {a.id for a in client.list_agents().agents} == {registration.agent_id}
    assert [s[:3] for s in seen] == [("POST", LOGIN, 200), ("GET", "/api/v1/agents", 200)]
    first_bearer = seen[1][3]
    assert first_bearer is not None and first_bearer.startswith("Bearer ")

    # An hour and a second later by the server's clock, the cached token is dead ...
    mock.exchange.tick(3601)
    stale = httpx.get(f"{mock.base_url}/api/v1/agents", headers={"Authorization": first_bearer})
    assert stale.status_code == 401 and stale.json()["error"]["code"] == "INVALID_TOKEN"

    # ... and the client notices, logs in again once, and answers as if nothing happened.
    seen.clear()
    assert {a.id for a in client.list_agents().agents} == {registration.agent_id}
    assert [s[:3] for s in seen] == [
        ("GET", "/api/v1/agents", 401),
        ("POST", LOGIN, 200),
        ("GET", "/api/v1/agents", 200),
    ]
    assert seen[0][3] == first_bearer and seen[2][3] not in (None, first_bearer)
    seen.clear()
    client.get_agents_overview()
    assert [s[:3] for s in seen] == [("GET", "/api/v1/agents/overview", 200)]  # new token cached


# --------------------------------------------------------------------------- rate limits


def test_rate_limit_raises_with_retry_after(limited_sdk: Sdk) -> None:
    registration, _ = limited_sdk.register()
    client = limited_sdk.client(registration.api_key, max_retries=0)
    # The trade routes allow 100 requests a minute per account.
    for index in range(100):
        assert client.get_open_orders() == [], index
    with pytest.raises(RateLimitError) as caught:
        client.get_open_orders()
    error = caught.value
    assert (error.code, error.status_code) == ("RATE_LIMIT_EXCEEDED", 429)
    assert isinstance(error.retry_after, float) and 0 < error.retry_after <= 60
    assert error.details["limit"] == 100
    # Other route groups have their own budget.
    assert client.get_balance().balances


def test_registration_is_rate_limited_per_client(limited: MockServer) -> None:
    sdk = Sdk("sync", limited.base_url)
    try:
        anonymous = sdk.client(max_retries=0)
        with pytest.raises(RateLimitError) as caught:
            for _ in range(4):  # three a minute per client IP
                anonymous.register(display_name="flood")
        assert caught.value.retry_after is not None and 0 < caught.value.retry_after <= 60
        assert isinstance(caught.value, AgentExchangeError)
    finally:
        sdk.close()
