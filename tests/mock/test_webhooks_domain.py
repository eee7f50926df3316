"""The webhook domain in-process: subscriptions, the platform's URL rule, the outbox, the counters.

Expected values come from the platform's code and recordings (tests/data/platform/
webhooks_wire.json: the 422 messages, the 25-subscription limit, failure_count reset on a
delivery, 10 failures in a row deactivate, webhook.test's payload) — not from openapi.yaml.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from agentexchange.mock.domain.clock import SimClock
from agentexchange.mock.domain.errors import DomainError
from agentexchange.mock.domain.events import EventBus
from agentexchange.mock.domain.exchange import Exchange, MockConfig
from agentexchange.mock.domain.webhooks import (
    Webhooks,
    account_event,
    blocked_address,
    check_url,
    reserved_name,
)

NOW = datetime(2026, 12, 2, 6, 55, 47, tzinfo=UTC)
ACC, OTHER = "acc-1", "acc-2"
URL = "https://hooks.example.com/agentexchange"


def hooks(**kwargs: object) -> Webhooks:
    return Webhooks(SimClock(NOW), **kwargs)  # type: ignore[arg-type]


def refused(url: str, *, allow_local: bool = False) -> str:
    with pytest.raises(DomainError) as raised:
        check_url(url, allow_local=allow_local)
    assert (raised.value.status, raised.value.code) == (422, "VALIDATION_ERROR")
    assert raised.value.details["field"] == "url"
    return raised.value.message


# ------------------------------------------------------------------ the URL rule
def test_the_platforms_refusals_with_its_messages() -> None:
    assert refused("http://wire-sink.test:8443/hook") == (
        "Webhook URL must use the https scheme; got 'http'."
    )
    assert refused("https://127.0.0.1:8443/hook") == (
        "Webhook URL must use a hostname, not a bare IP address: '127.0.0.1'."
    )
    assert refused("https://10.0.0.5/x") == (
        "Webhook URL must use a hostname, not a bare IP address: '10.0.0.5'."
    )
    assert "resolves to a blocked IP address (127.0.0.1)" in refused("https://localhost:8443/hook")
    assert "blocked" in refused("https://api.localhost/hook")
    assert "bare IP" in refused("https://[::1]:9000/")
    assert "https scheme" in refused("ftp://example.org/")
    assert "hostname" in refused("https:///nohost")
    assert "port" in refused("https://hooks.example.com:99999/")
    # Brackets hold an IPv6 literal only; anything else in them is no host at all (a URL
    # parser raises on it: the contract run's schemathesis crashed reading one back).
    assert refused("https://[38.D3]/hook") == "Webhook URL must contain a valid hostname."


def test_public_hostnames_pass() -> None:
    parsed = check_url("https://hooks.Example.com:8443/path?q=1", allow_local=False)
    assert (parsed.scheme, parsed.host, parsed.port) == ("https", "hooks.example.com", 8443)


def test_local_mode_admits_http_addresses_and_loopback() -> None:
    for url in (
        "http://127.0.0.1:9000/hook",
        "https://10.0.0.5/x",
        "http://localhost:1/",
        "http://[::1]:80/",
    ):
        check_url(url, allow_local=True)
    assert "https scheme" in refused("ftp://127.0.0.1/", allow_local=True)


def test_blocked_addresses_are_the_platforms_and_zero_net() -> None:
    for address in ("127.0.0.1", "10.1.2.3", "172.17.0.2", "192.168.1.1", "169.254.169.254", "::1",
                    "fe80::1", "0.0.0.0", "::ffff:127.0.0.1"):  # fmt: skip
        assert blocked_address(address) is not None, address
    for address in ("93.184.215.14", "8.8.8.8", "2606:4700::1111", "not-an-ip"):
        assert blocked_address(address) is None, address


def test_reserved_names_are_the_documentation_ones() -> None:
    for name in (
        "example.com",
        "hooks.example.com",
        "a.example.org",
        "x.test",
        "y.invalid",
        "z.example",
    ):
        assert reserved_name(name), name
    for name in ("hooks.mycompany.com", "localhost", "examples.com", "test.io"):
        assert not reserved_name(name), name


# ------------------------------------------------------------------ subscriptions
def test_create_returns_the_secret_once_and_lists_newest_first() -> None:
    h = hooks()
    first, secret = h.create(ACC, URL, ["strategy.deployed"], "one")
    second, _ = h.create(ACC, URL, ["battle.completed"])
    assert len(secret) == 43 and not secret.startswith("whsec_")  # token_urlsafe(32), no prefix
    assert secret not in repr(first)
    assert [w.id for w in h.list(ACC)] == [second.id, first.id]
    assert (first.failure_count, first.active, first.last_triggered_at) == (0, True, None)
    assert h.list(OTHER) == []


def test_an_account_holds_at_most_25() -> None:
    h = hooks()
    for _ in range(25):
        h.create(ACC, URL, ["strategy.deployed"])
    with pytest.raises(DomainError) as raised:
        h.create(ACC, URL, ["strategy.deployed"])
    assert raised.value.status == 422
    assert raised.value.details == {"field": "url", "limit": 25, "current": 25}
    h.create(OTHER, URL, ["strategy.deployed"])  # per account


def test_unknown_events_and_another_accounts_subscription() -> None:
    h = hooks()
    with pytest.raises(DomainError) as raised:
        h.create(ACC, URL, ["order.filled"])
    assert raised.value.message.startswith("Unsupported event(s): ['order.filled'].")
    info, _ = h.create(ACC, URL, ["strategy.deployed"])
    for call in (
        lambda: h.get(OTHER, info.id),
        lambda: h.update(OTHER, info.id, active=False),
        lambda: h.delete(OTHER, info.id),
        lambda: h.send_test(OTHER, info.id),
    ):
        with pytest.raises(DomainError) as missing:
            call()
        assert (missing.value.status, missing.value.code) == (404, "WEBHOOK_NOT_FOUND")


def test_update_changes_what_is_given_and_keeps_the_url_rule() -> None:
    clock = SimClock(NOW)
    h = Webhooks(clock)
    info, _ = h.create(ACC, URL, ["strategy.deployed"], "d")
    clock.advance(5)
    changed = h.update(ACC, info.id, events=["battle.completed"], active=False)
    assert (changed.events, changed.active, changed.description, changed.url) == (
        ("battle.completed",), False, "d", URL,
    )  # fmt: skip
    assert changed.updated_at > changed.created_at
    with pytest.raises(DomainError):
        h.update(ACC, info.id, url="https://10.0.0.5/x")
    assert h.get(ACC, info.id).url == URL


# ------------------------------------------------------------------ the outbox
def test_fire_queues_for_active_subscribers_of_that_event_only() -> None:
    h = hooks()
    wants, _ = h.create(ACC, URL, ["strategy.deployed", "battle.completed"])
    h.create(ACC, URL, ["backtest.completed"])
    paused, _ = h.create(ACC, URL, ["strategy.deployed"])
    h.update(ACC, paused.id, active=False)
    h.create(OTHER, URL, ["strategy.deployed"])
    assert (
        h.fire(ACC, "strategy.deployed", {"strategy_id": "s", "version": 1, "status": "deployed"})
        == 1
    )
    delivery = h.take()
    assert delivery is not None and delivery.webhook_id == wants.id and delivery.url == URL
    assert delivery.payload == {"strategy_id": "s", "version": 1, "status": "deployed"}
    assert delivery.secret not in repr(delivery)
    assert h.take() is None
    with pytest.raises(ValueError):
        h.fire(ACC, "order.filled", {})


def test_events_arrive_from_the_bus_and_wake_the_sender() -> None:
    bus = EventBus()
    h = Webhooks(SimClock(NOW), bus)
    woken: list[int] = []
    h.on_queued = lambda: woken.append(h.queued())
    h.create(ACC, URL, ["backtest.completed"])
    bus.publish(
        "backtest.completed", account_event(ACC, {"backtest_id": "b", "status": "completed"})
    )
    assert woken == [1]
    assert h.take() is not None


def test_the_test_event_goes_to_an_inactive_subscription_whatever_its_events() -> None:
    h = hooks()
    info, _ = h.create(ACC, URL, ["battle.completed"])
    h.update(ACC, info.id, active=False)
    assert h.send_test(ACC, info.id) == 1
    delivery = h.take()
    assert delivery is not None and delivery.event == "webhook.test"
    assert delivery.payload == {
        "event": "webhook.test",
        "webhook_id": info.id,
        "message": "This is a test event from the AgentExchange platform.",
    }


def test_a_full_outbox_drops_and_counts_a_failure_instead_of_blocking() -> None:
    h = hooks(max_queue=2)
    info, _ = h.create(ACC, URL, ["strategy.deployed"])
    queued = [h.fire(ACC, "strategy.deployed", {"n": n}) for n in range(3)]
    assert queued == [1, 1, 0] and h.queued() == 2 and h.dropped == 1
    assert h.get(ACC, info.id).failure_count == 1


def test_delivered_resets_failures_and_ten_failures_in_a_row_deactivate() -> None:
    clock = SimClock(NOW)
    h = Webhooks(clock)
    info, _ = h.create(ACC, URL, ["strategy.deployed"])
    for _ in range(3):
        h.failed(info.id)
    assert h.get(ACC, info.id).failure_count == 3
    clock.advance(60)
    h.delivered(info.id)
    after = h.get(ACC, info.id)
    assert (after.failure_count, after.last_triggered_at) == (0, clock.now())
    for _ in range(9):
        h.failed(info.id)
    assert h.get(ACC, info.id).active is True
    h.failed(info.id)
    assert (h.get(ACC, info.id).active, h.get(ACC, info.id).failure_count) == (False, 10)
    assert h.fire(ACC, "strategy.deployed", {}) == 0


def test_deleting_stops_further_tries() -> None:
    h = hooks()
    info, _ = h.create(ACC, URL, ["strategy.deployed"])
    h.fire(ACC, "strategy.deployed", {})
    h.delete(ACC, info.id)
    assert not h.exists(info.id)
    h.failed(info.id)  # an outcome arriving for a deleted subscription is ignored
    assert h.list(ACC) == []


# ------------------------------------------------------------------ wired into the exchange
def test_a_deploy_queues_strategy_deployed_with_the_platforms_payload() -> None:
    ex = Exchange(MockConfig(pairs=20))
    try:
        account = "acc-1"  # strategies and webhooks are keyed by account id alone
        info, _ = ex.webhooks.create(account, URL, ["strategy.deployed"])
        strategy = ex.strategies.create(account, "s", {"pairs": ["BTCUSDT"]})
        ex.strategies.deploy(account, strategy.strategy_id, 1)
        delivery = ex.webhooks.take()
        assert delivery is not None and delivery.webhook_id == info.id
        assert (delivery.event, delivery.payload) == (
            "strategy.deployed",
            {"strategy_id": strategy.strategy_id, "version": 1, "status": "deployed"},
        )
    finally:
        ex.close()
