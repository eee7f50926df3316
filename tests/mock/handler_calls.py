"""Calling mock handlers directly, the way ``agentexchange/mock/web/app.py`` calls them.

``request`` builds the ``ApiRequest`` app.py hands a handler (query defaults filled from the
spec); ``call`` also does app.py's work on both sides of the handler: the JSON body parsed
with ``Decimal`` numbers, checked against the operation's request schema and parsed by it
(``BodyValidator.parse``: defaults, date-times, decimals), and the reply
serialised as app.py does and checked against its success schema.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from agentexchange.mock.domain.principal import Principal
from agentexchange.mock.web.app import ApiRequest, dump_json
from agentexchange.mock.web.spec import load_spec
from agentexchange.mock.web.validation import BodyValidator

OPS = load_spec().by_id()


def request(
    operation_id: str,
    *,
    principal: Principal | None = None,
    path: dict[str, Any] | None = None,
    query: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
    body: Any = None,
) -> ApiRequest:
    """A minimal validated request, as ``app.py`` would hand it to a handler."""
    return ApiRequest(
        operation=OPS[operation_id],
        path_params=path or {},
        query={**OPS[operation_id].query_defaults, **(query or {})},  # as app.py fills them
        headers=headers or {},
        body=body,
        client_ip="127.0.0.1",
        principal=principal,
    )


def call(
    handlers: Mapping[str, Callable[[ApiRequest], Any]],
    operation_id: str,
    *,
    principal: Principal | None = None,
    path: dict[str, Any] | None = None,
    query: dict[str, Any] | None = None,
    body: Any = None,
) -> Any:
    """Run a handler on a checked body; return its reply as a client parses it, checked."""
    op = OPS[operation_id]
    parsed = None if body is None else json.loads(json.dumps(body), parse_float=Decimal)
    if parsed is not None:
        assert op.body_schema is not None
        parsed = BodyValidator(op.body_schema).parse(parsed)
    handled = handlers[operation_id](
        request(operation_id, principal=principal, path=path, query=query, body=parsed)
    )
    wire = json.loads(dump_json(handled))
    assert op.success_schema is not None
    BodyValidator(op.success_schema).validate(wire)
    return wire
