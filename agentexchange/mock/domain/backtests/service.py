"""Domain layer: ``Backtests``: an account's backtest sessions, their bounds, and the reads across them.

docs/architecture.md "Domain core": the session service the composition root constructs.
Sessions belong to the account that created them and run as one of its agents (the
caller's, or ``agent_id`` of the account): the agent's risk profile, read when the
session starts, applies to its orders. Another account's session does not exist for the
caller (404 ``BACKTEST_NOT_FOUND`` "not found", on every route). Bounds, each a clear 4xx:
at most ``MAX_UNFINISHED`` sessions created or running per account (409
``BACKTEST_LIMIT_EXCEEDED``); at most ``MAX_KEPT`` kept per account (creating one more
forgets the account's oldest finished session); a replayed range within the history —
from 1970 (400 ``BACKTEST_NO_DATA`` with details.earliest) to the exchange's clock (the
same, details.latest: the future is not history), at most ``MAX_RANGE_DAYS`` long,
starting on a whole candle_interval (422); steps per call by the document's schema. No HTTP here: ``web/handlers/backtest.py`` translates.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, TypeVar

from ..accounts import Accounts, permission_denied
from ..clock import SimClock
from ..errors import DomainError
from ..events import EventBus
from ..market import Market
from ..market.candles import INTERVAL_SECONDS
from ..orders import FEE_RATE
from ..risk import RiskProfile
from ..webhooks import BACKTEST_COMPLETED, account_event
from .session import BacktestSession, SessionConfig

MAX_UNFINISHED = 10
MAX_KEPT = 100
MAX_RANGE_DAYS = 366
MIN_BALANCE = Decimal(1)
MAX_BALANCE = Decimal(10_000_000)
MAX_FEE_RATE = Decimal("0.1")
BEST_METRICS = (
    "roi_pct",
    "sharpe_ratio",
    "sortino_ratio",
    "max_drawdown_pct",
    "win_rate",
    "profit_factor",
    "total_trades",
    "total_pnl",
)
_SUMMARY_METRICS = frozenset({"roi_pct", "total_pnl", "total_trades"})
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
T = TypeVar("T")


def _invalid(field: str, text: str, **details: Any) -> DomainError:
    return DomainError("VALIDATION_ERROR", text, 422, {"field": field, **details})


def _not_found(session_id: str) -> DomainError:
    return DomainError(
        "BACKTEST_NOT_FOUND",
        f"Backtest session '{session_id}' not found.",
        404,
        {"session_id": session_id},
    )


class Backtests:
    def __init__(
        self, clock: SimClock, market: Market, accounts: Accounts, events: EventBus | None = None
    ) -> None:
        self._clock = clock
        self._market = market
        self._accounts = accounts
        self._events = events  # backtest.completed goes out here (the webhook outbox listens)
        self._lock = threading.RLock()
        self._sessions: dict[str, BacktestSession] = {}  # insertion = creation order

    # ------------------------------------------------------------ create
    def create(
        self,
        account_id: str,
        caller_agent_id: str | None,
        *,
        start: datetime,
        end: datetime,
        starting_balance: Decimal,
        candle_interval: int = 60,
        pairs: Sequence[str] | None = None,
        strategy_label: str = "default",
        agent_id: str | None = None,
        exchange: str = "binance",
        fee_rate: Decimal | None = None,
    ) -> dict[str, Any]:
        """A new session in status created; its BacktestCreated answer."""
        agent = self._agent(account_id, agent_id or caller_agent_id)
        config = self._config(
            start, end, starting_balance, candle_interval, pairs, strategy_label, exchange, fee_rate
        )
        with self._lock:
            mine = [s for s in self._sessions.values() if s.account_id == account_id]
            unfinished = sum(1 for s in mine if not s.finished)
            if unfinished >= MAX_UNFINISHED:
                raise DomainError(
                    "BACKTEST_LIMIT_EXCEEDED",
                    f"At most {MAX_UNFINISHED} backtest sessions may be created or running at once; "
                    "finish or cancel one first.",
                    409,
                    {"limit": MAX_UNFINISHED, "active": unfinished},
                )
            finished = [s for s in mine if s.finished]
            for old in finished[: max(0, len(mine) + 1 - MAX_KEPT)]:
                del self._sessions[old.id]  # the oldest finished ones make room
            session = BacktestSession(
                str(uuid.uuid4()), account_id, agent, config, self._market, self._clock.now()
            )
            self._sessions[session.id] = session
            return {
                "session_id": session.id,
                "status": session.status,
                "total_steps": session.total_steps,
                "estimated_pairs": len(config.pairs),
                "agent_id": agent,
            }

    def _agent(self, account_id: str, agent_id: str | None) -> str:
        if agent_id is None:
            raise permission_denied("No agent context for these credentials.")
        agent = self._accounts.agent_of(account_id, agent_id)  # 404 unknown, 403 another's
        if agent.status == "archived":
            raise permission_denied("Agent is archived.")
        return agent.id

    def _config(
        self,
        start: datetime,
        end: datetime,
        starting_balance: Decimal,
        interval: int,
        pairs: Sequence[str] | None,
        strategy_label: str,
        exchange: str,
        fee_rate: Decimal | None,
    ) -> SessionConfig:
        if interval not in INTERVAL_SECONDS.values():
            raise _invalid(
                "candle_interval",
                f"candle_interval must be one of {sorted(INTERVAL_SECONDS.values())} seconds.",
            )
        if not MIN_BALANCE <= starting_balance <= MAX_BALANCE:
            raise _invalid(
                "starting_balance",
                f"starting_balance must be between {MIN_BALANCE} and {MAX_BALANCE}.",
            )
        if fee_rate is not None and not 0 <= fee_rate <= MAX_FEE_RATE:
            raise _invalid("fee_rate", f"fee_rate must be between 0 and {MAX_FEE_RATE}.")
        if end <= start:
            raise _invalid("end_time", "end_time must be after start_time.")
        if start < _EPOCH:
            raise DomainError(
                "BACKTEST_NO_DATA",
                f"Start time {start.isoformat()} is before earliest data ({_EPOCH.isoformat()}).",
                400,
                {"earliest": _EPOCH.isoformat()},
            )
        now = self._clock.now()
        if end > now:
            raise DomainError(
                "BACKTEST_NO_DATA",
                f"End time {end.isoformat()} is after the latest data ({now.isoformat()}).",
                400,
                {"latest": now.isoformat()},
            )
        if (end - start).total_seconds() > MAX_RANGE_DAYS * 86400:
            raise _invalid(
                "end_time",
                f"A backtest may span at most {MAX_RANGE_DAYS} days.",
                max_days=MAX_RANGE_DAYS,
            )
        offset = (start - _EPOCH).total_seconds()
        if offset != int(offset) or int(offset) % interval:
            raise _invalid(
                "start_time",
                f"start_time must fall on a whole candle_interval ({interval} s) since the epoch.",
            )
        if (end - start).total_seconds() < interval:
            raise _invalid("end_time", "The range holds no whole candle_interval.")
        if pairs:
            chosen = tuple(dict.fromkeys(pairs))
            for symbol in chosen:
                self._market.require(symbol)  # 400 INVALID_SYMBOL
        else:
            chosen = self._market.symbols
        return SessionConfig(
            start=start,
            end=end,
            starting_balance=starting_balance,
            interval=interval,
            pairs=chosen,
            pairs_requested=None if pairs is None else tuple(pairs),
            strategy_label=strategy_label,
            fee_rate=FEE_RATE if fee_rate is None else fee_rate,
            exchange=exchange,
        )

    def session_config(
        self,
        *,
        start: datetime,
        end: datetime,
        starting_balance: Decimal,
        candle_interval: int,
        pairs: Sequence[str] | None,
    ) -> SessionConfig:
        """A checked replay config on this engine's bounds (historical battles use it too)."""
        return self._config(
            start, end, starting_balance, candle_interval, pairs, "battle", "binance", None
        )

    # ------------------------------------------------------------ one session
    def _session(self, account_id: str, session_id: str) -> BacktestSession:
        session = self._sessions.get(str(session_id).lower())
        if session is None or session.account_id != account_id:
            raise _not_found(str(session_id))
        return session

    def run(self, account_id: str, session_id: str, action: Callable[[BacktestSession], T]) -> T:
        """``action`` on the account's session, under the service lock."""
        with self._lock:
            return action(self._session(account_id, session_id))

    def start(self, account_id: str, session_id: str) -> dict[str, Any]:
        with self._lock:
            session = self._session(account_id, session_id)
            agent = self._accounts.agent(session.agent_id)
            risk = agent.risk if agent is not None else RiskProfile()
            return session.start(self._clock.now(), risk)

    def step(
        self,
        account_id: str,
        session_id: str,
        steps: int = 1,
        *,
        fast: bool = False,
        every_fill: bool = False,
    ) -> dict[str, Any]:
        now = self._clock.now()
        with self._lock:
            session = self._session(account_id, session_id)
            answer = session.step(steps, now, fast=fast, every_fill=every_fill)
            completed = session.status == "completed" and answer.get("is_complete") is True
            summary = dict(session.summary or {})
        if completed and self._events is not None:
            # Outside the lock: a listener (the webhook outbox) takes its own.
            payload = {
                "backtest_id": session.id,
                "status": "completed",
                "roi_pct": summary.get("roi_pct"),
                "total_trades": summary.get("total_trades", 0),
                "final_equity": summary.get("final_equity"),
            }
            self._events.publish(BACKTEST_COMPLETED, account_event(account_id, payload))
        return answer

    def cancel(self, account_id: str, session_id: str) -> dict[str, Any]:
        now = self._clock.now()
        return self.run(account_id, session_id, lambda s: s.cancel(now))

    # ------------------------------------------------------------ across sessions
    def counts(self, account_id: str) -> tuple[int, int]:
        """The account's sessions running and completed (``GET /account/mode``)."""
        with self._lock:
            statuses = [s.status for s in self._sessions.values() if s.account_id == account_id]
        return statuses.count("running"), statuses.count("completed")

    def list(
        self,
        account_id: str,
        *,
        strategy_label: str | None = None,
        status: str | None = None,
        agent_id: str | None = None,
        sort_by: str = "created_at",
        limit: int = 50,
    ) -> dict[str, Any]:
        with self._lock:
            rows = [
                s.status_view()
                for s in reversed(self._sessions.values())  # newest first on ties
                if s.account_id == account_id
                and (strategy_label is None or s.config.strategy_label == strategy_label)
                and (status is None or s.status == status)
                and (agent_id is None or s.agent_id == agent_id)
            ]
        with_value = [r for r in rows if r.get(sort_by) is not None]
        with_value.sort(key=lambda r: r[sort_by], reverse=True)  # stable: newest first on ties
        ordered = with_value + [r for r in rows if r.get(sort_by) is None]
        page = ordered[:limit]
        return {"backtests": page, "total": len(page)}

    def compare(self, account_id: str, session_ids: Sequence[str]) -> dict[str, Any]:
        # Two ids are asked for; the same one twice compares a session with itself.
        ids = list(dict.fromkeys(str(i).lower() for i in session_ids))
        if len(session_ids) < 2:
            raise _invalid(
                "sessions",
                "At least 2 session IDs required for comparison.",
                message="At least 2 session IDs required for comparison.",
            )
        with self._lock:
            found = {
                i: s
                for i in ids
                if (s := self._sessions.get(i)) is not None and s.account_id == account_id
            }
            missing = [i for i in ids if i not in found]
            if missing:
                raise DomainError(
                    "BACKTEST_NOT_FOUND",
                    f"Sessions not found: {', '.join(missing)}",
                    404,
                    {"session_ids": missing},
                )
            rows = [_comparison(found[i]) for i in ids]
        best_roi = _best(rows, "roi_pct", max)
        best_sharpe = _best(rows, "sharpe_ratio", max)
        return {
            "comparisons": rows,
            "best_by_roi": best_roi,
            "best_by_sharpe": best_sharpe,
            "best_by_drawdown": _best(rows, "max_drawdown_pct", min),
            "recommendation": best_sharpe,
        }

    def best(
        self, account_id: str, metric: str = "roi_pct", strategy_label: str | None = None
    ) -> dict[str, Any]:
        if metric not in BEST_METRICS:
            raise _invalid(
                "metric",
                f"Invalid metric. Valid: {sorted(BEST_METRICS)}",
                message=f"Invalid metric. Valid: {sorted(BEST_METRICS)}",
            )
        with self._lock:
            completed = [
                s
                for s in reversed(self._sessions.values())
                if s.account_id == account_id
                and s.status == "completed"
                and (strategy_label is None or s.config.strategy_label == strategy_label)
            ]
            if not completed:
                raise DomainError(
                    "BACKTEST_NOT_FOUND", "No completed backtests found for this account.", 404
                )
            valued = [(s, _metric(s, metric)) for s in completed]
        known = [(s, v) for s, v in valued if v is not None]
        lowest_wins = metric == "max_drawdown_pct"
        chosen, value = (
            (min if lowest_wins else max)(known, key=lambda sv: sv[1]) if known else valued[0]
        )
        return {
            "session_id": chosen.id,
            "strategy_label": chosen.config.strategy_label,
            "metric": metric,
            "value": "N/A" if value is None else format(value, "f"),
        }


def _metric(session: BacktestSession, name: str) -> Decimal | None:
    if name in _SUMMARY_METRICS:
        value = (session.summary or {}).get(name)
        return None if value is None else Decimal(value)
    return (session.metrics or {}).get(name)


def _comparison(session: BacktestSession) -> dict[str, Any]:
    summary = session.summary or {}
    completed = session.status == "completed" and session.metrics is not None
    m = session.metrics if completed and session.metrics is not None else {}
    return {
        "session_id": session.id,
        "strategy_label": session.config.strategy_label,
        "roi_pct": summary.get("roi_pct", Decimal(0)),
        "sharpe_ratio": m.get("sharpe_ratio"),
        "max_drawdown_pct": m.get("max_drawdown_pct"),
        "total_trades": summary.get("total_trades", 0),
        "win_rate": m.get("win_rate"),
        "profit_factor": m.get("profit_factor"),
    }


def _best(
    rows: Sequence[dict[str, Any]],
    key: str,
    pick: Callable[..., Any],
) -> str | None:
    known = [r for r in rows if r[key] is not None]
    if not known:
        return None
    return str(pick(known, key=lambda r: r[key])["session_id"])
