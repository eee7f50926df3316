"""Domain layer: Backtest sessions of the mock exchange (the platform's ``/backtest/*``).

Part of the pure-Python domain core (docs/architecture.md "Domain core"): ``session``
replays one session on the seeded history with the backtest engine (``sandbox``) that
strategy tests use too; ``results`` computes a finished session's metrics; ``service``
(``Backtests``, what the composition root constructs) holds an account's sessions,
their bounds, and list / compare / best.
"""

from .service import Backtests
from .session import BacktestSession

__all__ = ["BacktestSession", "Backtests"]
