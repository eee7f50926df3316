"""How the runner invokes schemathesis: all checks and phases, reproducible, no secrets in argv."""

from __future__ import annotations

import argparse
from pathlib import Path

from agentexchange.cli import main
from agentexchange.contract import policy, runner
from agentexchange.contract.credentials import ENV_API_KEY, ENV_API_SECRET, ENV_BASE_URL


def _options(**kwargs: object) -> runner.ContractOptions:
    defaults: dict[str, object] = {"base_url": "http://127.0.0.1:9/", "report_dir": Path("/tmp/r")}
    return runner.ContractOptions(**{**defaults, **kwargs})  # type: ignore[arg-type]


def _value(command: list[str], option: str) -> str:
    return command[command.index(option) + 1]


def test_every_check_and_phase_is_requested() -> None:
    command = runner.build_command(_options())
    assert _value(command, "--checks").split(",") == list(policy.CHECKS)
    assert _value(command, "--phases") == "examples,coverage,fuzzing,stateful"


def test_seed_budget_workers_and_rate_limit_are_passed_through() -> None:
    command = runner.build_command(_options(seed=7, max_examples=33, workers=2, rate_limit="100/m"))
    assert _value(command, "--seed") == "7"
    assert _value(command, "--max-examples") == "33"
    assert _value(command, "--workers") == "2"
    assert _value(command, "--rate-limit") == "100/m"
    assert _value(command, "--url") == "http://127.0.0.1:9"
    assert "--rate-limit" not in runner.build_command(_options())


def test_reports_land_in_the_report_dir_with_the_generated_config() -> None:
    command = runner.build_command(_options(report_dir=Path("out")))
    assert _value(command, "--config-file") == str(Path("out") / runner.CONFIG_NAME)
    assert "junit" in _value(command, "--report").split(",")
    assert _value(command, "--report-junit-path") == str(Path("out") / "junit.xml")


def test_secrets_travel_in_the_environment_never_in_argv() -> None:
    options = _options(api_key="ak_secret_1", api_secret="sk_secret_2")
    assert not any("secret" in part for part in runner.build_command(options))
    env = runner._environment(options)
    assert env[ENV_API_KEY] == "ak_secret_1" and env[ENV_API_SECRET] == "sk_secret_2"
    assert env[ENV_BASE_URL] == "http://127.0.0.1:9"


def test_cli_arguments_map_onto_options() -> None:
    args = argparse.Namespace(
        base_url="http://h:1",
        api_key=None,
        api_secret=None,
        max_examples=5,
        workers=3,
        rate_limit=None,
        seed=9,
        report_dir="rep",
    )
    options = runner.options_from_args(args)
    assert (options.max_examples, options.workers, options.seed, options.report_dir) == (
        5,
        3,
        9,
        Path("rep"),
    )


def test_an_unreachable_server_exits_non_zero_with_a_summary(
    tmp_path: Path, capsys: object
) -> None:
    # Port 9 (discard) is closed on loopback: schemathesis cannot test anything.
    code = main(
        [
            "contract",
            "--base-url",
            "http://127.0.0.1:9",
            "--max-examples",
            "1",
            "--report-dir",
            str(tmp_path),
        ]
    )
    assert code != 0
    assert (
        (tmp_path / runner.SUMMARY_NAME)
        .read_text(encoding="utf-8")
        .startswith("Contract run: FAILED")
    )
