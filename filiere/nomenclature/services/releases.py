"""What every nomenclature import shares: the release it fills, known by its file's checksum."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from filiere.access.actors import Actor, acting_user
from filiere.nomenclature.models import (
    NomenclatureRelease,
)


@dataclass(frozen=True)
class ImportResult:
    release: NomenclatureRelease | None
    skipped: bool
    message: str


def file_checksum(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def release_start(
    *, actor: Actor, system: str, checksum: str, version: str, source: str
) -> NomenclatureRelease | ImportResult:
    """Return the new release an import fills, or the skipped result when the file is known.

    A file is known by its system and checksum: importing it again changes nothing. The version
    and source are cut to their columns' lengths.
    """
    previous = NomenclatureRelease.objects.filter(system=system, checksum=checksum).first()
    if previous is not None:
        return ImportResult(previous, True, f"Déjà importé le {previous.imported_at:%d/%m/%Y}.")
    return NomenclatureRelease.objects.create(
        system=system,
        version=version[:100],
        source=source[:300],
        checksum=checksum,
        imported_by=acting_user(actor),
    )
