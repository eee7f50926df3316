"""Credentials and the JWT cache of the request pipeline (hand-written; docs/architecture.md "Transport").

Each operation in ``openapi.yaml`` lists its ``security`` alternatives in order of
preference; the generated clients pass them on in ``Call.security``. :func:`choose_scheme`
picks the first one the configured credentials can satisfy:

* ``ApiKeyAuth`` needs ``api_key`` -> ``X-API-Key`` header;
* ``BearerAuth`` needs ``api_key`` and ``api_secret`` -> a JWT from the login operation.

:class:`SyncTokenCache` (and ``AsyncTokenCache`` in ``_async_transport.py``, so that this
module imports no ``asyncio``) hold that JWT until shortly before it
expires, and make sure concurrent callers share one login (a lock with a double-checked
cache). The login itself is the generated client's own ``login`` method (the operation
``x-sdk-auth.login`` names), which the client hands to its transport; this module only
decides when to call it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from .exceptions import AgentExchangeError, AuthenticationError

API_KEY_AUTH = "ApiKeyAuth"
BEARER_AUTH = "BearerAuth"

# Refresh this long before the server's expiry, so a token never dies in flight.
REFRESH_MARGIN = 60.0
# When the login answer states no lifetime at all (neither expires_in nor expires_at).
FALLBACK_LIFETIME = 300.0


def mask_key(key: str | None) -> str:
    """A key as it may appear in repr(): its public prefix and last 4 characters."""
    if not key:
        return "None"
    if len(key) < 16:
        return "'***'"
    # Keep a public prefix such as "ak_live_" (key ids may themselves contain "_").
    parts = key.split("_", 2)
    public = len(parts) == 3 and all(p.isalpha() and len(p) <= 5 for p in parts[:2])
    shown = f"{parts[0]}_{parts[1]}_" if public else ""
    return f"'{shown}…{key[-4:]}'"


@dataclass(frozen=True, slots=True)
class Credentials:
    """What the transport authenticates with. repr() never shows a secret."""

    api_key: str | None
    api_secret: str | None
    agent_id: str | None

    def __repr__(self) -> str:
        secret = "'***'" if self.api_secret else "None"
        return (
            f"Credentials(api_key={mask_key(self.api_key)}, api_secret={secret}, "
            f"agent_id={self.agent_id!r})"
        )


def choose_scheme(security: tuple[str, ...], creds: Credentials) -> str | None:
    """The first alternative of ``security`` the credentials satisfy; None for public calls.

    Raises AuthenticationError (before anything is sent) naming the missing setting.
    """
    if not security:
        return None
    for scheme in security:
        if scheme == API_KEY_AUTH and creds.api_key:
            return scheme
        if scheme == BEARER_AUTH and creds.api_key and creds.api_secret:
            return scheme
    missing: list[str] = []
    if not creds.api_key:
        missing.append("api_key (or AGENTEXCHANGE_API_KEY)")
    if BEARER_AUTH in security and API_KEY_AUTH not in security and not creds.api_secret:
        missing.append("api_secret (or AGENTEXCHANGE_API_SECRET)")
    if not missing:  # only schemes this SDK does not know
        raise AuthenticationError(
            f"No supported authentication scheme among {list(security)}",
            code="MISSING_CREDENTIALS",
        )
    raise AuthenticationError(
        f"This call needs credentials: set {' and '.join(missing)}",
        code="MISSING_CREDENTIALS",
    )


@dataclass(frozen=True, slots=True)
class Token:
    """A JWT and the monotonic-clock time after which it is no longer used."""

    value: str
    refresh_at: float

    def __repr__(self) -> str:
        return f"Token(value='***', refresh_at={self.refresh_at!r})"


class LoginAnswer(Protocol):
    """What the generated login operation returns (the ``AuthToken`` model)."""

    @property
    def token(self) -> str: ...
    @property
    def expires_at(self) -> datetime | None: ...
    @property
    def expires_in(self) -> int | None: ...


def token_from_login(answer: LoginAnswer, now: float) -> Token:
    """The cached token for the login operation's answer, refreshed before it expires."""
    if not isinstance(answer.token, str) or not answer.token:
        raise AgentExchangeError(
            "Login answer has no token", code="INVALID_RESPONSE", status_code=200
        )
    lifetime = _lifetime(answer)
    # Small lifetimes (tests, short-lived tokens) keep at least half of their life.
    margin = min(REFRESH_MARGIN, lifetime / 2)
    return Token(value=answer.token, refresh_at=now + lifetime - margin)


def _lifetime(answer: LoginAnswer) -> float:
    # expires_in (the product docs' answer) first, then expires_at (the platform's).
    if answer.expires_in is not None:
        return max(0.0, float(answer.expires_in))
    when = answer.expires_at
    if when is None:
        return FALLBACK_LIFETIME
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


class SyncTokenCache:
    """One JWT shared by all threads; at most one login at a time."""

    def __init__(self, login: Callable[[], Token], clock: Callable[[], float]) -> None:
        self._login = login
        self._clock = clock
        self._token: Token | None = None
        self._lock = threading.Lock()

    def get(self) -> str:
        token = self._token
        if token is not None and self._clock() < token.refresh_at:
            return token.value  # fast path: no lock once a token is cached
        with self._lock:
            token = self._token  # another thread may have logged in while we waited
            if token is None or self._clock() >= token.refresh_at:
                token = self._login()
                self._token = token
            return token.value

    def invalidate(self, value: str) -> None:
        """Forget ``value`` (rejected by the server) unless a newer token replaced it."""
        with self._lock:
            if self._token is not None and self._token.value == value:
                self._token = None
