"""Generated docstrings (issue 19, "Docstrings generated from the spec").

Every public method of both clients and of the session classes documents, Google style,
each parameter of its signature under Args (with the allowed values of an enum), what it
returns, and under Raises the exception classes of its operation's documented error
codes — real classes of ``agentexchange.exceptions``. The constructors document theirs.
"""

from __future__ import annotations

import builtins
import inspect
import pydoc
import re

import pytest

from agentexchange import AgentExchangeClient, AsyncAgentExchangeClient, exceptions, models
from agentexchange.async_client import AsyncBacktestSession
from agentexchange.client import BacktestSession

CLASSES = [AgentExchangeClient, AsyncAgentExchangeClient, BacktestSession, AsyncBacktestSession]
# Hand-written members of the generated classes (the lifecycle, the option helpers).
NOT_API = {"close", "with_options", "with_raw_response", "bars"}


def api_methods() -> list[tuple[type, str]]:
    return [
        (cls, name)
        for cls in CLASSES
        for name, member in vars(cls).items()
        if not name.startswith("_") and callable(member) and name not in NOT_API
    ]


def sections(doc: str) -> dict[str, list[str]]:
    """Google-style sections: name -> the names/classes its entries start with."""
    out: dict[str, list[str]] = {}
    current = None
    for text in doc.splitlines():
        header = re.fullmatch(r"(Args|Returns|Raises):", text)
        if header:
            current = header.group(1)
            out[current] = []
        elif current and re.match(r"    \S", text):
            out[current].append(text.strip().split(":")[0])
        elif current and text and not text.startswith("        "):
            current = None
    return out


def test_help_of_place_market_order_shows_args_returns_and_raises() -> None:
    text = pydoc.render_doc(AgentExchangeClient.place_market_order, renderer=pydoc.plaintext)
    assert 'side: "buy" | "sell".' in text
    assert "quantity: Decimal | str | int; a float is refused" in text
    assert "Returns:\n        Order: An order" in text
    assert "InsufficientBalanceError: INSUFFICIENT_BALANCE" in text
    assert "RiskLimitError: ORDER_REJECTED (reason daily_loss_limit" in text
    assert "idempotency_key:" in text


@pytest.mark.parametrize(("cls", "name"), api_methods(), ids=lambda v: getattr(v, "__name__", v))
def test_every_method_documents_its_args_returns_and_raises(cls: type, name: str) -> None:
    method = getattr(cls, name)
    doc = inspect.getdoc(method) or ""
    found = sections(doc)
    params = [p for p in inspect.signature(method).parameters if p != "self"]
    assert found.get("Args", []) == params
    returns = inspect.signature(method).return_annotation
    assert ("Returns" in found) == (returns not in ("None", None))
    if "no request is made" in doc:  # attaching to a session by id sends nothing
        assert "Raises" not in found
        return
    raises = found["Raises"]
    assert raises and raises[-1] == "APIConnectionError"
    for exc in raises:
        assert exc in exceptions.EXCEPTION_CLASSES or isinstance(
            getattr(builtins, exc, None), type
        ), exc


def test_enum_parameters_list_their_values() -> None:
    doc = inspect.getdoc(AgentExchangeClient.get_candles) or ""
    assert 'interval: "1m" | "5m" | "15m" | "1h" | "4h" | "1d".' in doc
    assert "limit: int. From 1 to 1000. Default: 100." in doc
    doc = inspect.getdoc(AgentExchangeClient.get_performance) or ""
    assert 'period: "1d" | "7d" | "30d" | "90d" | "all".' in doc


@pytest.mark.parametrize("cls", [AgentExchangeClient, AsyncAgentExchangeClient])
def test_constructors_document_every_parameter(cls: type) -> None:
    found = sections(inspect.getdoc(cls.__init__) or "")
    params = [p for p in inspect.signature(cls.__init__).parameters if p != "self"]
    assert found["Args"] == params
    assert {"agent_id", "max_retries", "http_client"} <= set(params)


def test_every_model_lists_its_fields_under_attributes() -> None:
    for name in models.__all__:
        cls = getattr(models, name)
        doc = inspect.getdoc(cls) or ""
        assert sections(doc.replace("Attributes:", "Args:"))["Args"] == list(cls.__slots__), name
    doc = inspect.getdoc(models.Order) or ""
    assert 'side: "buy" | "sell".' in doc and "quantity: Decimal or None." in doc


def test_a_model_the_document_says_nothing_of_is_named_with_its_article() -> None:
    # The fallback summary, where the x-sdk entry has no doc: "An Agent", never "A Agent".
    firsts = {
        name: (inspect.getdoc(getattr(models, name)) or "?").splitlines()[0]
        for name in models.__all__
    }
    fallbacks = {n: f for n, f in firsts.items() if f.endswith(" as the API returns it.")}
    assert fallbacks["Agent"] == "An Agent as the API returns it."
    for name, first in fallbacks.items():
        article = "An" if name[0] in "AEIOU" else "A"
        assert first == f"{article} {name} as the API returns it.", name
