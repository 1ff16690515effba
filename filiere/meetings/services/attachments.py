"""The case file's attachments: PDF and images stored outside the web root, and their reads."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ValidationError

from filiere.access.actors import Actor, acting_user
from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.core.services import create_validated, records_refusals
from filiere.meetings import rules
from filiere.meetings.models import CaseAttachment, CaseRequest
from filiere.meetings.services.common import audit, touch


class Upload(Protocol):
    name: str | None
    size: int | None

    def chunks(self, chunk_size: int | None = None) -> Iterable[bytes]: ...


def attachments_dir() -> Path:
    return Path(settings.PRIVATE_FILES_DIR) / "rcp"


def attachment_path(attachment: CaseAttachment) -> Path:
    return attachments_dir() / attachment.storage_name


def _size_label(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} Mo"


ATTACHMENT_STATUSES = (
    CaseRequest.Status.SUBMITTED,
    CaseRequest.Status.RETURNED,
    CaseRequest.Status.ACCEPTED,
    CaseRequest.Status.DISCUSSED,
)


@records_refusals("Pièce jointe")
def attachment_add(
    *, actor: Actor, case: CaseRequest, upload: Upload, description: str = ""
) -> CaseAttachment:
    """Store a PDF or image of the case file outside the web root; the type is read from the
    content (magic bytes) and must match the file name."""
    if case.status not in ATTACHMENT_STATUSES:
        raise ValidationError({"file": "Le dossier est clos : plus de pièce jointe."})
    name = Path(upload.name or "document").name[:200]
    limit = settings.ATTACHMENT_MAX_BYTES
    if not upload.size:
        raise ValidationError({"file": f"« {name} » est vide."})
    if upload.size > limit:
        raise ValidationError(
            {"file": f"« {name} » dépasse la taille maximale ({_size_label(limit)})."}
        )
    storage_name = f"{uuid.uuid4().hex}.bin"
    path = attachments_dir() / storage_name
    path.parent.mkdir(parents=True, exist_ok=True)
    digest, size, head = hashlib.sha256(), 0, b""
    try:
        with path.open("xb") as target:
            path.chmod(0o600)
            for chunk in upload.chunks():
                if len(head) < 16:
                    head += chunk[: 16 - len(head)]
                size += len(chunk)
                if size > limit:
                    raise ValidationError(
                        {"file": f"« {name} » dépasse la taille maximale ({_size_label(limit)})."}
                    )
                digest.update(chunk)
                target.write(chunk)
        content_type = rules.sniff_content_type(head)
        if content_type is None:
            raise ValidationError(
                {"file": f"« {name} » n'est ni un PDF ni une image PNG ou JPEG (contenu vérifié)."}
            )
        if not rules.extension_matches(name, content_type):
            label = CaseAttachment.ContentType(content_type).label
            raise ValidationError(
                {"file": f"Le nom « {name} » ne correspond pas au contenu du fichier ({label})."}
            )
        attachment = create_validated(
            CaseAttachment,
            case=case,
            original_name=name,
            description=description.strip()[:200],
            content_type=content_type,
            size=size,
            sha256=digest.hexdigest(),
            storage_name=storage_name,
            uploaded_by=acting_user(actor),
        )
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    touch(case)
    audit(actor, AuditEvent.Action.CREATE, attachment, case=case, summary=f"Pièce jointe {name}")
    return attachment


def attachment_downloaded(*, actor: User, attachment: CaseAttachment) -> None:
    audit(
        actor,
        AuditEvent.Action.VIEW,
        attachment,
        case=attachment.case,
        summary=f"Pièce jointe consultée : {attachment.original_name}",
    )
