"""HTTP-level errors of the mock over a real socket (issue 4): unknown path 404, wrong
method 405 with ``Allow``, malformed JSON and non-UTF-8 bodies 400 (never 500), wrong
media type 415, schema violations 422 naming the field — every one in the envelope —
and rate limits on a separate ``MockServer(rate_limits=True)``: 429 with ``Retry-After``
and ``X-RateLimit-*`` headers."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from .conftest import Account, Api, Recorder, assert_error, body, random_id, register


def test_unknown_path_is_404_in_the_envelope(api: Api) -> None:
    for path in (
        "/api/v1/nowhere",
        "/api/v2/market/prices",
        "/",
        "/api/v1/market/price/BTCUSDT/extra",
    ):
        assert_error(api.get(path), 404, "NOT_FOUND")


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("PATCH", "/api/v1/trade/order/660e8400-e29b-41d4-a716-446655440001", {"GET", "DELETE"}),
        ("PUT", "/api/v1/trade/order", {"POST"}),
        ("DELETE", "/api/v1/market/prices", {"GET"}),
        ("POST", "/api/v1/trade/orders/open", {"GET", "DELETE"}),
        ("GET", "/api/v1/auth/login", {"POST"}),
        ("PATCH", "/api/v1/agents/7d1c2a3b-4e5f-4a6b-8c7d-9e0f1a2b3c4d", {"GET", "PUT", "DELETE"}),
    ],
)
def test_wrong_method_is_405_with_allow(
    api: Api, method: str, path: str, allowed: set[str]
) -> None:
    response = api.request(method, path)
    assert_error(response, 405, "METHOD_NOT_ALLOWED")
    assert {m.strip() for m in response.headers["allow"].split(",")} == allowed


@pytest.mark.parametrize(
    "raw",
    [
        b'{"symbol": ',
        b"{'symbol': 'BTCUSDT'}",
        b"[1, 2",
        b"\x7fv\xff",
        b'{"symbol": "\xff\xfe"}',
        b"\xef\xbb",
    ],
)
def test_a_body_that_is_not_utf8_json_is_400_invalid_json(
    api: Api, account: Account, raw: bytes
) -> None:
    response = api.post(
        "/api/v1/trade/order",
        key=account.agent_key,
        content=raw,
        headers={"Content-Type": "application/json"},
    )
    assert_error(response, 400, "INVALID_JSON")
    assert body(api.get("/api/v1/trade/history", key=account.agent_key))["total"] == 0


def test_malformed_json_on_a_public_route_is_400(api: Api) -> None:
    response = api.post(
        "/api/v1/auth/register", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert_error(response, 400, "INVALID_JSON")


def test_a_non_json_media_type_is_415(api: Api, account: Account) -> None:
    response = api.post(
        "/api/v1/trade/order",
        key=account.agent_key,
        content=b"symbol=BTCUSDT&side=buy",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert_error(response, 415, "UNSUPPORTED_MEDIA_TYPE")


def test_a_missing_required_body_is_422(api: Api, account: Account) -> None:
    response = api.post("/api/v1/trade/order", key=account.agent_key)
    assert_error(response, 422, "VALIDATION_ERROR", field="body")


def test_a_json_body_of_the_wrong_shape_is_422(api: Api, account: Account) -> None:
    response = api.post("/api/v1/trade/order", key=account.agent_key, json=["BTCUSDT"])
    assert_error(response, 422, "VALIDATION_ERROR")


# --------------------------------------------------------------------------- rate limits


@pytest.fixture(scope="module")
def limited(recorder: Recorder) -> Iterator[tuple[Any, Api]]:
    from agentexchange.mock.testing import MockServer

    with MockServer(seed=42, rate_limits=True, tick_interval=None) as server:
        client = Api(server.base_url, recorder)
        try:
            yield server, client
        finally:
            client.close()


@pytest.fixture(scope="module")
def limited_account(limited: tuple[Any, Api]) -> Account:
    return register(limited[1])


def _assert_429(response: Any) -> dict[str, Any]:
    error = assert_error(response, 429, "RATE_LIMIT_EXCEEDED")
    retry_after = int(response.headers["retry-after"])
    assert 0 < retry_after <= 60
    assert int(response.headers["x-ratelimit-remaining"]) == 0
    limit = int(response.headers["x-ratelimit-limit"])
    reset = int(response.headers["x-ratelimit-reset"])
    assert reset >= int(time.time()) - 120, "a unix time, not a duration"
    assert error["details"].get("limit", limit) == limit
    return error


def test_trading_routes_allow_100_requests_a_minute_per_account(
    limited: tuple[Any, Api], limited_account: Account
) -> None:
    _, client = limited
    remaining: list[int] = []
    for _ in range(250):  # two windows at most, should a minute boundary fall inside
        response = client.get("/api/v1/trade/orders/open", key=limited_account.agent_key)
        if response.status_code == 429:
            break
        assert response.status_code == 200
        assert int(response.headers["x-ratelimit-limit"]) == 100
        remaining.append(int(response.headers["x-ratelimit-remaining"]))
    else:
        pytest.fail("no 429 after 250 trading requests")
    _assert_429(response)
    assert int(response.headers["x-ratelimit-limit"]) == 100
    assert remaining[-1] == 0
    # The bucket belongs to the account: its account key is refused too, at once.
    _assert_429(client.get("/api/v1/trade/orders", key=limited_account.api_key))
    # The account's other route groups are counted separately.
    info = client.get("/api/v1/account/info", key=limited_account.agent_key)
    assert info.status_code == 200
    assert int(info.headers["x-ratelimit-limit"]) == 600


def test_register_is_limited_per_ip(limited: tuple[Any, Api]) -> None:
    _, client = limited
    statuses = []
    for _ in range(5):
        response = client.post("/api/v1/auth/register", json={})
        statuses.append(response.status_code)
        if response.status_code == 429:
            break
    assert statuses[-1] == 429, statuses
    assert statuses.count(201) <= 3
    _assert_429(response)


def test_anonymous_market_reads_are_not_refused(limited: tuple[Any, Api]) -> None:
    _, client = limited
    for _ in range(20):
        assert client.get("/api/v1/market/price/BTCUSDT").status_code == 200


# --------------------------------------------------------------------------- hostile bodies


def test_deeply_nested_json_is_400_not_500(api: Api, account: Account) -> None:
    nested = b"[" * 200_000 + b"]" * 200_000  # well under the 1 MiB body cap
    response = api.post(
        "/api/v1/trade/order",
        key=account.agent_key,
        content=nested,
        headers={"Content-Type": "application/json"},
    )
    assert_error(response, 400, "INVALID_JSON")


@pytest.mark.parametrize("literal", [b"NaN", b"Infinity", b"-Infinity"])
def test_non_json_number_literals_are_400_and_never_break_later_reads(
    api: Api, account: Account, literal: bytes
) -> None:
    """NaN and Infinity are not JSON (RFC 8259); accepting them poisons later responses."""
    run_id = random_id()
    created = api.post("/api/v1/training/runs", key=account.agent_key, json={"run_id": run_id})
    assert created.status_code == 201
    response = api.post(
        f"/api/v1/training/runs/{run_id}/episodes",
        key=account.agent_key,
        content=b'{"episode_number": 1, "roi_pct": ' + literal + b"}",
        headers={"Content-Type": "application/json"},
    )
    assert_error(response, 400, "INVALID_JSON")
    assert api.get(f"/api/v1/training/runs/{run_id}", key=account.agent_key).status_code == 200
    compared = api.get(
        "/api/v1/training/compare", key=account.agent_key, params={"run_ids": run_id}
    )
    assert compared.status_code == 200
