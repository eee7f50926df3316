"""The contract suite catches a defect in each family issue 14 added (webhooks, account mode,
strategy management, learning curves, agent decisions, health).

docs/architecture.md "Contract tests": as for the market price and the agents
(``test_contract_mock.py``), each run wraps the mock in a middleware that breaks one
documented answer of one operation, narrows the run to that operation and a healthy
neighbour, and expects the run to fail and to name exactly the broken one. The webhook
defect is the real platform's own: its 404 for an unknown subscription is FastAPI's
``{"detail": "<text>"}``, not the envelope the document states (docs/platform.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from defects import UUID, ASGIApp, on_success, rewrite

from agentexchange.contract.runner import ContractOptions, run
from agentexchange.mock.testing import MockServer

pytestmark = [pytest.mark.contract, pytest.mark.timeout(600)]


def _detail_404(status: int, doc: Any) -> tuple[int, Any]:
    if status != 404:
        return status, doc
    return status, {"detail": doc["error"]["message"]}  # the platform's webhook 404


@dataclass(frozen=True)
class Defect:
    family: str
    broken: str  # the label the run must name
    operations: tuple[str, ...]  # the broken operation and a healthy neighbour
    wrap: Callable[[ASGIApp], ASGIApp]


DEFECTS = [
    Defect(
        "webhooks",
        "GET /api/v1/webhooks/{webhook_id}",
        ("create_webhook", "get_webhook"),
        rewrite("GET", f"/api/v1/webhooks/{UUID}", _detail_404),
    ),
    Defect(
        "account mode",
        "GET /api/v1/account/mode",
        ("get_account_mode", "switch_account_mode"),
        rewrite("GET", "/api/v1/account/mode", on_success(lambda d: {**d, "mode": "paper"})),
    ),
    Defect(
        "strategy management",
        "DELETE /api/v1/strategies/{strategy_id}",
        ("create_strategy", "delete_strategy"),
        rewrite(
            "DELETE",
            f"/api/v1/strategies/{UUID}",
            lambda s, d: (204 if s == 200 else s, None if s == 200 else d),
        ),
    ),
    Defect(
        "learning curves",
        "GET /api/v1/training/runs/{run_id}/learning-curve",
        ("register_training_run", "get_learning_curve"),
        rewrite(
            "GET",
            f"/api/v1/training/runs/{UUID}/learning-curve",
            on_success(lambda d: {**d, "metric": None}),
        ),
    ),
    Defect(
        "agent decisions",
        "GET /api/v1/agents/{agent_id}/decisions/analyze",
        ("create_agent", "analyze_decisions"),
        rewrite(
            "GET",
            f"/api/v1/agents/{UUID}/decisions/analyze",
            on_success(lambda d: {**d, "win_rate": str(d["win_rate"])}),
        ),
    ),
    Defect(
        "health",
        "GET /health",
        ("get_health", "get_pairs"),
        rewrite(
            "GET", "/health", on_success(lambda d: {**d, "total_pairs": str(d["total_pairs"])})
        ),
    ),
]


@pytest.mark.parametrize("defect", DEFECTS, ids=[d.family for d in DEFECTS])
def test_a_defect_in_each_family_fails_the_run_naming_the_operation(
    defect: Defect, tmp_path: Path
) -> None:
    with MockServer(
        rate_limits=False, tick_interval=None, validate_responses=False, wrap=defect.wrap
    ) as mock:
        result = run(
            ContractOptions(
                base_url=mock.base_url,
                max_examples=10,
                seed=20261202,
                report_dir=tmp_path,
                operation_ids=defect.operations,
            ),
            echo=None,
        )
    report = result.summary.render()
    assert result.exit_code == 1, report
    assert result.summary.failed_operations == [defect.broken], report
