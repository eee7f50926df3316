"""The exceptions the SDK raises (hand-written; docs/architecture.md "Transport").

Every failure a caller can see is an :class:`AgentExchangeError`. The transport
(``_transport.py``) builds them from the error envelope ``{"error": {"code", "message",
"details"}}``: the envelope's ``code`` picks the class through the table generated from
``openapi.yaml`` (``_errors.py``, resolved by name through :data:`EXCEPTION_CLASSES`
below), the HTTP status picks it when the code is unknown. Connection failures are
:class:`APIConnectionError` / :class:`APITimeoutError`.

Hierarchy (the product docs' names)::

    AgentExchangeError
    ├── APIConnectionError
    │   └── APITimeoutError
    ├── AuthenticationError
    │   └── PermissionDeniedError
    ├── RateLimitError                  .retry_after
    ├── ValidationError                 .field
    ├── NotFoundError
    │   └── OrderNotFoundError          (also an OrderError)
    ├── ConflictError
    ├── OrderError                      .order_id, .reason
    │   ├── OrderNotFoundError
    │   ├── InsufficientBalanceError    .asset, .required, .available
    │   └── RiskLimitError              .limit_type
    ├── InvalidSymbolError              .symbol
    ├── ServerError
    └── WebhookSignatureError           (raised by webhooks.verify, never from a response)

Messages come from the server or from this SDK; neither ever carries a credential (the
transport redacts any echo of one before building the exception).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

__all__ = [
    "EXCEPTION_CLASSES",
    "APIConnectionError",
    "APITimeoutError",
    "AgentExchangeError",
    "AuthenticationError",
    "ConflictError",
    "InsufficientBalanceError",
    "InvalidSymbolError",
    "NotFoundError",
    "OrderError",
    "OrderNotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "RiskLimitError",
    "ServerError",
    "ValidationError",
    "WebhookSignatureError",
]


class AgentExchangeError(Exception):
    """Base class of every error the SDK raises.

    Attributes:
        message: human-readable text (the server's, when it sent one).
        code: the envelope's error code (``"INSUFFICIENT_BALANCE"``), ``"HTTP_<status>"``
            when the server sent none, or an SDK code (``"CONNECTION_ERROR"``,
            ``"TIMEOUT"``, ``"INVALID_RESPONSE"``, ``"MISSING_CREDENTIALS"``).
        status_code: the HTTP status, ``0`` when no response was received.
        details: the envelope's ``details`` (always a dict, possibly empty).
        request_id: the ``X-Request-Id`` response header, if the server sent one.
    """

    default_code = "UNKNOWN_ERROR"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        status_code: int = 0,
        details: Mapping[str, Any] | None = None,
        request_id: str | None = None,
    ) -> None:
        # Only the message goes to Exception.args: BaseException's own pickling then
        # rebuilds cls(message) and restores the attributes from __dict__.
        super().__init__(message)
        self.message = message
        self.code = code if code is not None else self.default_code
        self.status_code = status_code
        self.details: dict[str, Any] = dict(details) if details else {}
        self.request_id = request_id
        self._read_details()

    def _read_details(self) -> None:
        """Subclasses lift their attributes out of ``details`` here (none by default)."""

    def __str__(self) -> str:
        extra = []
        if self.status_code:
            extra.append(f"status {self.status_code}")
        if self.request_id:
            extra.append(f"request_id {self.request_id}")
        suffix = f" ({', '.join(extra)})" if extra else ""
        return f"[{self.code}] {self.message}{suffix}"

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(code={self.code!r}, message={self.message!r}, "
            f"status_code={self.status_code!r}, request_id={self.request_id!r})"
        )


class APIConnectionError(AgentExchangeError):
    """No (complete) response: the connection failed or broke."""

    default_code = "CONNECTION_ERROR"


class APITimeoutError(APIConnectionError):
    """The request timed out (``timeout=`` of the client)."""

    default_code = "TIMEOUT"


class AuthenticationError(AgentExchangeError):
    """Missing or rejected credentials (401), or no credential for a secured call."""

    default_code = "INVALID_API_KEY"


class PermissionDeniedError(AuthenticationError):
    """Authenticated, but not allowed (403): another account's resource, suspended."""

    default_code = "PERMISSION_DENIED"


class RateLimitError(AgentExchangeError):
    """Too many requests (429). ``retry_after`` is the seconds the server asked to wait."""

    default_code = "RATE_LIMIT_EXCEEDED"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        status_code: int = 0,
        details: Mapping[str, Any] | None = None,
        request_id: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(
            message, code=code, status_code=status_code, details=details, request_id=request_id
        )
        if retry_after is None:
            # The Retry-After header wins; the envelope repeats it as retry_after_seconds.
            retry_after = _float_or_none(self.details.get("retry_after_seconds"))
        self.retry_after = retry_after


class ValidationError(AgentExchangeError):
    """The request was invalid (400/422). ``field`` names the offending field if known."""

    default_code = "VALIDATION_ERROR"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        status_code: int = 0,
        details: Mapping[str, Any] | None = None,
        request_id: str | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(
            message, code=code, status_code=status_code, details=details, request_id=request_id
        )
        if field is None:
            raw = self.details.get("field")
            field = raw if isinstance(raw, str) else None
        self.field = field


class NotFoundError(AgentExchangeError):
    """The resource does not exist (404)."""

    default_code = "NOT_FOUND"


class ConflictError(AgentExchangeError):
    """The request conflicts with the resource's state (409)."""

    default_code = "CONFLICT"


class OrderError(AgentExchangeError):
    """An order could not be placed, found or cancelled.

    ``order_id`` and ``reason`` (``ORDER_REJECTED``'s ``details.reason``) when sent.
    """

    default_code = "ORDER_REJECTED"

    def _read_details(self) -> None:
        super()._read_details()
        self.order_id = _str_or_none(self.details.get("order_id"))
        self.reason = _str_or_none(self.details.get("reason"))


class OrderNotFoundError(OrderError, NotFoundError):
    """No such order for this agent (404): both an OrderError and a NotFoundError."""

    default_code = "ORDER_NOT_FOUND"


class InsufficientBalanceError(OrderError):
    """Not enough free balance. ``required`` / ``available`` are Decimal (None if not sent)."""

    default_code = "INSUFFICIENT_BALANCE"

    def _read_details(self) -> None:
        super()._read_details()
        self.asset = _str_or_none(self.details.get("asset"))
        self.required = _decimal_or_none(self.details.get("required"))
        self.available = _decimal_or_none(self.details.get("available"))


class RiskLimitError(OrderError):
    """A risk rule refused the order (position size, open orders, daily loss …)."""

    default_code = "RISK_LIMIT_EXCEEDED"

    def _read_details(self) -> None:
        super()._read_details()
        self.limit_type = _str_or_none(self.details.get("limit_type"))


class InvalidSymbolError(AgentExchangeError):
    """Unknown or inactive trading pair, or no price for it. ``symbol`` when sent."""

    default_code = "INVALID_SYMBOL"

    def _read_details(self) -> None:
        super()._read_details()
        self.symbol = _str_or_none(self.details.get("symbol"))


class ServerError(AgentExchangeError):
    """The server failed (5xx)."""

    default_code = "INTERNAL_ERROR"


class WebhookSignatureError(AgentExchangeError):
    """A webhook delivery whose signature does not match its body (or whose signed
    timestamp is missing or too old when a tolerance was asked for): do not trust it.

    Raised by :func:`agentexchange.webhooks.verify`; never built from a server response,
    so it is not in :data:`EXCEPTION_CLASSES`. The message says what was wrong and never
    repeats the secret.
    """

    default_code = "INVALID_SIGNATURE"


# Class names used by the generated tables (_errors.py) -> classes. Explicit on purpose:
# a name in openapi.yaml that is not here fails a unit test, not a getattr at run time.
EXCEPTION_CLASSES: dict[str, type[AgentExchangeError]] = {
    cls.__name__: cls
    for cls in (
        AgentExchangeError,
        APIConnectionError,
        APITimeoutError,
        AuthenticationError,
        PermissionDeniedError,
        RateLimitError,
        ValidationError,
        NotFoundError,
        ConflictError,
        OrderError,
        OrderNotFoundError,
        InsufficientBalanceError,
        RiskLimitError,
        InvalidSymbolError,
        ServerError,
    )
}


def _str_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


def _decimal_or_none(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value
    try:
        # str() first: an int is exact, and a float (should one slip through) is taken
        # at its shortest repr rather than its binary expansion.
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _float_or_none(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None
