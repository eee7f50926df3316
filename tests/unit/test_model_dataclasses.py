"""Every generated model behaves like the ``@dataclass`` it used to be (issue 20, item 4).

The generator writes the models out as ``@dataclass(frozen=True, slots=True,
kw_only=True)`` would compute them (``agentexchange/_dataclass.py``), with
``__dataclass_fields__`` / ``__dataclass_params__`` computed on first read. The reference
is ``generator.oldpath.old_dataclasses()``: the same declarations, rendered from the IR as
the template wrote them before, with the real ``@dataclass`` applied. For every model the
two are compared: fields (names, types, defaults, factories, repr flags), ``__init__``'s
signature, ``repr``, equality, hashing, ``replace``, ``asdict`` / ``astuple``, pickling and
copying, ``FrozenInstanceError`` on assignment and deletion, slots and match args.
"""

from __future__ import annotations

import ast
import copy
import dataclasses
import inspect
import json
import pickle
import subprocess
import sys
import weakref
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # generator/ is a dev tool, not installed
    sys.path.insert(0, str(ROOT))

from agentexchange import models  # noqa: E402
from generator.oldpath import old_dataclasses  # noqa: E402

MODEL_NAMES = list(models.__all__)


def sample(annotation: str, ns: Any, seed: int) -> Any:
    """A value of the annotated type; models are built from ``ns`` (new or reference)."""
    base = annotation.removesuffix(" | None")
    if base.startswith("Literal["):  # a field limited to the document's enum: one of them
        options = ast.literal_eval(f"[{base[8:-1]}]")
        return options[seed % len(options)]
    if base == "str":
        return f"s{seed}"
    if base == "int":
        return seed
    if base == "bool":
        return seed % 2 == 0
    if base == "Decimal":
        return Decimal(f"{seed}.50")
    if base == "datetime":
        return datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=seed)
    if base == "Any":
        return {"n": seed}
    if base.startswith("list["):
        return [sample(base[5:-1], ns, seed + 1), sample(base[5:-1], ns, seed + 2)]
    if base.startswith("dict[str, "):
        return {"k": sample(base[10:-1], ns, seed + 1)}
    return getattr(ns, base)(**values(base, ns, seed))


def values(name: str, ns: Any, seed: int = 0, *, required_only: bool = False) -> dict[str, Any]:
    """Keyword arguments for model ``name`` (every field, or the required ones)."""
    fields = dataclasses.fields(getattr(old_dataclasses(), name))
    return {
        f.name: sample(str(f.type), ns, seed + 10 * i)
        for i, f in enumerate(fields)
        if not required_only or (f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING)
    }  # fmt: skip


def field_view(cls: Any) -> list[tuple[Any, ...]]:
    return [
        (f.name, f.type, f.default, f.default_factory, f.init, f.repr, f.hash, f.compare,
         dict(f.metadata), f.kw_only)
        for f in dataclasses.fields(cls)
    ]  # fmt: skip


def outcome(action: Any) -> tuple[str, str]:
    """What ``action()`` raised (type name and message), or ("ok", "")."""
    try:
        action()
    except Exception as exc:
        return type(exc).__name__, str(exc).replace("agentexchange_old_models.", "")
    return "ok", ""


@pytest.fixture(scope="module")
def ref() -> SimpleNamespace:
    return old_dataclasses()


def test_every_model_has_a_reference(ref: SimpleNamespace) -> None:
    assert sorted(vars(ref)) == sorted(MODEL_NAMES)


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_dataclass_metadata_is_what_dataclass_makes(name: str, ref: SimpleNamespace) -> None:
    new, old = getattr(models, name), getattr(ref, name)
    assert dataclasses.is_dataclass(new)
    assert field_view(new) == field_view(old)
    # ClassVar pseudo-fields (_from_wire, _make) are there too, in declaration order.
    assert list(new.__dataclass_fields__) == list(old.__dataclass_fields__)
    assert repr(new.__dataclass_params__) == repr(old.__dataclass_params__)
    assert new.__annotations__ == old.__annotations__
    assert new.__slots__ == old.__slots__ and new.__match_args__ == old.__match_args__ == ()

    def params(cls: Any) -> list[tuple[Any, ...]]:
        return [
            (p.name, p.kind, repr(p.default), p.annotation)
            for p in inspect.signature(cls).parameters.values()
        ]

    assert params(new) == params(old)


@pytest.mark.parametrize("required_only", [False, True], ids=["all", "required"])
@pytest.mark.parametrize("name", MODEL_NAMES)
def test_instances_behave_like_dataclass_instances(
    name: str, required_only: bool, ref: SimpleNamespace
) -> None:
    new_cls, old_cls = getattr(models, name), getattr(ref, name)
    new = new_cls(**values(name, models, required_only=required_only))
    old = old_cls(**values(name, ref, required_only=required_only))
    names = [f.name for f in dataclasses.fields(old_cls)]

    assert repr(new) == repr(old)
    assert dataclasses.asdict(new) == dataclasses.asdict(old)
    assert dataclasses.astuple(new) == dataclasses.astuple(old)
    twin = new_cls(**values(name, models, required_only=required_only))
    assert new == twin and not new != twin and new is not twin
    assert new != old and (new == object()) is False
    assert outcome(lambda: hash(new)) == outcome(lambda: hash(old))
    if outcome(lambda: hash(old))[0] == "ok":
        assert hash(new) == hash(old) == hash(twin)
    assert not hasattr(new, "__dict__")
    assert outcome(lambda: weakref.ref(new))[0] == outcome(lambda: weakref.ref(old))[0]

    for obj in (pickle.loads(pickle.dumps(new)), copy.copy(new), copy.deepcopy(new)):
        assert type(obj) is new_cls and obj == new
    assert new.__getstate__() == [getattr(new, n) for n in names]  # type: ignore[attr-defined]
    assert old.__getstate__() == [getattr(old, n) for n in names]

    for i, field_name in enumerate(names):
        changed_new = dataclasses.replace(new, **{field_name: f"replaced {i}"})
        changed_old = dataclasses.replace(old, **{field_name: f"replaced {i}"})
        assert type(changed_new) is new_cls and changed_new != new
        assert getattr(changed_new, field_name) == f"replaced {i}"
        assert repr(changed_new) == repr(changed_old)
        for action in (
            lambda obj, n=field_name: setattr(obj, n, None),
            lambda obj, n=field_name: delattr(obj, n),
        ):
            assert outcome(lambda a=action: a(new)) == outcome(lambda a=action: a(old))
            assert outcome(lambda a=action: a(new))[0] == "FrozenInstanceError"
    # Any other name is refused too. (A real slotted frozen dataclass means the same; on
    # Python 3.11 it raises TypeError: its __setattr__ refers to the class slots=True replaced.)
    assert outcome(lambda: setattr(new, "extra", 1)) == (
        "FrozenInstanceError",
        "cannot assign to field 'extra'",
    )
    assert outcome(lambda: setattr(old, "extra", 1))[0] in ("FrozenInstanceError", "TypeError")
    assert outcome(lambda: dataclasses.replace(new, nope=1)) == outcome(
        lambda: dataclasses.replace(old, nope=1)
    )
    assert outcome(lambda: new_cls(*values(name, models).values()))[0] == "TypeError"
    assert outcome(lambda: new_cls()) == outcome(lambda: old_cls())


def test_default_factories_give_each_instance_its_own(ref: SimpleNamespace) -> None:
    factory_fields = [
        (name, f.name, f.default_factory)
        for name in MODEL_NAMES
        for f in dataclasses.fields(getattr(ref, name))
        if f.default_factory is not dataclasses.MISSING
    ]
    assert ("PnL", "by_symbol", list) in factory_fields
    for name, field_name, factory in factory_fields:
        cls = getattr(models, name)
        first = cls(**values(name, models, required_only=True))
        second = cls(**values(name, models, required_only=True))
        assert getattr(first, field_name) == factory()  # [] or {}, as the old declaration's
        assert getattr(first, field_name) is not getattr(second, field_name)


def test_a_subclass_keeps_dataclass_semantics(ref: SimpleNamespace) -> None:
    class NewPrice(models.Price):
        pass

    class OldPrice(ref.Price):  # type: ignore[misc, name-defined]
        pass

    new, old = NewPrice(**values("Price", models)), OldPrice(**values("Price", ref))
    assert outcome(lambda: setattr(new, "price", 1)) == outcome(lambda: setattr(old, "price", 1))
    new.note = "a subclass has a __dict__ for names that are not fields"  # type: ignore[attr-defined]
    assert new.note.startswith("a subclass") and new == NewPrice(**values("Price", models))
    assert dataclasses.fields(NewPrice) == dataclasses.fields(models.Price)
    assert dataclasses.replace(new, symbol="Y").symbol == "Y"


def test_dataclass_metadata_is_computed_only_when_asked() -> None:
    probe = (
        "import dataclasses, json\n"
        "from agentexchange import models\n"
        "lazy = [n for n in models.__all__\n"
        "        if not isinstance(vars(getattr(models, n))['__dataclass_fields__'], dict)]\n"
        "names = [f.name for f in dataclasses.fields(models.Price)]\n"
        "stored = isinstance(vars(models.Price)['__dataclass_fields__'], dict)\n"
        "print(json.dumps([len(lazy), names, stored]))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    lazy, names, stored = json.loads(out.stdout)
    assert lazy == len(MODEL_NAMES)  # nothing computed at import
    assert names == ["symbol", "price", "timestamp"] and stored
