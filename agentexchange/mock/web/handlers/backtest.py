"""Web layer: HTTP handlers for backtest sessions (openapi.yaml tag ``backtest``).

docs/architecture.md "Web layer": thin glue onto ``domain/backtests`` (``Exchange.backtests``).
``app.py`` has routed, authenticated and validated the request — body members parsed
(date-times, decimals) with the document's defaults filled in — so each handler names the
caller's account and agent, calls the service and returns its plain dict. The platform
sends a few backtest values as JSON numbers (``progress_pct`` in /status and the list,
``duration_real_sec``) while ``app.py`` writes ``Decimal`` as a string, so those become
numbers here, at the edge.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ...domain.backtests import BacktestSession
from ..app import ApiRequest, Handler
from ._context import body_of, caller, decimal_field
from .strategies import number

if TYPE_CHECKING:  # the composition root imports every domain part; handlers only need the type
    from ...domain.exchange import Exchange


def status_body(view: dict[str, Any]) -> dict[str, Any]:
    """BacktestStatus: progress and duration as JSON numbers, as the platform sends them."""
    return {
        **view,
        "progress_pct": number(view["progress_pct"]),
        "duration_real_sec": number(view["duration_real_sec"]),
    }


def results_body(view: dict[str, Any]) -> dict[str, Any]:
    summary = view["summary"]
    return {
        **view,
        "summary": {**summary, "duration_real_sec": number(summary["duration_real_sec"])},
    }


def handlers(ex: Exchange) -> dict[str, Handler]:
    backtests = ex.backtests

    def on_session(action: Callable[[BacktestSession, ApiRequest], Any]) -> Handler:
        """A handler running ``action`` on the caller's session named in the path."""

        def handle(request: ApiRequest) -> Any:
            return backtests.run(
                caller(request).account_id,
                request.path_params["session_id"],
                lambda session: action(session, request),
            )

        return handle

    def create_backtest(request: ApiRequest) -> Any:
        body = body_of(request)
        who = caller(request)
        balance = decimal_field(body, "starting_balance")
        assert balance is not None  # the document requires it
        return backtests.create(
            who.account_id,
            who.agent_id,
            start=body["start_time"],
            end=body["end_time"],
            starting_balance=balance,
            candle_interval=body["candle_interval"],
            pairs=body.get("pairs"),
            strategy_label=body["strategy_label"],
            agent_id=body.get("agent_id"),
            exchange=body["exchange"],
            fee_rate=decimal_field(body, "fee_rate"),
        )

    def start_backtest(request: ApiRequest) -> Any:
        return backtests.start(caller(request).account_id, request.path_params["session_id"])

    def step_backtest(request: ApiRequest) -> Any:
        return backtests.step(caller(request).account_id, request.path_params["session_id"])

    def step_backtest_batch(request: ApiRequest) -> Any:
        return backtests.step(
            caller(request).account_id,
            request.path_params["session_id"],
            body_of(request)["steps"],
        )

    def step_backtest_batch_fast(request: ApiRequest) -> Any:
        body = body_of(request)
        return backtests.step(
            caller(request).account_id,
            request.path_params["session_id"],
            body["steps"],
            fast=True,
            every_fill=body["include_intermediate_trades"],
        )

    def cancel_backtest(request: ApiRequest) -> Any:
        return backtests.cancel(caller(request).account_id, request.path_params["session_id"])

    def place_order(session: BacktestSession, request: ApiRequest) -> Any:
        body = body_of(request)
        quantity = decimal_field(body, "quantity")
        assert quantity is not None  # the document requires it
        return session.place_order(
            str(body["symbol"]),
            str(body["side"]),
            str(body["type"]),
            quantity,
            decimal_field(body, "price"),
        )

    def list_backtests(request: ApiRequest) -> Any:
        q = request.query
        listed = backtests.list(
            caller(request).account_id,
            strategy_label=q.get("strategy_label"),
            status=q.get("status"),
            agent_id=q.get("agent_id"),
            sort_by=q["sort_by"],
            limit=q["limit"],
        )
        return {**listed, "backtests": [status_body(row) for row in listed["backtests"]]}

    def compare_backtests(request: ApiRequest) -> Any:
        ids = [part.strip() for part in str(request.query["sessions"]).split(",") if part.strip()]
        return backtests.compare(caller(request).account_id, ids)

    def get_best_backtest(request: ApiRequest) -> Any:
        q = request.query
        return backtests.best(
            caller(request).account_id, q["metric"], strategy_label=q.get("strategy_label")
        )

    return {
        "create_backtest": create_backtest,
        "start_backtest": start_backtest,
        "step_backtest": step_backtest,
        "step_backtest_batch": step_backtest_batch,
        "step_backtest_batch_fast": step_backtest_batch_fast,
        "cancel_backtest": cancel_backtest,
        "backtest_place_order": on_session(place_order),
        "backtest_get_orders": on_session(lambda s, r: s.orders()),
        "backtest_get_open_orders": on_session(lambda s, r: s.orders(open_only=True)),
        "backtest_cancel_order": on_session(
            lambda s, r: s.cancel_order(str(r.path_params["order_id"]))
        ),
        "backtest_get_trade_history": on_session(lambda s, r: s.trade_history()),
        "backtest_get_price": on_session(lambda s, r: s.get_price(r.path_params["symbol"])),
        "backtest_get_all_prices": on_session(lambda s, r: s.get_prices()),
        "backtest_get_ticker": on_session(lambda s, r: s.ticker(r.path_params["symbol"])),
        "backtest_get_candles": on_session(
            lambda s, r: s.candles(
                r.path_params["symbol"], str(r.query["interval"]), r.query["limit"]
            )
        ),
        "backtest_get_balance": on_session(lambda s, r: s.balance()),
        "backtest_get_positions": on_session(lambda s, r: s.positions()),
        "backtest_get_portfolio": on_session(lambda s, r: s.portfolio()),
        "get_backtest_status": on_session(lambda s, r: status_body(s.status_view())),
        "get_backtest_results": on_session(lambda s, r: results_body(s.results_view())),
        "get_backtest_equity_curve": on_session(lambda s, r: s.equity_curve(r.query["interval"])),
        "get_backtest_trades": on_session(
            lambda s, r: s.result_trades(r.query["limit"], r.query["offset"])
        ),
        "list_backtests": list_backtests,
        "compare_backtests": compare_backtests,
        "get_best_backtest": get_best_backtest,
    }
