"""A model's tool arguments checked against the tool's schema and turned into SDK arguments
(docs/architecture.md "Agent tools").

jsonschema is not a runtime dependency, and the tool schemas use a small subset of JSON
Schema (the generator writes no other keyword), so the check is written out here: types,
``enum``, ``pattern``, ``format`` (date-time, uuid), bounds, lengths, item counts, nested
objects with ``required`` and ``additionalProperties``. Two leniencies serve OpenAI's strict
mode, which makes a model send every property: ``null`` for an optional argument or member
means "not given", and an object may come as its JSON text (strict mode cannot describe a
free-form object). Decimals become ``Decimal`` and datetimes ``datetime`` for the SDK.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from ._spec import ToolSpec

__all__ = ["ArgumentError", "sdk_arguments"]

_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "array": (list, tuple),
    "object": (Mapping,),
}
_patterns: dict[str, re.Pattern[str]] = {}


class ArgumentError(Exception):
    """An argument does not fit the tool's schema: `field` names it (dotted for members)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}" if field else message)
        self.field = field
        self.message = message


def sdk_arguments(tool: ToolSpec, arguments: Mapping[str, Any] | None) -> dict[str, Any]:
    """The keyword arguments of the SDK method for a model's `arguments`, or ArgumentError."""
    if arguments is None:
        arguments = {}
    if not isinstance(arguments, Mapping):
        raise ArgumentError("", "the arguments must be a JSON object")
    known = {p.name for p in tool.params}
    unknown = sorted(str(k) for k in arguments if k not in known)
    if unknown:
        raise ArgumentError(unknown[0], f"unknown argument; {tool.name} takes {sorted(known)}")
    out: dict[str, Any] = {}
    for param in tool.params:
        value = arguments.get(param.name)
        if value is None:
            if param.required:
                raise ArgumentError(param.name, "required")
            continue  # not given: the SDK's default applies
        if param.sdk_type == "decimal" and not isinstance(value, str):
            raise ArgumentError(
                param.name,
                f'must be a decimal string such as "0.01", not {_json_name(value)} {value!r}'
                " (a JSON number would lose the exact value)",
            )
        checked = check(value, param.schema, param.name)
        out[param.name] = _to_sdk(checked, param.sdk_type, param.name)
    return out


def _to_sdk(value: Any, sdk_type: str, field: str) -> Any:
    if sdk_type == "decimal":
        try:
            return Decimal(value)
        except (InvalidOperation, TypeError, ValueError):
            raise ArgumentError(field, f"{_shown(value)} is not a decimal number") from None
    if sdk_type == "datetime":
        return _datetime(value, field)
    if sdk_type.startswith("list["):
        return list(value)
    return value


def _datetime(value: Any, field: str) -> datetime:
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise ArgumentError(
            field, f"{_shown(value)} is not an ISO 8601 date-time, e.g. 2026-01-01T00:00:00Z"
        ) from None


def check(value: Any, schema: Mapping[str, Any], field: str) -> Any:
    """`value` checked against `schema`; objects come back as dicts with the optional
    members given as null left out, and objects given as JSON text parsed."""
    types = schema.get("type")
    allowed = [types] if isinstance(types, str) else list(types or [])
    if value is None:
        if allowed and "null" not in allowed:
            raise ArgumentError(field, "must not be null")
        return None
    if "object" in allowed and isinstance(value, str) and "string" not in allowed:
        try:
            value = json.loads(value)
        except (ValueError, RecursionError):  # RecursionError: "[[[[…" nested too deep
            raise ArgumentError(field, "must be a JSON object") from None
    if allowed and not any(_is(value, t) for t in allowed if t != "null"):
        raise ArgumentError(field, f"must be {' or '.join(allowed)}, not {_json_name(value)}")
    # 5.0 from a JSON parser that reads every number as a float: an int once checked (the
    # checks' messages show the number as sent, not 1e308 spelt out in 309 digits)
    as_int = isinstance(value, float) and "integer" in allowed and "number" not in allowed
    enum = schema.get("enum")
    if enum is not None and value not in enum:
        raise ArgumentError(field, f"must be one of {enum}, not {_shown(value)}")
    if isinstance(value, str):
        _check_string(value, schema, field)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        _check_number(value, schema, field)
        return int(value) if as_int else value
    elif isinstance(value, list | tuple):
        return _check_array(value, schema, field)
    elif isinstance(value, Mapping):
        return _check_object(value, schema, field)
    return value


def _is(value: Any, json_type: str) -> bool:
    if json_type in {"integer", "number"} and isinstance(value, bool):
        return False
    if json_type == "integer" and isinstance(value, float):
        return value.is_integer()
    return isinstance(value, _JSON_TYPES.get(json_type, ()))


def _shown(value: Any) -> str:
    """The value as an error message quotes it: cut, so a model that sent a megabyte does
    not get it back."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _json_name(value: Any) -> str:
    for name in _JSON_TYPES:
        if _is(value, name):
            return name
    return type(value).__name__


def _check_string(value: str, schema: Mapping[str, Any], field: str) -> None:
    low, high = schema.get("minLength"), schema.get("maxLength")
    if low is not None and len(value) < low:
        raise ArgumentError(field, f"must be at least {low} characters long")
    if high is not None and len(value) > high:
        raise ArgumentError(field, f"must be at most {high} characters long")
    pattern = schema.get("pattern")
    if pattern is not None:
        compiled = _patterns.get(pattern)
        if compiled is None:
            compiled = _patterns[pattern] = re.compile(pattern)
        if compiled.search(value) is None:
            raise ArgumentError(field, f"{_shown(value)} does not match {pattern}")
    fmt = schema.get("format")
    if fmt == "date-time":
        _datetime(value, field)
    elif fmt == "uuid":
        try:
            uuid.UUID(value)
        except ValueError:
            raise ArgumentError(field, f"{_shown(value)} is not a UUID") from None


def _check_number(value: float, schema: Mapping[str, Any], field: str) -> None:
    low, high = schema.get("minimum"), schema.get("maximum")
    if low is not None and value < low:
        raise ArgumentError(field, f"must be at least {low}, not {value}")
    if high is not None and value > high:
        raise ArgumentError(field, f"must be at most {high}, not {value}")
    low, high = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
    if low is not None and value <= low:
        raise ArgumentError(field, f"must be above {low}, not {value}")
    if high is not None and value >= high:
        raise ArgumentError(field, f"must be below {high}, not {value}")


def _check_array(value: list[Any] | tuple[Any, ...], schema: Mapping[str, Any], field: str) -> Any:
    low, high = schema.get("minItems"), schema.get("maxItems")
    if low is not None and len(value) < low:
        raise ArgumentError(field, f"needs at least {low} items")
    if high is not None and len(value) > high:
        raise ArgumentError(field, f"takes at most {high} items")
    items = schema.get("items")
    if not isinstance(items, Mapping):
        return list(value)
    return [check(item, items, f"{field}[{i}]") for i, item in enumerate(value)]


def _check_object(value: Mapping[str, Any], schema: Mapping[str, Any], field: str) -> Any:
    props: Mapping[str, Any] = schema.get("properties") or {}
    required = set(schema.get("required") or ())
    extra = schema.get("additionalProperties", True)
    out: dict[str, Any] = {}
    for key, item in value.items():
        where = f"{field}.{key}"
        sub = props.get(key)
        if sub is None:
            if extra is False:
                raise ArgumentError(where, f"unknown member; known: {sorted(props)}")
            out[key] = check(item, extra, where) if isinstance(extra, Mapping) else item
            continue
        if item is None and key not in required and not _nullable(sub):
            continue  # an optional member sent as null (strict mode): not given
        out[key] = check(item, sub, where)
    for key in sorted(required - set(out)):
        raise ArgumentError(f"{field}.{key}", "required")
    return out


def _nullable(schema: Mapping[str, Any]) -> bool:
    types = schema.get("type")
    return types == "null" or (isinstance(types, list) and "null" in types)
