"""In a real Chromium, a big session (issue 12, done when): 80 physicians registered by pasting
a list, 15 cases, « tous présents », one participant who steps out in the middle and comes
back, the presentation mode, every avis signed; then that participant's certificate gives
their two stretches of presence and credits the cases discussed while they were there."""

from __future__ import annotations

from typing import Any

import pypdfium2 as pdfium
import pytest
from django.utils import timezone

from filiere.accounts.models import User
from filiere.benchmarks.meeting_data import big_session, participant_lines
from filiere.meetings.models import AgendaItem, Meeting, Participant, Recommendation
from filiere.meetings.tests.test_browser_flow import _log_in
from filiere.network.models import Centre

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _pdf_text(body: bytes) -> str:
    return " ".join(
        " ".join(page.get_textpage().get_text_range().split()) for page in pdfium.PdfDocument(body)
    )


def _settle(page: Any) -> None:
    """Wait for htmx's requests (a check-in asks for the quorum again) to be answered: the
    test server's SQLite database takes one writer at a time."""
    page.wait_for_load_state("networkidle")


def _sign(page: Any, base: str, case_id: object, number: int) -> None:
    _settle(page)
    page.goto(f"{base}/rcp/demandes/{case_id}/avis/")
    page.locator("textarea[name=discussion_summary]").fill(f"Dossier {number} discuté en séance.")
    page.locator("textarea[name=therapeutic_proposal]").fill("Acide tranexamique avant le geste.")
    page.get_by_test_id("sign").click()
    page.get_by_test_id("confirm-sign").click()
    page.get_by_test_id("signed").wait_for()


def test_a_session_of_80_participants_and_15_cases_down_to_one_certificate(
    live_server: Any, page: Any, centre_a: Centre, coordinator: User, nomenclature: None
) -> None:
    base = live_server.url
    session = big_session(centre_a, coordinator, participants=81, add_participants=False)
    meeting = session.meeting
    listed = session.physicians[1:]  # the first one asks for the cases: already a presenter
    leaving = listed[41]
    page.set_default_timeout(20_000)
    violations: list[str] = []
    page.on(
        "console", lambda m: violations.append(m.text) if "Content Security" in m.text else None
    )
    _log_in(page, base, coordinator)

    # 1. The secretariat pastes the list; it is checked line by line, then confirmed.
    page.goto(f"{base}/rcp/reunions/{meeting.public_id}/")
    page.get_by_test_id("participant-list-toggle").click()
    page.locator("textarea[name=lines]").fill(participant_lines(listed))
    page.get_by_test_id("participant-list-check").click()
    assert (
        "80 médecins seront inscrits et invités"
        in page.get_by_test_id("list-accepted").inner_text()
    )
    page.get_by_test_id("participant-list-confirm").click()
    page.wait_for_url(f"**/rcp/reunions/{meeting.public_id}/")
    assert "80 participants inscrits et invités." in page.locator(".messages").inner_text()
    assert meeting.participants.filter(user__in=listed, role="attendee").count() == 80

    # 2. The session: open it, everyone present at once, the videoconference link in sight.
    page.goto(f"{base}/rcp/reunions/{meeting.public_id}/seance/")
    assert page.get_by_test_id("video-link").is_visible()
    page.get_by_test_id("open-meeting").click()
    page.wait_for_selector('[data-testid="meeting-status"]:has-text("En séance")')
    page.get_by_test_id("check-in-all").click()
    page.wait_for_selector('.messages:has-text("82 participants notés présents")')
    assert "82 présents · 0 absent" in page.get_by_test_id("attendance-counts").inner_text()
    assert page.get_by_test_id("quorum").get_attribute("data-met") == "true"

    # 3. The presentation mode: one case a screen, next and previous, by link and by arrow key.
    page.get_by_test_id("presentation-link").click()
    position = page.get_by_test_id("presentation-position")
    assert position.inner_text() == "Dossier 1 sur 15"
    page.get_by_test_id("presentation-next").click()
    page.wait_for_selector('[data-testid="presentation-position"]:has-text("Dossier 2 sur 15")')
    page.keyboard.press("ArrowRight")
    page.wait_for_selector('[data-testid="presentation-position"]:has-text("Dossier 3 sur 15")')
    page.keyboard.press("ArrowLeft")
    page.wait_for_selector('[data-testid="presentation-position"]:has-text("Dossier 2 sur 15")')
    page.get_by_test_id("presentation-previous").click()
    page.wait_for_selector('[data-testid="presentation-position"]:has-text("Dossier 1 sur 15")')
    first = AgendaItem.objects.filter(meeting=meeting).order_by("starts_at").first()
    assert first is not None
    assert (
        page.get_by_test_id("presentation-pseudonym").inner_text() == first.case.patient.pseudonym
    )
    page.get_by_test_id("presentation-back").click()
    page.wait_for_url(f"**/rcp/reunions/{meeting.public_id}/seance/")

    items = list(AgendaItem.objects.filter(meeting=meeting).order_by("starts_at"))
    for number, item in enumerate(items[:7], start=1):
        _sign(page, base, item.case.public_id, number)

    # 4. In the middle, one participant found by RPPS steps out; case 8 is discussed without
    # them; they come back for the rest.
    page.goto(f"{base}/rcp/reunions/{meeting.public_id}/seance/")
    page.get_by_test_id("attendance-search").fill(leaving.rpps)
    visible = page.locator('[data-testid="participant-row"]:visible')
    visible.first.wait_for()
    assert visible.count() == 1
    row = page.locator(f"#participant-{meeting.participants.get(user=leaving).public_id}")
    row.get_by_test_id("check-out").click()
    row.get_by_test_id("check-in").wait_for()
    _settle(page)
    _sign(page, base, items[7].case.public_id, 8)
    page.goto(f"{base}/rcp/reunions/{meeting.public_id}/seance/?q={leaving.email}")
    row.get_by_test_id("check-in").click()
    row.get_by_test_id("check-out").wait_for()
    _settle(page)
    for number, item in enumerate(items[8:], start=9):
        _sign(page, base, item.case.public_id, number)
    assert (
        Recommendation.objects.filter(
            case__in=session.cases, status="signed", quorum_met=True
        ).count()
        == 15
    )

    # 5. Closing; the participant's certificate reads their two stretches and 14 cases.
    _settle(page)
    page.goto(f"{base}/rcp/reunions/{meeting.public_id}/seance/")
    page.get_by_test_id("close-meeting").click()
    page.get_by_test_id("confirm-status").click()
    page.wait_for_url(f"**/rcp/reunions/{meeting.public_id}/")
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CLOSED
    participant = Participant.objects.get(meeting=meeting, user=leaving)
    intervals = list(participant.intervals.order_by("arrived_at"))
    assert len(intervals) == 2
    periods = ", ".join(
        f"{timezone.localtime(i.arrived_at):%H:%M}–{timezone.localtime(i.left_at):%H:%M}"
        for i in intervals
        if i.left_at is not None
    )
    url = f"{base}/rcp/reunions/{meeting.public_id}/participants/{participant.public_id}/"
    text = _pdf_text(page.request.get(url + "attestation.pdf").body())
    assert f"Périodes de présence {periods}" in text
    assert "Dossiers discutés pendant la présence 14" in text
    assert violations == []
