"""Web layer: Every operation's handler, gathered from the per-area modules under ``handlers/``.

docs/architecture.md "Web layer": the mock serves the document. ``MockApp`` refuses to
start unless this map and openapi.yaml name exactly the same operationIds, so a new
operation without a handler (or a handler left behind by a removed operation) fails at
start-up.
"""

from __future__ import annotations

from ..domain.exchange import Exchange
from .app import Handler
from .handlers import (
    account,
    agents,
    analytics,
    auth,
    backtest,
    battles,
    health,
    market,
    metrics,
    strategies,
    trading,
    training,
    webhooks,
)

_AREAS = (
    health,
    auth,
    market,
    trading,
    account,
    analytics,
    metrics,
    webhooks,
    strategies,
    training,
    agents,
    backtest,
    battles,
)


def all_handlers(exchange: Exchange) -> dict[str, Handler]:
    combined: dict[str, Handler] = {}
    for area in _AREAS:
        for operation_id, handler in area.handlers(exchange).items():
            if operation_id in combined:
                raise RuntimeError(f"two handlers for {operation_id}")
            combined[operation_id] = handler
    return combined
