"""A centre's national export run in the background: started by its data manager from the
exports page, followed on its job's page, its zip written whole in the private storage and
downloaded by the centre's exporters alone, every step audited; a worker killed midway leaves no
file and the export, run again, produces it once."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from fhir.resources.R4B.bundle import Bundle
from google.protobuf.json_format import Parse
from phenopackets import Phenopacket

from filiere.access.actors import SYSTEM
from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.jobs.models import EXPORT_KINDS, Job
from filiere.jobs.services import Progress, job_file_path, job_run
from filiere.network.models import Centre, Role
from filiere.patients.models import Consent, Patient
from filiere.patients.services import consent_record, diagnosis_record, phenotype_record
from filiere.patients.services.national_exports import (
    JOB_KINDS,
    national_export_start,
    national_export_zip,
)
from filiere.patients.tasks import export_centre
from filiere.testing.factories import (
    give_role,
    glanzmann_values,
    make_patient,
    make_user,
    with_form_token,
)
from filiere.testing.national_check import Check

pytestmark = pytest.mark.django_db

ClientFor = Callable[[User], Client]


@pytest.fixture
def dana(centre_a: Centre) -> User:
    """Centre A's data manager."""
    user = make_user(email="dana@a.test", first_name="Dana", last_name="Gestion")
    give_role(user, centre_a, Role.DATA_MANAGER)
    return user


@pytest.fixture
def bruno(centre_b: Centre) -> User:
    """Centre B's data manager: an exporter, of another centre."""
    user = make_user(email="bruno@b.test", first_name="Bruno", last_name="Lille")
    give_role(user, centre_b, Role.DATA_MANAGER)
    return user


@pytest.fixture
def cohort(patient_a: Patient, centre_a: Centre) -> dict[str, Patient]:
    """Centre A's patients: one with a Glanzmann thrombasthenia and a phenotype, one opposed to
    reuse."""
    diagnosis_record(actor=SYSTEM, patient=patient_a, centre=centre_a, **glanzmann_values())
    phenotype_record(actor=SYSTEM, patient=patient_a, hpo_id="HP:0000421")
    opposed = make_patient(centre_a, birth_name="Opposant", first_given_name="Irène")
    consent_record(
        actor=SYSTEM,
        patient=opposed,
        kind=Consent.Kind.BNDMR_OPPOSITION,
        answer=True,
        answered_on=dt.date(2024, 1, 1),
        information_version="v1",
    )
    return {"exported": patient_a, "opposed": opposed}


def start(client: Client, centre: Centre, dataset: str, capture: Callable[..., Any]) -> Any:
    with capture(execute=True):
        return client.post(
            "/patients/exports/",
            with_form_token({"centre": str(centre.public_id), "dataset": dataset}),
        )


def members(response: Any) -> dict[str, bytes]:
    content = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_the_data_manager_exports_the_centre_sdm_mr_and_downloads_the_zip(
    cohort: dict[str, Patient],
    centre_a: Centre,
    dana: User,
    client_for: ClientFor,
    django_capture_on_commit_callbacks: Callable[..., Any],
    national_check: Check,
) -> None:
    client = client_for(dana)
    assert "Exports nationaux" in client.get("/").content.decode()
    page = client.get("/patients/exports/").content.decode()
    assert "Lancer l'export" in page
    response = start(client, centre_a, "sdm-mr", django_capture_on_commit_callbacks)
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/taches/{job.public_id}/"
    assert (job.kind, job.status, job.centre, job.requested_by) == (
        Job.Kind.EXPORT_SDM_MR,
        Job.Status.DONE,
        centre_a,
        dana,
    )
    assert (job.done, job.total) == (2, 2)
    # Counts only: no pseudonym, no name in what the job page shows.
    assert job.result == {"patients": 2, "exported": 1, "opposed": 1, "incomplete": 0}
    html = client.get(f"/taches/{job.public_id}/").content.decode()
    assert "Patients exportés</dt><dd>1</dd>" in html
    assert f'href="/taches/{job.public_id}/fichier/"' in html
    assert job.file_name.startswith(f"SDM-MR_{centre_a.finess}_")
    # The requester is told by e-mail: a link to the job's page, not the file, no patient.
    (ready,) = [m for m in mail.outbox if m.to == [dana.email]]
    assert "prêt" in ready.subject
    assert f"/taches/{job.public_id}/" in ready.body
    assert not ready.attachments
    assert cohort["exported"].pseudonym not in ready.body

    download = client.get(f"/taches/{job.public_id}/fichier/")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    assert download["Content-Disposition"] == f'attachment; filename="{job.file_name}"'
    files = members(download)
    exported = cohort["exported"]
    assert list(files) == [f"SDM-MR_{exported.pseudonym}.xml"]
    assert national_check(files[f"SDM-MR_{exported.pseudonym}.xml"]) == []
    # The zip alone is left in the private storage, readable by the server's account only.
    path = job_file_path(job)
    assert [p.name for p in path.parent.iterdir()] == [path.name]
    assert path.stat().st_mode & 0o777 == 0o600

    exports = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT)
    assert (
        exports.filter(object_type="sdm-mr", actor=dana, centre_id=centre_a.public_id).count() == 1
    )
    assert exports.filter(patient_id=exported.public_id, actor=dana).count() == 1
    assert not exports.filter(patient_id=cohort["opposed"].public_id).exists()
    assert (
        exports.filter(object_type="jobs.job", object_id=str(job.public_id), actor=dana).count()
        == 1
    )


def test_the_phenopackets_export_parses_with_the_reference_library(
    cohort: dict[str, Patient],
    centre_a: Centre,
    dana: User,
    client_for: ClientFor,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    client = client_for(dana)
    start(client, centre_a, "phenopackets", django_capture_on_commit_callbacks)
    job = Job.objects.get()
    assert (job.kind, job.status) == (Job.Kind.EXPORT_PHENOPACKETS, Job.Status.DONE)
    assert job.result == {"patients": 2, "exported": 1, "opposed": 1, "incomplete": 0}
    files = members(client.get(f"/taches/{job.public_id}/fichier/"))
    exported = cohort["exported"]
    packet = Parse(
        files[f"{exported.pseudonym}.json"].decode(), Phenopacket(), ignore_unknown_fields=False
    )
    assert packet.subject.id == exported.pseudonym
    assert [f.type.id for f in packet.phenotypic_features] == ["HP:0000421"]
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.EXPORT, object_type="phenopackets", actor=dana
    ).exists()


def test_the_fhir_export_runs_in_the_background_and_validates_with_the_reference_models(
    cohort: dict[str, Patient],
    centre_a: Centre,
    dana: User,
    bruno: User,
    client_for: ClientFor,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    client = client_for(dana)
    assert "FHIR R4B" in client.get("/patients/exports/").content.decode()
    response = start(client, centre_a, "fhir", django_capture_on_commit_callbacks)
    job = Job.objects.get()
    assert response["Location"] == f"/taches/{job.public_id}/"
    assert (job.kind, job.status, job.centre) == (Job.Kind.EXPORT_FHIR, Job.Status.DONE, centre_a)
    assert job.is_export
    assert job.result == {"patients": 2, "exported": 1, "opposed": 1, "incomplete": 0}
    assert job.file_name.startswith(f"FHIR R4B_{centre_a.finess}_")
    (ready,) = [m for m in mail.outbox if m.to == [dana.email]]
    assert ready.subject.endswith("Export FHIR R4B : prêt")
    # The same rule as the other exports: another centre's exporter neither sees nor downloads.
    assert client_for(bruno).get(f"/taches/{job.public_id}/fichier/").status_code == 404
    files = members(client.get(f"/taches/{job.public_id}/fichier/"))
    exported = cohort["exported"]
    assert list(files) == [f"{exported.pseudonym}.json"]
    bundle: Any = Bundle.model_validate_json(files[f"{exported.pseudonym}.json"])
    patient = bundle.entry[0].resource
    assert patient.identifier[0].value == exported.pseudonym
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.EXPORT, object_type="fhir", actor=dana
    ).exists()
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.EXPORT, patient_id=exported.public_id, actor=dana
    ).exists()


def test_the_database_constraint_lists_every_export_kind() -> None:
    """An export without a centre would be downloadable by no one: the constraint names the
    same kinds as ``EXPORT_KINDS``."""
    constraint: Any
    (constraint,) = [c for c in Job._meta.constraints if c.name == "jobs_job_export_has_a_centre"]
    condition: Any = constraint.condition
    (negated,) = [child for child in condition.children if getattr(child, "negated", False)]
    ((lookup, listed),) = negated.children
    assert lookup == "kind__in"
    assert set(listed) == set(EXPORT_KINDS)
    assert set(JOB_KINDS.values()) == set(EXPORT_KINDS)


def test_another_centre_cannot_download_nor_export_the_centre(
    cohort: dict[str, Patient],
    centre_a: Centre,
    dana: User,
    bruno: User,
    alice: User,
    client_for: ClientFor,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    start(client_for(dana), centre_a, "sdm-mr", django_capture_on_commit_callbacks)
    job = Job.objects.get()
    for outsider in (bruno, alice):  # another centre's exporter; a clinician of the centre
        assert client_for(outsider).get(f"/taches/{job.public_id}/fichier/").status_code == 404
    refused = AuditEvent.objects.filter(
        action=AuditEvent.Action.ACCESS_DENIED, object_id=str(job.public_id)
    )
    assert refused.count() == 2
    assert not AuditEvent.objects.filter(
        action=AuditEvent.Action.EXPORT, object_type="jobs.job"
    ).exists()
    # Centre A is not among Bruno's centres: the form names the field, nothing is asked.
    response = start(client_for(bruno), centre_a, "sdm-mr", django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert "Centre" in response.content.decode()
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert Job.objects.count() == 1
    assert client_for(alice).get("/patients/exports/").status_code == 404


def test_a_colleague_exporter_of_the_same_centre_downloads_it_too(
    cohort: dict[str, Patient],
    centre_a: Centre,
    dana: User,
    client_for: ClientFor,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    start(client_for(dana), centre_a, "sdm-mr", django_capture_on_commit_callbacks)
    job = Job.objects.get()
    coordinator = make_user(email="coord@a.test", first_name="Claire", last_name="Coord")
    give_role(coordinator, centre_a, Role.CENTRE_COORDINATOR)
    client = client_for(coordinator)
    assert str(job.public_id) in client.get("/patients/exports/").content.decode()
    assert client.get(f"/taches/{job.public_id}/").status_code == 200
    assert client.get(f"/taches/{job.public_id}/fichier/").status_code == 200


class WorkerKilled(BaseException):
    """A worker stopped by a signal: no ``except Exception`` sees it, the job is left running."""


def export_stopped_by(error: BaseException, job: Job, actor: User) -> Callable[[Progress], Any]:
    """The export's work as the task runs it, stopped by ``error`` once every document is
    written, before the zip is complete."""

    def work(progress: Progress) -> dict[str, int]:
        def stop(done: int, total: int) -> None:
            progress(done, total)
            raise error

        assert job.centre is not None
        return national_export_zip(
            actor=actor,
            dataset="sdm-mr",
            centre=job.centre,
            path=job_file_path(job),
            on_progress=stop,
        ).counts()

    return work


def test_a_worker_killed_midway_leaves_no_file_and_the_rerun_produces_it_once(
    cohort: dict[str, Patient], centre_a: Centre, dana: User, client_for: ClientFor
) -> None:
    job = national_export_start(actor=dana, dataset="sdm-mr", centre=centre_a)
    with pytest.raises(WorkerKilled):
        job_run(job_id=job.public_id, work=export_stopped_by(WorkerKilled(), job, dana))
    job.refresh_from_db()
    assert (job.status, job.done, job.total) == (Job.Status.RUNNING, 2, 2)
    path = job_file_path(job)
    assert not path.exists()
    assert list(path.parent.iterdir()) == []
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()
    assert client_for(dana).get(f"/taches/{job.public_id}/fichier/").status_code == 404

    # The message comes back once the broker's visibility timeout has passed: run from the start.
    timeout = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert job.started_at is not None
    Job.objects.filter(pk=job.pk).update(
        started_at=job.started_at - dt.timedelta(seconds=timeout + 1)
    )
    assert export_centre(str(job.public_id))["exported"] == 1
    assert export_centre(str(job.public_id))["exported"] == 1  # delivered again: not rerun
    job.refresh_from_db()
    assert (job.status, job.done, job.total) == (Job.Status.DONE, 2, 2)
    assert [p.name for p in path.parent.iterdir()] == [path.name]
    exports = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, object_type="sdm-mr")
    assert exports.count() == 1
    assert client_for(dana).get(f"/taches/{job.public_id}/fichier/").status_code == 200


def test_a_failed_export_leaves_no_file_and_no_download(
    cohort: dict[str, Patient], centre_a: Centre, dana: User, client_for: ClientFor
) -> None:
    job = national_export_start(actor=dana, dataset="sdm-mr", centre=centre_a)
    with pytest.raises(OSError, match="disque plein"):
        job_run(job_id=job.public_id, work=export_stopped_by(OSError("disque plein"), job, dana))
    job.refresh_from_db()
    assert (job.status, job.error) == (Job.Status.FAILED, "OSError")
    assert list(job_file_path(job).parent.iterdir()) == []
    client = client_for(dana)
    assert "La tâche a échoué" in client.get(f"/taches/{job.public_id}/").content.decode()
    assert client.get(f"/taches/{job.public_id}/fichier/").status_code == 404
    assert export_centre(str(job.public_id)) == {}  # a failed job is not run again


def test_the_command_line_export_reports_its_progress(
    cohort: dict[str, Patient], centre_a: Centre, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from django.core.management import call_command

    call_command("export", "sdm-mr", "--out", str(tmp_path), "--centre", centre_a.finess)
    out = capsys.readouterr().out
    assert "  … 2/2" in out
    assert "1 document(s) SDM-MR écrits" in out
    assert [p.name for p in tmp_path.iterdir()] == [f"SDM-MR_{cohort['exported'].pseudonym}.xml"]


def test_the_exports_page_lists_the_centre_exports_in_a_fixed_number_of_queries(
    centre_a: Centre, dana: User, client_for: ClientFor
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from filiere.testing.factories import make_export

    client = client_for(dana)
    make_export(centre_a, actor=dana)
    with CaptureQueriesContext(connection) as one:
        client.get("/patients/exports/")
    make_export(centre_a, actor=dana, dataset="phenopackets")
    make_export(centre_a)
    with CaptureQueriesContext(connection) as three:
        page = client.get("/patients/exports/").content.decode()
    assert len(three) == len(one)
    assert page.count("Terminée") == 3
