"""Domain layer: battles — agents of one account head-to-head, live or on history.

docs/architecture.md "Domain core". ``service`` holds ``Battles`` (the lifecycle, live
ranking, the historical engine); ``records`` the battle and participant state;
``standings`` the metrics and ranking; ``rules`` bounds, presets, config checks, errors.
"""

from .rules import BATTLE_TOPIC, PRESETS
from .service import Battles

__all__ = ["BATTLE_TOPIC", "PRESETS", "Battles"]
