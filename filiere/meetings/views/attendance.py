"""Attendance of a meeting: the DPC attendance sheet and the certificates of attendance."""

from __future__ import annotations

import datetime as dt
import io
import uuid
import zipfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import prefetch_related_objects
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from filiere.access.meetings import meeting_rights
from filiere.core.access_errors import NotVisible
from filiere.core.http import AuthenticatedRequest
from filiere.lib.csvsafe import write_csv
from filiere.meetings import rules, selectors, services
from filiere.meetings.models import Meeting, Participant, SeriesMember
from filiere.meetings.pdf import CertificateFacts, attendance_certificate_pdf
from filiere.meetings.views.participants import _participant

DPC_HEADER = [
    "Nom",
    "Prénom",
    "RPPS",
    "Spécialité",
    "Rôle",
    "Extérieur",
    "E-mail",
    "Date",
    "Arrivée",
    "Départ",
    "Périodes de présence",
    "Durée (min)",
    "Dossiers discutés",
]


def _time(value: dt.datetime | None) -> str:
    return f"{timezone.localtime(value):%H:%M}" if value else ""


@login_required
def attendance_csv_view(request: AuthenticatedRequest, meeting_id: uuid.UUID) -> HttpResponse:
    """The attendance export for the continuing-education body (DPC), one row per physician,
    read from their intervals of presence; UTF-8 with a byte-order mark and « ; » so that a
    French spreadsheet opens it with its accents."""
    meeting = selectors.get_meeting_for_staff(request.user, meeting_id)
    rows = []
    for participant in selectors.participants_of(meeting):
        user = participant.user
        rows.append(
            [
                user.last_name,
                user.first_name,
                user.rpps,
                participant.get_specialty_display(),
                participant.get_role_display(),
                participant.is_external,
                user.email,
                f"{timezone.localtime(meeting.starts_at):%d/%m/%Y}",
                _time(participant.first_arrival),
                _time(participant.last_departure),
                participant.presence_periods,
                participant.minutes_present,
                services.cases_discussed_during(participant),
            ]
        )
    services.attendance_exported(actor=request.user, meeting=meeting)
    body = write_csv(DPC_HEADER, rows)
    response = HttpResponse(body.encode("utf-8"), content_type="text/csv; charset=utf-8")
    day = timezone.localtime(meeting.starts_at)
    response["Content-Disposition"] = f'attachment; filename="emargement-rcp-{day:%Y-%m-%d}.csv"'
    return response


def _coordinators(meeting: Meeting) -> list[str]:
    return [
        m.user.display_name
        for m in meeting.series.members.select_related("user").filter(
            role=SeriesMember.Role.COORDINATOR
        )
    ]


def _certificate(participant: Participant, coordinators: list[str]) -> bytes:
    return attendance_certificate_pdf(
        CertificateFacts(
            participant=participant,
            cases_discussed=services.cases_discussed_during(participant),
            coordinators=coordinators,
            periods=participant.presence_periods,
        )
    )


@login_required
def certificate_view(
    request: AuthenticatedRequest, meeting_id: uuid.UUID, participant_id: uuid.UUID
) -> HttpResponse:
    """A participant's attendance certificate: for themselves, or the series' staff."""
    meeting = selectors.get_meeting_for_user(request.user, meeting_id)
    participant = _participant(meeting, participant_id)
    if participant.user_id != request.user.pk and not meeting_rights(request.user, meeting).staff:
        raise NotVisible("meetings.participant", str(participant_id), "attestation d'un autre")
    if meeting.status != Meeting.Status.CLOSED or participant.first_arrival is None:
        messages.error(request, _("L'attestation existe après la séance, pour les présents."))
        return redirect("meetings:meeting_detail", meeting_id=meeting.public_id)
    pdf = _certificate(participant, _coordinators(meeting))
    services.attendance_certificate_issued(actor=request.user, participant=participant)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{certificate_filename(participant)}"'
    return response


def certificate_filename(participant: Participant) -> str:
    """« attestation-rcp-2026-12-22-pathologies-plaquettaires-bernard-sophie.pdf »: one name per
    meeting and participant, so that a folder of certificates keeps them all."""
    meeting = participant.meeting
    parts = [
        f"{timezone.localtime(meeting.starts_at):%Y-%m-%d}",
        slugify(rules.rcp_title(meeting.series.name).removeprefix("RCP ")),
        slugify(participant.user.last_name),
        slugify(participant.user.first_name),
    ]
    return "attestation-rcp-" + "-".join(p for p in parts if p) + ".pdf"


@login_required
def certificates_zip_view(request: AuthenticatedRequest, meeting_id: uuid.UUID) -> HttpResponse:
    """Every present participant's certificate of a closed meeting, in one archive for the
    coordinator to send to the continuing-education body; the absent have none."""
    meeting = selectors.get_meeting_for_staff(request.user, meeting_id)
    if not meeting_rights(request.user, meeting).coordinate:
        raise NotVisible("meetings.meeting", str(meeting.public_id), "coordination requise")
    if meeting.status != Meeting.Status.CLOSED:
        messages.error(request, _("Les attestations existent après la séance, pour les présents."))
        return redirect("meetings:meeting_detail", meeting_id=meeting.public_id)
    prefetch_related_objects([meeting], "agenda_items")
    coordinators = _coordinators(meeting)
    present = [p for p in selectors.participants_of(meeting) if p.first_arrival is not None]
    buffer = io.BytesIO()
    names: set[str] = set()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for participant in present:
            participant.meeting = meeting
            name = certificate_filename(participant)
            if name in names:
                # Two participants of the same name: the second keeps its own file.
                name = name.removesuffix(".pdf") + f"-{str(participant.public_id)[:8]}.pdf"
            names.add(name)
            archive.writestr(name, _certificate(participant, coordinators))
    services.attendance_certificates_archived(
        actor=request.user, meeting=meeting, count=len(present)
    )
    day = timezone.localtime(meeting.starts_at)
    series = slugify(rules.rcp_title(meeting.series.name).removeprefix("RCP "))
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = (
        f'attachment; filename="attestations-rcp-{day:%Y-%m-%d}-{series}.zip"'
    )
    return response
