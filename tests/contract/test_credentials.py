"""The contract run's own account, and the header each operation's `security` asks for."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
import yaml

from agentexchange._specfiles import spec_path
from agentexchange.contract.credentials import (
    CredentialError,
    Credentials,
    CredentialSource,
    operation_path,
)

SPEC: dict[str, Any] = yaml.safe_load(spec_path("openapi.yaml").read_text(encoding="utf-8"))
SCHEMES = SPEC["components"]["securitySchemes"]


def _security(operation_id: str) -> list[dict[str, list[str]]]:
    method, path = operation_path(SPEC, operation_id)
    return list(SPEC["paths"][path][method.lower()]["security"])


def test_trading_sends_the_api_key_its_security_lists_first() -> None:
    creds = Credentials(api_key="ak_1", token="jwt_1")
    assert creds.header_for(_security("place_order"), SCHEMES) == ("X-API-Key", "ak_1")


def test_agent_management_sends_the_jwt_its_security_lists_first() -> None:
    creds = Credentials(api_key="ak_1", token="jwt_1")
    assert creds.header_for(_security("create_agent"), SCHEMES) == ("Authorization", "Bearer jwt_1")


def test_without_a_jwt_the_next_alternative_is_used() -> None:
    creds = Credentials(api_key="ak_1", token=None)
    assert creds.header_for(_security("create_agent"), SCHEMES) == ("X-API-Key", "ak_1")


def test_public_operations_get_no_credentials() -> None:
    creds = Credentials(api_key="ak_1", token="jwt_1")
    assert creds.header_for(_security("get_price"), SCHEMES) is None


def test_repr_hides_secrets() -> None:
    assert "ak_1" not in repr(Credentials(api_key="ak_1", token="jwt_1"))


class FakeExchange:
    """register + login over httpx.MockTransport; the first call of each path can be throttled."""

    def __init__(self, throttle_first: bool = False) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.throttle_first = throttle_first

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        self.calls.append((request.url.path, body))
        if self.throttle_first and len(self.calls) == 1:
            return httpx.Response(
                429,
                headers={"Retry-After": "0"},
                json={"error": {"code": "RATE_LIMIT_EXCEEDED", "message": "x"}},
            )
        if request.url.path == "/api/v1/auth/register":
            return httpx.Response(201, json={"api_key": "ak_new", "api_secret": "sk_new"})
        if body == {"api_key": "ak_new", "api_secret": "sk_new"} or body == {
            "api_key": "ak_given",
            "api_secret": "sk_given",
        }:
            return httpx.Response(
                200, json={"token": f"jwt_{len(self.calls)}", "expires_at": "2030-01-01T00:00:00Z"}
            )
        return httpx.Response(401, json={"error": {"code": "INVALID_API_KEY", "message": "bad"}})


def _source(
    handler: FakeExchange, api_key: str | None = None, api_secret: str | None = None
) -> CredentialSource:
    client = httpx.Client(transport=httpx.MockTransport(handler))
    return CredentialSource(
        "http://server", SPEC, api_key=api_key, api_secret=api_secret, client=client
    )


def test_without_keys_it_registers_once_and_logs_in_on_every_fetch() -> None:
    exchange = FakeExchange()
    source = _source(exchange)
    first, second = source.fetch(), source.fetch()
    assert [path for path, _ in exchange.calls] == [
        "/api/v1/auth/register",
        "/api/v1/auth/login",
        "/api/v1/auth/login",
    ]
    assert (
        first.api_key == "ak_new" and first.token and second.token and first.token != second.token
    )


def test_given_keys_are_used_without_registering() -> None:
    exchange = FakeExchange()
    creds = _source(exchange, api_key="ak_given", api_secret="sk_given").fetch()
    assert [path for path, _ in exchange.calls] == ["/api/v1/auth/login"]
    assert creds.api_key == "ak_given" and creds.token


def test_a_key_without_secret_never_logs_in() -> None:
    exchange = FakeExchange()
    creds = _source(exchange, api_key="ak_given").fetch()
    assert exchange.calls == [] and creds.token is None


def test_a_throttled_registration_is_retried_after_retry_after() -> None:
    exchange = FakeExchange(throttle_first=True)
    creds = _source(exchange).fetch()
    assert [path for path, _ in exchange.calls][:2] == ["/api/v1/auth/register"] * 2
    assert creds.api_key == "ak_new"


def test_a_refused_login_is_a_credential_error_naming_the_status() -> None:
    with pytest.raises(CredentialError, match="401"):
        _source(FakeExchange(), api_key="ak_given", api_secret="wrong").fetch()
