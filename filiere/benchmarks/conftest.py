from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="session")
def bench_size() -> int:
    """How many objects each benchmark data set holds."""
    return int(os.environ.get("BENCH_SIZE", "50"))
