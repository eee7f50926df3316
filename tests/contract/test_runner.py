"""How the runner invokes schemathesis: all checks and phases, reproducible, no secrets in argv."""

from __future__ import annotations

import argparse
import io
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from agentexchange.cli import build_parser, main
from agentexchange.contract import policy, runner
from agentexchange.contract.credentials import ENV_API_KEY, ENV_API_SECRET, ENV_BASE_URL
from agentexchange.contract.summary import ReportFiles


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


def _fake_schemathesis(tmp_path: Path, exit_code: int) -> list[str]:
    """A stand-in for the schemathesis CLI: writes clean reports, then exits with ``exit_code``."""
    from tests.contract.test_summary import CLEAN_JUNIT, _write

    staged = _write(tmp_path / "staged", junit=CLEAN_JUNIT, checks=list(policy.CHECKS))
    out = ReportFiles.in_dir(tmp_path / "reports")
    script = "\n".join(
        [
            "import shutil, sys",
            "print('Schemathesis v4.32.5')",
            "print('⚠️  `object_level_authorization` will not run: list at least 2 users')",
            *(
                f"shutil.copy({str(src)!r}, {str(dst)!r})"
                for src, dst in zip(
                    (staged.junit, staged.ndjson, staged.json),
                    (out.junit, out.ndjson, out.json),
                    strict=True,
                )
            ),
            f"sys.exit({exit_code})",
        ]
    )
    return [sys.executable, "-c", script]


@pytest.mark.parametrize("schemathesis_exit", [0, 1, 2])
def test_schemathesis_s_own_exit_status_decides_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, schemathesis_exit: int
) -> None:
    (tmp_path / "staged").mkdir()
    options = _options(
        report_dir=tmp_path / "reports",
        operation_ids=("get_price", "get_pairs"),
        peer_api_key="ak_peer",
        peer_api_secret="sk_peer",
    )
    monkeypatch.setattr(runner, "preflight", lambda o: o)
    monkeypatch.setattr(
        runner, "build_command", lambda o: _fake_schemathesis(tmp_path, schemathesis_exit)
    )
    echo = io.StringIO()
    result = runner.run(options, echo=echo)
    # The reports alone are clean: only schemathesis's exit status can fail this run.
    assert result.summary.ok, result.summary.render()
    assert result.schemathesis_exit_code == schemathesis_exit
    assert result.exit_code == (0 if schemathesis_exit == 0 else 1)
    console = echo.getvalue()
    assert "will not run" not in console
    assert "object_level_authorization runs with the second account" in console


def test_without_a_peer_object_level_authorization_is_skipped_unless_allowed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "staged").mkdir()
    monkeypatch.setattr(runner, "preflight", lambda o: replace(o, peer_problem="429 from register"))
    monkeypatch.setattr(runner, "build_command", lambda o: _fake_schemathesis(tmp_path, 0))
    options = _options(report_dir=tmp_path / "reports", operation_ids=("get_price", "get_pairs"))
    echo = io.StringIO()
    result = runner.run(options, echo=echo)
    assert result.exit_code == 1
    assert result.summary.skipped == {
        "object_level_authorization": "no second account (429 from register)"
    }
    assert "object_level_authorization is skipped: no second account" in echo.getvalue()
    assert "will not run" not in echo.getvalue()
    allowed = runner.run(replace(options, allow_skipped=("object_level_authorization",)), echo=None)
    assert allowed.exit_code == 0, allowed.summary.render()


def test_allow_skipped_is_repeatable_and_checked(tmp_path: Path) -> None:
    args = build_parser().parse_args(
        [
            "contract",
            "--base-url",
            "http://h:1",
            "--allow-skipped",
            "object_level_authorization",
            "--allow-skipped",
            "ignored_auth",
        ]
    )
    assert runner.options_from_args(args).allow_skipped == (
        "object_level_authorization",
        "ignored_auth",
    )
    assert (
        runner.options_from_args(
            build_parser().parse_args(["contract", "--base-url", "x"])
        ).allow_skipped
        == ()
    )
    code = main(
        [
            "contract",
            "--base-url",
            "http://127.0.0.1:9",
            "--allow-skipped",
            "no_such_check",
            "--report-dir",
            str(tmp_path),
        ]
    )
    assert code == 2
