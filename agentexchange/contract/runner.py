"""``agentexchange contract``: run the pinned schemathesis CLI against a server.

docs/architecture.md "Contract tests": ``make contract BASE_URL=…`` checks any server
against the packaged openapi.yaml with every check and every phase (examples, coverage,
fuzzing, stateful over the document's ``links``). The CLI is driven in a subprocess, so
users get exactly schemathesis's own console output and reports; the runner adds the
generated config (``policy``), the hooks (``hooks``: decimal format, auth), a readable
summary (``summary``) and an exit status that is 0 only when schemathesis itself exited 0,
nothing failed and every check ran (or was allowed to be skipped with ``--allow-skipped``).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TextIO

from .._specfiles import spec_path
from . import policy
from .credentials import (
    ENV_AGENT_ID,
    ENV_API_KEY,
    ENV_API_SECRET,
    ENV_BASE_URL,
    ENV_PEER_AGENT_ID,
    ENV_PEER_API_KEY,
    ENV_PEER_API_SECRET,
    CredentialError,
    CredentialSource,
)
from .summary import (
    ReportFiles,
    RunSummary,
    console_notes,
    load_spec,
    spec_operations,
    summarize,
)

CONFIG_NAME = "schemathesis.toml"
LOG_NAME = "schemathesis.log"
SUMMARY_NAME = "summary.txt"
OLA = "object_level_authorization"
# schemathesis 4.32.5 lints its config at start-up and prints this for our run, because it
# looks for peers only under [auth.wfc]; ours come from the hooks (hooks.auth_provider).
_OLA_LINT = "`object_level_authorization` will not run"


@dataclass(frozen=True, slots=True)
class ContractOptions:
    base_url: str
    api_key: str | None = None
    api_secret: str | None = None
    max_examples: int = 20
    workers: int = 1
    rate_limit: str | None = None
    seed: int = 42
    report_dir: Path = Path("reports/contract")
    # Filled in by the preflight registration; lets X-Agent-Id name an agent the run owns.
    agent_id: str | None = None
    # A second account (preflight), the "other user" of object_level_authorization.
    peer_api_key: str | None = None
    peer_api_secret: str | None = None
    peer_agent_id: str | None = None
    # Why the preflight has no peer account (then object_level_authorization is skipped).
    peer_problem: str | None = None
    # Checks that may be skipped without failing the run (--allow-skipped).
    allow_skipped: tuple[str, ...] = ()
    # Not on the CLI: lets tests and debugging narrow a run to a few operations.
    operation_ids: Sequence[str] = field(default_factory=tuple)
    # Per-request timeout, so one hung request cannot stall the run forever.
    request_timeout: float = 30.0

    @property
    def files(self) -> ReportFiles:
        return ReportFiles.in_dir(self.report_dir)


@dataclass(frozen=True, slots=True)
class ContractResult:
    exit_code: int
    schemathesis_exit_code: int
    summary: RunSummary


def build_command(options: ContractOptions) -> list[str]:
    """The schemathesis invocation (no secrets: those go through the environment)."""
    files = options.files
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "--config-file",
        str(options.report_dir / CONFIG_NAME),
        "run",
        str(spec_path("openapi.yaml")),
        "--url",
        options.base_url.rstrip("/"),
        "--checks",
        ",".join(policy.CHECKS),
        "--phases",
        ",".join(policy.PHASES),
        "--max-examples",
        str(options.max_examples),
        "--seed",
        str(options.seed),
        "--workers",
        str(options.workers),
        "--request-timeout",
        str(options.request_timeout),
        "--report",
        "junit,ndjson,json",
        "--report-dir",
        str(options.report_dir),
        "--report-junit-path",
        str(files.junit),
        "--report-ndjson-path",
        str(files.ndjson),
        "--report-json-path",
        str(files.json),
        "--no-color",
    ]
    if options.rate_limit:
        command += ["--rate-limit", options.rate_limit]
    for operation_id in options.operation_ids:
        command += ["--include-operation-id", operation_id]
    return command


def preflight(options: ContractOptions) -> ContractOptions:
    """Reach the server and authenticate once before schemathesis starts.

    Without keys this registers the run's account here, so the hooks only log in (one
    registration per run: the real platform allows three a minute), and an unreachable
    server or a broken register/login fails in a second with one clear message instead
    of thousands of identical errors.
    """
    with CredentialSource(
        options.base_url,
        load_spec(spec_path("openapi.yaml")),
        api_key=options.api_key,
        api_secret=options.api_secret,
        timeout=options.request_timeout,
    ) as source:
        source.probe()
        source.fetch()
    peer = _peer_account(options)
    return replace(
        options,
        api_key=source.api_key,
        api_secret=source.api_secret,
        agent_id=source.agent_id,
        peer_api_key=peer.api_key,
        peer_api_secret=peer.api_secret,
        peer_agent_id=peer.agent_id,
        peer_problem=peer.problem,
    )


@dataclass(frozen=True, slots=True)
class _Peer:
    api_key: str | None = None
    api_secret: str | None = None
    agent_id: str | None = None
    problem: str | None = None


def _peer_account(options: ContractOptions) -> _Peer:
    """A second account for object_level_authorization; without one that check is skipped."""
    with CredentialSource(
        options.base_url, load_spec(spec_path("openapi.yaml")), timeout=options.request_timeout
    ) as peer:
        try:
            peer.fetch()
        except CredentialError as exc:
            return _Peer(problem=str(exc))
        return _Peer(peer.api_key, peer.api_secret, peer.agent_id)


def peer_line(options: ContractOptions) -> str:
    """The one console line that replaces schemathesis's object_level_authorization lint."""
    if options.peer_api_key:
        return (
            f"ℹ️  {OLA} runs with the second account the run registered (given by our hooks, "
            "not [auth.wfc], where schemathesis's start-up lint looks for peers)\n"
        )
    return f"⚠️  {OLA} is skipped: no second account ({options.peer_problem or 'none given'})\n"


def console_line(line: str, options: ContractOptions) -> str:
    """schemathesis's console line as the user sees it (its OLA lint explained in one line)."""
    return peer_line(options) if _OLA_LINT in line else line


def _environment(options: ContractOptions) -> dict[str, str]:
    env = dict(os.environ)
    for name in (
        ENV_API_KEY,
        ENV_API_SECRET,
        ENV_AGENT_ID,
        ENV_PEER_API_KEY,
        ENV_PEER_API_SECRET,
        ENV_PEER_AGENT_ID,
    ):
        env.pop(name, None)
    env[ENV_BASE_URL] = options.base_url.rstrip("/")
    if options.api_key:
        env[ENV_API_KEY] = options.api_key
    if options.api_secret:
        env[ENV_API_SECRET] = options.api_secret
    if options.agent_id:
        env[ENV_AGENT_ID] = options.agent_id
    if options.peer_api_key and options.peer_api_secret:
        env[ENV_PEER_API_KEY] = options.peer_api_key
        env[ENV_PEER_API_SECRET] = options.peer_api_secret
        if options.peer_agent_id:
            env[ENV_PEER_AGENT_ID] = options.peer_agent_id
    return env


def run(options: ContractOptions, *, echo: TextIO | None = sys.stdout) -> ContractResult:
    """Run the suite; schemathesis's console output goes to ``echo`` and to the log file."""
    options.report_dir.mkdir(parents=True, exist_ok=True)
    files = options.files
    for stale in (files.junit, files.ndjson, files.json):
        stale.unlink(missing_ok=True)  # never summarise a previous run's report
    (options.report_dir / CONFIG_NAME).write_text(policy.render_config(), encoding="utf-8")
    try:
        options = preflight(options)
    except CredentialError as exc:
        summary = RunSummary(problems=[f"preflight: {exc}"])
        (options.report_dir / SUMMARY_NAME).write_text(summary.render(), encoding="utf-8")
        return ContractResult(exit_code=1, schemathesis_exit_code=-1, summary=summary)

    log_path = options.report_dir / LOG_NAME
    with (
        log_path.open("w", encoding="utf-8") as log,
        subprocess.Popen(
            build_command(options),
            env=_environment(options),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            errors="replace",
        ) as process,
    ):
        assert process.stdout is not None
        for raw in process.stdout:
            line = console_line(raw, options)
            log.write(line)
            if echo is not None:
                echo.write(line)
        returncode = process.wait()

    summary = summarize(files, expected_operations=_expected_operations(options))
    summary.notes = console_notes(log_path.read_text(encoding="utf-8"))
    summary.allowed_skipped = options.allow_skipped
    if not options.peer_api_key:
        summary.skip(OLA, f"no second account ({options.peer_problem or 'none given'})")
    if options.workers > 1 and sys.version_info < (3, 12):
        # Seen with schemathesis 4.32.5 with or without our hooks: CPython 3.11's `ast`
        # constructor is not thread-safe and hypothesis parses lambdas in every worker.
        summary.notes.append(
            "--workers > 1 on Python 3.11 can raise 'AST constructor recursion depth mismatch' "
            "Runtime Errors inside schemathesis; use --workers 1 for a trustworthy verdict"
        )
    (options.report_dir / SUMMARY_NAME).write_text(summary.render(), encoding="utf-8")
    # schemathesis's own verdict counts too: it can fail in ways the reports do not show.
    ok = returncode == 0 and summary.ok
    return ContractResult(
        exit_code=0 if ok else 1, schemathesis_exit_code=returncode, summary=summary
    )


def _expected_operations(options: ContractOptions) -> dict[str, str]:
    """operationId -> schemathesis label ("GET /path") of every operation the run must test."""
    operations = spec_operations(spec_path("openapi.yaml"))
    if options.operation_ids:
        return {k: v for k, v in operations.items() if k in options.operation_ids}
    return operations


def options_from_args(args: argparse.Namespace) -> ContractOptions:
    return ContractOptions(
        base_url=args.base_url,
        api_key=args.api_key,
        api_secret=args.api_secret,
        max_examples=args.max_examples,
        workers=args.workers,
        rate_limit=args.rate_limit,
        seed=args.seed,
        report_dir=Path(args.report_dir),
        allow_skipped=tuple(dict.fromkeys(getattr(args, "allow_skipped", None) or ())),
    )


def run_from_args(args: argparse.Namespace) -> int:
    options = options_from_args(args)
    unknown = [name for name in options.allow_skipped if name not in policy.CHECKS]
    if unknown:
        print(
            f"agentexchange contract: --allow-skipped: unknown check {', '.join(unknown)} "
            f"(one of: {', '.join(policy.CHECKS)})",
            file=sys.stderr,
        )
        return 2
    result = run(options)
    print()
    print(result.summary.render())
    written = [
        f.name for f in (options.files.junit, options.report_dir / SUMMARY_NAME) if f.is_file()
    ]
    print(f"Reports in {options.report_dir}/: {', '.join(written)}")
    return result.exit_code
