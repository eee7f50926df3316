"""The generated clients' signatures against the documented table of test_sdk_surface.py."""

from __future__ import annotations

import inspect
from typing import Any

import pytest
from test_sdk_surface import DOCUMENTED, REQUIRED, RETURNS

from agentexchange import models
from agentexchange.async_client import AsyncAgentExchangeClient
from agentexchange.client import AgentExchangeClient


def _documented_view(cls: type, name: str) -> list[Any]:
    out: list[Any] = []
    star = False
    for p in list(inspect.signature(getattr(cls, name)).parameters.values())[1:]:
        if p.kind is inspect.Parameter.KEYWORD_ONLY and not star:
            out.append("*")
            star = True
        out.append((p.name, REQUIRED if p.default is inspect.Parameter.empty else p.default))
    return out


@pytest.mark.parametrize("cls", [AgentExchangeClient, AsyncAgentExchangeClient])
@pytest.mark.parametrize("name", sorted(DOCUMENTED))
def test_generated_signature_matches_docs(cls: type, name: str) -> None:
    expected = DOCUMENTED[name]
    got = _documented_view(cls, name)
    assert got[: len(expected)] == expected
    assert all(e == "*" or e[1] is not REQUIRED for e in got[len(expected) :])


@pytest.mark.parametrize("name", sorted(RETURNS))
def test_generated_return_annotation(name: str) -> None:
    kind, model = RETURNS[name]
    annotation = inspect.signature(getattr(AgentExchangeClient, name)).return_annotation
    expected = {
        "model": model,
        "list": f"list[{model}]",
        "map_list": f"list[{model}]",
        "map_values": f"list[{model}]",
        "none": "None",
        "text": "str",
    }[kind]
    assert annotation == expected
    if model and model not in {"str", "int", "bool"}:
        assert hasattr(models, model)


def test_constructor() -> None:
    params = inspect.signature(AgentExchangeClient.__init__).parameters
    assert [(p.name, p.default) for p in list(params.values())[1:5]] == [
        ("api_key", None),
        ("api_secret", None),
        ("base_url", None),
        ("timeout", 30.0),
    ]
    assert {n: params[n].kind for n in ("agent_id", "max_retries", "http_client")} == dict.fromkeys(
        ("agent_id", "max_retries", "http_client"), inspect.Parameter.KEYWORD_ONLY
    )
    assert params["max_retries"].default == 2


def test_decimal_params_typed() -> None:
    sig = inspect.signature(AgentExchangeClient.place_stop_loss)
    assert sig.parameters["trigger_price"].annotation == "Decimal | str | int"


def test_statistics_params_accept_floats() -> None:
    # compute_deflated_sharpe's returns are statistics, not money: floats are accepted too.
    sig = inspect.signature(AgentExchangeClient.compute_deflated_sharpe)
    assert sig.parameters["returns"].annotation == "Sequence[Decimal | float | str | int]"
    assert sig.parameters["annualization_factor"].annotation == "int"
