"""The registry at scale: list page, name search, patient page and the SDM-MR export.

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
from django.test import Client

from filiere.accounts.models import User
from filiere.benchmarks.registry_data import ensure_registry
from filiere.exports.sdm_mr import SdmMrDocument, render_sdm_mr
from filiere.network.models import Centre, Role
from filiere.patients.models import Patient
from filiere.patients.sdm_mr import documents
from filiere.testing.factories import finess_for, load_test_nomenclature, make_user

pytestmark = [pytest.mark.bench]


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


@pytest.fixture
def clinician_client(registry: dict[str, Any], db: None) -> Client:
    client = Client()
    client.force_login(registry["user"])
    return client


def test_bench_patient_list_first_page_with_a_filter(
    benchmark: Any, clinician_client: Client
) -> None:
    response = benchmark(clinician_client.get, "/patients/", {"status": "confirmed"})
    assert response.status_code == 200
    assert "BEN-" in response.content.decode()


def test_bench_name_search(benchmark: Any, clinician_client: Client) -> None:
    location = clinician_client.post("/patients/", {"q": "martin12 cam"})["Location"]
    response = benchmark(clinician_client.get, location)
    assert response.status_code == 200


def test_bench_patient_page(
    benchmark: Any, clinician_client: Client, registry: dict[str, Any]
) -> None:
    patient = (
        Patient.objects.filter(care_episodes__centre=registry["centre"]).order_by("-pk").first()
    )
    assert patient is not None
    response = benchmark(clinician_client.get, f"/patients/{patient.public_id}/")
    assert response.status_code == 200


def test_bench_sdm_mr_export_documents_per_second(
    benchmark: Any, registry: dict[str, Any], db: None
) -> None:
    wanted = min(300, registry["size"])
    patients = Patient.objects.filter(pseudonym__startswith="BEN-").order_by("pk")[:wanted]
    chosen = Patient.objects.filter(pk__in=[p.pk for p in patients])

    def export() -> int:
        return sum(
            len(render_sdm_mr(doc)) > 0
            for _patient, doc in documents(chosen)
            if isinstance(doc, SdmMrDocument)
        )

    written = benchmark(export)
    assert written == wanted
    if benchmark.stats is not None:  # None when make test runs the benchmark once, untimed
        rate = written / benchmark.stats.stats.median
        benchmark.extra_info["documents_par_seconde"] = round(rate)
        print(
            f"\nSDM-MR : {rate:.0f} documents/s (médiane, {wanted} documents, lectures comprises)"
        )
