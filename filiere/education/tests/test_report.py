"""The education section of the activity report: its figures checked against counts made here
directly on the data, for the network and for one centre."""

from __future__ import annotations

import datetime as dt
from statistics import mean
from typing import Any

import pytest
from django.utils import timezone

from filiere.access.actors import SYSTEM
from filiere.core.reports import NOT_RECORDED, ReportPeriod, activity_report
from filiere.education import services
from filiere.education.models import QUESTIONS, Evaluation, Participant, Session
from filiere.education.report import education_section
from filiere.education.tests.factories import make_programme, make_session
from filiere.network.models import Centre
from filiere.testing.factories import make_patient

pytestmark = pytest.mark.django_db

YEAR = 2024


def _register(session: Session, patients: list[Any], relatives: int = 0) -> None:
    consent = session.held_on - dt.timedelta(days=10)
    for index, patient in enumerate(patients):
        services.participant_add(
            actor=SYSTEM,
            session=session,
            patient=patient,
            consent_on=consent,
            # The last patient registered but did not come.
            attended=index < len(patients) - 1,
        )
    for index in range(relatives):
        services.participant_add(
            actor=SYSTEM,
            session=session,
            first_name=f"Proche{index}",
            relation="parent",
            consent_on=consent,
            attended=True,
        )


def _evaluate_all(session: Session, score: int) -> None:
    for participant in session.participants.filter(attended=True):
        for workshop in session.workshops.all():
            services.evaluation_record(
                actor=SYSTEM,
                participant=participant,
                workshop=workshop,
                scores={key: score for key, _label in QUESTIONS},
            )


@pytest.fixture
def activity(centre_a: Centre, centre_b: Centre) -> dict[str, Any]:
    """Two centres' programmes: A holds two sessions in 2024 and one in 2023, B one in 2024."""
    programme_a = make_programme(centre_a)
    programme_b = make_programme(centre_b)
    make_programme(centre_a, title="Programme sans séance")
    patients = [make_patient(centre_a) for _ in range(5)]
    day = make_session(programme_a, held_on=dt.date(YEAR, 11, 23))
    _register(day, patients[:4], relatives=2)
    _evaluate_all(day, 4)
    spring = make_session(
        programme_a,
        held_on=dt.date(YEAR, 3, 14),
        workshops=list(programme_a.workshops.order_by("position")[:1]),
    )
    # patients[0] comes twice in the year: counted once.
    _register(spring, [patients[0], patients[4], patients[1]])
    _evaluate_all(spring, 2)
    _register(make_session(programme_a, held_on=dt.date(YEAR - 1, 12, 31)), patients[:3])
    other = make_session(programme_b, held_on=dt.date(YEAR, 6, 1))
    _register(other, [make_patient(centre_b), make_patient(centre_b)], relatives=1)
    _evaluate_all(other, 3)
    return {"centre_a": centre_a}


def _figures(period: ReportPeriod) -> dict[str, Any]:
    return {f.label: f.value for f in education_section(period).figures}


def _direct(centre: Centre | None) -> dict[str, Any]:
    sessions = Session.objects.filter(held_on__year=YEAR)
    if centre is not None:
        sessions = sessions.filter(programme__centre=centre)
    present = Participant.objects.filter(session__in=sessions, attended=True)
    evaluations = list(Evaluation.objects.filter(participant__session__in=sessions))
    return {
        "Programmes actifs": len({s.programme_id for s in sessions}),
        "Séances tenues": sessions.count(),
        "Patients présents": len({p.patient_id for p in present if p.patient_id}),
        "Proches présents": sum(1 for p in present if p.patient_id is None),
        "Ateliers tenus": sum(s.workshops.count() for s in sessions),
        "Évaluations rendues": len(evaluations),
        "Satisfaction moyenne": round(mean(x for e in evaluations for x in e.scores()), 2),
    }


def test_the_networks_figures_match_direct_counts(activity: dict[str, Any]) -> None:
    figures = _figures(ReportPeriod(YEAR))
    assert figures == _direct(None)
    assert figures["Patients présents"] == 3 + 1 + 1


def test_a_centres_figures_count_its_programmes_only(activity: dict[str, Any]) -> None:
    centre = activity["centre_a"]
    figures = _figures(ReportPeriod(YEAR, centre))
    assert figures == _direct(centre)
    assert figures["Séances tenues"] == 2


def test_the_sessions_table_lists_the_years_sessions(activity: dict[str, Any]) -> None:
    (table,) = education_section(ReportPeriod(YEAR, activity["centre_a"])).tables
    assert [row[0] for row in table.rows] == ["14/03/2024", "23/11/2024"]
    assert table.rows[1][-1] == 3 + 2


def test_a_future_session_is_not_yet_held(centre_a: Centre) -> None:
    today = timezone.localdate()
    make_session(make_programme(centre_a), held_on=today + dt.timedelta(days=5))
    assert _figures(ReportPeriod(today.year))["Séances tenues"] == 0


def test_the_section_replaces_the_not_recorded_placeholder(centre_a: Centre) -> None:
    sections = activity_report(ReportPeriod(YEAR))
    education = [s for s in sections if s.title == "Éducation thérapeutique"]
    assert len(education) == 1
    assert NOT_RECORDED not in [f.value for f in education[0].figures]
    assert education[0].figures[-1].value is None
