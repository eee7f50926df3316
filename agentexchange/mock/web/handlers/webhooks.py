"""Web layer: HTTP handlers for webhook subscriptions (openapi.yaml tag ``webhooks``).

docs/architecture.md "Web layer" and "Webhooks": thin glue onto ``domain/webhooks.py``,
which keeps the subscriptions, applies the URL rule and queues deliveries; the deliveries
themselves leave from ``web/webhook_delivery.py``. The secret appears in the create
answer only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...domain.webhooks import WebhookInfo
from ..app import ApiRequest, Handler
from ._context import body_of, caller

if TYPE_CHECKING:
    from ...domain.exchange import Exchange


def webhook_body(w: WebhookInfo) -> dict[str, Any]:
    return {
        "id": w.id,
        "url": w.url,
        "events": list(w.events),
        "description": w.description,
        "active": w.active,
        "failure_count": w.failure_count,
        "created_at": w.created_at,
        "updated_at": w.updated_at,
        "last_triggered_at": w.last_triggered_at,
    }


def handlers(ex: Exchange) -> dict[str, Handler]:
    hooks = ex.webhooks

    def create_webhook(request: ApiRequest) -> Any:
        body = body_of(request)
        info, secret = hooks.create(
            caller(request).account_id, body["url"], body["events"], body.get("description")
        )
        # The platform's create answer: no failure_count, updated_at or last_triggered_at.
        return {
            "id": info.id,
            "url": info.url,
            "events": list(info.events),
            "description": info.description,
            "active": info.active,
            "secret": secret,
            "created_at": info.created_at,
        }

    def list_webhooks(request: ApiRequest) -> Any:
        mine = hooks.list(caller(request).account_id)
        return {"webhooks": [webhook_body(w) for w in mine], "total": len(mine)}

    def get_webhook(request: ApiRequest) -> Any:
        return webhook_body(
            hooks.get(caller(request).account_id, request.path_params["webhook_id"])
        )

    def update_webhook(request: ApiRequest) -> Any:
        body = body_of(request)
        return webhook_body(
            hooks.update(
                caller(request).account_id,
                request.path_params["webhook_id"],
                url=body.get("url"),
                events=body.get("events"),
                active=body.get("active"),
                description=body.get("description"),
            )
        )

    def delete_webhook(request: ApiRequest) -> Any:
        hooks.delete(caller(request).account_id, request.path_params["webhook_id"])
        return None  # 204, the operation's only success status

    def test_webhook(request: ApiRequest) -> Any:
        webhook_id = request.path_params["webhook_id"]
        queued = hooks.send_test(caller(request).account_id, webhook_id)
        return {"enqueued": queued, "webhook_id": webhook_id}

    return {
        "create_webhook": create_webhook,
        "list_webhooks": list_webhooks,
        "get_webhook": get_webhook,
        "update_webhook": update_webhook,
        "delete_webhook": delete_webhook,
        "test_webhook": test_webhook,
    }
