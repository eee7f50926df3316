"""The hooks inside the schemathesis process: the run's own agent goes into ``X-Agent-Id``.

docs/decisions.md "Contract tests": an account-key case that leaves the optional
``X-Agent-Id`` out gets the run's own agent (the real platform answers 500 to an account-key
order with no agent); generated ids half become the run's agent, half stay foreign. The
hooks are tested on schemathesis's own objects for the real document; importing the module
registers global hooks, which this module removes again afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from schemathesis.auths import AuthContext
from schemathesis.hooks import GLOBAL_HOOK_DISPATCHER

from agentexchange._specfiles import spec_path
from agentexchange.contract import hooks
from agentexchange.contract.credentials import ENV_AGENT_ID, ENV_PEER_AGENT_ID, Credentials

OWN_AGENT = "11111111-2222-4333-8444-555555555555"
PEER_AGENT = "99999999-8888-4777-8666-555555555555"
FOREIGN = "f0000000-0000-4000-8000-000000000000"
ACCOUNT_KEY = Credentials(api_key="ak_live_account", token="jwt.for.account")
JWT_ONLY = Credentials(api_key=None, token="jwt.for.account")


@pytest.fixture(scope="module", autouse=True)
def _unregister_hooks() -> Iterator[None]:
    yield
    GLOBAL_HOOK_DISPATCHER.unregister(hooks.before_call)
    GLOBAL_HOOK_DISPATCHER.unregister(hooks.after_load_schema)


@pytest.fixture(autouse=True)
def _accounts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_AGENT_ID, OWN_AGENT)
    monkeypatch.setenv(ENV_PEER_AGENT_ID, PEER_AGENT)
    monkeypatch.setattr(hooks, "_SOURCES", {})


@pytest.fixture(scope="module")
def schema() -> Any:
    return schemathesis.openapi.from_path(str(spec_path("openapi.yaml")))


def _authenticated(
    schema: Any, label: str, credentials: Credentials, headers: dict[str, str], account: str
) -> dict[str, str]:
    operation = schema.find_operation_by_label(label)
    case = operation.Case(headers=dict(headers))
    hooks.AccountAuth(account).set(case, credentials, AuthContext(operation=operation, app=None))
    return dict(case.headers)


def test_an_account_key_order_without_x_agent_id_acts_as_the_runs_own_agent(schema: Any) -> None:
    headers = _authenticated(schema, "POST /api/v1/trade/order", ACCOUNT_KEY, {}, hooks.OWNER)
    assert headers == {"X-API-Key": "ak_live_account", "X-Agent-Id": OWN_AGENT}
    # The peer account (object_level_authorization's probes) names its own agent.
    headers = _authenticated(schema, "GET /api/v1/account/balance", ACCOUNT_KEY, {}, hooks.PEER)
    assert headers["X-Agent-Id"] == PEER_AGENT


def test_a_generated_x_agent_id_a_jwt_case_and_an_operation_without_the_header_are_left_alone(
    schema: Any,
) -> None:
    order = "POST /api/v1/trade/order"
    kept = _authenticated(schema, order, ACCOUNT_KEY, {"X-Agent-Id": FOREIGN}, hooks.OWNER)
    assert kept["X-Agent-Id"] == FOREIGN
    assert "X-Agent-Id" not in _authenticated(schema, order, JWT_ONLY, {}, hooks.OWNER)
    assert "X-Agent-Id" not in _authenticated(
        schema, "GET /api/v1/agents", ACCOUNT_KEY, {}, hooks.OWNER
    )


def test_half_the_generated_agent_ids_become_the_runs_own_agent() -> None:
    own = {"X-Agent-Id": "0" + FOREIGN[1:], "Idempotency-Key": "same"}
    hooks.freshen_headers(own, agent_id=OWN_AGENT)
    assert own["X-Agent-Id"] == OWN_AGENT and own["Idempotency-Key"] != "same"
    foreign = {"X-Agent-Id": FOREIGN}
    hooks.freshen_headers(foreign, agent_id=OWN_AGENT)
    assert foreign == {"X-Agent-Id": FOREIGN}
