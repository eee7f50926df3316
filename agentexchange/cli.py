"""The ``agentexchange`` command: ``mock``, ``contract``.

The console script (docs/architecture.md "Command line"): the top-level parser and the
dispatch. The server commands come from ``_cli.servers``, whose extras load only when one runs, so ``agentexchange --help`` stays fast and needs no
extras (docs/architecture.md "Import rules"). Every option carries a help text that says
its default; ``tests/unit/test_cli.py`` holds that.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import __version__
from ._cli import servers
from ._cli.help import Formatter

DESCRIPTION = """\
Tools around the AgentExchange (TradeReady) paper-trading API:

  mock      run a local mock exchange that speaks the API (REST and WebSocket),
            for developing and testing agents without the real platform
  contract  check that a server implements the API correctly (schemathesis)

The Python SDK is a library: from agentexchange import AgentExchangeClient."""

EPILOG = """\
examples:
  agentexchange mock
      serve a mock exchange on http://127.0.0.1:8000 and print its demo account
  agentexchange mock --port 0 --seed 7
      serve on a free port, with the market and demo account of seed 7
  agentexchange contract --base-url http://127.0.0.1:8000
      contract-test the server at that address with accounts it registers itself

Run 'agentexchange COMMAND --help' for the options of a command. 'mock' needs the
'mock' extra (pip install 'agentexchange[mock]'), 'contract' the 'contract' extra."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="agentexchange",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=Formatter,
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"agentexchange {__version__}",
        help="print the version of the SDK and exit",
    )
    sub = parser.add_subparsers(dest="command_name", required=True, metavar="COMMAND")
    servers.add_mock(sub)
    servers.add_contract(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = args.handler
    return int(handler(args))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
