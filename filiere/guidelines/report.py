"""The PNDS part of the yearly activity report (``filiere.core.reports``).

The work on guidelines belongs to the network, not to a centre: a centre's report shows the
same figures as the network's.
"""

from __future__ import annotations

from filiere.core.reports import Figure, ReportPeriod, Section, Table
from filiere.guidelines.models import (
    DocumentVersion,
    GroupMeeting,
    GuidelineProject,
    StatusChange,
)


def status_at_year_end(period: ReportPeriod) -> dict[int, str]:
    """Project id -> its step on 31 December (the last step entered before the year ended);
    projects created after the year are absent."""
    _, end = period.bounds()
    statuses: dict[int, str] = {}
    changes = StatusChange.objects.filter(changed_at__lt=end).order_by("changed_at", "pk")
    for project_id, status in changes.values_list("project_id", "status"):
        statuses[project_id] = status
    return statuses


def guidelines_section(period: ReportPeriod) -> Section:
    statuses = status_at_year_end(period)
    led = set(
        GuidelineProject.objects.filter(pk__in=statuses, led_by_network=True).values_list(
            "pk", flat=True
        )
    )
    rows: list[list[int | float | str | None]] = []
    for value, label in GuidelineProject.Status.choices:
        ids = [pk for pk, status in statuses.items() if status == value]
        rows.append([str(label), len(ids)])
    meetings = GroupMeeting.objects.filter(
        held_on__gte=period.start, held_on__lte=period.end
    ).count()
    versions = DocumentVersion.objects.filter(
        dated__gte=period.start, dated__lte=period.end
    ).count()
    participations = len(set(statuses) - led)
    return Section(
        "Protocoles nationaux (PNDS)",
        figures=[
            Figure(
                "PNDS portés par la filière",
                len(led),
                "Projets portés par la filière existant au 31 décembre, toutes étapes confondues.",
            ),
            Figure(
                "Participations aux PNDS d'autres filières",
                participations,
                "Projets d'autres filières auxquels la filière participe, au 31 décembre.",
            ),
            Figure(
                "Réunions de groupes de travail",
                meetings,
                "Réunions de groupes de travail tenues dans l'année, tous projets confondus.",
            ),
            Figure(
                "Versions produites",
                versions,
                "Versions des documents datées de l'année, tous projets confondus.",
            ),
        ],
        tables=[
            Table(
                "Projets par étape au 31 décembre",
                ["Étape", "Projets"],
                # No project yet: no table, so that an empty year reads as one.
                rows if statuses else [],
            )
        ],
    )
