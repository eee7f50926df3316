"""Reading a run's reports back: what ran, what failed, and how to reproduce it."""

from __future__ import annotations

import json
from pathlib import Path

from agentexchange.contract.policy import CHECKS
from agentexchange.contract.summary import ReportFiles, console_notes, summarize

PRICE = "GET /api/v1/market/price/{symbol}"
PAIRS = "GET /api/v1/market/pairs"
CURL = "curl -X GET http://127.0.0.1:8000/api/v1/market/price/BTCUSDT"

JUNIT_FAILURE = f"""<?xml version="1.0" encoding="utf-8"?>
<testsuites errors="0" failures="1" skipped="0" tests="2" time="1.0">
  <testsuite name="schemathesis" errors="0" failures="1" skipped="0" tests="2" time="1.0">
    <testcase name="{PAIRS}" time="0.5" />
    <testcase name="{PRICE}" time="0.5">
      <failure type="failure" message="ST108">1. Test Case ID: abc123

- ST108 Response violates schema

    64521.3 is not of type 'string'

Reproduce with:

    {CURL}

    st replay abc123

2. Test Case ID: def456

- ST101 Server error

Reproduce with:

    {CURL}X

    st replay def456</failure>
    </testcase>
  </testsuite>
</testsuites>
"""


def _event(
    label: str,
    checks: list[tuple[str, str]],
    case_id: str = "c1",
    status: int = 200,
    probes: tuple[str | None, ...] = (),
) -> str:
    """One scenario; ``probes``: children of the case by identity (None: credentials stripped)."""
    method, path = label.split(" ", 1)
    cases: dict[str, object] = {case_id: {"value": {"method": method, "path": path, "id": case_id}}}
    for n, identity in enumerate(probes):
        value = {"method": method, "path": path, "id": f"{case_id}p{n}", "auth_identity": identity}
        cases[f"{case_id}p{n}"] = {"value": value, "parent_id": case_id}
    recorder = {
        "label": label,
        "cases": cases,
        "checks": {case_id: [{"name": name, "status": status} for name, status in checks]},
        "interactions": {
            case_id: {"request": {"method": method}, "response": {"status_code": status}}
        },
    }
    return json.dumps(
        {"ScenarioFinished": {"phase": "fuzzing", "status": "success", "recorder": recorder}}
    )


# ignored_auth's three probes (no credentials, then a wrong key, then a wrong token), a
# control request that kept the owner's identity, then object_level_authorization's peer read.
PROBES: tuple[str | None, ...] = (None, None, None, "owner", "peer")


def _write(
    tmp_path: Path,
    *,
    junit: str,
    checks: list[str],
    failed_check: str | None = None,
    probes: tuple[str | None, ...] = PROBES,
) -> ReportFiles:
    files = ReportFiles.in_dir(tmp_path)
    files.junit.write_text(junit, encoding="utf-8")
    statuses = [(name, "failure" if name == failed_check else "success") for name in checks]
    files.ndjson.write_text(
        "\n".join(
            [
                json.dumps({"EngineStarted": {}}),
                _event(PRICE, statuses, probes=probes),
                _event(PAIRS, statuses, "c2", status=422),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    verdict = {
        "complete": True,
        "seed": 7,
        "operations": {"selected": 2, "tested": 2},
        "test_cases": {"generated": 2},
        "errors": [],
        "warnings": {"missing_auth": [], "rate_limited": [PAIRS]},
    }
    files.json.write_text(json.dumps(verdict), encoding="utf-8")
    return files


EXPECTED = {"get_price": PRICE, "get_pairs": PAIRS}
CLEAN_JUNIT = (
    JUNIT_FAILURE.split('<testcase name="GET /api/v1/market/price')[0]
    + f'<testcase name="{PRICE}" /></testsuite></testsuites>'
)


def test_each_failing_case_is_listed_with_its_operation_titles_and_curl(tmp_path: Path) -> None:
    summary = summarize(
        _write(
            tmp_path,
            junit=JUNIT_FAILURE,
            checks=list(CHECKS),
            failed_check="response_schema_conformance",
        ),
        expected_operations=EXPECTED,
    )
    assert not summary.ok
    assert [(f.operation, f.case_id) for f in summary.failures] == [
        (PRICE, "abc123"),
        (PRICE, "def456"),
    ]
    assert summary.failures[0].titles == ("ST108 Response violates schema",)
    assert summary.failures[0].curls == (CURL,)
    text = summary.render()
    assert "FAILED" in text and PRICE in text and CURL in text
    assert summary.checks["response_schema_conformance"] == (2, 2)


def test_a_clean_run_with_every_operation_and_check_passes(tmp_path: Path) -> None:
    summary = summarize(
        _write(tmp_path, junit=CLEAN_JUNIT, checks=list(CHECKS)), expected_operations=EXPECTED
    )
    assert summary.ok, summary.render()
    assert summary.operations == {PRICE: 1, PAIRS: 1}
    assert summary.seed == 7 and summary.test_cases == 2
    assert summary.warnings == {"rate_limited": [PAIRS]}
    assert "PASSED" in summary.render()


def test_operations_that_never_succeeded_are_named_without_failing_the_run(tmp_path: Path) -> None:
    summary = summarize(
        _write(tmp_path, junit=CLEAN_JUNIT, checks=list(CHECKS)), expected_operations=EXPECTED
    )
    assert summary.ok
    assert summary.operations_without_success == ["get_pairs"]
    assert "never answered 2xx" in summary.render() and "get_pairs" in summary.render()


def test_an_operation_the_run_never_reached_fails_the_run(tmp_path: Path) -> None:
    expected = {**EXPECTED, "get_ticker": "GET /api/v1/market/ticker/{symbol}"}
    summary = summarize(
        _write(tmp_path, junit=CLEAN_JUNIT, checks=list(CHECKS)), expected_operations=expected
    )
    assert not summary.ok
    assert summary.untested_operations == ["get_ticker"]
    assert "get_ticker" in summary.render()


def test_a_check_that_never_ran_fails_the_run(tmp_path: Path) -> None:
    summary = summarize(
        _write(tmp_path, junit=CLEAN_JUNIT, checks=[c for c in CHECKS if c != "ignored_auth"]),
        expected_operations=EXPECTED,
    )
    assert not summary.ok
    assert summary.unrun_checks == ["ignored_auth"]
    assert summary.skipped == {"ignored_auth": "never ran"}
    summary.allowed_skipped = ("ignored_auth",)
    assert summary.ok


def test_missing_reports_are_a_failure_not_a_pass(tmp_path: Path) -> None:
    summary = summarize(ReportFiles.in_dir(tmp_path), expected_operations=EXPECTED)
    assert not summary.ok
    assert len(summary.problems) == 3


STATEFUL_JUNIT = """<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="schemathesis">
<testcase name="Stateful tests"><failure type="failure" message="ST202">1. Test Case ID: s1

- ST202 Schema-valid request rejected

Reproduce with:

    curl -X POST -H 'Authorization: [Filtered]' http://h:1/api/v1/agents/5b6c7d8e-9f0a-4b1c-8d2e-3f4a5b6c7d8e/archive
    curl -X GET -H 'Authorization: [Filtered]' 'http://h:1/api/v1/market/price/BTCUSDT?x=1'
</failure></testcase></testsuite></testsuites>
"""


def test_a_stateful_failure_is_attributed_to_the_operation_of_its_last_call(tmp_path: Path) -> None:
    expected = {**EXPECTED, "archive_agent": "POST /api/v1/agents/{agent_id}/archive"}
    summary = summarize(
        _write(tmp_path, junit=STATEFUL_JUNIT, checks=list(CHECKS)), expected_operations=expected
    )
    (failure,) = summary.failures
    assert (failure.operation, failure.scenario) == (PRICE, "Stateful tests")
    assert summary.failed_operations == [PRICE]
    assert f"{PRICE} (in Stateful tests)" in summary.render()


def test_a_check_schemathesis_says_it_cannot_run_is_noted() -> None:
    log = "Schemathesis v4.32.5\n\n⚠️  `object_level_authorization` will not run: list at least 2 users\n ✅  Loaded\n"
    assert console_notes(log) == [
        "`object_level_authorization` will not run: list at least 2 users"
    ]


def test_each_check_is_reported_with_the_probes_it_sent(tmp_path: Path) -> None:
    summary = summarize(
        _write(tmp_path, junit=CLEAN_JUNIT, checks=list(CHECKS), probes=(*PROBES, None)),
        expected_operations=EXPECTED,
    )
    # The stripped-credentials child after a peer probe is object_level_authorization's replay.
    assert summary.probes == {"ignored_auth": 3, "object_level_authorization": 2}
    rows = {line.split()[0]: line.split()[1:] for line in summary.render().splitlines()[7:21]}
    assert rows["ignored_auth"] == ["2", "3", "0"]
    assert rows["object_level_authorization"] == ["2", "2", "0"]
    assert rows["not_a_server_error"] == ["2", "-", "0"]


def test_a_probing_check_that_sent_no_probes_is_skipped_and_fails_unless_allowed(
    tmp_path: Path,
) -> None:
    files = _write(tmp_path, junit=CLEAN_JUNIT, checks=list(CHECKS), probes=(None, None))
    summary = summarize(files, expected_operations=EXPECTED)
    assert summary.skipped == {"object_level_authorization": "sent no probes"}
    assert not summary.ok
    text = summary.render()
    assert "SKIPPED: sent no probes" in text and "--allow-skipped" in text
    assert "checks run:        13/14 (1 skipped)" in text
    summary.allowed_skipped = ("object_level_authorization",)
    assert summary.ok, summary.render()
    assert "(allowed by --allow-skipped)" in summary.render()
