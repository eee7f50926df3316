"""``MockServer`` (agentexchange/mock/testing.py): a server that cannot start says so at once."""

from __future__ import annotations

import time
from typing import Any

import pytest

from agentexchange.mock.testing import MockServer


def startup_fails(app: Any) -> Any:
    """An app whose lifespan startup fails, as a broken composition would."""

    async def wrapped(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await receive()
            await send({"type": "lifespan.startup.failed", "message": "broken on purpose"})
            return
        await app(scope, receive, send)

    return wrapped


# uvicorn ends its thread with SystemExit on a failed startup: expected here.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_a_failed_startup_raises_without_waiting_out_the_start_deadline() -> None:
    started = time.monotonic()
    with pytest.raises(RuntimeError, match="did not start"):
        MockServer(pairs=5, wrap=startup_fails).start()
    assert time.monotonic() - started < 20  # the deadline for a slow start is 30 s
