"""Reads of the follow-up module: disease groups of diagnoses, due dates, worklists, a patient's
follow-up, and the visits as national-dataset activities.

Who may see a patient is decided by ``filiere.patients.selectors``; this module only narrows.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404

from filiere.access import Capability, grants_for
from filiere.accounts.models import User
from filiere.core.access_errors import NotVisible
from filiere.followup.models import (
    AdverseEvent,
    BleedingEvent,
    BleedingScore,
    CentreDue,
    FollowUpSchedule,
    Treatment,
    Visit,
)
from filiere.followup.rhythm import DUE_SOON_DAYS, FollowUpStatus, status_on
from filiere.network.models import Centre
from filiere.patients.activities import NationalActivity
from filiere.patients.models import CareEpisode, Patient
from filiere.patients.selectors import patients_visible_to

# --- Worklists -----------------------------------------------------------------------------


def worklist_centre_ids(user: User) -> frozenset[int]:
    """The centres whose follow-up worklist the user sees."""
    return grants_for(user).centre_ids(Capability.VIEW_PATIENTS)


def centres_for_worklist(user: User) -> QuerySet[Centre]:
    return Centre.objects.filter(pk__in=worklist_centre_ids(user))


def get_centre_for_worklist(user: User, public_id: uuid.UUID | str) -> Centre:
    """Return the centre if the user sees its patients, else 404 (recorded)."""
    try:
        centre = Centre.objects.get(public_id=public_id)
    except (Centre.DoesNotExist, ValidationError, ValueError) as exc:
        raise Http404 from exc
    if not grants_for(user).has(Capability.VIEW_PATIENTS, centre.pk):
        raise NotVisible("network.centre", str(centre.public_id), "liste de suivi")
    return centre


def worklist(centre: Centre, status: FollowUpStatus, today: dt.date) -> QuerySet[FollowUpSchedule]:
    """Return the due dates of the centre's patients in this status, most urgent first."""
    followed = CareEpisode.objects.filter(
        patient=OuterRef("patient"), centre=centre, ended_on__isnull=True
    )
    schedules = FollowUpSchedule.objects.filter(Exists(followed))
    soon = today + dt.timedelta(days=DUE_SOON_DAYS)
    if status is FollowUpStatus.OVERDUE:
        schedules = schedules.filter(next_due_on__lt=today)
    elif status is FollowUpStatus.DUE:
        schedules = schedules.filter(next_due_on__gte=today, next_due_on__lte=soon)
    else:
        schedules = schedules.filter(next_due_on__gt=soon)
    return schedules.select_related("patient", "disease_group").order_by("next_due_on", "pk")


def worklist_counts(centre: Centre, today: dt.date) -> dict[FollowUpStatus, int]:
    """Return how many of the centre's patients are in each status (one index range scan)."""
    soon = today + dt.timedelta(days=DUE_SOON_DAYS)
    counts = CentreDue.objects.filter(centre=centre).aggregate(
        overdue=Count("pk", filter=Q(next_due_on__lt=today)),
        due=Count("pk", filter=Q(next_due_on__gte=today, next_due_on__lte=soon)),
        up_to_date=Count("pk", filter=Q(next_due_on__gt=soon)),
    )
    return {status: counts[status.value] for status in FollowUpStatus}


# --- One patient ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PatientFollowup:
    schedule: FollowUpSchedule | None
    status: FollowUpStatus | None
    visits: list[Visit]
    scores: list[BleedingScore]
    events: list[BleedingEvent]
    treatments: list[Treatment]
    adverse_events: list[AdverseEvent]


def schedule_of(patient: Patient) -> FollowUpSchedule | None:
    return FollowUpSchedule.objects.filter(patient=patient).select_related("disease_group").first()


def patient_followup(patient: Patient, today: dt.date) -> PatientFollowup:
    """Return everything the follow-up page shows for one patient (a fixed number of queries)."""
    schedule = schedule_of(patient)
    return PatientFollowup(
        schedule=schedule,
        status=status_on(schedule.next_due_on, today) if schedule else None,
        visits=list(patient.followup_visits.current().select_related("centre")),
        scores=list(patient.bleeding_scores.current().select_related("centre", "interviewer")),
        events=list(patient.bleeding_events.current().select_related("centre")),
        treatments=list(
            patient.treatments.current().select_related(
                "atc",
                "centre",
                "diagnosis__orpha",
                "bleeding_event",
                "dose_confirmed_by",
                "emergency_validated_by",
            )
        ),
        adverse_events=list(patient.adverse_events.current().select_related("treatment__atc")),
    )


def get_visit(patient: Patient, public_id: uuid.UUID) -> Visit:
    visit = Visit.objects.filter(patient=patient, public_id=public_id).first()
    if visit is None:
        raise NotVisible("followup.visit", str(public_id))
    return visit


def get_bleeding_score(patient: Patient, public_id: uuid.UUID) -> BleedingScore:
    score = (
        BleedingScore.objects.filter(patient=patient, public_id=public_id)
        .select_related("centre", "interviewer")
        .first()
    )
    if score is None:
        raise NotVisible("followup.bleedingscore", str(public_id))
    return score


def get_treatment(patient: Patient, public_id: uuid.UUID | str) -> Treatment:
    try:
        treatment = (
            Treatment.objects.filter(patient=patient, public_id=public_id)
            .select_related("atc")
            .first()
        )
    except ValidationError:  # not a UUID
        treatment = None
    if treatment is None:
        raise NotVisible("followup.treatment", str(public_id))
    return treatment


# --- National dataset ----------------------------------------------------------------------


@dataclass(frozen=True)
class Activity:
    """A visit as an SDM-MR activity (JDV_ContexteActivite, JDV_ObjectifActivite)."""

    date: dt.date
    centre: Centre
    context_code: str
    objective_code: str


def activities_of(patient: Patient) -> list[Activity]:
    """Return the patient's visits as national-dataset activities, oldest first."""
    return [
        Activity(visit.visited_on, visit.centre, visit.context, visit.objective)
        for visit in patient.followup_visits.current()
        .select_related("centre")
        .order_by("visited_on")
    ]


def national_activities_of(patient_ids: list[int]) -> dict[int, list[NationalActivity]]:
    """The visits of these patients as national-dataset activities (one query)."""
    found: dict[int, list[NationalActivity]] = {}
    visits = Visit.objects.current().filter(patient_id__in=patient_ids).select_related("centre")
    for visit in visits.order_by("visited_on"):
        found.setdefault(visit.patient_id, []).append(
            NationalActivity(
                visit.public_id, visit.visited_on, visit.centre, visit.context, (visit.objective,)
            )
        )
    return found


def visits_to_complete(user: User) -> QuerySet[Visit]:
    """Current visits flagged "à compléter" at the centres where the user edits patients'
    records (patients the user may edit), oldest first."""
    centres = grants_for(user).centre_ids(Capability.EDIT_PATIENTS)
    if not centres:
        return Visit.objects.none()
    return (
        Visit.objects.current()
        .filter(
            to_complete=True,
            centre_id__in=centres,
            patient__in=patients_visible_to(user, Capability.EDIT_PATIENTS),
        )
        .order_by("visited_on", "pk")
    )


def patients_by_follow_up(
    patients: QuerySet[Patient], value: str, today: dt.date
) -> QuerySet[Patient]:
    """The patient list's « Suivi » filter: next expected visit overdue, or due within
    ``DUE_SOON_DAYS`` days."""
    if value == "overdue":
        return patients.filter(followup_schedule__next_due_on__lt=today)
    if value == "due":
        return patients.filter(
            followup_schedule__next_due_on__gte=today,
            followup_schedule__next_due_on__lte=today + dt.timedelta(days=DUE_SOON_DAYS),
        )
    return patients
