"""Domain layer: Strategies, versions, deployment and strategy tests (backtests) of the mock exchange.

Part of the pure-Python domain core (docs/architecture.md "Domain core"). ``definition``
reads the rule-based format and computes indicators, ``backtest`` plans and replays
episodes over the seeded market history, ``worker`` runs tests in a bounded background
pool, ``store`` holds the records, ``service.Strategies`` is what the composition root
constructs.
"""

from .backtest import EpisodeResult, TestResults
from .service import Strategies
from .store import StrategyInfo, TestRunInfo, VersionComparison, VersionInfo, VersionMetrics

__all__ = [
    "EpisodeResult",
    "Strategies",
    "StrategyInfo",
    "TestResults",
    "TestRunInfo",
    "VersionComparison",
    "VersionInfo",
    "VersionMetrics",
]
