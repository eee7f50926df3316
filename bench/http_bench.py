"""`make bench` (mock part): requests/s of the mock exchange under wrk, next to a bare
Starlette app on the same machine in the same run, printed as ratios.

Both servers run as separate uvicorn processes with identical settings (one worker,
no access log); wrk (Debian package) drives each at a fixed concurrency. Reads
`GET /api/v1/market/price/BTCUSDT`; writes `POST /api/v1/trade/order` (market orders,
alternating buy and sell so the demo wallet never runs dry). Goal: price read >= 0.25.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
THREADS, CONNECTIONS, DURATION = 2, 32, "5s"

ORDER_LUA = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-API-Key"] = "{key}"
local n = 0
request = function()
  n = n + 1
  local side = (n % 2 == 0) and "sell" or "buy"
  local body = '{{"symbol":"BTCUSDT","side":"' .. side .. '","type":"market","quantity":"0.0001"}}'
  return wrk.format(nil, "/api/v1/trade/order", nil, body)
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(cmd: list[str], url: str) -> Iterator[None]:
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(url + "/api/v1/market/price/BTCUSDT", timeout=1)
                break
            except httpx.HTTPError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"server did not start: {cmd}") from None
                time.sleep(0.1)
        yield
    finally:
        proc.terminate()
        proc.wait(10)


def wrk(url: str, path: str, script: str | None = None) -> float:
    cmd = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{DURATION}"]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        if script:
            fh.write(script)
            cmd += ["-s", fh.name]
    out = subprocess.run([*cmd, url + path], capture_output=True, text=True, check=True).stdout
    os.unlink(fh.name)
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    if match is None:
        raise RuntimeError(out)
    if non2xx:
        print(f"  warning: {non2xx.group(1)} non-2xx responses on {path}")
    return float(match.group(1))


def main() -> int:
    if shutil.which("wrk") is None:
        print("wrk not found (Debian package 'wrk'); `make bench` installs it", file=sys.stderr)
        return 1
    py = sys.executable
    seed = "42"
    creds = json.loads(
        subprocess.run(
            [py, "-m", "agentexchange.cli", "mock", "--seed", seed, "--demo-credentials"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    uvicorn_opts = ["--log-level", "warning", "--no-access-log"]
    bare_port, mock_port = free_port(), free_port()
    bare_url, mock_url = f"http://127.0.0.1:{bare_port}", f"http://127.0.0.1:{mock_port}"
    results: dict[str, float] = {}
    with serve(
        [py, "-m", "uvicorn", "bench.bare_app:app", "--port", str(bare_port), *uvicorn_opts],
        bare_url,
    ):
        results["bare price"] = wrk(bare_url, "/api/v1/market/price/BTCUSDT")
        results["bare order"] = wrk(bare_url, "/api/v1/trade/order", ORDER_LUA.format(key="x"))
    mock_cmd = [
        py,
        "-m",
        "agentexchange.cli",
        "mock",
        "--port",
        str(mock_port),
        "--seed",
        seed,
        "--no-rate-limits",
        "--log-level",
        "warning",
    ]
    with serve(mock_cmd, mock_url):
        results["mock price"] = wrk(mock_url, "/api/v1/market/price/BTCUSDT")
        results["mock order"] = wrk(
            mock_url, "/api/v1/trade/order", ORDER_LUA.format(key=creds["api_key"])
        )
    print(f"HTTP (wrk -t{THREADS} -c{CONNECTIONS} -d{DURATION}, requests/s)")
    for what in ("price", "order"):
        mock, bare = results[f"mock {what}"], results[f"bare {what}"]
        route = "GET /market/price/BTCUSDT" if what == "price" else "POST /trade/order (market)"
        goal = "  (goal >= 0.25)" if what == "price" else ""
        print(
            f"  {route:<30} mock {mock:9.0f}  bare starlette {bare:9.0f}  ratio {mock / bare:.2f}{goal}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
