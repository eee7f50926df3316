"""One conversion from SDK values to JSON-safe values (docs/architecture.md, "Models").

Everything that hands an SDK result to something outside Python — a model's
``to_dict()`` / ``to_json()``, the agent toolkit's tool results, the command line's
``--json`` — goes through `jsonable`, so they all agree on the form:

- ``Decimal`` → its exact string (``Decimal("0.10")`` → ``"0.10"``): a JSON number would
  be read back as a float and lose the exact value;
- ``datetime`` / ``date`` / ``time`` → ISO 8601 (an aware datetime keeps its offset);
- a model (a generated frozen dataclass) → an object of its fields, by Python name;
- a mapping → an object with string keys; a list, tuple, set or frozenset → an array;
- ``str``, ``int``, ``bool``, ``None`` and finite ``float`` (a statistic the wire types
  as a JSON number) pass through. NaN and infinities are refused: JSON has no such values.

Anything else is a programming error and raises ``TypeError`` naming the type.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

__all__ = ["jsonable"]

# A model's field names, by class: read once from its __slots__ (generated models) or
# dataclasses.fields (any other dataclass), so converting many rows stays cheap.
_field_names: dict[type, tuple[str, ...]] = {}


def jsonable(value: Any) -> Any:
    """Return ``value`` as JSON-safe Python values (dict, list, str, int, float, bool, None)."""
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{value} has no JSON form")
        return str(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value} has no JSON form")
        return value
    if isinstance(value, Mapping):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(item) for item in value]
    names = _names_of(type(value))
    if names is None:
        raise TypeError(f"{type(value).__name__} has no JSON form")
    return {name: jsonable(getattr(value, name)) for name in names}


def _names_of(cls: type) -> tuple[str, ...] | None:
    names = _field_names.get(cls)
    if names is None:
        marker = vars(cls).get("__dataclass_fields__")
        if marker is not None and not isinstance(marker, dict):
            # A generated model whose dataclass fields were never asked for (they are
            # computed lazily, see _dataclass.py): its __slots__ are its fields in order.
            names = tuple(cls.__slots__)  # type: ignore[attr-defined]
        elif dataclasses.is_dataclass(cls):
            names = tuple(field.name for field in dataclasses.fields(cls))
        else:
            return None
        _field_names[cls] = names
    return names
