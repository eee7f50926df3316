"""A malformed SDK vocabulary gives a clear generator error naming the operation."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.load import SpecError, build_spec
from generator.sdkmodel import VocabularyError, build

FIXTURE = yaml.safe_load(
    (Path(__file__).parents[1] / "golden" / "fixture.yaml").read_text(encoding="utf-8")
)


def _build(mutate: Any) -> None:
    raw = copy.deepcopy(FIXTURE)
    mutate(raw)
    build(build_spec(raw))


def _sdk(raw: dict[str, Any], path: str, verb: str, i: int = 0) -> dict[str, Any]:
    entry: dict[str, Any] = raw["paths"][path][verb]["x-sdk"][i]
    return entry


def test_fixture_builds() -> None:
    sdk = build(build_spec(copy.deepcopy(FIXTURE)))
    assert {m.name for m in sdk.methods} >= {"get_thing", "create_thing", "get_quotes"}


CASES = [
    (
        "parameter named like a per-call option",
        lambda r: _sdk(r, "/things", "get")["params"][1].update(name="timeout"),
        "list_things.*timeout is reserved for the per-call options",
    ),
    (
        "unknown method key",
        lambda r: _sdk(r, "/things", "get").update(retruns={}),
        "list_things.*unknown keys",
    ),
    (
        "bad wire target",
        lambda r: _sdk(r, "/things", "get")["params"][1].update(wire="querry.ids"),
        "list_things.*bad wire target",
    ),
    (
        "missing parameter",
        lambda r: _sdk(r, "/things", "get")["params"][1].update(wire="query.nope"),
        "list_things.*no query parameter 'nope'",
    ),
    (
        "bad return kind",
        lambda r: _sdk(r, "/things", "get")["returns"].update(kind="tuple"),
        "list_things.*returns.kind",
    ),
    (
        "unknown model",
        lambda r: _sdk(r, "/things", "get")["returns"].update(model="Nope"),
        "list_things.*not an x-sdk-model",
    ),
    (
        "map_list without key",
        lambda r: _sdk(r, "/quotes", "get")["returns"].pop("key"),
        "get_quotes.*map_list needs",
    ),
    (
        "path param not sent",
        lambda r: _sdk(r, "/things/{thing_id}", "get")["params"].pop(0),
        "get_thing.*path parameter 'thing_id'",
    ),
    (
        "required after default",
        lambda r: _sdk(r, "/things", "get")["params"].append({"name": "z", "wire": "query.mode"}),
        "list_things.*follows one with a default",
    ),
    (
        "unknown type",
        lambda r: _sdk(r, "/things", "get")["params"][2].update(type="float"),
        "list_things.*unknown type 'float'",
    ),
    (
        "float default for decimal",
        lambda r: _sdk(r, "/things", "post")["params"][1].update(default=1.5),
        "create_thing.*does not fit",
    ),
    (
        "csv on body",
        lambda r: _sdk(r, "/things", "post")["params"][4].update(csv=True),
        "create_thing.*csv",
    ),
    (
        "duplicate method",
        lambda r: _sdk(r, "/things", "post").update(method="list_things"),
        "create_thing.*already defined",
    ),
    (
        "bad method name",
        lambda r: _sdk(r, "/things", "post").update(method="create-thing"),
        "create_thing.*public Python name",
    ),
    (
        "fixed clashes",
        lambda r: _sdk(r, "/things", "post")["fixed"].update({"body.name": "x"}),
        "create_thing.*fixed body.name",
    ),
    (
        "model field unknown key",
        lambda r: r["components"]["schemas"]["Quote"]["x-sdk-model"]["fields"]["at"].update(
            wyre="x"
        ),
        "Quote.*unknown keys",
    ),
    (
        "model field not in schema",
        lambda r: r["components"]["schemas"]["Quote"]["x-sdk-model"]["fields"].update(nope={}),
        "Quote.*'nope' not in the schema",
    ),
    (
        "bad equals",
        lambda r: r["components"]["schemas"]["Thing"]["x-sdk-model"]["fields"]["is_open"].update(
            equals="status"
        ),
        "Thing.*equals",
    ),
    (
        "error code without status",
        lambda r: r["x-error-codes"]["BAD_THING"].pop("status"),
        "x-error-codes.BAD_THING",
    ),
    (
        "refresh code unknown",
        lambda r: r["x-sdk-auth"].update(refresh_on="NOPE"),
        "x-sdk-auth.refresh_on",
    ),
    (
        "refine flag not a bool",
        lambda r: r["x-error-codes"]["BAD_THING"].update(refine_by_reason="yes"),
        "x-error-codes.BAD_THING: refine_by_reason",
    ),
    ("login op missing", lambda r: r["x-sdk-auth"].update(login="nope"), "x-sdk-auth.login"),
    (
        "no security",
        lambda r: r["paths"]["/things"]["get"].pop("security"),
        "list_things: needs an operation-level security",
    ),
    (
        "take names no parameter",
        lambda r: _sdk(r, "/things", "get")["returns"].update(take="count"),
        "list_things.*returns.take 'count' is not an int parameter",
    ),
    (
        "fallback to no method",
        lambda r: _sdk(r, "/things/{thing_id}", "get", 2)["params"][1]["fallback"].update(
            method="nope"
        ),
        "get_thing_inner.*fallback: 'nope' is not a method returning a model",
    ),
    (
        "fallback to no field",
        lambda r: _sdk(r, "/things/{thing_id}", "get", 2)["params"][1]["fallback"].update(
            field="nope"
        ),
        "get_thing_inner.*Thing has no field 'nope'",
    ),
    (
        "fallback with a default",
        lambda r: _sdk(r, "/things/{thing_id}", "get", 2)["params"][1].update(default="x"),
        "get_thing_inner.*fallback needs default: null",
    ),
    (
        "list[number] to a query parameter",
        lambda r: _sdk(r, "/things", "get")["params"][2].update(type="list[number]"),
        "list_things.*param limit: list\\[number\\] needs one body target",
    ),
    (
        "list[number] to a body member that is no array of numbers",
        lambda r: _sdk(r, "/stats", "post")["params"][1].update(type="list[number]"),
        "compute_stats.*param trials: list\\[number\\] needs a body member typed as an array",
    ),
    (
        "array of numbers without a type",
        lambda r: _sdk(r, "/stats", "post")["params"][0].pop("type"),
        "compute_stats.*param series: an array of numbers needs type: list\\[number\\]",
    ),
    (
        "list[number] as a model field",
        lambda r: r["components"]["schemas"]["Stats"]["x-sdk-model"]["fields"]["values"].update(
            type="list[number]"
        ),
        "Stats.x-sdk-model.fields.values: unknown type 'list\\[number\\]'",
    ),
    (
        "map of objects",
        lambda r: r["components"]["schemas"]["Stats"]["x-sdk-model"]["fields"]["counts"].update(
            type="map[object]"
        ),
        "Stats.x-sdk-model.fields.counts: unknown type 'map\\[object\\]'",
    ),
    (
        "map default not empty",
        lambda r: r["components"]["schemas"]["Stats"]["x-sdk-model"]["fields"]["counts"].update(
            default={"a": 1}
        ),
        "Stats.x-sdk-model.fields.counts: default .* does not fit type map\\[int\\]",
    ),
    (
        "item and model together",
        lambda r: _sdk(r, "/names", "get")["returns"].update(model="Quote"),
        "get_names.*returns.item is for kind list, instead of a model",
    ),
    (
        "item on a model return",
        lambda r: _sdk(r, "/things/{thing_id}", "get")["returns"].update(item="str"),
        "get_thing.*returns.item is for kind list",
    ),
    (
        "item of an unknown type",
        lambda r: _sdk(r, "/names", "get")["returns"].update(item="object"),
        "get_names.*returns.item must be one of",
    ),
    (
        "also on a list of scalars",
        lambda r: _sdk(r, "/names", "get")["returns"].update(also={"at": "at"}),
        "get_names.*returns.also",
    ),
    (
        "map_values without from",
        lambda r: _sdk(r, "/quote-book", "get")["returns"].pop("from"),
        "get_quote_book.*map_values needs from",
    ),
    (
        "map_values without a model",
        lambda r: _sdk(r, "/quote-book", "get")["returns"].pop("model"),
        "get_quote_book.*returns.model None is not an x-sdk-model",
    ),
    (
        "take on map_values",
        lambda r: _sdk(r, "/quote-book", "get")["returns"].update(take="x"),
        "get_quote_book.*returns.take names an int parameter, only for kind list",
    ),
    (
        # issue 17 survivor: a misspelt key must not be ignored (the default would be lost)
        "unknown param key",
        lambda r: _sdk(r, "/things", "get")["params"][2].update(defualt=5),
        "list_things.*param 'limit': unknown keys \\['defualt'\\]",
    ),
    (
        # issue 17 survivor: a path parameter with a default would build a URL with "None"
        "path param with a default",
        lambda r: _sdk(r, "/things/{thing_id}", "get")["params"][0].update(default="x"),
        "get_thing.*param thing_id: a path parameter cannot have a default",
    ),
    (
        "path param with default null and no otherwise",
        lambda r: _sdk(r, "/groups/{group_id}/members/{thing_id}", "get")["params"][1].pop(
            "otherwise"
        ),
        "get_membership.*param group_id: a path parameter cannot have a default",
    ),
    (
        "otherwise on a query parameter",
        lambda r: _sdk(r, "/things", "get")["params"][2].update(
            default=None, otherwise="get_thing"
        ),
        "list_things.*param limit: otherwise names an operation, for a path parameter",
    ),
    (
        "otherwise on a required path parameter",
        lambda r: _sdk(r, "/groups/{group_id}/members/{thing_id}", "get")["params"][1].pop(
            "default"
        ),
        "get_membership.*param group_id: otherwise names an operation, for a path parameter",
    ),
    (
        "otherwise names no operation",
        lambda r: _sdk(r, "/groups/{group_id}/members/{thing_id}", "get")["params"][1].update(
            otherwise="nope"
        ),
        "get_membership.*param group_id: otherwise: no operation 'nope'",
    ),
    (
        "otherwise to an operation without one of the method's targets",
        lambda r: (
            r["paths"]["/groups/{group_id}/members/{thing_id}"]["get"]["parameters"].append(
                {"name": "at", "in": "query", "schema": {"type": "string"}}
            ),
            _sdk(r, "/groups/{group_id}/members/{thing_id}", "get")["params"].append(
                {"name": "at", "wire": "query.at", "default": None}
            ),
        ),
        "get_membership.*otherwise: find_membership must take the method's targets without "
        "path.group_id \\(missing \\['query.at'\\]\\)",
    ),
    (
        "otherwise to an operation with another path",
        lambda r: (
            r["paths"]["/members/{thing_id}"]["get"]["parameters"].append(
                {"name": "X-Trace", "in": "header", "schema": {"type": "string"}}
            )
            or r["paths"].update(
                {"/members/{thing_id}/{extra}": r["paths"].pop("/members/{thing_id}")}
            )
            or r["paths"]["/members/{thing_id}/{extra}"]["get"]["parameters"].append(
                {"name": "extra", "in": "path", "required": True, "schema": {"type": "string"}}
            )
        ),
        "get_membership.*otherwise: find_membership must take the method's targets",
    ),
    (
        "otherwise to another HTTP method",
        lambda r: _sdk(r, "/groups/{group_id}/members/{thing_id}", "get")["params"][1].update(
            otherwise="delete_thing"
        ),
        "get_membership.*otherwise: delete_thing must be another GET operation",
    ),
    (
        "otherwise to an operation with other security",
        lambda r: r["paths"]["/members/{thing_id}"]["get"].update(security=[{"Key": []}]),
        "get_membership.*otherwise: find_membership needs the same security",
    ),
    (
        "also_from_params names no parameter",
        lambda r: _sdk(r, "/groups/{group_id}/members/{thing_id}", "get")["returns"].update(
            also_from_params={"group": "team_id"}
        ),
        "get_membership.*returns.also_from_params.group: 'team_id' is not a parameter",
    ),
    (
        "also_from_params names no field",
        lambda r: _sdk(r, "/groups/{group_id}/members/{thing_id}", "get")["returns"].update(
            also_from_params={"team": "group_id"}
        ),
        "get_membership.*returns.also_from_params 'team' is not a field of Membership",
    ),
    (
        "also_from_params on a list",
        lambda r: _sdk(r, "/things", "get")["returns"].update(also_from_params={"note": "limit"}),
        "list_things.*returns.also_from_params is a mapping of field to parameter, only for kind model",
    ),
    (
        "also_from_params with another type",
        lambda r: _sdk(r, "/things/{thing_id}", "get")["returns"].update(
            also_from_params={"thing_id": "at"}
        ),
        "get_thing.*also_from_params.thing_id: parameter at \\(datetime\\) does not fit field type str",
    ),
    (
        "also_from_params to a derived field",
        lambda r: _sdk(r, "/things/{thing_id}", "get")["returns"].update(
            also_from_params={"is_open": "thing_id"}
        ),
        "get_thing.*returns.also_from_params 'is_open' is not a field of Thing read from a top-level",
    ),
    (
        "take on a model",
        lambda r: _sdk(r, "/things/{thing_id}", "get")["returns"].update(take="x"),
        "get_thing.*returns.take names an int parameter",
    ),
    # --- issue 12: sessions, local parameters, where / skip / reverse, sum ----------------
    (
        "x-sdk-session without a declared class",
        lambda r: r.pop("x-sdk-sessions"),
        "start_run: x-sdk-session needs a class in x-sdk-sessions",
    ),
    (
        "unknown key in a session declaration",
        lambda r: _decl(r).update(stop="stop"),
        "x-sdk-sessions.RunSession: unknown keys \\['stop'\\]",
    ),
    (
        "session declaration without step",
        lambda r: _decl(r).pop("step"),
        "x-sdk-sessions.RunSession: needs \\['step'\\]",
    ),
    (
        "session class named like a model",
        lambda r: r["x-sdk-sessions"].update(Inner=dict(_decl(r))),
        "x-sdk-sessions.Inner: must be a Python class name that is not a model",
    ),
    (
        "lifecycle names no method",
        lambda r: _decl(r).update(cancel="halt"),
        "x-sdk-sessions.RunSession.cancel: 'halt' is not a method of RunSession",
    ),
    (
        "step method needs an argument",
        lambda r: _sess(r, "/runs/{run_id}/tick", "post")["params"][0].pop("default"),
        "x-sdk-sessions.RunSession.step: tick must be callable without arguments",
    ),
    (
        "complete is not a bool field",
        lambda r: _decl(r).update(complete="step"),
        "x-sdk-sessions.RunSession.complete: 'step' is not a bool field of Tick",
    ),
    (
        "finished is not an error code",
        lambda r: _decl(r).update(finished="GONE"),
        "x-sdk-sessions.RunSession.finished: 'GONE' is not in x-error-codes",
    ),
    (
        "attach clashes with a client method",
        lambda r: _decl(r).update(attach="get_quotes"),
        "x-sdk-sessions.RunSession.attach: 'get_quotes' is already a client method",
    ),
    (
        "x-sdk-session names an undeclared class",
        lambda r: _sess(r, "/runs/{run_id}/stop", "post").update(session="WalkSession"),
        "stop_run: x-sdk-session\\[0\\].session: 'WalkSession' is not declared",
    ),
    (
        "x-sdk-session on an operation without the bound parameter",
        lambda r: r["paths"]["/quotes"]["get"].update(
            {
                "x-sdk-session": [
                    {"session": "RunSession", "method": "quotes", "returns": {"kind": "raw"}}
                ]
            }
        ),
        "get_quotes: x-sdk-session\\[0\\]: get_quotes has no path parameter 'run_id'",
    ),
    (
        "the bound parameter given as a parameter",
        lambda r: _sess(r, "/runs/{run_id}/stop", "post").update(
            params=[{"name": "run_id", "wire": "path.run_id"}]
        ),
        "stop_run: x-sdk-session\\[0\\]: run_id is bound to the session, not a parameter",
    ),
    (
        "a reserved session method name",
        lambda r: _sess(r, "/runs/{run_id}/stop", "post").update(method="bars"),
        "stop_run: x-sdk-session\\[0\\]: 'bars' is reserved on a session class",
    ),
    (
        "a session method twice",
        lambda r: _sess(r, "/runs/{run_id}/things", "get", 1).update(method="find_things"),
        "get_run_things: x-sdk-session\\[1\\]: method find_things of RunSession already defined",
    ),
    (
        "a shared method with other parameters than the client's",
        lambda r: _sess(r, "/runs/{run_id}/things", "get", 1)["params"][0].update(default=5),
        "x-sdk-sessions.RunSession: method get_names takes .* the client's",
    ),
    (
        "a shared method returning another type than the client's",
        lambda r: _sess(r, "/runs/{run_id}/things", "get", 1)["returns"].update(item="int"),
        "x-sdk-sessions.RunSession: method get_names returns .* the client's",
    ),
    (
        "kind session naming no class",
        lambda r: _sdk(r, "/runs", "post")["returns"].update(session="Nope"),
        "create_run: x-sdk method create_run: returns.session: 'Nope' is not in x-sdk-sessions",
    ),
    (
        "kind session without the bound field",
        lambda r: _sdk(r, "/runs", "post")["returns"].update(model="Inner"),
        "create_run.*returns.session: Inner needs a required str field 'run_id'",
    ),
    (
        "session on another return kind",
        lambda r: _sdk(r, "/things/{thing_id}", "get")["returns"].update(session="RunSession"),
        "get_thing.*returns.session names an x-sdk-sessions class, only for kind session",
    ),
    (
        "a local parameter without a default",
        lambda r: _sess(r, "/runs/{run_id}/things", "get")["params"][2].pop("default"),
        "get_run_things.*param limit: a local parameter needs a default",
    ),
    (
        "a local parameter with a wire",
        lambda r: _sess(r, "/runs/{run_id}/things", "get")["params"][2].update(wire="query.x"),
        "get_run_things.*param limit: a local parameter has no \\['wire'\\]",
    ),
    (
        "a local parameter nothing uses",
        lambda r: _sess(r, "/runs/{run_id}/things", "get")["returns"].pop("skip"),
        "get_run_things.*local parameter offset is used by no returns.where/skip/take",
    ),
    (
        "where on no field",
        lambda r: _sess(r, "/runs/{run_id}/things", "get")["returns"].update(
            where={"nope": "status"}
        ),
        "get_run_things.*returns.where 'nope' is not a field of Thing",
    ),
    (
        "where with a parameter of another type",
        lambda r: _sess(r, "/runs/{run_id}/things", "get")["returns"].update(
            where={"note": "limit"}
        ),
        "get_run_things.*returns.where.note: 'limit' is not a parameter of the field's type str",
    ),
    (
        "skip on a str parameter",
        lambda r: _sess(r, "/runs/{run_id}/things", "get")["returns"].update(skip="status"),
        "get_run_things.*returns.skip 'status' is not an int parameter",
    ),
    (
        "reverse on a model",
        lambda r: _sdk(r, "/things/{thing_id}", "get")["returns"].update(reverse=True),
        "get_thing.*returns.reverse is true or false, only for kind list of a model",
    ),
    (
        "sum on a str field",
        lambda r: r["components"]["schemas"]["Wallet"]["x-sdk-model"]["fields"]["wallet_id"].update(
            sum=["free", "held"]
        ),
        "Wallet.x-sdk-model.fields.wallet_id: sum is for decimal fields, not str",
    ),
    (
        "sum of one member",
        lambda r: r["components"]["schemas"]["Wallet"]["x-sdk-model"]["fields"]["total"].update(
            sum=["free"]
        ),
        "Wallet.x-sdk-model.fields.total: sum must be a list of at least two member names",
    ),
    (
        "also_from_params naming a target that is not fixed",
        lambda r: _sess(r, "/runs/{run_id}/things", "post")["returns"]["also_from_params"].update(
            id="body.note"
        ),
        "add_run_thing.*also_from_params.id must name a parameter or a fixed target",
    ),
]


# issue 19: pages, enum
CASES += [
    (
        "pages on a method without offset",
        lambda r: _sdk(r, "/things", "get").update(pages="iter_things"),
        "list_things.*pages needs int parameters limit and offset",
    ),
    (
        "pages named like a method",
        lambda r: _sdk(r, "/thing-pages", "get").update(pages="list_things"),
        "page_things.*pages 'list_things' is already a method",
    ),
    (
        "pages not a name",
        lambda r: _sdk(r, "/thing-pages", "get").update(pages=["iter"]),
        "page_things.*pages must name the iterator method",
    ),
    (
        "enum outside the wire schema's",
        lambda r: _sdk(r, "/thing-pages", "get")["params"][0].update(enum=["big", "huge"]),
        "page_things.*param kind: enum is a list of str values, within the wire schema's enum",
    ),
    (
        "default outside the enum",
        lambda r: _sdk(r, "/thing-pages", "get")["params"][0].update(default="huge"),
        "page_things.*param kind: default 'huge' is not one of",
    ),
]


def _decl(raw: dict[str, Any]) -> dict[str, Any]:
    decl: dict[str, Any] = raw["x-sdk-sessions"]["RunSession"]
    return decl


def _sess(raw: dict[str, Any], path: str, verb: str, i: int = 0) -> dict[str, Any]:
    entry: dict[str, Any] = raw["paths"][path][verb]["x-sdk-session"][i]
    return entry


@pytest.mark.parametrize(("mutate", "pattern"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_vocabulary_error(mutate: Any, pattern: str) -> None:
    with pytest.raises(VocabularyError, match=pattern):
        _build(mutate)


def test_parser_errors_are_reported() -> None:
    raw = copy.deepcopy(FIXTURE)
    raw["paths"]["/things"]["get"]["parameters"][0]["in"] = "nowhere"
    with pytest.raises(SpecError):
        build(build_spec(raw))


def test_cli_exit_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from generator.__main__ import main

    raw = copy.deepcopy(FIXTURE)
    _sdk(raw, "/things", "get")["returns"]["kind"] = "tuple"
    spec = tmp_path / "bad.yaml"
    spec.write_text(yaml.safe_dump(raw), encoding="utf-8")
    assert main(["--spec", str(spec), "--out", str(tmp_path)]) == 2
    assert "list_things" in capsys.readouterr().err
