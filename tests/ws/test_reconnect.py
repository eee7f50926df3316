"""Reconnect timing (issue 17, item 3), against a scripted server.

The backoff resets once a connection proved healthy — every subscription acknowledged,
then data — not after some seconds of uptime; a healthy connection closed with 1001
("going away") or 1012 ("service restart") comes back after a short jittered delay without
growing the backoff; a server that accepts and drops at once still backs off to the cap.
Each client here sets ``healthy_after`` far beyond the test, so uptime never resets
anything: only the health rule can.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from agentexchange import _ws_protocol as P
from agentexchange.ws import RESTART_DELAY, AgentExchangeWS

from .conftest import FakeServer, ack_subscriptions, tick_message

NEVER = 3600.0  # healthy_after: uptime alone never resets the backoff in these tests


async def disconnects(
    server: FakeServer, count: int, timeout: float = 20.0, **options: Any
) -> list[tuple[int | None, float]]:
    """Run a client with one ticker subscription until ``count`` connections have ended;
    returns (close code, seconds until the next attempt) for each, plus the measured
    time from each close to the next handshake."""
    ws = AgentExchangeWS(api_key="ak_test", base_url=server.base_url, **options)
    ended: list[tuple[int | None, float]] = []
    done = asyncio.Event()

    @ws.on_ticker("BTCUSDT")
    async def on_tick(data: dict[str, Any]) -> None:
        pass

    @ws.on_disconnect
    async def on_disconnect(info: dict[str, Any]) -> None:
        ended.append((info["code"], info["reconnect_in"]))
        if len(ended) >= count:
            done.set()

    task = asyncio.create_task(ws.connect())
    try:
        await asyncio.wait_for(done.wait(), timeout)
    finally:
        await asyncio.wait_for(ws.close(), 5)
        await asyncio.wait_for(task, 5)
    return ended[:count]


async def healthy_then_close(code: int) -> Any:
    async def script(connection: Any, n: int) -> None:
        await ack_subscriptions(connection, 1)
        await connection.send(tick_message("BTCUSDT", "64000.00", f"2026-01-01T00:00:{n:02d}Z"))
        await asyncio.sleep(0.05)
        await connection.close(code, "scripted")

    return script


async def test_backoff_resets_once_subscriptions_are_acknowledged_and_data_arrives() -> None:
    # Each connection: ack, one tick, then an error close (1011). The old rule (reset after
    # healthy_after of uptime) doubled the delay every time: 0.2, 0.4, 0.8, 1.6 ...
    async with FakeServer(await healthy_then_close(1011)) as server:
        ended = await disconnects(
            server, 5, reconnect_initial=0.2, reconnect_max=5.0, healthy_after=NEVER
        )
    assert [code for code, _ in ended] == [1011] * 5
    delays = [delay for _, delay in ended]
    assert all(0.75 * 0.2 <= d <= 0.2 for d in delays), delays


@pytest.mark.parametrize("code", [P.CLOSE_GOING_AWAY, 1012])
async def test_a_restart_close_comes_back_after_a_short_delay_without_growing_backoff(
    code: int,
) -> None:
    # reconnect_initial=2 s: the old client waited 1.5-2 s, then 3-4 s, then 6-8 s.
    low, high = RESTART_DELAY
    async with FakeServer(await healthy_then_close(code)) as server:
        started = time.monotonic()
        ended = await disconnects(
            server, 3, reconnect_initial=2.0, reconnect_max=60.0, healthy_after=NEVER
        )
        elapsed = time.monotonic() - started
    assert [c for c, _ in ended] == [code] * 3
    delays = [delay for _, delay in ended]
    assert all(low <= d <= high for d in delays), delays
    assert len(set(delays)) > 1  # jittered
    assert elapsed < 3 * high + 1.5  # and really waited only that long


async def _drop_at_once(connection: Any, n: int) -> None:
    await connection.close(1011, "crash loop")


async def _restart_close_at_once(connection: Any, n: int) -> None:
    await connection.close(1012, "service restart")


async def _ack_then_drop(connection: Any, n: int) -> None:
    await ack_subscriptions(connection, 1)  # acknowledged, but no data ever follows
    await connection.close(1012, "service restart")


@pytest.mark.parametrize("script", [_drop_at_once, _restart_close_at_once, _ack_then_drop])
async def test_a_server_that_accepts_and_drops_at_once_still_backs_off_to_the_cap(
    script: Any,
) -> None:
    async with FakeServer(script) as server:
        ended = await disconnects(
            server, 5, reconnect_initial=0.05, reconnect_max=0.2, healthy_after=NEVER
        )
    delays = [delay for _, delay in ended]
    expected_highs = [0.05, 0.1, 0.2, 0.2, 0.2]  # doubling to the cap, never reset
    for delay, high in zip(delays, expected_highs, strict=True):
        assert 0.75 * high <= delay <= high, delays


async def test_a_quiet_healthy_stream_resets_after_healthy_after() -> None:
    # Acknowledged and never any data (an orders-only client on a quiet account): the
    # connection counts as healthy once it has stayed up healthy_after seconds.
    async def script(connection: Any, n: int) -> None:
        await ack_subscriptions(connection, 1)
        await asyncio.sleep(0.3)
        await connection.close(1011, "scripted")

    async with FakeServer(script) as server:
        ended = await disconnects(
            server, 3, reconnect_initial=0.2, reconnect_max=5.0, healthy_after=0.1
        )
    assert all(0.75 * 0.2 <= d <= 0.2 for _, d in ended), ended


async def test_a_server_that_never_answers_subscriptions_does_not_reset_the_backoff() -> None:
    # Up longer than healthy_after, ticks sent, but no subscription ever acknowledged.
    async def script(connection: Any, n: int) -> None:
        await connection.send(tick_message("BTCUSDT", "64000.00", f"2026-01-01T00:00:{n:02d}Z"))
        await asyncio.sleep(0.15)
        await connection.close(1012, "service restart")

    async with FakeServer(script) as server:
        ended = await disconnects(
            server, 4, reconnect_initial=0.05, reconnect_max=5.0, healthy_after=0.1, open_timeout=5
        )
    delays = [delay for _, delay in ended]
    for delay, high in zip(delays, [0.05, 0.1, 0.2, 0.4], strict=True):
        assert 0.75 * high <= delay <= high, delays
