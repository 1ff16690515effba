"""Activity statistics of the case meetings, counted from the records (never typed in).

A case counts once per discussion at a meeting held in the period; each such discussion is a
national-dataset activity in the "RCP" context. Cases (requests) and distinct patients are
counted apart: one patient may be the subject of several requests. Delays are medians, in days.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone

from filiere.meetings.models import (
    AgendaItem,
    CaseRequest,
    Meeting,
    MeetingSeries,
    Participant,
    Ratification,
    Recommendation,
    RecommendationFollowUp,
)
from filiere.meetings.rules import median
from filiere.nomenclature.groups import UNGROUPED, GroupIndex, snapshot_codes
from filiere.nomenclature.models import OrphaConcept

URGENT_TARGET_HOURS = 72


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31))

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        zone = timezone.get_current_timezone()
        start = dt.datetime.combine(self.start, dt.time.min, tzinfo=zone)
        end = dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
        return start, end


@dataclass
class Statistics:
    period: Period
    meetings_ordinary: int = 0
    meetings_urgent: int = 0
    meetings_cancelled: int = 0
    participants: list[tuple[Meeting, int]] = field(default_factory=list)
    requests_received: int = 0
    requests_urgent: int = 0
    discussions: int = 0
    cases_discussed: int = 0
    patients_discussed: int = 0
    paediatric: int = 0
    adult: int = 0
    by_question_type: list[tuple[str, int]] = field(default_factory=list)
    by_disease_group: list[tuple[str, int]] = field(default_factory=list)
    by_orpha: list[tuple[str, str, int]] = field(default_factory=list)
    urgent_by_orpha: list[tuple[str, str, int]] = field(default_factory=list)
    off_label: int = 0
    signed: int = 0
    signed_with_quorum: int = 0
    urgent_signed: int = 0
    ratified: int = 0
    urgent_within_target: int = 0
    median_days_to_meeting: float | None = None
    median_days_to_delivery: float | None = None
    median_days_to_signature: float | None = None
    median_hours_urgent: float | None = None
    follow_ups_answered: int = 0
    applied: int = 0
    partly_applied: int = 0
    not_applied: int = 0

    @property
    def meetings(self) -> int:
        return self.meetings_ordinary + self.meetings_urgent

    @property
    def mean_participants(self) -> float | None:
        counts = [n for _, n in self.participants]
        return round(sum(counts) / len(counts), 1) if counts else None

    @property
    def quorum_rate(self) -> float | None:
        return _share(self.signed_with_quorum, self.signed)

    @property
    def paediatric_share(self) -> float | None:
        return _share(self.paediatric, self.paediatric + self.adult)

    @property
    def applied_share(self) -> float | None:
        return _share(self.applied, self.follow_ups_answered)


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _days(start: dt.datetime | None, end: dt.datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return (end - start).total_seconds() / 86400


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def compute(series: QuerySet[MeetingSeries], period: Period) -> Statistics:
    """Return the figures of ``series`` for ``period``."""
    start, end = period.bounds()
    stats = Statistics(period=period)
    meetings = list(
        Meeting.objects.filter(series__in=series, starts_at__gte=start, starts_at__lt=end)
        .select_related("series")
        .order_by("starts_at")
    )
    held = [m for m in meetings if m.status in (Meeting.Status.OPEN, Meeting.Status.CLOSED)]
    stats.meetings_ordinary = sum(m.kind == Meeting.Kind.ORDINARY for m in held)
    stats.meetings_urgent = sum(m.kind == Meeting.Kind.URGENT for m in held)
    stats.meetings_cancelled = sum(m.status == Meeting.Status.CANCELLED for m in meetings)
    present = dict(
        Participant.objects.filter(meeting__in=held, intervals__isnull=False)
        .values_list("meeting")
        .annotate(n=Count("pk", distinct=True))
        .values_list("meeting", "n")
    )
    stats.participants = [(m, present.get(m.pk, 0)) for m in held]
    requests = CaseRequest.objects.filter(
        series__in=series, submitted_at__gte=start, submitted_at__lt=end
    )
    stats.requests_received = requests.count()
    stats.requests_urgent = requests.filter(is_urgent=True).count()
    _discussions(stats, series, held)
    _recommendations(stats, series, start, end)
    _follow_ups(stats, series, start, end)
    return stats


def _discussions(stats: Statistics, series: QuerySet[MeetingSeries], held: list[Meeting]) -> None:
    items = list(
        AgendaItem.objects.filter(meeting__in=held, outcome=AgendaItem.Outcome.DISCUSSED)
        .exclude(purpose=AgendaItem.Purpose.RATIFICATION)
        .select_related("case", "meeting")
        .order_by("meeting__starts_at")
    )
    stats.discussions = len(items)
    cases: dict[int, CaseRequest] = {}
    first_meeting: dict[int, dt.datetime] = {}
    for item in items:
        cases.setdefault(item.case_id, item.case)
        first_meeting.setdefault(item.case_id, item.meeting.starts_at)
    stats.cases_discussed = len(cases)
    stats.patients_discussed = len({case.patient_id for case in cases.values()})
    # A "non ratifié" item is discussed too: the decision, not the outcome, says ratified.
    stats.ratified = Ratification.objects.filter(
        agenda_item__meeting__in=held, decision=Ratification.Decision.RATIFIED
    ).count()
    stats.paediatric = sum(case.is_paediatric for case in cases.values())
    stats.adult = len(cases) - stats.paediatric
    labels = dict(CaseRequest.QuestionType.choices)
    types = Counter(case.question_type for case in cases.values())
    stats.by_question_type = [(str(labels[t]), n) for t, n in types.most_common()]
    off_label_cases = {
        pk for pk, case in cases.items() if case.question_type == CaseRequest.QuestionType.OFF_LABEL
    }
    off_label_cases |= set(
        Recommendation.objects.filter(
            case_id__in=list(cases), status=Recommendation.Status.SIGNED, is_off_label=True
        ).values_list("case_id", flat=True)
    )
    stats.off_label = len(off_label_cases)
    _diseases(stats, cases.values())
    delays = [_days(cases[pk].submitted_at, when) for pk, when in first_meeting.items()]
    stats.median_days_to_meeting = _round(median(d for d in delays if d is not None))
    to_delivery = [
        _days(first_meeting[pk], case.delivered_at)
        for pk, case in cases.items()
        if case.delivered_at is not None
    ]
    stats.median_days_to_delivery = _round(median(d for d in to_delivery if d is not None))


def _diseases(stats: Statistics, cases: Iterable[CaseRequest]) -> None:
    groups = GroupIndex.load()
    by_group: Counter[str] = Counter()
    by_code: Counter[int] = Counter()
    urgent_by_code: Counter[int] = Counter()
    for case in cases:
        codes, icd10 = snapshot_codes(case.registry_snapshot)
        by_code.update(set(codes))
        if case.is_urgent:
            urgent_by_code.update(set(codes))
        by_group.update(groups.group_names(codes, icd10) or {UNGROUPED})
    stats.by_disease_group = by_group.most_common()
    names = {
        concept.code: concept.name
        for concept in OrphaConcept.objects.filter(code__in=list(by_code))
    }
    stats.by_orpha = [
        (f"ORPHA:{code}", names.get(code, ""), n) for code, n in by_code.most_common()
    ]
    stats.urgent_by_orpha = [
        (f"ORPHA:{code}", names.get(code, ""), n) for code, n in urgent_by_code.most_common()
    ]


def _recommendations(
    stats: Statistics, series: QuerySet[MeetingSeries], start: dt.datetime, end: dt.datetime
) -> None:
    signed = list(
        Recommendation.objects.filter(
            case__series__in=series,
            status=Recommendation.Status.SIGNED,
            signed_at__gte=start,
            signed_at__lt=end,
            supersedes__isnull=True,
        ).select_related("case")
    )
    stats.signed = len(signed)
    stats.signed_with_quorum = sum(bool(r.quorum_met) for r in signed)
    stats.median_days_to_signature = _round(
        median(d for r in signed if (d := _days(r.case.submitted_at, r.signed_at)) is not None)
    )
    urgent = [r for r in signed if r.case.is_urgent]
    hours = [24 * d for r in urgent if (d := _days(r.case.submitted_at, r.signed_at)) is not None]
    stats.urgent_signed = len(urgent)
    stats.urgent_within_target = sum(h <= URGENT_TARGET_HOURS for h in hours)
    stats.median_hours_urgent = _round(median(hours))


def _follow_ups(
    stats: Statistics, series: QuerySet[MeetingSeries], start: dt.datetime, end: dt.datetime
) -> None:
    # Follow-ups of the recommendations signed in the period, whenever they were answered.
    answered = RecommendationFollowUp.objects.filter(
        case__series__in=series,
        recommendation__signed_at__gte=start,
        recommendation__signed_at__lt=end,
        answered_at__isnull=False,
    )
    counts = Counter(answered.values_list("applied", flat=True))
    stats.applied = counts.get(RecommendationFollowUp.Applied.YES, 0)
    stats.partly_applied = counts.get(RecommendationFollowUp.Applied.PARTLY, 0)
    stats.not_applied = counts.get(RecommendationFollowUp.Applied.NO, 0)
    stats.follow_ups_answered = sum(counts.values())


def csv_rows(stats: Statistics) -> list[list[Any]]:
    """Rows (section; indicator; value) of the export."""
    rows: list[list[Any]] = [
        ["Période", "Début", stats.period.start.isoformat()],
        ["Période", "Fin", stats.period.end.isoformat()],
        ["Réunions", "RCP ordinaires tenues", stats.meetings_ordinary],
        ["Réunions", "RCP urgentes tenues", stats.meetings_urgent],
        ["Réunions", "Réunions annulées", stats.meetings_cancelled],
        ["Réunions", "Participants présents par réunion (moyenne)", stats.mean_participants],
        ["Demandes", "Demandes reçues", stats.requests_received],
        ["Demandes", "dont urgentes", stats.requests_urgent],
        ["Dossiers", "Présentations en RCP (activités SDM-MR, contexte RCP)", stats.discussions],
        ["Dossiers", "Dossiers discutés", stats.cases_discussed],
        ["Dossiers", "Patients distincts discutés", stats.patients_discussed],
        ["Dossiers", "Pédiatriques (< 18 ans)", stats.paediatric],
        ["Dossiers", "Adultes", stats.adult],
        ["Dossiers", "Part pédiatrique (%)", stats.paediatric_share],
        ["Dossiers", "Discussions de prescription hors AMM", stats.off_label],
    ]
    rows += [["Type de question", label, n] for label, n in stats.by_question_type]
    rows += [["Groupe de maladies", label, n] for label, n in stats.by_disease_group]
    rows += [["Code ORPHA", f"{code} {label}".strip(), n] for code, label, n in stats.by_orpha]
    rows += [
        ["Avis", "Avis signés", stats.signed],
        ["Avis", "Taux de quorum (%)", stats.quorum_rate],
        ["Avis", "Avis urgents signés", stats.urgent_signed],
        ["Avis", "Avis urgents ratifiés en RCP ordinaire", stats.ratified],
        [
            "Avis",
            f"Avis urgents signés en moins de {URGENT_TARGET_HOURS} h",
            stats.urgent_within_target,
        ],
        ["Délais", "Médiane demande → RCP (jours)", stats.median_days_to_meeting],
        ["Délais", "Médiane RCP → avis transmis (jours)", stats.median_days_to_delivery],
        ["Délais", "Médiane demande → avis signé (jours)", stats.median_days_to_signature],
        ["Délais", "Médiane demande → avis urgent signé (heures)", stats.median_hours_urgent],
        ["Suivi", "Suivis renseignés", stats.follow_ups_answered],
        ["Suivi", "Proposition appliquée", stats.applied],
        ["Suivi", "Appliquée en partie", stats.partly_applied],
        ["Suivi", "Non appliquée", stats.not_applied],
        ["Suivi", "Part des avis appliqués (%)", stats.applied_share],
    ]
    for meeting, count in stats.participants:
        label = f"{timezone.localtime(meeting.starts_at):%d/%m/%Y} {meeting.get_kind_display()}"
        rows.append(["Participants présents", label, count])
    return rows
