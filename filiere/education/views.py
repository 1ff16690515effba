"""Pages of the therapeutic education programmes: authorise (access.education), parse, call a
service or a selector, render."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from filiere.access.education import (
    coordinated_centres,
    may_open_education,
    programme_rights,
)
from filiere.access.grants import grants_for
from filiere.core.access_errors import NotVisible
from filiere.core.forms import apply_errors, flash_errors
from filiere.core.http import AuthenticatedRequest
from filiere.education import services
from filiere.education.forms import (
    EvaluationForm,
    ParticipantForm,
    ProgrammeForm,
    SessionForm,
    TeamMemberForm,
)
from filiere.education.models import QUESTIONS, Participant, Programme, Session
from filiere.education.selectors import participant_rows, programmes_visible_to, session_results
from filiere.lib.pseudonyms import normalise_pseudonym
from filiere.network.models import Centre
from filiere.patients.selectors import patients_visible_to


def _programme(request: AuthenticatedRequest, programme_id: uuid.UUID, *, edit: bool) -> Programme:
    programme = Programme.objects.select_related("centre").filter(public_id=programme_id).first()
    if programme is None:
        raise NotVisible("education.programme", str(programme_id), "programme d'ETP inconnu")
    rights = programme_rights(request.user, programme)
    if not (rights.edit if edit else rights.see):
        raise NotVisible("education.programme", str(programme_id), "programme d'ETP")
    return programme


def _session(request: AuthenticatedRequest, session_id: uuid.UUID, *, edit: bool) -> Session:
    session = (
        Session.objects.select_related("programme__centre").filter(public_id=session_id).first()
    )
    if session is None:
        raise NotVisible("education.session", str(session_id), "séance d'ETP inconnue")
    rights = programme_rights(request.user, session.programme)
    if not (rights.edit if edit else rights.see):
        raise NotVisible("education.session", str(session_id), "séance d'ETP")
    return session


@login_required
def programme_list_view(request: AuthenticatedRequest) -> HttpResponse:
    if not may_open_education(request.user):
        raise NotVisible(reason=f"ETP : {request.path}")
    return render(
        request,
        "education/list.html",
        {
            "programmes": programmes_visible_to(request.user),
            "may_create": bool(coordinated_centres(grants_for(request.user))),
        },
    )


@login_required
def programme_create_view(request: AuthenticatedRequest) -> HttpResponse:
    centres = Centre.objects.filter(pk__in=coordinated_centres(grants_for(request.user)))
    if not centres.exists():
        raise NotVisible(reason=f"ETP (coordination de centre) : {request.path}")
    form = ProgrammeForm(request.POST or None, centres=centres.order_by("name"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            programme = services.programme_create(
                actor=request.user,
                centre=data["centre"],
                title=data["title"],
                diseases=form.disease_codes(),
                ars_number=data["ars_number"],
                ars_authorised_on=data["ars_authorised_on"],
                status=data["status"],
                workshops=form.workshop_titles(),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Programme d'ETP créé."))
            return redirect("education:detail", programme_id=programme.public_id)
    return render(request, "education/programme_form.html", {"form": form})


@login_required
def programme_detail_view(request: AuthenticatedRequest, programme_id: uuid.UUID) -> HttpResponse:
    programme = _programme(request, programme_id, edit=False)
    return render(
        request,
        "education/detail.html",
        {
            "programme": programme,
            "rights": programme_rights(request.user, programme),
            "statuses": Programme.Status.choices,
            "diseases": programme.diseases.order_by("code"),
            "workshops": programme.workshops.order_by("position"),
            "team": programme.team.select_related("user").order_by("profile", "pk"),
            "sessions": programme.sessions.prefetch_related("workshops").order_by("-held_on"),
        },
    )


@require_POST
@login_required
def programme_status_view(request: AuthenticatedRequest, programme_id: uuid.UUID) -> HttpResponse:
    programme = _programme(request, programme_id, edit=True)
    try:
        services.programme_status_set(
            actor=request.user, programme=programme, status=request.POST.get("status", "")
        )
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, _("État du programme enregistré."))
    return redirect("education:detail", programme_id=programme.public_id)


@login_required
def team_add_view(request: AuthenticatedRequest, programme_id: uuid.UUID) -> HttpResponse:
    programme = _programme(request, programme_id, edit=True)
    form = TeamMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.team_member_add(
                actor=request.user,
                programme=programme,
                user=data["user"],
                full_name=data["full_name"],
                profile=data["profile"],
                specialty=data["specialty"],
                organisation=data["organisation"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Membre ajouté à l'équipe éducative."))
            return redirect("education:detail", programme_id=programme.public_id)
    return render(request, "education/team_form.html", {"programme": programme, "form": form})


@login_required
def session_create_view(request: AuthenticatedRequest, programme_id: uuid.UUID) -> HttpResponse:
    programme = _programme(request, programme_id, edit=True)
    form = SessionForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = services.session_create(
                actor=request.user,
                programme=programme,
                held_on=data["held_on"],
                place=data["place"],
                format=data["format"],
                workshops=list(data["workshops"]),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Séance enregistrée."))
            return redirect("education:session", session_id=session.public_id)
    return render(request, "education/session_form.html", {"programme": programme, "form": form})


@login_required
def session_detail_view(request: AuthenticatedRequest, session_id: uuid.UUID) -> HttpResponse:
    session = _session(request, session_id, edit=False)
    return render(
        request,
        "education/session.html",
        {
            "session": session,
            "programme": session.programme,
            "rights": programme_rights(request.user, session.programme),
            "rows": participant_rows(request.user, session),
            "questions": [label for _key, label in QUESTIONS],
            "results": session_results(session),
        },
    )


@login_required
def participant_add_view(request: AuthenticatedRequest, session_id: uuid.UUID) -> HttpResponse:
    session = _session(request, session_id, edit=True)
    form = ParticipantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        patient = None
        if data["pseudonym"].strip():
            # Only the treating team registers a patient: one the user follows in the registry.
            patient = (
                patients_visible_to(request.user)
                .filter(pseudonym=normalise_pseudonym(data["pseudonym"]))
                .first()
            )
            if patient is None:
                form.add_error(
                    "pseudonym",
                    _("Patient : pseudonyme inconnu ou patient non suivi par vos centres."),
                )
        if form.is_valid():
            try:
                services.participant_add(
                    actor=request.user,
                    session=session,
                    patient=patient,
                    first_name=data["first_name"],
                    relation=data["relation"],
                    consent_on=data["consent_on"],
                    attended=data["attended"],
                )
            except ValidationError as error:
                apply_errors(form, error, aliases={"patient": "pseudonym"})
            else:
                messages.success(request, _("Participant inscrit."))
                return redirect("education:session", session_id=session.public_id)
    return render(request, "education/participant_form.html", {"session": session, "form": form})


@require_POST
@login_required
def attendance_view(
    request: AuthenticatedRequest, session_id: uuid.UUID, participant_id: uuid.UUID
) -> HttpResponse:
    session = _session(request, session_id, edit=True)
    participant = Participant.objects.filter(session=session, public_id=participant_id).first()
    if participant is None:
        raise NotVisible("education.participant", str(participant_id), "participant inconnu")
    try:
        services.attendance_set(
            actor=request.user,
            participant=participant,
            attended=request.POST.get("attended") == "1",
        )
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, _("Présence enregistrée."))
    return redirect("education:session", session_id=session.public_id)


@login_required
def evaluation_add_view(request: AuthenticatedRequest, session_id: uuid.UUID) -> HttpResponse:
    session = _session(request, session_id, edit=True)
    present = [row for row in participant_rows(request.user, session) if row.participant.attended]
    choices = [(str(row.participant.public_id), row.label) for row in present]
    form = EvaluationForm(request.POST or None, session=session, participants=choices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        participant = next(
            row.participant
            for row in present
            if str(row.participant.public_id) == data["participant"]
        )
        try:
            services.evaluation_record(
                actor=request.user,
                participant=participant,
                workshop=data["workshop"],
                scores=form.scores(),
                comment=data["comment"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Évaluation enregistrée."))
            return redirect("education:session", session_id=session.public_id)
    return render(request, "education/evaluation_form.html", {"session": session, "form": form})
