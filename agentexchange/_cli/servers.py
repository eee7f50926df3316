"""The server-side commands: ``mock`` (the reference exchange), ``contract`` (schemathesis), ``mcp``.

docs/architecture.md "Command line". Each needs an extra; its modules load only when it
runs, so ``agentexchange --help`` needs none. A missing extra is one line naming the
``pip install`` that fixes it, exit status 1 — not a traceback.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from collections.abc import Callable

from .help import Formatter

MOCK_DESCRIPTION = """\
Run the reference mock exchange: the AgentExchange REST API under /api/v1 and the
WebSocket at /ws/v1, on one port, in memory, over a simulated market of USDT pairs.
At start it prints its URL and a demo account (api_key, api_secret, agent_id,
agent_api_key). The demo keys follow from --seed, so a restart with the same seed
accepts the same keys. Stop it with Ctrl-C."""

MOCK_EPILOG = """\
examples:
  agentexchange mock                            http://127.0.0.1:8000, seed 42
  agentexchange mock --port 0                   any free port (the URL is printed)
  agentexchange mock --host 0.0.0.0 --port 9000 reachable from other machines
  agentexchange mock --tick-interval 0.5 --no-rate-limits --pairs 800
  agentexchange mock --local-webhooks           webhooks to http://127.0.0.1:PORT/... too
  agentexchange mock --seed 7 --demo-credentials > demo.json"""

CONTRACT_DESCRIPTION = """\
Contract-test a server that implements the AgentExchange API against the API
description (openapi.yaml) with schemathesis: every operation, every check (server
errors, status codes, headers, response schemas, rejection of invalid input,
authentication, access to another account's objects, ...), in four phases: the
document's examples, coverage, fuzzing, and stateful sequences that follow its links.

Without --api-key/--api-secret the run registers an account of its own on the server
and logs in with it. It always tries to register a second account too, to check that
one account cannot read another's objects. A summary is printed at the end, each check
with the responses it judged and the probes it sent; the exit status is 0 only when
nothing failed and every operation and check actually ran (a check that could not run,
e.g. for want of a second account, is skipped and fails the run unless allowed)."""

CONTRACT_EPILOG = """\
examples:
  agentexchange contract --base-url http://127.0.0.1:8000
  agentexchange contract --base-url https://api.example.com \\
      --api-key ak_live_... --api-secret sk_live_... --rate-limit 100/m
  agentexchange contract --base-url http://127.0.0.1:8000 --seed 7 --max-examples 50
  agentexchange contract --base-url http://127.0.0.1:8000 \\
      --allow-skipped object_level_authorization"""


def add_mock(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "mock",
        help="run a local mock exchange (REST API and WebSocket)",
        description=MOCK_DESCRIPTION,
        epilog=MOCK_EPILOG,
        formatter_class=Formatter,
    )
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on; 0.0.0.0 for every interface "
        "(default: 127.0.0.1, this machine only)",
    )
    p.add_argument(
        "--port",
        type=int,
        default=8000,
        help="port of the REST API and the WebSocket; 0 picks a free one and prints it "
        "(default: 8000)",
    )
    p.add_argument(
        "--seed",
        type=int,
        default=42,
        metavar="N",
        help="seed of the simulated market (prices, history) and of the demo account's "
        "keys: same seed, same market and keys (default: 42)",
    )
    p.add_argument(
        "--pairs",
        type=int,
        default=600,
        metavar="N",
        help="number of USDT trading pairs, the majors (BTCUSDT, ETHUSDT, ...) first "
        "(default: 600)",
    )
    p.add_argument(
        "--tick-interval",
        type=float,
        default=1.0,
        metavar="SECONDS",
        help="every SECONDS of real time, simulated time advances as much: prices move, "
        "candles close, pending orders fill; 0 freezes the market (default: 1)",
    )
    p.add_argument(
        "--no-rate-limits",
        action="store_true",
        help="switch rate limiting off (default: on, with the platform's limits per "
        "account and minute, e.g. 100 trading requests, then 429 with Retry-After)",
    )
    p.add_argument(
        "--local-webhooks",
        action="store_true",
        help="admit webhook subscribers on http, IP addresses and loopback or private "
        "hosts, e.g. http://127.0.0.1:9000/hook, for local development (default: off, "
        "the platform's rule: https and a public hostname, else 422)",
    )
    p.add_argument(
        "--demo-credentials",
        action="store_true",
        help="only print the demo account of --seed as JSON, then exit (default: off, serve)",
    )
    p.add_argument(
        "--log-level",
        default="warning",
        choices=["debug", "info", "warning", "error"],
        metavar="LEVEL",
        help="how much the server logs: debug, info, warning or error (default: warning)",
    )
    p.set_defaults(handler=run_mock)


def add_contract(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "contract",
        help="contract-test a server against the API description (openapi.yaml)",
        description=CONTRACT_DESCRIPTION,
        epilog=CONTRACT_EPILOG,
        formatter_class=Formatter,
    )
    p.add_argument(
        "--base-url",
        required=True,
        metavar="URL",
        help="the server to test, without /api/v1, e.g. http://127.0.0.1:8000 (required)",
    )
    p.add_argument(
        "--api-key",
        metavar="KEY",
        help="API key of an existing account to test with (default: none; the run "
        "registers an account of its own)",
    )
    p.add_argument(
        "--api-secret",
        metavar="SECRET",
        help="that account's API secret, used to log in for the operations that need a "
        "JWT, such as agent management (default: none)",
    )
    p.add_argument(
        "--max-examples",
        type=int,
        default=20,
        metavar="N",
        help="at most N generated test cases per operation; more finds more and takes "
        "longer (default: 20)",
    )
    p.add_argument(
        "--workers",
        type=int,
        default=1,
        metavar="N",
        help="operations tested in parallel; keep 1 on Python 3.11, where more is "
        "unreliable (default: 1)",
    )
    p.add_argument(
        "--rate-limit",
        metavar="RATE",
        help="at most this many requests per second, minute or hour, e.g. 10/s or 100/m, "
        "for servers that throttle (default: no limit)",
    )
    p.add_argument(
        "--seed",
        type=int,
        default=42,
        metavar="N",
        help="seed of the generated test cases; the same seed repeats the same run (default: 42)",
    )
    p.add_argument(
        "--allow-skipped",
        action="append",
        metavar="CHECK",
        help="do not fail the run when CHECK could not run, e.g. object_level_authorization "
        "on a server where a second account cannot register; repeat for more checks "
        "(default: none; any skipped check fails the run)",
    )
    p.add_argument(
        "--report-dir",
        default="reports/contract",
        metavar="DIR",
        help="where the reports go: junit.xml, summary.txt, events.ndjson, report.json, "
        "schemathesis.log and the generated schemathesis.toml (default: reports/contract)",
    )
    p.set_defaults(handler=run_contract)


def add_mcp(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from .. import mcp_server  # its own imports are the standard library's until it runs

    p = sub.add_parser(
        "mcp",
        help="serve the SDK as MCP tools over stdio (for AI agents)",
        description=mcp_server.DESCRIPTION,
        epilog=mcp_server.EPILOG,
        formatter_class=Formatter,
    )
    mcp_server.add_arguments(p)
    p.set_defaults(handler=run_mcp)


def _missing_extra(command: str, extra: str, module: str) -> int:
    print(
        f"agentexchange {command}: no module named '{module}'; install agentexchange[{extra}] "
        f"(pip install 'agentexchange[{extra}]')",
        file=sys.stderr,
    )
    return 1


def _guarded(command: str, extra: str, run: Callable[[], int]) -> int:
    """Run a command; a module of its extra that is not installed is one line, status 1."""
    try:
        return run()
    except ModuleNotFoundError as exc:
        missing = (exc.name or "").partition(".")[0]
        if not missing or missing == "agentexchange":
            raise
        return _missing_extra(command, extra, missing)


def run_mock(args: argparse.Namespace) -> int:
    def run() -> int:
        from ..mock.cli import run_from_args

        return run_from_args(args)

    return _guarded("mock", "mock", run)


def run_mcp(args: argparse.Namespace) -> int:
    def run() -> int:
        from ..mcp_server import run_from_args

        return run_from_args(args)

    return _guarded("mcp", "mcp", run)


def run_contract(args: argparse.Namespace) -> int:
    # schemathesis runs in a child process: ask for it here, where one line can say so.
    if importlib.util.find_spec("schemathesis") is None:
        return _missing_extra("contract", "contract", "schemathesis")

    def run() -> int:
        from ..contract.runner import run_from_args

        return run_from_args(args)

    return _guarded("contract", "contract", run)
