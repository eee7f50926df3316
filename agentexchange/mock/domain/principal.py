"""Domain layer: Who is calling: what the gatekeeper resolves from ``X-API-Key`` / ``Authorization``.

An agent key acts as its agent; an account key or a JWT acts as the agent named by
``X-Agent-Id`` or, without it, as the account's default agent.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Principal:
    account_id: str
    agent_id: str | None  # the acting agent (trading, account, analytics routes)
    scheme: str  # "api_key" | "agent_key" | "bearer"
    key: str | None = field(default=None, repr=False)  # for rate limiting; never shown
