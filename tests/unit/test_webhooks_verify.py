"""``agentexchange.webhooks.verify``: a delivery is accepted only with the signature its bytes carry.

The expected signatures below were computed once outside Python, with
``printf '%s' BODY | openssl dgst -sha256 -hmac SECRET``, over the body the platform sent
for ``strategy.deployed`` (its recorded ``body_raw``, tests/data/platform/webhooks_wire.json:
``json.dumps`` with the default separators) and over ``"<timestamp>." + body`` for the
mock's timestamp signature.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from agentexchange import webhooks
from agentexchange.exceptions import AgentExchangeError, WebhookSignatureError
from agentexchange.webhooks import WebhookEvent, signature, verify

SECRET = "kV3q_example-secret-for-tests"
BODY = (
    b'{"strategy_id": "ade19c94-f3ee-4f5b-a66e-44f578d1b77b", "version": 1, "status": "deployed"}'
)
SIGNATURE = "3ef78b057c8338a4a48c39bede70a549da77ee0248bef6ef52657796340fdc43"
STAMP = 1796194728
STAMP_SIGNATURE = "1c1979551aee1feedd53476c8a9f4e3dbe954255215b752e3e5a64a92b6806eb"
HEADERS = {
    "Content-Type": "application/json",
    "X-Webhook-Event": "strategy.deployed",
    "X-Webhook-Signature": SIGNATURE,
}


def test_signature_is_hex_hmac_sha256_of_the_raw_body() -> None:
    assert signature(SECRET, BODY) == SIGNATURE


def test_a_signed_delivery_verifies_into_its_event() -> None:
    event = verify(BODY, HEADERS, SECRET)
    assert event == WebhookEvent(
        "strategy.deployed",
        {"strategy_id": "ade19c94-f3ee-4f5b-a66e-44f578d1b77b", "version": 1, "status": "deployed"},
        None,
    )


@pytest.mark.parametrize("position", [0, 20, len(BODY) // 2, len(BODY) - 1])
def test_one_changed_byte_of_the_body_is_refused(position: int) -> None:
    tampered = bytearray(BODY)
    tampered[position] ^= 0x01
    with pytest.raises(WebhookSignatureError) as raised:
        verify(bytes(tampered), HEADERS, SECRET)
    assert SECRET not in str(raised.value)
    assert raised.value.code == "INVALID_SIGNATURE"


def test_the_wrong_secret_or_a_reserialised_body_is_refused() -> None:
    with pytest.raises(WebhookSignatureError):
        verify(BODY, HEADERS, SECRET + "x")
    compact = (
        b'{"strategy_id":"ade19c94-f3ee-4f5b-a66e-44f578d1b77b","version":1,"status":"deployed"}'
    )
    with pytest.raises(WebhookSignatureError):
        verify(compact, HEADERS, SECRET)  # same JSON, other bytes: what was signed are the bytes


def test_a_missing_or_malformed_signature_is_refused() -> None:
    with pytest.raises(WebhookSignatureError, match="No X-Webhook-Signature"):
        verify(BODY, {"X-Webhook-Event": "strategy.deployed"}, SECRET)
    for bad in ("", "00" * 32, SIGNATURE[:-1], "é" * 64, SIGNATURE + "0"):
        with pytest.raises(WebhookSignatureError):
            verify(BODY, {**HEADERS, "X-Webhook-Signature": bad}, SECRET)


def test_headers_in_any_case_and_form_and_a_str_body() -> None:
    lower = {k.lower(): v for k, v in HEADERS.items()}
    pairs = [(k.upper().encode(), v.upper().encode()) for k, v in HEADERS.items()]
    for headers in (lower, pairs):
        assert verify(BODY, headers, SECRET).event in ("strategy.deployed", "STRATEGY.DEPLOYED")
    assert verify(BODY.decode(), HEADERS, SECRET).data["version"] == 1
    assert verify(bytearray(BODY), HEADERS, SECRET).data["status"] == "deployed"


def test_without_the_event_header_the_test_events_name_comes_from_its_body() -> None:
    body = b'{"event": "webhook.test", "webhook_id": "443ab981-abcb-47a5-a19c-2bbc47476800", "message": "hi"}'
    event = verify(body, {"X-Webhook-Signature": signature(SECRET, body)}, SECRET)
    assert event.event == "webhook.test"


def test_non_integer_numbers_arrive_as_decimal() -> None:
    body = (
        b'{"backtest_id": "b68f29cd-e383-4236-8266-5818eb6df9de", "roi_pct": "-0.2900", "x": 0.1}'
    )
    data = verify(body, {"X-Webhook-Signature": signature(SECRET, body)}, SECRET).data
    assert data["x"] == Decimal("0.1") and type(data["x"]) is Decimal


def test_a_signed_body_that_is_no_json_object_is_an_error_not_a_signature_error() -> None:
    for body in (b"[1, 2]", b"not json"):
        with pytest.raises(AgentExchangeError) as raised:
            verify(body, {"X-Webhook-Signature": signature(SECRET, body)}, SECRET)
        assert type(raised.value) is AgentExchangeError and raised.value.code == "INVALID_PAYLOAD"


def test_an_empty_secret_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        verify(BODY, HEADERS, "")


# ------------------------------------------------------------- the mock's signed timestamp
TIMED = {
    **HEADERS,
    "X-Webhook-Timestamp": str(STAMP),
    "X-Webhook-Timestamp-Signature": STAMP_SIGNATURE,
}


def test_tolerance_accepts_a_fresh_delivery_and_reports_its_time() -> None:
    event = verify(BODY, TIMED, SECRET, tolerance=300, now=STAMP + 299)
    assert event.timestamp == STAMP
    assert verify(BODY, TIMED, SECRET).timestamp == STAMP  # reported without a tolerance too


def test_tolerance_refuses_an_old_or_future_delivery() -> None:
    for now in (STAMP + 301, STAMP - 301):
        with pytest.raises(WebhookSignatureError, match="tolerance"):
            verify(BODY, TIMED, SECRET, tolerance=300, now=now)


def test_tolerance_refuses_an_unsigned_or_altered_timestamp() -> None:
    altered = {**TIMED, "X-Webhook-Timestamp": str(STAMP + 1)}
    with pytest.raises(WebhookSignatureError):
        verify(BODY, altered, SECRET, tolerance=300, now=STAMP)
    unsigned = {k: v for k, v in TIMED.items() if k != "X-Webhook-Timestamp-Signature"}
    with pytest.raises(WebhookSignatureError):
        verify(BODY, unsigned, SECRET, tolerance=300, now=STAMP)


def test_tolerance_on_a_platform_delivery_without_a_timestamp_says_why_it_fails() -> None:
    with pytest.raises(WebhookSignatureError, match="platform signs no time"):
        verify(BODY, HEADERS, SECRET, tolerance=300)


def test_the_module_is_standard_library_only_and_loads_no_asyncio() -> None:
    tree = ast.parse(Path(webhooks.__file__).read_text(encoding="utf-8"))
    imported = {
        (node.module or "") if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert {"exceptions"} | {
        m for m in imported if m.split(".")[0] in sys.stdlib_module_names
    } == imported
    code = "import sys; import agentexchange.webhooks; print('asyncio' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
