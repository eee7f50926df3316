"""The contract suite against the reference mock: it passes whole, and it can fail.

docs/architecture.md "Contract tests": in CI the suite runs against the mock with all
checks and the stateful phase and must pass with zero failures; every operation of the
document and every enabled check must have actually run (read back from the reports, so a
silently skipped operation fails). The second test wraps the mock in a middleware that
breaks one documented field and expects the run to fail and to name that operation. A
third wraps it in a middleware that stops checking who owns an agent, and expects the
object-level authorization probes (a second account reading the first one's agent) to
catch it. The mock is a hard requirement here: no skip hides it.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from defects import (
    ASGIApp,
    Receive,
    Scope,
    Send,
    battle_count_as_string,
    price_as_number,
    registration_closed_after,
    session_equity_as_number,
)

from agentexchange._specfiles import spec_path
from agentexchange.contract import policy
from agentexchange.contract.runner import ContractOptions, ContractResult, run
from agentexchange.contract.summary import spec_operations
from agentexchange.mock.domain.gatekeeper import FAILED_AUTH_LIMIT
from agentexchange.mock.testing import MockServer

# Enough cases per operation to mean something, small enough for CI on two cores.
CI_MAX_EXAMPLES = 25
SEED = 20261125
PRICE_LABEL = "GET /api/v1/market/price/{symbol}"

pytestmark = [pytest.mark.contract, pytest.mark.timeout(600)]


def _run(mock: MockServer, report_dir: Path, **kwargs: Any) -> ContractResult:
    options = ContractOptions(
        base_url=mock.base_url,
        max_examples=CI_MAX_EXAMPLES,
        seed=SEED,
        report_dir=report_dir,
        **kwargs,
    )
    return run(options, echo=None)


def test_the_mock_passes_every_check_on_every_operation(tmp_path: Path) -> None:
    with MockServer(rate_limits=False, tick_interval=1.0, validate_responses=False) as mock:
        # The other limits stay off (the suite would mostly measure them); the failed-
        # authentication limit is on: the suite's deliberate probes must stay within it.
        gatekeeper = mock.exchange.gatekeeper
        gatekeeper.failed_auth_limit = FAILED_AUTH_LIMIT
        result = _run(mock, tmp_path)
    report = result.summary.render()
    assert gatekeeper.failed_auth_refusals == 0, report
    assert result.summary.probes.get("ignored_auth", 0) > 0, report
    assert result.summary.probes.get("object_level_authorization", 0) > 0, report
    assert result.summary.skipped == {}, report

    assert result.summary.failures == [], report
    assert result.exit_code == 0, report

    # Every operation of the document reached the server (JUnit: one test case per operation).
    junit = ET.parse(tmp_path / "junit.xml").getroot()
    tested = {case.get("name") for case in junit.iter("testcase")}
    labels = spec_operations(spec_path("openapi.yaml"))
    missing = sorted(op for op, label in labels.items() if label not in tested)
    assert missing == [], f"operations never tested: {missing}"
    assert result.summary.untested_operations == []
    assert not [
        c
        for c in junit.iter("testcase")
        if c.find("failure") is not None or c.find("error") is not None
    ]

    # Every enabled check ran on real responses (counted from the event log).
    assert {name for name, (ran, _) in result.summary.checks.items() if ran} == set(
        policy.CHECKS
    ), report
    verdict = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert verdict["operations"]["tested"] == len(labels)
    assert all(phase["status"] != "skip" for phase in verdict["phases"].values()), verdict["phases"]

    # The run's own auth worked both ways: an API-key-first and a JWT-first operation succeeded.
    assert result.summary.successes.get(labels["get_balance"], 0) > 0, report
    assert result.summary.successes.get(labels["list_agents"], 0) > 0, report
    # object_level_authorization had a second account to probe with.
    assert "peer" in _identities(tmp_path / "events.ndjson")
    # Orders were placed (the hooks name the run's agent) and their responses checked.
    assert result.summary.successes.get(labels["place_order"], 0) > 0, report
    trading = {
        op for op, label in labels.items() if label.split(" ", 1)[1].startswith("/api/v1/trade/")
    }
    # Every trading operation answered 2xx at least once, cancel_order included: the hooks
    # place a pending limit buy for half its cases and cancel that (issue 17).
    assert trading & set(result.summary.operations_without_success) == set(), report
    assert result.summary.successes.get(labels["cancel_order"], 0) > 0, report


def test_without_a_peer_account_the_run_fails_naming_the_skipped_check_unless_allowed(
    tmp_path: Path,
) -> None:
    operations = ("create_agent", "get_agent", "list_agents")
    outcomes = {}
    for allow in ((), ("object_level_authorization",)):
        with MockServer(
            rate_limits=False,
            tick_interval=None,
            validate_responses=False,
            wrap=registration_closed_after(1),
        ) as mock:
            outcomes[allow] = _run(
                mock, tmp_path / str(len(allow)), operation_ids=operations, allow_skipped=allow
            )
    refused, allowed = outcomes[()], outcomes[("object_level_authorization",)]
    report = refused.summary.render()
    assert refused.exit_code == 1, report
    assert refused.summary.failures == [], report
    assert list(refused.summary.skipped) == ["object_level_authorization"], report
    assert "object_level_authorization" in report and "SKIPPED: no second account" in report
    assert "--allow-skipped" in report
    assert allowed.exit_code == 0, allowed.summary.render()


def _identities(events: Path) -> set[str]:
    seen: set[str] = set()
    for line in events.read_text(encoding="utf-8").splitlines():
        finished = json.loads(line).get("ScenarioFinished")
        for case in ((finished or {}).get("recorder") or {}).get("cases", {}).values():
            identity = case["value"].get("auth_identity")
            if identity:
                seen.add(identity)
    return seen


def test_a_server_that_breaks_one_field_fails_the_run_naming_the_operation(tmp_path: Path) -> None:
    with MockServer(
        rate_limits=False, tick_interval=None, validate_responses=False, wrap=price_as_number
    ) as mock:
        # Narrowed to two operations: the defective one, and a healthy one that must stay clean.
        result = _run(mock, tmp_path, operation_ids=("get_price", "get_pairs"))
    report = result.summary.render()

    assert result.exit_code == 1, report
    assert result.summary.failed_operations == [PRICE_LABEL], report
    assert result.summary.checks["response_schema_conformance"][1] > 0, report
    assert PRICE_LABEL in report and "curl -X GET" in report
    assert "/api/v1/market/price/" in next(c for f in result.summary.failures for c in f.curls)


AGENT_PATH = re.compile(r"^/api/v1/agents/[0-9a-f-]{36}$")
CREDENTIAL_HEADERS = (b"x-api-key", b"authorization")


def agents_readable_by_anyone(app: ASGIApp) -> ASGIApp:
    """Deliberate defect: GET /api/v1/agents/{id} answers any caller as the agent's first reader."""
    first_reader: dict[str, list[tuple[bytes, bytes]]] = {}

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET" and AGENT_PATH.match(scope["path"]):
            headers = scope["headers"]
            credentials = [(k, v) for k, v in headers if k in CREDENTIAL_HEADERS]
            if credentials:
                owner = first_reader.setdefault(scope["path"], credentials)
                others = [(k, v) for k, v in headers if k not in CREDENTIAL_HEADERS]
                scope = {**scope, "headers": [*others, *owner]}
        await app(scope, receive, send)

    return wrapped


def test_another_account_reading_an_agent_is_caught_by_object_level_authorization(
    tmp_path: Path,
) -> None:
    with MockServer(
        rate_limits=False,
        tick_interval=None,
        validate_responses=False,
        wrap=agents_readable_by_anyone,
    ) as mock:
        result = _run(mock, tmp_path, operation_ids=("create_agent", "get_agent", "list_agents"))
    report = result.summary.render()

    assert result.exit_code == 1, report
    assert result.summary.checks["object_level_authorization"][1] > 0, report
    bypass = [
        f
        for f in result.summary.failures
        if any("Object-level authorization" in t for t in f.titles)
    ]
    assert [f.operation for f in bypass] == ["GET /api/v1/agents/{agent_id}"], report


# -- backtest sessions (issue 12) --------------------------------------------------------

SESSION_OPERATIONS = tuple(
    op
    for op, label in spec_operations(spec_path("openapi.yaml")).items()
    if label.split(" ", 1)[1].startswith("/api/v1/backtest/")
)
SESSION_CALLS = ("GET /api/v1/backtest/{", "POST /api/v1/backtest/{")
SESSION_PORTFOLIO_LABEL = "GET /api/v1/backtest/{session_id}/account/portfolio"
# May stay without a 2xx: cancelling needs a pending order inside a session (neither the
# hooks nor the links place one), and the best session needs a completed one.
SESSION_OPERATIONS_MAYBE_WITHOUT_2XX = {"backtest_cancel_order", "get_best_backtest"}


def _stateful_flows(events: Path) -> list[list[tuple[str, int | None, bool]]]:
    """Each stateful scenario's positive calls: (method and path, status, followed a link)."""
    flows = []
    for line in events.read_text(encoding="utf-8").splitlines():
        finished = json.loads(line).get("ScenarioFinished")
        if not finished or finished.get("phase") != "stateful":
            continue
        recorder = finished.get("recorder") or {}
        interactions = recorder.get("interactions") or {}
        flow = []
        for case_id, case in (recorder.get("cases") or {}).items():
            value = case["value"]
            if (value.get("meta") or {}).get("generation", {}).get("mode") != "positive":
                continue
            status = ((interactions.get(case_id) or {}).get("response") or {}).get("status_code")
            linked = bool(case.get("is_transition_applied"))
            flow.append((f"{value['method']} {value['path']}", status, linked))
        flows.append(flow)
    return flows


def test_the_session_operations_pass_and_the_stateful_phase_follows_the_session_links(
    tmp_path: Path,
) -> None:
    assert len(SESSION_OPERATIONS) == 25
    with MockServer(rate_limits=False, tick_interval=None, validate_responses=False) as mock:
        # Narrowed to the sessions, no owner's read names a resource of the kind the
        # object-level probes replay; the full run above holds that check.
        result = _run(
            mock,
            tmp_path,
            operation_ids=SESSION_OPERATIONS,
            allow_skipped=("object_level_authorization",),
        )
    report = result.summary.render()
    assert result.summary.failures == [], report
    assert result.exit_code == 0, report
    # Every session operation's success response was checked (the hooks point half the
    # session cases at a running session of the run's own).
    without = set(result.summary.operations_without_success)
    assert without <= SESSION_OPERATIONS_MAYBE_WITHOUT_2XX, report
    # The stateful phase created sessions (the hooks give half the creates a servable
    # window) and followed the document's links from them to calls that answered 2xx.
    flows = _stateful_flows(tmp_path / "events.ndjson")
    created = "POST /api/v1/backtest/create"
    followed = [
        call
        for flow in flows
        for position, (call, status, _) in enumerate(flow)
        if call == created and status == 200
        for later, later_status, linked in flow[position + 1 :]
        if linked and later_status == 200 and later.startswith(SESSION_CALLS)
    ]
    assert followed, flows


def test_a_defect_in_a_session_response_fails_the_run_naming_the_operation(
    tmp_path: Path,
) -> None:
    with MockServer(
        rate_limits=False,
        tick_interval=None,
        validate_responses=False,
        wrap=session_equity_as_number,
    ) as mock:
        result = _run(
            mock, tmp_path, operation_ids=("backtest_get_portfolio", "backtest_get_balance")
        )
    report = result.summary.render()
    assert result.exit_code == 1, report
    assert result.summary.failed_operations == [SESSION_PORTFOLIO_LABEL], report
    assert result.summary.checks["response_schema_conformance"][1] > 0, report


# -- battles (issue 15) -------------------------------------------------------------------

BATTLE_OPERATIONS = tuple(
    op
    for op, label in spec_operations(spec_path("openapi.yaml")).items()
    if label.split(" ", 1)[1].startswith("/api/v1/battles")
)
BATTLE_LABEL = "GET /api/v1/battles/{battle_id}"


def test_the_battle_operations_pass_and_answer_2xx(tmp_path: Path) -> None:
    assert len(BATTLE_OPERATIONS) == 20
    with MockServer(rate_limits=False, tick_interval=None, validate_responses=False) as mock:
        result = _run(
            mock,
            tmp_path,
            operation_ids=BATTLE_OPERATIONS,
            allow_skipped=("object_level_authorization",),
        )
    report = result.summary.render()
    assert result.summary.failures == [], report
    assert result.exit_code == 0, report
    # Every battle operation's success response was checked (the hooks point half the
    # battle cases at a battle of the run's own in the state the operation needs).
    assert result.summary.operations_without_success == [], report
    # The stateful phase walked a battle's life along the document's links, every step
    # answering 2xx: create -> (participants) -> start -> stop -> results.
    flows = _stateful_flows(tmp_path / "events.ndjson")
    walk = (
        "POST /api/v1/battles",
        "POST /api/v1/battles/{battle_id}/start",
        "POST /api/v1/battles/{battle_id}/stop",
        "GET /api/v1/battles/{battle_id}/results",
    )
    walked = [flow for flow in flows if _walks(flow, walk)]
    assert walked, flows


def _walks(flow: list[tuple[str, int | None, bool]], walk: tuple[str, ...]) -> bool:
    """Whether ``flow`` holds the calls of ``walk`` in order, each 2xx, each after the first
    reached along a link (other calls may come between)."""
    position = 0
    for call, status, linked in flow:
        if position == len(walk):
            break
        if call == walk[position] and status is not None and 200 <= status < 300:
            if position == 0 or linked:
                position += 1
    return position == len(walk)


def test_a_defect_in_a_battle_response_fails_the_run_naming_the_operation(
    tmp_path: Path,
) -> None:
    with MockServer(
        rate_limits=False,
        tick_interval=None,
        validate_responses=False,
        wrap=battle_count_as_string,
    ) as mock:
        result = _run(mock, tmp_path, operation_ids=("create_battle", "get_battle"))
    report = result.summary.render()
    assert result.exit_code == 1, report
    assert result.summary.failed_operations == [BATTLE_LABEL], report
    assert result.summary.checks["response_schema_conformance"][1] > 0, report
