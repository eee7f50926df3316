"""The platform's three error shapes, as it answered the webhook and strategy routes, raise the SDK's exceptions.

The bodies are the recorded ones (tests/data/platform/webhooks_wire.json, misc_wire.json;
the wire notes §4 "Errors"): the envelope ``{"error": {...}}`` (domain errors, 500s),
FastAPI's ``{"detail": [...]}`` (every request-validation 422, the webhook URL rules
included) and ``{"detail": "<text>"}`` (its webhook 404s). Each goes through a generated
method of both clients over ``httpx.MockTransport``.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from agentexchange import AgentExchangeClient, AsyncAgentExchangeClient
from agentexchange.exceptions import (
    AgentExchangeError,
    NotFoundError,
    ServerError,
    ValidationError,
)

UNKNOWN_WEBHOOK = "8aabe162-fafd-4c39-8606-0d3bfe1b12be"
STRATEGY_A = "ade19c94-f3ee-4f5b-a66e-44f578d1b77b"
STRATEGY_GONE = "022cecbc-1f5c-4b9a-ad3c-85a9904cba34"

# (method, args, status, recorded body, expected class, code, field, text in the message)
SHAPES: list[
    tuple[str, tuple[Any, ...], int, Any, type[AgentExchangeError], str, str | None, str]
] = [
    (
        "get_webhook",
        (UNKNOWN_WEBHOOK,),
        404,
        {"detail": f"Webhook subscription '{UNKNOWN_WEBHOOK}' not found."},
        NotFoundError,
        "HTTP_404",
        None,
        f"Webhook subscription '{UNKNOWN_WEBHOOK}' not found.",
    ),
    (
        "create_webhook",
        ("http://wire-sink.test:8443/hook", ["backtest.completed"]),
        422,
        {
            "detail": [
                {
                    "type": "value_error",
                    "loc": ["body", "url"],
                    "msg": "Value error, Webhook URL must use the https scheme; got 'http'.",
                    "input": "http://wire-sink.test:8443/hook",
                    "ctx": {"error": {}},
                }
            ]
        },
        ValidationError,
        "VALIDATION_ERROR",
        "url",
        "must use the https scheme",
    ),
    (
        "compare_strategies",
        ([STRATEGY_A, STRATEGY_GONE],),
        404,
        {
            "error": {
                "code": "STRATEGY_NOT_FOUND",
                "message": f"Strategy '{STRATEGY_GONE}' not found.",
                "details": {"strategy_id": STRATEGY_GONE},
            }
        },
        NotFoundError,
        "STRATEGY_NOT_FOUND",
        None,
        "not found",
    ),
    (
        "test_webhook",
        (UNKNOWN_WEBHOOK,),
        500,
        {"error": {"code": "INTERNAL_ERROR", "message": "An unexpected error occurred."}},
        ServerError,
        "INTERNAL_ERROR",
        None,
        "An unexpected error occurred.",
    ),
]


def _transport(status: int, body: Any) -> httpx.MockTransport:
    return httpx.MockTransport(lambda request: httpx.Response(status, json=body))


@pytest.mark.parametrize("shape", SHAPES, ids=[f"{s[0]}-{s[2]}" for s in SHAPES])
def test_sync_client_maps_the_shape(shape: Any) -> None:
    method, args, status, body, cls, code, field, text = shape
    http = httpx.Client(transport=_transport(status, body), base_url="http://t")
    with AgentExchangeClient(api_key="ak_live_k", base_url="http://t", http_client=http) as client:
        with pytest.raises(AgentExchangeError) as raised:
            getattr(client, method)(*args)
    _check(raised.value, cls, code, status, field, text)


@pytest.mark.parametrize("shape", SHAPES, ids=[f"{s[0]}-{s[2]}" for s in SHAPES])
async def test_async_client_maps_the_shape(shape: Any) -> None:
    method, args, status, body, cls, code, field, text = shape
    http = httpx.AsyncClient(transport=_transport(status, body), base_url="http://t")
    async with AsyncAgentExchangeClient(
        api_key="ak_live_k", base_url="http://t", http_client=http
    ) as client:
        with pytest.raises(AgentExchangeError) as raised:
            await getattr(client, method)(*args)
    _check(raised.value, cls, code, status, field, text)


def _check(
    error: AgentExchangeError,
    cls: type[AgentExchangeError],
    code: str,
    status: int,
    field: str | None,
    text: str,
) -> None:
    assert type(error) is cls, type(error)
    assert error.code == code and error.status_code == status
    assert text in error.message
    if field is not None:
        assert isinstance(error, ValidationError) and error.field == field
        # FastAPI's "input" echoes what was sent: never kept.
        assert all("input" not in item for item in error.details["errors"])
