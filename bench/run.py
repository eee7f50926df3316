"""`make bench`: every benchmark of the project in one run (SDK, mock HTTP, WebSocket, webhooks, backtest)."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    sys.path.insert(0, str(HERE.parent))
    for script in (
        "sdk_bench.py",
        "import_bench.py",
        "msgspec_bench.py",
        "async_bench.py",
        "http_bench.py",
        "ws_bench.py",
        "webhook_bench.py",
        "backtest_bench.py",
    ):
        path = HERE / script
        if not path.exists():
            continue
        print()
        try:
            runpy.run_path(str(path), run_name="__main__")
        except SystemExit as exit_:
            if exit_.code not in (0, None):
                return int(exit_.code) if isinstance(exit_.code, int) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
