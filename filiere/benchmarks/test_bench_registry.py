"""The registry at scale: list page, name search, patient page and the SDM-MR export.

The synthetic registry is the ``registry`` fixture of ``conftest.py`` (``BENCH_PATIENTS``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db.models import QuerySet
from django.test import Client

from filiere.exports.sdm_mr import SdmMrDocument, render_sdm_mr
from filiere.patients.models import Patient
from filiere.patients.sdm_mr import documents

pytestmark = [pytest.mark.bench]


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


def _rendered_per_second(
    benchmark: Any,
    registry: dict[str, Any],
    render_all: Callable[[QuerySet[Patient]], int],
    *,
    what: str,
    unit: str,
) -> None:
    """Time ``render_all`` over 300 patients of the registry (reads included) and report the
    rate; every chosen patient must be rendered."""
    wanted = min(300, registry["size"])
    patients = Patient.objects.filter(pseudonym__startswith="BEN-").order_by("pk")[:wanted]
    chosen = Patient.objects.filter(pk__in=[p.pk for p in patients])
    written = benchmark(render_all, chosen)
    assert written == wanted
    if benchmark.stats is not None:  # None when make test runs the benchmark once, untimed
        rate = written / benchmark.stats.stats.median
        benchmark.extra_info[f"{unit}_par_seconde"] = round(rate)
        print(f"\n{what} : {rate:.0f} {unit}/s (médiane, {wanted} patients, lectures comprises)")


def test_bench_sdm_mr_export_documents_per_second(
    benchmark: Any, registry: dict[str, Any], db: None
) -> None:
    def export(chosen: QuerySet[Patient]) -> int:
        return sum(
            len(render_sdm_mr(doc)) > 0
            for _patient, doc in documents(chosen)
            if isinstance(doc, SdmMrDocument)
        )

    _rendered_per_second(benchmark, registry, export, what="SDM-MR", unit="documents")


def _corrected_patient(registry: dict[str, Any]) -> tuple[Patient, Any]:
    """A patient of the centre whose variant was corrected five times and a diagnosis withdrawn."""
    from filiere.core.corrections import record_correct, record_withdraw

    patient = (
        Patient.objects.filter(
            care_episodes__centre=registry["centre"], genetic_findings__isnull=False
        )
        .order_by("-pk")
        .first()
    )
    assert patient is not None
    finding = patient.genetic_findings.current().first()
    assert finding is not None
    user = registry["user"]
    for number in range(5):
        record_correct(
            actor=user,
            record=finding,
            reason=f"Relecture {number}",
            values={"laboratory": f"Laboratoire {number}"},
        )
    diagnosis = patient.diagnoses.current().first()
    if diagnosis is not None:
        record_withdraw(actor=user, record=diagnosis, reason="Saisie erronée")
    return patient, finding


def test_bench_patient_page_with_history(
    benchmark: Any, clinician_client: Client, registry: dict[str, Any]
) -> None:
    patient, _finding = _corrected_patient(registry)
    response = benchmark(clinician_client.get, f"/patients/{patient.public_id}/")
    assert response.status_code == 200
    assert "historique" in response.content.decode()


def test_bench_record_history_page(
    benchmark: Any, clinician_client: Client, registry: dict[str, Any]
) -> None:
    patient, finding = _corrected_patient(registry)
    url = f"/patients/{patient.public_id}/enregistrements/variant/{finding.public_id}/historique/"
    response = benchmark(clinician_client.get, url)
    assert response.status_code == 200
    assert "Relecture 4" in response.content.decode()


def test_bench_diagnosis_observatory_network_view(
    benchmark: Any, registry: dict[str, Any], db: None
) -> None:
    """The network coordinator's diagnosis observatory over the whole registry (issue 15: < 1 s
    on the million-patient registry)."""
    from filiere.accounts.models import User
    from filiere.network.models import Role
    from filiere.testing.factories import give_role, make_user

    email = "observatoire-bench@filiere.test"
    user = User.objects.filter(email=email).first()
    if user is None:
        user = make_user(email=email, first_name="Anne", last_name="Réseau")
        give_role(user, registry["centre"], Role.NETWORK_COORDINATOR)
    client = Client()
    client.force_login(user)
    # The page reads a snapshot of the figures (recomputed nightly, or on « Recalculer »): the
    # first count is timed apart, then the page as its readers get it.
    started = time.perf_counter()
    assert client.post("/observatoire/diagnostic/").status_code == 302
    counted = time.perf_counter() - started
    print(f"\nObservatoire : chiffres comptés en {counted:.1f} s ({registry['size']} patients)")
    response = benchmark(client.get, "/observatoire/diagnostic/")
    assert response.status_code == 200
    centre = registry["centre"]
    assert (centre.short_name or centre.name) in response.content.decode()


def test_bench_fhir_export_bundles_per_second(
    benchmark: Any, registry: dict[str, Any], db: None
) -> None:
    """Issue 15: FHIR R4B bundles rendered per second, reads included (target ≥ 300/s)."""
    from filiere.exports.fhir import render_fhir_bundle
    from filiere.patients.fhir import fhir_records

    def export(chosen: QuerySet[Patient]) -> int:
        return sum(
            len(render_fhir_bundle(record)) > 0
            for _patient, record in fhir_records(chosen)
            if record is not None
        )

    _rendered_per_second(benchmark, registry, export, what="FHIR", unit="bundles")


def test_bench_phenopacket_export_per_second(
    benchmark: Any, registry: dict[str, Any], db: None
) -> None:
    """Issue 15: GA4GH Phenopackets v2 rendered per second, reads included (target ≥ 300/s)."""
    from filiere.exports.phenopackets import render_phenopacket
    from filiere.patients.phenopackets import phenopacket_records

    def export(chosen: QuerySet[Patient]) -> int:
        return sum(
            len(render_phenopacket(record)) > 0
            for _patient, record in phenopacket_records(chosen)
            if record is not None
        )

    _rendered_per_second(benchmark, registry, export, what="Phenopackets", unit="phenopackets")
