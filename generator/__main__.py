"""`python -m generator [--spec openapi.yaml] [--out DIR] [--check]`: write the generated SDK files.

openapi.yaml gives client.py, async_client.py, models.py and _errors.py; the
asyncapi.yaml beside it gives _ws_protocol.py (the WebSocket tables of client and mock).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .asyncapi import AsyncApiError, render_ws_protocol
from .load import SpecError
from .main import ROOT, generate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator", description=__doc__)
    parser.add_argument("--spec", type=Path, default=ROOT / "openapi.yaml")
    parser.add_argument(
        "--out", type=Path, default=ROOT / "agentexchange", help="package directory to write into"
    )
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 when a file would change"
    )
    args = parser.parse_args(argv)
    try:
        files = generate(args.spec)
        if (args.spec.parent / "asyncapi.yaml").exists():
            files["_ws_protocol.py"] = render_ws_protocol(args.spec.parent)
    except (SpecError, AsyncApiError) as exc:
        print(f"generator: {exc}", file=sys.stderr)
        return 2
    stale = []
    for name, text in sorted(files.items()):
        target = args.out / name
        current = target.read_text(encoding="utf-8") if target.exists() else None
        if current == text:
            continue
        stale.append(name)
        if not args.check:
            target.write_text(text, encoding="utf-8")
    for name in stale:
        print(f"{'stale' if args.check else 'wrote'} {args.out / name}")
    return 1 if (args.check and stale) else 0


if __name__ == "__main__":
    sys.exit(main())
