"""Shared fixtures for the integration tests: the mock exchange on a real socket, driven by
plain httpx (not the SDK).

docs/architecture.md "Tests" and issue 4: the mock serves openapi.yaml exactly. These
tests talk to an in-process ``MockServer`` over loopback HTTP and hold it to the document:

* ``mock`` — one server per test module (``validate_responses=True``: a success body that
  violates the spec comes back as 500, so every call is also a response-schema check);
* ``api`` — an httpx client whose response hook records (operationId, status) for every
  call, so ``test_mock_http_coverage.py`` can fail when an operation of the spec has no
  happy path or no documented error exercised, or answered a status it does not document;
* ``account`` / ``new_account`` — a freshly registered account (own wallet, own default
  agent) per test, so tests never share balances.

Helpers (imported by the test modules): ``body`` (JSON with ``Decimal`` numbers),
``assert_error`` (the envelope, its code and the field / details), ``assert_money``
(decimal strings on the wire).
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest
import yaml

if TYPE_CHECKING:
    from agentexchange.mock.testing import MockServer

SPEC_FILE = Path(__file__).resolve().parents[2] / "openapi.yaml"
COVERAGE_TEST = "test_mock_http_coverage.py"
HTTP_METHODS = ("get", "post", "put", "patch", "delete")


# --------------------------------------------------------------------------- the spec


@dataclass(frozen=True, slots=True)
class SpecOperation:
    operation_id: str
    method: str
    template: str
    regex: re.Pattern[str]
    statuses: frozenset[int]


def _load_document() -> dict[str, Any]:
    """Read openapi.yaml directly (not through the mock), so a mock that drops an
    operation cannot hide it from the coverage check."""
    with open(SPEC_FILE, encoding="utf-8") as fh:
        document: dict[str, Any] = yaml.safe_load(fh)
    return document


DOCUMENT = _load_document()
ERROR_CODES: dict[str, int] = {
    code: int(entry["status"]) for code, entry in DOCUMENT["x-error-codes"].items()
}


def codes_with_status(status: int) -> set[str]:
    """Every code the x-error-codes table documents with this status."""
    return {code for code, documented in ERROR_CODES.items() if documented == status}


def _load_operations(document: dict[str, Any]) -> tuple[SpecOperation, ...]:
    operations = []
    for template, item in document["paths"].items():
        for method, op in item.items():
            if method not in HTTP_METHODS:
                continue
            pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template))
            operations.append(
                SpecOperation(
                    operation_id=op["operationId"],
                    method=method.upper(),
                    template=template,
                    regex=re.compile(f"^{pattern}$"),
                    statuses=frozenset(int(code) for code in op["responses"]),
                )
            )
    # Literal paths win over templates (/agents/overview before /agents/{agent_id}).
    operations.sort(key=lambda op: op.template.count("{"))
    return tuple(operations)


SPEC_OPERATIONS = _load_operations(DOCUMENT)


def operation_for(method: str, path: str) -> SpecOperation | None:
    for op in SPEC_OPERATIONS:
        if op.method == method and op.regex.match(path):
            return op
    return None


# --------------------------------------------------------------------------- recording


@dataclass
class Recorder:
    """Every (operationId, status) the tests saw; unknown routes under ``None``."""

    seen: dict[str, set[int]] = field(default_factory=dict)
    undocumented: list[str] = field(default_factory=list)
    modules: set[str] = field(default_factory=set)  # test modules that ran

    def record(self, response: httpx.Response) -> None:
        request = response.request
        op = operation_for(request.method, request.url.path)
        if op is None:
            return
        status = response.status_code
        self.seen.setdefault(op.operation_id, set()).add(status)
        if status not in op.statuses:
            self.undocumented.append(
                f"{request.method} {request.url.path} -> {status} "
                f"({op.operation_id} documents {sorted(op.statuses)})"
            )


_RECORDER = Recorder()


@pytest.fixture(scope="session")
def recorder() -> Recorder:
    return _RECORDER


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Run the coverage test last, and let it know which modules were selected."""
    ours = [item for item in items if Path(str(item.fspath)).parent == Path(__file__).parent]
    _RECORDER.modules = {Path(str(item.fspath)).name for item in ours}
    last = [item for item in items if Path(str(item.fspath)).name == COVERAGE_TEST]
    if last:
        items[:] = [item for item in items if item not in last] + last


# --------------------------------------------------------------------------- the server


class Api:
    """Plain httpx against the mock, with the auth headers the spec names."""

    def __init__(self, base_url: str, recorder: Recorder) -> None:
        self.base_url = base_url
        self.http = httpx.Client(
            base_url=base_url, timeout=30.0, event_hooks={"response": [recorder.record]}
        )

    def request(
        self,
        method: str,
        path: str,
        *,
        key: str | None = None,
        token: str | None = None,
        agent_id: str | None = None,
        headers: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        sent: dict[str, str] = {}
        if key is not None:
            sent["X-API-Key"] = key
        if token is not None:
            sent["Authorization"] = f"Bearer {token}"
        if agent_id is not None:
            sent["X-Agent-Id"] = agent_id
        sent.update(headers or {})
        return self.http.request(method, path, headers=sent, **kwargs)

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("PUT", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("DELETE", path, **kwargs)

    def close(self) -> None:
        self.http.close()


@dataclass(frozen=True, slots=True)
class Account:
    """A registered account and its default agent."""

    account_id: str
    api_key: str
    api_secret: str
    agent_id: str
    agent_key: str
    display_name: str
    starting_balance: Decimal


def register(api: Api, starting_balance: str | None = None, **extra: Any) -> Account:
    name = f"it-{uuid.uuid4().hex[:10]}"
    payload: dict[str, Any] = {"display_name": name, **extra}
    if starting_balance is not None:
        payload["starting_balance"] = starting_balance
    response = api.post("/api/v1/auth/register", json=payload)
    assert response.status_code == 201, response.text
    data = body(response)
    assert data["agent_id"] and data["agent_api_key"], "register creates a default agent"
    return Account(
        account_id=data["account_id"],
        api_key=data["api_key"],
        api_secret=data["api_secret"],
        agent_id=data["agent_id"],
        agent_key=data["agent_api_key"],
        display_name=data["display_name"],
        starting_balance=Decimal(data["starting_balance"]),
    )


@pytest.fixture(scope="module")
def mock() -> Iterator[MockServer]:
    from agentexchange.mock.testing import MockServer

    with MockServer(seed=42, pairs=600, rate_limits=False, tick_interval=None) as server:
        yield server


@pytest.fixture(scope="module")
def api(mock: MockServer, recorder: Recorder) -> Iterator[Api]:
    client = Api(mock.base_url, recorder)
    yield client
    client.close()


@pytest.fixture
def account(api: Api) -> Account:
    return register(api)


@pytest.fixture
def new_account(api: Api) -> Any:
    """A factory for more accounts in one test (isolation tests)."""

    def make(**kwargs: Any) -> Account:
        return register(api, **kwargs)

    return make


# --------------------------------------------------------------------------- helpers


def body(response: httpx.Response) -> Any:
    """The JSON body with every JSON number as ``Decimal`` (never float)."""
    return json.loads(response.content, parse_float=Decimal)


def assert_error(
    response: httpx.Response,
    status: int,
    code: str | set[str],
    *,
    field: str | None = None,
    details: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The response is the project's error envelope with this status and code."""
    assert response.status_code == status, (
        f"expected {status}, got {response.status_code}: {response.text}"
    )
    assert response.headers["content-type"].startswith("application/json"), response.headers
    data = body(response)
    assert set(data) == {"error"}, data
    error = data["error"]
    assert {"code", "message"} <= set(error) <= {"code", "message", "details"}, error
    assert isinstance(error["message"], str) and error["message"], error
    codes = {code} if isinstance(code, str) else code
    assert error["code"] in codes, error
    assert ERROR_CODES.get(error["code"]) == status, (
        f"{error['code']} is documented in x-error-codes with status "
        f"{ERROR_CODES.get(error['code'])}, answered with {status}"
    )
    got_details = error.get("details") or {}
    assert isinstance(got_details, dict), error
    if field is not None:
        assert got_details.get("field") == field, error
    for key, value in (details or {}).items():
        assert got_details.get(key) == value, f"details[{key!r}]: {error}"
    return dict(error)


def assert_money(obj: Mapping[str, Any], *names: str, nullable: bool = False) -> None:
    """Money, prices, quantities and fees travel as decimal strings."""
    for name in names:
        value = obj[name]
        if value is None and nullable:
            continue
        assert isinstance(value, str), f"{name} = {value!r} is not a string"
        Decimal(value)  # parses


def dec(value: Any) -> Decimal:
    assert isinstance(value, str), f"{value!r} is not a decimal string"
    return Decimal(value)


def random_id() -> str:
    return str(uuid.uuid4())
