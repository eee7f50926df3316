"""Generated models: Decimal exactness, aware datetimes, forward compatibility, immutability."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from agentexchange import models
from agentexchange._convert import decimal_param


def test_price_decimal_exact_and_unknown_fields_ignored() -> None:
    p = models.Price._from_wire(
        {
            "symbol": "BTCUSDT",
            "price": "64521.30000001",
            "timestamp": "2026-11-23T10:00:00Z",
            "new": 1,
        }
    )
    assert p.price == Decimal("64521.30000001") and isinstance(p.price, Decimal)
    assert p.timestamp == datetime(2026, 11, 23, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "offset"),
    [
        ("2026-11-23T10:00:00Z", 0),
        ("2026-11-23T10:00:00+02:00", 2),
        ("2026-11-23T10:00:00", 0),
        ("2026-11-23T10:00:00.123456-05:30", -5.5),
    ],
)
def test_datetimes_are_aware(text: str, offset: float) -> None:
    p = models.Price._from_wire({"symbol": "X", "price": "1", "timestamp": text})
    assert p.timestamp.utcoffset() == timedelta(hours=offset)


def test_optional_missing_is_none() -> None:
    o = models.Order._from_wire(
        {"order_id": "o1", "status": "pending", "symbol": "BTCUSDT", "side": "buy", "type": "limit"}
    )
    assert o.order_type == "limit"
    assert (
        o.executed_price is None and o.fee is None and o.quantity is None and o.created_at is None
    )


def test_first_non_null_wire() -> None:
    o = models.Order._from_wire(
        {
            "order_id": "o1",
            "status": "filled",
            "symbol": "B",
            "side": "buy",
            "type": "market",
            "quantity": None,
            "requested_quantity": "0.01",
            "executed_qty": "0.01",
        }
    )
    assert o.quantity == Decimal("0.01") and o.executed_quantity == Decimal("0.01")


def test_orderbook_levels_are_decimal_pairs() -> None:
    book = models.OrderBook._from_wire(
        {
            "symbol": "BTCUSDT",
            "bids": [["64518.10", "0.532"]],
            "asks": [["64524.50", "0.417"], ["64527.80", "0.968"]],
            "timestamp": "2026-11-23T10:00:00Z",
        }
    )
    assert book.bids == [[Decimal("64518.10"), Decimal("0.532")]]
    assert all(isinstance(v, Decimal) for level in book.asks for v in level)


def test_derived_fields() -> None:
    info = models.AccountInfo._from_wire(
        {
            "account_id": "a",
            "display_name": "d",
            "status": "active",
            "starting_balance": "10000.00",
            "created_at": "2026-01-01T00:00:00Z",
        }
    )
    assert info.is_active is True and info.circuit_breaker_triggered is False
    portfolio: dict[str, Any] = {
        k: "1"
        for k in (
            "total_equity",
            "available_cash",
            "locked_cash",
            "total_position_value",
            "unrealized_pnl",
            "realized_pnl",
            "total_pnl",
            "roi_pct",
            "starting_balance",
        )
    }
    portfolio |= {
        "positions": [
            {
                "symbol": "BTCUSDT",
                "asset": "BTC",
                "quantity": "1",
                "avg_entry_price": "1",
                "current_price": "1",
                "market_value": "1",
                "unrealized_pnl": "0",
                "unrealized_pnl_pct": "0",
                "opened_at": "2026-01-01T00:00:00Z",
            }
        ],
        "timestamp": "2026-01-01T00:00:00Z",
    }
    pf = models.Portfolio._from_wire(portfolio)
    assert pf.position_count == 1 and isinstance(pf.positions[0], models.Position)


def test_nested_member_and_rename() -> None:
    r = models.ResetResult._from_wire(
        {
            "message": "ok",
            "previous_session": {
                "session_id": "p",
                "ending_equity": "10.5",
                "total_pnl": "0",
                "duration_days": 1,
            },
            "new_session": {
                "session_id": "n",
                "starting_balance": "100",
                "started_at": "2026-01-01T00:00:00Z",
            },
        }
    )
    assert (
        r.session_id == "n" and r.previous_session_id == "p" and r.ending_equity == Decimal("10.5")
    )
    c = models.Candle._from_wire(
        {
            "time": "2026-01-01T00:00:00Z",
            "open": "1",
            "high": "2",
            "low": "0.5",
            "close": "1.5",
            "volume": "10",
        }
    )
    assert c.open_time.year == 2026 and c.trade_count is None


def test_pnl_default_list_and_items() -> None:
    base = {
        k: "0"
        for k in ("realized_pnl", "unrealized_pnl", "total_pnl", "fees_paid", "net_pnl", "win_rate")
    }
    pnl = models.PnL._from_wire({**base, "period": "all", "winning_trades": 0, "losing_trades": 0})
    assert pnl.by_symbol == []
    pnl = models.PnL._from_wire(
        {
            **base,
            "period": "all",
            "winning_trades": 0,
            "losing_trades": 0,
            "by_symbol": [{"symbol": "B", "realized": "1.1", "unrealized": "0"}],
        }
    )
    assert pnl.by_symbol[0].realized == Decimal("1.1")


def test_number_wire_goes_through_str_not_float() -> None:
    run = models.TestRun._from_wire(
        {
            "test_run_id": "t",
            "status": "running",
            "episodes_total": 2,
            "episodes_completed": 1,
            "progress_pct": 0.1,
        }
    )
    assert run.progress_pct == Decimal("0.1")


def test_indicator_values_are_decimals_of_the_wire_text() -> None:
    # JSON floats reach the model as the transport decodes them (parse_float=Decimal) or, from
    # another decoder, as floats: either way the value is the wire's shortest text, never
    # the binary expansion (0.1 -> 0.1, not 0.1000000000000000055...).
    ind = models.Indicators._from_wire(
        {
            "symbol": "BTCUSDT",
            "timestamp": "2026-12-02T07:06:02.931429Z",
            "candles_used": 200,
            "indicators": {"rsi_14": Decimal("56.5844610151262"), "sma_20": 0.1, "adx_14": 7},
        }
    )
    assert ind.indicators == {
        "rsi_14": Decimal("56.5844610151262"),
        "sma_20": Decimal("0.1"),
        "adx_14": Decimal(7),
    }
    assert all(type(v) is Decimal for v in ind.indicators.values())
    with pytest.raises(TypeError, match="expected an object, got list"):
        models.Indicators._from_wire({**_INDICATORS, "indicators": [["rsi_14", 50]]})
    with pytest.raises(TypeError, match="expected a decimal, got NoneType"):
        models.Indicators._from_wire({**_INDICATORS, "indicators": {"rsi_14": None}})


_INDICATORS = {"symbol": "X", "timestamp": "2026-01-01T00:00:00Z", "candles_used": 14}


def test_data_range_keeps_gaps_as_objects() -> None:
    wire = {
        "earliest": "1970-01-01T00:00:00Z",
        "latest": "2026-12-02T07:06:00Z",
        "total_pairs": 600,
        "intervals_available": ["1m", "5m"],
        "data_gaps": [{"symbol": "BTCUSDT", "start": "2026-01-01T00:00:00Z"}],
    }
    dr = models.DataRange._from_wire(wire)
    assert dr.earliest == datetime(1970, 1, 1, tzinfo=UTC)
    assert dr.data_gaps == [{"symbol": "BTCUSDT", "start": "2026-01-01T00:00:00Z"}]
    with pytest.raises(TypeError, match="expected an object, got str"):
        models.DataRange._from_wire({**wire, "data_gaps": ["gap"]})


def test_public_trade_has_none_for_missing() -> None:
    t = models.Trade._from_wire(
        {
            "trade_id": 3141592,
            "price": "1",
            "quantity": "2",
            "time": "2026-01-01T00:00:00Z",
            "is_buyer_maker": False,
            "symbol": "B",
        }
    )
    assert (
        t.trade_id == "3141592"
        and t.side is None
        and t.fee is None
        and t.pnl is None
        and t.is_buyer_maker is False
    )


def test_secret_not_in_repr() -> None:
    creds = models.AgentCredentials._from_wire(
        {
            "agent_id": "a",
            "api_key": "ak_live_SECRETSECRET",
            "display_name": "d",
            "starting_balance": "1",
        }
    )
    assert "SECRETSECRET" not in repr(creds) and creds.api_key == "ak_live_SECRETSECRET"
    token = models.AuthToken._from_wire(
        {"token": "eyJ.SECRET.sig", "expires_at": "2026-01-01T00:00:00Z"}
    )
    assert "SECRET" not in repr(token)


def test_frozen_slots_kw_only() -> None:
    p = models.Price(symbol="X", price=Decimal("1"), timestamp=datetime(2026, 1, 1, tzinfo=UTC))
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.price = Decimal("2")  # type: ignore[misc]
    assert not hasattr(p, "__dict__")
    with pytest.raises(TypeError):
        models.Price("X", Decimal("1"), datetime(2026, 1, 1, tzinfo=UTC))  # type: ignore[misc]


def test_every_model_is_a_frozen_dataclass() -> None:
    for name in models.__all__:
        cls = getattr(models, name)
        assert dataclasses.is_dataclass(cls) and cls.__dataclass_params__.frozen, name


@pytest.mark.parametrize("value", [0.1, 1.0, True])
def test_decimal_param_rejects_float_and_bool(value: Any) -> None:
    with pytest.raises(TypeError, match="str or Decimal"):
        decimal_param(value, "quantity")


@pytest.mark.parametrize(
    ("value", "wire"), [("0.01", "0.01"), (Decimal("61000.00"), "61000.00"), (5, "5")]
)
def test_decimal_param_accepts(value: Any, wire: str) -> None:
    assert decimal_param(value, "quantity") == wire


def test_decimal_param_rejects_garbage() -> None:
    with pytest.raises(ValueError):
        decimal_param("abc", "quantity")
    with pytest.raises(ValueError):
        decimal_param(Decimal("NaN"), "quantity")
