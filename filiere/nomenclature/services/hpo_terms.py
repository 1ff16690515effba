"""The HPO: the release hpo3 ships, and the French translation's labels and synonyms."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from django.db import transaction

from filiere.access.actors import Actor
from filiere.audit.models import AuditEvent
from filiere.audit.services import audit_record
from filiere.lib.names import search_key
from filiere.nomenclature import hpo, sources
from filiere.nomenclature.models import (
    HpoFrenchLabel,
    HpoFrenchName,
    NomenclatureRelease,
)
from filiere.nomenclature.services.releases import (
    ImportResult,
    file_checksum,
    release_start,
    rows_upsert,
)


def hpo_french_checksum(folder: Path) -> str:
    """One fingerprint for the pair of files (a new synonym table is a new release)."""
    parts = [
        file_checksum(folder / name)
        for name in (sources.HPO_FR_LABELS, sources.HPO_FR_SYNONYMS)
        if (folder / name).is_file()
    ]
    return hashlib.sha256(" ".join(parts).encode()).hexdigest()


@transaction.atomic
def hpo_french_import_records(
    *,
    actor: Actor,
    records: dict[str, sources.HpoFrenchRecord],
    version: str,
    source: str,
    checksum: str,
) -> ImportResult:
    """Record the French HPO labels of a translation release; a label the release no longer
    has becomes obsolete (English is shown again). The search names (labels and synonyms,
    terms without a label included) are rebuilt."""
    release = release_start(
        actor=actor,
        system=NomenclatureRelease.System.HPO_FR,
        checksum=checksum,
        version=version or "?",
        source=source,
    )
    if isinstance(release, ImportResult):
        return release
    labelled = {hpo_id: r for hpo_id, r in records.items() if r.label}

    def refresh(term: HpoFrenchLabel, record: sources.HpoFrenchRecord) -> bool:
        label, definition = record.label[:300], record.definition
        changed = (term.label, term.definition, term.is_obsolete) != (label, definition, False)
        term.label, term.definition, term.is_obsolete = label, definition, False
        term.last_release = release
        return changed

    upserted = rows_upsert(
        HpoFrenchLabel.objects.all(),
        labelled.values(),
        key="hpo_id",
        build=lambda r: HpoFrenchLabel(
            hpo_id=r.hpo_id, label=r.label[:300], definition=r.definition, last_release=release
        ),
        refresh=refresh,
        fields=["label", "definition", "is_obsolete", "last_release"],
    )
    release.updated = upserted.changed
    missing = HpoFrenchLabel.objects.exclude(hpo_id__in=list(labelled)).filter(is_obsolete=False)
    release.added, release.obsoleted = upserted.added, missing.update(is_obsolete=True)
    HpoFrenchName.objects.all().delete()
    HpoFrenchName.objects.bulk_create(_hpo_french_names(records.values()), batch_size=2000)
    release.save(update_fields=["added", "updated", "obsoleted"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=release,
        summary=f"Import HPO français {release.version} : +{release.added}, ~{release.updated}, "
        f"obsolètes {release.obsoleted}",
    )
    return ImportResult(release, False, "Import terminé.")


def _hpo_french_names(records: Iterable[sources.HpoFrenchRecord]) -> list[HpoFrenchName]:
    names = []
    for record in records:
        seen: set[str] = set()
        kinds = [(record.label, HpoFrenchName.Kind.LABEL)] if record.label else []
        kinds += [(synonym, HpoFrenchName.Kind.SYNONYM) for synonym in record.synonyms]
        for name, kind in kinds:
            folded = search_key(name)[:300]
            if folded and folded not in seen:
                seen.add(folded)
                names.append(
                    HpoFrenchName(hpo_id=record.hpo_id, name=name[:300], folded=folded, kind=kind)
                )
    return names


def hpo_french_import_folder(*, actor: Actor, folder: Path) -> ImportResult:
    """Import the HPO's French translation files of ``folder`` (labels, then synonyms)."""
    if not (folder / sources.HPO_FR_LABELS).is_file():
        raise sources.NomenclatureFileError(
            f"{folder} : fichier {sources.HPO_FR_LABELS} introuvable."
        )
    checksum = hpo_french_checksum(folder)
    # The translation files carry no version: their fingerprint names the release.
    return hpo_french_import_records(
        actor=actor,
        records=sources.read_hpo_french(folder),
        version=f"hp-fr {checksum[:12]}",
        source=f"{folder.name}/{sources.HPO_FR_LABELS}",
        checksum=checksum,
    )


@transaction.atomic
def hpo_release_record(*, actor: Actor) -> ImportResult:
    """Record the HPO release shipped by hpo3, against which phenotype terms are checked, so
    that a registry export can say which HPO version its terms come from."""
    version = hpo.hpo_version()
    checksum = hashlib.sha256(f"hpo3 {version}".encode()).hexdigest()
    release = release_start(
        actor=actor,
        system=NomenclatureRelease.System.HPO,
        checksum=checksum,
        version=version,
        source="hpo3",
    )
    if isinstance(release, ImportResult):
        return release
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=release,
        summary=f"HPO {release.version} (hpo3)",
    )
    return ImportResult(release, False, "Version enregistrée.")
