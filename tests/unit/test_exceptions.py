"""Error responses -> exception classes and attributes (exceptions.py + the generated table).

Responses go through the real SyncTransport (MockTransport, no retries) so what is
asserted is what a caller catches.
"""

from __future__ import annotations

import pickle
from decimal import Decimal
from typing import Any

import httpx
import pytest

import agentexchange.exceptions as exc_module
from agentexchange._errors import CODE_TO_EXCEPTION, CODE_TO_STATUS, REASON_TO_EXCEPTION
from agentexchange._transport import Call, SyncTransport
from agentexchange.exceptions import (
    EXCEPTION_CLASSES,
    AgentExchangeError,
    APIConnectionError,
    APITimeoutError,
    AuthenticationError,
    ConflictError,
    InsufficientBalanceError,
    InvalidSymbolError,
    NotFoundError,
    OrderError,
    OrderNotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RiskLimitError,
    ServerError,
    ValidationError,
)

KEY = "ak_live_" + "e" * 60
CALL = Call("POST", "/api/v1/trade/order", ("ApiKeyAuth",), json={"symbol": "BTCUSDT"})


def _never_called(api_key: str, api_secret: str) -> Any:
    raise AssertionError("an API-key call logged in")


def raised(response: httpx.Response) -> AgentExchangeError:
    transport = SyncTransport(
        api_key=KEY,
        api_secret=None,
        base_url="http://x.test",
        timeout=5.0,
        agent_id=None,
        max_retries=0,
        http_client=httpx.Client(transport=httpx.MockTransport(lambda r: response)),
        login=_never_called,  # API-key calls only: no JWT is ever needed
    )
    with pytest.raises(AgentExchangeError) as info:
        transport.request(CALL)
    return info.value


def error_response(status: int, code: str, details: Any = None, **headers: str) -> httpx.Response:
    error: dict[str, Any] = {"code": code, "message": f"{code} happened"}
    if details is not None:
        error["details"] = details
    return httpx.Response(status, json={"error": error}, headers=headers)


def test_every_generated_class_name_resolves() -> None:
    names = set(CODE_TO_EXCEPTION.values()) | set(REASON_TO_EXCEPTION.values())
    assert names - set(EXCEPTION_CLASSES) == set()


def test_every_class_is_exported_and_documented_names_exist() -> None:
    documented = {
        "AgentExchangeError",
        "APIConnectionError",
        "APITimeoutError",
        "AuthenticationError",
        "PermissionDeniedError",
        "RateLimitError",
        "ValidationError",
        "NotFoundError",
        "ConflictError",
        "OrderError",
        "OrderNotFoundError",
        "InsufficientBalanceError",
        "RiskLimitError",
        "InvalidSymbolError",
        "ServerError",
    }
    assert documented <= set(exc_module.__all__)
    assert documented == set(EXCEPTION_CLASSES)


def test_hierarchy() -> None:
    assert issubclass(APITimeoutError, APIConnectionError)
    assert issubclass(APIConnectionError, AgentExchangeError)
    assert issubclass(PermissionDeniedError, AuthenticationError)
    assert issubclass(OrderNotFoundError, OrderError) and issubclass(
        OrderNotFoundError, NotFoundError
    )
    for cls in (InsufficientBalanceError, RiskLimitError):
        assert issubclass(cls, OrderError)
    for cls in EXCEPTION_CLASSES.values():
        assert issubclass(cls, AgentExchangeError)


@pytest.mark.parametrize("code", sorted(CODE_TO_EXCEPTION))
def test_each_code_maps_to_its_class(code: str) -> None:
    status = CODE_TO_STATUS[code]
    error = raised(error_response(status, code, {"k": "v"}, **{"X-Request-Id": f"req-{code}"}))
    assert type(error) is EXCEPTION_CLASSES[CODE_TO_EXCEPTION[code]]
    assert error.code == code
    assert error.status_code == status
    assert error.message == f"{code} happened"
    assert error.details == {"k": "v"}
    assert error.request_id == f"req-{code}"
    assert str(error) == f"[{code}] {code} happened (status {status}, request_id req-{code})"


def test_insufficient_balance_attributes_are_decimal() -> None:
    error = raised(
        error_response(
            400,
            "INSUFFICIENT_BALANCE",
            {"asset": "USDT", "required": "1000.00000001", "available": 12.5},
        )
    )
    assert isinstance(error, InsufficientBalanceError)
    assert error.asset == "USDT"
    assert error.required == Decimal("1000.00000001")
    assert error.available == Decimal("12.5")
    assert isinstance(error.available, Decimal)


def test_rate_limit_retry_after_from_header_then_details() -> None:
    error = raised(
        error_response(
            429, "RATE_LIMIT_EXCEEDED", {"retry_after_seconds": 9}, **{"Retry-After": "4"}
        )
    )
    assert isinstance(error, RateLimitError) and error.retry_after == 4.0
    error = raised(error_response(429, "RATE_LIMIT_EXCEEDED", {"retry_after_seconds": 9}))
    assert isinstance(error, RateLimitError) and error.retry_after == 9.0
    error = raised(error_response(429, "RATE_LIMIT_EXCEEDED"))
    assert isinstance(error, RateLimitError) and error.retry_after is None


def test_validation_error_field_and_symbol_and_order_id() -> None:
    error = raised(error_response(422, "VALIDATION_ERROR", {"field": "quantity"}))
    assert isinstance(error, ValidationError) and error.field == "quantity"
    error = raised(error_response(400, "INVALID_SYMBOL", {"symbol": "FOOUSDT"}))
    assert isinstance(error, InvalidSymbolError) and error.symbol == "FOOUSDT"
    error = raised(error_response(404, "ORDER_NOT_FOUND", {"order_id": "o-1"}))
    assert isinstance(error, OrderNotFoundError) and error.order_id == "o-1"
    error = raised(error_response(400, "RISK_LIMIT_EXCEEDED", {"limit_type": "max_open_orders"}))
    assert isinstance(error, RiskLimitError) and error.limit_type == "max_open_orders"


@pytest.mark.parametrize("reason", sorted(REASON_TO_EXCEPTION))
def test_order_rejected_reason_picks_precise_class(reason: str) -> None:
    error = raised(error_response(400, "ORDER_REJECTED", {"reason": f"{reason}: detail text"}))
    assert type(error) is EXCEPTION_CLASSES[REASON_TO_EXCEPTION[reason]]
    assert isinstance(error, OrderError)
    assert error.code == "ORDER_REJECTED"
    assert error.reason == f"{reason}: detail text"


def test_order_rejected_with_unknown_or_missing_reason_is_order_error() -> None:
    assert (
        type(raised(error_response(400, "ORDER_REJECTED", {"reason": "moon_phase"}))) is OrderError
    )
    assert type(raised(error_response(400, "ORDER_REJECTED"))) is OrderError


def test_order_rejected_insufficient_balance_is_insufficient_balance_error() -> None:
    error = raised(error_response(400, "ORDER_REJECTED", {"reason": "insufficient_balance"}))
    assert isinstance(error, InsufficientBalanceError)
    assert error.required is None and error.available is None


def test_fastapi_validation_list_becomes_validation_error_without_input_echo() -> None:
    body = {
        "detail": [
            {
                "type": "missing",
                "loc": ["body", "quantity"],
                "msg": "Field required",
                "input": {"api_secret": "sk_live_should_not_be_kept"},
            },
            {"type": "string_type", "loc": ["query", "limit"], "msg": "Input should be a string"},
        ]
    }
    error = raised(httpx.Response(422, json=body))
    assert isinstance(error, ValidationError)
    assert error.field == "quantity"
    assert error.code == "VALIDATION_ERROR"
    assert "quantity: Field required" in error.message
    assert "sk_live_should_not_be_kept" not in repr(error.details)


def test_fastapi_string_detail_maps_by_status() -> None:
    error = raised(httpx.Response(404, json={"detail": "Not Found"}))
    assert type(error) is NotFoundError
    assert error.code == "HTTP_404" and error.message == "Not Found"


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, ValidationError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (422, ValidationError),
        (429, RateLimitError),
        (500, ServerError),
        (503, ServerError),
        (418, AgentExchangeError),
    ],
)
def test_unknown_code_maps_by_status(status: int, cls: type[AgentExchangeError]) -> None:
    error = raised(error_response(status, "SOMETHING_NEW"))
    assert type(error) is cls
    assert error.code == "SOMETHING_NEW"


def test_empty_error_body_gets_http_code_and_reason() -> None:
    error = raised(httpx.Response(500))
    assert type(error) is ServerError
    assert error.code == "HTTP_500"
    assert error.message == "HTTP 500 Internal Server Error"


def test_str_without_status_or_request_id() -> None:
    assert str(AgentExchangeError("boom")) == "[UNKNOWN_ERROR] boom"
    assert str(APITimeoutError("slow")) == "[TIMEOUT] slow"
    assert str(APIConnectionError("down")) == "[CONNECTION_ERROR] down"


def test_exceptions_pickle_round_trip() -> None:
    original = InsufficientBalanceError(
        "Insufficient USDT balance",
        code="INSUFFICIENT_BALANCE",
        status_code=400,
        details={"asset": "USDT", "required": "10", "available": "1"},
        request_id="r",
    )
    copy = pickle.loads(pickle.dumps(original))
    assert type(copy) is InsufficientBalanceError
    assert (copy.code, copy.status_code, copy.request_id, copy.required) == (
        "INSUFFICIENT_BALANCE",
        400,
        "r",
        Decimal("10"),
    )
    assert str(copy) == str(original)
    limited = pickle.loads(pickle.dumps(RateLimitError("slow down", retry_after=3.0)))
    assert limited.retry_after == 3.0
