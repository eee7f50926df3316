"""Where the mock and the contract tests find openapi.yaml / asyncapi.yaml.

The documents are committed once, at the repository root (docs/architecture.md
"One source of truth"). A built wheel carries a copy inside the package (``setup.py``
copies it at build time); an editable install or a checkout reads the repository's file.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_REPO_ROOT = _PACKAGE.parent


def spec_path(name: str = "openapi.yaml") -> Path:
    """Path of a spec document shipped with (or next to) the package."""
    packaged = _PACKAGE / name
    if packaged.is_file():
        return packaged
    local = _REPO_ROOT / name
    if local.is_file():
        return local
    raise FileNotFoundError(f"{name} is neither in the installed package nor in the repository")
