"""Webhook subscriptions over HTTP against the mock with the platform's URL rule (issue 14):
create (the secret once), list, get, update, delete, test — and their errors.

Expected answers are the platform's recorded ones (tests/data/platform/webhooks_wire.json):
201 with ``secret`` and without ``failure_count`` / ``updated_at`` on create, ``{webhooks,
total}`` without secrets, 204 on delete, 422 for an http URL, an IP address, localhost, an
unknown event or no event. Where the platform answers its own shapes (``{"detail": ...}``)
the mock answers the envelope the document states (docs/platform.md). Subscribers here are
documentation names (``hooks.example.com``): the mock never resolves or calls them, so
nothing leaves the machine; deliveries are tested in ``test_webhook_delivery.py``.
"""

from __future__ import annotations

from typing import Any

from .conftest import Account, Api, assert_error, body, random_id

URL = "https://hooks.example.com/agentexchange"
EVENTS = ["backtest.completed", "strategy.deployed", "strategy.test.completed"]


def create(api: Api, account: Account, **overrides: Any) -> Any:
    payload = {"url": URL, "events": EVENTS, "description": "wire recorder sink", **overrides}
    response = api.post("/api/v1/webhooks", key=account.api_key, json=payload)
    assert response.status_code == 201, response.text
    return body(response)


def test_create_answers_the_secret_once(api: Api, account: Account) -> None:
    created = create(api, account)
    assert set(created) == {"id", "url", "events", "description", "active", "secret", "created_at"}
    assert (created["url"], created["events"], created["active"]) == (URL, EVENTS, True)
    assert len(created["secret"]) == 43 and not created["secret"].startswith("whsec_")
    for read in (
        body(api.get(f"/api/v1/webhooks/{created['id']}", key=account.api_key)),
        body(api.get("/api/v1/webhooks", key=account.api_key))["webhooks"][0],
    ):
        assert "secret" not in read and created["secret"] not in str(read)
        assert (read["failure_count"], read["last_triggered_at"]) == (0, None)


def test_list_is_the_accounts_newest_first_and_any_key_or_jwt_reads_it(
    api: Api, account: Account, new_account: Any
) -> None:
    first = create(api, account)
    second = create(api, account, events=["battle.completed"], description="second")
    listed = body(api.get("/api/v1/webhooks", key=account.api_key))
    assert [w["id"] for w in listed["webhooks"]] == [second["id"], first["id"]]
    assert listed["total"] == 2
    token = body(
        api.post(
            "/api/v1/auth/login",
            json={"api_key": account.api_key, "api_secret": account.api_secret},
        )
    )["token"]
    assert body(api.get("/api/v1/webhooks", token=token))["total"] == 2
    assert (
        body(api.get(f"/api/v1/webhooks/{first['id']}", key=account.agent_key))["id"] == first["id"]
    )
    assert body(api.get("/api/v1/webhooks", key=new_account().api_key)) == {
        "webhooks": [],
        "total": 0,
    }


def test_update_pause_and_delete(api: Api, account: Account) -> None:
    hook = create(api, account)
    path = f"/api/v1/webhooks/{hook['id']}"
    updated = body(
        api.put(
            path,
            key=account.api_key,
            json={
                "description": "wire recorder sink (updated)",
                "events": ["backtest.completed", "strategy.deployed"],
            },
        )
    )
    assert updated["description"] == "wire recorder sink (updated)"
    assert (
        updated["events"] == ["backtest.completed", "strategy.deployed"] and updated["url"] == URL
    )
    paused = body(api.put(path, key=account.api_key, json={"active": False}))
    assert paused["active"] is False and paused["description"] == "wire recorder sink (updated)"
    moved = body(
        api.put(
            path, key=account.api_key, json={"url": "https://hooks.example.org/v2", "active": True}
        )
    )
    assert (moved["url"], moved["active"]) == ("https://hooks.example.org/v2", True)
    deleted = api.delete(path, key=account.api_key)
    assert (deleted.status_code, deleted.content) == (204, b"")
    assert_error(api.delete(path, key=account.api_key), 404, "WEBHOOK_NOT_FOUND")
    assert_error(api.get(path, key=account.api_key), 404, "WEBHOOK_NOT_FOUND")


def test_the_test_route_queues_one_delivery(api: Api, mock: Any, account: Account) -> None:
    hook = create(api, account)
    api.put(f"/api/v1/webhooks/{hook['id']}", key=account.api_key, json={"active": False})
    response = api.post(f"/api/v1/webhooks/{hook['id']}/test", key=account.api_key)
    assert body(response) == {"enqueued": 1, "webhook_id": hook["id"]}


def test_the_platforms_url_rule(api: Api, account: Account) -> None:
    for url, says in (
        ("http://wire-sink.test:8443/hook", "must use the https scheme; got 'http'"),
        ("http://127.0.0.1:9000/hook", "https scheme"),
        ("https://127.0.0.1:8443/hook", "not a bare IP address: '127.0.0.1'"),
        ("https://10.0.0.5/x", "not a bare IP address"),
        ("https://localhost:8443/hook", "resolves to a blocked IP address (127.0.0.1)"),
    ):
        response = api.post(
            "/api/v1/webhooks", key=account.api_key, json={"url": url, "events": EVENTS}
        )
        error = assert_error(response, 422, "VALIDATION_ERROR", field="url")
        assert says in error["message"], error
    hook = create(api, account)
    assert_error(
        api.put(
            f"/api/v1/webhooks/{hook['id']}",
            key=account.api_key,
            json={"url": "https://10.0.0.5/x"},
        ),
        422,
        "VALIDATION_ERROR",
        field="url",
    )


def test_event_and_body_errors(api: Api, account: Account) -> None:
    for events, field in ((["order.filled"], "events.0"), ([], "events")):
        response = api.post(
            "/api/v1/webhooks", key=account.api_key, json={"url": URL, "events": events}
        )
        assert_error(response, 422, "VALIDATION_ERROR", field=field)
    assert_error(
        api.post(
            "/api/v1/webhooks",
            key=account.api_key,
            json={"url": URL, "events": EVENTS, "description": "x" * 256},
        ),
        422,
        "VALIDATION_ERROR",
        field="description",
    )
    assert_error(
        api.post(
            "/api/v1/webhooks",
            key=account.api_key,
            content=b"{",
            headers={"Content-Type": "application/json"},
        ),
        400,
        "INVALID_JSON",
    )
    assert_error(
        api.post(
            "/api/v1/webhooks",
            key=account.api_key,
            content=b"x",
            headers={"Content-Type": "text/plain"},
        ),
        415,
        "UNSUPPORTED_MEDIA_TYPE",
    )
    hook = create(api, account)
    assert_error(
        api.put(
            f"/api/v1/webhooks/{hook['id']}",
            key=account.api_key,
            content=b"[",
            headers={"Content-Type": "application/json"},
        ),
        400,
        "INVALID_JSON",
    )
    assert_error(
        api.put(
            f"/api/v1/webhooks/{hook['id']}",
            key=account.api_key,
            content=b"x",
            headers={"Content-Type": "text/plain"},
        ),
        415,
        "UNSUPPORTED_MEDIA_TYPE",
    )


def test_at_most_25_per_account(api: Api, new_account: Any) -> None:
    account = new_account()
    for _ in range(25):
        create(api, account)
    error = assert_error(
        api.post("/api/v1/webhooks", key=account.api_key, json={"url": URL, "events": EVENTS}),
        422,
        "VALIDATION_ERROR",
        field="url",
    )
    assert error["details"]["limit"] == 25


def test_unknown_foreign_and_malformed_ids(api: Api, account: Account, new_account: Any) -> None:
    hook = create(api, account)
    other = new_account()
    for method, suffix in (("GET", ""), ("PUT", ""), ("DELETE", ""), ("POST", "/test")):
        kwargs: dict[str, Any] = {"json": {"active": False}} if method == "PUT" else {}
        for key, webhook_id in ((account.api_key, random_id()), (other.api_key, hook["id"])):
            response = api.request(
                method, f"/api/v1/webhooks/{webhook_id}{suffix}", key=key, **kwargs
            )
            assert_error(response, 404, "WEBHOOK_NOT_FOUND", details={"webhook_id": webhook_id})
        malformed = api.request(
            method, f"/api/v1/webhooks/not-a-uuid{suffix}", key=account.api_key, **kwargs
        )
        assert_error(malformed, 422, "VALIDATION_ERROR", field="webhook_id")
        anonymous = api.request(method, f"/api/v1/webhooks/{hook['id']}{suffix}", **kwargs)
        assert_error(anonymous, 401, "INVALID_API_KEY")
    assert body(api.get(f"/api/v1/webhooks/{hook['id']}", key=account.api_key))["active"] is True
    assert_error(api.get("/api/v1/webhooks"), 401, "INVALID_API_KEY")
    assert_error(
        api.post("/api/v1/webhooks", json={"url": URL, "events": EVENTS}), 401, "INVALID_API_KEY"
    )
