"""Webhooks really delivered, over real sockets (issue 14's acceptance).

A ``MockServer`` started with local subscribers admitted (``local_webhooks=True``, the
``--local-webhooks`` flag) delivers to a subscriber on a loopback port
(``webhook_subscriber.Subscriber``). What a delivery must look like is the platform's
recorded one (tests/data/platform/webhooks_wire.json): a POST of ``json.dumps(payload)``
with its default separators, ``Content-Type: application/json``, ``X-Webhook-Event``,
``X-Webhook-Signature`` = hex HMAC-SHA256 of the raw body, retried after a failure
(the platform waits 10, 30 and 60 s; these tests configure 0.05 s). Without the flag, a
loopback http URL is refused with 422 as on the platform.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest

from agentexchange import AgentExchangeClient
from agentexchange.exceptions import ValidationError
from agentexchange.mock.testing import MockServer
from agentexchange.webhooks import WebhookSignatureError, verify

from .sdk_fixtures import STRATEGY_CONFIG
from .webhook_subscriber import Subscriber, until

FAST = {"retry_delays": (0.05, 0.05, 0.05), "timeout": 5.0}


@pytest.fixture(scope="module")
def mock() -> Iterator[MockServer]:
    with MockServer(pairs=100, local_webhooks=True, webhook_options=FAST) as server:
        yield server


@pytest.fixture
def client(mock: MockServer) -> Iterator[AgentExchangeClient]:
    with AgentExchangeClient(base_url=mock.base_url) as anonymous:
        registration = anonymous.register(display_name="hooks")
    with AgentExchangeClient(
        api_key=registration.api_key, api_secret=registration.api_secret, base_url=mock.base_url
    ) as sdk:
        yield sdk


def test_strategy_deployed_arrives_within_2_s_signed_as_the_platform_signs(
    client: AgentExchangeClient,
) -> None:
    with Subscriber() as subscriber:
        hook = client.create_webhook(subscriber.url, ["strategy.deployed"], "deploys")
        assert hook.secret is not None
        strategy = client.create_strategy("Deployed", "hooked", STRATEGY_CONFIG)
        started = time.monotonic()
        client.deploy_strategy(strategy.strategy_id)
        delivery = subscriber.next(timeout=2)
        assert delivery.at - started < 2.0
    expected = {"strategy_id": strategy.strategy_id, "version": 1, "status": "deployed"}
    # Byte for byte the platform's body: json.dumps with its default ", " and ": ".
    assert (
        delivery.body
        == (
            f'{{"strategy_id": "{strategy.strategy_id}", "version": 1, "status": "deployed"}}'
        ).encode()
    )
    assert delivery.path == "/hook"
    assert delivery.headers["Content-Type"] == "application/json"
    assert delivery.headers["X-Webhook-Event"] == "strategy.deployed"
    event = verify(delivery.body, delivery.headers, hook.secret)
    assert (event.event, event.data) == ("strategy.deployed", expected)
    assert verify(delivery.body, delivery.headers, hook.secret, tolerance=60).timestamp is not None
    tampered = bytearray(delivery.body)
    tampered[len(tampered) // 2] ^= 0x20
    with pytest.raises(WebhookSignatureError):
        verify(bytes(tampered), delivery.headers, hook.secret)
    with pytest.raises(WebhookSignatureError):
        verify(delivery.body, delivery.headers, "another subscription's secret")


def test_the_test_route_delivers_webhook_test(client: AgentExchangeClient) -> None:
    with Subscriber() as subscriber:
        hook = client.create_webhook(subscriber.url, ["battle.completed"])
        assert client.test_webhook(hook.id).enqueued == 1
        delivery = subscriber.next()
    assert hook.secret is not None
    event = verify(delivery.body, delivery.headers, hook.secret)
    assert event.event == "webhook.test"
    assert event.data == {
        "event": "webhook.test",
        "webhook_id": hook.id,
        "message": "This is a test event from the AgentExchange platform.",
    }


def test_a_subscriber_that_answers_500_twice_gets_it_on_the_third_try(
    client: AgentExchangeClient,
) -> None:
    with Subscriber([500, 500, 200]) as subscriber:
        hook = client.create_webhook(subscriber.url, ["strategy.deployed"])
        client.test_webhook(hook.id)
        tries = [subscriber.next() for _ in range(3)]
        until(lambda: client.get_webhook(hook.id).last_triggered_at is not None)
        assert subscriber.requests.empty()  # delivered: no fourth try
    assert hook.secret is not None
    assert len({t.body for t in tries}) == 1  # the same event each time
    for attempt in tries:
        verify(attempt.body, attempt.headers, hook.secret)
    assert tries[1].at - tries[0].at >= 0.05 and tries[2].at - tries[1].at >= 0.05
    state = client.get_webhook(hook.id)
    assert (state.failure_count, state.active) == (0, True)


def test_a_delivery_failing_every_try_counts_once_in_failure_count(
    client: AgentExchangeClient,
) -> None:
    with Subscriber([503]) as subscriber:
        hook = client.create_webhook(subscriber.url, ["strategy.deployed"])
        client.test_webhook(hook.id)
        for _ in range(4):  # the first try and the platform's three retries
            subscriber.next()
        until(lambda: client.get_webhook(hook.id).failure_count == 1)
    state = client.get_webhook(hook.id)
    assert state.last_triggered_at is not None and state.active is True
    assert subscriber.count == 4


def test_deploy_returns_while_the_subscriber_still_holds_the_delivery(
    client: AgentExchangeClient,
) -> None:
    with Subscriber(hold=True) as subscriber:
        client.create_webhook(subscriber.url, ["strategy.deployed"])
        strategy = client.create_strategy("Held", "hooked", STRATEGY_CONFIG)
        deployed = threading.Thread(target=client.deploy_strategy, args=(strategy.strategy_id,))
        deployed.start()
        deployed.join(10)
        assert not deployed.is_alive(), "deploy waited for the subscriber"
        subscriber.next()  # the delivery did go out, and is still unanswered
        assert not subscriber.released.is_set()
        subscriber.release()


def test_a_completed_strategy_test_is_delivered(
    mock: MockServer, client: AgentExchangeClient
) -> None:
    with Subscriber() as subscriber:
        hook = client.create_webhook(subscriber.url, ["strategy.test.completed"])
        strategy = client.create_strategy("Tested", "hooked", STRATEGY_CONFIG)
        now = mock.exchange.clock.now()
        run = client.run_test(
            strategy.strategy_id,
            1,
            now - timedelta(days=30),
            now - timedelta(days=1),
            "BTCUSDT",
            "1h",
        )
        delivery = subscriber.next(timeout=60)
    assert hook.secret is not None
    event = verify(delivery.body, delivery.headers, hook.secret)
    assert event.event == "strategy.test.completed"
    assert event.data == {
        "test_run_id": run.run_id,
        "strategy_id": strategy.strategy_id,
        "status": "completed",
    }


def test_a_backtest_session_run_to_its_end_is_delivered_as_backtest_completed(
    mock: MockServer, client: AgentExchangeClient
) -> None:
    start = mock.exchange.clock.now().replace(minute=0, second=0, microsecond=0) - timedelta(days=2)
    with Subscriber() as subscriber:
        hook = client.create_webhook(subscriber.url, ["backtest.completed"])
        with client.create_backtest(
            start, start + timedelta(minutes=10), "1000", pairs=["BTCUSDT"]
        ) as session:
            last = session.step_fast(10)
        assert last.is_complete
        delivery = subscriber.next(timeout=5)
    assert hook.secret is not None
    event = verify(delivery.body, delivery.headers, hook.secret)
    results = session.results()
    assert event.event == "backtest.completed"
    assert event.data == {
        "backtest_id": session.session_id,
        "status": "completed",
        "roi_pct": str(results.summary.roi_pct),
        "total_trades": results.summary.total_trades,
        "final_equity": str(results.summary.final_equity),
    }


def test_without_the_flag_a_loopback_http_subscriber_is_422_as_on_the_platform() -> None:
    with MockServer(pairs=20) as strict, Subscriber() as subscriber:
        with AgentExchangeClient(base_url=strict.base_url, **strict.credentials()) as sdk:
            with pytest.raises(ValidationError) as raised:
                sdk.create_webhook(subscriber.url, ["strategy.deployed"])
            assert raised.value.status_code == 422 and raised.value.field == "url"
            for url in ("https://127.0.0.1/hook", "https://localhost/hook"):
                with pytest.raises(ValidationError):
                    sdk.create_webhook(url, ["strategy.deployed"])
        raw = httpx.post(
            f"{strict.base_url}/api/v1/webhooks",
            headers={"X-API-Key": strict.credentials()["api_key"]},
            json={"url": "http://127.0.0.1/hook", "events": ["strategy.deployed"]},
        )
        assert raw.status_code == 422
        assert json.loads(raw.content)["error"]["code"] == "VALIDATION_ERROR"
        assert subscriber.count == 0
