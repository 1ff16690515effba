"""In a real Chromium, the whole flow: a clinician sends a case; the coordinator puts it on a
meeting, opens the session, checks the experts in, sees the quorum turn green (htmx), writes and
signs the recommendation; the PDF is kept and e-mailed; the session closes and the attendance
certificates exist."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pypdfium2 as pdfium
import pytest
from django.core import mail
from django.utils import timezone

from filiere.accounts.models import User
from filiere.meetings.models import CaseRequest, Meeting, MeetingSeries, Participant
from filiere.patients.models import Patient
from filiere.testing.factories import PASSWORD, fresh_totp_code
from filiere.testing.meetings import register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page: Any, base: str, user: User) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Adresse e-mail").fill(user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.locator("input[name=code]").fill(fresh_totp_code())
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(f"{base}/")


def test_from_request_to_signed_recommendation_and_certificates(
    live_server: Any,
    chromium: Any,
    page: Any,
    series: MeetingSeries,
    coordinator: User,
    biologist: User,
    geneticist: User,
    alice: User,
    patient_a: Patient,
) -> None:
    base = live_server.url
    # Later today (a session opens on its day only): half an hour ahead, or 23:59 late at night.
    now = timezone.localtime()
    last_minute = now.replace(hour=23, minute=59, second=0, microsecond=0)
    start = min(now + dt.timedelta(minutes=30), last_minute).replace(second=0, microsecond=0)
    from filiere.testing.meetings import make_meeting

    meeting = make_meeting(series, starts_at=start)
    register(meeting, geneticist)
    violations: list[str] = []
    page.on(
        "console", lambda m: violations.append(m.text) if "Content Security" in m.text else None
    )

    # 1. Alice, a clinician of centre A, sends the case from the patient's pseudonym.
    alice_context = chromium.new_context(locale="fr-FR", timezone_id="Europe/Paris")
    alice_page = alice_context.new_page()
    alice_page.set_default_timeout(15_000)
    _log_in(alice_page, base, alice)
    alice_page.goto(f"{base}/rcp/demandes/nouvelle/?patient={patient_a.pseudonym}")
    alice_page.get_by_label("Type de question").select_option("surgery")
    alice_page.get_by_label("Question posée à la RCP").fill(
        "Couverture hémostatique d'une extraction dentaire chez une patiente Glanzmann ?"
    )
    alice_page.get_by_label("Geste, chirurgie ou grossesse envisagés (date prévue)").fill(
        "Extraction de deux dents de sagesse le mois prochain."
    )
    alice_page.locator("input[name=patient_not_opposed]").check()
    alice_page.get_by_label("Date de l'information").fill(timezone.localdate().isoformat())
    alice_page.locator("textarea[name=clinical_summary]").fill("Épistaxis, ménorragies.")
    alice_page.get_by_test_id("submit-case").click()
    alice_page.wait_for_url("**/rcp/demandes/*/")
    assert alice_page.get_by_test_id("case-status").inner_text() == "Soumise"
    alice_context.close()
    case = CaseRequest.objects.get()

    # 2. The coordinator accepts it onto the meeting from the series' triage queue.
    _log_in(page, base, coordinator)
    page.goto(f"{base}/rcp/series/{series.public_id}/")
    page.get_by_test_id("triage-link").click()
    page.locator("input[name=decision][value=accept]").check()
    page.locator("select[name=meeting]").select_option(str(meeting.pk))
    page.get_by_test_id("triage-submit").click()
    page.wait_for_url(f"**/rcp/series/{series.public_id}/")

    # 3. The session: open it, check the experts in, watch the quorum turn green.
    page.goto(f"{base}/rcp/reunions/{meeting.public_id}/seance/")
    page.get_by_test_id("open-meeting").click()
    page.wait_for_selector('[data-testid="meeting-status"]:has-text("En séance")')
    assert page.get_by_test_id("quorum").get_attribute("data-met") == "false"
    assert patient_a.pseudonym in page.get_by_test_id("agenda").inner_text()
    for user in (coordinator, biologist, geneticist):
        row = page.locator(
            f"#participant-{Participant.objects.get(meeting=meeting, user=user).public_id}"
        )
        row.get_by_test_id("check-in").click()
        row.get_by_test_id("check-out").wait_for()
    page.wait_for_selector('[data-testid="quorum"][data-met="true"]')
    assert "Quorum atteint" in page.get_by_test_id("quorum").inner_text()

    # The coordinator opens the case's discussion; the biologist steps out and comes back.
    page.get_by_test_id("discussion-open").click()
    page.get_by_test_id("discussion-close").wait_for()
    assert "en cours" in page.get_by_test_id("discussion-times").inner_text()
    row = page.locator(
        f"#participant-{Participant.objects.get(meeting=meeting, user=biologist).public_id}"
    )
    row.get_by_test_id("check-out").click()
    row.get_by_test_id("check-in").click()
    row.get_by_test_id("check-out").wait_for()
    assert row.get_by_test_id("presence").inner_text().count("–") == 2

    # 4. The recommendation, written in session and signed without saving the draft first:
    # what is typed is what the PDF says (issue 12, defect 1).
    page.get_by_test_id("write-recommendation").click()
    page.locator("textarea[name=discussion_summary]").fill(
        "Thrombasthénie de type I, geste à risque."
    )
    page.locator("textarea[name=therapeutic_proposal]").fill(
        "Acide tranexamique ; rFVIIa si saignement ; colle biologique."
    )
    page.locator("textarea[name=alternatives]").fill("Transfusion plaquettaire HLA compatible.")
    page.get_by_test_id("sign").click()
    preview = page.get_by_test_id("sign-preview")
    assert "Transfusion plaquettaire HLA compatible." in preview.inner_text()
    page.get_by_test_id("confirm-sign").click()
    page.get_by_test_id("signed").wait_for()
    pdf = page.request.get(base + page.get_by_test_id("signed-pdf").get_attribute("href"))
    assert pdf.body().startswith(b"%PDF-")
    text = " ".join(
        " ".join(p.get_textpage().get_text_range().split()) for p in pdfium.PdfDocument(pdf.body())
    )
    assert "Alternatives : Transfusion plaquettaire HLA compatible." in text

    case.refresh_from_db()
    assert case.status == "delivered"
    signed = case.recommendations.get()
    assert signed.quorum_met is True
    (message,) = [m for m in mail.outbox if m.to == [alice.email] and "Avis de RCP" in m.subject]
    assert message.attachments[0][1] == bytes(signed.pdf or b"")

    # 5. Closing the session: every present physician has an attendance certificate.
    page.goto(f"{base}/rcp/reunions/{meeting.public_id}/seance/")
    page.get_by_test_id("close-meeting").click()
    page.get_by_test_id("confirm-status").click()
    page.wait_for_url(f"**/rcp/reunions/{meeting.public_id}/")
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CLOSED
    for user in (biologist, geneticist):
        participant = Participant.objects.get(meeting=meeting, user=user)
        url = f"{base}/rcp/reunions/{meeting.public_id}/participants/{participant.public_id}/"
        assert page.request.get(url + "attestation.pdf").body().startswith(b"%PDF-")
    assert violations == []
