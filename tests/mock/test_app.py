"""The mock's HTTP layer on its own: routing and validation come from openapi.yaml,
and every failure leaves in the error envelope with a status the document declares."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import httpx
import pytest

from agentexchange.mock.domain.errors import DomainError
from agentexchange.mock.web.app import ApiRequest, MockApp, Reply
from agentexchange.mock.web.spec import load_spec

SPEC = load_spec()


class OpenGate:
    def authenticate(self, request: ApiRequest) -> Any:
        return None

    def admit(self, request: ApiRequest) -> Mapping[str, str]:
        return {"x-ratelimit-limit": "10"}


def _echo(request: ApiRequest) -> Any:
    return {
        "op": request.operation.operation_id,
        "path": request.path_params,
        "query": request.query,
        "body": request.body,
    }


def make_app(**overrides: Any) -> MockApp:
    handlers = {op.operation_id: _echo for op in SPEC.operations}
    handlers.update(overrides)
    return MockApp(SPEC, handlers, OpenGate())


async def call(app: MockApp, method: str, url: str, **kwargs: Any) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://mock") as client:
        return await client.request(method, url, **kwargs)


def envelope(response: httpx.Response) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    return body["error"]  # type: ignore[no-any-return]


def test_startup_refuses_a_missing_handler() -> None:
    handlers = {op.operation_id: _echo for op in SPEC.operations}
    del handlers["get_price"]
    with pytest.raises(RuntimeError, match="get_price"):
        MockApp(SPEC, handlers, OpenGate())


def test_startup_refuses_a_handler_without_operation() -> None:
    handlers = {op.operation_id: _echo for op in SPEC.operations}
    handlers["get_prise"] = _echo
    with pytest.raises(RuntimeError, match="get_prise"):
        MockApp(SPEC, handlers, OpenGate())


async def test_routes_by_template_and_passes_typed_params() -> None:
    response = await call(make_app(), "GET", "/api/v1/market/candles/BTCUSDT?interval=1h&limit=5")
    assert response.status_code == 200
    body = response.json()
    assert body["op"] == "get_candles"
    assert body["path"] == {"symbol": "BTCUSDT"}
    assert body["query"]["limit"] == 5
    assert response.headers["x-ratelimit-limit"] == "10"
    assert response.headers["x-request-id"]


async def test_unknown_path_is_404_in_envelope() -> None:
    response = await call(make_app(), "GET", "/api/v1/nowhere")
    assert response.status_code == 404
    assert envelope(response)["code"] == "NOT_FOUND"


async def test_wrong_method_is_405_with_allow() -> None:
    response = await call(make_app(), "PATCH", "/api/v1/trade/order/abc")
    assert response.status_code == 405
    assert set(response.headers["allow"].split(", ")) == {"GET", "DELETE"}
    assert envelope(response)["code"] == "METHOD_NOT_ALLOWED"


async def test_non_utf8_body_is_400_not_500() -> None:
    response = await call(
        make_app(),
        "POST",
        "/api/v1/trade/order",
        content=b"\x7fv\xff",
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 400
    assert envelope(response)["code"] == "INVALID_JSON"


async def test_malformed_json_is_400() -> None:
    response = await call(
        make_app(),
        "POST",
        "/api/v1/trade/order",
        content=b'{"symbol": ',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 400
    assert envelope(response)["code"] == "INVALID_JSON"


async def test_wrong_media_type_is_415() -> None:
    response = await call(
        make_app(),
        "POST",
        "/api/v1/trade/order",
        content=b"symbol=BTCUSDT",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 415
    assert envelope(response)["code"] == "UNSUPPORTED_MEDIA_TYPE"


async def test_schema_violation_is_422_naming_the_field() -> None:
    order = {"symbol": "BTCUSDT", "side": "hold", "type": "market", "quantity": "0.01"}
    response = await call(make_app(), "POST", "/api/v1/trade/order", json=order)
    assert response.status_code == 422
    error = envelope(response)
    assert error["code"] == "VALIDATION_ERROR"
    assert error["details"]["field"] == "side"


async def test_bad_query_type_is_422() -> None:
    response = await call(make_app(), "GET", "/api/v1/market/candles/BTCUSDT?limit=lots")
    assert response.status_code == 422
    assert envelope(response)["details"]["field"] == "limit"


async def test_json_numbers_reach_handlers_as_decimal() -> None:
    seen: list[Any] = []

    def reset(request: ApiRequest) -> Any:
        seen.append(request.body)
        return {}

    body = b'{"confirm": true, "new_starting_balance": "5000.10"}'
    await call(
        make_app(reset_account=reset),
        "POST",
        "/api/v1/account/reset",
        content=body,
        headers={"content-type": "application/json"},
    )
    assert seen and seen[0]["confirm"] is True


async def test_domain_error_keeps_its_status_code_details_and_headers() -> None:
    def limited(request: ApiRequest) -> Any:
        raise DomainError(
            "RATE_LIMIT_EXCEEDED", "Slow down.", 429, {"limit": 5}, {"Retry-After": "7"}
        )

    response = await call(make_app(get_price=limited), "GET", "/api/v1/market/price/BTCUSDT")
    assert response.status_code == 429
    assert response.headers["retry-after"] == "7"
    assert envelope(response) == {
        "code": "RATE_LIMIT_EXCEEDED",
        "message": "Slow down.",
        "details": {"limit": 5},
    }


async def test_unexpected_exception_is_500_envelope_without_internals() -> None:
    def broken(request: ApiRequest) -> Any:
        raise KeyError("secret-internal-name")

    response = await call(make_app(get_price=broken), "GET", "/api/v1/market/price/BTCUSDT")
    assert response.status_code == 500
    error = envelope(response)
    assert error["code"] == "INTERNAL_ERROR"
    assert "secret-internal-name" not in json.dumps(error)


async def test_reply_sets_status_and_headers_and_text_media() -> None:
    def skill(request: ApiRequest) -> Any:
        return Reply(body="# Agent: x\n", headers={"idempotency-key": "k"})

    response = await call(
        make_app(get_agent_skill=skill),
        "GET",
        "/api/v1/agents/6f1c1e4e-5d7a-4d55-9a4e-1f1d8a0e2b11/skill.md",
    )
    assert response.status_code == 200
    assert response.text == "# Agent: x\n"
    assert response.headers["content-type"].startswith("text/")
    assert response.headers["idempotency-key"] == "k"


async def test_nan_literal_is_400_invalid_json() -> None:
    response = await call(
        make_app(),
        "POST",
        "/api/v1/account/reset",
        content=b'{"confirm": true, "new_starting_balance": NaN}',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 400
    assert envelope(response)["code"] == "INVALID_JSON"


async def test_absurdly_nested_json_is_400_not_500() -> None:
    response = await call(
        make_app(),
        "POST",
        "/api/v1/trade/order",
        content=b"[" * 200_000,
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 400
    assert envelope(response)["code"] == "INVALID_JSON"


async def test_lone_surrogate_escape_is_400_before_any_handler_runs() -> None:
    seen: list[Any] = []

    def register(request: ApiRequest) -> Any:
        seen.append(request.body)
        return {}

    response = await call(
        make_app(register=register),
        "POST",
        "/api/v1/auth/register",
        content=b'{"display_name": "\\ud800", "email": "z@b.c"}',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 400
    assert envelope(response)["code"] == "INVALID_JSON"
    assert seen == []


async def test_escaped_surrogate_pair_is_a_valid_character() -> None:
    seen: list[Any] = []

    def register(request: ApiRequest) -> Any:
        seen.append(request.body)
        return {}

    await call(
        make_app(register=register),
        "POST",
        "/api/v1/auth/register",
        content=b'{"display_name": "rocket \\ud83d\\ude80"}',
        headers={"content-type": "application/json"},
    )
    assert seen and seen[0]["display_name"] == "rocket \U0001f680"


async def test_handlers_get_the_documents_query_defaults_for_what_was_not_sent() -> None:
    response = await call(make_app(), "GET", "/api/v1/market/candles/BTCUSDT?limit=5")
    query = response.json()["query"]
    assert query == {"interval": "1h", "limit": 5}  # interval: openapi.yaml's default
