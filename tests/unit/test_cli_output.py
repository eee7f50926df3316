"""What a command prints: tables for people, ``--json`` for scripts, one line per error;
and how the text typed becomes the tool's arguments.
"""

from __future__ import annotations

import json

from agentexchange._cli.output import render, render_json


def test_an_object_is_field_value_lines_nested_fields_dotted_and_lists_as_tables() -> None:
    value = {
        "total_equity": "10000.50",
        "risk": {"max_open_orders": 5},
        "tags": ["a", "b"],
        "positions": [
            {"symbol": "BTCUSDT", "quantity": "0.01", "opened": None},
            {"symbol": "ETHUSDT", "quantity": "12.5", "extra": True},
        ],
    }
    assert render(value).splitlines() == [
        "total_equity          10000.50",
        "risk.max_open_orders  5",
        "tags                  a, b",
        "",
        "positions:",
        "symbol   quantity  opened  extra",
        "-------  --------  ------  -----",
        "BTCUSDT      0.01  -       -",
        "ETHUSDT      12.5  -       true",
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
