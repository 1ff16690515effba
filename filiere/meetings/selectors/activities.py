"""The case meetings' contribution to the national activity counts (BNDMR)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from filiere.meetings.models import (
    AgendaItem,
)
from filiere.patients.activities import NationalActivity

# --- National dataset ----------------------------------------------------------------------

# JDV_ContexteActivite_CISIS: the requesting centre took part in a national RCP.
RCP_CONTEXT = "ORG-199"
# JDV_ObjectifActivite_CISIS by question: diagnosis, genetic counselling, else care set-up.
OBJECTIVES = {"diagnostic": "MED-097", "genetic": "MED-098"}
CARE_SET_UP = "ORG-046"


@dataclass(frozen=True)
class RcpActivity:
    """One discussion of the patient's case: an activity of the national minimum dataset."""

    date: dt.date
    centre_id: int
    context: str
    objective: str


def national_activities(patient_id: int) -> list[RcpActivity]:
    """Each discussion of a case at a held meeting, for the SDM-MR export of the patient."""
    items = AgendaItem.objects.filter(
        case__patient_id=patient_id, outcome=AgendaItem.Outcome.DISCUSSED
    ).select_related("case__series", "meeting")
    return [
        RcpActivity(
            date=timezone.localtime(item.meeting.starts_at).date(),
            centre_id=item.case.requester_centre_id or item.case.series.centre_id,
            context=RCP_CONTEXT,
            objective=OBJECTIVES.get(item.case.question_type, CARE_SET_UP),
        )
        for item in items.order_by("meeting__starts_at")
        if item.purpose != AgendaItem.Purpose.RATIFICATION
    ]


def national_activities_of(patient_ids: list[int]) -> dict[int, list[NationalActivity]]:
    """Each discussion of these patients' cases at a held meeting (one query)."""
    items = (
        AgendaItem.objects.filter(
            case__patient_id__in=patient_ids, outcome=AgendaItem.Outcome.DISCUSSED
        )
        .exclude(purpose=AgendaItem.Purpose.RATIFICATION)
        .select_related("case__series__centre", "case__requester_centre", "meeting")
        .order_by("meeting__starts_at")
    )
    found: dict[int, list[NationalActivity]] = {}
    for item in items:
        centre = item.case.requester_centre or item.case.series.centre
        found.setdefault(item.case.patient_id, []).append(
            NationalActivity(
                item.public_id,
                timezone.localtime(item.meeting.starts_at).date(),
                centre,
                RCP_CONTEXT,
                (OBJECTIVES.get(item.case.question_type, CARE_SET_UP),),
            )
        )
    return found
