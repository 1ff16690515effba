"""A centre's worklist of patients due or overdue for a visit, and the rules of the rhythm."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from filiere.access import Capability
from filiere.audit.models import AuditEvent
from filiere.audit.services import audit_record
from filiere.core.access_errors import NotVisible, capability_required
from filiere.core.forms import apply_errors
from filiere.core.http import AuthenticatedRequest
from filiere.core.pagination import page_from_query, page_slice
from filiere.core.submissions import submit_once
from filiere.followup import services
from filiere.followup.forms import RuleForm
from filiere.followup.models import FollowUpRule
from filiere.followup.rhythm import DEFAULT_INTERVAL_MONTHS, FollowUpStatus
from filiere.followup.selectors import (
    centres_for_worklist,
    get_centre_for_worklist,
    visits_to_complete,
    worklist,
    worklist_counts,
)
from filiere.followup.services.care_cards import PRINTABLE, care_cards_start
from filiere.nomenclature.models import DiseaseGroup

PAGE_SIZE = 50


@login_required
def worklist_home_view(request: AuthenticatedRequest) -> HttpResponse:
    """Send the user to their centre's worklist, or let them choose among their centres."""
    centres = list(centres_for_worklist(request.user).order_by("name"))
    if not centres:
        raise NotVisible(reason="liste de suivi")
    if len(centres) == 1:
        return redirect("followup:worklist", centre_id=centres[0].public_id)
    today = timezone.localdate()
    rows = []
    for centre in centres:
        counts = worklist_counts(centre, today)
        rows.append((centre, counts[FollowUpStatus.OVERDUE], counts[FollowUpStatus.DUE]))
    return render(request, "followup/worklist_home.html", {"rows": rows})


@login_required
def worklist_view(request: AuthenticatedRequest, centre_id: uuid.UUID) -> HttpResponse:
    """The centre's patients overdue (or due soon) for a follow-up visit, most urgent first."""
    centre = get_centre_for_worklist(request.user, centre_id)
    try:
        status = FollowUpStatus(request.GET.get("statut", FollowUpStatus.OVERDUE))
    except ValueError:
        status = FollowUpStatus.OVERDUE
    page_number = page_from_query(request.GET.get("page"))
    today = timezone.localdate()
    # No COUNT of the page's own list: one row more than the page says whether there is a next.
    rows = list(worklist(centre, status, today)[page_slice(page_number, PAGE_SIZE, one_more=True)])
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.VIEW,
        object_type="followup.worklist",
        object_id=str(centre.public_id),
        centre_id=centre.public_id,
        summary=f"Liste de suivi {centre} : {status.label}",
    )
    return render(
        request,
        "followup/worklist.html",
        {
            "centre": centre,
            "status": status,
            "tabs": list(worklist_counts(centre, today).items()),
            "schedules": [(s, (today - s.next_due_on).days) for s in rows[:PAGE_SIZE]],
            "page_number": page_number,
            "has_next": len(rows) > PAGE_SIZE,
            "today": today,
            "may_print_cards": status in PRINTABLE and bool(rows),
        },
    )


@login_required
@require_POST
def worklist_care_cards_view(request: AuthenticatedRequest, centre_id: uuid.UUID) -> HttpResponse:
    """« Imprimer leurs cartes de soins »: the cards of the list's patients, written by the
    worker as one PDF; its job's page follows it."""
    centre = get_centre_for_worklist(request.user, centre_id)
    known = {item.value: item for item in FollowUpStatus}
    status = known.get(request.POST.get("statut", ""))
    back = reverse("followup:worklist", kwargs={"centre_id": centre.public_id})

    def save() -> str:
        if status is None:
            raise ValidationError({"statut": "Liste : liste inconnue."})
        job = care_cards_start(actor=request.user, centre=centre, status=status)
        return reverse("jobs:detail", kwargs={"job_id": job.public_id})

    try:
        return submit_once(request, save=save)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(f"{back}?statut={status.value}" if status is not None else back)


@capability_required(Capability.EDIT_PATIENTS)
def visits_to_complete_view(request: AuthenticatedRequest) -> HttpResponse:
    """The visits of the user's centres flagged "à compléter", oldest first."""
    page_number = page_from_query(request.GET.get("page"))
    rows = list(
        visits_to_complete(request.user).select_related("patient", "centre")[
            page_slice(page_number, PAGE_SIZE, one_more=True)
        ]
    )
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.VIEW,
        object_type="followup.visits_to_complete",
        summary="Visites à compléter",
    )
    return render(
        request,
        "followup/visits_to_complete.html",
        {"visits": rows[:PAGE_SIZE], "page_number": page_number, "has_next": len(rows) > PAGE_SIZE},
    )


@capability_required(Capability.CONFIGURE_NETWORK)
def rules_view(request: AuthenticatedRequest) -> HttpResponse:
    """The network's follow-up rhythm: one interval per disease group and form."""
    form = RuleForm(request.POST if request.POST.get("action") == "save" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "save" and form.is_valid():
                change = services.followup_rule_save(actor=request.user, **form.cleaned_data)
                messages.success(request, _("Rythme enregistré : %s.") % change.rule)
                if change.refresh is not None:
                    return redirect("jobs:detail", job_id=change.refresh.public_id)
                return redirect("followup:rules")
            if action == "delete":
                found = FollowUpRule.objects.filter(public_id=request.POST.get("rule", "")).first()
                if found is not None:
                    job = services.followup_rule_delete(actor=request.user, rule=found)
                    messages.success(request, _("Rythme supprimé."))
                    return redirect("jobs:detail", job_id=job.public_id)
                return redirect("followup:rules")
            if action == "refresh":
                job = services.schedules_refresh_start(actor=request.user)
                return redirect("jobs:detail", job_id=job.public_id)
            if action == "defaults":
                defaults = services.followup_rules_install_defaults(actor=request.user)
                messages.success(
                    request, _("%d rythme(s) par défaut ajouté(s).") % defaults.created
                )
                if defaults.refresh is not None:
                    return redirect("jobs:detail", job_id=defaults.refresh.public_id)
                return redirect("followup:rules")
        except ValidationError as error:
            apply_errors(form, error)
    return render(
        request,
        "followup/rules.html",
        {
            "form": form,
            "rules": FollowUpRule.objects.select_related("disease_group", "updated_by"),
            "groups": DiseaseGroup.objects.all(),
            "default_interval": DEFAULT_INTERVAL_MONTHS,
        },
    )
