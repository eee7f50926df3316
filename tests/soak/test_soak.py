"""Short versions of ``make soak`` (tests/soak/harness.py), run in ``make test``."""

from __future__ import annotations

from .harness import run_orders, run_restarts, run_threads


def test_orders_through_a_faulty_proxy_are_placed_exactly_once() -> None:
    result = run_orders(100, fast_backoff=True)  # 0.05 s -> 0.4 s backoff to stay short
    print(result.report())
    assert sum(result.faults.values()) > 0 and all(result.faults.values())
    assert result.errors == []
    assert result.returned == result.server_holds == 100
    assert result.duplicates == 0 and result.unknown == 0
    assert result.ok


def test_the_stream_comes_back_after_each_server_restart() -> None:
    result = run_restarts(3, min_gap=1.0, max_gap=1.5)
    print(result.report())
    assert len(result.restarts) == 3
    assert all(r.resubscribed for r in result.restarts)
    assert all(r.tick_after_up is not None and r.tick_after_up <= 5.0 for r in result.restarts)
    assert result.orders_placed > 0
    assert result.missing == [] and result.duplicated == []
    assert result.ok


def test_many_threads_share_one_client_with_one_login() -> None:
    result = run_threads(4, 50)
    print(result.report())
    assert result.errors == []
    assert result.ok_calls == 200
    assert result.logins == 1
