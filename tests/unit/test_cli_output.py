"""What a command prints: tables for people, ``--json`` for scripts, one line per error;
and how the text typed becomes the tool's arguments.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from agentexchange._cli.arguments import add_arguments, arguments_of
from agentexchange._cli.output import render, render_json
from agentexchange._cli.run import error_line
from agentexchange.cli import method_commands


def test_an_object_is_field_value_lines_nested_fields_dotted_and_lists_as_tables() -> None:
    value = {
        "total_equity": "10000.50",
        "risk": {"max_open_orders": 5},
        "tags": ["a", "b"],
        "positions": [
            {"symbol": "BTCUSDT", "quantity": "0.01", "opened": None, "tags": []},
            {"symbol": "ETHUSDT", "quantity": "12.5", "opened": "2026-01-01", "extra": True},
        ],
    }
    assert render(value).splitlines() == [
        "total_equity          10000.50",
        "risk.max_open_orders  5",
        "tags                  a, b",
        "",
        "positions:",
        "symbol   quantity  opened      extra",  # "tags", empty in every row, left out
        "-------  --------  ----------  -----",
        "BTCUSDT      0.01  -           -",
        "ETHUSDT      12.5  2026-01-01  true",
    ]


def test_lists_text_and_nothing() -> None:
    assert render([]) == "(none)"
    assert render(["sma_20", "rsi_14"]) == "sma_20\nrsi_14"
    assert render("# skill\ntext") == "# skill\ntext"
    assert render(None) == ""
    table = render([{"id": 1, "tags": ["v" * 30] * 5}])
    assert "…" in table and len(table.splitlines()[2]) < 120  # a nested cell is cut


def test_json_is_the_value_exactly() -> None:
    value = {"price": "63156.20", "at": "2026-01-01T00:00:00+00:00", "n": 3, "ok": None}
    assert json.loads(render_json(value)) == value


def test_an_error_is_one_line_with_its_code_status_and_fields() -> None:
    line = error_line(
        {
            "code": "INSUFFICIENT_BALANCE",
            "message": "Insufficient USDT balance:\nneed 2, have 1.",
            "status": 400,
            "type": "InsufficientBalanceError",
            "required": "2",
            "available": "1",
            "details": {"required": "2", "reason": "funds"},
            "request_id": "req-1",
        }
    )
    assert line == (
        "agentexchange: INSUFFICIENT_BALANCE (HTTP 400): Insufficient USDT balance: need 2, "
        "have 1. [required=2 available=1 reason=funds]"
    )
    no_response = {"code": "INVALID_ARGUMENTS", "message": "bad", "status": 0, "field": "x"}
    assert error_line(no_response) == "agentexchange: INVALID_ARGUMENTS: bad [field=x]"


def _parse(method: str, argv: list[str]) -> dict[str, object]:
    command = next(c for c in method_commands() if c.tool.method == method)
    parser = argparse.ArgumentParser(exit_on_error=False)
    add_arguments(parser, command)
    return arguments_of(command, parser.parse_args(argv))


def test_typed_text_becomes_the_tool_arguments(tmp_path: Path) -> None:
    # positionals in the cli member's order; a decimal stays the exact text typed
    assert _parse("place_market_order", ["buy", "BTCUSDT", "0.010"]) == {
        "side": "buy",
        "symbol": "BTCUSDT",
        "quantity": "0.010",
    }
    # options left out are left out (the SDK's defaults apply); integers are integers
    assert _parse("get_orders", []) == {}
    assert _parse("get_orders", ["--symbol", "BTCUSDT", "--limit", "5"]) == {
        "symbol": "BTCUSDT",
        "limit": 5,
    }
    # a list: several values, or comma-separated
    assert _parse("get_tickers", ["--symbols", "BTCUSDT,ETHUSDT", "SOLUSDT"]) == {
        "symbols": ["BTCUSDT", "ETHUSDT", "SOLUSDT"]
    }
    # a boolean option: --flag / --no-flag
    assert _parse("list_agents", ["--include-archived"]) == {"include_archived": True}
    assert _parse("list_agents", ["--no-include-archived"]) == {"include_archived": False}
    # an object: JSON text, or @file
    config = tmp_path / "config.json"
    config.write_text('{"pairs": ["BTCUSDT"], "position_size_pct": 10}')
    parsed = _parse("create_strategy", ["s", "d", f"@{config}"])
    assert parsed == {
        "name": "s",
        "description": "d",
        "config": {"pairs": ["BTCUSDT"], "position_size_pct": 10},
    }


def test_bad_text_is_refused_by_argparse(tmp_path: Path) -> None:
    with pytest.raises(argparse.ArgumentError, match="invalid int value"):
        _parse("get_orders", ["--limit", "five"])
    with pytest.raises(argparse.ArgumentError, match="not JSON"):
        _parse("create_strategy", ["s", "d", "{nope"])
    binary = tmp_path / "config.bin"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(argparse.ArgumentError, match=r"cannot read .*config\.bin: not UTF-8 text"):
        _parse("create_strategy", ["s", "d", f"@{binary}"])
    with pytest.raises(argparse.ArgumentError, match="not JSON"):  # too deep for json.loads
        _parse("create_strategy", ["s", "d", "[" * 100_000])
    with pytest.raises(argparse.ArgumentError, match="invalid choice"):
        _parse("place_market_order", ["hold", "BTCUSDT", "1"])


def test_numbers_are_json_numbers() -> None:
    parsed = _parse("compute_deflated_sharpe", ["0.1", "-0.05", "3"])
    assert parsed == {"returns": [0.1, -0.05], "num_trials": 3}
