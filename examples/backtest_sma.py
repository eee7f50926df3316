"""Backtest an SMA crossover over 30 days, then run the very same function live.

`on_bar(api: TradingAPI)` only uses what the live client and a backtest session share
(`agentexchange.TradingAPI`), so the one function trades in a `BacktestSession` on the
exchange's history and, unchanged, against the live market. `make demo` runs it against the
mock exchange after the quick start; credentials and server come from the environment
(AGENTEXCHANGE_API_KEY, AGENTEXCHANGE_API_SECRET, AGENTEXCHANGE_BASE_URL).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import ROUND_DOWN, Decimal

from agentexchange import AgentExchangeClient, TradingAPI

SYMBOL = "BTCUSDT"
FAST, SLOW = 10, 30  # hourly candles
STAKE = Decimal("0.20")  # of the cash per entry (the default risk profile allows 25 % a position)


def sma(closes: list[Decimal], n: int) -> Decimal:
    return sum(closes[-n:], Decimal(0)) / n


def on_bar(api: TradingAPI) -> str | None:
    """Buy when the fast SMA crosses above the slow one, sell everything when it crosses below."""
    closes = [c.close for c in api.get_candles(SYMBOL, "1h", limit=SLOW + 1)]
    if len(closes) < SLOW + 1:
        return None
    before = sma(closes[:-1], FAST) - sma(closes[:-1], SLOW)
    now = sma(closes, FAST) - sma(closes, SLOW)
    held = sum((p.quantity for p in api.get_positions() if p.symbol == SYMBOL), Decimal(0))
    if before <= 0 < now and held == 0:
        cash = next(b.available for b in api.get_balance().balances if b.asset == "USDT")
        quantity = (cash * STAKE / closes[-1]).quantize(Decimal("0.00001"), rounding=ROUND_DOWN)
        if quantity > 0:
            api.place_market_order(SYMBOL, "buy", quantity)
            return f"buy {quantity}"
    elif before >= 0 > now and held > 0:
        api.place_market_order(SYMBOL, "sell", held)
        return f"sell {held}"
    return None


def main() -> None:
    with AgentExchangeClient() as client:
        # The 30 days up to the last full hour the exchange has.
        end = client.get_data_range().latest.replace(minute=0, second=0, microsecond=0)
        start = end - timedelta(days=30)
        print(
            f"Backtest {SYMBOL} SMA({FAST})/SMA({SLOW}) on 1h candles, {start:%Y-%m-%d} .. {end:%Y-%m-%d}"
        )
        with client.create_backtest(
            start,
            end,
            "10000",
            pairs=[SYMBOL],
            candle_interval=3600,
            strategy_label="sma-crossover",
        ) as bt:
            print(f"session {bt.session_id}: {bt.created.total_steps if bt.created else '?'} steps")
            actions = 0
            for bar in bt.bars():
                action = on_bar(bt)
                if action:
                    actions += 1
                    if actions <= 4:
                        print(
                            f"  {bar.virtual_time:%Y-%m-%d %H:%M} {action} at {bar.prices[SYMBOL]}"
                        )
            print(f"  ... {actions} orders over {bt.last_step.step if bt.last_step else '?'} bars")
        results = bt.results()
        summary, metrics = results.summary, results.metrics
        print(
            f"Results ({results.status}): final equity ${summary.final_equity}, ROI {summary.roi_pct}%, "
            f"{summary.total_trades} trades, fees ${summary.total_fees}"
        )
        print(
            f"Sharpe {metrics.sharpe_ratio}, max drawdown {metrics.max_drawdown_pct}%, "
            f"win rate {metrics.win_rate}%"
        )
        curve = bt.equity_curve()
        first, last = curve[0], curve[-1]
        print(
            f"Equity curve: {len(curve)} points, {first.timestamp:%Y-%m-%d %H:%M} ${first.equity} "
            f"-> {last.timestamp:%Y-%m-%d %H:%M} ${last.equity}"
        )
        # The same function, unchanged, against the live market.
        print(f"Live: on_bar(client) -> {on_bar(client) or 'no crossover now'}")
    print("Done.")


if __name__ == "__main__":
    main()
