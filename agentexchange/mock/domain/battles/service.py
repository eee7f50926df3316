"""Domain layer: ``Battles``, the service — battles live on the exchange's clock or on history.

docs/architecture.md "Domain core". A battle is draft -> active -> completed | cancelled.
A live battle ranks its participants' own live wallets (``Trading``): equity is cash plus
open positions at market (the platform counts the cash only — a defect), return against
each participant's equity when the battle started; a fixed battle ends by itself when its
duration has passed on the exchange's clock; a paused participant's live orders are
refused (``Trading.order_guards``). A historical battle runs on the one backtest engine:
one ``BacktestSession`` per participant, all built from the same ``SessionConfig`` and
stepped together, so every participant steps the same history and sees the same prices.
Completion (stop, or a time limit) ranks the participants and publishes
``battle.completed`` for the webhook outbox. No HTTP here: ``web/handlers/battles.py``
translates.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from itertools import pairwise
from typing import Any

from ..accounts import Accounts
from ..backtests import Backtests, BacktestSession
from ..clock import SimClock
from ..errors import DomainError
from ..events import EventBus
from ..market import Market
from ..orders import q8
from ..risk import RiskProfile
from ..webhooks import BATTLE_COMPLETED, account_event
from .records import Battle, Participant
from .rules import (
    BATTLE_TOPIC,
    MAX_BATTLES,
    MAX_SNAPSHOTS,
    PRESET_CONFIG_KEYS,
    PRESETS,
    SNAPSHOT_EVERY_SECONDS,
    balance_of,
    checked_config,
    floor_time,
    invalid,
    invalid_state,
    not_found,
    parse_time,
    participant_not_found,
)
from .standings import HUNDRED, Q2, Standing, rank


class Battles:
    def __init__(
        self,
        clock: SimClock,
        market: Market,
        accounts: Accounts,
        backtests: Backtests,
        equity_of: Callable[[str], tuple[Decimal, list[Any]]],
        events: EventBus | None = None,
    ) -> None:
        """``equity_of(agent_id)`` -> (live equity at market, the agent's live trades)."""
        self._clock = clock
        self._market = market
        self._accounts = accounts
        self._backtests = backtests
        self._equity_of = equity_of
        self._events = events
        self._lock = threading.RLock()
        self._battles: dict[str, Battle] = {}

    # ------------------------------------------------------------ presets, create
    @staticmethod
    def presets() -> list[dict[str, Any]]:
        return [dict(p) for p in PRESETS]

    def create(
        self,
        account_id: str,
        *,
        name: str,
        preset: str | None = None,
        config: Mapping[str, Any] | None = None,
        ranking_metric: str = "roi_pct",
        battle_mode: str = "live",
        backtest_config: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        merged: dict[str, Any] = {}
        if preset is not None:
            found = next((p for p in PRESETS if p["key"] == preset), None)
            if found is None:  # the platform accepts it with an empty config (a defect)
                raise DomainError(
                    "VALIDATION_ERROR",
                    f"Unknown battle preset '{preset}'.",
                    422,
                    {"field": "preset", "allowed": [p["key"] for p in PRESETS]},
                )
            merged = {k: found[k] for k in PRESET_CONFIG_KEYS}
            merged["starting_balance"] = str(found["starting_balance"])
            merged["wallet_mode"] = "fresh"
        merged.update(checked_config(config or {}))
        historical = None
        if battle_mode == "historical":
            if backtest_config is None:
                raise invalid_state("backtest_config is required for historical battles.", "draft")
            historical = self._historical_config(backtest_config)
            self._check_historical(historical, merged)  # a clear 4xx now, not at start
        with self._lock:
            battle = Battle(
                id=str(uuid.uuid4()),
                account_id=account_id,
                name=name,
                config=merged,
                preset=preset,
                ranking_metric=ranking_metric,
                mode=battle_mode,
                backtest_config=historical,
                created_at=self._clock.now(),
            )
            self._make_room(account_id)
            self._battles[battle.id] = battle
            return battle.view()

    def _make_room(self, account_id: str) -> None:
        mine = [b for b in self._battles.values() if b.account_id == account_id]
        finished = [b for b in mine if b.status in ("completed", "cancelled")]
        excess = len(mine) + 1 - MAX_BATTLES
        if excess > 0 and len(finished) < excess:
            raise DomainError(
                "BATTLE_INVALID_STATE",
                f"At most {MAX_BATTLES} battles may be kept; delete a draft or active one first.",
                409,
                {"current_status": "draft", "limit": MAX_BATTLES},
            )
        for old in finished[: max(0, excess)]:
            del self._battles[old.id]

    @staticmethod
    def _historical_config(raw: Mapping[str, Any]) -> dict[str, Any]:
        def text(name: str) -> str:
            value = raw.get(name)
            if value is None:
                raise invalid(f"backtest_config.{name}", "is required.")
            return value.isoformat() if isinstance(value, datetime) else str(value)

        interval = raw.get("candle_interval", 60)
        if not isinstance(interval, int) or isinstance(interval, bool):
            raise invalid("backtest_config.candle_interval", "must be an integer (seconds).")
        pairs = raw.get("pairs")
        if pairs is not None and (
            not isinstance(pairs, list) or not all(isinstance(p, str) for p in pairs)
        ):
            raise invalid("backtest_config.pairs", "must be a list of symbols.")
        return {
            "start_time": text("start_time"),
            "end_time": text("end_time"),
            "candle_interval": interval,
            "pairs": list(pairs) if pairs else None,
        }

    def _check_historical(self, historical: Mapping[str, Any], config: Mapping[str, Any]) -> None:
        self._backtests.session_config(
            start=parse_time(historical["start_time"], "start_time"),
            end=parse_time(historical["end_time"], "end_time"),
            starting_balance=balance_of(config),
            candle_interval=int(historical["candle_interval"]),
            pairs=historical["pairs"],
        )

    # ------------------------------------------------------------ reads
    def _battle(self, account_id: str, battle_id: str) -> Battle:
        battle = self._battles.get(str(battle_id).lower())
        if battle is None or battle.account_id != account_id:
            raise not_found(str(battle_id))
        return battle

    def get(self, account_id: str, battle_id: str) -> dict[str, Any]:
        self.on_tick()
        with self._lock:
            return self._battle(account_id, battle_id).view()

    def listing(
        self, account_id: str, *, status: str | None, limit: int, offset: int
    ) -> dict[str, Any]:
        self.on_tick()
        with self._lock:
            mine = [
                b
                for b in reversed(self._battles.values())
                if b.account_id == account_id and (status is None or b.status == status)
            ]
            return {
                "battles": [b.view() for b in mine[offset : offset + limit]],
                "total": len(mine),
            }

    # ------------------------------------------------------------ draft changes
    def _draft(self, account_id: str, battle_id: str, message: str) -> Battle:
        battle = self._battle(account_id, battle_id)
        if battle.status != "draft":
            raise invalid_state(message, battle.status, "draft")
        return battle

    def update(self, account_id: str, battle_id: str, changes: Mapping[str, Any]) -> dict[str, Any]:
        with self._lock:
            battle = self._draft(account_id, battle_id, "Can only update battles in draft status.")
            if changes.get("name") is not None:
                battle.name = str(changes["name"])
            if changes.get("config") is not None:
                # Replaced wholesale, as on the platform.
                battle.config = checked_config(changes["config"])
            if changes.get("ranking_metric") is not None:
                battle.ranking_metric = str(changes["ranking_metric"])
            return battle.view()

    def delete(self, account_id: str, battle_id: str) -> None:
        """Delete it; an active battle is cancelled instead (kept), as on the platform."""
        with self._lock:
            battle = self._battle(account_id, battle_id)
            if battle.status == "active":
                battle.status, battle.ended_at = "cancelled", self._clock.now()
                battle.sessions.clear()
                for p in battle.participants.values():
                    p.status = "stopped"
            else:
                del self._battles[battle.id]

    def add_participant(self, account_id: str, battle_id: str, agent_id: str) -> dict[str, Any]:
        with self._lock:
            battle = self._battle(account_id, battle_id)
            if battle.status != "draft":
                raise invalid_state(
                    "Can only add participants to draft/pending battles.", battle.status
                )
            agent = self._accounts.agent_of(account_id, str(agent_id))  # 404 / 403
            if agent.id in battle.participants:  # the platform answers 500 (a defect)
                raise invalid_state("Agent is already a participant in this battle.", "draft")
            participant = Participant(str(uuid.uuid4()), battle.id, agent.id, self._clock.now())
            battle.participants[agent.id] = participant
            return participant.view()

    def remove_participant(self, account_id: str, battle_id: str, agent_id: str) -> None:
        with self._lock:
            battle = self._battle(account_id, battle_id)
            participant = battle.participants.get(str(agent_id).lower())
            if participant is None:
                raise participant_not_found()
            if battle.status != "draft":
                raise invalid_state(
                    "Can only remove participants from draft battles.", battle.status, "draft"
                )
            del battle.participants[participant.agent_id]

    # ------------------------------------------------------------ lifecycle
    def start(self, account_id: str, battle_id: str) -> dict[str, Any]:
        with self._lock:
            battle = self._battle(account_id, battle_id)
            if battle.status != "draft":  # the platform answers 200 again (a defect)
                raise invalid_state(
                    f"Cannot start a battle in '{battle.status}' status.", battle.status, "draft"
                )
            if len(battle.participants) < 2:
                raise invalid_state("Need at least 2 participants to start a battle.", "draft")
            now = self._clock.now()
            if battle.mode == "historical":
                self._start_historical(battle, now)
            else:
                for p in battle.participants.values():
                    equity, trades = self._equity_of(p.agent_id)
                    p.snapshot_balance, p.trades_before = q8(equity), len(trades)
            battle.status, battle.started_at = "active", now
            self._snapshot(battle, now)
            view = battle.view()
        self._publish(battle, "started")
        return view

    def _start_historical(self, battle: Battle, now: datetime) -> None:
        historical = battle.backtest_config
        assert historical is not None
        config = self._backtests.session_config(
            start=parse_time(historical["start_time"], "start_time"),
            end=parse_time(historical["end_time"], "end_time"),
            starting_balance=balance_of(battle.config),
            candle_interval=int(historical["candle_interval"]),
            pairs=historical["pairs"],
        )
        for p in battle.participants.values():
            agent = self._accounts.agent(p.agent_id)
            session = BacktestSession(
                str(uuid.uuid4()), battle.account_id, p.agent_id, config, self._market, now
            )
            session.start(now, agent.risk if agent is not None else RiskProfile())
            battle.sessions[p.agent_id] = session
            p.snapshot_balance = q8(config.starting_balance)

    def stop(self, account_id: str, battle_id: str) -> dict[str, Any]:
        with self._lock:
            battle = self._battle(account_id, battle_id)
            if battle.status != "active":
                raise invalid_state(
                    f"Cannot transition from '{battle.status}' to 'completed'.",
                    battle.status,
                    "active",
                )
            self._complete(battle, self._clock.now())
            view = battle.view()
        self._completed(battle)
        return view

    def _complete(self, battle: Battle, ended_at: datetime) -> None:
        standings = self._standings(battle)
        self._snapshot(battle, ended_at)
        for s in standings:
            p = battle.participants[s.agent_id]
            p.final_equity, p.final_rank, p.status = q8(s.equity), s.rank, "stopped"
        battle.final = standings
        battle.status, battle.ended_at = "completed", ended_at
        battle.sessions.clear()

    def _completed(self, battle: Battle) -> None:
        if self._events is not None:
            payload = {
                "battle_id": battle.id,
                "status": "completed",
                "name": battle.name,
                "ranking_metric": battle.ranking_metric,
            }
            self._events.publish(BATTLE_COMPLETED, account_event(battle.account_id, payload))
        self._publish(battle, "completed")

    def pause(self, account_id: str, battle_id: str, agent_id: str) -> dict[str, Any]:
        return self._set_status(account_id, battle_id, agent_id, "active", "paused")

    def resume(self, account_id: str, battle_id: str, agent_id: str) -> dict[str, Any]:
        return self._set_status(account_id, battle_id, agent_id, "paused", "active")

    def _set_status(
        self, account_id: str, battle_id: str, agent_id: str, old: str, new: str
    ) -> dict[str, Any]:
        self.on_tick()
        with self._lock:
            battle = self._battle(account_id, battle_id)
            participant = battle.participants.get(str(agent_id).lower())
            if participant is None:
                raise participant_not_found()
            if battle.status != "active":
                raise invalid_state(
                    "Participants can be paused or resumed only in an active battle.",
                    battle.status,
                    "active",
                )
            if participant.status != old:
                raise invalid_state(
                    f"Agent is {participant.status}, not {old}.", participant.status
                )
            participant.status = new
            return participant.view()

    def refuse_paused(self, agent_id: str) -> None:
        """The live order guard: 409 while the agent is paused in an active live battle."""
        with self._lock:
            for battle in self._battles.values():
                p = battle.participants.get(agent_id)
                if (
                    p
                    and p.status == "paused"
                    and battle.status == "active"
                    and battle.mode == "live"
                ):
                    raise invalid_state(
                        f"Agent is paused in battle '{battle.id}'; resume it to trade.", "paused"
                    )

    # ------------------------------------------------------------ the clock
    def on_tick(self) -> None:
        """Live battles: a snapshot every few seconds; a fixed battle ends at its time limit."""
        now = self._clock.now()
        ended: list[Battle] = []
        with self._lock:
            for battle in list(self._battles.values()):
                if battle.status != "active" or battle.mode != "live":
                    continue
                limit = battle.duration
                assert battle.started_at is not None
                if limit is not None and now >= battle.started_at + limit:
                    self._complete(battle, battle.started_at + limit)
                    ended.append(battle)
                elif (
                    battle.last_snapshot is None
                    or (now - battle.last_snapshot).total_seconds() >= SNAPSHOT_EVERY_SECONDS
                ):
                    self._snapshot(battle, now)
                    self._publish(battle, "ranking")
        for battle in ended:
            self._completed(battle)

    # ------------------------------------------------------------ standings
    def _standings(self, battle: Battle) -> list[Standing]:
        standings: list[Standing] = []
        prices = self._prices(battle) if battle.sessions else None
        for p in battle.participants.values():
            start = p.snapshot_balance if p.snapshot_balance is not None else Decimal(0)
            if p.agent_id in battle.sessions:
                session = battle.sessions[p.agent_id]
                assert session.sandbox is not None and prices is not None
                if session.status == "completed" and session.summary is not None:
                    equity = Decimal(session.summary["final_equity"])
                else:
                    equity = session.sandbox.equity(prices)
                trades = list(session.sandbox.book.trades)
            elif battle.mode == "live" and battle.status in ("draft", "active"):
                equity, all_trades = self._equity_of(p.agent_id)
                trades = list(all_trades[p.trades_before :])
                if battle.status == "draft":
                    start, trades = equity, []
            else:  # finished: the figures kept at the end
                kept = next((s for s in battle.final or [] if s.agent_id == p.agent_id), None)
                if kept is not None:
                    standings.append(kept)
                    continue
                equity, trades = p.final_equity or start, []
            pnls: list[Decimal] = [t.pnl for t in trades if t.pnl is not None]
            standing = Standing(
                agent_id=p.agent_id,
                equity=equity,
                start=start,
                trades=len(trades),
                wins=sum(1 for x in pnls if x > 0),
                gains=sum((x for x in pnls if x > 0), Decimal(0)),
                losses=-sum((x for x in pnls if x < 0), Decimal(0)),
                returns=self._returns(battle, p.agent_id, equity),
                trades_closing_losses=sum(1 for x in pnls if x <= 0),
            )
            standings.append(standing)
        return rank(standings, battle.ranking_metric)

    @staticmethod
    def _returns(battle: Battle, agent_id: str, now: Decimal) -> list[Decimal]:
        series = [Decimal(s["equity"]) for s in battle.snapshots if s["agent_id"] == agent_id]
        series.append(now)
        return [(b - a) / a for a, b in pairwise(series) if a]

    def _snapshot(self, battle: Battle, now: datetime) -> None:
        stamp = now
        if battle.mode == "historical" and battle.sessions:
            stamp = next(iter(battle.sessions.values())).clock()
        for s in self._standings(battle):
            battle.snapshots.append(
                {
                    "agent_id": s.agent_id,
                    "timestamp": stamp,
                    "equity": q8(s.equity),
                    "unrealized_pnl": None,
                    "realized_pnl": q8(s.gains - s.losses),
                    "trade_count": s.trades,
                    "open_positions": self._open_positions(battle, s.agent_id),
                }
            )
        del battle.snapshots[: max(0, len(battle.snapshots) - MAX_SNAPSHOTS)]
        battle.last_snapshot = now

    @staticmethod
    def _open_positions(battle: Battle, agent_id: str) -> int:
        session = battle.sessions.get(agent_id)
        if session is None or session.sandbox is None:
            return 0
        return sum(
            1 for asset, b in session.sandbox.book.wallet.items() if asset != "USDT" and b.total
        )

    def live(self, account_id: str, battle_id: str) -> dict[str, Any]:
        self.on_tick()
        now = self._clock.now()
        with self._lock:
            battle = self._battle(account_id, battle_id)
            standings = self._standings(battle)
            elapsed = remaining = None
            if battle.started_at is not None:
                end = battle.ended_at or now
                elapsed = (end - battle.started_at).total_seconds() / 60
                if battle.duration is not None and battle.status == "active":
                    remaining = max(
                        0.0, (battle.started_at + battle.duration - now).total_seconds() / 60
                    )
            return {
                "battle_id": battle.id,
                "status": battle.status,
                "elapsed_minutes": elapsed,
                "remaining_minutes": remaining,
                "participants": [self._standing_view(battle, s) for s in standings],
                "updated_at": now,
            }

    def _standing_view(self, battle: Battle, s: Standing) -> dict[str, Any]:
        agent = self._accounts.agent(s.agent_id)
        return {
            "agent_id": s.agent_id,
            "display_name": agent.display_name if agent is not None else s.agent_id,
            "avatar_url": agent.avatar_url if agent is not None else None,
            "color": agent.color if agent is not None else None,
            "current_equity": q8(s.equity),
            "roi_pct": s.roi_pct.quantize(Q2),
            "total_pnl": q8(s.total_pnl),
            "total_trades": s.trades,
            "win_rate": s.win_rate,
            "sharpe_ratio": s.sharpe_ratio,
            "max_drawdown_pct": None,
            "rank": s.rank if battle.status != "draft" else None,
            "status": battle.participants[s.agent_id].status,
        }

    def results(self, account_id: str, battle_id: str) -> dict[str, Any]:
        self.on_tick()
        with self._lock:
            battle = self._battle(account_id, battle_id)
            if battle.status != "completed":
                raise invalid_state("Battle is not completed yet.", battle.status, "completed")
            return {
                "battle_id": battle.id,
                "name": battle.name,
                "ranking_metric": battle.ranking_metric,
                "started_at": battle.started_at,
                "ended_at": battle.ended_at,
                "participants": [
                    {
                        "agent_id": s.agent_id,
                        "rank": s.rank,
                        "final_equity": q8(s.equity),
                        "snapshot_balance": q8(s.start),
                        "status": battle.participants[s.agent_id].status,
                        "roi_pct": s.roi_pct.quantize(Q2),
                        "total_pnl": q8(s.total_pnl),
                    }
                    for s in battle.final or []
                ],
            }

    def replay_data(
        self, account_id: str, battle_id: str, limit: int, offset: int
    ) -> dict[str, Any]:
        self.on_tick()
        with self._lock:
            battle = self._battle(account_id, battle_id)
            if battle.status != "completed":
                raise invalid_state(
                    "Replay data is available once the battle completed.",
                    battle.status,
                    "completed",
                )
            return {
                "battle_id": battle.id,
                "snapshots": [dict(s) for s in battle.snapshots[offset : offset + limit]],
                "total": len(battle.snapshots),
            }

    def replay(
        self,
        account_id: str,
        battle_id: str,
        override: Mapping[str, Any] | None,
        agent_ids: Sequence[str] | None,
    ) -> dict[str, Any]:
        """A new draft historical battle over a completed battle's span (or ``override``)."""
        self.on_tick()
        with self._lock:
            source = self._battle(account_id, battle_id)
            if source.status != "completed":
                raise invalid_state(
                    "Can only replay completed battles.", source.status, "completed"
                )
            assert source.started_at is not None and source.ended_at is not None
            if source.backtest_config is not None:
                base = dict(source.backtest_config)
            else:
                interval = 60
                # Whole minutes within the history (the end is in the past): at least one.
                end = floor_time(source.ended_at, interval)
                start = min(
                    floor_time(source.started_at, interval), end - timedelta(seconds=interval)
                )
                base = {
                    "start_time": start.isoformat(),
                    "end_time": end.isoformat(),
                    "candle_interval": interval,
                    "pairs": source.config.get("allowed_pairs"),
                }
            base.update(override or {})
            agents = list(agent_ids) if agent_ids else list(source.participants)
            config = dict(source.config)
            config.pop("duration_type", None)
            config.pop("duration_seconds", None)
        created = self.create(
            account_id,
            name=f"Replay: {source.name}"[:200],
            config=config,
            ranking_metric=source.ranking_metric,
            battle_mode="historical",
            backtest_config=base,
        )
        for agent_id in agents:
            self.add_participant(account_id, created["id"], agent_id)
        return self.get(account_id, created["id"])

    # ------------------------------------------------------------ historical engine
    def _historical(self, account_id: str, battle_id: str) -> Battle:
        battle = self._battle(account_id, battle_id)
        if battle.mode != "historical":
            raise invalid_state("This is available only for historical battles.", battle.status)
        if battle.status != "active" or not battle.sessions:
            raise invalid_state(
                "Historical battle engine not found (the battle is not active).",
                battle.status,
                "active",
            )
        return battle

    @staticmethod
    def _prices(battle: Battle) -> dict[str, Decimal]:
        # Every session replays the same SessionConfig: the first one's prices are everyone's.
        first = next(iter(battle.sessions.values()))
        return first.prices()

    def step(self, account_id: str, battle_id: str, steps: int = 1) -> dict[str, Any]:
        now = self._clock.now()
        with self._lock:
            battle = self._historical(account_id, battle_id)
            first = next(iter(battle.sessions.values()))
            if first.finished:
                raise invalid_state("The historical battle has no steps left; stop it.", "active")
            for session in battle.sessions.values():
                session.step(steps, now)
            self._snapshot(battle, now)
            standings = {s.agent_id: s for s in self._standings(battle)}
            view = {
                "battle_id": battle.id,
                "virtual_time": first.clock(),
                "step": first.current,
                "total_steps": first.total_steps,
                "progress_pct": (
                    Decimal(first.current) * HUNDRED / first.total_steps
                    if first.total_steps
                    else HUNDRED
                ).quantize(Q2),
                "is_complete": first.current >= first.total_steps,
                "prices": self._prices(battle),
                "participants": [
                    {
                        "agent_id": agent_id,
                        "equity": q8(standings[agent_id].equity),
                        "pnl": q8(standings[agent_id].total_pnl),
                        "trade_count": standings[agent_id].trades,
                    }
                    for agent_id in battle.participants
                ],
            }
        self._publish(battle, "ranking")
        return view

    def place_order(
        self,
        account_id: str,
        battle_id: str,
        agent_id: str,
        symbol: str,
        side: str,
        order_type: str,
        quantity: Decimal,
        price: Decimal | None,
    ) -> dict[str, Any]:
        with self._lock:
            battle = self._historical(account_id, battle_id)
            participant = battle.participants.get(str(agent_id).lower())
            if participant is None:  # the platform answers 500 (a defect)
                raise participant_not_found()
            if participant.status != "active":
                raise invalid_state(
                    f"Agent is {participant.status} in this battle; resume it to trade.",
                    participant.status,
                    "active",
                )
            session = battle.sessions[participant.agent_id]
            if session.finished:
                raise invalid_state("The historical battle has no steps left; stop it.", "active")
            if order_type != "market" and price is None:
                raise DomainError(
                    "VALIDATION_ERROR",
                    f"A {order_type} order needs a price.",
                    422,
                    {"field": "price"},
                )
            placed = session.place_order(symbol, side, order_type, quantity, price)
            return {
                "order_id": placed["order_id"],
                "status": placed["status"],
                "executed_price": placed.get("executed_price"),
                "executed_qty": placed.get("executed_qty"),
                "fee": placed.get("fee"),
            }

    def prices(self, account_id: str, battle_id: str) -> dict[str, Any]:
        with self._lock:
            battle = self._historical(account_id, battle_id)
            first = next(iter(battle.sessions.values()))
            return {
                "battle_id": battle.id,
                "virtual_time": first.clock(),
                "prices": self._prices(battle),
            }

    # ------------------------------------------------------------ the WebSocket feed
    def _publish(self, battle: Battle, event: str) -> None:
        if self._events is None or not self._events.has_listeners(BATTLE_TOPIC):
            return
        with self._lock:
            standings = battle.final if battle.final is not None else self._standings(battle)
            ranking = [
                {
                    "agent_id": s.agent_id,
                    "rank": s.rank,
                    "equity": q8(s.equity),
                    "roi_pct": s.roi_pct.quantize(Q2),
                }
                for s in standings
            ]
        self._events.publish(
            BATTLE_TOPIC,
            {
                "battle_id": battle.id,
                "account_id": battle.account_id,
                "event": event,
                "status": battle.status,
                "ranking": ranking,
                "timestamp": self._clock.now(),
            },
        )
