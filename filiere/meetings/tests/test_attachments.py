"""Attachments: PDF and images only (read from the content), size-limited, outside the web
root, served only through a permission-checked, audited view."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.test.utils import override_settings

from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.meetings import services
from filiere.meetings.models import CaseAttachment, CaseRequest, MeetingSeries
from filiere.patients.models import Patient
from filiere.testing.meetings import JPEG_BYTES, PDF_BYTES, PNG_BYTES, make_case, pdf_upload

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User], Client]


@pytest.fixture
def case(series: MeetingSeries, alice: User, patient_a: Patient) -> CaseRequest:
    return make_case(series, alice, patient_a)


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("compte-rendu.pdf", PDF_BYTES, "application/pdf"),
        ("frottis.png", PNG_BYTES, "image/png"),
        ("frottis.JPG", JPEG_BYTES, "image/jpeg"),
    ],
)
def test_pdf_and_images_are_stored_outside_the_web_root(
    case: CaseRequest, alice: User, name: str, content: bytes, content_type: str
) -> None:
    attachment = services.attachment_add(
        actor=alice, case=case, upload=pdf_upload(name, content), description="Bilan"
    )
    path = services.attachment_path(attachment)
    assert attachment.content_type == content_type
    assert path.read_bytes() == content
    assert path.is_relative_to(Path(settings.PRIVATE_FILES_DIR))
    assert not path.is_relative_to(Path(settings.STATIC_ROOT))
    assert path.stat().st_mode & 0o077 == 0
    assert attachment.original_name == name


def test_a_file_that_is_not_a_pdf_or_an_image_is_refused_and_not_kept(
    case: CaseRequest, alice: User
) -> None:
    with pytest.raises(ValidationError) as refused:
        services.attachment_add(
            actor=alice, case=case, upload=pdf_upload("cr.pdf", b"MZ\x90\x00 not a pdf")
        )
    assert "ni un PDF" in refused.value.message_dict["file"][0]
    assert not CaseAttachment.objects.exists()
    assert not list((Path(settings.PRIVATE_FILES_DIR) / "rcp").glob("*"))
    event = AuditEvent.objects.get(action="refused", actor=alice)
    assert event.patient_id == case.patient.public_id


def test_a_file_whose_name_lies_about_its_content_is_refused(
    case: CaseRequest, alice: User
) -> None:
    with pytest.raises(ValidationError, match="ne correspond pas"):
        services.attachment_add(actor=alice, case=case, upload=pdf_upload("scan.pdf", JPEG_BYTES))


@override_settings(ATTACHMENT_MAX_BYTES=len(PDF_BYTES) - 1)
def test_a_file_too_big_is_refused(case: CaseRequest, alice: User) -> None:
    with pytest.raises(ValidationError, match="taille maximale"):
        services.attachment_add(actor=alice, case=case, upload=pdf_upload())
    assert not CaseAttachment.objects.exists()


def test_an_empty_file_is_refused(case: CaseRequest, alice: User) -> None:
    with pytest.raises(ValidationError, match="vide"):
        services.attachment_add(actor=alice, case=case, upload=pdf_upload(content=b""))


def test_someone_else_cannot_attach_to_the_case(
    case: CaseRequest, charlie: User, client_for: ClientFor
) -> None:
    """The page refuses with the audited 404 (the service trusts its caller)."""
    response = client_for(charlie).post(
        f"/rcp/demandes/{case.public_id}/pieces/", {"file": pdf_upload()}
    )
    assert response.status_code == 404
    assert not CaseAttachment.objects.exists()
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.ACCESS_DENIED, actor=charlie, patient_id=case.patient.public_id
    ).exists()


def test_the_download_checks_the_case_and_is_audited(
    case: CaseRequest, alice: User, charlie: User, client_for: ClientFor
) -> None:
    attachment = services.attachment_add(actor=alice, case=case, upload=pdf_upload())
    url = f"/rcp/demandes/{case.public_id}/pieces/{attachment.public_id}/"
    response = client_for(alice).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES  # type: ignore[attr-defined]
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert AuditEvent.objects.filter(
        action="view", object_id=str(attachment.public_id), patient_id=case.patient.public_id
    ).exists()
    assert client_for(charlie).get(url).status_code == 404
    assert AuditEvent.objects.filter(action="access_denied", actor=charlie).exists()


def test_uploading_through_the_page_reports_a_refusal(
    case: CaseRequest, alice: User, client_for: ClientFor
) -> None:
    client = client_for(alice)
    response = client.post(
        f"/rcp/demandes/{case.public_id}/pieces/",
        {"file": pdf_upload("photo.png", PDF_BYTES), "description": ""},
        follow=True,
    )
    assert "ne correspond pas" in response.content.decode()
    response = client.post(
        f"/rcp/demandes/{case.public_id}/pieces/", {"file": pdf_upload()}, follow=True
    )
    assert case.attachments.count() == 1
