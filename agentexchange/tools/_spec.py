"""What one agent tool is: `ToolSpec` and `ToolParam` (docs/architecture.md "Agent tools").

The rows themselves are generated (`_table.py`, from openapi.yaml's `x-sdk` methods); this
module only declares their shape, and derives each tool's JSON Schema of arguments from its
parameters so the schema is never written twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

__all__ = ["NO_DEFAULT", "ToolParam", "ToolSpec"]


class _NoDefault:
    """The `default` of a required parameter: there is none (``None`` is a real default)."""

    _instance: _NoDefault | None = None

    def __new__(cls) -> _NoDefault:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NO_DEFAULT"

    def __reduce__(self) -> str:
        return "NO_DEFAULT"


NO_DEFAULT: Final = _NoDefault()


@dataclass(frozen=True)
class ToolParam:
    """One argument of a tool: one parameter of the SDK method.

    Attributes:
        name: the SDK parameter's name (the tool's argument name).
        sdk_type: its SDK type as openapi.yaml's vocabulary names it (str, int, bool,
            decimal, datetime, object, list[str], list[int], list[number]); a decimal
            arrives as a string and is handed to the SDK as ``Decimal``, a datetime as ISO
            8601 text handed on as ``datetime``.
        schema: its JSON Schema (decimals are strings with a decimal ``pattern``; enums,
            bounds and examples from openapi.yaml; ``description`` and ``default`` too).
        required: the model must give it.
        default: the SDK's default when not given (JSON-safe; ``None`` = nothing sent), or
            `NO_DEFAULT` for a required parameter.
        description: the parameter's text for a model ("" when the document has none).
        positional: positional in the SDK's signature (else keyword-only).
    """

    name: str
    sdk_type: str
    schema: Mapping[str, Any]
    required: bool
    default: Any
    description: str
    positional: bool

    def __hash__(self) -> int:  # the schema is a mapping: hash by what names the parameter
        return hash((self.name, self.sdk_type, self.required))


@dataclass(frozen=True)
class ToolSpec:
    """One tool: one SDK method, described for a model.

    Attributes:
        name: the tool's name: the SDK method's name; for a method of a session class, the
            client's attach method and the method (``backtest_place_market_order`` is
            ``client.backtest(session_id).place_market_order(...)``), whose first argument
            is the session's id.
        method: the SDK method's name.
        session: for a session class's method, the client method that attaches the
            session by id (``"backtest"``); ``None`` for a method of the client.
        group: the group a `Toolkit` selects by (market, trading, account, analytics,
            agents, strategies, training, backtest, battles, webhooks, auth, system).
        summary: one line.
        description: for a model: what it does, its units, what it returns.
        params: the arguments, in the SDK's order.
        read_only: it changes nothing (an HTTP GET).
        destructive: it may delete or overwrite state (DELETE, PUT, PATCH, or an operation
            marked ``x-sdk-tool: {destructive: true}``).
        idempotent: calling it again with the same arguments changes nothing more.
        cli: the ``cli`` member of the method's ``x-sdk`` entry, passed through, or ``None``.
        returns: what the method returns, as ``x-sdk``'s ``returns.kind`` names it (model,
            list, map_list, map_values, none, text, raw, session).
        input_schema: the JSON Schema object of the arguments (derived from ``params``).
    """

    name: str
    method: str
    session: str | None
    group: str
    summary: str
    description: str
    params: tuple[ToolParam, ...]
    read_only: bool
    destructive: bool
    idempotent: bool
    cli: Mapping[str, Any] | None
    returns: str = "model"
    input_schema: Mapping[str, Any] = field(init=False, repr=False, compare=False)

    def __hash__(self) -> int:  # params hold mappings: hash by what names the tool
        return hash((self.name, self.method, self.session))

    def __post_init__(self) -> None:
        schema: dict[str, Any] = {
            "type": "object",
            "properties": {p.name: dict(p.schema) for p in self.params},
            "additionalProperties": False,
        }
        required = [p.name for p in self.params if p.required]
        if required:
            schema["required"] = required
        object.__setattr__(self, "input_schema", schema)
