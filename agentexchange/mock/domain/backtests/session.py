"""Domain layer: One backtest session: its own clock over the seeded history, its sandbox, its answers.

docs/architecture.md "Domain core". A session replays [start, end) at ``interval``
seconds per step on the market's seeded paths — the series live trading sees: at session
time t every price is the close of the candle [t - interval, t), the price a live agent
read at t. Step k moves the clock to start + k x interval; the candle that just closed is
candle k, whose range fires pending orders (``orders.crossed``, filled at
``orders.range_fill_price`` plus the live slippage). Orders, fees, lot rules and the
agent's risk profile are the backtest engine's (``sandbox.Sandbox``), the one strategy
tests use.

Stepping is cheap because it does only what can change an answer: with nothing pending
a batch jumps straight to its next equity snapshot (every ``SNAPSHOT_EVERY`` steps, as the
platform, or only at the batch end on the fast path); with pending orders it reads the
batch's candles of just those pairs in one go, as integer nodes (``market.series``), and
finds each order's first crossing. Prices become ``Decimal`` only where an answer,
a fill or a snapshot needs them. The last step closes the open positions at the last
prices (cancelling pending orders first), takes the final snapshot and computes the
results; after that, and after a cancel, the session's market, trade and account routes
answer 404 "not active", as on the platform.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from ..errors import DomainError
from ..market import Market
from ..market.candles import INTERVAL_SECONDS
from ..market.pricepath import Node
from ..market.series import Series
from ..orders import PENDING_TYPES, Order, Trade, falls_to, q8, range_fill_price
from ..portfolio import Valuation
from ..risk import RiskProfile
from ..sandbox import Sandbox
from . import results
from .results import EquityPoint

SNAPSHOT_EVERY = 60  # steps between equity snapshots on step and step/batch (the platform's)
INTERVAL_NAMES = {seconds: name for name, seconds in INTERVAL_SECONDS.items()}
_ZERO = Decimal(0)
_Q2 = Decimal("0.01")
_Q4 = Decimal("0.0001")
_HUNDRED = Decimal(100)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class SessionConfig:
    start: datetime
    end: datetime
    starting_balance: Decimal
    interval: int  # seconds per step: one of the market's candle intervals
    pairs: tuple[str, ...]  # what the session trades and prices
    pairs_requested: tuple[str, ...] | None  # as asked (None: every pair)
    strategy_label: str
    fee_rate: Decimal
    exchange: str

    @property
    def total_steps(self) -> int:
        return int((self.end - self.start).total_seconds()) // self.interval


def not_active(session_id: str) -> DomainError:
    return DomainError(
        "BACKTEST_NOT_FOUND",
        f"Backtest session '{session_id}' is not active.",
        404,
        {"session_id": session_id},
    )


class BacktestSession:
    """A session's whole life: created -> running -> completed | cancelled."""

    def __init__(
        self,
        session_id: str,
        account_id: str,
        agent_id: str,
        config: SessionConfig,
        market: Market,
        created_at: datetime,
    ) -> None:
        self.id = session_id
        self.account_id = account_id
        self.agent_id = agent_id
        self.config = config
        self.market = market
        self.status = "created"
        self.created_at = created_at
        self.started_at: datetime | None = None
        self.completed_at: datetime | None = None
        self.total_steps = config.total_steps
        self.current = 0
        self.sandbox: Sandbox | None = None
        self.snapshots: list[EquityPoint] = []
        self.summary: dict[str, Any] | None = None  # set when it finished
        self.metrics: dict[str, Decimal | None] | None = None  # set when it completed
        self.pair_results: list[dict[str, Any]] = []
        self._first = int((config.start - _EPOCH).total_seconds()) // config.interval
        self._pairs = frozenset(config.pairs)
        self._series: dict[str, Series] = {}
        interval_name = INTERVAL_NAMES[config.interval]
        self._series_of: Callable[[str], Series] = lambda symbol: market.series(
            symbol, interval_name
        )

    # ------------------------------------------------------------ the clock
    @property
    def finished(self) -> bool:
        return self.status in ("completed", "cancelled")

    def clock(self, step: int | None = None) -> datetime:
        return self.config.start + timedelta(
            seconds=self.config.interval * (self.current if step is None else step)
        )

    def _series_for(self, symbol: str) -> Series:
        found = self._series.get(symbol)
        if found is None:
            found = self._series[symbol] = self._series_of(symbol)
        return found

    def price(self, symbol: str, step: int | None = None) -> Decimal:
        """The price at the session clock (or at ``step``): the close of candle ``step``."""
        series = self._series_for(symbol)
        at = self.current if step is None else step
        return series.price(series.node(self._first + at - 1)[3])

    def prices(self, step: int | None = None) -> dict[str, Decimal]:
        return {symbol: self.price(symbol, step) for symbol in self.config.pairs}

    def _volume(self, symbol: str, step: int) -> Decimal:
        """The pair's 24 h USDT volume at ``step`` (the live slippage model reads it)."""
        return self.market.ticker_at(symbol, self.clock(step)).quote_volume

    def running(self) -> Sandbox:
        """The sandbox of a running session, or 404 "not active"."""
        if self.status != "running" or self.sandbox is None:
            raise not_active(self.id)
        return self.sandbox

    # ------------------------------------------------------------ lifecycle
    def start(self, now: datetime, risk: RiskProfile) -> dict[str, Any]:
        if self.status != "created":
            raise DomainError(
                "BACKTEST_INVALID_STATE",
                f"Cannot start backtest in '{self.status}' state.",
                409,
                {"current_status": self.status, "required_status": "created"},
            )
        self.sandbox = Sandbox(
            self.config.starting_balance,
            self.config.start,
            session_id=self.id,
            agent_id=self.agent_id,
            account_id=self.account_id,
            risk=risk,
            fee_rate=self.config.fee_rate,
        )
        self.status, self.started_at = "running", now
        self._snapshot(0)
        return {"status": "running", "session_id": self.id}

    def step(
        self, steps: int, now: datetime, *, fast: bool = False, every_fill: bool = False
    ) -> dict[str, Any]:
        """Advance up to ``steps`` steps; the answer of step, step/batch or step/batch/fast."""
        if self.status == "created":
            raise not_active(self.id)
        if self.finished:
            raise DomainError(
                "BACKTEST_INVALID_STATE",
                f"Backtest session has already {self.status}.",
                409,
                {"current_status": self.status},
            )
        sandbox = self.running()
        begin = self.current
        target = min(begin + steps, self.total_steps)
        fills = self._advance(sandbox, target, fast=fast)
        shown = fills if every_fill else [(step, order) for step, order in fills if step == target]
        answer: dict[str, Any] = {
            "virtual_time": self.clock(target),
            "step": target,
            "total_steps": self.total_steps,
            "progress_pct": self._progress(target),
            "prices": self.prices(target),
            "orders_filled": [_fill_view(order) for _, order in shown],
            # Before the closing sells of the last step, as the platform answers it.
            "portfolio": _portfolio_view(sandbox, self._valuation(sandbox, target)),
            "is_complete": target >= self.total_steps,
            "remaining_steps": self.total_steps - target,
        }
        if fast:
            answer["steps_executed"] = target - begin
        if answer["is_complete"]:
            self._complete(sandbox, now)
        return answer

    def _advance(self, sandbox: Sandbox, target: int, *, fast: bool) -> list[tuple[int, Order]]:
        """Run steps current+1 .. target; the (step, order) of every fill, in order."""
        done = self.current  # snapshots are taken up to this step
        fills: list[tuple[int, Order]] = []
        for step, orders in self._crossings(sandbox, self.current, target):
            if not fast:
                self._periodic(done, step - 1)
            moment = self.clock(step)
            for order, candle in orders:
                assert order.price is not None
                series = self._series_for(order.symbol)
                reference = range_fill_price(
                    order.type, order.side, order.price, series.price(candle[0])
                )
                volume = self._volume(order.symbol, step)
                sandbox.fill_pending(order, reference, moment, volume)
                fills.append((step, order))  # filled, or rejected for want of cash, as live
            self._snapshot(step)  # a fill is an equity event (the platform's rule)
            done = step
        if not fast:
            self._periodic(done, target)
        elif done < target:
            self._snapshot(target)  # the fast path: one snapshot at the end of the batch
        self.current = target
        return fills

    def _periodic(self, after: int, upto: int) -> None:
        """The step/batch snapshots: every SNAPSHOT_EVERY steps in (after, upto], and the last step."""
        step = (after // SNAPSHOT_EVERY + 1) * SNAPSHOT_EVERY
        while step <= upto:
            self._snapshot(step)
            step += SNAPSHOT_EVERY
        if upto == self.total_steps and upto > after and upto % SNAPSHOT_EVERY:
            self._snapshot(upto)

    def _crossings(
        self, sandbox: Sandbox, begin: int, target: int
    ) -> list[tuple[int, list[tuple[Order, Node]]]]:
        """The steps in (begin, target] at which pending orders fire, each with its orders
        (in the order they were placed) and the candle that reached their level."""
        pending = sandbox.pending()
        if not pending or target <= begin:
            return []
        candles: dict[str, list[Node]] = {}
        by_step: dict[int, list[tuple[Order, Node]]] = {}
        for order in pending:
            series = self._series_for(order.symbol)
            nodes = candles.get(order.symbol)
            if nodes is None:
                nodes = candles[order.symbol] = series.nodes(self._first + begin, target - begin)
            assert order.price is not None
            falls = falls_to(order.type, order.side)
            level = (
                series.ticks_at_most(order.price) if falls else series.ticks_at_least(order.price)
            )
            offset = _first_crossing(nodes, falls, level)
            if offset is not None:
                by_step.setdefault(begin + offset + 1, []).append((order, nodes[offset]))
        return sorted(by_step.items())

    def _valuation(self, sandbox: Sandbox, step: int) -> Valuation:
        return sandbox.value(lambda symbol: self.price(symbol, step))

    def _snapshot(self, step: int) -> None:
        sandbox = self.sandbox
        assert sandbox is not None
        valuation = self._valuation(sandbox, step)
        self.snapshots.append(_point(self.clock(step), sandbox, valuation))

    def _progress(self, step: int) -> Decimal:
        if not self.total_steps:
            return Decimal("100.00")
        return (Decimal(step) * _HUNDRED / self.total_steps).quantize(_Q2)

    def _complete(self, sandbox: Sandbox, now: datetime) -> None:
        """The end: pending orders cancelled, positions sold at the last prices (with the
        live slippage and fee, as the platform's closing sells), the final snapshot."""
        step = self.total_steps
        moment = self.clock(step)
        sandbox.cancel_all(moment)
        for asset, balance in list(sandbox.book.wallet.items()):
            if asset == "USDT" or balance.total <= 0:
                continue
            symbol = sandbox.symbol_of(asset)
            sandbox.execute(
                symbol,
                "sell",
                balance.total,
                self.price(symbol, step),
                moment,
                quote_volume=self._volume(symbol, step),
            )
        self.snapshots.append(_point(moment, sandbox, self._valuation(sandbox, step)))
        self._finish("completed", sandbox, now, self.snapshots[-1].total_equity)
        self.metrics = results.compute_metrics(
            sandbox.book.trades, self.snapshots, int((moment - self.config.start).total_seconds())
        )
        self.pair_results = results.by_pair(sandbox.book.trades)

    def cancel(self, now: datetime) -> dict[str, Any]:
        """Stop a running session, keeping its partial results (positions stay as they are)."""
        sandbox = self.running()
        self._snapshot(self.current)
        equity = self.snapshots[-1].total_equity
        self._finish("cancelled", sandbox, now, equity)
        assert self.summary is not None
        return {
            "session_id": self.id,
            "status": "cancelled",
            "total_trades": self.summary["total_trades"],
            "roi_pct": self.summary["roi_pct"],
        }

    def _finish(self, status: str, sandbox: Sandbox, now: datetime, equity: Decimal) -> None:
        start = self.config.starting_balance
        started = self.started_at or now
        self.status, self.completed_at = status, now
        self.summary = {
            "final_equity": q8(equity),
            "total_pnl": q8(equity - start),
            "roi_pct": ((equity - start) / start * _HUNDRED).quantize(_Q4),
            "total_trades": len(sandbox.book.trades),
            "total_fees": sandbox.book.fees_paid,
            "duration_real_sec": Decimal(str((now - started).total_seconds())).quantize(_Q2),
        }

    # ------------------------------------------------------------ trading
    def place_order(
        self, symbol: str, side: str, order_type: str, quantity: Decimal, price: Decimal | None
    ) -> dict[str, Any]:
        sandbox = self.running()
        now = self.clock()
        self._require_pair(symbol)  # the platform answers 200 "rejected" without a reason
        step = self.current
        trades_before = len(sandbox.book.trades)
        order = sandbox.place(
            symbol,
            side,
            order_type,
            quantity,
            price,
            now=now,
            min_qty=self.market.pair_info(symbol).min_qty,
            reference=self.price(symbol),
            quote_volume=lambda: self._volume(symbol, step),
            price_of=lambda s: self.price(s, step),
        )
        trades = sandbox.book.trades
        return _placed_view(order, trades[-1] if len(trades) > trades_before else None)

    def cancel_order(self, order_id: str) -> dict[str, Any]:
        self.running().cancel(order_id, self.clock())
        return {"order_id": order_id, "cancelled": True}

    def orders(self, *, open_only: bool = False) -> dict[str, Any]:
        sandbox = self.running()
        book = sandbox.book
        chosen = book.open_orders.values() if open_only else book.orders.values()
        views = [_order_view(o, with_execution=not open_only) for o in chosen]
        return {"orders": views, "count": len(views)}

    def trade_history(self) -> dict[str, Any]:
        sandbox = self.running()
        views = [_trade_view(t, sandbox.book.orders[t.order_id]) for t in sandbox.book.trades]
        return {"trades": views, "count": len(views)}

    # ------------------------------------------------------------ market
    def _require_pair(self, symbol: str) -> None:
        if symbol not in self._pairs:
            raise DomainError(
                "INVALID_SYMBOL",
                f"'{symbol}' is not a pair of this backtest session.",
                400,
                {"symbol": symbol},
            )

    def get_price(self, symbol: str) -> dict[str, Any]:
        self.running()
        self._require_pair(symbol)
        return {"symbol": symbol, "price": self.price(symbol), "virtual_time": self.clock()}

    def get_prices(self) -> dict[str, Any]:
        self.running()
        return {"prices": self.prices(), "virtual_time": self.clock()}

    def ticker(self, symbol: str) -> dict[str, Any]:
        self.running()
        self._require_pair(symbol)
        t = self.market.ticker_at(symbol, self.clock())
        return {
            "symbol": symbol,
            "open": t.open,
            "high": t.high,
            "low": t.low,
            "close": t.close,
            "volume": t.volume,
            "trade_count": t.trade_count,
            "price_change": t.change,
            "price_change_pct": t.change_pct.quantize(_Q2),
            "virtual_time": self.clock(),
        }

    def candles(self, symbol: str, interval: str, limit: int) -> dict[str, Any]:
        """Candles up to the session clock; ``interval`` a label (1m ... 1d) or its seconds,
        echoed as sent."""
        self.running()
        self._require_pair(symbol)
        label = interval if interval in INTERVAL_SECONDS else None
        if label is None and interval.isdigit():
            label = INTERVAL_NAMES.get(int(interval))
        if label is None:
            raise DomainError(
                "VALIDATION_ERROR",
                f"interval: {interval!r} is not one of {list(INTERVAL_SECONDS)} or their seconds "
                f"{sorted(INTERVAL_NAMES)}.",
                422,
                {"field": "interval"},
            )
        found = self.market.candles_until(symbol, label, self.clock(), limit)
        views = [
            {
                "bucket": c.open_time,
                "open": c.open,
                "high": c.high,
                "low": c.low,
                "close": c.close,
                "volume": c.volume,
                "trade_count": c.trade_count,
            }
            for c in found
        ]
        return {"symbol": symbol, "interval": interval, "candles": views, "count": len(views)}

    # ------------------------------------------------------------ account
    def balance(self) -> dict[str, Any]:
        book = self.running().book
        return {
            "balances": [
                {"asset": asset, "available": b.free, "locked": b.locked}
                for asset, b in book.wallet.items()
                if asset == "USDT" or b.total > 0
            ]
        }

    def positions(self) -> dict[str, Any]:
        sandbox = self.running()
        realized: dict[str, Decimal] = {}
        for trade in sandbox.book.trades:
            if trade.pnl is not None:
                realized[trade.symbol] = realized.get(trade.symbol, _ZERO) + trade.pnl
        views = []
        for asset, balance in sandbox.book.wallet.items():
            if asset == "USDT" or balance.total <= 0:
                continue
            symbol = sandbox.symbol_of(asset)
            views.append(
                {
                    "symbol": symbol,
                    "quantity": balance.total,
                    "avg_entry_price": sandbox.book.positions[asset].avg_entry_price,
                    "realized_pnl": realized.get(symbol, _ZERO),
                }
            )
        return {"positions": views}

    def portfolio(self) -> dict[str, Any]:
        sandbox = self.running()
        return _portfolio_view(sandbox, self._valuation(sandbox, self.current))

    # ------------------------------------------------------------ results
    def status_view(self) -> dict[str, Any]:
        summary = self.summary or {}
        metrics = self.metrics or {}
        return {
            "session_id": self.id,
            "agent_id": self.agent_id,
            "strategy_label": self.config.strategy_label,
            "start_time": self.config.start,
            "end_time": self.config.end,
            "status": self.status,
            "candle_interval": self.config.interval,
            "starting_balance": self.config.starting_balance,
            "pairs": None
            if self.config.pairs_requested is None
            else list(self.config.pairs_requested),
            "progress_pct": self._progress(self.current),
            "current_step": self.current,
            "total_steps": self.total_steps,
            "virtual_clock": self.clock() if self.started_at is not None else None,
            "final_equity": summary.get("final_equity"),
            "total_pnl": summary.get("total_pnl"),
            "roi_pct": summary.get("roi_pct"),
            "total_trades": summary.get("total_trades", 0),  # as the platform: counted at the end
            "total_fees": summary.get("total_fees", _ZERO),
            "sharpe_ratio": metrics.get("sharpe_ratio"),
            "max_drawdown_pct": metrics.get("max_drawdown_pct"),
            "created_at": self.created_at,
            "started_at": self.started_at,
            "completed_at": self.completed_at,
            "duration_real_sec": summary.get("duration_real_sec"),
        }

    def results_view(self) -> dict[str, Any]:
        start = self.config.starting_balance
        summary = self.summary or {
            "final_equity": start,
            "total_pnl": _ZERO,
            "roi_pct": _ZERO,
            "total_trades": 0,
            "total_fees": _ZERO,
            "duration_real_sec": _ZERO,
        }
        return {
            "session_id": self.id,
            "status": self.status,
            "config": {
                "start_time": self.config.start,
                "end_time": self.config.end,
                "starting_balance": start,
                "candle_interval": str(self.config.interval),
                "pairs": list(self.config.pairs_requested or ()),
                "strategy_label": self.config.strategy_label,
            },
            "summary": summary,
            "metrics": self.metrics or results.empty_metrics(),
            "by_pair": self.pair_results,
        }

    def equity_curve(self, every: int) -> dict[str, Any]:
        return {
            "session_id": self.id,
            "interval": str(every),
            "snapshots": [
                {
                    "simulated_at": p.time,
                    "total_equity": p.total_equity,
                    "available_cash": p.available_cash,
                    "position_value": p.position_value,
                    "unrealized_pnl": p.unrealized_pnl,
                    "realized_pnl": p.realized_pnl,
                }
                for p in self.snapshots[::every]
            ],
        }

    def result_trades(self, limit: int, offset: int) -> dict[str, Any]:
        """A page of the trades; ``total`` counts them all (the platform: the page's length)."""
        trades: Sequence[Trade] = self.sandbox.book.trades if self.sandbox is not None else ()
        orders: Mapping[str, Order] = self.sandbox.book.orders if self.sandbox is not None else {}
        page = [
            {
                **_trade_view(t, orders[t.order_id]),
                "session_id": self.id,
                "realized_pnl": t.pnl if t.pnl is not None else _ZERO,  # "0" for buys here
                "stop_price": _stop_price(orders[t.order_id]),
            }
            for t in trades[offset : offset + limit]
        ]
        return {"session_id": self.id, "trades": page, "total": len(trades)}


# ------------------------------------------------------------------ helpers
def _first_crossing(nodes: Sequence[Node], falls: bool, level: int) -> int | None:
    """Index of the first candle whose range reaches ``level`` (integer ticks): the
    hot loop of ``orders.crossed``, its order type's direction decided once."""
    if falls:
        for i, node in enumerate(nodes):
            if node[2] <= level:
                return i
        return None
    for i, node in enumerate(nodes):
        if node[1] >= level:
            return i
    return None


def _point(moment: datetime, sandbox: Sandbox, valuation: Valuation) -> EquityPoint:
    return EquityPoint(
        moment,
        valuation.equity,
        valuation.cash_free + valuation.cash_locked,
        valuation.position_value,
        valuation.unrealized_pnl,
        sandbox.book.realized_pnl,
    )


def _portfolio_view(sandbox: Sandbox, valuation: Valuation) -> dict[str, Any]:
    return {
        "total_equity": valuation.equity,
        # As the platform: cash here counts what pending orders hold (no locked field).
        "available_cash": valuation.cash_free + valuation.cash_locked,
        "position_value": valuation.position_value,
        "unrealized_pnl": valuation.unrealized_pnl,
        "realized_pnl": sandbox.book.realized_pnl,
        "positions": [
            {
                "symbol": h.symbol,
                "quantity": h.quantity,
                "avg_entry_price": h.avg_entry_price,
                "current_price": h.current_price,
                "market_value": h.market_value,
                "unrealized_pnl": h.unrealized_pnl,
            }
            for h in valuation.holdings
        ],
    }


def _fill_view(order: Order) -> dict[str, Any]:
    filled = order.status == "filled"
    return {
        "order_id": order.order_id,
        "status": order.status,
        "executed_price": order.executed_price if filled else None,
        "executed_qty": order.executed_quantity if filled else None,
        "fee": order.fee if filled else None,
    }


def _placed_view(order: Order, trade: Trade | None) -> dict[str, Any]:
    return {**_fill_view(order), "realized_pnl": trade.pnl if trade is not None else None}


def _stop_price(order: Order) -> Decimal | None:
    return order.price if order.type in ("stop_loss", "take_profit") else None


def _order_view(order: Order, *, with_execution: bool) -> dict[str, Any]:
    view: dict[str, Any] = {
        "id": order.order_id,
        "symbol": order.symbol,
        "side": order.side,
        "type": order.type,
        "quantity": order.quantity,
        # As the platform: a filled market order shows its execution price here.
        "price": order.price
        if order.type in PENDING_TYPES or order.status != "filled"
        else order.executed_price,
        "stop_price": _stop_price(order),
        "status": order.status,
    }
    if with_execution:
        view["executed_price"] = order.executed_price
        view["fee"] = order.fee
    return view


def _trade_view(trade: Trade, order: Order) -> dict[str, Any]:
    return {
        "id": trade.trade_id,
        "symbol": trade.symbol,
        "side": trade.side,
        "type": order.type,
        "quantity": trade.quantity,
        "price": trade.price,
        "quote_amount": q8(trade.price * trade.quantity),
        "fee": trade.fee,
        "slippage_pct": order.slippage_pct if order.slippage_pct is not None else _ZERO,
        "realized_pnl": trade.pnl,
        "simulated_at": trade.executed_at,
    }
