"""``python -m agentexchange``: the ``agentexchange`` command (docs/architecture.md "Command line")."""

from __future__ import annotations

import sys

from .cli import main

sys.exit(main())
