"""The one reader of the API documents (``openapi.yaml``, ``asyncapi.yaml``).

Everything that reads the document goes through here: the generator (build time), the
mock exchange's web layer, the contract runner and the mock's ``skill.md``. It loads the
YAML, follows local ``$ref`` s, and walks the operations with their method, path,
parameters, request body, responses, security and ``x-sdk`` entries, in document order.

It imports PyYAML, which is not a dependency of the SDK: nothing on the runtime import
path of ``agentexchange`` (the clients, transport, models, WebSocket client) imports
this module. ``tests/unit/test_document.py`` holds that.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ._specfiles import spec_path

__all__ = [
    "HTTP_METHODS",
    "Document",
    "DocumentError",
    "Operation",
    "Parameter",
    "load_document",
]

# The operation keys of an OpenAPI path item, in the order the document may use them.
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_MAX_REF_DEPTH = 64


class DocumentError(ValueError):
    """The document is not shaped as an OpenAPI/AsyncAPI reader expects."""


@dataclass(frozen=True, slots=True)
class Parameter:
    """A path, query or header parameter, with its schema's ``$ref`` s followed."""

    name: str
    location: str  # path | query | header | cookie
    required: bool
    schema: Mapping[str, Any]
    description: str | None


@dataclass(frozen=True, slots=True)
class Operation:
    """One operation of the document (``raw`` is its object as written, refs unresolved)."""

    operation_id: str
    method: str  # upper case
    path: str  # the template, e.g. /api/v1/trade/order/{order_id}
    parameters: tuple[Parameter, ...]  # path-item ones first, then the operation's
    raw: Mapping[str, Any]

    @property
    def label(self) -> str:
        """``"GET /api/v1/market/price/{symbol}"``: how schemathesis names it."""
        return f"{self.method} {self.path}"

    @property
    def security(self) -> tuple[str, ...]:
        """Scheme names of the ``security`` alternatives, in order; ``()`` for public."""
        return tuple(name for alternative in self.raw.get("security", []) for name in alternative)

    @property
    def x_sdk(self) -> Any:
        """The operation's ``x-sdk`` extension (a list of method entries), if any."""
        return self.raw.get("x-sdk")


class Document:
    """A loaded document: the raw mapping plus ``$ref`` resolution and operation walking."""

    __slots__ = ("_operations", "raw", "source")

    def __init__(self, raw: Mapping[str, Any], source: Path | None = None) -> None:
        if not isinstance(raw, Mapping):
            raise DocumentError(f"{source or 'document'}: not a mapping")
        self.raw: Mapping[str, Any] = raw
        self.source = source
        self._operations: tuple[Operation, ...] | None = None

    # -- references ------------------------------------------------------------------

    def resolve(self, node: Any) -> Any:
        """Follow ``node``'s local ``$ref`` (repeatedly) to the object it names; shallow."""
        depth = 0
        while isinstance(node, Mapping) and "$ref" in node:
            node = self._target(node["$ref"])
            depth += 1
            if depth > _MAX_REF_DEPTH:
                raise DocumentError(f"$ref cycle at {node!r}")
        return node

    def inline(self, node: Any, _depth: int = 0) -> Any:
        """A copy of ``node`` with every local ``$ref`` replaced by its target, deeply.

        The documents have no recursive schemas; a cycle is reported, not followed.
        """
        if _depth > _MAX_REF_DEPTH:
            raise DocumentError("$ref nesting too deep (a recursive schema?)")
        if isinstance(node, Mapping):
            if "$ref" in node:
                return self.inline(self._target(node["$ref"]), _depth + 1)
            return {key: self.inline(value, _depth + 1) for key, value in node.items()}
        if isinstance(node, list):
            return [self.inline(item, _depth + 1) for item in node]
        return node

    def _target(self, ref: Any) -> Any:
        if not isinstance(ref, str) or not ref.startswith("#/"):
            raise DocumentError(f"unsupported $ref {ref!r} (only local '#/...' references)")
        target: Any = self.raw
        for part in ref[2:].split("/"):
            key = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(target, Mapping) or key not in target:
                raise DocumentError(f"$ref {ref!r} names nothing in the document")
            target = target[key]
        return target

    # -- operations ------------------------------------------------------------------

    def operations(self) -> tuple[Operation, ...]:
        """Every operation, in document order (paths, then methods as written)."""
        if self._operations is None:
            self._operations = tuple(self._walk())
        return self._operations

    def __iter__(self) -> Iterator[Operation]:
        return iter(self.operations())

    def operation(self, operation_id: str) -> Operation:
        for op in self.operations():
            if op.operation_id == operation_id:
                return op
        raise KeyError(f"the document has no operation {operation_id!r}")

    def _walk(self) -> Iterator[Operation]:
        paths = self.raw.get("paths") or {}
        for path, item in paths.items():
            item = self.resolve(item)
            shared = item.get("parameters") or []
            for method, op in item.items():
                if method not in HTTP_METHODS or not isinstance(op, Mapping):
                    continue
                op_id = op.get("operationId")
                if not isinstance(op_id, str) or not op_id:
                    raise DocumentError(f"{method.upper()} {path}: no operationId")
                yield Operation(
                    operation_id=op_id,
                    method=method.upper(),
                    path=path,
                    parameters=self._parameters([*shared, *(op.get("parameters") or [])]),
                    raw=op,
                )

    def _parameters(self, nodes: list[Any]) -> tuple[Parameter, ...]:
        # An operation's parameter overrides a path-item one of the same name and place.
        found: dict[tuple[str, str], Parameter] = {}
        for node in nodes:
            p = self.resolve(node)
            found[(p["in"], p["name"])] = Parameter(
                name=p["name"],
                location=p["in"],
                required=bool(p.get("required", False)),
                schema=self.inline(p.get("schema") or {}),
                description=p.get("description"),
            )
        return tuple(found.values())

    # -- operation parts -------------------------------------------------------------

    def request_body(self, op: Operation) -> Mapping[str, Any] | None:
        """The operation's request body object (``required``, ``content``), refs followed."""
        body = op.raw.get("requestBody")
        return None if body is None else self.resolve(body)

    def json_body_schema(self, op: Operation) -> Mapping[str, Any] | None:
        """The fully inlined ``application/json`` request schema, or None."""
        body = self.request_body(op)
        if body is None:
            return None
        media = (body.get("content") or {}).get("application/json")
        return None if media is None else self.inline(media.get("schema") or {})

    def responses(self, op: Operation) -> dict[str, Mapping[str, Any]]:
        """Status (as written, e.g. ``"200"``) -> response object, refs followed."""
        return {str(code): self.resolve(resp) for code, resp in op.raw["responses"].items()}


def load_document(path: Path | str | None = None) -> Document:
    """Load ``path`` (default: the packaged or repository ``openapi.yaml``)."""
    source = Path(path) if path is not None else spec_path("openapi.yaml")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader when built
    with open(source, encoding="utf-8") as fh:
        raw = yaml.load(fh, Loader=loader)  # a safe loader either way
    return Document(raw, source)
