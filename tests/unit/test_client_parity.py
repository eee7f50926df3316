"""The sync and async clients expose the same public names with the same parameters.

One allowed difference: `max_concurrency=` on the async constructor only (issue 20). The
backtest session classes (issue 12) pair up the same way, and where a method returns a
session the async client returns the async twin. `backtest(session_id)` only builds a
session object (no request), so it is a plain method on both clients.
"""

from __future__ import annotations

import inspect

import pytest

from agentexchange import (
    AgentExchangeClient,
    AsyncAgentExchangeClient,
    AsyncBacktestSession,
    AsyncHistoricalBattle,
    BacktestSession,
    HistoricalBattle,
)
from agentexchange._async_transport import DEFAULT_MAX_CONCURRENCY as DEFAULT

NO_REQUEST = {"backtest", "historical_battle", "with_options"}  # build a session object / a client
SESSION_TWINS = [(BacktestSession, AsyncBacktestSession), (HistoricalBattle, AsyncHistoricalBattle)]


def _public(cls: type) -> dict[str, inspect.Signature]:
    return {
        name: inspect.signature(member)
        for name, member in inspect.getmembers(cls, inspect.isfunction)
        if not name.startswith("_") or name == "__init__"
    }


def test_same_public_names() -> None:
    assert set(_public(AgentExchangeClient)) == set(_public(AsyncAgentExchangeClient))


def test_same_parameter_lists() -> None:
    sync, async_ = _public(AgentExchangeClient), _public(AsyncAgentExchangeClient)
    for name, sig in sync.items():
        other = async_[name]
        got = [(p.name, p.kind, p.default, p.annotation) for p in other.parameters.values()]
        want = [(p.name, p.kind, p.default, p.annotation) for p in sig.parameters.values()]
        if name == "__init__":
            # The async client alone takes max_concurrency (its last parameter: a bound on
            # concurrent tasks, which a sync client has no use for); and the http_client
            # type differs (httpx.Client vs AsyncClient). Everything before them is equal.
            assert got[-1][:3] == ("max_concurrency", inspect.Parameter.KEYWORD_ONLY, DEFAULT)
            assert "max_concurrency" not in sig.parameters
            assert got[-2][0] == want[-1][0] == "http_client"
            got, want = got[:-2], want[:-1]
        assert got == want, name
        assert _unasync(other.return_annotation) == sig.return_annotation, name


def _unasync(annotation: object) -> object:
    return (
        annotation.replace("AsyncBacktestSession", "BacktestSession")
        .replace("AsyncHistoricalBattle", "HistoricalBattle")
        .replace("AsyncIterator", "Iterator")
        if isinstance(annotation, str)
        else annotation
    )


def test_async_methods_are_coroutines_and_sync_are_not() -> None:
    for name in _public(AgentExchangeClient):
        if name == "__init__":
            continue
        assert not inspect.iscoroutinefunction(getattr(AgentExchangeClient, name)), name
        if name.startswith("iter_"):  # the page iterators: a generator and an async one
            assert inspect.isgeneratorfunction(getattr(AgentExchangeClient, name)), name
            assert inspect.isasyncgenfunction(getattr(AsyncAgentExchangeClient, name)), name
            continue
        coroutine = inspect.iscoroutinefunction(getattr(AsyncAgentExchangeClient, name))
        assert coroutine is (name not in NO_REQUEST), name


@pytest.mark.parametrize(("sync_cls", "async_cls"), SESSION_TWINS)
def test_session_twins_have_the_same_methods(sync_cls: type, async_cls: type) -> None:
    sync, async_ = _public(sync_cls), _public(async_cls)
    assert set(sync) == set(async_)
    for name, sig in sync.items():
        other = async_[name]
        assert [(p.name, p.kind, p.default) for p in other.parameters.values()] == [
            (p.name, p.kind, p.default) for p in sig.parameters.values()
        ], name
        assert _unasync(other.return_annotation) == sig.return_annotation, name
        if name == "__init__":
            continue
        member = getattr(async_cls, name)
        if name == "bars" or name.startswith("iter_"):
            assert inspect.isasyncgenfunction(member) and inspect.isgeneratorfunction(
                getattr(sync_cls, name)
            )
        else:
            assert inspect.iscoroutinefunction(member), name
            assert not inspect.iscoroutinefunction(getattr(sync_cls, name)), name


def test_no_shared_base_class() -> None:
    assert AgentExchangeClient.__mro__[1:] == (object,)
    assert AsyncAgentExchangeClient.__mro__[1:] == (object,)


def test_context_managers() -> None:
    assert hasattr(AgentExchangeClient, "__enter__") and hasattr(AgentExchangeClient, "__exit__")
    assert hasattr(AsyncAgentExchangeClient, "__aenter__") and hasattr(
        AsyncAgentExchangeClient, "__aexit__"
    )


def test_repr_hides_secrets() -> None:
    client = AgentExchangeClient(
        api_key="ak_live_abcdefghijklmnop1234", api_secret="sk_live_topsecret99"
    )
    try:
        text = repr(client)
        assert "abcdefghijklmnop" not in text and "topsecret" not in text
    finally:
        client.close()
