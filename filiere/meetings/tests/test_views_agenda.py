"""Pages of the agenda work (issue 12, build 5): the agenda PDF and its sending, moving a case,
the yearly calendar, avis templates, reusing an earlier avis, the requested drug in the
off-label block."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from filiere.access.actors import SYSTEM
from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.meetings import services
from filiere.meetings.models import (
    AgendaItem,
    CaseRequest,
    Meeting,
    MeetingSeries,
    RecommendationTemplate,
)
from filiere.patients.models import Patient
from filiere.testing.meetings import check_in, decided_values, make_case, make_meeting

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User], Client]


@pytest.fixture
def on_agenda(meeting: Meeting, coordinator: User, alice: User, patient_a: Patient) -> AgendaItem:
    case = make_case(meeting.series, alice, patient_a)
    return services.case_accept(actor=coordinator, case=case, meeting=meeting)


def test_a_participant_downloads_the_agenda_pdf_and_an_outsider_gets_404(
    on_agenda: AgendaItem, alice: User, charlie: User, client_for: ClientFor
) -> None:
    meeting = on_agenda.meeting
    url = f"/rcp/reunions/{meeting.public_id}/ordre-du-jour.pdf"
    response = client_for(alice).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "ordre-du-jour-rcp-" in response["Content-Disposition"]
    assert AuditEvent.objects.filter(
        actor=alice, action="view", patient_id=on_agenda.case.patient.public_id
    ).exists()
    assert client_for(charlie).get(url).status_code == 404


def test_the_meeting_page_says_the_agenda_changed_and_sends_it(
    on_agenda: AgendaItem, coordinator: User, client_for: ClientFor
) -> None:
    meeting = on_agenda.meeting
    client = client_for(coordinator)
    page = client.get(f"/rcp/reunions/{meeting.public_id}/").content.decode()
    assert "Ordre du jour modifié depuis le dernier envoi" in page
    assert 'data-testid="agenda-send"' in page
    response = client.post(f"/rcp/reunions/{meeting.public_id}/ordre-du-jour/envoyer/", follow=True)
    html = response.content.decode()
    assert "Ordre du jour à jour envoyé à" in html
    assert "Ordre du jour modifié depuis le dernier envoi" not in html


def test_a_participant_sees_no_send_button_and_may_not_send(
    on_agenda: AgendaItem, alice: User, client_for: ClientFor
) -> None:
    meeting = on_agenda.meeting
    client = client_for(alice)
    page = client.get(f"/rcp/reunions/{meeting.public_id}/").content.decode()
    assert 'data-testid="agenda-pdf"' in page
    assert 'data-testid="agenda-send"' not in page
    url = f"/rcp/reunions/{meeting.public_id}/ordre-du-jour/envoyer/"
    assert client.post(url).status_code == 404


def test_an_outsider_may_not_send_the_agenda(
    meeting: Meeting, alice: User, client_for: ClientFor
) -> None:
    """The page refuses with the audited 404 and sends nothing (the service trusts its
    caller)."""
    response = client_for(alice).post(f"/rcp/reunions/{meeting.public_id}/ordre-du-jour/envoyer/")
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.SEND).exists()
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.ACCESS_DENIED, actor=alice, object_id=str(meeting.public_id)
    ).exists()


def test_the_coordinator_moves_a_case_from_the_move_page(
    on_agenda: AgendaItem, series: MeetingSeries, coordinator: User, client_for: ClientFor
) -> None:
    meeting = on_agenda.meeting
    later = make_meeting(series, starts_at=meeting.starts_at + dt.timedelta(days=14))
    client = client_for(coordinator)
    url = f"/rcp/reunions/{meeting.public_id}/deplacer/"
    assert on_agenda.case.patient.pseudonym in client.get(url).content.decode()
    refused = client.post(
        url, {"agenda_item": on_agenda.public_id, "meeting": later.public_id, "reason": ""}
    )
    assert "Ce champ est obligatoire." in refused.content.decode()
    response = client.post(
        url,
        {"agenda_item": on_agenda.public_id, "meeting": later.public_id, "reason": "Imagerie"},
        follow=True,
    )
    assert "le demandeur est prévenu" in response.content.decode()
    assert later.agenda_items.filter(case=on_agenda.case).exists()


def test_the_move_page_shows_the_refusal_of_a_discussed_case(
    on_agenda: AgendaItem, series: MeetingSeries, coordinator: User, client_for: ClientFor
) -> None:
    meeting = on_agenda.meeting
    later = make_meeting(series, starts_at=meeting.starts_at + dt.timedelta(days=14))
    services.meeting_open(actor=coordinator, meeting=meeting)
    check_in(meeting, coordinator)
    services.recommendation_save(actor=coordinator, case=on_agenda.case, values=decided_values())
    # The case is discussed: the page no longer offers it, and a forged post changes nothing.
    response = client_for(coordinator).post(
        f"/rcp/reunions/{meeting.public_id}/deplacer/",
        {"agenda_item": on_agenda.public_id, "meeting": later.public_id, "reason": "X"},
    )
    assert "Aucun dossier à discuter dans cette réunion." in response.content.decode()
    assert not later.agenda_items.exists()


def test_the_calendar_page_previews_flags_a_holiday_then_creates(
    series: MeetingSeries, coordinator: User, client_for: ClientFor
) -> None:
    year = timezone.localdate().year + 1
    client = client_for(coordinator)
    url = f"/rcp/series/{series.public_id}/calendrier-annuel/"
    assert client.get(url).status_code == 200
    data = {"year": year, "mode": "list", "dates": f"14/07/{year}\n15/09/{year}"}
    preview = client.post(url, data | {"step": "preview"}).content.decode()
    assert "jour férié (Fête nationale)" in preview
    assert not series.meetings.exists()
    refused = client.post(url, data | {"step": "create"}).content.decode()
    assert "Confirmez-les explicitement" in refused
    assert not series.meetings.exists()
    response = client.post(url, data | {"step": "create", "confirm_non_working": "on"}, follow=True)
    assert "Calendrier créé : 2 réunion(s)" in response.content.decode()
    assert series.meetings.count() == 2


def test_the_calendar_rule_gives_the_nth_weekday_and_a_bad_date_is_named(
    series: MeetingSeries, coordinator: User, client_for: ClientFor
) -> None:
    year = timezone.localdate().year + 1
    client = client_for(coordinator)
    url = f"/rcp/series/{series.public_id}/calendrier-annuel/"
    rule = {
        "year": year,
        "mode": "rule",
        "rank": 2,
        "weekday": 1,
        "months": [3, 6],
        "step": "preview",
    }
    html = client.post(url, rule).content.decode()
    assert html.count('data-testid="calendar-date"') == 2
    bad = client.post(url, {"year": year, "mode": "list", "dates": "31/02/2027", "step": "preview"})
    assert "« 31/02/2027 » n&#x27;est pas une date JJ/MM/AAAA." in bad.content.decode()


def test_an_expert_may_not_open_the_calendar_or_the_templates(
    series: MeetingSeries, biologist: User, client_for: ClientFor
) -> None:
    client = client_for(biologist)
    assert client.get(f"/rcp/series/{series.public_id}/calendrier-annuel/").status_code == 404
    assert client.get(f"/rcp/series/{series.public_id}/modeles-avis/nouveau/").status_code == 404


def test_only_the_coordinator_creates_the_calendar(
    series: MeetingSeries, alice: User, client_for: ClientFor
) -> None:
    year = timezone.localdate().year + 1
    response = client_for(alice).post(
        f"/rcp/series/{series.public_id}/calendrier-annuel/",
        {"year": year, "mode": "list", "dates": f"07/04/{year}", "step": "create"},
    )
    assert response.status_code == 404
    assert not series.meetings.exists()
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.ACCESS_DENIED, actor=alice, object_id=str(series.public_id)
    ).exists()


def _template(series: MeetingSeries) -> RecommendationTemplate:
    return services.recommendation_template_create(
        actor=SYSTEM,
        series=series,
        question_type=CaseRequest.QuestionType.THERAPEUTIC,
        title="Extraction dentaire",
        discussion_summary="Geste à risque hémorragique modéré.",
        therapeutic_proposal="Acide tranexamique 1 g × 3 par jour pendant 5 jours.",
    )


def test_the_coordinator_manages_templates_on_the_series_page(
    series: MeetingSeries, coordinator: User, client_for: ClientFor
) -> None:
    client = client_for(coordinator)
    response = client.post(
        f"/rcp/series/{series.public_id}/modeles-avis/nouveau/",
        {"question_type": "therapeutic", "title": "Grossesse", "follow_up_note": "NFS à J7."},
        follow=True,
    )
    assert "Modèle d&#x27;avis enregistré." in response.content.decode()
    template = series.recommendation_templates.get()
    page = client.get(f"/rcp/series/{series.public_id}/").content.decode()
    assert "Grossesse" in page
    client.post(f"/rcp/series/{series.public_id}/modeles-avis/{template.public_id}/retirer/")
    template.refresh_from_db()
    assert not template.is_active


def test_only_the_coordinator_withdraws_a_template(
    series: MeetingSeries, alice: User, client_for: ClientFor
) -> None:
    template = _template(series)
    url = f"/rcp/series/{series.public_id}/modeles-avis/{template.public_id}/retirer/"
    assert client_for(alice).post(url).status_code == 404
    template.refresh_from_db()
    assert template.is_active


def _in_session(on_agenda: AgendaItem, coordinator: User) -> None:
    services.meeting_open(actor=coordinator, meeting=on_agenda.meeting)
    check_in(on_agenda.meeting, coordinator)


def test_a_template_fills_empty_fields_without_saving(
    on_agenda: AgendaItem, series: MeetingSeries, coordinator: User, client_for: ClientFor
) -> None:
    template = _template(series)
    _in_session(on_agenda, coordinator)
    client = client_for(coordinator)
    url = f"/rcp/demandes/{on_agenda.case.public_id}/avis/"
    page = client.get(url).content.decode()
    assert "Modèle : Extraction dentaire" in page
    html = client.post(
        url, {"prefill": f"template:{template.public_id}", "alternatives": "Desmopressine"}
    ).content.decode()
    assert "Acide tranexamique 1 g × 3 par jour pendant 5 jours." in html
    assert "Desmopressine" in html
    assert not on_agenda.case.recommendations.exists()


def test_a_template_never_overwrites_typed_text_without_confirmation(
    on_agenda: AgendaItem, series: MeetingSeries, coordinator: User, client_for: ClientFor
) -> None:
    """What is typed on screen stays unless the replacement is confirmed."""
    template = _template(series)
    _in_session(on_agenda, coordinator)
    client = client_for(coordinator)
    url = f"/rcp/demandes/{on_agenda.case.public_id}/avis/"
    typed = {"therapeutic_proposal": "Mon texte à moi"}
    html = client.post(url, typed | {"prefill": f"template:{template.public_id}"}).content.decode()
    assert 'data-testid="prefill-conflict"' in html
    assert "Mon texte à moi" in html
    assert "Acide tranexamique 1 g" not in html
    confirmed = client.post(
        url, typed | {"prefill": f"confirm:template:{template.public_id}"}
    ).content.decode()
    assert "Acide tranexamique 1 g × 3 par jour pendant 5 jours." in confirmed
    assert "Mon texte à moi" not in confirmed


def test_an_earlier_signed_avis_of_the_patient_is_offered_with_its_date_and_reference(
    meeting: Meeting,
    series: MeetingSeries,
    coordinator: User,
    alice: User,
    patient_a: Patient,
    client_for: ClientFor,
) -> None:
    first = make_case(series, alice, patient_a)
    services.case_accept(actor=coordinator, case=first, meeting=meeting)
    services.meeting_open(actor=coordinator, meeting=meeting)
    check_in(meeting, coordinator)
    draft = services.recommendation_save(
        actor=coordinator,
        case=first,
        values=decided_values(alternatives="Desmopressine en seconde intention."),
    )
    signed = services.recommendation_sign(
        actor=coordinator, recommendation=draft, override_reason="Quorum incomplet."
    )
    second = make_case(series, alice, patient_a, question="Et pour la seconde extraction ?")
    services.case_accept(actor=coordinator, case=second, meeting=meeting)
    client = client_for(coordinator)
    url = f"/rcp/demandes/{second.public_id}/avis/"
    page = client.get(url).content.decode()
    assert "Reprendre un avis antérieur" in page
    assert f"avis signé le {timezone.localtime(signed.signed_at):%d/%m/%Y}" in page
    assert f"réf. {signed.pdf_sha256[:12]}" in page
    html = client.post(url, {"prefill": "earlier"}).content.decode()
    assert "Desmopressine en seconde intention." in html
    assert "Et pour la seconde extraction ?" in html  # the question stays this case's own
    assert AuditEvent.objects.filter(
        object_id=str(signed.public_id), summary__contains="repris pour la rédaction"
    ).exists()


def test_the_requested_drug_is_copied_into_the_off_label_block(
    meeting: Meeting,
    coordinator: User,
    alice: User,
    patient_a: Patient,
    client_for: ClientFor,
) -> None:
    case = make_case(
        meeting.series,
        alice,
        patient_a,
        question_type=CaseRequest.QuestionType.OFF_LABEL,
        off_label_drug="Eltrombopag",
    )
    services.case_accept(actor=coordinator, case=case, meeting=meeting)
    services.meeting_open(actor=coordinator, meeting=meeting)
    html = client_for(coordinator).get(f"/rcp/demandes/{case.public_id}/avis/").content.decode()
    assert 'name="off_label_drug" value="Eltrombopag"' in html
