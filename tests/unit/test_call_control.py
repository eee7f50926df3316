"""Per-call options, the version, the log switch and the retry log line (issue 18).

docs/architecture.md "Transport": the options ride on ``Call.options``; a retry or a
rate-limit wait is logged at INFO with the wait and the reason, never a secret, a header
value or a body. The server here is an ``httpx.MockTransport`` (no socket); the
over-the-socket acceptance checks are in tests/integration/test_sdk_call_control.py.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import httpx
import pytest

import agentexchange
from agentexchange import AgentExchangeClient
from agentexchange._transport import call_options, install_log_handler, logger

ROOT = Path(__file__).resolve().parents[2]
KEY = "ak_live_" + "k" * 40
SECRET = "sk_live_" + "s" * 40


def test_the_version_is_pyprojects() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert agentexchange.__version__ == project["project"]["version"]


def test_no_option_builds_nothing() -> None:
    assert call_options(None, None, None, None, None) is None
    options = call_options(2, None, None, None)
    assert options is not None and options.timeout == httpx.Timeout(2)


@pytest.mark.parametrize("bad", [0, -1, True, "5"])
def test_a_bad_timeout_is_refused_before_sending(bad: object) -> None:
    with pytest.raises(ValueError, match="timeout"):
        call_options(bad, None, None, None)  # type: ignore[arg-type]


def test_extra_body_on_a_bodiless_method_and_extra_query_merge() -> None:
    seen: list[httpx.Request] = []

    def server(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(
            200, json={"symbol": "BTCUSDT", "price": "1.5", "timestamp": "2026-01-01T00:00:00Z"}
        )

    with AgentExchangeClient(
        api_key=KEY, http_client=httpx.Client(transport=httpx.MockTransport(server))
    ) as c:
        c.get_price("BTCUSDT", extra_body={"probe": 1}, extra_query={"a": "1"})
    assert json.loads(seen[0].content) == {"probe": 1}
    assert seen[0].url.params["a"] == "1"


def test_a_429_retry_logs_one_info_line_with_the_wait_and_no_secret(
    caplog: pytest.LogCaptureFixture,
) -> None:
    answers = [
        httpx.Response(
            429,
            headers={"Retry-After": "3", "X-Echo": KEY},
            json={"error": {"code": "RATE_LIMIT_EXCEEDED", "message": f"slow down {KEY}"}},
        ),
        httpx.Response(
            200, json={"symbol": "BTCUSDT", "price": "1.5", "timestamp": "2026-01-01T00:00:00Z"}
        ),
    ]
    slept: list[float] = []
    with AgentExchangeClient(
        api_key=KEY,
        api_secret=SECRET,
        http_client=httpx.Client(transport=httpx.MockTransport(lambda r: answers.pop(0))),
    ) as c:
        c._transport._sleep = slept.append
        with caplog.at_level(logging.INFO, logger="agentexchange"):
            c.get_price("BTCUSDT")
    infos = [r for r in caplog.records if r.levelno == logging.INFO]
    assert slept == [3.0]
    assert len(infos) == 1
    line = infos[0].getMessage()
    assert "in 3.00s" in line and "HTTP 429 with Retry-After" in line and "retry 1 of 2" in line
    assert KEY not in line and SECRET not in line and KEY[:12] not in line


def test_the_log_switch_installs_one_handler() -> None:
    before = list(logger.handlers)
    level = logger.level
    try:
        assert install_log_handler(None) is None and install_log_handler("loud") is None
        first = install_log_handler("info")
        second = install_log_handler(" DEBUG ")
        assert first is not None and second is not None
        assert logger.level == logging.DEBUG
        assert [h for h in logger.handlers if h not in before] == [second]  # replaced
    finally:
        logger.handlers[:] = before
        logger.setLevel(level)


def test_agentexchange_log_info_prints_the_retry_line_on_stderr() -> None:
    # A fresh process: the variable is read at import.
    script = f"""
import httpx
from agentexchange import AgentExchangeClient
answers = [httpx.Response(429, headers={{"Retry-After": "0"}}), httpx.Response(200, json={{"symbol": "X", "price": "1", "timestamp": "2026-01-01T00:00:00Z"}})]
c = AgentExchangeClient(api_key={KEY!r}, api_secret={SECRET!r},
    http_client=httpx.Client(transport=httpx.MockTransport(lambda r: answers.pop(0))))
c.get_price("BTCUSDT")
"""
    env = {**os.environ, "AGENTEXCHANGE_LOG": "info"}
    env.pop("AGENTEXCHANGE_API_KEY", None)
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert "agentexchange INFO retrying GET /api/v1/market/price/BTCUSDT in 0.00s" in lines[0]
    assert "HTTP 429 with Retry-After" in lines[0]
    assert KEY not in done.stderr and SECRET not in done.stderr and "ak_live" not in done.stderr
