"""Enums of the document are Literal types in the signatures (issue 19, "Types from the spec").

`mypy --strict`, run from the repository root as a user would, must report each deliberate
mistake of tests/typecheck/user_mistakes.py on its line — a side, an interval and a period
outside the document's enums, and a float quantity (decimals take Decimal, str or int) —
and nothing on the correct calls beside them.
"""

from __future__ import annotations

import re
import subprocess
import sys
import typing
from pathlib import Path

from agentexchange import AgentExchangeClient, AsyncAgentExchangeClient
from agentexchange.models import Order

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("user_mistakes.py")
DICTS = Path(__file__).with_name("user_dicts.py")


def mypy_errors(script: Path) -> list[tuple[int, str]]:
    """(line, message) of each error `mypy --strict` reports, run from the repository root."""
    lines = script.read_text(encoding="utf-8").splitlines()
    marked = {i for i, text in enumerate(lines, 1) if "# MISTAKE" in text}
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", str(script.relative_to(ROOT))],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    pattern = rf"^\S*{re.escape(script.name)}:(\d+): error: (.*)$"
    errors = [(int(n), text) for n, text in re.findall(pattern, proc.stdout, re.MULTILINE)]
    # Each marked line, and nothing else (the correct calls beside them pass).
    assert {line for line, _ in errors} == marked, proc.stdout
    assert len(errors) == len(marked), proc.stdout
    return errors


def test_mypy_reports_each_mistake_of_the_user_script() -> None:
    errors = mypy_errors(SCRIPT)
    assert len(errors) == 4
    text = "\n".join(message for _, message in errors)
    assert "\"Literal['purchase']\"; expected \"Literal['buy', 'sell']\"" in text
    assert "\"Literal['2h']\"" in text and "'1m', '5m', '15m', '1h', '4h', '1d'" in text
    assert "\"Literal['1y']\"" in text and "'1d', '7d', '30d', '90d', 'all'" in text
    assert 'incompatible type "float"; expected "Decimal | str | int"' in text


def test_both_clients_and_the_models_carry_the_literals() -> None:
    for cls in (AgentExchangeClient, AsyncAgentExchangeClient):
        hints = typing.get_type_hints(cls.place_market_order)
        assert hints["side"] == typing.Literal["buy", "sell"]
        assert float not in typing.get_args(hints["quantity"])
    fields = typing.get_type_hints(Order)
    assert fields["side"] == typing.Literal["buy", "sell"]
    assert fields["order_type"] == typing.Literal["market", "limit", "stop_loss", "take_profit"]


def test_dict_parameters_are_typed_dicts() -> None:
    errors = mypy_errors(DICTS)
    text = "\n".join(message for _, message in errors)
    assert len(errors) == 3
    assert 'TypedDict item "timeframe"' in text
    assert 'Missing key "pairs" for TypedDict "StrategyDefinition"' in text
    assert 'expected "RiskProfileInput | None"' in text
