"""Backtest sessions in the domain (``domain/backtests``): the clock on the live series,
fills on the candle range, batching that changes nothing but the cost, the end of a
session, the results arithmetic, and the account's bounds.

Expected prices come from the market's own candles (the series live trading sees), read
here independently of the session; the arithmetic is worked by hand.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from agentexchange.mock.domain.backtests import service
from agentexchange.mock.domain.backtests.results import EquityPoint, by_pair, compute_metrics
from agentexchange.mock.domain.errors import DomainError
from agentexchange.mock.domain.exchange import Exchange, MockConfig
from agentexchange.mock.domain.orders import Trade

CLOCK = datetime(2026, 12, 15, tzinfo=UTC)
DAY = datetime(2026, 11, 3, tzinfo=UTC)
Q8 = Decimal("0.00000001")
D = Decimal


@pytest.fixture(scope="module")
def ex() -> Exchange:
    return Exchange(MockConfig(seed=7, pairs=50, rate_limits=False, start=CLOCK))


class Driver:
    """One account's calls on the service, as the handlers make them."""

    def __init__(self, ex: Exchange) -> None:
        registered = ex.accounts.register(f"t-{id(self)}")
        self.ex = ex
        self.account = registered.account.id
        self.agent = registered.agent.id

    def create(self, **kw: Any) -> str:
        args: dict[str, Any] = {
            "start": DAY,
            "end": DAY + timedelta(hours=3),
            "starting_balance": D(10000),
            "pairs": ["BTCUSDT", "ETHUSDT"],
        }
        args.update(kw)
        return str(self.ex.backtests.create(self.account, self.agent, **args)["session_id"])

    def started(self, **kw: Any) -> str:
        sid = self.create(**kw)
        self.ex.backtests.start(self.account, sid)
        return sid

    def on(self, sid: str, action: Any) -> Any:
        return self.ex.backtests.run(self.account, sid, action)

    def step(self, sid: str, n: int = 1, **kw: Any) -> dict[str, Any]:
        answer: dict[str, Any] = self.ex.backtests.step(self.account, sid, n, **kw)
        return answer


def minute_candles(ex: Exchange, symbol: str, start: datetime, count: int) -> list[Any]:
    return ex.market.candles(symbol, "1m", start=start, limit=count)


# --------------------------------------------------------------- the clock
def test_the_session_prices_each_step_with_the_live_series_at_that_time(ex: Exchange) -> None:
    d = Driver(ex)
    sid = d.started()
    candles = minute_candles(ex, "BTCUSDT", DAY - timedelta(minutes=1), 12)
    # Step 0 (the clock at start_time) is priced by the candle that closed then.
    assert d.on(sid, lambda s: s.price("BTCUSDT")) == candles[0].close
    for k in (1, 2, 11):
        answer = d.step(sid, k - d.on(sid, lambda s: s.current))
        assert answer["virtual_time"] == DAY + timedelta(minutes=k)
        assert answer["prices"]["BTCUSDT"] == candles[k].close
        assert candles[k].close == ex.market.price_at("BTCUSDT", DAY + timedelta(minutes=k))
    shown = d.on(sid, lambda s: s.candles("BTCUSDT", "1m", 3))["candles"]
    assert [c["bucket"] for c in shown] == [c.open_time for c in candles[9:12]]
    assert all(c.close_time <= DAY + timedelta(minutes=11) for c in candles[9:12])


def test_the_ticker_is_the_live_ticker_as_it_read_at_the_session_clock(ex: Exchange) -> None:
    now = ex.clock.now()
    live = ex.market.ticker("ETHUSDT")
    assert ex.market.ticker_at("ETHUSDT", now) == live
    d = Driver(ex)
    sid = d.started()
    d.step(sid, 30)
    ticker = d.on(sid, lambda s: s.ticker("ETHUSDT"))
    then = ex.market.ticker_at("ETHUSDT", DAY + timedelta(minutes=30))
    assert (ticker["close"], ticker["volume"], ticker["price_change"]) == (
        then.close,
        then.volume,
        then.change,
    )


# --------------------------------------------------------------- fills
def _first_step_reaching(ex: Exchange, symbol: str, after: int, level: Decimal, falls: bool) -> int:
    candles = minute_candles(ex, symbol, DAY + timedelta(minutes=after), 180 - after)
    for offset, candle in enumerate(candles):
        if (candle.low <= level) if falls else (candle.high >= level):
            return after + offset + 1
    raise AssertionError("never reached")


def test_a_take_profit_sell_fills_on_the_first_candle_reaching_it(ex: Exchange) -> None:
    d = Driver(ex)
    sid = d.started()
    d.on(sid, lambda s: s.place_order("ETHUSDT", "buy", "market", D("0.5"), None))
    ahead = minute_candles(ex, "ETHUSDT", DAY, 180)
    target = max(c.high for c in ahead[20:60])
    expected = _first_step_reaching(ex, "ETHUSDT", 0, target, falls=False)
    order = d.on(sid, lambda s: s.place_order("ETHUSDT", "sell", "take_profit", D("0.5"), target))
    answer = d.step(sid, 100)  # one batch: the fill still happens at its own step
    fills = d.on(sid, lambda s: s.trade_history())["trades"]
    assert answer["orders_filled"] == [], "step/batch reports the fills of its last step only"
    sell = fills[-1]
    assert sell["side"] == "sell" and sell["type"] == "take_profit"
    assert sell["simulated_at"] == DAY + timedelta(minutes=expected)
    candle = ahead[expected - 1]
    reference = max(target, candle.open)
    assert sell["price"] == (reference * (1 - D("0.0001"))).quantize(Q8)
    assert order["status"] == "pending"


def test_batch_size_and_the_fast_path_change_the_cost_not_the_fills(ex: Exchange) -> None:
    def run(mode: str) -> tuple[Any, ...]:
        d = Driver(ex)
        sid = d.started()
        d.step(sid, 3)
        price = d.on(sid, lambda s: s.price("BTCUSDT"))
        d.on(sid, lambda s: s.place_order("BTCUSDT", "buy", "limit", D("0.01"), price * D("0.998")))
        d.on(sid, lambda s: s.place_order("ETHUSDT", "buy", "market", D("0.3"), None))
        stop = d.on(sid, lambda s: s.price("ETHUSDT")) * D("0.998")
        d.on(sid, lambda s: s.place_order("ETHUSDT", "sell", "stop_loss", D("0.3"), stop))
        if mode == "single":
            while not d.step(sid)["is_complete"]:
                pass
        elif mode == "batch":
            d.step(sid, 50)
            d.step(sid, 10000)
        else:
            fills = d.step(sid, 177, fast=True, every_fill=True)["orders_filled"]
            assert fills and all(f["status"] == "filled" for f in fills)  # every step's fills
        trades = d.on(sid, lambda s: s.result_trades(100, 0))["trades"]
        summary = d.on(sid, lambda s: s.results_view())["summary"]
        return (
            [(t["side"], t["type"], t["price"], t["quantity"], t["simulated_at"]) for t in trades],
            summary["final_equity"],
            summary["total_fees"],
        )

    single = run("single")
    assert single == run("batch") == run("fast")
    assert len(single[0]) >= 3


def test_pending_orders_wait_for_their_candle_not_for_the_batch_end(ex: Exchange) -> None:
    d = Driver(ex)
    sid = d.started()
    ahead = minute_candles(ex, "BTCUSDT", DAY, 180)
    level = min(c.low for c in ahead[30:90])
    expected = _first_step_reaching(ex, "BTCUSDT", 0, level, falls=True)
    order = d.on(sid, lambda s: s.place_order("BTCUSDT", "buy", "limit", D("0.01"), level))
    answer = d.step(sid, 120, fast=True, every_fill=True)
    [fill] = answer["orders_filled"]
    assert fill["order_id"] == order["order_id"]
    points = d.on(sid, lambda s: s.snapshots)
    # The fill took a snapshot at its own step, then the fast batch one at its end.
    assert [p.time for p in points] == [
        DAY,
        DAY + timedelta(minutes=expected),
        DAY + timedelta(minutes=120),
    ]


# --------------------------------------------------------------- the end
def test_the_last_step_cancels_pending_orders_and_sells_the_positions(ex: Exchange) -> None:
    d = Driver(ex)
    sid = d.started(end=DAY + timedelta(hours=1))
    d.on(sid, lambda s: s.place_order("ETHUSDT", "buy", "market", D("0.5"), None))
    d.on(sid, lambda s: s.place_order("BTCUSDT", "buy", "limit", D("0.001"), D(5000)))
    answer = d.step(sid, 60)
    assert answer["is_complete"] and answer["portfolio"]["positions"][0]["symbol"] == "ETHUSDT"
    last = minute_candles(ex, "ETHUSDT", DAY + timedelta(minutes=59), 1)[0].close
    trades = d.on(sid, lambda s: s.result_trades(10, 0))["trades"]
    closing = trades[-1]
    assert closing["side"] == "sell" and closing["simulated_at"] == DAY + timedelta(hours=1)
    assert closing["price"] == (last * (1 - D("0.0001"))).quantize(Q8)
    points = d.on(sid, lambda s: s.snapshots)
    assert [p.time for p in points[-2:]] == [DAY + timedelta(hours=1)] * 2
    assert points[-1].position_value == 0 and points[-1].available_cash == points[-1].total_equity
    summary = d.on(sid, lambda s: s.results_view())["summary"]
    assert summary["final_equity"] == points[-1].total_equity
    assert summary["total_trades"] == 2  # the limit buy never filled and was cancelled
    with pytest.raises(DomainError) as err:
        d.on(sid, lambda s: s.orders())
    assert (err.value.status, err.value.code) == (404, "BACKTEST_NOT_FOUND")


# --------------------------------------------------------------- results arithmetic
def _trade(minute: int, symbol: str, side: str, pnl: str | None) -> Trade:
    return Trade(
        trade_id=f"t{minute}",
        order_id=f"o{minute}",
        agent_id="a",
        session_id="s",
        symbol=symbol,
        side=side,
        quantity=D(1),
        price=D(100),
        fee=D("0.1"),
        total=D(100),
        executed_at=DAY + timedelta(minutes=minute),
        pnl=None if pnl is None else D(pnl),
    )


def _point(hour: int, equity: str) -> EquityPoint:
    e = D(equity)
    return EquityPoint(DAY + timedelta(hours=hour), e, e, D(0), D(0), D(0))


def test_metrics_are_the_platforms_set_worked_by_hand() -> None:
    trades = [
        _trade(0, "ETHUSDT", "buy", None),
        _trade(10, "ETHUSDT", "sell", "30"),
        _trade(20, "BTCUSDT", "buy", None),
        _trade(40, "BTCUSDT", "sell", "-10"),
        _trade(60, "BTCUSDT", "sell", "-20"),
    ]
    points = [_point(0, "1000"), _point(1, "1100"), _point(2, "990"), _point(3, "1045")]
    m = compute_metrics(trades, points, span_seconds=2 * 86400)
    assert m["win_rate"] == D("33.33")  # 1 of 3 closing sells
    assert m["profit_factor"] == D("1.0000")  # 30 / (10 + 20)
    assert (m["avg_win"], m["avg_loss"]) == (D("30"), D("-15"))
    assert (m["best_trade"], m["worst_trade"]) == (D(30), D(-20))
    assert m["avg_trade_duration_minutes"] == D("15.00")  # gaps 10, 10, 20, 20
    assert m["trades_per_day"] == D("2.50")  # 5 trades over 2 days
    assert m["max_drawdown_pct"] == D("10.00")  # 1100 -> 990
    assert m["max_drawdown_duration_days"] == D("0.08")  # under water 2 h of a day
    assert m["sharpe_ratio"] is not None and m["sortino_ratio"] is not None
    flat = compute_metrics([], [_point(0, "1000"), _point(1, "1000"), _point(2, "1000")], 86400)
    assert flat["sharpe_ratio"] is None and flat["sortino_ratio"] is None  # undefined, as null
    assert flat["profit_factor"] is None and flat["win_rate"] == 0
    rows = by_pair(trades)
    assert [(r["symbol"], r["trades"], r["wins"], r["losses"]) for r in rows] == [
        ("BTCUSDT", 3, 0, 2),
        ("ETHUSDT", 2, 1, 0),
    ]
    assert rows[0]["net_pnl"] == D("-30") and rows[0]["total_volume"] == D(300)
    assert rows[1]["win_rate"] == D("100.00")


def test_two_sessions_with_the_same_inputs_answer_the_same(ex: Exchange) -> None:
    def run() -> tuple[Any, ...]:
        d = Driver(ex)
        sid = d.started(end=DAY + timedelta(hours=2))
        d.step(sid, 7)
        d.on(sid, lambda s: s.place_order("BTCUSDT", "buy", "market", D("0.02"), None))
        d.step(sid, 40, fast=True)
        d.on(sid, lambda s: s.place_order("BTCUSDT", "sell", "market", D("0.01"), None))
        d.step(sid, 1000)
        view = d.on(sid, lambda s: s.results_view())
        curve = d.on(sid, lambda s: s.equity_curve(1))["snapshots"]
        return view["summary"], view["metrics"], view["by_pair"], curve

    assert run() == run()


# --------------------------------------------------------------- bounds
def test_an_account_keeps_a_bounded_number_of_sessions(
    ex: Exchange, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "MAX_UNFINISHED", 2)
    monkeypatch.setattr(service, "MAX_KEPT", 3)
    d = Driver(ex)
    first, second = d.create(), d.create()
    with pytest.raises(DomainError) as err:
        d.create()
    assert (err.value.status, err.value.code) == (409, "BACKTEST_LIMIT_EXCEEDED")
    assert err.value.details == {"limit": 2, "active": 2}
    for sid in (first, second):
        d.ex.backtests.start(d.account, sid)
        d.ex.backtests.cancel(d.account, sid)
    third = d.create()
    d.ex.backtests.start(d.account, third)
    d.ex.backtests.cancel(d.account, third)
    d.create()  # a fourth: the oldest finished one makes room
    with pytest.raises(DomainError) as err:
        d.on(first, lambda s: s.status_view())
    assert err.value.message == f"Backtest session '{first}' not found."
    assert d.on(second, lambda s: s.status) == "cancelled"


def test_another_accounts_session_is_not_found_and_untouched(ex: Exchange) -> None:
    owner, stranger = Driver(ex), Driver(ex)
    sid = owner.started()
    with pytest.raises(DomainError) as err:
        stranger.step(sid)
    assert (err.value.status, err.value.details) == (404, {"session_id": sid})
    assert owner.on(sid, lambda s: s.current) == 0


def test_the_account_mode_counts_the_accounts_running_and_completed_sessions(ex: Exchange) -> None:
    me, other = Driver(ex), Driver(ex)
    assert ex.modes.get(me.account).active_backtests == 0
    me.create()  # created, not running: not counted
    running = me.started()
    finished = me.started(end=DAY + timedelta(minutes=5))
    me.step(finished, 5)
    mode = ex.modes.get(me.account)
    assert (mode.active_backtests, mode.total_backtests_completed) == (1, 1)
    other_mode = ex.modes.get(other.account)
    assert (other_mode.active_backtests, other_mode.total_backtests_completed) == (0, 0)
    ex.backtests.cancel(me.account, running)
    assert ex.modes.get(me.account).active_backtests == 0


def test_a_session_run_to_its_end_publishes_backtest_completed_once(ex: Exchange) -> None:
    me = Driver(ex)
    heard: list[dict[str, Any]] = []

    def listen(topic: str, message: dict[str, Any]) -> None:
        heard.append(message)

    ex.events.subscribe("backtest.completed", listen)
    try:
        sid = me.started(end=DAY + timedelta(minutes=5))
        me.step(sid, 4)
        assert heard == []  # not yet finished
        me.step(sid, 1)
        with pytest.raises(DomainError):
            me.step(sid, 1)  # finished: no second event either
    finally:
        ex.events.unsubscribe("backtest.completed", listen)
    results = me.on(sid, lambda s: s.results_view())
    assert heard == [
        {
            "account_id": me.account,
            "payload": {
                "backtest_id": sid,
                "status": "completed",
                "roi_pct": results["summary"]["roi_pct"],
                "total_trades": results["summary"]["total_trades"],
                "final_equity": results["summary"]["final_equity"],
            },
        }
    ]
