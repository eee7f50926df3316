"""Runtime conversions the generated clients and models call (hand-written).

Outbound (`*_param`): turn a user's argument into its wire form — decimals as strings
(a float is refused: it has already lost the exact value), datetimes as ISO-8601 with
their own offset (a naive one is taken as UTC, sent as ``Z``); statistics the wire types
as JSON numbers (`number_list_param`) accept floats too.
Inbound (`parse_*`, `opt_*`): turn wire values into Decimal / aware datetime / plain
types. Hot paths (one price, 600 prices) do not come through here for required string
decimals: the generated code calls `Decimal(...)` directly.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar
from urllib.parse import quote

from .exceptions import AgentExchangeError

T = TypeVar("T")
M = TypeVar("M")

__all__ = [
    "bool_param",
    "csv_param",
    "datetime_param",
    "decimal_param",
    "first_present",
    "get_opt",
    "get_path",
    "invalid_response",
    "list_param",
    "must",
    "number_list_param",
    "number_param",
    "opt_bool",
    "opt_datetime",
    "opt_decimal",
    "opt_dict",
    "opt_int",
    "opt_list",
    "opt_map",
    "opt_model",
    "opt_str",
    "or_default",
    "parse_bool",
    "parse_datetime",
    "parse_decimal",
    "parse_dict",
    "parse_int",
    "parse_map",
    "parse_str",
    "path_param",
    "present_or_sum",
    "slot_setters",
    "spread_param",
    "sum_present",
]


# ------------------------------------------------------------------------ outbound


def decimal_param(value: Decimal | str | int, name: str) -> str:
    """A decimal argument as the wire's decimal string; floats and bools are refused."""
    # bool is an int subclass and float loses the exact value: both are caller bugs.
    if isinstance(value, bool) or isinstance(value, float):
        raise TypeError(
            f"{name} must be a str or Decimal (e.g. '0.01' or Decimal('0.01')), not "
            f"{type(value).__name__}: a float cannot hold the exact amount"
        )
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{name} must be a finite number, got {value}")
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        try:
            parsed = Decimal(value.strip())
        except InvalidOperation:
            raise ValueError(f"{name} must be a decimal number, got {value!r}") from None
        if not parsed.is_finite():
            raise ValueError(f"{name} must be a finite number, got {value!r}")
        return value.strip()
    raise TypeError(f"{name} must be a str or Decimal, not {type(value).__name__}")


def number_param(value: Decimal | str | int, name: str) -> int | float:
    """A decimal argument for a wire member the document types as a JSON number.

    Metrics such as ``sharpe_ratio`` are numbers on the wire; the value is sent as an int
    when integral, else as the float whose shortest repr is exactly the decimal given —
    a value a float cannot carry exactly is refused rather than silently rounded.
    """
    exact = Decimal(decimal_param(value, name))
    if exact == exact.to_integral_value():
        return int(exact)
    approx = float(exact)
    if Decimal(repr(approx)) != exact:
        raise ValueError(
            f"{name}: {exact} has more digits than a JSON number carries exactly; round it"
        )
    return approx


def number_list_param(
    values: Iterable[Decimal | float | str | int], name: str
) -> list[int | float]:
    """A sequence of statistics (e.g. returns) for a wire array the document types as numbers.

    These are not money: a float is accepted, and taken as the decimal its shortest repr
    shows (0.1 means 0.1). Every item goes through ``Decimal`` and is sent as the JSON number
    of exactly that value, as ``number_param`` does: an int when integral, else the float
    whose repr is that decimal, so the JSON text carries the caller's digits. An item a JSON
    float cannot carry exactly (more than 17 significant digits, beyond the float range,
    NaN or infinite) is refused rather than rounded; a bool or a lone string is refused.
    """
    if isinstance(values, str | bytes | Mapping):
        raise TypeError(f"{name} must be a sequence of numbers, not {type(values).__name__}")
    out: list[int | float] = []
    for index, value in enumerate(values):
        where = f"{name}[{index}]"
        if isinstance(value, float):
            value = Decimal(repr(value))  # nan / inf become non-finite Decimals: refused below
        exact = Decimal(decimal_param(value, where))
        if abs(exact) > _FLOAT_MAX:
            raise ValueError(f"{where}: {exact} is beyond the range of a JSON number")
        out.append(number_param(exact, where))
    return out


_FLOAT_MAX = Decimal(repr(sys.float_info.max))


def datetime_param(value: datetime | str, name: str) -> str:
    """A datetime argument as ISO-8601; a naive datetime is taken as UTC."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, str):
        parse_datetime(value)  # refuse garbage before it reaches the server
        return value
    raise TypeError(f"{name} must be a datetime or an ISO-8601 str, not {type(value).__name__}")


def bool_param(value: bool) -> str:
    """A boolean query value."""
    return "true" if value else "false"


def path_param(value: object) -> str:
    """One path segment, fully percent-encoded."""
    return quote(str(value), safe="")


def csv_param(values: Iterable[object], name: str) -> str:
    """A list sent as one comma-separated query value."""
    if isinstance(values, str | bytes):
        raise TypeError(f"{name} must be a list, not a single {type(values).__name__}")
    return ",".join(str(v) for v in values)


def spread_param(values: Sequence[T], count: int, name: str) -> Sequence[T]:
    """A sequence argument spread over `count` wire targets (exactly that many items)."""
    if isinstance(values, str | bytes) or len(values) != count:
        raise ValueError(f"{name} must be a sequence of exactly {count} items, got {values!r}")
    return values


# ------------------------------------------------------------------------- inbound


def parse_decimal(value: Any) -> Decimal:
    """A wire number or decimal string as Decimal (a JSON float via its shortest repr)."""
    if isinstance(value, Decimal):  # the transport decodes JSON numbers as Decimal
        return value
    if isinstance(value, str):
        try:
            return Decimal(value)
        except InvalidOperation:  # its own text is "[<class 'decimal.ConversionSyntax'>]"
            raise ValueError(f"expected a decimal, got {value[:40]!r}") from None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"expected a decimal, got {type(value).__name__}")
    # str() of a float is its shortest round-tripping repr: 0.1 -> '0.1', not 0.1000000000000000055...
    return Decimal(str(value))


def parse_datetime(value: Any) -> datetime:
    """An ISO-8601 timestamp as an aware datetime (Z and offsets accepted; naive = UTC)."""
    if not isinstance(value, str):
        raise TypeError(f"expected an ISO-8601 timestamp, got {type(value).__name__}")
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def parse_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"expected an integer, got {type(value).__name__}")
    return value


def parse_str(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)  # e.g. a numeric trade id
    raise TypeError(f"expected a string, got {type(value).__name__}")


def parse_bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"expected a boolean, got {type(value).__name__}")
    return value


def parse_dict(value: Any) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise TypeError(f"expected an object, got {type(value).__name__}")
    return dict(value)


def parse_map(value: Any, item: Callable[[Any], T]) -> dict[str, T]:
    """A JSON object used as a map (name -> value), each value read by `item`, order kept."""
    if not isinstance(value, Mapping):
        raise TypeError(f"expected an object, got {type(value).__name__}")
    return {parse_str(k): item(v) for k, v in value.items()}


def opt_decimal(value: Any) -> Decimal | None:
    return None if value is None else parse_decimal(value)


def opt_datetime(value: Any) -> datetime | None:
    return None if value is None else parse_datetime(value)


def opt_int(value: Any) -> int | None:
    return None if value is None else parse_int(value)


def opt_str(value: Any) -> str | None:
    return None if value is None else parse_str(value)


def opt_bool(value: Any) -> bool | None:
    return None if value is None else parse_bool(value)


def opt_dict(value: Any) -> dict[str, Any] | None:
    return None if value is None else parse_dict(value)


def opt_list(value: Any, item: Callable[[Any], T]) -> list[T] | None:
    return None if value is None else [item(v) for v in value]


def opt_map(value: Any, item: Callable[[Any], T]) -> dict[str, T] | None:
    return None if value is None else parse_map(value, item)


def opt_model(parse: Callable[[Mapping[str, Any]], M], value: Any) -> M | None:
    return None if value is None else parse(value)


def or_default(value: T | None, default: T) -> T:
    """`default` when the wire value was absent or null."""
    return default if value is None else value


def get_path(data: Any, path: str) -> Any:
    """A nested member `a.b.c` (KeyError / TypeError when missing: the caller reports it)."""
    for part in path.split("."):
        data = data[part]
    return data


def get_opt(data: Any, path: str) -> Any:
    """A nested member `a.b.c`, or None when any step is absent or null."""
    for part in path.split("."):
        if not isinstance(data, Mapping):
            return None
        data = data.get(part)
    return data


def first_present(data: Mapping[str, Any], *paths: str) -> Any:
    """The first of several candidate members that is present and not null."""
    for path in paths:
        value = get_opt(data, path)
        if value is not None:
            return value
    return None


def sum_present(data: Mapping[str, Any], *paths: str) -> Decimal | None:
    """The sum of several decimal members, or None when one is absent or null (a field a
    server leaves out but whose parts it sends: a sandbox balance's total)."""
    total = Decimal(0)
    for path in paths:
        value = get_opt(data, path)
        if value is None:
            return None
        total += parse_decimal(value)
    return total


def present_or_sum(data: Mapping[str, Any], paths: tuple[str, ...], parts: tuple[str, ...]) -> Any:
    """The first of ``paths`` present and not null, else the sum of ``parts`` (or None)."""
    value = first_present(data, *paths)
    return sum_present(data, *parts) if value is None else value


def must(value: T | None, name: str) -> T:
    """A required member read through alternatives: KeyError naming it when none was there."""
    if value is None:
        raise KeyError(name)
    return value


def invalid_response(method: str, exc: Exception) -> AgentExchangeError:
    """The error raised when a response body does not have the documented shape."""
    what = f"missing member {exc}" if isinstance(exc, KeyError) else str(exc) or type(exc).__name__
    return AgentExchangeError(
        f"{method}: the response does not have the documented shape ({what})",
        code="INVALID_RESPONSE",
    )


def list_param(values: Iterable[T], name: str) -> list[T]:
    """A list argument sent in a JSON body (a lone string is refused, not split)."""
    if isinstance(values, str | bytes):
        raise TypeError(f"{name} must be a list, not a single {type(values).__name__}")
    return list(values)


def slot_setters(cls: type, *names: str) -> tuple[Callable[[Any, Any], None], ...]:
    """The slot descriptors' ``__set__`` for ``names`` of a frozen, slotted dataclass.

    The builders generated before the fused ones (re-created by ``generator/oldpath.py``
    as the reference ``tests/unit/test_fused_builders.py`` and ``bench/sdk_bench.py``
    compare against) set fields through these; today's generated builders fill an
    unfrozen twin of the slots and switch its class instead (``templates/models.py.jinja``).
    """
    setters = []
    for name in names:
        descriptor = cls.__dict__[name]
        setters.append(descriptor.__set__)
    return tuple(setters)
