"""The battle engine in process (issue 15): what the HTTP tests cannot see from outside.

``battle.completed`` goes out on the exchange's event bus as a webhook account event
(once, from stop or from the time limit); a fixed battle ends at exactly started_at +
duration on the exchange's clock; a paused participant's live order is refused by the
trading engine itself; every participant of a historical battle holds a session of the one
backtest engine over the same config.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from agentexchange.mock.domain.errors import DomainError
from agentexchange.mock.domain.exchange import Exchange, MockConfig
from agentexchange.mock.domain.webhooks import BATTLE_COMPLETED


@pytest.fixture
def ex() -> Exchange:
    return Exchange(MockConfig(seed=5, pairs=20))


def two_agents(ex: Exchange) -> tuple[str, str, str]:
    reg = ex.accounts.register("duel")
    rival = ex.accounts.create_agent(reg.account.id, "rival")
    return reg.account.id, reg.agent.id, rival.id


def started(ex: Exchange, config: dict[str, Any]) -> tuple[str, str, str, str]:
    account, a, b = two_agents(ex)
    battle = ex.battles.create(account, name="d", config=config)
    for agent in (a, b):
        ex.battles.add_participant(account, battle["id"], agent)
    ex.battles.start(account, battle["id"])
    return account, battle["id"], a, b


def test_stop_publishes_battle_completed_once_as_an_account_event(ex: Exchange) -> None:
    seen: list[tuple[str, dict[str, Any]]] = []
    ex.events.subscribe(BATTLE_COMPLETED, lambda topic, payload: seen.append((topic, payload)))
    account, battle_id, _, _ = started(ex, {"duration_type": "unlimited"})
    ex.battles.stop(account, battle_id)
    with pytest.raises(DomainError) as again:
        ex.battles.stop(account, battle_id)
    assert again.value.code == "BATTLE_INVALID_STATE" and again.value.status == 409
    assert len(seen) == 1
    topic, message = seen[0]
    assert topic == BATTLE_COMPLETED and message["account_id"] == account
    assert message["payload"]["battle_id"] == battle_id
    assert message["payload"]["status"] == "completed"


def test_the_time_limit_ends_a_fixed_battle_at_its_exact_end(ex: Exchange) -> None:
    seen: list[Any] = []
    ex.events.subscribe(BATTLE_COMPLETED, lambda topic, payload: seen.append(payload))
    account, battle_id, _, _ = started(ex, {"duration_type": "fixed", "duration_seconds": 90})
    ex.tick(89)
    assert ex.battles.get(account, battle_id)["status"] == "active"
    ex.tick(5)
    done = ex.battles.get(account, battle_id)
    assert done["status"] == "completed" and len(seen) == 1
    assert done["ended_at"] - done["started_at"] == timedelta(seconds=90)
    assert [p["final_rank"] for p in done["participants"]] == [1, 2]


def test_a_paused_participant_cannot_trade_live(ex: Exchange) -> None:
    account, battle_id, a, b = started(ex, {"duration_type": "unlimited"})
    ex.battles.pause(account, battle_id, a)
    with pytest.raises(DomainError) as refused:
        ex.trading.place_order(a, "BTCUSDT", "buy", "market", Decimal("0.001"))
    assert refused.value.code == "BATTLE_INVALID_STATE"
    ex.trading.place_order(b, "BTCUSDT", "buy", "market", Decimal("0.001"))  # not paused
    ex.battles.resume(account, battle_id, a)
    assert ex.trading.place_order(a, "BTCUSDT", "buy", "market", Decimal("0.001"))


def test_historical_participants_share_one_config_of_the_backtest_engine(ex: Exchange) -> None:
    account, a, b = two_agents(ex)
    end = ex.clock.now().replace(minute=0, second=0, microsecond=0)
    battle = ex.battles.create(
        account,
        name="h",
        battle_mode="historical",
        backtest_config={
            "start_time": end - timedelta(hours=1),
            "end_time": end,
            "pairs": ["BTCUSDT"],
        },
    )
    for agent in (a, b):
        ex.battles.add_participant(account, battle["id"], agent)
    ex.battles.start(account, battle["id"])
    internal = ex.battles._battles[battle["id"]]  # the engine's own record
    first, second = internal.sessions.values()
    assert first.config is second.config and first.market is second.market
    ex.battles.step(account, battle["id"], 7)
    assert first.current == second.current == 7 and first.prices() == second.prices()
