"""Pages of the registry. Each one authorizes through the selectors, parses with a form, calls a
service, renders; each page that shows a patient records a read in the audit trail."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from filiere.access import Capability, grants_for
from filiere.access.patients import (
    may_resolve_duplicates_across_centres,
    may_see_duplicates,
    patient_rights,
)
from filiere.core.access_errors import NotVisible
from filiere.core.forms import apply_errors
from filiere.core.http import AuthenticatedRequest
from filiere.core.pages import record_form_page
from filiere.core.pagination import page_from_query, page_slice
from filiere.core.submissions import submit_once
from filiere.identity.services import IdentityInput
from filiere.network.models import Centre
from filiere.nomenclature.selectors import (
    hpo_search_terms,
    orpha_search,
    with_hpo_labels,
)
from filiere.patients import forms as patient_forms
from filiere.patients import services
from filiere.patients.correction_views import record_correct_view
from filiere.patients.models import Patient
from filiere.patients.panels import panels_for
from filiere.patients.selectors import (
    PatientFilters,
    age_shown,
    current_consents,
    duplicate_pair_patients,
    duplicates_in_own_centres,
    get_duplicate_for_user,
    get_patient_for_user,
    identities_in_list,
    identity_of,
    kept_record_for_user,
    open_duplicates_for,
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
            "rows": [(p, identities.get(p.pk)) for p in patients],
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
        patient = get_patient_for_user(request.user, public_id)
    except NotVisible:
        # Links and bookmarks to a record merged since still lead to the patient.
        kept = kept_record_for_user(request.user, public_id)
        if kept is None:
            raise
        messages.info(request, _("Ce dossier a été fusionné dans le dossier %s.") % kept.pseudonym)
        return redirect("patients:detail", public_id=kept.public_id)
    rights = patient_rights(request.user, patient)
    show_identity = rights.see_identity
    identity = identity_of(patient) if show_identity else None
    services.patient_record_viewed(
        actor=request.user, patient=patient, what="dossier" + (" avec identité" if identity else "")
    )
    from django.utils import timezone

    phenotypes = with_hpo_labels(patient.phenotypes.current())
    diagnoses = list(
        patient.diagnoses.current()
        .select_related("orpha", "icd10", "centre")
        .prefetch_related("genes")
    )
    return render(
        request,
        "patients/patient_detail.html",
        {
            "patient": patient,
            "identity": identity,
            "age": age_shown(patient, identity, timezone.localdate()),
            "episodes": patient.care_episodes.select_related("centre", "referring_physician"),
            "diagnoses": diagnoses,
            "findings": patient.genetic_findings.current().select_related("gene"),
            "phenotypes": phenotypes,
            "hpo_french_shown": any(o.hpo_label != label for o, label in phenotypes),
            "workups": patient.platelet_workups.current()[:10],
            "consents": current_consents(patient).values(),
            "timeline": timeline_of(patient),
            "can_edit": rights.edit,
            "panels": panels_for(request.user, patient),
        },
    )


FormFactory = Callable[[AuthenticatedRequest, Patient, Any], forms.BaseForm]
Save = Callable[[AuthenticatedRequest, Patient, dict[str, Any]], Any]


def _patient_form_page(
    request: AuthenticatedRequest,
    public_id: uuid.UUID,
    *,
    title: str,
    make_form: FormFactory,
    save: Save,
    done: str,
) -> HttpResponse:
    """A form that adds to or changes a patient's record (one per kind of record)."""
    patient = get_patient_for_user(request.user, public_id, Capability.EDIT_PATIENTS)
    return record_form_page(
        request,
        make_form(request, patient, request.POST or None),
        template="patients/record_form.html",
        context={"patient": patient, "title": title},
        save=lambda form: save(request, patient, form.cleaned_data),
        success_url=reverse("patients:detail", kwargs={"public_id": patient.public_id}),
        done=done,
        viewed=lambda: services.patient_record_viewed(
            actor=request.user, patient=patient, what=title
        ),
    )


@login_required
def diagnosis_add_view(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    def make(req: AuthenticatedRequest, patient: Patient, data: Any) -> forms.Form:
        return patient_forms.DiagnosisForm(
            data, centres=_centres_with(req, Capability.EDIT_PATIENTS)
        )

    def save(req: AuthenticatedRequest, patient: Patient, data: dict[str, Any]) -> Any:
        return services.diagnosis_record(
            actor=req.user, patient=patient, **data_for_diagnosis(data)
        )

    return _patient_form_page(
        request,
        public_id,
        title=_("Nouveau diagnostic"),
        make_form=make,
        save=save,
        done=_("Diagnostic enregistré."),
    )


def data_for_diagnosis(data: dict[str, Any]) -> dict[str, Any]:
    values = dict(data)
    values["orpha_code"] = values.get("orpha_code") or None
    values["icd10_code"] = values.get("icd10_code") or None
    return values


@login_required
def diagnosis_edit_view(
    request: AuthenticatedRequest, public_id: uuid.UUID, diagnosis_id: uuid.UUID
) -> HttpResponse:
    """The diagnosis' correction page (the shared mechanism keeps the previous version)."""
    return record_correct_view(request, public_id, "diagnostic", diagnosis_id)


@login_required
def finding_add_view(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    return _patient_form_page(
        request,
        public_id,
        title=_("Nouveau résultat génétique"),
        make_form=lambda req, p, data: patient_forms.GeneticFindingForm(data),
        save=lambda req, p, data: services.genetic_finding_record(
            actor=req.user, patient=p, **data
        ),
        done=_("Résultat génétique enregistré."),
    )


@login_required
def phenotype_add_view(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    return _patient_form_page(
        request,
        public_id,
        title=_("Nouveau phénotype (HPO)"),
        make_form=lambda req, p, data: patient_forms.PhenotypeForm(data),
        save=lambda req, p, data: services.phenotype_record(actor=req.user, patient=p, **data),
        done=_("Phénotype enregistré."),
    )


@login_required
def workup_add_view(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    return _patient_form_page(
        request,
        public_id,
        title=_("Nouveau bilan plaquettaire"),
        make_form=lambda req, p, data: patient_forms.PlateletWorkupForm(data),
        save=lambda req, p, data: services.platelet_workup_record(
            actor=req.user, patient=p, **data
        ),
        done=_("Bilan plaquettaire enregistré."),
    )


@login_required
def consent_add_view(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    return _patient_form_page(
        request,
        public_id,
        title=_("Nouvelle réponse du patient (consentement, opposition)"),
        make_form=lambda req, p, data: patient_forms.ConsentForm(data),
        save=lambda req, p, data: services.consent_record(actor=req.user, patient=p, **data),
        done=_("Réponse enregistrée."),
    )


@login_required
def episode_add_view(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    def save(req: AuthenticatedRequest, p: Patient, data: dict[str, Any]) -> Any:
        return services.care_episode_open(
            actor=req.user, patient=p, referring_physician=req.user, **data
        )

    return _patient_form_page(
        request,
        public_id,
        title=_("Nouvelle prise en charge par un centre"),
        make_form=lambda req, p, data: patient_forms.CareEpisodeForm(
            data, centres=_centres_with(req, Capability.EDIT_PATIENTS)
        ),
        save=save,
        done=_("Prise en charge enregistrée."),
    )


@login_required
def status_edit_view(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    def make(req: AuthenticatedRequest, p: Patient, data: Any) -> forms.Form:
        initial = {
            "vital_status": p.vital_status,
            "death_date": p.death_date,
            "death_due_to_rare_disease": p.death_due_to_rare_disease,
            "consanguinity": p.consanguinity,
            "idmr": p.idmr,
            "biobanks": p.biobanks,
        }
        return patient_forms.StatusForm(data, initial=initial)

    return _patient_form_page(
        request,
        public_id,
        title=_("Statut vital et informations du registre"),
        make_form=make,
        save=lambda req, p, data: services.patient_update_status(actor=req.user, patient=p, **data),
        done=_("Statut enregistré."),
    )


@login_required
def identity_edit_view(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    patient = get_patient_for_user(request.user, public_id, Capability.EDIT_PATIENTS)
    if not patient_rights(request.user, patient).see_identity:
        raise NotVisible("patients.patient", str(patient.public_id), "identité")

    def make(req: AuthenticatedRequest, p: Patient, data: Any) -> forms.Form:
        identity = identity_of(p)
        initial = (
            {n: getattr(identity, n) for n in patient_forms.IdentityForm.base_fields}
            if identity
            else {}
        )
        return patient_forms.IdentityForm(data, initial=initial)

    return _patient_form_page(
        request,
        public_id,
        title=_("Traits d'identité"),
        make_form=make,
        save=lambda req, p, data: services.patient_update_identity(
            actor=req.user, patient=p, values=data
        ),
        done=_("Identité modifiée."),
    )


@login_required
def hpo_search_view(request: AuthenticatedRequest) -> HttpResponse:
    """Suggestions of HPO terms for the phenotype form (htmx)."""
    if not grants_for(request.user).has(Capability.EDIT_PATIENTS):
        raise NotVisible(reason="recherche HPO")
    text = request.GET.get("hpo_id", "") or request.GET.get("q", "")
    terms = hpo_search_terms(text, limit=15)
    return render(
        request,
        "patients/partials/hpo_options.html",
        {"terms": terms, "hpo_french_shown": any(term.french for term in terms)},
    )


@login_required
def orpha_search_view(request: AuthenticatedRequest) -> HttpResponse:
    if not grants_for(request.user).has(Capability.EDIT_PATIENTS):
        raise NotVisible(reason="recherche ORPHA")
    concepts = orpha_search(request.GET.get("orpha_code", "") or request.GET.get("q", ""), limit=15)
    return render(request, "patients/partials/orpha_options.html", {"concepts": concepts})


# --- Duplicates (data managers) -----------------------------------------------------------


DUPLICATES_SHOWN = 200


def _duplicate_pairs(request: AuthenticatedRequest) -> list[dict[str, Any]]:
    # The home page counts the same pairs (one rule: ``open_duplicates_for``).
    suspicions = list(open_duplicates_for(request.user)[:DUPLICATES_SHOWN])
    links = {link for s in suspicions for link in (s.first_link, s.second_link)}
    patients = {
        p.identity_link: p
        for p in with_list_details(Patient.objects.filter(identity_link__in=links))
    }
    # Identities only where the user may read them (never for the network coordinator).
    identities = identities_in_list(request.user, list(patients.values()))
    pairs = []
    for suspicion in suspicions:
        pair = [patients.get(suspicion.first_link), patients.get(suspicion.second_link)]
        if None in pair:
            continue
        pairs.append(
            {
                "suspicion": suspicion,
                "patients": [(p, identities.get(p.pk)) for p in pair if p is not None],
            }
        )
    return pairs


@login_required
def duplicate_list_view(request: AuthenticatedRequest) -> HttpResponse:
    if not may_see_duplicates(request.user):
        raise NotVisible(reason="doublons")
    pairs = _duplicate_pairs(request)
    services.duplicates_listed(
        actor=request.user,
        pairs=len(pairs),
        identified=[p for pair in pairs for p, identity in pair["patients"] if identity],
    )
    return render(
        request,
        "patients/duplicates.html",
        {"pairs": pairs, "pseudonymised": may_resolve_duplicates_across_centres(request.user)},
    )


@login_required
@require_POST
def duplicate_resolve_view(request: AuthenticatedRequest, suspicion_id: uuid.UUID) -> HttpResponse:
    if not may_see_duplicates(request.user):
        raise NotVisible(reason="doublons")
    suspicion = get_duplicate_for_user(request.user, suspicion_id)
    try:
        if request.POST.get("decision") == "merge":
            keep = next(
                (
                    p
                    for p in duplicate_pair_patients(suspicion)
                    if str(p.public_id) == request.POST.get("keep")
                ),
                None,
            )
            if keep is None:
                raise ValidationError(_("Choisissez le dossier à conserver."))
            services.duplicate_merge(
                actor=request.user,
                suspicion=suspicion,
                keep=keep,
                note=request.POST.get("note", ""),
            )
            messages.success(request, _("Dossiers fusionnés dans %s.") % keep.pseudonym)
        else:
            services.duplicate_dismiss(
                actor=request.user, suspicion=suspicion, note=request.POST.get("note", "")
            )
            messages.success(request, _("Doublon écarté."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("patients:duplicates")


@login_required
def sdm_mr_download_view(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    """The patient's own SDM-MR document (refused when the patient opposed national reuse)."""
    from filiere.exports.sdm_mr import render_sdm_mr
    from filiere.patients.sdm_mr import Incomplete, documents

    patient = get_patient_for_user(request.user, public_id, Capability.EDIT_PATIENTS)
    centres = grants_for(request.user).centre_ids(Capability.EDIT_PATIENTS)
    episode = patient.care_episodes.filter(centre_id__in=centres).select_related("centre").first()
    custodian = episode.centre if episode else None
    ((_patient, document),) = list(
        documents(Patient.objects.filter(pk=patient.pk), custodian=custodian)
    )
    if document is None:
        messages.error(request, _("Ce patient s'oppose à la réutilisation de ses données (BNDMR)."))
        return redirect("patients:detail", public_id=patient.public_id)
    if isinstance(document, Incomplete):
        messages.error(request, _("Dossier incomplet pour le SDM-MR : %s") % document.reason)
        return redirect("patients:detail", public_id=patient.public_id)
    services.patient_record_exported(actor=request.user, patient=patient, what="SDM-MR")
    response = HttpResponse(render_sdm_mr(document), content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="SDM-MR_{patient.pseudonym}.xml"'
    return response
