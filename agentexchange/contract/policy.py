"""What the contract run checks, and the few statuses business rules may add — with reasons.

docs/architecture.md "Contract tests": in CI the suite runs with **all** checks and must
pass with zero failures. Some operations legitimately answer 4xx to input that is valid by
the schema alone (a pattern-valid symbol that names no listed pair, an order larger than
the free balance). Those statuses are allowed here, per check and per operation, each with
the reason a reviewer can judge; no check is ever switched off. ``render_config`` writes
the schemathesis.toml the runner hands to schemathesis (reasons as comments).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

# Every check schemathesis 4.32.5 has (`schemathesis run --help`, `--checks`), enabled.
CHECKS: tuple[str, ...] = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "positive_data_acceptance",
    "missing_required_header",
    "unsupported_method",
    "allow_header_conformance",
    "use_after_free",
    "ensure_resource_availability",
    "ignored_auth",
    "object_level_authorization",
)
PHASES: tuple[str, ...] = ("examples", "coverage", "fuzzing", "stateful")
STATEFUL_MAX_STEPS = 12
# The checks that send requests of their own (the rest judge the responses of test cases);
# the summary reports their probes, and one that sent none did not really run.
PROBING_CHECKS: tuple[str, ...] = ("ignored_auth", "object_level_authorization")

# What the reports mask (schemathesis's defaults also mask anything containing "key" or
# "session", e.g. Idempotency-Key and session_id, which a reader needs to reproduce a case).
# Exact names (case-insensitive): credentials this API sends or returns.
SECRET_KEYS: tuple[str, ...] = (
    "x-api-key",
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "api_key",
    "agent_api_key",
    "token",
    "access_token",
    "refresh_token",
)
# Substrings: any name containing one of these is masked too.
SECRET_MARKERS: tuple[str, ...] = ("secret", "password", "passwd")

# schemathesis 4.32.5's own default expected statuses (schemathesis/config/_checks.py);
# an allowance widens these, it never replaces them.
DEFAULT_EXPECTED_STATUSES: dict[str, tuple[str, ...]] = {
    "positive_data_acceptance": ("2xx", "3xx", "401", "403", "404", "409", "429", "5xx"),
    "negative_data_rejection": (
        "400",
        "401",
        "403",
        "404",
        "405",
        "406",
        "409",
        "415",
        "422",
        "428",
        "429",
        "5xx",
    ),
    "missing_required_header": ("400", "401", "403", "406", "415", "422"),
    "not_a_server_error": ("2xx", "3xx", "4xx"),
}


@dataclass(frozen=True, slots=True)
class Allowance:
    """``check`` also accepts ``statuses`` from ``operations``, because ``reason``."""

    check: str
    operations: tuple[str, ...]
    statuses: tuple[str, ...]
    reason: str

    def expected_statuses(self) -> list[str]:
        base = DEFAULT_EXPECTED_STATUSES[self.check]
        return [*base, *(s for s in self.statuses if s not in base)]


_SYMBOL_ROUTES = (
    "get_price",
    "get_ticker",
    "get_candles",
    "get_recent_trades",
    "get_orderbook",
    "get_indicators",
    "backtest_get_price",
    "backtest_get_ticker",
    "backtest_get_candles",
)

ALLOWANCES: tuple[Allowance, ...] = (
    Allowance(
        check="positive_data_acceptance",
        operations=_SYMBOL_ROUTES,
        statuses=("400",),
        reason=(
            "A symbol matching ^[A-Z0-9]{2,20}$ may name no listed pair: the document "
            "answers 400 INVALID_SYMBOL (x-error-codes), as the real platform does (on "
            "/market/indicators it answers 503, which the document corrects)."
        ),
    ),
    Allowance(
        check="positive_data_acceptance",
        operations=("place_order",),
        statuses=("400",),
        reason=(
            "Schema-valid orders still meet business rules: 400 INSUFFICIENT_BALANCE, "
            "INVALID_QUANTITY (below min_qty/min_notional), INVALID_ORDER_TYPE (price given "
            "or missing for the type), INVALID_SYMBOL, ORDER_REJECTED and RISK_LIMIT_EXCEEDED."
        ),
    ),
    Allowance(
        check="positive_data_acceptance",
        operations=("backtest_place_order",),
        statuses=("400",),
        reason=(
            "Orders inside a backtest session meet the live business rules (400 "
            "INSUFFICIENT_BALANCE, INVALID_QUANTITY, INVALID_ORDER_TYPE, INVALID_SYMBOL for a "
            "pair outside the session, ORDER_REJECTED)."
        ),
    ),
    Allowance(
        check="positive_data_acceptance",
        operations=("create_backtest",),
        statuses=("400", "422"),
        reason=(
            "A schema-valid session may ask for history the exchange does not have (400 "
            "BACKTEST_NO_DATA), name an unlisted pair (400 INVALID_SYMBOL), or break a "
            "cross-field rule JSON Schema cannot state: end_time after start_time, at most "
            "366 days, start_time on a whole candle_interval, starting_balance within its "
            "range (422 VALIDATION_ERROR, in the operation's description)."
        ),
    ),
    Allowance(
        check="positive_data_acceptance",
        operations=("create_battle", "update_battle", "replay_battle"),
        statuses=("400", "422"),
        reason=(
            "A battle's config and a historical battle's backtest_config are free-form on the "
            "platform; their members meet the backtest engine's rules (400 BACKTEST_NO_DATA, "
            "INVALID_SYMBOL; 422 VALIDATION_ERROR naming config.<member> or backtest_config."
            "<member> for a duration, balance, interval or span out of range)."
        ),
    ),
    Allowance(
        check="positive_data_acceptance",
        operations=("battle_place_order",),
        statuses=("400", "422"),
        reason=(
            "Orders in a historical battle meet the backtest engine's business rules (400 "
            "INVALID_QUANTITY, INVALID_SYMBOL for a pair outside the battle, ...), and a "
            "limit, stop or take-profit order needs a price (422, a cross-field rule)."
        ),
    ),
    Allowance(
        check="positive_data_acceptance",
        operations=("register", "create_agent", "reset_agent", "reset_account"),
        statuses=("422",),
        reason=(
            "A starting balance is a decimal string, and a string schema cannot state that "
            'its value must be > 0 and <= 1E+12: "0" is schema-valid and answered 422 '
            "VALIDATION_ERROR."
        ),
    ),
    Allowance(
        check="positive_data_acceptance",
        operations=("cancel_order", "backtest_cancel_order"),
        statuses=("400",),
        reason=(
            "Cancelling an order that is no longer pending (a market order fills at once) "
            "is 400 ORDER_NOT_CANCELLABLE; the stateful phase does exactly that."
        ),
    ),
    Allowance(
        check="positive_data_acceptance",
        operations=("run_test",),
        statuses=("400", "422"),
        reason=(
            "A schema-valid backtest can ask for more work than one test may do "
            "(400 TEST_LIMIT_EXCEEDED, in the operation's description), and date_range.end "
            "must follow date_range.start, a cross-field rule JSON Schema cannot state "
            "(422 VALIDATION_ERROR)."
        ),
    ),
    Allowance(
        check="positive_data_acceptance",
        operations=("create_webhook", "update_webhook"),
        statuses=("422",),
        reason=(
            "A subscriber URL must be https with a hostname that is not an IP address and "
            "resolves to public addresses only (422 as on the real platform): a rule about "
            "what a name resolves to, which JSON Schema cannot state; the pattern admits http "
            "for the mock's local-subscribers mode. An account holds at most 25 "
            "subscriptions (422 beyond, as on the platform)."
        ),
    ),
    Allowance(
        check="positive_data_acceptance",
        operations=("update_strategy",),
        statuses=("422",),
        reason=(
            "A body whose members are all null changes nothing: 422 'No fields to update.' "
            "as on the real platform (the schema asks for at least one member, not for one "
            "that is not null)."
        ),
    ),
)


def _toml_list(values: Sequence[str]) -> str:
    return "[" + ", ".join(json.dumps(v) for v in values) + "]"


def render_config(*, hooks_module: str = "agentexchange.contract.hooks") -> str:
    """schemathesis.toml for the run; CLI options (url, seed, workers …) come on top."""
    lines = [
        "# Generated by `agentexchange contract` (agentexchange/contract/policy.py). Do not edit;",
        "# change policy.py, where every allowance carries its reason.",
        f"hooks = {json.dumps(hooks_module)}",
        "",
        "[auth]",
        "# hooks.py registers an account and logs in by itself (schemathesis's guess cannot:",
        "# login takes the key and secret that register *returns*).",
        "auto-signup = false",
        "",
        "[generation]",
        "# No example database: a run depends on --seed alone, not on earlier runs.",
        'database = "none"',
        "# Credentials come from hooks.py; generated junk keys and tokens would test nothing",
        "# ignored_auth does not, and would count as guesses against a server's failed-auth limit.",
        "with-security-parameters = false",
        "",
        "[phases.stateful]",
        "# Long enough for a flow: create -> start -> step -> order -> results is five calls,",
        "# and a scenario wanders before and between them (schemathesis's default is 6).",
        f"max-steps = {STATEFUL_MAX_STEPS}",
        "",
        "# Only the document's own links: links schemathesis infers from names make every",
        "# POST under /x/{id} a starting point of its own, and the scenarios then spend their",
        "# steps on ids nothing created (404) instead of following a flow to its end.",
        "[phases.stateful.inference]",
        "algorithms = []",
        "",
        "[output.sanitization]",
        "# Only real secrets (API keys and secrets, JWTs, passwords) are masked in curl lines;",
        "# ids such as session_id and Idempotency-Key stay readable.",
        f"keys-to-sanitize = {_toml_list(SECRET_KEYS)}",
        f"sensitive-markers = {_toml_list(SECRET_MARKERS)}",
    ]
    # No `warnings.fail-on`: schemathesis's `missing_auth` heuristic fires on the public
    # login (wrong keys are 401 by design) and on X-Agent-Id naming foreign agents (403).
    # The runner's preflight proves register/login work instead, and the summary lists
    # every warning and every operation that never answered 2xx.
    for allowance in ALLOWANCES:
        lines += ["", *(f"# {line}" for line in _wrap(allowance.reason)), "[[operations]]"]
        lines.append(f"include-operation-id = {_toml_list(allowance.operations)}")
        lines.append(
            f"checks.{allowance.check}.expected-statuses = "
            f"{_toml_list(allowance.expected_statuses())}"
        )
    return "\n".join(lines) + "\n"


def _wrap(text: str, width: int = 90) -> list[str]:
    out: list[str] = []
    line = ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            out.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return [*out, line] if line else out
