"""Web layer: HTTP handlers for battles (openapi.yaml tag ``battles``).

docs/architecture.md "Web layer": thin glue onto ``domain/battles.py`` (``Exchange.battles``).
``app.py`` has routed, authenticated and validated the request (defaults filled in); each
handler names the caller's account and calls the service. Battles belong to the account:
any of its keys (or a JWT) sees the same battles.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..app import ApiRequest, Handler
from ._context import body_of, caller, decimal_field

if TYPE_CHECKING:
    from ...domain.exchange import Exchange


def handlers(ex: Exchange) -> dict[str, Handler]:
    battles = ex.battles

    def account(request: ApiRequest) -> str:
        return caller(request).account_id

    def battle_id(request: ApiRequest) -> str:
        return str(request.path_params["battle_id"])

    def agent_id(request: ApiRequest) -> str:
        return str(request.path_params["agent_id"])

    def create_battle(request: ApiRequest) -> Any:
        body = body_of(request)
        return battles.create(
            account(request),
            name=str(body["name"]),
            preset=body.get("preset"),
            config=body.get("config"),
            ranking_metric=str(body["ranking_metric"]),
            battle_mode=str(body["battle_mode"]),
            backtest_config=body.get("backtest_config"),
        )

    def list_battles(request: ApiRequest) -> Any:
        q = request.query
        return battles.listing(
            account(request), status=q.get("status"), limit=q["limit"], offset=q["offset"]
        )

    def delete_battle(request: ApiRequest) -> Any:
        battles.delete(account(request), battle_id(request))
        return None  # 204

    def remove_battle_participant(request: ApiRequest) -> Any:
        battles.remove_participant(account(request), battle_id(request), agent_id(request))
        return None  # 204

    def replay_battle(request: ApiRequest) -> Any:
        body = body_of(request)
        return battles.replay(
            account(request), battle_id(request), body.get("override_config"), body.get("agent_ids")
        )

    def battle_place_order(request: ApiRequest) -> Any:
        body = body_of(request)
        quantity = decimal_field(body, "quantity")
        assert quantity is not None  # the document requires it
        return battles.place_order(
            account(request),
            battle_id(request),
            str(body["agent_id"]),
            str(body["symbol"]),
            str(body["side"]),
            str(body["order_type"]),
            quantity,
            decimal_field(body, "price"),
        )

    return {
        "get_battle_presets": lambda r: battles.presets(),
        "create_battle": create_battle,
        "list_battles": list_battles,
        "get_battle": lambda r: battles.get(account(r), battle_id(r)),
        "update_battle": lambda r: battles.update(account(r), battle_id(r), body_of(r)),
        "delete_battle": delete_battle,
        "add_battle_participant": lambda r: battles.add_participant(
            account(r), battle_id(r), str(body_of(r)["agent_id"])
        ),
        "remove_battle_participant": remove_battle_participant,
        "start_battle": lambda r: battles.start(account(r), battle_id(r)),
        "pause_battle_participant": lambda r: battles.pause(account(r), battle_id(r), agent_id(r)),
        "resume_battle_participant": lambda r: battles.resume(
            account(r), battle_id(r), agent_id(r)
        ),
        "stop_battle": lambda r: battles.stop(account(r), battle_id(r)),
        "get_battle_live": lambda r: battles.live(account(r), battle_id(r)),
        "get_battle_results": lambda r: battles.results(account(r), battle_id(r)),
        "get_battle_replay": lambda r: battles.replay_data(
            account(r), battle_id(r), r.query["limit"], r.query["offset"]
        ),
        "replay_battle": replay_battle,
        "step_battle": lambda r: battles.step(account(r), battle_id(r)),
        "step_battle_batch": lambda r: battles.step(
            account(r), battle_id(r), int(body_of(r)["steps"])
        ),
        "battle_place_order": battle_place_order,
        "battle_get_prices": lambda r: battles.prices(account(r), battle_id(r)),
    }
