"""Web layer: HTTP handlers for statistics over data the caller sends (openapi.yaml tag ``metrics``).

docs/architecture.md "Web layer": thin glue onto ``domain/deflated_sharpe.py``. The body
arrives validated with the document's defaults filled in and its JSON numbers as
``Decimal`` or ``int``; the statistic is computed in float, as on the platform, so the
returns become floats here, at the edge (``float(Decimal(text)) == float(text)``: exact).
The answer's numbers are JSON numbers.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ...domain.deflated_sharpe import deflated_sharpe
from ..app import ApiRequest, Handler
from ._context import body_of, caller

if TYPE_CHECKING:
    from ...domain.exchange import Exchange


def handlers(ex: Exchange) -> dict[str, Handler]:
    def compute_deflated_sharpe(request: ApiRequest) -> Any:
        caller(request)
        body = body_of(request)
        result = deflated_sharpe(
            [_as_float(r) for r in body["returns"]],
            int(body["num_trials"]),
            int(body["annualization_factor"]),
        )
        return {
            "observed_sharpe": result.observed_sharpe,
            "expected_max_sharpe": result.expected_max_sharpe,
            "deflated_sharpe": result.deflated_sharpe,
            "p_value": result.p_value,
            "is_significant": result.is_significant,
            "num_trials": result.num_trials,
            "num_returns": result.num_returns,
            "skewness": result.skewness,
            "kurtosis": result.kurtosis,
        }

    return {"compute_deflated_sharpe": compute_deflated_sharpe}


def _as_float(value: Decimal | int) -> float:
    """A JSON number as a float; one beyond float's range becomes ±inf, which the domain
    refuses as invalid input (422), instead of an OverflowError (a 500)."""
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf
