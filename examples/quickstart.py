"""Quick start: the main job of `make demo`, against any AgentExchange server.

Credentials and the server come from the environment, as in the docs:
AGENTEXCHANGE_API_KEY, AGENTEXCHANGE_API_SECRET, AGENTEXCHANGE_BASE_URL
(`make demo` starts the mock exchange and fills them in). On the platform an account key
trades only as one of its agents: set AGENTEXCHANGE_AGENT_ID too (or use the agent's key).
"""

from __future__ import annotations

import asyncio
from decimal import Decimal

from agentexchange import AgentExchangeClient, AsyncAgentExchangeClient
from agentexchange.exceptions import InsufficientBalanceError, RiskLimitError

WATCH = ["BTCUSDT", "ETHUSDT", "SOLUSDT"]


def section(title: str) -> None:
    print(f"\n== {title}")


def market_tour(client: AgentExchangeClient) -> None:
    section("Prices")
    for symbol in WATCH:
        price = client.get_price(symbol)
        print(f"{price.symbol:<9} {price.price:>14}  at {price.timestamp:%H:%M:%S} UTC")
    everything = client.get_all_prices()
    print(f"get_all_prices(): {len(everything)} pairs in one call")
    candles = client.get_candles("ETHUSDT", "1h", limit=3)
    for c in candles:
        print(
            f"ETHUSDT 1h {c.open_time:%Y-%m-%d %H:%M} O:{c.open} H:{c.high} L:{c.low} C:{c.close}"
        )


def trade(client: AgentExchangeClient) -> None:
    section("Trading")
    balance = client.get_balance()
    print(f"Equity before: ${balance.total_equity_usdt}")
    order = client.place_market_order("BTCUSDT", "buy", Decimal("0.01"))
    print(
        f"Market buy {order.order_id}: {order.status} at ${order.executed_price} "
        f"(fee ${order.fee}, slippage {order.slippage_pct}%)"
    )
    stop_at = (order.executed_price * Decimal("0.95")).quantize(Decimal("0.01"))
    stop = client.place_stop_loss("BTCUSDT", "sell", Decimal("0.01"), stop_at)
    print(f"Stop-loss {stop.order_id}: {stop.status}, triggers at ${stop.price}")
    open_ids = [o.order_id for o in client.get_open_orders()]
    print(f"Open orders: {len(open_ids)}; stop-loss listed: {stop.order_id in open_ids}")
    try:
        client.place_market_order("BTCUSDT", "buy", Decimal("1000"))
    except InsufficientBalanceError as exc:
        print(f"A 1000 BTC buy is refused: need {exc.required} {exc.asset}, have {exc.available}")
    except RiskLimitError as exc:  # ORDER_REJECTED: the platform checks the risk profile first
        print(f"A 1000 BTC buy is refused by the risk profile: {exc.details.get('reason')}")


def report(client: AgentExchangeClient) -> None:
    section("Portfolio and PnL")
    portfolio = client.get_portfolio()
    print(
        f"Equity ${portfolio.total_equity} = cash ${portfolio.available_cash} + locked "
        f"${portfolio.locked_cash} + positions ${portfolio.total_position_value}"
    )
    for position in portfolio.positions:
        print(
            f"  {position.symbol} {position.quantity} @ {position.avg_entry_price} "
            f"(unrealized {position.unrealized_pnl})"
        )
    pnl = client.get_pnl()
    print(
        f"PnL: realized {pnl.total_realized}, unrealized {pnl.total_unrealized}, "
        f"fees {pnl.fees_paid}"
    )


async def watch_tickers() -> None:
    section("Async: several tickers at once")
    async with AsyncAgentExchangeClient() as client:
        tickers = await asyncio.gather(*(client.get_ticker(s) for s in WATCH))
    for t in tickers:
        print(f"{t.symbol:<9} last {t.close:>14}  24h {t.change_pct:>7}%  volume {t.volume}")


def second_agent(client: AgentExchangeClient) -> None:
    section("A second agent, trading in isolation")
    agent = client.create_agent("Momentum Bot", starting_balance=Decimal("5000"))
    print(f"Created agent {agent.display_name} ({agent.agent_id}) with ${agent.starting_balance}")
    # The agent's own key, and its id (so an AGENTEXCHANGE_AGENT_ID set for us is not sent).
    with AgentExchangeClient(api_key=agent.api_key, agent_id=agent.agent_id) as bot:
        order = bot.place_market_order("ETHUSDT", "buy", Decimal("0.25"))
        print(f"Agent bought 0.25 ETH at ${order.executed_price}")
        mine = {p.symbol for p in bot.get_positions()}
    ours = {p.symbol for p in client.get_positions()}
    print(f"Agent's positions: {sorted(mine)}; our positions: {sorted(ours)}")


def main() -> None:
    with AgentExchangeClient() as client:
        market_tour(client)
        trade(client)
        report(client)
        second_agent(client)
    asyncio.run(watch_tickers())
    print("\nDone.")


if __name__ == "__main__":
    main()
