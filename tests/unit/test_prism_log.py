"""The Prism log reader of ``make contract-proxy`` (tests/prism_proxy.py).

The lines are verbatim from ``prism proxy`` 5.14.2 (tools/prism pins it): a violation is
attributed to the request logged before it, and only response violations fail the run.
"""

from __future__ import annotations

from prism_proxy import parse_log

LOG = """\
[3:44:45 PM] › [HTTP SERVER] get /api/v1/market/price/BTCUSDT ℹ  info      Request received
[3:44:45 PM] ›     [PROXY] ℹ  info      > Forwarding "get" request to http://127.0.0.1:18413/api/v1/market/price/BTCUSDT...
[3:44:45 PM] ›     [PROXY] ℹ  info      The upstream call to /api/v1/market/price/BTCUSDT has returned 200
[3:44:45 PM] ›     [PROXY] ℹ  info      < Received forward response
[3:44:45 PM] ›     [VALIDATOR] ✖  error     Violation: response.body.price Response body property price must be string
[3:44:45 PM] › [HTTP SERVER] post /api/v1/trade/order ℹ  info      Request received
[3:44:45 PM] ›     [PROXY] ℹ  info      > Forwarding "post" request to http://127.0.0.1:18413/api/v1/trade/order...
[3:43:51 PM] › [HTTP SERVER] get /api/v1/nowhere ℹ  info      Request received
[3:43:51 PM] ›     [VALIDATOR] ⚠  warning   Violation: request Selected route not found
"""


def test_counts_requests_and_attributes_each_violation_to_its_request() -> None:
    requests, found = parse_log(LOG, "test_x.py")
    assert requests == 3
    assert [(v.request, v.severity, v.location, v.on_response) for v in found] == [
        ("GET /api/v1/market/price/BTCUSDT", "error", "response.body.price", True),
        ("GET /api/v1/nowhere", "warning", "request", False),
    ]
    assert found[0].message == "Response body property price must be string"
    assert found[1].message == "Selected route not found"
    assert str(found[0]).startswith("test_x.py: GET /api/v1/market/price/BTCUSDT -> error")


def test_a_clean_log_has_no_violations() -> None:
    clean = "\n".join(line for line in LOG.splitlines() if "Violation" not in line)
    assert parse_log(clean, "t") == (3, [])
