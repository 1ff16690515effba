"""Issue 15: the yearly activity report, generated from the records. The demo network's report
for last year is checked against counts made here directly on the data, then produced as PDF
and CSV, from the page (a background job, issue 17) and from the command line."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from filiere.accounts.models import User
from filiere.core.reports import ReportPeriod, activity_report
from filiere.demo.context import DemoContext
from filiere.jobs.models import Job
from filiere.meetings.models import AgendaItem, CaseRequest, Meeting, Participant
from filiere.network.models import Centre, Role
from filiere.nomenclature.groups import UNGROUPED, GroupIndex, snapshot_codes
from filiere.testing.factories import give_role, make_user, with_form_token

pytestmark = pytest.mark.django_db

URL = "/rapports/activite/"
Capture = Callable[..., Any]


def ask(client: Client, capture: Capture, **fields: Any) -> Any:
    """Post the report's form, the job run as the worker runs it once the request commits."""
    with capture(execute=True):
        return client.post(URL, with_form_token({"centre": "", **fields}))


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
    demo_network: DemoContext,
    client_for: Callable[[User], Client],
    network_coordinator: User,
    tmp_path: Path,
    django_capture_on_commit_callbacks: Capture,
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
    # Education and the events are recorded now: their placeholders are gone.
    assert "Journées, congrès et réunions de la filière" not in figures
    assert figures["Événements tenus"] == 0
    assert "Journées et séances d'éducation thérapeutique (ETP)" not in figures
    assert figures["Séances tenues"] == 0

    # The network coordinator asks from the page; the worker writes the PDF and the CSV.
    marc = User.objects.get(email__startswith="marc.dubois@")
    client = client_for(marc)
    assert client.get(URL).status_code == 200
    response = ask(client, django_capture_on_commit_callbacks, year=str(year))
    job = Job.objects.get(kind=Job.Kind.ACTIVITY_REPORT)
    assert response["Location"] == f"/taches/{job.public_id}/"
    assert (job.status, job.requested_by, job.centre, job.params) == (
        Job.Status.DONE,
        marc,
        None,
        {"year": year},
    )
    assert job.done == job.total > 0  # one step per registered section
    (ready,) = [m for m in mail.outbox if m.to == [marc.email]]
    assert "Rapport d'activité : prêt" in ready.subject
    assert "depuis votre compte seulement" in ready.body
    page = client.get(f"/taches/{job.public_id}/").content.decode()
    assert f'href="/taches/{job.public_id}/fichier/"' in page
    assert f'href="/taches/{job.public_id}/fichier/csv/"' in page
    assert str(job.public_id) in client.get(URL).content.decode()  # « Vos derniers rapports »
    pdf: Any = client.get(f"/taches/{job.public_id}/fichier/")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == (
        f'attachment; filename="rapport_activite_{year}_reseau.pdf"'
    )
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    csv: Any = client.get(f"/taches/{job.public_id}/fichier/csv/")
    assert csv["Content-Disposition"] == (
        f'attachment; filename="rapport_activite_{year}_reseau.csv"'
    )
    assert "RCP ordinaires tenues;4;" in b"".join(csv.streaming_content).decode()
    # The requester alone downloads it: another network coordinator neither sees nor takes it.
    other = client_for(network_coordinator)
    for path in ("", "fichier/", "fichier/csv/"):
        assert other.get(f"/taches/{job.public_id}/{path}").status_code == 404
    assert client.get(f"/taches/{job.public_id}/fichier/zip/").status_code == 404
    # The command line writes the same two files.
    call_command("rapport", "activite", annee=year, out=tmp_path / "r.pdf")
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
    assert "RCP ordinaires tenues;4;" in (tmp_path / "r.csv").read_text(encoding="utf-8")


def test_refusals_and_an_empty_year(
    client_for: Callable[[User], Client],
    alice: User,
    network_coordinator: User,
    tmp_path: Path,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    client = client_for(network_coordinator)
    future = ask(client, django_capture_on_commit_callbacks, year=timezone.localdate().year + 1)
    assert future.status_code == 200
    assert "Année : l&#x27;année n&#x27;est pas encore commencée." in future.content.decode()
    assert not Job.objects.exists()
    ask(client, django_capture_on_commit_callbacks, year="2025")
    job = Job.objects.get()
    assert job.result["sections_with_activity"] == 0
    page = client.get(f"/taches/{job.public_id}/").content.decode()
    assert "Rubriques où une activité est enregistrée</dt><dd>0</dd>" in page
    # A clinician has no report to produce; a centre's coordinator only her own centre's.
    assert client_for(alice).get(URL).status_code == 404
    assert (
        ask(client_for(alice), django_capture_on_commit_callbacks, year="2025").status_code == 404
    )
    assert Job.objects.count() == 1
    with pytest.raises(CommandError, match="aucun centre de FINESS"):
        call_command("rapport", "activite", annee=2025, centre="999999999", out=tmp_path / "r.pdf")
    with pytest.raises(CommandError, match="pas encore commencée"):
        call_command("rapport", "activite", annee=3000, out=tmp_path / "r.pdf")
    assert not (tmp_path / "r.pdf").exists()


def test_a_centre_coordinator_reports_on_her_own_centre_only(
    client_for: Callable[[User], Client],
    centre_a: Centre,
    centre_b: Centre,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    coordinator = make_user(email="coordo-a@hopital.test", first_name="Anne", last_name="Girard")
    give_role(coordinator, centre_a, Role.CENTRE_COORDINATOR)
    client = client_for(coordinator)
    own = ask(client, django_capture_on_commit_callbacks, year="2025", centre=centre_a.pk)
    job = Job.objects.get()
    assert own["Location"] == f"/taches/{job.public_id}/"
    assert (job.centre, job.status) == (centre_a, Job.Status.DONE)
    assert job.file_name == f"rapport_activite_2025_{centre_a.finess}.pdf"
    other = ask(client, django_capture_on_commit_callbacks, year="2025", centre=centre_b.pk)
    assert "Sélectionnez un choix valide" in other.content.decode()
    assert Job.objects.count() == 1
