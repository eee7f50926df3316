"""The reference pages of the documentation site: openapi.yaml and asyncapi.yaml as Markdown.

docs/architecture.md "The reference site": the site shows the two documents without a
JavaScript renderer (nothing fetched at build or view time), so the generator writes them
as plain Markdown pages that MkDocs turns into HTML. The pages are rendered at `make docs`
time from the documents (through the one reader, ``agentexchange._document``) and never
committed: ``generator/site.py`` hands them to MkDocs.

Page names (relative to the site's docs directory):

- ``reference/http/index.md``: info, servers, security schemes, error codes, one link per tag;
- ``reference/http/<tag>.md``: each operation of the tag (parameters, body, responses, SDK methods);
- ``reference/http/schemas.md``: every ``components.schemas`` entry;
- ``reference/websocket.md``: asyncapi.yaml's channel, operations, messages and schemas.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agentexchange._document import Document, Operation, load_document

__all__ = ["Page", "asyncapi_page", "openapi_pages", "reference_pages"]

HTTP_DIR = "reference/http"
WEBSOCKET_PAGE = "reference/websocket.md"
# Where the Python API page documents the x-sdk methods (docs/api/client.md); a method
# that is not there fails the strict build as an unresolved cross-reference.
SDK_CLIENT = "agentexchange.AgentExchangeClient"
# Inline objects nested deeper than this are shown as "object" (the documents stop at ~3).
_MAX_DEPTH = 4


@dataclass(frozen=True)
class Page:
    """One generated page: where it goes in the site, its navigation title, its Markdown."""

    path: str
    title: str
    text: str


def reference_pages(root: Path) -> list[Page]:
    """Every reference page of the documents in ``root``, in navigation order."""
    pages = openapi_pages(load_document(root / "openapi.yaml"))
    asyncapi = root / "asyncapi.yaml"
    if asyncapi.exists():
        pages.append(asyncapi_page(load_document(asyncapi)))
    return pages


# -- text helpers ----------------------------------------------------------------------


def _cell(text: Any) -> str:
    """``text`` fit for one Markdown table cell: one line, pipes escaped."""
    return " ".join(str(text).split()).replace("|", "\\|")


def _code(value: Any) -> str:
    """A JSON value as inline code (strings quoted, as a client writes them)."""
    text = json.dumps(value, ensure_ascii=False)
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    if not rows:
        return []
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return [*lines, ""]


def _paragraph(text: Any) -> list[str]:
    text = str(text or "").strip()
    return [text, ""] if text else []


def _example(value: Any) -> list[str]:
    return ["```json", json.dumps(value, indent=2, ensure_ascii=False), "```", ""]


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "other"


# -- schemas ---------------------------------------------------------------------------


class SchemaText:
    """Type labels and property tables of one document's schemas.

    ``link(name)`` gives the Markdown link target of a named component schema, so a type
    reads ``[OrderResponse](schemas.md#OrderResponse)`` wherever it is used.
    """

    def __init__(self, document: Document, refs: str, link: Callable[[str], str]) -> None:
        self.document = document
        self.refs = refs  # "#/components/schemas/"
        self.link = link

    def named(self, node: Any) -> str | None:
        ref = node.get("$ref") if isinstance(node, Mapping) else None
        if isinstance(ref, str) and ref.startswith(self.refs):
            return ref[len(self.refs) :]
        return None

    def label(self, node: Any) -> str:
        """The type of ``node`` in a few words: links for named schemas, enums spelled out."""
        if not isinstance(node, Mapping):
            return "any"
        name = self.named(node)
        if name is not None:
            return f"[{name}]({self.link(name)})"
        if "$ref" in node:
            return self.label(self.document.resolve(node))
        for key, joiner in (("oneOf", " \\| "), ("anyOf", " \\| "), ("allOf", " & ")):
            if key in node:
                return joiner.join(self.label(part) for part in node[key])
        if "const" in node:
            return _code(node["const"])
        if "enum" in node:
            text = " \\| ".join(_code(v) for v in node["enum"])
        else:
            text = self._base(node)
        if node.get("nullable"):
            text += " \\| null"
        return text

    def _base(self, node: Mapping[str, Any]) -> str:
        kind = node.get("type")
        if isinstance(kind, list):
            return " \\| ".join(self._base({**node, "type": k}) for k in kind)
        if kind == "array":
            return f"array of {self.label(node.get('items'))}"
        if kind == "object" or (kind is None and "properties" in node):
            extra = node.get("additionalProperties")
            if isinstance(extra, Mapping) and not node.get("properties"):
                return f"map of string to {self.label(extra)}"
            return "object"
        if kind is None:
            return "any"
        fmt = node.get("format")
        return f"{kind} ({fmt})" if fmt else str(kind)

    def notes(self, node: Any) -> str:
        """Description plus default, bounds and example of a property or parameter."""
        if not isinstance(node, Mapping):
            return ""
        target = self.document.resolve(node)
        parts = [str(node.get("description") or target.get("description") or "").strip()]
        facts = []
        for key, word in (
            ("default", "default"),
            ("minimum", "minimum"),
            ("maximum", "maximum"),
            ("exclusiveMinimum", "greater than"),
            ("exclusiveMaximum", "less than"),
            ("minLength", "min length"),
            ("maxLength", "max length"),
            ("minItems", "min items"),
            ("maxItems", "max items"),
        ):
            source = node if key in node else target
            if key in source:
                facts.append(f"{word} {_code(source[key])}")
        if node.get("x-extension") or target.get("x-extension"):
            facts.append("not on the real platform (`x-extension`)")
        if facts:
            parts.append("; ".join(facts) + ".")
        return _cell(" ".join(p for p in parts if p))

    def rows(self, node: Any, prefix: str = "", depth: int = 0) -> Iterator[list[str]]:
        """Property rows of an object schema; inline objects flattened to dotted names."""
        node = self.document.resolve(node)
        if not isinstance(node, Mapping) or depth > _MAX_DEPTH:
            return
        for part in node.get("allOf", []):
            yield from self.rows(self.document.resolve(part), prefix, depth + 1)
        required = set(node.get("required", []))
        for name, prop in (node.get("properties") or {}).items():
            full = f"{prefix}{name}"
            yield [
                f"`{full}`",
                self.label(prop),
                "yes" if name in required else "",
                self.notes(prop),
            ]
            if self.named(prop) is not None or not isinstance(prop, Mapping):
                continue
            if prop.get("properties"):
                yield from self.rows(prop, f"{full}.", depth + 1)
            items = prop.get("items")
            if (
                prop.get("type") == "array"
                and isinstance(items, Mapping)
                and self.named(items) is None
                and items.get("properties")
            ):
                yield from self.rows(items, f"{full}[].", depth + 1)

    def table(self, node: Any) -> list[str]:
        return _table(["Field", "Type", "Required", "Description"], list(self.rows(node)))

    def section(self, name: str, node: Mapping[str, Any], level: str = "##") -> list[str]:
        """One named schema: heading with a stable anchor, description, type, fields."""
        lines = [f"{level} {name} {{#{name}}}", ""]
        lines += _paragraph(node.get("description"))
        label = self.label({k: v for k, v in node.items() if k != "description"})
        if label != "object":
            lines += [f"Type: {label}", ""]
        lines += self.table(node)
        return lines


# -- openapi.yaml ----------------------------------------------------------------------


def openapi_pages(document: Document) -> list[Page]:
    """The HTTP API: an index page, one page per tag, and the schemas page."""
    raw = document.raw
    schemas = SchemaText(document, "#/components/schemas/", lambda name: f"schemas.md#{name}")
    tags: dict[str, str] = {t["name"]: str(t.get("description", "")) for t in raw.get("tags", [])}
    by_tag: dict[str, list[Operation]] = {name: [] for name in tags}
    for op in document.operations():
        by_tag.setdefault((op.raw.get("tags") or ["other"])[0], []).append(op)

    tag_pages = [
        Page(
            f"{HTTP_DIR}/{_slug(tag)}.md",
            tag.capitalize(),
            _tag_page(document, schemas, tag, tags.get(tag, ""), ops),
        )
        for tag, ops in by_tag.items()
        if ops
    ]
    index = Page(f"{HTTP_DIR}/index.md", "Overview", _http_index(document, tag_pages, by_tag))
    schema_page = Page(f"{HTTP_DIR}/schemas.md", "Schemas", _schemas_page(document, schemas))
    return [index, *tag_pages, schema_page]


def _http_index(
    document: Document, tag_pages: list[Page], by_tag: Mapping[str, list[Operation]]
) -> str:
    raw = document.raw
    info = raw.get("info", {})
    lines = [f"# {info.get('title', 'HTTP API')} {info.get('version', '')}".rstrip(), ""]
    lines += [
        "Rendered from `openapi.yaml` by the generator (`generator/reference.py`) at "
        "`make docs` time; the document is the source.",
        "",
    ]
    lines += _paragraph(info.get("description"))
    servers = raw.get("servers") or []
    if servers:
        lines += ["## Servers", ""]
        lines += _table(
            ["URL", "Description"],
            [[f"`{s['url']}`", _cell(s.get("description", ""))] for s in servers],
        )
    schemes = (raw.get("components") or {}).get("securitySchemes") or {}
    if schemes:
        lines += ["## Authentication", ""]
        rows = []
        for name, scheme in schemes.items():
            where = (
                f"header `{scheme['name']}`"
                if scheme.get("type") == "apiKey"
                else f"`Authorization: {str(scheme.get('scheme', '')).capitalize()} <token>`"
            )
            rows.append([f"`{name}`", where, _cell(scheme.get("description", ""))])
        lines += _table(["Scheme", "Sent as", "Description"], rows)
    lines += ["## Operations by tag", ""]
    rows = [
        [
            f"[{page.title}]({Path(page.path).name})",
            str(len(by_tag[name])),
            _cell(raw_tag_desc(raw, name)),
        ]
        for page, name in zip(tag_pages, [t for t, ops in by_tag.items() if ops], strict=True)
    ]
    lines += _table(["Tag", "Operations", "Description"], rows)
    codes = raw.get("x-error-codes") or {}
    if codes:
        lines += [
            "## Error codes",
            "",
            'Every error answer is `{"error": {"code", "message", "details"}}`; the SDK raises the exception named here.',
            "",
        ]
        lines += _table(
            ["Code", "HTTP status", "SDK exception", "Meaning"],
            [
                [
                    f"`{code}`",
                    str(entry.get("status", "")),
                    f"`{entry.get('exception', '')}`",
                    _cell(entry.get("description", "")),
                ]
                for code, entry in codes.items()
                if isinstance(entry, Mapping)
            ],
        )
    return "\n".join(lines)


def raw_tag_desc(raw: Mapping[str, Any], name: str) -> str:
    for tag in raw.get("tags", []):
        if tag.get("name") == name:
            return str(tag.get("description", ""))
    return ""


def _sdk_methods(op: Operation) -> list[str]:
    """Links (mkdocstrings cross-references) to the client methods that call ``op``."""
    entries = op.x_sdk if isinstance(op.x_sdk, list) else []
    return [
        f"[`{entry['method']}`][{SDK_CLIENT}.{entry['method']}]"
        for entry in entries
        if isinstance(entry, Mapping) and "method" in entry
    ]


def _tag_page(
    document: Document, schemas: SchemaText, tag: str, description: str, ops: list[Operation]
) -> str:
    lines = [f"# {tag.capitalize()}", ""]
    lines += _paragraph(description)
    for op in ops:
        lines += _operation(document, schemas, op)
    return "\n".join(lines)


def _operation(document: Document, schemas: SchemaText, op: Operation) -> list[str]:
    raw = op.raw
    lines = [f"## `{op.method} {op.path}` {{#{op.operation_id}}}", ""]
    lines += _paragraph(raw.get("summary"))
    lines += _paragraph(raw.get("description"))
    facts = [f"Operation `{op.operation_id}`"]
    facts.append(
        "auth: " + (" or ".join(f"`{s}`" for s in op.security) if op.security else "none (public)")
    )
    methods = _sdk_methods(op)
    if methods:
        facts.append("SDK: " + ", ".join(methods))
    if raw.get("x-extension"):
        facts.append("not on the real platform (`x-extension`)")
    lines += [" · ".join(facts) + ".", ""]

    params = [
        [
            f"`{p.name}`",
            p.location,
            schemas.label(p.schema),
            "yes" if p.required else "",
            _cell(" ".join(x for x in [p.description or "", schemas.notes(p.schema)] if x)),
        ]
        for p in op.parameters
    ]
    if params:
        lines += ["**Parameters**", ""]
        lines += _table(["Name", "In", "Type", "Required", "Description"], params)

    body = document.request_body(op)
    if body is not None:
        for media, content in (body.get("content") or {}).items():
            required = "required" if body.get("required") else "optional"
            schema = content.get("schema") or {}
            lines += [f"**Request body** ({media}, {required}): {schemas.label(schema)}", ""]
            if schemas.named(schema) is None:
                lines += schemas.table(schema)
            if "example" in content:
                lines += _example(content["example"])

    rows = []
    for status, response in document.responses(op).items():
        content = response.get("content") or {}
        bodies = ", ".join(schemas.label(c.get("schema") or {}) for c in content.values())
        rows.append([f"`{status}`", _cell(response.get("description", "")), bodies])
    lines += ["**Responses**", ""]
    lines += _table(["Status", "Description", "Body"], rows)
    return lines


def _schemas_page(document: Document, schemas: SchemaText) -> str:
    lines = ["# Schemas", "", "The `components.schemas` of `openapi.yaml`, in document order.", ""]
    for name, node in ((document.raw.get("components") or {}).get("schemas") or {}).items():
        lines += schemas.section(name, node)
    return "\n".join(lines)


# -- asyncapi.yaml ---------------------------------------------------------------------


def asyncapi_page(document: Document) -> Page:
    """The WebSocket API on one page: channels, operations, messages, schemas."""
    raw = document.raw
    schemas = SchemaText(document, "#/components/schemas/", lambda name: f"#{name}")
    info = raw.get("info", {})
    lines = [f"# {info.get('title', 'WebSocket API')} {info.get('version', '')}".rstrip(), ""]
    lines += [
        "Rendered from `asyncapi.yaml` by the generator (`generator/reference.py`) at "
        "`make docs` time; the document is the source.",
        "",
    ]
    lines += _paragraph(info.get("description"))

    for key, channel in (raw.get("channels") or {}).items():
        lines += [f"## Channel `{channel.get('address', key)}`", ""]
        lines += _paragraph(channel.get("title"))
        lines += _paragraph(channel.get("description"))
        for ext in ("x-limits", "x-auth", "x-close-codes"):
            if isinstance(channel.get(ext), Mapping):
                lines += [f"`{ext}`", ""]
                lines += _table(
                    ["Name", "Value"], [[f"`{k}`", _code(v)] for k, v in channel[ext].items()]
                )

    operations = raw.get("operations") or {}
    if operations:
        lines += [
            "## Operations",
            "",
            "Seen from the server: it *receives* the client's actions and *sends* the rest.",
            "",
        ]
        rows = []
        for name, op in operations.items():
            messages = ", ".join(_message_link(document, m) for m in op.get("messages", []))
            reply = op.get("reply") or {}
            replies = ", ".join(_message_link(document, m) for m in reply.get("messages", []))
            rows.append(
                [
                    f"`{name}`",
                    str(op.get("action", "")),
                    messages,
                    replies,
                    _cell(op.get("summary", "")),
                ]
            )
        lines += _table(["Operation", "Action", "Messages", "Reply", "Summary"], rows)

    lines += ["## Messages", ""]
    for name, message in ((raw.get("components") or {}).get("messages") or {}).items():
        message = document.resolve(message)
        lines += [f"### {message.get('title', name)} {{#message-{name}}}", ""]
        lines += _paragraph(message.get("summary"))
        lines += _paragraph(message.get("description"))
        payload = message.get("payload") or {}
        lines += [f"Payload: {schemas.label(payload)}", ""]
        if schemas.named(payload) is None:
            lines += schemas.table(payload)
        for example in message.get("examples", []):
            if "payload" in example:
                lines += [f"Example ({example.get('name', 'payload')}):", ""]
                lines += _example(example["payload"])

    lines += ["## Schemas", ""]
    for name, node in ((raw.get("components") or {}).get("schemas") or {}).items():
        lines += schemas.section(name, node, level="###")
    return Page(WEBSOCKET_PAGE, "WebSocket API", "\n".join(lines))


def _message_link(document: Document, ref: Any) -> str:
    """``#/channels/stream/messages/subscribe`` -> a link to the message's section."""
    target = ref.get("$ref") if isinstance(ref, Mapping) else None
    resolved = document.resolve(ref)
    for name, message in ((document.raw.get("components") or {}).get("messages") or {}).items():
        if message is resolved or message == resolved:
            return f"[{resolved.get('name', name)}](#message-{name})"
    return f"`{target}`"
