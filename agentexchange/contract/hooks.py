"""schemathesis hooks for openapi.yaml: the ``decimal`` format and the API's auth.

docs/architecture.md "Contract tests": the ``decimal`` format strategy and the
per-operation auth live in this one hooks module. The runner names this module in the
generated schemathesis.toml (``hooks = "agentexchange.contract.hooks"``), so it is
imported inside the schemathesis process, where the runner's settings arrive as
environment variables (``credentials.ENV_*``). Importing it registers its hooks globally
(the format; a ``before_call`` that freshens stateful headers and body agent ids, keeps the
run's own agents from being archived or deleted, gives half the ``cancel_order`` cases a
pending order, half the backtest-session cases a running session of the run's own and
half the battle cases a battle of the run's own in the state they need, and the
stateful battle flows two participants before start and an ended battle to delete; an
``after_call`` that remembers the sessions generated creates open; and
``after_load_schema`` installing the auth), which is why nothing else in the package
imports it.
"""

from __future__ import annotations

import json
import os
import threading
import uuid
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import schemathesis
from schemathesis.auths import CachingAuthProvider
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation.meta import TestPhase
from schemathesis.wfc.escalation import EscalatingAuthProvider

from .battles import BATTLE_ID, DELETE_BATTLE, START_BATTLE, RunBattles
from .credentials import (
    ENV_AGENT_ID,
    ENV_API_KEY,
    ENV_API_SECRET,
    ENV_BASE_URL,
    ENV_PEER_AGENT_ID,
    ENV_PEER_API_KEY,
    ENV_PEER_API_SECRET,
    OWNER_IDENTITY,
    PEER_IDENTITY,
    Credentials,
    CredentialSource,
)
from .pending import PendingOrders
from .sessions import CREATE_OPERATION as CREATE_SESSION
from .sessions import GENERATED_SPAN, SESSION_ID, RunSessions
from .sessions import START_OPERATION as START_SESSION
from .strategies import decimal_strings

if TYPE_CHECKING:
    from schemathesis import AuthContext, Case

# JWTs last an hour; log in again well before that on long runs.
TOKEN_REFRESH_SECONDS = 1800
IDEMPOTENCY_HEADER = "Idempotency-Key"
AGENT_HEADER = "X-Agent-Id"
CANCEL_OPERATION = "cancel_order"
COMPARE_SESSIONS = "compare_backtests"
COMPARED = "sessions"  # compare_backtests' query parameter: comma-separated session ids
# Operations that end an agent's life: never aimed at the run's own agents (see protect_agents).
RETIRING_OPERATIONS = frozenset({"archive_agent", "delete_agent"})
ORDER_ID = "order_id"
AGENT_ID = "agent_id"

schemathesis.openapi.format("decimal", decimal_strings())


def operation_security(operation: Any) -> list[dict[str, list[str]]]:
    """The operation's ``security`` (or the document's default)."""
    raw = operation.schema.raw_schema
    security = operation.definition.raw.get("security", raw.get("security", []))
    return list(security)


OWNER, PEER = OWNER_IDENTITY, PEER_IDENTITY


@dataclass(frozen=True, slots=True)
class Account:
    """Where one identity's credentials come from (environment variable names)."""

    key_env: str
    secret_env: str
    agent_env: str | None = None


ACCOUNTS = {
    OWNER: Account(ENV_API_KEY, ENV_API_SECRET, ENV_AGENT_ID),
    PEER: Account(ENV_PEER_API_KEY, ENV_PEER_API_SECRET, ENV_PEER_AGENT_ID),
}
_SOURCES: dict[str, CredentialSource] = {}


def _source(name: str, operation: Any) -> CredentialSource:
    source = _SOURCES.get(name)
    if source is None:
        account = ACCOUNTS[name]
        source = _SOURCES[name] = CredentialSource(
            os.environ.get(ENV_BASE_URL) or str(operation.base_url or ""),
            operation.schema.raw_schema,
            api_key=os.environ.get(account.key_env) or None,
            api_secret=os.environ.get(account.secret_env) or None,
            agent_id=(os.environ.get(account.agent_env) or None) if account.agent_env else None,
        )
    return source


def account_agent_id(name: str) -> str | None:
    """The default agent of one of the run's accounts (from the runner or our registration)."""
    source = _SOURCES.get(name)
    if source is not None and source.agent_id:
        return source.agent_id
    agent_env = ACCOUNTS[name].agent_env
    return (os.environ.get(agent_env) or None) if agent_env else None


def own_agent_id() -> str | None:
    """The default agent of the run's account (set by the runner or by our registration)."""
    return account_agent_id(OWNER)


def has_optional_agent_header(operation: Any) -> bool:
    """Whether the operation declares ``X-Agent-Id`` as an optional header parameter."""
    return any(
        parameter.name.lower() == AGENT_HEADER.lower() and not parameter.is_required
        for parameter in operation.headers
    )


def add_own_agent(
    headers: Any, *, credential_header: str, agent_id: str | None, optional: bool
) -> None:
    """Name the account's own agent when an account-key case leaves ``X-Agent-Id`` out.

    The header is optional, but the real platform answers 500 to an account-key order
    with no agent, so without this no contract run there would ever place an order (and
    no order response would be checked). Only when the operation declares the header as
    optional, the case authenticates with ``X-API-Key`` and the header is absent: a
    generated value (own or foreign, see ``freshen_headers``) is left alone.
    """
    if not (agent_id and optional and credential_header.lower() == "x-api-key"):
        return
    if any(name.lower() == AGENT_HEADER.lower() for name in headers):
        return
    headers[AGENT_HEADER] = agent_id


def freshen_headers(headers: Any, *, agent_id: str | None, every: bool = False) -> None:
    """Make schema-valid headers meaningful for a stateful server.

    - ``Idempotency-Key``: generated keys repeat across cases, and a key reused for a
      different order is rightly refused (422), so every positive case gets a fresh one.
    - ``X-Agent-Id``: a random UUID is never an agent of ours (403 every time), which
      would leave the happy path of every trading operation untested. Half the ids
      (by their first hex digit, so it follows the seed) become our own agent; the
      other half keep exercising the foreign-agent refusal. With ``every`` (the stateful
      phase, whose point is the flow along the links, not the refusal the other phases
      check) every generated id becomes our own agent.
    """
    if IDEMPOTENCY_HEADER in headers:
        headers[IDEMPOTENCY_HEADER] = uuid.uuid4().hex
    if every and agent_id and isinstance(headers.get(AGENT_HEADER), str):
        headers[AGENT_HEADER] = agent_id
    _own_for_half(headers, AGENT_HEADER, agent_id)


def freshen_body(body: Any, *, agent_id: str | None) -> None:
    """Half the generated body ``agent_id``s (``create_backtest``) become the run's own agent.

    The same reason and the same rule as ``X-Agent-Id`` in ``freshen_headers``: a random
    UUID names no agent of ours (403), so no session would ever be created and the
    session flow after it would go untested.
    """
    if isinstance(body, dict):
        _own_for_half(body, AGENT_ID, agent_id)


def _own_for_half(members: Any, name: str, agent_id: str | None) -> None:
    generated = members.get(name)
    if agent_id and isinstance(generated, str) and generated[:1] in "01234567":
        members[name] = agent_id


_PENDING: dict[str, PendingOrders] = {}
_PREPARED: set[str] = set()  # order ids we placed: a replayed case is not prepared again
_PREPARED_LOCK = threading.Lock()


def _pending_orders(operation: Any) -> PendingOrders:
    with _PREPARED_LOCK:
        pending = _PENDING.get(OWNER)
        if pending is None:
            base_url = os.environ.get(ENV_BASE_URL) or str(operation.base_url or "")
            pending = _PENDING[OWNER] = PendingOrders(base_url, operation.schema.raw_schema)
        return pending


def takes_pending_order(generated: str) -> bool:
    """Half the generated order ids (by a stable hash, so it follows the seed)."""
    return zlib.crc32(generated.encode()) % 2 == 0


def _header(headers: Any, name: str) -> str | None:
    return next((value for key, value in headers.items() if key.lower() == name.lower()), None)


def prepare_cancel(case: Case[Any]) -> None:
    """Point half the positive ``cancel_order`` cases at a pending order of the run's own.

    Generated order ids are unknown (404) and market orders fill at once (400), so no
    cancel would ever succeed and its 200 response would go unchecked. For half the
    generated ids, a limit buy far below the market is placed (``pending``) with the run's
    own account key and the case's agent, and its id replaces the generated one: the
    cancel is a real 2xx. Left as generated: the other half (404/400 keep being checked),
    negative and stateful cases (their ids come from the generator's intent or from links),
    cases without the owner's credentials or for a foreign agent (refused anyway), and
    every case whose order cannot be placed — preparing never fails the run.
    """
    operation = case.operation
    if operation.definition.raw.get("operationId") != CANCEL_OPERATION:
        return
    if not _is_generated_positive(case):
        return
    generated = (case.path_parameters or {}).get(ORDER_ID)
    if not isinstance(generated, str) or not takes_pending_order(generated):
        return
    headers = _owner_headers(case)
    if headers is None:
        return
    with _PREPARED_LOCK:
        if generated in _PREPARED:
            return
    try:
        order_id = _pending_orders(operation).place(headers)
    except Exception:  # a preparatory order must never fail the run
        return
    if order_id is None:
        return
    with _PREPARED_LOCK:
        _PREPARED.add(order_id)
    case.path_parameters = {**(case.path_parameters or {}), ORDER_ID: order_id}


def protect_agents(case: Case[Any]) -> None:
    """Keep the run's own agents alive: archiving or deleting one is aimed at no agent instead.

    schemathesis reuses ids it has seen in responses (``GET /agents`` lists the run's
    default agent), so ``archive_agent`` would sooner or later archive the agent every
    other case acts as, and every operation tested after it (the backtest sessions, the
    stateful flows) would only ever meet 403 "Agent is archived". Such a case gets a fresh
    random id instead and still checks the 404 path; agents the run created itself (via
    ``create_agent`` and its links) are archived and deleted as generated.
    """
    if case.operation.definition.raw.get("operationId") not in RETIRING_OPERATIONS:
        return
    target = (case.path_parameters or {}).get(AGENT_ID)
    protected = {account_agent_id(OWNER), account_agent_id(PEER)} - {None}
    if isinstance(target, str) and target in protected:
        case.path_parameters = {**(case.path_parameters or {}), AGENT_ID: str(uuid.uuid4())}


def _owner_headers(case: Case[Any]) -> dict[str, str] | None:
    """The run's own account key (and the case's agent, if it names ours) — if the case uses them.

    ``None`` for cases without the owner's credentials, authenticated otherwise (a JWT, a
    generated key), or acting for a foreign agent: those are refused anyway and stay as
    generated.
    """
    if case.auth_identity not in (None, OWNER) or not case.headers:
        return None
    source = _SOURCES.get(OWNER)
    agent = _header(case.headers, AGENT_HEADER)
    if source is None or not source.api_key or (agent is not None and agent != own_agent_id()):
        return None
    operation = case.operation
    schemes = operation.schema.raw_schema.get("components", {}).get("securitySchemes", {})
    used = Credentials(api_key=source.api_key, token=None)
    credential = used.header_for(operation_security(operation), schemes)
    if credential is None or _header(case.headers, credential[0]) != credential[1]:
        return None  # the case does not authenticate with the run's account key
    headers = {credential[0]: credential[1]}
    if agent is not None:
        headers[AGENT_HEADER] = agent
    return headers


_SESSIONS: dict[str, RunSessions] = {}


def _run_sessions(operation: Any) -> RunSessions:
    with _PREPARED_LOCK:
        sessions = _SESSIONS.get(OWNER)
        if sessions is None:
            base_url = os.environ.get(ENV_BASE_URL) or str(operation.base_url or "")
            sessions = _SESSIONS[OWNER] = RunSessions(base_url, operation.schema.raw_schema)
        return sessions


def _is_generated_positive(case: Case[Any]) -> bool:
    meta = case.meta
    return meta is None or not (
        meta.phase.name == TestPhase.STATEFUL
        or any(component.mode.is_negative for component in meta.components.values())
    )


def freshen_session(case: Case[Any], sessions: RunSessions) -> None:
    """Give half the positive ``create_backtest`` bodies a window of history the server has.

    Generated dates are almost never a servable range (start on a whole candle interval,
    end after start, within the history, at most 366 days), so nearly every create would
    be refused and the stateful phase would never start, step or read a session. Half
    the positive bodies (by a stable hash of the generated start, so it follows the seed)
    get ``sessions.window`` — two hours of one listed pair — and keep their other members
    (``strategy_label``, ``agent_id`` after ``freshen_body``); the rest stay as generated.
    """
    body = case.body
    if not isinstance(body, dict) or not _is_positive(case):
        return
    if not takes_pending_order(str(body.get("start_time"))):
        return
    window = sessions.window(GENERATED_SPAN)
    if window is not None:
        body.update(window)
        body.pop("fee_rate", None)  # a generated fee may be out of its range


def _is_positive(case: Case[Any]) -> bool:
    meta = case.meta
    return meta is None or not any(
        component.mode.is_negative for component in meta.components.values()
    )


def prepare_session(case: Case[Any]) -> None:
    """Point half the positive session cases at a running session of the run's own.

    The same rule as ``prepare_cancel``: half the generated ``session_id``s (by a stable
    hash) of positive, non-stateful cases that use the owner's account key are replaced by
    the run's own running session (``sessions.RunSessions.running``; a ``fresh`` one not
    yet started for ``start_backtest``; the running one twice for ``compare_backtests``),
    so every session operation answers 2xx and its response is checked; the other half
    keep checking the 404s. Before every ``create_backtest`` the oldest
    sessions the run opened are cancelled (``make_room``).
    """
    operation = case.operation
    if operation.definition.raw.get("operationId") == CREATE_SESSION:
        sessions = _run_sessions(operation)
        sessions.make_room()
        freshen_session(case, sessions)
        return
    operation_id = operation.definition.raw.get("operationId")
    if operation_id == COMPARE_SESSIONS:
        generated = (case.query or {}).get(COMPARED)
    else:
        generated = (case.path_parameters or {}).get(SESSION_ID)
    if not isinstance(generated, str) or not takes_pending_order(generated):
        return
    if not _is_generated_positive(case):
        return
    headers = _owner_headers(case)
    if headers is None:
        return
    sessions = _run_sessions(operation)
    if operation_id == START_SESSION:
        session_id = sessions.fresh(headers)
    else:
        session_id = sessions.running(headers)
    if session_id is None:
        return
    if operation_id == COMPARE_SESSIONS:
        case.query = {**(case.query or {}), COMPARED: f"{session_id},{session_id}"}
    else:
        case.path_parameters = {**(case.path_parameters or {}), SESSION_ID: session_id}


_BATTLES: dict[str, RunBattles] = {}


def _run_battles(operation: Any) -> RunBattles:
    sessions = _run_sessions(operation)
    with _PREPARED_LOCK:
        battles = _BATTLES.get(OWNER)
        if battles is None:
            base_url = os.environ.get(ENV_BASE_URL) or str(operation.base_url or "")
            battles = _BATTLES[OWNER] = RunBattles(
                base_url, operation.schema.raw_schema, lambda: sessions.window(GENERATED_SPAN)
            )
        return battles


def prepare_battle(case: Case[Any]) -> None:
    """Point half the positive battle cases at a battle of the run's own in the right state.

    The rule of ``prepare_session``: half the generated ``battle_id``s (by a stable hash) of
    positive, non-stateful cases that use the owner's account key get a battle made for the
    operation (``battles.RunBattles.prepare``: a draft to start, an active battle to pause or
    stop, a completed one for results and replays, an active historical one to step and
    trade in); a path or body ``agent_id`` becomes the run's own participant, a historical
    order's symbol a pair the battle trades. The other half keep checking the 404s.
    """
    meta = case.meta
    if (
        meta is not None
        and meta.phase.name == TestPhase.STATEFUL
        and isinstance(case.body, dict)
        and isinstance(case.body.get(AGENT_ID), str)
        and own_agent_id()
        and _is_positive(case)
    ):
        # The stateful phase's point is the flow along the links (create -> participants ->
        # start ...), as for X-Agent-Id in ``freshen_headers``: every generated participant
        # becomes the run's own agent (a random one is 404, which reads as "the battle the
        # link came from is gone").
        case.body[AGENT_ID] = own_agent_id()
        return
    operation_id = case.operation.definition.raw.get("operationId")
    if (
        meta is not None
        and meta.phase.name == TestPhase.STATEFUL
        and operation_id in (START_BATTLE, DELETE_BATTLE)
        and _is_positive(case)
    ):
        battle_id = (case.path_parameters or {}).get(BATTLE_ID)
        headers = _owner_headers(case)
        own = own_agent_id()
        if isinstance(battle_id, str) and headers is not None and own is not None:
            battles = _run_battles(case.operation)
            if operation_id == START_BATTLE:
                # A battle starts with two participants; a draft reached along the links
                # from create has at most the run's own agent. Enter it and the run's
                # rival, so the flow goes on to live, stop, results and replays (issue 15:
                # create -> participants -> start -> stop -> results).
                battles.ready_to_start(battle_id, headers, own)
            else:
                # DELETE of an active battle cancels it and keeps it (the document says so,
                # as the platform does), which use_after_free cannot know: it would call the
                # GET that follows a use of a deleted battle. Ended first, the battle is
                # really deleted, and use_after_free checks that it is gone.
                battles.end_if_active(battle_id, headers)
        return
    generated = (case.path_parameters or {}).get(BATTLE_ID)
    if not isinstance(generated, str) or not takes_pending_order(generated):
        return
    if not _is_generated_positive(case):
        return
    headers = _owner_headers(case)
    own = own_agent_id()
    if headers is None or own is None:
        return
    operation = case.operation
    prepared = _run_battles(operation).prepare(str(operation_id), headers, own)
    if prepared is None:
        return
    path = {**(case.path_parameters or {}), BATTLE_ID: prepared.battle_id}
    if AGENT_ID in path:
        path[AGENT_ID] = prepared.agent_id
    case.path_parameters = path
    if isinstance(case.body, dict) and AGENT_ID in case.body:
        case.body[AGENT_ID] = prepared.agent_id
        if prepared.symbol is not None and "symbol" in case.body:
            case.body["symbol"] = prepared.symbol


@schemathesis.hook
def before_call(context: Any, case: Case[Any], kwargs: dict[str, Any]) -> None:
    # Negative header cases must reach the server exactly as generated.
    if case.headers and not (
        case.meta is not None and case.meta.is_negative_at(ParameterLocation.HEADER)
    ):
        stateful = case.meta is not None and case.meta.phase.name == TestPhase.STATEFUL
        freshen_headers(case.headers, agent_id=own_agent_id(), every=stateful)
    if not (case.meta is not None and case.meta.is_negative_at(ParameterLocation.BODY)):
        freshen_body(case.body, agent_id=own_agent_id())
    protect_agents(case)
    prepare_cancel(case)
    prepare_session(case)
    prepare_battle(case)


@schemathesis.hook
def after_call(context: Any, case: Case[Any], response: Any) -> None:
    # Remember the sessions generated creates open (any phase), for ``make_room``.
    if case.operation.definition.raw.get("operationId") != CREATE_SESSION:
        return
    if response.status_code != 200 or not case.headers:
        return
    try:
        session_id = json.loads(response.content or b"null").get(SESSION_ID)
    except (ValueError, AttributeError):
        return
    if isinstance(session_id, str):
        credentials = {
            name: value
            for name, value in case.headers.items()
            if name.lower() in ("x-api-key", "authorization", AGENT_HEADER.lower())
        }
        _run_sessions(case.operation).record(session_id, credentials)


class AccountAuth:
    """One account: registered/logged in lazily; per operation the header its ``security`` asks for."""

    def __init__(self, name: str) -> None:
        self.name = name

    def get(self, case: Case[Any], context: AuthContext) -> Credentials:
        # One Credentials for every operation (cached by schemathesis); ``set`` picks
        # the header per operation, and public operations get none.
        return _source(self.name, context.operation).fetch()

    def set(self, case: Case[Any], data: Credentials, context: AuthContext) -> None:
        operation = context.operation
        schemes = operation.schema.raw_schema.get("components", {}).get("securitySchemes", {})
        header = data.header_for(operation_security(operation), schemes)
        if header is None:
            return
        name, value = header
        if case.headers is None:
            case.headers = {}
        case.headers[name] = value
        add_own_agent(
            case.headers,
            credential_header=name,
            agent_id=account_agent_id(self.name),
            optional=has_optional_agent_header(operation),
        )


def auth_provider(*, with_peer: bool) -> Any:
    """The owner's auth; with a peer account, wrapped so ``object_level_authorization`` works.

    The check replays the owner's successful reads as the peer and expects a refusal.
    It finds its identities in an ``EscalatingAuthProvider`` (what ``[auth.wfc]`` builds
    from a file); building it here keeps per-operation API-key/JWT selection, which a
    WFC user (one fixed header) cannot express. ``pinned`` keeps every request on the
    owner: the peer is only used for the check's probes.
    """
    owner: CachingAuthProvider[Credentials] = CachingAuthProvider(
        AccountAuth(OWNER), refresh_interval=TOKEN_REFRESH_SECONDS
    )
    if not with_peer:
        return owner
    peer: CachingAuthProvider[Credentials] = CachingAuthProvider(
        AccountAuth(PEER), refresh_interval=TOKEN_REFRESH_SECONDS
    )
    return EscalatingAuthProvider([owner, peer], [OWNER, PEER], peers=(OWNER, PEER), pinned=OWNER)


@schemathesis.hook
def after_load_schema(context: Any, schema: Any) -> None:
    schema.auth.providers.append(auth_provider(with_peer=bool(os.environ.get(ENV_PEER_API_KEY))))
