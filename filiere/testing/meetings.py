"""Factories for the case-meeting tests (and the access matrix): everything through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from filiere.access.actors import SYSTEM
from filiere.accounts.models import User
from filiere.meetings import services
from filiere.meetings.models import (
    CaseRequest,
    Meeting,
    MeetingSeries,
    Participant,
    SeriesMember,
)
from filiere.network.models import Centre, Role
from filiere.patients.models import Patient
from filiere.testing.factories import give_role, make_user

PLATELET_QUORUM = ("haematology", "haemostasis_biology", "medical_genetics")
# The smallest valid-looking files of each accepted type (magic bytes first).
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG_BYTES = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def make_series(
    centre: Centre,
    *,
    coordinator: User | None = None,
    required: tuple[str, ...] = PLATELET_QUORUM,
    name: str = "RCP Pathologies plaquettaires",
) -> MeetingSeries:
    series = services.series_create(
        actor=SYSTEM, centre=centre, name=name, required_specialties=required
    )
    if coordinator is not None:
        services.series_member_add(
            actor=SYSTEM, series=series, user=coordinator, role=SeriesMember.Role.COORDINATOR
        )
    return series


def make_physician(centre: Centre, specialty: str, **values: Any) -> User:
    user = make_user(specialty=specialty, title="dr", **values)
    give_role(user, centre, Role.CLINICIAN)
    return user


def session_start_today() -> dt.datetime:
    """A start a few minutes ago, today (local time): a meeting runs on its own day. Late in
    the evening, 22:00, so that the session's slots and the tests' steps after its start stay
    on the same day (a test run just before midnight once failed on the meeting's date)."""
    now = timezone.localtime().replace(second=0, microsecond=0)
    midnight = now.replace(hour=0, minute=0)
    return min(max(midnight, now - dt.timedelta(minutes=5)), now.replace(hour=22, minute=0))


def make_meeting(
    series: MeetingSeries,
    *,
    starts_at: dt.datetime | None = None,
    kind: str = Meeting.Kind.ORDINARY,
    duration_minutes: int = 90,
) -> Meeting:
    start = starts_at or (timezone.now() + dt.timedelta(days=7)).replace(second=0, microsecond=0)
    return services.meeting_create(
        actor=SYSTEM,
        series=series,
        starts_at=start,
        kind=kind,
        duration_minutes=duration_minutes,
        video_link="https://visio.example.test/rcp",
    )


def case_details(**values: Any) -> services.CaseDetails:
    defaults: dict[str, Any] = {
        "question_type": CaseRequest.QuestionType.THERAPEUTIC,
        "question": "Quelle prophylaxie avant l'extraction dentaire prévue en mars ?",
        "proposal": "Acide tranexamique et transfusion plaquettaire si besoin.",
        "patient_informed_on": timezone.localdate() - dt.timedelta(days=3),
        "patient_not_opposed": True,
        "clinical_summary": "Épistaxis récidivantes depuis l'enfance, ménorragies.",
    }
    defaults.update(values)
    return services.CaseDetails(**defaults)


def make_case(
    series: MeetingSeries, requester: User, patient: Patient, **values: Any
) -> CaseRequest:
    return services.case_request_submit(
        actor=requester, series=series, patient=patient, details=case_details(**values)
    )


def register(meeting: Meeting, user: User, role: str = Participant.Role.EXPERT) -> Participant:
    return services.participant_add(actor=SYSTEM, meeting=meeting, user=user, role=role)


def check_in(meeting: Meeting, *users: User, at: dt.datetime | None = None) -> None:
    for user in users:
        participant = Participant.objects.get(meeting=meeting, user=user)
        services.attendance_check_in(actor=SYSTEM, participant=participant, at=at)


def pdf_upload(name: str = "compte-rendu.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def decided_values(**values: Any) -> dict[str, Any]:
    defaults: dict[str, Any] = {
        "question_answered": "Prise en charge de l'extraction dentaire.",
        "discussion_summary": "Thrombopathie sévère ; geste à risque hémorragique modéré.",
        "therapeutic_proposal": "Acide tranexamique ; concentrés plaquettaires HLA si échec.",
    }
    defaults.update(values)
    return defaults


def _same_day_hour_before(start: dt.datetime) -> dt.datetime:
    """``start``, or the next local midnight when the hour after it would cross one: an avis is
    signed on the day of its meeting (seen failing between midnight and 2 a.m., Paris time)."""
    first = timezone.localtime(start)
    if timezone.localtime(start + dt.timedelta(hours=1)).date() == first.date():
        return start
    following = first.date() + dt.timedelta(days=1)
    return dt.datetime.combine(following, dt.time.min, tzinfo=first.tzinfo)


def matrix_world(centre: Centre, user: User) -> dict[str, Any]:
    """A closed meeting of a series coordinated by ``user`` (a clinician of ``centre``), where
    ``user`` attended and presented a case of a patient of ``centre``, with an attachment and a
    recommendation signed without quorum (override)."""
    from filiere.testing.factories import load_test_nomenclature, make_patient

    load_test_nomenclature()
    patient = make_patient(centre)
    series = make_series(centre, coordinator=user, name=f"RCP de test {centre.pk}")
    start = _same_day_hour_before(timezone.now() - dt.timedelta(hours=2))
    meeting = make_meeting(series, starts_at=start)
    case = make_case(series, user, patient)
    attachment = services.attachment_add(actor=user, case=case, upload=pdf_upload())
    item = services.case_accept(actor=SYSTEM, case=case, meeting=meeting, slot_start=start)
    services.meeting_open(actor=SYSTEM, meeting=meeting, at=start)
    check_in(meeting, user, at=start + dt.timedelta(minutes=1))
    draft = services.recommendation_save(
        actor=SYSTEM, case=case, values=decided_values(), at=start + dt.timedelta(minutes=5)
    )
    signed = services.recommendation_sign(
        actor=SYSTEM,
        recommendation=draft,
        override_reason="Généticien absent, avis urgent pour le geste.",
        signer=user,
        at=start + dt.timedelta(minutes=10),
    )
    services.meeting_close(actor=SYSTEM, meeting=meeting, at=start + dt.timedelta(minutes=60))
    participant = Participant.objects.get(meeting=meeting, user=user)
    return {
        "series_id": series.public_id,
        "meeting_id": meeting.public_id,
        "participant_id": participant.public_id,
        "case_id": case.public_id,
        "attachment_id": attachment.public_id,
        "recommendation_id": signed.public_id,
        "item_id": item.public_id,
    }


def matrix_ratification_world(centre: Centre, user: User) -> dict[str, Any]:
    """An urgent avis of a patient of ``centre`` signed on three written opinions, ratified at
    today's ordinary meeting of a series coordinated by ``user``, with the three specialties
    present."""
    from filiere.testing.factories import load_test_nomenclature, make_patient

    load_test_nomenclature()
    patient = make_patient(centre)
    series = make_series(centre, coordinator=user, name=f"RCP urgente de test {centre.pk}")
    experts = [make_physician(centre, specialty) for specialty in PLATELET_QUORUM]
    for expert in experts:
        services.series_member_add(
            actor=SYSTEM, series=series, user=expert, role=SeriesMember.Role.EXPERT
        )
    ordinary = make_meeting(series, starts_at=session_start_today())
    case = make_case(series, user, patient, is_urgent=True, urgency_justification="Geste J+1.")
    # Convened before the ordinary meeting, whatever the hour of the run: the avis goes to
    # the series' next ordinary meeting (today's, capped at 22:00 by session_start_today).
    services.case_accept_urgent(
        actor=SYSTEM, case=case, starts_at=ordinary.starts_at - dt.timedelta(hours=1)
    )
    for expert in experts:
        services.expert_opinion_record(
            actor=expert, case=case, position="agrees", opinion="Favorable."
        )
    draft = services.recommendation_save(actor=SYSTEM, case=case, values=decided_values())
    services.recommendation_sign(actor=SYSTEM, recommendation=draft, signer=user)
    services.meeting_open(actor=SYSTEM, meeting=ordinary, at=ordinary.starts_at)
    check_in(ordinary, *experts, at=ordinary.starts_at)
    item = ordinary.agenda_items.get(case=case)
    ratification = services.recommendation_ratify(actor=SYSTEM, agenda_item=item, signer=user)
    return {"case_id": case.public_id, "ratification_id": ratification.public_id}


def matrix_kwargs(*names: str) -> Any:
    """An access-matrix builder returning only the URL arguments ``names``."""

    def build(centre: Centre, user: User) -> dict[str, Any]:
        world = matrix_world(centre, user)
        return {name: world[name] for name in names}

    return build


def matrix_avis_template_world(centre: Centre, user: User) -> dict[str, Any]:
    """A template of avis text of a series coordinated by ``user``."""
    series = make_series(centre, coordinator=user, name=f"RCP modèles {centre.pk}")
    template = services.recommendation_template_create(
        actor=SYSTEM,
        series=series,
        question_type=CaseRequest.QuestionType.THERAPEUTIC,
        title="Extraction dentaire",
        therapeutic_proposal="Acide tranexamique.",
    )
    return {"series_id": series.public_id, "template_id": template.public_id}
