"""The follow-up rhythm's rules (set by network coordinators) and each patient's next due date."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from filiere.access.actors import Actor, acting_user
from filiere.audit.models import AuditEvent
from filiere.audit.services import audit_record
from filiere.core.services import records_refusals
from filiere.followup.models import (
    CentreDue,
    DiseaseSeverity,
    FollowUpRule,
    FollowUpSchedule,
    Visit,
)
from filiere.followup.rhythm import DEFAULT_RULES, add_months, interval_for
from filiere.jobs.models import Job
from filiere.jobs.services import job_create, job_send
from filiere.lib.partial_dates import PartialDate
from filiere.nomenclature.groups import GroupIndex
from filiere.nomenclature.models import DiseaseGroup
from filiere.patients.models import CareEpisode, Diagnosis, DiagnosisStatus, Patient

CHUNK = 2000
SCHEDULE_FIELDS = (
    "last_visit_on",
    "anchor_on",
    "interval_months",
    "next_due_on",
    "disease_group",
    "severity",
    "rule",
    "computed_at",
)


def _check_rule(severity: str, interval_months: int) -> None:
    errors: dict[str, str] = {}
    if severity and severity not in DiseaseSeverity.values:
        errors["severity"] = "Forme inconnue."
    if not 1 <= interval_months <= 120:
        errors["interval_months"] = "L'intervalle est compris entre 1 et 120 mois."
    if errors:
        raise ValidationError(errors)


@dataclass(frozen=True)
class RuleChange:
    rule: FollowUpRule
    # The job recomputing every patient's due date, when the interval changed.
    refresh: Job | None


@records_refusals("Enregistrement d'une règle de suivi")
def followup_rule_save(
    *,
    actor: Actor,
    disease_group: DiseaseGroup,
    severity: str,
    interval_months: int,
    note: str = "",
    refresh: bool = True,
) -> RuleChange:
    """Set the interval for a disease group (and form); every patient's due date follows, in a
    background job sent once the rule is saved (over the whole registry, it is not a request's
    work)."""
    _check_rule(severity, interval_months)
    rule = FollowUpRule.objects.filter(disease_group=disease_group, severity=severity).first()
    if rule is None:
        rule = FollowUpRule(disease_group=disease_group, severity=severity)
        before = None
    else:
        before = rule.interval_months
    rule.interval_months = interval_months
    rule.note = note.strip()
    rule.updated_by = acting_user(actor)
    rule.updated_at = timezone.now()
    rule.full_clean()
    rule.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE if before is None else AuditEvent.Action.UPDATE,
        obj=rule,
        summary=f"Rythme de suivi : {rule}",
        changes={"interval_months": {"avant": before, "après": interval_months}},
    )
    job = None
    if refresh and before != interval_months:
        job = schedules_refresh_start(actor=actor)
    return RuleChange(rule, job)


@records_refusals("Suppression d'une règle de suivi")
def followup_rule_delete(*, actor: Actor, rule: FollowUpRule) -> Job:
    """Remove a rule: its patients fall back on the group's general rule or the default (in the
    background job returned)."""
    audit_record(
        actor=actor,
        action=AuditEvent.Action.ARCHIVE,
        obj=rule,
        summary=f"Rythme de suivi supprimé : {rule}",
    )
    rule.delete()
    return schedules_refresh_start(actor=actor)


@dataclass(frozen=True)
class DefaultRules:
    created: int
    # The job recomputing every patient's due date, when rules were added and the refresh was
    # left to the worker.
    refresh: Job | None


def followup_rules_install_defaults(*, actor: Actor, background: bool = True) -> DefaultRules:
    """Create the national cohort's default rules for the groups that have none; every
    patient's due date follows, in a background job sent once the rules are saved (the rules
    page), or here when ``background`` is False (the command line and the demo, outside any
    request)."""
    groups = {group.slug: group for group in DiseaseGroup.objects.all()}
    existing = set(FollowUpRule.objects.values_list("disease_group__slug", "severity"))
    created = 0
    with transaction.atomic():
        for default in DEFAULT_RULES:
            group = groups.get(default.group_slug)
            if group is None or (default.group_slug, default.severity) in existing:
                continue
            followup_rule_save(
                actor=actor,
                disease_group=group,
                severity=default.severity,
                interval_months=default.interval_months,
                note=default.note,
                refresh=False,
            )
            created += 1
        if created and background:
            return DefaultRules(created, schedules_refresh_start(actor=actor))
    if created:
        schedules_refresh_all()
    return DefaultRules(created, None)


# --- Due dates -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RefreshResult:
    created: int = 0
    updated: int = 0
    deleted: int = 0


def _eligible(patient_ids: list[int] | None) -> list[int]:
    """Patients who are expected at visits: alive, not merged, followed by an open episode."""
    open_episodes = CareEpisode.objects.filter(ended_on__isnull=True)
    if patient_ids is not None:
        open_episodes = open_episodes.filter(patient_id__in=patient_ids)
    return sorted(
        set(
            open_episodes.filter(patient__merged_into__isnull=True)
            .exclude(patient__vital_status=Patient.VitalStatus.DECEASED)
            .values_list("patient_id", flat=True)
        )
    )


@dataclass(frozen=True)
class _ChunkFacts:
    """What the schedules of a chunk of patients follow from: their current diagnoses' codes,
    last visit and its severity, earliest inclusion and the centres following them."""

    codes: dict[int, set[int]]
    icd10: dict[int, set[str]]
    last_visit: dict[int, dt.date]
    severity: dict[int, str]
    inclusion: dict[int, dt.date]
    centres: dict[int, list[int]]

    @classmethod
    def load(cls, chunk: list[int]) -> _ChunkFacts:
        codes: dict[int, set[int]] = defaultdict(set)
        icd10: dict[int, set[str]] = defaultdict(set)
        for patient_id, orpha, icd in (
            Diagnosis.objects.current()
            .filter(patient_id__in=chunk)
            .exclude(status=DiagnosisStatus.REFUTED)
            .values_list("patient_id", "orpha__code", "icd10__code")
        ):
            if orpha is not None:
                codes[patient_id].add(orpha)
            if icd is not None:
                icd10[patient_id].add(icd)
        last_visit: dict[int, dt.date] = {}
        severity: dict[int, str] = {}
        for patient_id, visited_on, form in (
            Visit.objects.current()
            .filter(patient_id__in=chunk)
            .order_by("patient_id", "-visited_on", "-created_at")
            .values_list("patient_id", "visited_on", "severity")
        ):
            last_visit.setdefault(patient_id, visited_on)
            if form:
                severity.setdefault(patient_id, form)
        inclusion: dict[int, dt.date] = {}
        centres: dict[int, list[int]] = defaultdict(list)
        for patient_id, centre_id, year, month, day in CareEpisode.objects.filter(
            patient_id__in=chunk, ended_on__isnull=True
        ).values_list(
            "patient_id", "centre_id", "inclusion_year", "inclusion_month", "inclusion_day"
        ):
            included = PartialDate(year, month, day).earliest()
            inclusion[patient_id] = min(included, inclusion.get(patient_id, included))
            centres[patient_id].append(centre_id)
        return cls(codes, icd10, last_visit, severity, inclusion, centres)


def _schedule_values(
    patient_id: int,
    facts: _ChunkFacts,
    groups: GroupIndex,
    rules: dict[tuple[int, str], tuple[int, int]],
) -> dict[str, Any]:
    """The schedule of one patient: the interval of its group and severity from the anchor."""
    group_ids = groups.groups_of(
        facts.codes.get(patient_id, set()), facts.icd10.get(patient_id, set())
    )
    form = facts.severity.get(patient_id, "")
    interval = interval_for(group_ids, form, rules)
    anchor = facts.last_visit.get(patient_id) or facts.inclusion[patient_id]
    return {
        "last_visit_on": facts.last_visit.get(patient_id),
        "anchor_on": anchor,
        "interval_months": interval.months,
        "next_due_on": add_months(anchor, interval.months),
        "disease_group_id": interval.group_id,
        "severity": form,
        "rule_id": interval.rule_id,
    }


@transaction.atomic
def schedules_refresh(
    patient_ids: Iterable[int] | None = None, *, today: dt.date | None = None
) -> RefreshResult:
    """Recompute the next due visit of these patients (all when None); write only what changed.

    Derived data, not audited: it follows from the audited visits, diagnoses and rules.
    """
    scope = None if patient_ids is None else sorted(set(patient_ids))
    eligible = _eligible(scope)
    rules = {
        (rule.disease_group_id, rule.severity): (rule.pk, rule.interval_months)
        for rule in FollowUpRule.objects.all()
    }
    groups = GroupIndex.load()
    created = updated = 0
    now = timezone.now()
    for start in range(0, len(eligible), CHUNK):
        chunk = eligible[start : start + CHUNK]
        facts = _ChunkFacts.load(chunk)
        existing = {s.patient_id: s for s in FollowUpSchedule.objects.filter(patient_id__in=chunk)}
        to_create: list[FollowUpSchedule] = []
        to_update: list[FollowUpSchedule] = []
        for patient_id in chunk:
            values = _schedule_values(patient_id, facts, groups, rules)
            schedule = existing.get(patient_id)
            if schedule is None:
                to_create.append(FollowUpSchedule(patient_id=patient_id, computed_at=now, **values))
            elif any(getattr(schedule, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(schedule, name, value)
                schedule.computed_at = now
                to_update.append(schedule)
        FollowUpSchedule.objects.bulk_create(to_create)
        FollowUpSchedule.objects.bulk_update(to_update, SCHEDULE_FIELDS)
        created += len(to_create)
        updated += len(to_update)
        _write_centre_dues(chunk, facts.centres)
    open_episode = CareEpisode.objects.filter(patient=OuterRef("patient"), ended_on__isnull=True)
    stale = FollowUpSchedule.objects.filter(
        Q(patient__merged_into__isnull=False)
        | Q(patient__vital_status=Patient.VitalStatus.DECEASED)
        | ~Exists(open_episode)
    )
    if scope is not None:
        stale = stale.filter(patient_id__in=scope)
    _, deleted = stale.delete()  # the per-centre due dates go with their schedules
    return RefreshResult(created, updated, deleted.get(FollowUpSchedule._meta.label, 0))


def schedules_refresh_all(
    *, on_progress: Callable[[int, int], None] | None = None, chunk_size: int = CHUNK
) -> RefreshResult:
    """Recompute every patient's next due visit, one transaction per chunk of patients.

    The daily job and ``filiere followup refresh``: a night's refresh over the whole registry
    holds no lock for long and, stopped midway, keeps the chunks already done.
    ``on_progress(done, total)`` is called after each chunk.
    """
    patient_ids = list(Patient.objects.order_by("pk").values_list("pk", flat=True))
    created = updated = deleted = 0
    for start in range(0, len(patient_ids), chunk_size):
        chunk = patient_ids[start : start + chunk_size]
        result = schedules_refresh(chunk)
        created += result.created
        updated += result.updated
        deleted += result.deleted
        if on_progress is not None:
            on_progress(start + len(chunk), len(patient_ids))
    return RefreshResult(created, updated, deleted)


def schedules_refresh_start(*, actor: Actor) -> Job:
    """Ask the worker to refresh every due date (the rules page's button); return the job to
    follow. The job is sent once the transaction that records it commits."""
    with transaction.atomic():
        job = job_create(actor=actor, kind=Job.Kind.FOLLOWUP_REFRESH)
        transaction.on_commit(lambda: job_send(job))
    return job


def _write_centre_dues(patient_ids: list[int], centres: dict[int, list[int]]) -> None:
    """Bring the per-centre due dates of these patients in line with their schedules and
    episodes, writing only what changed (the daily refresh goes over every patient)."""
    wanted = {
        (schedule_id, centre_id): next_due_on
        for patient_id, schedule_id, next_due_on in FollowUpSchedule.objects.filter(
            patient_id__in=patient_ids
        ).values_list("patient_id", "pk", "next_due_on")
        for centre_id in centres.get(patient_id, ())
    }
    stale: list[int] = []
    changed: list[CentreDue] = []
    for row in CentreDue.objects.filter(schedule__patient_id__in=patient_ids):
        due = wanted.pop((row.schedule_id, row.centre_id), None)
        if due is None:
            stale.append(row.pk)
        elif due != row.next_due_on:
            row.next_due_on = due
            changed.append(row)
    CentreDue.objects.filter(pk__in=stale).delete()
    CentreDue.objects.bulk_update(changed, ["next_due_on"])
    CentreDue.objects.bulk_create(
        CentreDue(schedule_id=schedule_id, centre_id=centre_id, next_due_on=due)
        for (schedule_id, centre_id), due in wanted.items()
    )


def schedule_refresh(patient: Patient) -> None:
    """Recompute one patient's next due visit (after a visit is recorded or changed)."""
    schedules_refresh([patient.pk])
