"""Checking a webhook delivery: ``verify(payload, headers, secret)`` → the ``WebhookEvent``.

SDK runtime (docs/architecture.md "Webhooks"): the receiving end of the deliveries
described by ``create_webhook``'s callbacks in openapi.yaml. It imports the standard
library only (no ``httpx``, no ``asyncio``), so a receiver — a FastAPI route, a Flask
view, ``http.server`` — can check deliveries without loading the client::

    from agentexchange.webhooks import WebhookSignatureError, verify

    try:
        event = verify(raw_body, request.headers, secret)   # the bytes as received
    except WebhookSignatureError:
        return 400                                          # not from the exchange
    if event.event == "strategy.deployed":
        ...

The platform signs the raw body: ``X-Webhook-Signature`` is
``hex(HMAC-SHA256(secret, body))``, compared here in constant time. It signs no time and
sends no delivery id, so a replayed delivery verifies; the mock exchange also sends
``X-Webhook-Timestamp`` and ``X-Webhook-Timestamp-Signature`` (HMAC over
``"<timestamp>." + body``, extensions), which ``tolerance=`` checks. Only the body is
signed: ``X-Webhook-Event`` is taken as sent.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .exceptions import AgentExchangeError, WebhookSignatureError

__all__ = [
    "EVENT_HEADER",
    "SIGNATURE_HEADER",
    "TIMESTAMP_HEADER",
    "TIMESTAMP_SIGNATURE_HEADER",
    "WebhookEvent",
    "WebhookSignatureError",
    "signature",
    "verify",
]

EVENT_HEADER = "X-Webhook-Event"
SIGNATURE_HEADER = "X-Webhook-Signature"
TIMESTAMP_HEADER = "X-Webhook-Timestamp"  # the mock's extension
TIMESTAMP_SIGNATURE_HEADER = "X-Webhook-Timestamp-Signature"  # the mock's extension

Headers = Mapping[str, str] | Mapping[bytes, bytes] | Iterable[tuple[Any, Any]]


@dataclass(frozen=True, slots=True)
class WebhookEvent:
    """A verified delivery.

    Attributes:
        event: the event's name (``strategy.deployed``, ``webhook.test``, ...), from
            ``X-Webhook-Event`` (else the body's ``event`` member), None if neither says.
        data: the JSON body — the event's payload, with no envelope (numbers that are not
            integers as ``Decimal``).
        timestamp: the ``X-Webhook-Timestamp`` of the try (Unix seconds) when one was
            sent (the mock does; the platform does not), else None.
    """

    event: str | None
    data: dict[str, Any]
    timestamp: int | None = None


def signature(secret: str, payload: bytes) -> str:
    """``hex(HMAC-SHA256(secret, payload))``: what ``X-Webhook-Signature`` carries."""
    return hmac.new(secret.encode("utf-8"), payload, hashlib.sha256).hexdigest()


def verify(
    payload: bytes | bytearray | memoryview | str,
    headers: Headers,
    secret: str,
    *,
    tolerance: float | None = None,
    now: float | None = None,
) -> WebhookEvent:
    """The delivery's event, once its signature matches; else ``WebhookSignatureError``.

    Args:
        payload: the request body exactly as received (bytes; a ``str`` is encoded as
            UTF-8). Parsing and re-serialising JSON changes the bytes, and the check fails.
        headers: the request's headers, any mapping or (name, value) pairs; names are
            matched without regard to case.
        secret: the subscription's secret, as ``create_webhook`` returned it.
        tolerance: seconds; when given, also require the mock's signed
            ``X-Webhook-Timestamp`` and refuse a delivery older (or further in the future)
            than this. Leave it None for the real platform, which signs no time.
        now: the current Unix time, for tests (default: ``time.time()``).
    """
    if not isinstance(secret, str) or not secret:
        raise ValueError("secret: the subscription's secret (a non-empty str) is needed")
    body = payload.encode("utf-8") if isinstance(payload, str) else bytes(payload)
    received = _header(headers, SIGNATURE_HEADER)
    if received is None:
        raise WebhookSignatureError(f"No {SIGNATURE_HEADER} header: not a signed delivery.")
    if not _matches(signature(secret, body), received):
        raise WebhookSignatureError(
            f"{SIGNATURE_HEADER} does not match the body: it was not signed with this "
            "secret, or the body was changed (verify the raw bytes, before parsing)."
        )
    stamp = _timestamp(headers, secret, body, tolerance, now)
    try:
        data = json.loads(body, parse_float=Decimal)
    except ValueError as exc:
        raise AgentExchangeError(
            f"A signed webhook body that is not JSON: {exc}", code="INVALID_PAYLOAD"
        ) from None
    if not isinstance(data, dict):
        raise AgentExchangeError(
            "A signed webhook body that is not a JSON object.", code="INVALID_PAYLOAD"
        )
    event = _header(headers, EVENT_HEADER)
    if event is None and isinstance(data.get("event"), str):
        event = data["event"]
    return WebhookEvent(event, data, stamp)


def _timestamp(
    headers: Headers, secret: str, body: bytes, tolerance: float | None, now: float | None
) -> int | None:
    raw = _header(headers, TIMESTAMP_HEADER)
    stamp = int(raw) if raw is not None and raw.strip().isdigit() else None
    if tolerance is None:
        return stamp
    if stamp is None or raw is None:
        raise WebhookSignatureError(
            f"No {TIMESTAMP_HEADER} header, so the delivery's age cannot be checked (the "
            "platform signs no time: verify its deliveries with tolerance=None)."
        )
    signed = _header(headers, TIMESTAMP_SIGNATURE_HEADER)
    if signed is None or not _matches(
        signature(secret, raw.strip().encode("ascii") + b"." + body), signed
    ):
        raise WebhookSignatureError(
            f"{TIMESTAMP_SIGNATURE_HEADER} is missing or does not match the timestamp and body."
        )
    age = (time.time() if now is None else now) - stamp
    if abs(age) > tolerance:
        raise WebhookSignatureError(
            f"The delivery is {age:.0f} s old, outside the tolerance of {tolerance:g} s."
        )
    return stamp


def _matches(expected: str, received: str) -> bool:
    # Constant time over bytes (compare_digest refuses non-ASCII str).
    return hmac.compare_digest(expected.encode("ascii"), received.strip().lower().encode("utf-8"))


def _header(headers: Headers, name: str) -> str | None:
    wanted = name.lower()
    items = getattr(headers, "items", None)  # a mapping, httpx/starlette headers, a Message
    pairs: Iterable[tuple[Any, Any]] = items() if callable(items) else headers  # type: ignore[assignment]
    for key, value in pairs:
        text = key.decode("latin-1") if isinstance(key, bytes | bytearray) else str(key)
        if text.lower() == wanted:
            return value.decode("latin-1") if isinstance(value, bytes | bytearray) else str(value)
    return None
