"""The decision journal, the account mode and learning curves, in-process.

Expected values: the platform's arithmetic for decision analysis (routes/agents.py
``analyze_decisions``: wins/losses by the sign of the outcome PnL, win rate over all
decisions, averages over those that have a value), its feedback lifecycle (resolved sets
resolved_at), its mode answers and its recorded learning curves
(tests/data/platform/misc_wire.json: raw 0.5, 2.0, 3.5 → smoothed 0.5, 1.25, 2.0 with a
window of 10; Sharpe 0.3, 0.6, 0.9 with a window of 2 → 0.3, 0.45, 0.75).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from agentexchange.mock.domain.clock import SimClock
from agentexchange.mock.domain.errors import DomainError
from agentexchange.mock.domain.journal import Journal
from agentexchange.mock.domain.modes import AccountModes
from agentexchange.mock.domain.training import Episode, Training

NOW = datetime(2026, 12, 2, 7, 0, tzinfo=UTC)
AGENT, OTHER = "agent-1", "agent-2"


@pytest.fixture
def journal() -> Journal:
    j = Journal(SimClock(NOW))
    at = [NOW - timedelta(hours=h) for h in range(4)]
    j.record_decision(
        AGENT,
        "buy",
        trace_id="t1",
        confidence=Decimal("0.8"),
        outcome_pnl=Decimal("10"),
        created_at=at[3],
    )
    j.record_decision(
        AGENT,
        "buy",
        trace_id="t2",
        confidence=Decimal("0.5"),
        outcome_pnl=Decimal("-5"),
        created_at=at[2],
    )
    j.record_decision(
        AGENT, "sell", trace_id="t3", confidence=None, outcome_pnl=Decimal("4"), created_at=at[1]
    )
    j.record_decision(AGENT, "hold", trace_id="t4", confidence=Decimal("0.3"), created_at=at[0])
    j.record_decision(OTHER, "buy", trace_id="t1", outcome_pnl=Decimal("99"))
    return j


def test_analysis_over_all_decisions(journal: Journal) -> None:
    a = journal.analyze(AGENT)
    s = a.stats
    assert (s.total, s.wins, s.losses) == (4, 2, 1)
    assert s.win_rate == Decimal("0.5")  # 2 wins of 4 decisions (the unresolved one counts)
    assert s.avg_pnl == Decimal(3)  # (10 - 5 + 4) / 3: only decisions with an outcome
    assert s.avg_confidence == Decimal("1.6") / 3  # 0.8, 0.5, 0.3
    assert [d.trace_id for d in a.decisions] == ["t4", "t3", "t2", "t1"]  # newest first
    assert sorted(a.by_direction) == ["buy", "hold", "sell"]
    buy = a.by_direction["buy"]
    assert (buy.total, buy.wins, buy.losses, buy.win_rate, buy.avg_pnl) == (
        2,
        1,
        1,
        Decimal("0.5"),
        Decimal("2.5"),
    )
    assert a.by_direction["hold"].avg_pnl is None


def test_analysis_filters(journal: Journal) -> None:
    assert [d.trace_id for d in journal.analyze(AGENT, pnl_outcome="positive").decisions] == [
        "t3",
        "t1",
    ]
    assert [d.trace_id for d in journal.analyze(AGENT, pnl_outcome="negative").decisions] == ["t2"]
    assert [d.trace_id for d in journal.analyze(AGENT, direction="buy").decisions] == ["t2", "t1"]
    # No confidence recorded: left out once a minimum is asked for.
    assert [
        d.trace_id for d in journal.analyze(AGENT, min_confidence=Decimal("0.5")).decisions
    ] == ["t2", "t1"]
    window = journal.analyze(AGENT, start=NOW - timedelta(hours=2), end=NOW)
    assert [d.trace_id for d in window.decisions] == ["t3", "t2"]  # start inclusive, end exclusive
    assert [d.trace_id for d in journal.analyze(AGENT, limit=1).decisions] == ["t4"]
    empty = journal.analyze(AGENT, direction="sell", pnl_outcome="negative").stats
    assert (empty.total, empty.win_rate, empty.avg_pnl, empty.avg_confidence) == (0, 0, None, None)


def test_a_trace_is_the_agents_own_records(journal: Journal) -> None:
    journal.record_signal(AGENT, "t1", "rsi_dip", "BTCUSDT", "buy", confidence=Decimal("0.7"))
    journal.record_signal(OTHER, "t1", "theirs", "ETHUSDT", "sell")
    journal.record_api_call(
        AGENT, "t1", "sdk", "/api/v1/trade/order", Decimal("41.3"), method="POST", status_code=201
    )
    trace = journal.trace(AGENT, "t1")
    assert [s.strategy_name for s in trace.signals] == ["rsi_dip"]
    assert trace.decision is not None and trace.decision.outcome_pnl == Decimal(10)
    assert [c.status_code for c in trace.api_calls] == [201]
    unknown = journal.trace(AGENT, "nope")
    assert (unknown.signals, unknown.decision, unknown.api_calls) == ((), None, ())


def test_feedback_moves_through_its_statuses() -> None:
    clock = SimClock(NOW)
    journal = Journal(clock)
    item = journal.add_feedback(AGENT, "Add a trailing take-profit")
    assert item.status == "submitted" and item.resolved_at is None
    acknowledged = journal.update_feedback(AGENT, item.id, "acknowledged")
    assert (acknowledged.status, acknowledged.resolution, acknowledged.resolved_at) == (
        "acknowledged",
        None,
        None,
    )
    clock.advance(3600)
    resolved = journal.update_feedback(AGENT, item.id, "resolved", "Shipped in v2")
    assert (resolved.status, resolved.resolution, resolved.resolved_at) == (
        "resolved",
        "Shipped in v2",
        clock.now(),
    )
    for agent, feedback_id in ((OTHER, item.id), (AGENT, "5e6f7a8b-9c0d-4e1f-8a2b-4c5d6e7f8a9b")):
        with pytest.raises(DomainError) as raised:
            journal.update_feedback(agent, feedback_id, "wont_fix")
        assert (raised.value.status, raised.value.code) == (404, "FEEDBACK_NOT_FOUND")
    with pytest.raises(DomainError) as invalid:
        journal.update_feedback(AGENT, item.id, "done")
    assert invalid.value.status == 422


def test_the_mode_is_a_label_per_account_with_the_backtest_counts() -> None:
    modes = AccountModes(counts=lambda account: (1, 4) if account == "a" else (0, 0))
    assert modes.get("a") == modes.get("a")
    first = modes.get("a")
    assert (first.mode, first.active_strategy_label, first.active_backtests, first.total_backtests_completed) == (
        "live", None, 1, 4,
    )  # fmt: skip
    switched = modes.switch("a", "backtest", "wire_momentum")
    assert (switched.mode, switched.active_strategy_label) == ("backtest", "wire_momentum")
    assert modes.get("b").mode == "live"
    back = modes.switch("a", "live")
    assert (back.mode, back.active_strategy_label) == (
        "live",
        None,
    )  # a switch without a label clears it
    with pytest.raises(DomainError):
        modes.switch("a", "paper")


def test_learning_curves_as_recorded_on_the_platform() -> None:
    training = Training(SimClock(NOW))
    run_id = "26a9e0db-a782-4079-ad6e-86b6d6b1a502"
    training.register("a", run_id, None, None)
    for n, roi, sharpe, reward in (
        (1, "0.5", "0.3", "12.5"),
        (2, "2.0", "0.6", "25.0"),
        (3, "3.5", "0.9", "37.5"),
    ):
        training.report_episode(
            "a",
            run_id,
            Episode(
                n, roi_pct=Decimal(roi), sharpe_ratio=Decimal(sharpe), reward_sum=Decimal(reward)
            ),
        )
    run = training.get("a", run_id)
    roi = run.curve("roi_pct", 10)
    assert roi.episode_numbers == (1, 2, 3)
    assert roi.raw_values == (Decimal("0.5"), Decimal("2.0"), Decimal("3.5"))
    assert roi.smoothed_values == (Decimal("0.5"), Decimal("1.25"), Decimal("2.0"))
    assert run.curve("sharpe_ratio", 2).smoothed_values == (
        Decimal("0.3"),
        Decimal("0.45"),
        Decimal("0.75"),
    )
    assert run.curve("reward_sum", 1).smoothed_values == (
        Decimal("12.5"),
        Decimal("25.0"),
        Decimal("37.5"),
    )
    assert run.curve("total_trades", 10).episode_numbers == ()  # no episode reported trades
    with pytest.raises(DomainError) as raised:
        run.curve("nope", 10)
    assert raised.value.status == 422


def test_a_huge_reported_metric_is_answered_not_a_500() -> None:
    # Four decimal places of 1e300 do not fit Decimal's 28 digits: the value stays as it is.
    training = Training(SimClock(NOW))
    run_id = "26a9e0db-a782-4079-ad6e-86b6d6b1a502"
    training.register("a", run_id, None, None)
    training.report_episode("a", run_id, Episode(1, roi_pct=Decimal("1e300")))
    run = training.get("a", run_id)
    assert run.curve("roi_pct", 10).smoothed_values == (Decimal("1e300"),)
    stats = run.aggregate_stats()
    assert stats is not None and stats["avg_roi_pct"] == Decimal("1e300")
