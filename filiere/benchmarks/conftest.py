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

from filiere.access.actors import SYSTEM
from filiere.accounts.models import User
from filiere.demo.volume import ensure_registry
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
                actor=SYSTEM,
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
        membership_grant(actor=SYSTEM, user=user, centre=centres[0], role=Role.CLINICIAN)
        print(f"\nRegistre de mesure : {count} patients (construit ou complété en {built:.1f} s)")
        yield {"user": user, "centre": centres[0], "size": count}


@pytest.fixture(scope=_registry_scope)  # type: ignore[arg-type]
def followup_cohort(
    registry: dict[str, Any], request: pytest.FixtureRequest, django_db_blocker: Any
) -> dict[str, Any]:
    """The registry with 10 visits a patient, due dates and off-label treatments (kept likewise)."""
    from django.utils import timezone

    from filiere.benchmarks.followup_data import ensure_followup
    from filiere.followup.models import AtcCode
    from filiere.followup.services import atc_import_file
    from filiere.patients.models import Patient
    from filiere.testing.factories import give_role

    if os.environ.get("BENCH_KEEP") != "1":
        request.getfixturevalue("db")
    with django_db_blocker.unblock():
        if not AtcCode.objects.filter(code="B02BD08").exists():
            atc_import_file(actor=SYSTEM)
        started = time.perf_counter()
        written = ensure_followup(timezone.localdate())
        if written["visits"]:
            print(
                f"\nSuivi de mesure : {written['visits']} visites, {written['schedules']} "
                f"échéances, {written['treatments']} traitements hors AMM (écrits en "
                f"{time.perf_counter() - started:.1f} s)"
            )
        centre: Centre = registry["centre"]
        coordinator = User.objects.filter(email="mesure.coordination@hopital.test").first()
        if coordinator is None:
            coordinator = make_user(email="mesure.coordination@hopital.test")
            give_role(coordinator, centre, Role.NETWORK_COORDINATOR)
        patient = (
            Patient.objects.filter(care_episodes__centre=centre, pseudonym__startswith="BEN-")
            .order_by("-pk")
            .first()
        )
        assert patient is not None
    return {**registry, "patient": patient, "clinician": registry["user"], "coord": coordinator}
