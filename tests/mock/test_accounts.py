"""Accounts, agents, keys and JWTs in the domain core: registration, the seed-derived
demo account, key resolution, isolation between accounts, and the agent lifecycle."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import jwt
import pytest

from agentexchange.mock.domain.accounts import Accounts
from agentexchange.mock.domain.clock import SimClock
from agentexchange.mock.domain.errors import DomainError

from .test_trading_fakes import START, World


def accounts(seed: int = 7) -> Accounts:
    return Accounts(SimClock(START), seed=seed)


def code_of(call: object, *args: object, **kwargs: object) -> tuple[str, int]:
    with pytest.raises(DomainError) as err:
        call(*args, **kwargs)  # type: ignore[operator]
    return err.value.code, err.value.status


def test_register_creates_keys_and_a_default_agent_and_keeps_only_a_secret_hash() -> None:
    book = accounts()
    reg = book.register("Momentum Lab", starting_balance=Decimal("2500"))
    view = reg.view()
    assert view["api_key"].startswith("ak_live_") and len(view["api_key"]) == 8 + 64
    assert view["api_secret"].startswith("sk_live_")
    assert view["agent_api_key"].startswith("ak_live_")
    assert reg.agent.display_name == "Momentum Lab's Agent"
    assert reg.agent.starting_balance == Decimal("2500")
    account = book.account(reg.account.id)
    assert reg.api_secret.encode() not in account.secret_hash
    assert reg.api_secret not in repr(account) and reg.api_secret not in repr(reg)
    assert reg.agent.api_key not in repr(reg.agent)


def test_empty_name_defaults_to_agent_and_emails_are_unique() -> None:
    book = accounts()
    assert book.register("").account.display_name == "Agent"
    book.register("a", email="x@example.com")
    assert code_of(book.register, "b", email="X@example.com") == ("DUPLICATE_ACCOUNT", 409)


def test_demo_credentials_are_derived_from_the_seed() -> None:
    first, again, other = accounts(7), accounts(7), accounts(8)
    assert first.demo_credentials() == again.demo_credentials()
    assert first.demo_credentials() != other.demo_credentials()
    demo = first.demo_credentials()
    assert set(demo) == {"api_key", "api_secret", "agent_id", "agent_api_key"}
    # A restarted mock (a second Accounts, same seed) accepts the first one's keys.
    assert again.authenticate_key(demo["agent_api_key"]).agent_id == demo["agent_id"]
    assert again.login(demo["api_key"], demo["api_secret"]).token
    agent = again.agent(demo["agent_id"])
    assert agent is not None and agent.book.balance("USDT").free == Decimal("10000")


def test_keys_resolve_to_the_acting_agent() -> None:
    book = accounts()
    reg = book.register("A")
    second = book.create_agent(reg.account.id, "second")
    by_agent_key = book.authenticate_key(second.api_key, agent_header=reg.agent.id)
    assert by_agent_key.agent_id == second.id  # an agent key ignores X-Agent-Id
    assert by_agent_key.scheme == "agent_key"
    assert book.authenticate_key(reg.account.api_key).agent_id == reg.agent.id
    assert book.authenticate_key(reg.account.api_key, agent_header=second.id).agent_id == second.id
    assert code_of(book.authenticate_key, "ak_live_nope") == ("INVALID_API_KEY", 401)


def test_another_accounts_agent_is_403_and_unknown_agent_is_404() -> None:
    book = accounts()
    alice, bob = book.register("Alice"), book.register("Bob")
    assert code_of(book.agent_of, bob.account.id, alice.agent.id) == ("PERMISSION_DENIED", 403)
    assert code_of(book.authenticate_key, bob.account.api_key, agent_header=alice.agent.id) == (
        "PERMISSION_DENIED",
        403,
    )
    # An unknown X-Agent-Id looks exactly like a foreign one: nothing leaks.
    assert code_of(
        book.authenticate_key,
        bob.account.api_key,
        agent_header="7d1c2a3b-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
    ) == ("PERMISSION_DENIED", 403)
    assert code_of(book.agent_of, bob.account.id, "7d1c2a3b-4e5f-4a6b-8c7d-9e0f1a2b3c4d") == (
        "AGENT_NOT_FOUND",
        404,
    )
    for call in (book.archive_agent, book.regenerate_key, book.delete_agent):
        assert code_of(call, bob.account.id, alice.agent.id)[1] == 403
    assert book.agent(alice.agent.id) is not None  # untouched


def test_archive_disables_the_agent_key() -> None:
    book = accounts()
    reg = book.register("A")
    book.archive_agent(reg.account.id, reg.agent.id)
    assert code_of(book.authenticate_key, reg.agent.api_key) == ("INVALID_API_KEY", 401)
    assert reg.agent.status == "archived"
    assert [a.id for a in book.agents_of(reg.account.id, include_archived=False)] == []


def test_regenerate_invalidates_the_old_key_at_once() -> None:
    book = accounts()
    reg = book.register("A")
    old = reg.agent.api_key
    new = book.regenerate_key(reg.account.id, reg.agent.id).api_key
    assert new != old
    assert code_of(book.authenticate_key, old) == ("INVALID_API_KEY", 401)
    assert book.authenticate_key(new).agent_id == reg.agent.id


def test_delete_removes_the_agent_and_its_key() -> None:
    book = accounts()
    reg = book.register("A")
    second = book.create_agent(reg.account.id, "second")
    book.delete_agent(reg.account.id, reg.agent.id)
    assert code_of(book.agent_of, reg.account.id, reg.agent.id) == ("AGENT_NOT_FOUND", 404)
    assert code_of(book.authenticate_key, reg.agent.api_key) == ("INVALID_API_KEY", 401)
    # The account key now acts as the remaining agent.
    assert book.authenticate_key(reg.account.api_key).agent_id == second.id


def test_clone_copies_configuration_with_a_fresh_wallet_and_key() -> None:
    world = World()
    reg = world.accounts.register("A")
    source = world.accounts.create_agent(
        reg.account.id,
        "RSI",
        Decimal("5000"),
        llm_model="m",
        framework="f",
        strategy_tags=["rsi"],
        risk_profile={"max_open_orders": 5},
        color="#3B82F6",
    )
    world.trading.place_order(source.id, "BTCUSDT", "buy", "market", Decimal("0.01"))
    clone = world.accounts.clone_agent(reg.account.id, source.id)
    assert clone.display_name == "RSI (copy)"
    assert (clone.llm_model, clone.framework, clone.strategy_tags, clone.color) == (
        "m",
        "f",
        ["rsi"],
        "#3B82F6",
    )
    assert clone.risk.max_open_orders == 5
    assert clone.api_key != source.api_key
    assert world.trading.balance(clone.id)["total_equity_usdt"] == Decimal("5000")
    assert world.trading.get_trade_history(clone.id)["total"] == 0


def test_update_accepts_seed_004_aliases() -> None:
    book = accounts()
    reg = book.register("A")
    agent = book.update_agent(
        reg.account.id, reg.agent.id, {"name": "Renamed", "risk_config": {"max_order_size_pct": 25}}
    )
    assert agent.display_name == "Renamed"
    assert agent.risk.max_order_size_pct == 25
    assert agent.view()["risk_profile"] == {"max_order_size_pct": 25}


def test_login_issues_a_one_hour_hs256_token_that_expires_on_the_simulated_clock() -> None:
    clock = SimClock(START)
    book = Accounts(clock, seed=1)
    reg = book.register("A")
    token = book.login(reg.account.api_key, reg.api_secret)
    assert token.expires_in == 3600
    assert token.expires_at == datetime(2026, 11, 23, 11, 0, tzinfo=UTC)
    assert jwt.get_unverified_header(token.token)["alg"] == "HS256"
    principal = book.verify_token(token.token)
    assert (principal.account_id, principal.agent_id) == (reg.account.id, reg.agent.id)
    clock.advance(3599)
    book.verify_token(token.token)
    clock.advance(1)
    assert code_of(book.verify_token, token.token) == ("INVALID_TOKEN", 401)


def test_login_failures() -> None:
    book = accounts()
    reg = book.register("A")
    assert code_of(book.login, reg.account.api_key, "sk_live_wrong") == ("INVALID_API_KEY", 401)
    assert code_of(book.login, "ak_live_unknown", reg.api_secret) == ("INVALID_API_KEY", 401)
    assert code_of(book.login, reg.agent.api_key, reg.api_secret) == ("ACCOUNT_NOT_FOUND", 404)
    forged = jwt.encode(
        {"sub": reg.account.id, "exp": 2**40},
        "not-the-secret-but-32-bytes-long!",
        algorithm="HS256",
    )
    assert code_of(book.verify_token, forged) == ("INVALID_TOKEN", 401)
    assert code_of(book.verify_token, "garbage") == ("INVALID_TOKEN", 401)
