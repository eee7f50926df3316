"""Load openapi.yaml: openapi-python-client's parser for the operations, the raw document
for the `x-sdk*` vendor extensions it does not keep.

Only the parser (`GeneratorData.from_dict`) is used, never `Project.build()`, so nothing of
the stock package is written. The parser validates the document and gives each operation's
method, path and parameters; everything the SDK vocabulary adds is read from the raw YAML.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from openapi_python_client.config import Config, ConfigFile, MetaType
from openapi_python_client.parser import GeneratorData
from openapi_python_client.parser.errors import GeneratorError as ParserError


class SpecError(Exception):
    """The document, or its SDK vocabulary, cannot be turned into an SDK."""


@dataclass(frozen=True)
class ParsedParam:
    """A path/query/header parameter as the parser saw it, plus its raw schema."""

    name: str
    location: str  # path | query | header
    required: bool
    schema: dict[str, Any]
    description: str | None


@dataclass(frozen=True)
class Operation:
    """One operation: the parser's view joined with the raw document's operation object."""

    operation_id: str
    method: str  # upper case
    path: str
    params: dict[tuple[str, str], ParsedParam]  # (location, wire name) -> param
    raw: dict[str, Any]


@dataclass(frozen=True)
class Spec:
    """What the generator needs of the document."""

    raw: dict[str, Any]
    operations: list[Operation]  # document order

    def resolve(self, node: Any) -> Any:
        """Follow a local `$ref` (repeatedly) to the object it names."""
        seen = 0
        while isinstance(node, dict) and "$ref" in node:
            ref = node["$ref"]
            if not isinstance(ref, str) or not ref.startswith("#/"):
                raise SpecError(f"unsupported $ref {ref!r}")
            target: Any = self.raw
            for part in ref[2:].split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            node = target
            seen += 1
            if seen > 32:
                raise SpecError(f"$ref cycle at {ref!r}")
        return node


def _text(value: Any) -> str:
    """The plain text of one of the parser's UntrustedString / PythonCode wrappers."""
    getter = getattr(value, "get_untrusted_value", None)
    return str(getter() if getter is not None else value)


def parse_document(raw: dict[str, Any]) -> GeneratorData:
    """Run openapi-python-client's parser; its errors become a SpecError."""
    with tempfile.TemporaryDirectory() as tmp:
        config = Config.from_sources(
            ConfigFile(post_hooks=[]),
            MetaType.NONE,
            Path(tmp) / "openapi.yaml",
            "utf-8",
            overwrite=True,
            output_path=Path(tmp) / "out",
        )
        data = GeneratorData.from_dict(raw, config=config)
    if isinstance(data, ParserError):
        raise SpecError(
            f"openapi-python-client could not parse the document: {data.header}: {data.detail}"
        )
    problems = [f"{e.header}: {e.detail}" for e in data.errors]
    for collection in data.endpoint_collections_by_tag.values():
        problems += [f"{e.header}: {e.detail}" for e in collection.parse_errors]
    if problems:
        raise SpecError(
            "openapi-python-client reported problems:\n  " + "\n  ".join(sorted(problems))
        )
    return data


def load_spec(path: Path) -> Spec:
    """Read and parse `path`, joining the parser's endpoints with the raw operations."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(raw, dict):
        raise SpecError(f"{path}: not a mapping")
    return build_spec(raw)


def build_spec(raw: dict[str, Any]) -> Spec:
    """Join the parser's endpoints with the raw document (also used by the tests)."""
    data = parse_document(raw)
    spec = Spec(raw=raw, operations=[])
    endpoints: dict[str, Any] = {}
    for _tag, collection in sorted(data.endpoint_collections_by_tag.items()):
        for endpoint in collection.endpoints:
            endpoints.setdefault(_text(endpoint.name), endpoint)

    for path, item in (raw.get("paths") or {}).items():
        shared = item.get("parameters", [])
        for verb, op in item.items():
            if verb not in {"get", "put", "post", "delete", "patch", "head", "options"}:
                continue
            op_id = op.get("operationId")
            if not op_id:
                raise SpecError(f"{verb.upper()} {path}: no operationId")
            endpoint = endpoints.get(op_id)
            if endpoint is None:
                raise SpecError(f"{op_id}: not found by openapi-python-client's parser")
            if _text(endpoint.method).upper() != verb.upper():
                raise SpecError(
                    f"{op_id}: parser says {_text(endpoint.method)}, document says {verb}"
                )
            params: dict[tuple[str, str], ParsedParam] = {}
            for p in [*shared, *op.get("parameters", [])]:
                p = spec.resolve(p)
                params[(p["in"], p["name"])] = ParsedParam(
                    name=p["name"],
                    location=p["in"],
                    required=bool(p.get("required", False)),
                    schema=spec.resolve(p.get("schema", {})),
                    description=p.get("description"),
                )
            # The parser's view of the parameters must agree with ours.
            for location, group in (
                ("path", endpoint.path_parameters),
                ("query", endpoint.query_parameters),
                ("header", endpoint.header_parameters),
            ):
                for prop in group:
                    if (location, _text(prop.name)) not in params:
                        raise SpecError(
                            f"{op_id}: parser found {location} parameter {_text(prop.name)!r}"
                        )
            spec.operations.append(
                Operation(operation_id=op_id, method=verb.upper(), path=path, params=params, raw=op)
            )
    return spec
