"""The ``agentexchange`` command: every SDK method a command, and ``mock``, ``contract``, ``mcp``.

The console script (docs/architecture.md "Command line"): the top-level parser and the
dispatch. The method commands come from the tool table (``agentexchange.tools.TOOLS``)
through ``_cli.naming`` and ``_cli.methods``; the server commands from ``_cli.servers``,
whose extras load only when one runs, so ``agentexchange --help`` stays fast and needs no
extras (docs/architecture.md "Import rules"). Every option carries a help text that says
its default; ``tests/unit/test_cli.py`` holds that.
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
from collections.abc import Sequence

from . import __version__
from ._cli import servers
from ._cli.help import Formatter
from ._cli.methods import add_method_commands
from ._cli.naming import Command, commands
from ._cli.run import run_command

DESCRIPTION = """\
The AgentExchange (TradeReady) paper-trading API from the shell: every method of the
Python SDK is a command, with the SDK's retries, idempotent orders and typed errors
underneath. Credentials come from AGENTEXCHANGE_API_KEY and AGENTEXCHANGE_API_SECRET,
the server from AGENTEXCHANGE_BASE_URL (default http://localhost:8000). Results are
tables; --json prints JSON for scripts. An error is one line with its code, exit status 1.

Around the API:
  mock      run a local mock exchange that speaks the API (REST and WebSocket),
            for developing and testing agents without the real platform
  contract  check that a server implements the API correctly (schemathesis)
  mcp       serve every method as a tool to an AI agent (MCP over stdio)"""

EPILOG = """\
examples:
  agentexchange price BTCUSDT
      the last price of a pair
  agentexchange order buy BTCUSDT 0.01
      a market order; then 'agentexchange orders' lists it
  agentexchange portfolio --json
      the portfolio as JSON, decimals as exact strings
  agentexchange agents list
      the account's agents ('agentexchange agents --help' lists the agent commands)
  agentexchange mock
      serve a mock exchange on http://127.0.0.1:8000 and print its demo account
  agentexchange mock --port 0 --seed 7
      serve on a free port, with the market and demo account of seed 7
  agentexchange contract --base-url http://127.0.0.1:8000
      contract-test the server at that address with accounts it registers itself
  agentexchange mcp --groups market,account
      an MCP server of the market and account tools, for an AI agent's client

Run 'agentexchange COMMAND --help' for the options of a command. 'mock' needs the
'mock' extra (pip install 'agentexchange[mock]'), 'contract' the 'contract' extra,
'mcp' the 'mcp' extra."""


@functools.cache
def method_commands() -> tuple[Command, ...]:
    """The command of every tool of the table (read once a process)."""
    from .tools import TOOLS

    return commands(TOOLS)


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
    servers.add_mcp(sub)
    add_method_commands(sub, method_commands())
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:
        # The reader went away (`agentexchange orders --json | head -1`): as other command
        # line tools, stop quietly; stdout goes to /dev/null so the interpreter's own flush
        # at exit does not raise again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    command = getattr(args, "command", None)
    if isinstance(command, Command):
        try:
            return run_command(command, args)
        except KeyboardInterrupt:  # Ctrl-C during a call: no traceback, the shell's status
            return 130
    handler = args.handler
    return int(handler(args))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
