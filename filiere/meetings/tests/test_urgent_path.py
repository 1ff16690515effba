"""The urgent path of a case meeting (issue 12, defect 3 / build 3): the experts alerted read the
case at once, written opinions stay open until the avis is signed, and the signed urgent avis
lists each expert's written opinion."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from filiere.access.actors import SYSTEM
from filiere.accounts.models import User
from filiere.meetings import services
from filiere.meetings.models import AgendaItem, CaseRequest, MeetingSeries, SeriesMember
from filiere.patients.models import Patient
from filiere.testing.meetings import decided_values, make_case

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User], Client]


def _urgent_case(series: MeetingSeries, alice: User, patient: Patient) -> CaseRequest:
    return make_case(
        series, alice, patient, is_urgent=True, urgency_justification="Geste prévu sous 48 h."
    )


def _case_link(mail: Any) -> str:
    found = re.search(r"https?://[^/\s]+(/rcp/demandes/[0-9a-f-]+/)", mail.body)
    assert found, mail.body
    return found.group(1)


def test_the_experts_alerted_by_an_urgent_request_read_it_before_triage(
    series: MeetingSeries,
    alice: User,
    geneticist: User,
    charlie: User,
    patient_a: Patient,
    client_for: ClientFor,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    """Issue 12, defect 3: the series' experts alerted by « Demande URGENTE » got 404 until the
    coordinator's triage (the geneticist of centre B does not see centre A's patients). The
    access rule is the selectors' (``cases_visible_to``): a permanent expert of the series reads
    an urgent request from its submission until its avis is signed; an outsider of the same
    centre (Charlie) still gets 404 (reference/rcp.md: an urgent flag notifies the invitees,
    who review the case asynchronously)."""
    services.series_member_add(
        actor=SYSTEM, series=series, user=geneticist, role=SeriesMember.Role.EXPERT
    )
    with django_capture_on_commit_callbacks(execute=True):
        case = _urgent_case(series, alice, patient_a)
    alert = next(m for m in mailoutbox if "URGENTE" in m.subject)
    assert geneticist.email in alert.to
    link = _case_link(alert)
    assert client_for(geneticist).get(link).status_code == 200
    assert client_for(charlie).get(link).status_code == 404
    # A request not retained is no longer theirs to read.
    services.case_decline(actor=SYSTEM, case=case, note="Pas d'urgence réelle.")
    assert client_for(geneticist).get(link).status_code == 404


def _pdf_text(content: bytes) -> str:
    import pypdfium2 as pdfium

    pages = pdfium.PdfDocument(content)
    return " ".join(" ".join(p.get_textpage().get_text_range().split()) for p in pages)


@pytest.fixture
def urgent(
    series: MeetingSeries,
    coordinator: User,
    geneticist: User,
    alice: User,
    patient_a: Patient,
) -> AgendaItem:
    """Alice's urgent case on an urgent meeting in two days; the biologist and the geneticist
    are the series' experts."""
    services.series_member_add(
        actor=SYSTEM, series=series, user=geneticist, role=SeriesMember.Role.EXPERT
    )
    case = _urgent_case(series, alice, patient_a)
    return services.case_accept_urgent(
        actor=coordinator, case=case, starts_at=timezone.now() + dt.timedelta(days=2)
    )


def test_a_draft_saved_before_the_urgent_meeting_keeps_written_opinions_open(
    urgent: AgendaItem,
    coordinator: User,
    biologist: User,
    geneticist: User,
    client_for: ClientFor,
) -> None:
    """Issue 12, defect 3: once the coordinator saved a draft, the item was « Discuté » two days
    before the meeting, the written-opinion form disappeared for the experts who had not
    answered, and the quorum missed their specialty. Written opinions stay open until the avis
    is signed (``access.meetings.urgent_item_open_for_opinions``, one rule for page and service)."""
    case = urgent.case
    services.expert_opinion_record(
        actor=biologist, case=case, position="agrees", opinion="Favorable."
    )
    draft = services.recommendation_save(actor=coordinator, case=case, values=decided_values())
    urgent.refresh_from_db()
    case.refresh_from_db()
    assert urgent.outcome == AgendaItem.Outcome.PENDING
    assert urgent.discussed_at is None
    assert case.status == CaseRequest.Status.ACCEPTED
    page = client_for(geneticist).get(f"/rcp/demandes/{case.public_id}/")
    assert 'name="position"' in page.content.decode()
    response = client_for(geneticist).post(
        f"/rcp/demandes/{case.public_id}/avis-ecrit/",
        {"position": "reserved", "opinion": "Favorable si bilan génétique envoyé."},
    )
    assert response.status_code == 302
    assert case.opinions.filter(author=geneticist).exists()
    services.expert_opinion_record(
        actor=coordinator, case=case, position="agrees", opinion="Favorable."
    )
    signed = services.recommendation_sign(actor=coordinator, recommendation=draft)
    assert signed.quorum_met is True
    assert "medical_genetics" in signed.quorum_record["specialties_counted"]
    urgent.refresh_from_db()
    case.refresh_from_db()
    assert urgent.outcome == AgendaItem.Outcome.DISCUSSED
    assert case.status == CaseRequest.Status.DELIVERED
    # Once signed, the written opinions close.
    page = client_for(geneticist).get(f"/rcp/demandes/{case.public_id}/")
    assert 'name="position"' not in page.content.decode()


def test_the_urgent_avis_pdf_lists_each_written_opinion_even_unfavourable(
    urgent: AgendaItem, coordinator: User, biologist: User, geneticist: User
) -> None:
    """Issue 12, defect 3: the experts' written opinions, an unfavourable one included, were
    not in the urgent avis PDF. Each is printed: expert, specialty, position, opinion, date
    (the avis rests on them: reference/rcp.md, « asynchronous expert review with e-vote », and
    HAS criteria: each participant's name, role and specialty written on the fiche RCP)."""
    case = urgent.case
    services.expert_opinion_record(
        actor=biologist,
        case=case,
        position="disagrees",
        opinion="Risque hémorragique trop élevé sans bilan préalable.",
    )
    services.expert_opinion_record(
        actor=geneticist, case=case, position="agrees", opinion="Favorable au geste."
    )
    services.expert_opinion_record(
        actor=coordinator, case=case, position="agrees", opinion="Favorable."
    )
    draft = services.recommendation_save(actor=coordinator, case=case, values=decided_values())
    signed = services.recommendation_sign(actor=coordinator, recommendation=draft)
    text = _pdf_text(bytes(signed.pdf or b""))
    today = f"{timezone.localdate():%d/%m/%Y}"
    assert "Avis écrits des experts" in text
    assert biologist.display_name in text
    assert "Biologie" in text
    assert "Défavorable" in text
    assert "Risque hémorragique trop élevé sans bilan préalable." in text
    assert geneticist.display_name in text
    assert "Favorable au geste." in text
    assert today in text
