"""The patient list (search, filters), registration and the patient page."""

from __future__ import annotations

import secrets
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from filiere.access import Capability, grants_for
from filiere.core.access_errors import NotVisible
from filiere.core.forms import apply_errors
from filiere.core.http import AuthenticatedRequest
from filiere.core.pagination import page_from_query, page_slice
from filiere.core.submissions import submit_once
from filiere.identity.services import IdentityInput
from filiere.network.models import Centre
from filiere.nomenclature.selectors import (
    with_hpo_labels,
)
from filiere.patients import forms as patient_forms
from filiere.patients import services
from filiere.patients.list_rows import list_rows
from filiere.patients.panels import panels_for
from filiere.patients.selectors import (
    PatientFilters,
    age_shown,
    duplicates_in_own_centres,
    get_patient_and_rights,
    identities_in_list,
    identity_of,
    kept_record_for_user,
    latest_consents,
    patient_list,
    with_list_details,
)
from filiere.patients.timeline import timeline_of

PAGE_SIZE = 25
SEARCH_SESSION_KEY = "patient_searches"


def _centres_with(request: AuthenticatedRequest, capability: Capability) -> Any:
    return Centre.objects.filter(pk__in=grants_for(request.user).centre_ids(capability)).order_by(
        "name"
    )


def _remember_search(request: AuthenticatedRequest, text: str) -> str:
    # Names never travel in URLs (server logs, browser history): the URL carries an opaque key.
    searches: dict[str, str] = request.session.get(SEARCH_SESSION_KEY, {})
    key = secrets.token_urlsafe(8)
    searches = dict(list(searches.items())[-9:]) | {key: text[:100]}
    request.session[SEARCH_SESSION_KEY] = searches
    return key


@login_required
def patient_list_view(request: AuthenticatedRequest) -> HttpResponse:
    """The patients of the user's centres, searchable and filterable, most recent first."""
    if not grants_for(request.user).has(Capability.VIEW_PATIENTS):
        if grants_for(request.user).has(Capability.TRANSFUSION):
            # Transfusion specialists search the patients of their region on their own page.
            return redirect("transfusion:patient_search")
        raise NotVisible(reason="liste des patients")
    if request.method == "POST":
        text = request.POST.get("q", "").strip()
        params = request.GET.copy()
        params.pop("page", None)
        params.pop("recherche", None)
        if text:
            params["recherche"] = _remember_search(request, text)
        return redirect(f"{reverse('patients:list')}?{params.urlencode()}")
    text = request.session.get(SEARCH_SESSION_KEY, {}).get(request.GET.get("recherche", ""), "")
    filter_form = patient_forms.PatientFilterForm(
        request.GET or None, centres=_centres_with(request, Capability.VIEW_PATIENTS)
    )
    cleaned = filter_form.cleaned_data if filter_form.is_valid() else {}
    filters = PatientFilters(
        text=text,
        centre_id=cleaned["centre"].pk if cleaned.get("centre") else None,
        disease_group=cleaned.get("disease_group"),
        status=cleaned.get("status", ""),
        age_group=cleaned.get("age_group", ""),
        followup=cleaned.get("followup", ""),
    )
    page_number = page_from_query(request.GET.get("page"))
    # No COUNT(*) over the whole registry: one row more than the page says whether there is a next.
    rows = list(
        with_list_details(patient_list(request.user, filters))[
            page_slice(page_number, PAGE_SIZE, one_more=True)
        ]
    )
    has_next = len(rows) > PAGE_SIZE
    patients = rows[:PAGE_SIZE]
    identities = identities_in_list(request.user, patients)
    services.patients_listed(
        actor=request.user,
        filters=filters,
        count=len(patients),
        page=page_number,
        where="Liste des patients",
        identified=[p for p in patients if p.pk in identities],
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "patients/patient_list.html",
        {
            "rows": list_rows(patients, identities),
            "filter_form": filter_form,
            "search_text": text,
            "page_number": page_number,
            "has_next": has_next,
            "query": query.urlencode(),
            "can_register": grants_for(request.user).has(Capability.EDIT_PATIENTS),
            "identity_column": bool(grants_for(request.user).centre_ids(Capability.VIEW_IDENTITY)),
        },
    )


@login_required
def patient_register_view(request: AuthenticatedRequest) -> HttpResponse:
    centres = _centres_with(request, Capability.EDIT_PATIENTS)
    if not centres.exists():
        raise NotVisible(reason="inclusion d'un patient")
    form = patient_forms.RegistrationForm(request.POST or None, centres=centres)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        identity_values = {name: data[name] for name in patient_forms.IdentityForm.base_fields}

        def save() -> str:
            registration = services.patient_register(
                actor=request.user,
                centre=data["centre"],
                identity=IdentityInput(**identity_values),
                inclusion_date=data["inclusion_date"],
                referred_by=data["referred_by"],
                outside_labelled_scope=data["outside_labelled_scope"],
                referring_physician=request.user,
            )
            patient = registration.patient
            messages.success(
                request, _("Patient inclus sous le pseudonyme %s.") % patient.pseudonym
            )
            if duplicates_in_own_centres(request.user, patient, registration.duplicates):
                messages.warning(
                    request,
                    _("Doublon possible : signalé au gestionnaire de données."),
                )
            return reverse("patients:detail", kwargs={"public_id": patient.public_id})

        try:
            return submit_once(request, save=save)
        except ValidationError as error:
            apply_errors(form, error)
    return render(request, "patients/register.html", {"form": form})


@login_required
def patient_detail_view(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    """The patient's record: summary, timeline, and identity for those allowed to see it."""
    try:
        patient, rights = get_patient_and_rights(request.user, public_id)
    except NotVisible:
        # Links and bookmarks to a record merged since still lead to the patient.
        kept = kept_record_for_user(request.user, public_id)
        if kept is None:
            raise
        messages.info(request, _("Ce dossier a été fusionné dans le dossier %s.") % kept.pseudonym)
        return redirect("patients:detail", public_id=kept.public_id)
    show_identity = rights.see_identity
    identity = identity_of(patient) if show_identity else None
    services.patient_record_viewed(
        actor=request.user, patient=patient, what="dossier" + (" avec identité" if identity else "")
    )
    from django.utils import timezone

    phenotypes = with_hpo_labels(patient.phenotypes.current())
    # Read once, shown in their sections and on the timeline.
    episodes = list(patient.care_episodes.select_related("centre", "referring_physician"))
    diagnoses = list(
        patient.diagnoses.current()
        .select_related("orpha", "icd10", "centre")
        .prefetch_related("genes")
    )
    findings = list(patient.genetic_findings.current().select_related("gene"))
    workups = list(patient.platelet_workups.current())
    consents = list(patient.consents.current())
    return render(
        request,
        "patients/patient_detail.html",
        {
            "patient": patient,
            "identity": identity,
            "age": age_shown(patient, identity, timezone.localdate()),
            "episodes": episodes,
            "diagnoses": diagnoses,
            "findings": findings,
            "phenotypes": phenotypes,
            "hpo_french_shown": any(o.hpo_label != label for o, label in phenotypes),
            "workups": workups[:10],
            "consents": latest_consents(consents).values(),
            "timeline": timeline_of(
                patient,
                episodes=episodes,
                diagnoses=diagnoses,
                findings=findings,
                workups=workups,
                consents=consents,
            ),
            "can_edit": rights.edit,
            "panels": panels_for(request.user, patient, rights),
        },
    )
