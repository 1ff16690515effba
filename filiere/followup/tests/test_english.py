"""The follow-up pages in English: the ISTH-BAT's domains, questions and scoring key in the
tool's own English wording (Rodeghiero 2010, in the British spelling of the
interface), and the worklist's tabs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone, translation

from filiere.accounts.models import User
from filiere.followup.rhythm import add_months
from filiere.followup.tests.helpers import record_score, record_visit
from filiere.network.models import Centre
from filiere.patients.models import Patient
from filiere.testing.factories import make_patient

ClientFor = Callable[[User], Client]


@pytest.fixture(autouse=True)
def _back_to_french() -> Iterator[None]:
    """The English requests leave English active in the thread: give the next test French."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def _in_english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_isth_bat_interview_asks_its_questions_in_english(
    patient_a: Patient, alice: User, client_for: ClientFor
) -> None:
    client = _in_english(client_for(alice))
    html = client.get(f"/suivi/patients/{patient_a.public_id}/isth-bat/nouveau/").content.decode()
    assert "1. Epistaxis" in html
    assert "Bleeding from minor wounds" in html
    assert "Saignements" not in html
    assert "Consultation only: the patient sought medical evaluation" in html
    assert "Consultation seulement" not in html
    answer = client.post(
        f"/suivi/patients/{patient_a.public_id}/isth-bat/rubrique/",
        {"domain": "epistaxis", "epistaxis-present": "oui", "epistaxis-q-frequent_or_long": "oui"},
    ).content.decode()
    assert "Did you see a doctor about these nosebleeds?" in answer
    assert "the patient sought medical evaluation" in answer


def test_an_isth_bat_assessment_reads_in_english(
    patient_a: Patient, centre_a: Centre, alice: User, client_for: ClientFor
) -> None:
    score = record_score(patient_a, centre_a)
    client = _in_english(client_for(alice))
    url = f"/suivi/patients/{patient_a.public_id}/isth-bat/{score.public_id}/"
    html = client.get(url).content.decode()
    assert "Packing or cauterisation or antifibrinolytic" in html  # epistaxis, score 3
    assert "Menorrhagia" in html
    assert "No/trivial" in html
    assert "Absents ou insignifiants" not in html


def test_the_visit_form_offers_an_unspecified_severity_in_english(
    patient_a: Patient, alice: User, client_for: ClientFor
) -> None:
    client = _in_english(client_for(alice))
    html = client.get(f"/suivi/patients/{patient_a.public_id}/visites/nouvelle/").content.decode()
    assert "— not specified —" in html


def test_the_worklist_tabs_are_in_english(
    centre_a: Centre, nomenclature: None, alice: User, client_for: ClientFor
) -> None:
    late = make_patient(centre_a)
    record_visit(late, centre_a, add_months(timezone.localdate(), -30))
    recent = make_patient(centre_a)
    record_visit(recent, centre_a, timezone.localdate() - dt.timedelta(days=30))
    html = _in_english(client_for(alice)).get(f"/suivi/centres/{centre_a.public_id}/")
    text = html.content.decode()
    assert "Overdue (1)" in text
    assert "Visit due soon (0)" in text
    assert "Up to date (1)" in text
