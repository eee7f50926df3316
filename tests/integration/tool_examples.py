"""The example arguments of each SDK method, read from openapi.yaml with PyYAML (not
through the generated tool table): each parameter's wire target's ``example`` — a parameter
object's or its schema's, an enum's first value — in the form a model sends it (a decimal
as a string, a csv list as a list). Used to check the tool schemas the MCP server lists
(issue 16's first acceptance item).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
DOC: dict[str, Any] = yaml.safe_load((ROOT / "openapi.yaml").read_text(encoding="utf-8"))


def sdk_methods() -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """(operation, x-sdk entry) of every client method of the document."""
    for item in DOC["paths"].values():
        for verb, op in item.items():
            if verb in {"get", "post", "put", "patch", "delete"}:
                for entry in op.get("x-sdk") or []:
                    yield op, entry


def _resolve(node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        target: Any = DOC
        for part in node["$ref"][2:].split("/"):
            target = target[part]
        node = target
    return node


def _example(schema_or_param: Mapping[str, Any]) -> Any:
    node = _resolve(schema_or_param)
    if "example" in node:
        return node["example"]
    schema = _resolve(node.get("schema", node))
    if "example" in schema:
        return schema["example"]
    for part in schema.get("allOf", []):
        found = _example(part)
        if found is not None:
            return found
    if schema.get("enum"):
        return schema["enum"][0]  # an enum lists its own examples
    return None


def document_examples(op: dict[str, Any], entry: dict[str, Any]) -> dict[str, Any]:
    """The example arguments of one method, read from openapi.yaml: each parameter's wire
    target's `example` (a parameter object's, or its schema's; an enum's first value)."""
    params = {(p["in"], p["name"]): p for p in map(_resolve, op.get("parameters") or [])}
    body = _resolve(
        ((op.get("requestBody") or {}).get("content") or {})
        .get("application/json", {})
        .get("schema", {})
    )
    args: dict[str, Any] = {}
    for param in entry.get("params") or []:
        wires = param.get("wire")
        if wires is None:
            continue
        values = []
        schemas = []
        for wire in wires if isinstance(wires, list) else [wires]:
            location, _, name = wire.partition(".")
            if location == "body":
                node: Any = body
                for key in name.split("."):
                    node = _resolve(node).get("properties", {}).get(key, {})
                values.append(_example(node))
                schemas.append(_resolve(node))
            else:
                values.append(_example(params[(location, name)]))
                schemas.append(_resolve(params[(location, name)].get("schema", {})))
        if any(v is None for v in values):
            continue
        value: Any = values if isinstance(wires, list) else values[0]
        kind = param.get("type")
        if param.get("csv") and isinstance(value, str):
            value = value.split(",")
        elif (kind or "").startswith("list[") and not isinstance(value, list):
            value = [value]
        money = schemas[0].get("format") == "decimal" or schemas[0].get("type") == "number"
        if money and kind != "list[number]" and not isinstance(value, list | bool):
            value = str(value)  # a decimal argument is a decimal string
        args[param["name"]] = value
    return args
