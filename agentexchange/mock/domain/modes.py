"""Domain layer: the account's mode (``live`` or ``backtest``), a label it keeps for itself.

docs/architecture.md "Domain core". As on the platform (``GET|POST /account/mode``) the
mode changes no other behaviour: it is a label, with an optional strategy label, read back
together with the account's backtest counts. Those counts come from a function the
composition root supplies (``Backtests.counts``: sessions running, sessions completed).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from .errors import DomainError

MODES = ("live", "backtest")

# account_id -> (sessions running, sessions completed)
BacktestCounts = Callable[[str], tuple[int, int]]


def no_backtests(account_id: str) -> tuple[int, int]:
    return 0, 0


@dataclass(frozen=True, slots=True)
class AccountModeInfo:
    mode: str
    active_strategy_label: str | None
    active_backtests: int
    total_backtests_completed: int


class AccountModes:
    def __init__(self, counts: BacktestCounts = no_backtests) -> None:
        self.counts = counts
        self._lock = threading.Lock()
        self._modes: dict[str, tuple[str, str | None]] = {}

    def get(self, account_id: str) -> AccountModeInfo:
        with self._lock:
            mode, label = self._modes.get(account_id, ("live", None))
        active, completed = self.counts(account_id)
        return AccountModeInfo(mode, label, active, completed)

    def switch(
        self, account_id: str, mode: str, strategy_label: str | None = None
    ) -> AccountModeInfo:
        """Set the mode and the label (a switch without a label clears it, as on the platform)."""
        if mode not in MODES:
            raise DomainError(
                "VALIDATION_ERROR", f"mode: must be one of {list(MODES)}.", 422, {"field": "mode"}
            )
        with self._lock:
            self._modes[account_id] = (mode, strategy_label)
        return self.get(account_id)
