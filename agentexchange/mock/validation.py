"""Request validation compiled from openapi.yaml (DESIGN.md: the mock validates by the document).

Parameters (path, query, header) are scalars, so they get small hand-rolled checkers
that coerce the string to the schema's type — cheap on every request. Bodies get a
jsonschema validator built from the OpenAPI 3.0 schema (``nullable`` turned into a
JSON-Schema type union). Every failure is a ``RequestInvalid`` naming the field.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

import jsonschema

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
    out = {
        key: openapi_to_json_schema(value)
        for key, value in node.items()
        if not key.startswith("x-") and key not in ("example", "nullable", "description")
    }
    if node.get("nullable"):
        if "type" in out:
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


def _field_of(error: jsonschema.ValidationError) -> str:
    path = [str(part) for part in error.absolute_path]
    if error.validator == "required" and isinstance(error.message, str):
        missing = error.message.split("'")
        if len(missing) >= 2:
            path.append(missing[1])
    return ".".join(path) or "body"


class BodyValidator:
    """A compiled jsonschema validator for one request body schema."""

    def __init__(self, schema: Mapping[str, Any]) -> None:
        json_schema = openapi_to_json_schema(schema)
        self._validator = jsonschema.Draft7Validator(json_schema, format_checker=_FORMATS)

    def validate(self, body: Any) -> None:
        error = jsonschema.exceptions.best_match(self._validator.iter_errors(body))
        if error is not None:
            field = _field_of(error)
            raise RequestInvalid(field, f"{field}: {error.message}")


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
    if kind == "string":
        return _check_string(param.name, param.schema)
    raise ValueError(f"parameter {param.name}: type {kind!r} is not supported by the mock")
