"""Web layer: ``GET /health`` (tag ``health``), public and outside ``/api/v1``.

docs/architecture.md "Web layer": the platform's health report with the mock's facts —
its stores are in memory (always reachable), no pair is ever stale, and prices move on
their own while the server's tick loop runs (``Exchange.feed_running``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..app import ApiRequest, Handler

if TYPE_CHECKING:
    from ...domain.exchange import Exchange


def handlers(ex: Exchange) -> dict[str, Handler]:
    def get_health(request: ApiRequest) -> Any:
        return {
            "status": "ok",
            "redis_connected": True,
            "db_connected": True,
            "ingestion_active": ex.feed_running,
            "stale_pairs": [],
            "total_pairs": len(ex.market.pairs()),
            "checks": {},
        }

    return {"get_health": get_health}
