"""The treatment pages and API under the dose rules: an absurd dose refused beside its field, a
dose outside the usual range saved only once the clinician ticks the confirmation box, the edit
page correcting drug, dose, unit and route, and the button that marks the usual emergency
treatment (refused to an outsider)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from filiere.accounts.models import User
from filiere.followup.models import Treatment
from filiere.followup.services import treatment_mark_emergency
from filiere.followup.tests.helpers import rfviia_off_label
from filiere.network.models import Centre
from filiere.patients.models import Diagnosis, Patient
from filiere.testing.factories import with_form_token

ClientFor = Callable[[User], Client]
pytestmark = pytest.mark.usefixtures("atc")
CHECKBOX = 'type="checkbox" name="dose_confirmed"'


def _base(patient: Patient) -> str:
    return f"/suivi/patients/{patient.public_id}/"


def _rfviia(centre: Centre, glanzmann: Diagnosis, **values: Any) -> dict[str, Any]:
    return {
        "centre": centre.pk,
        "kind": "administration",
        "atc_code": "B02BD08",
        "indication": "bleed",
        "started_on": "2024-06-01",
        "regulatory_status": "off_label",
        "off_label_framework": "cpc",
        "justification": "Avis de RCP du 12/05/2024.",
        "diagnosis": glanzmann.pk,
        "dose": "90",
        "dose_unit": "µg/kg",
        "route": "iv",
    } | values


def test_an_absurd_dose_is_refused_beside_the_dose_field(
    patient_a: Patient, centre_a: Centre, glanzmann: Diagnosis, alice: User, client_for: ClientFor
) -> None:
    """Defect: 900000 mg/kg of rFVIIa was accepted (NovoSeven SmPC 4.2: 15-300 µg/kg)."""
    data = _rfviia(centre_a, glanzmann, dose="900000", dose_unit="mg/kg")
    response = client_for(alice).post(
        _base(patient_a) + "traitements/nouveau/", with_form_token(data)
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["dose"] == [
        "Dose : 900000 mg/kg est hors des bornes possibles pour eptacog alfa activé "
        "(facteur VII activé recombinant) (1–1000 µg/kg)."
    ]
    assert "attendu : µg/kg" in form.errors["dose_unit"][0]
    assert CHECKBOX not in response.content.decode()  # nothing to confirm: it is refused
    assert not Treatment.objects.exists()


def test_rfviia_by_mouth_is_refused_beside_the_route(
    patient_a: Patient, centre_a: Centre, glanzmann: Diagnosis, alice: User, client_for: ClientFor
) -> None:
    data = _rfviia(centre_a, glanzmann, route="oral")
    response = client_for(alice).post(
        _base(patient_a) + "traitements/nouveau/", with_form_token(data)
    )
    assert "ne se donne pas par voie orale" in response.context["form"].errors["route"][0]
    assert not Treatment.objects.exists()


def test_a_dose_outside_the_usual_range_is_saved_once_the_box_is_ticked(
    patient_a: Patient, centre_a: Centre, glanzmann: Diagnosis, alice: User, client_for: ClientFor
) -> None:
    """NovoSeven SmPC 4.2: up to 270 µg/kg; 600 µg/kg is within the bounds, not usual."""
    client = client_for(alice)
    url = _base(patient_a) + "traitements/nouveau/"
    data = _rfviia(centre_a, glanzmann, dose="600")
    first = client.post(url, with_form_token(data | {"justification": ""}))
    html = first.content.decode()
    errors = first.context["form"].errors
    assert "est hors de la plage usuelle" in errors["dose"][0]
    assert "justification" in errors  # every error at once, not one per round
    assert CHECKBOX in html
    first = client.post(url, with_form_token(data))
    html = first.content.decode()
    assert CHECKBOX in html
    assert "Je confirme cette dose hors plage usuelle" in html
    assert not Treatment.objects.exists()
    assert client.post(url, with_form_token(data | {"dose_confirmed": "on"})).status_code == 302
    treatment = Treatment.objects.get()
    assert (treatment.dose, treatment.dose_confirmed_by) == (600, alice)
    page = client.get(_base(patient_a)).content.decode()
    assert "dose hors plage usuelle confirmée par Alice Durand le" in page


def test_the_edit_page_corrects_the_drug_dose_unit_and_route(
    patient_a: Patient, centre_a: Centre, glanzmann: Diagnosis, alice: User, client_for: ClientFor
) -> None:
    """Defect: the edit page could not change the dose, the route nor the drug."""
    treatment = rfviia_off_label(patient_a, centre_a, glanzmann)
    treatment_mark_emergency(actor=alice, treatment=treatment, usual=True)
    url = f"{_base(patient_a)}traitements/{treatment.public_id}/"
    client = client_for(alice)
    page = client.get(url)
    assert "le retire de la carte de soins" in page.content.decode()
    form = page.context["form"]
    assert (form["atc_code"].value(), form["dose"].value(), form["route"].value()) == (
        "B02BD08",
        Decimal(90),
        "iv",
    )
    kept = {"ended_on": "2024-06-02", "outcome": "effective", "doses_count": "3"}
    refused = client.post(
        url, kept | {"atc_code": "B02BD08", "dose": "900000", "dose_unit": "µg/kg", "route": "iv"}
    )
    assert "hors des bornes possibles" in refused.context["form"].errors["dose"][0]
    changed = client.post(
        url, kept | {"atc_code": "B02AA02", "dose": "1", "dose_unit": "g", "route": "oral"}
    )
    assert changed.status_code == 302
    treatment.refresh_from_db()
    assert treatment.atc is not None
    assert (treatment.atc.code, treatment.dose, treatment.dose_unit, treatment.route) == (
        "B02AA02",
        1,
        "g",
        "oral",
    )
    assert treatment.category == "antifibrinolytic"
    assert not treatment.usual_emergency  # the validated rFVIIa is no longer what it holds


def test_the_button_marks_and_unmarks_the_usual_emergency_treatment(
    patient_a: Patient, centre_a: Centre, glanzmann: Diagnosis, alice: User, client_for: ClientFor
) -> None:
    treatment = rfviia_off_label(patient_a, centre_a, glanzmann)
    client = client_for(alice)
    url = f"{_base(patient_a)}traitements/{treatment.public_id}/urgence/"
    assert client.get(url).status_code == 405
    button = f'action="{url}" class="inline-form"'
    assert button in client.get(_base(patient_a)).content.decode()
    assert client.post(url, {"usual": "1"}).status_code == 302
    treatment.refresh_from_db()
    assert (treatment.usual_emergency, treatment.emergency_validated_by) == (True, alice)
    page = client.get(_base(patient_a)).content.decode()
    assert 'data-testid="usual-emergency"' in page
    assert f"validé par Alice Durand le {timezone.localdate():%d/%m/%Y}" in page
    assert client.post(url, {"usual": "0"}).status_code == 302
    treatment.refresh_from_db()
    assert not treatment.usual_emergency


def test_an_outsider_cannot_mark_the_emergency_treatment(
    patient_a: Patient, centre_a: Centre, glanzmann: Diagnosis, charlie: User, client_for: ClientFor
) -> None:
    treatment = rfviia_off_label(patient_a, centre_a, glanzmann)
    url = f"{_base(patient_a)}traitements/{treatment.public_id}/urgence/"
    assert client_for(charlie).post(url, {"usual": "1"}).status_code == 404
    treatment.refresh_from_db()
    assert not treatment.usual_emergency


def test_the_api_applies_the_same_dose_rules(
    patient_a: Patient, centre_a: Centre, glanzmann: Diagnosis, alice: User, client_for: ClientFor
) -> None:
    client = client_for(alice)
    url = f"/api/v1/suivi/patients/{patient_a.public_id}/traitements"
    data = {
        "centre_id": str(centre_a.public_id),
        "kind": "administration",
        "atc_code": "B02BD08",
        "indication": "bleed",
        "started_on": "2024-06-01",
        "regulatory_status": "off_label",
        "off_label_framework": "cpc",
        "justification": "Avis de RCP.",
        "diagnosis_id": str(glanzmann.public_id),
        "dose": "900000",
        "dose_unit": "mg/kg",
        "route": "iv",
    }

    def post(values: dict[str, Any]) -> Any:
        return client.post(url, data | values, content_type="application/json")

    absurd = post({})
    assert absurd.status_code == 422
    assert {e["champ"] for e in absurd.json()["erreurs"]} == {"dose", "dose_unit"}
    by_mouth = post({"dose": "90", "dose_unit": "µg/kg", "route": "oral"})
    assert [e["champ"] for e in by_mouth.json()["erreurs"]] == ["route"]
    unusual = post({"dose": "600", "dose_unit": "µg/kg"})
    assert unusual.status_code == 422
    assert "confirmez cette dose" in unusual.json()["erreurs"][0]["message"]
    confirmed = post({"dose": "600", "dose_unit": "µg/kg", "dose_confirmed": True})
    assert confirmed.status_code == 201
    assert confirmed.json()["dose_confirmed"] is True
    assert Treatment.objects.get().dose_confirmed_by == alice


def test_the_api_marks_the_usual_emergency_treatment_and_refuses_an_outsider(
    patient_a: Patient,
    centre_a: Centre,
    glanzmann: Diagnosis,
    alice: User,
    charlie: User,
    client_for: ClientFor,
) -> None:
    treatment = rfviia_off_label(patient_a, centre_a, glanzmann)
    url = f"/api/v1/suivi/patients/{patient_a.public_id}/traitements/{treatment.public_id}/urgence"
    refused = client_for(charlie).post(url, {"usual": True}, content_type="application/json")
    assert refused.status_code == 404
    marked = client_for(alice).post(url, {"usual": True}, content_type="application/json")
    assert marked.status_code == 200
    assert marked.json()["usual_emergency"] is True
    treatment.refresh_from_db()
    assert treatment.emergency_validated_by == alice
