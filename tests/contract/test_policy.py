"""The contract run's configuration: all checks, all phases, reasoned per-operation allowances."""

from __future__ import annotations

import tomllib

import schemathesis
import schemathesis.specs.openapi.checks  # registers the OpenAPI checks
from schemathesis.checks import CHECKS as REGISTERED_CHECKS
from schemathesis.config import SchemathesisConfig
from schemathesis.config._checks import CheckConfig

from agentexchange._specfiles import spec_path
from agentexchange.contract import policy
from agentexchange.contract.summary import spec_operations


def _parsed_config() -> SchemathesisConfig:
    data = tomllib.loads(policy.render_config())
    # Loading the hooks here would register them in the test process; the runner's run loads them.
    assert data.pop("hooks") == "agentexchange.contract.hooks"
    return SchemathesisConfig.from_dict(data)


def test_every_check_of_the_pinned_schemathesis_is_enabled() -> None:
    # A schemathesis upgrade that adds a check fails here until policy.CHECKS names it.
    assert set(policy.CHECKS) == set(REGISTERED_CHECKS.get_all_names())


def test_all_four_phases_run() -> None:
    assert policy.PHASES == ("examples", "coverage", "fuzzing", "stateful")


def test_allowances_name_real_operations_and_checks_and_give_a_reason() -> None:
    operations = spec_operations(spec_path("openapi.yaml"))
    for allowance in policy.ALLOWANCES:
        assert allowance.check in policy.CHECKS
        assert set(allowance.operations) <= set(operations), allowance.operations
        assert len(allowance.reason.split()) >= 8, f"no real reason for {allowance.operations}"


def test_an_allowance_widens_the_default_statuses_and_never_replaces_them() -> None:
    for allowance in policy.ALLOWANCES:
        expected = allowance.expected_statuses()
        assert set(policy.DEFAULT_EXPECTED_STATUSES[allowance.check]) <= set(expected)
        assert set(allowance.statuses) <= set(expected)


def _accepted(path: str, method: str, check: str) -> list[str]:
    schema = schemathesis.openapi.from_path(spec_path("openapi.yaml"), config=_parsed_config())
    operation = schema[path][method]
    config = schema.config.operations.get_for_operation(operation).checks.get_by_name(name=check)
    assert isinstance(config, CheckConfig)
    return list(config.expected_statuses)


def test_generated_config_widens_only_the_named_operation() -> None:
    assert "400" in _accepted("/api/v1/trade/order", "POST", "positive_data_acceptance")
    # An operation without an allowance keeps schemathesis's defaults.
    assert _accepted("/api/v1/account/balance", "GET", "positive_data_acceptance") == list(
        policy.DEFAULT_EXPECTED_STATUSES["positive_data_acceptance"]
    )


def test_generated_config_turns_no_check_or_operation_off() -> None:
    text = policy.render_config()
    assert "enabled = false" not in text
    assert "exclude-" not in text
