"""The SDK for a model: every SDK method as a tool (docs/architecture.md "Agent tools").

``TOOLS`` is the generated table (one `ToolSpec` per method of the clients, and per method
of a session class whose route no client method calls); `Toolkit` selects from it, gives
the OpenAI and Anthropic tool lists and calls the SDK for a model::

    from agentexchange import AgentExchangeClient
    from agentexchange.tools import Toolkit

    toolkit = Toolkit(AgentExchangeClient(), groups=["market", "account"])
    tools = toolkit.anthropic()                       # or toolkit.openai()
    result = toolkit.call("get_price", {"symbol": "BTCUSDT"})
    result.ok, result.value                           # True, {"symbol": "BTCUSDT", "price": "64521.30", ...}

Runtime imports: the standard library and the SDK only (no yaml, no document reader, no
asyncio until `Toolkit.acall` runs with a sync client).
"""

from __future__ import annotations

from ._spec import NO_DEFAULT, ToolParam, ToolSpec
from ._table import TOOLS
from ._toolkit import GROUPS, Toolkit, ToolResult, select_groups

__all__ = [
    "GROUPS",
    "NO_DEFAULT",
    "TOOLS",
    "ToolParam",
    "ToolResult",
    "ToolSpec",
    "Toolkit",
    "select_groups",
]
