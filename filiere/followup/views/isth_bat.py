"""The guided ISTH-BAT interview (one htmx partial per domain) and an assessment's detail."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from filiere.access import Capability
from filiere.clinical.isth_bat import (
    CONSULTATION_ONLY,
    FEMALE_ONLY_DOMAINS,
    MAX_TOTAL,
    QUESTIONNAIRE,
    SCORING_KEY,
    Domain,
)
from filiere.core.forms import apply_errors
from filiere.core.http import AuthenticatedRequest
from filiere.followup import bat_form, services
from filiere.followup.forms import BleedingScoreForm
from filiere.followup.models import Version
from filiere.followup.selectors import get_bleeding_score
from filiere.followup.views.common import writing_centres
from filiere.patients.models import Patient
from filiere.patients.selectors import get_patient_for_user

DOMAIN_VALUES = {domain.value for domain in Domain}


def _female(patient: Patient) -> bool:
    # An undetermined sex keeps the female-only domains: the service decides whether to score.
    return patient.sex != "M"


def _diagnosis_dates(patient: Patient) -> list[str]:
    return [
        str(d.diagnosis_date) for d in patient.diagnoses.current() if d.diagnosis_date is not None
    ]


@login_required
def isth_bat_add_view(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    """The interview, domain by domain; saved once every domain's score is settled."""
    patient = get_patient_for_user(request.user, public_id, Capability.EDIT_PATIENTS)
    form = BleedingScoreForm(
        request.POST or None,
        centres=writing_centres(request.user, patient),
        initial={"assessed_on": timezone.localdate(), "version": Version.ISTH_BAT},
    )
    states = bat_form.read_all(request.POST, female=_female(patient))
    domain_errors: dict[str, list[str]] = {}
    if request.method == "POST" and form.is_valid():
        unsettled = [f"{s.number}. {s.label}" for s in states if not s.settled]
        if unsettled:
            form.add_error(None, _("Rubriques à terminer : %s.") % ", ".join(unsettled))
        else:
            data = form.cleaned_data
            try:
                score = services.bleeding_score_record(
                    actor=request.user,
                    patient=patient,
                    centre=data["centre"],
                    assessed_on=data["assessed_on"],
                    version=data["version"],
                    interviewer=request.user,
                    domain_scores={s.domain.value: s.score for s in states},
                    answers={s.domain.value: s.as_stored() for s in states if s.applicable},
                    comment=data["comment"],
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    domain_errors = {
                        k: v for k, v in error.message_dict.items() if k in DOMAIN_VALUES
                    }
                apply_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Score ISTH-BAT enregistré : %(total)s/%(max)s.")
                    % {"total": score.total, "max": MAX_TOTAL},
                )
                return redirect(
                    "followup:isth_bat_detail",
                    public_id=patient.public_id,
                    score_id=score.public_id,
                )
    elif request.method != "POST":
        services.followup_viewed(actor=request.user, patient=patient, what="saisie ISTH-BAT")
    return render(
        request,
        "followup/isth_bat_form.html",
        {
            "patient": patient,
            "form": form,
            "states": states,
            "domain_errors": domain_errors,
            "diagnosis_dates": _diagnosis_dates(patient),
            "consultation_only": _(CONSULTATION_ONLY),
            "running_total": sum(s.score for s in states),
        },
    )


@login_required
@require_POST
def isth_bat_domain_view(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    """One domain of the interview, re-drawn after an answer (htmx)."""
    patient = get_patient_for_user(request.user, public_id, Capability.EDIT_PATIENTS)
    value = request.POST.get("domain", "")
    if value not in DOMAIN_VALUES:
        raise Http404
    state = bat_form.read_domain(Domain(value), request.POST, female=_female(patient))
    return render(
        request,
        "followup/partials/bat_domain.html",
        {"patient": patient, "state": state, "consultation_only": _(CONSULTATION_ONLY)},
    )


@login_required
def isth_bat_detail_view(
    request: AuthenticatedRequest, public_id: uuid.UUID, score_id: uuid.UUID
) -> HttpResponse:
    """One assessment: the 14 domain scores, what each means, the interpretation."""
    patient = get_patient_for_user(request.user, public_id)
    score = get_bleeding_score(patient, score_id)
    services.followup_viewed(
        actor=request.user, patient=patient, what=f"score ISTH-BAT du {score.assessed_on}"
    )
    rows: list[dict[str, object]] = []
    female = _female(patient)
    for domain in Domain:
        value = getattr(score, domain.value)
        stored = score.answers.get(domain.value, {})
        applicable = female or domain not in FEMALE_ONLY_DOMAINS
        rows.append(
            {
                "number": len(rows) + 1,
                "label": _(domain.label),
                "score": value,
                "meaning": _(SCORING_KEY[domain].describe(value))
                if applicable
                else _("Non applicable"),
                "note": stored.get("note", ""),
                "yes": [
                    _(q.text) for q in QUESTIONNAIRE[domain] if stored.get("answers", {}).get(q.key)
                ],
            }
        )
    return render(
        request,
        "followup/isth_bat_detail.html",
        {
            "patient": patient,
            "score": score,
            "rows": rows,
            "max_total": MAX_TOTAL,
        },
    )
