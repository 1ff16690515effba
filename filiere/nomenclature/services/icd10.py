"""ICD-10 codes (CIM-10) with their French and English labels."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from filiere.access.actors import Actor
from filiere.audit.models import AuditEvent
from filiere.audit.services import audit_record
from filiere.nomenclature import sources
from filiere.nomenclature.models import (
    Icd10Code,
    NomenclatureRelease,
)
from filiere.nomenclature.services.releases import ImportResult, release_start, rows_upsert


@transaction.atomic
def icd10_import_records(
    *, actor: Actor, codes: Iterable[sources.Icd10Record], version: str, checksum: str
) -> ImportResult:
    release = release_start(
        actor=actor,
        system=NomenclatureRelease.System.ICD10,
        checksum=checksum,
        version=version,
        source=version,
    )
    if isinstance(release, ImportResult):
        return release

    def refresh(code: Icd10Code, record: sources.Icd10Record) -> bool:
        code.label_fr = record.label_fr or code.label_fr
        code.label_en = record.label_en or code.label_en
        code.last_release = release
        return True

    upserted = rows_upsert(
        Icd10Code.objects.all(),
        codes,
        key="code",
        build=lambda r: Icd10Code(
            code=r.code, label_fr=r.label_fr, label_en=r.label_en, last_release=release
        ),
        refresh=refresh,
        fields=["label_fr", "label_en", "last_release"],
    )
    release.added, release.updated = upserted.added, upserted.refreshed
    release.save(update_fields=["added", "updated"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=release,
        summary=f"Import CIM-10 {version} : +{release.added}",
    )
    return ImportResult(release, False, "Import terminé.")
