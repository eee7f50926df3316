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
    for tag, method, path, summary in _endpoints(document):
        by_tag.setdefault(tag, []).append(f"- `{method} {base_url}{path}` — {summary}")
    for tag, entries in by_tag.items():
        if not entries:
            continue
        lines += ["", f"### {tag}", ""]
        if tags.get(tag):
            lines += [str(tags[tag]), ""]
        lines += entries
    return "\n".join(lines) + "\n"


# Within one path: reads first, then writes, whatever order the document lists them in.
_METHOD_ORDER = {"GET": 0, "POST": 1, "PUT": 2, "PATCH": 3, "DELETE": 4}
# The endpoint list of a document, kept with the document it was read from (one per app).
_ENDPOINTS: dict[int, tuple[Mapping[str, Any], list[tuple[str, str, str, str]]]] = {}


def _endpoints(document: Mapping[str, Any]) -> list[tuple[str, str, str, str]]:
    """(tag, method, path, summary) of every operation, paths in document order."""
    cached = _ENDPOINTS.get(id(document))
    if cached is not None and cached[0] is document:
        return cached[1]
    ops = Document(document).operations()
    first_seen = {op.path: i for i, op in reversed(list(enumerate(ops)))}
    ordered = sorted(ops, key=lambda op: (first_seen[op.path], _METHOD_ORDER.get(op.method, 9)))
    endpoints = [
        (
            (op.raw.get("tags") or ["other"])[0],
            op.method,
            op.path,
            str(op.raw.get("summary", "")).strip(),
        )
        for op in ordered
    ]
    _ENDPOINTS[id(document)] = (document, endpoints)
    return endpoints
