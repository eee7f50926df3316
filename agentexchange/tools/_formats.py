"""The tool list in the forms model APIs take (docs/architecture.md "Agent tools").

- Anthropic's Messages API: ``{"name", "description", "input_schema"}`` with the tool's
  own JSON Schema.
- OpenAI's function tools in strict mode: ``{"type": "function", "function": {"name",
  "description", "parameters", "strict": true}}``. Strict mode asks every object for
  ``additionalProperties: false`` and every property in ``required`` (an optional one is
  made nullable: ``null`` = not given), and accepts a subset of JSON Schema keywords; a
  free-form object (no properties) cannot be written in it, so it becomes a string holding
  the object's JSON text, which the toolkit parses back.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._spec import ToolSpec

__all__ = ["anthropic_tool", "openai_tool", "strict_parameters", "strict_schema"]

# The keywords OpenAI's structured outputs accept, besides type, properties, required,
# additionalProperties, items, enum and description.
_STRICT_KEYWORDS = (
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minItems",
    "maxItems",
)
_STRICT_FORMATS = {
    "date-time",
    "time",
    "date",
    "duration",
    "email",
    "hostname",
    "ipv4",
    "ipv6",
    "uuid",
}


def anthropic_tool(tool: ToolSpec) -> dict[str, Any]:
    return {
        "name": tool.name,
        "description": tool.description,
        "input_schema": plain(tool.input_schema),
    }


def openai_tool(tool: ToolSpec) -> dict[str, Any]:
    return {
        "type": "function",
        "function": {
            "name": tool.name,
            "description": tool.description,
            "parameters": strict_parameters(tool.input_schema),
            "strict": True,
        },
    }


def strict_parameters(schema: Mapping[str, Any]) -> dict[str, Any]:
    """A tool's arguments in strict mode: always an object, even with no argument."""
    if schema.get("properties"):
        return strict_schema(schema)
    return {"type": "object", "properties": {}, "required": [], "additionalProperties": False}


def strict_schema(schema: Mapping[str, Any], nullable: bool = False) -> dict[str, Any]:
    """`schema` in OpenAI's strict subset (`nullable`: the member is optional)."""
    types = schema.get("type")
    allowed = [types] if isinstance(types, str) else list(types or [])
    nullable = nullable or "null" in allowed
    allowed = [t for t in allowed if t != "null"]
    out: dict[str, Any] = {}
    if "description" in schema:
        out["description"] = schema["description"]
    if allowed == ["object"] and schema.get("properties"):
        props: Mapping[str, Any] = schema["properties"]
        required = set(schema.get("required") or ())
        out["type"] = "object"
        out["properties"] = {
            name: strict_schema(sub, nullable=name not in required) for name, sub in props.items()
        }
        out["required"] = list(props)
        out["additionalProperties"] = False
    elif not allowed or allowed == ["object"]:
        # free-form: any JSON object (or value), sent as its JSON text
        out["type"] = "string"
        note = "A JSON object, as its JSON text."
        out["description"] = f"{out['description']} {note}" if "description" in out else note
    else:
        out["type"] = allowed[0] if len(allowed) == 1 else allowed
        if "items" in schema:
            out["items"] = strict_schema(schema["items"])
        if "enum" in schema:
            out["enum"] = [v for v in schema["enum"] if v is not None]
        for key in _STRICT_KEYWORDS:
            if key in schema:
                out[key] = schema[key]
        if schema.get("format") in _STRICT_FORMATS:
            out["format"] = schema["format"]
    if nullable and out["type"] == "object":
        return {"anyOf": [out, {"type": "null"}]}
    if nullable:
        kind = out["type"]
        out["type"] = [*kind, "null"] if isinstance(kind, list) else [kind, "null"]
        if "enum" in out:
            out["enum"] = [*out["enum"], None]
    return out


def plain(value: Any) -> Any:
    """A deep copy in plain dicts and lists (the table's mappings are shared)."""
    if isinstance(value, Mapping):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value
