"""The ``agentexchange`` command: ``mock`` (reference exchange) and ``contract`` (schemathesis).

DESIGN.md: the two server-side uses of the project — serve openapi.yaml, and hold a
server to it — behind one console script. The heavy imports happen inside each
sub-command so ``agentexchange --help`` stays fast and needs no extras.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def _mock_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("mock", help="run the reference mock exchange")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--seed", type=int, default=42, help="market and demo-account seed (default 42)")
    p.add_argument("--pairs", type=int, default=600, help="number of USDT pairs (default 600)")
    p.add_argument(
        "--tick-interval",
        type=float,
        default=1.0,
        help="wall-clock seconds per market tick; each tick advances simulated time as much (default 1)",
    )
    p.add_argument("--no-rate-limits", action="store_true", help="disable the per-key rate limits")
    p.add_argument(
        "--demo-credentials",
        action="store_true",
        help="print the seed's demo account as JSON and exit",
    )
    p.add_argument("--log-level", default="warning", choices=["debug", "info", "warning", "error"])


def _contract_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("contract", help="contract-test a server against openapi.yaml")
    p.add_argument("--base-url", required=True)
    p.add_argument("--api-key")
    p.add_argument("--api-secret")
    p.add_argument("--max-examples", type=int, default=20)
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--rate-limit", help="e.g. 100/m for servers that throttle")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--report-dir", default="reports/contract")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="agentexchange", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    _mock_parser(sub)
    _contract_parser(sub)
    args = parser.parse_args(argv)
    if args.command == "mock":
        from .mock.cli import run_from_args

        return run_from_args(args)
    if args.command == "contract":
        from .contract.runner import run_from_args as run_contract

        return run_contract(args)
    parser.error(f"unknown command {args.command}")  # pragma: no cover
    return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
