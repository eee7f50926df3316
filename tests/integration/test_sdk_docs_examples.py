"""The product docs' code examples, run as a user would write them, against the live mock
(issue 6, part 3).

Seeds 000 (sync client), 001 (async client), 003 (agent management: SDK, httpx and curl
examples) and 004 (agents: curl examples), copied with their source and date into
tests/data/product-docs/ (000-sync-client.txt, 001-async-client.txt,
003-agent-management-rest.txt, 004-agents.txt; see tests/data/README.md). Each example is
transcribed as printed; only
placeholders are filled in — keys and secrets (``ak_live_...``, ``"..."``, or the
``AGENTEXCHANGE_*`` environment variables), the host, JWTs (``eyJhbGci...``), ids
(``660e8400-…``, ``a1b2c3d4-…``, ``{agent_id}``) and ``config={...}`` — and loops are
bounded. What the examples print is then checked against the state they created.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from dotenv import load_dotenv

from agentexchange import AgentExchangeClient, AsyncAgentExchangeClient
from agentexchange.exceptions import (
    AgentExchangeError,
    InsufficientBalanceError,
    InvalidSymbolError,
    RateLimitError,
)
from agentexchange.mock.testing import MockServer
from agentexchange.models import Order

from .sdk_fixtures import STRATEGY_CONFIG, STRATEGY_CONFIG_V2, unique_name

DOC_AGENT_ID = "a1b2c3d4-e5f6-7890-abcd-ef1234567890"
DOC_ORDER_ID = "660e8400-e29b-41d4-a716-446655440001"


@pytest.fixture(scope="module")
def mock() -> Iterator[MockServer]:
    with MockServer(seed=42, pairs=600, rate_limits=False, tick_interval=None) as server:
        yield server


@pytest.fixture
def keys(mock: MockServer, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """A fresh account; its keys also in the AGENTEXCHANGE_* variables the docs read."""
    with AgentExchangeClient(base_url=mock.base_url) as anonymous:
        registration = anonymous.register(display_name=unique_name("docs"))
    monkeypatch.setenv("AGENTEXCHANGE_API_KEY", registration.api_key)
    monkeypatch.setenv("AGENTEXCHANGE_API_SECRET", registration.api_secret)
    monkeypatch.setenv("AGENTEXCHANGE_BASE_URL", mock.base_url)  # instead of localhost:8000
    assert registration.agent_id is not None and registration.agent_api_key is not None
    return {
        "api_key": registration.api_key,
        "api_secret": registration.api_secret,
        "account_id": registration.account_id,
        "agent_id": registration.agent_id,
        "agent_key": registration.agent_api_key,
    }


def lines(text: str, prefix: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith(prefix)]


# --------------------------------------------------------------------------- seed 000: sync client


def test_000_construction_and_context_manager(
    keys: dict[str, str], mock: MockServer, capsys: Any
) -> None:
    client = AgentExchangeClient(
        api_key=keys["api_key"],
        api_secret=keys["api_secret"],
        base_url=mock.base_url,  # default
        timeout=30.0,  # default
    )
    assert client.get_price("BTCUSDT").symbol == "BTCUSDT"
    client.close()

    # Or use as a context manager for automatic cleanup
    with AgentExchangeClient(api_key=keys["api_key"], api_secret=keys["api_secret"]) as client:
        price = client.get_price("BTCUSDT")
    assert price.price == mock.exchange.market.price("BTCUSDT")


def test_000_market_data(keys: dict[str, str], mock: MockServer, capsys: Any) -> None:
    with AgentExchangeClient(api_key=keys["api_key"], api_secret=keys["api_secret"]) as client:
        price = client.get_price("BTCUSDT")
        # price.symbol → "BTCUSDT"; price.price → Decimal(...); price.timestamp → datetime(...)
        assert (price.symbol, type(price.price)) == ("BTCUSDT", Decimal)

        prices = client.get_all_prices()
        for p in prices:
            print(f"{p.symbol}: {p.price}")

        candles = client.get_candles(
            symbol="ETHUSDT",
            interval="1h",  # 1m, 5m, 15m, 1h, 4h, 1d
            limit=24,
        )
        for c in candles:
            print(f"{c.open_time} O:{c.open} H:{c.high} L:{c.low} C:{c.close} V:{c.volume}")

        ticker = client.get_ticker("SOLUSDT")
        print(f"24h change: {ticker.change_pct}%")
        print(f"Volume: {ticker.volume}")

        trades = client.get_recent_trades("BTCUSDT")

        ob = client.get_orderbook("BTCUSDT", depth=10)
        best_bid = ob.bids[0]  # [price, quantity]
        best_ask = ob.asks[0]
        print(f"Spread: {best_ask[0] - best_bid[0]}")

    out = capsys.readouterr().out
    assert f"BTCUSDT: {mock.exchange.market.price('BTCUSDT')}" in out.splitlines()
    assert len(re.findall(r"^[A-Z0-9]+USDT: [0-9.]+$", out, re.M)) == len(prices) >= 600
    assert len(lines(out, "20")) == 24  # one line per candle, starting with its open time
    assert f"24h change: {ticker.change_pct}%" in out and f"Volume: {ticker.volume}" in out
    assert trades and all(t.symbol == "BTCUSDT" for t in trades)
    (spread,) = lines(out, "Spread: ")
    assert Decimal(spread.removeprefix("Spread: ")) > 0


def test_000_trading(keys: dict[str, str], mock: MockServer, capsys: Any) -> None:
    with AgentExchangeClient(api_key=keys["api_key"], api_secret=keys["api_secret"]) as client:
        order = client.place_market_order(
            symbol="BTCUSDT",
            side="buy",  # "buy" or "sell"
            quantity=Decimal("0.01"),
        )
        print(f"Order: {order.order_id} Status: {order.status}")
        print(f"Filled at: ${order.executed_price} Fee: ${order.fee}")
        print(f"Slippage: {order.slippage_pct}%")
        market_id = order.order_id

        # Set-up, not an example: the stop-loss and the take-profit below each lock the
        # 0.01 BTC they would sell, so hold 0.02 for both to be accepted.
        client.place_market_order("BTCUSDT", "buy", Decimal("0.01"))

        order = client.place_limit_order(
            symbol="BTCUSDT",
            side="buy",
            quantity=Decimal("0.01"),
            price=Decimal("62000.00"),
        )
        # order.status → "pending" until the price is reached
        assert order.status == "pending"
        limit_id = order.order_id

        # Protect a long BTC position with a stop at $61,000
        stop = client.place_stop_loss(
            symbol="BTCUSDT",
            side="sell",
            quantity=Decimal("0.01"),
            trigger_price=Decimal("61000.00"),
        )
        tp = client.place_take_profit(
            symbol="BTCUSDT",
            side="sell",
            quantity=Decimal("0.01"),
            trigger_price=Decimal("70000.00"),
        )

        order = client.get_order(market_id)  # "660e8400-…" filled in
        print(order.status)  # pending, filled, cancelled, rejected
        print(order.executed_price)  # Decimal or None if not filled

        orders = client.get_open_orders()
        print(f"Open orders: {len(orders)}")  # max 50 allowed
        for o in orders:
            print(f"{o.symbol} {o.side} {o.quantity} @ {o.price or 'market'}")

        client.cancel_order(limit_id)  # "660e8400-…" filled in
        client.cancel_all_orders()

        trades = client.get_trade_history(symbol="BTCUSDT", limit=20)
        for t in trades:
            print(f"{t.symbol} {t.side} qty={t.quantity} price=${t.price} pnl=${t.pnl}")

        assert client.get_open_orders() == []
        statuses = {client.get_order(i).status for i in (limit_id, stop.order_id, tp.order_id)}
        assert statuses == {"cancelled"}

    out = capsys.readouterr().out
    assert f"Order: {market_id} Status: filled" in out
    assert re.search(r"^Filled at: \$\d+\.\d+ Fee: \$\d+\.\d+$", out, re.M)
    assert re.search(r"^Slippage: \d+\.\d+%$", out, re.M)
    assert "Open orders: 3" in out
    assert "BTCUSDT buy 0.01 @ 62000.00" in out
    assert "BTCUSDT sell 0.01 @ 61000.00" in out and "BTCUSDT sell 0.01 @ 70000.00" in out
    assert len(lines(out, "BTCUSDT buy qty=0.01 price=$")) == 2


def test_000_account(keys: dict[str, str], capsys: Any) -> None:
    with AgentExchangeClient(api_key=keys["api_key"], api_secret=keys["api_secret"]) as client:
        client.place_market_order(symbol="ETHUSDT", side="buy", quantity=Decimal("0.5"))

        info = client.get_account_info()
        if info.circuit_breaker_triggered:
            print("Daily loss limit hit — no trading until 00:00 UTC")

        balance = client.get_balance()
        print(f"Total equity: ${balance.total_equity_usdt}")
        for b in balance.balances:
            print(f" {b.asset}: available={b.available} total={b.total}")

        positions = client.get_positions()
        for p in positions:
            print(f"{p.symbol}: {p.quantity} @ ${p.avg_entry_price}")
            print(f" Unrealized PnL: ${p.unrealized_pnl} ({p.unrealized_pnl_pct}%)")

        portfolio = client.get_portfolio()
        print(f"Total equity: ${portfolio.total_equity}")
        print(f"Available cash: ${portfolio.available_cash}")
        print(f"ROI: {portfolio.roi_pct}%")
        print(f"Unrealized PnL: ${portfolio.unrealized_pnl}")
        print(f"Realized PnL: ${portfolio.realized_pnl}")

        pnl = client.get_pnl()
        print(f"Total realized: ${pnl.total_realized}")
        print(f"Total unrealized: ${pnl.total_unrealized}")
        for item in pnl.by_symbol:
            print(f" {item.symbol}: realized=${item.realized} unrealized=${item.unrealized}")

        session = client.reset_account(starting_balance=Decimal("10000.00"))
        print(f"New session: {session.session_id}")

        assert client.get_account_info().current_session.session_id == session.session_id  # type: ignore[union-attr]

    out = capsys.readouterr().out
    assert "Daily loss limit hit" not in out
    assert (
        out.count(f"Total equity: ${balance.total_equity_usdt}") == 2
    )  # balance and portfolio agree
    assert " ETH: available=0.5 total=0.5" in out
    assert re.search(r"^ETHUSDT: 0\.5 @ \$\d+\.\d+$", out, re.M)
    assert re.search(r"^ ETHUSDT: realized=\$0 unrealized=\$-?\d", out, re.M)
    assert f"New session: {session.session_id}" in out


def test_000_analytics(keys: dict[str, str], capsys: Any) -> None:
    with AgentExchangeClient(api_key=keys["api_key"], api_secret=keys["api_secret"]) as client:
        client.place_market_order(symbol="BTCUSDT", side="buy", quantity=Decimal("0.001"))

        perf = client.get_performance(period="7d")  # 1d, 7d, 30d, 90d, all
        print(f"Sharpe ratio: {perf.sharpe_ratio}")
        print(f"Win rate: {perf.win_rate}%")
        print(f"Max drawdown: {perf.max_drawdown_pct}%")
        print(f"Total trades: {perf.total_trades}")
        print(f"Profit factor: {perf.profit_factor}")

        history = client.get_portfolio_history(interval="1h", limit=24)
        for snapshot in history:
            print(f"{snapshot.timestamp}: ${snapshot.equity}")

        entries = client.get_leaderboard()
        for e in entries:
            print(f"#{e.rank} {e.display_name} ROI={e.roi_pct}% Trades={e.total_trades}")

    out = capsys.readouterr().out
    assert "Total trades: 1" in out
    assert lines(out, "#1 ") and len(lines(out, "#")) == len(entries) <= 10
    assert (
        len(re.findall(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\+00:00: \$\d", out, re.M))
        == len(history)
        >= 1
    )


def test_000_strategies_and_testing(keys: dict[str, str], mock: MockServer) -> None:
    with AgentExchangeClient(api_key=keys["api_key"], api_secret=keys["api_secret"]) as client:
        strategy = client.create_strategy(
            name="SMA Crossover",
            description="Buy when fast SMA crosses above slow SMA",
            config=STRATEGY_CONFIG,  # see Strategy docs
        )
        assert [s.strategy_id for s in client.get_strategies()] == [strategy.strategy_id]
        assert client.get_strategy(strategy.strategy_id).name == "SMA Crossover"
        version = client.create_version(strategy.strategy_id, STRATEGY_CONFIG_V2, notes=None)
        assert version.version == 2
        assert client.deploy_strategy(strategy.strategy_id).status == "deployed"
        assert client.undeploy_strategy(strategy.strategy_id) is None

        now = mock.exchange.clock.now()
        runs = []
        for version_id in (1, 2):
            run = client.run_test(
                strategy.strategy_id,
                version_id,
                now - timedelta(days=10),
                now - timedelta(days=1),
                "BTCUSDT",
                "1h",
            )
            mock.exchange.strategies.wait(run.run_id, timeout=60)
            runs.append(run)
        status = client.get_test_status(runs[0].run_id)
        assert status.status == "completed"
        results = client.get_test_results(runs[0].run_id)
        assert results.results is not None and "avg_roi_pct" in results.results
        comparison = client.compare_versions(strategy.strategy_id, [1, 2])
        assert (comparison.v1.version, comparison.v2.version) == (1, 2)


def test_000_training(keys: dict[str, str]) -> None:
    with AgentExchangeClient(api_key=keys["api_key"], api_secret=keys["api_secret"]) as client:
        ids = [str(__import__("uuid").uuid4()) for _ in range(2)]
        for run_id in ids:  # the docs' runs are reported by training code; make two
            client.register_training_run(run_id)
        runs = client.get_training_runs()
        assert {r.run_id for r in runs} == set(ids)
        run = client.get_training_run(ids[0])
        assert run.run_id == ids[0]
        comparison = client.compare_training_runs(ids)
        assert {m.run_id for m in comparison.runs} == set(ids)


# --------------------------------------------------------------------------- seed 001: async client


def test_001_construct_and_close_manually(keys: dict[str, str]) -> None:
    async def main() -> Decimal:
        client = AsyncAgentExchangeClient(
            api_key=keys["api_key"],
            api_secret=keys["api_secret"],
        )
        try:
            price = await client.get_price("BTCUSDT")
        finally:
            await client.close()
        return price.price

    assert type(asyncio.run(main())) is Decimal


def test_001_basic_usage(keys: dict[str, str], capsys: Any) -> None:
    load_dotenv()

    async def main() -> None:
        async with AsyncAgentExchangeClient(
            api_key=os.environ["AGENTEXCHANGE_API_KEY"],
            api_secret=os.environ["AGENTEXCHANGE_API_SECRET"],
        ) as client:
            # Fetch live price
            price = await client.get_price("BTCUSDT")
            print(f"BTC: ${price.price}")

            # Check balance before ordering
            balance = await client.get_balance()
            print(f"Available USDT: {balance.balances[0].available}")

            # Place a market order
            order = await client.place_market_order(
                symbol="BTCUSDT",
                side="buy",
                quantity=Decimal("0.001"),
            )
            print(f"Order {order.order_id}: {order.status}")

            # Check portfolio
            portfolio = await client.get_portfolio()
            print(f"Total equity: ${portfolio.total_equity} ROI: {portfolio.roi_pct}%")

    asyncio.run(main())
    out = capsys.readouterr().out
    assert re.search(r"^BTC: \$\d+\.\d+$", out, re.M)
    assert "Available USDT: 10000" in out
    assert re.search(r"^Order [0-9a-f-]{36}: filled$", out, re.M)
    assert re.search(r"^Total equity: \$\d+\.\d+ ROI: -?\d+\.\d+%$", out, re.M)


def test_001_market_snapshot_with_gather(
    keys: dict[str, str], mock: MockServer, capsys: Any
) -> None:
    async def fetch_market_snapshot(
        client: AsyncAgentExchangeClient, symbol: str
    ) -> dict[str, str]:
        """Fetch price and 24h ticker for one symbol concurrently."""
        price, ticker = await asyncio.gather(
            client.get_price(symbol),
            client.get_ticker(symbol),
        )
        return {
            "symbol": symbol,
            "price": str(price.price),
            "change_24h": str(ticker.change_pct),
            "volume": str(ticker.volume),
        }

    async def main() -> None:
        async with AsyncAgentExchangeClient(
            api_key=os.environ["AGENTEXCHANGE_API_KEY"],
            api_secret=os.environ["AGENTEXCHANGE_API_SECRET"],
        ) as client:
            # Fetch snapshots for 5 coins simultaneously
            symbols = ["BTCUSDT", "ETHUSDT", "SOLUSDT", "BNBUSDT", "ADAUSDT"]
            snapshots = await asyncio.gather(*[fetch_market_snapshot(client, s) for s in symbols])
            for snap in snapshots:
                print(f"{snap['symbol']}: ${snap['price']} ({snap['change_24h']}%)")

    asyncio.run(main())
    out = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in out] == [
        "BTCUSDT",
        "ETHUSDT",
        "SOLUSDT",
        "BNBUSDT",
        "ADAUSDT",
    ]
    assert out[0].startswith(f"BTCUSDT: ${mock.exchange.market.price('BTCUSDT')} (")


def test_001_concurrent_agent_tasks(keys: dict[str, str], capsys: Any) -> None:
    async def run_agent_task(client: AsyncAgentExchangeClient, task_description: str) -> str:
        """Stub for an agent task that uses the client."""
        portfolio = await client.get_portfolio()
        return f"Task '{task_description}' — equity: ${portfolio.total_equity}"

    async def run_concurrent_agents() -> None:
        async with AsyncAgentExchangeClient(
            api_key=os.environ["AGENTEXCHANGE_API_KEY"],
            api_secret=os.environ["AGENTEXCHANGE_API_SECRET"],
        ) as client:
            tasks = [
                "What is the current BTC price?",
                "What is my portfolio value?",
                "List my open orders.",
                "What were my last 5 trades?",
                "What is my 7-day Sharpe ratio?",
            ]
            results = await asyncio.gather(*[run_agent_task(client, t) for t in tasks])
            for result in results:
                print(result)

    asyncio.run(run_concurrent_agents())
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 5
    assert all(Decimal(line.rpartition("— equity: $")[2]) == 10000 for line in out)


def test_001_error_handling(keys: dict[str, str], capsys: Any) -> None:
    async def safe_buy(
        client: AsyncAgentExchangeClient, symbol: str, quantity: str
    ) -> Order | None:
        try:
            order = await client.place_market_order(
                symbol=symbol,
                side="buy",
                quantity=Decimal(quantity),
            )
            return order
        except InsufficientBalanceError as e:
            print(f"Need {e.required} USDT, only have {e.available}")
            return None
        except RateLimitError as e:
            wait = e.retry_after or 60
            print(f"Rate limited — waiting {wait}s")
            await asyncio.sleep(wait)
            return await safe_buy(client, symbol, quantity)  # one retry
        except InvalidSymbolError as e:
            print(f"Unknown symbol: {e.symbol}")
            return None
        except AgentExchangeError as e:
            print(f"Error {e.code}: {e}")
            return None

    async def main() -> list[Order | None]:
        async with AsyncAgentExchangeClient(
            api_key=os.environ["AGENTEXCHANGE_API_KEY"],
            api_secret=os.environ["AGENTEXCHANGE_API_SECRET"],
        ) as client:
            return [
                await safe_buy(client, "BTCUSDT", "0.001"),
                await safe_buy(client, "BTCUSDT", "1000"),
                await safe_buy(client, "NOPEUSDT", "1"),
                await safe_buy(client, "BTCUSDT", "-1"),
            ]

    bought, too_big, unknown, invalid = asyncio.run(main())
    assert bought is not None and bought.status == "filled"
    assert too_big is unknown is invalid is None
    out = capsys.readouterr().out
    assert re.search(r"^Need \d+\.\d+ USDT, only have \d+\.\d+$", out, re.M)
    assert "Unknown symbol: NOPEUSDT" in out
    assert re.search(r"^Error [A-Z_]+: \[[A-Z_]+\] ", out, re.M)


def test_001_fastapi_service(keys: dict[str, str]) -> None:
    from contextlib import asynccontextmanager

    import fastapi  # in the dev extra
    from fastapi.testclient import TestClient

    holder: dict[str, AsyncAgentExchangeClient] = {}

    @asynccontextmanager
    async def lifespan(app: Any) -> Any:
        holder["client"] = AsyncAgentExchangeClient(
            api_key=os.environ["AGENTEXCHANGE_API_KEY"],
            api_secret=os.environ["AGENTEXCHANGE_API_SECRET"],
        )
        yield
        await holder["client"].close()

    app = fastapi.FastAPI(lifespan=lifespan)

    @app.get("/portfolio")
    async def get_portfolio() -> dict[str, str]:
        portfolio = await holder["client"].get_portfolio()
        return {"total_equity": str(portfolio.total_equity), "roi_pct": str(portfolio.roi_pct)}

    @app.post("/order")
    async def place_order(symbol: str, side: str, quantity: str) -> dict[str, str]:
        order = await holder["client"].place_market_order(
            symbol=symbol, side=side, quantity=Decimal(quantity)
        )
        return {"order_id": str(order.order_id), "status": order.status}

    with TestClient(app) as http:
        assert Decimal(http.get("/portfolio").json()["total_equity"]) == Decimal("10000")
        placed = http.post(
            "/order", params={"symbol": "BTCUSDT", "side": "buy", "quantity": "0.001"}
        )
        assert placed.json()["status"] == "filled"


# --------------------------------------------------------------------------- seed 003: agent management


def test_003_sdk_examples(keys: dict[str, str], mock: MockServer, capsys: Any) -> None:
    # JWT auth is required — pass api_secret to enable automatic JWT handling
    client = AgentExchangeClient(
        api_key=keys["api_key"],
        api_secret=keys["api_secret"],
        base_url=mock.base_url,
    )
    agent = client.create_agent(
        display_name="RSI Scalper",
        starting_balance="5000.00",
        llm_model="claude-sonnet-4-6",
        framework="custom",
        strategy_tags=["rsi", "scalping", "BTCUSDT"],
    )
    print(agent.agent_id)
    print(agent.api_key)  # Save this! Shown once only.

    agents = client.list_agents()
    for agent_row in agents.agents:
        print(f"{agent_row.display_name} ({agent_row.id}) — status: {agent_row.status}")

    overview = client.list_agents()  # Returns same structure
    assert {a.id for a in overview.agents} == {a.id for a in agents.agents}

    detail = client.get_agent(agent.agent_id)
    print(detail.display_name, detail.status)

    reset = client.reset_agent(agent.agent_id)
    assert reset.status == "active"

    client.update_agent_risk(
        agent_id=agent.agent_id,
        max_position_size_pct=10,
        daily_loss_limit_pct=5,
        max_open_orders=5,
    )
    assert client.get_agent_risk_profile(agent.agent_id).max_open_orders == 5
    client.close()

    out = capsys.readouterr().out
    assert f"{agent.agent_id}\n{agent.api_key}\n" in out
    assert f"RSI Scalper ({agent.agent_id}) — status: active" in out
    assert "RSI Scalper active" in out


def test_003_httpx_examples(keys: dict[str, str], mock: MockServer) -> None:
    with AgentExchangeClient(**{k: keys[k] for k in ("api_key", "api_secret")}) as client:
        jwt = client.login(keys["api_key"], keys["api_secret"]).token
        agent_id = client.create_agent(display_name="RSI Scalper").agent_id
    base = f"{mock.base_url}/api/v1/agents/{agent_id}"  # https://api.tradeready.io/…/{a1b2c3d4-…}
    bearer = {"Authorization": f"Bearer {jwt}"}  # "Bearer eyJhbGci..."

    response = httpx.put(base, headers=bearer, json={"display_name": "RSI Scalper v2"})
    assert response.json()["display_name"] == "RSI Scalper v2"

    response = httpx.post(
        f"{base}/clone", headers=bearer, params={"new_name": "RSI Scalper Experiment"}
    )
    clone = response.json()
    print(clone["api_key"])  # New key for the cloned agent — save it
    assert response.status_code == 201 and clone["api_key"].startswith("ak_live_")

    response = httpx.get(f"{base}/api-key", headers=bearer)
    api_key = response.json()["api_key"]

    response = httpx.post(f"{base}/regenerate-key", headers=bearer)
    new_key = response.json()["api_key"]
    print(f"New key: {new_key}")
    assert new_key != api_key

    response = httpx.get(f"{base}/risk-profile", headers=bearer)
    profile = response.json()
    assert set(profile) >= {"max_position_size_pct", "daily_loss_limit_pct", "max_open_orders"}

    response = httpx.get(f"{base}/skill.md", headers=bearer)
    skill_content = response.text
    assert skill_content.startswith("# Agent: RSI Scalper v2\n")

    response = httpx.post(f"{base}/archive", headers=bearer)
    assert response.json()["status"] == "archived"

    response = httpx.delete(f"{mock.base_url}/api/v1/agents/{clone['agent_id']}", headers=bearer)
    assert response.status_code == 204  # Returns 204 No Content


def run_curl(command: str, cwd: Path, env: dict[str, str] | None = None) -> tuple[int, str]:
    """Run a docs curl command (placeholders filled) and return (status, body)."""
    full = command.replace("\\\n", " ") + " -w '\\n%{http_code}'"
    result = subprocess.run(
        ["bash", "-c", full],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, **(env or {})},
    )
    assert result.returncode == 0, result.stderr
    body, _, status = result.stdout.rpartition("\n")
    return int(status), body


CURL_003 = [
    (
        201,
        """curl -X POST https://api.tradeready.io/api/v1/agents \\
  -H "Content-Type: application/json" \\
  -H "Authorization: Bearer eyJhbGci..." \\
  -d '{
    "display_name": "RSI Scalper",
    "starting_balance": "5000.00",
    "llm_model": "claude-sonnet-4-6",
    "framework": "custom",
    "strategy_tags": ["rsi", "scalping", "BTCUSDT"],
    "risk_profile": {
      "max_position_size_pct": 20,
      "daily_loss_limit_pct": 10,
      "max_open_orders": 10
    }
  }'""",
    ),
    (
        200,
        """curl "https://api.tradeready.io/api/v1/agents?include_archived=false" \\
  -H "Authorization: Bearer eyJhbGci..." """,
    ),
    (
        200,
        """curl https://api.tradeready.io/api/v1/agents/overview \\
  -H "Authorization: Bearer eyJhbGci..." """,
    ),
    (
        200,
        """curl https://api.tradeready.io/api/v1/agents/a1b2c3d4-e5f6-7890-abcd-ef1234567890 \\
  -H "Authorization: Bearer eyJhbGci..." """,
    ),
    (
        200,
        """curl -X PUT https://api.tradeready.io/api/v1/agents/a1b2c3d4-e5f6-7890-abcd-ef1234567890 \\
  -H "Content-Type: application/json" \\
  -H "Authorization: Bearer eyJhbGci..." \\
  -d '{"display_name": "RSI Scalper v2", "strategy_tags": ["rsi", "multi-pair"]}'""",
    ),
    (
        201,
        """curl -X POST \\
  "https://api.tradeready.io/api/v1/agents/a1b2c3d4-e5f6-7890-abcd-ef1234567890/clone?new_name=RSI+Scalper+Experiment" \\
  -H "Authorization: Bearer eyJhbGci..." """,
    ),
    (
        200,
        """curl -X POST \\
  https://api.tradeready.io/api/v1/agents/a1b2c3d4-e5f6-7890-abcd-ef1234567890/reset \\
  -H "Authorization: Bearer eyJhbGci..." """,
    ),
    (
        200,
        """curl https://api.tradeready.io/api/v1/agents/a1b2c3d4-e5f6-7890-abcd-ef1234567890/api-key \\
  -H "Authorization: Bearer eyJhbGci..." """,
    ),
    (
        200,
        """curl -X POST \\
  https://api.tradeready.io/api/v1/agents/a1b2c3d4-e5f6-7890-abcd-ef1234567890/regenerate-key \\
  -H "Authorization: Bearer eyJhbGci..." """,
    ),
    (
        200,
        """curl https://api.tradeready.io/api/v1/agents/a1b2c3d4-e5f6-7890-abcd-ef1234567890/risk-profile \\
  -H "Authorization: Bearer eyJhbGci..." """,
    ),
    (
        200,
        """curl -X PUT \\
  https://api.tradeready.io/api/v1/agents/a1b2c3d4-e5f6-7890-abcd-ef1234567890/risk-profile \\
  -H "Content-Type: application/json" \\
  -H "Authorization: Bearer eyJhbGci..." \\
  -d '{
    "max_position_size_pct": 10,
    "daily_loss_limit_pct": 5,
    "max_open_orders": 5
  }'""",
    ),
    (
        200,
        """curl https://api.tradeready.io/api/v1/agents/a1b2c3d4-e5f6-7890-abcd-ef1234567890/skill.md \\
  -H "Authorization: Bearer eyJhbGci..." \\
  -o my-agent-skill.md""",
    ),
    (
        200,
        """curl -X POST \\
  https://api.tradeready.io/api/v1/agents/a1b2c3d4-e5f6-7890-abcd-ef1234567890/archive \\
  -H "Authorization: Bearer eyJhbGci..." """,
    ),
    (
        204,
        """curl -X DELETE \\
  https://api.tradeready.io/api/v1/agents/a1b2c3d4-e5f6-7890-abcd-ef1234567890 \\
  -H "Authorization: Bearer eyJhbGci..." """,
    ),
]


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_003_curl_examples(keys: dict[str, str], mock: MockServer, tmp_path: Path) -> None:
    with AgentExchangeClient(api_key=keys["api_key"], api_secret=keys["api_secret"]) as client:
        jwt = client.login(keys["api_key"], keys["api_secret"]).token
        agent_id = client.create_agent(display_name="curl target").agent_id
    for expected, command in CURL_003:
        filled = (
            command.replace("https://api.tradeready.io", mock.base_url)
            .replace("eyJhbGci...", jwt)
            .replace(DOC_AGENT_ID, agent_id)
        )
        status, body = run_curl(filled, tmp_path)
        assert status == expected, (command, body)
    skill = (tmp_path / "my-agent-skill.md").read_text()
    assert skill.startswith("# Agent: RSI Scalper v2\n") and f"# Agent ID: {agent_id}" in skill


# --------------------------------------------------------------------------- seed 004: agents


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_004_curl_examples(keys: dict[str, str], mock: MockServer, tmp_path: Path) -> None:
    import json

    base = mock.base_url  # http://localhost:8000
    status, body = run_curl(
        f"""curl -s -X POST {base}/api/v1/auth/login \\
-H "Content-Type: application/json" \\
-d '{{"api_key": "{keys["api_key"]}", "api_secret": "{keys["api_secret"]}"}}'""",
        tmp_path,
    )
    login = json.loads(body)
    assert status == 200 and login["expires_in"] == 3600
    jwt = login["token"]

    status, body = run_curl(
        f"""curl -s -X POST {base}/api/v1/agents \\
-H "Authorization: Bearer {jwt}" \\
-H "Content-Type: application/json" \\
-d '{{
"name": "Momentum Bot v1",
"starting_balance": "10000.00"
}}'""",
        tmp_path,
    )
    created = json.loads(body)
    assert status == 201, body
    assert created["agent_id"] and created["api_key"].startswith("ak_live_")
    assert created["starting_balance"] == "10000.00"
    agent_id = created["agent_id"]

    status, body = run_curl(
        f"""curl -s {base}/api/v1/account/balance \\
-H "X-API-Key: $AGENT_KEY\"""",
        tmp_path,
        env={"AGENT_KEY": created["api_key"]},
    )
    assert status == 200 and json.loads(body)["balances"][0]["total"] in {"10000.00", "10000"}

    status, body = run_curl(
        f"""curl -s -X PUT {base}/api/v1/agents/{agent_id} \\
-H "Authorization: Bearer {jwt}" \\
-H "Content-Type: application/json" \\
-d '{{
"risk_config": {{
"max_order_size_pct": 25,
"max_position_size_pct": 20,
"daily_loss_limit_pct": 10,
"max_open_orders": 20
}}
}}'""",
        tmp_path,
    )
    assert status == 200, body
    status, body = run_curl(
        f"""curl -s {base}/api/v1/agents/{agent_id}/risk-profile -H "Authorization: Bearer {jwt}\"""",
        tmp_path,
    )
    assert json.loads(body)["max_open_orders"] == 20

    status, body = run_curl(
        f"""curl -s {base}/api/v1/agents/overview \\
-H "Authorization: Bearer {jwt}\"""",
        tmp_path,
    )
    assert status == 200 and agent_id in {a["id"] for a in json.loads(body)["agents"]}

    status, body = run_curl(
        f"""curl -s -X POST {base}/api/v1/agents/{agent_id}/clone \\
-H "Authorization: Bearer {jwt}\"""",
        tmp_path,
    )
    assert status == 201 and json.loads(body)["agent_id"] != agent_id

    status, body = run_curl(
        f"""curl -s -X POST {base}/api/v1/agents/{agent_id}/reset \\
-H "Authorization: Bearer {jwt}" \\
-H "Content-Type: application/json" \\
-d '{{"starting_balance": "10000.00"}}'""",
        tmp_path,
    )
    assert status == 200 and json.loads(body)["status"] == "active"


# --------------------------------------------------------------------------- signatures


DOCUMENTED_SIGNATURES = {
    "get_price": ["symbol"],
    "get_all_prices": [],
    "get_candles": ["symbol", "interval", "limit=100"],
    "get_ticker": ["symbol"],
    "get_recent_trades": ["symbol"],
    "get_orderbook": ["symbol", "depth=20"],
    "place_market_order": ["symbol", "side", "quantity"],
    "place_limit_order": ["symbol", "side", "quantity", "price"],
    "place_stop_loss": ["symbol", "side", "quantity", "trigger_price"],
    "place_take_profit": ["symbol", "side", "quantity", "trigger_price"],
    "get_order": ["order_id"],
    "get_open_orders": [],
    "cancel_order": ["order_id"],
    "cancel_all_orders": [],
    "get_trade_history": ["symbol=None", "limit=50"],
    "get_account_info": [],
    "get_balance": [],
    "get_positions": [],
    "get_portfolio": [],
    "get_pnl": [],
    "reset_account": ["starting_balance=None"],
    "get_performance": ["period='all'"],
    "get_portfolio_history": ["interval=None", "limit=None"],
    "get_leaderboard": ["limit=10"],
    "create_strategy": ["name", "description", "config"],
    "get_strategies": [],
    "get_strategy": ["strategy_id"],
    "create_version": ["strategy_id", "config", "notes=None"],
    "deploy_strategy": ["strategy_id"],
    "undeploy_strategy": ["strategy_id"],
    "run_test": ["strategy_id", "version_id", "start_time", "end_time", "symbol", "interval"],
    "get_test_status": ["run_id"],
    "get_test_results": ["run_id"],
    "compare_versions": ["strategy_id", "version_ids"],
    "get_training_runs": [],
    "get_training_run": ["run_id"],
    "compare_training_runs": ["run_ids"],
}


@pytest.mark.parametrize("cls", [AgentExchangeClient, AsyncAgentExchangeClient])
def test_the_37_documented_methods_have_the_documented_signatures(cls: type) -> None:
    import inspect

    assert len(DOCUMENTED_SIGNATURES) == 37
    for name, documented in DOCUMENTED_SIGNATURES.items():
        parameters = [
            p
            for p in inspect.signature(getattr(cls, name)).parameters.values()
            if p.name != "self" and p.kind is not inspect.Parameter.KEYWORD_ONLY
        ]
        shown = [
            p.name if p.default is inspect.Parameter.empty else f"{p.name}={p.default!r}"
            for p in parameters
        ]
        assert shown == documented, f"{cls.__name__}.{name}{tuple(shown)}"
