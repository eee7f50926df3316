"""Credentials for a contract run: an account of its own, and the header each operation wants.

docs/architecture.md "Contract tests": ``make contract`` must work against any server with
no keys given, so the run registers an account and logs in through the document's own
``register`` and ``login`` operations (``x-sdk-auth``), then sends the API key or the JWT
as each operation's ``security`` asks (first alternative it can satisfy — the same rule
the SDK transport follows). Pure httpx and plain dicts: ``hooks`` wires this into
schemathesis, and the tests exercise it without schemathesis.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Self

import httpx

from .._document import Document
from .._retry import parse_retry_after

# The runner hands these to the schemathesis subprocess; secrets never go on its command line.
ENV_BASE_URL = "AGENTEXCHANGE_CONTRACT_BASE_URL"
ENV_API_KEY = "AGENTEXCHANGE_CONTRACT_API_KEY"
ENV_API_SECRET = "AGENTEXCHANGE_CONTRACT_API_SECRET"
# The registered account's default agent, so X-Agent-Id can name an agent the run owns.
ENV_AGENT_ID = "AGENTEXCHANGE_CONTRACT_AGENT_ID"
# A second account, so object_level_authorization can ask for another account's objects.
ENV_PEER_API_KEY = "AGENTEXCHANGE_CONTRACT_PEER_API_KEY"
ENV_PEER_API_SECRET = "AGENTEXCHANGE_CONTRACT_PEER_API_SECRET"
ENV_PEER_AGENT_ID = "AGENTEXCHANGE_CONTRACT_PEER_AGENT_ID"

# The identities of the run's two accounts, as schemathesis records them on each case.
OWNER_IDENTITY, PEER_IDENTITY = "owner", "peer"

REGISTER_OPERATION = "register"
# A large balance keeps "insufficient balance" rare, so orders mostly exercise the happy path.
REGISTER_BODY = {"display_name": "contract-run", "starting_balance": "1000000.00"}
# The real platform allows 3 registrations and 5 logins a minute; wait out a 429 a few times,
# but not a server that asks for more than a minute: that one is closed for this run.
MAX_RATE_LIMIT_WAITS = 4
MAX_RETRY_AFTER_SECONDS = 60.0

SecurityRequirements = Sequence[Mapping[str, Sequence[str]]]


class CredentialError(RuntimeError):
    """Registering or logging in failed; the run cannot authenticate."""


@dataclass(frozen=True, slots=True)
class Credentials:
    api_key: str | None
    token: str | None

    def __repr__(self) -> str:  # never print a secret into a report
        return f"Credentials(api_key={'set' if self.api_key else None}, token={'set' if self.token else None})"

    def header_for(
        self, security: SecurityRequirements, schemes: Mapping[str, Mapping[str, Any]]
    ) -> tuple[str, str] | None:
        """The one header satisfying the first alternative we hold credentials for.

        ``security: []`` (public) or nothing we can satisfy gives ``None``.
        """
        for requirement in security:
            if len(requirement) != 1:  # this API never combines schemes in one alternative
                continue
            (name,) = requirement
            header = self._header_for_scheme(schemes.get(name, {}))
            if header is not None:
                return header
        return None

    def _header_for_scheme(self, scheme: Mapping[str, Any]) -> tuple[str, str] | None:
        kind = scheme.get("type")
        if kind == "apiKey" and scheme.get("in") == "header" and self.api_key:
            return str(scheme["name"]), self.api_key
        if kind == "http" and str(scheme.get("scheme", "")).lower() == "bearer" and self.token:
            return "Authorization", f"Bearer {self.token}"
        return None


def operation_path(raw_schema: Mapping[str, Any], operation_id: str) -> tuple[str, str]:
    """(method, path) of an operation of the document, by its operationId."""
    try:
        op = Document(raw_schema).operation(operation_id)
    except KeyError:
        raise KeyError(f"openapi.yaml has no operation {operation_id!r}") from None
    return op.method, op.path


def call_operation(
    client: httpx.Client,
    base_url: str,
    raw_schema: Mapping[str, Any],
    operation_id: str,
    headers: Mapping[str, str],
    path_parameters: Mapping[str, str],
    *,
    json: Any = None,
) -> Mapping[str, Any] | None:
    """Call an operation of the document by its operationId, for the hooks' preparations.

    The JSON object answer on 2xx (``{}`` for an empty one, a 204); ``None`` on any other
    status or a 2xx that is not an object. Transport errors and undecodable bodies raise
    (``httpx.HTTPError``, ``ValueError``): each caller turns them into "leave the case as
    generated".
    """
    method, path = operation_path(raw_schema, operation_id)
    for name, value in path_parameters.items():
        path = path.replace("{" + name + "}", value)
    response = client.request(method, base_url + path, headers=dict(headers), json=json)
    if not response.is_success:
        return None
    if not response.content:
        return {}
    data = response.json()
    return data if isinstance(data, dict) else None


class CredentialSource:
    """Registers an account once (unless a key was given) and logs in on every ``fetch``."""

    def __init__(
        self,
        base_url: str,
        raw_schema: Mapping[str, Any],
        *,
        api_key: str | None = None,
        api_secret: str | None = None,
        agent_id: str | None = None,
        timeout: float = 30.0,
        client: httpx.Client | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._owns_client = client is None
        self._client = client or httpx.Client(timeout=timeout)
        self._schema = raw_schema
        self._api_key = api_key
        self._api_secret = api_secret
        self._agent_id = agent_id

    def close(self) -> None:
        """Close the connection pool, unless the caller supplied ``client``."""
        if self._owns_client:
            self._client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def api_key(self) -> str | None:
        return self._api_key

    @property
    def api_secret(self) -> str | None:
        return self._api_secret

    @property
    def agent_id(self) -> str | None:
        """The default agent of the account the run registered (unknown for given keys)."""
        return self._agent_id

    def fetch(self) -> Credentials:
        """Current credentials; a fresh JWT each call (schemathesis caches and refreshes)."""
        if self._api_key is None:
            self._register()
        token = self._login() if self._api_secret else None
        return Credentials(api_key=self._api_key, token=token)

    def probe(self) -> None:
        """Fail fast when nothing answers HTTP at the base URL (any status will do)."""
        try:
            self._client.get(self.base_url + "/")
        except httpx.HTTPError as exc:
            raise CredentialError(f"no HTTP server at {self.base_url}: {exc}") from exc

    def _register(self) -> None:
        body = self._call(REGISTER_OPERATION, REGISTER_BODY)
        self._api_key, self._api_secret = _field(body, "api_key"), _field(body, "api_secret")
        agent_id = body.get("agent_id")
        self._agent_id = agent_id if isinstance(agent_id, str) else None

    def _login(self) -> str:
        login = self._schema.get("x-sdk-auth", {}).get("login", "login")
        body = self._call(login, {"api_key": self._api_key, "api_secret": self._api_secret})
        return _field(body, "token")

    def _call(self, operation_id: str, payload: Mapping[str, Any]) -> Mapping[str, Any]:
        method, path = operation_path(self._schema, operation_id)
        url = self.base_url + path
        for _ in range(MAX_RATE_LIMIT_WAITS + 1):
            try:
                response = self._client.request(method, url, json=dict(payload))
            except httpx.HTTPError as exc:
                raise CredentialError(f"{method} {url} failed: {exc}") from exc
            if response.status_code != 429:
                break
            delay = _retry_after(response)
            if delay > MAX_RETRY_AFTER_SECONDS:
                break
            time.sleep(delay)
        if not response.is_success:
            raise CredentialError(
                f"{method} {url} answered {response.status_code}: {response.text[:300]}"
            )
        try:
            data = response.json()
        except ValueError as exc:
            raise CredentialError(
                f"{method} {url} answered non-JSON: {response.text[:300]}"
            ) from exc
        if not isinstance(data, dict):
            raise CredentialError(f"{method} {url} answered {type(data).__name__}, not an object")
        return data


def _field(body: Mapping[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value:
        raise CredentialError(f"the response has no string {name!r}")
    return value


def _retry_after(response: httpx.Response) -> float:
    # The SDK's own reading of the header (seconds or an HTTP date); none given: a second.
    seconds = parse_retry_after(response.headers)
    return 1.0 if seconds is None else max(seconds, 0.0)
