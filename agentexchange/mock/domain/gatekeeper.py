"""Domain layer: Authentication and rate limiting at the edge of the mock exchange.

docs/architecture.md "Trace: one order through the mock" (step 4): the ASGI layer
(``web/app.py``) knows nothing of the domain; it calls a ``Gatekeeper`` with each
validated request (read through ``GateRequest``, the little of a request this module
needs, so the domain imports nothing of the web layer). This one reads the operation's
``security`` alternatives from openapi.yaml: a public operation (``()``) needs nothing,
otherwise ``X-API-Key`` wins over ``Authorization: Bearer`` (as on the real platform) when
both are allowed and present. The result is a ``Principal`` — the account and the agent
the request acts as (an agent key: that agent; an account key or a JWT: the ``X-Agent-Id``
agent or the account's default agent). Agent management takes the account's credentials
only. Rate limits follow the platform (docs/decisions.md "Mock exchange"): per account, by
path prefix, per minute; register and login per client IP. Failed authentication is limited
per client IP too: after ``FAILED_AUTH_LIMIT`` different refused credentials in a minute,
every request from that address that presents credentials is 429 until the window ends
(before its credential is looked at, so a guess cannot be confirmed).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any, Protocol

from .accounts import Accounts, invalid_key, permission_denied
from .clock import SimClock
from .errors import DomainError
from .principal import Principal
from .ratelimit import RateLimiter

API = "/api/v1/"
# Requests per minute per account, by path prefix (reference §3); the rest get DEFAULT.
PATH_LIMITS: tuple[tuple[str, int], ...] = (
    (API + "trade/", 100),
    (API + "market/", 1200),
    (API + "backtest/", 6000),
    (API + "training/", 3000),
)
DEFAULT_LIMIT = 600
IP_LIMITS: dict[str, int] = {"register": 3, "login": 5}  # per client IP per minute
# Distinct refused credentials per client IP per minute (docs/decisions.md "Mock exchange").
FAILED_AUTH_LIMIT = 20
AGENT_ROUTES = API + "agents"


class GateOperation(Protocol):
    """The parts of an operation of openapi.yaml the gatekeeper reads."""

    @property
    def operation_id(self) -> str: ...

    @property
    def path(self) -> str: ...

    @property
    def security(self) -> tuple[str, ...]:
        """Security scheme alternatives in order; ``()`` = public."""
        ...


class GateRequest(Protocol):
    """The parts of a validated request the gatekeeper reads (the web layer's
    ``ApiRequest`` is one)."""

    @property
    def operation(self) -> GateOperation: ...

    @property
    def headers(self) -> Mapping[str, str]:
        """Lower-case names."""
        ...

    @property
    def client_ip(self) -> str: ...

    @property
    def principal(self) -> Any: ...


class Gatekeeper:
    def __init__(
        self,
        accounts: Accounts,
        clock: SimClock,
        *,
        rate_limits: bool = True,
        limiter: RateLimiter | None = None,
        failed_auth_limit: int | None = FAILED_AUTH_LIMIT,
    ) -> None:
        self.accounts = accounts
        self.clock = clock
        self.rate_limits = rate_limits
        self.limiter = limiter or RateLimiter()
        # ``None``: off (as every limit is with ``rate_limits=False``); settable on its own.
        self.failed_auth_limit = failed_auth_limit if rate_limits else None
        # How many requests the failed-authentication limit has refused (tests read it).
        self.failed_auth_refusals = 0

    def authenticate(self, request: GateRequest) -> Principal | None:
        security = request.operation.security
        if not security:
            return None
        headers = request.headers
        api_key = headers.get("x-api-key")
        authorization = headers.get("authorization")
        agent_header = headers.get("x-agent-id") or None
        if not (api_key or authorization):
            raise invalid_key("Authentication credentials are required.")
        self._refuse_if_guessing(request.client_ip)
        try:
            return self._authenticate(request, api_key, authorization, agent_header)
        except DomainError as exc:
            if exc.status == 401:
                self._note_failure(request.client_ip, api_key, authorization)
            raise

    def _authenticate(
        self,
        request: GateRequest,
        api_key: str | None,
        authorization: str | None,
        agent_header: str | None,
    ) -> Principal:
        security = request.operation.security
        if api_key and "ApiKeyAuth" in security:
            principal = self.accounts.authenticate_key(api_key, agent_header=agent_header)
        elif authorization and "BearerAuth" in security:
            scheme, _, token = authorization.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                raise DomainError("INVALID_TOKEN", "Expected 'Authorization: Bearer <token>'.", 401)
            principal = self.accounts.verify_token(token.strip(), agent_header=agent_header)
        else:
            raise invalid_key("These credentials are not accepted for this operation.")
        if principal.scheme == "agent_key" and request.operation.path.startswith(AGENT_ROUTES):
            raise permission_denied("Agent management needs the account's API key or a JWT.")
        return principal

    def _refuse_if_guessing(self, client_ip: str) -> None:
        if self.failed_auth_limit is None:
            return
        try:
            self.limiter.refuse_if_over(
                ("auth-failures", client_ip),
                self.failed_auth_limit,
                message="Too many failed authentications from this address.",
            )
        except DomainError:
            self.failed_auth_refusals += 1
            raise

    def _note_failure(self, client_ip: str, api_key: str | None, authorization: str | None) -> None:
        if self.failed_auth_limit is None:
            return
        # A digest, not the credential: the window keeps no secrets and bounded-size items.
        presented = f"{api_key}\n{authorization}".encode()
        digest = hashlib.sha256(presented).digest()
        self.limiter.note_failure(("auth-failures", client_ip), digest, self.failed_auth_limit)

    def admit(self, request: GateRequest) -> Mapping[str, str]:
        if not self.rate_limits:
            return {}
        op = request.operation
        if not op.path.startswith(API):
            return {}  # /health: never counted, no rate-limit headers (as on the platform)
        ip_limit = IP_LIMITS.get(op.operation_id)
        if ip_limit is not None:
            return self.limiter.hit(("ip", op.operation_id, request.client_ip), ip_limit)
        principal = request.principal
        account_id = principal.account_id if isinstance(principal, Principal) else None
        if account_id is None:
            # Public routes (market data) count against the key's account when one is
            # sent; anonymous requests are not counted, as on the real platform.
            key = request.headers.get("x-api-key")
            account_id = self.accounts.account_id_for_key(key) if key else None
            if account_id is None:
                return {}
        limit = next((n for prefix, n in PATH_LIMITS if op.path.startswith(prefix)), DEFAULT_LIMIT)
        group = next((prefix for prefix, _ in PATH_LIMITS if op.path.startswith(prefix)), "other")
        return self.limiter.hit(("account", account_id, group), limit)
