"""Domain layer: the records of a battle and its participants, and their wire views.

docs/architecture.md "Domain core" (battles). Plain state; ``service.Battles`` changes it
under its lock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from ..backtests import BacktestSession
from .standings import Standing


@dataclass(slots=True)
class Participant:
    id: str
    battle_id: str
    agent_id: str
    joined_at: datetime
    status: str = "active"
    snapshot_balance: Decimal | None = None
    final_equity: Decimal | None = None
    final_rank: int | None = None
    trades_before: int = 0  # the agent's live trades when the battle started

    def view(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "battle_id": self.battle_id,
            "agent_id": self.agent_id,
            "snapshot_balance": self.snapshot_balance,
            "final_equity": self.final_equity,
            "final_rank": self.final_rank,
            "status": self.status,
            "joined_at": self.joined_at,
        }


@dataclass(slots=True)
class Battle:
    id: str
    account_id: str
    name: str
    config: dict[str, Any]
    preset: str | None
    ranking_metric: str
    mode: str
    backtest_config: dict[str, Any] | None
    created_at: datetime
    status: str = "draft"
    started_at: datetime | None = None
    ended_at: datetime | None = None
    participants: dict[str, Participant] = field(default_factory=dict)  # agent_id -> it
    snapshots: list[dict[str, Any]] = field(default_factory=list)
    sessions: dict[str, BacktestSession] = field(default_factory=dict)  # historical engine
    last_snapshot: datetime | None = None
    final: list[Standing] | None = None

    @property
    def duration(self) -> timedelta | None:
        if self.mode != "live" or self.config.get("duration_type", "fixed") != "fixed":
            return None
        seconds = self.config.get("duration_seconds")
        return timedelta(seconds=int(seconds)) if seconds else None

    def view(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "account_id": self.account_id,
            "name": self.name,
            "status": self.status,
            "config": dict(self.config),
            "preset": self.preset,
            "ranking_metric": self.ranking_metric,
            "started_at": self.started_at,
            "ended_at": self.ended_at,
            "created_at": self.created_at,
            "participant_count": len(self.participants),
            "participants": [p.view() for p in self.participants.values()],
            "battle_mode": self.mode,
            "backtest_config": None if self.backtest_config is None else dict(self.backtest_config),
        }
