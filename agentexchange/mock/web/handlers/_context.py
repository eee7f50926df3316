"""Web layer: Small helpers the domain handlers share: the caller, and decimals from a body.

docs/architecture.md "Web layer": handlers translate between a validated ``ApiRequest``
(``app.py``) and the pure-Python domain core; this is the little glue every such handler
needs.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from ...domain.accounts import invalid_key
from ...domain.errors import DomainError
from ...domain.principal import Principal
from ..app import ApiRequest


def caller(request: ApiRequest) -> Principal:
    principal = request.principal
    if not isinstance(principal, Principal):  # only if an operation lost its security
        raise invalid_key("Authentication credentials are required.")
    return principal


def body_of(request: ApiRequest) -> Mapping[str, Any]:
    return request.body if isinstance(request.body, Mapping) else {}


def decimal_field(body: Mapping[str, Any], *names: str) -> Decimal | None:
    """The first present, non-null field of ``names`` (a member and its aliases) as a Decimal.

    A member the document declares ``format: decimal`` is a ``Decimal`` already (the body
    validator parsed it) and is returned as it is; only a member the document does not
    declare (the platform SDK's ``starting_balance`` on reset) or a body that did not come
    through the web layer is converted here — from its text, never via float.
    """
    for name in names:
        raw = body.get(name)
        if raw is None:
            continue
        try:
            return Decimal(str(raw)) if not isinstance(raw, Decimal) else raw
        except InvalidOperation:
            raise DomainError(
                "VALIDATION_ERROR", f"{name}: not a decimal number.", 422, {"field": name}
            ) from None
    return None
