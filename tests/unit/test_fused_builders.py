"""The fused model builders (issue 20) build exactly what the old helper path built.

``generator.oldpath`` renders the builders as they were before fusion (``_from_wire``
through ``parse_datetime`` / ``opt_*`` / ``first_present``, then ``_make`` with slot
setters) from the same IR. Every bench body (500 trades, 1,000 candles, 600 prices) and
every response body of the hand-written client cases is built both ways and compared
field by field, types included (``Decimal`` stays ``Decimal`` with its exponent, datetimes
keep their offset). The models stay frozen, slotted dataclasses.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import pickle
import sys
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

ROOT = str(Path(__file__).resolve().parents[2])
if ROOT not in sys.path:  # generator/ and bench/ are dev tools, not installed
    sys.path.insert(0, ROOT)

from agentexchange import BacktestSession, models  # noqa: E402
from agentexchange._transport import _loads  # noqa: E402
from bench import sdk_bench  # noqa: E402
from generator.oldpath import old_builders  # noqa: E402

from .test_client_requests import CASES, IDS, Recorder, sync_client  # noqa: E402

MODEL_NAMES = list(models.__all__)


def assert_same(new: Any, old: Any, where: str = "result") -> None:
    """Equal values of the very same types, all the way down."""
    assert type(new) is type(old), f"{where}: {type(new).__name__} != {type(old).__name__}"
    if dataclasses.is_dataclass(new):
        for f in dataclasses.fields(new):
            assert_same(getattr(new, f.name), getattr(old, f.name), f"{where}.{f.name}")
        assert new == old
    elif isinstance(new, list | tuple):
        assert len(new) == len(old), where
        for i, (a, b) in enumerate(zip(new, old, strict=True)):
            assert_same(a, b, f"{where}[{i}]")
    elif isinstance(new, dict):
        assert list(new) == list(old), where
        for key in new:
            assert_same(new[key], old[key], f"{where}[{key!r}]")
    elif isinstance(new, BacktestSession):  # built from the create answer's model
        assert new.session_id == old.session_id, where
        assert_same(new.created, old.created, f"{where}.created")
    elif isinstance(new, Decimal | datetime):
        assert repr(new) == repr(old), where  # exponent / offset kept, not just ==
    else:
        assert new == old, where


@pytest.mark.parametrize("name", ["trades", "candles", "prices"])
def test_bench_bodies_build_the_same_objects(name: str) -> None:
    data = sdk_bench.bench_bodies()[name]
    new = sdk_bench.sdk_builders()[name](data)
    old = sdk_bench.builders(old_builders())[name](data)
    assert len(new) == {"trades": 500, "candles": 1000, "prices": 600}[name]
    assert_same(new, old)
    for item in new[:3]:
        assert type(item) in (models.Trade, models.Candle, models.Price)


@pytest.fixture
def old_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every model's ``_from_wire`` / ``_make`` replaced by the old helper path."""
    old = old_builders()
    for name in MODEL_NAMES:
        cls = getattr(models, name)
        monkeypatch.setattr(cls, "_from_wire", getattr(old, name)._from_wire)
        monkeypatch.setattr(cls, "_make", getattr(old, name)._make)


def run_case(case: Any) -> Any:
    with sync_client(Recorder(case)) as client:
        return getattr(client, case.method)(*case.args, **case.kwargs)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_unit_test_bodies_build_the_same_objects(case: Any, request: pytest.FixtureRequest) -> None:
    new = run_case(case)
    request.getfixturevalue("old_path")
    assert models.Price._make == old_builders().Price._make  # the old path is in place
    old = run_case(case)
    assert_same(new, old)


MAP_CASES = [c for c in CASES if c.method == "get_all_prices" and c.status == 200]


@pytest.mark.parametrize("case", MAP_CASES, ids=[c.id for c in MAP_CASES])
def test_inline_map_builder_builds_what_the_old_make_built(case: Any) -> None:
    # get_all_prices builds its items inline (no _make call the old_path fixture could
    # replace): the answer is compared with the old path's _make over the same body.
    assert MAP_CASES and isinstance(case.response, dict)
    new = run_case(case)
    old = sdk_bench.builders(old_builders())["prices"](_loads(json.dumps(case.response).encode()))
    assert len(new) == len(case.response["prices"])
    assert_same(new, old)


def test_every_model_has_a_fused_builder() -> None:
    for name in MODEL_NAMES:
        cls = getattr(models, name)
        assert cls._from_wire.__name__ == f"_{name}_from_wire"
        assert cls._make.__name__ == f"_{name}_make"


BAD = [
    (models.Candle, {"time": 1, "open": "1", "high": "1", "low": "1", "close": "1", "volume": "1"}),
    (models.Candle, {"open": "1", "high": "1", "low": "1", "close": "1", "volume": "1"}),
    (models.Candle, {"time": "x", "open": "1", "high": "1", "low": "1", "close": "1", "volume": "1"}),
    (models.Candle, {"time": "2026-01-01T00:00:00Z", "open": "1", "high": "1", "low": "1",
                     "close": "1", "volume": "1", "trade_count": True}),
    (models.Trade, {"trade_id": True, "symbol": "X", "quantity": "1", "price": "1"}),
    (models.Trade, {"trade_id": "t", "symbol": "X", "quantity": "1", "price": "1", "fee": []}),
    (models.Trade, {"trade_id": "t", "symbol": "X", "quantity": "1", "price": "1", "time": 5}),
    (models.Trade, {"trade_id": "t", "symbol": "X", "quantity": "1", "price": "x"}),
    (models.Price, {"symbol": "X", "price": "1", "timestamp": None}),
    (models.Price, ["not", "an", "object"]),
]  # fmt: skip


@pytest.mark.parametrize("cls, body", BAD)
def test_malformed_bodies_fail_as_they_did(cls: Any, body: Any) -> None:
    with pytest.raises(Exception) as new:
        cls._from_wire(body)
    with pytest.raises(Exception) as old:
        getattr(old_builders(), cls.__name__)._from_wire(body)
    assert type(new.value) is type(old.value)


def test_rare_paths_still_go_through_the_helpers() -> None:
    wire = {"symbol": "X", "price": Decimal("1.50"), "quantity": 2, "trade_id": 7,
            "fee": 0.1, "time": "2026-01-01T00:00:00", "is_buyer_maker": False}  # fmt: skip
    new, old = models.Trade._from_wire(wire), old_builders().Trade._from_wire(wire)
    assert_same(new, old)
    assert new.trade_id == "7" and new.fee == Decimal("0.1") and new.created_at.tzinfo is not None


def test_built_models_stay_frozen_slotted_dataclasses() -> None:
    data = sdk_bench.bench_bodies()
    built = [
        sdk_bench.sdk_builders()["trades"](data["trades"])[0],
        sdk_bench.sdk_builders()["candles"](data["candles"])[0],
        sdk_bench.sdk_builders()["prices"](data["prices"])[0],
    ]
    for obj in built:
        cls = type(obj)
        assert cls in (models.Trade, models.Candle, models.Price)
        assert dataclasses.is_dataclass(obj) and not hasattr(obj, "__dict__")
        assert cls.__dataclass_params__.frozen  # type: ignore[attr-defined]
        first = dataclasses.fields(obj)[0].name
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(obj, first, None)
        again = cls(**{f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)})
        assert again == obj and hash(again) == hash(obj)
        assert pickle.loads(pickle.dumps(obj)) == obj
        assert copy.deepcopy(obj) == obj
        changed = dataclasses.replace(obj, **{first: getattr(obj, first)})
        assert changed == obj and type(changed) is cls
        assert repr(obj).startswith(f"{cls.__name__}(")
