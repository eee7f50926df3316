"""The one reader of the documents: $ref resolution, the operation walk, and its place
off the SDK's runtime import path (PyYAML is not a dependency of the SDK)."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

from agentexchange._document import Document, DocumentError, load_document

DOC: dict[str, Any] = {
    "components": {
        "parameters": {
            "Limit": {
                "name": "limit",
                "in": "query",
                "schema": {"$ref": "#/components/schemas/Count"},
            }
        },
        "schemas": {
            "Count": {"type": "integer", "default": 50},
            "Alias": {"$ref": "#/components/schemas/Count"},
            "Pair": {
                "type": "object",
                "properties": {"a/b": {"$ref": "#/components/schemas/Count"}},
            },
        },
        "requestBodies": {
            "Order": {
                "required": True,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pair"}}},
            }
        },
    },
    "paths": {
        "/things/{id}": {
            "parameters": [
                {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}},
                {"name": "limit", "in": "query", "schema": {"type": "string"}},
            ],
            "get": {
                "operationId": "get_thing",
                "parameters": [{"$ref": "#/components/parameters/Limit"}],
                "security": [{"ApiKeyAuth": []}, {"BearerAuth": []}],
                "responses": {"200": {"description": "ok"}},
                "x-sdk": [{"method": "get_thing"}],
            },
            "summary": "not an operation",
            "post": {
                "operationId": "make_thing",
                "requestBody": {"$ref": "#/components/requestBodies/Order"},
                "responses": {"201": {"description": "made"}},
            },
        },
        "/ping": {
            "get": {
                "operationId": "ping",
                "security": [],
                "responses": {"204": {"description": "pong"}},
            }
        },
    },
}


def test_operations_in_document_order_with_labels() -> None:
    doc = Document(DOC)
    assert [op.label for op in doc.operations()] == [
        "GET /things/{id}",
        "POST /things/{id}",
        "GET /ping",
    ]
    assert [op.operation_id for op in doc] == ["get_thing", "make_thing", "ping"]


def test_operation_parameters_override_path_item_ones_and_are_resolved() -> None:
    op = Document(DOC).operation("get_thing")
    params = {(p.location, p.name): p for p in op.parameters}
    assert set(params) == {("path", "id"), ("query", "limit")}
    assert params[("query", "limit")].schema == {"type": "integer", "default": 50}
    assert params[("path", "id")].required is True


def test_security_and_x_sdk() -> None:
    doc = Document(DOC)
    assert doc.operation("get_thing").security == ("ApiKeyAuth", "BearerAuth")
    assert doc.operation("ping").security == ()
    assert doc.operation("get_thing").x_sdk == [{"method": "get_thing"}]
    with pytest.raises(KeyError, match="nope"):
        doc.operation("nope")


def test_resolve_is_shallow_and_inline_is_deep() -> None:
    doc = Document(DOC)
    assert doc.resolve({"$ref": "#/components/schemas/Alias"}) == {"type": "integer", "default": 50}
    pair = doc.resolve({"$ref": "#/components/schemas/Pair"})
    assert pair["properties"]["a/b"] == {"$ref": "#/components/schemas/Count"}
    assert doc.inline(pair)["properties"]["a/b"] == {"type": "integer", "default": 50}


def test_request_body_schema_and_responses() -> None:
    doc = Document(DOC)
    make = doc.operation("make_thing")
    assert doc.request_body(make)["required"] is True  # type: ignore[index]
    assert doc.json_body_schema(make) == {
        "type": "object",
        "properties": {"a/b": {"type": "integer", "default": 50}},
    }
    assert doc.json_body_schema(doc.operation("ping")) is None
    assert list(doc.responses(make)) == ["201"]


@pytest.mark.parametrize(
    "ref",
    [
        "#/components/schemas/Missing",
        "http://elsewhere/x.yaml#/A",
        "#/components/schemas/Count/type/x",
    ],
)
def test_bad_references_are_reported(ref: str) -> None:
    with pytest.raises(DocumentError, match="ref"):
        Document(DOC).resolve({"$ref": ref})


def test_a_reference_cycle_is_reported_not_followed() -> None:
    loop = {
        "components": {
            "schemas": {
                "A": {"$ref": "#/components/schemas/B"},
                "B": {"$ref": "#/components/schemas/A"},
            }
        }
    }
    with pytest.raises(DocumentError, match="cycle"):
        Document(loop).resolve({"$ref": "#/components/schemas/A"})
    with pytest.raises(DocumentError):
        Document(loop).inline({"$ref": "#/components/schemas/A"})


def test_an_operation_without_operation_id_is_refused() -> None:
    with pytest.raises(DocumentError, match="GET /x: no operationId"):
        Document({"paths": {"/x": {"get": {"responses": {}}}}}).operations()


def test_the_repository_document_loads_with_every_sdk_operation() -> None:
    doc = load_document()
    ids = [op.operation_id for op in doc]
    assert len(ids) == len(set(ids)) > 40
    assert doc.operation("place_order").label == "POST /api/v1/trade/order"


def test_the_sdk_runtime_does_not_import_the_reader_or_yaml() -> None:
    code = (
        "import sys, agentexchange, agentexchange.client, agentexchange.async_client, "
        "agentexchange.models, agentexchange.ws, agentexchange.exceptions\n"
        "bad = sorted(m for m in sys.modules if m == 'yaml' or m == 'agentexchange._document')\n"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
