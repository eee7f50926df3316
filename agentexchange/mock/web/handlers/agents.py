"""Web layer: HTTP handlers for agent management (openapi.yaml tag ``agents``).

docs/architecture.md "Web layer": thin glue onto ``domain/accounts.py`` (lifecycle, keys,
risk profile), ``domain/trading.py`` (reset, overview figures, a decision's order) and
``domain/journal.py`` (decision traces and analysis, feedback). The gatekeeper has
already refused agent keys here; ``Accounts.agent_of`` answers 404 for an unknown agent
and 403 for another account's, before anything of it is read. ``name`` and ``risk_config``
are seed 004's aliases, accepted as the document marks them.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from ...domain.accounts import Agent
from ...domain.journal import ApiCallRecord, DecisionRecord, FeedbackRecord, SignalRecord, Stats
from ..app import ApiRequest, Handler, Reply
from ..skill import render_skill
from ..spec import load_spec
from ._context import body_of, caller, decimal_field
from .strategies import number

if TYPE_CHECKING:
    from collections.abc import Mapping

    from ...domain.exchange import Exchange

CREATED = "Save your API key now. It will not be shown again."


@cache
def _document() -> Mapping[str, Any]:
    return load_spec().document


def _credentials(agent: Agent) -> dict[str, Any]:
    return {
        "agent_id": agent.id,
        "api_key": agent.api_key,
        "display_name": agent.display_name,
        "starting_balance": agent.starting_balance,
        "message": CREATED,
    }


def decision_body(d: DecisionRecord) -> dict[str, Any]:
    return {
        "id": d.id,
        "agent_id": d.agent_id,
        "trace_id": d.trace_id,
        "decision_type": d.decision_type,
        "symbol": d.symbol,
        "direction": d.direction,
        "confidence": d.confidence,
        "reasoning": d.reasoning,
        "market_snapshot": dict(d.market_snapshot) if d.market_snapshot is not None else None,
        "risk_assessment": dict(d.risk_assessment) if d.risk_assessment is not None else None,
        "order_id": d.order_id,
        "outcome_pnl": d.outcome_pnl,
        "outcome_recorded_at": d.outcome_recorded_at,
        "created_at": d.created_at,
    }


def _signal_body(s: SignalRecord) -> dict[str, Any]:
    return {
        "id": s.id,
        "trace_id": s.trace_id,
        "strategy_name": s.strategy_name,
        "symbol": s.symbol,
        "action": s.action,
        "confidence": s.confidence,
        "weight": s.weight,
        "signal_data": dict(s.signal_data),
        "created_at": s.created_at,
    }


def _call_body(c: ApiCallRecord) -> dict[str, Any]:
    return {
        "id": c.id,
        "trace_id": c.trace_id,
        "channel": c.channel,
        "endpoint": c.endpoint,
        "method": c.method,
        "status_code": c.status_code,
        "latency_ms": c.latency_ms,
        "request_size": c.request_size,
        "response_size": c.response_size,
        "error": c.error,
        "created_at": c.created_at,
    }


def _stats_body(s: Stats) -> dict[str, Any]:
    return {
        "total": s.total,
        "wins": s.wins,
        "losses": s.losses,
        "win_rate": number(s.win_rate),  # a JSON number, as the platform sends it
        "avg_pnl": s.avg_pnl,
        "avg_confidence": s.avg_confidence,
    }


def _feedback_body(f: FeedbackRecord) -> dict[str, Any]:
    return {
        "id": f.id,
        "agent_id": f.agent_id,
        "status": f.status,
        "resolution": f.resolution,
        "resolved_at": f.resolved_at,
        "updated": True,
    }


def handlers(ex: Exchange) -> dict[str, Handler]:
    accounts = ex.accounts
    trading = ex.trading

    def owned(request: ApiRequest) -> Agent:
        return accounts.agent_of(caller(request).account_id, request.path_params["agent_id"])

    def create_agent(request: ApiRequest) -> Any:
        body = body_of(request)
        agent = accounts.create_agent(
            caller(request).account_id,
            str(body.get("display_name") or body.get("name")),
            decimal_field(body, "starting_balance"),
            llm_model=body.get("llm_model"),
            framework=body.get("framework"),
            strategy_tags=body.get("strategy_tags"),
            risk_profile=body.get("risk_profile", body.get("risk_config")),
            color=body.get("color"),
        )
        return _credentials(agent)

    def list_agents(request: ApiRequest) -> Any:
        q = request.query
        agents = accounts.agents_of(
            caller(request).account_id, include_archived=q["include_archived"]
        )
        offset, limit = q["offset"], q["limit"]
        return {"agents": [a.view() for a in agents[offset : offset + limit]], "total": len(agents)}

    def get_agents_overview(request: ApiRequest) -> Any:
        agents = accounts.agents_of(caller(request).account_id, include_archived=False)
        return {"agents": [trading.agent_summary(a) for a in agents]}

    def get_agent(request: ApiRequest) -> Any:
        return owned(request).view()

    def update_agent(request: ApiRequest) -> Any:
        principal = caller(request)
        return accounts.update_agent(
            principal.account_id, request.path_params["agent_id"], body_of(request)
        ).view()

    def delete_agent(request: ApiRequest) -> Any:
        agent = owned(request)
        accounts.delete_agent(agent.account_id, agent.id)
        trading.forget_agent(agent.id)
        return Reply(status=204)

    def clone_agent(request: ApiRequest) -> Any:
        agent = owned(request)
        clone = accounts.clone_agent(agent.account_id, agent.id, request.query.get("new_name"))
        return _credentials(clone)

    def reset_agent(request: ApiRequest) -> Any:
        agent = owned(request)
        trading.reset(agent.id, decimal_field(body_of(request), "starting_balance"))
        return agent.view()

    def archive_agent(request: ApiRequest) -> Any:
        agent = owned(request)
        # An archived agent stops trading: its pending orders are cancelled, funds unlocked.
        trading.cancel_all_orders(agent.id)
        return accounts.archive_agent(agent.account_id, agent.id).view()

    def get_agent_api_key(request: ApiRequest) -> Any:
        agent = owned(request)
        return {
            "agent_id": agent.id,
            "api_key": agent.api_key,
            "message": "Current API key for this agent.",
        }

    def regenerate_agent_key(request: ApiRequest) -> Any:
        agent = owned(request)
        agent = accounts.regenerate_key(agent.account_id, agent.id)
        return {
            "agent_id": agent.id,
            "api_key": agent.api_key,
            "message": "API key regenerated. Save now — it will not be shown again.",
        }

    def get_agent_risk_profile(request: ApiRequest) -> Any:
        return owned(request).risk_view()

    def update_agent_risk(request: ApiRequest) -> Any:
        agent = owned(request)
        return accounts.set_risk_profile(agent.account_id, agent.id, body_of(request)).risk_view()

    def get_agent_skill(request: ApiRequest) -> Any:
        agent = owned(request)
        return Reply(
            render_skill(
                name=agent.display_name,
                agent_id=agent.id,
                api_key=agent.api_key,
                document=_document(),
            ),
            media_type="text/markdown",
        )

    def get_decision_trace(request: ApiRequest) -> Any:
        agent = owned(request)
        trace = ex.journal.trace(agent.id, request.path_params["trace_id"])
        decision = trace.decision
        order = trade = None
        if decision is not None and decision.order_id is not None:
            order, trade = trading.order_summary(agent.id, decision.order_id)
        return {
            "trace_id": trace.trace_id,
            "signals": [_signal_body(s) for s in trace.signals],
            "decision": decision_body(decision) if decision is not None else None,
            "api_calls": [_call_body(c) for c in trace.api_calls],
            "order": order,
            "trade": trade,
            # As on the platform: the outcome, once there is an order to have had one.
            "pnl": decision.outcome_pnl if decision is not None and decision.order_id else None,
        }

    def analyze_decisions(request: ApiRequest) -> Any:
        agent = owned(request)
        q = request.query
        analysis = ex.journal.analyze(
            agent.id,
            start=q.get("start"),
            end=q.get("end"),
            min_confidence=q.get("min_confidence"),
            direction=q.get("direction"),
            pnl_outcome=q["pnl_outcome"],
            limit=q["limit"],
        )
        return {
            **_stats_body(analysis.stats),
            "by_direction": {k: _stats_body(v) for k, v in analysis.by_direction.items()},
            "decisions": [decision_body(d) for d in analysis.decisions],
        }

    def update_feedback(request: ApiRequest) -> Any:
        agent = owned(request)
        body = body_of(request)
        return _feedback_body(
            ex.journal.update_feedback(
                agent.id, request.path_params["feedback_id"], body["status"], body.get("resolution")
            )
        )

    return {
        "get_decision_trace": get_decision_trace,
        "analyze_decisions": analyze_decisions,
        "update_feedback": update_feedback,
        "create_agent": create_agent,
        "list_agents": list_agents,
        "get_agents_overview": get_agents_overview,
        "get_agent": get_agent,
        "update_agent": update_agent,
        "delete_agent": delete_agent,
        "clone_agent": clone_agent,
        "reset_agent": reset_agent,
        "archive_agent": archive_agent,
        "get_agent_api_key": get_agent_api_key,
        "regenerate_agent_key": regenerate_agent_key,
        "get_agent_risk_profile": get_agent_risk_profile,
        "update_agent_risk": update_agent_risk,
        "get_agent_skill": get_agent_skill,
    }
