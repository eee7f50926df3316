"""The agent tool table's rows (generator/tools.py, issue 16): the hints an operation
gives, the session tools' names, and a clear generator error naming the operation for
each malformed word (x-sdk-tool, cli) or a tool named twice."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.load import build_spec
from generator.sdkmodel import VocabularyError, build
from generator.tools import Tool, build_tools

FIXTURE = yaml.safe_load(
    (Path(__file__).parents[1] / "golden" / "fixture.yaml").read_text(encoding="utf-8")
)


def rows(mutate: Any = None) -> dict[str, Tool]:
    raw = copy.deepcopy(FIXTURE)
    if mutate is not None:
        mutate(raw)
    spec = build_spec(raw)
    return {t.name: t for t in build_tools(spec, build(spec))}


def _op(raw: dict[str, Any], path: str, verb: str) -> dict[str, Any]:
    op: dict[str, Any] = raw["paths"][path][verb]
    return op


def test_hints_follow_the_http_method_unless_the_operation_says_more() -> None:
    tools = rows()
    get, delete, reset = tools["get_thing"], tools["delete_thing"], tools["reset_thing"]
    assert (get.read_only, get.destructive, get.idempotent) == (True, False, True)
    assert (delete.read_only, delete.destructive, delete.idempotent) == (False, True, True)
    assert (reset.read_only, reset.destructive, reset.idempotent) == (False, False, False)
    marked = rows(
        lambda r: _op(r, "/things/{thing_id}/reset", "post").update(
            {"x-sdk-tool": {"destructive": True}}
        )
    )
    assert marked["reset_thing"].destructive and not marked["reset_thing"].read_only
    computed = rows(
        lambda r: _op(r, "/auth/login", "post").update({"x-sdk-tool": {"read_only": True}})
    )
    assert computed["login"].read_only and computed["login"].idempotent


def test_session_tools_are_named_by_the_attach_method_and_take_the_id_first() -> None:
    tick = rows()["run_tick"]
    assert (tick.session, tick.method, tick.params[0].name) == ("run", "tick", "run_id")
    assert tick.params[0].required and tick.params[0].positional


def test_cli_is_passed_through() -> None:
    cli = {"command": "thing show", "args": ["thing_id"]}
    tools = rows(lambda r: _op(r, "/things/{thing_id}", "get")["x-sdk"][0].update(cli=cli))
    assert tools["get_thing"].cli == cli and tools["delete_thing"].cli is None


CASES = [
    (
        "an unknown x-sdk-tool word",
        lambda r: _op(r, "/things/{thing_id}/reset", "post").update(
            {"x-sdk-tool": {"dangerous": True}}
        ),
        r"reset_thing: x-sdk-tool takes \['destructive', 'read_only'\]",
    ),
    (
        "an x-sdk-tool hint that is not a bool",
        lambda r: _op(r, "/things/{thing_id}/reset", "post").update(
            {"x-sdk-tool": {"destructive": "yes"}}
        ),
        "reset_thing: x-sdk-tool.destructive must be true or false",
    ),
    (
        "read-only and destructive at once",
        lambda r: _op(r, "/things/{thing_id}/reset", "post").update(
            {"x-sdk-tool": {"destructive": True, "read_only": True}}
        ),
        "reset_thing: x-sdk-tool: read_only and destructive",
    ),
    (
        "cli that is not a mapping",
        lambda r: _op(r, "/things/{thing_id}", "get")["x-sdk"][0].update(cli="thing show"),
        "get_thing: x-sdk method get_thing: cli must be a mapping",
    ),
    (
        "a client method named like a session tool",
        lambda r: _op(r, "/quotes", "get")["x-sdk"][0].update(method="run_tick"),
        r"tool run_tick: named by both run_tick and run\(\).tick",
    ),
]


@pytest.mark.parametrize(("mutate", "pattern"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_tool_vocabulary_error(mutate: Any, pattern: str) -> None:
    with pytest.raises(VocabularyError, match=pattern):
        rows(mutate)


def test_a_parameters_allowed_values_are_the_sdks_not_read_again_from_the_wire() -> None:
    """The tool offers what the method's Literal takes: the wire's enum, or the x-sdk
    ``enum:`` narrowing it (a model must not be offered a value the SDK refuses)."""

    def schema_of_kind(tools: dict[str, Tool]) -> dict[str, Any]:
        (kind,) = [p for p in tools["page_things"].params if p.name == "kind"]
        return dict(kind.schema)

    assert schema_of_kind(rows())["enum"] == ["big", "small"]
    narrowed = rows(
        lambda r: _op(r, "/thing-pages", "get")["x-sdk"][0]["params"][0].update({"enum": ["big"]})
    )
    assert schema_of_kind(narrowed)["enum"] == ["big"]
