"""`Toolkit`: the SDK's methods as tools a model calls (docs/architecture.md "Agent tools").

A toolkit holds a client and a selection of the generated table (`_table.TOOLS`, by group
and read-only hint). `call` / `acall` check a model's arguments against the tool's schema
(`_args.py`), call the SDK method — so retries, idempotency keys and typed errors are the
SDK's — and return a `ToolResult`: the value made JSON-safe by the one conversion
(`_jsonable.jsonable`), or a structured error a model can read. Nothing a model sends
raises; a traceback never reaches it.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .._jsonable import jsonable
from ..exceptions import AgentExchangeError
from ._args import ArgumentError, sdk_arguments
from ._formats import anthropic_tool, openai_tool
from ._spec import ToolSpec
from ._table import TOOLS

__all__ = ["GROUPS", "ToolResult", "Toolkit"]

# The order groups are listed in (help texts, README): what most agents need first.
_ORDER = (
    "market",
    "trading",
    "account",
    "analytics",
    "agents",
    "strategies",
    "training",
    "backtest",
    "battles",
    "webhooks",
    "auth",
    "system",
)
GROUPS: tuple[str, ...] = tuple(
    sorted(
        {t.group for t in TOOLS},
        key=lambda g: (_ORDER.index(g) if g in _ORDER else len(_ORDER), g),
    )
)
"""Every group of the table: market, trading, account, analytics, agents, strategies,
training, backtest, battles, webhooks, auth, system (a group a new tag brings comes last)."""

_BY_NAME: dict[str, ToolSpec] = {t.name: t for t in TOOLS}
# Attributes every AgentExchangeError has; the others (required, retry_after, ...) are the
# fields of its class and go into the error result as they are.
_BASE_FIELDS = {"message", "code", "status_code", "details", "request_id"}


@dataclass(frozen=True)
class ToolResult:
    """The outcome of one tool call.

    Attributes:
        ok: the call succeeded.
        value: the SDK's result as JSON-safe values (decimals as strings, datetimes ISO
            8601, models as objects of their fields); ``None`` on failure or for a method
            that returns nothing. Left out of ``repr``: it may hold a secret.
        error: on failure, a JSON-safe dict: ``code`` (the API's error code, or
            ``INVALID_ARGUMENTS`` / ``UNKNOWN_TOOL`` / an SDK code such as
            ``CONNECTION_ERROR``), ``message``, ``status`` (HTTP status; 0 when no response
            was involved), ``type`` (the exception class), ``details`` and the exception's
            own fields (``required``/``available``, ``retry_after``, ``field``, ...).
    """

    ok: bool
    # Out of repr: a value may hold a secret (register's api_secret, a login's token), and
    # a model's own repr hides its secret fields, which a JSON-safe dict no longer marks.
    value: Any = field(default=None, repr=False)
    error: Mapping[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        """``{"ok": true, "value": ...}`` or ``{"ok": false, "error": {...}}``."""
        if self.ok:
            return {"ok": True, "value": self.value}
        return {"ok": False, "error": dict(self.error or {})}

    def to_json(self) -> str:
        """The result (`value`) or the error object as JSON text, for a tool-result message."""
        return json.dumps(self.value if self.ok else self.error, ensure_ascii=False)


def select_groups(groups: Iterable[str] | str | None) -> list[str] | None:
    """The tool groups asked for (a string is one group or several, comma-separated), or
    None for all; a group that does not exist is a ValueError naming it."""
    if isinstance(groups, str):  # "market" is one group, not six letters
        groups = [g.strip() for g in groups.split(",") if g.strip()]
    if groups is None:
        return None
    chosen = list(groups)
    unknown = [g for g in chosen if g not in GROUPS]
    if unknown:
        raise ValueError(f"unknown tool groups {unknown}; the groups are {list(GROUPS)}")
    return chosen


class Toolkit:
    """The SDK's methods as tools for a model, over one client.

    Args:
        client: an `AgentExchangeClient` (use `call`) or an `AsyncAgentExchangeClient`
            (use `acall`).
        groups: the groups to offer (see `GROUPS`), e.g. ``["market", "account"]`` (or
            ``"market,account"``); ``None`` = all of them.
        read_only: offer only the tools that change nothing.
    """

    def __init__(
        self, client: Any, groups: Iterable[str] | None = None, read_only: bool = False
    ) -> None:
        chosen = select_groups(groups)
        self.client = client
        self.tools: tuple[ToolSpec, ...] = tuple(
            t
            for t in TOOLS
            if (chosen is None or t.group in chosen) and (t.read_only or not read_only)
        )
        self._by_name = {t.name: t for t in self.tools}

    def __repr__(self) -> str:
        return f"Toolkit({len(self.tools)} tools)"

    def get(self, name: str) -> ToolSpec | None:
        """The selected tool of that name, or None."""
        return self._by_name.get(name)

    def openai(self) -> list[dict[str, Any]]:
        """The tools for OpenAI's Chat Completions ``tools=`` (function tools, strict mode)."""
        return [openai_tool(t) for t in self.tools]

    def anthropic(self) -> list[dict[str, Any]]:
        """The tools for Anthropic's Messages API ``tools=``."""
        return [anthropic_tool(t) for t in self.tools]

    def call(self, name: str, arguments: Mapping[str, Any] | None = None) -> ToolResult:
        """Check the arguments, call the SDK method on the (sync) client, return the result."""
        prepared = self._prepare(name, arguments)
        if isinstance(prepared, ToolResult):
            return prepared
        tool, kwargs = prepared
        try:
            function = self._function(tool, kwargs)
        except Exception as exc:
            return _failure(exc)
        if inspect.iscoroutinefunction(function):
            # The program's mistake, not the model's: raised to the developer, not answered.
            raise TypeError(f"{tool.name}: the client is asynchronous; use await acall()")
        try:
            value = function(**kwargs)
        except Exception as exc:
            return _failure(exc)
        return _success(tool, value)

    async def acall(self, name: str, arguments: Mapping[str, Any] | None = None) -> ToolResult:
        """The same as `call`, awaited; with a sync client the call runs in a worker thread."""
        prepared = self._prepare(name, arguments)
        if isinstance(prepared, ToolResult):
            return prepared
        tool, kwargs = prepared
        try:
            function = self._function(tool, kwargs)
            if inspect.iscoroutinefunction(function):
                value = await function(**kwargs)
            else:
                import asyncio  # only here: the toolkit's import path stays free of asyncio

                value = await asyncio.to_thread(function, **kwargs)
        except Exception as exc:
            return _failure(exc)
        return _success(tool, value)

    def _prepare(
        self, name: str, arguments: Mapping[str, Any] | None
    ) -> tuple[ToolSpec, dict[str, Any]] | ToolResult:
        tool = self._by_name.get(name)
        if tool is None:
            known = "an unknown tool" if name not in _BY_NAME else "not offered by this toolkit"
            return ToolResult(
                False,
                error={
                    "code": "UNKNOWN_TOOL",
                    "message": f"{name!r} is {known}",
                    "status": 0,
                    "type": "UnknownTool",
                },
            )
        try:
            return tool, sdk_arguments(tool, arguments)
        except ArgumentError as exc:
            return ToolResult(
                False,
                error={
                    "code": "INVALID_ARGUMENTS",
                    "message": str(exc),
                    "status": 0,
                    "type": "InvalidArguments",
                    "field": exc.field,
                },
            )

    def _function(self, tool: ToolSpec, kwargs: dict[str, Any]) -> Any:
        """The bound SDK method; a session's tool takes the session from its first argument."""
        if tool.session is None:
            return getattr(self.client, tool.method)
        bound = tool.params[0].name
        session = getattr(self.client, tool.session)(kwargs.pop(bound))
        return getattr(session, tool.method)


def _success(tool: ToolSpec, value: Any) -> ToolResult:
    # A method returning a session class (create_backtest) answers with the model it was
    # created from; the model then calls the session's tools with its id.
    if tool.returns == "session":
        value = getattr(value, "created", value)
    try:
        return ToolResult(True, value=jsonable(value))
    except (TypeError, ValueError) as exc:  # a result jsonable refuses: a fault of ours
        return ToolResult(
            False,
            error={"code": "TOOL_ERROR", "message": str(exc), "status": 0, "type": "TypeError"},
        )


def _failure(exc: Exception) -> ToolResult:
    if isinstance(exc, AgentExchangeError):
        error: dict[str, Any] = {
            "code": exc.code,
            "message": exc.message,
            "status": exc.status_code,
            "type": type(exc).__name__,
        }
        for key, value in vars(exc).items():
            if key not in _BASE_FIELDS and not key.startswith("_") and value is not None:
                error[key] = _readable(value)
        if exc.details:
            error["details"] = _readable(exc.details)
        if exc.request_id:
            error["request_id"] = exc.request_id
        return ToolResult(False, error=error)
    # The SDK's own checks of an argument (a TypeError or ValueError naming it), or a
    # fault: either way one line for the model, never a traceback.
    code = "INVALID_ARGUMENTS" if isinstance(exc, TypeError | ValueError) else "TOOL_ERROR"
    return ToolResult(
        False,
        error={"code": code, "message": str(exc), "status": 0, "type": type(exc).__name__},
    )


def _readable(value: Any) -> Any:
    """An error's field as JSON-safe values; one JSON has no form for (a NaN the server
    put in ``details``, read as ``Decimal("NaN")``) becomes its text, so the error still
    reaches the model instead of raising out of `call`."""
    try:
        return jsonable(value)
    except (TypeError, ValueError):
        return str(value)
