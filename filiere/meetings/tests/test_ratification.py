"""Ratification of an urgent avis at the next ordinary meeting (issue 12, defect 4 / build 3):
under the series' quorum, a signed immutable document or a documented « non ratifié » leading
to a new version, and an e-mail to the requester."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.test import Client

from filiere.access.actors import SYSTEM
from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.meetings import services
from filiere.meetings.models import (
    AgendaItem,
    Meeting,
    MeetingSeries,
    Ratification,
    Recommendation,
    SeriesMember,
)
from filiere.patients.models import Patient
from filiere.testing.meetings import (
    check_in,
    decided_values,
    make_case,
    make_meeting,
    session_start_today,
)

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User], Client]


def _pdf_text(content: bytes) -> str:
    import pypdfium2 as pdfium

    pages = pdfium.PdfDocument(content)
    return " ".join(" ".join(p.get_textpage().get_text_range().split()) for p in pages)


@pytest.fixture
def to_ratify(
    series: MeetingSeries,
    coordinator: User,
    biologist: User,
    geneticist: User,
    alice: User,
    patient_a: Patient,
) -> AgendaItem:
    """An urgent avis signed on written opinions an hour ago, waiting on the agenda of today's
    ordinary meeting, which is open (a meeting runs on its own day)."""
    services.series_member_add(
        actor=SYSTEM, series=series, user=geneticist, role=SeriesMember.Role.EXPERT
    )
    ordinary = make_meeting(series, starts_at=session_start_today())
    case = make_case(series, alice, patient_a, is_urgent=True, urgency_justification="J+2")
    # Convened before the ordinary meeting, whatever the hour of the run: the avis goes to
    # the series' next ordinary meeting (today's, capped at 22:00 by session_start_today).
    services.case_accept_urgent(
        actor=SYSTEM, case=case, starts_at=ordinary.starts_at - dt.timedelta(hours=1)
    )
    for expert in (biologist, geneticist, coordinator):
        services.expert_opinion_record(
            actor=expert, case=case, position="agrees", opinion="Favorable."
        )
    draft = services.recommendation_save(actor=coordinator, case=case, values=decided_values())
    services.recommendation_sign(actor=coordinator, recommendation=draft)
    services.meeting_open(actor=coordinator, meeting=ordinary, at=ordinary.starts_at)
    return AgendaItem.objects.select_related("meeting__series", "case__patient").get(
        meeting=ordinary, case=case, purpose=AgendaItem.Purpose.RATIFICATION
    )


def _at(item: AgendaItem, minutes: int) -> dt.datetime:
    return item.meeting.starts_at + dt.timedelta(minutes=minutes)


def test_a_meeting_without_quorum_cannot_ratify_an_urgent_avis(
    to_ratify: AgendaItem, coordinator: User
) -> None:
    """Issue 12, defect 4: a meeting with nobody checked in ratified an urgent avis silently.
    The ratification is the meeting's decision: it needs the quorum of the series, the rule of
    the signing (HAS « Fiche méthode RCP » 2014: at least three specialties, the required ones
    present; reference/rcp.md, urgent path ratified at the next session), counted on the
    physicians present during the ratification."""
    with pytest.raises(ValidationError, match="Quorum non atteint pendant la ratification") as no:
        services.recommendation_ratify(
            actor=coordinator, agenda_item=to_ratify, at=_at(to_ratify, 5)
        )
    assert "Génétique médicale" in str(no.value)
    to_ratify.refresh_from_db()
    assert to_ratify.outcome == AgendaItem.Outcome.PENDING
    assert not Ratification.objects.exists()
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.REFUSED, summary__contains="Ratification"
    ).exists()


def test_a_ratification_under_quorum_is_a_signed_immutable_document_sent_to_the_requester(
    to_ratify: AgendaItem,
    coordinator: User,
    biologist: User,
    geneticist: User,
    alice: User,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    """Issue 12, defect 4: no ratification document and no e-mail to the requester. The
    document names the decision, the urgent avis it bears on, the physicians present and the
    quorum, and is signed; the database refuses to change it (like a signed avis)."""
    meeting = to_ratify.meeting
    check_in(meeting, coordinator, biologist, geneticist, at=_at(to_ratify, 1))
    with django_capture_on_commit_callbacks(execute=True):
        ratification = services.recommendation_ratify(
            actor=coordinator, agenda_item=to_ratify, at=_at(to_ratify, 5)
        )
    assert ratification.is_ratified
    assert ratification.quorum_record["met"] is True
    text = _pdf_text(bytes(ratification.pdf))
    assert "Ratification d'un avis urgent" in text
    assert "ratifie" in text
    assert geneticist.display_name in text
    assert coordinator.display_name in text
    to_ratify.refresh_from_db()
    assert to_ratify.outcome == AgendaItem.Outcome.DISCUSSED
    mail = next(m for m in mailoutbox if "ratifié" in m.subject)
    assert mail.to == [alice.email]
    assert mail.attachments[0][1] == bytes(ratification.pdf)
    with pytest.raises(DatabaseError), transaction.atomic():
        Ratification.objects.filter(pk=ratification.pk).update(reason="modifié")
    with pytest.raises(ValidationError, match="déjà décidée"):
        services.recommendation_ratify(actor=coordinator, agenda_item=to_ratify)


def test_an_urgent_avis_not_ratified_says_why_and_leads_to_a_new_version(
    to_ratify: AgendaItem,
    coordinator: User,
    biologist: User,
    geneticist: User,
    alice: User,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    """Issue 12, defect 4: no « non ratifié » could be recorded. It needs its reason (nothing
    changes without it), produces the signed document with the reason, tells the requester,
    and opens a new version of the avis at this meeting, signed in session and sent."""
    meeting = to_ratify.meeting
    case = to_ratify.case
    check_in(meeting, coordinator, biologist, geneticist, at=_at(to_ratify, 1))
    with pytest.raises(ValidationError) as refused:
        services.recommendation_ratify(
            actor=coordinator, agenda_item=to_ratify, decision="not_ratified", at=_at(to_ratify, 5)
        )
    assert "reason" in refused.value.message_dict
    assert not Ratification.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        ratification = services.recommendation_ratify(
            actor=coordinator,
            agenda_item=to_ratify,
            decision="not_ratified",
            reason="Bilan génétique reçu : la transfusion plaquettaire n'est plus indiquée",
            at=_at(to_ratify, 5),
        )
    assert not ratification.is_ratified
    text = _pdf_text(bytes(ratification.pdf))
    assert "Avis urgent non ratifié" in text
    assert "la transfusion plaquettaire n'est plus indiquée." in text
    mail = next(m for m in mailoutbox if "non ratifié" in m.subject)
    assert mail.to == [alice.email]
    assert "Motif : Bilan génétique reçu" in mail.body
    draft = Recommendation.objects.get(case=case, status=Recommendation.Status.DRAFT)
    assert draft.version == 2
    assert draft.supersedes == ratification.recommendation
    assert draft.meeting == meeting
    assert "non ratifié" in draft.correction_reason
    signed = services.recommendation_sign_as_shown(
        actor=coordinator,
        case=case,
        values=decided_values(therapeutic_proposal="Acide tranexamique seul."),
        recommendation=draft,
        at=_at(to_ratify, 8),
    )
    assert signed.quorum_met is True
    assert signed.deliveries.filter(email=alice.email).exists()


def test_the_coordinator_records_a_non_ratification_from_the_session_screen(
    to_ratify: AgendaItem,
    coordinator: User,
    biologist: User,
    geneticist: User,
    client_for: ClientFor,
) -> None:
    """The session screen offers « Ratifier » and « Non ratifié » with its reason; a refusal is
    explained in French and the decision confirmed, with the link to the new version."""
    meeting: Meeting = to_ratify.meeting
    url = f"/rcp/reunions/{meeting.public_id}/ordre-du-jour/{to_ratify.public_id}/"
    client = client_for(coordinator)
    live = client.get(f"/rcp/reunions/{meeting.public_id}/seance/").content.decode()
    assert 'value="not_ratified"' in live
    response = client.post(url, {"action": "ratify"}, follow=True)
    assert "Quorum non atteint pendant la ratification" in response.content.decode()
    check_in(meeting, coordinator, biologist, geneticist)
    response = client.post(url, {"action": "not_ratified", "reason": ""}, follow=True)
    assert "Indiquez pourquoi" in response.content.decode()
    response = client.post(url, {"action": "not_ratified", "reason": "Indication changée."})
    assert response["Location"] == f"/rcp/demandes/{to_ratify.case.public_id}/avis/"
    ratification = Ratification.objects.get()
    assert ratification.decision == "not_ratified"
    page = client.get(f"/rcp/demandes/{to_ratify.case.public_id}/").content.decode()
    assert "Indication changée." in page
    assert 'data-testid="new-version"' in page
    pdf = client.get(
        f"/rcp/demandes/{to_ratify.case.public_id}/ratifications/{ratification.public_id}.pdf"
    )
    assert pdf.status_code == 200
    assert pdf.content == bytes(ratification.pdf)
