"""Domain layer: Errors the domain core raises; the web layer (``web/app.py``) sends them in the envelope.

The codes and statuses are those of ``x-error-codes`` in openapi.yaml; the domain never
imports the web layer, it only raises ``DomainError`` with a code, a message, details
and (rarely) extra response headers such as ``Retry-After``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class DomainError(Exception):
    def __init__(
        self,
        code: str,
        message: str,
        status: int,
        details: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.details = dict(details or {})
        self.headers = dict(headers or {})

    def __repr__(self) -> str:
        return f"DomainError({self.code!r}, {self.message!r}, {self.status})"


def not_found(code: str, what: str, ident: object) -> DomainError:
    return DomainError(code, f"{what} {ident} not found.", 404, {"id": str(ident)})
