"""The SDK's intermediate representation, built from the document's vendor extensions.

`build(spec)` validates `x-sdk` and `x-sdk-session` (per operation), `x-sdk-model` (per
schema), `x-sdk-sessions`, `x-error-codes`, `x-order-reject-reasons` and `x-sdk-auth`
against the closed vocabulary described at the top of openapi.yaml and returns plain data
the templates render. Every problem is a `VocabularyError` naming the operation (or schema,
or session class) and the offending key.
"""

from __future__ import annotations

import dataclasses
import keyword
import re
from dataclasses import dataclass, field
from typing import Any

from .load import Operation, Spec, SpecError


class VocabularyError(SpecError):
    """A vendor extension does not follow the SDK vocabulary."""


SCALAR_TYPES = {"str", "int", "bool", "decimal", "datetime", "object"}
# list[number]: statistics sent as JSON numbers (a float argument is accepted, unlike decimal).
PARAM_TYPES = SCALAR_TYPES | {"list[str]", "list[int]", "list[number]"}
# Values of a JSON object used as a map (map[<t>]) and items of a scalar list return.
MAP_ITEM_TYPES = {"str", "int", "bool", "decimal", "datetime"}
FIELD_TYPES = (
    SCALAR_TYPES
    | {"list[str]", "list[int]", "list[decimal]", "list[list[decimal]]", "list[object]"}
    | {f"map[{t}]" for t in MAP_ITEM_TYPES}
)
RETURN_KINDS = {"model", "list", "map_list", "map_values", "none", "text", "raw", "session"}
PARAM_KEYS = {
    "name",
    "wire",
    "default",
    "keyword_only",
    "type",
    "csv",
    "doc",
    "fallback",
    "otherwise",
    "local",
    "enum",
}
# cli: the command line's words for the method, passed through to the tool table (its
# meaning is the command line's, documented in openapi.yaml's header).
METHOD_KEYS = {"method", "doc", "params", "fixed", "idempotent", "returns", "pages", "cli"}
SESSION_METHOD_KEYS = METHOD_KEYS | {"session"}
RETURN_KEYS = {
    "kind",
    "model",
    "item",
    "from",
    "key",
    "value",
    "also",
    "take",
    "also_from_params",
    "where",
    "skip",
    "reverse",
    "session",
}
FIELD_KEYS = {"wire", "type", "equals", "count", "default", "secret", "sum"}
MODEL_KEYS = {"name", "doc", "fields"}
SESSION_KEYS = {
    "doc",
    "bind",
    "attach",
    "start",
    "cancel",
    "finished",
    "step",
    "complete",
    "protocol",
}
IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
TARGET = re.compile(
    r"^(path|query|header)\.([A-Za-z0-9_\-]+)$|^body\.([A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*)$"
)
MEMBER = re.compile(r"^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$")


# ------------------------------------------------------------------------------ IR


@dataclass(frozen=True)
class Target:
    """Where a value goes on the wire."""

    location: str  # path | query | header | body
    key: tuple[str, ...]  # one name, or the body's nested keys

    @property
    def name(self) -> str:
        return self.key[-1]


@dataclass(frozen=True)
class Param:
    """A parameter of an SDK method."""

    name: str
    type: str  # an sdk type (PARAM_TYPES)
    targets: tuple[Target, ...]
    spread: bool  # the wire is a list: the sequence argument spreads over the targets
    required: bool
    default: Any  # the Python value of the default (when not required)
    keyword_only: bool
    csv: bool
    doc: str | None
    wire_kind: str = "other"  # JSON type of a body target: a decimal goes as a number when "number"
    # When the argument is None: call SDK method fallback[0] (with the parameters of the
    # same names) and use field fallback[1] of its result.
    fallback: tuple[str, str] | None = None
    # A path parameter that may be None: then the method calls this operation instead.
    otherwise: str | None = None
    # Not sent: the method applies it to the result (returns.where / skip / take).
    local: bool = False
    # The values the wire schema allows (its enum; of the items for a list): a Literal in
    # the signature and the docstring's allowed values. Empty: any value of the type.
    enum: tuple[Any, ...] = ()
    # The wire schema's bounds (minimum, maximum), for the docstring; None: unbounded.
    bounds: tuple[Any, Any] = (None, None)
    # An object parameter whose wire schema lists its properties: the TypedDict of them
    # (SdkModel.typed_dicts), its annotation instead of Mapping[str, Any].
    typed_dict: str | None = None

    @property
    def optional(self) -> bool:
        """None is accepted (and means: send nothing)."""
        return not self.required and self.default is None

    @property
    def item_type(self) -> str:
        """The element type of a list type (for spread and csv)."""
        return self.type[5:-1] if self.type.startswith("list[") else self.type


@dataclass(frozen=True)
class Fixed:
    """A constant sent on every call."""

    target: Target
    value: Any


@dataclass(frozen=True)
class BodyNode:
    """One object of the JSON body: required members inline, optional ones added after."""

    key: tuple[str, ...]  # path from the body root ( () = the body itself)
    members: list[tuple[str, Any]]  # (wire key, Param | Fixed | BodyNode)

    def optional_leaves(self) -> list[tuple[tuple[str, ...], Param]]:
        """(full key, param) of the optional parameters, depth first in document order."""
        out: list[tuple[tuple[str, ...], Param]] = []
        for key, item in self.members:
            if isinstance(item, BodyNode):
                out += item.optional_leaves()
            elif isinstance(item, Param) and item.optional:
                out.append(((*self.key, key), item))
        return out


@dataclass(frozen=True)
class Returns:
    kind: str
    model: str | None = None
    item: str | None = None  # list of scalars: their sdk type (MAP_ITEM_TYPES), instead of a model
    from_: tuple[str, ...] = ()
    key: str | None = None
    value: str | None = None
    also: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (model field, body member path)
    take: str | None = None  # list: keep at most this int parameter's value of items
    # model: (model field, parameter) - the argument fills the field the body lacks
    also_from_params: tuple[tuple[str, str], ...] = ()
    # model: (model field, value of one of the method's fixed targets), the same way
    also_fixed: tuple[tuple[str, Any], ...] = ()
    # list of a model: keep the items whose field equals the argument, when it is not None
    where: tuple[tuple[str, str], ...] = ()
    skip: str | None = None  # list: drop this int parameter's value of leading items
    reverse: bool = False  # list: the server's order reversed (before where/skip/take)
    session: str | None = None  # session: the x-sdk-sessions class the method returns


@dataclass(frozen=True)
class Alternate:
    """The operation a method calls instead when its `otherwise` path parameter is None."""

    param: str  # the SDK parameter whose None selects this operation
    operation_id: str
    path: str


@dataclass(frozen=True)
class Pages:
    """A list method over limit/offset that gets an iterator over every item (x-sdk pages).

    The iterator takes the method's parameters (``limit`` is the page size, ``offset``
    where to start) and asks for page after page until one comes back short, or, when the
    answer carries the number of items in all (``total``: the platform's
    ``{items, total[, limit, offset]}`` styles), until that many were reached; a
    ``{items, count}`` answer or a bare array has no total, so a short page ends it.
    """

    method: str  # the iterator's name
    total: tuple[str, ...] | None  # the body member with the number of items in all
    # A method returning a model (AgentList): its list field that holds the page's items,
    # and that field's model; None for a method returning the list itself.
    items: str | None = None
    item_model: str | None = None


@dataclass(frozen=True)
class Method:
    """One SDK method (rendered in both clients)."""

    name: str
    operation_id: str
    http_method: str
    path: str
    security: tuple[str, ...]
    params: list[Param]
    fixed: list[Fixed]
    body: BodyNode | None
    idempotent: bool
    returns: Returns
    summary: str
    description: str | None
    alternate: Alternate | None = None
    # A method of a session class (x-sdk-session): `bound` is its path parameter, filled
    # from the instance; `effects` the bookkeeping the class's lifecycle needs after it.
    session: str | None = None
    bound: str | None = None
    effects: tuple[str, ...] = ()  # "started" | "finished" | "step"
    # requestBody.required is false: an empty body is not sent at all.
    body_optional: bool = False
    # The exceptions of the operation's documented error codes: (class, codes), in the
    # order of the responses (see raises_of).
    raises: tuple[tuple[str, tuple[str, ...]], ...] = ()
    pages: Pages | None = None  # an iterator over every item, page by page

    @property
    def options(self) -> tuple[str, ...]:
        """The per-call options after the parameters (keyword-only): CALL_OPTIONS, and
        ``idempotency_key`` on an idempotent method."""
        return CALL_OPTIONS if self.idempotent else CALL_OPTIONS[:-1]

    @property
    def call_params(self) -> list[Param]:
        """The parameters of the Python signature (a bound one comes from the instance)."""
        return [p for p in self.params if p.name != self.bound]

    @property
    def expect(self) -> str:
        return {"none": "none", "text": "text"}.get(self.returns.kind, "json")

    def targets(self, location: str) -> list[tuple[Param, int, Target]]:
        """(param, index in a spread, target) for each target at `location`, in order."""
        out = []
        for p in self.params:
            for i, t in enumerate(p.targets):
                if t.location == location:
                    out.append((p, i, t))
        return out

    def fixed_at(self, location: str) -> list[Fixed]:
        return [f for f in self.fixed if f.target.location == location]


# Keyword-only options every generated method takes after its own parameters
# (`_transport.options`); the last only where the method is idempotent. No x-sdk
# parameter may take one of these names.
CALL_OPTIONS = ("timeout", "extra_headers", "extra_query", "extra_body", "idempotency_key")


@dataclass(frozen=True)
class ModelField:
    """One field of an SDK model and how it is read from the wire."""

    name: str
    type: str  # FIELD_TYPES, model:<N> or list[model:<N>]
    kind: str  # value | equals | count
    wires: tuple[tuple[str, ...], ...]  # value: candidate members (dotted -> nested)
    wire_kind: str  # the JSON type of the wire member: string | number | integer | boolean | other
    required: bool  # present and non-null in every valid response
    has_default: bool
    default: Any
    equals: Any = None  # equals: the value compared with
    secret: bool = False
    sum: tuple[tuple[str, ...], ...] = ()  # value: when absent, the sum of these members
    enum: tuple[Any, ...] = ()  # the wire schema's allowed values: a Literal annotation
    doc: str | None = None  # the wire property's description

    @property
    def sum_members(self) -> list[str]:
        return [".".join(w) for w in self.sum]

    @property
    def optional(self) -> bool:
        """The Python type admits None."""
        return not self.required and (not self.has_default or self.default is None)

    @property
    def model_name(self) -> str | None:
        m = re.fullmatch(r"(?:list\[)?model:([A-Za-z_][A-Za-z0-9_]*)\]?", self.type)
        return m.group(1) if m else None


@dataclass(frozen=True)
class Model:
    name: str
    doc: str  # x-sdk doc, else "A(n) <Name> as the API returns it."
    schema_name: str
    fields: list[ModelField]


@dataclass(frozen=True)
class ErrorCode:
    code: str
    status: int
    exception: str
    description: str


@dataclass(frozen=True)
class ErrorTables:
    codes: list[ErrorCode]  # sorted by code
    reasons: list[tuple[str, str]]  # sorted by reason
    login_path: str
    login_method: str  # the SDK method of the login operation, handed to the transport
    refresh_on: str  # the code after which a bearer call logs in again, once
    refined_by_reason: list[str]  # codes whose details.reason picks the exception


@dataclass(frozen=True)
class SessionClass:
    """A class bound to one id of a resource (x-sdk-sessions), with its async twin."""

    name: str
    doc: str | None
    bind: str  # the path parameter every method takes from the instance (an attribute too)
    attach: str  # the client method that re-attaches by id, without a request
    start: str  # session method: `with` and bars() call it first (once)
    cancel: str  # session method: leaving `with` calls it unless the session finished
    finished: str  # error code: cancel failing with it means there was nothing left to cancel
    step: str  # session method bars() calls once per iteration
    complete: str  # bool field of the step method's model: true = finished
    step_model: str
    methods: list[Method]
    protocol: str | None  # the Protocol of the methods it shares with the clients
    shared: list[str]  # those methods' names, in the session's order
    created_model: str | None = None  # the model of the client method that creates one

    @property
    def async_name(self) -> str:
        return "Async" + self.name


@dataclass(frozen=True)
class DictKey:
    """One key of a TypedDict parameter, from its wire property."""

    name: str
    type: str  # str | int | bool | decimal | number | object | list[<type>] | dict:<TypedDict>
    enum: tuple[Any, ...]
    required: bool
    nullable: bool
    doc: str | None


@dataclass(frozen=True)
class TypedDictSpec:
    """A TypedDict for an object parameter (risk profile, strategy definition), from the
    wire schema's properties; named after the component schema, or method + parameter."""

    name: str
    doc: str | None
    keys: list[DictKey]


@dataclass
class SdkModel:
    methods: list[Method] = field(default_factory=list)
    models: list[Model] = field(default_factory=list)
    errors: ErrorTables | None = None
    sessions: list[SessionClass] = field(default_factory=list)
    typed_dicts: list[TypedDictSpec] = field(default_factory=list)

    def shared_methods(self, session: SessionClass) -> list[Method]:
        """The clients' methods the session has too (the protocol's surface), in the
        clients' order."""
        return [m for m in self.methods if m.name in session.shared]


# --------------------------------------------------------------------- document level


def build_errors(spec: Spec) -> ErrorTables:
    raw = spec.raw
    codes_raw = raw.get("x-error-codes")
    if not isinstance(codes_raw, dict) or not codes_raw:
        raise VocabularyError("x-error-codes: missing or not a mapping")
    codes = []
    for code, entry in sorted(codes_raw.items()):
        if not isinstance(entry, dict) or not isinstance(entry.get("status"), int):
            raise VocabularyError(f"x-error-codes.{code}: needs an integer status")
        exc = entry.get("exception")
        if not isinstance(exc, str) or not IDENT.match(exc):
            raise VocabularyError(f"x-error-codes.{code}: exception must be a class name")
        if not isinstance(entry.get("refine_by_reason", False), bool):
            raise VocabularyError(f"x-error-codes.{code}: refine_by_reason must be true or false")
        codes.append(ErrorCode(code, entry["status"], exc, str(entry.get("description", ""))))
    refined = sorted(c for c, e in codes_raw.items() if e.get("refine_by_reason"))
    reasons_raw = raw.get("x-order-reject-reasons") or {}
    if not isinstance(reasons_raw, dict):
        raise VocabularyError("x-order-reject-reasons: not a mapping")
    for reason, exc in reasons_raw.items():
        if not isinstance(exc, str) or not IDENT.match(exc):
            raise VocabularyError(
                f"x-order-reject-reasons.{reason}: exception must be a class name"
            )
    auth = raw.get("x-sdk-auth")
    if not isinstance(auth, dict) or not isinstance(auth.get("login"), str):
        raise VocabularyError("x-sdk-auth: needs {login: <operationId>}")
    login = [op for op in spec.operations if op.operation_id == auth["login"]]
    if not login:
        raise VocabularyError(f"x-sdk-auth.login: no operation {auth['login']!r}")
    entries = login[0].raw.get("x-sdk")
    if not isinstance(entries, list) or not entries or not isinstance(entries[0], dict):
        raise VocabularyError("x-sdk-auth.login: the login operation needs an x-sdk method")
    login_method = entries[0].get("method")
    login_params = entries[0].get("params") or []
    if not isinstance(login_method, str) or len(login_params) != 2:
        raise VocabularyError(
            "x-sdk-auth.login: its x-sdk method must take (api key, api secret), in that order"
        )
    refresh_on = auth.get("refresh_on")
    if refresh_on not in codes_raw:
        raise VocabularyError("x-sdk-auth.refresh_on: must name a code of x-error-codes")
    return ErrorTables(
        codes, sorted(reasons_raw.items()), login[0].path, login_method, refresh_on, refined
    )


# ------------------------------------------------------------------- schema helpers


def _schema_type(spec: Spec, schema: Any, where: str) -> str:
    """The sdk type a wire schema maps to by default."""
    schema = spec.resolve(schema)
    if not isinstance(schema, dict):
        raise VocabularyError(f"{where}: no schema")
    model = schema.get("x-sdk-model")
    if isinstance(model, dict) and "name" in model:
        return f"model:{model['name']}"
    if "allOf" in schema and len(schema["allOf"]) == 1:
        return _schema_type(spec, schema["allOf"][0], where)
    kind = schema.get("type")
    fmt = schema.get("format")
    if kind == "string":
        return {"decimal": "decimal", "date-time": "datetime"}.get(fmt, "str")
    if kind == "integer":
        return "int"
    if kind == "number":
        return "decimal"
    if kind == "boolean":
        return "bool"
    if kind == "object":
        values = schema.get("additionalProperties")
        if isinstance(values, dict) and not schema.get("properties"):
            value = _schema_type(spec, values, where + "{}")
            if value in MAP_ITEM_TYPES:
                return f"map[{value}]"  # a JSON object used as a map: name -> scalar
        return "object"
    if kind == "array":
        item = _schema_type(spec, schema.get("items", {}), where + "[]")
        if item == "list[decimal]":
            return "list[list[decimal]]"
        if item in {"str", "int", "decimal", "object"} or item.startswith("model:"):
            return f"list[{item}]"
        raise VocabularyError(f"{where}: unsupported array items {item!r}; give a type")
    raise VocabularyError(f"{where}: cannot derive a type from the wire schema; give a type")


def _enum(spec: Spec, schema: Any) -> tuple[Any, ...]:
    """The values a wire schema allows (of its items, for an array): its enum without null,
    when every value is text or every value an integer; else () — any value of the type."""
    schema = spec.resolve(schema)
    if not isinstance(schema, dict):
        return ()
    if "allOf" in schema and len(schema["allOf"]) == 1:
        return _enum(spec, schema["allOf"][0])
    if schema.get("type") == "array":
        return _enum(spec, schema.get("items", {}))
    values = tuple(v for v in schema.get("enum") or () if v is not None)
    if values and (
        all(isinstance(v, str) for v in values)
        or all(isinstance(v, int) and not isinstance(v, bool) for v in values)
    ):
        return values
    return ()


def _bounds(spec: Spec, schema: Any) -> tuple[Any, Any]:
    """(minimum, maximum) of a numeric wire schema, None where it sets none."""
    schema = spec.resolve(schema)
    if not isinstance(schema, dict):
        return (None, None)
    return (schema.get("minimum"), schema.get("maximum"))


def _description(spec: Spec, schema: Any) -> str | None:
    """A schema's description, unless it is the wire encoding's: the text of a shared
    format schema (DecimalString: "A decimal number as a string …") copied into a
    property says how the wire carries a value the SDK hands over as a Decimal."""
    schema = spec.resolve(schema)
    text = schema.get("description") if isinstance(schema, dict) else None
    if not isinstance(text, str) or not text.strip():
        return None
    return None if text in _format_descriptions(spec) else text.strip()


def _format_descriptions(spec: Spec) -> frozenset[str]:
    """Descriptions of the component schemas that only give a string format."""
    schemas = (spec.raw.get("components") or {}).get("schemas") or {}
    return frozenset(
        str(s["description"])
        for s in schemas.values()
        if isinstance(s, dict)
        and s.get("type") == "string"
        and "format" in s
        and "description" in s
        and "x-sdk-model" not in s
    )


def _wire_kind(spec: Spec, schema: Any) -> str:
    schema = spec.resolve(schema)
    kind = schema.get("type") if isinstance(schema, dict) else None
    return kind if kind in {"string", "number", "integer", "boolean"} else "other"


def _properties(spec: Spec, schema: Any) -> tuple[dict[str, Any], set[str]]:
    """Properties and required names of an object schema (allOf merged)."""
    schema = spec.resolve(schema)
    props: dict[str, Any] = {}
    required: set[str] = set()
    for part in schema.get("allOf", []):
        p, r = _properties(spec, part)
        props.update(p)
        required |= r
    props.update(schema.get("properties") or {})
    required |= set(schema.get("required") or [])
    return props, required


def _member(spec: Spec, schema: Any, path: tuple[str, ...]) -> tuple[Any, bool] | None:
    """(schema, required-all-the-way) of a dotted member, or None when not described."""
    required = True
    node = schema
    for part in path:
        props, req = _properties(spec, node)
        if part not in props:
            return None
        node = spec.resolve(props[part])
        required = required and part in req and not node.get("nullable", False)
    return node, required


# ---------------------------------------------------------------------------- models


def build_models(spec: Spec) -> list[Model]:
    schemas = (spec.raw.get("components") or {}).get("schemas") or {}
    models: list[Model] = []
    names: set[str] = set()
    for schema_name, schema in schemas.items():
        if not isinstance(schema, dict) or "x-sdk-model" not in schema:
            continue
        ext = schema["x-sdk-model"]
        where = f"components.schemas.{schema_name}.x-sdk-model"
        if not isinstance(ext, dict):
            raise VocabularyError(f"{where}: not a mapping")
        unknown = set(ext) - MODEL_KEYS
        if unknown:
            raise VocabularyError(f"{where}: unknown keys {sorted(unknown)}")
        name = ext.get("name")
        if not isinstance(name, str) or not IDENT.match(name):
            raise VocabularyError(f"{where}: name must be a Python class name")
        if name in names:
            raise VocabularyError(f"{where}: model {name} defined twice")
        names.add(name)
        fields_raw = ext.get("fields")
        if not isinstance(fields_raw, dict) or not fields_raw:
            raise VocabularyError(f"{where}: fields must be a non-empty mapping")
        fields = [
            _build_field(spec, schema, fname, fspec or {}, f"{where}.fields.{fname}")
            for fname, fspec in fields_raw.items()
        ]
        models.append(Model(name, ext.get("doc") or _fallback_doc(name), schema_name, fields))
    known = {m.name for m in models}
    for m in models:
        for f in m.fields:
            ref = f.model_name
            if ref is not None and ref not in known:
                raise VocabularyError(f"x-sdk-model {m.name}.{f.name}: unknown model {ref!r}")
    return models


def _build_field(spec: Spec, host: Any, name: str, fspec: Any, where: str) -> ModelField:
    if not isinstance(fspec, dict):
        raise VocabularyError(f"{where}: must be a mapping")
    unknown = set(fspec) - FIELD_KEYS
    if unknown:
        raise VocabularyError(f"{where}: unknown keys {sorted(unknown)}")
    if not IDENT.match(name) or keyword.iskeyword(name):
        raise VocabularyError(f"{where}: not a Python identifier")
    has_default = "default" in fspec
    default = fspec.get("default")
    secret = bool(fspec.get("secret", False))
    derived = [k for k in ("equals", "count") if k in fspec]
    if len(derived) > 1 or (derived and ({"wire", "type", "sum"} & set(fspec))):
        raise VocabularyError(f"{where}: equals/count exclude each other and wire/type/sum")
    if "equals" in fspec:
        eq = fspec["equals"]
        if not (
            isinstance(eq, list) and len(eq) == 2 and isinstance(eq[0], str) and MEMBER.match(eq[0])
        ):
            raise VocabularyError(f"{where}: equals must be [<member>, <value>]")
        return ModelField(
            name,
            "bool",
            "equals",
            (tuple(eq[0].split(".")),),
            "other",
            True,
            False,
            None,
            equals=eq[1],
            secret=secret,
        )
    if "count" in fspec:
        member = fspec["count"]
        if not isinstance(member, str) or not MEMBER.match(member):
            raise VocabularyError(f"{where}: count must name a wire member")
        return ModelField(
            name,
            "int",
            "count",
            (tuple(member.split(".")),),
            "other",
            True,
            False,
            None,
            secret=secret,
        )

    wire = fspec.get("wire", name)
    wires_raw = wire if isinstance(wire, list) else [wire]
    if not wires_raw or not all(isinstance(w, str) and MEMBER.match(w) for w in wires_raw):
        raise VocabularyError(f"{where}: wire must be a member name or a list of them")
    wires = tuple(tuple(w.split(".")) for w in wires_raw)
    sums: tuple[tuple[str, ...], ...] = ()
    if "sum" in fspec:
        sum_raw = fspec["sum"]
        if not (
            isinstance(sum_raw, list)
            and len(sum_raw) >= 2
            and all(isinstance(w, str) and MEMBER.match(w) for w in sum_raw)
        ):
            raise VocabularyError(f"{where}: sum must be a list of at least two member names")
        sums = tuple(tuple(w.split(".")) for w in sum_raw)
    found = _member(spec, host, wires[0])
    ftype = fspec.get("type")
    if ftype is None:
        if found is None:
            raise VocabularyError(
                f"{where}: wire member {'.'.join(wires[0])!r} not in the schema; give a type"
            )
        ftype = _schema_type(spec, found[0], where)
    elif not _valid_field_type(ftype):
        raise VocabularyError(f"{where}: unknown type {ftype!r}")
    # An explicit type may cover several wire shapes (Trade.trade_id: uuid or integer):
    # then the value is always converted, never taken as it is.
    wire_kind = _wire_kind(spec, found[0]) if found is not None and "type" not in fspec else "other"
    if sums and ftype != "decimal":
        raise VocabularyError(f"{where}: sum is for decimal fields, not {ftype}")
    # Required when the host schema requires the first wire member: the other members
    # (and a sum) are other servers' names for the same value, so one of them is present.
    required = found is not None and found[1] and not has_default
    if has_default and default is not None and not _default_fits(ftype, default):
        raise VocabularyError(f"{where}: default {default!r} does not fit type {ftype}")
    # An explicit type may cover other servers' shapes: then no Literal from this schema.
    enum = _enum(spec, found[0]) if found is not None and "type" not in fspec else ()
    if enum and ftype not in {"str", "int", "list[str]", "list[int]"}:
        enum = ()
    return ModelField(
        name,
        ftype,
        "value",
        wires,
        wire_kind,
        required,
        has_default,
        default,
        secret=secret,
        sum=sums,
        enum=enum,
        doc=_description(spec, found[0]) if found is not None else None,
    )


def _fallback_doc(name: str) -> str:
    """A model's docstring when its x-sdk entry gives none ("An Order as the API returns it.")."""
    article = "An" if name[:1] in "AEIOU" else "A"
    return f"{article} {name} as the API returns it."


def _valid_field_type(t: Any) -> bool:
    if not isinstance(t, str):
        return False
    if t in FIELD_TYPES:
        return True
    return re.fullmatch(r"(list\[)?model:[A-Za-z_][A-Za-z0-9_]*(?(1)\])", t) is not None


def _default_fits(t: str, value: Any) -> bool:
    if t.startswith("list["):
        return value == []
    if t.startswith("map["):
        return value == {}
    return {
        "str": isinstance(value, str),
        "int": isinstance(value, int) and not isinstance(value, bool),
        "bool": isinstance(value, bool),
        "decimal": isinstance(value, str | int) and not isinstance(value, bool),
        "datetime": False,
        "object": value == {},
    }.get(t, False)


# --------------------------------------------------------------------------- methods


def build_methods(spec: Spec, models: list[Model]) -> list[Method]:
    model_by_name = {m.name: m for m in models}
    schemes = (spec.raw.get("components") or {}).get("securitySchemes") or {}
    methods: list[Method] = []
    seen: dict[str, str] = {}
    for op in spec.operations:
        entries = op.raw.get("x-sdk")
        if entries is None:
            continue
        if not isinstance(entries, list) or not entries:
            raise VocabularyError(f"{op.operation_id}: x-sdk must be a non-empty list of methods")
        security = _security(op, schemes)
        for i, entry in enumerate(entries):
            method = _build_method(spec, op, entry, i, security, model_by_name)
            if method.name in seen:
                raise VocabularyError(
                    f"{op.operation_id}: method {method.name} already defined by {seen[method.name]}"
                )
            seen[method.name] = op.operation_id
            methods.append(method)
    _check_fallbacks(methods, model_by_name)
    _check_pages(methods, "x-sdk")
    return [_with_alternate(spec, m) for m in methods]


def _check_pages(methods: list[Method], where: str) -> None:
    """An iterator's name is taken by no method and no other iterator of the class."""
    names = {m.name for m in methods}
    for m in methods:
        if m.pages is None:
            continue
        if m.pages.method in names:
            raise VocabularyError(
                f"{m.operation_id}: {where} method {m.name}: pages {m.pages.method!r} is "
                "already a method"
            )
        names.add(m.pages.method)


def _with_alternate(spec: Spec, m: Method) -> Method:
    """Resolve a parameter's `otherwise`: an operation with the same HTTP method, security
    and targets, whose path lacks exactly that parameter (and nothing else)."""
    params = [p for p in m.params if p.otherwise is not None]
    if not params:
        return m
    where = f"{m.operation_id}: x-sdk method {m.name}"
    if len(params) > 1:
        raise VocabularyError(f"{where}: only one parameter may have otherwise")
    p = params[0]
    pwhere = f"{where}: param {p.name}: otherwise"
    alt = next((op for op in spec.operations if op.operation_id == p.otherwise), None)
    if alt is None:
        raise VocabularyError(f"{pwhere}: no operation {p.otherwise!r}")
    if alt.operation_id == m.operation_id or alt.method != m.http_method:
        raise VocabularyError(
            f"{pwhere}: {alt.operation_id} must be another {m.http_method} operation"
        )
    if (
        _security(alt, (spec.raw.get("components") or {}).get("securitySchemes") or {})
        != m.security
    ):
        raise VocabularyError(f"{pwhere}: {alt.operation_id} needs the same security")
    mine = {(t.location, t.name) for q in m.params for t in q.targets if t.location != "body"}
    mine |= {(f.target.location, f.target.name) for f in m.fixed if f.target.location != "body"}
    expected = mine - {("path", p.targets[0].name)}
    theirs = {key for key in alt.params if key[0] == "path"}
    missing = sorted(f"{loc}.{name}" for loc, name in expected if (loc, name) not in alt.params)
    if missing or theirs != {key for key in expected if key[0] == "path"}:
        raise VocabularyError(
            f"{pwhere}: {alt.operation_id} must take the method's targets without "
            f"path.{p.targets[0].name} (missing {missing})"
        )
    if ("requestBody" in alt.raw) != (m.body is not None):
        raise VocabularyError(f"{pwhere}: {alt.operation_id} differs in having a body")
    return dataclasses.replace(m, alternate=Alternate(p.name, alt.operation_id, alt.path))


def _check_fallbacks(methods: list[Method], models: dict[str, Model]) -> None:
    """A fallback names a method returning a model with that field, callable with the
    required parameters of the calling method (matched by name)."""
    by_name = {m.name: m for m in methods}
    for m in methods:
        for p in m.params:
            if p.fallback is None:
                continue
            where = f"{m.operation_id}: x-sdk method {m.name}: param {p.name}: fallback"
            target = by_name.get(p.fallback[0])
            if target is None or target.returns.kind != "model" or target.returns.model is None:
                raise VocabularyError(
                    f"{where}: {p.fallback[0]!r} is not a method returning a model"
                )
            fields = {f.name for f in models[target.returns.model].fields}
            if p.fallback[1] not in fields:
                raise VocabularyError(
                    f"{where}: {target.returns.model} has no field {p.fallback[1]!r}"
                )
            mine = {q.name for q in m.params}
            missing = [q.name for q in target.params if q.required and q.name not in mine]
            if missing:
                raise VocabularyError(
                    f"{where}: {target.name} needs {missing}, which {m.name} lacks"
                )


def _security(op: Operation, schemes: dict[str, Any]) -> tuple[str, ...]:
    raw = op.raw.get("security")
    if raw is None:
        raise VocabularyError(
            f"{op.operation_id}: needs an operation-level security (use [] for public)"
        )
    out = []
    for alt in raw:
        if not isinstance(alt, dict) or len(alt) != 1:
            raise VocabularyError(
                f"{op.operation_id}: each security alternative must name exactly one scheme"
            )
        (name,) = alt
        if name not in schemes:
            raise VocabularyError(f"{op.operation_id}: unknown security scheme {name!r}")
        out.append(name)
    return tuple(out)


def _target(op: Operation, text: Any, where: str) -> Target:
    if not isinstance(text, str) or not TARGET.match(text):
        raise VocabularyError(
            f"{where}: bad wire target {text!r} (path.<n> | query.<n> | header.<N> | body.<k>[.<k>])"
        )
    location, _, rest = text.partition(".")
    if location != "body" and (location, rest) not in op.params:
        raise VocabularyError(f"{where}: {op.operation_id} has no {location} parameter {rest!r}")
    if location == "body" and "requestBody" not in op.raw:
        raise VocabularyError(f"{where}: {op.operation_id} has no request body")
    return Target(location, tuple(rest.split(".")) if location == "body" else (rest,))


def _body_schema(spec: Spec, op: Operation) -> Any:
    body = spec.resolve(op.raw.get("requestBody", {}))
    return spec.resolve(
        ((body.get("content") or {}).get("application/json") or {}).get("schema", {})
    )


def _target_schema(spec: Spec, op: Operation, target: Target) -> Any:
    if target.location == "body":
        found = _member(spec, _body_schema(spec, op), target.key)
        return found[0] if found else None
    return op.params[(target.location, target.name)].schema


def _build_method(
    spec: Spec,
    op: Operation,
    entry: Any,
    index: int,
    security: tuple[str, ...],
    models: dict[str, Model],
) -> Method:
    where = f"{op.operation_id}: x-sdk[{index}]"
    if not isinstance(entry, dict):
        raise VocabularyError(f"{where}: must be a mapping")
    unknown = set(entry) - METHOD_KEYS
    if unknown:
        raise VocabularyError(f"{where}: unknown keys {sorted(unknown)}")
    name = entry.get("method")
    if (
        not isinstance(name, str)
        or not IDENT.match(name)
        or keyword.iskeyword(name)
        or name.startswith("_")
    ):
        raise VocabularyError(f"{where}: method must be a public Python name, got {name!r}")
    where = f"{op.operation_id}: x-sdk method {name}"

    params: list[Param] = []
    used: dict[Target, str] = {}
    keyword_only = False
    seen_default = False
    params_raw = entry.get("params", [])
    if not isinstance(params_raw, list):
        raise VocabularyError(f"{where}: params must be a list")
    for praw in params_raw:
        param = _build_param(spec, op, praw, where, keyword_only)
        keyword_only = param.keyword_only
        if not param.keyword_only:
            if param.required and seen_default:
                raise VocabularyError(
                    f"{where}: required parameter {param.name} follows one with a default"
                )
            seen_default = seen_default or not param.required
        if any(p.name == param.name for p in params):
            raise VocabularyError(f"{where}: parameter {param.name} given twice")
        if param.name in CALL_OPTIONS:
            raise VocabularyError(
                f"{where}: parameter {param.name} is reserved for the per-call options"
            )
        for t in param.targets:
            if t in used:
                raise VocabularyError(
                    f"{where}: {param.name} and {used[t]} both send {t.location}.{'.'.join(t.key)}"
                )
            used[t] = param.name
        params.append(param)

    fixed: list[Fixed] = []
    fixed_raw = entry.get("fixed", {})
    if not isinstance(fixed_raw, dict):
        raise VocabularyError(f"{where}: fixed must be a mapping of target to value")
    for text, value in fixed_raw.items():
        t = _target(op, text, f"{where}: fixed")
        if t in used:
            raise VocabularyError(f"{where}: fixed {text} is also a parameter's target")
        if t.location != "body" and not isinstance(value, str | int | bool):
            raise VocabularyError(f"{where}: fixed {text} must be a scalar")
        used[t] = "fixed"
        fixed.append(Fixed(t, value))

    # Every required path parameter must be filled.
    for location, pname in sorted(op.params):
        if location == "path" and Target("path", (pname,)) not in used:
            raise VocabularyError(f"{where}: path parameter {pname!r} is not sent")

    idempotent = entry.get("idempotent", False)
    if not isinstance(idempotent, bool):
        raise VocabularyError(f"{where}: idempotent must be true or false")
    returns = _build_returns(entry.get("returns"), where, models, fixed)
    for word, pname in (("take", returns.take), ("skip", returns.skip)):
        if pname is not None and not any(p.name == pname and p.type == "int" for p in params):
            raise VocabularyError(f"{where}: returns.{word} {pname!r} is not an int parameter")
    by_param = {p.name: p for p in params}
    fields = {f.name: f for f in models[returns.model].fields} if returns.model in models else {}
    for fname, pname in returns.where:
        p = by_param.get(pname)
        if p is None or p.type not in {"str", "int", "bool"} or p.type != fields[fname].type:
            raise VocabularyError(
                f"{where}: returns.where.{fname}: {pname!r} is not a parameter of the field's "
                f"type {fields[fname].type}"
            )
    applied = {returns.take, returns.skip} | {pname for _, pname in returns.where}
    for p in params:
        if p.local and p.name not in applied:
            raise VocabularyError(
                f"{where}: local parameter {p.name} is used by no returns.where/skip/take"
            )
    for fname, pname in returns.also_from_params:
        p = by_param.get(pname)
        if p is None:
            raise VocabularyError(
                f"{where}: returns.also_from_params.{fname}: {pname!r} is not a parameter"
            )
        f = fields[fname]
        if p.type not in {"str", "int", "bool", "decimal"} or f.type != p.type:
            raise VocabularyError(
                f"{where}: returns.also_from_params.{fname}: parameter {pname} ({p.type}) "
                f"does not fit field type {f.type}"
            )
    pages = _build_pages(spec, op, entry.get("pages"), where, params, returns, models)
    summary = str(
        entry.get("doc") or op.raw.get("summary") or name.replace("_", " ").capitalize() + "."
    )
    description = None if entry.get("doc") else op.raw.get("description")
    body = _body_tree(params, fixed, where)
    return Method(
        name=name,
        operation_id=op.operation_id,
        http_method=op.method,
        path=op.path,
        security=security,
        params=params,
        fixed=fixed,
        body=body,
        idempotent=idempotent,
        returns=returns,
        summary=summary.strip(),
        description=description.strip() if isinstance(description, str) else None,
        body_optional=body is not None
        and spec.resolve(op.raw.get("requestBody", {})).get("required") is False,
        pages=pages,
    )


def _success_schema(spec: Spec, op: Operation) -> Any:
    """The JSON schema of the operation's first 2xx response (None without one)."""
    for status, raw in (op.raw.get("responses") or {}).items():
        if str(status).startswith("2"):
            content = (spec.resolve(raw).get("content") or {}).get("application/json") or {}
            return spec.resolve(content.get("schema")) if "schema" in content else None
    return None


def _build_pages(
    spec: Spec,
    op: Operation,
    raw: Any,
    where: str,
    params: list[Param],
    returns: Returns,
    models: dict[str, Model],
) -> Pages | None:
    if raw is None:
        return None
    if not isinstance(raw, str) or not IDENT.match(raw) or keyword.iskeyword(raw):
        raise VocabularyError(f"{where}: pages must name the iterator method")
    by_name = {p.name: p for p in params}
    for needed in ("limit", "offset"):
        p = by_name.get(needed)
        if p is None or p.type != "int" or p.required or p.default is None:
            raise VocabularyError(
                f"{where}: pages needs int parameters limit and offset with defaults"
            )
    items: str | None = None
    item_model = returns.model
    if returns.kind == "model" and returns.model in models:
        lists = [f for f in models[returns.model].fields if f.type.startswith("list[model:")]
        if len(lists) != 1 or lists[0].kind != "value" or len(lists[0].wires[0]) != 1:
            raise VocabularyError(
                f"{where}: pages on a model needs exactly one list-of-model field, read from "
                "a top-level member"
            )
        items, item_model = lists[0].name, lists[0].model_name
        base: tuple[str, ...] = ()
    elif returns.kind == "list" and returns.item is None and returns.from_:
        base = returns.from_[:-1]
    else:
        raise VocabularyError(
            f"{where}: pages needs returns kind list of a model (with from) or a model "
            "holding the list"
        )
    # A server-side total counts what the server pages over: not so when the method pages
    # or filters locally (the sandbox sends every order and the method slices them).
    total: tuple[str, ...] | None = (*base, "total")
    schema = _success_schema(spec, op)
    found = _member(spec, schema, total) if total and schema is not None else None
    if (
        found is None
        or not found[1]
        or found[0].get("type") != "integer"
        or by_name["limit"].local
        or returns.where
    ):
        total = None
    return Pages(raw, total, items, item_model)


def _build_param(spec: Spec, op: Operation, praw: Any, where: str, keyword_only: bool) -> Param:
    if not isinstance(praw, dict):
        raise VocabularyError(f"{where}: each param must be a mapping")
    unknown = set(praw) - PARAM_KEYS
    if unknown:
        raise VocabularyError(
            f"{where}: param {praw.get('name')!r}: unknown keys {sorted(unknown)}"
        )
    name = praw.get("name")
    if (
        not isinstance(name, str)
        or not IDENT.match(name)
        or keyword.iskeyword(name)
        or name == "self"
    ):
        raise VocabularyError(f"{where}: param name must be a Python identifier, got {name!r}")
    pwhere = f"{where}: param {name}"
    if praw.get("local", False) is not False:
        return _build_local_param(praw, name, pwhere, keyword_only)
    if "wire" not in praw:
        raise VocabularyError(f"{pwhere}: needs a wire target")
    wire = praw["wire"]
    spread = isinstance(wire, list)
    if spread and len(wire) < 2:
        raise VocabularyError(f"{pwhere}: a wire list needs at least two targets")
    targets = tuple(_target(op, w, pwhere) for w in (wire if spread else [wire]))
    ptype = praw.get("type")
    if ptype is None:
        schema = _target_schema(spec, op, targets[0])
        if schema is None:
            raise VocabularyError(
                f"{pwhere}: {'.'.join(targets[0].key)} not in the body schema; give a type"
            )
        ptype = _schema_type(spec, schema, pwhere)
        if ptype == "list[decimal]":
            raise VocabularyError(f"{pwhere}: an array of numbers needs type: list[number]")
        if spread:
            ptype = f"list[{ptype}]"
    if ptype not in PARAM_TYPES:
        raise VocabularyError(f"{pwhere}: unknown type {ptype!r} (one of {sorted(PARAM_TYPES)})")
    csv = praw.get("csv", False)
    if not isinstance(csv, bool):
        raise VocabularyError(f"{pwhere}: csv must be true or false")
    if csv and (
        not ptype.startswith("list[") or any(t.location != "query" for t in targets) or spread
    ):
        raise VocabularyError(f"{pwhere}: csv needs a list type and one query target")
    if spread and not ptype.startswith("list["):
        raise VocabularyError(f"{pwhere}: a wire list needs a list type")
    if ptype == "list[number]":
        _check_number_list(spec, op, targets, spread, pwhere)
    for t in targets:
        if t.location in {"path", "query", "header"} and ptype == "object":
            raise VocabularyError(f"{pwhere}: an object cannot go to {t.location}")
        if t.location in {"path", "header"} and ptype.startswith("list[") and not spread:
            raise VocabularyError(f"{pwhere}: a list cannot go to {t.location}")
        if t.location == "query" and ptype.startswith("list[") and not (spread or csv):
            raise VocabularyError(f"{pwhere}: a list sent as query needs csv: true or a wire list")
    required = "default" not in praw
    default = praw.get("default")
    if not required and default is not None and not _default_fits(ptype, default):
        raise VocabularyError(f"{pwhere}: default {default!r} does not fit type {ptype}")
    if not required and default is not None and ptype.startswith("list["):
        raise VocabularyError(f"{pwhere}: a list default must be null")
    kw = praw.get("keyword_only", False)
    if not isinstance(kw, bool):
        raise VocabularyError(f"{pwhere}: keyword_only must be true or false")
    if keyword_only and kw is False and "keyword_only" in praw:
        raise VocabularyError(f"{pwhere}: keyword_only cannot be switched off again")
    otherwise = praw.get("otherwise")
    if otherwise is not None and (
        not isinstance(otherwise, str)
        or default is not None
        or required
        or spread
        or targets[0].location != "path"
    ):
        raise VocabularyError(
            f"{pwhere}: otherwise names an operation, for a path parameter with default: null"
        )
    if any(t.location == "path" for t in targets) and not required and otherwise is None:
        raise VocabularyError(f"{pwhere}: a path parameter cannot have a default")
    doc = praw.get("doc")
    if doc is not None and not isinstance(doc, str):
        raise VocabularyError(f"{pwhere}: doc must be text")
    if doc is None and targets[0].location != "body":
        doc = op.params[(targets[0].location, targets[0].name)].description
    wire_kind = "other"
    target_schema = _target_schema(spec, op, targets[0])
    if targets[0].location == "body" and target_schema is not None:
        wire_kind = _wire_kind(spec, target_schema)
        if doc is None:
            doc = _description(spec, target_schema)
    enum: tuple[Any, ...] = ()
    bounds: tuple[Any, Any] = (None, None)
    if target_schema is not None and not spread:
        enum = _enum(spec, target_schema)
        bounds = _bounds(spec, target_schema)
    if enum and ptype not in {"str", "int", "list[str]", "list[int]"}:
        enum = ()
    if "enum" in praw:
        given = praw["enum"]
        if (
            not isinstance(given, list)
            or not given
            or not all(isinstance(v, str) for v in given)
            or ptype != "str"
            or (enum and not set(given) <= set(enum))
        ):
            raise VocabularyError(
                f"{pwhere}: enum is a list of str values, within the wire schema's enum"
            )
        enum = tuple(given)
    if enum and default is not None and not ptype.startswith("list[") and default not in enum:
        raise VocabularyError(f"{pwhere}: default {default!r} is not one of {list(enum)}")
    fallback = praw.get("fallback")
    if fallback is not None:
        if (
            not isinstance(fallback, dict)
            or set(fallback) != {"method", "field"}
            or not all(isinstance(v, str) for v in fallback.values())
        ):
            raise VocabularyError(f"{pwhere}: fallback is {{method: <sdk method>, field: <field>}}")
        if required or default is not None:
            raise VocabularyError(f"{pwhere}: a fallback needs default: null")
    return Param(
        name,
        ptype,
        targets,
        spread,
        required,
        default,
        keyword_only or kw,
        csv,
        doc,
        wire_kind,
        (fallback["method"], fallback["field"]) if fallback else None,
        otherwise,
        enum=enum,
        bounds=bounds,
    )


def _build_local_param(praw: dict[str, Any], name: str, pwhere: str, keyword_only: bool) -> Param:
    """A parameter that is not sent: the method applies it to the result (returns.where,
    skip, take) — for a server that has no such filter, as the platform's sandbox has none."""
    if praw["local"] is not True:
        raise VocabularyError(f"{pwhere}: local must be true")
    extra = set(praw) - {"name", "local", "type", "default", "keyword_only", "doc", "enum"}
    if extra:
        raise VocabularyError(f"{pwhere}: a local parameter has no {sorted(extra)}")
    ptype = praw.get("type")
    if ptype not in {"str", "int", "bool"}:
        raise VocabularyError(f"{pwhere}: a local parameter needs type str, int or bool")
    if "default" not in praw:
        raise VocabularyError(f"{pwhere}: a local parameter needs a default")
    default = praw["default"]
    if default is not None and not _default_fits(ptype, default):
        raise VocabularyError(f"{pwhere}: default {default!r} does not fit type {ptype}")
    kw = praw.get("keyword_only", False)
    if not isinstance(kw, bool):
        raise VocabularyError(f"{pwhere}: keyword_only must be true or false")
    doc = praw.get("doc")
    if doc is not None and not isinstance(doc, str):
        raise VocabularyError(f"{pwhere}: doc must be text")
    enum = praw.get("enum", [])
    if (
        not isinstance(enum, list)
        or not all(isinstance(v, str) for v in enum)
        or (enum and ptype != "str")
    ):
        raise VocabularyError(f"{pwhere}: enum is a list of the str values allowed")
    if enum and default is not None and default not in enum:
        raise VocabularyError(f"{pwhere}: default {default!r} is not one of {enum}")
    return Param(
        name,
        ptype,
        (),
        False,
        False,
        default,
        keyword_only or kw,
        False,
        doc,
        local=True,
        enum=tuple(enum),
    )


def _check_number_list(
    spec: Spec, op: Operation, targets: tuple[Target, ...], spread: bool, pwhere: str
) -> None:
    """list[number] goes to one body member the document types as an array of numbers."""
    if spread or len(targets) != 1 or targets[0].location != "body":
        raise VocabularyError(f"{pwhere}: list[number] needs one body target")
    schema = _target_schema(spec, op, targets[0])
    items = spec.resolve(schema.get("items", {})) if isinstance(schema, dict) else {}
    if (
        not isinstance(schema, dict)
        or schema.get("type") != "array"
        or items.get("type") not in {"number", "integer"}
    ):
        raise VocabularyError(
            f"{pwhere}: list[number] needs a body member typed as an array of numbers"
        )


def _build_returns(
    raw: Any, where: str, models: dict[str, Model], fixed: list[Fixed] | None = None
) -> Returns:
    if not isinstance(raw, dict):
        raise VocabularyError(f"{where}: returns must be a mapping with a kind")
    unknown = set(raw) - RETURN_KEYS
    if unknown:
        raise VocabularyError(f"{where}: returns: unknown keys {sorted(unknown)}")
    kind = raw.get("kind")
    if kind not in RETURN_KINDS:
        raise VocabularyError(
            f"{where}: returns.kind must be one of {sorted(RETURN_KINDS)}, got {kind!r}"
        )
    model = raw.get("model")
    item = raw.get("item")
    if item is not None:
        if kind != "list" or model is not None:
            raise VocabularyError(f"{where}: returns.item is for kind list, instead of a model")
        if item not in MAP_ITEM_TYPES:
            raise VocabularyError(
                f"{where}: returns.item must be one of {sorted(MAP_ITEM_TYPES)}, got {item!r}"
            )
    elif kind in {"model", "list", "map_list", "map_values", "session"}:
        if model not in models:
            raise VocabularyError(f"{where}: returns.model {model!r} is not an x-sdk-model")
    elif model is not None:
        raise VocabularyError(f"{where}: returns.model makes no sense for kind {kind}")
    frm = raw.get("from")
    if frm is not None and (
        not isinstance(frm, str) or not MEMBER.match(frm) or kind in {"none", "text"}
    ):
        raise VocabularyError(f"{where}: returns.from must be a member name (not for kind {kind})")
    key, value = raw.get("key"), raw.get("value")
    fields = {f.name: f for f in models[model].fields} if model in models else {}
    if kind == "map_list":
        if frm is None or key is None or value is None:
            raise VocabularyError(f"{where}: map_list needs from, key and value")
        for what, fname in (("key", key), ("value", value)):
            if fname not in fields or fields[fname].kind != "value":
                raise VocabularyError(
                    f"{where}: returns.{what} {fname!r} is not a field of {model}"
                )
    elif key is not None or value is not None:
        raise VocabularyError(f"{where}: returns.key/value only for map_list")
    if kind == "map_values" and frm is None:
        raise VocabularyError(f"{where}: map_values needs from (the map's member)")
    also_raw = raw.get("also", {})
    if not isinstance(also_raw, dict) or (
        also_raw and (kind not in {"list", "map_list", "map_values"} or item is not None)
    ):
        raise VocabularyError(
            f"{where}: returns.also is a mapping, only for list, map_list and map_values of a model"
        )
    also = []
    for fname, member in also_raw.items():
        if fname not in fields or fields[fname].kind != "value":
            raise VocabularyError(f"{where}: returns.also {fname!r} is not a field of {model}")
        if not isinstance(member, str) or not MEMBER.match(member):
            raise VocabularyError(f"{where}: returns.also.{fname} must name a body member")
        also.append((fname, tuple(member.split("."))))
    if kind == "map_list":
        provided = {key, value, *also_raw}
        for f in fields.values():
            if f.name not in provided and f.required:
                raise VocabularyError(
                    f"{where}: map_list leaves required field {model}.{f.name} unset"
                )
    from_params_raw = raw.get("also_from_params", {})
    if not isinstance(from_params_raw, dict) or (from_params_raw and kind != "model"):
        raise VocabularyError(
            f"{where}: returns.also_from_params is a mapping of field to parameter, "
            "only for kind model"
        )
    from_params = []
    from_fixed = []
    fixed_by_target = {_target_text(f.target): f for f in fixed or []}
    for fname, pname in from_params_raw.items():
        f = fields.get(fname)
        if f is None or f.kind != "value" or len(f.wires[0]) != 1:
            raise VocabularyError(
                f"{where}: returns.also_from_params {fname!r} is not a field of {model} "
                "read from a top-level member"
            )
        if isinstance(pname, str) and pname in fixed_by_target:
            value = fixed_by_target[pname].value
            if f.type != "str" or not isinstance(value, str):
                raise VocabularyError(
                    f"{where}: returns.also_from_params.{fname}: fixed {pname} is not text "
                    f"for field type {f.type}"
                )
            from_fixed.append((fname, value))
            continue
        if not isinstance(pname, str) or not IDENT.match(pname):
            raise VocabularyError(
                f"{where}: returns.also_from_params.{fname} must name a parameter "
                "or a fixed target of the method"
            )
        from_params.append((fname, pname))
    take = raw.get("take")
    if take is not None and (not isinstance(take, str) or kind != "list"):
        raise VocabularyError(f"{where}: returns.take names an int parameter, only for kind list")
    skip = raw.get("skip")
    if skip is not None and (not isinstance(skip, str) or kind != "list" or item is not None):
        raise VocabularyError(
            f"{where}: returns.skip names an int parameter, only for kind list of a model"
        )
    reverse = raw.get("reverse", False)
    if not isinstance(reverse, bool) or (reverse and (kind != "list" or item is not None)):
        raise VocabularyError(
            f"{where}: returns.reverse is true or false, only for kind list of a model"
        )
    where_raw = raw.get("where", {})
    if not isinstance(where_raw, dict) or (where_raw and (kind != "list" or item is not None)):
        raise VocabularyError(
            f"{where}: returns.where is a mapping of field to parameter, only for kind list "
            "of a model"
        )
    wheres = []
    for fname, pname in where_raw.items():
        if fname not in fields or fields[fname].kind != "value":
            raise VocabularyError(f"{where}: returns.where {fname!r} is not a field of {model}")
        if not isinstance(pname, str) or not IDENT.match(pname):
            raise VocabularyError(f"{where}: returns.where.{fname} must name a parameter")
        wheres.append((fname, pname))
    session = raw.get("session")
    if (kind == "session") != (session is not None) or (
        session is not None and not isinstance(session, str)
    ):
        raise VocabularyError(
            f"{where}: returns.session names an x-sdk-sessions class, only for kind session"
        )
    return Returns(
        kind,
        model,
        item,
        tuple(frm.split(".")) if frm else (),
        key,
        value,
        tuple(also),
        take,
        tuple(from_params),
        tuple(from_fixed),
        tuple(wheres),
        skip,
        reverse,
        session,
    )


def _target_text(t: Target) -> str:
    return f"{t.location}.{'.'.join(t.key)}"


def _body_tree(params: list[Param], fixed: list[Fixed], where: str) -> BodyNode | None:
    items: list[tuple[tuple[str, ...], Any]] = []
    for p in params:
        for t in p.targets:
            if t.location == "body":
                if p.spread:
                    raise VocabularyError(
                        f"{where}: param {p.name}: a wire list can only target path/query/header"
                    )
                items.append((t.key, p))
    items += [(f.target.key, f) for f in fixed if f.target.location == "body"]
    if not items:
        return None
    root = BodyNode((), [])
    for key, leaf in items:
        node = root
        for depth, part in enumerate(key[:-1]):
            existing = dict(node.members).get(part)
            if existing is None:
                existing = BodyNode(key[: depth + 1], [])
                node.members.append((part, existing))
            elif not isinstance(existing, BodyNode):
                raise VocabularyError(
                    f"{where}: body.{'.'.join(key)} conflicts with body.{'.'.join(key[: depth + 1])}"
                )
            node = existing
        if key[-1] in dict(node.members):
            raise VocabularyError(f"{where}: body.{'.'.join(key)} given twice")
        node.members.append((key[-1], leaf))
    return root


# -------------------------------------------------------------------------- sessions

RESERVED_SESSION_NAMES = {"bars", "created", "last_step"}


def build_sessions(
    spec: Spec, models: list[Model], methods: list[Method], codes: list[ErrorCode]
) -> list[SessionClass]:
    """x-sdk-sessions (document level) and the x-sdk-session methods of the operations."""
    model_by_name = {m.name: m for m in models}
    declared = spec.raw.get("x-sdk-sessions")
    tagged = [op for op in spec.operations if "x-sdk-session" in op.raw]
    if declared is None:
        if tagged:
            raise VocabularyError(
                f"{tagged[0].operation_id}: x-sdk-session needs a class in x-sdk-sessions"
            )
        return []
    if not isinstance(declared, dict) or not declared:
        raise VocabularyError("x-sdk-sessions: must be a mapping of class name to its declaration")
    for op in tagged:
        entries = op.raw["x-sdk-session"]
        for i, entry in enumerate(entries if isinstance(entries, list) else []):
            if isinstance(entry, dict) and entry.get("session") not in declared:
                raise VocabularyError(
                    f"{op.operation_id}: x-sdk-session[{i}].session: "
                    f"{entry.get('session')!r} is not declared in x-sdk-sessions"
                )
    schemes = (spec.raw.get("components") or {}).get("securitySchemes") or {}
    client = {m.name: m for m in methods}
    sessions: list[SessionClass] = []
    for name, decl in declared.items():
        where = f"x-sdk-sessions.{name}"
        if not isinstance(name, str) or not IDENT.match(name) or name in model_by_name:
            raise VocabularyError(f"{where}: must be a Python class name that is not a model")
        if not isinstance(decl, dict):
            raise VocabularyError(f"{where}: must be a mapping")
        unknown = set(decl) - SESSION_KEYS
        if unknown:
            raise VocabularyError(f"{where}: unknown keys {sorted(unknown)}")
        missing = sorted(SESSION_KEYS - {"doc", "protocol"} - set(decl))
        if missing:
            raise VocabularyError(f"{where}: needs {missing}")
        for key in SESSION_KEYS - {"doc"}:
            value = decl.get(key)
            if value is not None and (not isinstance(value, str) or not IDENT.match(value)):
                raise VocabularyError(f"{where}.{key}: must be a Python name")
        bind = decl["bind"]
        own = _session_methods(spec, name, bind, schemes, model_by_name)
        by_name = {m.name: m for m in own}
        if not own:
            raise VocabularyError(f"{where}: no operation has an x-sdk-session method for it")
        for key in ("start", "cancel", "step"):
            m = by_name.get(decl[key])
            if m is None:
                raise VocabularyError(f"{where}.{key}: {decl[key]!r} is not a method of {name}")
            if any(p.required for p in m.call_params):
                raise VocabularyError(f"{where}.{key}: {m.name} must be callable without arguments")
        step = by_name[decl["step"]]
        if step.returns.kind != "model" or step.returns.model is None:
            raise VocabularyError(f"{where}.step: {step.name} must return a model")
        step_fields = {f.name: f for f in model_by_name[step.returns.model].fields}
        complete = step_fields.get(decl["complete"])
        if complete is None or complete.type != "bool":
            raise VocabularyError(
                f"{where}.complete: {decl['complete']!r} is not a bool field of "
                f"{step.returns.model}"
            )
        if decl["finished"] not in {c.code for c in codes}:
            raise VocabularyError(f"{where}.finished: {decl['finished']!r} is not in x-error-codes")
        if decl["attach"] in client:
            raise VocabularyError(f"{where}.attach: {decl['attach']!r} is already a client method")
        own = [_with_effects(m, decl, step.returns.model) for m in own]
        shared = [m.name for m in own if m.name in client]
        for m in own:
            if m.name in shared:
                _check_same_surface(where, m, client[m.name])
        doc = decl.get("doc")
        if doc is not None and not isinstance(doc, str):
            raise VocabularyError(f"{where}.doc: must be text")
        sessions.append(
            SessionClass(
                name=name,
                doc=doc,
                bind=bind,
                attach=decl["attach"],
                start=decl["start"],
                cancel=decl["cancel"],
                finished=decl["finished"],
                step=decl["step"],
                complete=decl["complete"],
                step_model=step.returns.model,
                methods=own,
                protocol=decl.get("protocol"),
                shared=shared,
            )
        )
    _check_session_returns(methods, sessions, model_by_name)
    out = []
    for session in sessions:
        created = sorted(
            {
                m.returns.model or ""
                for m in methods
                if m.returns.kind == "session" and m.returns.session == session.name
            }
        )
        if len(created) > 1:
            raise VocabularyError(
                f"x-sdk-sessions.{session.name}: created by methods returning different "
                f"models {created}"
            )
        out.append(dataclasses.replace(session, created_model=created[0] if created else None))
    return out


def _session_methods(
    spec: Spec,
    name: str,
    bind: str,
    schemes: dict[str, Any],
    models: dict[str, Model],
) -> list[Method]:
    out: list[Method] = []
    seen: dict[str, str] = {}
    for op in spec.operations:
        entries = op.raw.get("x-sdk-session")
        if entries is None:
            continue
        if not isinstance(entries, list) or not entries:
            raise VocabularyError(
                f"{op.operation_id}: x-sdk-session must be a non-empty list of methods"
            )
        for i, entry in enumerate(entries):
            where = f"{op.operation_id}: x-sdk-session[{i}]"
            if not isinstance(entry, dict):
                raise VocabularyError(f"{where}: must be a mapping")
            unknown = set(entry) - SESSION_METHOD_KEYS
            if unknown:
                raise VocabularyError(f"{where}: unknown keys {sorted(unknown)}")
            if entry.get("session") != name:
                continue
            if ("path", bind) not in op.params:
                raise VocabularyError(f"{where}: {op.operation_id} has no path parameter {bind!r}")
            params = entry.get("params", [])
            if not isinstance(params, list):
                raise VocabularyError(f"{where}: params must be a list")
            if any(isinstance(p, dict) and p.get("name") == bind for p in params):
                raise VocabularyError(f"{where}: {bind} is bound to the session, not a parameter")
            plain = {k: v for k, v in entry.items() if k != "session"}
            plain["params"] = [{"name": bind, "wire": f"path.{bind}"}, *params]
            method = _build_method(spec, op, plain, i, _security(op, schemes), models)
            if method.name in RESERVED_SESSION_NAMES or method.name == bind:
                raise VocabularyError(f"{where}: {method.name!r} is reserved on a session class")
            if method.returns.kind == "session":
                raise VocabularyError(f"{where}: a session method cannot return a session")
            if method.name in seen:
                raise VocabularyError(
                    f"{where}: method {method.name} of {name} already defined by "
                    f"{seen[method.name]}"
                )
            seen[method.name] = op.operation_id
            out.append(dataclasses.replace(method, session=name, bound=bind))
    _check_fallbacks(out, models)
    _check_pages(out, "x-sdk-session")
    return [_with_alternate(spec, m) for m in out]


def _with_effects(m: Method, decl: dict[str, Any], step_model: str) -> Method:
    """The bookkeeping after a call: start marks the session started, cancel finished, and
    a result of the step model is kept as last_step (finished when it says complete)."""
    effects = []
    if m.name == decl["start"]:
        effects.append("started")
    if m.name == decl["cancel"]:
        effects.append("finished")
    if m.returns.kind == "model" and m.returns.model == step_model:
        effects.append("step")
    return dataclasses.replace(m, effects=tuple(effects))


def _surface(m: Method) -> tuple[Any, ...]:
    """What a caller sees of a method: parameters (name, type, default, keyword-only), the
    kind of value returned and its model or item type."""
    params = tuple(
        (p.name, p.type, p.enum, p.required, p.default, p.keyword_only) for p in m.call_params
    )
    kind = "list" if m.returns.kind in {"list", "map_list", "map_values"} else m.returns.kind
    return params, kind, m.returns.model, m.returns.item


def _check_same_surface(where: str, mine: Method, theirs: Method) -> None:
    a, b = _surface(mine), _surface(theirs)
    if a[0] != b[0]:
        raise VocabularyError(
            f"{where}: method {mine.name} takes {list(a[0])}, the client's {list(b[0])}"
        )
    if a[1:] != b[1:]:
        raise VocabularyError(f"{where}: method {mine.name} returns {a[1:]}, the client's {b[1:]}")


def _check_session_returns(
    methods: list[Method], sessions: list[SessionClass], models: dict[str, Model]
) -> None:
    by_name = {s.name: s for s in sessions}
    for m in methods:
        if m.returns.kind != "session":
            continue
        where = f"{m.operation_id}: x-sdk method {m.name}: returns.session"
        session = by_name.get(m.returns.session or "")
        if session is None:
            raise VocabularyError(f"{where}: {m.returns.session!r} is not in x-sdk-sessions")
        fields = {f.name: f for f in models[m.returns.model or ""].fields}
        bound = fields.get(session.bind)
        if bound is None or bound.type != "str" or not bound.required:
            raise VocabularyError(
                f"{where}: {m.returns.model} needs a required str field {session.bind!r}"
            )


# --------------------------------------------------------------------------- raises

CODE_WORD = re.compile(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b|\b[A-Z]{4,}\b")


def raises_of(
    spec: Spec, op: Operation, errors: ErrorTables
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The exception classes an operation's documented error codes map to.

    A code is documented by an error response (status 400 and up) of the operation that
    names it in its description (or, for a response of its own, as its example's
    ``error.code``); a response that names none documents every code of its status. A ``refine_by_reason`` code adds the classes
    of ``x-order-reject-reasons``. Each class comes once, with its codes, in response order.
    """
    codes = {c.code: c for c in errors.codes}
    found: list[str] = []
    for status, raw in (op.raw.get("responses") or {}).items():
        if not str(status).isdigit() or int(status) < 400:
            continue
        response = spec.resolve(raw)
        if not isinstance(response, dict):
            continue
        named = [w for w in CODE_WORD.findall(str(response.get("description") or "")) if w in codes]
        if not named and "$ref" not in raw:
            # An operation's own response: its example's code is specific to it.
            for media in (response.get("content") or {}).values():
                example = media.get("example") if isinstance(media, dict) else None
                error = example.get("error") if isinstance(example, dict) else None
                if isinstance(error, dict) and error.get("code") in codes:
                    named.append(error["code"])
        if not named:
            named = [c.code for c in errors.codes if c.status == int(status)]
        for code in named:
            if code not in found:
                found.append(code)
    by_class: dict[str, list[str]] = {}
    for code in found:
        by_class.setdefault(codes[code].exception, []).append(code)
        if code in errors.refined_by_reason:
            refined: dict[str, list[str]] = {}
            for reason, exc in errors.reasons:
                refined.setdefault(exc, []).append(reason)
            for exc, reasons in refined.items():
                by_class.setdefault(exc, []).append(f"{code} (reason {', '.join(reasons)})")
    return tuple((exc, tuple(names)) for exc, names in by_class.items())


def _with_raises(spec: Spec, methods: list[Method], errors: ErrorTables) -> list[Method]:
    ops = {op.operation_id: op for op in spec.operations}
    return [
        dataclasses.replace(m, raises=raises_of(spec, ops[m.operation_id], errors)) for m in methods
    ]


# ---------------------------------------------------------------------- typed dicts


def _camel(text: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[_\W]+", text) if part)


def _ref_name(node: Any) -> str | None:
    """The component schema a property refers to ($ref, or allOf of one $ref alone)."""
    if not isinstance(node, dict):
        return None
    if isinstance(node.get("$ref"), str):
        return str(node["$ref"]).rsplit("/", 1)[-1]
    parts = node.get("allOf")
    if isinstance(parts, list) and len(parts) == 1 and not node.get("properties"):
        return _ref_name(parts[0])
    return None


class _DictBuilder:
    """TypedDictSpecs by name, each built once, nested objects first."""

    def __init__(self, spec: Spec, taken: set[str]) -> None:
        self.spec = spec
        self.taken = taken
        self.specs: dict[str, TypedDictSpec] = {}
        self.sources: dict[str, Any] = {}

    def of(self, raw: Any, fallback_name: str, where: str) -> str | None:
        """The TypedDict of an object schema with properties (None: not such a schema)."""
        schema = self.spec.resolve(raw)
        if not isinstance(schema, dict) or (schema.get("type") not in (None, "object")):
            return None
        props, required = _properties(self.spec, schema)
        if not props:
            return None
        name = _ref_name(raw) or fallback_name
        if name in self.sources:
            if self.sources[name] != (props, required):
                raise VocabularyError(f"{where}: TypedDict {name} stands for two schemas")
            return name
        if name in self.taken or not IDENT.match(name):
            raise VocabularyError(f"{where}: TypedDict name {name!r} is taken or not a name")
        self.sources[name] = (props, required)
        keys = []
        for key, prop_raw in props.items():
            prop = self.spec.resolve(prop_raw)
            keys.append(
                DictKey(
                    key,
                    self.key_type(prop_raw, f"{name}{_camel(key)}", f"{where}.{key}"),
                    _enum(self.spec, prop),
                    key in required,
                    bool(prop.get("nullable", False)) if isinstance(prop, dict) else False,
                    _description(self.spec, prop),
                )
            )
        self.specs[name] = TypedDictSpec(name, _description(self.spec, schema), keys)
        return name

    def key_type(self, raw: Any, nested_name: str, where: str) -> str:
        prop = self.spec.resolve(raw)
        if not isinstance(prop, dict):
            return "object"
        kind = prop.get("type")
        if kind == "string":
            return "decimal" if prop.get("format") == "decimal" else "str"
        if kind in ("integer", "boolean"):
            return {"integer": "int", "boolean": "bool"}[kind]
        if kind == "number":
            return "number"
        if kind == "array":
            return f"list[{self.key_type(prop.get('items', {}), nested_name + 'Item', where)}]"
        nested = self.of(raw, nested_name, where)
        return f"dict:{nested}" if nested else "object"


def build_typed_dicts(
    spec: Spec, methods: list[Method], sessions: list[SessionClass], models: list[Model]
) -> tuple[list[Method], list[SessionClass], list[TypedDictSpec]]:
    """Give every object parameter whose body member lists properties its TypedDict."""
    builder = _DictBuilder(spec, {m.name for m in models} | {s.name for s in sessions})
    ops = {op.operation_id: op for op in spec.operations}

    def typed(m: Method) -> Method:
        params = []
        for p in m.params:
            target = p.targets[0] if p.targets else None
            if p.type == "object" and target is not None and target.location == "body":
                raw = _raw_member(spec, _body_schema(spec, ops[m.operation_id]), target.key)
                name = builder.of(
                    raw,
                    _camel(m.name) + _camel(p.name),
                    f"{m.operation_id}: x-sdk method {m.name}: param {p.name}",
                )
                p = dataclasses.replace(p, typed_dict=name)
            params.append(p)
        return dataclasses.replace(m, params=params)

    methods = [typed(m) for m in methods]
    sessions = [dataclasses.replace(s, methods=[typed(m) for m in s.methods]) for s in sessions]
    return methods, sessions, list(builder.specs.values())


def _raw_member(spec: Spec, schema: Any, path: tuple[str, ...]) -> Any:
    """The unresolved schema of a dotted member (its $ref kept), or None."""
    node: Any = schema
    raw: Any = None
    for part in path:
        props, _ = _properties(spec, node)
        if part not in props:
            return None
        raw = props[part]
        node = spec.resolve(raw)
    return raw


# ----------------------------------------------------------------------------- all


def build(spec: Spec) -> SdkModel:
    models = build_models(spec)
    errors = build_errors(spec)
    methods = _with_raises(spec, build_methods(spec, models), errors)
    sessions = [
        dataclasses.replace(s, methods=_with_raises(spec, s.methods, errors))
        for s in build_sessions(spec, models, methods, errors.codes)
    ]
    methods, sessions, typed_dicts = build_typed_dicts(spec, methods, sessions, models)
    return SdkModel(
        methods=methods, models=models, errors=errors, sessions=sessions, typed_dicts=typed_dicts
    )
