"""A model's tool arguments: checked by hand against the tool's schema, converted for the
SDK, and every problem a structured result naming the field (issue 16; docs/architecture.md
"Agent tools").

The client here is a stand-in recording what the toolkit hands the SDK, so each case shows
the exact Python arguments (Decimal, datetime, defaults left to the SDK) or that nothing was
called at all.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from agentexchange.exceptions import InsufficientBalanceError, RateLimitError
from agentexchange.models import Registration
from agentexchange.tools import Toolkit, ToolResult

RUN = "2b7e1f4c-8d3a-4c5e-9f6b-0a1d2c3e4f5a"
SESSION = "580d7b83-9449-4f4a-bcd4-e6ae7bc47028"


class Recorder:
    """Any method call is recorded and answers `reply` (or raises it)."""

    def __init__(self, reply: Any = None) -> None:
        self.calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []
        self.reply = reply

    def __getattr__(self, name: str) -> Any:
        def method(*args: Any, **kwargs: Any) -> Any:
            self.calls.append((name, args, kwargs))
            if isinstance(self.reply, Exception):
                raise self.reply
            return self.reply

        return method


def call(name: str, arguments: Any, reply: Any = None) -> tuple[ToolResult, Recorder]:
    client = Recorder(reply)
    return Toolkit(client).call(name, arguments), client


def error_of(result: ToolResult) -> dict[str, Any]:
    assert not result.ok and result.value is None and result.error is not None
    return dict(result.error)


def test_decimal_strings_become_decimals_and_the_result_is_json_safe() -> None:
    reply = {"price": Decimal("64521.30"), "at": datetime(2026, 1, 2, tzinfo=UTC)}
    result, client = call(
        "place_market_order", {"symbol": "BTCUSDT", "side": "buy", "quantity": "0.01"}, reply
    )
    assert client.calls == [
        (
            "place_market_order",
            (),
            {"symbol": "BTCUSDT", "side": "buy", "quantity": Decimal("0.01")},
        )
    ]
    assert result == ToolResult(
        True, value={"price": "64521.30", "at": "2026-01-02T00:00:00+00:00"}
    )
    assert result.to_json() == '{"price": "64521.30", "at": "2026-01-02T00:00:00+00:00"}'


def test_a_decimal_as_a_json_number_is_refused_naming_the_field() -> None:
    result, client = call(
        "place_market_order", {"symbol": "BTCUSDT", "side": "buy", "quantity": 0.1}
    )
    error = error_of(result)
    assert (error["code"], error["field"], error["status"]) == ("INVALID_ARGUMENTS", "quantity", 0)
    assert "decimal string" in error["message"] and client.calls == []


@pytest.mark.parametrize(
    ("arguments", "field", "words"),
    [
        ({"side": "buy", "quantity": "1"}, "symbol", "required"),
        ({"symbol": "BTCUSDT", "side": "hold", "quantity": "1"}, "side", "one of ['buy', 'sell']"),
        ({"symbol": "btc usdt", "side": "buy", "quantity": "1"}, "symbol", "does not match"),
        ({"symbol": "BTCUSDT", "side": "buy", "quantity": "1 BTC"}, "quantity", "does not match"),
        (
            {"symbol": "BTCUSDT", "side": "buy", "quantity": "1", "leverage": 5},
            "leverage",
            "unknown",
        ),
        ({"symbol": 7, "side": "buy", "quantity": "1"}, "symbol", "must be string, not integer"),
    ],
)
def test_invalid_arguments_name_the_field_and_call_nothing(
    arguments: dict[str, Any], field: str, words: str
) -> None:
    result, client = call("place_market_order", arguments)
    error = error_of(result)
    assert error["code"] == "INVALID_ARGUMENTS" and error["field"] == field
    assert words in error["message"] and client.calls == []


def test_null_or_missing_optional_arguments_leave_the_sdk_default() -> None:
    _, client = call("get_candles", {"symbol": "BTCUSDT", "interval": "1h", "limit": None}, [])
    assert client.calls == [("get_candles", (), {"symbol": "BTCUSDT", "interval": "1h"})]
    error = error_of(call("get_candles", {"symbol": "BTCUSDT", "interval": "1h", "limit": 0})[0])
    assert error["field"] == "limit" and "at least 1" in error["message"]
    # a whole number read as a float (5.0) is the integer
    _, client = call("get_candles", {"symbol": "BTCUSDT", "interval": "1h", "limit": 5.0}, [])
    assert client.calls[0][2]["limit"] == 5 and type(client.calls[0][2]["limit"]) is int
    # out of bounds, it is named as sent (not 1e308 written out in 309 digits)
    huge = error_of(call("get_candles", {"symbol": "BTCUSDT", "interval": "1h", "limit": 1e308})[0])
    assert huge["message"] == "limit: must be at most 1000, not 1e+308"
    assert (
        error_of(call("get_candles", {"symbol": "BTCUSDT", "interval": "1h", "limit": 5.5})[0])[
            "field"
        ]
        == "limit"
    )


def test_datetimes_are_iso_8601_text_handed_on_as_datetime() -> None:
    arguments = {
        "start_time": "2026-01-01T00:00:00Z",
        "end_time": "2026-01-01T02:00:00+00:00",
        "starting_balance": "1000",
    }
    _, client = call("create_backtest", arguments)
    kwargs = client.calls[0][2]
    assert kwargs["start_time"] == datetime(2026, 1, 1, tzinfo=UTC)
    assert kwargs["starting_balance"] == Decimal("1000")
    error = error_of(call("create_backtest", {**arguments, "end_time": "tomorrow"})[0])
    assert error["field"] == "end_time" and "ISO 8601" in error["message"]


def test_objects_are_checked_member_by_member_and_may_come_as_json_text() -> None:
    config = {
        "pairs": ["BTCUSDT"],
        "entry_conditions": {"rsi_below": 30, "rsi_above": None},  # null member: not given
    }
    _, client = call("create_strategy", {"name": "n", "description": "d", "config": config})
    assert client.calls[0][2]["config"] == {
        "pairs": ["BTCUSDT"],
        "entry_conditions": {"rsi_below": 30},
    }
    error = error_of(
        call("create_strategy", {"name": "n", "description": "d", "config": {"pairs": []}})[0]
    )
    assert error["field"] == "config.pairs" and "at least 1" in error["message"]
    error = error_of(
        call("create_strategy", {"name": "n", "description": "d", "config": {"pairs": ["X Y"]}})[0]
    )
    assert error["field"] == "config.pairs[0]"
    error = error_of(
        call(
            "create_strategy",
            {"name": "n", "description": "d", "config": {"pairs": ["BTCUSDT"], "magic": 1}},
        )[0]
    )
    assert error["field"] == "config.magic" and "unknown member" in error["message"]
    # strict mode sends a free-form object as its JSON text
    _, client = call("register_training_run", {"run_id": RUN, "config": '{"lr": 0.001}'})
    assert client.calls[0][2] == {"run_id": RUN, "config": {"lr": 0.001}}
    error = error_of(call("register_training_run", {"run_id": RUN, "config": "{oops"})[0])
    assert error["field"] == "config" and "JSON object" in error["message"]


def test_sdk_errors_become_structured_results_with_the_exceptions_fields() -> None:
    exc = InsufficientBalanceError(
        "Insufficient USDT balance",
        code="INSUFFICIENT_BALANCE",
        status_code=400,
        details={"asset": "USDT", "required": "650.10", "available": "12.5"},
    )
    result, _ = call(
        "place_market_order", {"symbol": "BTCUSDT", "side": "buy", "quantity": "1"}, exc
    )
    error = error_of(result)
    assert error["code"] == "INSUFFICIENT_BALANCE" and error["status"] == 400
    assert (error["required"], error["available"], error["asset"]) == ("650.10", "12.5", "USDT")
    assert error["type"] == "InsufficientBalanceError" and "Traceback" not in result.to_json()
    limited = RateLimitError(
        "slow down", code="RATE_LIMIT_EXCEEDED", status_code=429, retry_after=2.5
    )
    error = error_of(call("get_price", {"symbol": "BTCUSDT"}, limited)[0])
    assert (error["code"], error["retry_after"]) == ("RATE_LIMIT_EXCEEDED", 2.5)


def test_an_error_whose_details_json_cannot_hold_is_still_a_result() -> None:
    # A server's details with a NaN (read as Decimal("NaN")): the error reaches the model.
    broke = InsufficientBalanceError(
        "no funds",
        code="INSUFFICIENT_BALANCE",
        status_code=400,
        details={"asset": "USDT", "required": "NaN", "available": "5"},
    )
    error = error_of(call("get_price", {"symbol": "BTCUSDT"}, broke)[0])
    assert (error["code"], error["required"], error["available"]) == (
        "INSUFFICIENT_BALANCE",
        "NaN",
        "5",
    )
    assert error["details"] == {"asset": "USDT", "required": "NaN", "available": "5"}


def test_a_huge_bad_value_is_quoted_cut_in_the_error() -> None:
    arguments = {"symbol": "x" * 1_000_000, "side": "buy", "quantity": "1"}
    message = error_of(call("place_market_order", arguments)[0])["message"]
    assert message.startswith("symbol: 'xxx") and "x... does not match ^" in message
    assert len(message) < 120
    side = error_of(
        call("place_market_order", {**arguments, "symbol": "BTCUSDT", "side": "b" * 9999})[0]
    )
    assert "not 'bbb" in side["message"] and side["message"].endswith("b...")
    assert len(side["message"]) < 120


def test_json_text_nested_too_deep_for_the_parser_is_an_invalid_argument() -> None:
    config = {"pairs": ["BTCUSDT"], "filters": "[" * 100_000}  # json.loads: RecursionError
    for sent in ("[" * 100_000, config):
        arguments = {"name": "dip", "description": "d", "config": sent}
        result, client = call("create_strategy", arguments)
        assert error_of(result)["code"] == "INVALID_ARGUMENTS" and client.calls == []


def test_a_fault_below_is_one_line_never_a_traceback() -> None:
    error = error_of(call("get_price", {"symbol": "BTCUSDT"}, KeyError("boom"))[0])
    assert error == {"code": "TOOL_ERROR", "message": "'boom'", "status": 0, "type": "KeyError"}


def test_a_result_holding_a_secret_keeps_it_out_of_repr() -> None:
    # register answers the account's secret; a result logged with %r must not show it.
    secret = "sk_live_9b1d3f5a7c2e4b6d8f0a1c3e5b7d9f2a"
    reply = Registration(
        account_id=RUN,
        api_key="ak_live_4f9c2e7b1d8a6f3e5c0b9a7d2e4f6a8c",
        api_secret=secret,
        display_name="bot",
        starting_balance=Decimal("10000"),
        agent_id=SESSION,
        agent_api_key="ak_live_0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d",
        message="Save your API secret now.",
    )
    result, _ = call("register", {"display_name": "bot"}, reply)
    assert result.ok and result.value["api_secret"] == secret  # the model still gets it
    assert secret not in repr(result) and "ak_live_" not in repr(result)


def test_unknown_tools_and_tools_outside_the_selection_are_errors() -> None:
    toolkit = Toolkit(Recorder(), groups=["market"])
    assert error_of(toolkit.call("launch_rocket", {}))["code"] == "UNKNOWN_TOOL"
    outside = error_of(toolkit.call("place_market_order", {}))
    assert outside["code"] == "UNKNOWN_TOOL" and "not offered" in outside["message"]
    assert error_of(toolkit.call("get_price", ["BTCUSDT"]))["code"] == "INVALID_ARGUMENTS"  # type: ignore[arg-type]


def test_a_session_tool_attaches_the_session_by_its_id() -> None:
    attached: list[str] = []

    class Session:
        def get_price(self, symbol: str) -> dict[str, str]:
            return {"symbol": symbol, "price": "1"}

    class Client:
        def backtest(self, session_id: str) -> Session:
            attached.append(session_id)
            return Session()

    result = Toolkit(Client()).call(
        "backtest_get_price", {"session_id": SESSION, "symbol": "ETHUSDT"}
    )
    assert attached == [SESSION] and result.value == {"symbol": "ETHUSDT", "price": "1"}


def test_acall_awaits_an_async_client_and_runs_a_sync_one_in_a_thread() -> None:
    class AsyncClient:
        async def get_price(self, symbol: str) -> dict[str, Any]:
            return {"symbol": symbol, "price": Decimal("2.50")}

    async def both() -> tuple[ToolResult, ToolResult]:
        first = await Toolkit(AsyncClient()).acall("get_price", {"symbol": "BTCUSDT"})
        second = await Toolkit(Recorder({"ok": True})).acall("get_price", {"symbol": "BTCUSDT"})
        return first, second

    first, second = asyncio.run(both())
    assert first.value == {"symbol": "BTCUSDT", "price": "2.50"} and second.value == {"ok": True}
    # call() on an asynchronous client is the program's mistake, not the model's: raised to
    # the developer, not answered as a result a model would read and retry.
    with pytest.raises(TypeError, match="use await acall"):
        Toolkit(AsyncClient()).call("get_price", {"symbol": "BTCUSDT"})
