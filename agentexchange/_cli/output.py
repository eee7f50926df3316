"""A tool's JSON-safe result for people (tables) or for scripts (``--json``).

docs/architecture.md "Command line". The input is what the ``Toolkit`` returns — already
through ``agentexchange._jsonable.jsonable`` (decimals as their exact strings, datetimes
in ISO 8601, models as objects) — so the table shows exactly what ``--json`` prints:

- an object → ``field  value`` lines; a nested object's fields as ``outer.inner``; a
  member that is a list of objects → a table of its own below, under its name;
- a list of objects → one table, a column per field (in first-seen order; a field empty
  in every row left out), numbers right-aligned; a list of plain values → one per line; an empty list → ``(none)``;
- text → as it is; nothing (an operation without a result) → no output.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

__all__ = ["render", "render_json"]

_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?")
_CELL_LIMIT = 60  # a nested value in a table cell is cut here; --json shows it whole


def render_json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


def render(value: Any) -> str:
    """The human form of a JSON-safe value, without a trailing newline."""
    if value is None:
        return ""
    if isinstance(value, Mapping):
        return "\n".join(_object_lines(value))
    if isinstance(value, list):
        return _list(value)
    return _scalar(value)


def _scalar(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    text = json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    return text if len(text) <= _CELL_LIMIT else text[: _CELL_LIMIT - 1] + "…"


def _is_table(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, Mapping) for v in value)


def _flat(value: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for key, item in value.items():
        if isinstance(item, Mapping) and item:
            yield from _flat(item, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", item


def _object_lines(value: Mapping[str, Any]) -> list[str]:
    pairs: list[tuple[str, str]] = []
    tables: list[tuple[str, list[Any]]] = []
    for key, item in _flat(value):
        if _is_table(item):
            tables.append((key, item))
        elif isinstance(item, list):
            pairs.append((key, ", ".join(_scalar(v) for v in item) if item else "(none)"))
        else:
            pairs.append((key, _scalar(item)))
    width = max((len(key) for key, _ in pairs), default=0)
    lines = [f"{key:<{width}}  {text}".rstrip() for key, text in pairs]
    for key, rows in tables:
        lines += ["", f"{key}:", *_table(rows)]
    return lines


def _list(values: list[Any]) -> str:
    if not values:
        return "(none)"
    if _is_table(values):
        return "\n".join(_table(values))
    return "\n".join(_scalar(v) for v in values)


def _table(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    flat_rows = [dict(_flat(row)) for row in rows]
    columns: dict[str, None] = {}
    for row in flat_rows:
        # A column empty in every row says nothing in a table (--json still has it).
        columns.update(dict.fromkeys(k for k, v in row.items() if v not in (None, [], {})))
    if not columns:
        return ["(no fields)"]
    cells = [[_scalar(row.get(column)) for column in columns] for row in flat_rows]
    widths = [
        max(len(column), *(len(line[i]) for line in cells)) for i, column in enumerate(columns)
    ]
    # A column of numbers (an absent one shown as "-") is right-aligned, as numbers read.
    numeric = [
        any(_NUMBER.fullmatch(line[i]) for line in cells)
        and all(_NUMBER.fullmatch(line[i]) or line[i] == "-" for line in cells)
        for i in range(len(widths))
    ]

    def line(texts: Sequence[str]) -> str:
        return "  ".join(
            text.rjust(width) if right else text.ljust(width)
            for text, width, right in zip(texts, widths, numeric, strict=True)
        ).rstrip()

    return [line(list(columns)), line(["-" * w for w in widths]), *(line(c) for c in cells)]
