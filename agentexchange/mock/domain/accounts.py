"""Domain layer: Accounts, agents, API keys and JWTs: who exists in the mock exchange and who may act.

docs/architecture.md "Domain core" and docs/decisions.md "Mock exchange": the account
secret is stored only as a hash and compared in constant time; agent keys stay
retrievable, as the docs' ``GET …/api-key`` requires; another account's agent is 403. Pure
domain code: ``gatekeeper.py`` maps headers onto ``authenticate_key`` / ``verify_token``;
the handlers call the rest. Every agent owns a ``Book`` (its wallet and history), created
and dropped with it.

Keys are indexed by their SHA-256 digest, so a lookup never compares the presented key
character by character against stored ones. The demo account's keys are derived from
the seed (HMAC), so a restarted mock with the same seed accepts the same credentials.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import jwt

from .book import Book
from .clock import SimClock
from .errors import DomainError
from .principal import Principal
from .risk import RiskProfile

KEY_PREFIX = "ak_live_"
SECRET_PREFIX = "sk_live_"
DEFAULT_BALANCE = Decimal("10000.00")
MAX_BALANCE = Decimal("1e12")  # keeps all wallet arithmetic within Decimal's precision
TOKEN_LIFETIME = timedelta(hours=1)
_AGENT_FIELDS = ("llm_model", "framework", "strategy_tags", "color", "avatar_url")


@dataclass(slots=True)
class Agent:
    id: str
    account_id: str
    display_name: str
    api_key: str
    starting_balance: Decimal
    book: Book
    created_at: datetime
    updated_at: datetime
    llm_model: str | None = None
    framework: str | None = None
    strategy_tags: list[str] = field(default_factory=list)
    risk_overrides: dict[str, int] = field(default_factory=dict)
    avatar_url: str | None = None
    color: str | None = None
    status: str = "active"

    @property
    def risk(self) -> RiskProfile:
        return RiskProfile.from_overrides(self.risk_overrides)

    def risk_view(self) -> dict[str, int]:
        """Effective limits; the extension max_order_size_pct only once it was set."""
        return self.risk.view(with_order_size="max_order_size_pct" in self.risk_overrides)

    def __repr__(self) -> str:  # the key stays out of logs and tracebacks
        return f"Agent(id={self.id!r}, display_name={self.display_name!r}, status={self.status!r})"

    def view(self) -> dict[str, Any]:
        """AgentResponse of openapi.yaml."""
        return {
            "id": self.id,
            "account_id": self.account_id,
            "display_name": self.display_name,
            "api_key_preview": self.api_key[:12] + "...",
            "starting_balance": self.starting_balance,
            "llm_model": self.llm_model,
            "framework": self.framework,
            "strategy_tags": list(self.strategy_tags),
            "risk_profile": dict(self.risk_overrides),
            "avatar_url": self.avatar_url,
            "color": self.color,
            "status": self.status,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }


@dataclass(slots=True)
class Account:
    id: str
    display_name: str
    email: str | None
    api_key: str
    secret_salt: bytes
    secret_hash: bytes
    password_hash: bytes | None
    starting_balance: Decimal
    created_at: datetime
    default_agent_id: str | None = None
    agent_ids: list[str] = field(default_factory=list)
    status: str = "active"

    def __repr__(self) -> str:
        return f"Account(id={self.id!r}, display_name={self.display_name!r})"


@dataclass(frozen=True, slots=True)
class Registration:
    """What register returns once: the account's secret is never available again."""

    account: Account
    api_secret: str
    agent: Agent

    def __repr__(self) -> str:
        return f"Registration(account_id={self.account.id!r})"

    def view(self) -> dict[str, Any]:
        return {
            "account_id": self.account.id,
            "api_key": self.account.api_key,
            "api_secret": self.api_secret,
            "display_name": self.account.display_name,
            "starting_balance": self.account.starting_balance,
            "agent_id": self.agent.id,
            "agent_api_key": self.agent.api_key,
            "message": "Save your API secret now. It will not be shown again.",
        }


@dataclass(frozen=True, slots=True)
class Token:
    token: str
    expires_at: datetime
    expires_in: int

    def __repr__(self) -> str:
        return f"Token(expires_at={self.expires_at!r})"

    def view(self) -> dict[str, Any]:
        return {
            "token": self.token,
            "expires_at": self.expires_at,
            "expires_in": self.expires_in,
            "token_type": "Bearer",
        }


def _digest(key: str) -> bytes:
    return hashlib.sha256(key.encode("utf-8")).digest()


def _hash_secret(salt: bytes, secret: str) -> bytes:
    return hashlib.sha256(salt + secret.encode("utf-8")).digest()


def _random_key(prefix: str) -> str:
    return prefix + secrets.token_urlsafe(48)  # 64 url-safe characters


def invalid_key(message: str = "Invalid API key.") -> DomainError:
    return DomainError("INVALID_API_KEY", message, 401)


def permission_denied(message: str = "You do not own this agent.") -> DomainError:
    return DomainError("PERMISSION_DENIED", message, 403)


class Accounts:
    """All accounts and agents of one mock exchange; thread-safe via ``lock``."""

    def __init__(self, clock: SimClock, *, seed: int = 0) -> None:
        self.clock = clock
        # One re-entrant lock guards accounts, agents and their books; ``Trading``
        # shares it so that an order and an agent reset never interleave.
        self.lock = threading.RLock()
        self._accounts: dict[str, Account] = {}
        self._agents: dict[str, Agent] = {}
        self._emails: dict[str, str] = {}
        self._keys: dict[bytes, tuple[str, str]] = {}  # sha256(key) -> (kind, id)
        self._jwt_secret = secrets.token_bytes(32)
        self._demo = self._create_demo(seed)

    # ---------------------------------------------------------------- creation
    def register(
        self,
        display_name: str | None = None,
        email: str | None = None,
        password: str | None = None,
        starting_balance: Decimal | None = None,
    ) -> Registration:
        return self._register(
            display_name,
            email,
            password,
            starting_balance,
            account_id=str(uuid.uuid4()),
            api_key=_random_key(KEY_PREFIX),
            api_secret=_random_key(SECRET_PREFIX),
            agent_id=str(uuid.uuid4()),
            agent_key=_random_key(KEY_PREFIX),
        )

    def _register(
        self,
        display_name: str | None,
        email: str | None,
        password: str | None,
        starting_balance: Decimal | None,
        *,
        account_id: str,
        api_key: str,
        api_secret: str,
        agent_id: str,
        agent_key: str,
    ) -> Registration:
        name = (display_name or "").strip() or "Agent"
        balance = _positive_balance(starting_balance)
        with self.lock:
            if email is not None and email.lower() in self._emails:
                raise DomainError(
                    "DUPLICATE_ACCOUNT", "An account with this email exists.", 409, {"email": email}
                )
            salt = secrets.token_bytes(16)
            password_hash = None
            if password is not None:
                password_hash = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 10_000)
            account = Account(
                id=account_id,
                display_name=name,
                email=email,
                api_key=api_key,
                secret_salt=salt,
                secret_hash=_hash_secret(salt, api_secret),
                password_hash=password_hash,
                starting_balance=balance,
                created_at=self.clock.now(),
            )
            self._accounts[account.id] = account
            self._keys[_digest(api_key)] = ("account", account.id)
            if email is not None:
                self._emails[email.lower()] = account.id
            agent = self._new_agent(
                account, f"{name}'s Agent", balance, agent_id=agent_id, key=agent_key
            )
            account.default_agent_id = agent.id
            return Registration(account, api_secret, agent)

    def create_agent(
        self,
        account_id: str,
        display_name: str,
        starting_balance: Decimal | None = None,
        *,
        llm_model: str | None = None,
        framework: str | None = None,
        strategy_tags: list[str] | None = None,
        risk_profile: Mapping[str, int] | None = None,
        color: str | None = None,
    ) -> Agent:
        with self.lock:
            account = self._account(account_id)
            agent = self._new_agent(account, display_name, _positive_balance(starting_balance))
            agent.llm_model, agent.framework, agent.color = llm_model, framework, color
            agent.strategy_tags = list(strategy_tags or [])
            agent.risk_overrides = RiskProfile.validate_overrides(risk_profile or {})
            return agent

    def _new_agent(
        self,
        account: Account,
        display_name: str,
        balance: Decimal,
        *,
        agent_id: str | None = None,
        key: str | None = None,
    ) -> Agent:
        now = self.clock.now()
        agent = Agent(
            id=agent_id or str(uuid.uuid4()),
            account_id=account.id,
            display_name=display_name,
            api_key=key or _random_key(KEY_PREFIX),
            starting_balance=balance,
            book=Book.fresh(now, balance),
            created_at=now,
            updated_at=now,
        )
        self._agents[agent.id] = agent
        self._keys[_digest(agent.api_key)] = ("agent", agent.id)
        account.agent_ids.append(agent.id)
        return agent

    # ------------------------------------------------------------------ lookup
    def _account(self, account_id: str) -> Account:
        account = self._accounts.get(account_id)
        if account is None:
            raise DomainError(
                "ACCOUNT_NOT_FOUND", "Account not found.", 404, {"account_id": account_id}
            )
        return account

    def account(self, account_id: str) -> Account:
        with self.lock:
            return self._account(account_id)

    def agent(self, agent_id: str) -> Agent | None:
        """The agent by id, whoever owns it (internal use: trading, leaderboard)."""
        return self._agents.get(agent_id)

    def agent_of(self, account_id: str, agent_id: str) -> Agent:
        """An agent the account owns: unknown -> 404, another account's -> 403."""
        with self.lock:
            agent = self._agents.get(agent_id)
            if agent is None:
                raise DomainError(
                    "AGENT_NOT_FOUND", "Agent not found.", 404, {"agent_id": agent_id}
                )
            if agent.account_id != account_id:
                raise permission_denied()
            return agent

    def agents_of(self, account_id: str, *, include_archived: bool = True) -> list[Agent]:
        with self.lock:
            account = self._account(account_id)
            agents = [self._agents[a] for a in account.agent_ids]
            return [a for a in agents if include_archived or a.status != "archived"]

    def all_agents(self) -> list[Agent]:
        with self.lock:
            return list(self._agents.values())

    def acting_agent(self, account_id: str, requested: str | None) -> str | None:
        """The agent an account key or JWT acts as: X-Agent-Id, else the default agent.

        An unknown id and another account's agent are both 403, so nothing tells an
        outsider whether an agent id exists.
        """
        with self.lock:
            account = self._account(account_id)
            if requested is not None:
                agent = self._agents.get(requested)
                if agent is None or agent.account_id != account_id:
                    raise permission_denied()
                return agent.id
            if account.default_agent_id in self._agents:
                return account.default_agent_id
            # The default agent was deleted: fall back to the oldest remaining one.
            return account.agent_ids[0] if account.agent_ids else None

    # -------------------------------------------------------------------- auth
    def authenticate_key(self, api_key: str, *, agent_header: str | None = None) -> Principal:
        """Resolve an ``X-API-Key``: an agent key acts as its agent (the header is
        ignored), the account key as ``agent_header`` or the default agent."""
        with self.lock:
            found = self._keys.get(_digest(api_key))
            if found is None:
                raise invalid_key()
            kind, ident = found
            if kind == "agent":
                agent = self._agents[ident]
                if agent.status == "archived":
                    raise invalid_key("Agent is archived.")
                return Principal(agent.account_id, agent.id, "agent_key", api_key)
            account = self._accounts[ident]
            self._require_active(account)
            return Principal(
                account.id, self.acting_agent(account.id, agent_header), "api_key", api_key
            )

    def account_id_for_key(self, api_key: str) -> str | None:
        """The owning account of any valid key (for rate limiting), without raising."""
        with self.lock:
            found = self._keys.get(_digest(api_key))
            if found is None:
                return None
            kind, ident = found
            return self._agents[ident].account_id if kind == "agent" else ident

    @staticmethod
    def _require_active(account: Account) -> None:
        if account.status != "active":
            raise DomainError(
                "ACCOUNT_SUSPENDED", "The account is suspended.", 403, {"account_id": account.id}
            )

    def login(self, api_key: str, api_secret: str) -> Token:
        with self.lock:
            found = self._keys.get(_digest(api_key))
            if found is None:
                raise invalid_key()
            kind, ident = found
            if kind != "account":
                # As on the real platform: only the account key logs in.
                raise DomainError(
                    "ACCOUNT_NOT_FOUND", "No account for this key (agent keys cannot log in).", 404
                )
            account = self._accounts[ident]
            if not hmac.compare_digest(
                _hash_secret(account.secret_salt, api_secret), account.secret_hash
            ):
                raise invalid_key("Invalid API key or secret.")
            self._require_active(account)
        now = self.clock.now()
        expires = now + TOKEN_LIFETIME
        payload = {"sub": account.id, "iat": int(now.timestamp()), "exp": int(expires.timestamp())}
        token = jwt.encode(payload, self._jwt_secret, algorithm="HS256")
        return Token(token, expires, int(TOKEN_LIFETIME.total_seconds()))

    def verify_token(self, token: str, *, agent_header: str | None = None) -> Principal:
        """A Bearer JWT -> the account, acting as ``agent_header`` or its default agent.

        Expiry is checked against the simulated clock (the one the tokens were issued
        by), so tests can age a token by advancing the clock.
        """
        try:
            claims = jwt.decode(
                token,
                self._jwt_secret,
                algorithms=["HS256"],
                options={
                    "verify_exp": False,
                    "verify_iat": False,
                    "verify_nbf": False,
                    "require": ["sub", "exp"],
                },
            )
        except jwt.PyJWTError:
            raise DomainError("INVALID_TOKEN", "Invalid token.", 401) from None
        if not isinstance(claims.get("exp"), int) or claims["exp"] <= self.clock.timestamp():
            raise DomainError("INVALID_TOKEN", "Token has expired.", 401)
        account_id = str(claims["sub"])
        with self.lock:
            account = self._accounts.get(account_id)
            if account is None:
                raise DomainError("INVALID_TOKEN", "Invalid token.", 401)
            self._require_active(account)
            return Principal(
                account.id, self.acting_agent(account.id, agent_header), "bearer", None
            )

    # --------------------------------------------------------------- lifecycle
    def update_agent(self, account_id: str, agent_id: str, changes: Mapping[str, Any]) -> Agent:
        """Partial update; ``name`` and ``risk_config`` are seed 004's aliases."""
        with self.lock:
            agent = self.agent_of(account_id, agent_id)
            name = changes.get("display_name") or changes.get("name")
            if name:
                agent.display_name = str(name)
            for key in _AGENT_FIELDS:
                if key in changes and not (key == "strategy_tags" and changes[key] is None):
                    setattr(
                        agent, key, list(changes[key]) if key == "strategy_tags" else changes[key]
                    )
            risk = changes.get("risk_profile", changes.get("risk_config"))
            if risk is not None:
                agent.risk_overrides = {
                    **agent.risk_overrides,
                    **RiskProfile.validate_overrides(risk),
                }
            agent.updated_at = self.clock.now()
            return agent

    def set_risk_profile(self, account_id: str, agent_id: str, limits: Mapping[str, int]) -> Agent:
        with self.lock:
            agent = self.agent_of(account_id, agent_id)
            agent.risk_overrides = {
                **agent.risk_overrides,
                **RiskProfile.validate_overrides(limits),
            }
            agent.updated_at = self.clock.now()
            return agent

    def archive_agent(self, account_id: str, agent_id: str) -> Agent:
        """Its key stops working at once (401); data is kept for the owner to read."""
        with self.lock:
            agent = self.agent_of(account_id, agent_id)
            agent.status = "archived"
            agent.updated_at = self.clock.now()
            return agent

    def regenerate_key(self, account_id: str, agent_id: str) -> Agent:
        with self.lock:
            agent = self.agent_of(account_id, agent_id)
            self._keys.pop(_digest(agent.api_key), None)  # the old key dies now
            agent.api_key = _random_key(KEY_PREFIX)
            self._keys[_digest(agent.api_key)] = ("agent", agent.id)
            agent.updated_at = self.clock.now()
            return agent

    def delete_agent(self, account_id: str, agent_id: str) -> None:
        with self.lock:
            agent = self.agent_of(account_id, agent_id)
            self._keys.pop(_digest(agent.api_key), None)
            del self._agents[agent.id]
            account = self._accounts[account_id]
            account.agent_ids.remove(agent.id)
            if account.default_agent_id == agent.id:
                account.default_agent_id = None

    def clone_agent(self, account_id: str, agent_id: str, new_name: str | None = None) -> Agent:
        """Same configuration, fresh wallet at the same starting balance, new key."""
        with self.lock:
            source = self.agent_of(account_id, agent_id)
            clone = self._new_agent(
                self._accounts[account_id],
                new_name or f"{source.display_name} (copy)",
                source.starting_balance,
            )
            clone.llm_model, clone.framework = source.llm_model, source.framework
            clone.strategy_tags = list(source.strategy_tags)
            clone.risk_overrides = dict(source.risk_overrides)
            clone.color = source.color
            return clone

    # -------------------------------------------------------------------- demo
    def _create_demo(self, seed: int) -> dict[str, str]:
        master = hmac.new(b"agentexchange-mock-demo", str(seed).encode(), hashlib.sha256).digest()

        def derive(label: str, size: int) -> bytes:
            out = b""
            counter = 0
            while len(out) < size:
                out += hmac.new(master, f"{label}:{counter}".encode(), hashlib.sha256).digest()
                counter += 1
            return out[:size]

        def key(prefix: str, label: str) -> str:
            return prefix + base64.urlsafe_b64encode(derive(label, 48)).decode().rstrip("=")

        def ident(label: str) -> str:
            return str(uuid.UUID(bytes=derive(label, 16), version=4))

        creds = {
            "api_key": key(KEY_PREFIX, "api_key"),
            "api_secret": key(SECRET_PREFIX, "api_secret"),
            "agent_id": ident("agent_id"),
            "agent_api_key": key(KEY_PREFIX, "agent_api_key"),
        }
        self._register(
            "Demo",
            None,
            None,
            DEFAULT_BALANCE,
            account_id=ident("account_id"),
            api_key=creds["api_key"],
            api_secret=creds["api_secret"],
            agent_id=creds["agent_id"],
            agent_key=creds["agent_api_key"],
        )
        return creds

    def demo_credentials(self) -> dict[str, str]:
        """The seed-derived demo account: api_key, api_secret, agent_id, agent_api_key."""
        return dict(self._demo)


def _positive_balance(value: Decimal | None) -> Decimal:
    if value is None:
        return DEFAULT_BALANCE
    if not value.is_finite() or not 0 < value <= MAX_BALANCE:
        raise DomainError(
            "VALIDATION_ERROR",
            f"starting_balance must be > 0 and <= {MAX_BALANCE}.",
            422,
            {"field": "starting_balance"},
        )
    return value
