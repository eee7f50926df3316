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


def test_mypy_reports_each_mistake_of_the_user_script() -> None:
    lines = SCRIPT.read_text(encoding="utf-8").splitlines()
    marked = {i for i, text in enumerate(lines, 1) if "# MISTAKE" in text}
    assert len(marked) == 4
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", str(SCRIPT.relative_to(ROOT))],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    errors = re.findall(r"^\S*user_mistakes\.py:(\d+): error: (.*)$", proc.stdout, re.MULTILINE)
    assert {int(line) for line, _ in errors} == marked, proc.stdout
    assert len(errors) == 4, proc.stdout
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
