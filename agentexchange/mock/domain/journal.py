"""Domain layer: an agent's decision journal — decisions, strategy signals, API calls — and its feedback.

docs/architecture.md "Domain core". On the platform these rows are written by the agent
runtime it hosts (not through the public API); the API reads them back
(``GET /agents/{id}/decisions/trace/{trace_id}``, ``…/decisions/analyze``) and moves
feedback through its lifecycle (``PATCH /agents/{id}/feedback/{fid}``). The mock has no
hosted runtime, so the records are written from Python (``record_decision``,
``record_signal``, ``record_api_call``, ``add_feedback``: tests, scripts) — there is no
admin route in the public API, as for the clock. Everything is per agent: a trace id
another agent used shows nothing here (the platform returns every agent's signals of a
trace id; docs/platform.md).
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from .clock import SimClock
from .errors import DomainError

DIRECTIONS = ("buy", "sell", "hold")
FEEDBACK_STATUSES = ("submitted", "acknowledged", "in_progress", "resolved", "wont_fix")


@dataclass(frozen=True, slots=True)
class DecisionRecord:
    id: str
    agent_id: str
    decision_type: str
    direction: str
    created_at: datetime
    trace_id: str | None = None
    symbol: str | None = None
    confidence: Decimal | None = None
    reasoning: str | None = None
    market_snapshot: Mapping[str, Any] | None = None
    risk_assessment: Mapping[str, Any] | None = None
    order_id: str | None = None
    outcome_pnl: Decimal | None = None
    outcome_recorded_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class SignalRecord:
    id: str
    agent_id: str
    trace_id: str
    strategy_name: str
    symbol: str
    action: str
    created_at: datetime
    confidence: Decimal | None = None
    weight: Decimal | None = None
    signal_data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ApiCallRecord:
    id: str
    agent_id: str
    trace_id: str
    channel: str
    endpoint: str
    latency_ms: Decimal
    created_at: datetime
    method: str | None = None
    status_code: int | None = None
    request_size: int | None = None
    response_size: int | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class FeedbackRecord:
    id: str
    agent_id: str
    category: str
    title: str
    description: str
    created_at: datetime
    status: str = "submitted"
    resolution: str | None = None
    resolved_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Trace:
    trace_id: str
    signals: tuple[SignalRecord, ...]
    decision: DecisionRecord | None
    api_calls: tuple[ApiCallRecord, ...]


@dataclass(frozen=True, slots=True)
class Stats:
    total: int
    wins: int
    losses: int
    win_rate: Decimal  # wins / total, 0 without decisions
    avg_pnl: Decimal | None
    avg_confidence: Decimal | None


@dataclass(frozen=True, slots=True)
class Analysis:
    stats: Stats
    by_direction: Mapping[str, Stats]
    decisions: tuple[DecisionRecord, ...]  # newest first


def _stats(decisions: tuple[DecisionRecord, ...]) -> Stats:
    """The platform's arithmetic (routes/agents.py analyze_decisions), in Decimal."""
    total = len(decisions)
    pnls = [d.outcome_pnl for d in decisions if d.outcome_pnl is not None]
    confidences = [d.confidence for d in decisions if d.confidence is not None]
    wins = sum(1 for p in pnls if p > 0)
    return Stats(
        total=total,
        wins=wins,
        losses=sum(1 for p in pnls if p < 0),
        win_rate=Decimal(wins) / total if total else Decimal(0),
        avg_pnl=sum(pnls, Decimal(0)) / len(pnls) if pnls else None,
        avg_confidence=sum(confidences, Decimal(0)) / len(confidences) if confidences else None,
    )


class Journal:
    def __init__(self, clock: SimClock) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._seq = 0
        self._decisions: list[tuple[int, DecisionRecord]] = []
        self._signals: list[SignalRecord] = []
        self._calls: list[ApiCallRecord] = []
        self._feedback: dict[str, FeedbackRecord] = {}

    # ------------------------------------------------------------ writing (from Python)
    def record_decision(
        self,
        agent_id: str,
        direction: str,
        *,
        decision_type: str = "trade",
        trace_id: str | None = None,
        symbol: str | None = None,
        confidence: Decimal | None = None,
        reasoning: str | None = None,
        market_snapshot: Mapping[str, Any] | None = None,
        risk_assessment: Mapping[str, Any] | None = None,
        order_id: str | None = None,
        outcome_pnl: Decimal | None = None,
        created_at: datetime | None = None,
    ) -> DecisionRecord:
        if direction not in DIRECTIONS:
            raise ValueError(f"direction must be one of {DIRECTIONS}")
        now = self._clock.now()
        record = DecisionRecord(
            id=str(uuid.uuid4()),
            agent_id=agent_id,
            decision_type=decision_type,
            direction=direction,
            created_at=created_at or now,
            trace_id=trace_id,
            symbol=symbol,
            confidence=confidence,
            reasoning=reasoning,
            market_snapshot=market_snapshot,
            risk_assessment=risk_assessment,
            order_id=order_id,
            outcome_pnl=outcome_pnl,
            outcome_recorded_at=now if outcome_pnl is not None else None,
        )
        with self._lock:
            self._seq += 1
            self._decisions.append((self._seq, record))
        return record

    def record_signal(
        self,
        agent_id: str,
        trace_id: str,
        strategy_name: str,
        symbol: str,
        action: str,
        *,
        confidence: Decimal | None = None,
        weight: Decimal | None = None,
        signal_data: Mapping[str, Any] | None = None,
    ) -> SignalRecord:
        record = SignalRecord(
            str(uuid.uuid4()),
            agent_id,
            trace_id,
            strategy_name,
            symbol,
            action,
            self._clock.now(),
            confidence,
            weight,
            dict(signal_data or {}),
        )
        with self._lock:
            self._signals.append(record)
        return record

    def record_api_call(
        self,
        agent_id: str,
        trace_id: str,
        channel: str,
        endpoint: str,
        latency_ms: Decimal,
        *,
        method: str | None = None,
        status_code: int | None = None,
        request_size: int | None = None,
        response_size: int | None = None,
        error: str | None = None,
    ) -> ApiCallRecord:
        record = ApiCallRecord(
            str(uuid.uuid4()),
            agent_id,
            trace_id,
            channel,
            endpoint,
            latency_ms,
            self._clock.now(),
            method,
            status_code,
            request_size,
            response_size,
            error,
        )
        with self._lock:
            self._calls.append(record)
        return record

    def add_feedback(
        self, agent_id: str, title: str, description: str = "", *, category: str = "feature_request"
    ) -> FeedbackRecord:
        record = FeedbackRecord(
            str(uuid.uuid4()), agent_id, category, title, description, self._clock.now()
        )
        with self._lock:
            self._feedback[record.id] = record
        return record

    # ------------------------------------------------------------ the API's reads
    def trace(self, agent_id: str, trace_id: str) -> Trace:
        """The agent's records of one trace id (empty, not 404, for an unknown one: as on
        the platform, a trace id is the runtime's, not a resource of the API)."""
        with self._lock:
            decisions = [
                d for _, d in self._decisions if d.agent_id == agent_id and d.trace_id == trace_id
            ]
            return Trace(
                trace_id,
                tuple(
                    s for s in self._signals if s.agent_id == agent_id and s.trace_id == trace_id
                ),
                decisions[-1] if decisions else None,
                tuple(c for c in self._calls if c.agent_id == agent_id and c.trace_id == trace_id),
            )

    def analyze(
        self,
        agent_id: str,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        min_confidence: Decimal | None = None,
        direction: str | None = None,
        pnl_outcome: str = "all",
        limit: int = 200,
    ) -> Analysis:
        """Statistics over the agent's newest ``limit`` decisions that pass the filters:
        created in [start, end), confidence at least ``min_confidence`` (decisions without
        one are left out then), the direction, a positive or negative outcome PnL."""
        with self._lock:
            mine = [(n, d) for n, d in self._decisions if d.agent_id == agent_id]

        def wanted(d: DecisionRecord) -> bool:
            if start is not None and d.created_at < start:
                return False
            if end is not None and d.created_at >= end:
                return False
            if min_confidence is not None and (
                d.confidence is None or d.confidence < min_confidence
            ):
                return False
            if direction is not None and d.direction != direction:
                return False
            if pnl_outcome == "positive":
                return d.outcome_pnl is not None and d.outcome_pnl > 0
            if pnl_outcome == "negative":
                return d.outcome_pnl is not None and d.outcome_pnl < 0
            return True

        newest = sorted(mine, key=lambda item: (item[1].created_at, item[0]), reverse=True)
        chosen = tuple(d for _, d in newest if wanted(d))[:limit]
        return Analysis(
            _stats(chosen),
            {
                name: _stats(tuple(d for d in chosen if d.direction == name))
                for name in sorted({d.direction for d in chosen})
            },
            chosen,
        )

    def update_feedback(
        self, agent_id: str, feedback_id: str, status: str, resolution: str | None = None
    ) -> FeedbackRecord:
        """A new status (and resolution, when given); resolved sets resolved_at."""
        if status not in FEEDBACK_STATUSES:
            raise DomainError(
                "VALIDATION_ERROR",
                f"status must be one of: {', '.join(FEEDBACK_STATUSES)}",
                422,
                {"field": "status"},
            )
        with self._lock:
            record = self._feedback.get(str(feedback_id))
            if record is None or record.agent_id != agent_id:
                raise DomainError(
                    "FEEDBACK_NOT_FOUND",
                    f"Feedback {feedback_id} not found.",
                    404,
                    {"feedback_id": str(feedback_id)},
                )
            changes: dict[str, Any] = {"status": status}
            if resolution is not None:
                changes["resolution"] = resolution
            if status == "resolved":
                changes["resolved_at"] = self._clock.now()
            record = replace(record, **changes)
            self._feedback[record.id] = record
            return record
