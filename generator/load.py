"""Load openapi.yaml: openapi-python-client's parser for the operations, the raw document
for the `x-sdk*` vendor extensions it does not keep.

Only the parser (`GeneratorData.from_dict`) is used, never `Project.build()`, so nothing of
the stock package is written. The parser validates the document and gives each operation's
method, path and parameters; everything the SDK vocabulary adds is read from the raw YAML.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openapi_python_client.config import Config, ConfigFile, MetaType
from openapi_python_client.parser import GeneratorData
from openapi_python_client.parser.errors import GeneratorError as ParserError

from agentexchange._document import Document, DocumentError, Parameter, load_document


class SpecError(Exception):
    """The document, or its SDK vocabulary, cannot be turned into an SDK."""


@dataclass(frozen=True)
class Operation:
    """One operation: the document reader's view, checked against the parser's."""

    operation_id: str
    method: str  # upper case
    path: str
    params: dict[tuple[str, str], Parameter]  # (location, wire name) -> param
    raw: Mapping[str, Any]


@dataclass(frozen=True)
class Spec:
    """What the generator needs of the document."""

    document: Document
    operations: list[Operation]  # document order

    @property
    def raw(self) -> Mapping[str, Any]:
        return self.document.raw

    def resolve(self, node: Any) -> Any:
        """Follow a local `$ref` (repeatedly) to the object it names."""
        try:
            return self.document.resolve(node)
        except DocumentError as exc:
            raise SpecError(str(exc)) from exc


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
    """Read and parse `path`, joining the parser's endpoints with the document's operations."""
    try:
        document = load_document(path)
    except DocumentError as exc:
        raise SpecError(str(exc)) from exc
    return _join(document)


def build_spec(raw: dict[str, Any]) -> Spec:
    """The same for an in-memory document (used by the tests)."""
    try:
        return _join(Document(raw))
    except DocumentError as exc:
        raise SpecError(str(exc)) from exc


def _join(document: Document) -> Spec:
    data = parse_document(dict(document.raw))
    endpoints: dict[str, Any] = {}
    for _tag, collection in sorted(data.endpoint_collections_by_tag.items()):
        for endpoint in collection.endpoints:
            endpoints.setdefault(_text(endpoint.name), endpoint)

    spec = Spec(document=document, operations=[])
    for op in document.operations():
        endpoint = endpoints.get(op.operation_id)
        if endpoint is None:
            raise SpecError(f"{op.operation_id}: not found by openapi-python-client's parser")
        if _text(endpoint.method).upper() != op.method:
            raise SpecError(
                f"{op.operation_id}: parser says {_text(endpoint.method)}, document says "
                f"{op.method.lower()}"
            )
        params = {(p.location, p.name): p for p in op.parameters}
        # The parser's view of the parameters must agree with ours.
        for location, group in (
            ("path", endpoint.path_parameters),
            ("query", endpoint.query_parameters),
            ("header", endpoint.header_parameters),
        ):
            for prop in group:
                if (location, _text(prop.name)) not in params:
                    raise SpecError(
                        f"{op.operation_id}: parser found {location} parameter {_text(prop.name)!r}"
                    )
        spec.operations.append(
            Operation(
                operation_id=op.operation_id,
                method=op.method,
                path=op.path,
                params=params,
                raw=op.raw,
            )
        )
    return spec
