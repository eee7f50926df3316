"""Values recorded from the real platform, read from ``tests/data/`` (not retyped).

Imported by tests of the mock and of its HTTP routes (``tests/`` is on ``sys.path``, as
for ``defects.py``), so a recorded input lives in one place: the data file it came from.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data" / "platform" / "indicators_metrics_excerpt.json"


def _exchanges() -> list[dict[str, Any]]:
    document = json.loads(DATA.read_text(encoding="utf-8"))
    exchanges: list[dict[str, Any]] = document["exchanges"]
    return exchanges


def _r60() -> list[float]:
    """The 60-return series the platform was asked about (POST /metrics/deflated-sharpe)."""
    for exchange in _exchanges():
        body = exchange["request"].get("body") or {}
        returns = body.get("returns") if isinstance(body, dict) else None
        if exchange["request"]["path"] == "/api/v1/metrics/deflated-sharpe" and (
            isinstance(returns, list) and len(returns) == 60
        ):
            return [float(r) for r in returns]
    raise LookupError(f"{DATA.name} holds no 60-return deflated-sharpe request")


R60 = _r60()
