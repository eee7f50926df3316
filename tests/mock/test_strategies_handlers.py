"""Strategy handlers: every reply matches its operation's success schema in openapi.yaml."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

import pytest

from agentexchange.mock.domain.clock import SimClock
from agentexchange.mock.domain.errors import DomainError
from agentexchange.mock.domain.principal import Principal
from agentexchange.mock.domain.strategies import Strategies
from agentexchange.mock.domain.training import Training
from agentexchange.mock.web.handlers import strategies as strategy_handlers
from agentexchange.mock.web.handlers import training as training_handlers
from agentexchange.mock.web.spec import load_spec

from . import handler_calls
from .test_strategies_service import DIP_BUYER, NOW, FakeMarket

SPEC = load_spec().by_id()


class Api:
    """Calls handlers the way app.py does: JSON body with Decimal numbers, a Principal."""

    def __init__(self) -> None:
        clock = SimClock(NOW)
        market = FakeMarket()
        self.exchange: Any = cast(
            Any,
            SimpleNamespace(
                clock=clock,
                market=market,
                strategies=Strategies(clock, market, synchronous=True),
                training=Training(clock),
            ),
        )
        self.handlers = strategy_handlers.handlers(self.exchange)

    def __call__(
        self,
        op_id: str,
        *,
        account: str = "acct-a",
        path: dict[str, Any] | None = None,
        query: dict[str, Any] | None = None,
        body: Any = None,
    ) -> Any:
        principal = Principal(account, None, "api_key")
        return handler_calls.call(
            self.handlers, op_id, principal=principal, path=path, query=query, body=body
        )


@pytest.fixture
def api() -> Any:
    a = Api()
    yield a
    a.exchange.strategies.close()


TEST_BODY = {
    "version": 1,
    "episodes": 2,
    "date_range": {"start": "2026-10-01T00:00:00Z", "end": "2026-11-01T00:00:00Z"},
    "episode_duration_days": 7,
}


def test_handlers_cover_exactly_the_strategy_and_training_operations() -> None:
    ex: Any = SimpleNamespace(strategies=None, training=None, clock=None, market=None)
    mine = set(strategy_handlers.handlers(ex)) | set(training_handlers.handlers(ex))
    tagged = {
        op_id
        for op_id, op in SPEC.items()
        if op.path.startswith(("/api/v1/strateg", "/api/v1/training"))
    }
    assert mine == tagged


def test_create_get_list_versions(api: Any) -> None:
    created = api(
        "create_strategy",
        body={
            "name": "Dip",
            "description": "d",
            "definition": {**DIP_BUYER, "position_size_pct": 12.5},
        },
    )
    sid = created["strategy_id"]
    assert created["status"] == "draft" and created["current_version"] == 1
    detail = api("get_strategy", path={"strategy_id": sid})
    assert detail["current_definition"]["position_size_pct"] == 12.5  # a number, as it was sent
    assert detail["latest_test_results"] is None
    listing = api("get_strategies", query={"limit": 10})
    assert listing["total"] == 1 and listing["limit"] == 10 and listing["offset"] == 0
    v2 = api(
        "create_version",
        path={"strategy_id": sid},
        body={"definition": DIP_BUYER, "change_notes": "again"},
    )
    assert v2["version"] == 2 and v2["parent_version"] == 1
    assert [v["version"] for v in api("get_versions", path={"strategy_id": sid})] == [1, 2]
    assert api("get_version", path={"strategy_id": sid, "version": 2})["change_notes"] == "again"


def test_deploy_and_undeploy_replies(api: Any) -> None:
    sid = api("create_strategy", body={"name": "Dip", "definition": DIP_BUYER})["strategy_id"]
    deployed = api("deploy_strategy", path={"strategy_id": sid}, body={"version": 1})
    assert deployed["status"] == "deployed" and deployed["deployed_at"] == "2026-11-01T00:00:00Z"
    with pytest.raises(DomainError) as err:
        api("deploy_strategy", path={"strategy_id": sid}, body={"version": 1})
    assert err.value.status == 409
    assert api("undeploy_strategy", path={"strategy_id": sid})["status"] == "draft"


def test_run_test_and_read_it_both_ways(api: Any) -> None:
    sid = api("create_strategy", body={"name": "Dip", "definition": DIP_BUYER})["strategy_id"]
    run = api("run_test", path={"strategy_id": sid}, body=TEST_BODY)
    tid = run["test_run_id"]
    assert run["episodes_total"] == 2 and isinstance(run["progress_pct"], int | float)
    by_strategy = api("get_strategy_test", path={"strategy_id": sid, "test_id": tid})
    by_id = api("get_test_status", path={"test_id": tid})
    assert by_strategy == by_id
    results = by_id["results"]
    assert by_id["status"] == "completed" and by_id["progress_pct"] == 100
    for key in ("avg_roi_pct", "avg_sharpe", "avg_max_drawdown_pct", "win_rate"):
        assert isinstance(results[key], int | float)  # metrics are numbers on the wire
    assert results["total_trades"] > 0 and len(results["episodes"]) == 2
    assert isinstance(results["episodes"][0]["final_equity"], str)  # money stays a decimal string
    assert by_id["config"]["episodes"] == 2 and by_id["config"]["starting_balance"] == "10000"
    assert isinstance(by_id["recommendations"], list)
    detail = api("get_strategy", path={"strategy_id": sid})
    assert detail["status"] == "validated" and detail["latest_test_results"]["test_run_id"] == tid


def test_run_test_errors(api: Any) -> None:
    sid = api("create_strategy", body={"name": "Dip", "definition": DIP_BUYER})["strategy_id"]
    with pytest.raises(DomainError) as err:
        api(
            "run_test",
            path={"strategy_id": sid},
            body={**TEST_BODY, "episodes": 100, "episode_duration_days": 365, "interval": "1m"},
        )
    assert (err.value.status, err.value.code) == (400, "TEST_LIMIT_EXCEEDED")
    with pytest.raises(DomainError) as err:
        api(
            "run_test",
            path={"strategy_id": sid},
            body={
                **TEST_BODY,
                "date_range": {"start": "2026-10-02T00:00:00Z", "end": "2026-10-01T00:00:00Z"},
            },
        )
    assert (err.value.status, err.value.details["field"]) == (422, "date_range")
    with pytest.raises(DomainError) as err:
        api(
            "get_test_status",
            account="acct-b",
            path={"test_id": "9a8b7c6d-5e4f-4a3b-9c1d-0e1f2a3b4c5d"},
        )
    assert err.value.code == "TEST_RUN_NOT_FOUND"


def test_compare_versions_reply(api: Any) -> None:
    sid = api("create_strategy", body={"name": "Dip", "definition": DIP_BUYER})["strategy_id"]
    api(
        "create_version",
        path={"strategy_id": sid},
        body={"definition": {**DIP_BUYER, "pairs": ["FLATUSDT"]}},
    )
    api("run_test", path={"strategy_id": sid}, body=TEST_BODY)
    api("run_test", path={"strategy_id": sid}, body={**TEST_BODY, "version": 2})
    c = api("compare_versions", path={"strategy_id": sid}, query={"v1": 1, "v2": 2})
    assert c["v1"]["version"] == 1 and c["v2"]["total_trades"] == 0
    assert set(c["improvements"]) == {"avg_roi_pct", "avg_sharpe", "avg_max_drawdown_pct"}
    assert isinstance(c["verdict"], str) and c["verdict"]


def test_another_account_sees_nothing(api: Any) -> None:
    sid = api("create_strategy", body={"name": "Dip", "definition": DIP_BUYER})["strategy_id"]
    with pytest.raises(DomainError) as err:
        api("get_strategy", account="acct-b", path={"strategy_id": sid})
    assert (err.value.status, err.value.code) == (404, "STRATEGY_NOT_FOUND")
    assert api("get_strategies", account="acct-b")["strategies"] == []
