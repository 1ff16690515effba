"""Issue 15: the diagnosis observatory. Its delays and dead-end shares are recomputed here from
the records, one diagnosis at a time with the pure formulas; small cells are masked in the
network-wide view; each centre's data manager sees her incomplete records, nobody else's."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from filiere.access.actors import SYSTEM
from filiere.access.patients import ReportScope, registry_report_scope
from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.clinical import diagnostic_delay as dd
from filiere.lib.partial_dates import PartialDate
from filiere.network.models import Centre, Role
from filiere.nomenclature.demo import DEFAULT_GROUPS
from filiere.nomenclature.services import disease_group_save
from filiere.patients.models import AgeCategory, Diagnosis, DiagnosisStatus, Patient
from filiere.patients.observatory import figures
from filiere.patients.services import diagnosis_record
from filiere.testing.factories import give_role, glanzmann_values, make_patient, make_user

pytestmark = pytest.mark.django_db

URL = "/observatoire/diagnostic/"
DURING_LIFE = AgeCategory.DURING_LIFE


@pytest.fixture
def groups(nomenclature: None) -> None:
    for position, (slug, name, roots, icd10) in enumerate(DEFAULT_GROUPS):
        disease_group_save(
            actor=SYSTEM,
            slug=slug,
            name=name,
            position=position,
            orpha_codes=roots,
            icd10_prefixes=icd10,
        )


def _glanzmann(patient: Patient, centre: Centre, onset_months: int, **values: object) -> Diagnosis:
    return diagnosis_record(
        actor=SYSTEM,
        patient=patient,
        centre=centre,
        **glanzmann_values(onset_months=onset_months, **values),
    )


def _dead_end(patient: Patient, centre: Centre) -> Diagnosis:
    return diagnosis_record(
        actor=SYSTEM,
        patient=patient,
        centre=centre,
        orpha_code=616874,
        status=DiagnosisStatus.EQUIVOCAL,
        diagnosis_date=PartialDate(1995, 1),
        onset_category=DURING_LIFE,
        onset_years=1,
        clinical_dx_category=DURING_LIFE,
        clinical_dx_years=4,
        genetic_dx_category=AgeCategory.UNDETERMINED,
    )


@pytest.fixture
def registry(centre_a: Centre, centre_b: Centre, groups: None) -> dict[str, Patient]:
    """Centre A: six Glanzmann patients (clinical diagnosis at 2 years, first signs at 1 to 11
    months, genetic diagnosis at 3 years), one ICD-10-coded patient, two dead ends (one resolved
    in 1998), one patient followed without a diagnosis. Centre B: two Glanzmann patients."""
    patients: dict[str, Patient] = {}
    for i, onset in enumerate((1, 3, 5, 7, 9, 11)):
        patients[f"a{i}"] = p = make_patient(centre_a)
        _glanzmann(p, centre_a, onset, inheritance="" if i == 0 else "75741005")
    patients["icd10"] = p = make_patient(centre_a)
    _glanzmann(p, centre_a, 6, orpha_code=None, icd10_code="D69.1", genes=[])
    patients["stuck"] = p = make_patient(centre_a)
    _dead_end(p, centre_a)
    patients["resolved"] = p = make_patient(centre_a)
    _dead_end(p, centre_a)
    _glanzmann(p, centre_a, 12, diagnosis_date=PartialDate(1998, 6))
    patients["bare"] = make_patient(centre_a)
    for i in range(2):
        patients[f"b{i}"] = p = make_patient(centre_b)
        _glanzmann(p, centre_b, 4)
    return patients


def _expected_clinical(diagnoses: list[Diagnosis]) -> dd.Quartiles | None:
    delays = [
        dd.delay_months(
            dd.age_in_months(d.onset_category, d.onset_years, d.onset_months),
            dd.age_in_months(d.clinical_dx_category, d.clinical_dx_years, d.clinical_dx_months),
        )
        for d in diagnoses
    ]
    return dd.quartiles(dd.histogram(delays))


def _whole(centre_ids: set[int] | None) -> ReportScope:
    ids = None if centre_ids is None else frozenset(centre_ids)
    return ReportScope(centre_ids=ids, masked=False, records_centre_ids=frozenset())


def test_delays_are_recomputed_from_the_records(
    registry: dict[str, Patient], centre_a: Centre
) -> None:
    page = figures.observatory(_whole(None))
    everything = list(Diagnosis.objects.current())
    assert page.overall is not None
    assert page.overall.clinical == _expected_clinical(everything)
    by_centre = {row.label: row for row in page.by_centre}
    in_a = [d for d in everything if d.centre_id == centre_a.pk]
    assert by_centre["Centre A"].clinical == _expected_clinical(in_a)
    # First signs at 1, 3, 5, 7, 9, 11 months, diagnosis at 24: delays 23, 21, 19, 17, 15, 13.
    glanzmann_a = [d for d in in_a if d.orpha is not None and d.orpha.code == 849]
    assert _expected_clinical(glanzmann_a[:6]) == dd.Quartiles(6, 15.5, 18.0, 20.5)
    # Diagnosed in 1993 to 1998: one row for the years before the last ten.
    assert [row.label for row in page.by_year] == [f"Avant {figures.first_year_shown()}"]
    # An age at genetic diagnosis on every Glanzmann record (8 in A, 2 in B), none on dead ends.
    assert page.overall.genetic is not None
    assert page.overall.genetic.count == 10


def test_an_icd10_coded_patient_is_in_its_group(registry: dict[str, Patient]) -> None:
    page = figures.observatory(_whole(None))
    groups = {row.label: row for row in page.by_group}
    # Six + one resolved Glanzmann in A, two in B, and the D69.1 patient: all thrombopathies.
    assert groups["Thrombopathies"].clinical_count == 10


def test_dead_ends_and_genetic_confirmation_by_centre(
    registry: dict[str, Patient], centre_a: Centre
) -> None:
    page = figures.observatory(_whole({centre_a.pk}))
    (row,) = page.centres
    # Nine patients with a diagnosis (the tenth has none); one dead end still open (the other
    # was resolved); eight confirmed diagnoses with an age at genetic diagnosis.
    assert (row.patients, row.dead_ends, row.genetic) == (9, 1, 8)
    assert (row.dead_end_share, row.genetic_share) == (11.1, 88.9)
    assert page.resolved == [(1998, 1)]


def test_completeness_counts_the_empty_items(
    registry: dict[str, Patient], centre_a: Centre
) -> None:
    page = figures.observatory(_whole({centre_a.pk}))
    (row,) = page.completeness
    missing = dict(zip(figures.ITEMS, row.missing, strict=True))
    assert missing["Aucun diagnostic enregistré"] == 1
    # Patients with a diagnosis lacking « sporadique ou familial »: a0, the two with a dead-end
    # record and the D69.1 patient (the factory leaves it empty).
    assert missing["Cas sporadique ou familial"] == 1 + 2 + 1
    records = figures.incomplete_records(
        ReportScope(frozenset({centre_a.pk}), False, frozenset({centre_a.pk}))
    )
    pseudonyms = {r.pseudonym: r.items for r in records}
    assert pseudonyms[registry["bare"].pseudonym] == ["Aucun diagnostic enregistré"]
    assert registry["b0"].pseudonym not in pseudonyms


def test_small_cells_are_masked_in_the_network_view(registry: dict[str, Patient]) -> None:
    page = figures.observatory(ReportScope(None, True, frozenset()))
    by_centre = {row.label: row for row in page.by_centre}
    assert by_centre["Centre B"].clinical_count == "< 5"
    assert by_centre["Centre B"].clinical is None
    centres = {row.centre: row for row in page.centres}
    assert centres["Centre B"].patients == "< 5"
    assert centres["Centre B"].dead_end_share is None
    # Centre A's dead ends (1) are masked, and so is their share.
    assert centres["Centre A"].dead_ends == "< 5"
    assert centres["Centre A"].dead_end_share is None
    assert centres["Centre A"].patients == 9


@pytest.fixture
def data_manager(centre_a: Centre) -> User:
    user = make_user(email="dm@hopital.test", first_name="Léa", last_name="Petit")
    give_role(user, centre_a, Role.DATA_MANAGER)
    return user


def test_the_page_for_a_centres_data_manager(
    registry: dict[str, Patient], data_manager: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(data_manager).get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert registry["bare"].pseudonym in page
    assert registry["b0"].pseudonym not in page
    assert "Centre B" not in page
    assert AuditEvent.objects.filter(
        actor=data_manager, object_type="patients.diagnosis_observatory"
    ).exists()
    listed = AuditEvent.objects.get(actor=data_manager, object_type="patients.patient")
    assert "dossiers incomplets" in listed.summary
    csv = client_for(data_manager).get(URL + "dossiers-incomplets.csv").content.decode()
    assert registry["bare"].pseudonym in csv
    assert "Martin" not in csv


def test_the_network_coordinator_sees_counts_only(
    registry: dict[str, Patient],
    network_coordinator: User,
    client_for: Callable[[User], Client],
) -> None:
    response = client_for(network_coordinator).get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert registry["bare"].pseudonym not in page
    assert "Centre B" in page
    assert "&lt; 5" in page
    csv = client_for(network_coordinator).get(URL + "export.csv")
    assert csv.status_code == 200
    assert "Impasse" in csv.content.decode()
    assert client_for(network_coordinator).get(URL + "dossiers-incomplets.csv").status_code == 404


def test_a_clinician_without_statistics_gets_404(
    registry: dict[str, Patient], alice: User, client_for: Callable[[User], Client]
) -> None:
    assert registry_report_scope(alice) is None
    assert client_for(alice).get(URL).status_code == 404
    assert AuditEvent.objects.filter(actor=alice, action=AuditEvent.Action.ACCESS_DENIED).exists()


def test_a_future_year_is_refused_with_a_french_message(
    registry: dict[str, Patient], data_manager: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(data_manager).get(URL, {"year": 2999})
    assert response.status_code == 200
    assert "Année du diagnostic : l&#x27;année est dans le futur." in response.content.decode()


def _patients_counted(page: str, centre: str) -> str:
    row = page.split(f"<tr><td>{centre}</td><td>", 1)[1]
    return row.split("</td>", 1)[0]


def test_the_page_reads_a_snapshot_and_recomputes_it_on_demand(
    registry: dict[str, Patient],
    centre_a: Centre,
    data_manager: User,
    client_for: Callable[[User], Client],
) -> None:
    """Seen at a million patients: the page counted every diagnosis on each view (9 s)."""
    client = client_for(data_manager)
    assert _patients_counted(client.get(URL).content.decode(), "Centre A") == "9"
    newcomer = make_patient(centre_a)
    _glanzmann(newcomer, centre_a, 2)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(URL).content.decode()
    assert not [q for q in queries.captured_queries if "COUNT(DISTINCT" in q["sql"]]
    assert _patients_counted(page, "Centre A") == "9"
    assert "Chiffres calculés le" in page
    response = client.post(URL + "?year=", {})
    assert response.status_code == 302
    assert _patients_counted(client.get(URL).content.decode(), "Centre A") == "10"


def test_readers_of_different_scopes_never_share_a_snapshot(
    registry: dict[str, Patient],
    data_manager: User,
    network_coordinator: User,
    client_for: Callable[[User], Client],
) -> None:
    network = client_for(network_coordinator).get(URL).content.decode()
    assert "Centre B" in network
    assert "Centre B" not in client_for(data_manager).get(URL).content.decode()


def test_an_outsider_cannot_recompute(
    registry: dict[str, Patient], alice: User, client_for: Callable[[User], Client]
) -> None:
    assert client_for(alice).post(URL).status_code == 404


def test_the_nightly_warm_up_counts_the_network_and_each_centre(
    registry: dict[str, Patient], centre_a: Centre, settings: Any
) -> None:
    assert figures.observatory_warm() == 1 + Centre.objects.filter(is_active=True).count()
    only_a = ReportScope(frozenset({centre_a.pk}), masked=False, records_centre_ids=frozenset())
    kept = cache.get(figures._snapshot_key(only_a, None, None))
    assert isinstance(kept, figures.Snapshot)
    assert {row.centre for row in kept.figures.centres} == {"Centre A"}
    assert settings.CELERY_BEAT_SCHEDULE["observatory-warm"]["task"] == (
        "patients.observatory_warm"
    )
