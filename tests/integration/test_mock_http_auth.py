"""Registration, JWT login and credentials over HTTP against the mock (issue 4): keys
``ak_live_…`` / ``sk_live_…``, a default agent per account, a one-hour HS256 JWT that
works on agent routes and trading routes, and 401 INVALID_API_KEY / INVALID_TOKEN /
404 ACCOUNT_NOT_FOUND / 409 DUPLICATE_ACCOUNT / 422 VALIDATION_ERROR as documented."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from .conftest import Account, Api, assert_error, assert_money, body, dec


def login(api: Api, account: Account) -> dict[str, Any]:
    response = api.post(
        "/api/v1/auth/login", json={"api_key": account.api_key, "api_secret": account.api_secret}
    )
    assert response.status_code == 200, response.text
    return dict(body(response))


# --------------------------------------------------------------------------- register


def test_register_creates_an_account_with_keys_and_a_default_agent(api: Api) -> None:
    response = api.post(
        "/api/v1/auth/register",
        json={"display_name": "Momentum Lab", "starting_balance": "2500.50"},
    )
    assert response.status_code == 201
    data = body(response)
    assert data["api_key"].startswith("ak_live_")
    assert data["api_secret"].startswith("sk_live_")
    assert data["agent_api_key"].startswith("ak_live_")
    assert len({data["api_key"], data["api_secret"], data["agent_api_key"]}) == 3
    assert data["display_name"] == "Momentum Lab"
    assert_money(data, "starting_balance")
    assert dec(data["starting_balance"]) == Decimal("2500.50")
    uuid.UUID(data["account_id"])
    uuid.UUID(data["agent_id"])
    # The default agent trades with that balance.
    balance = body(api.get("/api/v1/account/balance", key=data["agent_api_key"]))
    usdt = next(b for b in balance["balances"] if b["asset"] == "USDT")
    assert dec(usdt["total"]) == Decimal("2500.50")


def test_register_defaults_name_and_balance(api: Api) -> None:
    data = body(api.post("/api/v1/auth/register", json={}))
    assert data["display_name"] == "Agent"
    assert dec(data["starting_balance"]) == Decimal("10000")


def test_register_with_a_known_email_is_409(api: Api) -> None:
    email = f"{uuid.uuid4().hex[:8]}@example.com"
    first = api.post("/api/v1/auth/register", json={"email": email, "password": "correct horse"})
    assert first.status_code == 201
    again = api.post("/api/v1/auth/register", json={"email": email, "password": "battery staple"})
    assert_error(again, 409, "DUPLICATE_ACCOUNT")


def test_register_validation_names_the_field(api: Api) -> None:
    short = api.post("/api/v1/auth/register", json={"password": "short"})
    assert_error(short, 422, "VALIDATION_ERROR", field="password")
    negative = api.post("/api/v1/auth/register", json={"starting_balance": "-5"})
    assert_error(negative, 422, "VALIDATION_ERROR", field="starting_balance")
    numeric = api.post("/api/v1/auth/register", json={"starting_balance": 100})
    assert_error(numeric, 422, "VALIDATION_ERROR", field="starting_balance")


# --------------------------------------------------------------------------- login


def test_login_returns_a_one_hour_jwt(api: Api, account: Account) -> None:
    data = login(api, account)
    assert data["expires_in"] == 3600
    assert data["token_type"] == "Bearer"
    expires_at = datetime.fromisoformat(data["expires_at"].replace("Z", "+00:00"))
    assert expires_at.tzinfo is not None
    header_b64, payload_b64, _ = data["token"].split(".")
    header = json.loads(base64.urlsafe_b64decode(header_b64 + "=" * (-len(header_b64) % 4)))
    payload = json.loads(base64.urlsafe_b64decode(payload_b64 + "=" * (-len(payload_b64) % 4)))
    assert header["alg"] == "HS256"
    assert payload["sub"] == account.account_id
    assert payload["exp"] - payload["iat"] == 3600
    assert payload["exp"] == int(expires_at.timestamp())
    assert account.api_secret not in data["token"]


def test_login_with_a_wrong_secret_is_401(api: Api, account: Account) -> None:
    response = api.post(
        "/api/v1/auth/login", json={"api_key": account.api_key, "api_secret": "sk_live_wrong"}
    )
    assert_error(response, 401, {"INVALID_API_KEY", "INVALID_TOKEN"})


def test_login_with_an_unknown_key_is_401(api: Api) -> None:
    response = api.post(
        "/api/v1/auth/login", json={"api_key": "ak_live_unknown", "api_secret": "sk_live_x"}
    )
    assert_error(response, 401, "INVALID_API_KEY")


def test_login_with_an_agent_key_is_404_account_not_found(api: Api, account: Account) -> None:
    response = api.post(
        "/api/v1/auth/login", json={"api_key": account.agent_key, "api_secret": account.api_secret}
    )
    assert_error(response, 404, "ACCOUNT_NOT_FOUND")


def test_login_without_a_secret_is_422(api: Api, account: Account) -> None:
    response = api.post("/api/v1/auth/login", json={"api_key": account.api_key})
    assert_error(response, 422, "VALIDATION_ERROR", field="api_secret")


# --------------------------------------------------------------------------- using credentials


def test_jwt_works_on_agent_routes(api: Api, account: Account) -> None:
    token = login(api, account)["token"]
    response = api.get(f"/api/v1/agents/{account.agent_id}", token=token)
    assert response.status_code == 200
    assert body(response)["id"] == account.agent_id
    listed = body(api.get("/api/v1/agents", token=token))
    assert account.agent_id in {agent["id"] for agent in listed["agents"]}


def test_jwt_acts_as_the_default_agent_or_the_named_one(api: Api, account: Account) -> None:
    token = login(api, account)["token"]
    other = body(api.post("/api/v1/agents", token=token, json={"display_name": "second"}))
    order = {"symbol": "BTCUSDT", "side": "buy", "type": "market", "quantity": "0.001"}
    placed = api.post("/api/v1/trade/order", token=token, agent_id=other["agent_id"], json=order)
    assert placed.status_code == 201, placed.text
    order_id = body(placed)["order_id"]
    # Visible to the named agent (its own key), not to the default agent (the JWT alone).
    assert api.get(f"/api/v1/trade/order/{order_id}", key=other["api_key"]).status_code == 200
    assert_error(api.get(f"/api/v1/trade/order/{order_id}", token=token), 404, "ORDER_NOT_FOUND")
    info = body(api.get("/api/v1/account/info", token=token))
    assert info["account_id"] == account.account_id


def test_account_key_without_agent_id_acts_as_the_default_agent(api: Api, account: Account) -> None:
    order = {"symbol": "ETHUSDT", "side": "buy", "type": "market", "quantity": "0.01"}
    placed = api.post("/api/v1/trade/order", key=account.api_key, json=order)
    assert placed.status_code == 201, placed.text
    order_id = body(placed)["order_id"]
    seen = api.get(f"/api/v1/trade/order/{order_id}", key=account.agent_key)
    assert seen.status_code == 200


def test_a_tampered_or_garbage_jwt_is_401_invalid_token(api: Api, account: Account) -> None:
    token = login(api, account)["token"]
    head, payload, signature = token.split(".")
    flipped = signature[:-2] + ("AA" if signature[-2:] != "AA" else "BB")
    for bad in (f"{head}.{payload}.{flipped}", "not.a.jwt", "garbage"):
        response = api.get("/api/v1/agents", token=bad)
        assert_error(response, 401, "INVALID_TOKEN")


def test_the_jwt_expires_after_an_hour_of_simulated_time(
    api: Api, account: Account, mock: Any
) -> None:
    token = login(api, account)["token"]
    assert api.get("/api/v1/agents", token=token).status_code == 200
    mock.exchange.tick(3601)
    assert_error(api.get("/api/v1/agents", token=token), 401, "INVALID_TOKEN")
    # A new login works again.
    assert api.get("/api/v1/agents", token=login(api, account)["token"]).status_code == 200


def test_missing_or_unknown_key_is_401_invalid_api_key(api: Api) -> None:
    assert_error(api.get("/api/v1/account/balance"), 401, "INVALID_API_KEY")
    assert_error(
        api.get("/api/v1/account/balance", key="ak_live_" + "x" * 64), 401, "INVALID_API_KEY"
    )
    assert_error(api.get("/api/v1/agents"), 401, "INVALID_API_KEY")
