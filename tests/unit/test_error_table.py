"""The error-code table, held to the documented exception of each code (written by hand).

The generated ``CODE_TO_EXCEPTION`` comes from openapi.yaml; this table comes from the
product docs' exception list (tests/data/product-docs/001-async-client.txt, "Error
Handling in Async Code") and the wire reference's codes and their SDK mapping
(tests/data/platform/tradeready-api-notes.md §4 "Errors"), so a wrong class in the
document fails here — and each code, sent in the envelope, raises that class.
"""

from __future__ import annotations

import httpx
import pytest

from agentexchange import AgentExchangeClient, exceptions
from agentexchange._errors import CODE_TO_EXCEPTION

DOCUMENTED = {
    "INVALID_API_KEY": "AuthenticationError",
    "INVALID_TOKEN": "AuthenticationError",
    "ACCOUNT_SUSPENDED": "PermissionDeniedError",
    "PERMISSION_DENIED": "PermissionDeniedError",
    "RATE_LIMIT_EXCEEDED": "RateLimitError",
    "INSUFFICIENT_BALANCE": "InsufficientBalanceError",
    "ORDER_REJECTED": "OrderError",
    "INVALID_ORDER_TYPE": "OrderError",
    "INVALID_QUANTITY": "OrderError",
    "ORDER_NOT_CANCELLABLE": "OrderError",
    "ORDER_NOT_FOUND": "OrderNotFoundError",
    "TRADE_NOT_FOUND": "NotFoundError",
    "INVALID_SYMBOL": "InvalidSymbolError",
    "PRICE_NOT_AVAILABLE": "InvalidSymbolError",
    "RISK_LIMIT_EXCEEDED": "RiskLimitError",
    "DAILY_LOSS_LIMIT": "RiskLimitError",
    "ACCOUNT_NOT_FOUND": "NotFoundError",
    "AGENT_NOT_FOUND": "NotFoundError",
    "STRATEGY_NOT_FOUND": "NotFoundError",
    "VERSION_NOT_FOUND": "NotFoundError",
    "TEST_RUN_NOT_FOUND": "NotFoundError",
    "TRAINING_RUN_NOT_FOUND": "NotFoundError",
    # issue 14: FEEDBACK_NOT_FOUND is the platform's own code (wire §4 "Domain"); its webhook
    # 404s carry no code ({"detail": "<text>"}), WEBHOOK_NOT_FOUND is ours for the envelope.
    "WEBHOOK_NOT_FOUND": "NotFoundError",
    "FEEDBACK_NOT_FOUND": "NotFoundError",
    "NOT_FOUND": "NotFoundError",
    "METHOD_NOT_ALLOWED": "AgentExchangeError",
    "DUPLICATE_ACCOUNT": "ConflictError",
    "DUPLICATE_RESOURCE": "ConflictError",
    "STRATEGY_INVALID_STATE": "ConflictError",
    "VALIDATION_ERROR": "ValidationError",
    "INVALID_JSON": "ValidationError",
    "UNSUPPORTED_MEDIA_TYPE": "ValidationError",
    "TEST_LIMIT_EXCEEDED": "ValidationError",
    "INTERNAL_ERROR": "ServerError",
    "DATABASE_ERROR": "ServerError",
    "CACHE_ERROR": "ServerError",
    "SERVICE_UNAVAILABLE": "ServerError",
    # issue 12: the platform's backtest codes (wire-samples/backtest.json) and our session cap
    "BACKTEST_NOT_FOUND": "NotFoundError",
    "BACKTEST_INVALID_STATE": "ConflictError",
    "BACKTEST_NO_DATA": "ValidationError",
    "BACKTEST_LIMIT_EXCEEDED": "ConflictError",
    # issue 15: the platform's battle codes (wire-samples/battles.json)
    "BATTLE_NOT_FOUND": "NotFoundError",
    "BATTLE_INVALID_STATE": "ConflictError",
}

STATUS = {
    "AuthenticationError": 401,
    "PermissionDeniedError": 403,
    "RateLimitError": 429,
    "NotFoundError": 404,
    "OrderNotFoundError": 404,
    "ConflictError": 409,
    "ValidationError": 422,
    "ServerError": 500,
    "AgentExchangeError": 405,
}


def test_the_generated_table_is_the_documented_one() -> None:
    assert CODE_TO_EXCEPTION == DOCUMENTED


@pytest.mark.parametrize(("code", "name"), sorted(DOCUMENTED.items()))
def test_each_code_in_the_envelope_raises_its_class(code: str, name: str) -> None:
    status = STATUS.get(name, 400)
    if code == "DAILY_LOSS_LIMIT":
        status = 403  # the platform answers the circuit breaker with 403, still a risk error
    body = {"error": {"code": code, "message": "m", "details": {}}}

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            status, json=body, headers={"Retry-After": "0"} if status == 429 else {}
        )

    http = httpx.Client(transport=httpx.MockTransport(handler), base_url="http://t")
    with AgentExchangeClient(base_url="http://t", http_client=http, max_retries=0) as client:
        with pytest.raises(exceptions.AgentExchangeError) as raised:
            client.get_price("BTCUSDT")
    assert type(raised.value).__name__ == name
    assert raised.value.code == code
