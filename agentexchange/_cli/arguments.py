"""A command's argparse arguments from its tool's parameters, and the text typed back into JSON.

docs/architecture.md "Command line". Each parameter's JSON Schema (the tool table's)
decides its shape on the command line: an enum lists its choices, a boolean option is
``--flag`` / ``--no-flag``, an array takes several values (or one comma-separated), an
object is JSON text (or ``@file.json``), an integer is checked by argparse; a credential
(``FROM_ENVIRONMENT``) is read from its environment variable, never typed. Decimals
stay the exact text typed: the ``Toolkit`` validates every argument against the schema
and turns decimal strings into ``Decimal`` — the command line does not check them twice.
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from .._transport import ENV_API_KEY, ENV_API_SECRET
from .naming import Command, ParamLike

__all__ = ["DEST_PREFIX", "FROM_ENVIRONMENT", "add_arguments", "arguments_of", "option_name"]

# Parameters live under their own prefix in the namespace, so a parameter may share a
# name with a common option (--json, --base-url) or argparse's own attributes.
DEST_PREFIX = "param_"

# Parameters that are credentials (login's key and secret) are no argument or option: typed,
# they would stay in the shell's history and every process list (docs/decisions.md
# "Command line"). They come from the SDK's own environment variables instead.
FROM_ENVIRONMENT = {"api_key": ENV_API_KEY, "api_secret": ENV_API_SECRET}


def option_name(param: str) -> str:
    return "--" + param.replace("_", "-")


def effective(schema: Mapping[str, Any]) -> Mapping[str, Any]:
    """The schema without its null alternative: an optional parameter's ``anyOf``/type list."""
    for key in ("anyOf", "oneOf"):
        if key in schema:
            branches = [b for b in schema[key] if effective_type(b) != "null"]
            if len(branches) == 1:
                merged = {k: v for k, v in schema.items() if k != key}
                return {**merged, **effective(branches[0])}
            return schema
    return schema


def effective_type(schema: Mapping[str, Any]) -> str | None:
    kind = schema.get("type")
    if isinstance(kind, list):
        kinds = [k for k in kind if k != "null"]
        return kinds[0] if len(kinds) == 1 else None
    return kind if isinstance(kind, str) else None


def _json_text(text: str) -> Any:
    source = text
    if text.startswith("@"):
        try:
            source = Path(text[1:]).read_text(encoding="utf-8")
        except OSError as exc:
            raise argparse.ArgumentTypeError(f"cannot read {text[1:]}: {exc.strerror}") from None
        except UnicodeDecodeError:
            raise argparse.ArgumentTypeError(f"cannot read {text[1:]}: not UTF-8 text") from None
    try:
        return json.loads(source)
    except (ValueError, RecursionError):  # RecursionError: "[[[[…" nested too deep
        raise argparse.ArgumentTypeError(f"not JSON: {text[:40]!r}") from None


def _number(text: str) -> int | float:
    """A JSON number, as a model would send it (a decimal is a string parameter, not this)."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value.is_finite():
        raise argparse.ArgumentTypeError(f"not a finite number: {text!r}")
    return int(value) if value == value.to_integral_value() and "." not in text else float(text)


def _boolean(text: str) -> bool:
    lowered = text.lower()
    if lowered in ("true", "yes", "1"):
        return True
    if lowered in ("false", "no", "0"):
        return False
    raise argparse.ArgumentTypeError(f"not true or false: {text!r}")


_SCALAR_TYPES: dict[str | None, Any] = {
    "integer": int,
    "number": _number,
    "boolean": _boolean,
}


def _default_text(param: ParamLike) -> str:
    if param.required:
        return "(required)"
    default = param.default
    if default is None or not isinstance(default, str | int | float | bool | list | dict):
        return "(default: none)"
    if isinstance(default, bool):
        return f"(default: {'on' if default else 'off'})"
    if isinstance(default, list | dict):
        return f"(default: {json.dumps(default)})"
    return f"(default: {default})"


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if not text or text.endswith((".", "?", "!")) else text + "."


def _help(param: ParamLike, extra: str = "") -> str:
    """The parameter's description, what the command line takes, and its default."""
    parts = [_sentence(param.description), _sentence(extra)]
    text = " ".join(p for p in parts if p) or param.name.replace("_", " ")
    # argparse formats help with %: a literal percent sign must be doubled.
    return f"{text} {_default_text(param)}".replace("%", "%%")


def _add(parser: argparse.ArgumentParser, param: ParamLike, positional: bool) -> None:
    schema = effective(param.schema)
    kind = effective_type(schema)
    dest = DEST_PREFIX + param.name
    options: dict[str, Any] = {"metavar": param.name.upper()}
    if not positional:
        options.update(dest=dest, default=None, required=param.required)
    extra = ""
    if kind == "boolean" and not positional:
        options.pop("metavar")
        options["action"] = argparse.BooleanOptionalAction
    elif kind == "array":
        items = effective(schema.get("items", {}))
        item_kind = effective_type(items)
        options["nargs"] = "+"
        options["type"] = _SCALAR_TYPES.get(item_kind, _json_text if item_kind == "object" else str)
        if "enum" in items:
            options["choices"] = list(items["enum"])
            extra = "Several of: " + ", ".join(str(c) for c in items["enum"])
        elif item_kind == "string":
            extra = "Several values, space- or comma-separated"
    elif kind == "object" or kind is None:
        options["type"] = _json_text
        extra = "JSON, or @FILE to read it from a file"
    else:
        options["type"] = _SCALAR_TYPES.get(kind, str)
        if "enum" in schema:
            options["choices"] = list(schema["enum"])
            extra = "One of: " + ", ".join(str(c) for c in schema["enum"])
        elif schema.get("format") == "date-time":
            extra = "ISO 8601, e.g. 2026-01-01T00:00:00Z"
    options["help"] = _help(param, extra)
    if positional:
        parser.add_argument(dest, **options)
    else:
        parser.add_argument(option_name(param.name), **options)


def add_arguments(parser: argparse.ArgumentParser, command: Command) -> None:
    """The command's positionals (in its order), then an option for every other parameter."""
    by_name = {param.name: param for param in command.tool.params}
    for name in command.positionals:
        if name not in FROM_ENVIRONMENT:
            _add(parser, by_name[name], positional=True)
    for param in command.tool.params:
        if param.name not in command.positionals and param.name not in FROM_ENVIRONMENT:
            _add(parser, param, positional=False)


def arguments_of(command: Command, namespace: argparse.Namespace) -> dict[str, Any]:
    """The tool arguments the user gave (an option left out is left out: its default applies)."""
    arguments: dict[str, Any] = {}
    for param in command.tool.params:
        if param.name in FROM_ENVIRONMENT:
            value = os.environ.get(FROM_ENVIRONMENT[param.name]) or None
        else:
            value = getattr(namespace, DEST_PREFIX + param.name, None)
        if value is None:
            continue
        if isinstance(value, list):
            value = _split_commas(value, effective(param.schema))
        arguments[param.name] = value
    return arguments


def _split_commas(values: list[Any], schema: Mapping[str, Any]) -> list[Any]:
    items = effective(schema.get("items", {}))
    if effective_type(items) != "string" or "enum" in items:
        return values
    split: list[Any] = []
    for value in values:
        split.extend(part for part in str(value).split(",") if part)
    return split
