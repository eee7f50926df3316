"""The tool table's rows: one agent tool per SDK method, from the IR and the wire schemas.

`build_tools(spec, sdk)` turns every method of the clients (and every method of a session
class whose operation no client method calls) into a `Tool`: its name, group, texts for a
model, the hints read from the operation, and one JSON Schema per parameter built from the
parameter's SDK type and its wire schema (enums, bounds, patterns and the document's
examples). `templates/tools_table.py.jinja` writes them into
`agentexchange/tools/_table.py`, the one source of the toolkit, the MCP server and the
command line (docs/architecture.md "Agent tools").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from .load import Operation, Spec
from .sdkmodel import Method, Param, SdkModel, SessionClass, VocabularyError, _target_schema

# The tag of an operation names its group, except where the tag reads badly as a group of
# tools an application selects: orders are "trading", the statistics route goes with
# "analytics", registration and login are "auth", the health probe is "system".
GROUP_OF_TAG = {"trade": "trading", "metrics": "analytics", "health": "system"}

# A decimal argument without a pattern of its own takes the document's DecimalString's.
DECIMAL_SCHEMA = {"$ref": "#/components/schemas/DecimalString"}

# Keys of a wire schema carried into a tool schema as they are.
_CARRIED = (
    "enum",
    "pattern",
    "format",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
)
_FORMATS = {"date-time", "date", "uuid", "email", "uri"}
# Operation-level hints (x-sdk-tool) an operation may state where its HTTP method says less.
TOOL_HINT_KEYS = {"destructive", "read_only"}
_MISSING = object()


@dataclass(frozen=True)
class ToolParamRow:
    name: str
    sdk_type: str
    schema: dict[str, Any]
    required: bool
    default: Any  # _MISSING when required
    description: str
    positional: bool

    @property
    def has_default(self) -> bool:
        return self.default is not _MISSING


@dataclass(frozen=True)
class Tool:
    name: str
    method: str
    session: str | None  # the client's attach method of the session class, or None
    group: str
    summary: str
    description: str
    params: tuple[ToolParamRow, ...]
    read_only: bool
    destructive: bool
    idempotent: bool
    cli: dict[str, Any] | None
    returns: str  # the method's returns.kind


def build_tools(spec: Spec, sdk: SdkModel) -> list[Tool]:
    ops = {op.operation_id: op for op in spec.operations}
    tools = [_tool(spec, ops[m.operation_id], m, None) for m in sdk.methods]
    covered = {m.operation_id for m in sdk.methods}
    for session in sdk.sessions:
        creators = [
            c.name
            for c in sdk.methods
            if c.returns.kind == "session" and c.returns.session == session.name
        ]
        for m in session.methods:
            if m.operation_id not in covered:
                tools.append(_tool(spec, ops[m.operation_id], m, session, creators))
    seen: dict[str, str] = {}
    for t in tools:
        owner = f"{t.session}().{t.method}" if t.session else t.method
        if t.name in seen:
            raise VocabularyError(f"tool {t.name}: named by both {seen[t.name]} and {owner}")
        seen[t.name] = owner
    return tools


def _tool(
    spec: Spec,
    op: Operation,
    m: Method,
    session: SessionClass | None,
    creators: list[str] | None = None,
) -> Tool:
    where = f"{op.operation_id}: x-sdk method {m.name}"
    tags = op.raw.get("tags") or ["system"]
    group = GROUP_OF_TAG.get(tags[0], tags[0])
    hints = op.raw.get("x-sdk-tool") or {}
    if not isinstance(hints, dict) or set(hints) - TOOL_HINT_KEYS:
        raise VocabularyError(f"{op.operation_id}: x-sdk-tool takes {sorted(TOOL_HINT_KEYS)}")
    for key in TOOL_HINT_KEYS:
        if not isinstance(hints.get(key, False), bool):
            raise VocabularyError(f"{op.operation_id}: x-sdk-tool.{key} must be true or false")
    if hints.get("read_only") and hints.get("destructive"):
        raise VocabularyError(f"{op.operation_id}: x-sdk-tool: read_only and destructive")
    http = m.http_method.upper()
    # A POST that only computes or reads (compare, statistics) says so: read_only.
    read_only = http in {"GET", "HEAD"} or bool(hints.get("read_only"))
    params = [_param(spec, op, p, where) for p in m.params]
    name = m.name
    description = _description(spec, m)
    if session is not None:
        name = f"{session.attach}_{m.name}"
        source = " or ".join(creators or []) or "the tool that created it"
        description = f"In one {session.name} ({session.bind} from {source}): {description}"
    return Tool(
        name=name,
        method=m.name,
        session=session.attach if session is not None else None,
        group=group,
        summary=_first_line(m.summary),
        description=description,
        params=tuple(params),
        read_only=read_only,
        destructive=not read_only
        and (http in {"DELETE", "PUT", "PATCH"} or bool(hints.get("destructive"))),
        idempotent=read_only or http in {"PUT", "DELETE"},
        cli=_cli(op, m, session),
        returns=m.returns.kind,
    )


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0].strip() if text.strip() else ""


def _description(spec: Spec, m: Method) -> str:
    """What it does (the method's doc or the operation's summary and description) and what
    it answers: the text a model reads to choose the tool."""
    parts = [m.summary.strip()]
    if m.description:
        parts.append(m.description.strip())
    model = m.returns.model
    if m.returns.kind in {"list", "map_list", "map_values"}:
        parts.append(f"Returns a list of {model or m.returns.item}.")
    elif m.returns.kind in {"model", "session"} and model:
        parts.append(f"Returns {model}.")
    elif m.returns.kind == "none":
        parts.append("Returns nothing on success.")
    elif m.returns.kind == "text":
        parts.append("Returns text.")
    if any(p.type == "decimal" for p in m.params):
        parts.insert(-1, 'Money, prices and quantities are decimal strings, e.g. "0.01".')
    return _squash("\n\n".join(parts))


def _squash(text: str) -> str:
    """Folded YAML paragraphs as single lines; paragraphs kept apart."""
    paragraphs = re.split(r"\n\s*\n", text.strip())
    return "\n\n".join(" ".join(p.split()) for p in paragraphs)


def _cli(op: Operation, m: Method, session: SessionClass | None) -> dict[str, Any] | None:
    """The `cli` member of the method's x-sdk (or x-sdk-session) entry, passed through."""
    key = "x-sdk-session" if session is not None else "x-sdk"
    for entry in op.raw.get(key) or []:
        if isinstance(entry, dict) and entry.get("method") == m.name:
            if session is not None and entry.get("session") != session.name:
                continue
            cli = entry.get("cli")
            if cli is not None and not isinstance(cli, dict):
                raise VocabularyError(
                    f"{op.operation_id}: x-sdk method {m.name}: cli must be a mapping"
                )
            return dict(cli) if cli is not None else None
    return None


# --------------------------------------------------------------------------- schemas


def _param(spec: Spec, op: Operation, p: Param, where: str) -> ToolParamRow:
    wire, example = _wire(spec, op, p, 0)
    if p.spread:  # one item per target: each target's own example
        items = [_wire(spec, op, p, i)[1] for i in range(len(p.targets))]
        example = items if all(e is not None for e in items) else None
    elif p.csv and isinstance(example, str):  # the wire's example is the joined text
        example = example.split(",")
    schema = _schema_for(
        spec, p.type, wire, where + f": param {p.name}", spread=len(p.targets) if p.spread else 0
    )
    if p.enum:
        # The values the SDK's Literal allows (the IR's: the wire's enum, or the x-sdk
        # ``enum:`` narrowing it or naming a local parameter's), not read again here.
        holder = schema["items"] if p.type.startswith("list[") else schema
        holder["enum"] = list(p.enum)
    if example is not None and "examples" not in schema and "enum" not in schema:
        schema["examples"] = [_example_for(p.type, example)]
    description = " ".join((p.doc or (wire or {}).get("description") or "").split())
    if description:
        schema["description"] = description
    if not p.required and p.default is not None:
        schema["default"] = p.default
    return ToolParamRow(
        name=p.name,
        sdk_type=p.type,
        schema=schema,
        required=p.required,
        default=_MISSING if p.required else p.default,
        description=description,
        positional=not p.keyword_only,
    )


def _wire(spec: Spec, op: Operation, p: Param, index: int) -> tuple[dict[str, Any] | None, Any]:
    """The resolved wire schema of one of the parameter's targets, and its example."""
    if not p.targets:
        return None, None
    target = p.targets[index]
    if target.location == "body":
        schema = _target_schema(spec, op, target)
        schema = _merged(spec, schema) if schema is not None else None
        return schema, _schema_example(schema)
    param_obj = _parameter_object(spec, op, target.location, target.name)
    schema = _merged(spec, op.params[(target.location, target.name)].schema)
    example = param_obj.get("example") if param_obj else None
    if example is None:
        example = _schema_example(schema)
    return schema, example


def _parameter_object(spec: Spec, op: Operation, location: str, name: str) -> dict[str, Any] | None:
    for raw in op.raw.get("parameters") or []:
        obj = spec.resolve(raw)
        if isinstance(obj, dict) and obj.get("in") == location and obj.get("name") == name:
            return obj
    return None


def _schema_example(schema: dict[str, Any] | None) -> Any:
    if not schema:
        return None
    if "example" in schema:
        return schema["example"]
    examples = schema.get("examples")
    if isinstance(examples, list) and examples:
        return examples[0]
    return None


def _decimal_pattern(spec: Spec) -> str:
    return str(spec.resolve(DECIMAL_SCHEMA)["pattern"])


def _merged(spec: Spec, schema: Any) -> dict[str, Any]:
    """A schema with its `$ref` followed and a lone `allOf` folded into it."""
    schema = dict(spec.resolve(schema))
    parts = schema.pop("allOf", None)
    if parts:
        for part in parts:
            for key, value in _merged(spec, part).items():
                schema.setdefault(key, value)
    return schema


def _example_for(ptype: str, example: Any) -> Any:
    if isinstance(example, date):  # YAML reads an unquoted timestamp as a datetime
        return example.isoformat().replace("+00:00", "Z")
    if ptype == "decimal":
        return str(example)
    if ptype.startswith("list[") and not isinstance(example, list):
        return [example]
    return example


def _schema_for(
    spec: Spec, ptype: str, wire: dict[str, Any] | None, where: str, spread: int = 0
) -> dict[str, Any]:
    wire = wire or {}
    if ptype == "str":
        return _scalar(
            {"type": "string"}, wire, ("enum", "pattern", "format", "minLength", "maxLength")
        )
    if ptype == "int":
        return _scalar(
            {"type": "integer"},
            wire,
            ("enum", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"),
        )
    if ptype == "bool":
        return {"type": "boolean"}
    if ptype == "decimal":
        pattern = wire.get("pattern") if wire.get("type") == "string" else None
        out: dict[str, Any] = {"type": "string", "pattern": pattern or _decimal_pattern(spec)}
        example = _schema_example(wire)
        out["examples"] = [str(example) if example is not None else "0.01"]
        return out
    if ptype == "datetime":
        example = _schema_example(wire)
        return {
            "type": "string",
            "format": "date-time",
            "examples": [example if example is not None else "2026-01-01T00:00:00Z"],
        }
    if ptype == "object":
        return _object_schema(spec, wire, where)
    if ptype == "list[number]":  # statistics: JSON numbers (money is never a list[number])
        out = {"type": "array", "items": {"type": "number"}}
        for key in ("minItems", "maxItems"):
            if key in wire:
                out[key] = wire[key]
        return out
    if ptype in {"list[str]", "list[int]"}:
        item_type = ptype[5:-1]
        if spread:
            # a sequence spread over as many targets: each item has the target's schema
            items = _schema_for(spec, item_type, wire, where)
            return {"type": "array", "items": items, "minItems": spread, "maxItems": spread}
        item_wire = _merged(spec, wire["items"]) if wire.get("type") == "array" else {}
        items = _schema_for(spec, item_type, item_wire, where)
        items.pop("examples", None)
        out = {"type": "array", "items": items}
        for key in ("minItems", "maxItems"):
            if key in wire:
                out[key] = wire[key]
        return out
    raise VocabularyError(f"{where}: no tool schema for type {ptype}")


def _scalar(out: dict[str, Any], wire: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    for key in keys:
        if key in wire and (key != "format" or wire[key] in _FORMATS):
            value = wire[key]
            if key == "enum":
                value = [v for v in value if v is not None]
            out[key] = value
    return out


def _object_schema(spec: Spec, wire: dict[str, Any], where: str) -> dict[str, Any]:
    """A JSON Schema of an object member, converted from the wire's OpenAPI schema: refs
    followed, `nullable` as a "null" type, vendor keys and read-only annotations dropped."""
    wire = _merged(spec, wire)
    kind = wire.get("type")
    if kind is None and "properties" in wire:
        kind = "object"
    out: dict[str, Any] = {}
    if kind == "object" or "properties" in wire:
        out["type"] = "object"
        props = wire.get("properties") or {}
        if props:
            out["properties"] = {
                name: _member_schema(spec, sub, f"{where}.{name}") for name, sub in props.items()
            }
            required = [r for r in wire.get("required") or [] if r in props]
            if required:
                out["required"] = required
        extra = wire.get("additionalProperties")
        if props and extra is not True and not isinstance(extra, dict):
            out["additionalProperties"] = False
        elif isinstance(extra, dict):
            out["additionalProperties"] = _member_schema(spec, extra, f"{where}{{}}")
    else:
        out = _member_schema(spec, wire, where)
    return out


def _member_schema(spec: Spec, wire: Any, where: str) -> dict[str, Any]:
    wire = _merged(spec, wire)
    kind = wire.get("type")
    if kind == "object" or "properties" in wire:
        out = _object_schema(spec, wire, where)
    elif kind == "array":
        out = {"type": "array"}
        if "items" in wire:
            out["items"] = _member_schema(spec, wire["items"], where + "[]")
        for key in ("minItems", "maxItems"):
            if key in wire:
                out[key] = wire[key]
    elif kind in {"string", "integer", "number", "boolean"}:
        out = {"type": kind}
        if kind == "string" and wire.get("format") == "decimal":
            out["pattern"] = wire.get("pattern") or _decimal_pattern(spec)
        for key in _CARRIED:
            if key in wire and key not in out and (key != "format" or wire[key] in _FORMATS):
                out[key] = wire[key]
        if "enum" in out:
            out["enum"] = [v for v in out["enum"] if v is not None]
    elif not wire or set(wire) <= {"description", "nullable"}:
        out = {}
    else:
        raise VocabularyError(f"{where}: no tool schema for a wire schema of type {kind!r}")
    if wire.get("description") and "description" not in out:
        out["description"] = " ".join(str(wire["description"]).split())
    if "default" in wire and wire["default"] is not None:
        out["default"] = wire["default"]
    if wire.get("nullable") and "type" in out:
        out["type"] = [out["type"], "null"]
        if "enum" in out:
            out["enum"] = [*out["enum"], None]
    return out
