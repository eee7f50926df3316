"""openapi.yaml and the SDK against the real platform: every operation a program calls is here.

Two sources, copied into tests/data/platform/ (tests/data/README.md gives their dates):

* ``tradeready-openapi.json`` — the OpenAPI document the platform's backend publishes
  (131 operations). Every one of its operations must be in openapi.yaml (same method and
  path), except the browser-only routes below, which openapi.yaml's header names with
  their reason. Backtest sessions (``/api/v1/backtest/...``) and battles
  (``/api/v1/battles...``) come with their own issues: while one of those is absent it is
  counted as pending, once present as covered — computed here, never a list of what is done.
* ``platform-sdk-methods.txt`` — the 48 methods of the platform's own Python SDK. Each must
  be a method of both clients, under the same name or a documented equivalent; the
  backtest and battle issues' methods are pending until they land, computed the same way.

``pytest -s tests/spec/test_platform_coverage.py`` prints the figures.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from agentexchange import AgentExchangeClient, AsyncAgentExchangeClient

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "platform"
METHODS = ("get", "post", "put", "patch", "delete")

# Served to the platform's web app (email/password sessions, sign-up pages), not to programs.
BROWSER_ONLY = {
    ("post", "/api/v1/auth/user-login"),
    ("post", "/api/v1/auth/forgot-password"),
    ("post", "/api/v1/auth/reset-password"),
    ("post", "/api/v1/auth/verify-email"),
    ("post", "/api/v1/waitlist/subscribe"),
}
# Families other issues add: path prefix -> the issue.
PENDING_FAMILIES = {"/api/v1/backtest/": "issue 12", "/api/v1/battles": "issue 15"}
# The platform SDK's methods those issues bring (tradeready-api-notes.md §1 "Other").
PENDING_METHODS = {"batch_step_fast": "issue 12"}
# Platform SDK name -> our method, where ours is named differently (none so far).
EQUIVALENTS: dict[str, str] = {}


def _operations(paths: dict[str, dict[str, object]]) -> set[tuple[str, str]]:
    return {(m, p) for p, item in paths.items() for m in item if m in METHODS}


PLATFORM = _operations(
    json.loads((DATA / "tradeready-openapi.json").read_text(encoding="utf-8"))["paths"]
)
DOCUMENT_TEXT = (ROOT / "openapi.yaml").read_text(encoding="utf-8")
OURS = _operations(yaml.safe_load(DOCUMENT_TEXT)["paths"])


def _family(path: str) -> str | None:
    return next(
        (issue for prefix, issue in PENDING_FAMILIES.items() if path.startswith(prefix)), None
    )


def test_the_platform_document_is_the_copy_the_counts_were_written_for() -> None:
    assert len(PLATFORM) == 131
    assert BROWSER_ONLY <= PLATFORM


def test_every_platform_operation_is_covered_or_pending() -> None:
    in_scope = PLATFORM - BROWSER_ONLY
    covered = in_scope & OURS
    pending = {op for op in in_scope - OURS if _family(op[1]) is not None}
    missing = sorted(in_scope - OURS - pending)
    assert missing == [], f"platform operations openapi.yaml lacks: {missing}"
    expected = len(in_scope) - len(pending)
    by_issue: dict[str, int] = {}
    for _, path in pending:
        issue = _family(path)
        assert issue is not None
        by_issue[issue] = by_issue.get(issue, 0) + 1
    print(
        f"\nplatform operations: covered {len(covered)} of {expected}; "
        f"pending {len(pending)} ({', '.join(f'{k}: {v}' for k, v in sorted(by_issue.items()))}); "
        f"browser-only, left out: {len(BROWSER_ONLY)} of the platform's {len(PLATFORM)}"
    )
    assert len(covered) == expected
    # A family counts as pending only while it is absent: what is present is covered.
    assert covered | pending == in_scope


def test_the_browser_only_routes_are_absent_and_named_in_the_document_header() -> None:
    assert BROWSER_ONLY & OURS == set()
    header = DOCUMENT_TEXT.split("\nopenapi:", 1)[0]
    for method, path in sorted(BROWSER_ONLY):
        assert re.search(rf"#\s+{method.upper()} {re.escape(path)}\s", header), path


def test_the_platform_sdks_methods_are_in_both_clients() -> None:
    names = [
        line.strip()
        for line in (DATA / "platform-sdk-methods.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert len(names) == len(set(names)) == 48
    for cls in (AgentExchangeClient, AsyncAgentExchangeClient):
        present = {n for n in names if callable(getattr(cls, EQUIVALENTS.get(n, n), None))}
        pending = {n for n in names if n not in present and n in PENDING_METHODS}
        missing = sorted(set(names) - present - pending)
        assert missing == [], f"{cls.__name__} lacks the platform SDK's {missing}"
        print(
            f"\n{cls.__name__}: {len(present)} of the platform SDK's {len(names)} methods; "
            f"pending {len(pending)} ({', '.join(f'{PENDING_METHODS[n]}: {n}' for n in sorted(pending))})"
        )
