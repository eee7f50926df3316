"""Every error the mock raises uses a code of openapi.yaml's table, with that code's status.

The mock names the status beside the code at each raise; this holds those pairs to
``x-error-codes`` (via the generated ``_errors.CODE_TO_STATUS``) so they cannot drift.
"""

from __future__ import annotations

import ast
from pathlib import Path

from agentexchange._errors import CODE_TO_STATUS

MOCK = Path(__file__).resolve().parents[2] / "agentexchange" / "mock"


def _raises() -> list[tuple[str, str, object]]:
    found = []
    for path in sorted(MOCK.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            args = node.args
            if node.func.id == "DomainError" and len(args) >= 3:
                code, status = args[0], args[2]
            else:
                continue
            if isinstance(code, ast.Constant) and isinstance(code.value, str):
                value = status.value if isinstance(status, ast.Constant) else ast.unparse(status)
                found.append((f"{path.relative_to(MOCK)}:{node.lineno}", code.value, value))
    return found


def test_the_scan_sees_the_mock_raising_errors() -> None:
    assert len(_raises()) > 40


def test_every_raised_code_is_documented_with_its_status() -> None:
    wrong = [
        (where, code, status)
        for where, code, status in _raises()
        if CODE_TO_STATUS.get(code) != status
    ]
    assert wrong == []
