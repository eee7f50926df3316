"""Web layer: HTTP handlers for performance, equity history and the leaderboard (tag ``analytics``).

docs/architecture.md "Web layer": thin glue onto ``domain/trading.py`` /
``domain/analytics.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..app import ApiRequest, Handler
from ._context import caller

if TYPE_CHECKING:
    from ...domain.exchange import Exchange


def handlers(ex: Exchange) -> dict[str, Handler]:
    trading = ex.trading

    def get_performance(request: ApiRequest) -> Any:
        return trading.performance(caller(request).agent_id, request.query["period"])

    def get_portfolio_history(request: ApiRequest) -> Any:
        q = request.query
        return trading.portfolio_history(caller(request).agent_id, q["interval"], q["limit"])

    def get_leaderboard(request: ApiRequest) -> Any:
        caller(request)
        q = request.query
        return trading.leaderboard(q["period"], q["limit"])

    return {
        "get_performance": get_performance,
        "get_portfolio_history": get_portfolio_history,
        "get_leaderboard": get_leaderboard,
    }
