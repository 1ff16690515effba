"""The public directory (no login) and its editors' pages (centre coordinators, the network
coordinator who publishes)."""

from __future__ import annotations

import json
import uuid
from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from filiere.access.directory import (
    diagnostic_test_rights,
    may_edit_directory,
    may_name_outside_laboratory,
    profile_rights,
    publishes_directory,
)
from filiere.access.grants import grants_for
from filiere.core.access_errors import NotVisible
from filiere.core.forms import apply_errors, flash_errors
from filiere.core.http import AuthenticatedRequest
from filiere.directory import selectors, services
from filiere.directory.exports import directory_csv, directory_json
from filiere.directory.forms import DiagnosticTestForm, ProfileForm
from filiere.directory.models import DiagnosticTest
from filiere.directory.regional_map import regional_map
from filiere.network.models import Centre, Region

# The public pages are served without login: nothing on them is personal, and every entry was
# published by the network coordinator.


def directory_index(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    centres, tests = selectors.directory_search(query)
    return render(
        request,
        "directory/index.html",
        {
            "query": query,
            "centres": centres,
            "tests": tests,
            "regions": selectors.centres_by_region(centres),
            "map": regional_map(
                Counter(centre.region for centre in centres),
                {code: str(label) for code, label in Region.choices},
            ),
        },
    )


def centre_page(request: HttpRequest, centre_id: uuid.UUID) -> HttpResponse:
    centre = selectors.public_centre(centre_id)
    if centre is None:
        raise Http404
    return render(
        request,
        "directory/centre.html",
        {"centre": centre, "tests": selectors.tests_of_laboratory(centre.public_id)},
    )


def diagnostic_tests(request: HttpRequest) -> HttpResponse:
    return render(request, "directory/test_list.html", {"tests": selectors.public_tests()})


def diagnostic_test(request: HttpRequest, test_id: uuid.UUID) -> HttpResponse:
    test = selectors.public_test(test_id)
    if test is None:
        raise Http404
    laboratory = selectors.public_centre(test.laboratory) if test.laboratory else None
    return render(request, "directory/test.html", {"test": test, "laboratory": laboratory})


def export_csv(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(directory_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="annuaire-filiere.csv"'
    return response


def export_json(request: HttpRequest) -> HttpResponse:
    body = json.dumps(directory_json(), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="annuaire-filiere.json"'
    return response


# --- The editors' pages -----------------------------------------------------------------------


def _editable_centre(user: object, centre_id: uuid.UUID) -> Centre:
    centre = Centre.objects.filter(public_id=centre_id).first()
    if centre is None:
        raise Http404
    if not profile_rights(user, centre).edit:
        raise NotVisible("network.centre", str(centre_id), "annuaire : fiche d'un autre centre")
    return centre


def _editable_test(user: object, test_id: uuid.UUID) -> DiagnosticTest:
    test = DiagnosticTest.objects.select_related("laboratory").filter(public_id=test_id).first()
    if test is None:
        raise Http404
    if not diagnostic_test_rights(user, test).edit:
        raise NotVisible("directory.diagnostictest", str(test_id), "annuaire : autre laboratoire")
    return test


@login_required
def manage(request: AuthenticatedRequest) -> HttpResponse:
    if not may_edit_directory(request.user):
        raise NotVisible(reason="annuaire : gestion")
    centres = selectors.editable_centres(request.user)
    profiles = selectors.profiles_by_centre(centres)
    return render(
        request,
        "directory/manage.html",
        {
            "rows": [(centre, profiles.get(centre.pk)) for centre in centres],
            "tests": selectors.editable_tests(request.user),
            "may_publish": publishes_directory(grants_for(request.user)),
        },
    )


@login_required
def profile_edit(request: AuthenticatedRequest, centre_id: uuid.UUID) -> HttpResponse:
    centre = _editable_centre(request.user, centre_id)
    profile = selectors.draft_of(centre)
    form = ProfileForm.for_draft(profile, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_save(
                actor=request.user,
                centre=centre,
                presentation=form.cleaned_data["presentation"],
                team=form.team_entries(),
                disease_codes=form.disease_codes(),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("Brouillon enregistré : la coordination de la filière le publiera."),
            )
            return redirect("directory:manage")
    return render(
        request,
        "directory/profile_edit.html",
        {"centre": centre, "profile": profile, "form": form},
    )


@require_POST
@login_required
def profile_publish(request: AuthenticatedRequest, centre_id: uuid.UUID) -> HttpResponse:
    centre = Centre.objects.filter(public_id=centre_id).first()
    if centre is None:
        raise Http404
    if not profile_rights(request.user, centre).publish:
        raise NotVisible("network.centre", str(centre_id), "annuaire : publication")
    profile = selectors.draft_of(centre)
    if profile is None:
        messages.error(request, _("Fiche : ce centre n'a pas encore de brouillon à publier."))
        return redirect("directory:manage")
    try:
        services.profile_publish(actor=request.user, profile=profile)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, _("Fiche « %(centre)s » publiée.") % {"centre": centre})
    return redirect("directory:manage")


def _test_form(request: AuthenticatedRequest, **kwargs: object) -> DiagnosticTestForm:
    return DiagnosticTestForm(
        request.POST if request.method == "POST" else None,
        laboratories=selectors.editable_centres(request.user),
        outside_allowed=may_name_outside_laboratory(request.user),
        **kwargs,
    )


@login_required
def diagnostic_test_create(request: AuthenticatedRequest) -> HttpResponse:
    if not may_edit_directory(request.user):
        raise NotVisible(reason="annuaire : nouvel examen")
    form = _test_form(request)
    if request.method == "POST" and form.is_valid():
        try:
            services.diagnostic_test_save(actor=request.user, **form.service_values())
        except ValidationError as error:
            apply_errors(form, error, aliases=form.aliases())
        else:
            messages.success(request, _("Examen enregistré (brouillon)."))
            return redirect("directory:manage")
    return render(request, "directory/test_edit.html", {"form": form, "test": None})


@login_required
def diagnostic_test_edit(request: AuthenticatedRequest, test_id: uuid.UUID) -> HttpResponse:
    test = _editable_test(request.user, test_id)
    form = _test_form(request, initial=DiagnosticTestForm.initial_of(test))
    if request.method == "POST" and form.is_valid():
        try:
            services.diagnostic_test_save(actor=request.user, test=test, **form.service_values())
        except ValidationError as error:
            apply_errors(form, error, aliases=form.aliases())
        else:
            messages.success(request, _("Examen enregistré (brouillon)."))
            return redirect("directory:manage")
    return render(request, "directory/test_edit.html", {"form": form, "test": test})


@require_POST
@login_required
def diagnostic_test_publish(request: AuthenticatedRequest, test_id: uuid.UUID) -> HttpResponse:
    test = DiagnosticTest.objects.filter(public_id=test_id).first()
    if test is None:
        raise Http404
    if not diagnostic_test_rights(request.user, test).publish:
        raise NotVisible("directory.diagnostictest", str(test_id), "annuaire : publication")
    try:
        services.diagnostic_test_publish(actor=request.user, test=test)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, _("Examen « %(name)s » publié.") % {"name": test.name})
    return redirect("directory:manage")


@require_POST
@login_required
def profile_withdraw(request: AuthenticatedRequest, centre_id: uuid.UUID) -> HttpResponse:
    centre = Centre.objects.filter(public_id=centre_id).first()
    if centre is None:
        raise Http404
    if not profile_rights(request.user, centre).publish:
        raise NotVisible("network.centre", str(centre_id), "annuaire : retrait")
    profile = selectors.draft_of(centre)
    try:
        if profile is None:
            raise ValidationError(_("Fiche : elle n'est pas publiée."))
        services.profile_withdraw(actor=request.user, profile=profile)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(
            request, _("Fiche « %(centre)s » retirée de l'annuaire.") % {"centre": centre}
        )
    return redirect("directory:manage")


@require_POST
@login_required
def diagnostic_test_withdraw(request: AuthenticatedRequest, test_id: uuid.UUID) -> HttpResponse:
    test = DiagnosticTest.objects.filter(public_id=test_id).first()
    if test is None:
        raise Http404
    if not diagnostic_test_rights(request.user, test).publish:
        raise NotVisible("directory.diagnostictest", str(test_id), "annuaire : retrait")
    try:
        services.diagnostic_test_withdraw(actor=request.user, test=test)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(
            request, _("Examen « %(name)s » retiré de l'annuaire.") % {"name": test.name}
        )
    return redirect("directory:manage")
