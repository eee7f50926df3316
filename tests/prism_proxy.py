"""pytest plugin behind ``make contract-proxy``: an independent check of every response the
SDK end-to-end suite receives.

docs/architecture.md "Contract tests" (``make contract-proxy``), issue 6 part 4. While
this plugin is loaded, every ``MockServer`` a test starts gets a Stoplight Prism proxy
(``prism proxy openapi.yaml``) in front of it and hands out Prism's URL as its
``base_url``; the SDK and the tests then talk to the mock only through Prism, which
validates each response against the document with its own validator (not ours). At the end
the run fails when Prism reported any response violation, or when no request went through
it at all.

Before the suite runs, a self-check proves the proxy can fail: a mock with a deliberate
defect (``defects.price_as_number``) behind Prism must produce a violation on
``response.body.price``.

Prism forwards invalid requests (``--validate-request=false``) so the mock's own 400
envelopes are what gets checked; it is HTTP only, so WebSocket traffic is not seen.
Violations are read from Prism's log, each attributed to the request logged before it
(exact for sequential tests; a guess while 16 threads share a client).

Loaded with ``-p prism_proxy`` (tests/ on ``PYTHONPATH``); ``AGENTEXCHANGE_PRISM`` names
the ``prism`` executable.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from defects import PRICE_PATH, price_as_number

from agentexchange._specfiles import spec_path
from agentexchange.mock.testing import MockServer

START_TIMEOUT = 180.0  # Prism parses the whole document at start: slow on a loaded machine
LISTENING = "Prism is listening on"

_REQUEST = re.compile(r"\[HTTP SERVER\] (\w+) (\S+) .*Request received")
_VIOLATION = re.compile(r"\[VALIDATOR\] \S+\s+(\w+)\s+Violation: (\S+) ?(.*)$")


@dataclass(frozen=True, slots=True)
class Violation:
    severity: str  # "error" or "warning", as Prism logs it
    location: str  # e.g. "response.body.price", "request"
    message: str
    request: str  # "GET /api/v1/..." logged just before it
    where: str  # the test module whose server it was

    @property
    def on_response(self) -> bool:
        return self.location.startswith("response")

    def __str__(self) -> str:
        return f"{self.where}: {self.request} -> {self.severity} {self.location} {self.message}"


def parse_log(text: str, where: str) -> tuple[int, list[Violation]]:
    """(requests Prism received, the violations it reported) from one Prism log."""
    requests = 0
    last = "?"
    found: list[Violation] = []
    for line in text.splitlines():
        if match := _REQUEST.search(line):
            requests += 1
            last = f"{match[1].upper()} {match[2]}"
        elif match := _VIOLATION.search(line):
            severity, location, message = match.groups()
            found.append(Violation(severity, location, message.strip(), last, where))
    return requests, found


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class PrismProxy:
    """One ``prism proxy`` process in front of one upstream server."""

    def __init__(self, executable: str, upstream: str, where: str) -> None:
        self.executable = executable
        self.upstream = upstream
        self.where = where
        self.url = ""
        self._log = Path(tempfile.mkstemp(prefix="prism-", suffix=".log")[1])
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> str:
        for _ in range(3):  # a port taken between choosing and binding: try another
            port = _free_port()
            with self._log.open("wb") as log:
                self._process = subprocess.Popen(
                    [
                        self.executable,
                        "proxy",
                        str(spec_path()),
                        self.upstream,
                        "--host",
                        "127.0.0.1",
                        "--port",
                        str(port),
                        "--validate-request=false",
                    ],
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            if self._wait_listening():
                self.url = f"http://127.0.0.1:{port}"
                return self.url
        raise RuntimeError(f"Prism did not start:\n{self.log_text()[-2000:]}")

    def _wait_listening(self) -> bool:
        assert self._process is not None
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if LISTENING in self.log_text():
                return True
            if self._process.poll() is not None:
                return False
            time.sleep(0.2)
        self.stop()
        return False

    def log_text(self) -> str:
        return self._log.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> tuple[int, list[Violation]]:
        if self._process is not None and self._process.poll() is None:
            os.killpg(self._process.pid, signal.SIGTERM)
            try:
                self._process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self._process.pid, signal.SIGKILL)
                self._process.wait()
        result = parse_log(self.log_text(), self.where)
        self._log.unlink(missing_ok=True)
        return result


@dataclass
class ProxyRun:
    executable: str
    current: str = "session"  # the module whose test is running now
    proxies: dict[int, PrismProxy] = field(default_factory=dict)
    servers: int = 0
    requests: int = 0
    violations: list[Violation] = field(default_factory=list)

    def attach(self, server: MockServer) -> None:
        proxy = PrismProxy(self.executable, server.base_url, self.current)
        server.base_url = proxy.start()
        self.proxies[id(server)] = proxy

    def detach(self, server: MockServer) -> None:
        proxy = self.proxies.pop(id(server), None)
        if proxy is None:
            return
        server.base_url = proxy.upstream
        requests, found = proxy.stop()
        self.servers += 1
        self.requests += requests
        self.violations.extend(found)


_RUN: ProxyRun | None = None


def _self_check(run: ProxyRun) -> str | None:
    """None when Prism reports the deliberate defect; else why the proxy cannot be trusted."""
    before = (len(run.violations), run.servers, run.requests)
    with MockServer(pairs=5, wrap=price_as_number, validate_responses=False) as server:
        response = httpx.get(f"{server.base_url}{PRICE_PATH}BTCUSDT", timeout=30)
    caught = [v for v in run.violations[before[0] :] if v.location == "response.body.price"]
    # The self-check's own server, requests and findings are not the suite's.
    del run.violations[before[0] :]
    run.servers, run.requests = before[1], before[2]
    if response.status_code != 200:
        return f"the defective mock answered {response.status_code} through Prism"
    if not caught:
        return "Prism did not report the deliberate defect (price sent as a JSON number)"
    return None


def pytest_configure(config: pytest.Config) -> None:
    global _RUN
    executable = os.environ.get("AGENTEXCHANGE_PRISM")
    if not executable:
        raise pytest.UsageError("prism_proxy: set AGENTEXCHANGE_PRISM to the prism executable")
    _RUN = run = ProxyRun(executable)
    original_start, original_stop = MockServer.start, MockServer.stop

    def start(self: MockServer) -> MockServer:
        original_start(self)
        run.attach(self)
        return self

    def stop(self: MockServer) -> None:
        run.detach(self)
        original_stop(self)

    MockServer.start = start  # type: ignore[method-assign]
    MockServer.stop = stop  # type: ignore[method-assign]


def pytest_sessionstart(session: pytest.Session) -> None:
    assert _RUN is not None
    problem = _self_check(_RUN)
    if problem:
        pytest.exit(f"prism_proxy self-check failed: {problem}", returncode=3)


def pytest_runtest_setup(item: pytest.Item) -> None:
    if _RUN is not None:
        _RUN.current = item.nodeid.split("::")[0]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _RUN is None:
        return
    bad = [v for v in _RUN.violations if v.on_response]
    if (bad or _RUN.requests == 0) and exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _RUN is None:
        return
    write = terminalreporter.write_line
    bad = [v for v in _RUN.violations if v.on_response]
    other = [v for v in _RUN.violations if not v.on_response]
    terminalreporter.section("Prism proxy (make contract-proxy)")
    write(
        f"servers proxied: {_RUN.servers}, requests through Prism: {_RUN.requests}, "
        f"response violations: {len(bad)}, request notes: {len(other)}"
    )
    for violation in bad:
        write(f"  VIOLATION {violation}")
    for violation in other:
        write(f"  note      {violation}")
    if _RUN.requests == 0:
        write("  FAILED: no request went through Prism")
