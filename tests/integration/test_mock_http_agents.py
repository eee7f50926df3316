"""Agent management and isolation over HTTP against the mock (issue 4): create / list /
overview / get / update / clone (fresh wallet) / reset (balance back, history kept) /
archive (key answers 401) / api-key / regenerate (old key 401, new works) / risk
profile (effective on the next order) / skill.md / delete (404 after); another
account's agent is 403 PERMISSION_DENIED on every agent route and leaks nothing; one
agent's orders and trades are invisible to every other agent."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from .conftest import (
    Account,
    Api,
    assert_error,
    assert_money,
    body,
    dec,
    random_id,
)

AGENT_ROUTES: list[tuple[str, str, dict[str, Any] | None]] = [
    ("GET", "", None),
    ("PUT", "", {"display_name": "stolen"}),
    ("DELETE", "", None),
    ("POST", "/clone", None),
    ("POST", "/reset", None),
    ("POST", "/archive", None),
    ("GET", "/api-key", None),
    ("POST", "/regenerate-key", None),
    ("GET", "/risk-profile", None),
    (
        "PUT",
        "/risk-profile",
        {"max_position_size_pct": 10, "daily_loss_limit_pct": 5, "max_open_orders": 5},
    ),
    ("GET", "/skill.md", None),
]


def create_agent(api: Api, account: Account, **fields: Any) -> Any:
    payload = {"display_name": "RSI Scalper", "starting_balance": "5000.00", **fields}
    response = api.post("/api/v1/agents", key=account.api_key, json=payload)
    assert response.status_code == 201, response.text
    return body(response)


def cash(api: Api, key: str) -> Decimal:
    balances = body(api.get("/api/v1/account/balance", key=key))["balances"]
    return dec(next(b for b in balances if b["asset"] == "USDT")["total"])


def buy(api: Api, key: str, symbol: str = "ETHUSDT", quantity: str = "0.05") -> Any:
    response = api.post(
        "/api/v1/trade/order",
        key=key,
        json={"symbol": symbol, "side": "buy", "type": "market", "quantity": quantity},
    )
    assert response.status_code == 201, response.text
    return body(response)


# --------------------------------------------------------------------------- create / read


def test_create_agent_returns_its_key_and_a_wallet(api: Api, account: Account) -> None:
    created = create_agent(
        api,
        account,
        llm_model="claude-sonnet-4-6",
        framework="custom",
        strategy_tags=["rsi"],
        risk_profile={
            "max_position_size_pct": 20,
            "daily_loss_limit_pct": 10,
            "max_open_orders": 10,
        },
        color="#12AB34",
    )
    assert created["api_key"].startswith("ak_live_")
    assert created["display_name"] == "RSI Scalper"
    assert_money(created, "starting_balance")
    assert dec(created["starting_balance"]) == Decimal("5000")
    assert cash(api, created["api_key"]) == Decimal("5000")
    agent = body(api.get(f"/api/v1/agents/{created['agent_id']}", key=account.api_key))
    assert agent["id"] == created["agent_id"] and agent["account_id"] == account.account_id
    assert agent["api_key_preview"] == created["api_key"][:12] + "..."
    assert agent["status"] == "active"
    assert agent["llm_model"] == "claude-sonnet-4-6" and agent["framework"] == "custom"
    assert agent["strategy_tags"] == ["rsi"] and agent["color"] == "#12AB34"
    assert agent["risk_profile"]["max_open_orders"] == 10
    assert_money(agent, "starting_balance")


def test_create_agent_accepts_the_name_alias(api: Api, account: Account) -> None:
    response = api.post("/api/v1/agents", key=account.api_key, json={"name": "Alias Bot"})
    assert response.status_code == 201
    created = body(response)
    assert created["display_name"] == "Alias Bot"
    assert dec(created["starting_balance"]) == Decimal("10000")


def test_create_agent_validation_names_the_field(api: Api, account: Account) -> None:
    assert_error(
        api.post("/api/v1/agents", key=account.api_key, json={"display_name": ""}),
        422,
        "VALIDATION_ERROR",
        field="display_name",
    )
    assert_error(
        api.post("/api/v1/agents", key=account.api_key, json={"display_name": "x", "color": "red"}),
        422,
        "VALIDATION_ERROR",
        field="color",
    )
    assert_error(
        api.post(
            "/api/v1/agents",
            key=account.api_key,
            json={"display_name": "x", "starting_balance": "-1"},
        ),
        422,
        "VALIDATION_ERROR",
        field="starting_balance",
    )
    assert_error(api.post("/api/v1/agents", json={"display_name": "x"}), 401, "INVALID_API_KEY")


def test_list_and_overview(api: Api, account: Account) -> None:
    created = create_agent(api, account)
    buy(api, created["api_key"])
    listed = body(api.get("/api/v1/agents", key=account.api_key))
    ids = [a["id"] for a in listed["agents"]]
    assert ids == [account.agent_id, created["agent_id"]], "oldest first"
    assert listed["total"] == 2
    paged = body(api.get("/api/v1/agents", key=account.api_key, params={"limit": 1, "offset": 1}))
    assert [a["id"] for a in paged["agents"]] == [created["agent_id"]]
    for agent in listed["agents"]:
        assert "api_key" not in agent
    overview = body(api.get("/api/v1/agents/overview", key=account.api_key))
    rows = {a["id"]: a for a in overview["agents"]}
    assert set(rows) == {account.agent_id, created["agent_id"]}
    row = rows[created["agent_id"]]
    assert_money(row, "equity", "total_pnl")
    assert row["total_trades"] == 1
    assert rows[account.agent_id]["total_trades"] == 0
    assert dec(rows[account.agent_id]["equity"]) == account.starting_balance
    assert_error(
        api.get("/api/v1/agents", key=account.api_key, params={"limit": 501}),
        422,
        "VALIDATION_ERROR",
        field="limit",
    )
    assert_error(api.get("/api/v1/agents/overview"), 401, "INVALID_API_KEY")


def test_unknown_agent_ids_are_404_on_every_route(api: Api, account: Account) -> None:
    missing = random_id()
    for method, suffix, payload in AGENT_ROUTES:
        response = api.request(
            method, f"/api/v1/agents/{missing}{suffix}", key=account.api_key, json=payload
        )
        assert_error(response, 404, "AGENT_NOT_FOUND")


def test_malformed_agent_id_is_422(api: Api, account: Account) -> None:
    response = api.get("/api/v1/agents/agent-1", key=account.api_key)
    assert_error(response, 422, "VALIDATION_ERROR", field="agent_id")


# --------------------------------------------------------------------------- update / risk


def test_update_agent_changes_only_the_given_fields(api: Api, account: Account) -> None:
    created = create_agent(api, account, llm_model="gpt", strategy_tags=["a"])
    path = f"/api/v1/agents/{created['agent_id']}"
    response = api.put(
        path, key=account.api_key, json={"display_name": "Renamed", "strategy_tags": ["b", "c"]}
    )
    assert response.status_code == 200
    agent = body(response)
    assert agent["display_name"] == "Renamed" and agent["strategy_tags"] == ["b", "c"]
    assert agent["llm_model"] == "gpt"
    assert body(api.get(path, key=account.api_key))["display_name"] == "Renamed"
    assert_error(
        api.put(path, key=account.api_key, json={"color": "blue"}),
        422,
        "VALIDATION_ERROR",
        field="color",
    )


def test_risk_profile_read_update_and_enforced(api: Api, mock: Any, account: Account) -> None:
    path = f"/api/v1/agents/{account.agent_id}/risk-profile"
    defaults = body(api.get(path, key=account.api_key))
    assert defaults["max_position_size_pct"] == 25
    assert defaults["daily_loss_limit_pct"] == 20
    assert defaults["max_open_orders"] == 50
    limits = {"max_position_size_pct": 30, "daily_loss_limit_pct": 10, "max_open_orders": 1}
    response = api.put(path, key=account.api_key, json=limits)
    assert response.status_code == 200
    assert {k: body(response)[k] for k in limits} == limits
    assert {k: body(api.get(path, key=account.api_key))[k] for k in limits} == limits
    assert_error(
        api.put(path, key=account.api_key, json={"max_open_orders": 5}),
        422,
        "VALIDATION_ERROR",
        field="max_position_size_pct",
    )
    assert_error(
        api.put(path, key=account.api_key, json={**limits, "max_open_orders": 0}),
        422,
        "VALIDATION_ERROR",
        field="max_open_orders",
    )

    # Effective on the next order: the second pending order breaks max_open_orders = 1.
    price = Decimal(mock.exchange.market.price("BTCUSDT"))
    pending = {
        "symbol": "BTCUSDT",
        "side": "buy",
        "type": "limit",
        "quantity": "0.001",
        "price": str((price / 2).quantize(Decimal("0.01"))),
    }
    assert api.post("/api/v1/trade/order", key=account.agent_key, json=pending).status_code == 201
    second = api.post("/api/v1/trade/order", key=account.agent_key, json=pending)
    error = assert_error(second, 400, {"ORDER_REJECTED", "RISK_LIMIT_EXCEEDED"})
    details = error["details"]
    if error["code"] == "ORDER_REJECTED":
        assert str(details["reason"]).startswith("max_open_orders_exceeded"), error
    else:
        assert details["limit_type"] == "max_open_orders", error


# --------------------------------------------------------------------------- keys


def test_get_api_key_and_regenerate(api: Api, account: Account) -> None:
    created = create_agent(api, account)
    agent_id, old_key = created["agent_id"], created["api_key"]
    fetched = body(api.get(f"/api/v1/agents/{agent_id}/api-key", key=account.api_key))
    assert fetched == {**fetched, "agent_id": agent_id, "api_key": old_key}
    response = api.post(f"/api/v1/agents/{agent_id}/regenerate-key", key=account.api_key)
    assert response.status_code == 200
    new_key = body(response)["api_key"]
    assert new_key != old_key and new_key.startswith("ak_live_")
    assert_error(api.get("/api/v1/account/balance", key=old_key), 401, "INVALID_API_KEY")
    assert api.get("/api/v1/account/balance", key=new_key).status_code == 200
    assert (
        body(api.get(f"/api/v1/agents/{agent_id}/api-key", key=account.api_key))["api_key"]
        == new_key
    )
    preview = body(api.get(f"/api/v1/agents/{agent_id}", key=account.api_key))["api_key_preview"]
    assert preview == new_key[:12] + "..."


def test_skill_md_is_markdown_for_that_agent(api: Api, account: Account) -> None:
    created = create_agent(api, account, display_name="Skill Bot")
    response = api.get(f"/api/v1/agents/{created['agent_id']}/skill.md", key=account.api_key)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/markdown")
    text = response.text
    assert text.startswith("# Agent: Skill Bot")
    assert created["api_key"] in text
    assert created["agent_id"] in text


# --------------------------------------------------------------------------- lifecycle


def test_archive_disables_the_key_and_hides_the_agent(api: Api, account: Account) -> None:
    created = create_agent(api, account)
    agent_id, key = created["agent_id"], created["api_key"]
    assert api.get("/api/v1/account/balance", key=key).status_code == 200
    response = api.post(f"/api/v1/agents/{agent_id}/archive", key=account.api_key)
    assert response.status_code == 200
    assert body(response)["status"] == "archived"
    assert_error(api.get("/api/v1/account/balance", key=key), 401, "INVALID_API_KEY")
    assert_error(
        api.post(
            "/api/v1/trade/order",
            key=key,
            json={"symbol": "BTCUSDT", "side": "buy", "type": "market", "quantity": "0.001"},
        ),
        401,
        "INVALID_API_KEY",
    )
    active = [a["id"] for a in body(api.get("/api/v1/agents", key=account.api_key))["agents"]]
    assert agent_id not in active
    everything = body(
        api.get("/api/v1/agents", key=account.api_key, params={"include_archived": "true"})
    )
    assert agent_id in [a["id"] for a in everything["agents"]]
    overview = body(api.get("/api/v1/agents/overview", key=account.api_key))
    assert agent_id not in [a["id"] for a in overview["agents"]]
    # Data is kept: the agent is still readable.
    assert body(api.get(f"/api/v1/agents/{agent_id}", key=account.api_key))["status"] == "archived"


def test_delete_removes_the_agent(api: Api, account: Account) -> None:
    created = create_agent(api, account)
    agent_id, key = created["agent_id"], created["api_key"]
    buy(api, key)
    response = api.delete(f"/api/v1/agents/{agent_id}", key=account.api_key)
    assert response.status_code == 204
    assert response.content == b""
    assert_error(api.get(f"/api/v1/agents/{agent_id}", key=account.api_key), 404, "AGENT_NOT_FOUND")
    assert_error(
        api.delete(f"/api/v1/agents/{agent_id}", key=account.api_key), 404, "AGENT_NOT_FOUND"
    )
    assert_error(api.get("/api/v1/account/balance", key=key), 401, "INVALID_API_KEY")
    listed = [
        a["id"]
        for a in body(
            api.get("/api/v1/agents", key=account.api_key, params={"include_archived": "true"})
        )["agents"]
    ]
    assert agent_id not in listed


def test_clone_copies_config_with_a_fresh_wallet(api: Api, account: Account) -> None:
    source = create_agent(
        api,
        account,
        display_name="Original",
        strategy_tags=["momentum"],
        llm_model="m1",
        risk_profile={
            "max_position_size_pct": 15,
            "daily_loss_limit_pct": 10,
            "max_open_orders": 7,
        },
    )
    buy(api, source["api_key"])
    assert cash(api, source["api_key"]) < Decimal("5000")
    response = api.post(
        f"/api/v1/agents/{source['agent_id']}/clone",
        key=account.api_key,
        params={"new_name": "Experiment"},
    )
    assert response.status_code == 201
    clone = body(response)
    assert clone["agent_id"] != source["agent_id"] and clone["api_key"] != source["api_key"]
    assert clone["display_name"] == "Experiment"
    assert dec(clone["starting_balance"]) == Decimal("5000")
    assert cash(api, clone["api_key"]) == Decimal("5000"), "a fresh wallet"
    assert body(api.get("/api/v1/account/positions", key=clone["api_key"]))["positions"] == []
    assert body(api.get("/api/v1/trade/history", key=clone["api_key"]))["total"] == 0
    copied = body(api.get(f"/api/v1/agents/{clone['agent_id']}", key=account.api_key))
    assert copied["strategy_tags"] == ["momentum"] and copied["llm_model"] == "m1"
    assert copied["risk_profile"]["max_open_orders"] == 7
    default_name = body(api.post(f"/api/v1/agents/{source['agent_id']}/clone", key=account.api_key))
    assert default_name["display_name"] == "Original (copy)"
    assert_error(
        api.post(
            f"/api/v1/agents/{source['agent_id']}/clone",
            key=account.api_key,
            params={"new_name": ""},
        ),
        422,
        "VALIDATION_ERROR",
        field="new_name",
    )


def test_reset_agent_restores_the_balance_and_keeps_history(api: Api, account: Account) -> None:
    source = create_agent(api, account)
    agent_id, key = source["agent_id"], source["api_key"]
    buy(api, key)
    buy(api, key, "BTCUSDT", "0.001")
    response = api.post(f"/api/v1/agents/{agent_id}/reset", key=account.api_key)
    assert response.status_code == 200
    assert body(response)["id"] == agent_id
    assert cash(api, key) == Decimal("5000")
    assert body(api.get("/api/v1/account/positions", key=key))["positions"] == []
    assert body(api.get("/api/v1/trade/history", key=key))["total"] == 2, "history is kept"
    with_balance = api.post(
        f"/api/v1/agents/{agent_id}/reset", key=account.api_key, json={"starting_balance": "1234.5"}
    )
    assert with_balance.status_code == 200
    assert cash(api, key) == Decimal("1234.5")
    assert_error(
        api.post(
            f"/api/v1/agents/{agent_id}/reset",
            key=account.api_key,
            json={"starting_balance": "lots"},
        ),
        422,
        "VALIDATION_ERROR",
        field="starting_balance",
    )


# --------------------------------------------------------------------------- isolation


@pytest.mark.parametrize(("method", "suffix", "payload"), AGENT_ROUTES)
def test_another_accounts_agent_is_403_and_leaks_nothing(
    api: Api, new_account: Any, method: str, suffix: str, payload: dict[str, Any] | None
) -> None:
    alice, mallory = new_account(), new_account()
    target = f"/api/v1/agents/{alice.agent_id}{suffix}"
    response = api.request(method, target, key=mallory.api_key, json=payload)
    error = assert_error(response, 403, "PERMISSION_DENIED")
    assert alice.agent_key not in response.text and alice.display_name not in response.text, error
    # Nothing changed for alice.
    agent = body(api.get(f"/api/v1/agents/{alice.agent_id}", key=alice.api_key))
    assert agent["status"] == "active" and agent["display_name"] != "stolen"
    assert api.get("/api/v1/account/balance", key=alice.agent_key).status_code == 200


def test_jwt_of_another_account_is_403_on_agent_routes(api: Api, new_account: Any) -> None:
    alice, mallory = new_account(), new_account()
    token = body(
        api.post(
            "/api/v1/auth/login",
            json={"api_key": mallory.api_key, "api_secret": mallory.api_secret},
        )
    )["token"]
    assert_error(api.get(f"/api/v1/agents/{alice.agent_id}", token=token), 403, "PERMISSION_DENIED")
    mine = body(api.get("/api/v1/agents", token=token))["agents"]
    assert [a["id"] for a in mine] == [mallory.agent_id]


def test_trades_of_one_account_are_invisible_to_another(api: Api, new_account: Any) -> None:
    alice, bob = new_account(), new_account()
    order = buy(api, bob.agent_key)
    for key in (alice.agent_key, alice.api_key):
        assert body(api.get("/api/v1/trade/orders", key=key))["total"] == 0
        assert body(api.get("/api/v1/trade/history", key=key))["total"] == 0
        assert body(api.get("/api/v1/account/positions", key=key))["positions"] == []
        assert_error(
            api.get(f"/api/v1/trade/order/{order['order_id']}", key=key), 404, "ORDER_NOT_FOUND"
        )
        assert_error(
            api.delete(f"/api/v1/trade/order/{order['order_id']}", key=key), 404, "ORDER_NOT_FOUND"
        )
    assert cash(api, alice.agent_key) == alice.starting_balance
    # Acting as bob's agent through alice's account key is refused.
    denied = api.get("/api/v1/trade/orders", key=alice.api_key, agent_id=bob.agent_id)
    assert_error(denied, 403, "PERMISSION_DENIED")
    placing = api.post(
        "/api/v1/trade/order",
        key=alice.api_key,
        agent_id=bob.agent_id,
        json={"symbol": "BTCUSDT", "side": "buy", "type": "market", "quantity": "0.001"},
    )
    assert_error(placing, 403, "PERMISSION_DENIED")
    assert body(api.get("/api/v1/trade/history", key=bob.agent_key))["total"] == 1


def test_agents_of_one_account_have_separate_wallets(api: Api, account: Account) -> None:
    second = create_agent(api, account)
    order = buy(api, second["api_key"])
    assert cash(api, account.agent_key) == account.starting_balance
    assert body(api.get("/api/v1/trade/history", key=account.agent_key))["total"] == 0
    assert_error(
        api.get(f"/api/v1/trade/order/{order['order_id']}", key=account.agent_key),
        404,
        "ORDER_NOT_FOUND",
    )
    via_header = api.get(
        f"/api/v1/trade/order/{order['order_id']}", key=account.api_key, agent_id=second["agent_id"]
    )
    assert via_header.status_code == 200


def test_one_agent_key_cannot_manage_another_agent_of_the_same_account(
    api: Api, account: Account
) -> None:
    """Issue 4: agent routes need a JWT or the account's key."""
    second = create_agent(api, account)
    response = api.post(f"/api/v1/agents/{account.agent_id}/regenerate-key", key=second["api_key"])
    assert response.status_code in (401, 403), response.text
    assert_error(response, response.status_code, {"INVALID_API_KEY", "PERMISSION_DENIED"})
    assert api.get("/api/v1/account/balance", key=account.agent_key).status_code == 200, (
        "key unchanged"
    )
