"""Domain layer: what a battle may be — its bounds, presets, config checks and errors.

docs/architecture.md "Domain core" (battles). Read by ``service.Battles``; no state here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from ..errors import DomainError

BATTLE_TOPIC = "battle"  # the WebSocket hub's battle:{id} channel listens here
SNAPSHOT_EVERY_SECONDS = 5  # a live battle's equity snapshots (the platform's task period)
MAX_SNAPSHOTS = 20_000  # per battle; the oldest go first
MAX_BATTLES = 200  # kept per account; creating one more forgets the oldest finished one
MAX_DURATION = 366 * 86400  # seconds: a fixed battle's longest time limit
MIN_BALANCE = Decimal(1)
MAX_BALANCE = Decimal(10_000_000)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

PRESETS: tuple[dict[str, Any], ...] = (
    {
        "key": "quick_1h",
        "name": "Quick Sprint",
        "description": "1-hour fast-paced battle with top pairs.",
        "duration_type": "fixed",
        "duration_seconds": 3600,
        "starting_balance": Decimal(10000),
        "allowed_pairs": None,
        "best_for": "Fast strategy comparison",
    },
    {
        "key": "day_trader",
        "name": "Day Trader",
        "description": "24-hour full-day performance test.",
        "duration_type": "fixed",
        "duration_seconds": 86400,
        "starting_balance": Decimal(10000),
        "allowed_pairs": None,
        "best_for": "Full-day performance test",
    },
    {
        "key": "marathon",
        "name": "Marathon",
        "description": "7-day endurance battle testing consistency.",
        "duration_type": "fixed",
        "duration_seconds": 604800,
        "starting_balance": Decimal(10000),
        "allowed_pairs": None,
        "best_for": "Endurance and consistency",
    },
    {
        "key": "scalper_duel",
        "name": "Scalper Duel",
        "description": "4-hour high-frequency battle on BTC + ETH only.",
        "duration_type": "fixed",
        "duration_seconds": 14400,
        "starting_balance": Decimal(5000),
        "allowed_pairs": ["BTCUSDT", "ETHUSDT"],
        "best_for": "High-frequency testing",
    },
    {
        "key": "survival",
        "name": "Survival Mode",
        "description": "No time limit — last agent standing wins.",
        "duration_type": "unlimited",
        "duration_seconds": None,
        "starting_balance": Decimal(10000),
        "allowed_pairs": None,
        "best_for": "Last agent standing",
    },
    {
        "key": "historical_day",
        "name": "Historical Day",
        "description": "1-day historical battle with 1-minute candles.",
        "duration_type": "historical",
        "duration_seconds": 86400,
        "starting_balance": Decimal(10000),
        "allowed_pairs": None,
        "best_for": "Quick historical comparison",
    },
    {
        "key": "historical_week",
        "name": "Historical Week",
        "description": "7-day historical battle with 5-minute candles.",
        "duration_type": "historical",
        "duration_seconds": 604800,
        "starting_balance": Decimal(10000),
        "allowed_pairs": None,
        "best_for": "Week-long historical analysis",
    },
    {
        "key": "historical_month",
        "name": "Historical Month",
        "description": "30-day historical battle with 1-hour candles.",
        "duration_type": "historical",
        "duration_seconds": 2592000,
        "starting_balance": Decimal(10000),
        "allowed_pairs": None,
        "best_for": "Long-term historical strategy testing",
    },
)
PRESET_CONFIG_KEYS = ("duration_type", "duration_seconds", "starting_balance", "allowed_pairs")


def not_found(battle_id: str) -> DomainError:
    return DomainError(
        "BATTLE_NOT_FOUND", f"Battle '{battle_id}' not found.", 404, {"battle_id": battle_id}
    )


def participant_not_found() -> DomainError:
    return DomainError("BATTLE_NOT_FOUND", "Participant not found in this battle.", 404, {})


def invalid_state(message: str, current: str, required: str | None = None) -> DomainError:
    details = {"current_status": current}
    if required is not None:
        details["required_status"] = required
    return DomainError("BATTLE_INVALID_STATE", message, 409, details)


def invalid(field: str, text: str) -> DomainError:
    return DomainError("VALIDATION_ERROR", f"{field}: {text}", 422, {"field": field})


def checked_config(config: Mapping[str, Any]) -> dict[str, Any]:
    """A battle config's known members checked (a clear 422, never a 500 later)."""
    kind = config.get("duration_type")
    if kind is not None and kind not in ("fixed", "unlimited", "historical"):
        raise invalid("config.duration_type", "must be fixed, unlimited or historical.")
    seconds = config.get("duration_seconds")
    if seconds is not None and (
        not isinstance(seconds, int)
        or isinstance(seconds, bool)
        or not 1 <= seconds <= MAX_DURATION
    ):
        raise invalid("config.duration_seconds", f"must be an integer from 1 to {MAX_DURATION}.")
    if config.get("starting_balance") is not None:
        balance = balance_of(config)
        if not MIN_BALANCE <= balance <= MAX_BALANCE:
            raise invalid(
                "config.starting_balance", f"must be between {MIN_BALANCE} and {MAX_BALANCE}."
            )
    pairs = config.get("allowed_pairs")
    if pairs is not None and (
        not isinstance(pairs, list) or not all(isinstance(p, str) for p in pairs)
    ):
        raise invalid("config.allowed_pairs", "must be a list of symbols or null.")
    mode = config.get("wallet_mode")
    if mode is not None and mode not in ("fresh", "existing"):
        raise invalid("config.wallet_mode", "must be fresh or existing.")
    return dict(config)


def balance_of(config: Mapping[str, Any]) -> Decimal:
    raw = config.get("starting_balance", "10000")
    try:
        value = Decimal(str(raw)) if isinstance(raw, (str, int, Decimal)) else Decimal("NaN")
    except ArithmeticError:
        value = Decimal("NaN")
    if not value.is_finite():
        raise DomainError(
            "VALIDATION_ERROR",
            "config.starting_balance: not a decimal number.",
            422,
            {"field": "config.starting_balance"},
        )
    return value


def parse_time(raw: Any, name: str) -> datetime:
    if isinstance(raw, datetime):
        return raw if raw.tzinfo else raw.replace(tzinfo=UTC)
    try:
        parsed = datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
    except ValueError:
        raise DomainError(
            "VALIDATION_ERROR", f"{name}: not a date-time.", 422, {"field": name}
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def floor_time(moment: datetime, interval: int) -> datetime:
    seconds = math.floor((moment - EPOCH).total_seconds())
    return EPOCH + timedelta(seconds=seconds - seconds % interval)
