"""The gatekeeper: which credential an operation accepts, whom it acts as, and the rate
limits (429 with Retry-After and X-RateLimit-* headers, per account and per IP)."""

from __future__ import annotations

import pytest

from agentexchange.mock.domain.errors import DomainError
from agentexchange.mock.domain.gatekeeper import FAILED_AUTH_LIMIT, Gatekeeper
from agentexchange.mock.domain.principal import Principal
from agentexchange.mock.domain.ratelimit import RateLimiter

from .handler_calls import request
from .test_trading_fakes import World


class FakeTime:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def gate(world: World, *, rate_limits: bool = True, time: FakeTime | None = None) -> Gatekeeper:
    timer = time or FakeTime()
    limiter = RateLimiter(timer=timer, wall=lambda: 1_800_000_000.0 + timer.now)
    return Gatekeeper(world.accounts, world.clock, rate_limits=rate_limits, limiter=limiter)


def fails(call: object, *args: object) -> DomainError:
    with pytest.raises(DomainError) as err:
        call(*args)  # type: ignore[operator]
    return err.value


def test_public_operations_need_no_credentials() -> None:
    world = World()
    assert gate(world).authenticate(request("register")) is None


def test_missing_and_bad_credentials_are_401() -> None:
    world = World()
    keeper = gate(world)
    err = fails(keeper.authenticate, request("get_balance"))
    assert (err.code, err.status) == ("INVALID_API_KEY", 401)
    err = fails(keeper.authenticate, request("get_balance", headers={"x-api-key": "ak_live_x"}))
    assert err.code == "INVALID_API_KEY"
    err = fails(
        keeper.authenticate, request("get_balance", headers={"authorization": "Bearer x.y.z"})
    )
    assert (err.code, err.status) == ("INVALID_TOKEN", 401)
    err = fails(keeper.authenticate, request("get_balance", headers={"authorization": "Basic abc"}))
    assert err.code == "INVALID_TOKEN"


def test_the_api_key_wins_over_a_bearer_token() -> None:
    world = World()
    keeper = gate(world)
    demo = world.demo
    principal = keeper.authenticate(
        request(
            "get_balance",
            headers={"x-api-key": demo["agent_api_key"], "authorization": "Bearer junk"},
        )
    )
    assert isinstance(principal, Principal) and principal.agent_id == demo["agent_id"]


def test_a_jwt_with_x_agent_id_acts_as_that_agent_of_the_account() -> None:
    world = World()
    keeper = gate(world)
    reg = world.accounts.register("A")
    second = world.accounts.create_agent(reg.account.id, "second")
    token = world.accounts.login(reg.account.api_key, reg.api_secret).token
    principal = keeper.authenticate(
        request(
            "get_balance", headers={"authorization": f"Bearer {token}", "x-agent-id": second.id}
        )
    )
    assert (
        principal is not None and principal.agent_id == second.id and principal.scheme == "bearer"
    )
    foreign = world.demo["agent_id"]
    err = fails(
        keeper.authenticate,
        request("get_balance", headers={"authorization": f"Bearer {token}", "x-agent-id": foreign}),
    )
    assert (err.code, err.status) == ("PERMISSION_DENIED", 403)


def test_agent_management_refuses_agent_keys() -> None:
    world = World()
    keeper = gate(world)
    err = fails(
        keeper.authenticate,
        request("list_agents", headers={"x-api-key": world.demo["agent_api_key"]}),
    )
    assert (err.code, err.status) == ("PERMISSION_DENIED", 403)
    assert keeper.authenticate(request("list_agents", headers={"x-api-key": world.demo["api_key"]}))


def test_register_is_limited_to_three_per_minute_per_ip_with_retry_after() -> None:
    world = World()
    time = FakeTime()
    keeper = gate(world, time=time)
    for remaining in ("2", "1", "0"):
        headers = keeper.admit(request("register"))
        assert headers["X-RateLimit-Limit"] == "3"
        assert headers["X-RateLimit-Remaining"] == remaining
        assert headers["X-RateLimit-Reset"] == str(1_800_000_000 + 1000 + 60)
    time.now += 20
    err = fails(keeper.admit, request("register"))
    assert (err.code, err.status) == ("RATE_LIMIT_EXCEEDED", 429)
    assert err.headers["Retry-After"] == "40"
    assert err.headers["X-RateLimit-Remaining"] == "0" and err.headers["X-RateLimit-Limit"] == "3"
    assert err.details == {"limit": 3, "window_seconds": 60, "retry_after_seconds": 40}
    time.now += 40  # a new window
    assert keeper.admit(request("register"))["X-RateLimit-Remaining"] == "2"


def test_trade_routes_share_one_budget_per_account_across_its_agents() -> None:
    world = World()
    keeper = gate(world)
    reg = world.accounts.register("A")
    second = world.accounts.create_agent(reg.account.id, "second")
    principals = [
        world.accounts.authenticate_key(reg.agent.api_key),
        world.accounts.authenticate_key(second.api_key),
    ]
    for i in range(100):
        keeper.admit(request("place_order", principal=principals[i % 2]))
    assert fails(keeper.admit, request("place_order", principal=principals[0])).status == 429
    # Other path groups and other accounts have their own budgets.
    assert (
        keeper.admit(request("get_balance", principal=principals[0]))["X-RateLimit-Limit"] == "600"
    )
    demo = world.accounts.authenticate_key(world.demo["agent_api_key"])
    assert keeper.admit(request("place_order", principal=demo))["X-RateLimit-Remaining"] == "99"


def test_disabled_rate_limits_add_nothing() -> None:
    world = World()
    keeper = gate(world, rate_limits=False)
    for _ in range(10):
        assert keeper.admit(request("register")) == {}


def _with_key(key: str, ip: str = "127.0.0.1") -> object:
    req = request("get_balance", headers={"x-api-key": key})
    req.client_ip = ip
    return req


def test_failed_authentication_is_limited_per_address_with_retry_after() -> None:
    world = World()
    time = FakeTime()
    keeper = gate(world, time=time)
    assert keeper.failed_auth_limit == FAILED_AUTH_LIMIT == 20
    for n in range(FAILED_AUTH_LIMIT):
        assert fails(keeper.authenticate, _with_key(f"ak_live_guess{n}")).status == 401
    time.now += 15
    # Over the budget: 429 before the key is looked at, so even the right key learns nothing.
    for key in ("ak_live_guess_next", world.demo["api_key"]):
        err = fails(keeper.authenticate, _with_key(key))
        assert (err.code, err.status) == ("RATE_LIMIT_EXCEEDED", 429)
        assert err.headers["Retry-After"] == "45"
        assert err.headers["X-RateLimit-Limit"] == "20"
        assert err.details == {"limit": 20, "window_seconds": 60, "retry_after_seconds": 45}
    assert keeper.failed_auth_refusals == 2
    # Another address is not affected; public operations and missing credentials never count.
    assert keeper.authenticate(_with_key(world.demo["api_key"], ip="10.0.0.2")) is not None
    assert keeper.authenticate(request("register")) is None
    time.now += 45  # a new window
    assert keeper.authenticate(_with_key(world.demo["api_key"])) is not None


def test_a_repeated_wrong_credential_or_a_missing_one_counts_once_or_never() -> None:
    world = World()
    keeper = gate(world)
    for _ in range(3 * FAILED_AUTH_LIMIT):
        assert fails(keeper.authenticate, _with_key("ak_live_stale")).status == 401
        assert fails(keeper.authenticate, request("get_balance")).status == 401
        err = fails(
            keeper.authenticate, request("get_balance", headers={"authorization": "Bearer x.y.z"})
        )
        assert err.status == 401
    assert keeper.authenticate(_with_key(world.demo["api_key"])) is not None
    assert keeper.failed_auth_refusals == 0


def test_bad_bearer_tokens_count_as_failed_authentication_too() -> None:
    world = World()
    keeper = gate(world)
    for n in range(FAILED_AUTH_LIMIT):
        err = fails(
            keeper.authenticate, request("get_balance", headers={"authorization": f"Bearer t{n}"})
        )
        assert err.code == "INVALID_TOKEN"
    assert fails(keeper.authenticate, _with_key(world.demo["api_key"])).status == 429


def test_without_rate_limits_failed_authentication_is_not_limited() -> None:
    world = World()
    keeper = gate(world, rate_limits=False)
    assert keeper.failed_auth_limit is None
    for n in range(3 * FAILED_AUTH_LIMIT):
        assert fails(keeper.authenticate, _with_key(f"ak_live_guess{n}")).status == 401
    assert keeper.authenticate(_with_key(world.demo["api_key"])) is not None
