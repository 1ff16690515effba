"""The patient's printable documents: emergency care card (card size or A4) and follow-up booklet.

Both are generated from the record on each request, dated and versioned; printing is audited.
The patient's name is printed only for a reader who may see the identity (a clinician of a
following centre); otherwise the card keeps a blank line to fill in by hand.
"""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils import timezone

from filiere.access.patients import patient_rights
from filiere.core.http import AuthenticatedRequest
from filiere.followup import pdf, services
from filiere.followup.booklet import build_booklet
from filiere.followup.care_card import build_care_card
from filiere.followup.forms import BookletForm
from filiere.patients.selectors import get_patient_for_user, identity_of

BOOKLET_DEFAULT_YEARS = 2


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@login_required
def care_card_view(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    """The emergency care card: ``?format=a4`` for an A4 page, card size otherwise."""
    patient = get_patient_for_user(request.user, public_id)
    identity = identity_of(patient) if patient_rights(request.user, patient).see_identity else None
    card = build_care_card(patient, identity=identity, today=timezone.localdate())
    a4 = request.GET.get("format") == "a4"
    services.followup_printed(
        actor=request.user,
        patient=patient,
        what=f"carte de soins ({'A4' if a4 else 'format carte'}"
        f"{', avec identité' if identity else ''})",
    )
    content = pdf.render_card_a4(card) if a4 else pdf.render_card(card)
    return _pdf(content, f"carte_de_soins_{patient.pseudonym}{'_A4' if a4 else ''}.pdf")


@login_required
def booklet_view(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    """The follow-up booklet over a period (``?du=…&au=…``; by default the last 2 years)."""
    patient = get_patient_for_user(request.user, public_id)
    today = timezone.localdate()
    form = BookletForm({"start": request.GET.get("du", ""), "end": request.GET.get("au", "")})
    data = form.cleaned_data if form.is_valid() else {}
    end = data.get("end") or today
    start = data.get("start") or end.replace(year=end.year - BOOKLET_DEFAULT_YEARS, day=1)
    if start > end:
        start, end = end, start
    identity = identity_of(patient) if patient_rights(request.user, patient).see_identity else None
    card = build_care_card(patient, identity=identity, today=today)
    services.followup_printed(
        actor=request.user,
        patient=patient,
        what=f"carnet de suivi du {start:%d/%m/%Y} au {end:%d/%m/%Y}",
    )
    content = pdf.render_booklet(build_booklet(patient, card, start, end))
    return _pdf(content, f"carnet_de_suivi_{patient.pseudonym}.pdf")
