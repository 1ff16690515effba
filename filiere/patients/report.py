"""The registry's section of the yearly activity report (``filiere.core.reports``)."""

from __future__ import annotations

from collections import Counter

from django.db.models import Q, QuerySet

from filiere.access.patients import ReportScope
from filiere.core.reports import Chart, Figure, ReportPeriod, Section, Table
from filiere.network.models import Centre
from filiere.nomenclature.groups import UNGROUPED, GroupIndex
from filiere.patients.models import CareEpisode, Diagnosis, DiagnosisStatus
from filiere.patients.observatory.figures import incomplete_records


def _episodes(period: ReportPeriod) -> QuerySet[CareEpisode]:
    episodes = CareEpisode.objects.filter(patient__merged_into__isnull=True)
    if period.centre is not None:
        episodes = episodes.filter(centre=period.centre)
    return episodes


def _new_diagnoses(period: ReportPeriod) -> list[tuple[str, int]]:
    diagnoses = Diagnosis.objects.current().filter(
        patient__merged_into__isnull=True, diagnosis_year=period.year
    )
    diagnoses = diagnoses.exclude(status=DiagnosisStatus.REFUTED)
    if period.centre is not None:
        diagnoses = diagnoses.filter(centre=period.centre)
    index = GroupIndex.load()
    counts: Counter[str] = Counter()
    for orpha, icd10 in diagnoses.values_list("orpha__code", "icd10__code"):
        groups = index.group_names([orpha] if orpha else [], [icd10] if icd10 else [])
        counts.update(groups or {UNGROUPED})
    return counts.most_common()


def registry_section(period: ReportPeriod) -> Section:
    episodes = _episodes(period)
    during_year = Q(inclusion_year__lte=period.year) & (
        Q(ended_on__isnull=True) | Q(ended_on__gte=period.start)
    )
    active = episodes.filter(during_year).values("patient").distinct().count()
    new = episodes.filter(inclusion_year=period.year).values("patient").distinct().count()
    followed = episodes.filter(ended_on__isnull=True).values("patient").distinct().count()
    centre_ids = (
        frozenset({period.centre.pk})
        if period.centre is not None
        else frozenset(Centre.objects.values_list("pk", flat=True))
    )
    scope = ReportScope(centre_ids, masked=False, records_centre_ids=centre_ids)
    incomplete = len({r.public_id for r in incomplete_records(scope)})
    complete_share = round(100 * (followed - incomplete) / followed, 1) if followed else None
    by_group = _new_diagnoses(period)
    return Section(
        "Registre et cohorte",
        figures=[
            Figure(
                "File active",
                active,
                "Patients suivis au centre pendant l'année (prise en charge incluse au plus tard "
                "dans l'année, non terminée avant le 1er janvier).",
            ),
            Figure("Nouveaux patients", new, "Patients inclus dans l'année (date d'inclusion)."),
            Figure(
                "Nouveaux diagnostics",
                sum(n for _, n in by_group),
                "Diagnostics (non réfutés, non retirés) dont la date du diagnostic est dans "
                "l'année, au centre du diagnostic.",
            ),
            Figure(
                "Dossiers complets (SDM-MR)",
                complete_share,
                "Part des patients suivis aujourd'hui sans item manquant (observatoire du "
                "diagnostic) : état à la date du rapport.",
                unit="%",
            ),
        ],
        tables=[
            Table(
                "Nouveaux diagnostics par groupe",
                ["Groupe de maladies", "Diagnostics"],
                [[g, n] for g, n in by_group],
            )
        ],
        charts=[
            Chart(
                "Nouveaux diagnostics par groupe",
                [g for g, _ in by_group],
                [float(n) for _, n in by_group],
            )
        ],
    )
