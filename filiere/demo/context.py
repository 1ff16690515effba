from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class DemoContext:
    """What every module's demo builder receives: a seeded generator, the size, a reporter.

    The first ``detailed`` patients are registered through the services with a full history;
    the rest of ``size``, for load tests, is registry volume written in bulk.
    """

    seed: int
    size: int
    report: Callable[[str], None]
    detailed: int = 2000
    rng: random.Random = field(init=False)
    # Objects built by earlier builders, by key (e.g. "centre:crpp-marseille").
    objects: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def child_rng(self, name: str) -> random.Random:
        """Return a generator of its own for one builder, so builders do not shift each other."""
        return random.Random(f"{self.seed}:{name}")
