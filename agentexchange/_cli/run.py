"""One command run: a client from the environment, one ``Toolkit`` call, the result printed.

docs/architecture.md "Command line". Credentials come from the SDK's own environment
variables (``AGENTEXCHANGE_API_KEY``, ``AGENTEXCHANGE_API_SECRET``,
``AGENTEXCHANGE_AGENT_ID``, ``AGENTEXCHANGE_BASE_URL``) — never from an option, so a
secret is not left in a shell history or a process list; ``--base-url`` overrides the
address. The call goes through ``Toolkit.call``, as a model's would: the same argument
validation, the SDK's retries and idempotent orders, one JSON-safe result. An error is
one line on stderr — ``agentexchange: CODE (HTTP status): message [field=value ...]`` —
and exit status 1; a result goes to stdout (a table, or ``--json``), status 0.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from typing import Any, TextIO

from .arguments import FROM_ENVIRONMENT, arguments_of
from .naming import Command
from .output import render, render_json

__all__ = ["error_line", "run_command"]

# Shown in the head of the line, or not for people (the class name, the support id).
_NOT_FIELDS = frozenset({"code", "status", "message", "type", "details", "request_id"})


def _field_text(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
    return " ".join(text.split())


def error_line(error: Mapping[str, Any]) -> str:
    """A ``ToolResult`` error as one line: code, HTTP status, message, then its fields
    (the exception's, such as ``required``/``available``, and the details' other members)."""
    code = error.get("code") or "ERROR"
    status = error.get("status")
    message = " ".join(str(error.get("message") or "").split())
    fields = {k: v for k, v in error.items() if k not in _NOT_FIELDS}
    details = error.get("details")
    if isinstance(details, Mapping):
        fields.update({k: v for k, v in details.items() if k not in fields})
    shown = [
        f"{key}={_field_text(value)}" for key, value in fields.items() if value not in (None, "")
    ]
    head = f"agentexchange: {code}" + (f" (HTTP {status})" if status else "")
    return head + (f": {message}" if message else "") + (f" [{' '.join(shown)}]" if shown else "")


def run_command(command: Command, namespace: argparse.Namespace, out: TextIO | None = None) -> int:
    from ..client import AgentExchangeClient
    from ..tools import Toolkit

    arguments = arguments_of(command, namespace)
    unset = [
        FROM_ENVIRONMENT[param.name]
        for param in command.tool.params
        if param.name in FROM_ENVIRONMENT and param.required and param.name not in arguments
    ]
    if unset:  # login's key and secret: said as the variables to set, not as api_key
        message = f"this command needs credentials: set {' and '.join(unset)}"
        print(error_line({"code": "MISSING_CREDENTIALS", "message": message}), file=sys.stderr)
        return 1
    try:
        client = AgentExchangeClient(base_url=namespace.base_url)
    except ValueError as exc:  # the address, from --base-url or AGENTEXCHANGE_BASE_URL
        print(error_line({"code": "INVALID_ARGUMENTS", "message": str(exc)}), file=sys.stderr)
        return 1
    with client:
        result = Toolkit(client).call(command.tool.name, arguments)
    if not result.ok:
        print(error_line(result.error or {}), file=sys.stderr)
        return 1
    text = render_json(result.value) if namespace.json else render(result.value)
    if text:
        (out or sys.stdout).write(text + "\n")
    return 0
