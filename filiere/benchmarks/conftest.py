"""Benchmark fixtures: the data-set size and the synthetic registry shared by the benchmarks.

``BENCH_PATIENTS`` sets the registry size (default 2,000 under ``make bench``, 60 under
``make test``; the README gives the figures for 1,000,000 on PostgreSQL). ``make bench`` keeps
the synthetic registry between runs (``BENCH_KEEP=1`` and ``--reuse-db``).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from typing import Any

import pytest

from filiere.accounts.models import User
from filiere.benchmarks.registry_data import ensure_registry
from filiere.network.models import Centre, Role
from filiere.testing.factories import finess_for, load_test_nomenclature, make_user


@pytest.fixture(scope="session")
def bench_size() -> int:
    """How many objects each benchmark data set holds."""
    return int(os.environ.get("BENCH_SIZE", "50"))


def _registry_scope(fixture_name: str, config: Any) -> str:
    # `make bench` keeps the registry (BENCH_KEEP=1 with --reuse-db); `make test` builds a small
    # one inside each test's transaction, so that no other test ever sees it.
    return "session" if os.environ.get("BENCH_KEEP") == "1" else "function"


@pytest.fixture(scope=_registry_scope)  # type: ignore[arg-type]
def registry(
    request: pytest.FixtureRequest, django_db_setup: None, django_db_blocker: Any
) -> Iterator[dict[str, Any]]:
    keep = os.environ.get("BENCH_KEEP") == "1"
    size = int(os.environ.get("BENCH_PATIENTS", "2000" if keep else "60"))
    if not keep:
        request.getfixturevalue("db")
    with django_db_blocker.unblock():
        from filiere.network.services import centre_create, membership_grant

        if not Centre.objects.filter(finess=finess_for(900001)).exists():
            load_test_nomenclature()
        centres = []
        for index in range(3):
            centre = Centre.objects.filter(finess=finess_for(900001 + index)).first()
            centre = centre or centre_create(
                actor=None,
                name=f"Centre de mesure {index}",
                kind=Centre.Kind.CCMR,
                finess=finess_for(900001 + index),
                city="Marseille",
                region="93",
                rd_site_code=f"B{index:03d}",
            )
            centres.append(centre)
        started = time.perf_counter()
        count = ensure_registry(size, centres)
        built = time.perf_counter() - started
        user = User.objects.filter(email="mesure@hopital.test").first()
        if user is None:
            user = make_user(email="mesure@hopital.test", first_name="Mesure", last_name="Banc")
        membership_grant(actor=None, user=user, centre=centres[0], role=Role.CLINICIAN)
        print(f"\nRegistre de mesure : {count} patients (construit ou complété en {built:.1f} s)")
        yield {"user": user, "centre": centres[0], "size": count}
