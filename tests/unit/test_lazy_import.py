"""The async side loads only when used (issue 20, item 4; docs/architecture.md "Layers").

``from agentexchange import AgentExchangeClient`` imports no ``asyncio``: the async
client, ``AsyncTransport`` / ``AsyncTokenCache`` (``_async_transport.py``) and the
WebSocket client are lazy attributes of the package. Each check runs in a fresh
interpreter, since this test process has long imported all of them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import agentexchange

ROOT = Path(__file__).resolve().parents[2]
ASYNC_MODULES = (
    "asyncio",
    "agentexchange._async_transport",
    "agentexchange.async_client",
    "agentexchange.ws",
    "websockets",
)


def loaded_after(statement: str) -> dict[str, bool]:
    """Which of ASYNC_MODULES a fresh interpreter holds after running ``statement``."""
    probe = f"{statement}\nimport json, sys\nprint(json.dumps({{m: m in sys.modules for m in {ASYNC_MODULES!r}}}))"
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    result: dict[str, bool] = json.loads(out.stdout)
    return result


@pytest.mark.parametrize(
    "statement",
    [
        "from agentexchange import AgentExchangeClient",
        "import agentexchange",
        "import agentexchange.client",
        "from agentexchange import Price, AgentExchangeError",
        "from agentexchange import BacktestSession, TradingAPI, AsyncTradingAPI",
    ],
)
def test_sync_imports_load_no_asyncio(statement: str) -> None:
    # httpx 0.28 itself imports no asyncio (nor anyio) at import time, so the whole
    # process stays asyncio-free, not only our own modules.
    assert loaded_after(statement) == dict.fromkeys(ASYNC_MODULES, False)


def test_async_client_still_imports_from_the_package() -> None:
    loaded = loaded_after(
        "from agentexchange import AsyncAgentExchangeClient\n"
        "assert AsyncAgentExchangeClient.__name__ == 'AsyncAgentExchangeClient'"
    )
    assert loaded["asyncio"] and loaded["agentexchange.async_client"]
    assert loaded["agentexchange._async_transport"]
    assert not loaded["agentexchange.ws"]  # each lazy attribute loads only its own module


def test_ws_client_loads_on_its_own() -> None:
    loaded = loaded_after("from agentexchange import AgentExchangeWS")
    assert loaded["agentexchange.ws"] and not loaded["agentexchange.async_client"]


def test_lazy_attributes_are_the_real_classes() -> None:
    from agentexchange.async_client import AsyncAgentExchangeClient
    from agentexchange.ws import AgentExchangeWS

    assert agentexchange.AsyncAgentExchangeClient is AsyncAgentExchangeClient
    assert agentexchange.AgentExchangeWS is AgentExchangeWS


def test_every_public_name_resolves_and_is_visible() -> None:
    public = agentexchange.__all__
    # The lazy names stay public (they were before the async side became lazy).
    assert {"AsyncAgentExchangeClient", "AgentExchangeWS"} <= set(public)
    assert len(public) == len(set(public))
    assert set(public) <= set(dir(agentexchange))
    for name in public:
        assert getattr(agentexchange, name) is not None
    namespace: dict[str, object] = {}
    exec("from agentexchange import *", namespace)
    assert set(public) <= set(namespace)


def test_unknown_attribute_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        _ = agentexchange.Nope  # type: ignore[attr-defined]
