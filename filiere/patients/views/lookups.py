"""Term look-ups (HPO, ORPHA), the duplicate suspicions and the SDM-MR download."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from filiere.access import Capability, grants_for
from filiere.access.patients import (
    may_resolve_duplicates_across_centres,
    may_see_duplicates,
)
from filiere.core.access_errors import NotVisible
from filiere.core.http import AuthenticatedRequest
from filiere.nomenclature.selectors import (
    hpo_search_terms,
    orpha_search,
)
from filiere.patients import services
from filiere.patients.models import Patient
from filiere.patients.selectors import (
    duplicate_pair_patients,
    get_duplicate_for_user,
    get_patient_for_user,
    identities_in_list,
    open_duplicates_for,
    with_list_details,
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
