"""The PNDS section of the activity report: its figures against direct counts of the records."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from filiere.access.actors import SYSTEM
from filiere.core.reports import NOT_RECORDED, ReportPeriod, activity_report
from filiere.guidelines import services
from filiere.guidelines.models import DocumentVersion, GroupMeeting, GuidelineProject
from filiere.guidelines.report import guidelines_section, status_at_year_end
from filiere.guidelines.tests.factories import make_group, make_project

pytestmark = pytest.mark.django_db
Status = GuidelineProject.Status


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), tzinfo=timezone.get_current_timezone())


def _figures(period: ReportPeriod) -> dict[str, object]:
    return {f.label: f.value for f in guidelines_section(period).figures}


def test_the_figures_match_the_records_of_the_year(nomenclature: None) -> None:
    today = timezone.localdate()
    last_year = ReportPeriod(today.year - 1)
    ours = make_project(entered_at=_at(dt.date(today.year - 2, 5, 1)))
    services.project_status_change(
        actor=SYSTEM, project=ours, status=Status.DRAFTING, changed_at=_at(last_year.start)
    )
    # Moved on this year: on 31 December last year it was still being drafted.
    services.project_status_change(actor=SYSTEM, project=ours, status=Status.REVIEW)
    theirs = make_project(
        led_by_network=False,
        other_network="MaRIH",
        entered_at=_at(dt.date(today.year - 1, 9, 1)),
    )
    make_project(title="Commencé cette année")
    group = make_group(ours)
    for day in (dt.date(today.year - 1, 3, 1), dt.date(today.year - 1, 11, 30), today):
        services.group_meeting_add(
            actor=SYSTEM, group=group, held_on=day, attendees="", minutes="Compte rendu"
        )
    services.version_add(
        actor=SYSTEM, project=ours, label="v1", dated=dt.date(today.year - 1, 6, 1)
    )
    services.version_add(actor=SYSTEM, project=theirs, label="v1", dated=today)

    assert status_at_year_end(last_year) == {
        ours.pk: Status.DRAFTING,
        theirs.pk: Status.PREPARATION,
    }
    figures = _figures(last_year)
    assert (
        figures["Réunions de groupes de travail"]
        == GroupMeeting.objects.filter(held_on__year=today.year - 1).count()
    )
    assert figures["Réunions de groupes de travail"] == 2
    assert (
        figures["Versions produites"]
        == DocumentVersion.objects.filter(dated__year=today.year - 1).count()
    )
    assert figures["PNDS portés par la filière"] == 1
    assert figures["Participations aux PNDS d'autres filières"] == 1
    table = guidelines_section(last_year).tables[0]
    by_step = {str(row[0]): row[1] for row in table.rows}
    assert by_step[str(Status.DRAFTING.label)] == 1
    assert by_step[str(Status.PREPARATION.label)] == 1
    assert sum(int(v or 0) for v in by_step.values()) == 2
    # This year: three projects, the first now in review.
    this_year = status_at_year_end(ReportPeriod(today.year))
    assert this_year[ours.pk] == Status.REVIEW
    assert len(this_year) == GuidelineProject.objects.count()


def test_the_section_replaces_the_placeholder(db: None) -> None:
    sections = activity_report(ReportPeriod(2026))
    titles = [s.title for s in sections]
    assert titles.count("Protocoles nationaux (PNDS)") == 1
    section = next(s for s in sections if s.title == "Protocoles nationaux (PNDS)")
    assert all(f.value != NOT_RECORDED for f in section.figures)


def test_a_year_without_any_project_is_an_empty_section(nomenclature: None) -> None:
    today = timezone.localdate()
    make_project()
    assert guidelines_section(ReportPeriod(today.year - 1)).empty
    assert not guidelines_section(ReportPeriod(today.year)).empty
