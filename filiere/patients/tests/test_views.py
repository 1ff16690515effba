"""Registry pages: who sees what, reads audited, names never in URLs, bad input explained."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from filiere.access.actors import SYSTEM
from filiere.accounts.models import User
from filiere.audit.chain import chain_extra_queries
from filiere.audit.models import AuditEvent
from filiere.identity.models import Identity
from filiere.network.models import Centre, Role
from filiere.patients.models import Diagnosis, Patient
from filiere.patients.services import (
    diagnosis_record,
    genetic_finding_record,
    phenotype_record,
)
from filiere.testing.factories import (
    give_role,
    glanzmann_values,
    make_patient,
    make_user,
    with_form_token,
)

ClientFor = Callable[[User], Client]


def test_clinician_sees_her_patient_and_the_read_is_audited(
    patient_a: Patient, alice: User, client_for: ClientFor
) -> None:
    response = client_for(alice).get(f"/patients/{patient_a.public_id}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert patient_a.pseudonym in html
    assert "Lefèvre" in html  # a clinician of a following centre sees identity
    event = AuditEvent.objects.get(action="view", patient_id=patient_a.public_id)
    assert event.actor == alice
    assert "Lefèvre" not in event.summary


def test_clinician_of_another_centre_gets_404_and_the_attempt_is_recorded(
    patient_a: Patient, charlie: User, client_for: ClientFor
) -> None:
    client = client_for(charlie)
    assert client.get(f"/patients/{patient_a.public_id}/").status_code == 404
    assert client.get(f"/patients/{patient_a.public_id}/diagnostics/nouveau/").status_code == 404
    assert client.get(f"/patients/{patient_a.public_id}/identite/").status_code == 404
    assert not AuditEvent.objects.filter(action="view", patient_id=patient_a.public_id).exists()
    assert AuditEvent.objects.filter(
        action="access_denied", object_id=str(patient_a.public_id)
    ).exists()
    assert patient_a.pseudonym not in client.get("/patients/").content.decode()


def test_transfusion_specialist_without_registry_role_cannot_list_patients(
    patient_a: Patient, centre_a: Centre, client_for: ClientFor
) -> None:
    """The registry's list stays closed; since issue 11 (defect 11) it sends transfusion
    specialists to their own search, which lists nobody until they search."""
    specialist = make_user()
    give_role(specialist, centre_a, Role.TRANSFUSION_SPECIALIST)
    response = client_for(specialist).get("/patients/", follow=True)
    assert response.redirect_chain == [("/transfusion/patients/", 302)]
    assert patient_a.pseudonym not in response.content.decode()


def test_patient_list_reads_the_identity_table_once_for_the_treating_team(
    patient_a: Patient, alice: User, client_for: ClientFor
) -> None:
    client = client_for(alice)
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/patients/").content.decode()
    assert patient_a.pseudonym in html
    assert "Lefèvre" in html
    assert sum("identity_traits" in q["sql"] for q in queries.captured_queries) == 1


def test_patient_list_query_count_does_not_grow_with_patients(
    centre_a: Centre, alice: User, nomenclature: None, client_for: ClientFor
) -> None:
    client = client_for(alice)
    for _ in range(3):
        patient = make_patient(centre_a)
        diagnosis_record(actor=SYSTEM, patient=patient, centre=centre_a, **glanzmann_values())
    client.get("/patients/")
    with CaptureQueriesContext(connection) as few:
        assert client.get("/patients/").status_code == 200
    for _ in range(10):
        make_patient(centre_a)
    with CaptureQueriesContext(connection) as many:
        html = client.get("/patients/").content.decode()
    assert len(many) == len(few)
    # 12, plus the page's identities read in one query and their reads recorded in one INSERT
    # (linked into the audit chain).
    assert len(many) <= 14 + chain_extra_queries()
    assert html.count("/patients/") >= 13


def test_patient_page_query_count_is_bounded_whatever_the_record_holds(
    patient_a: Patient, centre_a: Centre, alice: User, nomenclature: None, client_for: ClientFor
) -> None:
    def add_records(orpha: int, positions: tuple[int, ...], hpo_ids: tuple[str, ...]) -> None:
        # A disease is recorded once per patient: each call adds another one.
        diagnosis_record(
            actor=SYSTEM, patient=patient_a, centre=centre_a, **glanzmann_values(orpha_code=orpha)
        )
        for position in positions:
            genetic_finding_record(
                actor=SYSTEM,
                patient=patient_a,
                gene="ITGB3",
                hgvs=f"NM_000212.3:c.{position}G>A",
                zygosity="heterozygous",
                acmg_class=4,
                technique="panel",
            )
        for hpo_id in hpo_ids:
            phenotype_record(actor=SYSTEM, patient=patient_a, hpo_id=hpo_id)

    client = client_for(alice)
    url = f"/patients/{patient_a.public_id}/"
    add_records(849, (1697,), ("HP:0001873",))
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    add_records(274, (1698, 1699, 1700), ("HP:0000421", "HP:0000132"))
    with CaptureQueriesContext(connection) as many:
        html = client.get(url).content.decode()
    assert "c.1700G&gt;A" in html
    # Each panel reads its records in one query, however many there are.
    assert len(many) == len(few)
    assert len(many) <= 32 + chain_extra_queries()  # one audit write: the record viewed


def test_name_search_is_accent_insensitive_and_keeps_the_name_out_of_the_url(
    patient_a: Patient, alice: User, client_for: ClientFor
) -> None:
    client = client_for(alice)
    response = client.post("/patients/", {"q": "lefevre elo"})
    assert response.status_code == 302
    assert "lefevre" not in response["Location"].lower()
    html = client.get(response["Location"]).content.decode()
    assert patient_a.pseudonym in html


def test_an_outsider_cannot_find_a_patient_by_name(
    patient_a: Patient, charlie: User, client_for: ClientFor
) -> None:
    client = client_for(charlie)
    response = client.post("/patients/", {"q": "Lefèvre"})
    assert patient_a.pseudonym not in client.get(response["Location"]).content.decode()


def test_registering_a_patient_through_the_form(
    centre_a: Centre, alice: User, nomenclature: None, client_for: ClientFor
) -> None:
    response = client_for(alice).post(
        "/patients/inclure/",
        with_form_token(
            {
                "birth_name": "Nguyễn",
                "birth_first_names": "Anh Thu",
                "first_given_name": "Anh",
                "birth_date": "2012-04-02",
                "sex": "F",
                "status": "provisional",
                "centre": centre_a.pk,
                "inclusion_date": "03/2020",
                "referred_by": ["ORG-182"],
            }
        ),
    )
    assert response.status_code == 302
    patient = Patient.objects.get()
    assert response["Location"] == f"/patients/{patient.public_id}/"
    assert Identity.objects.get(link=patient.identity_link).birth_name == "Nguyễn"


def test_registration_form_explains_bad_input_in_french(
    centre_a: Centre, alice: User, nomenclature: None, client_for: ClientFor
) -> None:
    response = client_for(alice).post(
        "/patients/inclure/",
        with_form_token(
            {
                "birth_name": "Durand",
                "birth_first_names": "Léo",
                "first_given_name": "Léo",
                "birth_date": "2012-04-02",
                "sex": "M",
                "status": "provisional",
                "centre": centre_a.pk,
                "inclusion_date": "31/02/2020",
                "referred_by": ["ORG-182"],
                "ins_matricule": "123",
            }
        ),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Jour invalide" in html
    assert Patient.objects.count() == 0


def test_unknown_orpha_code_is_refused_by_the_form_and_nothing_is_saved(
    patient_a: Patient, centre_a: Centre, alice: User, client_for: ClientFor
) -> None:
    response = client_for(alice).post(
        f"/patients/{patient_a.public_id}/diagnostics/nouveau/",
        with_form_token(
            {
                "orpha_code": "ORPHA:999999",
                "status": "confirmed",
                "centre": centre_a.pk,
                "onset_category": "373068000",
                "clinical_dx_category": "373068000",
                "genetic_dx_category": "373068000",
            }
        ),
    )
    assert response.status_code == 200
    assert "inconnu de la nomenclature" in response.content.decode()
    assert Diagnosis.objects.count() == 0


def test_adding_a_diagnosis_through_the_form(
    patient_a: Patient, centre_a: Centre, alice: User, client_for: ClientFor
) -> None:
    response = client_for(alice).post(
        f"/patients/{patient_a.public_id}/diagnostics/nouveau/",
        with_form_token(
            {
                "orpha_code": "849",
                "status": "confirmed",
                "centre": centre_a.pk,
                "diagnosis_date": "2019",
                "onset_category": "255407002",
                "clinical_dx_category": "767023003",
                "clinical_dx_years": "1",
                "genetic_dx_category": "767023003",
                "genetic_dx_years": "2",
                "genes": "ITGA2B ITGB3",
            }
        ),
    )
    assert response.status_code == 302
    diagnosis = Diagnosis.objects.get()
    assert sorted(diagnosis.genes.values_list("symbol", flat=True)) == ["ITGA2B", "ITGB3"]


def test_hpo_suggestions_come_from_the_ontology(
    alice: User, patient_a: Patient, client_for: ClientFor
) -> None:
    html = client_for(alice).get("/patients/hpo/", {"q": "thrombocytopenia"}).content.decode()
    assert "HP:0001873" in html


def test_identity_traits_never_reach_a_log_line(
    centre_a: Centre, alice: User, nomenclature: None, client_for: ClientFor, caplog: Any
) -> None:
    import logging

    caplog.set_level(logging.DEBUG)
    client = client_for(alice)
    client.post(
        "/patients/inclure/",
        with_form_token(
            {
                "birth_name": "Quinzelaire",
                "birth_first_names": "Ysoline",
                "first_given_name": "Ysoline",
                "birth_date": "2012-04-02",
                "sex": "F",
                "status": "provisional",
                "centre": centre_a.pk,
                "inclusion_date": "03/2020",
                "referred_by": ["ORG-182"],
            }
        ),
    )
    patient = Patient.objects.get()
    client.get(f"/patients/{patient.public_id}/")
    client.get(client.post("/patients/", {"q": "Quinzelaire"})["Location"])
    client.get("/patients/00000000-0000-0000-0000-000000000000/")  # a 404, in the request log
    assert caplog.records
    assert "Quinzelaire" not in caplog.text
    assert "Ysoline" not in caplog.text


def test_the_list_filters_patients_whose_follow_up_visit_is_overdue(
    patient_a: Patient, centre_a: Centre, alice: User, client_for: ClientFor
) -> None:
    from django.utils import timezone

    from filiere.followup.tests.helpers import record_visit

    recent = make_patient(centre_a)
    record_visit(recent, centre_a, timezone.localdate())  # seen today: not overdue
    # patient_a: included in 2020, never seen since: overdue (its schedule was written when
    # its care episode opened).
    client = client_for(alice)
    overdue = client.get("/patients/", {"followup": "overdue"}).content.decode()
    assert patient_a.pseudonym in overdue
    assert recent.pseudonym not in overdue


def test_the_same_registration_sent_twice_makes_one_patient(
    centre_a: Centre, alice: User, nomenclature: None, client_for: ClientFor
) -> None:
    """Issue 13, finding 12: a double click registered the patient twice."""
    client = client_for(alice)
    data = with_form_token(
        {
            "birth_name": "Lambert",
            "birth_first_names": "Jade",
            "first_given_name": "Jade",
            "birth_date": "2012-04-02",
            "sex": "F",
            "status": "provisional",
            "centre": centre_a.pk,
            "inclusion_date": "03/2020",
            "referred_by": ["ORG-182"],
        }
    )
    first = client.post("/patients/inclure/", data)
    again = client.post("/patients/inclure/", data, follow=True)

    patient = Patient.objects.get()
    assert first["Location"] == f"/patients/{patient.public_id}/"
    assert again.redirect_chain[0][0] == first["Location"]
    assert "Ce formulaire a déjà été envoyé." in again.content.decode()
