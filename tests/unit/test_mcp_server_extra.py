"""`agentexchange mcp` without its extra (issue 16): one line saying what to install, exit
status 1 — the parser and the module import nothing of ``mcp`` until the server starts.
A base URL the client refuses is one line and status 1 too, not a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_without_the_mcp_extra_the_server_says_what_to_install_in_one_line() -> None:
    probe = (
        "import sys\nsys.modules['mcp'] = None  # as if the extra were not installed\n"
        "from agentexchange.mcp_server import run\nsys.exit(run([]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.strip().splitlines() == [
        "agentexchange mcp: install agentexchange[mcp] (pip install 'agentexchange[mcp]')"
    ]


def test_the_parser_loads_no_mcp() -> None:
    probe = (
        "import sys\nfrom agentexchange.mcp_server import build_parser\n"
        "args = build_parser().parse_args(['--groups', 'market', '--read-only'])\n"
        "assert args.groups == 'market' and args.read_only\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'mcp', 'mcp_types', 'anyio'}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


def test_a_base_url_that_is_no_url_is_one_line_and_status_1() -> None:
    env = {**os.environ, "AGENTEXCHANGE_BASE_URL": "localhost:8000"}
    done = subprocess.run(
        [sys.executable, "-m", "agentexchange", "mcp"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr.strip().splitlines() == [
        "agentexchange mcp: base_url must start with http:// or https://, got 'localhost:8000'"
    ]
