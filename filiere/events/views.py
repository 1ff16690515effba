"""The public events pages (no login), the registrant's personal page (her link is the
credential) and the organisers' pages (network coordinator, centre coordinators)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from filiere.access.events import event_rights, organiser_centre_ids, organises_events
from filiere.audit.models import AuditEvent
from filiere.audit.services import audit_record
from filiere.core.access_errors import NotVisible
from filiere.core.forms import apply_errors, flash_errors
from filiere.core.http import AuthenticatedRequest
from filiere.events import selectors, services
from filiere.events.certificate import certificate_pdf
from filiere.events.forms import EventForm, RegistrationForm
from filiere.events.ics import events_ics
from filiere.events.models import Event, Registration
from filiere.lib.csvsafe import write_csv

# --- Public pages -----------------------------------------------------------------------------


def event_list(request: HttpRequest) -> HttpResponse:
    upcoming, past = selectors.public_event_lists()
    return render(request, "events/list.html", {"upcoming": upcoming, "past": past})


def event_detail(request: HttpRequest, event_id: uuid.UUID) -> HttpResponse:
    event = selectors.public_event(event_id)
    if event is None:
        raise Http404
    form = RegistrationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.registration_create(event=event, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect("events:registration", token=created.token)
    return render(request, "events/detail.html", {"event": event, "form": form})


def calendar_feed(request: HttpRequest) -> HttpResponse:
    events = selectors.published_events().order_by("starts_at", "pk")
    response = HttpResponse(events_ics(events), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="evenements-filiere.ics"'
    return response


def _registration(token: str) -> Registration:
    registration = services.registration_for_token(token)
    if registration is None:
        raise Http404
    return registration


def registration_page(request: HttpRequest, token: str) -> HttpResponse:
    """Open to whoever holds the personal link: the token is the credential."""
    registration = _registration(token)
    return render(
        request,
        "events/registration.html",
        {
            "registration": registration,
            "event": registration.event,
            "position": services.waiting_position(registration),
            "token": token,
        },
    )


@require_POST
def registration_cancel(request: HttpRequest, token: str) -> HttpResponse:
    registration = _registration(token)
    try:
        services.registration_cancel(registration=registration)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, _("Votre inscription est annulée."))
    return redirect("events:registration", token=token)


def certificate(request: HttpRequest, token: str) -> HttpResponse:
    registration = _registration(token)
    if not registration.attended:
        raise Http404
    response = HttpResponse(certificate_pdf(registration), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="attestation-{registration.event.public_id}.pdf"'
    )
    return response


# --- Organisers' pages ------------------------------------------------------------------------


def _organised(user: object, event_id: uuid.UUID) -> Event:
    event = Event.objects.select_related("series", "centre").filter(public_id=event_id).first()
    if event is None:
        raise Http404
    if not event_rights(user, event).organise:
        raise NotVisible("events.event", str(event_id), "événements : autre centre")
    return event


def _event_form(request: AuthenticatedRequest, **kwargs: object) -> EventForm:
    return EventForm(
        request.POST if request.method == "POST" else None,
        centres=selectors.organiser_centres(request.user),
        network_allowed=organiser_centre_ids(request.user) is None,
        **kwargs,
    )


@login_required
def manage(request: AuthenticatedRequest) -> HttpResponse:
    if not organises_events(request.user):
        raise NotVisible(reason="événements : organisation")
    return render(
        request, "events/manage.html", {"events": selectors.organised_events(request.user)}
    )


@login_required
def event_create(request: AuthenticatedRequest) -> HttpResponse:
    if not organises_events(request.user):
        raise NotVisible(reason="événements : nouvel événement")
    form = _event_form(request)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_save(actor=request.user, values=form.values())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Événement enregistré (non publié)."))
            return redirect("events:registrations", event_id=event.public_id)
    return render(request, "events/edit.html", {"form": form, "event": None})


@login_required
def event_edit(request: AuthenticatedRequest, event_id: uuid.UUID) -> HttpResponse:
    event = _organised(request.user, event_id)
    form = _event_form(request, initial=EventForm.initial_of(event))
    if request.method == "POST" and form.is_valid():
        try:
            services.event_save(actor=request.user, event=event, values=form.values())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Événement enregistré."))
            return redirect("events:registrations", event_id=event.public_id)
    return render(request, "events/edit.html", {"form": form, "event": event})


@require_POST
@login_required
def event_publish(request: AuthenticatedRequest, event_id: uuid.UUID) -> HttpResponse:
    event = _organised(request.user, event_id)
    publish = request.POST.get("publish") != "0"
    services.event_publish(actor=request.user, event=event, published=publish)
    messages.success(
        request,
        (_("Événement « %(title)s » publié.") if publish else _("Événement « %(title)s » retiré."))
        % {"title": event.title},
    )
    return redirect("events:registrations", event_id=event.public_id)


@login_required
def registrations(request: AuthenticatedRequest, event_id: uuid.UUID) -> HttpResponse:
    event = _organised(request.user, event_id)
    if request.method == "POST":
        try:
            present = [uuid.UUID(value) for value in request.POST.getlist("present")]
            count = services.attendance_record(actor=request.user, event=event, present=present)
        except ValueError:
            messages.error(request, _("Présence : inscription inconnue."))
        except ValidationError as error:
            flash_errors(request, error)
        else:
            messages.success(request, _("Présences enregistrées : %(count)d.") % {"count": count})
        return redirect("events:registrations", event_id=event.public_id)
    rows = list(selectors.registrations_of(event))
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.VIEW,
        obj=event,
        summary=_("Inscrits à « %(title)s »") % {"title": event.title},
    )
    return render(
        request,
        "events/registrations.html",
        {
            "event": event,
            "rows": rows,
            "confirmed": sum(r.status == Registration.Status.CONFIRMED for r in rows),
            "waiting": sum(r.status == Registration.Status.WAITING for r in rows),
        },
    )


@login_required
def registrations_csv(request: AuthenticatedRequest, event_id: uuid.UUID) -> HttpResponse:
    event = _organised(request.user, event_id)
    rows = [
        [
            r.name,
            r.email,
            r.profession,
            r.organisation,
            r.get_status_display(),
            services.waiting_position(r) if r.status == Registration.Status.WAITING else "",
            r.attended,
            r.registered_at.strftime("%d/%m/%Y %H:%M"),
        ]
        for r in selectors.registrations_of(event)
    ]
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        obj=event,
        summary=_("Inscrits à « %(title)s » (CSV)") % {"title": event.title},
    )
    header = [
        _("Nom"),
        _("E-mail"),
        _("Profession"),
        _("Centre ou organisation"),
        _("Statut"),
        _("Rang en liste d'attente"),
        _("Présent"),
        _("Inscrit le"),
    ]
    response = HttpResponse(write_csv(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="inscrits-{event.public_id}.csv"'
    return response
