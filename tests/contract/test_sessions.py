"""The contract run's own backtest sessions (``contract/sessions.py``) against the real mock.

docs/architecture.md "Contract tests": a share of the session cases is pointed at a running
session of the run's own, ``start_backtest`` cases at a fresh one, and the sessions the run's
creates open are cancelled oldest first so the server's limit never blocks the stateful phase.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from agentexchange._document import load_document
from agentexchange._specfiles import spec_path
from agentexchange.contract.sessions import KEEP_OPEN, RunSessions
from agentexchange.mock.testing import MockServer


@pytest.fixture(scope="module")
def mock() -> Iterator[MockServer]:
    with MockServer(rate_limits=False) as server:
        yield server


@pytest.fixture
def headers(mock: MockServer) -> dict[str, str]:
    answer = httpx.post(
        f"{mock.base_url}/api/v1/auth/register",
        json={"display_name": "contract", "email": None, "password": None},
    )
    assert answer.status_code == 201, answer.text
    data = answer.json()
    return {"X-API-Key": data["api_key"], "X-Agent-Id": data["agent_id"]}


SCHEMA = load_document(spec_path("openapi.yaml")).raw


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10) as http:
        yield http


@pytest.fixture
def sessions(mock: MockServer, client: httpx.Client) -> RunSessions:
    return RunSessions(mock.base_url, SCHEMA, client=client)


def _status(mock: MockServer, headers: dict[str, str], session_id: str) -> Any:
    answer = httpx.get(f"{mock.base_url}/api/v1/backtest/{session_id}/status", headers=headers)
    return answer.json()["status"] if answer.status_code == 200 else answer.status_code


def test_running_gives_one_running_session_and_a_new_one_once_it_is_cancelled(
    mock: MockServer, headers: dict[str, str], sessions: RunSessions
) -> None:
    first = sessions.running(headers)
    assert first is not None and _status(mock, headers, first) == "running"
    assert sessions.running(headers) == first
    httpx.post(f"{mock.base_url}/api/v1/backtest/{first}/cancel", headers=headers)
    second = sessions.running(headers)
    assert second not in (None, first)
    assert second is not None and _status(mock, headers, second) == "running"


def test_fresh_sessions_are_created_not_started_and_the_oldest_cancelled_to_make_room(
    mock: MockServer, headers: dict[str, str], sessions: RunSessions
) -> None:
    made = [sessions.fresh(headers) for _ in range(KEEP_OPEN + 2)]
    assert None not in made
    statuses = [_status(mock, headers, str(session_id)) for session_id in made]
    # Each fresh() first leaves KEEP_OPEN - 1 of the earlier ones: the oldest are cancelled.
    assert statuses[-KEEP_OPEN:] == ["created"] * KEEP_OPEN
    assert set(statuses[:-KEEP_OPEN]) == {"cancelled"}


def test_a_recorded_session_is_cancelled_only_once_newer_ones_fill_the_room(
    mock: MockServer, headers: dict[str, str], sessions: RunSessions
) -> None:
    oldest = sessions.fresh(headers)
    assert oldest is not None
    for _ in range(KEEP_OPEN - 2):
        sessions.fresh(headers)
    sessions.make_room()
    assert _status(mock, headers, oldest) == "created"
    sessions.fresh(headers)
    sessions.make_room()
    assert _status(mock, headers, oldest) == "cancelled"


def test_an_unreachable_server_gives_none_and_never_raises(client: httpx.Client) -> None:
    sessions = RunSessions("http://127.0.0.1:9", SCHEMA, client=client)
    assert sessions.running({"X-API-Key": "ak_live_x"}) is None
    assert sessions.fresh({"X-API-Key": "ak_live_x"}) is None
    sessions.record("s", {})
    sessions.make_room()
