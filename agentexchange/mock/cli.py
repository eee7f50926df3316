"""``agentexchange mock``: the reference mock exchange from the command line.

Top level of the mock: it joins the domain (``domain.Exchange``) and the web layer
(``web.server``) and may import both. The options themselves are declared in
``agentexchange/_cli/servers.py``; ``run_from_args`` runs them. The demo account is printed once
to stdout at start — the one place a secret is shown — and never logged.
"""

from __future__ import annotations

import argparse
import errno
import json
import logging
import sys
from typing import TextIO

from .domain.exchange import Exchange, MockConfig


def banner(
    url: str, config: MockConfig, tick: float, credentials: dict[str, str], out: TextIO
) -> None:
    out.write(
        f"AgentExchange mock exchange on {url}  (seed {config.seed}, {config.pairs} pairs, "
        f"tick {tick:g}s, rate limits {'on' if config.rate_limits else 'off'}"
        f"{', local webhook subscribers allowed' if config.local_webhooks else ''})\n"
        "Demo account for this seed (shown here only, never logged):\n"
    )
    for name in ("api_key", "api_secret", "agent_id", "agent_api_key"):
        out.write(f"  {name:<14}{credentials[name]}\n")
    out.flush()


def run_from_args(args: argparse.Namespace) -> int:
    config = MockConfig(
        seed=args.seed,
        pairs=args.pairs,
        rate_limits=not args.no_rate_limits,
        local_webhooks=args.local_webhooks,
    )
    if args.demo_credentials:
        from .domain.accounts import Accounts
        from .domain.clock import SimClock

        print(json.dumps(Accounts(SimClock(), seed=config.seed).demo_credentials()))
        return 0

    from .web.server import bind_socket, build_app, serve  # imports uvicorn

    # The port first: a busy one is one line, before any work (docs/architecture.md "Command line").
    try:
        sock = bind_socket(args.host, args.port)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            problem = f"port {args.port} is in use (another server? --port 0 picks a free one)"
        else:
            problem = f"cannot listen on {args.host} port {args.port}: {exc.strerror or exc}"
        print(f"agentexchange mock: {problem}", file=sys.stderr)
        return 1
    logging.basicConfig(level=args.log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    exchange = Exchange(config)
    app = build_app(exchange, tick_interval=args.tick_interval)
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    banner(
        f"http://{shown}:{port}",
        config,
        args.tick_interval,
        exchange.accounts.demo_credentials(),
        sys.stdout,
    )
    serve(app, sock, log_level=args.log_level)
    return 0
