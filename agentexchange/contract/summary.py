"""A contract run's reports, read back into one short page a person can act on.

docs/architecture.md "Contract tests": the run leaves schemathesis's JUnit report (what CI
dashboards read), its NDJSON event log and its JSON verdict. This module joins them:
operations and checks that actually ran (from the events, so a silently skipped
operation or check is visible), the responses each check judged and the probes the
checks that send requests of their own made (``policy.PROBING_CHECKS``), test-case counts,
and every failure with the curl line that reproduces it (from the JUnit report). A check
that could not run is *skipped*, which fails the run unless the user allowed it. The runner prints ``render()`` and
the CI test asserts on the same ``RunSummary``.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .._document import load_document
from .credentials import PEER_IDENTITY
from .policy import CHECKS, PROBING_CHECKS

# A failure's curl line can carry a fuzzed body of any size; the JUnit report keeps it whole.
MAX_CURL_CHARS = 2000
MAX_ERROR_LINES = 20
_CASE_HEADER = re.compile(r"^\d+\. Test Case ID: (\S+)", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class ReportFiles:
    junit: Path
    ndjson: Path
    json: Path

    @classmethod
    def in_dir(cls, directory: Path) -> ReportFiles:
        return cls(
            junit=directory / "junit.xml",
            ndjson=directory / "events.ndjson",
            json=directory / "report.json",
        )


@dataclass(frozen=True, slots=True)
class Failure:
    """One failing test case of one operation.

    ``scenario`` is the JUnit test case ("Stateful tests" for a chain of calls);
    ``operation`` is the operation whose response failed (for a chain: its last call).
    """

    operation: str
    scenario: str
    case_id: str | None
    titles: tuple[str, ...]
    curls: tuple[str, ...]
    text: str


@dataclass(slots=True)
class RunSummary:
    complete: bool = False
    seed: int | None = None
    operations_total: int = 0
    operations_tested: int = 0
    test_cases: int = 0
    # check name -> (cases it ran on, cases it failed)
    checks: dict[str, tuple[int, int]] = field(default_factory=dict)
    # check name -> requests the check sent itself (only policy.PROBING_CHECKS send any)
    probes: dict[str, int] = field(default_factory=dict)
    # check name -> why it could not run; fails the run unless in ``allowed_skipped``
    skipped: dict[str, str] = field(default_factory=dict)
    allowed_skipped: tuple[str, ...] = ()
    # operation label ("GET /path") -> test cases that reached it with its own method
    operations: dict[str, int] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: dict[str, list[str]] = field(default_factory=dict)
    # operation label -> responses with a 2xx status
    successes: dict[str, int] = field(default_factory=dict)
    # operationIds that never answered 2xx: their success responses went unchecked
    operations_without_success: list[str] = field(default_factory=list)
    # operationIds the spec has and the run must test but did not
    untested_operations: list[str] = field(default_factory=list)
    unrun_checks: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # reports missing or unreadable
    # schemathesis's own notices, e.g. a check that has nothing to work with on this run
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (
            self.complete
            and not self.failures
            and not self.errors
            and not self.untested_operations
            and not self.unallowed_skips
            and not self.problems
        )

    @property
    def unallowed_skips(self) -> list[str]:
        return [name for name in self.skipped if name not in self.allowed_skipped]

    def skip(self, check: str, reason: str) -> None:
        """Mark ``check`` as one that could not run (the reason shown in the report)."""
        self.skipped[check] = reason

    @property
    def failed_operations(self) -> list[str]:
        return sorted({failure.operation for failure in self.failures})

    def render(self) -> str:
        checks_run = sum(
            1 for name in CHECKS if self.checks.get(name, (0, 0))[0] and name not in self.skipped
        )
        answered = self.operations_total - len(self.operations_without_success)
        lines = [
            "Contract run: " + ("PASSED" if self.ok else "FAILED"),
            f"  operations tested: {self.operations_tested}/{self.operations_total}"
            + (f", {answered} answered 2xx" if self.operations_total else ""),
            f"  checks run:        {checks_run}/{len(CHECKS)}"
            + (f" ({len(self.skipped)} skipped)" if self.skipped else ""),
            f"  test cases:        {self.test_cases}",
            f"  failures:          {len(self.failures)}",
        ]
        if self.seed is not None:
            lines.append(f"  seed:              {self.seed}")
        lines.append(f"    {'check':<30} {'responses':>9} {'probes':>7} {'failed':>7}")
        for name in CHECKS:
            ran, failed = self.checks.get(name, (0, 0))
            probes = str(self.probes.get(name, 0)) if name in PROBING_CHECKS else "-"
            line = f"    {name:<30} {ran:>9} {probes:>7} {failed:>7}"
            if name in self.skipped:
                allowed = " (allowed by --allow-skipped)" if name in self.allowed_skipped else ""
                line += f"  SKIPPED: {self.skipped[name]}{allowed}"
            lines.append(line)
        lines.append(
            "    (responses: test-case responses the check judged; probes: requests it sent itself)"
        )
        for problem in self.problems:
            lines.append(f"  ! {problem}")
        errors = Counter(self.errors)
        for error, count in list(errors.items())[:MAX_ERROR_LINES]:
            lines.append(f"  ! error: {error}" + (f" (x{count})" if count > 1 else ""))
        if len(errors) > MAX_ERROR_LINES:
            lines.append(f"  ! … {len(errors) - MAX_ERROR_LINES} more distinct errors in junit.xml")
        if self.untested_operations:
            lines.append("  ! operations never tested: " + ", ".join(self.untested_operations))
        if self.unallowed_skips:
            lines.append(
                "  ! checks skipped (pass --allow-skipped CHECK to accept): "
                + ", ".join(self.unallowed_skips)
            )
        for note in self.notes:
            lines.append(f"  note: {note}")
        if self.operations_without_success:
            lines.append(
                "  note: never answered 2xx (success responses unchecked): "
                + ", ".join(self.operations_without_success)
            )
        for kind, labels in sorted(self.warnings.items()):
            lines.append(f"  warning {kind}: " + ", ".join(labels))
        if self.failures:
            lines += [
                "",
                "Failures (credentials appear as [Filtered]: put your own key or JWT there):",
            ]
        for number, failure in enumerate(self.failures, 1):
            titles = "; ".join(failure.titles) or "failed"
            via = f" (in {failure.scenario})" if failure.scenario != failure.operation else ""
            lines.append(f"{number}. {failure.operation}{via} — {titles}")
            for curl in failure.curls:
                shown = (
                    curl
                    if len(curl) <= MAX_CURL_CHARS
                    else curl[:MAX_CURL_CHARS] + " …(truncated; see junit.xml)"
                )
                lines.append(f"   {shown}")
        return "\n".join(lines) + "\n"


def load_spec(spec: Path) -> dict[str, Any]:
    """The raw document at ``spec`` (what schemathesis and the credential source read)."""
    return dict(load_document(spec).raw)


def spec_operations(spec: Path) -> dict[str, str]:
    """operationId -> schemathesis label ("GET /path") of every operation in the document."""
    return {op.operation_id: op.label for op in load_document(spec).operations()}


def summarize(files: ReportFiles, *, expected_operations: Mapping[str, str]) -> RunSummary:
    summary = RunSummary()
    verdict = _read_json(files.json, summary)
    if verdict is not None:
        _apply_verdict(summary, verdict)
    _apply_events(summary, files.ndjson)
    _apply_junit(summary, files.junit, labels=list(expected_operations.values()))
    summary.untested_operations = sorted(
        operation_id
        for operation_id, label in expected_operations.items()
        if summary.operations.get(label, 0) == 0
    )
    summary.operations_without_success = sorted(
        operation_id
        for operation_id, label in expected_operations.items()
        if summary.successes.get(label, 0) == 0
    )
    summary.unrun_checks = [name for name in CHECKS if summary.checks.get(name, (0, 0))[0] == 0]
    for name in summary.unrun_checks:
        summary.skip(name, "never ran")
    for name in PROBING_CHECKS:
        if name not in summary.skipped and summary.probes.get(name, 0) == 0:
            summary.skip(name, "sent no probes")
    return summary


def console_notes(log: str) -> list[str]:
    """schemathesis's console notices that a check will not run (e.g. no peers for OLA)."""
    return [line.strip(" ⚠️") for line in log.splitlines() if "will not run" in line]


def _read_json(path: Path, summary: RunSummary) -> dict[str, Any] | None:
    if not path.is_file():
        summary.problems.append(f"no JSON report at {path} (schemathesis did not finish)")
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        summary.problems.append(f"unreadable JSON report {path}: {exc}")
        return None
    return data if isinstance(data, dict) else None


def _apply_verdict(summary: RunSummary, verdict: Mapping[str, Any]) -> None:
    summary.complete = bool(verdict.get("complete"))
    summary.seed = verdict.get("seed")
    operations = verdict.get("operations") or {}
    summary.operations_total = int(operations.get("selected") or 0)
    summary.operations_tested = int(operations.get("tested") or 0)
    summary.test_cases = int((verdict.get("test_cases") or {}).get("generated") or 0)
    for error in verdict.get("errors") or []:
        summary.errors.append(f"{error.get('title')} (x{error.get('count')})")
    summary.warnings = {
        kind: list(labels) for kind, labels in (verdict.get("warnings") or {}).items() if labels
    }


def _apply_events(summary: RunSummary, path: Path) -> None:
    if not path.is_file():
        summary.problems.append(f"no NDJSON event log at {path}")
        return
    ran: Counter[str] = Counter()
    failed: Counter[str] = Counter()
    per_operation: Counter[str] = Counter()
    successes: Counter[str] = Counter()
    probes: Counter[str] = Counter()
    with path.open(encoding="utf-8") as events:
        for line in events:
            event = json.loads(line)
            finished = event.get("ScenarioFinished")
            if finished is None:
                continue
            recorder = finished.get("recorder") or {}
            cases = recorder.get("cases") or {}
            for case_id, results in (recorder.get("checks") or {}).items():
                label = _case_label(cases.get(case_id))
                if label is not None and results:
                    per_operation[label] += 1
                for result in results:
                    ran[result["name"]] += 1
                    if result.get("status") == "failure":
                        failed[result["name"]] += 1
            for case_id, interaction in (recorder.get("interactions") or {}).items():
                label = _case_label(cases.get(case_id))
                status = (interaction.get("response") or {}).get("status_code")
                if label is not None and isinstance(status, int) and 200 <= status < 300:
                    successes[label] += 1
            probes.update(_probes(cases))
    summary.checks = {name: (ran[name], failed[name]) for name in ran}
    summary.probes = dict(probes)
    summary.operations = dict(per_operation)
    summary.successes = dict(successes)


def _probes(cases: Mapping[str, Any]) -> Counter[str]:
    """Requests the probing checks sent, attributed from the recorded cases.

    A probe is a child of a test case that is not a stateful step. The peer's requests are
    object_level_authorization's; a child with no identity (credentials stripped) is
    ignored_auth's, unless it follows a peer probe of the same case (then it is
    object_level_authorization's anonymous replay: ignored_auth runs first). A child that
    kept the case's own identity is a check's control request, not a probe.
    """
    counted: Counter[str] = Counter()
    peer_seen: set[str] = set()
    for node in cases.values():
        parent = (node or {}).get("parent_id")
        if parent is None or node.get("transition"):
            continue
        identity = (node.get("value") or {}).get("auth_identity")
        if identity == PEER_IDENTITY:
            counted["object_level_authorization"] += 1
            peer_seen.add(parent)
        elif identity is None:
            owner = "object_level_authorization" if parent in peer_seen else "ignored_auth"
            counted[owner] += 1
    return counted


def _case_label(node: Mapping[str, Any] | None) -> str | None:
    value = (node or {}).get("value") or {}
    method, path = value.get("method"), value.get("path")
    return f"{str(method).upper()} {path}" if method and path else None


def _apply_junit(summary: RunSummary, path: Path, *, labels: list[str]) -> None:
    if not path.is_file():
        summary.problems.append(f"no JUnit report at {path}")
        return
    try:
        tree = ET.parse(path)
    except ET.ParseError as exc:
        summary.problems.append(f"unreadable JUnit report {path}: {exc}")
        return
    resolve = _LabelResolver(labels)
    for testcase in tree.iter("testcase"):
        operation = testcase.get("name", "?")
        for element in testcase:
            if element.tag == "failure":
                for failure in _split_failures(operation, element.text or ""):
                    summary.failures.append(resolve.failure(failure))
            elif element.tag == "error" and element.text:
                summary.errors.append(f"{operation}: {element.text.strip().splitlines()[0]}")


def _split_failures(operation: str, text: str) -> Iterable[Failure]:
    """One JUnit <failure> holds every failing case of an operation, each under a numbered header."""
    headers = list(_CASE_HEADER.finditer(text))
    if not headers:
        yield _failure(operation, None, text)
        return
    for index, header in enumerate(headers):
        end = headers[index + 1].start() if index + 1 < len(headers) else len(text)
        yield _failure(operation, header.group(1), text[header.end() : end])


def _failure(operation: str, case_id: str | None, block: str) -> Failure:
    lines = [line.strip() for line in block.splitlines()]
    titles = tuple(line[2:] for line in lines if line.startswith("- "))
    curls = tuple(line for line in lines if line.startswith("curl "))
    return Failure(
        operation=operation,
        scenario=operation,
        case_id=case_id,
        titles=titles,
        curls=curls,
        text=block.strip(),
    )


_CURL_REQUEST = re.compile(r"^curl -X (\S+) .*?'?(https?://[^\s']+)'?$")


class _LabelResolver:
    """Maps a concrete request ("POST http://h/api/v1/agents/1a2b/archive") to its operation label."""

    def __init__(self, labels: Iterable[str]) -> None:
        self._templates: list[tuple[str, re.Pattern[str], str]] = []
        for label in labels:
            method, path = label.split(" ", 1)
            pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(path))
            self._templates.append((method, re.compile(pattern), label))
        self._known = set(labels)

    def failure(self, failure: Failure) -> Failure:
        if failure.operation in self._known or not failure.curls:
            return failure
        label = self.label_of(failure.curls[-1])
        return replace(failure, operation=label) if label else failure

    def label_of(self, curl: str) -> str | None:
        match = _CURL_REQUEST.match(curl)
        if match is None:
            return None
        method, path = match.group(1).upper(), urlsplit(match.group(2)).path
        # Literal segments beat parameters (/agents/overview vs /agents/{agent_id}).
        candidates = [
            label
            for m, pattern, label in self._templates
            if m == method and pattern.fullmatch(path)
        ]
        return max(candidates, key=lambda label: -label.count("{"), default=None)
