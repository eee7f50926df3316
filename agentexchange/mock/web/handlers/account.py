"""Web layer: HTTP handlers for the calling agent's account reads and reset (tag ``account``).

docs/architecture.md "Web layer": thin glue onto ``domain/trading.py``, which values the
agent's book at current prices and answers in the document's shapes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..app import ApiRequest, Handler
from ._context import body_of, caller, decimal_field

if TYPE_CHECKING:
    from ...domain.exchange import Exchange


def handlers(ex: Exchange) -> dict[str, Handler]:
    trading = ex.trading

    def get_account_info(request: ApiRequest) -> Any:
        return trading.account_info(caller(request).agent_id)

    def get_balance(request: ApiRequest) -> Any:
        return trading.balance(caller(request).agent_id)

    def get_positions(request: ApiRequest) -> Any:
        return trading.positions(caller(request).agent_id)

    def get_portfolio(request: ApiRequest) -> Any:
        return trading.portfolio(caller(request).agent_id)

    def get_pnl(request: ApiRequest) -> Any:
        return trading.pnl(caller(request).agent_id, request.query["period"])

    def reset_account(request: ApiRequest) -> Any:
        # The schema demands confirm: true; the platform's SDK sends starting_balance.
        balance = decimal_field(body_of(request), "new_starting_balance", "starting_balance")
        return trading.reset(caller(request).agent_id, balance)

    return {
        "get_account_info": get_account_info,
        "get_balance": get_balance,
        "get_positions": get_positions,
        "get_portfolio": get_portfolio,
        "get_pnl": get_pnl,
        "reset_account": reset_account,
    }
