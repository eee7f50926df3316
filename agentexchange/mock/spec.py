"""The mock exchange's reading of openapi.yaml: one ``Operation`` per path and method.

DESIGN.md: the mock *serves the document* — its routes, parameter checks, body schemas
and auth alternatives all come from here, compiled once at start-up, so a path, field
or enum exists in exactly one place (openapi.yaml). Nothing here knows HTTP frameworks.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .._specfiles import spec_path

_PARAM = re.compile(r"\{([^}]+)\}")


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    location: str  # path | query | header
    required: bool
    schema: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Operation:
    operation_id: str
    method: str  # upper case
    path: str  # OpenAPI template, e.g. /api/v1/trade/order/{order_id}
    regex: re.Pattern[str]
    parameters: tuple[Parameter, ...]
    body_schema: Mapping[str, Any] | None
    body_required: bool
    security: tuple[str, ...]  # alternatives in order; () = public
    success_status: int
    success_schema: Mapping[str, Any] | None
    success_media: str | None
    documented_statuses: frozenset[int] = field(default_factory=frozenset)
    # Defaults the document gives optional query parameters (applied when not sent).
    query_defaults: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ApiSpec:
    document: Mapping[str, Any]
    operations: tuple[Operation, ...]

    def by_id(self) -> dict[str, Operation]:
        return {op.operation_id: op for op in self.operations}


def load_document(path: Path | None = None) -> dict[str, Any]:
    source = path or spec_path("openapi.yaml")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with open(source, encoding="utf-8") as fh:
        document: dict[str, Any] = yaml.load(fh, Loader=loader)  # CSafeLoader or SafeLoader only
    return document


def resolve(document: Mapping[str, Any], node: Any, _depth: int = 0) -> Any:
    """Inline every local $ref (the document has no recursive schemas)."""
    if _depth > 40:
        raise ValueError("$ref nesting too deep")
    if isinstance(node, dict):
        if "$ref" in node:
            target: Any = document
            for part in node["$ref"].lstrip("#/").split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            return resolve(document, target, _depth + 1)
        return {key: resolve(document, value, _depth + 1) for key, value in node.items()}
    if isinstance(node, list):
        return [resolve(document, item, _depth + 1) for item in node]
    return node


def _path_regex(template: str) -> re.Pattern[str]:
    pattern = ""
    last = 0
    for match in _PARAM.finditer(template):
        pattern += re.escape(template[last : match.start()]) + f"(?P<{match.group(1)}>[^/]+)"
        last = match.end()
    pattern += re.escape(template[last:])
    return re.compile(f"^{pattern}$")


def load_spec(path: Path | None = None) -> ApiSpec:
    document = load_document(path)
    operations: list[Operation] = []
    for template, item in document["paths"].items():
        shared = item.get("parameters", [])
        for method, raw in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            op = resolve(document, raw)
            params = [
                Parameter(p["name"], p["in"], bool(p.get("required")), p.get("schema", {}))
                for p in resolve(document, shared) + op.get("parameters", [])
            ]
            body = op.get("requestBody")
            body_schema = None
            if body is not None:
                body_schema = body["content"]["application/json"]["schema"]
            success = sorted(int(code) for code in op["responses"] if str(code).startswith("2"))[0]
            success_response = op["responses"][str(success)]
            content = success_response.get("content") or {}
            media = next(iter(content), None)
            security = tuple(name for alternative in op.get("security", []) for name in alternative)
            operations.append(
                Operation(
                    operation_id=op["operationId"],
                    method=method.upper(),
                    path=template,
                    regex=_path_regex(template),
                    parameters=tuple(params),
                    body_schema=body_schema,
                    body_required=bool(body and body.get("required")),
                    security=security,
                    success_status=success,
                    success_schema=content[media]["schema"] if media else None,
                    success_media=media,
                    documented_statuses=frozenset(int(code) for code in op["responses"]),
                    query_defaults={
                        p.name: p.schema["default"]
                        for p in params
                        if p.location == "query" and "default" in p.schema
                    },
                )
            )
    return ApiSpec(document=document, operations=tuple(operations))
