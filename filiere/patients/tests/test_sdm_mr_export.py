"""The national minimum dataset export: valid documents, opposition respected, audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from filiere.access.actors import SYSTEM
from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.demo.context import DemoContext
from filiere.network.models import Centre
from filiere.patients.models import Consent, Patient
from filiere.patients.services import consent_record
from filiere.testing.national_check import Check

ClientFor = Callable[[User], Client]


@pytest.fixture
def demo_cohort(db: None) -> list[Patient]:
    """The demo network and a small demo cohort, built by the demo builders themselves."""
    from filiere.demo.builders import builders

    ctx = DemoContext(seed=7, size=25, report=lambda line: None)
    for name, build in builders():
        # Visits (follow-up) and case discussions (meetings) become national activities.
        if name in {"network", "nomenclature", "patients", "followup", "meetings"}:
            build(ctx)
    return list(ctx.objects["patients"])


def test_every_exported_document_of_the_demo_cohort_passes_the_national_check(
    demo_cohort: list[Patient], tmp_path: Path, national_check: Check
) -> None:
    opposed = sum(
        1
        for patient in demo_cohort
        if patient.consents.filter(kind=Consent.Kind.BNDMR_OPPOSITION, answer=True).exists()
    )
    call_command("export", "sdm-mr", "--out", str(tmp_path))
    files = sorted(tmp_path.glob("*.xml"))
    assert len(files) == len(demo_cohort) - opposed
    with_activities = 0
    for path in files:
        document = path.read_bytes()
        assert national_check(document) == [], path.name
        with_activities += any(code in document for code in (b"ORG-047", b"ORG-198", b"ORG-199"))
    assert with_activities > 0
    assert AuditEvent.objects.filter(action="export", object_type="sdm-mr").count() == 1


def test_the_national_check_catches_a_broken_document(
    demo_cohort: list[Patient], tmp_path: Path, national_check: Check
) -> None:
    call_command("export", "sdm-mr", "--out", str(tmp_path))
    document = next(tmp_path.glob("*.xml")).read_bytes()
    broken = (
        document.replace(b'code="255545003"', b'code="999999999"')
        .replace(b'code="385651009"', b'code="999999999"')
        .replace(b'code="42425007"', b'code="999999999"')
    )
    assert broken != document
    assert national_check(broken) != []


def test_a_patient_who_opposes_is_left_out_and_counted(
    patient_a: Patient, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    consent_record(
        actor=SYSTEM,
        patient=patient_a,
        kind=Consent.Kind.BNDMR_OPPOSITION,
        answer=True,
        answered_on=dt.date(2024, 1, 1),
        information_version="v1",
    )
    call_command("export", "sdm-mr", "--out", str(tmp_path))
    assert list(tmp_path.glob("*.xml")) == []
    assert "1 patient(s) opposé(s)" in capsys.readouterr().out


def test_export_by_centre_and_since(patient_a: Patient, centre_b: Centre, tmp_path: Path) -> None:
    call_command("export", "sdm-mr", "--out", str(tmp_path / "b"), "--centre", centre_b.finess)
    assert list((tmp_path / "b").glob("*.xml")) == []
    call_command("export", "sdm-mr", "--out", str(tmp_path / "future"), "--since", "2999-01-01")
    assert list((tmp_path / "future").glob("*.xml")) == []
    call_command("export", "sdm-mr", "--out", str(tmp_path / "all"), "--since", "2000-01-01")
    assert len(list((tmp_path / "all").glob("*.xml"))) == 1


def test_the_patient_page_downloads_its_own_document(
    patient_a: Patient, alice: User, charlie: User, client_for: ClientFor, national_check: Check
) -> None:
    response = client_for(alice).get(f"/patients/{patient_a.public_id}/sdm-mr.xml")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    assert national_check(response.content) == []
    assert AuditEvent.objects.filter(action="export", patient_id=patient_a.public_id).exists()
    assert client_for(charlie).get(f"/patients/{patient_a.public_id}/sdm-mr.xml").status_code == 404


def test_a_record_missing_a_mandatory_item_is_reported_not_exported(
    nomenclature: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from filiere.testing.factories import make_centre, make_patient

    centre = make_centre(name="Centre sans code de site", rd_site_code="")
    patient = make_patient(centre)
    call_command("export", "sdm-mr", "--out", str(tmp_path))
    assert list(tmp_path.glob("*.xml")) == []
    assert f"{patient.pseudonym} : Code de site" in capsys.readouterr().err
