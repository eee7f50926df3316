"""Agent management and auth handlers: every response conforms to its operation's
success schema and carries the keys of the document's example; lifecycle effects
(archive, regenerate, delete, clone, reset), aliases, isolation and skill.md."""

from __future__ import annotations

import json
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest

from agentexchange.mock.domain.errors import DomainError
from agentexchange.mock.web.app import Reply, dump_json
from agentexchange.mock.web.handlers import agents, auth
from agentexchange.mock.web.validation import BodyValidator

from .handler_calls import request
from .test_trading_fakes import OPS, SPEC, World

HANDLERS_OF = {"agents": agents, "auth": auth}


def example_of(operation_id: str) -> Any:
    op = OPS[operation_id]
    responses = SPEC.document["paths"][op.path][op.method.lower()]["responses"]
    content = responses[str(op.success_status)].get("content", {})
    return content.get("application/json", {}).get("example")


def conforms(operation_id: str, result: Any) -> Any:
    """The handler's body, checked against the operation's schema and example keys."""
    body = result.body if isinstance(result, Reply) else result
    encoded = json.loads(dump_json(body))
    schema = OPS[operation_id].success_schema
    assert schema is not None
    BodyValidator(schema).validate(encoded)
    example = example_of(operation_id)
    if isinstance(example, dict):
        assert set(encoded) == set(example), operation_id
    return encoded


class Env:
    def __init__(self) -> None:
        self.world = World()
        ex: Any = SimpleNamespace(accounts=self.world.accounts, trading=self.world.trading)
        self.h = {**agents.handlers(ex), **auth.handlers(ex)}
        reg = self.world.accounts.register("Owner")
        self.account_id = reg.account.id
        self.default_agent = reg.agent.id
        self.owner = self.world.accounts.authenticate_key(reg.account.api_key)

    def call(self, operation_id: str, **kwargs: Any) -> Any:
        kwargs.setdefault("principal", self.owner)
        return self.h[operation_id](request(operation_id, **kwargs))

    def create(self, **body: Any) -> dict[str, Any]:
        body.setdefault("display_name", "RSI Scalper")
        return dict(conforms("create_agent", self.call("create_agent", body=body)))


@pytest.fixture
def env() -> Env:
    return Env()


def test_register_and_login_handlers_answer_in_the_documented_shapes(env: Env) -> None:
    registered = conforms(
        "register",
        env.call(
            "register", principal=None, body={"display_name": "Lab", "starting_balance": "2500.50"}
        ),
    )
    assert registered["starting_balance"] == "2500.50"
    token = conforms(
        "login",
        env.call(
            "login",
            principal=None,
            body={"api_key": registered["api_key"], "api_secret": registered["api_secret"]},
        ),
    )
    assert token["expires_in"] == 3600 and token["token_type"] == "Bearer"


def test_create_get_list_and_overview(env: Env) -> None:
    created = env.create(
        starting_balance="5000.00",
        llm_model="claude-sonnet-4-6",
        framework="custom",
        strategy_tags=["rsi"],
        risk_profile={"max_position_size_pct": 20},
        color="#3B82F6",
    )
    assert created["starting_balance"] == "5000.00"
    agent = conforms("get_agent", env.call("get_agent", path={"agent_id": created["agent_id"]}))
    assert agent["api_key_preview"] == created["api_key"][:12] + "..."
    assert agent["risk_profile"] == {"max_position_size_pct": 20}
    listed = conforms("list_agents", env.call("list_agents"))
    assert listed["total"] == 2
    assert [a["id"] for a in listed["agents"]] == [env.default_agent, created["agent_id"]]
    overview = conforms("get_agents_overview", env.call("get_agents_overview"))
    mine = next(a for a in overview["agents"] if a["id"] == created["agent_id"])
    assert (mine["equity"], mine["total_pnl"], mine["total_trades"]) == ("5000.00", "0.00", 0)


def test_seed_004_aliases_name_and_risk_config(env: Env) -> None:
    created = env.create(
        display_name=None, name="Momentum Bot v1", risk_config={"max_open_orders": 20}
    )
    assert created["display_name"] == "Momentum Bot v1"
    risk = conforms(
        "get_agent_risk_profile",
        env.call("get_agent_risk_profile", path={"agent_id": created["agent_id"]}),
    )
    assert risk["max_open_orders"] == 20 and risk["max_position_size_pct"] == 25
    updated = conforms(
        "update_agent",
        env.call(
            "update_agent",
            path={"agent_id": created["agent_id"]},
            body={"name": "v2", "risk_config": {"max_order_size_pct": 25}, "strategy_tags": ["a"]},
        ),
    )
    assert updated["display_name"] == "v2" and updated["strategy_tags"] == ["a"]
    assert updated["risk_profile"] == {"max_open_orders": 20, "max_order_size_pct": 25}


def test_update_risk_profile_echoes_the_limits_in_force(env: Env) -> None:
    limits = {"max_position_size_pct": 10, "daily_loss_limit_pct": 5, "max_open_orders": 5}
    echoed = conforms(
        "update_agent_risk",
        env.call("update_agent_risk", path={"agent_id": env.default_agent}, body=limits),
    )
    assert {k: echoed[k] for k in limits} == limits


def test_archive_then_the_agent_key_is_401(env: Env) -> None:
    created = env.create()
    archived = conforms(
        "archive_agent", env.call("archive_agent", path={"agent_id": created["agent_id"]})
    )
    assert archived["status"] == "archived"
    with pytest.raises(DomainError) as err:
        env.world.accounts.authenticate_key(created["api_key"])
    assert err.value.status == 401
    listed = env.call("list_agents")
    assert created["agent_id"] not in {a["id"] for a in listed["agents"]}
    with_archived = env.call("list_agents", query={"include_archived": True})
    assert created["agent_id"] in {a["id"] for a in with_archived["agents"]}


def test_api_key_and_regenerate(env: Env) -> None:
    created = env.create()
    path = {"agent_id": created["agent_id"]}
    current = conforms("get_agent_api_key", env.call("get_agent_api_key", path=path))
    assert current["api_key"] == created["api_key"]
    fresh = conforms("regenerate_agent_key", env.call("regenerate_agent_key", path=path))
    assert fresh["api_key"] != created["api_key"]
    with pytest.raises(DomainError):
        env.world.accounts.authenticate_key(created["api_key"])
    assert env.call("get_agent_api_key", path=path)["api_key"] == fresh["api_key"]


def test_delete_is_204_and_then_404(env: Env) -> None:
    created = env.create()
    path = {"agent_id": created["agent_id"]}
    reply = env.call("delete_agent", path=path)
    assert isinstance(reply, Reply) and reply.status == 204 and reply.body is None
    with pytest.raises(DomainError) as err:
        env.call("get_agent", path=path)
    assert (err.value.code, err.value.status) == ("AGENT_NOT_FOUND", 404)


def test_clone_and_reset(env: Env) -> None:
    created = env.create(starting_balance="5000")
    path = {"agent_id": created["agent_id"]}
    clone = conforms(
        "clone_agent", env.call("clone_agent", path=path, query={"new_name": "Experiment"})
    )
    assert clone["display_name"] == "Experiment" and clone["starting_balance"] == "5000"
    trading = env.world.trading
    trading.place_order(created["agent_id"], "BTCUSDT", "buy", "market", Decimal("0.01"))
    reset = conforms(
        "reset_agent", env.call("reset_agent", path=path, body={"starting_balance": "7000"})
    )
    assert reset["starting_balance"] == "7000"
    assert trading.balance(created["agent_id"])["total_equity_usdt"] == Decimal("7000")
    assert trading.get_trade_history(created["agent_id"])["total"] == 1
    conforms("reset_agent", env.call("reset_agent", path=path, body=None))  # the body is optional


def test_another_accounts_agent_is_403_on_every_agent_route(env: Env) -> None:
    stranger = env.world.accounts.authenticate_key(env.world.demo["api_key"])
    target = {"agent_id": env.default_agent}
    for operation_id in (
        "get_agent",
        "archive_agent",
        "delete_agent",
        "clone_agent",
        "reset_agent",
        "get_agent_api_key",
        "regenerate_agent_key",
        "get_agent_risk_profile",
        "get_agent_skill",
    ):
        with pytest.raises(DomainError) as err:
            env.call(operation_id, principal=stranger, path=target)
        assert (err.value.code, err.value.status) == ("PERMISSION_DENIED", 403), operation_id
        assert env.world.accounts.agent(env.default_agent) is not None
        # Nothing of the agent leaks into the error.
        assert env.default_agent not in err.value.message and not err.value.details
    listed = env.call("list_agents", principal=stranger)
    assert env.default_agent not in {a["id"] for a in listed["agents"]}


def test_skill_md_names_the_agent_carries_its_key_and_lists_the_api(env: Env) -> None:
    created = env.create(display_name="RSI Scalper")
    reply = env.call("get_agent_skill", path={"agent_id": created["agent_id"]})
    assert isinstance(reply, Reply) and reply.media_type == "text/markdown"
    text = reply.body
    assert text.startswith("# Agent: RSI Scalper\n")
    assert created["api_key"] in text and created["agent_id"] in text
    assert "`POST /api/v1/trade/order` — Place an order." in text
    assert "`GET /api/v1/account/balance`" in text
