"""The patient page's panel: the patient's case-meeting history and signed recommendations.

The patient page is only shown to those who see the patient; they see its case requests too.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch

from filiere.access import Capability, grants_for
from filiere.access.patients import PatientRights
from filiere.accounts.models import User
from filiere.meetings.models import AgendaItem, CaseRequest, Recommendation
from filiere.patients.models import Patient


def case_meetings_panel(
    user: User, patient: Patient, rights: PatientRights
) -> dict[str, Any] | None:
    cases = list(
        CaseRequest.objects.filter(patient=patient)
        .select_related("series", "requester")
        .prefetch_related(
            Prefetch(
                "recommendations",
                queryset=Recommendation.objects.filter(status=Recommendation.Status.SIGNED)
                .only("public_id", "case_id", "version", "signed_at", "quorum_met")
                .order_by("-version"),
                to_attr="signed_versions",
            ),
            Prefetch(
                "agenda_items",
                queryset=AgendaItem.objects.select_related("meeting").order_by(
                    "-meeting__starts_at"
                ),
            ),
        )
        .order_by("-submitted_at")
    )
    return {
        "rcp_cases": cases,
        "rcp_may_submit": grants_for(user).has(Capability.SUBMIT_CASES),
        "rcp_patient": patient,
        # The treating team files the copy with the identity in the hospital record.
        "rcp_may_copy": bool(cases) and rights.see_identity,
    }
