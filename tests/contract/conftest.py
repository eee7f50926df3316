"""Contract-test fixtures: the `contract` marker selects the schemathesis runs (`-m contract`)."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "contract: schemathesis contract runs against a live mock exchange (slow)"
    )
