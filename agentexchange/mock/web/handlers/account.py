"""Web layer: HTTP handlers for the calling agent's account: reads, reset, risk limits, mode (tag ``account``).

docs/architecture.md "Web layer": thin glue onto ``domain/trading.py``, which values the
agent's book at current prices and answers in the document's shapes, ``domain/accounts.py``
(the acting agent's risk limits, which the next order is checked against) and
``domain/modes.py`` (the account's mode label).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...domain.accounts import permission_denied
from ...domain.modes import AccountModeInfo
from ..app import ApiRequest, Handler
from ._context import body_of, caller, decimal_field

if TYPE_CHECKING:
    from ...domain.exchange import Exchange


def _mode_body(m: AccountModeInfo) -> dict[str, Any]:
    return {
        "mode": m.mode,
        "active_strategy_label": m.active_strategy_label,
        "active_backtests": m.active_backtests,
        "total_backtests_completed": m.total_backtests_completed,
    }


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

    def update_risk_profile(request: ApiRequest) -> Any:
        # The acting agent's limits (the platform writes the agent's profile when there is
        # an agent context, and the mock always has one): its next order meets them.
        principal = caller(request)
        if principal.agent_id is None:
            raise permission_denied("No agent context for these credentials.")
        return ex.accounts.set_risk_profile(
            principal.account_id, principal.agent_id, body_of(request)
        ).risk_view()

    def get_account_mode(request: ApiRequest) -> Any:
        return _mode_body(ex.modes.get(caller(request).account_id))

    def switch_account_mode(request: ApiRequest) -> Any:
        body = body_of(request)
        return _mode_body(
            ex.modes.switch(caller(request).account_id, body["mode"], body.get("strategy_label"))
        )

    return {
        "update_risk_profile": update_risk_profile,
        "get_account_mode": get_account_mode,
        "switch_account_mode": switch_account_mode,
        "get_account_info": get_account_info,
        "get_balance": get_balance,
        "get_positions": get_positions,
        "get_portfolio": get_portfolio,
        "get_pnl": get_pnl,
        "reset_account": reset_account,
    }
