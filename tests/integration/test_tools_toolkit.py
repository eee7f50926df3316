"""`Toolkit.call` on the sync client against a live mock (issue 16; docs/architecture.md
"Agent tools"): a backtest driven through its session tools by id, as a model would, and
the API's errors as results a model can read.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from agentexchange import AgentExchangeClient
from agentexchange.mock.testing import MockServer
from agentexchange.tools import Toolkit


@pytest.fixture(scope="module")
def toolkit() -> Iterator[Toolkit]:
    with MockServer(seed=3, pairs=20, tick_interval=None) as mock:
        with AgentExchangeClient(base_url=mock.base_url, **mock.credentials()) as client:
            yield Toolkit(client, groups=["backtest", "trading"])


def test_a_backtest_through_its_session_tools(toolkit: Toolkit) -> None:
    created = toolkit.call(
        "create_backtest",
        {
            "start_time": "2026-01-01T00:00:00Z",
            "end_time": "2026-01-01T03:00:00Z",
            "starting_balance": "5000",
            "pairs": ["BTCUSDT"],
        },
    )
    assert created.ok, created.error
    session_id = created.value["session_id"]  # the model sees the created session, by id
    assert toolkit.call("start_backtest", {"session_id": session_id}).ok
    bought = toolkit.call(
        "backtest_place_market_order",
        {"session_id": session_id, "symbol": "BTCUSDT", "side": "buy", "quantity": "0.01"},
    )
    assert bought.ok, bought.error
    assert bought.value["status"] == "filled" and bought.value["quantity"] == "0.01"
    balance = toolkit.call("backtest_get_balance", {"session_id": session_id})
    assert balance.ok
    usdt = next(b for b in balance.value["balances"] if b["asset"] == "USDT")
    assert Decimal(usdt["total"]) < Decimal("5000")  # paid for the coin and the fee
    stepped = toolkit.call("step_backtest_batch", {"session_id": session_id, "steps": 5})
    assert stepped.ok and isinstance(stepped.value["is_complete"], bool)


def test_api_errors_are_results_with_the_code_and_status(toolkit: Toolkit) -> None:
    missing = toolkit.call("get_order", {"order_id": "660e8400-e29b-41d4-a716-446655440001"})
    assert not missing.ok and missing.error is not None
    assert (missing.error["code"], missing.error["status"]) == ("ORDER_NOT_FOUND", 404)
    unknown_pair = toolkit.call(
        "place_market_order", {"symbol": "NOPEUSDT", "side": "buy", "quantity": "1"}
    )
    assert unknown_pair.error is not None and unknown_pair.error["code"] == "INVALID_SYMBOL"
    assert unknown_pair.error["symbol"] == "NOPEUSDT"
