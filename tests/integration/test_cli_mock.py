"""The command line against a live mock exchange (issue 16, the CLI acceptance).

``agentexchange price BTCUSDT --json`` prints the mock's price; ``order buy BTCUSDT 0.01``
places one order that ``orders --json`` then shows; a bad key, a refused order and a
server that is not there are each one line on stderr with exit status 1. Credentials and
the address come from the SDK's environment variables, as a user's shell would set them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal

import pytest

from agentexchange import AgentExchangeClient
from agentexchange.cli import main
from agentexchange.mock.testing import MockServer


@pytest.fixture(scope="module")
def server() -> Iterator[MockServer]:
    with MockServer(seed=42, pairs=20, rate_limits=False, tick_interval=None) as mock:
        yield mock


@pytest.fixture
def env(server: MockServer, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    credentials = server.credentials()
    values = {
        "AGENTEXCHANGE_BASE_URL": server.base_url,
        "AGENTEXCHANGE_API_KEY": credentials["api_key"],
        "AGENTEXCHANGE_API_SECRET": credentials["api_secret"],
    }
    monkeypatch.delenv("AGENTEXCHANGE_AGENT_ID", raising=False)
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return values


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(argv)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_price_json_prints_the_mock_price(
    env: dict[str, str], server: MockServer, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = _run(["price", "BTCUSDT", "--json"], capsys)
    assert (status, err) == (0, "")
    printed = json.loads(out)
    with AgentExchangeClient(base_url=server.base_url) as client:
        price = client.get_price("BTCUSDT")  # time stands still: the same price
    assert printed["symbol"] == "BTCUSDT"
    assert printed["price"] == str(price.price)  # the exact decimal, as a string


def test_an_order_is_placed_once_and_listed(
    env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = _run(["orders", "--json"], capsys)
    before = {order["order_id"] for order in json.loads(out)}
    status, out, err = _run(["order", "buy", "BTCUSDT", "0.01"], capsys)
    assert (status, err) == (0, "")
    fields = dict(line.split(None, 1) for line in out.splitlines() if line.strip())
    assert (fields["side"], fields["symbol"], fields["status"]) == ("buy", "BTCUSDT", "filled")
    assert Decimal(fields["quantity"]) == Decimal("0.01")
    status, out, err = _run(["orders", "--json"], capsys)
    assert (status, err) == (0, "")
    new = [order for order in json.loads(out) if order["order_id"] not in before]
    assert [order["order_id"] for order in new] == [fields["order_id"]]
    assert Decimal(new[0]["quantity"]) == Decimal("0.01")
    # the human table lists it too, one row per order under a header
    status, out, err = _run(["orders", "--symbol", "BTCUSDT"], capsys)
    header, rule, *rows = out.splitlines()
    assert header.split()[:3] == ["order_id", "symbol", "side"]
    assert set(rule) == {"-", " "}
    assert any(row.startswith(fields["order_id"]) for row in rows)


def test_a_bad_key_is_one_line_and_status_1(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AGENTEXCHANGE_API_KEY", "ak_live_not-a-key")
    status, out, err = _run(["orders"], capsys)
    assert (status, out) == (1, "")
    assert err.count("\n") == 1
    assert err.startswith("agentexchange: INVALID_API_KEY (HTTP 401): ")
    assert "ak_live_not-a-key" not in err


def test_a_refused_order_says_why_in_one_line(
    env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = _run(["order", "buy", "BTCUSDT", "100000"], capsys)
    assert (status, out) == (1, "")
    assert err.count("\n") == 1
    assert err.startswith("agentexchange: INSUFFICIENT_BALANCE (HTTP 400): ")
    assert "required=" in err and "available=" in err


def test_no_server_is_one_line(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    status, out, err = _run(["balance", "--base-url", f"http://127.0.0.1:{port}"], capsys)
    assert (status, out) == (1, "")
    assert err.count("\n") == 1 and err.startswith("agentexchange: ")


def test_a_bad_address_is_one_line(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AGENTEXCHANGE_BASE_URL", "localhost:8000")
    status, out, err = _run(["price", "BTCUSDT"], capsys)
    assert (status, out) == (1, "")
    assert err == (
        "agentexchange: INVALID_ARGUMENTS: base_url must start with http:// or https://, "
        "got 'localhost:8000'\n"
    )


def test_agent_commands_use_the_account_secret(
    env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = _run(["agents", "list", "--json"], capsys)
    assert (status, err) == (0, "")
    assert json.loads(out)  # the demo account has its agent


def test_login_reads_the_key_and_secret_from_the_environment_never_from_arguments(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = _run(["auth", "login", "--json"], capsys)
    assert (status, err) == (0, "")
    assert json.loads(out)["token_type"] == "Bearer"
    # typed, the secret would stay in the shell's history and the process list: refused
    with pytest.raises(SystemExit) as usage:
        main(["auth", "login", env["AGENTEXCHANGE_API_KEY"], env["AGENTEXCHANGE_API_SECRET"]])
    assert usage.value.code == 2
    assert "unrecognized arguments" in capsys.readouterr().err
    # without them: which variables to set, in one line
    monkeypatch.delenv("AGENTEXCHANGE_API_SECRET")
    status, out, err = _run(["auth", "login"], capsys)
    assert (status, out) == (1, "")
    assert err == (
        "agentexchange: MISSING_CREDENTIALS: this command needs credentials: "
        "set AGENTEXCHANGE_API_SECRET\n"
    )


def test_the_console_script_as_a_process(env: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "agentexchange", "price", "ETHUSDT", "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **env},
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert json.loads(done.stdout)["symbol"] == "ETHUSDT"
