"""Web layer: Request validation compiled from openapi.yaml (docs/architecture.md "Web layer").

Parameters (path, query, header) are scalars, so they get small hand-rolled checkers
that coerce the string to the schema's type — cheap on every request. Bodies get a
jsonschema validator built from the OpenAPI 3.0 schema (``nullable`` turned into a
JSON-Schema type union). Every failure is a ``RequestInvalid`` naming the field.

What passed is handed on parsed, so handlers never check or convert it again: parameters
as their checkers return them, and a body through ``BodyValidator.parse`` — with the
schema's ``default`` for each absent top-level member (as app.py fills query defaults),
``format: date-time`` strings as aware ``datetime`` and ``format: decimal`` strings as
``Decimal``.
"""

from __future__ import annotations

import copy
import re
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

import jsonschema
from rfc3339_validator import validate_rfc3339  # type: ignore[import-untyped]

from .spec import Parameter


class RequestInvalid(Exception):
    """A parameter or body field fails the document's schema (422 VALIDATION_ERROR)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def openapi_to_json_schema(node: Any) -> Any:
    """OpenAPI 3.0 schema object -> JSON Schema (draft 7) for jsonschema."""
    if isinstance(node, list):
        return [openapi_to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key.startswith("x-") or key in ("example", "nullable", "description"):
            continue
        if key == "properties" and isinstance(value, dict):
            # Member names, not keywords: a member called "description" is a schema too.
            out[key] = {name: openapi_to_json_schema(sub) for name, sub in value.items()}
        else:
            out[key] = openapi_to_json_schema(value)
    if node.get("nullable"):
        if any(key in out for key in ("allOf", "anyOf", "oneOf")):
            # `{type: object, nullable: true, allOf: [$ref]}` (a nullable reference): the
            # parts would refuse null, so null is a branch of its own (as schemathesis reads it).
            out = {"anyOf": [out, {"type": "null"}]}
        elif "type" in out:
            out["type"] = [out["type"], "null"]
            if "enum" in out:
                out["enum"] = [*out["enum"], None]
        else:
            out = {"anyOf": [out, {"type": "null"}]}
    return out


_FORMATS = jsonschema.FormatChecker()


@_FORMATS.checks("uuid", raises=ValueError)
def _is_uuid(value: object) -> bool:
    if isinstance(value, str):
        uuid.UUID(value)
    return True


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@_FORMATS.checks("email")
def _is_email(value: object) -> bool:
    return not isinstance(value, str) or bool(_EMAIL.match(value))


def parse_date_time(text: str) -> datetime:
    """An RFC 3339 date-time (openapi.yaml's ``format: date-time``) as an aware datetime."""
    upper = text.upper()  # RFC 3339 allows a lower-case "t" and "z"
    if not validate_rfc3339(upper):
        raise ValueError(f"{text!r} is not an RFC 3339 date-time")
    return datetime.fromisoformat(upper)


@_FORMATS.checks("date-time", raises=ValueError)
def _is_date_time(value: object) -> bool:
    # The check that admits a body's date-time is the parse that hands it on (``parse``).
    if isinstance(value, str):
        parse_date_time(value)
    return True


@_FORMATS.checks("decimal", raises=ArithmeticError)
def _is_decimal(value: object) -> bool:
    # The pattern admits any exponent; one Decimal cannot hold ("1e99999999999999999999")
    # is invalid input, refused here, not a 500 when ``parse`` converts it.
    if isinstance(value, str):
        Decimal(value)
    return True


def _field_of(error: jsonschema.ValidationError) -> str:
    path = [str(part) for part in error.absolute_path]
    if error.validator == "required" and isinstance(error.message, str):
        missing = error.message.split("'")
        if len(missing) >= 2:
            path.append(missing[1])
    return ".".join(path) or "body"


Convert = Callable[[Any], Any]
_PARSED_FORMATS: dict[str, Convert] = {"date-time": parse_date_time, "decimal": Decimal}


def _converter(schema: Any) -> Convert | None:
    """What turns the date-time and decimal strings of a valid instance of ``schema``
    into ``datetime`` and ``Decimal`` (new containers on the way to them; the instance
    itself is left alone), or None when the schema has none. Follows ``properties``, ``items`` and ``allOf``."""
    if not isinstance(schema, Mapping):
        return None
    parse = _PARSED_FORMATS.get(str(schema.get("format")))
    if parse is not None:
        return lambda value: parse(value) if isinstance(value, str) else value
    for key in ("anyOf", "oneOf"):
        if any(_converter(branch) is not None for branch in schema.get(key, ())):
            # Which branch a value matched is not known here: refuse at start-up rather
            # than hand a handler a string it expects parsed.
            raise ValueError(f"format date-time/decimal under {key} is not supported")
    members = {
        name: c
        for name, sub in (schema.get("properties") or {}).items()
        if (c := _converter(sub)) is not None
    }
    items = _converter(schema.get("items"))
    parts = [c for sub in schema.get("allOf", ()) if (c := _converter(sub)) is not None]
    if not members and items is None and not parts:
        return None

    def convert(value: Any) -> Any:
        if members and isinstance(value, Mapping):
            value = {k: members[k](v) if k in members else v for k, v in value.items()}
        if items is not None and isinstance(value, list):
            value = [items(v) for v in value]
        for part in parts:
            value = part(value)
        return value

    return convert


def _defaults(schema: Mapping[str, Any]) -> dict[str, Any]:
    """The ``default`` of each top-level property of an object schema (and its allOf)."""
    found: dict[str, Any] = {}
    for part in schema.get("allOf", ()):
        if isinstance(part, Mapping):
            found.update(_defaults(part))
    for name, sub in (schema.get("properties") or {}).items():
        if isinstance(sub, Mapping) and "default" in sub:
            found[name] = sub["default"]
    return found


class BodyValidator:
    """A compiled jsonschema validator for one body schema (request or response).

    The schema comes from ``spec.load_spec``, its ``$ref``s already resolved.
    """

    def __init__(self, schema: Mapping[str, Any], *, request: bool = False) -> None:
        """``request``: compile ``parse`` now (app.py, at start-up) rather than on first use."""
        json_schema = openapi_to_json_schema(schema)
        self._validator = jsonschema.Draft7Validator(json_schema, format_checker=_FORMATS)
        self._schema = schema
        self._parsing: tuple[dict[str, Any], Convert | None] | None = None
        if request:
            self._parsing = (_defaults(schema), _converter(schema))

    def validate(self, body: Any) -> None:
        error = jsonschema.exceptions.best_match(self._validator.iter_errors(body))
        if error is not None:
            field = _field_of(error)
            raise RequestInvalid(field, f"{field}: {error.message}")

    def parse(self, body: Any) -> Any:
        """A request body as its handler gets it: validated (or ``RequestInvalid``),
        then — as a copy — the schema's default for each absent top-level member, and
        date-time / decimal strings as ``datetime`` / ``Decimal``."""
        self.validate(body)
        if self._parsing is None:
            self._parsing = (_defaults(self._schema), _converter(self._schema))
        defaults, convert = self._parsing
        if defaults and isinstance(body, Mapping):
            missing = {k: copy.deepcopy(v) for k, v in defaults.items() if k not in body}
            body = {**body, **missing}
        return convert(body) if convert is not None else body


ParamCheck = Callable[[str], Any]


def _check_string(name: str, schema: Mapping[str, Any]) -> ParamCheck:
    pattern = re.compile(schema["pattern"]) if "pattern" in schema else None
    enum = set(schema["enum"]) if "enum" in schema else None
    fmt = schema.get("format")
    min_len = schema.get("minLength")
    max_len = schema.get("maxLength")

    def check(raw: str) -> Any:
        if enum is not None and raw not in enum:
            raise RequestInvalid(name, f"{name}: {raw!r} is not one of {sorted(enum)}")
        if pattern is not None and not pattern.search(raw):
            raise RequestInvalid(name, f"{name}: {raw!r} does not match {pattern.pattern!r}")
        if min_len is not None and len(raw) < min_len:
            raise RequestInvalid(name, f"{name}: shorter than {min_len} characters")
        if max_len is not None and len(raw) > max_len:
            raise RequestInvalid(name, f"{name}: longer than {max_len} characters")
        if fmt == "uuid":
            try:
                return str(uuid.UUID(raw))
            except ValueError:
                raise RequestInvalid(name, f"{name}: {raw!r} is not a UUID") from None
        if fmt == "date-time":
            try:
                parsed = datetime.fromisoformat(raw)
            except ValueError:
                raise RequestInvalid(
                    name, f"{name}: {raw!r} is not an ISO 8601 date-time"
                ) from None
            if parsed.tzinfo is None:
                raise RequestInvalid(name, f"{name}: {raw!r} needs a time zone (e.g. Z)")
            return parsed
        return raw

    return check


def _check_integer(name: str, schema: Mapping[str, Any]) -> ParamCheck:
    minimum = schema.get("minimum")
    maximum = schema.get("maximum")
    enum = set(schema["enum"]) if "enum" in schema else None

    def check(raw: str) -> Any:
        try:
            value = int(raw, 10)
        except ValueError:
            raise RequestInvalid(name, f"{name}: {raw!r} is not an integer") from None
        if enum is not None and value not in enum:
            raise RequestInvalid(name, f"{name}: {value} is not one of {sorted(enum)}")
        if minimum is not None and value < minimum:
            raise RequestInvalid(name, f"{name}: {value} is less than the minimum of {minimum}")
        if maximum is not None and value > maximum:
            raise RequestInvalid(name, f"{name}: {value} is greater than the maximum of {maximum}")
        return value

    return check


def _check_number(name: str, schema: Mapping[str, Any]) -> ParamCheck:
    """A number parameter (a statistic, e.g. min_confidence), handed on as a Decimal."""
    minimum = schema.get("minimum")
    maximum = schema.get("maximum")

    def check(raw: str) -> Any:
        try:
            value = Decimal(raw.strip())
        except ArithmeticError:
            raise RequestInvalid(name, f"{name}: {raw!r} is not a number") from None
        if not value.is_finite() or not raw.strip():
            raise RequestInvalid(name, f"{name}: {raw!r} is not a number")
        if minimum is not None and value < Decimal(str(minimum)):
            raise RequestInvalid(name, f"{name}: {value} is less than the minimum of {minimum}")
        if maximum is not None and value > Decimal(str(maximum)):
            raise RequestInvalid(name, f"{name}: {value} is greater than the maximum of {maximum}")
        return value

    return check


def _check_boolean(name: str, schema: Mapping[str, Any]) -> ParamCheck:
    def check(raw: str) -> Any:
        if raw in ("true", "True", "1"):
            return True
        if raw in ("false", "False", "0"):
            return False
        raise RequestInvalid(name, f"{name}: {raw!r} is not a boolean (true or false)")

    return check


def compile_parameter(param: Parameter) -> ParamCheck:
    kind = param.schema.get("type", "string")
    if kind == "integer":
        return _check_integer(param.name, param.schema)
    if kind == "boolean":
        return _check_boolean(param.name, param.schema)
    if kind == "number":
        return _check_number(param.name, param.schema)
    if kind == "string":
        return _check_string(param.name, param.schema)
    raise ValueError(f"parameter {param.name}: type {kind!r} is not supported by the mock")
