"""Domain layer: webhook subscriptions and the bounded outbox of deliveries they are owed.

docs/architecture.md "Domain core" and "Webhooks": the pure half of webhooks. It keeps an
account's subscriptions (at most 25, each with a signing secret shown once), applies the
platform's URL rule (https, a hostname rather than an IP address, no loopback name; the
mock's local-subscribers mode admits http, addresses and loopback), and turns domain
events into ``Delivery`` items in a bounded outbox. It sends nothing: the web layer
(``web/webhook_delivery.py``) takes deliveries from ``take()``, serialises, signs and
POSTs them, and reports each outcome back through ``delivered`` / ``failed``, which keep
``failure_count`` and ``last_triggered_at`` as the platform does.

Domain events reach it on the ``EventBus``: the topic is the event name
(``strategy.deployed``, ``strategy.test.completed``, ``backtest.completed``,
``battle.completed``) and the message is ``account_event(account_id, payload)``. A
part of the domain that completes something publishes one; publishing never waits for a
subscriber (an append under a lock).
"""

from __future__ import annotations

import ipaddress
import logging
import re
import secrets
import threading
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .clock import SimClock
from .errors import DomainError
from .events import EventBus

log = logging.getLogger("agentexchange.mock.webhooks")

STRATEGY_DEPLOYED = "strategy.deployed"
STRATEGY_TEST_COMPLETED = "strategy.test.completed"
BACKTEST_COMPLETED = "backtest.completed"  # for the backtest engine to publish (issue 12)
BATTLE_COMPLETED = "battle.completed"  # for the battle engine to publish (issue 15)
EVENTS = (BACKTEST_COMPLETED, STRATEGY_TEST_COMPLETED, STRATEGY_DEPLOYED, BATTLE_COMPLETED)
TEST_EVENT = "webhook.test"
TEST_MESSAGE = "This is a test event from the AgentExchange platform."

MAX_PER_ACCOUNT = 25  # the platform's per_account_webhook_limit
MAX_FAILURES = 10  # failed deliveries in a row that deactivate a subscription
DEFAULT_MAX_QUEUE = 1000

# The platform's SSRF block list (src/webhooks/dispatcher.py), plus 0.0.0.0/8, which it
# misses (docs/platform.md): "this host" reaches loopback services on Linux.
BLOCKED_NETWORKS: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = (
    ipaddress.ip_network("0.0.0.0/8"),
    ipaddress.ip_network("127.0.0.0/8"),
    ipaddress.ip_network("::1/128"),
    ipaddress.ip_network("169.254.0.0/16"),
    ipaddress.ip_network("fe80::/10"),
    ipaddress.ip_network("10.0.0.0/8"),
    ipaddress.ip_network("172.16.0.0/12"),
    ipaddress.ip_network("192.168.0.0/16"),
)
# Documentation and special-use names (RFC 2606, RFC 6761) that no subscriber can have:
# a delivery to them fails without a lookup, so tests and examples that use them never
# leave the machine.
RESERVED_TLDS = frozenset({"test", "example", "invalid"})
RESERVED_DOMAINS = ("example.com", "example.net", "example.org")

# scheme://host[:port] at the start of a URL; the document's pattern has checked the rest.
_URL = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://(\[[^\]/]*\]|[^/:?#\s\[\]]*)(?::([^/?#]*))?")


def account_event(account_id: str, payload: Mapping[str, Any]) -> dict[str, Any]:
    """The EventBus message for a webhook event of ``account_id``."""
    return {"account_id": account_id, "payload": dict(payload)}


@dataclass(frozen=True, slots=True)
class SubscriberUrl:
    scheme: str
    host: str  # without IPv6 brackets
    port: int | None


def parse_url(url: str) -> SubscriberUrl:
    """scheme, host and port of a subscriber URL, or 422 naming what is wrong."""
    match = _URL.match(url)
    if match is None or not match.group(2).strip("[]"):
        raise _invalid_url("Webhook URL must contain a valid hostname.")
    scheme, host, port_text = match.group(1).lower(), match.group(2), match.group(3)
    if host.startswith("[") and _ip(host.strip("[]")) is None:
        # Brackets hold an IPv6 literal and nothing else (RFC 3986): "[38.D3]" is no host.
        raise _invalid_url("Webhook URL must contain a valid hostname.")
    port: int | None = None
    if port_text:
        if not port_text.isdigit() or not 0 < int(port_text) <= 65535:
            raise _invalid_url(f"Webhook URL has an invalid port: {port_text!r}.")
        port = int(port_text)
    return SubscriberUrl(scheme, host.strip("[]").lower(), port)


def check_url(url: str, *, allow_local: bool) -> SubscriberUrl:
    """The platform's rule for a subscriber URL (422 otherwise), as far as it can be
    decided without resolving the name: https, and a hostname that is neither an IP
    address nor a loopback name. ``allow_local`` (the mock's local-subscribers mode)
    admits http, IP addresses and loopback or private hosts."""
    parsed = parse_url(url)
    schemes = ("https", "http") if allow_local else ("https",)
    if parsed.scheme not in schemes:
        raise _invalid_url(f"Webhook URL must use the https scheme; got {parsed.scheme!r}.")
    if allow_local:
        return parsed
    if _ip(parsed.host) is not None:
        raise _invalid_url(
            f"Webhook URL must use a hostname, not a bare IP address: {parsed.host!r}."
        )
    if parsed.host == "localhost" or parsed.host.endswith(".localhost"):
        raise _invalid_url(
            f"Webhook URL hostname {parsed.host!r} resolves to a blocked IP address "
            "(127.0.0.1) in restricted network 127.0.0.0/8. Internal and cloud-metadata "
            "endpoints are not allowed as webhook targets."
        )
    return parsed


def reserved_name(host: str) -> bool:
    """A documentation or special-use name (RFC 2606, RFC 6761) no subscriber can have."""
    name = host.lower().rstrip(".")
    if name.rsplit(".", 1)[-1] in RESERVED_TLDS:
        return True
    return any(name == domain or name.endswith("." + domain) for domain in RESERVED_DOMAINS)


def blocked_address(address: str) -> str | None:
    """The blocked network ``address`` falls in (a delivery there is refused), or None."""
    ip = _ip(address)
    if ip is None:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return next((str(net) for net in BLOCKED_NETWORKS if ip in net), None)


def _ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return None


def _invalid_url(message: str) -> DomainError:
    return DomainError("VALIDATION_ERROR", message, 422, {"field": "url"})


@dataclass(frozen=True, slots=True)
class WebhookInfo:
    id: str
    url: str
    events: tuple[str, ...]
    description: str | None
    active: bool
    failure_count: int
    created_at: datetime
    updated_at: datetime
    last_triggered_at: datetime | None


@dataclass(frozen=True, slots=True)
class Delivery:
    """One event owed to one subscription: what the web layer POSTs (and signs)."""

    webhook_id: str
    url: str
    event: str
    payload: Mapping[str, Any]
    secret: str = field(repr=False)


@dataclass(slots=True)
class _Subscription:
    id: str
    account_id: str
    seq: int
    url: str
    events: tuple[str, ...]
    description: str | None
    secret: str = field(repr=False)
    created_at: datetime
    updated_at: datetime
    active: bool = True
    failure_count: int = 0
    last_triggered_at: datetime | None = None

    def info(self) -> WebhookInfo:
        return WebhookInfo(
            self.id,
            self.url,
            self.events,
            self.description,
            self.active,
            self.failure_count,
            self.created_at,
            self.updated_at,
            self.last_triggered_at,
        )


class Webhooks:
    """Subscriptions per account, and the outbox the web layer delivers from."""

    def __init__(
        self,
        clock: SimClock,
        events: EventBus | None = None,
        *,
        allow_local: bool = False,
        max_queue: int = DEFAULT_MAX_QUEUE,
    ) -> None:
        if max_queue < 1:
            raise ValueError("max_queue must be at least 1")
        self._clock = clock
        self.allow_local = allow_local
        self._lock = threading.Lock()
        self._subs: dict[str, _Subscription] = {}
        self._seq = 0
        self._outbox: deque[Delivery] = deque()
        self._max_queue = max_queue
        self.dropped = 0  # deliveries refused because the outbox was full
        # Called (from any thread) after a delivery was queued; the web layer wakes its
        # sender with it. It must not block.
        self.on_queued: Callable[[], None] | None = None
        if events is not None:
            for name in EVENTS:
                events.subscribe(name, self._on_event)

    # ------------------------------------------------------------ subscriptions
    def _owned(self, account_id: str, webhook_id: str) -> _Subscription:
        sub = self._subs.get(str(webhook_id))
        if sub is None or sub.account_id != account_id:
            # Another account's subscription is simply not found: nothing leaks.
            raise DomainError(
                "WEBHOOK_NOT_FOUND",
                f"Webhook subscription '{webhook_id}' not found.",
                404,
                {"webhook_id": str(webhook_id)},
            )
        return sub

    def create(
        self,
        account_id: str,
        url: str,
        events: Iterable[str],
        description: str | None = None,
    ) -> tuple[WebhookInfo, str]:
        """A new subscription and its secret (returned this once, never again)."""
        names = _event_names(events)
        check_url(url, allow_local=self.allow_local)
        now = self._clock.now()
        with self._lock:
            current = sum(1 for s in self._subs.values() if s.account_id == account_id)
            if current >= MAX_PER_ACCOUNT:
                raise DomainError(
                    "VALIDATION_ERROR",
                    f"Account has reached the maximum of {MAX_PER_ACCOUNT} webhook subscriptions.",
                    422,
                    {"field": "url", "limit": MAX_PER_ACCOUNT, "current": current},
                )
            self._seq += 1
            sub = _Subscription(
                id=str(uuid.uuid4()),
                account_id=account_id,
                seq=self._seq,
                url=url,
                events=names,
                description=description,
                secret=secrets.token_urlsafe(32),
                created_at=now,
                updated_at=now,
            )
            self._subs[sub.id] = sub
            return sub.info(), sub.secret

    def list(self, account_id: str) -> list[WebhookInfo]:
        """The account's subscriptions, newest first."""
        with self._lock:
            mine = [s for s in self._subs.values() if s.account_id == account_id]
            mine.sort(key=lambda s: (s.created_at, s.seq), reverse=True)
            return [s.info() for s in mine]

    def get(self, account_id: str, webhook_id: str) -> WebhookInfo:
        with self._lock:
            return self._owned(account_id, webhook_id).info()

    def update(
        self,
        account_id: str,
        webhook_id: str,
        *,
        url: str | None = None,
        events: Iterable[str] | None = None,
        active: bool | None = None,
        description: str | None = None,
    ) -> WebhookInfo:
        """Change what is given (None leaves a member as it is)."""
        names = _event_names(events) if events is not None else None
        if url is not None:
            check_url(url, allow_local=self.allow_local)
        with self._lock:
            sub = self._owned(account_id, webhook_id)
            if url is not None:
                sub.url = url
            if names is not None:
                sub.events = names
            if active is not None:
                sub.active = active
            if description is not None:
                sub.description = description
            sub.updated_at = self._clock.now()
            return sub.info()

    def delete(self, account_id: str, webhook_id: str) -> None:
        """Gone at once; deliveries still queued for it are dropped when their turn comes."""
        with self._lock:
            del self._subs[self._owned(account_id, webhook_id).id]

    def send_test(self, account_id: str, webhook_id: str) -> int:
        """Queue a webhook.test delivery to this subscription (active or not, whatever its
        events), as the platform's test route means to; 1 (queued) or 0 (outbox full)."""
        with self._lock:
            sub = self._owned(account_id, webhook_id)
            delivery = Delivery(
                sub.id,
                sub.url,
                TEST_EVENT,
                {"event": TEST_EVENT, "webhook_id": sub.id, "message": TEST_MESSAGE},
                sub.secret,
            )
            queued = self._enqueue([delivery])
        self._queued(queued)
        return queued

    # ------------------------------------------------------------ events
    def fire(self, account_id: str, event: str, payload: Mapping[str, Any]) -> int:
        """Queue ``event`` for every active subscription of the account that asked for it;
        how many were queued. Never waits for a subscriber."""
        if event not in EVENTS:
            raise ValueError(f"unknown webhook event {event!r}")
        with self._lock:
            queued = self._enqueue(
                Delivery(s.id, s.url, event, dict(payload), s.secret)
                for s in self._subs.values()
                if s.account_id == account_id and s.active and event in s.events
            )
        self._queued(queued)
        return queued

    def _on_event(self, topic: str, message: dict[str, Any]) -> None:
        self.fire(str(message["account_id"]), topic, message["payload"])

    def _enqueue(self, deliveries: Iterable[Delivery]) -> int:
        """Append to the outbox (under the lock); a delivery that does not fit is dropped
        and counts as a failed one for its subscription."""
        queued = 0
        for delivery in deliveries:
            if len(self._outbox) >= self._max_queue:
                self.dropped += 1
                log.warning(
                    "webhook outbox full: %s to %s dropped", delivery.event, delivery.webhook_id
                )
                self._record_failure(delivery.webhook_id)
                continue
            self._outbox.append(delivery)
            queued += 1
        return queued

    def _queued(self, count: int) -> None:
        callback = self.on_queued
        if count and callback is not None:
            callback()

    # ------------------------------------------------------------ the sender's side
    def take(self) -> Delivery | None:
        """The oldest queued delivery, or None."""
        with self._lock:
            return self._outbox.popleft() if self._outbox else None

    def queued(self) -> int:
        with self._lock:
            return len(self._outbox)

    def exists(self, webhook_id: str) -> bool:
        """The subscription is still there (a deleted one gets no more tries)."""
        with self._lock:
            return webhook_id in self._subs

    def delivered(self, webhook_id: str) -> None:
        """A subscriber answered 2xx: failures reset, last_triggered_at now."""
        with self._lock:
            sub = self._subs.get(webhook_id)
            if sub is not None:
                sub.failure_count = 0
                sub.last_triggered_at = self._clock.now()

    def failed(self, webhook_id: str) -> None:
        """A delivery failed its last try: one more failure; 10 in a row deactivate."""
        with self._lock:
            self._record_failure(webhook_id)

    def _record_failure(self, webhook_id: str) -> None:
        sub = self._subs.get(webhook_id)
        if sub is None:
            return
        sub.failure_count += 1
        sub.last_triggered_at = self._clock.now()
        if sub.failure_count >= MAX_FAILURES:
            sub.active = False


def _event_names(events: Iterable[str]) -> tuple[str, ...]:
    names = tuple(events)
    unknown = sorted(set(names) - set(EVENTS))
    if unknown or not names:
        raise DomainError(
            "VALIDATION_ERROR",
            f"Unsupported event(s): {unknown}. Supported events: {sorted(EVENTS)}"
            if unknown
            else "At least one event is required.",
            422,
            {"field": "events"},
        )
    return names
