"""Build hook: ship the repository's openapi.yaml (and asyncapi.yaml) inside the package.

The documents live once, at the top of the repository (the single source of truth);
wheels and sdists get a copy in ``agentexchange/`` at build time, so an installed mock
exchange can read them. Editable installs read them from the repository instead
(see ``agentexchange/_specfiles.py``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
SPEC_FILES = ("openapi.yaml", "asyncapi.yaml")


class BuildPyWithSpecs(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the repository's own files
        target = Path(self.build_lib) / "agentexchange"
        target.mkdir(parents=True, exist_ok=True)
        for name in SPEC_FILES:
            source = ROOT / name
            if source.exists():
                shutil.copyfile(source, target / name)


setup(cmdclass={"build_py": BuildPyWithSpecs})
