"""The hooks inside the schemathesis process: the run's own agent goes into ``X-Agent-Id``.

docs/decisions.md "Contract tests": an account-key case that leaves the optional
``X-Agent-Id`` out gets the run's own agent (the real platform answers 500 to an account-key
order with no agent); generated ids half become the run's agent, half stay foreign. Half the
``cancel_order`` cases cancel a pending limit buy the hooks placed for the run (one request
each), the rest stay as generated, and a refused or failed order never fails the run. The
hooks are tested on schemathesis's own objects for the real document; importing the module
registers global hooks, which this module removes again afterwards.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from schemathesis.auths import AuthContext
from schemathesis.hooks import GLOBAL_HOOK_DISPATCHER

from agentexchange._specfiles import spec_path
from agentexchange.contract import hooks
from agentexchange.contract.credentials import (
    ENV_AGENT_ID,
    ENV_PEER_AGENT_ID,
    Credentials,
    CredentialSource,
)
from agentexchange.contract.pending import PendingOrders

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
    stateful = {"X-Agent-Id": FOREIGN}
    hooks.freshen_headers(stateful, agent_id=OWN_AGENT, every=True)
    assert stateful == {"X-Agent-Id": OWN_AGENT}


def test_half_the_generated_body_agent_ids_become_the_runs_own_agent() -> None:
    own = {"agent_id": "3" + FOREIGN[1:], "pairs": ["BTCUSDT"]}
    hooks.freshen_body(own, agent_id=OWN_AGENT)
    assert own == {"agent_id": OWN_AGENT, "pairs": ["BTCUSDT"]}
    foreign = {"agent_id": FOREIGN}
    hooks.freshen_body(foreign, agent_id=OWN_AGENT)
    assert foreign == {"agent_id": FOREIGN}
    absent: dict[str, object] = {"agent_id": None}
    hooks.freshen_body(absent, agent_id=OWN_AGENT)
    assert absent == {"agent_id": None}
    hooks.freshen_body(["0" + FOREIGN[1:]], agent_id=OWN_AGENT)  # not an object: left alone


@pytest.mark.parametrize(
    "label", ["POST /api/v1/agents/{agent_id}/archive", "DELETE /api/v1/agents/{agent_id}"]
)
def test_the_runs_own_agents_are_never_archived_or_deleted(schema: Any, label: str) -> None:
    operation = schema.find_operation_by_label(label)
    for own in (OWN_AGENT, PEER_AGENT):
        case = operation.Case(path_parameters={"agent_id": own})
        hooks.protect_agents(case)
        assert case.path_parameters["agent_id"] not in (OWN_AGENT, PEER_AGENT)
    created = operation.Case(path_parameters={"agent_id": FOREIGN})
    hooks.protect_agents(created)
    assert created.path_parameters == {"agent_id": FOREIGN}


def test_other_agent_operations_keep_the_runs_own_agent(schema: Any) -> None:
    case = schema.find_operation_by_label("POST /api/v1/agents/{agent_id}/reset").Case(
        path_parameters={"agent_id": OWN_AGENT}
    )
    hooks.protect_agents(case)
    assert case.path_parameters == {"agent_id": OWN_AGENT}


# -- cancel_order: half the cases cancel a pending order of the run's own -----------------

BASE = "http://contract.test"
ORDER_IDS = [f"{i:08x}-0000-4000-8000-000000000000" for i in range(40)]
KEPT = next(i for i in ORDER_IDS if not hooks.takes_pending_order(i))
TAKEN = [i for i in ORDER_IDS if hooks.takes_pending_order(i)]
CANCEL = "DELETE /api/v1/trade/order/{order_id}"


class FakeServer:
    """get_pairs, get_price and place_order as the document has them; records every request."""

    def __init__(self, order_status: int = 201) -> None:
        self.requests: list[httpx.Request] = []
        self.order_status = order_status
        self.placed = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path = request.url.path
        if path == "/api/v1/market/pairs":
            pairs = [
                {"symbol": "DEADUSDT", "status": "inactive", "has_price": False},
                {
                    "symbol": "BTCUSDT",
                    "status": "active",
                    "has_price": True,
                    "min_qty": "0.00001",
                    "step_size": "0.00001",
                    "min_notional": "1.00",
                },
            ]
            return httpx.Response(200, json={"pairs": pairs, "total": 2})
        if path == "/api/v1/market/price/BTCUSDT":
            return httpx.Response(200, json={"symbol": "BTCUSDT", "price": "64521.30"})
        if path == "/api/v1/trade/order" and request.method == "POST":
            if self.order_status != 201:
                return httpx.Response(self.order_status, json={"error": {"code": "RISK"}})
            self.placed += 1
            return httpx.Response(
                201,
                json={
                    "order_id": f"aaaaaaaa-0000-4000-8000-{self.placed:012d}",
                    "status": "pending",
                },
            )
        return httpx.Response(404)


def _cancel_case(schema: Any, order_id: str, agent: str | None = OWN_AGENT) -> Any:
    headers = {"X-API-Key": ACCOUNT_KEY.api_key or ""}
    if agent is not None:
        headers["X-Agent-Id"] = agent
    operation = schema.find_operation_by_label(CANCEL)
    return operation.Case(path_parameters={"order_id": order_id}, headers=headers)


@pytest.fixture
def server(schema: Any, monkeypatch: pytest.MonkeyPatch) -> FakeServer:
    fake = FakeServer()
    raw = schema.raw_schema
    client = httpx.Client(transport=httpx.MockTransport(fake))
    source = CredentialSource(BASE, raw, api_key=ACCOUNT_KEY.api_key, agent_id=OWN_AGENT)
    monkeypatch.setattr(hooks, "_SOURCES", {hooks.OWNER: source})
    monkeypatch.setattr(hooks, "_PENDING", {hooks.OWNER: PendingOrders(BASE, raw, client=client)})
    monkeypatch.setattr(hooks, "_PREPARED", set())
    return fake


def test_half_the_cancel_cases_cancel_a_pending_limit_buy_of_the_runs_own(
    schema: Any, server: FakeServer
) -> None:
    first, second = _cancel_case(schema, TAKEN[0]), _cancel_case(schema, TAKEN[1])
    hooks.prepare_cancel(first)
    hooks.prepare_cancel(second)
    assert first.path_parameters == {"order_id": "aaaaaaaa-0000-4000-8000-000000000001"}
    assert second.path_parameters == {"order_id": "aaaaaaaa-0000-4000-8000-000000000002"}
    # The pair and its price are read once; then one request per prepared case.
    assert [(r.method, r.url.path) for r in server.requests] == [
        ("GET", "/api/v1/market/pairs"),
        ("GET", "/api/v1/market/price/BTCUSDT"),
        ("POST", "/api/v1/trade/order"),
        ("POST", "/api/v1/trade/order"),
    ]
    order = server.requests[2]
    assert order.headers["X-API-Key"] == ACCOUNT_KEY.api_key
    assert order.headers["X-Agent-Id"] == OWN_AGENT
    assert order.headers["Idempotency-Key"] != server.requests[3].headers["Idempotency-Key"]
    # A buy far below the market (half the price), worth twice the pair's min_notional.
    assert json.loads(order.content) == {
        "symbol": "BTCUSDT",
        "side": "buy",
        "type": "limit",
        "quantity": "0.00007",  # 2.00 / 32260.65, up to the step
        "price": "32260.65",
    }

    # Replayed (a check re-sending the case), a prepared case is not prepared again.
    hooks.prepare_cancel(first)
    assert len(server.requests) == 4


def test_the_other_cancel_cases_stay_as_generated_and_a_refused_order_changes_nothing(
    schema: Any, server: FakeServer
) -> None:
    kept = _cancel_case(schema, KEPT)
    hooks.prepare_cancel(kept)
    # Another agent's cancel is refused anyway: no order is spent on it.
    foreign = _cancel_case(schema, TAKEN[0], agent=FOREIGN)
    hooks.prepare_cancel(foreign)
    assert server.requests == []
    assert kept.path_parameters == {"order_id": KEPT}
    assert foreign.path_parameters == {"order_id": TAKEN[0]}

    server.order_status = 400  # e.g. RISK_LIMIT_EXCEEDED: the run goes on, the case unchanged
    refused = _cancel_case(schema, TAKEN[0])
    hooks.prepare_cancel(refused)
    assert refused.path_parameters == {"order_id": TAKEN[0]}
    assert server.requests[-1].url.path == "/api/v1/trade/order"


def test_an_unreachable_server_leaves_the_cancel_case_as_generated(
    schema: Any, monkeypatch: pytest.MonkeyPatch, server: FakeServer
) -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    client = httpx.Client(transport=httpx.MockTransport(down))
    pending = PendingOrders(BASE, schema.raw_schema, client=client)
    monkeypatch.setattr(hooks, "_PENDING", {hooks.OWNER: pending})
    case = _cancel_case(schema, TAKEN[0])
    hooks.prepare_cancel(case)
    assert case.path_parameters == {"order_id": TAKEN[0]}
