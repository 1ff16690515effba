"""Pages of a meeting: planning, agenda, participants, invitation file, DPC evidence."""

from __future__ import annotations

import datetime as dt
import io
import uuid
import zipfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from filiere.access.meetings import meeting_rights
from filiere.accounts.models import User
from filiere.core.access_errors import NotVisible
from filiere.core.forms import apply_errors
from filiere.core.http import AuthenticatedRequest
from filiere.lib.csvsafe import write_csv
from filiere.meetings import forms as meeting_forms
from filiere.meetings import rules, selectors, services
from filiere.meetings.ics import meeting_ics
from filiere.meetings.models import Meeting, Participant, SeriesMember
from filiere.meetings.pdf import CertificateFacts, attendance_certificate_pdf
from filiere.meetings.views.common import agenda_rows, flash_refusal


@login_required
def meeting_create_view(request: AuthenticatedRequest, series_id: uuid.UUID) -> HttpResponse:
    series = selectors.get_series_for_staff(request.user, series_id)
    tomorrow = timezone.localdate() + dt.timedelta(days=7)
    form = meeting_forms.MeetingForm(
        request.POST or None,
        initial={
            "kind": Meeting.Kind.ORDINARY,
            "day": tomorrow,
            "time": series.default_start_time,
            "duration_minutes": series.default_duration_minutes,
            "video_link": series.default_video_link,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.meeting_create(
                actor=request.user,
                series=series,
                starts_at=form.starts_at(),
                kind=data["kind"],
                duration_minutes=data["duration_minutes"],
                video_link=data["video_link"],
                location=data["location"],
                notes=data["notes"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Réunion planifiée ; les invitations partent par e-mail."))
            return redirect("meetings:meeting_detail", meeting_id=meeting.public_id)
    return render(
        request, "meetings/meeting_form.html", {"form": form, "series": series, "meeting": None}
    )


@login_required
def meeting_edit_view(request: AuthenticatedRequest, meeting_id: uuid.UUID) -> HttpResponse:
    meeting = selectors.get_meeting_for_staff(request.user, meeting_id)
    local = timezone.localtime(meeting.starts_at)
    form = meeting_forms.MeetingForm(
        request.POST or None,
        initial={
            "kind": meeting.kind,
            "day": local.date(),
            "time": local.time(),
            "duration_minutes": meeting.duration_minutes,
            "video_link": meeting.video_link,
            "location": meeting.location,
            "notes": meeting.notes,
        },
    )
    form.fields["kind"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.meeting_update(
                actor=request.user,
                meeting=meeting,
                starts_at=form.starts_at(),
                duration_minutes=data["duration_minutes"],
                video_link=data["video_link"],
                location=data["location"],
                notes=data["notes"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Réunion modifiée ; les participants sont prévenus."))
            return redirect("meetings:meeting_detail", meeting_id=meeting.public_id)
    return render(
        request,
        "meetings/meeting_form.html",
        {"form": form, "series": meeting.series, "meeting": meeting},
    )


@login_required
def meeting_detail_view(request: AuthenticatedRequest, meeting_id: uuid.UUID) -> HttpResponse:
    """The meeting as its participants see it: date, link, agenda with pseudonymised case
    summaries while the meeting is ahead or open; afterwards only their own attendance."""
    meeting = selectors.get_meeting_for_user(request.user, meeting_id)
    rights = meeting_rights(request.user, meeting)
    is_staff = rights.staff
    participation = selectors.participation_of(request.user, meeting)
    rows = []
    if is_staff or meeting.is_active:
        rows = agenda_rows(meeting, selectors.agenda_of(meeting))
        services.cases_viewed(
            actor=request.user, cases=[row["case"] for row in rows], what="ordre du jour de RCP"
        )
    participants = list(selectors.participants_of(meeting)) if is_staff else []
    return render(
        request,
        "meetings/meeting_detail.html",
        {
            "meeting": meeting,
            "series": meeting.series,
            "is_staff": is_staff,
            "is_coordinator": is_staff and rights.coordinate,
            "participation": participation,
            "rows": rows,
            "participants": participants,
            "participant_form": meeting_forms.ParticipantAddForm(),
            "list_form": meeting_forms.ParticipantListForm(),
        },
    )


def _status_confirmations() -> dict[str, tuple[str, str, str]]:
    """The destructive actions, asked for confirmation first: title, consequences, button."""
    return {
        "close": (
            _("Clôturer la séance ?"),
            _(
                "Les participants encore présents seront notés sortis à cette heure, les "
                "dossiers non discutés reportés à la prochaine réunion ; la séance ne pourra "
                "plus être rouverte."
            ),
            _("Oui, clôturer la séance"),
        ),
        "cancel": (
            _("Annuler la réunion ?"),
            _(
                "Les participants recevront l'annulation par e-mail et les dossiers inscrits "
                "seront reportés à la prochaine réunion ; une réunion annulée ne se rétablit pas."
            ),
            _("Oui, annuler la réunion"),
        ),
    }


@require_POST
@login_required
def meeting_status_view(request: AuthenticatedRequest, meeting_id: uuid.UUID) -> HttpResponse:
    """Open, close or cancel the meeting; closing and cancelling are confirmed first."""
    meeting = selectors.get_meeting_for_staff(request.user, meeting_id)
    action = request.POST.get("action", "")
    confirmations = _status_confirmations()
    if action in confirmations and request.POST.get("confirmed") != "1":
        title, consequences, button = confirmations[action]
        return render(
            request,
            "meetings/meeting_confirm.html",
            {
                "meeting": meeting,
                "series": meeting.series,
                "action": action,
                "title": title,
                "consequences": consequences,
                "button": button,
            },
        )
    try:
        if action == "open":
            services.meeting_open(actor=request.user, meeting=meeting)
            messages.success(request, _("Séance ouverte."))
        elif action == "close":
            services.meeting_close(actor=request.user, meeting=meeting)
            messages.success(
                request, _("Séance clôturée ; les dossiers non discutés sont reportés.")
            )
        elif action == "cancel":
            services.meeting_cancel(actor=request.user, meeting=meeting)
            messages.success(
                request,
                _("Réunion annulée ; les participants sont prévenus, les dossiers reportés."),
            )
        else:
            messages.error(request, _("Action inconnue."))
    except ValidationError as error:
        flash_refusal(request, error)
    target = "meetings:meeting_live" if action == "open" else "meetings:meeting_detail"
    return redirect(target, meeting_id=meeting.public_id)


@require_POST
@login_required
def participant_add_view(request: AuthenticatedRequest, meeting_id: uuid.UUID) -> HttpResponse:
    meeting = selectors.get_meeting_for_staff(request.user, meeting_id)
    form = meeting_forms.ParticipantAddForm(request.POST)
    if form.is_valid():
        user = User.objects.filter(email=form.cleaned_data["email"].lower()).first()
        if user is None:
            messages.error(
                request, _("Aucun compte avec cette adresse : invitez ce médecin depuis la RCP.")
            )
        else:
            try:
                services.participant_add(
                    actor=request.user, meeting=meeting, user=user, role=form.cleaned_data["role"]
                )
            except ValidationError as error:
                flash_refusal(request, error)
            else:
                messages.success(request, _("%s inscrit(e) et invité(e).") % user.display_name)
    else:
        for field_errors in form.errors.values():
            for message in field_errors:
                messages.error(request, str(message))
    live = request.POST.get("back") == "live"
    return redirect(
        "meetings:meeting_live" if live else "meetings:meeting_detail",
        meeting_id=meeting.public_id,
    )


@login_required
def participant_list_view(request: AuthenticatedRequest, meeting_id: uuid.UUID) -> HttpResponse:
    """Register a list of participants: the list is checked line by line and shown first, then
    the accepted lines are registered on confirmation."""
    meeting = selectors.get_meeting_for_staff(request.user, meeting_id)
    form = meeting_forms.ParticipantListForm(request.POST or None, request.FILES or None)
    checked = None
    if request.method == "POST" and form.is_valid():
        if request.POST.get("confirmed") == "1":
            try:
                done = services.participants_add_list(
                    actor=request.user, meeting=meeting, text=form.text()
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(n)d participant inscrit et invité",
                        "%(n)d participants inscrits et invités",
                        len(done.accepted),
                    )
                    % {"n": len(done.accepted)}
                    + (
                        _(" ; %(n)d ligne(s) refusée(s).") % {"n": len(done.refused)}
                        if done.refused
                        else "."
                    ),
                )
                return redirect("meetings:meeting_detail", meeting_id=meeting.public_id)
        checked = services.participant_list_check(meeting, form.text())
    return render(
        request,
        "meetings/participant_list.html",
        {
            "meeting": meeting,
            "series": meeting.series,
            "form": form,
            "checked": checked,
            "text": form.text() if checked is not None else "",
        },
    )


@require_POST
@login_required
def series_members_add_view(request: AuthenticatedRequest, meeting_id: uuid.UUID) -> HttpResponse:
    """Register in one click the series' members not yet registered."""
    meeting = selectors.get_meeting_for_staff(request.user, meeting_id)
    try:
        added = services.participants_add_series_members(actor=request.user, meeting=meeting)
    except ValidationError as error:
        flash_refusal(request, error)
    else:
        if added:
            messages.success(
                request,
                ngettext(
                    "%(n)d membre de la série inscrit et invité.",
                    "%(n)d membres de la série inscrits et invités.",
                    len(added),
                )
                % {"n": len(added)},
            )
        else:
            messages.info(request, _("Tous les membres de la série sont déjà inscrits."))
    return redirect("meetings:meeting_detail", meeting_id=meeting.public_id)


def _participant(meeting: Meeting, participant_id: uuid.UUID) -> Participant:
    participant = (
        meeting.participants.select_related("user", "meeting__series")
        .prefetch_related("intervals")
        .filter(public_id=participant_id)
        .first()
    )
    if participant is None:
        raise NotVisible("meetings.participant", str(participant_id))
    return participant


@require_POST
@login_required
def participant_update_view(
    request: AuthenticatedRequest, meeting_id: uuid.UUID, participant_id: uuid.UUID
) -> HttpResponse:
    meeting = selectors.get_meeting_for_staff(request.user, meeting_id)
    participant = _participant(meeting, participant_id)
    form = meeting_forms.ParticipantUpdateForm(request.POST)
    if form.is_valid():
        try:
            services.participant_update(
                actor=request.user,
                participant=participant,
                specialty=form.cleaned_data["specialty"],
                additional_specialties=form.cleaned_data["additional_specialties"],
            )
        except ValidationError as error:
            flash_refusal(request, error)
    return redirect("meetings:meeting_live", meeting_id=meeting.public_id)


@require_POST
@login_required
def meeting_register_view(request: AuthenticatedRequest, meeting_id: uuid.UUID) -> HttpResponse:
    """A physician registers for a meeting of a series she belongs to or is invited to (the
    agenda it opens holds other centres' cases)."""
    meeting = selectors.upcoming_meetings().filter(public_id=meeting_id).first()
    if meeting is None or not meeting_rights(request.user, meeting).register:
        raise NotVisible("meetings.meeting", str(meeting_id), "inscription")
    try:
        services.meeting_register_self(actor=request.user, meeting=meeting)
    except ValidationError as error:
        flash_refusal(request, error)
        return redirect("meetings:calendar")
    messages.success(request, _("Vous êtes inscrit(e) ; l'invitation arrive par e-mail."))
    return redirect("meetings:meeting_detail", meeting_id=meeting.public_id)


@login_required
def meeting_ics_view(request: AuthenticatedRequest, meeting_id: uuid.UUID) -> HttpResponse:
    meeting = selectors.get_meeting_for_user(request.user, meeting_id)
    content = meeting_ics(
        meeting,
        attendee_email=request.user.email,
        cancel=meeting.status == Meeting.Status.CANCELLED,
    )
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="rcp.ics"'
    return response


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


@login_required
def my_meetings_view(request: AuthenticatedRequest) -> HttpResponse:
    """A participant's past meetings: their stretches of presence, the cases credited to them
    and their certificate, whoever they are (network physician or invited expert)."""
    rows = [
        {
            "participant": participant,
            "meeting": participant.meeting,
            "periods": participant.presence_periods,
            "minutes": participant.minutes_present,
            "credited": services.cases_discussed_during(participant),
            "present": participant.first_arrival is not None,
        }
        for participant in selectors.past_participations(request.user)
    ]
    return render(request, "meetings/my_meetings.html", {"rows": rows})
