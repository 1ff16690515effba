"""Issue 15: the yearly activity report, generated from the records. The demo network's report
for last year is checked against counts made here directly on the data, then produced as PDF
and CSV, from the page and from the command line."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from filiere.accounts.models import User
from filiere.core.reports import NOT_RECORDED, ReportPeriod, activity_report
from filiere.demo.context import DemoContext
from filiere.meetings.models import AgendaItem, CaseRequest, Meeting, Participant
from filiere.network.models import Centre, Role
from filiere.nomenclature.groups import UNGROUPED, GroupIndex, snapshot_codes
from filiere.testing.factories import give_role, make_user

pytestmark = pytest.mark.django_db

URL = "/rapports/activite/"


@pytest.fixture
def demo_network(nomenclature: None) -> DemoContext:
    from filiere.meetings import demo as meetings_demo
    from filiere.network import demo as network_demo
    from filiere.nomenclature import demo as nomenclature_demo
    from filiere.patients import demo as patients_demo

    ctx = DemoContext(seed=2026, size=40, report=lambda line: None)
    network_demo.build(ctx)
    nomenclature_demo.build(ctx)
    patients_demo.build(ctx)
    meetings_demo.build(ctx)
    return ctx


def _held(year: int) -> list[Meeting]:
    zone = timezone.get_current_timezone()
    return list(
        Meeting.objects.filter(
            starts_at__gte=dt.datetime(year, 1, 1, tzinfo=zone),
            starts_at__lt=dt.datetime(year + 1, 1, 1, tzinfo=zone),
            status__in=[Meeting.Status.OPEN, Meeting.Status.CLOSED],
        )
    )


def _figures(sections: list) -> dict[str, object]:
    return {f.label: f.value for s in sections for f in s.figures}


def test_last_years_report_matches_counts_made_on_the_data(
    demo_network: DemoContext, client_for: Callable[[User], Client], tmp_path: Path
) -> None:
    year = timezone.localdate().year - 1
    held = _held(year)
    discussed = AgendaItem.objects.filter(
        meeting__in=held, outcome=AgendaItem.Outcome.DISCUSSED
    ).exclude(purpose=AgendaItem.Purpose.RATIFICATION)
    cases = list(CaseRequest.objects.filter(pk__in=discussed.values("case")))
    present = [
        Participant.objects.filter(meeting=m, intervals__isnull=False).distinct().count()
        for m in held
    ]
    index = GroupIndex.load()
    groups: Counter[str] = Counter()
    for case in cases:
        groups.update(index.group_names(*snapshot_codes(case.registry_snapshot)) or {UNGROUPED})

    sections = activity_report(ReportPeriod(year))
    figures = _figures(sections)
    assert figures["RCP ordinaires tenues"] == sum(m.kind == "ordinary" for m in held) == 4
    assert figures["RCP urgentes tenues"] == sum(m.kind == "urgent" for m in held) == 1
    assert figures["Participants par réunion (min–max)"] == f"{min(present)}–{max(present)}"
    assert figures["Dossiers discutés"] == len(cases) > 0
    assert figures["dont pédiatriques"] == sum(c.is_paediatric for c in cases)
    assert figures["dont adultes"] == sum(not c.is_paediatric for c in cases)
    tables = {t.title: t for s in sections for t in s.tables}
    by_group = tables["Dossiers par groupe de maladies"]
    assert {row[0]: row[-1] for row in by_group.rows} == dict(groups)
    assert tables["Dossiers urgents par maladie"].rows
    # What no module records yet says so, rather than a zero; education is recorded now.
    assert figures["Journées, congrès et réunions de la filière"] == NOT_RECORDED
    assert "Journées et séances d'éducation thérapeutique (ETP)" not in figures
    assert figures["Séances tenues"] == 0

    # The network coordinator's page, its PDF and its CSV.
    client = client_for(User.objects.get(email__startswith="marc.dubois@"))
    page = client.get(URL, {"year": year})
    assert page.status_code == 200
    assert "RCP ordinaires tenues" in page.content.decode()
    pdf = client.get(URL, {"year": str(year), "format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    csv = client.get(URL, {"year": str(year), "format": "csv"}).content.decode()
    assert "RCP ordinaires tenues;4;" in csv
    # The command line writes the same two files.
    call_command("rapport", "activite", annee=year, out=tmp_path / "r.pdf")
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
    assert "RCP ordinaires tenues;4;" in (tmp_path / "r.csv").read_text(encoding="utf-8")


def test_refusals_and_an_empty_year(
    client_for: Callable[[User], Client],
    alice: User,
    network_coordinator: User,
    tmp_path: Path,
) -> None:
    client = client_for(network_coordinator)
    future = client.get(URL, {"year": timezone.localdate().year + 1})
    assert "Année : l&#x27;année n&#x27;est pas encore commencée." in future.content.decode()
    empty = client.get(URL, {"year": 2025})
    assert "Aucune activité enregistrée en 2025" in empty.content.decode()
    # A clinician has no report to produce; a centre's coordinator only her own centre's.
    assert client_for(alice).get(URL, {"year": 2025}).status_code == 404
    with pytest.raises(CommandError, match="aucun centre de FINESS"):
        call_command("rapport", "activite", annee=2025, centre="999999999", out=tmp_path / "r.pdf")
    with pytest.raises(CommandError, match="pas encore commencée"):
        call_command("rapport", "activite", annee=3000, out=tmp_path / "r.pdf")
    assert not (tmp_path / "r.pdf").exists()


def test_a_centre_coordinator_reports_on_her_own_centre_only(
    client_for: Callable[[User], Client], centre_a: Centre, centre_b: Centre
) -> None:
    coordinator = make_user(email="coordo-a@hopital.test", first_name="Anne", last_name="Girard")
    give_role(coordinator, centre_a, Role.CENTRE_COORDINATOR)
    client = client_for(coordinator)
    own = client.get(URL, {"year": 2025, "centre": centre_a.pk})
    assert own.status_code == 200
    assert "Aucune activité enregistrée en 2025" in own.content.decode()
    other = client.get(URL, {"year": 2025, "centre": centre_b.pk}).content.decode()
    assert "Sélectionnez un choix valide" in other
    assert "Aucune activité enregistrée" not in other
