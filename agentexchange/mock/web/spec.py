"""Web layer: The mock exchange's reading of openapi.yaml: one ``Operation`` per path and method.

docs/architecture.md "Web layer": the mock *serves the document* — its routes, parameter
checks, body schemas and auth alternatives all come from here, compiled once at start-up,
so a path, field or enum exists in exactly one place (openapi.yaml). Nothing here knows
HTTP frameworks.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..._document import Document, Parameter, load_document

__all__ = ["ApiSpec", "Operation", "Parameter", "load_spec"]

_PARAM = re.compile(r"\{([^}]+)\}")


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


def _path_regex(template: str) -> re.Pattern[str]:
    pattern = ""
    last = 0
    for match in _PARAM.finditer(template):
        pattern += re.escape(template[last : match.start()]) + f"(?P<{match.group(1)}>[^/]+)"
        last = match.end()
    pattern += re.escape(template[last:])
    return re.compile(f"^{pattern}$")


def _compile(doc: Document) -> ApiSpec:
    operations: list[Operation] = []
    for op in doc.operations():
        body = doc.request_body(op)
        responses = doc.responses(op)
        success = min(int(code) for code in responses if code.startswith("2"))
        content = responses[str(success)].get("content") or {}
        media = next(iter(content), None)
        operations.append(
            Operation(
                operation_id=op.operation_id,
                method=op.method,
                path=op.path,
                regex=_path_regex(op.path),
                parameters=op.parameters,
                body_schema=doc.json_body_schema(op),
                body_required=bool(body and body.get("required")),
                security=op.security,
                success_status=success,
                success_schema=doc.inline(content[media]["schema"]) if media else None,
                success_media=media,
                documented_statuses=frozenset(int(code) for code in responses),
                query_defaults={
                    p.name: p.schema["default"]
                    for p in op.parameters
                    if p.location == "query" and "default" in p.schema
                },
            )
        )
    return ApiSpec(document=doc.raw, operations=tuple(operations))


def load_spec(path: Path | None = None) -> ApiSpec:
    """The operations of ``path`` (default: the packaged or repository openapi.yaml)."""
    return _compile(load_document(path))
