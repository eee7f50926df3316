"""Render templates/ with Jinja and format the result with the pinned ruff.

Formatting goes through `python -m ruff` on stdin with the repository's pyproject.toml,
so the bytes depend only on the templates, the IR and the pinned ruff — never on the
caller's working directory or on ruff configuration found in parent folders.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import jinja2

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "templates"
RUFF_CONFIG = ROOT / "pyproject.toml"


def _pyrepr(value: Any) -> str:
    """A Python literal for a YAML scalar/list/dict (repr is deterministic for these)."""
    return repr(value)


def make_env(template_dir: Path = TEMPLATES) -> jinja2.Environment:
    """The Jinja environment: strict about undefined names, no autoescape (this is Python)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(template_dir)),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters["pyrepr"] = _pyrepr
    return env


def ruff_format(source: str, filename: str) -> str:
    """`ruff check --fix` (import sorting etc.) then `ruff format`, on stdin."""
    base = [sys.executable, "-m", "ruff"]
    common = ["--config", str(RUFF_CONFIG), "--stdin-filename", filename]
    fixed = _run([*base, "check", "--fix-only", "--exit-zero", "--quiet", *common, "-"], source)
    return _run([*base, "format", "--quiet", *common, "-"], fixed)


def _run(cmd: list[str], stdin: str) -> str:
    proc = subprocess.run(cmd, input=stdin, capture_output=True, text=True, cwd=ROOT, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[2:4])} failed:\n{proc.stderr}\n--- input ---\n{stdin}")
    return proc.stdout


def render(env: jinja2.Environment, template: str, filename: str, **context: Any) -> str:
    """Render one template and format it as `filename` (the name only selects ruff rules)."""
    return ruff_format(env.get_template(template).render(**context), filename)
