"""Reads of the research extracts: the requests a user may see, and the cohort a filter holds."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.http import Http404

from filiere.access.research import may_approve_research, research_rights
from filiere.core.access_errors import NotVisible
from filiere.jobs.models import Job
from filiere.nomenclature.groups import diagnoses_in_group
from filiere.nomenclature.models import DiseaseGroup
from filiere.patients.models import (
    CareEpisode,
    Consent,
    Diagnosis,
    GeneticFinding,
    Patient,
    PhenotypeObservation,
)
from filiere.patients.selectors import latest_consents, opposes_national_reuse
from filiere.research.models import ResearchRequest


def requests_visible_to(user: object) -> QuerySet[ResearchRequest]:
    """An approver sees every request, those awaiting a decision first; a requester her own."""
    requests = ResearchRequest.objects.select_related("requester", "decided_by")
    if may_approve_research(user):
        pending_first = Case(
            When(status=ResearchRequest.Status.SUBMITTED, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        return requests.order_by(pending_first, "-created_at")
    return requests.filter(requester_id=getattr(user, "pk", None)).order_by("-created_at")


def get_request_for_user(user: object, public_id: uuid.UUID | str) -> ResearchRequest:
    """The request, for its requester and the approvers; a 404 (recorded) for anyone else."""
    request = (
        ResearchRequest.objects.select_related("requester", "decided_by", "disease_group")
        .filter(public_id=public_id)
        .first()
    )
    if request is None:
        raise Http404
    if not research_rights(user, request).see:
        raise NotVisible("research.researchrequest", str(request.public_id), "demande d'un autre")
    return request


def cohort_patients(
    *, disease_group: DiseaseGroup | None, orpha_codes: Iterable[int]
) -> QuerySet[Patient]:
    """Patients (merged records left out) with a current diagnosis in the group or among the
    ORPHA codes: the two filters add up."""
    codes = list(orpha_codes)
    condition = Q(pk__in=[])
    if disease_group is not None:
        condition |= diagnoses_in_group(disease_group)
    if codes:
        condition |= Q(orpha__code__in=codes)
    matching = Diagnosis.objects.current().filter(condition).values("patient_id")
    return Patient.objects.filter(merged_into__isnull=True, pk__in=matching).order_by("pk")


def consenting(patients: QuerySet[Patient]) -> tuple[list[Patient], int]:
    """The patients who did not oppose reuse of their data (the registry's one opposition rule,
    ``opposes_national_reuse``), with what the extract reads of them; and how many opposed."""
    rows = patients.prefetch_related(
        Prefetch("consents", queryset=Consent.objects.current()),
        Prefetch(
            "care_episodes",
            queryset=CareEpisode.objects.select_related("centre").order_by(
                "inclusion_year", "inclusion_month", "pk"
            ),
        ),
        Prefetch(
            "diagnoses",
            queryset=Diagnosis.objects.current()
            .select_related("orpha")
            .prefetch_related("genes")
            .order_by("pk"),
        ),
        Prefetch(
            "genetic_findings",
            queryset=GeneticFinding.objects.current().select_related("gene"),
        ),
        Prefetch(
            "phenotypes",
            queryset=PhenotypeObservation.objects.current().filter(excluded=False),
        ),
    )
    kept: list[Patient] = []
    opposed = 0
    for patient in rows:
        if opposes_national_reuse(latest_consents(patient.consents.all())):
            opposed += 1
        else:
            kept.append(patient)
    return kept, opposed


def consenting_reach(patients: QuerySet[Patient], k: int) -> bool:
    """Whether at least ``k`` of the patients did not oppose reuse: read until the k-th only,
    without what an extract reads of them."""
    found = 0
    current = Prefetch("consents", queryset=Consent.objects.current())
    for patient in patients.prefetch_related(current).iterator(chunk_size=500):
        if not opposes_national_reuse(latest_consents(patient.consents.all())):
            found += 1
            if found >= k:
                return True
    return False


def production_job(request: ResearchRequest) -> Job | None:
    """The job producing the approved request's extract (the latest, if asked for again)."""
    return (
        Job.objects.filter(kind=Job.Kind.RESEARCH_EXTRACT, params__demande=str(request.public_id))
        .order_by("-created_at")
        .first()
    )
