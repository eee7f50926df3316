"""Web layer: HTTP handlers for strategies, versions, deployment and strategy tests.

docs/architecture.md "Web layer": the mock serves openapi.yaml; ``app.py`` has already
routed, authenticated and validated the request against the document — absent members
carry the document's defaults, date-times and decimals arrive parsed — so a handler only
calls the domain (``Exchange.strategies``) and shapes the reply to the operation's
response schema. Strategy metrics are JSON *numbers* on the wire (as on the real
platform), while ``app.py`` writes ``Decimal`` as a string — so metrics become numbers
here, at the edge, and money (balances, equity, fees) stays a decimal string.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ...domain.strategies import StrategyInfo, TestResults, TestRunInfo, VersionInfo, VersionMetrics
from ...domain.strategies.ranking import Comparison
from ..app import ApiRequest, Handler
from ._context import caller

if TYPE_CHECKING:  # the composition root imports every domain part; handlers only need the type
    from ...domain.exchange import Exchange


def number(value: Decimal | int | None) -> int | float | None:
    """A metric as a JSON number. The Decimal is already quantized, so the float prints it exactly."""
    if value is None or isinstance(value, int):
        return value
    return int(value) if value == value.to_integral_value() else float(value)


def plain(value: Any) -> Any:
    """A client-supplied document (definition, config) with its numbers back as numbers."""
    if isinstance(value, Decimal):
        return number(value)
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def strategy_body(s: StrategyInfo) -> dict[str, Any]:
    return {
        "strategy_id": s.strategy_id,
        "name": s.name,
        "description": s.description,
        "current_version": s.current_version,
        "status": s.status,
        "deployed_at": s.deployed_at,
        "created_at": s.created_at,
        "updated_at": s.updated_at,
    }


def strategy_detail_body(s: StrategyInfo) -> dict[str, Any]:
    latest = s.latest_test
    latest_results: dict[str, Any] | None = None
    if latest is not None and latest.results is not None:
        latest_results = {
            "test_run_id": latest.test_run_id,
            "version": latest.version,
            "completed_at": latest.completed_at,
            **results_body(latest.results),
        }
    return {
        **strategy_body(s),
        "current_definition": plain(s.current_definition),
        "latest_test_results": latest_results,
    }


def version_body(v: VersionInfo) -> dict[str, Any]:
    return {
        "version_id": v.version_id,
        "strategy_id": v.strategy_id,
        "version": v.version,
        "definition": plain(v.definition),
        "change_notes": v.change_notes,
        "parent_version": v.parent_version,
        "status": v.status,
        "created_at": v.created_at,
    }


def results_body(r: TestResults) -> dict[str, Any]:
    return {
        "avg_roi_pct": number(r.avg_roi_pct),
        "avg_sharpe": number(r.avg_sharpe),
        "avg_max_drawdown_pct": number(r.avg_max_drawdown_pct),
        "best_roi_pct": number(r.best_roi_pct),
        "worst_roi_pct": number(r.worst_roi_pct),
        "total_trades": r.total_trades,
        "winning_trades": r.winning_trades,
        "win_rate": number(r.win_rate),
        "profit_factor": number(r.profit_factor),
        "episodes": [
            {
                "episode": e.episode,
                "start": e.start,
                "end": e.end,
                "roi_pct": number(e.roi_pct),
                "sharpe_ratio": number(e.sharpe_ratio),
                "max_drawdown_pct": number(e.max_drawdown_pct),
                "total_trades": e.total_trades,
                "win_rate": number(e.win_rate),
                "final_equity": e.final_equity,  # money: a decimal string
                "fees_paid": e.fees_paid,
            }
            for e in r.episodes
        ],
    }


def test_body(t: TestRunInfo) -> dict[str, Any]:
    return {
        "test_run_id": t.test_run_id,
        "strategy_id": t.strategy_id,
        "status": t.status,
        "episodes_total": t.episodes_total,
        "episodes_completed": t.episodes_completed,
        "progress_pct": number(t.progress_pct),
        "version": t.version,
        "created_at": t.created_at,
        "started_at": t.started_at,
        "completed_at": t.completed_at,
    }


def test_detail_body(t: TestRunInfo) -> dict[str, Any]:
    body = {
        **test_body(t),
        "results": results_body(t.results) if t.results is not None else None,
        "recommendations": list(t.recommendations) if t.recommendations is not None else None,
        "config": dict(t.config),
    }
    if t.error is not None:
        body["error"] = t.error
    return body


def _metrics_body(m: VersionMetrics) -> dict[str, Any]:
    return {
        "version": m.version,
        "avg_roi_pct": number(m.avg_roi_pct),
        "avg_sharpe": number(m.avg_sharpe),
        "avg_max_drawdown_pct": number(m.avg_max_drawdown_pct),
        "total_trades": m.total_trades,
        "episodes_completed": m.episodes_completed,
    }


def comparison_body(c: Comparison) -> dict[str, Any]:
    return {
        "strategies": [
            {
                "strategy_id": r.strategy_id,
                "name": r.name,
                "version": r.version,
                "status": r.status,
                "rank": r.rank,
                "metrics": {k: number(v) for k, v in r.metrics.items()},
                "deflated_sharpe": None
                if r.deflated_sharpe is None
                else {
                    "p_value": r.deflated_sharpe.p_value,
                    "is_significant": r.deflated_sharpe.is_significant,
                    "observed_sharpe": r.deflated_sharpe.observed_sharpe,
                    "deflated_sharpe": r.deflated_sharpe.deflated_sharpe,
                    "num_trials": r.deflated_sharpe.num_trials,
                },
                "has_test_results": r.has_test_results,
            }
            for r in c.strategies
        ],
        "winner_id": c.winner_id,
        "ranking_metric": c.ranking_metric,
        "recommendation": c.recommendation,
    }


def handlers(ex: Exchange) -> dict[str, Handler]:
    strategies = ex.strategies

    def create_strategy(req: ApiRequest) -> Any:
        body = req.body
        return strategy_body(
            strategies.create(
                caller(req).account_id, body["name"], body["definition"], body.get("description")
            )
        )

    def get_strategies(req: ApiRequest) -> Any:
        limit = req.query["limit"]
        offset = req.query["offset"]
        page, total = strategies.list_strategies(
            caller(req).account_id, status=req.query.get("status"), limit=limit, offset=offset
        )
        return {
            "strategies": [strategy_body(s) for s in page],
            "total": total,
            "limit": limit,
            "offset": offset,
        }

    def get_strategy(req: ApiRequest) -> Any:
        return strategy_detail_body(
            strategies.get(caller(req).account_id, req.path_params["strategy_id"])
        )

    def create_version(req: ApiRequest) -> Any:
        body = req.body
        return version_body(
            strategies.create_version(
                caller(req).account_id,
                req.path_params["strategy_id"],
                body["definition"],
                body.get("change_notes"),
            )
        )

    def get_versions(req: ApiRequest) -> Any:
        return [
            version_body(v)
            for v in strategies.versions(caller(req).account_id, req.path_params["strategy_id"])
        ]

    def get_version(req: ApiRequest) -> Any:
        return version_body(
            strategies.version(
                caller(req).account_id, req.path_params["strategy_id"], req.path_params["version"]
            )
        )

    def deploy_strategy(req: ApiRequest) -> Any:
        version = req.body["version"]  # required by the document, as on the platform
        return strategy_body(
            strategies.deploy(caller(req).account_id, req.path_params["strategy_id"], version)
        )

    def undeploy_strategy(req: ApiRequest) -> Any:
        return strategy_body(
            strategies.undeploy(caller(req).account_id, req.path_params["strategy_id"])
        )

    def run_test(req: ApiRequest) -> Any:
        # Dates and the balance arrive parsed, absent members with openapi.yaml's defaults.
        body = req.body
        run = strategies.run_test(
            caller(req).account_id,
            req.path_params["strategy_id"],
            version=body["version"],
            start=body["date_range"]["start"],
            end=body["date_range"]["end"],
            episodes=body["episodes"],
            episode_duration_days=body["episode_duration_days"],
            randomize_dates=body["randomize_dates"],
            starting_balance=body["starting_balance"],
            symbol=body.get("symbol"),
            interval=body.get("interval"),
        )
        return test_body(run)

    def get_strategy_test(req: ApiRequest) -> Any:
        return test_detail_body(
            strategies.test(
                caller(req).account_id, req.path_params["test_id"], req.path_params["strategy_id"]
            )
        )

    def get_test_status(req: ApiRequest) -> Any:
        return test_detail_body(strategies.test(caller(req).account_id, req.path_params["test_id"]))

    def compare_versions(req: ApiRequest) -> Any:
        c = strategies.compare_versions(
            caller(req).account_id, req.path_params["strategy_id"], req.query["v1"], req.query["v2"]
        )
        return {
            "v1": _metrics_body(c.v1),
            "v2": _metrics_body(c.v2),
            "improvements": {k: number(v) for k, v in c.improvements.items()},
            "verdict": c.verdict,
        }

    def update_strategy(req: ApiRequest) -> Any:
        body = req.body
        return strategy_body(
            strategies.update(
                caller(req).account_id,
                req.path_params["strategy_id"],
                name=body.get("name"),
                description=body.get("description"),
            )
        )

    def delete_strategy(req: ApiRequest) -> Any:
        return strategy_body(
            strategies.archive(caller(req).account_id, req.path_params["strategy_id"])
        )

    def compare_strategies(req: ApiRequest) -> Any:
        body = req.body
        return comparison_body(
            strategies.compare(caller(req).account_id, body["strategy_ids"], body["ranking_metric"])
        )

    def get_strategy_tests(req: ApiRequest) -> Any:
        return [
            test_body(t)
            for t in strategies.tests(caller(req).account_id, req.path_params["strategy_id"])
        ]

    def cancel_test(req: ApiRequest) -> Any:
        p = req.path_params
        return test_body(
            strategies.cancel_test(caller(req).account_id, p["strategy_id"], p["test_id"])
        )

    def get_latest_test_results(req: ApiRequest) -> Any:
        return test_detail_body(
            strategies.latest_results(caller(req).account_id, req.path_params["strategy_id"])
        )

    return {
        "update_strategy": update_strategy,
        "delete_strategy": delete_strategy,
        "compare_strategies": compare_strategies,
        "get_strategy_tests": get_strategy_tests,
        "cancel_test": cancel_test,
        "get_latest_test_results": get_latest_test_results,
        "create_strategy": create_strategy,
        "get_strategies": get_strategies,
        "get_strategy": get_strategy,
        "create_version": create_version,
        "get_versions": get_versions,
        "get_version": get_version,
        "deploy_strategy": deploy_strategy,
        "undeploy_strategy": undeploy_strategy,
        "run_test": run_test,
        "get_strategy_test": get_strategy_test,
        "get_test_status": get_test_status,
        "compare_versions": compare_versions,
    }
