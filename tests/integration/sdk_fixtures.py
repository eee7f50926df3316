"""Helpers for the SDK end-to-end tests (issue 6, part 3): both generated clients against
the live mock exchange on a real socket.

* :class:`Sdk` drives either client through one synchronous face, so each scenario is
  written once and runs against ``AgentExchangeClient`` *and*
  ``AsyncAgentExchangeClient`` (the async one on an event loop owned by the ``Sdk``).
  Every method called through it is recorded per client kind in :data:`EXERCISED`, so
  ``test_sdk_methods.py`` can fail when a public method of either client has no test.
* :func:`assert_model` checks a returned model against its own type hints: money and
  prices ``Decimal`` (never float), timestamps aware ``datetime``, nested models and
  lists of models recursively.
* :data:`STRATEGY_CONFIG` is a valid strategy definition (the docs' ``config={...}``).

Not a conftest: the integration conftest belongs to the HTTP tests; import from here.
"""

from __future__ import annotations

import asyncio
import dataclasses
import inspect
import types
import typing
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import httpx
import pytest

from agentexchange import AgentExchangeClient, AsyncAgentExchangeClient
from agentexchange.models import Registration

CLIENT_CLASSES: dict[str, type] = {
    "sync": AgentExchangeClient,
    "async": AsyncAgentExchangeClient,
}
KINDS = tuple(CLIENT_CLASSES)

# kind -> names of the client methods the tests called through an Sdk.
EXERCISED: dict[str, set[str]] = {kind: set() for kind in KINDS}

STRATEGY_CONFIG: dict[str, Any] = {
    "pairs": ["BTCUSDT"],
    "timeframe": "1h",
    "entry_conditions": {"rsi_below": 45},
    "exit_conditions": {"stop_loss_pct": 2, "take_profit_pct": 3, "max_hold_candles": 24},
    "position_size_pct": 10,
    "max_positions": 1,
}
STRATEGY_CONFIG_V2: dict[str, Any] = {
    **STRATEGY_CONFIG,
    "entry_conditions": {"rsi_below": 55},
    "exit_conditions": {"stop_loss_pct": 3, "take_profit_pct": 4},
}

FEE_RATE = Decimal("0.001")
Q8 = Decimal("0.00000001")


def public_methods(cls: type) -> set[str]:
    """The public methods of a client class (what a user can call)."""
    return {
        name
        for name, member in inspect.getmembers(cls)
        if not name.startswith("_") and inspect.isfunction(member)
    }


def unique_name(prefix: str = "sdk") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def q8(value: Decimal) -> Decimal:
    """Eight decimal places, half up: how the exchange rounds amounts, prices and fees."""
    return value.quantize(Q8, rounding=ROUND_HALF_UP)


# --------------------------------------------------------------------------- drivers


async def _collect(items: Any) -> list[Any]:
    return [item async for item in items]


class Driver:
    """One client seen synchronously; every call is recorded under the client kind."""

    def __init__(self, kind: str, client: Any, run: Callable[[Any], Any]) -> None:
        self.kind = kind
        self.client = client
        self._run = run

    def __getattr__(self, name: str) -> Callable[..., Any]:
        method = getattr(self.client, name)

        def call(*args: Any, **kwargs: Any) -> Any:
            EXERCISED[self.kind].add(name)
            result = method(*args, **kwargs)
            # A page iterator (iter_*) comes back as the list of what it yields.
            if inspect.isasyncgen(result):
                return self._run(_collect(result))
            if inspect.isgenerator(result):
                return list(result)
            return self._run(result) if self.kind == "async" else result

        return call

    def __repr__(self) -> str:
        return f"Driver({self.kind}, {self.client!r})"


class Sdk:
    """Makes clients of one kind against one server, and closes them afterwards."""

    def __init__(self, kind: str, base_url: str) -> None:
        self.kind = kind
        self.base_url = base_url
        self.loop = asyncio.new_event_loop() if kind == "async" else None
        self._drivers: list[Driver] = []
        self._http: list[Any] = []

    def run(self, awaitable: Any) -> Any:
        assert self.loop is not None
        return self.loop.run_until_complete(awaitable)

    def client(
        self,
        api_key: str | None = None,
        api_secret: str | None = None,
        *,
        on_response: Callable[[httpx.Response], None] | None = None,
        **kwargs: Any,
    ) -> Driver:
        """A client of this kind; ``on_response`` sees every HTTP response it gets."""
        if on_response is not None:
            kwargs["http_client"] = self._http_client(on_response)
        cls = CLIENT_CLASSES[self.kind]
        client = cls(api_key=api_key, api_secret=api_secret, base_url=self.base_url, **kwargs)
        driver = Driver(self.kind, client, self.run)
        self._drivers.append(driver)
        return driver

    def _http_client(self, hook: Callable[[httpx.Response], None]) -> Any:
        if self.kind == "sync":
            http: Any = httpx.Client(timeout=30.0, event_hooks={"response": [hook]})
        else:

            async def async_hook(response: httpx.Response) -> None:
                hook(response)

            http = httpx.AsyncClient(timeout=30.0, event_hooks={"response": [async_hook]})
        self._http.append(http)
        return http

    def register(self, starting_balance: str | None = None) -> tuple[Registration, Driver]:
        """A freshly registered account (own wallet) and a client with its key and secret."""
        anonymous = self.client()
        registration = anonymous.register(
            display_name=unique_name(), starting_balance=starting_balance
        )
        assert isinstance(registration, Registration)
        return registration, self.client(registration.api_key, registration.api_secret)

    def close(self) -> None:
        for driver in self._drivers:
            driver.close()
        for http in self._http:
            if isinstance(http, httpx.Client):
                http.close()
            else:
                self.run(http.aclose())
        if self.loop is not None:
            self.loop.close()


def sdk_fixture(request: pytest.FixtureRequest, base_url: str) -> Iterator[Sdk]:
    """Body of a ``params=KINDS`` fixture: an Sdk of ``request.param``, closed after."""
    sdk = Sdk(request.param, base_url)
    try:
        yield sdk
    finally:
        sdk.close()


# --------------------------------------------------------------------------- type checks


def assert_model(obj: Any, path: str = "") -> None:
    """``obj`` (a models.py dataclass) holds values of its annotated types, recursively.

    Decimal fields must be Decimal (a float or a str fails), datetime fields aware.
    """
    assert dataclasses.is_dataclass(obj) and not isinstance(obj, type), f"{path}: {obj!r}"
    cls = type(obj)
    hints = typing.get_type_hints(cls)
    name = path or cls.__name__
    for field in dataclasses.fields(obj):
        _assert_value(getattr(obj, field.name), hints[field.name], f"{name}.{field.name}")


def _assert_value(value: Any, hint: Any, where: str) -> None:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = typing.get_args(hint)
        if value is None:
            assert type(None) in options, f"{where} is None, annotated {hint}"
            return
        non_none = [o for o in options if o is not type(None)]
        assert len(non_none) == 1, f"{where}: unexpected union {hint}"
        _assert_value(value, non_none[0], where)
        return
    if hint is Any:
        return
    if origin is typing.Literal:  # a field the document limits to its enum
        assert value in typing.get_args(hint), f"{where} = {value!r} is not one of {hint}"
        return
    if origin is list:
        assert isinstance(value, list), f"{where} = {value!r} is not a list"
        (item,) = typing.get_args(hint) or (Any,)
        for index, element in enumerate(value):
            _assert_value(element, item, f"{where}[{index}]")
        return
    if origin is dict:
        assert isinstance(value, dict), f"{where} = {value!r} is not a dict"
        key_hint, value_hint = typing.get_args(hint) or (Any, Any)
        for key, element in value.items():
            _assert_value(key, key_hint, f"{where} key {key!r}")
            _assert_value(element, value_hint, f"{where}[{key!r}]")
        return
    if hint is Decimal:
        assert type(value) is Decimal, f"{where} = {value!r} is not a Decimal"
        assert value.is_finite(), f"{where} = {value!r}"
        return
    if hint is datetime:
        assert isinstance(value, datetime), f"{where} = {value!r} is not a datetime"
        assert value.tzinfo is not None and value.utcoffset() is not None, f"{where} is naive"
        return
    if hint is int:
        assert type(value) is int, f"{where} = {value!r} is not an int"
        return
    if hint is bool:
        assert type(value) is bool, f"{where} = {value!r} is not a bool"
        return
    if hint is str:
        assert type(value) is str, f"{where} = {value!r} is not a str"
        return
    if dataclasses.is_dataclass(hint):
        assert isinstance(value, hint), f"{where} = {value!r} is not a {hint.__name__}"
        assert_model(value, where)
        return
    raise AssertionError(f"{where}: no check for annotation {hint!r}")


def assert_models(items: Any, cls: type, *, min_len: int = 0) -> None:
    """A list of ``cls`` models, each well typed."""
    assert isinstance(items, list), f"{items!r} is not a list"
    assert len(items) >= min_len, f"expected at least {min_len} {cls.__name__}, got {len(items)}"
    for index, item in enumerate(items):
        assert isinstance(item, cls), f"[{index}] {item!r} is not a {cls.__name__}"
        assert_model(item, f"{cls.__name__}[{index}]")
