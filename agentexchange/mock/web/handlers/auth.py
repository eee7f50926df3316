"""Web layer: HTTP handlers for register and login (openapi.yaml tag ``auth``).

docs/architecture.md "Web layer": handlers are thin — they read the validated request and
call the domain core (``domain/accounts.py``); the response shapes are the document's
RegisterResponse and LoginResponse.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..app import ApiRequest, Handler
from ._context import body_of, decimal_field

if TYPE_CHECKING:
    from ...domain.exchange import Exchange


def handlers(ex: Exchange) -> dict[str, Handler]:
    accounts = ex.accounts

    def register(request: ApiRequest) -> Any:
        body = body_of(request)
        registration = accounts.register(
            display_name=body.get("display_name"),
            email=body.get("email"),
            password=body.get("password"),
            starting_balance=decimal_field(body, "starting_balance"),
        )
        return registration.view()

    def login(request: ApiRequest) -> Any:
        body = body_of(request)
        return accounts.login(str(body["api_key"]), str(body["api_secret"])).view()

    return {"register": register, "login": login}
