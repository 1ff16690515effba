"""A patient's follow-up pages: reads audited, outsiders refused with 404 (recorded), the forms
save through the services and explain bad input in French."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.utils import timezone

from filiere.access.actors import SYSTEM
from filiere.access.patients import patient_rights
from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.followup.models import AdverseEvent, BleedingEvent, Treatment, Visit
from filiere.followup.tests.helpers import record_score, record_visit, rfviia_off_label
from filiere.network.models import Centre
from filiere.patients.models import Diagnosis, Patient
from filiere.patients.panels import panels_for
from filiere.testing.factories import with_form_token

ClientFor = Callable[[User], Client]
pytestmark = pytest.mark.usefixtures("atc")


def _base(patient: Patient) -> str:
    return f"/suivi/patients/{patient.public_id}/"


def test_the_follow_up_page_shows_the_history_and_records_the_read(
    patient_a: Patient, centre_a: Centre, glanzmann: Diagnosis, alice: User, client_for: ClientFor
) -> None:
    record_visit(patient_a, centre_a, dt.date(2024, 3, 1), platelet_count=231)
    record_score(patient_a, centre_a)
    rfviia_off_label(patient_a, centre_a, glanzmann)
    response = client_for(alice).get(_base(patient_a))
    html = response.content.decode()
    assert response.status_code == 200
    assert "231" in html
    assert "11</strong>/56" in html
    assert "B02BD08" in html
    assert "hors AMM" in html
    assert "Lefèvre" not in html  # the follow-up pages never show identity
    assert AuditEvent.objects.filter(
        action="view", patient_id=patient_a.public_id, summary__contains="suivi longitudinal"
    ).exists()


def test_an_outsider_gets_404_on_every_follow_up_page_of_the_patient(
    patient_a: Patient, centre_a: Centre, glanzmann: Diagnosis, charlie: User, client_for: ClientFor
) -> None:
    visit = record_visit(patient_a, centre_a, dt.date(2024, 3, 1))
    score = record_score(patient_a, centre_a)
    treatment = rfviia_off_label(patient_a, centre_a, glanzmann)
    base = _base(patient_a)
    client = client_for(charlie)
    pages = [
        "",
        "visites/nouvelle/",
        f"visites/{visit.public_id}/",
        "isth-bat/nouveau/",
        f"isth-bat/{score.public_id}/",
        "saignements/nouveau/",
        "traitements/nouveau/",
        f"traitements/{treatment.public_id}/",
        "evenements-indesirables/nouveau/",
        "carte-de-soins.pdf",
        "carnet-de-suivi.pdf",
    ]
    for page in pages:
        assert client.get(base + page).status_code == 404, page
    for page in ("visites/nouvelle/", "isth-bat/rubrique/", "traitements/nouveau/"):
        assert client.post(base + page, {"domain": "epistaxis"}).status_code == 404, page
    assert (
        AuditEvent.objects.filter(
            action="access_denied", object_id=str(patient_a.public_id)
        ).count()
        == len(pages) + 3
    )
    assert not AuditEvent.objects.filter(action="view", patient_id=patient_a.public_id).exists()
    assert Visit.objects.count() == 1


def test_an_object_of_another_patient_is_not_found(
    patient_a: Patient, centre_a: Centre, alice: User, client_for: ClientFor
) -> None:
    from filiere.testing.factories import make_patient

    other = make_patient(centre_a)
    visit = record_visit(other, centre_a, dt.date(2024, 3, 1))
    response = client_for(alice).get(f"{_base(patient_a)}visites/{visit.public_id}/")
    assert response.status_code == 404


def test_a_visit_is_recorded_through_the_form(
    patient_a: Patient, centre_a: Centre, alice: User, client_for: ClientFor
) -> None:
    response = client_for(alice).post(
        _base(patient_a) + "visites/nouvelle/",
        with_form_token(
            {
                "centre": centre_a.pk,
                "visited_on": "2024-04-02",
                "context": "29",
                "objective": "ORG-047",
                "weight_kg": "61,5",
                "to_complete": "on",
                "missing_data": "Numération à reporter",
            }
        ),
    )
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert (visit.context, visit.to_complete, visit.recorded_by) == ("29", True, alice)


def test_a_visit_in_the_future_is_refused_in_french_and_nothing_is_saved(
    patient_a: Patient, centre_a: Centre, alice: User, client_for: ClientFor
) -> None:
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client_for(alice).post(
        _base(patient_a) + "visites/nouvelle/",
        with_form_token(
            {
                "centre": centre_a.pk,
                "visited_on": tomorrow.isoformat(),
                "context": "11429006",
                "objective": "ORG-047",
            }
        ),
    )
    assert response.status_code == 200
    assert "La date de la visite est dans le futur." in response.content.decode()
    assert not Visit.objects.exists()


def test_an_off_label_prescription_without_framework_is_refused_on_its_field(
    patient_a: Patient, centre_a: Centre, glanzmann: Diagnosis, alice: User, client_for: ClientFor
) -> None:
    data = {
        "centre": centre_a.pk,
        "kind": "administration",
        "atc_code": "b02bd08",
        "indication": "bleed",
        "started_on": "2024-06-01",
        "regulatory_status": "off_label",
        "diagnosis": glanzmann.pk,
        "dose": "90",
        "dose_unit": "µg/kg",
        "route": "iv",
    }
    client = client_for(alice)
    response = client.post(_base(patient_a) + "traitements/nouveau/", with_form_token(data))
    html = response.content.decode()
    assert "Un usage hors AMM exige son cadre" in html
    assert "Un usage hors AMM exige une justification." in html
    assert not Treatment.objects.exists()
    data |= {"off_label_framework": "cpc", "justification": "Avis de RCP du 12/05/2024."}
    assert (
        client.post(_base(patient_a) + "traitements/nouveau/", with_form_token(data)).status_code
        == 302
    )
    treatment = Treatment.objects.get()
    assert treatment.atc is not None
    assert (treatment.atc.code, treatment.off_label_framework) == ("B02BD08", "cpc")


def test_a_bleed_and_an_adverse_event_are_recorded_through_their_forms(
    patient_a: Patient, centre_a: Centre, glanzmann: Diagnosis, alice: User, client_for: ClientFor
) -> None:
    client = client_for(alice)
    response = client.post(
        _base(patient_a) + "saignements/nouveau/",
        with_form_token(
            {
                "centre": centre_a.pk,
                "occurred_on": "2024-06-01",
                "site": "menorrhagia",
                "severity": "major",
                "hospitalised": "on",
                "hospital_days": "2",
            }
        ),
    )
    assert response.status_code == 302
    assert BleedingEvent.objects.get().hospital_days == 2
    treatment = rfviia_off_label(patient_a, centre_a, glanzmann)
    page = client.get(
        f"{_base(patient_a)}evenements-indesirables/nouveau/?traitement={treatment.public_id}"
    )
    assert f'value="{treatment.pk}" selected' in page.content.decode()
    response = client.post(
        _base(patient_a) + "evenements-indesirables/nouveau/",
        with_form_token(
            {
                "centre": centre_a.pk,
                "occurred_on": "2024-06-02",
                "category": "thrombosis",
                "treatment": treatment.pk,
                "serious": "on",
                "description": "Thrombose superficielle.",
                "outcome": "recovered",
            }
        ),
    )
    assert response.status_code == 302
    assert AdverseEvent.objects.get().treatment == treatment


def test_ending_a_treatment_through_its_form(
    patient_a: Patient, centre_a: Centre, glanzmann: Diagnosis, alice: User, client_for: ClientFor
) -> None:
    treatment = rfviia_off_label(patient_a, centre_a, glanzmann, ended_on=None, outcome="")
    url = f"{_base(patient_a)}traitements/{treatment.public_id}/"
    drug = {"atc_code": "B02BD08", "dose": "90", "dose_unit": "µg/kg", "route": "iv"}
    response = client_for(alice).post(url, drug | {"ended_on": "2024-06-03", "outcome": "partial"})
    assert response.status_code == 302
    treatment.refresh_from_db()
    assert (treatment.ended_on, treatment.outcome) == (dt.date(2024, 6, 3), "partial")
    response = client_for(alice).post(url, drug | {"ended_on": "2024-05-01"})
    assert "La fin du traitement précède son début." in response.content.decode()


def test_the_patient_page_panel_shows_the_next_visit(
    patient_a: Patient, centre_a: Centre, rules: int, glanzmann: Diagnosis, alice: User
) -> None:
    record_visit(patient_a, centre_a, dt.date(2024, 3, 1))
    shown = panels_for(alice, patient_a, patient_rights(alice, patient_a))
    (panel,) = [p for p in shown if p["template"] == "followup/panel.html"]
    html = render_to_string(panel["template"], {"panel": panel, "patient": patient_a})
    assert "01/03/2026" in html
    assert "tous les 24 mois" in html


def test_the_follow_up_page_shows_the_comments_recorded_with_the_history(
    patient_a: Patient, centre_a: Centre, glanzmann: Diagnosis, alice: User, client_for: ClientFor
) -> None:
    """A bleed's comment, a visit's other results and comment, a treatment's comment: each
    typed in a form, each shown on the follow-up page."""
    from filiere.followup.services import bleeding_event_record

    bleeding_event_record(
        actor=SYSTEM,
        patient=patient_a,
        centre=centre_a,
        occurred_on=dt.date(2024, 6, 1),
        site="epistaxis",
        severity="major",
        comment="Saignement après un rhume ; méchage aux urgences.",
    )
    record_visit(
        patient_a,
        centre_a,
        dt.date(2024, 3, 1),
        other_results="Ferritine 12 µg/L",
        comment="Fatigue depuis deux mois.",
    )
    rfviia_off_label(patient_a, centre_a, glanzmann, comment="Trois injections à 2 h.")
    html = client_for(alice).get(_base(patient_a)).content.decode()
    assert "Saignement après un rhume ; méchage aux urgences." in html
    assert "Ferritine 12 µg/L" in html
    assert "Fatigue depuis deux mois." in html
    assert "Trois injections à 2 h." in html


def test_one_unit_of_platelets_is_written_in_the_singular(
    patient_a: Patient, centre_a: Centre, glanzmann: Diagnosis, alice: User, client_for: ClientFor
) -> None:
    """« 1 unité », « 2 unités » and a decimal comma for a fractional dose."""
    platelets: dict[str, Any] = {
        "atc_code": "B05AX02",
        "dose_unit": "unités",
        "regulatory_status": Treatment.RegulatoryStatus.NOT_APPLICABLE,
        "off_label_framework": "",
        "justification": "",
    }
    for dose, month in ((1, 6), (2, 7)):
        started = dt.date(2024, month, 1)
        rfviia_off_label(
            patient_a,
            centre_a,
            glanzmann,
            dose=dose,
            started_on=started,
            ended_on=started,
            **platelets,
        )
    started = dt.date(2024, 8, 1)
    rfviia_off_label(
        patient_a, centre_a, glanzmann, dose=22.5, started_on=started, ended_on=started
    )
    html = client_for(alice).get(_base(patient_a)).content.decode()
    assert "1 unité " in html
    assert "2 unités" in html
    assert "1 unités" not in html
    assert "22,5 µg/kg" in html


@pytest.mark.parametrize(
    ("page", "data", "model"),
    [
        (
            "visites/nouvelle/",
            {"visited_on": "2024-04-02", "context": "29", "objective": "ORG-047"},
            Visit,
        ),
        (
            "saignements/nouveau/",
            {"occurred_on": "2024-06-01", "site": "menorrhagia", "severity": "major"},
            BleedingEvent,
        ),
    ],
)
def test_the_same_form_sent_twice_records_once(
    patient_a: Patient,
    centre_a: Centre,
    alice: User,
    client_for: ClientFor,
    page: str,
    data: dict[str, str],
    model: type[Visit] | type[BleedingEvent],
) -> None:
    """Issue 13, finding 12: a double click recorded two visits, two bleeds."""
    client = client_for(alice)
    sent = with_form_token({"centre": centre_a.pk, **data})
    first = client.post(_base(patient_a) + page, sent)
    again = client.post(_base(patient_a) + page, sent, follow=True)

    assert first.status_code == 302
    assert model.objects.count() == 1
    assert again.redirect_chain[0][0] == first["Location"]
    assert "Ce formulaire a déjà été envoyé." in again.content.decode()
