"""`make bench` (import part): ``import agentexchange`` against ``import httpx``.

Measured in a venv with the runtime dependencies only (``.venv-bench/runtime``: httpx and
websockets at the versions of the running environment, and this package installed
without its extras, not editable, bytecode compiled — as a user gets it), so no optional
module of the dev venv (brotli, h2, ...) is picked up. 11 rounds of fresh interpreters,
alternating ``python -X importtime -c "import httpx"`` and ``... "import agentexchange"``;
the median cumulative import time of each top-level module is compared. Goal (issue 20):
<= 1.3x. Also printed: the ratio of the fastest run of each and of whole-process wall
times (informative: -X importtime is wall time, and the machine may be shared), and that
``from agentexchange import AgentExchangeClient`` leaves ``asyncio`` unloaded.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv-bench" / "runtime"
PYTHON = VENV / "bin" / "python"
ROUNDS, GOAL = 11, 1.3
IMPORT_LINE = re.compile(r"^import time:\s+\d+ \|\s+(\d+) \| (\S+)$")


def quiet(cmd: list[str]) -> None:
    subprocess.run(cmd, check=True, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def runtime_venv() -> Path:
    """Create or refresh the runtime-only venv; install this checkout into it as a wheel would."""
    if not PYTHON.exists():
        quiet([sys.executable, "-m", "venv", "--clear", str(VENV)])
    pins = [f"{name}=={metadata.version(name)}" for name in ("httpx", "websockets")]
    quiet([str(PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *pins])
    # Not editable: site-packages with compiled bytecode, the standard import path.
    quiet(
        [str(PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "--no-deps", "--force-reinstall", str(ROOT)]
    )  # fmt: skip
    quiet([str(PYTHON), "-m", "compileall", "-q", str(site_package("agentexchange"))])
    return PYTHON


def site_package(name: str) -> Path:
    out = subprocess.run(
        [str(PYTHON), "-c", f"import importlib.util as u; print(u.find_spec({name!r}).origin)"],
        check=True,
        capture_output=True,
        text=True,
        cwd="/",
    )
    return Path(out.stdout.strip()).parent


def env() -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    return clean


def cumulative_us(module: str) -> tuple[float, float]:
    """One fresh interpreter: (cumulative -X importtime of ``module`` in us, wall seconds)."""
    start = time.perf_counter()
    out = subprocess.run(
        [str(PYTHON), "-X", "importtime", "-c", f"import {module}"],
        check=True,
        capture_output=True,
        text=True,
        env=env(),
        cwd="/",  # never this checkout: the installed package is what is measured
    )
    wall = time.perf_counter() - start
    for line in reversed(out.stderr.splitlines()):
        match = IMPORT_LINE.match(line)
        if match and match.group(2) == module:
            return float(match.group(1)), wall
    raise RuntimeError(f"no import time line for {module}:\n{out.stderr[-2000:]}")


def asyncio_loaded() -> bool:
    probe = (
        "import sys\nfrom agentexchange import AgentExchangeClient\nprint('asyncio' in sys.modules)"
    )
    out = subprocess.run(
        [str(PYTHON), "-c", probe], check=True, capture_output=True, text=True, env=env(), cwd="/"
    )
    return bool(json.loads(out.stdout.strip().lower()))


def main() -> int:
    runtime_venv()
    cumulative: dict[str, list[float]] = {"httpx": [], "agentexchange": []}
    wall: dict[str, list[float]] = {"httpx": [], "agentexchange": []}
    for module in cumulative:  # warm the disk cache, unmeasured
        cumulative_us(module)
    for i in range(ROUNDS):  # each round both, in alternating order
        for module in sorted(cumulative, reverse=bool(i % 2)):
            us, seconds = cumulative_us(module)
            cumulative[module].append(us)
            wall[module].append(seconds)
    ours, base = (statistics.median(cumulative[m]) for m in ("agentexchange", "httpx"))
    ratio = ours / base
    ratios = [a / h for a, h in zip(cumulative["agentexchange"], cumulative["httpx"], strict=True)]
    ours_min, base_min = min(cumulative["agentexchange"]), min(cumulative["httpx"])
    wall_ratio = statistics.median(wall["agentexchange"]) / statistics.median(wall["httpx"])
    print(
        f"Import, runtime-only venv ({ROUNDS} alternating fresh interpreters, median cumulative "
        f"-X importtime)\n  httpx {base / 1e3:6.1f} ms  agentexchange {ours / 1e3:6.1f} ms  "
        f"ratio {ratio:.2f} (range {min(ratios):.2f}-{max(ratios):.2f}) "
        f"(goal <= {GOAL}) {'ok' if ratio <= GOAL else 'MISSED'}\n"
        f"  informative: ratio of the fastest runs {ours_min / base_min:.2f}, "
        f"whole-process wall time ratio {wall_ratio:.2f}"
    )
    loaded = asyncio_loaded()
    print(
        f"  asyncio in sys.modules after `from agentexchange import AgentExchangeClient`: "
        f"{loaded} {'MISSED' if loaded else 'ok'}"
    )
    return 0  # a measurement, not a gate


if __name__ == "__main__":
    sys.exit(main())
