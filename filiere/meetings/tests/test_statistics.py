"""The yearly statistics are counted from the records: meetings, cases, ages, questions,
diseases, quorum, delays, follow-up; the page and its CSV export agree."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from filiere.access.actors import SYSTEM
from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.meetings import services, statistics
from filiere.meetings.models import AgendaItem, CaseRequest, MeetingSeries, SeriesMember
from filiere.network.models import Centre
from filiere.patients.services import diagnosis_record
from filiere.testing.factories import glanzmann_values, make_patient
from filiere.testing.meetings import case_details as default_details
from filiere.testing.meetings import check_in, decided_values, make_meeting, register

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User], Client]
YEAR = 2025


def case_details(**values: object) -> services.CaseDetails:
    return default_details(patient_informed_on=dt.date(YEAR, 1, 15), **values)


def _at(month: int, day: int, hour: int = 16) -> dt.datetime:
    return dt.datetime(YEAR, month, day, hour, tzinfo=timezone.get_current_timezone())


@pytest.fixture
def year_of_activity(
    series: MeetingSeries,
    coordinator: User,
    biologist: User,
    geneticist: User,
    alice: User,
    centre_a: Centre,
    nomenclature: None,
) -> None:
    """2025: two ordinary meetings and an urgent one; 3 patients discussed (one child), one
    off-label question, one recommendation signed without quorum, two follow-ups answered."""
    services.series_member_add(
        actor=SYSTEM, series=series, user=geneticist, role=SeriesMember.Role.EXPERT
    )
    adult = make_patient(centre_a, birth_date=dt.date(1980, 1, 1))
    diagnosis_record(actor=SYSTEM, patient=adult, centre=centre_a, **glanzmann_values())
    child = make_patient(centre_a, birth_date=dt.date(2015, 6, 1))
    other = make_patient(centre_a, birth_date=dt.date(1990, 1, 1))

    march = make_meeting(series, starts_at=_at(3, 11))
    cases = [
        services.case_request_submit(
            actor=alice,
            series=series,
            patient=adult,
            details=case_details(question_type="off_label", off_label_drug="rFVIIa"),
            submitted_at=_at(2, 25),
        ),
        services.case_request_submit(
            actor=alice,
            series=series,
            patient=child,
            details=case_details(question_type="surgery", planned_procedure="Amygdalectomie"),
            submitted_at=_at(3, 1),
        ),
    ]
    for case in cases:
        services.case_accept(actor=coordinator, case=case, meeting=march, at=_at(3, 2))
    services.meeting_open(actor=coordinator, meeting=march, at=_at(3, 11))
    check_in(march, coordinator, biologist, geneticist, at=_at(3, 11))
    for case in cases:
        draft = services.recommendation_save(
            actor=coordinator, case=case, values=decided_values(), at=_at(3, 11, 17)
        )
        services.recommendation_sign(actor=coordinator, recommendation=draft, at=_at(3, 11, 17))
    services.meeting_close(actor=coordinator, meeting=march, at=_at(3, 11, 18))

    june = make_meeting(series, starts_at=_at(6, 10))
    third = services.case_request_submit(
        actor=alice, series=series, patient=other, details=case_details(), submitted_at=_at(6, 1)
    )
    services.case_accept(actor=coordinator, case=third, meeting=june, at=_at(6, 2))
    services.meeting_open(actor=coordinator, meeting=june, at=_at(6, 10))
    check_in(june, coordinator, at=_at(6, 10))
    draft = services.recommendation_save(
        actor=coordinator, case=third, values=decided_values(), at=_at(6, 10, 17)
    )
    services.recommendation_sign(
        actor=coordinator, recommendation=draft, override_reason="Seule.", at=_at(6, 10, 17)
    )
    services.meeting_close(actor=coordinator, meeting=june, at=_at(6, 10, 18))
    # An urgent meeting held but with nothing discussed, and a cancelled one.
    urgent = make_meeting(series, starts_at=_at(9, 2), kind="urgent")
    register(urgent, alice)
    services.meeting_open(actor=coordinator, meeting=urgent, at=_at(9, 2))
    services.meeting_close(actor=coordinator, meeting=urgent, at=_at(9, 2, 17))
    services.meeting_cancel(actor=coordinator, meeting=make_meeting(series, starts_at=_at(10, 7)))
    services.follow_up_answer(actor=alice, case=cases[0], applied="yes")
    services.follow_up_answer(actor=alice, case=cases[1], applied="no", reason="clinical_change")


def test_the_figures_are_counted_from_the_records(
    year_of_activity: None, series: MeetingSeries
) -> None:
    figures = statistics.compute(
        MeetingSeries.objects.filter(pk=series.pk), statistics.Period.year(YEAR)
    )
    assert (figures.meetings_ordinary, figures.meetings_urgent) == (2, 1)
    assert figures.meetings_cancelled == 1
    assert [n for _, n in figures.participants] == [3, 1, 0]
    assert figures.requests_received == 3
    assert figures.cases_discussed == figures.discussions == 3
    assert (figures.paediatric, figures.adult) == (1, 2)
    assert dict(figures.by_question_type) == {
        "Prescription hors AMM": 1,
        "Chirurgie ou geste invasif": 1,
        "Thérapeutique": 1,
    }
    assert figures.by_orpha[0][0] == "ORPHA:849"
    assert figures.off_label == 1
    assert (figures.signed, figures.signed_with_quorum) == (3, 2)
    assert figures.quorum_rate == 66.7
    # Requests on 25/02, 01/03 (meeting 11/03) and 01/06 (meeting 10/06): 14, 10 and 9 days.
    assert figures.median_days_to_meeting == 10.0
    assert (figures.applied, figures.not_applied, figures.applied_share) == (1, 1, 50.0)


def test_another_year_is_empty(year_of_activity: None, series: MeetingSeries) -> None:
    figures = statistics.compute(
        MeetingSeries.objects.filter(pk=series.pk), statistics.Period.year(YEAR + 1)
    )
    assert figures.meetings == 0
    assert figures.cases_discussed == 0


def test_the_page_and_the_export_show_the_same_counts(
    year_of_activity: None, coordinator: User, client_for: ClientFor
) -> None:
    client = client_for(coordinator)
    html = client.get(f"/rcp/statistiques/?year={YEAR}").content.decode()
    assert 'data-testid="cases-discussed">3<' in html
    assert 'data-testid="paediatric">1<' in html
    assert "rcp-statistics-data" in html
    response = client.get(f"/rcp/statistiques/export.csv?year={YEAR}")
    rows = [line.split(";") for line in response.content.decode().splitlines()]
    values = {row[1]: row[2] for row in rows[1:]}
    assert values["Dossiers discutés"] == "3"
    assert values["Pédiatriques (< 18 ans)"] == "1"
    assert values["RCP urgentes tenues"] == "1"
    assert AuditEvent.objects.filter(action="export", object_type="meetings.statistics").exists()


def test_cases_and_distinct_patients_are_counted_apart(
    year_of_activity: None,
    series: MeetingSeries,
    coordinator: User,
    alice: User,
    client_for: ClientFor,
) -> None:
    """Issue 12, defect 6: « 46 patients discutés » counted cases (41 distinct patients): a
    patient discussed for two requests is one patient and two cases."""
    adult = CaseRequest.objects.get(question_type="off_label").patient
    november = make_meeting(series, starts_at=_at(11, 4))
    again = services.case_request_submit(
        actor=alice, series=series, patient=adult, details=case_details(), submitted_at=_at(10, 1)
    )
    services.case_accept(actor=coordinator, case=again, meeting=november, at=_at(10, 2))
    services.meeting_open(actor=coordinator, meeting=november, at=_at(11, 4))
    check_in(november, coordinator, at=_at(11, 4))
    draft = services.recommendation_save(
        actor=coordinator, case=again, values=decided_values(), at=_at(11, 4, 17)
    )
    services.recommendation_sign(
        actor=coordinator, recommendation=draft, override_reason="Seule.", at=_at(11, 4, 17)
    )
    services.meeting_close(actor=coordinator, meeting=november, at=_at(11, 4, 18))
    figures = statistics.compute(
        MeetingSeries.objects.filter(pk=series.pk), statistics.Period.year(YEAR)
    )
    assert (figures.cases_discussed, figures.patients_discussed) == (4, 3)
    client = client_for(coordinator)
    html = client.get(f"/rcp/statistiques/?year={YEAR}").content.decode()
    assert 'data-testid="cases-discussed">4<' in html
    assert 'data-testid="patients-discussed">3<' in html
    response = client.get(f"/rcp/statistiques/export.csv?year={YEAR}")
    rows = [line.split(";") for line in response.content.decode().splitlines()]
    values = {row[1]: row[2] for row in rows[1:]}
    assert (values["Dossiers discutés"], values["Patients distincts discutés"]) == ("4", "3")


def test_urgent_and_ratified_avis_are_counted(
    series: MeetingSeries,
    coordinator: User,
    biologist: User,
    geneticist: User,
    alice: User,
    patient_a: object,
) -> None:
    """Issue 12, « what to build » 7: statistics count urgent avis and their ratification."""
    services.series_member_add(
        actor=SYSTEM, series=series, user=geneticist, role=SeriesMember.Role.EXPERT
    )
    ordinary = make_meeting(series, starts_at=timezone.now() + dt.timedelta(days=5))
    case = services.case_request_submit(
        actor=alice,
        series=series,
        patient=patient_a,  # type: ignore[arg-type]
        details=default_details(is_urgent=True, urgency_justification="Chirurgie à J+2"),
    )
    services.case_accept_urgent(
        actor=coordinator, case=case, starts_at=timezone.now() + dt.timedelta(days=2)
    )
    for expert in (coordinator, biologist, geneticist):
        services.expert_opinion_record(
            actor=expert, case=case, position="agrees", opinion="Favorable."
        )
    draft = services.recommendation_save(actor=coordinator, case=case, values=decided_values())
    services.recommendation_sign(actor=coordinator, recommendation=draft)
    period = statistics.Period(timezone.localdate(), timezone.localdate() + dt.timedelta(days=9))
    chosen = MeetingSeries.objects.filter(pk=series.pk)
    before = statistics.compute(chosen, period)
    assert (before.urgent_signed, before.ratified) == (1, 0)
    services.meeting_open(actor=coordinator, meeting=ordinary, at=ordinary.starts_at)
    check_in(ordinary, coordinator, biologist, geneticist, at=ordinary.starts_at)
    ratification = AgendaItem.objects.get(meeting=ordinary, case=case)
    services.recommendation_ratify(
        actor=coordinator, agenda_item=ratification, at=ordinary.starts_at
    )
    figures = statistics.compute(chosen, period)
    assert (figures.urgent_signed, figures.ratified) == (1, 1)
    rows = {row[1]: row[2] for row in statistics.csv_rows(figures)}
    assert rows["Avis urgents ratifiés en RCP ordinaire"] == 1


def test_statistics_are_refused_to_a_clinician_outside_any_series(
    charlie: User, client_for: ClientFor
) -> None:
    assert client_for(charlie).get("/rcp/statistiques/").status_code == 404


def test_the_network_coordinator_reads_every_series(
    year_of_activity: None, network_coordinator: User, client_for: ClientFor
) -> None:
    html = client_for(network_coordinator).get(f"/rcp/statistiques/?year={YEAR}").content.decode()
    assert 'data-testid="meetings-ordinary">2<' in html
