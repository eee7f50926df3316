"""asyncapi.yaml -> ``agentexchange/_ws_protocol.py``: the WebSocket protocol as Python tables.

docs/architecture.md "One source of truth": ``asyncapi.yaml`` feeds both the client
(``agentexchange/ws.py``) and the mock's server side
(``agentexchange/mock/web/ws_hub.py``). Neither reads YAML at run time; both import the
constants rendered here (channel names, actions, message types, data fields, error codes,
limits, close codes). ``python -m generator`` calls :func:`render_ws_protocol` next to the
OpenAPI outputs; the result is deterministic and already formatted (ruff-clean), so
``make check-generated`` can diff it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from agentexchange._document import Document, DocumentError, load_document

__all__ = ["AsyncApiError", "render_ws_protocol", "ws_protocol_tables"]

OUTPUT = "_ws_protocol.py"
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


class AsyncApiError(ValueError):
    """asyncapi.yaml lacks something the runtime tables need."""


def _resolve(doc: Mapping[str, Any], node: Any) -> Any:
    """Follow local ``$ref`` chains with the one document reader."""
    try:
        return Document(doc).resolve(node)
    except DocumentError as exc:
        raise AsyncApiError(str(exc)) from exc


def _need(mapping: Any, key: str, where: str) -> Any:
    if not isinstance(mapping, Mapping) or key not in mapping:
        raise AsyncApiError(f"asyncapi.yaml: {where} has no {key!r}")
    return mapping[key]


def _const(doc: Mapping[str, Any], schema: Any, where: str) -> str:
    schema = _resolve(doc, schema)
    if isinstance(schema, Mapping):
        if "const" in schema:
            return str(schema["const"])
        enum = schema.get("enum")
        if isinstance(enum, list) and len(enum) == 1:
            return str(enum[0])
    raise AsyncApiError(f"asyncapi.yaml: {where} is not a constant")


def _props(doc: Mapping[str, Any], schema: Any) -> dict[str, Any]:
    schema = _resolve(doc, schema)
    props = schema.get("properties", {}) if isinstance(schema, Mapping) else {}
    return {name: _resolve(doc, value) for name, value in props.items()}


def ws_protocol_tables(doc: Mapping[str, Any]) -> dict[str, Any]:
    """The runtime tables, as plain Python values (the golden tests compare these)."""
    channels = _need(doc, "channels", "the document")
    if len(channels) != 1:
        raise AsyncApiError("asyncapi.yaml: expected exactly one channel (the /ws/v1 socket)")
    channel = _resolve(doc, next(iter(channels.values())))
    limits = _need(channel, "x-limits", "the channel")
    auth = _need(channel, "x-auth", "the channel")
    close_codes = _need(channel, "x-close-codes", "the channel")
    messages = {
        name: _resolve(doc, msg) for name, msg in _need(channel, "messages", "the channel").items()
    }

    subscribe = _need(messages, "subscribe", "the channel's messages")
    request = _props(doc, _need(subscribe, "payload", "Subscribe"))
    actions = [str(a) for a in _need(request["action"], "enum", "Subscribe.action")]
    sub_channels = [str(c) for c in _need(request["channel"], "enum", "Subscribe.channel")]
    intervals = [str(i) for i in _need(request["interval"], "enum", "Subscribe.interval")]
    keys: dict[str, str] = {
        str(k): str(v) for k, v in _need(subscribe, "x-subscription-keys", "Subscribe").items()
    }
    if sorted(keys) != sorted(sub_channels):
        raise AsyncApiError("asyncapi.yaml: x-subscription-keys must name every channel once")
    params = {name: tuple(_PLACEHOLDER.findall(keys[name])) for name in sub_channels}
    for name, names in params.items():
        unknown = [p for p in names if p not in request]
        if unknown:
            raise AsyncApiError(f"asyncapi.yaml: key of {name!r} uses unknown fields {unknown}")

    # The pong message may take several shapes (oneOf): collect each constant member.
    pong_schema = _resolve(doc, _need(messages["pong"], "payload", "Pong"))
    pong_shapes: list[tuple[str, str]] = []
    for variant in pong_schema.get("oneOf", [pong_schema]):
        for field, schema in _props(doc, variant).items():
            pong_shapes.append((field, _const(doc, schema, f"Pong.{field}")))
    if "pong" not in actions:
        actions.append(next(v for f, v in pong_shapes if f == "action"))

    # Control messages (server -> client) carry a constant ``type``; data messages a
    # constant ``channel`` plus a ``data`` object and sometimes envelope fields.
    types: dict[str, str] = {}
    data_channels: dict[str, str] = {}
    envelope: dict[str, tuple[str, ...]] = {}
    fields: dict[str, tuple[str, ...]] = {}
    required: dict[str, tuple[str, ...]] = {}
    error_codes: list[str] = []
    for name, msg in messages.items():
        if name in ("subscribe", "unsubscribe", "pong"):
            continue
        props = _props(doc, _need(msg, "payload", name))
        if "type" in props:
            types[name] = _const(doc, props["type"], f"{name}.type")
            if name == "error":
                error_codes = [str(c) for c in _need(props["code"], "enum", "Error.code")]
        elif "channel" in props and "data" in props:
            wire = _const(doc, props["channel"], f"{name}.channel")
            data_channels[name] = wire
            envelope[wire] = tuple(p for p in props if p not in ("channel", "data"))
            data = props["data"]
            fields[wire] = tuple(_props(doc, data))
            required[wire] = tuple(data.get("required", ()))
        else:
            raise AsyncApiError(f"asyncapi.yaml: message {name!r} has neither type nor channel")

    return {
        "path": str(_need(channel, "address", "the channel")),
        "auth_query_parameter": str(_need(auth, "query_parameter", "x-auth")),
        "auth_refused_statuses": tuple(int(s) for s in auth["refused_statuses"]),
        "subscriptions_per_connection": int(limits["subscriptions_per_connection"]),
        "ping_interval_seconds": float(limits["ping_interval_seconds"]),
        "pong_timeout_seconds": float(limits["pong_timeout_seconds"]),
        "stale_after_seconds": float(limits["stale_after_seconds"]),
        "outgoing_queue_messages": int(limits["outgoing_queue_messages"]),
        "close_codes": {str(k): int(v) for k, v in close_codes.items()},
        "actions": tuple(actions),
        "subscription_channels": tuple(sub_channels),
        "subscription_keys": keys,
        "subscription_params": params,
        "intervals": tuple(intervals),
        "pong_shapes": tuple(pong_shapes),
        "message_types": types,
        "data_channels": data_channels,
        "envelope_fields": envelope,
        "data_fields": fields,
        "required_data_fields": required,
        "error_codes": tuple(error_codes),
    }


def _lit(value: Any) -> str:
    """A Python literal in ruff-format's style (double quotes), for str/int/float/tuple."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, tuple):
        return _tuple(value)
    return repr(value)


def _ident(text: str) -> str:
    return re.sub(r"\W", "_", text).upper()


def _tuple(values: Any) -> str:
    items = [_lit(v) for v in values]
    if len(items) == 1:
        return f"({items[0]},)"
    return f"({', '.join(items)})"


def _wrap_tuple(name: str, annotation: str, values: Any) -> list[str]:
    """``NAME: ann = (...)``, one item per line when it would pass 100 columns."""
    one_line = f"{name}: {annotation} = {_tuple(values)}"
    if len(one_line) <= 100:
        return [one_line]
    return [f"{name}: {annotation} = (", *[f"    {_lit(v)}," for v in values], ")"]


def _dict_block(
    name: str, annotation: str, items: Mapping[str, Any], render: Any = _lit
) -> list[str]:
    lines = [f"{name}: {annotation} = {{"]
    for key, value in items.items():
        entry = f"    {_lit(key)}: {render(value)},"
        if len(entry) > 100 and isinstance(value, tuple):
            lines.append(f"    {_lit(key)}: (")
            lines.extend(f"        {_lit(v)}," for v in value)
            lines.append("    ),")
        else:
            lines.append(entry)
    lines.append("}")
    return lines


def render_ws_protocol(repo_root: Path) -> str:
    """Source text of ``agentexchange/_ws_protocol.py`` from ``repo_root/asyncapi.yaml``."""
    doc = load_document(repo_root / "asyncapi.yaml").raw
    if not isinstance(doc, Mapping) or not str(doc.get("asyncapi", "")).startswith("3."):
        raise AsyncApiError("asyncapi.yaml: expected an AsyncAPI 3.x document")
    t = ws_protocol_tables(doc)
    out: list[str] = [
        '"""WebSocket protocol tables: generated by `make generate` from asyncapi.yaml — do not edit.',
        "",
        "Read by the client (``ws.py``) and the mock's server side (``mock/web/ws_hub.py``).",
        '"""',
        "",
        "from typing import Final",
        "",
        f"PATH: Final = {_lit(t['path'])}",
        f"AUTH_QUERY_PARAMETER: Final = {_lit(t['auth_query_parameter'])}",
        f"AUTH_REFUSED_STATUSES: Final = {_tuple(t['auth_refused_statuses'])}",
        "",
        "# Limits (asyncapi.yaml: channels.stream.x-limits).",
        f"SUBSCRIPTIONS_PER_CONNECTION: Final = {t['subscriptions_per_connection']}",
        f"PING_INTERVAL_SECONDS: Final = {_lit(t['ping_interval_seconds'])}",
        f"PONG_TIMEOUT_SECONDS: Final = {_lit(t['pong_timeout_seconds'])}",
        f"STALE_AFTER_SECONDS: Final = {_lit(t['stale_after_seconds'])}",
        f"OUTGOING_QUEUE_MESSAGES: Final = {t['outgoing_queue_messages']}",
        "",
        "# Close codes (x-close-codes).",
    ]
    out += [f"CLOSE_{_ident(k)}: Final = {v}" for k, v in t["close_codes"].items()]
    out += ["", "# Client actions."]
    out += [f"ACTION_{_ident(a)}: Final = {_lit(a)}" for a in t["actions"]]
    out += ["", "# Subscription channels (the `channel` of a subscribe/unsubscribe action)."]
    out += [f"CHANNEL_{_ident(c)}: Final = {_lit(c)}" for c in t["subscription_channels"]]
    out += ["", "# Server control messages (their `type`)."]
    out += [f"TYPE_{_ident(n)}: Final = {_lit(v)}" for n, v in t["message_types"].items()]
    out += ["", "# Data messages (their `channel`)."]
    out += [f"DATA_{_ident(n)}: Final = {_lit(v)}" for n, v in t["data_channels"].items()]
    out += ["", "# Error codes of `error` messages."]
    out += [f"ERROR_{_ident(c)}: Final = {_lit(c)}" for c in t["error_codes"]]
    out += [""]
    out += _wrap_tuple("ACTIONS", "Final", t["actions"])
    out += _wrap_tuple("SUBSCRIPTION_CHANNELS", "Final", t["subscription_channels"])
    out += _wrap_tuple("INTERVALS", "Final", t["intervals"])
    out += _wrap_tuple("ERROR_CODES", "Final", t["error_codes"])
    out += [
        "",
        "# Accepted pong shapes: (field, value) pairs, any one of which is a pong.",
        f"PONG_SHAPES: Final = {_tuple(t['pong_shapes'])}",
        "",
        "# The subscription key a channel's acknowledgement echoes, as a str.format template.",
    ]
    out += _dict_block("SUBSCRIPTION_KEYS", "Final[dict[str, str]]", t["subscription_keys"])
    out += ["", "# The request fields each subscription channel needs (from its key)."]
    out += _dict_block(
        "SUBSCRIPTION_PARAMS",
        "Final[dict[str, tuple[str, ...]]]",
        t["subscription_params"],
        _tuple,
    )
    out += ["", "# Fields next to `channel`/`data` in each data message, e.g. `symbol`."]
    out += _dict_block(
        "ENVELOPE_FIELDS", "Final[dict[str, tuple[str, ...]]]", t["envelope_fields"], _tuple
    )
    out += ["", "# Every field a data message's `data` may carry, in document order."]
    out += _dict_block("DATA_FIELDS", "Final[dict[str, tuple[str, ...]]]", t["data_fields"], _tuple)
    out += ["", "# The fields a data message's `data` always carries."]
    out += _dict_block(
        "REQUIRED_DATA_FIELDS",
        "Final[dict[str, tuple[str, ...]]]",
        t["required_data_fields"],
        _tuple,
    )
    return "\n".join(out) + "\n"


if __name__ == "__main__":  # pragma: no cover - convenience: write the file in place
    _root = Path(__file__).resolve().parent.parent
    (_root / "agentexchange" / OUTPUT).write_text(render_ws_protocol(_root), encoding="utf-8")
