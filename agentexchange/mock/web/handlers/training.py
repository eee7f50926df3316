"""Web layer: HTTP handlers for training runs (register, report episodes, complete, read, learning curve, compare).

docs/architecture.md "Web layer": the mock serves openapi.yaml; the request arrives
routed, authenticated and validated, so these only call ``Exchange.training`` and shape
replies to the operation's schema. Training metrics are JSON numbers on the wire (as on
the real platform); see ``handlers/strategies.number``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...domain.training import TrainingRunInfo, episode_from
from ..app import ApiRequest, Handler
from ._context import caller
from .strategies import number, plain

if TYPE_CHECKING:
    from ...domain.exchange import Exchange


def run_body(r: TrainingRunInfo) -> dict[str, Any]:
    return {
        "run_id": r.run_id,
        "status": r.status,
        "config": plain(r.config) if r.config is not None else None,
        "episodes_total": r.episodes_total,
        "episodes_completed": r.episodes_completed,
        "started_at": r.started_at,
        "completed_at": r.completed_at,
    }


def _stats(r: TrainingRunInfo) -> dict[str, Any] | None:
    stats = r.aggregate_stats()
    return None if stats is None else {k: number(v) for k, v in stats.items()}


def run_detail_body(r: TrainingRunInfo) -> dict[str, Any]:
    curve = r.learning_curve()
    return {
        **run_body(r),
        "learning_curve": None
        if curve is None
        else {
            "episode_numbers": list(curve.episode_numbers),
            "raw_values": [number(v) for v in curve.raw_values],
            "smoothed_values": [number(v) for v in curve.smoothed_values],
            "metric": curve.metric,
            "window": curve.window,
        },
        "aggregate_stats": _stats(r),
        "episodes": [
            {
                "episode_number": e.episode_number,
                "session_id": e.session_id,
                "roi_pct": number(e.roi_pct),
                "sharpe_ratio": number(e.sharpe_ratio),
                "max_drawdown_pct": number(e.max_drawdown_pct),
                "total_trades": e.total_trades,
                "reward_sum": number(e.reward_sum),
            }
            for e in r.episodes
        ],
    }


def handlers(ex: Exchange) -> dict[str, Handler]:
    training = ex.training

    def register_training_run(req: ApiRequest) -> Any:
        body = req.body
        return run_body(
            training.register(
                caller(req).account_id, body["run_id"], body.get("config"), body.get("strategy_id")
            )
        )

    def get_training_runs(req: ApiRequest) -> Any:
        runs = training.list_runs(
            caller(req).account_id,
            status=req.query.get("status"),
            limit=req.query["limit"],
            offset=req.query["offset"],
        )
        return [run_body(r) for r in runs]

    def get_training_run(req: ApiRequest) -> Any:
        return run_detail_body(training.get(caller(req).account_id, req.path_params["run_id"]))

    def report_training_episode(req: ApiRequest) -> Any:
        episode = episode_from(req.body)
        return run_body(
            training.report_episode(caller(req).account_id, req.path_params["run_id"], episode)
        )

    def complete_training_run(req: ApiRequest) -> Any:
        return run_body(training.complete(caller(req).account_id, req.path_params["run_id"]))

    def compare_training_runs(req: ApiRequest) -> Any:
        # The parameter's pattern admits only comma-separated UUIDs: no empty part.
        runs = training.compare(caller(req).account_id, req.query["run_ids"].split(","))
        return {
            "runs": [
                {
                    "run_id": r.run_id,
                    "status": r.status,
                    "episodes_completed": r.episodes_completed,
                    "aggregate_stats": _stats(r),
                    "started_at": r.started_at,
                    "completed_at": r.completed_at,
                }
                for r in runs
            ]
        }

    def get_learning_curve(req: ApiRequest) -> Any:
        run = training.get(caller(req).account_id, req.path_params["run_id"])
        curve = run.curve(req.query["metric"], req.query["window"])
        return {
            "episode_numbers": list(curve.episode_numbers),
            "raw_values": [number(v) for v in curve.raw_values],
            "smoothed_values": [number(v) for v in curve.smoothed_values],
            "metric": curve.metric,
            "window": curve.window,
        }

    return {
        "get_learning_curve": get_learning_curve,
        "register_training_run": register_training_run,
        "get_training_runs": get_training_runs,
        "get_training_run": get_training_run,
        "report_training_episode": report_training_episode,
        "complete_training_run": complete_training_run,
        "compare_training_runs": compare_training_runs,
    }
