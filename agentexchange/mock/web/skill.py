"""Web layer: ``skill.md`` for one agent: an LLM-ready briefing rendered from openapi.yaml.

docs/architecture.md "One source of truth": nothing about an operation is written twice —
so the endpoint list here is read from the document itself (method, path, summary, grouped
by tag), and only the agent's header (name, id, key) is filled in. The key appears because
the docs promise it ("with the agent's key filled in"); the text goes only to the agent's
owner.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..._document import Document


def render_skill(
    *, name: str, agent_id: str, api_key: str, document: Mapping[str, Any], base_url: str = ""
) -> str:
    info = document.get("info", {})
    lines = [
        f"# Agent: {name}",
        f"# Agent ID: {agent_id}",
        f"# API Key: {api_key}",
        "",
        "# AgentExchange — AI Crypto Trading Platform",
        "",
        str(info.get("description", "")).strip(),
        "",
        "## Authentication",
        "",
        f"Send `X-API-Key: {api_key}` with every request; it acts as this agent "
        "(its own wallet, orders, positions and history).",
        "",
        "## Trading rules",
        "",
        "- Market orders fill at once at the current price plus slippage "
        "(0.1 x order value / 24 h volume, 0.01 %–10 %) and pay a 0.1 % fee.",
        "- limit, stop_loss and take_profit orders lock funds and stay pending until the "
        "price crosses; send `price` (the limit or trigger price).",
        "- Risk limits (this agent's profile): max order size and position size as % of "
        "equity, max open orders, and a daily loss limit that halts trading until 00:00 UTC.",
        "- Send an `Idempotency-Key` header with each order so a retry never places it twice.",
        "",
        "## Endpoints",
    ]
    tags = {t["name"]: t.get("description", "") for t in document.get("tags", [])}
    by_tag: dict[str, list[str]] = {name: [] for name in tags}
    for op in Document(document).operations():
        tag = (op.raw.get("tags") or ["other"])[0]
        summary = str(op.raw.get("summary", "")).strip()
        by_tag.setdefault(tag, []).append(f"- `{op.method} {base_url}{op.path}` — {summary}")
    for tag, entries in by_tag.items():
        if not entries:
            continue
        lines += ["", f"### {tag}", ""]
        if tags.get(tag):
            lines += [str(tags[tag]), ""]
        lines += entries
    return "\n".join(lines) + "\n"
