"""The documentation site's generated input: README guides, link rewriting, reference pages.

generator/site.py and generator/reference.py (docs/architecture.md "The reference site");
the built site itself is checked in a browser by tests/docs/test_site_browser.py.
"""

from __future__ import annotations

import re
from pathlib import Path

from agentexchange._document import Document, load_document
from generator.reference import asyncapi_page, openapi_pages
from generator.site import SiteInput, rewrite_links, split_readme

ROOT = Path(__file__).resolve().parents[2]

README = """# tool

Intro with a [link](docs/decisions.md).

## Set up

```sh
make demo
## not a heading: inside a fence
```

## Use

Text.

### Detail

More.

## Last

End.
"""


def test_readme_splits_at_its_sections_after_the_first() -> None:
    home, sections = split_readme(README)
    assert home.startswith("# tool") and "## Set up" in home and "## not a heading" in home
    assert [title for title, _ in sections] == ["Use", "Last"]
    use = sections[0][1]
    assert use.startswith("# Use\n") and "\n## Detail\n" in use and "More." in use
    assert "## Last" not in use


def test_no_readme_line_is_lost_or_invented_in_the_guides() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    home, sections = split_readme(readme)
    pages = [home, *(text for _, text in sections)]
    # Headings move up one level in the guides: compare the text after the "#" marks.
    shown = [line.lstrip("#") for page in pages for line in page.splitlines() if line.strip()]
    written = readme.splitlines()
    assert shown == [line.lstrip("#") for line in written if line.strip()]


def test_links_point_at_site_pages_or_lose_the_link() -> None:
    pages = {"docs/decisions.md": "decisions.md", "CONTRIBUTING.md": "contributing.md"}
    text = (
        "See [decisions](docs/decisions.md#money) and [the example](examples/x.py), "
        "[site](https://example.org/a) and [here](#local).\n"
        "```\n[kept](docs/decisions.md)\n```\n"
    )
    out = rewrite_links(text, "README.md", "guides/use.md", pages)
    assert "[decisions](../decisions.md#money)" in out
    assert "the example" in out and "examples/x.py" not in out
    assert "[site](https://example.org/a)" in out and "[here](#local)" in out
    assert "[kept](docs/decisions.md)" in out  # code is shown as written
    # A hand-written page in docs/ linking out of docs/ to a file that is a page.
    up = rewrite_links("[c](../CONTRIBUTING.md)", "docs/architecture.md", "architecture.md", pages)
    assert up == "[c](contributing.md)"


def _doc() -> Document:
    return Document(
        {
            "openapi": "3.0.3",
            "info": {"title": "T", "version": "1"},
            "tags": [{"name": "trade", "description": "Orders."}],
            "components": {
                "schemas": {
                    "Order": {
                        "type": "object",
                        "required": ["side"],
                        "properties": {
                            "side": {"type": "string", "enum": ["buy", "sell"]},
                            "limits": {
                                "type": "object",
                                "properties": {"max": {"type": "integer", "maximum": 5}},
                            },
                        },
                    }
                }
            },
            "paths": {
                "/orders/{id}": {
                    "post": {
                        "operationId": "place",
                        "tags": ["trade"],
                        "summary": "Place | one.",
                        "security": [{"ApiKeyAuth": []}],
                        "x-sdk": [{"method": "place_order"}],
                        "parameters": [
                            {
                                "name": "id",
                                "in": "path",
                                "required": True,
                                "schema": {"type": "string"},
                            }
                        ],
                        "requestBody": {
                            "required": True,
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Order"},
                                    "example": {"side": "buy"},
                                }
                            },
                        },
                        "responses": {
                            "201": {
                                "description": "Placed.",
                                "content": {
                                    "application/json": {
                                        "schema": {"$ref": "#/components/schemas/Order"}
                                    }
                                },
                            }
                        },
                    }
                }
            },
        }
    )


def test_an_operation_page_shows_its_parts() -> None:
    pages = {p.path: p for p in openapi_pages(_doc())}
    assert list(pages) == [
        "reference/http/index.md",
        "reference/http/trade.md",
        "reference/http/schemas.md",
    ]
    trade = pages["reference/http/trade.md"].text
    assert "## `POST /orders/{id}` {#place}" in trade
    assert (
        "SDK: [`place_order`][agentexchange.AgentExchangeClient.place_order]" in trade
        and "auth: `ApiKeyAuth`" in trade
    )
    assert "| `id` | path | string | yes |" in trade
    assert "**Request body** (application/json, required): [Order](schemas.md#Order)" in trade
    assert '"side": "buy"' in trade  # the example
    assert "| `201` | Placed. | [Order](schemas.md#Order) |" in trade
    schemas = pages["reference/http/schemas.md"].text
    assert "## Order {#Order}" in schemas
    assert '| `side` | `"buy"` \\| `"sell"` | yes |' in schemas
    assert "| `limits.max` | integer |  | maximum `5`. |" in schemas  # nested, flattened


def _anchors(text: str) -> set[str]:
    return set(re.findall(r"\{#([^}]+)\}", text))


def test_every_reference_link_names_a_section_that_exists() -> None:
    pages = openapi_pages(load_document(ROOT / "openapi.yaml"))
    anchors = {Path(p.path).name: _anchors(p.text) for p in pages}
    links = [
        (page.path, target, anchor)
        for page in pages
        for target, anchor in re.findall(r"\]\(([\w-]*\.md)#([^)]+)\)", page.text)
    ]
    assert links  # the schemas are linked from the operations
    missing = [link for link in links if link[2] not in anchors.get(link[1], set())]
    assert missing == []
    every_op = {op.operation_id for op in load_document(ROOT / "openapi.yaml").operations()}
    assert every_op == set().union(*anchors.values()) & every_op

    ws = asyncapi_page(load_document(ROOT / "asyncapi.yaml"))
    ws_missing = [a for a in re.findall(r"\]\(#([^)]+)\)", ws.text) if a not in _anchors(ws.text)]
    assert ws_missing == [] and "subscribe" in ws.text


def test_every_error_code_entry_is_read_whole() -> None:
    # An unquoted comma in a flow mapping ({description: Missing, unknown, ...}) splits the
    # description into keys: the error-code table would show "Missing".
    codes = load_document(ROOT / "openapi.yaml").raw["x-error-codes"]
    known = {"status", "exception", "description", "refine_by_reason"}
    assert {code: sorted(set(e) - known) for code, e in codes.items() if set(e) - known} == {}
    index = openapi_pages(load_document(ROOT / "openapi.yaml"))[0].text
    assert "| `INVALID_API_KEY` | 401 | `AuthenticationError` | Missing, unknown, archived" in index


def test_the_nav_entries_naming_documents_become_their_pages() -> None:
    site = SiteInput.build(ROOT)
    nav = site.expand_nav(
        [
            {"Home": "index.md"},
            {"Guides": "README.md"},
            {"HTTP": "openapi.yaml"},
            {"WS": "asyncapi.yaml"},
            {"More": [{"A": "architecture.md"}]},
        ]
    )
    assert nav[0] == {"Home": "index.md"} and nav[4] == {"More": [{"A": "architecture.md"}]}
    guides = nav[1]["Guides"]
    assert {"Backtesting": "guides/backtesting.md"} in guides
    assert nav[2]["HTTP"][0] == {"Overview": "reference/http/index.md"}
    assert nav[3] == {"WS": "reference/websocket.md"}
    paths = {p.path for p in site.pages}
    assert {"index.md", "contributing.md", "changelog.md"} <= paths
    # README's "docs/decisions.md" link, shown on a guide page, leads to the decisions page.
    project = next(p for p in site.pages if p.path == "guides/project-docs.md")
    assert "](../decisions.md)" in project.text and "](docs/" not in project.text
