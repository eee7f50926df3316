"""The dataclass machinery of the generated models (docs/architecture.md, "Models").

``@dataclass(frozen=True, slots=True, kw_only=True)`` costs ~0.5 ms per class at import:
it compiles ``__init__``, ``__repr__``, ``__eq__``, ``__hash__``, ``__setattr__`` and
``__delattr__`` from source text with ``exec`` and then re-creates the class to give it
slots — with 38 models, most of ``import agentexchange``. So the generator writes in the
model's source what ``@dataclass`` would compute (``__slots__`` in field order,
``__match_args__``, a keyword-only ``__init__``, ``__repr__`` without the secret fields,
``__eq__``, ``__hash__``) and `frozen_dataclass` adds the rest, as ``@dataclass`` defines it:

- ``__setattr__`` / ``__delattr__`` raising ``dataclasses.FrozenInstanceError``, and
  ``__getstate__`` / ``__setstate__`` (the field values as a list) for pickle and copy;
- ``__dataclass_fields__`` and ``__dataclass_params__`` — what ``dataclasses.fields``,
  ``is_dataclass``, ``replace``, ``asdict`` and ``astuple`` read — computed on first read
  by applying the real ``dataclasses.dataclass`` to a shadow class with the model's
  annotations and defaults (the defaults read from its ``__init__``), then stored on the
  model. They are what ``@dataclass`` itself makes, through public API only; a program
  that never asks pays nothing.

To type checkers `frozen_dataclass` is a ``dataclass_transform`` (frozen, keyword-only):
they see frozen dataclasses, as before. ``tests/unit/test_model_dataclasses.py`` holds
every model to a real ``@dataclass`` of the same declaration.

Every model (and its unfrozen twin, whose class a fused builder swaps for the model's, so
both need the same layout) derives from `Model`, which gives ``to_dict()`` / ``to_json()``
through the one JSON-safe conversion (``_jsonable.jsonable``) and ``from_dict()``, which
reads that form back through the model's generated ``_from_dict``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import MISSING, FrozenInstanceError, dataclass, field
from typing import Any, ClassVar, Self, TypeVar, cast, dataclass_transform

from ._jsonable import jsonable

__all__ = ["DICT_DEFAULT", "LIST_DEFAULT", "Model", "frozen_dataclass", "object_setattr"]

# What a model's generated _from_dict raises on a mapping of the wrong shape.
_MALFORMED = (KeyError, IndexError, TypeError, ValueError, ArithmeticError, AttributeError)


class Model:
    """Base of every response model: JSON-safe conversion both ways.

    ``to_dict()`` is an object of the fields by Python name, decimals as their exact
    text, timestamps ISO 8601, nested models as objects; ``from_dict`` reads that form
    (or its ``json.loads``) back into an equal model: ``Order.from_dict(order.to_dict())
    == order``. A field typed ``dict[str, Any]`` keeps its content as JSON makes it (a
    Decimal inside it comes back as text).
    """

    __slots__ = ()

    _from_dict: ClassVar[Callable[[Mapping[str, Any]], Any]]

    def to_dict(self) -> dict[str, Any]:
        """The fields as JSON-safe values (``Decimal`` as text, ``datetime`` ISO 8601)."""
        return cast(dict[str, Any], jsonable(self))

    def to_json(self, *, indent: int | None = None) -> str:
        """``to_dict()`` as JSON text."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """The model from ``to_dict()``'s form; a mapping of another shape raises
        ``ValueError`` naming the model and the field."""
        if not isinstance(data, Mapping):
            raise TypeError(f"{cls.__name__}.from_dict needs a mapping, not {type(data).__name__}")
        try:
            return cast(Self, cls._from_dict(data))
        except KeyError as exc:
            raise ValueError(f"{cls.__name__}.from_dict: missing field {exc.args[0]!r}") from None
        except _MALFORMED as exc:
            raise ValueError(f"{cls.__name__}.from_dict: {exc}") from exc


_T = TypeVar("_T")

# What a frozen dataclass's __init__ and __setstate__ set fields with.
object_setattr = object.__setattr__


class _Factory:
    """The default of an ``__init__`` parameter whose field has a ``default_factory``."""

    __slots__ = ("factory",)

    def __init__(self, factory: Callable[[], Any]) -> None:
        self.factory = factory

    def __repr__(self) -> str:
        return "<factory>"  # as dataclasses shows it in a signature


# Typed Any: they stand in for a list / dict default in an annotated signature.
LIST_DEFAULT: Any = _Factory(list)
DICT_DEFAULT: Any = _Factory(dict)


@dataclass_transform(frozen_default=True, kw_only_default=True)
def frozen_dataclass(*repr_hidden: str) -> Callable[[type[_T]], type[_T]]:
    """Complete a model class the generator wrote out; ``repr_hidden``: fields kept out of repr."""

    def complete(cls: type[_T]) -> type[_T]:
        names: tuple[str, ...] = cls.__slots__  # type: ignore[attr-defined]
        name_set = frozenset(names)

        # __setattr__ / __delattr__ / __getstate__ / __setstate__ as @dataclass writes them
        # for a frozen, slotted class.
        def __setattr__(self: Any, name: str, value: object) -> None:
            if type(self) is cls or name in name_set:
                raise FrozenInstanceError(f"cannot assign to field {name!r}")
            super(cls, self).__setattr__(name, value)

        def __delattr__(self: Any, name: str) -> None:
            if type(self) is cls or name in name_set:
                raise FrozenInstanceError(f"cannot delete field {name!r}")
            super(cls, self).__delattr__(name)

        def __getstate__(self: Any) -> list[Any]:
            return [getattr(self, name) for name in names]

        def __setstate__(self: Any, state: list[Any]) -> None:
            for name, value in zip(names, state, strict=False):
                object_setattr(self, name, value)

        for method in (__setattr__, __delattr__, __getstate__, __setstate__):
            method.__qualname__ = f"{cls.__qualname__}.{method.__name__}"
            setattr(cls, method.__name__, method)
        lazy = _DataclassInfo(cls, repr_hidden)
        type.__setattr__(cls, "__dataclass_fields__", _Lazy(lazy, "__dataclass_fields__"))
        type.__setattr__(cls, "__dataclass_params__", _Lazy(lazy, "__dataclass_params__"))
        return cls

    return complete


class _DataclassInfo:
    """Computes a model's ``__dataclass_fields__`` / ``__dataclass_params__`` and stores them."""

    __slots__ = ("cls", "repr_hidden")

    def __init__(self, cls: type, repr_hidden: tuple[str, ...]) -> None:
        self.cls = cls
        self.repr_hidden = repr_hidden

    def install(self) -> None:
        # Two threads may both get here: each stores an equal result, no lock needed.
        shadow = self.shadow()
        for name in ("__dataclass_fields__", "__dataclass_params__"):
            type.__setattr__(self.cls, name, getattr(shadow, name))

    def shadow(self) -> type:
        """A real ``@dataclass`` with the model's declaration: names, annotations, defaults."""
        cls = self.cls
        defaults = cls.__init__.__kwdefaults__ or {}  # type: ignore[misc]
        namespace: dict[str, Any] = {
            "__module__": cls.__module__,  # where string annotations (ClassVar) resolve
            "__qualname__": cls.__qualname__,
            "__annotations__": dict(cls.__annotations__),
        }
        for name in cls.__slots__:  # type: ignore[attr-defined]
            default: Any = defaults.get(name, MISSING)
            shown = name not in self.repr_hidden
            if isinstance(default, _Factory):
                namespace[name] = field(default_factory=default.factory, repr=shown)
            elif not shown:
                namespace[name] = field(default=default, repr=False)
            elif default is not MISSING:
                namespace[name] = default
        return dataclass(frozen=True, slots=True, kw_only=True)(type(cls.__name__, (), namespace))


class _Lazy:
    """A model's ``__dataclass_fields__`` or ``__dataclass_params__`` until first read."""

    __slots__ = ("info", "name")

    def __init__(self, info: _DataclassInfo, name: str) -> None:
        self.info = info
        self.name = name

    def __get__(self, instance: object, owner: type | None = None) -> Any:
        self.info.install()  # replaces both descriptors with the computed values
        return getattr(self.info.cls, self.name)
