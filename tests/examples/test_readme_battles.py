"""The README's battles example runs as it is written (issue 15).

The ``python`` block of README.md's "Battles" section is run in a fresh interpreter; its
output must show two ranked participants whose figures are decimals.
"""

from __future__ import annotations

import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def battles_example() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Battles\n", 1)[1].split("\n## ", 1)[0]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match, "README.md's Battles section has no python block"
    return match.group(1)


def test_the_readme_battles_example_runs() -> None:
    done = subprocess.run(
        [sys.executable, "-c", battles_example()],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    lines = [line.split() for line in done.stdout.strip().splitlines()]
    assert [line[0] for line in lines] == ["1", "2"], done.stdout
    assert sorted(line[1] for line in lines) == ["Holder", "Trend"], done.stdout
    by_name = {line[1]: (Decimal(line[2]), Decimal(line[3])) for line in lines}
    assert by_name["Holder"] == (Decimal("10000"), Decimal("0")), done.stdout
    trend_equity, trend_roi = by_name["Trend"]
    assert trend_equity != Decimal("10000") and trend_roi != 0, "Trend traded"
