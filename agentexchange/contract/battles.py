"""Battles of the run's own, so a contract run's battle operations really succeed.

docs/architecture.md "Contract tests": the operations under ``/battles/{battle_id}/…``
answer 2xx only for a battle of the caller's in the right state (draft, active, paused
participant, completed, an active historical battle), and generated ids never name one
(404), so without help their success responses would go unchecked. ``RunBattles.prepare``
makes a battle in the state an operation needs, through the document's own operations
(``create_agent`` once for a rival of the run's own agent, ``create_battle``,
``add_battle_participant``, ``start_battle``, ``pause_battle_participant``,
``stop_battle``), and says which ``agent_id`` and (historical orders) which symbol to use.
The battles it made are deleted again, oldest first, beyond ``KEEP``: a server's bound on
the battles an account keeps then never refuses the run's own creates.

Nothing here may fail the run: any problem gives ``None`` and the case stays as generated.
Pure httpx and plain dicts, like ``sessions``; ``hooks`` wires it into schemathesis.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from .credentials import call_operation

BATTLE_ID = "battle_id"
START_BATTLE = "start_battle"
DELETE_BATTLE = "delete_battle"
KEEP = 8
# operationId -> the state the battle must be in for the operation to answer 2xx.
NEEDS = {
    "get_battle": "draft",
    "update_battle": "draft",
    "delete_battle": "draft",
    "add_battle_participant": "rival_only",
    "remove_battle_participant": "draft",
    "start_battle": "draft",
    "pause_battle_participant": "active",
    "resume_battle_participant": "paused",
    "stop_battle": "active",
    "get_battle_live": "active",
    "get_battle_results": "completed",
    "get_battle_replay": "completed",
    "replay_battle": "completed",
    "step_battle": "historical",
    "step_battle_batch": "historical",
    "battle_place_order": "historical",
    "battle_get_prices": "historical",
}


@dataclass(frozen=True, slots=True)
class Prepared:
    battle_id: str
    agent_id: str  # the run's own agent, a participant (except in ``rival_only``)
    symbol: str | None  # historical battles: a pair they trade


class RunBattles:
    """Battles of the run's own, each made for one case in the state its operation needs."""

    def __init__(
        self,
        base_url: str,
        raw_schema: Mapping[str, Any],
        window: Callable[[], dict[str, Any] | None],
        *,
        timeout: float = 10.0,
        client: httpx.Client | None = None,
    ) -> None:
        """``window()``: a servable backtest range (``sessions.RunSessions.window``)."""
        self.base_url = base_url.rstrip("/")
        self._schema = raw_schema
        self._window = window
        self._client = client or httpx.Client(timeout=timeout)
        self._lock = threading.Lock()
        self._rival: str | None = None
        self._made: deque[tuple[str, dict[str, str]]] = deque()

    def prepare(
        self, operation_id: str, headers: Mapping[str, str], own_agent: str
    ) -> Prepared | None:
        state = NEEDS.get(operation_id)
        if state is None:
            return None
        with self._lock:
            try:
                return self._prepare(state, dict(headers), own_agent)
            except (httpx.HTTPError, KeyError, ValueError, TypeError):
                return None

    def ready_to_start(self, battle_id: str, headers: Mapping[str, str], own_agent: str) -> None:
        """Enter the run's own agent and its rival in ``battle_id`` (a draft the stateful
        phase reached along a link), so that starting it can succeed: a battle starts with
        two participants, and the stateful phase alone only ever adds one agent, its own.
        A participant already entered is refused (409) and stays; nothing here fails."""
        with self._lock:
            try:
                rival = self._rival_agent(headers)
                for agent in (own_agent, rival):
                    if agent is not None:
                        self._call(
                            "add_battle_participant",
                            headers,
                            {BATTLE_ID: battle_id},
                            json={"agent_id": agent},
                        )
            except (httpx.HTTPError, KeyError, ValueError, TypeError):
                return

    def end_if_active(self, battle_id: str, headers: Mapping[str, str]) -> None:
        """Stop ``battle_id`` if it is active (a draft or an ended battle answers 409 and
        stays as it is); nothing here fails."""
        with self._lock:
            try:
                self._call("stop_battle", headers, {BATTLE_ID: battle_id})
            except (httpx.HTTPError, KeyError, ValueError, TypeError):
                return

    def _prepare(self, state: str, headers: dict[str, str], own: str) -> Prepared | None:
        self._make_room()
        rival = self._rival_agent(headers)
        if rival is None:
            return None
        body: dict[str, Any] = {"name": "contract battle", "config": {"duration_type": "unlimited"}}
        symbol = None
        if state == "historical":
            window = self._window()
            if window is None:
                return None
            symbol = str(window["pairs"][0])
            body = {
                "name": "contract history",
                "battle_mode": "historical",
                "config": {"starting_balance": window["starting_balance"]},
                "backtest_config": {
                    key: window[key] for key in ("start_time", "end_time", "candle_interval")
                }
                | {"pairs": [symbol]},
            }
        created = self._call("create_battle", headers, {}, json=body)
        battle_id = created.get("id") if created is not None else None
        if not isinstance(battle_id, str):
            return None
        self._made.append((battle_id, headers))
        path = {BATTLE_ID: battle_id}
        agents = [rival] if state == "rival_only" else [own, rival]
        for agent in agents:
            if (
                self._call("add_battle_participant", headers, path, json={"agent_id": agent})
                is None
            ):
                return None
        steps = {
            "active": ["start_battle"],
            "paused": ["start_battle", "pause_battle_participant"],
            "completed": ["start_battle", "stop_battle"],
            "historical": ["start_battle"],
        }.get(state, [])
        for step in steps:
            if self._call(step, headers, {**path, "agent_id": own}) is None:
                return None
        return Prepared(battle_id, own, symbol)

    def _rival_agent(self, headers: Mapping[str, str]) -> str | None:
        if self._rival is None:
            created = self._call(
                "create_agent", headers, {}, json={"display_name": "contract battle rival"}
            )
            agent = created.get("agent_id") if created is not None else None
            self._rival = agent if isinstance(agent, str) else None
        return self._rival

    def _make_room(self) -> None:
        while len(self._made) >= KEEP:
            battle_id, headers = self._made.popleft()
            # An active battle is cancelled (and can then be deleted); others are deleted.
            for _ in range(2):
                self._call("delete_battle", headers, {BATTLE_ID: battle_id})

    def _call(
        self,
        operation_id: str,
        headers: Mapping[str, str],
        path_parameters: Mapping[str, str],
        *,
        json: Any = None,
    ) -> Mapping[str, Any] | None:
        return call_operation(
            self._client,
            self.base_url,
            self._schema,
            operation_id,
            headers,
            path_parameters,
            json=json,
        )
