"""_auth.py on its own: masked credentials and the JWT caches' invalidation (no network)."""

from __future__ import annotations

from collections.abc import Callable

from agentexchange._async_transport import AsyncTokenCache
from agentexchange._auth import Credentials, SyncTokenCache, Token

KEY = "ak_live_0123456789abcdefWXYZ"
SECRET = "sk_live_this-is-the-secret-9876"


def test_credentials_repr_never_shows_the_secret() -> None:
    text = repr(Credentials(api_key=KEY, api_secret=SECRET, agent_id="agent-1"))
    assert SECRET not in text and "this-is-the-secret" not in text
    assert "api_secret='***'" in text
    assert "api_key='ak_live_…WXYZ'" in text and "agent_id='agent-1'" in text
    assert str(Credentials(api_key=KEY, api_secret=SECRET, agent_id=None)) == (
        "Credentials(api_key='ak_live_…WXYZ', api_secret='***', agent_id=None)"
    )
    assert "api_secret=None" in repr(Credentials(api_key=KEY, api_secret=None, agent_id=None))


def numbered_logins() -> tuple[list[str], Callable[[], Token]]:
    """A login that hands out token-1, token-2, … (each valid for an hour of the fake clock)."""
    issued: list[str] = []

    def login() -> Token:
        issued.append(f"token-{len(issued) + 1}")
        return Token(issued[-1], refresh_at=3600.0)

    return issued, login


def test_sync_invalidate_forgets_only_the_rejected_token_not_a_newer_one() -> None:
    issued, login = numbered_logins()
    cache = SyncTokenCache(login, clock=lambda: 0.0)
    assert cache.get() == "token-1"
    cache.invalidate("token-1")  # the server rejected it: the next get logs in again
    assert cache.get() == "token-2"
    # A late caller reports the old token as rejected: the newer one must stay cached.
    cache.invalidate("token-1")
    assert cache.get() == "token-2"
    assert issued == ["token-1", "token-2"]


async def test_async_invalidate_forgets_only_the_rejected_token_not_a_newer_one() -> None:
    issued, sync_login = numbered_logins()

    async def login() -> Token:
        return sync_login()

    cache = AsyncTokenCache(login, clock=lambda: 0.0)
    assert await cache.get() == "token-1"
    cache.invalidate("token-1")  # the server rejected it: the next get logs in again
    assert await cache.get() == "token-2"
    cache.invalidate("token-1")  # a late, stale report: token-2 must stay cached
    assert await cache.get() == "token-2"
    assert issued == ["token-1", "token-2"]
