"""Issue 17: the care cards of a centre's patients expected at a visit, printed at once from
its worklist: one A4 page per patient in one PDF written by the worker, the same page as the
patient's own card, each print audited on its patient, the file downloaded by its requester
alone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pypdfium2 as pdfium
import pytest
from django.test import Client
from django.utils import timezone

from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.followup.tests.helpers import record_visit
from filiere.jobs.models import Job
from filiere.network.models import Centre, Role
from filiere.patients.models import Diagnosis, Patient
from filiere.testing.factories import give_role, make_patient, make_user, with_form_token

ClientFor = Callable[[User], Client]
Capture = Callable[..., Any]
pytestmark = pytest.mark.usefixtures("atc")


@pytest.fixture
def expected(patient_a: Patient, centre_a: Centre, glanzmann: Diagnosis) -> list[Patient]:
    """Centre A's patients overdue for their visit (no visit for years), and one seen today."""
    late = make_patient(centre_a, birth_name="Moreau", first_given_name="Hugo")
    record_visit(patient_a, centre_a, dt.date(2022, 3, 1))
    seen_today = make_patient(centre_a, birth_name="Fabre", first_given_name="Inès")
    record_visit(seen_today, centre_a, timezone.localdate())
    return [patient_a, late]


def ask(client: Client, centre: Centre, status: str, capture: Capture) -> Any:
    with capture(execute=True):
        return client.post(
            f"/suivi/centres/{centre.public_id}/cartes-de-soins/",
            with_form_token({"statut": status}),
        )


def _pages(content: bytes) -> list[str]:
    assert content.startswith(b"%PDF")
    return [
        " ".join(page.get_textpage().get_text_range().split())
        for page in pdfium.PdfDocument(content)
    ]


def test_the_overdue_patients_cards_come_as_one_pdf_one_page_each(
    expected: list[Patient],
    centre_a: Centre,
    alice: User,
    client_for: ClientFor,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    client = client_for(alice)
    worklist = client.get(f"/suivi/centres/{centre_a.public_id}/?statut=overdue")
    assert 'data-testid="print-cards"' in worklist.content.decode()
    up_to_date = client.get(f"/suivi/centres/{centre_a.public_id}/?statut=up_to_date")
    assert 'data-testid="print-cards"' not in up_to_date.content.decode()

    response = ask(client, centre_a, "overdue", django_capture_on_commit_callbacks)
    job = Job.objects.get()
    assert response["Location"] == f"/taches/{job.public_id}/"
    assert (job.kind, job.status, job.centre, job.requested_by) == (
        Job.Kind.CARE_CARDS,
        Job.Status.DONE,
        centre_a,
        alice,
    )
    assert job.result == {"cards": 2}
    assert job.file_name.startswith(f"cartes_de_soins_{centre_a.finess}_overdue_")
    page = client.get(f"/taches/{job.public_id}/").content.decode()
    assert "Cartes de soins</dt><dd>2</dd>" in page
    download: Any = client.get(f"/taches/{job.public_id}/fichier/")
    assert download["Content-Type"] == "application/pdf"
    pages = _pages(b"".join(download.streaming_content))
    # Most overdue first, as the worklist: each page is one patient's A4 card, named for a
    # clinician who sees the identity.
    assert len(pages) == 2
    names = ["MOREAU Hugo", "LEFÈVRE Élodie"]
    for text, name, patient in zip(pages, names, expected[::-1], strict=True):
        assert "Carte de soins et d'urgence" in text
        assert "À découper, plier au milieu" in text
        assert name in text
        assert patient.pseudonym in text
    assert not any("FABRE" in text for text in pages)
    prints = AuditEvent.objects.filter(action=AuditEvent.Action.PRINT, actor=alice)
    assert set(prints.values_list("patient_id", flat=True)) == {p.public_id for p in expected}
    assert prints.count() == len(expected)
    assert all("impression groupée, avec identité" in e.summary for e in prints)


def test_the_file_is_the_requesters_and_an_outsider_asks_nothing(
    expected: list[Patient],
    centre_a: Centre,
    alice: User,
    charlie: User,
    client_for: ClientFor,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    ask(client_for(alice), centre_a, "overdue", django_capture_on_commit_callbacks)
    job = Job.objects.get()
    colleague = make_user(email="colleague@a.test", first_name="Paul", last_name="Roux")
    give_role(colleague, centre_a, Role.CLINICIAN)
    assert client_for(colleague).get(f"/taches/{job.public_id}/fichier/").status_code == 404
    # Charlie does not see centre A's patients: neither the list nor its cards.
    refused = ask(client_for(charlie), centre_a, "overdue", django_capture_on_commit_callbacks)
    assert refused.status_code == 404
    # The patients seen recently have no card to renew: nothing is asked.
    client = client_for(alice)
    up_to_date = ask(client, centre_a, "up_to_date", django_capture_on_commit_callbacks)
    assert up_to_date["Location"] == f"/suivi/centres/{centre_a.public_id}/?statut=up_to_date"
    assert Job.objects.count() == 1


def test_a_requester_who_no_longer_sees_the_centre_gets_no_card(
    expected: list[Patient],
    centre_a: Centre,
    alice: User,
    client_for: ClientFor,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    from filiere.followup.rhythm import FollowUpStatus
    from filiere.followup.services.care_cards import care_cards_start, care_cards_write

    job = care_cards_start(actor=alice, centre=centre_a, status=FollowUpStatus.OVERDUE)
    alice.memberships.all().delete()
    with pytest.raises(PermissionError):
        care_cards_write(str(job.public_id))
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.PRINT).exists()
